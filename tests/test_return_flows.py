# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ReturnCase


@tagged("post_install", "-at_install")
class TestReturnFlows(ReturnCase):
    """Each of the four return cases of 4.2.3.1, end to end on real stock."""

    def test_whole_batch_return_refunded(self):
        order, delivery = self.sell_and_deliver([(self.bearing, 10, None)])
        line = order.order_line
        self.assertEqual(line.qty_delivered, 10)
        order._create_invoices().action_post()
        stock_before = self.on_hand(self.bearing)

        ret = self.new_return(delivery, "return_type_whole_batch", settlement="refund")
        self.assertEqual(ret.line_ids.quantity, 10, "lines are proposed from the delivered moves")
        self.assertTrue(ret.name.startswith("RET/"))
        self.to_approval(ret)
        self.assertEqual(self.approvers(ret), [self.gm])
        ret.with_user(self.gm).action_approve()
        self.assertEqual(ret.state, "approved")

        picking = ret.stock_picking_ids
        self.assertEqual(len(picking), 1)
        self.assertEqual(picking.return_id, delivery, "returned from the original delivery")
        self.assertEqual(picking.picking_type_code, "incoming")
        self.assertEqual(picking.move_ids.origin_returned_move_id, delivery.move_ids)
        self.assertTrue(picking.move_ids.to_refund)
        self.assertEqual(ret.line_ids.return_move_id, picking.move_ids)
        self.assertFalse(ret.credit_note_ids, "credited once the goods are back")

        self.validate(picking)
        self.assertEqual(ret.state, "done")
        self.assertEqual(self.on_hand(self.bearing), stock_before + 10)
        self.assertEqual(line.qty_delivered, 0)
        credit = ret.credit_note_ids
        self.assertEqual(credit.move_type, "out_refund")
        self.assertEqual(credit.state, "draft")
        self.assertEqual(credit.invoice_line_ids.product_id, self.bearing)
        self.assertEqual(credit.invoice_line_ids.quantity, 10)
        self.assertAlmostEqual(credit.amount_untaxed, 400.0)
        self.assertEqual(credit.invoice_line_ids.sale_line_ids, line)
        self.assertEqual(line.qty_invoiced, 0)

    def test_whole_batch_needs_a_confirmed_nonconformity(self):
        _order, delivery = self.sell_and_deliver([(self.bearing, 10, None)])
        ret = self.new_return(delivery, "return_type_whole_batch", settlement="refund")
        ret.with_user(self.manager).action_confirm()
        ret.with_user(self.prod_manager).inspector_ids = self.inspector
        ret.with_user(self.prod_manager).action_start_inspection()
        ret.line_ids.with_user(self.inspector).inspection_result = "conforming"
        with self.refused(UserError, "found no nonconformity"):
            ret.with_user(self.inspector).action_request_approval()
        self.assertEqual(ret.state, "inspection")

    def test_partial_exchange_of_a_lot(self):
        order, delivery = self.sell_and_deliver([(self.lot_bearing, 20, {self.lot_a: 12, self.lot_b: 8})])
        lot_b_before = self.on_hand(self.lot_bearing, self.lot_b)
        ret = self.new_return(delivery, quantities={(self.lot_bearing, self.lot_b): 3}, settlement="replacement")
        self.assertEqual(ret.line_ids.lot_id, self.lot_b)
        self.approve(self.to_approval(ret))
        self.assertEqual(self.approvers(ret), [self.leader, self.gm])
        self.assertEqual(ret.approval_ids.filtered(lambda a: a.kind == "approval").user_id, self.leader | self.gm)

        back = ret.stock_picking_ids.filtered(lambda p: p.picking_type_code == "incoming")
        replacement = ret.stock_picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        self.assertEqual(back.move_line_ids.lot_id, self.lot_b)
        self.assertEqual(back.move_ids.product_uom_qty, 3)
        self.assertEqual(replacement.move_ids.product_id, self.lot_bearing)
        self.assertEqual(replacement.move_ids.product_uom_qty, 3)
        self.assertFalse(ret.credit_note_ids)

        self.validate(back)
        self.assertEqual(self.on_hand(self.lot_bearing, self.lot_b), lot_b_before + 3)
        self.assertEqual(order.order_line.qty_delivered, 17)
        self.assertEqual(ret.state, "approved", "done only once the replacement is delivered too")
        self.validate(replacement)
        self.assertEqual(ret.state, "done")
        self.assertEqual(order.order_line.qty_delivered, 20)

    def test_partial_settled_by_compensation_without_goods(self):
        _order, delivery = self.sell_and_deliver([(self.bearing, 10, None)])
        stock_before = self.on_hand(self.bearing)
        ret = self.new_return(
            delivery, quantities={(self.bearing, None): 2}, settlement="compensation", compensation_amount=55.0
        )
        self.approve(self.to_approval(ret))
        self.assertEqual(ret.state, "done")
        self.assertFalse(ret.stock_picking_ids)
        self.assertEqual(ret.credit_note_ids.amount_untaxed, 55.0)
        self.assertEqual(self.on_hand(self.bearing), stock_before)

    def test_shipping_error_replaced_by_the_ordered_grade(self):
        """Z2 was shipped where Z3 was ordered: the Sales Manager records why; Z3 is shipped."""
        order, delivery = self.sell_and_deliver([(self.bearing, 4, None)], shipped={self.bearing: self.bearing_z2})
        self.assertEqual(delivery.move_ids.product_id, self.bearing_z2)
        z2_before = self.on_hand(self.bearing_z2)
        ret = self.new_return(delivery, "return_type_shipping_error", settlement="replacement")
        self.assertEqual(ret.line_ids.replacement_product_id, self.bearing, "the ordered product")
        with self.refused(UserError, "records what was shipped wrong"):
            ret.with_user(self.manager).action_confirm()
        self.assertEqual(ret.state, "draft")
        ret.with_user(self.manager).write(
            {"shipping_error_kind": "vibration_grade", "shipping_error_cause": "Picker took the Z2 bin."}
        )
        self.approve(self.to_approval(ret))
        self.assertEqual(self.approvers(ret), [self.manager, self.gm])
        back = ret.stock_picking_ids.filtered(lambda p: p.picking_type_code == "incoming")
        replacement = ret.stock_picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        self.assertEqual(replacement.move_ids.product_id, self.bearing)
        self.assertEqual(replacement.move_ids.sale_line_id, order.order_line)
        self.validate(back)
        self.assertEqual(self.on_hand(self.bearing_z2), z2_before + 4)

    def test_selection_error_returned_only(self):
        order, delivery = self.sell_and_deliver([(self.bearing, 6, None)])
        stock_before = self.on_hand(self.bearing)
        ret = self.new_return(delivery, "return_type_selection_error", settlement="return_only")
        self.approve(self.to_approval(ret, result="conforming"))
        back = ret.stock_picking_ids
        self.assertFalse(back.move_ids.to_refund, "nothing changes on the order")
        self.validate(back)
        self.assertEqual(ret.state, "done")
        self.assertEqual(self.on_hand(self.bearing), stock_before + 6)
        self.assertEqual(order.order_line.qty_delivered, 6)
        self.assertFalse(ret.credit_note_ids)

    def test_two_returns_of_one_delivery(self):
        order, delivery = self.sell_and_deliver([(self.bearing, 10, None)])
        first = self.new_return(delivery, quantities={(self.bearing, None): 4}, settlement="refund")
        second = self.new_return(delivery, settlement="refund")
        self.assertEqual(second.line_ids.quantity, 6, "only what the first form leaves is proposed")
        for ret in (first, second):
            self.approve(self.to_approval(ret))
            self.validate(ret.stock_picking_ids)
        self.assertEqual(order.order_line.qty_delivered, 0)
        with self.refused(UserError, "already been returned"):
            self.new_return(delivery)

    def test_several_deliveries_make_one_return_picking_each(self):
        _order1, delivery1 = self.sell_and_deliver([(self.bearing, 3, None)])
        _order2, delivery2 = self.sell_and_deliver([(self.bearing, 2, None)])
        ret = (
            self.env["service.return"]
            .with_user(self.sales)
            ._create_from_pickings(
                delivery1 | delivery2,
                return_type_id=self.env.ref("customer_service_control.return_type_partial").id,
                settlement="refund",
                reason="<p>Both batches noisy.</p>",
            )
        )
        self.approve(self.to_approval(ret))
        self.assertEqual(ret.stock_picking_ids.return_id, delivery1 | delivery2)
        self.assertEqual(len(ret.stock_picking_ids), 2)
