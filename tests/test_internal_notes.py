# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
"""Internal messages are notes: a customer following the record receives none of them."""

from odoo.tests import tagged

from .common import ServiceCase


@tagged("post_install", "-at_install")
class TestInternalNotes(ServiceCase):
    def notified(self, record, partner):
        return (
            self.env["mail.notification"]
            .sudo()
            .search([("mail_message_id", "in", record.message_ids.ids), ("res_partner_id", "=", partner.id)])
        )

    def test_escalation_is_a_note_the_customer_does_not_receive(self):
        enquiry = self.new_enquiry()
        enquiry.message_subscribe(partner_ids=[self.customer.id, self.contact.id])
        enquiry.with_user(self.sales).write({"is_important": True})
        message = enquiry.message_ids.filtered(lambda m: "leadership" in (m.body or ""))
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_note"))
        self.assertFalse(self.notified(enquiry, self.customer) | self.notified(enquiry, self.contact))
        self.assertIn(self.leader.partner_id, message.notification_ids.res_partner_id)

    def test_site_inspection_refusal_is_a_note_the_customer_does_not_receive(self):
        inspection = (
            self.env["service.site.inspection"]
            .with_user(self.sales)
            .create({"partner_id": self.customer.id, "purpose": "Audit the grinding line"})
        )
        inspection.message_subscribe(partner_ids=[self.customer.id])
        inspection.with_user(self.vp).action_refuse("Line under maintenance")
        message = inspection.message_ids.filtered(lambda m: "refused" in (m.body or ""))
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_note"))
        self.assertFalse(self.notified(inspection, self.customer))
        self.assertIn(self.sales.partner_id, message.notification_ids.res_partner_id)
        self.assertFalse(self.env["mail.mail"].sudo().search([("recipient_ids", "in", self.customer.ids)]))
