# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, tagged

from .common import ServiceCase


@tagged("post_install", "-at_install")
class TestComplaint(ServiceCase):
    @freeze_time("2026-05-04 10:00:00")
    def test_response_deadline_is_48_hours(self):
        complaint = self.new_complaint(user=self.manager, received_at="2026-05-04 09:15:00")
        self.assertEqual(complaint.deadline, self.dt("2026-05-06 09:15:00"))
        self.company.service_complaint_response_hours = 24
        self.assertEqual(
            self.new_complaint(user=self.manager, received_at="2026-05-04 09:15:00").deadline,
            self.dt("2026-05-05 09:15:00"),
        )

    def test_complaint_flow_end_to_end(self):
        complaint = self.new_complaint()
        self.assertTrue(complaint.name.startswith("CMP/"))
        complaint.response_type = "letter"
        complaint.action_respond()
        self.assertEqual(complaint.state, "responded")
        self.assertEqual(complaint.responded_by_id, self.sales)
        self.assertTrue(complaint.responded_in_time)

        complaint.cause = "quality"
        complaint.action_start_analysis()
        self.assertEqual(complaint.state, "in_analysis")
        self.assertEqual(complaint.department_id, self.dep_inspection)

        complaint.with_user(self.inspector).write(
            {"analysis": "<p>Raceway dent from mounting.</p>", "resolution": "<p>Replace 20 pcs.</p>"}
        )
        complaint.with_user(self.inspector).action_resolve()
        self.assertEqual(complaint.state, "resolved")
        self.assertTrue(complaint.resolved_at)

        complaint.customer_acceptance = "Accepted by phone, Mr Zhang"
        complaint.action_close()
        self.assertEqual(complaint.state, "closed")
        self.assertTrue(complaint.closed_at)

    def test_first_response_needs_its_form(self):
        complaint = self.new_complaint()
        with self.assertRaisesRegex(UserError, "person sent, a letter or a call"):
            complaint.action_respond()
        self.assertEqual(complaint.state, "new")

    def test_response_before_reception_is_refused(self):
        complaint = self.new_complaint(user=self.manager, received_at="2026-02-01 08:00:00")
        with (
            self.assertRaisesRegex(ValidationError, "cannot be before the complaint was received"),
            self.env.cr.savepoint(),
        ):
            complaint.write({"response_type": "letter", "responded_at": "2026-01-31 08:00:00"})
        complaint.invalidate_recordset()
        self.assertFalse(complaint.responded_at)

    def test_routing_needs_a_cause(self):
        complaint = self.new_complaint(response_type="person")
        complaint.action_respond()
        with self.assertRaisesRegex(UserError, "Classify the cause"):
            complaint.action_start_analysis()
        self.assertEqual(complaint.state, "responded")

    def test_resolving_without_analysis_is_refused(self):
        complaint = self.routed_complaint("manufacturing")
        complaint.resolution = "<p>Replace.</p>"
        with self.assertRaisesRegex(UserError, "Write the analysis"):
            complaint.action_resolve()
        self.assertEqual(complaint.state, "in_analysis")
        self.assertFalse(complaint.resolved_at)
        complaint.write({"analysis": "<p>Heat treatment drift.</p>", "resolution": "<p></p>"})
        with self.assertRaisesRegex(UserError, "Write the resolution"):
            complaint.action_resolve()

    def test_closing_needs_customer_acceptance(self):
        complaint = self.routed_complaint("design")
        complaint.write({"analysis": "<p>Seal lip too stiff.</p>", "resolution": "<p>New seal.</p>"})
        complaint.action_resolve()
        with self.assertRaisesRegex(UserError, "customer's acceptance"):
            complaint.action_close()
        self.assertEqual(complaint.state, "resolved")

    def test_state_jump_is_refused(self):
        complaint = self.new_complaint()
        with self.assertRaisesRegex(UserError, "needs the state “Resolved”"):
            complaint.action_close()
        with self.assertRaisesRegex(UserError, "needs the state “In Analysis”"):
            complaint.action_resolve()
        self.assertEqual(complaint.state, "new")

    def test_only_manager_cancels(self):
        complaint = self.new_complaint()
        with self.assertRaisesRegex(AccessError, "Sales Manager"):
            complaint.action_cancel()
        complaint.with_user(self.manager).action_cancel()
        self.assertEqual(complaint.state, "cancelled")

    def test_corrective_action_from_complaint_in_one_step(self):
        complaint = self.routed_complaint("quality")
        result = complaint.action_create_action()
        action = self.env["service.action"].browse(result["res_id"])
        self.assertEqual(action.source_ref, complaint)
        self.assertEqual(action.complaint_id, complaint)
        self.assertEqual(action.partner_id, self.customer)
        self.assertEqual(action.department_id, self.dep_inspection)
        self.assertEqual(action.user_id, self.inspector)
        self.assertEqual(action.state, "draft")
        self.assertEqual(complaint.action_count, 1)
        self.assertEqual(complaint.action_ids, action)

    def test_sale_order_prefills_customer(self):
        product = self.env["product.product"].create({"name": "Bearing 6205", "type": "consu"})
        order = self.env["sale.order"].create(
            {"partner_id": self.customer.id, "order_line": [(0, 0, {"product_id": product.id})]}
        )
        order.action_confirm()
        complaint = self.new_complaint(sale_order_id=order.id)
        self.assertEqual(order.service_complaint_count, 1)
        action = order.action_view_service_complaints()
        self.assertEqual(self.env["service.complaint"].search(action["domain"]), complaint)
