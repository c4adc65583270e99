# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, tagged

from .common import ServiceCase

TODO = "customer_service_control.mail_act_service_action"
OVERDUE = "customer_service_control.mail_act_service_overdue"


@tagged("post_install", "-at_install")
class TestAction(ServiceCase):
    def new_action(self, **vals):
        complaint = self.routed_complaint("quality")
        action = self.env["service.action"].browse(complaint.action_create_action()["res_id"])
        action.with_user(self.inspector).write(
            dict(
                {"description": "<p>Add a noise test at final inspection.</p>", "due_date": "2026-07-01"},
                **vals,
            )
        )
        return action.with_user(self.inspector)

    def test_open_complete_verify_effective(self):
        action = self.new_action()
        self.assertTrue(action.name.startswith("CAPA/"))
        action.action_open()
        self.assertEqual(action.state, "open")
        self.assertEqual(self.activities(action, TODO).user_id, self.inspector)
        action.completion_note = "<p>Noise tester installed on line 3.</p>"
        action.action_done()
        self.assertEqual(action.state, "done")
        self.assertFalse(self.activities(action, TODO))
        action.with_user(self.manager).action_verify_effective("No repeat in 3 months")
        self.assertEqual(action.state, "verified")
        self.assertEqual(action.verified_by_id, self.manager)
        self.assertEqual(action.verification_note, "No repeat in 3 months")

    def test_open_needs_owner_due_date_and_action(self):
        action = self.new_action(due_date=False)
        with self.assertRaisesRegex(UserError, "owner, a due date and the action"):
            action.action_open()
        self.assertEqual(action.state, "draft")

    def test_done_needs_what_was_done(self):
        action = self.new_action()
        action.action_open()
        with self.assertRaisesRegex(UserError, "Describe what was done"):
            action.action_done()
        self.assertEqual(action.state, "open")

    def test_salesperson_cannot_verify(self):
        action = self.new_action()
        action.action_open()
        action.completion_note = "<p>Done.</p>"
        action.action_done()
        for user in (self.sales, self.technical, self.leader):
            with self.assertRaisesRegex(AccessError, "Inspection Group"):
                action.with_user(user).action_verify_effective()
        self.assertEqual(action.state, "done")
        self.assertFalse(action.verified_by_id)

    def test_not_effective_needs_a_reason_and_reopens(self):
        action = self.new_action()
        action.action_open()
        action.completion_note = "<p>Done.</p>"
        action.action_done()
        with self.assertRaisesRegex(UserError, "not effective"):
            action.with_user(self.manager).action_verify_ineffective("")
        wizard_action = action.with_user(self.manager).action_open_ineffective_wizard()
        wizard = self.env["service.refuse.wizard"].with_user(self.manager).browse(wizard_action["res_id"])
        wizard.reason = "Same noise on the next batch"
        wizard.action_confirm()
        self.assertEqual(action.state, "ineffective")
        self.assertEqual(action.verification_note, "Same noise on the next batch")
        action.action_reopen()
        self.assertEqual(action.state, "open")

    def test_verify_before_done_is_refused(self):
        action = self.new_action()
        with self.assertRaisesRegex(UserError, "needs the state “Done”"):
            action.action_verify_effective()

    def test_late_reminder_runs_once(self):
        action = self.new_action(due_date="2026-07-01")
        action.action_open()
        with freeze_time("2026-07-02 08:00:00"):
            Action = self.env["service.action"].sudo()
            self.assertIn(action, Action._cron_remind_late())
            self.assertTrue(action.is_late)
            self.assertEqual(len(self.activities(action, OVERDUE)), 1)
            self.assertNotIn(action, Action._cron_remind_late())
            self.assertEqual(len(self.activities(action, OVERDUE)), 1)
