# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ReturnCase

FORM_FIELDS = [
    "partner_id",
    "sale_order_id",
    "picking_id",
    "date",
    "company_id",
    "reason",
    "return_type_id",
    "settlement",
    "compensation_amount",
]
LINE_FIELDS = ["move_id", "product_id", "lot_id", "quantity", "reason", "replacement_product_id", "return_id"]


@tagged("post_install", "-at_install")
class TestReturnFrozen(ReturnCase):
    """Once confirmed, what the approvers approve cannot change by any path; the
    shipping-error page is the Sales Manager's; customer and order match the lines."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order, cls.delivery = cls.sell_and_deliver([(cls.bearing, 10, None)])
        cls.other_order, cls.other_delivery = cls.sell_and_deliver([(cls.bearing_z2, 5, None)])
        cls.stranger = cls.env["res.partner"].create({"name": "Stranger Pumps", "is_company": True})
        cls.foreign_order, cls.foreign_delivery = cls.sell_and_deliver([(cls.bearing, 3, None)], partner=cls.stranger)

    def draft(self, **vals):
        vals.setdefault("settlement", "replacement")
        return self.new_return(self.delivery, quantities={(self.bearing, None): 2}, **vals)

    def confirmed(self, **vals):
        ret = self.draft(**vals)
        ret.with_user(self.manager).action_confirm()
        return ret

    def form_values(self, ret):
        return ret.read(FORM_FIELDS)[0]

    def line_values(self, ret):
        return ret.line_ids.read(LINE_FIELDS)

    def other_values(self, ret):
        """A different, valid value for each frozen field."""
        return {
            "partner_id": self.stranger.id,
            "sale_order_id": self.other_order.id,
            "picking_id": self.other_delivery.id,
            "date": "2020-01-01",
            "company_id": self.env["res.company"].create({"name": "Other Co"}).id,
            "reason": "<p>Something else</p>",
            "return_type_id": self.env.ref("customer_service_control.return_type_whole_batch").id,
            "settlement": "refund",
            "compensation_amount": 999.0,
        }

    # ------------------------------------------------------------------
    # The form
    # ------------------------------------------------------------------
    def test_form_fields_are_read_only_after_draft(self):
        ret = self.confirmed()
        before = self.form_values(ret)
        for field_name, value in self.other_values(ret).items():
            for user in (self.sales, self.manager, self.gm):
                with self.refused(UserError, "can only be changed while it is a draft"):
                    self.rpc(user, "service.return", "write", ret.ids, {field_name: value})
        self.assertEqual(self.form_values(ret), before)

    def test_form_fields_stay_frozen_in_every_later_state(self):
        ret = self.to_approval(self.draft())
        before = self.form_values(ret)
        with self.refused(UserError, "can only be changed while it is a draft"):
            self.rpc(self.sales, "service.return", "write", ret.ids, {"settlement": "refund"})
        ret.with_user(self.leader).action_approve()
        ret.with_user(self.gm).action_approve()
        with self.refused(UserError, "can only be changed while it is a draft"):
            self.rpc(self.manager, "service.return", "write", ret.ids, {"reason": "<p>Rewritten</p>"})
        self.assertEqual(self.form_values(ret), before)

    # ------------------------------------------------------------------
    # The lines
    # ------------------------------------------------------------------
    def test_line_fields_are_read_only_after_draft(self):
        ret = self.confirmed()
        before = self.line_values(ret)
        line = ret.line_ids
        other = self.draft()
        changes = {
            "move_id": self.other_delivery.move_ids.id,
            "product_id": self.bearing_z2.id,
            "lot_id": self.lot_a.id,
            "quantity": 1,
            "reason": "Changed",
            "replacement_product_id": self.bearing_z2.id,
            "return_id": other.id,
        }
        for field_name, value in changes.items():
            for user in (self.sales, self.manager):
                with self.refused(UserError, "can only be changed while it is a draft"):
                    self.rpc(user, "service.return.line", "write", line.ids, {field_name: value})
        self.assertEqual(self.line_values(ret), before)

    def test_salesperson_cannot_swap_the_replacement_while_waiting_for_approval(self):
        ret = self.to_approval(self.draft())
        line = ret.line_ids
        with self.refused(UserError, "can only be changed while it is a draft"):
            self.rpc(
                self.sales, "service.return.line", "write", line.ids, {"replacement_product_id": self.bearing_z2.id}
            )
        with self.refused(UserError, "can only be changed while it is a draft"):
            self.rpc(
                self.sales,
                "service.return",
                "write",
                ret.ids,
                {"line_ids": [Command.update(line.id, {"replacement_product_id": self.bearing_z2.id})]},
            )
        self.assertEqual(line.replacement_product_id, self.bearing)
        self.approve(ret)
        replacement = ret.stock_picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        self.assertEqual(replacement.move_ids.product_id, self.bearing, "the approved product ships")

    def test_line_commands_on_the_form_are_refused_after_draft(self):
        ret = self.confirmed()
        line = ret.line_ids
        before = self.line_values(ret)
        move = self.delivery.move_ids
        for command in (
            Command.create({"move_id": move.id, "product_id": self.bearing.id, "quantity": 1}),
            Command.update(line.id, {"quantity": 1}),
            Command.delete(line.id),
            Command.unlink(line.id),
            Command.set([]),
            Command.clear(),
        ):
            with self.refused(UserError, "can only be changed while it is a draft"):
                self.rpc(self.sales, "service.return", "write", ret.ids, {"line_ids": [command]})
        self.assertEqual(self.line_values(ret), before)

    def test_line_added_or_removed_after_draft_is_refused(self):
        ret = self.confirmed()
        before = self.line_values(ret)
        move = self.delivery.move_ids
        values = {"return_id": ret.id, "move_id": move.id, "product_id": self.bearing.id, "quantity": 1}
        with self.refused(UserError, "can only be changed while it is a draft"):
            self.rpc(self.sales, "service.return.line", "create", values)
        Line = self.env(user=self.sales, context={"default_return_id": ret.id})["service.return.line"]
        with self.refused(UserError, "can only be changed while it is a draft"):
            Line.create({"move_id": move.id, "product_id": self.bearing.id, "quantity": 1})
        with self.refused(UserError, "can only be changed while it is a draft"):
            self.rpc(self.manager, "service.return.line", "unlink", ret.line_ids.ids)
        self.assertEqual(self.line_values(ret), before)

    # ------------------------------------------------------------------
    # Shipping error: the Sales Manager's page
    # ------------------------------------------------------------------
    def shipping_error_draft(self):
        _order, delivery = self.sell_and_deliver([(self.bearing, 4, None)], shipped={self.bearing: self.bearing_z2})
        return self.new_return(delivery, "return_type_shipping_error", settlement="replacement")

    def test_salesperson_asks_for_confirmation_without_the_shipping_error(self):
        ret = self.shipping_error_draft()
        self.assertTrue(ret.with_user(self.sales).can_ask_confirmation)
        self.rpc(self.sales, "service.return", "action_ask_confirmation", ret.ids)
        self.assertFalse(ret.with_user(self.manager).can_confirm, "the manager fills the page in first")
        with self.refused(UserError, "records what was shipped wrong and why"):
            self.rpc(self.manager, "service.return", "action_confirm", ret.ids)
        self.rpc(self.manager, "service.return", "write", ret.ids, {"shipping_error_kind": "vibration_grade"})
        self.rpc(self.manager, "service.return", "write", ret.ids, {"shipping_error_cause": "Wrong bin"})
        self.assertTrue(ret.with_user(self.manager).can_confirm)
        self.rpc(self.manager, "service.return", "action_confirm", ret.ids)
        self.assertEqual(ret.state, "confirmed")

    def test_non_manager_cannot_write_the_shipping_error(self):
        ret = self.shipping_error_draft()
        for user in (self.sales, self.inspector, self.leader):
            for values in ({"shipping_error_kind": "model"}, {"shipping_error_cause": "Typo"}):
                with self.refused(AccessError, "Recording the shipping error needs the role “Sales Manager”"):
                    self.rpc(user, "service.return", "write", ret.ids, values)
        self.assertFalse(ret.shipping_error_kind)
        self.assertFalse(ret.shipping_error_cause)
        self.assertFalse(ret.with_user(self.sales).can_edit_shipping_error)
        self.assertTrue(ret.with_user(self.manager).can_edit_shipping_error)

    def test_shipping_error_at_creation_needs_the_manager(self):
        count = self.env["service.return"].search_count([])
        values = {
            "partner_id": self.customer.id,
            "return_type_id": self.env.ref("customer_service_control.return_type_shipping_error").id,
            "settlement": "refund",
        }
        with self.refused(AccessError, "Sales Manager"):
            self.rpc(self.sales, "service.return", "create", dict(values, shipping_error_cause="Me"))
        Return = self.env(user=self.sales, context={"default_shipping_error_kind": "model"})["service.return"]
        with self.refused(AccessError, "Sales Manager"):
            Return.create(values)
        self.assertEqual(self.env["service.return"].search_count([]), count)

    def test_shipping_error_is_frozen_once_confirmed(self):
        ret = self.shipping_error_draft()
        ret.with_user(self.manager).write({"shipping_error_kind": "model", "shipping_error_cause": "Wrong bin"})
        ret.with_user(self.manager).action_confirm()
        with self.refused(UserError, "needs the state “Draft”"):
            self.rpc(self.manager, "service.return", "write", ret.ids, {"shipping_error_cause": "Rewritten"})
        self.assertEqual(ret.shipping_error_cause, "Wrong bin")
        self.assertFalse(ret.with_user(self.manager).can_edit_shipping_error)

    # ------------------------------------------------------------------
    # Customer and order match the lines
    # ------------------------------------------------------------------
    def test_changing_the_customer_of_a_draft_with_lines_is_refused(self):
        ret = self.draft()
        with self.refused(ValidationError, "was placed by Test Motor Works, not by Stranger Pumps"):
            self.rpc(self.sales, "service.return", "write", ret.ids, {"partner_id": self.stranger.id})
        with self.refused(ValidationError, "was delivered to Test Motor Works"):
            self.rpc(
                self.sales, "service.return", "write", ret.ids, {"partner_id": self.stranger.id, "sale_order_id": False}
            )
        self.assertEqual(ret.partner_id, self.customer)
        self.assertEqual(ret.sale_order_id, self.order)

    def test_changing_the_order_of_a_draft_with_lines_is_refused(self):
        ret = self.draft()
        with self.refused(ValidationError, "was sold on"):
            self.rpc(self.sales, "service.return", "write", ret.ids, {"sale_order_id": self.other_order.id})
        with self.refused(ValidationError, "was placed by Stranger Pumps"):
            self.rpc(self.sales, "service.return", "write", ret.ids, {"sale_order_id": self.foreign_order.id})
        self.assertEqual(ret.sale_order_id, self.order)

    def test_changing_the_delivery_of_a_draft_with_lines_is_refused(self):
        ret = self.draft()
        with self.refused(ValidationError, "came with"):
            self.rpc(self.sales, "service.return", "write", ret.ids, {"picking_id": self.other_delivery.id})
        self.assertEqual(ret.picking_id, self.delivery)

    def test_form_created_for_another_customer_than_its_lines_is_refused(self):
        count = self.env["service.return"].search_count([])
        move = self.delivery.move_ids
        with self.refused(UserError, "was never delivered to|was delivered to"):
            self.rpc(
                self.sales,
                "service.return",
                "create",
                {
                    "partner_id": self.stranger.id,
                    "return_type_id": self.env.ref("customer_service_control.return_type_partial").id,
                    "line_ids": [Command.create({"move_id": move.id, "product_id": self.bearing.id, "quantity": 1})],
                },
            )
        self.assertEqual(self.env["service.return"].search_count([]), count)

    # ------------------------------------------------------------------
    # The form shows what the user may do
    # ------------------------------------------------------------------
    def test_buttons_follow_role_and_state(self):
        ret = self.draft()
        expect = {
            self.sales: {"can_ask_confirmation"},
            self.manager: {
                "can_ask_confirmation",
                "can_confirm",
                "can_refuse",
                "can_cancel",
                "can_edit_shipping_error",
            },
            self.prod_manager: {"can_assign_inspectors"},
            self.leader: set(),
            self.gm: {"can_ask_confirmation", "can_confirm", "can_refuse", "can_cancel", "can_edit_shipping_error"},
        }
        flags = ret._CAN_CHECKS
        for user, allowed in expect.items():
            shown = {flag for flag in flags if ret.with_user(user)[flag]}
            self.assertEqual(shown, allowed, user.login)
        ret.with_user(self.manager).action_confirm()
        ret.invalidate_recordset()
        for user, allowed in {
            self.manager: {"can_cancel", "can_refuse"},
            self.prod_manager: {"can_assign_inspectors"},
            self.sales: set(),
        }.items():
            shown = {flag for flag in flags if ret.with_user(user)[flag]}
            self.assertEqual(shown, allowed, user.login)

    def test_form_view_mirrors_the_checks(self):
        """Buttons hide on their can_* flag; the inspection columns follow can_record_inspection;
        the stamps and the shipping-error page are never typed in by whoever may not."""
        arch = etree.fromstring(
            self.env["service.return"].with_user(self.sales).get_views([(False, "form")])["views"]["form"]["arch"]
        )
        for method, flag in (
            ("action_ask_confirmation", "can_ask_confirmation"),
            ("action_confirm", "can_confirm"),
            ("action_start_inspection", "can_start_inspection"),
            ("action_request_approval", "can_request_approval"),
            ("action_approve", "can_approve"),
            ("action_open_refuse_wizard", "can_refuse"),
            ("action_cancel", "can_cancel"),
        ):
            buttons = arch.xpath(f"//header/button[@name='{method}']")
            self.assertEqual([b.get("invisible") for b in buttons], [f"not {flag}"], method)
        for name in ("inspection_result", "defect", "measured_values", "measured_vibration_grade_id"):
            nodes = arch.xpath(f"//field[@name='line_ids']//field[@name='{name}']")
            self.assertEqual(len(nodes), 2, f"{name}: list and form")
            for node in nodes:
                self.assertEqual(node.get("readonly"), "not parent.can_record_inspection", name)
        for name in ("inspector_id", "inspection_date"):
            for node in arch.xpath(f"//field[@name='line_ids']//field[@name='{name}']"):
                self.assertIn(node.get("readonly"), (None, "1", "True"), name)
            self.assertTrue(self.env["service.return.line"]._fields[name].readonly)
        for name in ("shipping_error_kind", "shipping_error_cause"):
            self.assertEqual(arch.xpath(f"//field[@name='{name}']")[0].get("readonly"), "not can_edit_shipping_error")
        for name in set(FORM_FIELDS) - {"company_id"}:  # company_id: multi-company users only
            nodes = arch.xpath(f"//sheet//field[@name='{name}'][not(ancestor::field)]")
            self.assertTrue(nodes, name)
            for node in nodes:
                self.assertEqual(node.get("readonly"), "state != 'draft'", name)
