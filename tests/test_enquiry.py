# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from datetime import timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, tagged

from .common import ServiceCase


@tagged("post_install", "-at_install")
class TestEnquiry(ServiceCase):
    @freeze_time("2026-03-02 09:00:00")
    def test_reply_deadline_is_two_days_after_reception(self):
        enquiry = self.new_enquiry(user=self.manager, received_at="2026-03-02 08:30:00")
        self.assertEqual(enquiry.deadline, self.dt("2026-03-04 08:30:00"))
        self.assertTrue(enquiry.name.startswith("ENQ/"))
        self.assertEqual(enquiry.state, "new")

    @freeze_time("2026-03-02 09:00:00")
    def test_reply_period_is_a_company_setting(self):
        self.company.service_enquiry_reply_days = 3
        enquiry = self.new_enquiry(user=self.manager, received_at="2026-03-02 08:00:00")
        self.assertEqual(enquiry.deadline, self.dt("2026-03-05 08:00:00"))

    @freeze_time("2026-11-27 09:00:00")
    def test_working_calendar_skips_the_weekend(self):
        """Received on a Friday morning, answered by Tuesday in working time."""
        self.company.service_sla_use_calendar = True
        enquiry = self.new_enquiry(user=self.manager, received_at="2026-11-27 09:00:00")
        self.assertEqual(enquiry.deadline.weekday(), 1, "two working days from Friday end on Tuesday")
        self.company.service_sla_use_calendar = False
        other = self.new_enquiry(user=self.manager, received_at="2026-11-27 09:00:00")
        self.assertEqual(other.deadline, self.dt("2026-11-29 09:00:00"), "calendar time: Sunday")

    def test_answer_then_file(self):
        enquiry = self.new_enquiry()
        enquiry.write({"reply_channel": "fax", "reply_note": "<p>Use C3 clearance.</p>"})
        enquiry.action_answer()
        self.assertEqual(enquiry.state, "answered")
        self.assertTrue(enquiry.reply_at)
        self.assertTrue(enquiry.replied_in_time)
        enquiry.action_done()
        self.assertEqual(enquiry.state, "done")

    def test_answer_needs_channel_and_content(self):
        enquiry = self.new_enquiry()
        enquiry.reply_channel = "phone"
        with self.assertRaisesRegex(UserError, "channel and what was said"):
            enquiry.action_answer()
        self.assertEqual(enquiry.state, "new")
        self.assertFalse(enquiry.reply_at)

    def test_reply_before_reception_is_refused(self):
        enquiry = self.new_enquiry(user=self.manager, received_at="2026-01-10 10:00:00")
        with self.assertRaisesRegex(ValidationError, "cannot be before it was received"), self.env.cr.savepoint():
            enquiry.write({"reply_at": "2026-01-09 10:00:00"})
        enquiry.invalidate_recordset()
        self.assertFalse(enquiry.reply_at)

    def test_deadline_in_the_past_on_create_is_the_managers(self):
        past = (self.env.cr.now() - timedelta(days=1)).replace(tzinfo=None, microsecond=0)
        with self.refused(AccessError, "Only the Sales Manager may record Response Deadline"):
            self.new_enquiry(deadline=past)
        self.assertEqual(self.new_enquiry(user=self.manager, received_at=past, deadline=past).deadline, past)

    def test_reception_in_the_future_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "received in the future"):
            self.new_enquiry(user=self.manager, received_at="2099-01-01 00:00:00")

    def test_state_jump_is_refused(self):
        enquiry = self.new_enquiry()
        with self.assertRaisesRegex(UserError, "needs the state “Answered”"):
            enquiry.action_done()
        self.assertEqual(enquiry.state, "new")

    def test_important_enquiry_escalates_once(self):
        enquiry = self.new_enquiry(is_important=True)
        escalation = "customer_service_control.mail_act_service_escalation"
        leaders = self.leader | self.vp | self.gm
        activities = self.activities(enquiry, escalation)
        self.assertLessEqual(leaders, activities.user_id, "every leader gets an activity")
        self.assertNotIn(self.sales, activities.user_id)
        self.assertEqual(len(activities), len(activities.user_id), "one activity per leader")
        self.assertTrue(enquiry.escalated_at)
        notified = enquiry.message_ids.filtered(lambda m: "reported to the company leadership" in m.body)
        self.assertEqual(len(notified), 1)
        self.assertLessEqual(leaders.partner_id, notified.partner_ids)
        # Unmark and mark again: leadership is not bothered twice.
        enquiry.is_important = False
        enquiry.is_important = True
        self.assertEqual(self.activities(enquiry, escalation), activities)

    def test_marking_important_later_escalates(self):
        enquiry = self.new_enquiry()
        self.assertFalse(enquiry.escalated_at)
        enquiry.is_important = True
        escalated = self.activities(enquiry, "customer_service_control.mail_act_service_escalation")
        self.assertLessEqual(self.leader | self.vp | self.gm, escalated.user_id)

    def test_only_manager_reopens_cancelled(self):
        enquiry = self.new_enquiry()
        enquiry.action_cancel()
        self.assertEqual(enquiry.state, "cancelled")
        with self.assertRaisesRegex(AccessError, "Sales Manager"):
            enquiry.action_reset_to_new()
        enquiry.with_user(self.manager).action_reset_to_new()
        self.assertEqual(enquiry.state, "new")

    def test_answered_enquiry_cannot_be_deleted(self):
        enquiry = self.new_enquiry(reply_channel="phone", reply_note="<p>Yes.</p>")
        enquiry.action_answer()
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            enquiry.with_user(self.manager).unlink()
        draft = self.new_enquiry()
        draft.with_user(self.manager).unlink()
        self.assertFalse(draft.exists())

    def test_site_inspection_requested_from_enquiry(self):
        enquiry = self.new_enquiry()
        action = enquiry.action_request_site_inspection()
        inspection = (
            self.env["service.site.inspection"]
            .with_user(self.sales)
            .with_context(**action["context"])
            .create({"purpose": "Audit of the grinding line"})
        )
        self.assertEqual(inspection.partner_id, self.customer)
        self.assertEqual(enquiry.site_inspection_count, 1)
