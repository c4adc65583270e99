# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
"""The scheduled actions run in batches through Odoo's own cron runner, resume without
duplicates after an interruption, and skip the rows a user is changing at that moment."""

from contextlib import closing, contextmanager
from datetime import timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, fields
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, freeze_time, tagged

from .common import ServiceCase

OVERDUE = "customer_service_control.mail_act_service_overdue"
VISIT_PLAN = "customer_service_control.mail_act_visit_plan"
TODO = "mail.mail_activity_data_todo"
CRON = "customer_service_control.ir_cron_service_"


@tagged("post_install", "-at_install")
class TestCronBatches(ServiceCase):
    def run_through_runner(self, xmlid, code=None):
        """Run the scheduled action ``xmlid`` as the cron worker does (``_process_job``:
        one transaction per call, again while progress is made and some remain), its
        code optionally replaced (a smaller batch); return its progress records."""
        cron = self.env.ref(CRON + xmlid)
        if code:
            cron.code = code
        self.env.flush_all()
        job = {**cron.read(load=None)[0], "done": 0, "remaining": 0, "timed_out_counter": 0}
        self.registry.enter_test_mode(self.cr)
        try:
            self.registry["ir.cron"]._process_job(self.registry.db_name, self.registry.cursor(), job)
        finally:
            self.registry.leave_test_mode()
        self.env.invalidate_all()
        return self.env["ir.cron.progress"].search([("cron_id", "=", cron.id)], order="id")

    def drain(self, cron_method):
        while cron_method():
            pass

    def new_key_customers(self, count):
        return self.env["res.partner"].create(
            [
                {"name": f"Batch Bearings {i}", "is_company": True, "is_key_customer": True, "user_id": self.sales.id}
                for i in range(count)
            ]
        )

    def new_late_actions(self, count):
        return (
            self.env["service.action"]
            .sudo()
            .create(
                [
                    {
                        "title": f"Grease the 6205 line {i}",
                        "state": "open",
                        "due_date": fields.Date.today() - timedelta(days=3),
                        "user_id": self.inspector.id,
                    }
                    for i in range(count)
                ]
            )
        )

    def new_companies(self, count):
        return self.env["res.company"].create(
            [{"name": f"Batch Bearings Ltd {i}", "service_manager_user_id": self.manager.id} for i in range(count)]
        )

    # ------------------------------------------------------------------
    # Odoo's runner chains the batches
    # ------------------------------------------------------------------
    def test_runner_plans_every_key_customer_batch_after_batch(self):
        Visit = self.env["service.visit"].sudo()
        self.drain(Visit._cron_plan_key_customer_visits)
        customers = self.new_key_customers(5)
        progress = self.run_through_runner("visit_planning", "model._cron_plan_key_customer_visits(batch_size=2)")
        self.assertEqual(progress.mapped("done"), [2, 2, 1])
        self.assertEqual(progress.mapped("remaining"), [3, 1, 0])
        visits = Visit.search([("partner_id", "in", customers.ids)])
        self.assertEqual(visits.partner_id, customers)
        self.assertEqual(len(visits), 5)
        self.assertEqual(len(self.activities(visits, VISIT_PLAN)), 5)

    def test_runner_reminds_every_late_action_batch_after_batch(self):
        Action = self.env["service.action"].sudo()
        self.drain(Action._cron_remind_late)
        actions = self.new_late_actions(5)
        progress = self.run_through_runner("action_reminder", "model._cron_remind_late(batch_size=2)")
        self.assertEqual(progress.mapped("done"), [2, 2, 1])
        self.assertEqual(progress.mapped("remaining"), [3, 1, 0])
        self.assertTrue(all(actions.mapped("is_late")))
        self.assertEqual(len(self.activities(actions, OVERDUE)), 5)
        self.assertEqual(self.activities(actions, OVERDUE).user_id, self.inspector)

    @freeze_time("2031-01-01 02:00:00")
    def test_runner_drafts_a_survey_for_every_company_one_company_per_call(self):
        companies = self.new_companies(2) | self.env["res.company"].search([])
        progress = self.run_through_runner("satisfaction_campaign")
        self.assertEqual(progress.mapped("done"), [1] * len(companies))
        self.assertEqual(progress.mapped("remaining"), list(range(len(companies) - 1, -1, -1)))
        campaigns = self.env["service.satisfaction.campaign"].search([("period_start", "=", "2031-01-01")])
        self.assertEqual(campaigns.company_id, companies)
        self.assertEqual(len(campaigns), len(companies))
        self.assertEqual(self.activities(campaigns, TODO).user_id, self.manager)

    @freeze_time("2031-07-02 03:00:00")
    def test_runner_drafts_a_review_for_every_managed_company_one_company_per_call(self):
        self.new_companies(2)
        managed = self.env["res.company"].search([("service_manager_user_id", "!=", False)])
        progress = self.run_through_runner("review_draft")
        self.assertEqual(progress.mapped("done"), [1] * len(managed))
        reviews = self.env["service.review"].search([("period_start", "=", "2031-01-01")])
        self.assertEqual(reviews.company_id, managed)
        self.assertEqual(len(reviews), len(managed))
        self.assertTrue(all(reviews.mapped("stats_computed_at")))

    # ------------------------------------------------------------------
    # An interrupted run, restarted, creates nothing twice
    # ------------------------------------------------------------------
    def interrupted(self, model, method_name, call):
        """Run ``call`` with ``model.method_name`` failing, as a crash in the middle of
        a batch would, and roll the batch back as the runner does."""

        def crash(*args, **kwargs):
            raise RuntimeError("worker killed")

        with (
            patch.object(type(self.env[model]), method_name, crash),
            self.assertRaisesRegex(RuntimeError, "worker killed"),
            self.env.cr.savepoint(),
        ):
            call()
        self.env.invalidate_all(flush=False)

    @freeze_time("2026-05-04 08:00:00")
    def test_visit_planning_interrupted_then_restarted_plans_each_customer_once(self):
        Visit = self.env["service.visit"].sudo()
        self.drain(Visit._cron_plan_key_customer_visits)
        customers = self.new_key_customers(4)
        first = Visit._cron_plan_key_customer_visits(batch_size=2)
        self.interrupted(
            "service.visit", "_schedule_plan_activities", lambda: Visit._cron_plan_key_customer_visits(batch_size=2)
        )
        self.assertEqual(Visit.search([("partner_id", "in", customers.ids)]), first, "the crashed batch left nothing")
        self.drain(lambda: Visit._cron_plan_key_customer_visits(batch_size=2))
        self.drain(lambda: Visit._cron_plan_key_customer_visits(batch_size=2))
        for customer in customers:
            visit = Visit.search([("partner_id", "=", customer.id)])
            self.assertEqual(len(visit), 1, f"{customer.name} has one planned visit")
            self.assertEqual(len(self.activities(visit, VISIT_PLAN)), 1)

    def test_capa_reminder_interrupted_then_restarted_reminds_each_action_once(self):
        Action = self.env["service.action"].sudo()
        self.drain(Action._cron_remind_late)
        actions = self.new_late_actions(4)
        first = Action._cron_remind_late(batch_size=2)
        self.interrupted("service.action", "_reminder_user", lambda: Action._cron_remind_late(batch_size=2))
        self.assertEqual(actions.filtered("is_late"), first, "the crashed batch flagged nothing")
        self.drain(lambda: Action._cron_remind_late(batch_size=2))
        self.drain(lambda: Action._cron_remind_late(batch_size=2))
        self.assertTrue(all(actions.mapped("is_late")))
        for action in actions:
            self.assertEqual(len(self.activities(action, OVERDUE)), 1, f"{action.name} is reminded once")

    @freeze_time("2031-07-02 03:00:00")
    def test_review_draft_interrupted_then_restarted_drafts_each_company_once(self):
        self.new_companies(2)
        Review = self.env["service.review"].sudo()
        first = Review._cron_draft_review()
        self.interrupted("service.review", "_compute_statistics", Review._cron_draft_review)
        self.assertEqual(Review.search([("period_start", "=", "2031-01-01")]), first)
        self.drain(Review._cron_draft_review)
        reviews = Review.search([("period_start", "=", "2031-01-01")])
        managed = self.env["res.company"].search([("service_manager_user_id", "!=", False)])
        self.assertEqual(reviews.company_id, managed)
        self.assertEqual(len(reviews), len(managed))


@tagged("post_install", "-at_install")
class TestCronLocks(TransactionCase):
    """A user changing a record while the scheduled action runs, on two real
    connections: the fixtures are committed on a connection of their own and deleted
    afterwards; nothing is written on the test's own cursor."""

    def setUp(self):
        super().setUp()
        self.dbname = self.env.cr.dbname
        with self.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            admin = env.ref("base.user_admin")
            partner = env["res.partner"].create(
                {"name": "Two Cursors Key Bearings", "is_company": True, "is_key_customer": True, "user_id": admin.id}
            )
            action = env["service.action"].create(
                {
                    "title": "Two cursors action",
                    "state": "open",
                    "due_date": fields.Date.today() - timedelta(days=3),
                    "user_id": admin.id,
                    "description": "<p>Regrease.</p>",
                    "completion_note": "<p>Regreased.</p>",
                }
            )
            self.partner_id, self.action_id = partner.id, action.id
        self.addCleanup(self.delete_fixtures)

    @contextmanager
    def cursor(self):
        """A real, separate connection that commits on success."""
        with closing(db_connect(self.dbname).cursor()) as cr:
            yield cr
            # a second real transaction: what it did must be visible to the other connections
            cr.commit()  # pylint: disable=invalid-commit

    def delete_fixtures(self):
        with self.cursor() as cr:
            cr.execute("SELECT id FROM service_visit WHERE partner_id = %s", [self.partner_id])
            visit_ids = tuple(row[0] for row in cr.fetchall()) or (0,)
            for model, ids in (("service.visit", visit_ids), ("service.action", (self.action_id,))):
                cr.execute("DELETE FROM mail_activity WHERE res_model = %s AND res_id IN %s", [model, ids])
                cr.execute("DELETE FROM mail_message WHERE model = %s AND res_id IN %s", [model, ids])
                cr.execute("DELETE FROM mail_followers WHERE res_model = %s AND res_id IN %s", [model, ids])
            cr.execute("DELETE FROM service_visit WHERE id IN %s", [visit_ids])
            cr.execute("DELETE FROM service_action WHERE id = %s", [self.action_id])
            cr.execute("DELETE FROM mail_followers WHERE partner_id = %s", [self.partner_id])
            cr.execute("DELETE FROM res_partner WHERE id = %s", [self.partner_id])

    def user_env(self, cr):
        return api.Environment(cr, api.Environment(cr, SUPERUSER_ID, {}).ref("base.user_admin").id, {})

    def run_cron(self, cr, model, method, domain_method):
        """The real scheduled action, limited to the fixture (demo records stay as they are)."""
        env = api.Environment(cr, SUPERUSER_ID, {})
        Model = env[model]
        original = getattr(type(Model), domain_method)
        fixture = self.partner_id if model == "service.visit" else self.action_id

        def domain(model, *args):
            return original(model, *args) + [("id", "=", fixture)]

        with patch.object(type(Model), domain_method, domain):
            done = getattr(Model, method)()
        env.flush_all()
        return done

    def test_reminder_skips_the_action_a_user_is_completing(self):
        with self.cursor() as user_cr:
            action = self.user_env(user_cr)["service.action"].browse(self.action_id)
            action.action_done()  # row locked, not committed yet
            action.env.flush_all()
            with self.cursor() as cron_cr:
                reminded = self.run_cron(cron_cr, "service.action", "_cron_remind_late", "_late_domain")
                self.assertFalse(reminded, "the reminder flagged an action being completed")
        with self.cursor() as cr:
            action = api.Environment(cr, SUPERUSER_ID, {})["service.action"].browse(self.action_id)
            self.assertEqual(action.state, "done")
            self.assertFalse(action.is_late)
            overdue = action.activity_ids.filtered(lambda a: a.activity_type_id == action.env.ref(OVERDUE))
            self.assertFalse(overdue, "a completed action got an overdue reminder")

    def test_planner_skips_the_customer_a_user_is_planning_a_visit_for(self):
        with self.cursor() as user_cr:
            env = self.user_env(user_cr)
            env["service.visit"].create({"partner_id": self.partner_id})  # not committed yet
            env.flush_all()
            with self.cursor() as cron_cr:
                planned = self.run_cron(
                    cron_cr, "service.visit", "_cron_plan_key_customer_visits", "_key_customer_domain"
                )
                self.assertFalse(planned, "the planner planned a second visit for a customer being planned")
        with self.cursor() as cr:
            cr.execute("SELECT count(*) FROM service_visit WHERE partner_id = %s", [self.partner_id])
            self.assertEqual(cr.fetchone()[0], 1, "one planned visit")
