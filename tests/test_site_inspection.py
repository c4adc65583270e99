# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ServiceCase

APPROVAL = "customer_service_control.mail_act_site_inspection_approval"


@tagged("post_install", "-at_install")
class TestSiteInspection(ServiceCase):
    def new_inspection(self):
        return (
            self.env["service.site.inspection"]
            .with_user(self.sales)
            .create({"partner_id": self.customer.id, "purpose": "See the super-finishing line"})
        )

    def test_request_asks_the_production_vp(self):
        inspection = self.new_inspection()
        self.assertEqual(inspection.state, "requested")
        self.assertIn(self.vp, self.activities(inspection, APPROVAL).user_id)

    def test_vp_approves_then_visit_is_scheduled_and_done(self):
        inspection = self.new_inspection()
        inspection.with_user(self.vp).action_approve()
        self.assertEqual(inspection.state, "approved")
        self.assertEqual(inspection.decided_by_id, self.vp)
        self.assertFalse(self.activities(inspection, APPROVAL))
        inspection.scheduled_at = "2026-12-10 09:00:00"
        inspection.action_done()
        self.assertEqual(inspection.state, "done")

    def test_salesperson_cannot_approve(self):
        inspection = self.new_inspection()
        for user in (self.sales, self.manager, self.leader):
            with self.assertRaisesRegex(AccessError, "Production Vice-President"):
                inspection.with_user(user).action_approve()
        self.assertEqual(inspection.state, "requested")

    def test_refusal_needs_a_reason(self):
        inspection = self.new_inspection()
        with self.assertRaisesRegex(UserError, "reason"):
            inspection.with_user(self.vp).action_refuse("  ")
        self.assertEqual(inspection.state, "requested")
        action = inspection.with_user(self.vp).action_open_refuse_wizard()
        wizard = self.env["service.refuse.wizard"].with_user(self.vp).browse(action["res_id"])
        wizard.reason = "Line under maintenance in December"
        wizard.action_confirm()
        self.assertEqual(inspection.state, "refused")
        self.assertEqual(inspection.refusal_reason, "Line under maintenance in December")

    def test_cannot_schedule_before_approval(self):
        inspection = self.new_inspection()
        with self.assertRaisesRegex(ValidationError, "only after the Production VP approved"):
            inspection.scheduled_at = "2026-12-10 09:00:00"

    def test_done_needs_a_date(self):
        inspection = self.new_inspection()
        inspection.with_user(self.vp).action_approve()
        with self.assertRaisesRegex(UserError, "Set the date"):
            inspection.action_done()
        self.assertEqual(inspection.state, "approved")

    def test_refuse_wizard_calls_only_refusal_methods(self):
        inspection = self.new_inspection()
        wizard = (
            self.env["service.refuse.wizard"]
            .with_user(self.vp)
            .create(
                {
                    "res_model": inspection._name,
                    "res_ids": inspection.ids,
                    "method": "action_approve",
                    "reason": "x",
                }
            )
        )
        with self.assertRaisesRegex(UserError, "cannot be refused from here"):
            wizard.action_confirm()
        self.assertEqual(inspection.state, "requested")
