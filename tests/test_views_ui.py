# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from lxml import etree

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import SURVEY, ReturnCase, ServiceCase

WORKFLOWS = ("service.enquiry", "service.complaint", "service.return", "service.action", "service.visit")
CARD_FIELDS = (
    "is_key_customer",
    "customer_since",
    "last_visit_date",
    "next_visit_date",
    "last_satisfaction_score",
)


def form_arch(case, user, model, view_ref=None):
    """The form a user's browser gets (fields and buttons of other roles removed)."""
    view = case.env.ref(view_ref).id if view_ref else False
    views = case.rpc(user, model, "get_views", [[view, "form"]])
    return etree.fromstring(views["views"]["form"]["arch"])


@tagged("post_install", "-at_install")
class TestKanbanColumns(ServiceCase):
    """Kanban columns follow the workflow, every stage shown even when empty."""

    def columns(self, model, domain):
        groups = self.rpc(self.manager, model, "web_read_group", domain, ["state"], ["state"])["groups"]
        return [group["state"] for group in groups], {group["state"]: group.get("__fold", False) for group in groups}

    def test_every_stage_is_a_column_in_workflow_order_even_when_empty(self):
        for model in WORKFLOWS:
            workflow = [key for key, _label in self.env[model]._fields["state"].selection]
            states, folded = self.columns(model, [("id", "=", 0)])
            self.assertEqual(states, workflow, f"{model}: the columns are not the workflow")
            self.assertEqual(states[-1], "cancelled", f"{model}: Cancelled is not the last column")
            self.assertEqual(
                {state for state, fold in folded.items() if fold},
                {"cancelled", "refused"} & set(workflow),
                f"{model}: only the stages that left the workflow are folded",
            )

    def test_columns_keep_the_workflow_order_around_the_records_found(self):
        self.new_complaint().with_user(self.manager).action_cancel()
        self.routed_complaint("quality")
        domain = [("partner_id", "=", self.customer.id)]
        states, _folded = self.columns("service.complaint", domain)
        self.assertEqual(states, ["new", "responded", "in_analysis", "resolved", "closed", "cancelled"])
        groups = self.rpc(self.manager, "service.complaint", "web_read_group", domain, ["state"], ["state"])["groups"]
        self.assertEqual([group["state_count"] for group in groups], [0, 0, 1, 0, 0, 1])


@tagged("post_install", "-at_install")
class TestComplaintRouting(ServiceCase):
    def test_complaint_shows_its_routing_by_cause_and_department(self):
        complaint = self.routed_complaint("quality")
        values = self.rpc(self.sales, "service.complaint", "read", complaint.ids, ["routing_id", "routing_note"])[0]
        routing = self.env.ref("customer_service_control.routing_quality")
        self.assertEqual(tuple(values["routing_id"]), (routing.id, "Quality → Inspection Group"))
        self.assertNotIn("service.complaint.routing,", values["routing_id"][1])
        self.assertEqual(values["routing_note"], routing.note)

    def test_routing_to_the_customer_is_named_by_its_handling(self):
        routing = self.env.ref("customer_service_control.routing_misuse")
        self.assertEqual(routing.display_name, "Customer Misuse → Customer's Responsibility")

    def test_routing_note_shows_on_the_form_once_routed(self):
        arch = form_arch(self, self.sales, "service.complaint")
        note = arch.xpath("//page[@name='analysis']//field[@name='routing_note']")
        self.assertTrue(note, "the routing note is not on the complaint form")
        self.assertEqual(note[0].get("invisible"), "not routing_note")
        self.assertFalse(self.new_complaint().routing_note, "no note before the complaint is routed")


@tagged("post_install", "-at_install")
class TestPartnerCard(ServiceCase):
    """The registration card is a page of the customer form, with a Surveys button."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee = new_test_user(cls.env, login="t_ui_employee", groups="base.group_user")
        cls.survey = cls.env.ref(SURVEY)

    def answered(self, partner, company=None):
        """A completed answer of ``partner`` to a satisfaction campaign of ``company``."""
        campaign = (
            self.env["service.satisfaction.campaign"]
            .sudo()
            .create(
                {
                    "company_id": (company or self.company).id,
                    "period_start": "2026-01-01",
                    "audience": "list",
                    "partner_ids": [Command.set(partner.commercial_partner_id.ids)],
                }
            )
        )
        answer = (
            self.env["survey.user_input"]
            .sudo()
            .create({"survey_id": self.survey.id, "partner_id": partner.id, "campaign_id": campaign.id})
        )
        answer._mark_done()
        return answer

    def test_registration_card_is_a_page_of_its_own_for_the_service_roles(self):
        arch = form_arch(self, self.sales, "res.partner", "base.view_partner_form")
        page = arch.xpath("//notebook/page[@name='customer_service']")
        self.assertTrue(page, "no Customer Service page")
        self.assertEqual(arch.xpath("//notebook/page")[0].get("name"), "customer_service", "not the first page")
        for name in CARD_FIELDS:
            self.assertTrue(page[0].xpath(f".//field[@name='{name}']"), f"{name} is not on the card")
            self.assertFalse(
                arch.xpath(f"//page[@name='sales_purchases']//field[@name='{name}']"),
                f"{name} is still inside Sales & Purchase",
            )
        arch = form_arch(self, self.employee, "res.partner", "base.view_partner_form")
        self.assertFalse(arch.xpath("//page[@name='customer_service']"), "card shown without a service role")

    def test_surveys_button_counts_the_customers_completed_surveys(self):
        answer = self.answered(self.contact)
        self.answered(self.env["res.partner"].create({"name": "Other Customer", "is_company": True}))
        self.env.invalidate_all()
        for partner in (self.customer, self.contact):
            values = self.rpc(self.manager, "res.partner", "read", partner.ids, ["service_survey_count"])[0]
            self.assertEqual(values["service_survey_count"], 1, partner.name)
        action = self.rpc(self.manager, "res.partner", "action_view_service_surveys", self.customer.ids)
        found = self.env["survey.user_input"].with_user(self.manager).search(action["domain"])
        self.assertEqual(found, answer)

    def test_surveys_button_only_for_those_who_read_the_answers(self):
        self.answered(self.customer)
        self.env.invalidate_all()
        button = "//button[@name='action_view_service_surveys']"
        self.assertTrue(form_arch(self, self.manager, "res.partner", "base.view_partner_form").xpath(button))
        for user in (self.sales, self.employee):
            self.assertFalse(form_arch(self, user, "res.partner", "base.view_partner_form").xpath(button), user.login)
            values = self.rpc(user, "res.partner", "read", self.customer.ids, ["service_survey_count"])[0]
            self.assertEqual(values["service_survey_count"], 0, f"{user.login} counts answers he cannot read")

    def test_surveys_count_costs_the_same_for_one_or_many_customers(self):
        partners = self.env["res.partner"].create([{"name": f"Bulk {i}", "is_company": True} for i in range(6)])
        for partner in partners:
            self.answered(partner)
        budgets = []
        for records in (partners[:1], partners[:1], partners):  # the first one warms the caches
            records = records.with_user(self.manager)
            self.env.invalidate_all()
            with self.queries_at_most(20) as counter:
                self.assertEqual(set(records.mapped("service_survey_count")), {1})
            budgets.append(counter["queries"])
        self.assertEqual(budgets[1], budgets[2], "a query per customer")


@tagged("post_install", "-at_install")
class TestReturnSettlementLinks(ReturnCase):
    """The approver sees what his approval created: smart buttons and a chatter line."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A General Manager who may read transfers and credit notes (read-only auditor).
        cls.gm_reader = new_test_user(
            cls.env,
            login="t_gm_reader",
            groups="base.group_user,customer_service_control.group_service_general_manager,"
            "account.group_account_readonly",
            company_id=cls.company.id,
        )

    def test_final_approval_names_the_receipt_and_replacement_in_the_chatter(self):
        _order, delivery = self.sell_and_deliver([(self.bearing, 10, None)])
        ret = self.new_return(delivery, quantities={(self.bearing, None): 2}, settlement="replacement")
        self.approve(self.to_approval(ret))
        receipt = ret.stock_picking_ids.filtered(lambda p: p.location_id.usage == "customer")
        replacement = ret.stock_picking_ids - receipt
        self.assertTrue(receipt and replacement)
        message = ret.message_ids.filtered(lambda m: "Carried out on approval" in (m.body or ""))
        self.assertEqual(len(message), 1, "no chatter line of what the approval created")
        self.assertEqual(message.author_id, self.gm.partner_id, "the line is the approver's")
        for picking in receipt | replacement:
            self.assertIn(f'data-oe-id="{picking.id}"', message.body)
            self.assertIn(picking.name, message.body)

    def test_smart_buttons_count_receipts_replacements_and_credit_notes(self):
        _order, delivery = self.sell_and_deliver([(self.bearing, 10, None)])
        ret = self.new_return(delivery, quantities={(self.bearing, None): 2}, settlement="replacement")
        self.approve(self.to_approval(ret))
        fields = ["receipt_count", "replacement_count", "credit_note_count"]
        self.env.invalidate_all()
        values = self.rpc(self.gm_reader, "service.return", "read", ret.ids, fields)[0]
        self.assertEqual((values["receipt_count"], values["replacement_count"], values["credit_note_count"]), (1, 1, 0))
        receipt = ret.stock_picking_ids.filtered(lambda p: p.location_id.usage == "customer")
        for method, expected in (
            ("action_view_receipts", receipt),
            ("action_view_replacements", ret.stock_picking_ids - receipt),
        ):
            action = self.rpc(self.gm_reader, "service.return", method, ret.ids)
            found = self.env["stock.picking"].with_user(self.gm_reader).search(action["domain"])
            self.assertEqual(found, expected, method)

    def test_compensation_credit_note_is_counted_and_named(self):
        _order, delivery = self.sell_and_deliver([(self.bearing, 10, None)])
        ret = self.new_return(
            delivery, quantities={(self.bearing, None): 2}, settlement="compensation", compensation_amount=55.0
        )
        self.approve(self.to_approval(ret))
        self.env.invalidate_all()
        values = self.rpc(self.gm_reader, "service.return", "read", ret.ids, ["credit_note_count"])[0]
        self.assertEqual(values["credit_note_count"], 1)
        message = ret.message_ids.filtered(lambda m: "Carried out on approval" in (m.body or ""))
        self.assertIn(f'data-oe-id="{ret.credit_note_ids.id}"', message.body)

    def test_buttons_hide_for_a_reader_without_stock_or_invoicing_rights(self):
        _order, delivery = self.sell_and_deliver([(self.bearing, 10, None)])
        ret = self.new_return(delivery, quantities={(self.bearing, None): 2}, settlement="replacement")
        self.approve(self.to_approval(ret))
        self.env.invalidate_all()
        # The form's own read: what the browser asks for, without an AccessError.
        arch = form_arch(self, self.gm, "service.return")
        spec = {name: {} for name in ("receipt_count", "replacement_count", "credit_note_count", "picking_count")}
        values = self.rpc(self.gm, "service.return", "web_read", ret.ids, spec)[0]
        self.assertEqual((values["receipt_count"], values["replacement_count"], values["credit_note_count"]), (0, 0, 0))
        for button in ("action_view_receipts", "action_view_replacements"):
            node = arch.xpath(f"//button[@name='{button}']")
            self.assertTrue(node and "== 0" in node[0].get("invisible"), f"{button} is not hidden on a zero count")


@tagged("post_install", "-at_install")
class TestDeliveryAndLabels(ReturnCase):
    def test_delivery_says_which_return_to_use(self):
        arch = form_arch(self, self.sales, "stock.picking")
        odoo_return = arch.xpath("//header/button[@string='Return']")
        self.assertTrue(odoo_return and "Return Form" in odoo_return[0].get("help", ""))
        self.assertTrue(arch.xpath("//header/button[@name='action_create_service_return'][@help]"))
        hint = arch.xpath("//div[@name='service_return_hint']")
        self.assertTrue(hint and "Return Form" in "".join(hint[0].itertext()))
        storekeeper = new_test_user(self.env, login="t_ui_stock", groups="base.group_user,stock.group_stock_user")
        arch = form_arch(self, storekeeper, "stock.picking")
        self.assertFalse(arch.xpath("//div[@name='service_return_hint']"), "hint shown outside the procedure")
        self.assertTrue(arch.xpath("//header/button[@string='Return']"), "Odoo's own Return is kept")

    def test_return_line_shows_the_delivery_and_product_not_the_move(self):
        _order, delivery = self.sell_and_deliver([(self.bearing, 10, None)])
        ret = self.new_return(delivery)
        field = self.rpc(self.sales, "service.return.line", "fields_get", ["move_id"])["move_id"]
        self.assertEqual(field["string"], "Delivery Line")
        spec = {"move_id": {"fields": {"display_name": {}}, "context": field["context"]}}
        values = self.rpc(self.sales, "service.return.line", "web_read", ret.line_ids.ids, spec)[0]
        self.assertEqual(values["move_id"]["display_name"], f"{delivery.name} · {self.bearing.display_name}")
        self.assertNotIn(">", values["move_id"]["display_name"], "the locations of the move are shown")
        self.assertIn(">", delivery.move_ids.display_name, "stock's own label is unchanged elsewhere")

    def test_one_name_for_the_return_form_everywhere(self):
        for xmlid in ("menu_service_return", "menu_service_return_analysis"):
            self.assertEqual(self.env.ref(f"customer_service_control.{xmlid}").name, "Return Forms")
        self.assertEqual(self.env.ref("customer_service_control.action_service_return").name, "Return Forms")
        list_arch = self.env["service.return"].get_view(view_type="list")["arch"]
        self.assertEqual(etree.fromstring(list_arch).get("string"), "Return Forms")

    def test_references_in_lists_get_a_column_that_fits_them(self):
        for model in WORKFLOWS:
            arch = etree.fromstring(self.env[model].get_view(view_type="list")["arch"])
            width = arch.xpath("//field[@name='name']")[0].get("width")
            self.assertTrue(width and int(width.removesuffix("px")) >= 120, f"{model}: the reference may be cut")

    def test_reporting_visits_opens_visits_and_findings_have_their_own_entry(self):
        visits = self.env.ref("customer_service_control.menu_service_visit_analysis")
        self.assertEqual((visits.name, visits.action.res_model), ("Visits", "service.visit"))
        findings = self.env.ref("customer_service_control.menu_service_visit_finding_analysis")
        self.assertEqual((findings.name, findings.action.res_model), ("Visit Findings", "service.visit.finding"))

    def test_visit_calendar_entry_names_the_customer(self):
        visit = (
            self.env["service.visit"]
            .with_user(self.manager)
            .create({"partner_id": self.customer.id, "user_id": self.sales.id, "planned_date": "2026-06-01"})
        )
        arch = etree.fromstring(self.env["service.visit"].get_view(view_type="calendar")["arch"])
        title_field = arch.get("create_name_field")
        self.assertEqual(visit[title_field], f"{self.customer.name} · {visit.name}")
