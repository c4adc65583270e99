# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, tagged

from .common import ServiceCase, answer_survey


@tagged("post_install", "-at_install")
class TestServiceReview(ServiceCase):
    """The half-yearly review on a known data set of 2026 H1 (January to June)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A company of its own keeps the demo data out of the figures.
        cls.review_company = cls.env["res.company"].create({"name": "Review Bearings Ltd"})
        cls.review_company.service_manager_user_id = cls.manager
        users = cls.sales | cls.manager | cls.inspector | cls.technical | cls.leader | cls.vp | cls.gm
        users.write({"company_ids": [(4, cls.review_company.id)]})
        cls.review_customer = cls.env["res.partner"].create(
            {"name": "Review Customer", "is_company": True, "company_id": cls.review_company.id}
        )

    def in_company(self, model, user=None):
        return self.env[model].with_user(user or self.sales).with_company(self.review_company)

    def make_enquiry(self, received, reply=None, **vals):
        enquiry = self.in_company("service.enquiry", self.manager).create(
            dict({"partner_id": self.review_customer.id, "subject": "Grease", "received_at": received}, **vals)
        )
        if reply:
            enquiry.write({"reply_at": reply, "reply_channel": "phone", "reply_note": "<p>Done</p>"})
            enquiry.action_answer()
        return enquiry

    def make_complaint(self, received, responded=None, cause=None, resolved=None):
        complaint = self.in_company("service.complaint", self.manager).create(
            {"partner_id": self.review_customer.id, "description": "<p>Noise</p>", "received_at": received}
        )
        if responded:
            complaint.write({"response_type": "letter", "responded_at": responded})
            complaint.action_respond()
        if cause:
            complaint.cause = cause
            complaint.action_start_analysis()
        if resolved:
            complaint.write({"analysis": "<p>a</p>", "resolution": "<p>r</p>"})
            with freeze_time(resolved):
                complaint.action_resolve()
        return complaint

    def build_period(self, scale=1):
        """``scale`` copies of: 3 enquiries (2 answered in time), 4 complaints
        (3 answered in 48 h, causes 2 quality + 1 design + 1 unclassified, 2 resolved in
        2 and 4 days), 3 actions (1 verified, 1 not effective, 1 open and late)."""
        with freeze_time("2026-06-30 12:00:00"):
            for _i in range(scale):
                self.make_enquiry("2026-02-02 09:00:00", reply="2026-02-03 09:00:00")
                self.make_enquiry("2026-03-02 09:00:00", reply="2026-03-03 15:00:00")
                self.make_enquiry("2026-04-01 09:00:00", reply="2026-04-10 09:00:00")
                self.make_enquiry("2026-04-01 09:00:00").action_cancel()
                self.make_complaint("2026-01-05 08:00:00", "2026-01-06 08:00:00", "quality", "2026-01-07 08:00:00")
                self.make_complaint("2026-02-05 08:00:00", "2026-02-06 08:00:00", "quality", "2026-02-09 08:00:00")
                self.make_complaint("2026-03-05 08:00:00", "2026-03-05 18:00:00", "design")
                self.make_complaint("2026-05-05 08:00:00", "2026-05-12 08:00:00")
                self.make_actions()

    def make_actions(self):
        Action = self.in_company("service.action", self.inspector)
        actions = Action.create(
            [
                {
                    "title": title,
                    "user_id": self.inspector.id,
                    "due_date": "2026-03-01",
                    "description": "<p>Do</p>",
                }
                for title in ("verified", "ineffective", "late")
            ]
        )
        actions.action_open()
        verified, ineffective, late = actions
        (verified | ineffective).write({"completion_note": "<p>Done</p>"})
        (verified | ineffective).action_done()
        verified.with_user(self.manager).action_verify_effective("ok")
        ineffective.with_user(self.manager).action_verify_ineffective("again")
        self.env["service.action"].sudo()._cron_remind_late()
        return late

    def new_review(self):
        return self.in_company("service.review", self.manager).create(
            {"period_start": date(2026, 1, 1), "period_end": date(2026, 6, 30), "user_id": self.manager.id}
        )

    def test_statistics_of_a_known_half_year(self):
        self.build_period()
        review = self.new_review()
        self.assertEqual(review.period_label, "2026 H1")
        self.assertEqual(review.enquiry_count, 3)
        self.assertEqual(review.enquiry_in_time_count, 2)
        self.assertEqual(review.enquiry_in_time_rate, 66.7)
        self.assertEqual(review.complaint_count, 4)
        self.assertEqual(review.complaint_in_time_count, 3)
        self.assertEqual(review.complaint_in_time_rate, 75.0)
        self.assertEqual(review.complaint_resolve_days, 3.0)
        by_cause = {line.key: line.count for line in review.stat_line_ids if line.category == "complaint_cause"}
        self.assertEqual(by_cause, {"quality": 2, "design": 1, "": 1})
        self.assertEqual(review.action_opened_count, 3)
        self.assertEqual(review.action_done_count, 2)
        self.assertEqual(review.action_effective_count, 1)
        self.assertEqual(review.action_ineffective_count, 1)
        self.assertEqual(review.action_overdue_count, 1)
        self.assertEqual(review.satisfaction_target, 95.0, "year 1 target without a start date")
        trend = review.stat_line_ids.filtered(lambda line: line.category == "satisfaction_trend")
        self.assertEqual(trend.mapped("label"), ["2023 H2", "2024 H1", "2024 H2", "2025 H1", "2025 H2", "2026 H1"])

    def test_satisfaction_against_the_target_and_its_trend(self):
        """Two closed half-yearly surveys: 2025 H2 at 100 %, 2026 H1 at 50 % (one of two
        customers satisfied), against the year-1 then year-2 targets."""
        self.review_company.write(
            {"service_satisfaction_start_date": date(2025, 1, 1), "service_satisfaction_pass_score": 80.0}
        )
        partners = self.env["res.partner"].create(
            [
                {
                    "name": f"Surveyed {i}",
                    "is_company": True,
                    "email": f"s{i}@example.com",
                    "company_id": self.review_company.id,
                }
                for i in range(2)
            ]
        )

        def run_campaign(when, start, points):
            with freeze_time(when):
                campaign = self.in_company("service.satisfaction.campaign", self.manager).create(
                    {"period_start": start, "audience": "list", "partner_ids": [Command.set(partners.ids)]}
                )
                campaign.action_start()
                answers = campaign.sudo().user_input_ids
                for partner, value in zip(partners, points, strict=True):
                    answer_survey(answers.filtered(lambda a, p=partner: a.partner_id == p), value)
                campaign.action_close()
            return campaign

        run_campaign("2025-11-03 09:00:00", date(2025, 7, 1), [5, 5])
        run_campaign("2026-05-04 09:00:00", date(2026, 1, 1), [5, 2])
        review = self.new_review()
        self.assertTrue(review.has_satisfaction)
        self.assertEqual(review.satisfaction_rate, 50.0)
        self.assertEqual(review.satisfaction_target, 97.0, "2026 H1 ends in the second year")
        self.assertFalse(review.satisfaction_target_met)
        trend = {
            line.label: (line.value, line.target)
            for line in review.stat_line_ids
            if line.category == "satisfaction_trend"
        }
        self.assertEqual(trend["2025 H2"], (100.0, 95.0))
        self.assertEqual(trend["2026 H1"], (50.0, 97.0))
        self.assertEqual(trend["2024 H1"][0], 0.0)

    def test_statistics_take_the_same_queries_whatever_the_size(self):
        self.build_period(scale=1)
        review = self.new_review()

        def measured():
            self.env.invalidate_all()
            with self.queries_at_most(REVIEW_QUERIES) as counter:
                review._statistics()
            return counter["queries"]

        measured()  # warm the registry caches
        small = measured()
        self.build_period(scale=8)
        large = measured()
        self.assertEqual(small, large, "a fixed number of queries at both sizes")
        review._compute_statistics()
        self.assertEqual(review.complaint_count, 36)

    def test_figures_freeze_on_submission(self):
        self.build_period()
        review = self.new_review()
        with self.refused(UserError, "external review"):
            review.action_submit()
        review.write({"dissatisfaction_areas": "<p>Lead times</p>", "market_forecast": "<p>Growth 5 %</p>"})
        review.action_submit()
        self.assertEqual(review.state, "submitted")
        with freeze_time("2026-06-30 12:00:00"):
            self.make_complaint("2026-06-01 08:00:00")
        with self.refused(UserError, "needs the state “Draft”"):
            review.action_recompute()
        review.invalidate_recordset()
        self.assertEqual(review.complaint_count, 4, "a later complaint does not rewrite the submitted figures")
        with self.refused(UserError, "can only be changed through its buttons"):
            review.write({"state": "approved"})

    def test_only_the_general_manager_approves_and_distribution_notifies(self):
        self.review_company.service_management_rep_id = self.vp
        review = self.new_review()
        review.write({"dissatisfaction_areas": "<p>Noise</p>", "market_forecast": "<p>Flat</p>"})
        review.action_submit()
        self.assertIn(self.gm, self.activities(review, "customer_service_control.mail_act_service_review").user_id)
        for user in (self.manager, self.leader, self.vp):
            with self.refused(AccessError, "General Manager"):
                self.rpc(user, "service.review", "action_approve", review.ids)
        # Sent back with a reason, then submitted again and approved.
        with self.refused(UserError, "Say why"):
            review.with_user(self.gm).action_send_back(" ")
        review.with_user(self.gm).action_send_back("Add the competitors")
        self.assertEqual(review.state, "draft")
        review.action_submit()
        # The distribution list is set before approval: an approved review changes no more.
        manager = self.env["hr.employee"].create(
            {"name": "Production manager", "user_id": self.prod_manager.id, "company_id": self.review_company.id}
        )
        production = self.env["hr.department"].create(
            {"name": "Production", "company_id": self.review_company.id, "manager_id": manager.id}
        )
        review.department_ids = production
        self.rpc(self.gm, "service.review", "action_approve", review.ids)
        self.assertEqual(review.approved_by_id, self.gm)
        review.action_distribute()
        self.assertEqual(review.state, "distributed")
        self.assertTrue(review.is_management_review_input)
        notice = review.message_ids.filtered(lambda m: "management review" in (m.body or ""))
        for user in (self.gm, self.vp, self.leader, self.prod_manager):
            self.assertIn(user.partner_id, notice.partner_ids)

    def test_cron_drafts_the_last_half_year_once(self):
        Review = self.env["service.review"].sudo()
        with freeze_time("2026-07-02 03:00:00"):
            Review._cron_draft_review()
            Review._cron_draft_review()
        reviews = Review.search([("company_id", "=", self.review_company.id)])
        self.assertEqual(len(reviews), 1)
        self.assertEqual((reviews.period_start, reviews.period_end), (date(2026, 1, 1), date(2026, 6, 30)))
        self.assertEqual(reviews.user_id, self.manager)
        self.assertTrue(reviews.stats_computed_at)

    def test_report_prints_the_trend_chart(self):
        self.build_period()
        review = self.new_review()
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "customer_service_control.report_service_review", review.ids
        )
        text = html.decode()
        self.assertIn("<svg", text)
        self.assertIn("2026 H1", text)
        self.assertIn("75.0 %", text)

    def test_overview_opens_the_current_half_year(self):
        with freeze_time("2026-11-27 10:00:00"):
            action = self.env["service.review"].with_user(self.leader).action_open_current_half_year()
        overview = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(action["res_model"], "service.review.overview")
        self.assertEqual(overview.period_start, date(2026, 7, 1))


# Budget of one review's statistics: 15 queries measured on Odoo 18.0, at both sizes.
REVIEW_QUERIES = 25
