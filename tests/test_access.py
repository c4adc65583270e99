# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ServiceCase


@tagged("post_install", "-at_install")
class TestAccess(ServiceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Other Bearings Ltd"})
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Customer of the other company", "company_id": cls.other_company.id}
        )

    # ------------------------------------------------------------------
    # Buttons through RPC
    # ------------------------------------------------------------------
    def test_salesperson_cannot_approve_a_site_inspection_by_rpc(self):
        inspection = (
            self.env["service.site.inspection"]
            .with_user(self.sales)
            .create({"partner_id": self.customer.id, "purpose": "Plant tour"})
        )
        with self.assertRaisesRegex(AccessError, "Production Vice-President"):
            self.rpc(self.sales, "service.site.inspection", "action_approve", inspection.ids)
        self.assertEqual(inspection.state, "requested")
        self.rpc(self.vp, "service.site.inspection", "action_approve", inspection.ids)
        self.assertEqual(inspection.state, "approved")

    def test_salesperson_cannot_verify_an_action_by_rpc(self):
        complaint = self.routed_complaint("quality")
        action = self.env["service.action"].browse(complaint.action_create_action()["res_id"])
        action.with_user(self.inspector).write({"description": "<p>Fix</p>", "due_date": "2026-08-01"})
        self.rpc(self.inspector, "service.action", "action_open", action.ids)
        action.with_user(self.inspector).completion_note = "<p>Fixed</p>"
        self.rpc(self.inspector, "service.action", "action_done", action.ids)
        with self.assertRaisesRegex(AccessError, "Inspection Group"):
            self.rpc(self.sales, "service.action", "action_verify_effective", action.ids)
        self.assertEqual(action.state, "done")
        self.rpc(self.manager, "service.action", "action_verify_effective", action.ids)
        self.assertEqual(action.state, "verified")

    def test_state_cannot_be_forced_by_rpc_write_of_a_private_method(self):
        complaint = self.new_complaint()
        with self.assertRaisesRegex(AccessError, "Private methods"):
            self.rpc(self.sales, "service.complaint", "_sla_flag_overdue", complaint.ids)
        self.assertFalse(complaint.is_overdue)

    def test_state_jump_by_rpc_write_is_refused(self):
        complaint = self.new_complaint()
        with self.assertRaisesRegex(UserError, "can only be changed through its buttons"):
            self.rpc(self.sales, "service.complaint", "write", complaint.ids, {"state": "closed"})
        with self.assertRaisesRegex(UserError, "can only be changed through its buttons"):
            self.rpc(
                self.sales,
                "service.complaint",
                "create",
                {"partner_id": self.customer.id, "description": "<p>x</p>", "state": "resolved"},
            )
        self.assertEqual(complaint.state, "new")

    def test_approval_cannot_be_forged_by_rpc_write(self):
        complaint = self.routed_complaint("quality")
        action = self.env["service.action"].browse(complaint.action_create_action()["res_id"])
        with self.assertRaisesRegex(UserError, "can only be changed through its buttons"):
            self.rpc(
                self.inspector,
                "service.action",
                "write",
                action.ids,
                {"verified_by_id": self.inspector.id, "state": "verified"},
            )
        self.assertEqual(action.state, "draft")
        self.assertFalse(action.verified_by_id)

    def test_leader_reads_but_does_not_edit_complaints(self):
        complaint = self.new_complaint()
        self.assertEqual(
            self.rpc(self.leader, "service.complaint", "read", complaint.ids, ["name"])[0]["name"],
            complaint.name,
        )
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            self.rpc(self.leader, "service.complaint", "write", complaint.ids, {"cause": "design"})
        self.assertFalse(complaint.cause)

    def test_inspector_cannot_create_enquiries_nor_salesperson_delete(self):
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            self.rpc(
                self.inspector,
                "service.enquiry",
                "create",
                {"partner_id": self.customer.id, "subject": "x", "channel": "phone"},
            )
        enquiry = self.new_enquiry()
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            self.rpc(self.sales, "service.enquiry", "unlink", enquiry.ids)
        self.assertTrue(enquiry.exists())

    def test_only_manager_configures_routing(self):
        routing = self.env.ref("customer_service_control.routing_design")
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            self.rpc(self.sales, "service.complaint.routing", "write", routing.ids, {"user_id": self.sales.id})
        self.rpc(self.manager, "service.complaint.routing", "write", routing.ids, {"user_id": self.technical.id})
        self.assertEqual(routing.user_id, self.technical)

    # ------------------------------------------------------------------
    # Multi-company
    # ------------------------------------------------------------------
    def test_records_of_another_company_are_invisible(self):
        foreign = self.env["service.complaint"].create(
            {
                "company_id": self.other_company.id,
                "partner_id": self.other_customer.id,
                "description": "<p>Rust</p>",
            }
        )
        found = self.rpc(self.sales, "service.complaint", "search", [("id", "=", foreign.id)])
        self.assertFalse(found)
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            self.rpc(self.manager, "service.complaint", "action_cancel", foreign.ids)
        self.assertEqual(foreign.state, "new")

    def test_customer_of_another_company_is_refused(self):
        self.sales.write({"company_ids": [(4, self.other_company.id)]})
        with self.assertRaisesRegex(UserError, "(?i)compan"):
            self.new_enquiry(partner_id=self.other_customer.id)
