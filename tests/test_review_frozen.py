# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user, tagged

from ..models.service_review import STATISTIC_FIELDS
from .common import ServiceCase

FIGURES = [name for name in STATISTIC_FIELDS if name != "stat_line_ids"]


@tagged("post_install", "-at_install")
class TestReviewFrozen(ServiceCase):
    """A review's figures are the computation's; once approved nothing changes; who
    reads which review; internal posts are notes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.review_company = cls.env["res.company"].create({"name": "Frozen Review Ltd"})
        cls.review_company.service_manager_user_id = cls.manager
        cls.staff = cls.sales | cls.manager | cls.inspector | cls.technical | cls.leader | cls.vp | cls.gm
        cls.staff.write({"company_ids": [Command.link(cls.review_company.id)]})
        cls.customer_follower = cls.env["res.partner"].create(
            {"name": "Customer Buyer", "email": "buyer@customer.example.com"}
        )

    def new_review(self, **vals):
        values = {"period_start": date(2026, 1, 1), "period_end": date(2026, 6, 30), "user_id": self.manager.id}
        values.update(vals)
        return self.env["service.review"].with_user(self.manager).with_company(self.review_company).create(values)

    def submitted(self):
        review = self.new_review()
        review.write({"dissatisfaction_areas": "<p>Lead times</p>", "market_forecast": "<p>Growth 5 %</p>"})
        review.action_submit()
        return review

    def approved(self):
        review = self.submitted()
        review.with_user(self.gm).action_approve()
        return review

    def stored(self, review, names):
        self.env.invalidate_all()
        return review.sudo().read(names)[0]

    # ------------------------------------------------------------------
    # Figures: only the computation writes them
    # ------------------------------------------------------------------
    def test_no_figure_is_written_by_a_client_even_in_draft(self):
        review = self.new_review()
        before = self.stored(review, FIGURES)
        for name in FIGURES:
            value = "2026-01-01 00:00:00" if name == "stats_computed_at" else 999
            if review._fields[name].type == "boolean":
                value = True
            with self.refused(UserError, "can only be changed through its buttons"):
                self.rpc(self.manager, "service.review", "write", review.ids, {name: value})
        self.assertEqual(self.stored(review, FIGURES), before)

    def test_submitted_figures_are_frozen(self):
        review = self.submitted()
        for vals in ({"complaint_in_time_rate": 100.0}, {"enquiry_count": 999}):
            for user in (self.manager, self.gm):
                with self.refused(UserError, "can only be changed through its buttons"):
                    self.rpc(user, "service.review", "write", review.ids, vals)
        stored = self.stored(review, ["complaint_in_time_rate", "enquiry_count"])
        self.assertEqual((stored["complaint_in_time_rate"], stored["enquiry_count"]), (0.0, 0))

    def test_create_with_figures_is_refused(self):
        Review = self.env["service.review"].sudo()
        count = Review.search_count([])
        with self.refused(UserError, "can only be changed through its buttons"):
            self.rpc(
                self.manager,
                "service.review",
                "create",
                [{"period_start": "2025-07-01", "period_end": "2025-12-31", "enquiry_count": 999}],
            )
        self.assertEqual(Review.search_count([]), count)

    def test_context_defaults_set_no_figure_state_or_stamp(self):
        records = self.env(user=self.manager, context={"allowed_company_ids": [self.review_company.id]})[
            "service.review"
        ].with_context(
            default_enquiry_count=999,
            default_complaint_in_time_rate=100.0,
            default_state="approved",
            default_approved_by_id=self.gm.id,
            default_is_management_review_input=True,
            default_stat_line_ids=[Command.create({"category": "complaint_cause", "key": "quality", "count": 7})],
        )
        review = records.create({"period_start": date(2025, 7, 1), "period_end": date(2025, 12, 31)})
        stored = self.stored(review, ["enquiry_count", "complaint_in_time_rate", "state", "approved_by_id"])
        self.assertEqual(stored["enquiry_count"], 0)
        self.assertEqual(stored["complaint_in_time_rate"], 0.0)
        self.assertEqual(stored["state"], "draft")
        self.assertFalse(stored["approved_by_id"])
        self.assertFalse(review.is_management_review_input)
        self.assertFalse(review.stat_line_ids.filtered(lambda line: line.count == 7))

    def test_import_of_figures_is_refused(self):
        Review = self.env["service.review"].sudo()
        count = Review.search_count([])
        with self.refused(UserError, "can only be changed through its buttons"):
            self.rpc(
                self.manager,
                "service.review",
                "load",
                ["period_start", "period_end", "enquiry_count"],
                [["2025-07-01", "2025-12-31", "999"]],
            )
        self.assertEqual(Review.search_count([]), count)

    def test_breakdown_lines_are_written_by_no_role(self):
        review = self.new_review()
        line = review.stat_line_ids[:1]
        self.assertTrue(line, "the computation writes the satisfaction trend at least")
        before = self.stored(line, ["count", "value", "key"])
        count = len(review.stat_line_ids)
        for user in (self.manager, self.gm):
            with self.refused(AccessError, "not allowed to create"):
                self.rpc(
                    user,
                    "service.review.stat",
                    "create",
                    [{"review_id": review.id, "category": "complaint_cause", "key": "quality", "count": 5}],
                )
            with self.refused(AccessError, "not allowed to modify"):
                self.rpc(user, "service.review.stat", "write", line.ids, {"count": 999, "value": 100.0})
            with self.refused(AccessError, "not allowed to delete"):
                self.rpc(user, "service.review.stat", "unlink", line.ids)
        self.assertEqual(self.stored(line, ["count", "value", "key"]), before)
        self.assertEqual(len(review.stat_line_ids), count)

    def test_breakdown_through_the_review_is_refused(self):
        review = self.new_review()
        line = review.stat_line_ids[:1]
        before = self.stored(line, ["count"])
        for commands in (
            [Command.create({"category": "complaint_cause", "key": "quality", "count": 5})],
            [Command.update(line.id, {"count": 999})],
            [Command.delete(line.id)],
            [Command.clear()],
        ):
            with self.refused(UserError, "can only be changed through its buttons"):
                self.rpc(self.manager, "service.review", "write", review.ids, {"stat_line_ids": commands})
        self.assertEqual(self.stored(line, ["count"]), before)

    def test_breakdown_labels_follow_the_readers_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["customer_service_control"], ["zh_CN"], overwrite=True)
        review = self.new_review()
        review.sudo()._write_transition(
            {"stat_line_ids": [Command.create({"category": "complaint_cause", "key": "quality", "count": 2})]}
        )
        line = review.stat_line_ids.filtered(lambda line: line.category == "complaint_cause")
        self.assertEqual(line.key, "quality", "the key is stored, not a label")
        english = line.with_context(lang="en_US").label
        chinese = line.with_context(lang="zh_CN").label
        causes = dict(
            self.env["service.complaint"]
            .with_context(lang="zh_CN")
            ._fields["cause"]
            ._description_selection(self.env(context={"lang": "zh_CN"}))
        )
        self.assertEqual(english, "Quality")
        self.assertEqual(chinese, causes["quality"])
        self.assertNotEqual(chinese, english)

    # ------------------------------------------------------------------
    # After submission and approval
    # ------------------------------------------------------------------
    def test_submitted_text_is_frozen_but_distribution_list_changes(self):
        review = self.submitted()
        with self.refused(UserError, "only its recipients and departments can change"):
            self.rpc(self.manager, "service.review", "write", review.ids, {"conclusion": "<p>Rewritten</p>"})
        with self.refused(UserError, "only its recipients and departments can change"):
            self.rpc(self.manager, "service.review", "write", review.ids, {"period_end": "2026-05-31"})
        self.assertEqual(self.stored(review, ["period_end"])["period_end"], date(2026, 6, 30))
        self.assertFalse(review.conclusion)
        self.rpc(self.manager, "service.review", "write", review.ids, {"recipient_ids": [Command.set(self.vp.ids)]})
        self.assertEqual(review.recipient_ids, self.vp)

    def test_approved_review_changes_no_more(self):
        review = self.approved()
        review.invalidate_recordset()
        for user in (self.manager, self.gm):
            for vals in (
                {"conclusion": "<p>Rewritten</p>"},
                {"market_forecast": "<p>Decline</p>"},
                {"user_id": self.gm.id},
                {"recipient_ids": [Command.set(self.sales.ids)]},
                {"department_ids": [Command.set(self.dep_sales.ids)]},
            ):
                with self.refused(UserError, "can no longer be changed"):
                    self.rpc(user, "service.review", "write", review.ids, vals)
        stored = self.stored(review, ["conclusion", "market_forecast", "user_id", "recipient_ids"])
        self.assertFalse(stored["conclusion"])
        self.assertEqual(stored["market_forecast"], "<p>Growth 5 %</p>")
        self.assertEqual(stored["user_id"][0], self.manager.id)
        self.assertFalse(stored["recipient_ids"])

    def test_approved_review_cannot_be_deleted(self):
        review = self.approved()
        with self.refused(UserError, "cannot be deleted"):
            self.rpc(self.manager, "service.review", "unlink", review.ids)
        self.assertTrue(review.exists())

    def test_distributed_review_changes_no_more_and_distribution_works(self):
        review = self.approved()
        self.rpc(self.manager, "service.review", "action_distribute", review.ids)
        self.assertEqual(review.state, "distributed")
        self.assertTrue(review.recipient_ids, "the default recipients are recorded")
        with self.refused(UserError, "can no longer be changed"):
            self.rpc(self.manager, "service.review", "write", review.ids, {"conclusion": "<p>Later</p>"})
        with self.refused(UserError, "can only be changed through its buttons"):
            self.rpc(self.manager, "service.review", "write", review.ids, {"is_management_review_input": False})
        self.assertTrue(self.stored(review, ["is_management_review_input"])["is_management_review_input"])
        self.assertFalse(review.conclusion)

    def test_text_changes_before_approval_are_in_the_chatter(self):
        review = self.new_review(conclusion="<p>Stable year</p>")
        review.write({"conclusion": "<p>Growing year</p>"})
        note = review.message_ids.filtered(lambda m: "External review changed" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("Stable year", note.body)
        self.assertIn("Growing year", note.body)
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))

    def test_salesperson_cannot_edit_a_draft_review(self):
        review = self.new_review()
        with self.refused(AccessError, "not allowed to modify"):
            self.rpc(self.sales, "service.review", "write", review.ids, {"conclusion": "<p>Mine</p>"})
        self.assertFalse(review.conclusion)

    # ------------------------------------------------------------------
    # Buttons and form
    # ------------------------------------------------------------------
    def test_buttons_show_only_where_they_succeed(self):
        review = self.new_review()
        flags = ["can_edit", "can_submit", "can_approve", "can_send_back", "can_distribute", "can_edit_distribution"]

        def can(user):
            return {name: review.with_user(user)[name] for name in flags}

        self.assertEqual(
            can(self.manager),
            dict.fromkeys(flags, False) | {"can_edit": True, "can_submit": True, "can_edit_distribution": True},
        )
        review.write({"dissatisfaction_areas": "<p>Noise</p>", "market_forecast": "<p>Flat</p>"})
        review.action_submit()
        review.invalidate_recordset()
        self.assertEqual(can(self.manager), dict.fromkeys(flags, False) | {"can_edit_distribution": True})
        self.assertTrue(can(self.gm)["can_approve"])
        self.assertTrue(can(self.gm)["can_send_back"])
        review.with_user(self.gm).action_approve()
        review.invalidate_recordset()
        self.assertEqual(can(self.manager), dict.fromkeys(flags, False) | {"can_distribute": True})
        self.assertFalse(can(self.gm)["can_edit"])

    # ------------------------------------------------------------------
    # Overview and scheduled drafting
    # ------------------------------------------------------------------
    def test_opening_the_overview_creates_no_review(self):
        Review = self.env["service.review"].sudo()
        before = Review.search([])
        before_dates = {review.id: review.write_date for review in before}
        for user in (self.leader, self.manager, self.gm):
            with freeze_time("2026-11-27 10:00:00"):
                action = self.rpc(user, "service.review", "action_open_current_half_year")
            self.assertEqual(action["res_model"], "service.review.overview")
        self.env.invalidate_all()
        after = Review.search([])
        self.assertEqual(after, before)
        self.assertEqual({review.id: review.write_date for review in after}, before_dates)

    def test_overview_is_for_managers_and_leaders(self):
        for user in (self.sales, self.inspector, self.technical):
            with self.refused(AccessError, "Opening the service overview needs the role"):
                self.rpc(user, "service.review", "action_open_current_half_year")

    def test_cron_drafts_for_the_company_service_manager_only(self):
        other = self.env["res.company"].create({"name": "No Manager Ltd"})
        with freeze_time("2026-07-02 03:00:00"):
            reviews = self.env["service.review"].sudo()._cron_draft_review()
        mine = reviews.filtered(lambda review: review.company_id == self.review_company)
        self.assertEqual(mine.user_id, self.manager)
        self.assertFalse(reviews.filtered(lambda review: review.company_id == other))
        self.assertNotIn(self.env.ref("base.user_root"), reviews.user_id)

    # ------------------------------------------------------------------
    # Who reads which review
    # ------------------------------------------------------------------
    def test_non_managers_read_only_distributed_reviews(self):
        review = self.new_review()
        readers = (self.sales, self.inspector, self.technical, self.leader, self.vp)
        for state_step in ("draft", "submitted", "approved"):
            for user in readers:
                self.assertFalse(
                    self.rpc(user, "service.review", "search", [("id", "=", review.id)]),
                    f"{user.login} sees a {state_step} review",
                )
                with self.refused(AccessError, "Service Review"):
                    self.rpc(user, "service.review", "read", review.ids, ["conclusion"])
                self.assertFalse(self.rpc(user, "service.review.stat", "search", [("review_id", "=", review.id)]))
            if state_step == "draft":
                review.write({"dissatisfaction_areas": "<p>Noise</p>", "market_forecast": "<p>Flat</p>"})
                review.action_submit()
            elif state_step == "submitted":
                review.with_user(self.gm).action_approve()
        review.action_distribute()
        for user in readers:
            self.assertEqual(self.rpc(user, "service.review", "search", [("id", "=", review.id)]), review.ids)
            self.assertTrue(self.rpc(user, "service.review.stat", "search", [("review_id", "=", review.id)]))

    def test_named_recipient_reads_the_submitted_review(self):
        review = self.new_review(recipient_ids=[Command.set(self.vp.ids)])
        with self.refused(AccessError, "Service Review"):
            self.rpc(self.vp, "service.review", "read", review.ids, ["name"])
        review.write({"dissatisfaction_areas": "<p>Noise</p>", "market_forecast": "<p>Flat</p>"})
        review.action_submit()
        self.assertEqual(self.rpc(self.vp, "service.review", "read", review.ids, ["name"])[0]["id"], review.id)
        self.assertFalse(self.rpc(self.leader, "service.review", "search", [("id", "=", review.id)]))

    # ------------------------------------------------------------------
    # Internal messages are notes
    # ------------------------------------------------------------------
    def notified(self, message, partner):
        return (
            self.env["mail.notification"]
            .sudo()
            .search([("mail_message_id", "=", message.id), ("res_partner_id", "=", partner.id)])
        )

    def test_send_back_is_a_note_the_customer_does_not_receive(self):
        review = self.new_review()
        review.message_subscribe(partner_ids=self.customer_follower.ids)
        review.write({"dissatisfaction_areas": "<p>Noise</p>", "market_forecast": "<p>Flat</p>"})
        review.action_submit()
        review.with_user(self.gm).action_send_back("Add the competitors")
        message = review.message_ids.filtered(lambda m: "Add the competitors" in (m.body or ""))
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_note"))
        self.assertTrue(self.notified(message, self.manager.partner_id), "the Sales Manager is told")
        self.assertFalse(self.notified(message, self.customer_follower))

    def test_distribution_is_a_note_the_customer_does_not_receive(self):
        review = self.approved()
        review.message_subscribe(partner_ids=self.customer_follower.ids)
        review.action_distribute()
        message = review.message_ids.filtered(lambda m: "management review" in (m.body or ""))
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_note"))
        self.assertTrue(self.notified(message, self.gm.partner_id))
        self.assertFalse(self.notified(message, self.customer_follower))
        self.assertFalse(
            self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "=", message.id), ("recipient_ids", "in", self.customer_follower.ids)])
        )

    def test_portal_follower_receives_nothing_internal(self):
        portal = new_test_user(self.env, login="t_portal_review", groups="base.group_portal")
        review = self.approved()
        review.message_subscribe(partner_ids=portal.partner_id.ids)
        review.action_distribute()
        message = review.message_ids.filtered(lambda m: "management review" in (m.body or ""))
        self.assertFalse(self.notified(message, portal.partner_id))
