# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ReturnCase


@tagged("post_install", "-at_install")
class TestReturnChecks(ReturnCase):
    """Bad quantities, goods never delivered, wrong roles, double approvals, cancels."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order, cls.delivery = cls.sell_and_deliver([(cls.bearing, 10, None), (cls.lot_bearing, 5, {cls.lot_a: 5})])
        cls.move = cls.delivery.move_ids.filtered(lambda m: m.product_id == cls.bearing)
        cls.lot_move = cls.delivery.move_ids.filtered(lambda m: m.product_id == cls.lot_bearing)

    def draft(self, **vals):
        return self.new_return(self.delivery, quantities={(self.bearing, None): 1}, **vals)

    def add_line(self, ret, **vals):
        values = {"return_id": ret.id, "move_id": self.move.id, "product_id": self.bearing.id, "quantity": 1}
        values.update(vals)
        return self.env["service.return.line"].with_user(self.sales).create(values)

    def test_over_return_is_refused(self):
        ret = self.draft()  # 1 of the 10 delivered
        with self.refused(UserError, r"Only 10\.0 Units of .* can still be returned; 11\.0 were asked"):
            ret.line_ids.quantity = 11
        with self.refused(UserError, "can still be returned"):
            self.add_line(ret, quantity=10)  # 1 + 10 on the same move
        other = self.draft()
        with self.refused(UserError, r"Only 9\.0 Units"):
            other.line_ids.quantity = 10  # the first form holds 1
        other.line_ids.quantity = 9
        self.assertEqual(ret.line_ids.quantity, 1)
        self.assertEqual(len(ret.line_ids), 1)

    def test_negative_or_zero_quantity_is_refused(self):
        ret = self.draft()
        for quantity in (-2, 0):
            with self.refused(UserError, "must be positive"):
                ret.line_ids.quantity = quantity

    def test_product_never_delivered_is_refused(self):
        ret = self.draft()
        with self.refused(UserError, "was never delivered to"):
            self.add_line(ret, product_id=self.bearing_z2.id)
        stranger = self.env["res.partner"].create({"name": "Stranger Pumps", "is_company": True})
        _order, foreign_delivery = self.sell_and_deliver([(self.bearing, 1, None)], partner=stranger)
        with self.refused(UserError, "was never delivered to"):
            self.add_line(ret, move_id=foreign_delivery.move_ids.id)

    def test_lot_not_delivered_is_refused(self):
        ret = self.draft()
        with self.refused(UserError, "Lot 6205-B of .* was not delivered"):
            self.add_line(ret, move_id=self.lot_move.id, product_id=self.lot_bearing.id, lot_id=self.lot_b.id)
        with self.refused(UserError, "Give the lot/serial number"):
            self.add_line(ret, move_id=self.lot_move.id, product_id=self.lot_bearing.id)

    def test_each_step_needs_its_role(self):
        ret = self.draft(settlement="refund")
        for user in (self.sales, self.leader):
            with self.refused(AccessError, "Sales Manager"):
                self.rpc(user, "service.return", "action_confirm", ret.ids)
        with self.refused(AccessError, "Returned Product Handling Form"):  # not assigned yet: not seen
            self.rpc(self.inspector, "service.return", "action_confirm", ret.ids)
        self.rpc(self.manager, "service.return", "action_confirm", ret.ids)
        with self.refused(AccessError, "Production Manager"):
            ret.with_user(self.sales).inspector_ids = self.inspector
        ret.with_user(self.prod_manager).inspector_ids = self.inspector
        for user in (self.sales, self.inspector, self.manager):
            with self.refused(AccessError, "Production Manager"):
                self.rpc(user, "service.return", "action_start_inspection", ret.ids)
        self.rpc(self.prod_manager, "service.return", "action_start_inspection", ret.ids)
        with self.refused(AccessError, "Inspection Group"):
            ret.line_ids.with_user(self.manager).write({"inspection_result": "conforming"})
        ret.line_ids.with_user(self.inspector).write({"inspection_result": "nonconforming", "defect": "Dent"})
        self.assertEqual(ret.line_ids.inspector_id, self.inspector)
        self.rpc(self.inspector, "service.return", "action_request_approval", ret.ids)
        # Partial exchange: leadership first, then the General Manager.
        for user in (self.sales, self.manager, self.inspector, self.prod_manager):
            with self.refused(AccessError, "Company Leadership"):
                self.rpc(user, "service.return", "action_approve", ret.ids)
        with self.refused(AccessError, "Returned Product Handling Form"):  # not routed to Technical: not seen
            self.rpc(self.technical, "service.return", "action_approve", ret.ids)
        self.rpc(self.leader, "service.return", "action_approve", ret.ids)
        with self.refused(UserError, "already signed"):
            self.rpc(self.leader, "service.return", "action_approve", ret.ids)
        for user in (self.vp, self.manager):
            with self.refused(AccessError, "General Manager"):
                self.rpc(user, "service.return", "action_approve", ret.ids)
        self.assertEqual(ret.state, "approval")
        self.assertFalse(ret.stock_picking_ids)
        self.rpc(self.gm, "service.return", "action_approve", ret.ids)
        self.assertEqual(ret.state, "approved")

    def test_approving_twice_is_refused(self):
        ret = self.to_approval(self.draft(settlement="refund"))
        with self.refused(AccessError, "the General Manager gives the final approval after it"):
            ret.with_user(self.gm).action_approve()  # a leader other than the GM exists
        ret.with_user(self.leader).action_approve()
        with self.refused(UserError, "already signed"):
            ret.with_user(self.leader).action_approve()
        self.assertEqual(ret.state, "approval")
        signed = ret.approval_ids.filtered(lambda a: a.state == "approved" and a.kind == "approval")
        self.assertEqual(signed.user_id, self.leader)

    def test_approving_an_approved_return_is_refused(self):
        ret = self.approve(self.to_approval(self.draft(settlement="refund")))
        self.assertEqual(ret.state, "approved")
        pickings = ret.stock_picking_ids
        with self.refused(UserError, "needs the state “Approval”"):
            ret.with_user(self.gm).action_approve()
        self.assertEqual(ret.stock_picking_ids, pickings, "no second transfer")

    def test_state_and_approvals_cannot_be_written_directly(self):
        ret = self.draft()
        with self.refused(UserError, "can only be changed through its buttons"):
            self.rpc(self.gm, "service.return", "write", ret.ids, {"state": "approved"})
        with self.assertRaises(AccessError):
            self.rpc(
                self.sales,
                "service.return.approval",
                "create",
                {"return_id": ret.id, "kind": "approval", "user_id": self.gm.id},
            )

    def test_refusal_needs_a_reason_and_tells_the_handler(self):
        ret = self.to_approval(self.draft(settlement="refund"))
        with self.refused(UserError, "reason"):
            ret.with_user(self.leader).action_refuse("")
        with self.refused(AccessError, "Company Leadership"):
            ret.with_user(self.sales).action_refuse("No")
        ret.with_user(self.leader).action_refuse("Wear from misuse, not a defect")
        self.assertEqual(ret.state, "refused")
        self.assertEqual(ret.refused_by_id, self.leader)
        message = ret.message_ids.filtered(lambda m: "Wear from misuse" in (m.body or ""))
        self.assertIn(self.sales.partner_id, message.partner_ids)
        self.assertFalse(ret.stock_picking_ids)

    def test_cancel_refused_once_goods_came_back_and_returned_quantity_stays_returned(self):
        ret = self.new_return(self.delivery, quantities={(self.bearing, None): 10}, settlement="replacement")
        self.approve(self.to_approval(ret))
        back = ret.stock_picking_ids.filtered(lambda p: p.picking_type_code == "incoming")
        replacement = ret.stock_picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        self.validate(back)
        with self.refused(UserError, "cannot be cancelled: its transfer"):
            ret.with_user(self.manager).action_cancel()
        self.assertEqual(ret.state, "approved")
        self.assertEqual(replacement.state, "assigned")
        replacement.action_cancel()
        self.assertEqual(ret.state, "done", "the goods came back; the manager settles the rest")
        self.assertEqual(back.state, "done")
        with self.refused(UserError, "needs the state"):
            ret.with_user(self.manager).action_confirm()
        again = self.new_return(self.delivery)
        self.assertNotIn(self.bearing, again.line_ids.product_id, "the 10 returned stay returned")

    def test_cancel_before_approval_frees_the_quantity(self):
        ret = self.new_return(self.delivery, quantities={(self.bearing, None): 10})
        ret.with_user(self.manager).action_cancel()
        again = self.new_return(self.delivery, quantities={(self.bearing, None): 10})
        self.assertEqual(again.line_ids.quantity, 10)

    def test_lines_are_frozen_after_draft(self):
        ret = self.draft()
        ret.with_user(self.manager).action_confirm()
        with self.refused(UserError, "only be changed while it is a draft"):
            ret.line_ids.with_user(self.manager).quantity = 2
        with self.refused(UserError, "only be changed while it is a draft"):
            ret.with_user(self.manager).write(
                {"line_ids": [Command.create({"move_id": self.move.id, "product_id": self.bearing.id})]}
            )

    def test_settlement_must_be_allowed_by_the_type(self):
        ret = self.draft(settlement="compensation", compensation_amount=10.0)
        ret.return_type_id = self.env.ref("customer_service_control.return_type_whole_batch")
        with self.refused(UserError, "cannot be settled by Compensation"):
            ret.with_user(self.manager).action_confirm()
        self.assertEqual(ret.state, "draft")

    def test_handler_asks_the_sales_manager_to_confirm(self):
        ret = self.draft()
        ret.action_ask_confirmation()
        self.assertIn(self.manager, self.activities(ret, "customer_service_control.mail_act_return_approval").user_id)
        ret.with_user(self.manager).action_confirm()
        self.assertFalse(self.activities(ret, "customer_service_control.mail_act_return_approval"))

    def test_type_and_settlement_are_frozen_after_draft(self):
        ret = self.draft(settlement="refund")
        ret.with_user(self.manager).action_confirm()
        with self.refused(UserError, "only be changed while it is a draft"):
            ret.write({"settlement": "compensation", "compensation_amount": 1000.0})
        self.assertEqual(ret.settlement, "refund")
