# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
"""Corrective actions are verified independently; a late action's reminder goes to a person."""

from odoo.exceptions import AccessError
from odoo.tests import freeze_time, tagged

from .common import ServiceCase

OVERDUE = "customer_service_control.mail_act_service_overdue"
INDEPENDENT = "verified independently"


@tagged("post_install", "-at_install")
class TestActionVerification(ServiceCase):
    def done_action(self, owner, **vals):
        action = (
            self.env["service.action"]
            .with_user(self.manager)
            .create(
                dict(
                    {
                        "title": "Noise test at final inspection",
                        "user_id": owner.id,
                        "due_date": "2026-07-01",
                        "description": "<p>Add a noise test.</p>",
                    },
                    **vals,
                )
            )
        )
        action.action_open()
        action.completion_note = "<p>Tester installed.</p>"
        action.action_done()
        return action

    def test_owner_cannot_verify_own_action(self):
        for owner in (self.inspector, self.manager):
            action = self.done_action(owner)
            for method, args in (("action_verify_effective", ["Works"]), ("action_verify_ineffective", ["No"])):
                with self.refused(AccessError, INDEPENDENT):
                    self.rpc(owner, "service.action", method, action.ids, *args)
                self.assertEqual(action.state, "done")
                self.assertFalse(action.verified_by_id)

    def test_owner_cannot_open_the_not_effective_wizard(self):
        action = self.done_action(self.inspector)
        with self.refused(AccessError, INDEPENDENT):
            self.rpc(self.inspector, "service.action", "action_open_ineffective_wizard", action.ids)
        self.assertEqual(action.state, "done")

    def test_owner_does_not_see_the_verify_buttons(self):
        action = self.done_action(self.inspector)
        self.assertFalse(action.with_user(self.inspector).can_verify)
        self.assertTrue(action.with_user(self.manager).can_verify)
        self.assertFalse(action.with_user(self.sales).can_verify)

    def test_another_verifier_verifies(self):
        action = self.done_action(self.inspector)
        self.rpc(self.manager, "service.action", "action_verify_effective", action.ids, "No repeat")
        self.assertEqual((action.state, action.verified_by_id), ("verified", self.manager))

    @freeze_time("2026-08-01")
    def test_late_action_without_owner_reminds_department_manager(self):
        action = self.done_action(self.inspector, department_id=self.dep_production.id)
        action.sudo()._write_transition({"state": "open"})
        action.sudo().user_id = False
        self.env["service.action"].sudo()._cron_remind_late()
        self.assertEqual(self.activities(action, OVERDUE).user_id, self.prod_manager)

    @freeze_time("2026-08-01")
    def test_late_action_without_owner_or_department_reminds_service_manager(self):
        action = self.done_action(self.inspector)
        action.sudo()._write_transition({"state": "open"})
        action.sudo().user_id = False
        self.env["service.action"].sudo()._cron_remind_late()
        self.assertEqual(self.activities(action, OVERDUE).user_id, self.manager)

    @freeze_time("2026-08-01")
    def test_late_action_with_nobody_to_remind_is_skipped(self):
        action = self.done_action(self.inspector)
        action.sudo()._write_transition({"state": "open"})
        action.sudo().user_id = False
        self.company.service_manager_user_id = False
        with self.assertLogs("odoo.addons.customer_service_control.models.service_action", "WARNING"):
            self.env["service.action"].sudo()._cron_remind_late()
        self.assertTrue(action.is_late)
        self.assertFalse(self.activities(action, OVERDUE), "the bot got the reminder")

    def test_only_an_independent_verifier_writes_the_verification_note(self):
        action = self.done_action(self.inspector)
        for user, error, message in (
            (self.inspector, AccessError, INDEPENDENT),
            (self.sales, AccessError, "needs the role"),
        ):
            with self.refused(error, message):
                self.rpc(user, "service.action", "write", action.ids, {"verification_note": "All good"})
            self.assertFalse(action.verification_note)
        self.rpc(self.manager, "service.action", "write", action.ids, {"verification_note": "Checked 3 batches"})
        self.assertEqual(action.verification_note, "Checked 3 batches")
