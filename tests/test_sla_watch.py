# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo.tests import freeze_time, tagged

from .common import ServiceCase

OVERDUE = "customer_service_control.mail_act_service_overdue"


@tagged("post_install", "-at_install")
class TestSlaWatch(ServiceCase):
    def inbox_notices(self, records):
        return self.env["mail.notification"].search(
            [
                ("res_partner_id", "=", self.manager.partner_id.id),
                ("notification_type", "=", "inbox"),
                ("mail_message_id.model", "=", records._name),
                ("mail_message_id.res_id", "in", records.ids),
            ]
        )

    def watch(self, model):
        return self.env[model].sudo()._cron_sla_watch()

    @freeze_time("2026-04-01 10:00:00")
    def test_on_time_records_are_not_flagged(self):
        enquiry = self.new_enquiry(user=self.manager, user_id=self.sales.id, received_at="2026-03-31 10:00:00")
        complaint = self.new_complaint(user=self.manager, user_id=self.sales.id, received_at="2026-03-31 10:00:00")
        self.assertFalse(self.watch("service.enquiry"))
        self.assertFalse(self.watch("service.complaint"))
        self.assertFalse(enquiry.is_overdue or complaint.is_overdue)

    def test_overdue_complaint_flagged_once_with_one_activity_and_one_notice(self):
        with freeze_time("2026-04-01 10:00:00"):
            complaint = self.new_complaint(user=self.manager, user_id=self.sales.id, received_at="2026-04-01 09:00:00")
            answered = self.new_complaint(
                user=self.manager, user_id=self.sales.id, received_at="2026-04-01 09:00:00", response_type="letter"
            )
            answered.action_respond()
        with freeze_time("2026-04-03 09:30:00"):  # 48 h 30 min later
            self.assertEqual(self.watch("service.complaint") & (complaint | answered), complaint)
            self.assertTrue(complaint.is_overdue)
            self.assertFalse(answered.is_overdue)
            activity = self.activities(complaint, OVERDUE)
            self.assertEqual(activity.user_id, self.sales)
            self.assertEqual(len(self.inbox_notices(complaint)), 1)
            # The watch runs every hour: nothing is created twice.
            self.watch("service.complaint")
            self.watch("service.complaint")
            self.assertEqual(self.activities(complaint, OVERDUE), activity)
            self.assertEqual(len(self.inbox_notices(complaint)), 1)
            # The late answer clears the flag and closes the activity.
            complaint.write({"response_type": "person"})
            complaint.action_respond()
            self.assertFalse(complaint.is_overdue)
            self.assertFalse(complaint.responded_in_time)
            self.assertFalse(self.activities(complaint, OVERDUE))

    def test_overdue_enquiry_flagged(self):
        with freeze_time("2026-04-01 10:00:00"):
            enquiry = self.new_enquiry(user=self.manager, user_id=self.sales.id, received_at="2026-04-01 10:00:00")
        with freeze_time("2026-04-03 09:59:00"):
            self.assertNotIn(enquiry, self.watch("service.enquiry"))
        with freeze_time("2026-04-03 10:01:00"):
            self.assertIn(enquiry, self.watch("service.enquiry"))
            self.assertTrue(enquiry.is_overdue)
            self.assertEqual(self.activities(enquiry, OVERDUE).user_id, self.sales)
            self.assertEqual(len(self.inbox_notices(enquiry)), 1)

    def test_scheduled_actions_flag_both_models(self):
        with freeze_time("2026-04-01 10:00:00"):
            enquiry = self.new_enquiry(user=self.manager, user_id=self.sales.id, received_at="2026-04-01 10:00:00")
            complaint = self.new_complaint(user=self.manager, user_id=self.sales.id, received_at="2026-04-01 10:00:00")
        with freeze_time("2026-04-05 10:00:00"):
            self.env.ref("customer_service_control.ir_cron_service_enquiry_sla_watch").method_direct_trigger()
            self.env.ref("customer_service_control.ir_cron_service_complaint_sla_watch").method_direct_trigger()
            self.assertTrue(enquiry.is_overdue)
            self.assertTrue(complaint.is_overdue)

    def test_cancel_or_later_deadline_clears_the_flag(self):
        with freeze_time("2026-04-01 10:00:00"):
            cancelled = self.new_enquiry(user=self.manager, user_id=self.sales.id, received_at="2026-04-01 10:00:00")
            moved = self.new_enquiry(user=self.manager, user_id=self.sales.id, received_at="2026-04-01 10:00:00")
        with freeze_time("2026-04-04 10:00:00"):
            self.watch("service.enquiry")
            self.assertTrue(cancelled.is_overdue and moved.is_overdue)
            cancelled.action_cancel()
            self.assertFalse(cancelled.is_overdue)
            self.assertFalse(self.activities(cancelled, OVERDUE))
            moved.deadline = "2026-04-06 10:00:00"
            self.assertFalse(moved.is_overdue)
            self.assertFalse(self.activities(moved, OVERDUE))

    def run_counted(self, func):
        """Run ``func`` and return its result and the SQL queries it took, flush included."""
        self.env.flush_all()
        self.env.cr.flush()
        self.env.invalidate_all()
        start = self.env.cr.sql_log_count
        result = func()
        self.env.flush_all()
        self.env.cr.flush()
        return result, self.env.cr.sql_log_count - start

    def test_query_count_does_not_grow_with_overdue_records(self):
        """One batch of the watch costs the same queries for 10 and 1,000 overdue records."""
        Complaint = self.env["service.complaint"].sudo()
        with freeze_time("2026-04-01 10:00:00"):
            # Records overdue before this test (demo data) are flagged first.
            while Complaint._cron_sla_watch():
                pass
            values = {
                "partner_id": self.customer.id,
                "description": "<p>Noise</p>",
                "user_id": self.sales.id,
                "received_at": "2026-03-01 10:00:00",
            }
            Complaint.create([values] * 3)._cron_sla_watch()  # warm the caches

            small = Complaint.create([values] * 10)
            flagged, small_queries = self.run_counted(Complaint._cron_sla_watch)
            self.assertEqual(flagged, small)

            large = Complaint.create([values] * 1000)
            first_batch, large_queries = self.run_counted(Complaint._cron_sla_watch)
            self.assertEqual(len(first_batch), 100)
            self.assertEqual(small_queries, large_queries, "a batch costs the same for 10 and 1,000 records")
            self.assertLessEqual(large_queries, SLA_WATCH_QUERIES)
            with self.queries_at_most(SLA_WATCH_QUERIES):
                Complaint._cron_sla_watch()

            while Complaint._cron_sla_watch():
                pass
            self.assertTrue(all(large.mapped("is_overdue")))
            self.assertEqual(len(self.activities(large, OVERDUE)), 1000)
            self.assertEqual(len(self.inbox_notices(large)), 1000)


# Budget of one batch: 21 to 22 queries measured on Odoo 18.0, whatever the batch size.
SLA_WATCH_QUERIES = 25
