# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, tagged

from .common import ServiceCase

ACT_PLAN = "customer_service_control.mail_act_visit_plan"
ACT_FINDING = "customer_service_control.mail_act_visit_finding"


@tagged("post_install", "-at_install")
class TestVisit(ServiceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.customer.user_id = cls.sales
        cls.ordinary = Partner.create({"name": "Ordinary Fan Factory", "is_company": True})
        cls.key_unassigned = Partner.create({"name": "Key Gearbox Ltd", "is_company": True, "is_key_customer": True})
        cls.key_archived = Partner.create(
            {"name": "Former Pump Works", "is_company": True, "is_key_customer": True, "active": False}
        )

    # ------------------------------------------------------------------
    # Builders
    # ------------------------------------------------------------------
    def new_visit(self, user=None, findings=(), **vals):
        values = {
            "partner_id": self.customer.id,
            "user_id": self.sales.id,
            "planned_date": "2026-05-04",
            "contact_ids": [Command.set(self.contact.ids)],
            "finding_ids": [Command.create(finding) for finding in findings],
        }
        values.update(vals)
        return self.env["service.visit"].with_user(user or self.sales).create(values)

    def reported_visit(self, **vals):
        """A visit whose report holds a quality, an after-sale and a delivery finding."""
        visit = self.new_visit(
            findings=[
                {
                    "topic": "quality",
                    "customer_said": "Two bearings 6308-ZZ above vibration grade Z3.",
                    "department_id": self.dep_inspection.id,
                },
                {
                    "topic": "after_sale",
                    "customer_said": "Wants a mounting training for the maintenance team.",
                    "department_id": self.dep_technical.id,
                },
                {
                    "topic": "delivery",
                    "customer_said": "Deliveries are late in the peak season.",
                    "department_id": self.dep_production.id,
                },
            ],
            **vals,
        )
        visit.action_done()
        return visit

    def fed_back_visit(self):
        visit = self.reported_visit()
        visit.action_feed_back()
        return visit

    def finding(self, visit, topic):
        return visit.finding_ids.filtered(lambda f: f.topic == topic)

    def visits_of(self, partner):
        return self.env["service.visit"].search([("commercial_partner_id", "=", partner.id)])

    # ------------------------------------------------------------------
    # Planning (the daily scheduled action)
    # ------------------------------------------------------------------
    @freeze_time("2026-05-04 08:00:00")
    def test_planning_gives_each_key_customer_one_visit(self):
        planned = self.env["service.visit"]._cron_plan_key_customer_visits()
        visit = self.visits_of(self.customer)
        self.assertEqual(len(visit), 1, "one visit for the key customer, none for its contact")
        self.assertIn(visit, planned)
        self.assertEqual(visit.state, "planned")
        self.assertEqual(visit.planned_date, date(2026, 6, 3))
        self.assertEqual(visit.user_id, self.sales, "the customer's salesperson")
        self.assertEqual(visit.visitor_ids, self.sales)
        self.assertTrue(visit.name.startswith("VIS/2026/"))
        self.assertEqual(len(self.activities(visit, ACT_PLAN, self.sales)), 1)

        unassigned = self.visits_of(self.key_unassigned)
        self.assertEqual(len(unassigned), 1)
        self.assertEqual(unassigned.user_id, self.manager, "no salesperson: the company's service manager")
        self.assertTrue(self.activities(unassigned, ACT_PLAN, self.manager))

        self.assertFalse(self.visits_of(self.ordinary), "ordinary customers are not planned")
        self.assertFalse(self.visits_of(self.key_archived), "archived customers are not planned")

    @freeze_time("2026-05-04 08:00:00")
    def test_planning_twice_plans_nothing_twice(self):
        Visit = self.env["service.visit"]
        first = Visit._cron_plan_key_customer_visits()
        self.assertTrue(first)
        self.assertFalse(Visit._cron_plan_key_customer_visits())
        self.assertEqual(len(self.visits_of(self.customer)), 1)
        self.assertEqual(len(self.activities(self.visits_of(self.customer), ACT_PLAN)), 1)

    @freeze_time("2026-05-04 08:00:00")
    def test_planning_skips_a_customer_visited_three_months_ago(self):
        recent = self.new_visit(planned_date="2026-02-04", done_date="2026-02-04", summary="<p>All fine.</p>")
        recent.action_done()
        recent.with_user(self.manager).action_feed_back()
        recent.with_user(self.manager).action_close()
        late = self.new_visit(
            partner_id=self.key_unassigned.id, planned_date="2025-04-01", done_date="2025-04-04", summary="<p>Ok</p>"
        )
        late.action_done()
        self.env["service.visit"]._cron_plan_key_customer_visits()
        self.assertEqual(self.visits_of(self.customer), recent, "visited three months ago")
        new = self.visits_of(self.key_unassigned) - late
        self.assertEqual(len(new), 1, "last visit thirteen months ago: a new one is planned")
        self.assertEqual(new.state, "planned")

    @freeze_time("2026-05-04 08:00:00")
    def test_planning_ignores_cancelled_visits(self):
        cancelled = self.new_visit(planned_date="2026-04-20")
        cancelled.action_cancel()
        self.env["service.visit"]._cron_plan_key_customer_visits()
        self.assertEqual(len(self.visits_of(self.customer) - cancelled), 1)

    def test_planning_is_not_callable_by_rpc(self):
        with self.assertRaisesRegex(AccessError, "Private methods"):
            self.rpc(self.manager, "service.visit", "_cron_plan_key_customer_visits")

    # ------------------------------------------------------------------
    # The report and its feedback to the departments
    # ------------------------------------------------------------------
    def test_report_needs_a_finding_or_a_summary(self):
        visit = self.new_visit()
        with self.refused(UserError, "as findings or as a summary"):
            visit.action_done()
        self.assertEqual(visit.state, "planned")
        visit.summary = "<p>Satisfied; no request.</p>"
        visit.action_done()
        self.assertEqual(visit.state, "done")
        self.assertTrue(visit.done_date)

    def test_recording_the_report_closes_the_planning_activity(self):
        visit = self.new_visit(summary="<p>Satisfied.</p>")
        visit.activity_schedule(ACT_PLAN, user_id=self.sales.id)
        visit.action_done()
        self.assertFalse(self.activities(visit, ACT_PLAN))

    def test_feed_back_gives_each_department_manager_an_activity(self):
        visit = self.reported_visit()
        quality = self.finding(visit, "quality")
        quality.department_id = False
        with self.refused(UserError, "responsible department of every finding"):
            visit.action_feed_back()
        self.assertEqual(visit.state, "done")
        quality.department_id = self.dep_inspection

        visit.action_feed_back()
        self.assertEqual(visit.state, "fed_back")
        self.assertEqual(visit.fed_back_by_id, self.sales)
        for topic, manager in (
            ("quality", self.inspector),
            ("after_sale", self.technical),
            ("delivery", self.prod_manager),
        ):
            finding = self.finding(visit, topic)
            activity = self.activities(visit, ACT_FINDING, manager)
            self.assertEqual(len(activity), 1, topic)
            self.assertEqual(finding.activity_id, activity)
            self.assertTrue(finding.due_date)
            self.assertEqual(activity.date_deadline, finding.due_date)
        self.assertEqual(len(self.activities(visit, ACT_FINDING)), 3)

    def test_findings_are_locked_once_fed_back(self):
        visit = self.fed_back_visit()
        with self.refused(UserError, "before they are fed back"):
            visit.write({"finding_ids": [Command.create({"topic": "other", "customer_said": "One more thing"})]})
        quality = self.finding(visit, "quality")
        with self.refused(UserError, "before they are fed back"):
            quality.unlink()
        with self.refused(UserError, "before they are fed back"):
            quality.with_user(self.inspector).write({"customer_said": "Nothing to say"})
        with self.refused(UserError, "before they are fed back"):
            quality.with_user(self.inspector).write({"department_id": self.dep_technical.id})
        self.assertEqual(visit.finding_count, 3)
        self.assertEqual(quality.department_id, self.dep_inspection)
        quality.with_user(self.inspector).rectification = "Final test raised to 100 %."
        quality.with_user(self.inspector).action_rectify()
        with self.refused(UserError, "can no longer be changed"):
            quality.with_user(self.inspector).rectification = "Something else"
        self.assertEqual(quality.rectification, "Final test raised to 100 %.")

    def test_rectification_lets_the_manager_close_the_visit(self):
        visit = self.fed_back_visit()
        quality = self.finding(visit, "quality")
        with self.refused(UserError, "Describe the rectification or the answer"):
            quality.with_user(self.inspector).action_rectify()
        quality.with_user(self.inspector).rectification = "100 % vibration test of Z3 bearings."
        quality.with_user(self.inspector).action_rectify()
        self.assertEqual(quality.state, "rectified")
        self.assertEqual(quality.handled_by_id, self.inspector)
        self.assertFalse(self.activities(visit, ACT_FINDING, self.inspector), "the department's activity is done")

        training = self.finding(visit, "after_sale")
        training.with_user(self.technical).rectification = "Training given on site."
        training.with_user(self.technical).action_answer()
        self.assertEqual(training.state, "answered")
        delivery = self.finding(visit, "delivery")
        delivery.with_user(self.prod_manager).rectification = "Safety stock agreed."
        delivery.with_user(self.prod_manager).action_rectify()
        self.assertEqual(visit.open_finding_count, 0)

        visit.with_user(self.manager).action_close()
        self.assertEqual(visit.state, "closed")
        self.assertTrue(visit.closed_at)
        self.assertFalse(self.activities(visit, ACT_FINDING))

    def test_closing_is_refused_while_a_finding_is_open(self):
        visit = self.fed_back_visit()
        quality = self.finding(visit, "quality")
        quality.with_user(self.inspector).rectification = "Fixed."
        quality.with_user(self.inspector).action_rectify()
        with self.refused(UserError, "2 finding\\(s\\) are neither rectified nor answered"):
            visit.with_user(self.manager).action_close()
        self.assertEqual(visit.state, "fed_back")
        with self.refused(UserError, "already Rectified"):
            quality.with_user(self.inspector).action_answer()

    def test_cancelling_drops_the_planning_activity(self):
        visit = self.new_visit()
        visit.activity_schedule(ACT_PLAN, user_id=self.sales.id)
        visit.action_cancel()
        self.assertEqual(visit.state, "cancelled")
        self.assertFalse(self.activities(visit, ACT_PLAN))
        with self.refused(UserError, "needs the state"):
            visit.action_done()

    # ------------------------------------------------------------------
    # Roles, through RPC as a client would call
    # ------------------------------------------------------------------
    def test_wrong_roles_are_refused_by_rpc(self):
        visit = self.new_visit(summary="<p>Fine.</p>")
        with self.refused(AccessError, "Salesperson / Handler"):
            self.rpc(self.inspector, "service.visit", "action_done", visit.ids)
        self.assertEqual(visit.state, "planned")
        with self.refused(UserError, "can only be changed through its buttons"):
            self.rpc(self.sales, "service.visit", "write", visit.ids, {"state": "closed"})
        self.rpc(self.sales, "service.visit", "action_done", visit.ids)
        self.rpc(self.sales, "service.visit", "action_feed_back", visit.ids)
        with self.refused(AccessError, "Sales Manager"):
            self.rpc(self.sales, "service.visit", "action_close", visit.ids)
        self.assertEqual(visit.state, "fed_back")

        visit = self.fed_back_visit()
        quality = self.finding(visit, "quality")
        quality.with_user(self.inspector).rectification = "Fixed."
        with self.refused(AccessError, "Inspection Group"):
            self.rpc(self.leader, "service.visit.finding", "action_rectify", quality.ids)
        with self.refused(UserError, "can only be changed through its buttons"):
            self.rpc(self.inspector, "service.visit.finding", "write", quality.ids, {"state": "rectified"})
        self.assertEqual(quality.state, "open")
        self.rpc(self.inspector, "service.visit.finding", "action_rectify", quality.ids)
        self.assertEqual(quality.state, "rectified")

    # ------------------------------------------------------------------
    # From a finding to a complaint and a corrective action
    # ------------------------------------------------------------------
    def test_finding_becomes_a_complaint_in_one_step(self):
        visit = self.fed_back_visit()
        quality = self.finding(visit, "quality")
        result = quality.action_create_complaint()
        complaint = self.env["service.complaint"].browse(result["res_id"])
        self.assertEqual(complaint.source, "visit")
        self.assertEqual(complaint.partner_id, self.customer)
        self.assertEqual(complaint.contact_id, self.contact)
        self.assertEqual(complaint.user_id, self.sales)
        self.assertIn("Two bearings 6308-ZZ above vibration grade Z3.", complaint.description)
        self.assertEqual(quality.complaint_id, complaint)
        self.assertEqual(visit.complaint_count, 1)
        self.assertEqual(self.env["service.complaint"].search(visit.action_view_complaints()["domain"]), complaint)
        with self.refused(UserError, "already registered as complaint"):
            quality.action_create_complaint()

    def test_finding_becomes_a_corrective_action_in_one_step(self):
        visit = self.fed_back_visit()
        quality = self.finding(visit, "quality")
        result = quality.with_user(self.inspector).action_create_action()
        action = self.env["service.action"].browse(result["res_id"])
        self.assertEqual(action.source_ref, visit)
        self.assertEqual(action.visit_id, visit)
        self.assertEqual(action.partner_id, self.customer)
        self.assertEqual(action.department_id, self.dep_inspection)
        self.assertEqual(action.user_id, self.inspector)
        self.assertEqual(action.state, "draft")
        self.assertEqual(quality.action_id, action)
        self.assertEqual(visit.action_count, 1)
        self.assertIn(("service.visit", "Customer Visit"), action._selection_source_ref())

    # ------------------------------------------------------------------
    # Customer registration card and printed report
    # ------------------------------------------------------------------
    @freeze_time("2026-05-04 08:00:00")
    def test_partner_shows_last_and_next_visit(self):
        self.assertFalse(self.customer.last_visit_date)
        for day in ("2025-03-01", "2026-01-10"):
            self.new_visit(planned_date=day, done_date=day, summary="<p>Fine.</p>").action_done()
        self.new_visit(planned_date="2026-09-01")
        self.new_visit(planned_date="2026-06-01")
        self.new_visit(planned_date="2026-05-10").action_cancel()
        for partner in (self.customer, self.contact):
            partner.invalidate_recordset()
            self.assertEqual(partner.last_visit_date, date(2026, 1, 10))
            self.assertEqual(partner.next_visit_date, date(2026, 6, 1))
            self.assertEqual(partner.service_visit_count, 5)
        action = self.contact.action_view_service_visits()
        self.assertEqual(len(self.env["service.visit"].search(action["domain"])), 5)
        self.assertEqual(action["context"]["default_partner_id"], self.customer.id)
        self.assertFalse(self.ordinary.last_visit_date)
        self.assertEqual(self.ordinary.service_visit_count, 0)

    def test_visit_report_prints_the_findings(self):
        visit = self.fed_back_visit()
        quality = self.finding(visit, "quality")
        quality.with_user(self.inspector).rectification = "Final vibration test raised to 100 %."
        quality.with_user(self.inspector).action_rectify()
        html, kind = self.env["ir.actions.report"]._render_qweb_html("customer_service_control.report_visit", visit.ids)
        self.assertEqual(kind, "html")
        text = html.decode()
        for expected in (
            "Customer Visit Report",
            visit.name,
            "Test Motor Works",
            "Zhang San",
            self.sales.name,
            "Two bearings 6308-ZZ above vibration grade Z3.",
            "Wants a mounting training for the maintenance team.",
            "Inspection Group",
            "Technical Department",
            "Final vibration test raised to 100 %.",
            "Rectified",
            "After-sale Service",
        ):
            self.assertIn(expected, text)
        report = self.env.ref("customer_service_control.action_report_visit")
        self.assertEqual(report.report_type, "qweb-pdf")
        self.assertEqual(report.binding_model_id.model, "service.visit")
