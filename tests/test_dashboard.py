# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
import contextlib
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import ServiceCase, answer_survey

NOW = "2026-06-15 12:00:00"
DASHBOARD_QUERIES = 12
# Months of the on-time chart at NOW: July 2025 … June 2026.
JUNE, MAY, APRIL, MARCH = 11, 10, 9, 8
# Age buckets of the open complaints chart.
UNDER_48H, DAYS_2_7, WEEKS_1_4, OLDER = range(4)


class ReadOnlyChecked(Exception):
    """Leaves the read-only savepoint of test_reading_the_dashboard_creates_nothing."""


@tagged("post_install", "-at_install")
class TestServiceDashboard(ServiceCase):
    """The dashboard's figures on a known data set of a company of its own, read on
    2026-06-15 at noon (UTC)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A company of its own keeps the demo data out of the figures.
        cls.dash_company = cls.env["res.company"].create(
            {"name": "Dashboard Bearings Ltd", "service_satisfaction_start_date": date(2025, 1, 1)}
        )
        cls.empty_company = cls.env["res.company"].create({"name": "Empty Bearings Ltd"})
        users = cls.sales | cls.manager | cls.inspector | cls.technical | cls.leader | cls.vp | cls.gm
        users.write({"company_ids": [Command.link(cls.dash_company.id), Command.link(cls.empty_company.id)]})
        Partner = cls.env["res.partner"]
        cls.own_customer = Partner.create(
            {"name": "Own Customer", "is_company": True, "company_id": cls.dash_company.id, "user_id": cls.sales.id}
        )
        cls.other_customer = Partner.create(
            {"name": "Other Customer", "is_company": True, "company_id": cls.dash_company.id, "user_id": cls.gm.id}
        )

    # ------------------------------------------------------------------
    # Fixture
    # ------------------------------------------------------------------
    def in_company(self, model, user=None):
        return self.env[model].with_user(user or self.manager).with_company(self.dash_company)

    def make_complaint(self, received, responded=None, cause=None, partner=None):
        complaint = self.in_company("service.complaint").create(
            {
                "partner_id": (partner or self.own_customer).id,
                "user_id": self.sales.id if not partner else self.gm.id,
                "description": "<p>Noise</p>",
                "received_at": received,
            }
        )
        if responded:
            complaint.write({"response_type": "letter", "responded_at": responded})
            complaint.action_respond()
        if cause:
            complaint.cause = cause
            complaint.action_start_analysis()
        return complaint

    def make_enquiry(self, received, reply=None):
        enquiry = self.in_company("service.enquiry").create(
            {"partner_id": self.own_customer.id, "subject": "Grease", "received_at": received}
        )
        if reply:
            enquiry.write({"reply_at": reply, "reply_channel": "phone", "reply_note": "<p>Done</p>"})
            enquiry.action_answer()
        return enquiry

    def make_return(self, type_xmlid, state, day, partner=None):
        # Built as superuser in the state it shows: the figures only read type, state and date.
        return self.env["service.return"].create(
            {
                "partner_id": (partner or self.own_customer).id,
                "company_id": self.dash_company.id,
                "return_type_id": self.env.ref(f"customer_service_control.{type_xmlid}").id,
                "state": state,
                "date": day,
            }
        )

    def make_verified_action(self, when, effective):
        with freeze_time(when):
            action = self.in_company("service.action", self.inspector).create(
                {
                    "title": "Check the grease",
                    "user_id": self.inspector.id,
                    "due_date": "2026-12-31",
                    "description": "<p>Do</p>",
                }
            )
            action.action_open()
            action.write({"completion_note": "<p>Done</p>"})
            action.action_done()
            verifier = action.with_user(self.manager).with_company(self.dash_company)
            if effective:
                verifier.action_verify_effective("ok")
            else:
                verifier.action_verify_ineffective("again")
        return action

    def run_campaign(self, when, start, points, close=True):
        partners = self.env["res.partner"].create(
            [
                {"name": f"Surveyed {i}", "is_company": True, "email": f"s{i}@example.com"}
                | {"company_id": self.dash_company.id}
                for i in range(len(points))
            ]
        )
        with freeze_time(when):
            campaign = self.in_company("service.satisfaction.campaign").create(
                {"period_start": start, "audience": "list", "partner_ids": [Command.set(partners.ids)]}
            )
            campaign.action_start()
            answers = campaign.sudo().user_input_ids
            for partner, value in zip(partners, points, strict=True):
                answer_survey(answers.filtered(lambda a, p=partner: a.partner_id == p), value)
            if close:
                campaign.action_close()
        return campaign

    def build(self, scale=1, surveys=True):
        """``scale`` copies of: 6 complaints (4 open of the salesperson's customer, one
        of another salesperson's, 1 resolved), 4 enquiries, 4 return forms, 4 verified
        actions; and two half-yearly surveys."""
        for _i in range(scale):
            with freeze_time(NOW):
                self.make_complaint("2026-06-15 02:00:00")  # 10 h old, not yet due
                self.make_complaint("2026-06-12 12:00:00", "2026-06-13 12:00:00", "quality")  # 3 days, in time
                overdue = self.make_complaint("2026-06-01 12:00:00")  # 2 weeks, never answered
                self.make_complaint("2026-04-01 12:00:00", "2026-04-05 12:00:00", "design")  # older, late
                resolved = self.make_complaint("2026-05-10 12:00:00", "2026-05-11 12:00:00", "quality")
                resolved.write({"analysis": "<p>a</p>", "resolution": "<p>r</p>"})
                resolved.action_resolve()
                self.make_complaint("2026-06-14 12:00:00", partner=self.other_customer)  # another salesperson's
                cancelled = self.make_complaint("2026-06-02 12:00:00")
                cancelled.action_cancel()
                self.env["service.complaint"].sudo()._cron_sla_watch()
                self.assertTrue(overdue.is_overdue)

                self.make_enquiry("2026-03-02 09:00:00", "2026-03-03 09:00:00")  # in time
                self.make_enquiry("2026-03-02 09:00:00", "2026-03-10 09:00:00")  # late
                self.make_enquiry("2026-05-02 09:00:00")  # never answered: due, late
                self.make_enquiry("2026-06-14 09:00:00")  # not yet due

                self.make_return("return_type_whole_batch", "draft", "2026-06-01")
                self.make_return("return_type_partial", "approval", "2026-05-01")
                self.make_return("return_type_partial", "refused", "2026-02-01")
                self.make_return("return_type_partial", "done", "2025-03-01")  # closed over a year ago

            self.make_verified_action("2026-02-10 09:00:00", effective=True)  # Q1 2026
            self.make_verified_action("2026-05-10 09:00:00", effective=True)  # Q2 2026
            self.make_verified_action("2026-05-11 09:00:00", effective=False)  # Q2 2026
            self.make_verified_action("2025-03-10 09:00:00", effective=True)  # before the four quarters
        if surveys:
            self.run_campaign("2025-11-03 09:00:00", date(2025, 7, 1), [5, 5])  # 100 %
            self.run_campaign("2026-05-04 09:00:00", date(2026, 1, 1), [5, 2], close=False)  # 50 %, running

    def dashboard(self, user=None, company=None, tz="UTC"):
        board = self.env["service.dashboard"].with_user(user or self.manager).with_company(company or self.dash_company)
        with freeze_time(NOW):
            return board.with_context(tz=tz, lang="en_US").get_dashboard_data()

    @staticmethod
    def kpis(data):
        return {kpi["key"]: kpi for kpi in data["kpis"]}

    @staticmethod
    def charts(data):
        return {chart["key"]: chart for chart in data["charts"]}

    @staticmethod
    def series(chart):
        return {dataset["label"]: dataset["data"] for dataset in chart["datasets"]}

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------
    def test_open_complaints_by_age_and_cause(self):
        self.build(surveys=False)
        data = self.dashboard()
        kpis, charts = self.kpis(data), self.charts(data)
        self.assertEqual(kpis["complaints_open"]["value"], 5)
        self.assertEqual(kpis["complaints_overdue"]["value"], 1)
        age = charts["complaint_age"]
        self.assertEqual(age["labels"], ["Under 48 hours", "2–7 days", "1–4 weeks", "Over 4 weeks"])
        self.assertEqual(
            self.series(age),
            {"Quality": [0, 1, 0, 0], "Design": [0, 0, 0, 1], "Not Analysed Yet": [2, 0, 1, 0]},
        )
        cause = charts["complaint_cause"]
        self.assertEqual(
            dict(zip(cause["labels"], cause["datasets"][0]["data"], strict=True)),
            {
                "Quality": 1,
                "Design": 1,
                "Not Analysed Yet": 3,
            },
        )

    def test_on_time_response_rate_month_by_month(self):
        self.build(surveys=False)
        data = self.dashboard()
        chart = self.charts(data)["on_time"]
        self.assertEqual(len(chart["labels"]), 12)
        self.assertEqual((chart["labels"][0], chart["labels"][JUNE]), ("Jul 2025", "Jun 2026"))
        complaints, enquiries = chart["datasets"]
        # June: 1 of 2 due (the 10-hour-old and the other salesperson's are not due yet).
        self.assertEqual([complaints["data"][i] for i in (JUNE, MAY, APRIL, MARCH)], [50.0, 100.0, 0.0, None])
        self.assertEqual(complaints["counts"][JUNE], [1, 2])
        self.assertEqual([enquiries["data"][i] for i in (JUNE, MAY, MARCH)], [None, 0.0, 50.0])
        self.assertEqual(enquiries["model"], "service.enquiry")
        kpi = self.kpis(data)["complaints_on_time"]
        self.assertEqual((kpi["value"], kpi["display"], kpi["detail"]), (50.0, "50 %", "2 of 4 in 12 months"))

    def test_months_follow_the_readers_time_zone(self):
        """Received on 31 May at 20:00 UTC is 1 June at 04:00 in Shanghai."""
        with freeze_time(NOW):
            self.make_complaint("2026-05-31 20:00:00", "2026-06-01 08:00:00")
        utc = self.charts(self.dashboard(tz="UTC"))["on_time"]["datasets"][0]["counts"]
        shanghai = self.charts(self.dashboard(tz="Asia/Shanghai"))["on_time"]["datasets"][0]["counts"]
        self.assertEqual((utc[MAY], utc[JUNE]), ([1, 1], [0, 0]))
        self.assertEqual((shanghai[MAY], shanghai[JUNE]), ([0, 0], [1, 1]))

    def test_returns_by_type_and_state(self):
        self.build(surveys=False)
        data = self.dashboard()
        chart = self.charts(data)["returns"]
        self.assertEqual(chart["labels"], ["Whole-Batch Return", "Partial Return / Exchange"])
        self.assertEqual(self.series(chart), {"Draft": [1, 0], "Approval": [0, 1], "Refused": [0, 1]})
        self.assertEqual(self.kpis(data)["returns_open"]["value"], 2)

    def test_satisfaction_against_the_years_target(self):
        self.build(scale=0)
        data = self.dashboard()
        kpi = self.kpis(data)["satisfaction"]
        self.assertEqual(kpi["label"], "Satisfaction 2026")
        self.assertEqual((kpi["value"], kpi["target"], kpi["warning"]), (50.0, 97.0, True), "year 2 target")
        self.assertEqual(kpi["detail"], "Target 97 %")
        chart = self.charts(data)["satisfaction"]
        self.assertEqual(chart["labels"], ["2024 H2", "2025 H1", "2025 H2", "2026 H1"])
        rates, targets = chart["datasets"]
        self.assertEqual(rates["data"], [None, None, 100.0, 50.0])
        self.assertEqual(rates["counts"], [[0, 0], [0, 0], [2, 2], [1, 2]])
        self.assertEqual(targets["data"], [95.0, 95.0, 95.0, 97.0], "each half-year against its own target")

    def test_corrective_action_effectiveness_per_quarter(self):
        self.build(surveys=False)
        data = self.dashboard()
        chart = self.charts(data)["capa"]
        self.assertEqual(chart["labels"], ["Q3 2025", "Q4 2025", "Q1 2026", "Q2 2026"])
        self.assertEqual(self.series(chart), {"Verified Effective": [0, 0, 1, 1], "Not Effective": [0, 0, 0, 1]})
        kpi = self.kpis(data)["capa_effective"]
        self.assertEqual((kpi["value"], kpi["detail"]), (66.7, "2 of 3"))

    def test_every_figure_opens_the_records_it_counts(self):
        """Clicking a card or a bar opens a list with this domain: it finds what the figure counts."""
        self.build(surveys=False)
        data = self.dashboard()
        Env = self.env(user=self.manager, context={"allowed_company_ids": [self.dash_company.id]})
        for kpi in data["kpis"]:
            if kpi["key"] in ("complaints_open", "complaints_overdue", "returns_open"):
                self.assertEqual(Env[kpi["model"]].search_count(kpi["domain"]), kpi["value"], kpi["key"])
        for chart in data["charts"]:
            if chart["key"] == "satisfaction":
                continue
            for dataset in chart["datasets"]:
                model = dataset.get("model", chart["model"])
                for i, domain in enumerate(dataset["domains"]):
                    expected = dataset["counts"][i][1] if "counts" in dataset else dataset["data"][i]
                    with freeze_time(NOW):
                        found = Env[model].search_count(domain)
                    self.assertEqual(found, expected, f"{chart['key']} / {dataset['label']} / {chart['labels'][i]}")

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_salesperson_sees_the_figures_of_his_own_customers(self):
        self.build(surveys=False)
        data = self.dashboard(self.sales)
        self.assertEqual(self.kpis(data)["complaints_open"]["value"], 4, "not the other salesperson's complaint")
        self.assertEqual(self.series(self.charts(data)["complaint_age"])["Not Analysed Yet"], [1, 0, 1, 0])
        manager_data = self.dashboard(self.manager)
        self.assertEqual(self.series(self.charts(manager_data)["complaint_age"])["Not Analysed Yet"], [2, 0, 1, 0])

    def test_figures_are_those_of_the_current_companies(self):
        self.build(surveys=False)
        data = self.dashboard(self.manager, company=self.empty_company)
        self.assertEqual([kpi["value"] for kpi in data["kpis"]], [0, 0, 0.0, 0, 0.0, 0.0], "nothing of another company")
        self.assertEqual([kpi["display"] for kpi in data["kpis"]], ["0", "0", "–", "0", "–", "–"])
        for chart in data["charts"]:
            for dataset in chart["datasets"]:
                if dataset.get("type") != "line":  # the target line is no figure of records
                    self.assertFalse(any(dataset["data"]), f"{chart['key']}: {dataset['label']}")

    def test_users_without_a_service_role_are_refused(self):
        internal = new_test_user(self.env, login="t_dash_internal", groups="base.group_user")
        portal = new_test_user(self.env, login="t_dash_portal", groups="base.group_portal")
        for user in (internal, portal):
            with self.refused(AccessError, "Customer Service dashboard is for the Customer Service roles"):
                self.rpc(user, "service.dashboard", "get_dashboard_data")

    def test_every_role_of_the_menu_opens_it_through_rpc(self):
        self.build(scale=1, surveys=False)
        for user in (self.sales, self.inspector, self.technical, self.leader, self.gm):
            data = self.rpc(user, "service.dashboard", "get_dashboard_data")
            self.assertEqual(len(data["kpis"]), 6, user.login)
            self.assertEqual(len(data["charts"]), 6, user.login)

    # ------------------------------------------------------------------
    # Nothing created, fixed number of queries
    # ------------------------------------------------------------------
    def test_reading_the_dashboard_creates_nothing(self):
        self.build()
        models = [
            name for name, model in self.env.registry.items() if name.startswith("service.") and not model._abstract
        ]
        models += ["mail.message", "mail.activity", "mail.followers", "ir.attachment"]

        def counts():
            return {name: self.env[name].sudo().with_context(active_test=False).search_count([]) for name in models}

        before = counts()
        self.env.flush_all()
        with contextlib.suppress(ReadOnlyChecked), self.env.cr.savepoint(flush=False):
            # Any INSERT, UPDATE or DELETE fails in a read-only transaction; leaving the
            # savepoint by an exception rolls the setting back.
            self.env.cr.execute("SET TRANSACTION READ ONLY")
            self.dashboard()
            self.env.flush_all()
            self.env.cr.execute("SHOW transaction_read_only")
            self.assertEqual(self.env.cr.fetchone()[0], "on")
            raise ReadOnlyChecked
        self.env.cr.execute("SHOW transaction_read_only")
        self.assertEqual(self.env.cr.fetchone()[0], "off")
        self.assertEqual(counts(), before)

    def test_same_number_of_queries_whatever_the_size(self):
        self.build(scale=1, surveys=False)

        def measured():
            self.dashboard()  # warm the registry caches (record rules, groups)
            self.env.invalidate_all()
            with self.queries_at_most(DASHBOARD_QUERIES) as counter:
                self.dashboard()
            return counter["queries"]

        small = measured()
        self.build(scale=3, surveys=False)
        large = measured()
        self.assertEqual(small, large, "a fixed number of queries at both sizes")
