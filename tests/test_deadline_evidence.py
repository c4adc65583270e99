# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
"""Reception, deadline, reply and response times are evidence: the handler records
them by the buttons, only the Sales Manager corrects them."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ServiceCase

EVIDENCE = "only the Sales Manager may correct them"
NEW_EVIDENCE = "Only the Sales Manager may record"


@tagged("post_install", "-at_install")
class TestDeadlineEvidence(ServiceCase):
    def setUp(self):
        super().setUp()
        self.now = fields.Datetime.now().replace(microsecond=0)
        self.days_ago = self.now - timedelta(days=5)

    def rpc_create(self, user, model, vals, context=None):
        records = self.env(user=user, context=context or {})[model]
        return records.browse(records.create(vals).id)

    def enquiry_vals(self, **vals):
        return dict({"partner_id": self.customer.id, "subject": "Grease for 6205"}, **vals)

    def complaint_vals(self, **vals):
        return dict({"partner_id": self.customer.id, "description": "<p>Noise.</p>"}, **vals)

    # ------------------------------------------------------------------
    # The handler cannot correct the evidence
    # ------------------------------------------------------------------
    def test_handler_cannot_change_evidence_after_creation(self):
        enquiry, complaint = self.new_enquiry(), self.new_complaint()
        for record, name in (
            (enquiry, "received_at"),
            (enquiry, "deadline"),
            (enquiry, "reply_at"),
            (complaint, "received_at"),
            (complaint, "deadline"),
            (complaint, "responded_at"),
        ):
            before = record[name]
            value = self.now + timedelta(days=3) if name == "deadline" else self.days_ago
            with self.refused(AccessError, EVIDENCE):
                self.rpc(self.sales, record._name, "write", record.ids, {name: value})
            self.assertEqual(record[name], before, f"{record._name}.{name} changed")

    def test_handler_cannot_back_date_a_new_record(self):
        for model, vals in (
            ("service.enquiry", self.enquiry_vals(received_at=self.days_ago)),
            ("service.enquiry", self.enquiry_vals(deadline=self.now + timedelta(days=9))),
            ("service.enquiry", self.enquiry_vals(reply_at=self.now)),
            ("service.complaint", self.complaint_vals(received_at=self.days_ago)),
            ("service.complaint", self.complaint_vals(deadline=self.now + timedelta(days=9))),
            ("service.complaint", self.complaint_vals(responded_at=self.now)),
        ):
            count = self.env[model].search_count([])
            with self.refused(AccessError, NEW_EVIDENCE):
                self.rpc(self.sales, model, "create", [vals])
            self.assertEqual(self.env[model].search_count([]), count)

    def test_handler_context_default_does_not_back_date(self):
        for model, vals, name in (
            ("service.enquiry", self.enquiry_vals(), "received_at"),
            ("service.enquiry", self.enquiry_vals(), "reply_at"),
            ("service.complaint", self.complaint_vals(), "received_at"),
            ("service.complaint", self.complaint_vals(), "responded_at"),
            ("service.complaint", self.complaint_vals(), "deadline"),
        ):
            record = self.rpc_create(self.sales, model, vals, context={f"default_{name}": self.days_ago})
            self.assertNotEqual(record[name], self.days_ago, f"{model}.{name} took the context default")
            self.assertGreaterEqual(record.received_at, self.now - timedelta(minutes=1))

    def test_handler_reception_a_few_minutes_ago_is_accepted(self):
        enquiry = self.rpc_create(
            self.sales, "service.enquiry", self.enquiry_vals(received_at=self.now - timedelta(minutes=5))
        )
        self.assertEqual(enquiry.received_at, self.now - timedelta(minutes=5))

    def test_handler_reply_is_stamped_by_the_button(self):
        enquiry = self.new_enquiry()
        enquiry.write({"reply_channel": "phone", "reply_note": "<p>Use grease LGMT 2.</p>"})
        enquiry.action_answer()
        self.assertEqual(enquiry.state, "answered")
        self.assertGreaterEqual(enquiry.reply_at, self.now)
        self.assertTrue(enquiry.replied_in_time)

    # ------------------------------------------------------------------
    # The manager corrects, tracked; history can be recorded
    # ------------------------------------------------------------------
    def test_manager_records_a_historical_complaint(self):
        complaint = self.rpc_create(
            self.manager,
            "service.complaint",
            self.complaint_vals(received_at=self.days_ago, deadline=self.days_ago + timedelta(hours=48)),
        )
        self.assertEqual(complaint.received_at, self.days_ago)
        complaint.with_user(self.manager).write(
            {"response_type": "letter", "responded_at": self.days_ago + timedelta(hours=60)}
        )
        complaint.with_user(self.manager).action_respond()
        self.assertEqual(complaint.responded_at, self.days_ago + timedelta(hours=60))
        self.assertFalse(complaint.responded_in_time, "60 hours after reception is late for a 48-hour period")

    def test_manager_records_a_historical_enquiry(self):
        enquiry = self.rpc_create(self.manager, "service.enquiry", self.enquiry_vals(received_at=self.days_ago))
        self.assertEqual(enquiry.received_at, self.days_ago)
        self.assertLess(enquiry.deadline, self.now)

    def test_manager_correction_is_tracked(self):
        complaint = self.new_complaint()
        self.env.flush_all()
        self.env.cr.precommit.run()  # as if the creation had been committed
        complaint.with_user(self.manager).write({"received_at": self.now - timedelta(hours=3)})
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked = complaint.sudo().message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == "received_at")
        self.assertTrue(tracked, "the correction of the reception time is not in the chatter")

    # ------------------------------------------------------------------
    # In time is counted from reception plus the period, not the deadline field
    # ------------------------------------------------------------------
    def test_moving_the_deadline_does_not_make_a_late_reply_in_time(self):
        complaint = self.rpc_create(self.manager, "service.complaint", self.complaint_vals(received_at=self.days_ago))
        complaint.with_user(self.manager).write({"deadline": self.now + timedelta(days=1)})
        complaint.write({"response_type": "person"})
        complaint.with_user(self.sales).action_respond()
        self.assertFalse(complaint.responded_in_time)

    def test_enquiry_reply_late_after_deadline_moved_is_late(self):
        enquiry = self.rpc_create(self.manager, "service.enquiry", self.enquiry_vals(received_at=self.days_ago))
        enquiry.with_user(self.manager).write({"deadline": self.now + timedelta(days=1)})
        enquiry.with_user(self.sales).write({"reply_channel": "phone", "reply_note": "<p>Answered.</p>"})
        enquiry.with_user(self.sales).action_answer()
        self.assertFalse(enquiry.replied_in_time)

    def test_view_makes_evidence_readonly_for_the_handler(self):
        enquiry, complaint = self.new_enquiry(), self.new_complaint()
        self.assertFalse(enquiry.with_user(self.sales).can_correct_evidence)
        self.assertFalse(complaint.with_user(self.sales).can_correct_evidence)
        self.assertTrue(complaint.with_user(self.manager).can_correct_evidence)
        for model in ("service.enquiry", "service.complaint"):
            arch = self.env[model].with_user(self.sales).get_view(view_type="form")["arch"]
            for name in self.env[model]._sla_evidence_fields:
                self.assertIn(f'name="{name}" readonly="not can_correct_evidence"', arch.replace("\n", " "))

    def test_handler_copy_of_an_old_record_is_received_now(self):
        complaint = self.rpc_create(self.manager, "service.complaint", self.complaint_vals(received_at=self.days_ago))
        copy = complaint.with_user(self.sales).copy()
        self.assertGreaterEqual(copy.received_at, self.now - timedelta(minutes=1))
        self.assertGreater(copy.deadline, self.now)
