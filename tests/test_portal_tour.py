# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
"""Browser tour: a customer files a complaint on the portal and writes in its chatter."""

from odoo.tests import HttpCase, new_test_user, tagged

from .common import ReturnCase


@tagged("post_install", "-at_install")
class TestPortalComplaintTour(ReturnCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal = new_test_user(
            cls.env,
            login="t_portal_tour",
            groups="base.group_portal",
            partner_id=cls.contact.id,
            name=cls.contact.name,
        )
        cls.order, cls.delivery = cls.sell_and_deliver([(cls.lot_bearing, 20, {cls.lot_a: 20})])

    def test_customer_files_a_complaint_with_a_photo_and_writes_in_its_chatter(self):
        Complaint = self.env["service.complaint"]
        before = Complaint.search([("commercial_partner_id", "=", self.customer.id)])
        self.start_tour("/my", "customer_service_control_portal_complaint", login="t_portal_tour")
        complaint = Complaint.search([("commercial_partner_id", "=", self.customer.id)]) - before
        self.assertEqual(len(complaint), 1)
        self.assertRecordValues(
            complaint,
            [
                {
                    "state": "new",
                    "channel": "portal",
                    "contact_id": self.contact.id,
                    "user_id": self.sales.id,
                    "picking_id": self.delivery.id,
                    "sale_order_id": self.order.id,
                    "product_ids": self.lot_bearing.ids,
                    "lot_ids": self.lot_a.ids,
                }
            ],
        )
        self.assertIn("Loud noise on the 6205 bearings after 200 hours", complaint.description)
        photo = self.env["ir.attachment"].search(
            [("res_model", "=", "service.complaint"), ("res_id", "=", complaint.id)]
        )
        self.assertEqual(photo.mapped("name"), ["noisy_bearing.png"])
        self.assertEqual(photo.mimetype, "image/png")
        message = complaint.message_ids.filtered(lambda m: "kept aside for your inspector" in (m.body or ""))
        self.assertEqual(len(message), 1)
        self.assertEqual(message.author_id, self.contact)
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))
