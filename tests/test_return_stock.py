# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SettlementCase


@tagged("post_install", "-at_install")
class TestReturnStock(SettlementCase):
    """Return transfers on real routes, partial receipts, serial numbers, and how a form
    ends when its transfers are cancelled."""

    def todo_for_manager(self, ret):
        return self.activities(ret, "mail.mail_activity_data_todo", self.manager)

    def test_pick_pack_ship_delivery_returned_from_its_final_transfer(self):
        self.warehouse.delivery_steps = "pick_pack_ship"
        order, delivery = self.sell(self.bearing, 10)
        self.assertEqual(len(order.picking_ids), 3, "pick, pack and ship")
        self.assertEqual(order.order_line.qty_delivered, 10)
        self.invoice(order)
        stock_before = self.on_hand(self.bearing)
        ret = self.new_return(delivery, quantities={(self.bearing, None): 4}, settlement="refund")
        self.assertEqual(ret.line_ids.move_id, delivery.move_ids, "the move that reached the customer")
        self.approved(ret)
        receipt = self.receipts(ret)
        self.assertEqual(receipt.return_id, delivery)
        self.assertEqual(receipt.move_ids.origin_returned_move_id, delivery.move_ids)
        self.validate(receipt)
        self.assertEqual(self.on_hand(self.bearing), stock_before + 4)
        self.assertEqual(order.order_line.qty_delivered, 6)
        self.assertEqual(order.order_line.qty_invoiced, 6)
        self.assertEqual(ret.credit_note_ids.amount_untaxed, 160.0)
        self.assertEqual(ret.state, "done")

    def test_backorder_of_the_return_is_credited_when_it_arrives(self):
        order, delivery = self.sell(self.bearing, 10)
        self.invoice(order)
        stock_before = self.on_hand(self.bearing)
        ret = self.approved(self.new_return(delivery, settlement="refund"))
        receipt = self.receipts(ret)
        receipt.move_ids.quantity = 6
        receipt.move_ids.picked = True
        receipt.with_context(skip_backorder=True, picking_ids_not_to_backorder=[]).button_validate()
        backorder = receipt.backorder_ids
        self.assertEqual(backorder.service_return_id, ret, "the backorder stays on the form")
        self.assertEqual(backorder.move_ids.product_uom_qty, 4)
        self.assertEqual(ret.credit_note_ids.amount_untaxed, 240.0, "6 received, 6 credited")
        self.assertEqual(ret.state, "approved", "4 are still to come")
        self.assertEqual(order.order_line.qty_delivered, 4)
        self.assertEqual(self.on_hand(self.bearing), stock_before + 6)

        self.validate(backorder)
        self.assertEqual(sorted(ret.credit_note_ids.mapped("amount_untaxed")), [160.0, 240.0])
        self.assertEqual(order.order_line.qty_delivered, 0)
        self.assertEqual(order.order_line.qty_invoiced, 0)
        self.assertEqual(self.on_hand(self.bearing), stock_before + 10)
        self.assertEqual(ret.state, "done")

    def test_serial_numbers_come_back_one_by_one(self):
        product = self.env["product.product"].create(
            {
                "name": "Spindle Bearing 7014",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
                "list_price": 300.0,
                "invoice_policy": "delivery",
            }
        )
        serials = self.env["stock.lot"].create(
            [{"name": f"SP-{i}", "product_id": product.id, "company_id": self.company.id} for i in range(3)]
        )
        for serial in serials:
            self.env["stock.quant"]._update_available_quantity(product, self.stock, 1, lot_id=serial)
        order, delivery = self.sell(product, 3)
        self.assertEqual(delivery.move_line_ids.lot_id, serials)
        self.invoice(order)
        back = serials[:2]
        ret = self.new_return(delivery, quantities={(product, serial): 1 for serial in back}, settlement="refund")
        self.assertEqual(ret.line_ids.lot_id, back)
        self.approved(ret)
        receipt = self.receipts(ret)
        self.assertEqual(receipt.move_line_ids.lot_id, back)
        self.assertEqual(receipt.move_line_ids.mapped("quantity"), [1.0, 1.0])
        self.validate(receipt)
        for serial in serials:
            self.assertEqual(self.on_hand(product, serial), 1 if serial in back else 0, serial.name)
        self.assertEqual(ret.credit_note_ids.amount_untaxed, 600.0)
        self.assertEqual(order.order_line.qty_delivered, 1)
        self.assertEqual(order.order_line.qty_invoiced, 1)

    def test_form_whose_return_transfers_are_all_cancelled_is_cancelled(self):
        order, delivery = self.sell(self.bearing, 10)
        ret = self.approved(self.new_return(delivery, quantities={(self.bearing, None): 4}, settlement="refund"))
        self.receipts(ret).action_cancel()
        self.assertEqual(ret.state, "cancelled", "not approved forever")
        self.assertEqual(len(self.todo_for_manager(ret)), 1, "the Sales Manager follows it up")
        self.assertIn("nothing came back", self.todo_for_manager(ret).note)
        self.assertEqual(order.order_line.qty_delivered, 10)
        self.assertFalse(ret.credit_note_ids)
        again = self.new_return(delivery, settlement="refund")
        self.assertEqual(again.line_ids.quantity, 10, "the cancelled transfer holds nothing back")

    def test_cancelled_replacement_after_the_goods_came_back_ends_the_form_with_a_todo(self):
        order, delivery = self.sell(self.bearing, 10)
        ret = self.approved(self.new_return(delivery, quantities={(self.bearing, None): 3}, settlement="replacement"))
        self.validate(self.receipts(ret))
        self.assertEqual(ret.state, "approved")
        self.replacements(ret).action_cancel()
        self.assertEqual(ret.state, "done")
        self.assertIn("neither the goods nor a replacement", self.todo_for_manager(ret).note)
        self.assertEqual(order.order_line.qty_delivered, 7, "what the customer really holds")

    def test_cancelled_return_after_the_replacement_shipped_ends_the_form_with_a_todo(self):
        _order, delivery = self.sell(self.bearing, 10)
        ret = self.approved(self.new_return(delivery, quantities={(self.bearing, None): 3}, settlement="replacement"))
        self.validate(self.replacements(ret))
        self.receipts(ret).action_cancel()
        self.assertEqual(ret.state, "done")
        self.assertIn("never came back", self.todo_for_manager(ret).note)

    def test_form_whose_goods_came_back_cannot_be_cancelled(self):
        order, delivery = self.sell(self.bearing, 10)
        ret = self.approved(self.new_return(delivery, quantities={(self.bearing, None): 3}, settlement="replacement"))
        receipt, replacement = self.receipts(ret), self.replacements(ret)
        self.validate(receipt)
        with self.refused(UserError, r"cannot be cancelled: its transfer .* is already done"):
            ret.with_user(self.manager).action_cancel()
        self.assertEqual(ret.state, "approved")
        self.assertEqual(replacement.state, "assigned")
        self.assertEqual(order.order_line.qty_delivered, 7)

    def test_cancelling_an_approved_form_withdraws_its_open_transfers(self):
        order, delivery = self.sell(self.bearing, 10)
        ret = self.approved(self.new_return(delivery, quantities={(self.bearing, None): 3}, settlement="replacement"))
        ret.with_user(self.manager).action_cancel()
        self.assertEqual(ret.state, "cancelled")
        self.assertEqual(set(ret.stock_picking_ids.mapped("state")), {"cancel"})
        self.assertFalse(self.todo_for_manager(ret), "the manager cancelled it himself")
        self.assertEqual(order.order_line.qty_delivered, 10)

    def test_pick_pack_ship_replacement_follows_the_delivery_route_from_stock(self):
        self.warehouse.delivery_steps = "pick_pack_ship"
        order, delivery = self.sell(self.bearing, 10)
        ret = self.approved(self.new_return(delivery, quantities={(self.bearing, None): 3}, settlement="replacement"))
        pick = ret.stock_picking_ids.filtered(lambda p: p.picking_type_id == self.warehouse.pick_type_id)
        self.assertEqual(len(pick), 1, "the replacement starts where the goods are")
        self.assertEqual(pick.location_id, self.stock)
        self.assertEqual(pick.state, "assigned", "reserved from WH/Stock")
        self.assertEqual(pick.move_ids.product_uom_qty, 3)
        self.validate(self.receipts(ret))
        stock_before = self.on_hand(self.bearing)
        customer_before = self.customer_quantity(self.bearing)
        self.validate(pick)
        pack = ret.stock_picking_ids.filtered(lambda p: p.picking_type_id == self.warehouse.pack_type_id)
        self.assertEqual(len(pack), 1, "the pack is on the form")
        self.assertEqual(pack.state, "assigned")
        self.assertEqual(ret.state, "approved", "picked is not shipped")
        self.validate(pack)
        out = self.replacements(ret)
        self.assertEqual(out.picking_type_id, self.warehouse.out_type_id, "the ship is on the form")
        self.assertEqual(out.location_id, self.warehouse.wh_output_stock_loc_id)
        self.assertEqual(ret.state, "approved", "packed is not shipped")
        self.validate(out)
        self.assertEqual(self.on_hand(self.bearing), stock_before - 3)
        self.assertEqual(self.customer_quantity(self.bearing), customer_before + 3)
        self.assertEqual(out.move_ids.sale_line_id, order.order_line)
        self.assertEqual(order.order_line.qty_delivered, 10, "delivered ends where it began")
        self.assertEqual(len(ret.stock_picking_ids), 4, "receipt, pick, pack and ship")
        self.assertEqual(ret.state, "done")

    def test_replacement_picked_but_never_shipped_ends_the_form_with_a_todo(self):
        self.warehouse.delivery_steps = "pick_pack_ship"
        order, delivery = self.sell(self.bearing, 10)
        ret = self.approved(self.new_return(delivery, quantities={(self.bearing, None): 3}, settlement="replacement"))
        self.validate(self.receipts(ret))
        self.validate(ret.stock_picking_ids.filtered(lambda p: p.picking_type_id == self.warehouse.pick_type_id))
        pack = ret.stock_picking_ids.filtered(lambda p: p.picking_type_id == self.warehouse.pack_type_id)
        pack.action_cancel()
        self.assertEqual(ret.state, "done")
        self.assertIn("neither the goods nor a replacement", self.todo_for_manager(ret).note, "picking is not shipping")
        self.assertEqual(order.order_line.qty_delivered, 7)

    def test_one_step_replacement_is_one_delivery_from_stock(self):
        order, delivery = self.sell(self.bearing, 10)
        ret = self.approved(self.new_return(delivery, quantities={(self.bearing, None): 3}, settlement="replacement"))
        replacement = ret.stock_picking_ids - self.receipts(ret)
        self.assertEqual(replacement, self.replacements(ret), "no intermediate step")
        self.assertEqual(replacement.picking_type_id, self.warehouse.out_type_id)
        self.assertEqual(replacement.location_id, self.stock)
        self.assertEqual(replacement.state, "assigned")
        self.validate(self.receipts(ret))
        self.validate(replacement)
        self.assertEqual(order.order_line.qty_delivered, 10)
        self.assertEqual(ret.state, "done")

    def test_replacement_by_another_product_adds_nothing_to_the_order(self):
        order, delivery = self.sell(self.bearing, 10)
        ret = self.new_return(delivery, quantities={(self.bearing, None): 3}, settlement="replacement")
        ret.line_ids.replacement_product_id = self.bearing_z2
        self.approved(ret)
        replacement = self.replacements(ret)
        self.assertEqual(replacement.move_ids.product_id, self.bearing_z2)
        self.assertFalse(replacement.move_ids.sale_line_id)
        self.validate(self.receipts(ret))
        self.validate(replacement)
        self.assertEqual(order.order_line.product_id, self.bearing, "no order line to invoice the replacement")
        self.assertEqual(order.order_line.qty_delivered, 7)
        self.assertEqual(ret.state, "done")

    def customer_quantity(self, product):
        quants = self.env["stock.quant"].search(
            [("product_id", "=", product.id), ("location_id", "=", self.customer.property_stock_customer.id)]
        )
        return sum(quants.mapped("quantity"))

    def test_a_second_form_of_the_delivery_leaves_the_first_receipt_reserved(self):
        # Odoo's return wizard unreserves the open returns of the moves it returns: the
        # first form's receipt would have nothing to validate, its lots forgotten.
        order, delivery = self.sell_and_deliver(
            [(self.lot_bearing, 10, {self.lot_a: 6, self.lot_b: 4}), (self.bearing, 10, None)]
        )
        self.invoice(order)
        first = self.approved(
            self.new_return(
                delivery, quantities={(self.lot_bearing, self.lot_a): 2, (self.bearing, None): 3}, settlement="refund"
            )
        )
        second = self.approved(
            self.new_return(
                delivery, quantities={(self.lot_bearing, self.lot_b): 1, (self.bearing, None): 2}, settlement="refund"
            )
        )
        receipt = self.receipts(first.with_env(self.env))  # read as the storekeeper would
        self.assertEqual(receipt.state, "assigned")
        self.assertEqual(
            sorted((line.product_id.name, line.lot_id.name or "", line.quantity) for line in receipt.move_line_ids),
            [("Bearing 6205-2RS", "6205-A", 2.0), ("Bearing 6308-ZZ Z3", "", 3.0)],
        )
        stock_a, stock = self.on_hand(self.lot_bearing, self.lot_a), self.on_hand(self.bearing)
        self.validate(receipt)
        self.assertEqual(self.on_hand(self.lot_bearing, self.lot_a), stock_a + 2)
        self.assertEqual(self.on_hand(self.bearing), stock + 3)
        stock_b = self.on_hand(self.lot_bearing, self.lot_b)
        self.validate(self.receipts(second))
        self.assertEqual(self.on_hand(self.lot_bearing, self.lot_b), stock_b + 1)
        self.assertEqual((first.state, second.state), ("done", "done"))

    def test_odoo_return_button_leaves_the_form_receipt_reserved_with_its_lots(self):
        order, delivery = self.sell_and_deliver([(self.lot_bearing, 10, {self.lot_a: 6, self.lot_b: 4})])
        self.invoice(order)
        ret = self.approved(
            self.new_return(delivery, quantities={(self.lot_bearing, self.lot_a): 2}, settlement="refund")
        )
        wizard = self.env["stock.return.picking"].create({"picking_id": delivery.id})
        wizard.product_return_moves.quantity = 1
        wizard._create_return()
        receipt = self.receipts(ret.with_env(self.env))
        self.assertEqual(receipt.state, "assigned")
        self.assertEqual([(line.lot_id.name, line.quantity) for line in receipt.move_line_ids], [("6205-A", 2.0)])
