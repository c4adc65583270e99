# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ServiceCase

ANALYSIS = "customer_service_control.mail_act_complaint_analysis"


@tagged("post_install", "-at_install")
class TestRouting(ServiceCase):
    def assertRoutedTo(self, complaint, department, user, handling="department"):
        self.assertEqual(complaint.department_id, department)
        self.assertEqual(complaint.responsible_user_id, user)
        self.assertEqual(complaint.handling, handling)
        self.assertEqual(self.activities(complaint, ANALYSIS).user_id, user)

    def test_quality_goes_to_the_inspection_group(self):
        self.assertRoutedTo(self.routed_complaint("quality"), self.dep_inspection, self.inspector)

    def test_manufacturing_goes_to_production(self):
        self.assertRoutedTo(self.routed_complaint("manufacturing"), self.dep_production, self.prod_manager)

    def test_design_goes_to_the_technical_department(self):
        self.assertRoutedTo(self.routed_complaint("design"), self.dep_technical, self.technical)

    def test_misuse_is_the_customers_responsibility_with_optional_assistance(self):
        complaint = self.routed_complaint("misuse")
        self.assertRoutedTo(complaint, self.dep_technical, self.technical, handling="customer")
        complaint.with_user(self.technical).write(
            {
                "assistance_requested": True,
                "analysis": "<p>Bearing mounted with a hammer.</p>",
                "resolution": "<p>Explained correct mounting with a press.</p>",
            }
        )
        with self.assertRaisesRegex(UserError, "technician"):
            complaint.with_user(self.technical).action_resolve()
        complaint.with_user(self.technical).write(
            {
                "technician_id": self.technical.id,
                "assistance_date": "2026-06-01",
                "assistance_outcome": "<p>OK</p>",
            }
        )
        complaint.with_user(self.technical).action_resolve()
        self.assertEqual(complaint.state, "resolved")

    def test_transport_damage_follows_the_delivery_procedure(self):
        complaint = self.routed_complaint("transport")
        self.assertEqual(complaint.handling, "delivery_procedure")
        self.assertEqual(complaint.department_id, self.dep_sales)
        self.assertTrue(complaint.message_ids.filtered(lambda m: "delivery control procedure" in (m.body or "")))

    def test_routing_table_is_configurable(self):
        routing = self.env.ref("customer_service_control.routing_quality")
        routing.with_user(self.manager).write({"user_id": self.prod_manager.id})
        self.assertRoutedTo(self.routed_complaint("quality"), self.dep_inspection, self.prod_manager)

    def test_manual_department_is_kept(self):
        complaint = self.new_complaint(response_type="call")
        complaint.action_respond()
        complaint.write({"cause": "quality", "department_id": self.dep_technical.id})
        complaint.action_start_analysis()
        self.assertEqual(complaint.department_id, self.dep_technical)

    def test_company_without_routing_keeps_complaint_unrouted(self):
        other = self.env["res.company"].create({"name": "Other Bearings Ltd"})
        # A company created gets the procedure's routing (tests/test_company_setup.py): remove it.
        self.env["service.complaint.routing"].search([("company_id", "=", other.id)]).unlink()
        self.sales.write({"company_ids": [(4, other.id)]})
        customer = self.env["res.partner"].create({"name": "Other customer", "company_id": other.id})
        complaint = (
            self.env["service.complaint"]
            .with_user(self.sales)
            .with_company(other)
            .create({"partner_id": customer.id, "description": "<p>Rust</p>", "response_type": "letter"})
        )
        complaint.action_respond()
        complaint.cause = "quality"
        complaint.action_start_analysis()
        self.assertEqual(complaint.state, "in_analysis")
        self.assertFalse(complaint.department_id)
        self.assertFalse(complaint.routing_id)
