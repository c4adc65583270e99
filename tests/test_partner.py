# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo.tests import tagged

from .common import ServiceCase


@tagged("post_install", "-at_install")
class TestPartnerCard(ServiceCase):
    def test_service_history_counts_on_company_and_contact(self):
        self.new_enquiry()
        self.new_enquiry(partner_id=self.contact.id)
        complaint = self.routed_complaint("quality")
        self.new_complaint().with_user(self.manager).action_cancel()
        complaint.action_create_action()
        for partner in (self.customer, self.contact):
            partner.invalidate_recordset()
            self.assertEqual(partner.service_enquiry_count, 2)
            self.assertEqual(partner.service_complaint_count, 2)
            self.assertEqual(partner.service_open_complaint_count, 1)
            self.assertEqual(partner.service_action_count, 1)

    def test_smart_buttons_open_the_customers_records(self):
        enquiry = self.new_enquiry(partner_id=self.contact.id)
        action = self.customer.action_view_service_enquiries()
        self.assertEqual(self.env["service.enquiry"].search(action["domain"]), enquiry)
        self.assertEqual(action["context"]["default_partner_id"], self.customer.id)

    def test_key_customer_and_open_complaint_filters(self):
        ordinary = self.env["res.partner"].create({"name": "Ordinary Fan Factory", "is_company": True})
        Partner = self.env["res.partner"]
        self.assertIn(self.customer, Partner.search([("is_key_customer", "=", True)]))
        self.assertNotIn(ordinary, Partner.search([("is_key_customer", "=", True)]))
        open_domain = [("service_complaint_ids.state", "in", ["new", "responded", "in_analysis"])]
        self.assertNotIn(self.customer, Partner.search(open_domain))
        self.new_complaint()
        self.assertIn(self.customer, Partner.search(open_domain))
        self.assertNotIn(ordinary, Partner.search(open_domain))
