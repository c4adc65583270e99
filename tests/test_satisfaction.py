# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from datetime import date, datetime

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from ..models.service_mixin import half_year_bounds
from .common import SURVEY, ServiceCase, answer_survey, scored_questions

TODO = "mail.mail_activity_data_todo"


@tagged("post_install", "-at_install")
class TestSatisfaction(ServiceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.survey = cls.env.ref(SURVEY)
        cls.questions = scored_questions(cls.env)
        cls.company.write(
            {
                "service_satisfaction_start_date": False,
                "service_target_year1": 95.0,
                "service_target_year2": 97.0,
                "service_target_year3": 98.0,
                "service_satisfaction_pass_score": 80.0,
            }
        )
        Partner = cls.env["res.partner"]
        cls.p1, cls.p2, cls.p3, cls.p4 = Partner.create(
            [
                {"name": f"Survey Customer {i}", "is_company": True, "email": f"buyer{i}@customer{i}.example.com"}
                for i in range(1, 5)
            ]
        )
        cls.period_start, cls.period_end = half_year_bounds(fields.Date.today())

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def new_campaign(self, partners, **vals):
        values = {"period_start": self.period_start, "audience": "list"}
        values.update(vals)
        if values["audience"] == "list":
            values["partner_ids"] = [Command.set(partners.ids)]
        return self.env["service.satisfaction.campaign"].with_user(self.manager).create(values)

    def started(self, partners, **vals):
        campaign = self.new_campaign(partners, **vals)
        campaign.action_start()
        return campaign

    def answer_of(self, campaign, partner):
        answer = campaign.sudo().user_input_ids.filtered(lambda a: a.partner_id == partner)
        self.assertEqual(len(answer), 1)
        return answer

    def answer(self, campaign, partner, points, done=True):
        """Answer the six questions of ``partner``'s invitation with ``points``."""
        return answer_survey(self.answer_of(campaign, partner), points, done=done)

    def invitations(self, partner):
        return self.env["mail.mail"].sudo().search([("recipient_ids", "in", partner.ids)])

    # ------------------------------------------------------------------
    # Questionnaire
    # ------------------------------------------------------------------
    def test_questionnaire_scores_six_questions_from_5_to_1(self):
        self.assertEqual(self.survey.scoring_type, "scoring_without_answers")
        self.assertEqual(self.survey.access_mode, "token")
        self.assertFalse(self.survey.certification)
        self.assertEqual(len(self.questions), 6)
        for question in self.questions:
            self.assertTrue(question.constr_mandatory)
            self.assertEqual(question.suggested_answer_ids.sorted("sequence").mapped("answer_score"), [5, 4, 3, 2, 1])
        self.assertEqual(
            self.questions.suggested_answer_ids.filtered(lambda a: a.answer_score == 5).mapped("value"),
            ["Very satisfied"] * 6,
        )
        comment = self.survey.question_ids - self.questions
        self.assertEqual(comment.question_type, "text_box")
        self.assertFalse(comment.constr_mandatory)
        self.assertEqual(self.survey.scoring_max_obtainable, 30)

    # ------------------------------------------------------------------
    # Invitations through survey.invite
    # ------------------------------------------------------------------
    def test_start_invites_every_customer_through_the_survey(self):
        campaign = self.new_campaign(self.p1 | self.p2)
        self.assertTrue(campaign.name.startswith("SAT/"))
        self.assertEqual(campaign.survey_id, self.survey)
        self.assertEqual(campaign.deadline, self.period_end)
        campaign.action_start()

        self.assertEqual(campaign.state, "running")
        answers = campaign.sudo().user_input_ids
        self.assertEqual(answers.partner_id, self.p1 | self.p2)
        self.assertEqual(set(answers.mapped("state")), {"new"})
        self.assertEqual(answers.survey_id, self.survey)
        self.assertEqual(answers.campaign_id, campaign)
        self.assertEqual({a.deadline.date() for a in answers}, {self.period_end})
        self.assertEqual((campaign.invited_count, campaign.completed_count), (2, 0))
        for answer in answers:
            mail = self.invitations(answer.partner_id)
            self.assertEqual(len(mail), 1)
            self.assertEqual(mail.state, "outgoing")
            self.assertIn(answer.access_token, str(mail.body_html))
        self.assertEqual(campaign.question_result_ids.question_id, self.questions)
        self.assertEqual(self.activities(campaign, TODO).user_id, self.manager)

    def test_a_new_campaign_does_not_reuse_the_answers_of_the_last_one(self):
        first = self.started(self.p1)
        self.answer(first, self.p1, 5)
        second = self.started(self.p1)
        self.assertNotEqual(self.answer_of(second, self.p1), self.answer_of(first, self.p1))
        self.assertEqual(self.answer_of(second, self.p1).state, "new")
        self.assertEqual(len(self.invitations(self.p1)), 2)
        self.assertEqual((first.completed_count, second.completed_count), (1, 0))

    def test_reminder_resends_the_same_link_to_those_who_did_not_answer(self):
        campaign = self.started(self.p1 | self.p2)
        self.answer(campaign, self.p1, 4)
        campaign.with_user(self.sales).action_remind()
        self.assertEqual(len(self.invitations(self.p1)), 1)
        reminders = self.invitations(self.p2)
        self.assertEqual(len(reminders), 2)
        self.assertEqual(campaign.invited_count, 2)
        for mail in reminders:
            self.assertIn(self.answer_of(campaign, self.p2).access_token, str(mail.body_html))
        self.answer(campaign, self.p2, 4)
        with self.refused(UserError, "already completed"):
            campaign.with_user(self.sales).action_remind()

    def test_start_needs_customers(self):
        campaign = self.new_campaign(self.env["res.partner"])
        with self.refused(UserError, "no customer to invite"):
            campaign.action_start()
        self.assertEqual(campaign.state, "draft")

    # ------------------------------------------------------------------
    # Rates
    # ------------------------------------------------------------------
    def test_rates_on_a_known_set_of_answers(self):
        campaign = self.started(self.p1 | self.p2 | self.p3 | self.p4)
        self.answer(campaign, self.p1, 5)  # 30/30 = 100 %
        self.answer(campaign, self.p2, 4)  # 24/30 = 80 %: satisfied, just
        self.answer(campaign, self.p3, 3)  # 18/30 = 60 %
        self.answer(campaign, self.p4, 1, done=False)  # started, not completed
        self.assertEqual(self.answer_of(campaign, self.p2).scoring_percentage, 80.0)
        self.assertEqual(campaign.invited_count, 4)
        self.assertEqual(campaign.completed_count, 3)
        self.assertEqual(campaign.satisfied_count, 2)
        self.assertEqual(campaign.response_rate, 75.0)
        self.assertEqual(campaign.satisfaction_rate, 66.67)
        self.assertEqual(campaign.average_score, 80.0)
        self.assertEqual(campaign.target_rate, 95.0)
        self.assertFalse(campaign.target_met)
        for result in campaign.question_result_ids:
            self.assertEqual(result.answer_count, 3)
            self.assertEqual(result.average_points, 4.0)
            self.assertEqual(result.average_score, 80.0)
            self.assertEqual(result.satisfied_rate, 66.67)
        pivot = campaign.action_view_question_answers()
        lines = self.env["survey.user_input.line"].search(pivot["domain"])
        self.assertEqual(len(lines), 18)
        self.assertEqual(lines.question_id, self.questions)
        # Stored: a report reads them with one grouped query.
        [(rate, count)] = self.env["service.satisfaction.campaign"]._read_group(
            [("id", "=", campaign.id), ("state", "=", "running")], [], ["satisfaction_rate:avg", "completed_count:sum"]
        )
        self.assertEqual((rate, count), (66.67, 3))

    def test_question_average_shows_the_weak_area(self):
        campaign = self.started(self.p1 | self.p2)
        self.answer(campaign, self.p1, [5, 2, 5, 5, 5, 5])
        self.answer(campaign, self.p2, [4, 1, 4, 4, 4, 4])
        delivery = campaign.question_result_ids.filtered(lambda r: r.question_id == self.questions[1])
        self.assertEqual((delivery.average_points, delivery.average_score, delivery.satisfied_rate), (1.5, 30.0, 0.0))
        quality = campaign.question_result_ids.filtered(lambda r: r.question_id == self.questions[0])
        self.assertEqual((quality.average_points, quality.average_score, quality.satisfied_rate), (4.5, 90.0, 100.0))
        # 28/30 = 93.33 % is satisfied, 21/30 = 70 % is not.
        self.assertEqual(campaign.satisfaction_rate, 50.0)

    def test_target_met_then_closed_and_frozen(self):
        campaign = self.started(self.p1 | self.p2 | self.p3)
        self.answer(campaign, self.p1, 5)
        self.answer(campaign, self.p2, 4)
        self.assertEqual(campaign.satisfaction_rate, 100.0)
        self.assertEqual(campaign.response_rate, 66.67)
        self.assertTrue(campaign.target_met)
        campaign.action_close()
        self.assertEqual(campaign.state, "closed")
        self.assertLessEqual(self.answer_of(campaign, self.p3).deadline, fields.Datetime.now())
        self.assertFalse(self.activities(campaign, TODO))
        # The settings of later years do not rewrite a closed survey.
        self.company.write({"service_target_year1": 99.0, "service_satisfaction_pass_score": 90.0})
        self.assertEqual((campaign.target_rate, campaign.pass_score), (95.0, 80.0))
        self.assertTrue(campaign.target_met)
        with self.refused(UserError, "has started"):
            campaign.with_user(self.manager).write({"period_start": self.period_start - relativedelta(months=6)})
        with self.refused(UserError, "cannot be deleted"):
            campaign.with_user(self.manager).unlink()

    def test_settings_are_taken_again_when_the_survey_starts(self):
        campaign = self.new_campaign(self.p1)
        self.assertEqual(campaign.target_rate, 95.0)
        self.company.write({"service_target_year1": 96.0, "service_satisfaction_pass_score": 100.0})
        campaign.action_start()
        self.assertEqual((campaign.target_rate, campaign.pass_score), (96.0, 100.0))
        self.answer(campaign, self.p1, 4)
        self.assertEqual(campaign.satisfaction_rate, 0.0)
        self.assertFalse(campaign.target_met)

    # ------------------------------------------------------------------
    # Targets 95 / 97 / 98 %
    # ------------------------------------------------------------------
    def test_targets_of_years_one_two_and_three(self):
        company = self.company
        self.assertEqual(company._service_satisfaction_target(date(2030, 1, 1)), 95.0)  # no start date: year 1
        company.service_satisfaction_start_date = date(2024, 3, 1)
        expected = {
            date(2024, 1, 15): 95.0,  # before the start
            date(2024, 3, 1): 95.0,
            date(2025, 2, 28): 95.0,
            date(2025, 3, 1): 97.0,
            date(2026, 2, 28): 97.0,
            date(2026, 3, 1): 98.0,
            date(2031, 12, 31): 98.0,
        }
        for day, target in expected.items():
            self.assertEqual(company._service_satisfaction_target(day), target, day)
        self.assertEqual(company._service_satisfaction_target("2025-06-30"), 97.0)

    def test_campaign_target_follows_the_year_of_its_period(self):
        self.company.service_satisfaction_start_date = self.period_start - relativedelta(years=1)
        campaign = self.new_campaign(self.p1)
        self.assertEqual(campaign.target_rate, 97.0)
        self.company.service_satisfaction_start_date = self.period_start - relativedelta(years=2)
        year3 = self.new_campaign(self.p1)
        self.assertEqual(year3.target_rate, 98.0)
        year3.action_start()
        self.answer(year3, self.p1, 5)
        self.assertTrue(year3.target_met)
        mixed = self.started(self.p2 | self.p3)
        self.answer(mixed, self.p2, 5)
        self.answer(mixed, self.p3, 3)
        self.assertEqual((mixed.satisfaction_rate, mixed.target_rate, mixed.target_met), (50.0, 98.0, False))

    def test_period_is_one_half_year(self):
        with self.assertRaisesRegex(ValidationError, "one half-year"):
            self.new_campaign(self.p1, period_start="2026-03-01", period_end="2026-09-30")
        campaign = self.new_campaign(self.p1, period_start="2026-08-15")
        self.assertEqual((campaign.period_end, campaign.period_label), (date(2026, 12, 31), "2026 H2"))

    # ------------------------------------------------------------------
    # Scheduled action
    # ------------------------------------------------------------------
    def test_cron_drafts_one_campaign_per_company_and_half_year(self):
        other = self.env["res.company"].create({"name": "Other Bearings Ltd"})
        Campaign = self.env["service.satisfaction.campaign"]
        companies = self.env["res.company"].search([])
        with freeze_time("2031-01-01 02:00:00"):
            # One company per call (the cron runner calls again while some remain).
            drafted = Campaign.browse()
            while batch := Campaign._cron_draft_next_campaign():
                drafted |= batch
            self.assertEqual(drafted.company_id, companies)
            self.assertIn(other, drafted.company_id)
            self.assertEqual(set(drafted.mapped("period_start")), {date(2031, 1, 1)})
            self.assertEqual(set(drafted.mapped("period_end")), {date(2031, 6, 30)})
            self.assertEqual(set(drafted.mapped("state")), {"draft"})
            self.assertEqual(set(drafted.mapped("audience")), {"key"})
            mine = drafted.filtered(lambda c: c.company_id == self.company)
            self.assertIn(self.customer, mine.partner_ids)
            self.assertEqual(self.activities(mine, TODO).user_id, self.manager)
        with freeze_time("2031-03-15 02:00:00"):
            self.assertFalse(Campaign._cron_draft_next_campaign())
        cron = self.env.ref("customer_service_control.ir_cron_service_satisfaction_campaign")
        self.assertEqual((cron.interval_number, cron.interval_type), (6, "months"))
        with freeze_time("2031-07-01 02:00:00"):
            for _call in range(len(companies) + 1):
                cron.method_direct_trigger()
        second = Campaign.search([("period_start", "=", "2031-07-01")])
        self.assertEqual(second.company_id, companies)
        self.assertEqual(len(second), len(companies))

    # ------------------------------------------------------------------
    # Audience
    # ------------------------------------------------------------------
    def test_key_customer_audience(self):
        campaign = self.new_campaign(self.env["res.partner"], audience="key")
        self.assertIn(self.customer, campaign.partner_ids)
        self.assertNotIn(self.p1, campaign.partner_ids)
        self.p1.is_key_customer = True
        campaign.action_start()
        self.assertIn(self.p1, campaign.sudo().user_input_ids.partner_id)

    def test_recent_audience_takes_customers_with_a_confirmed_sale_in_twelve_months(self):
        product = self.env["product.product"].create({"name": "Bearing 6204", "type": "consu", "list_price": 9.0})
        contact = self.env["res.partner"].create({"name": "Buyer of Customer 4", "parent_id": self.p4.id})

        def order(partner, confirm=True):
            sale = self.env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 2})],
                }
            )
            if confirm:
                sale.action_confirm()
            return sale

        order(self.p1)
        order(self.p2).date_order = datetime.now() - relativedelta(months=13)
        order(self.p3, confirm=False)
        order(contact)
        campaign = self.new_campaign(self.env["res.partner"], audience="recent")
        self.assertIn(self.p1, campaign.partner_ids)
        self.assertIn(self.p4, campaign.partner_ids)
        self.assertNotIn(contact, campaign.partner_ids)
        self.assertNotIn(self.p2, campaign.partner_ids)
        self.assertNotIn(self.p3, campaign.partner_ids)

    # ------------------------------------------------------------------
    # Roles
    # ------------------------------------------------------------------
    def test_salesperson_cannot_start_or_close(self):
        campaign = self.new_campaign(self.p1)
        with self.refused(AccessError, "Sales Manager"):
            self.rpc(self.sales, "service.satisfaction.campaign", "action_start", campaign.ids)
        self.assertEqual(campaign.state, "draft")
        self.assertFalse(campaign.sudo().user_input_ids)
        self.rpc(self.manager, "service.satisfaction.campaign", "action_start", campaign.ids)
        with self.refused(AccessError, "Sales Manager"):
            self.rpc(self.sales, "service.satisfaction.campaign", "action_close", campaign.ids)
        with self.refused(UserError, "can only be changed through its buttons"):
            self.rpc(self.manager, "service.satisfaction.campaign", "write", campaign.ids, {"satisfaction_rate": 100})
        self.assertEqual(campaign.state, "running")

    def test_every_role_reads_the_results(self):
        campaign = self.started(self.p1)
        self.answer(campaign, self.p1, 5)
        for user in (self.sales, self.leader, self.inspector, self.technical, self.gm):
            [values] = self.rpc(
                user, "service.satisfaction.campaign", "read", campaign.ids, ["satisfaction_rate", "target_met"]
            )
            self.assertEqual((values["satisfaction_rate"], values["target_met"]), (100.0, True))
            results = self.rpc(
                user,
                "service.satisfaction.question.result",
                "search_read",
                [("campaign_id", "=", campaign.id)],
                ["average_score"],
            )
            self.assertEqual([r["average_score"] for r in results], [100.0] * 6)
        with self.refused(AccessError, ""), mute_logger("odoo.addons.base.models.ir_model"):
            self.rpc(self.leader, "service.satisfaction.campaign", "write", campaign.ids, {"deadline": "2030-01-01"})
        action = campaign.with_user(self.manager).action_view_answers()
        self.assertEqual(
            self.env["survey.user_input"].with_user(self.manager).search(action["domain"]),
            campaign.sudo().user_input_ids,
        )

    # ------------------------------------------------------------------
    # Customer registration card
    # ------------------------------------------------------------------
    def test_partner_shows_the_score_of_its_last_completed_survey(self):
        contact = self.env["res.partner"].create({"name": "Buyer of Customer 1", "parent_id": self.p1.id})
        earlier = self.started(self.p1 | self.p2)
        with freeze_time(fields.Datetime.now() - relativedelta(days=30)):
            self.answer(earlier, self.p1, 3)
        later = self.started(self.p1 | self.p2)
        self.answer(later, self.p1, 5, done=False)
        self.env.invalidate_all()
        self.assertEqual(self.p1.last_satisfaction_score, 60.0)
        self.answer_of(later, self.p1)._mark_done()
        self.env.invalidate_all()
        partners = self.p1 | contact | self.p2
        self.assertEqual(partners.mapped("last_satisfaction_score"), [100.0, 100.0, 0.0])

    # ------------------------------------------------------------------
    # Demo data
    # ------------------------------------------------------------------
    def test_demo_previous_half_year_closed_below_target(self):
        campaign = self.env.ref("customer_service_control.demo_satisfaction_campaign_previous", False)
        if not campaign:
            self.skipTest("demo data not loaded")
        self.assertEqual(campaign.state, "closed")
        self.assertEqual(campaign.period_end + relativedelta(days=1), self.period_start)
        self.assertEqual((campaign.invited_count, campaign.completed_count), (4, 3))
        self.assertEqual((campaign.response_rate, campaign.satisfaction_rate), (75.0, 66.67))
        self.assertFalse(campaign.target_met)
        current = self.env.ref("customer_service_control.demo_satisfaction_campaign_current")
        self.assertEqual((current.state, current.period_start), ("draft", self.period_start))
        jiangnan = self.env.ref("customer_service_control.partner_jiangnan_pump")
        self.assertEqual(jiangnan.last_satisfaction_score, 80.0)
