# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
"""One batch of each scheduled action costs the same SQL queries with 10 and with 1,000
records waiting, so that a run at 100k records costs what it costs at 1k per batch."""

from datetime import timedelta

from odoo import fields
from odoo.tests import freeze_time, tagged

from .common import ServiceCase

OVERDUE = "customer_service_control.mail_act_service_overdue"
VISIT_PLAN = "customer_service_control.mail_act_visit_plan"
TODO = "mail.mail_activity_data_todo"


@tagged("post_install", "-at_install")
class TestQuerySlopeCron(ServiceCase):
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

    def drain(self, cron_method):
        """Run a scheduled action until nothing is left (records of the demo data)."""
        while cron_method():
            pass

    def assert_flat(self, small, large, budget, what):
        self.assertEqual(small, large, f"one batch of the {what} costs the same for 10 and 1,000 records")
        self.assertLessEqual(large, budget, f"one batch of the {what}: {large} queries where the budget is {budget}")

    def new_key_customers(self, count, tag):
        """``count`` key customers, half of them followed by each of two salespeople."""
        return self.env["res.partner"].create(
            [
                {
                    "name": f"Key Bearings {tag} {i}",
                    "is_company": True,
                    "is_key_customer": True,
                    "user_id": (self.sales if i % 2 else self.manager).id,
                }
                for i in range(count)
            ]
        )

    # ------------------------------------------------------------------
    # SLA watch (the model of the others; see also test_sla_watch)
    # ------------------------------------------------------------------
    def test_sla_watch_enquiries_batch_is_flat(self):
        Enquiry = self.env["service.enquiry"].sudo()
        with freeze_time("2026-04-01 10:00:00"):
            self.drain(Enquiry._cron_sla_watch)
            values = {
                "partner_id": self.customer.id,
                "channel": "phone",
                "subject": "Clearance",
                "user_id": self.sales.id,
                "received_at": "2026-03-01 10:00:00",
            }
            Enquiry.create([values] * 3)._cron_sla_watch()  # warm the caches
            Enquiry.create([values] * 10)
            flagged, small = self.run_counted(Enquiry._cron_sla_watch)
            self.assertEqual(len(flagged), 10)
            Enquiry.create([values] * 1000)
            flagged, large = self.run_counted(Enquiry._cron_sla_watch)
            self.assertEqual(len(flagged), 100)
        self.assert_flat(small, large, SLA_WATCH_QUERIES, "SLA watch")

    # ------------------------------------------------------------------
    # Visit planner
    # ------------------------------------------------------------------
    @freeze_time("2026-05-04 08:00:00")
    def test_visit_planner_batch_is_flat(self):
        Visit = self.env["service.visit"].sudo()
        self.drain(Visit._cron_plan_key_customer_visits)
        self.new_key_customers(3, "warm")
        Visit._cron_plan_key_customer_visits()  # warm the caches

        small_customers = self.new_key_customers(10, "small")
        visits, small = self.run_counted(Visit._cron_plan_key_customer_visits)
        self.assertEqual(visits.partner_id, small_customers)
        self.assertEqual(len(self.activities(visits, VISIT_PLAN)), 10)

        large_customers = self.new_key_customers(1000, "large")
        visits, large = self.run_counted(Visit._cron_plan_key_customer_visits)
        self.assertEqual(len(visits), 100)
        self.assertEqual(len(set(visits.mapped("name"))), 100, "one reference per visit")
        self.assert_flat(small, large, VISIT_PLANNER_QUERIES, "visit planner")

        self.drain(Visit._cron_plan_key_customer_visits)
        planned = Visit.search([("partner_id", "in", large_customers.ids)])
        self.assertEqual(planned.partner_id, large_customers)
        self.assertEqual(len(planned), 1000, "one visit per key customer")

    # ------------------------------------------------------------------
    # CAPA reminder
    # ------------------------------------------------------------------
    def new_late_actions(self, count):
        """Open actions past their due date, owned in turn by two people."""
        return (
            self.env["service.action"]
            .sudo()
            .create(
                [
                    {
                        "title": f"Grease the 6205 line {i}",
                        "state": "open",
                        "due_date": fields.Date.today() - timedelta(days=3),
                        "user_id": (self.inspector if i % 2 else self.technical).id,
                    }
                    for i in range(count)
                ]
            )
        )

    def test_capa_reminder_batch_is_flat(self):
        Action = self.env["service.action"].sudo()
        self.drain(Action._cron_remind_late)
        self.new_late_actions(3)
        Action._cron_remind_late()  # warm the caches

        small_actions = self.new_late_actions(10)
        reminded, small = self.run_counted(Action._cron_remind_late)
        self.assertEqual(reminded, small_actions)
        self.assertEqual(len(self.activities(small_actions, OVERDUE)), 10)

        large_actions = self.new_late_actions(1000)
        reminded, large = self.run_counted(Action._cron_remind_late)
        self.assertEqual(len(reminded), 100)
        self.assert_flat(small, large, CAPA_REMINDER_QUERIES, "CAPA reminder")

        self.drain(Action._cron_remind_late)
        self.assertTrue(all(large_actions.mapped("is_late")))
        self.assertEqual(len(self.activities(large_actions, OVERDUE)), 1000, "one reminder per action")

    # ------------------------------------------------------------------
    # Half-yearly drafts (one company per batch)
    # ------------------------------------------------------------------
    def test_campaign_draft_batch_is_flat(self):
        """The survey drafted for a company invites its key customers: 10 or 1,000."""
        Campaign = self.env["service.satisfaction.campaign"].sudo()
        with freeze_time("2031-01-01 02:00:00"):
            self.drain(Campaign._cron_draft_next_campaign)  # warm the caches, every company
        self.new_key_customers(10, "small")
        with freeze_time("2031-07-01 02:00:00"):
            campaign, small = self.run_counted(Campaign._cron_draft_next_campaign)
            self.assertEqual(campaign.company_id, self.env["res.company"].search([], order="id", limit=1))
        self.new_key_customers(1000, "large")
        with freeze_time("2032-01-01 02:00:00"):
            campaign, large = self.run_counted(Campaign._cron_draft_next_campaign)
            self.assertEqual(len(campaign.partner_ids), len(campaign.partner_ids.filtered("is_key_customer")))
            self.assertGreaterEqual(len(campaign.partner_ids), 1010)
        # The ORM reads records 1,000 at a time (its prefetch): the list of 1,010 customers
        # invited is read twice, that of 10 once. Nothing else grows with the customers.
        self.assert_flat(small + 1, large, CAMPAIGN_DRAFT_QUERIES, "campaign draft")

    def new_period_complaints(self, count, received_at):
        return (
            self.env["service.complaint"]
            .sudo()
            .create(
                [
                    {
                        "partner_id": self.customer.id,
                        "description": "<p>Noise</p>",
                        "user_id": self.sales.id,
                        "received_at": received_at,
                    }
                ]
                * count
            )
        )

    def test_review_draft_batch_is_flat(self):
        """The review drafted for a company counts the complaints of its half-year: 10 or 1,000."""
        Review = self.env["service.review"].sudo()
        with freeze_time("2031-01-02 03:00:00"):
            self.drain(Review._cron_draft_review)  # warm the caches, every company
        with freeze_time("2031-07-02 03:00:00"):
            self.new_period_complaints(10, "2031-03-01 10:00:00")
            review, small = self.run_counted(Review._cron_draft_review)
            self.assertEqual(review.complaint_count, 10)
        with freeze_time("2032-01-02 03:00:00"):
            self.new_period_complaints(1000, "2031-09-01 10:00:00")
            review, large = self.run_counted(Review._cron_draft_review)
            self.assertEqual(review.complaint_count, 1000)
        self.assert_flat(small, large, REVIEW_DRAFT_QUERIES, "review draft")


# Budgets of one batch, a few queries above what was measured on Odoo 18.0 whatever the
# batch size (10 or 100 records): SLA watch of enquiries 24, visit planner 29, CAPA reminder
# 22 (two people reminded), campaign draft 29 (1,010 customers invited), review draft 50.
SLA_WATCH_QUERIES = 26
VISIT_PLANNER_QUERIES = 32
CAPA_REMINDER_QUERIES = 25
CAMPAIGN_DRAFT_QUERIES = 32
REVIEW_DRAFT_QUERIES = 55
