# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import fields
from odoo.tests import tagged

from .common import SettlementCase


@tagged("post_install", "-at_install")
class TestReturnMoney(SettlementCase):
    """What each settlement credits, and what it does to the order's delivered,
    invoiced and to-invoice quantities, with exact amounts."""

    def assert_sale_line(self, sale_line, delivered, invoiced, to_invoice):
        self.assertEqual(
            (sale_line.qty_delivered, sale_line.qty_invoiced, sale_line.qty_to_invoice),
            (delivered, invoiced, to_invoice),
            "delivered, invoiced, to invoice",
        )

    def test_dozen_returned_in_units_credits_the_dozen_price(self):
        dozen = self.env.ref("uom.product_uom_dozen")
        order, delivery = self.sell(self.bearing, 1, uom=dozen, price=480.0)
        sale_line = order.order_line
        self.invoice(order)
        self.assert_sale_line(sale_line, 1, 1, 0)
        stock_before = self.on_hand(self.bearing)

        ret = self.new_return(delivery, settlement="refund")
        self.assertEqual(ret.line_ids.quantity, 12, "the form counts in the product's unit")
        self.assertEqual(ret.line_ids.uom_id, self.bearing.uom_id)
        [row] = ret._settlement_plan()
        self.assertEqual((row["delivered"], row["delivered_after"], row["credit_qty"]), (1, 0, 1), "in dozens")
        self.assertEqual(row["credit_amount"], 480.0)
        self.approved(ret)
        self.assertFalse(ret.credit_note_ids, "nothing is credited before the goods are back")
        receipt = self.receipts(ret)
        self.assertEqual(receipt.move_ids.product_uom, self.bearing.uom_id)
        self.assertEqual(receipt.move_ids.product_uom_qty, 12)

        self.validate(receipt)
        credit = ret.credit_note_ids
        self.assertEqual(credit.state, "draft")
        self.assertEqual(credit.invoice_line_ids.product_uom_id, dozen)
        self.assertEqual(credit.invoice_line_ids.quantity, 1)
        self.assertEqual(credit.invoice_line_ids.price_unit, 480.0)
        self.assertEqual(credit.amount_untaxed, 480.0)
        self.assertEqual(credit.invoice_line_ids.sale_line_ids, sale_line)
        self.assert_sale_line(sale_line, 0, 0, 0)
        self.assertEqual(self.on_hand(self.bearing), stock_before + 12)
        self.assertEqual(ret.state, "done")

    def test_uninvoiced_order_refund_lowers_what_will_be_invoiced(self):
        order, delivery = self.sell(self.bearing, 10)
        sale_line = order.order_line
        self.assert_sale_line(sale_line, 10, 0, 10)
        ret = self.approved(self.new_return(delivery, quantities={(self.bearing, None): 4}, settlement="refund"))
        self.validate(self.receipts(ret))
        self.assertFalse(ret.credit_note_ids, "nothing was invoiced: nothing to credit")
        self.assert_sale_line(sale_line, 6, 0, 6)
        self.assertIn("no credit note", "".join(ret.message_ids.mapped("body")))
        self.assertEqual(ret.state, "done")

    def test_partially_invoiced_order_credits_only_the_invoiced_excess(self):
        order, delivery = self.sell(self.bearing, 10)
        sale_line = order.order_line
        self.invoice(order, quantity=6)
        self.assert_sale_line(sale_line, 10, 6, 4)
        ret = self.approved(self.new_return(delivery, quantities={(self.bearing, None): 5}, settlement="refund"))
        self.validate(self.receipts(ret))
        self.assertEqual(ret.credit_note_ids.invoice_line_ids.quantity, 1, "6 invoiced, 5 kept: 1 to credit")
        self.assertEqual(ret.credit_note_ids.amount_untaxed, 40.0)
        self.assert_sale_line(sale_line, 5, 5, 0)

    def test_fully_invoiced_order_credits_every_returned_unit(self):
        order, delivery = self.sell(self.bearing, 10)
        self.invoice(order)
        ret = self.approved(self.new_return(delivery, quantities={(self.bearing, None): 3}, settlement="refund"))
        self.validate(self.receipts(ret))
        self.assertEqual(ret.credit_note_ids.amount_untaxed, 120.0)
        self.assert_sale_line(order.order_line, 7, 7, 0)

    def test_refund_of_an_order_in_another_currency(self):
        currency, pricelist = self.foreign_pricelist()
        order, delivery = self.sell(self.bearing, 10, price=80.0, pricelist=pricelist)
        self.assertEqual(order.currency_id, currency)
        self.invoice(order)
        ret = self.approved(self.new_return(delivery, quantities={(self.bearing, None): 2}, settlement="refund"))
        self.validate(self.receipts(ret))
        credit = ret.credit_note_ids
        self.assertEqual(credit.currency_id, currency)
        self.assertEqual(credit.amount_untaxed, 160.0, "2 × 80 in the order's currency")
        self.assertEqual(credit.amount_untaxed_signed, -80.0, "at 2 per company unit")
        self.assert_sale_line(order.order_line, 8, 8, 0)

    def test_compensation_credited_in_the_order_currency(self):
        currency, pricelist = self.foreign_pricelist()
        order, delivery = self.sell(self.bearing, 10, price=80.0, pricelist=pricelist)
        self.invoice(order)
        stock_before = self.on_hand(self.bearing)
        ret = self.new_return(
            delivery, quantities={(self.bearing, None): 2}, settlement="compensation", compensation_amount=55.0
        )
        self.approved(ret)
        self.assertEqual(ret.state, "done")
        self.assertFalse(ret.stock_picking_ids)
        credit = ret.credit_note_ids
        self.assertEqual(credit.currency_id, currency)
        self.assertEqual(credit.amount_untaxed, 110.0, "55 in the company's currency at 2")
        self.assertFalse(credit.invoice_line_ids.sale_line_ids, "the order's quantities do not change")
        self.assert_sale_line(order.order_line, 10, 10, 0)
        self.assertEqual(self.on_hand(self.bearing), stock_before)

    def test_return_only_brings_goods_back_without_touching_the_order(self):
        order, delivery = self.sell(self.bearing, 6)
        self.invoice(order)
        stock_before = self.on_hand(self.bearing)
        ret = self.new_return(delivery, "return_type_selection_error", settlement="return_only")
        self.approved(ret)
        receipt = self.receipts(ret)
        self.assertFalse(receipt.move_ids.to_refund)
        self.validate(receipt)
        self.assertEqual(ret.state, "done")
        self.assertFalse(ret.credit_note_ids)
        self.assert_sale_line(order.order_line, 6, 6, 0)
        self.assertEqual(self.on_hand(self.bearing), stock_before + 6)

    def test_replacement_after_a_shipping_error_delivers_the_ordered_product(self):
        """Z2 shipped where Z3 was ordered: sale_stock never counted the Z2 on the Z3
        line; the Z3 replacement is delivered on that line; no credit note."""
        order, delivery = self.sell_and_deliver([(self.bearing, 4, None)], shipped={self.bearing: self.bearing_z2})
        sale_line = order.order_line
        delivered_before = sale_line.qty_delivered
        z2_before, z3_before = self.on_hand(self.bearing_z2), self.on_hand(self.bearing)
        ret = self.new_return(delivery, "return_type_shipping_error", settlement="replacement")
        ret.with_user(self.manager).write(
            {"shipping_error_kind": "vibration_grade", "shipping_error_cause": "Picker took the Z2 bin."}
        )
        plan = ret._settlement_plan()
        self.assertEqual(plan[0]["delivered_after"], delivered_before + 4)
        self.approved(ret)
        self.validate(self.receipts(ret))
        self.validate(self.replacements(ret))
        self.assertEqual(ret.state, "done")
        self.assertFalse(ret.credit_note_ids)
        self.assertEqual(delivered_before, 0, "Odoo counts only the ordered product as delivered")
        self.assertEqual(sale_line.qty_delivered, 4)
        self.assertEqual(self.on_hand(self.bearing_z2), z2_before + 4)
        self.assertEqual(self.on_hand(self.bearing), z3_before - 4)

    def test_replacement_ends_where_delivery_began(self):
        order, delivery = self.sell(self.bearing, 10)
        self.invoice(order)
        ret = self.approved(self.new_return(delivery, quantities={(self.bearing, None): 3}, settlement="replacement"))
        self.validate(self.receipts(ret))
        self.assert_sale_line(order.order_line, 7, 10, -3)
        self.validate(self.replacements(ret))
        self.assert_sale_line(order.order_line, 10, 10, 0)
        self.assertEqual(self.replacements(ret).move_ids.sale_line_id, order.order_line)
        self.assertFalse(ret.credit_note_ids)

    def test_preview_shows_what_the_refund_will_do_before_approval(self):
        order, delivery = self.sell(self.bearing, 10)
        self.invoice(order, quantity=6)
        ret = self.new_return(delivery, quantities={(self.bearing, None): 5}, settlement="refund")
        [row] = ret._settlement_plan()
        self.assertEqual(row["sale_line"], order.order_line)
        self.assertEqual(
            (row["delivered"], row["delivered_after"], row["invoiced"], row["credit_qty"], row["to_invoice_after"]),
            (10, 5, 6, 1, 0),
        )
        self.assertEqual(row["credit_amount"], 40.0)
        preview = ret.with_user(self.sales).settlement_preview
        self.assertIn("10.00 → 5.00", preview)
        self.assertIn("40.00", preview)
        self.assertIn(self.bearing.display_name, preview)
        self.to_approval(ret)
        self.assertIn("10.00 → 5.00", ret.with_user(self.gm).settlement_preview, "still shown at approval")

    def test_preview_of_each_settlement(self):
        _order, delivery = self.sell(self.bearing, 10)
        ret = self.new_return(delivery, quantities={(self.bearing, None): 4}, settlement="refund")
        expected = {
            "refund": (6, 0, 6),
            "replacement": (10, 0, 10),
            "return_only": (10, 0, 10),
        }
        for settlement, (after, credit, to_invoice) in expected.items():
            ret.settlement = settlement
            [row] = ret._settlement_plan()
            self.assertEqual(
                (row["delivered_after"], row["credit_qty"], row["to_invoice_after"]),
                (after, credit, to_invoice),
                settlement,
            )
        ret.write({"settlement": "compensation", "compensation_amount": 55.0})
        self.assertIn("55.00", ret.settlement_preview)

    def test_ordered_quantity_policy_keeps_invoicing_what_was_ordered(self):
        """sale invoices an "ordered quantities" product on product_uom_qty: the refund
        credits the invoiced excess, and the preview warns that the order still invoices
        the ordered quantity."""
        self.bearing.invoice_policy = "order"
        order, delivery = self.sell(self.bearing, 10)
        self.invoice(order)
        ret = self.new_return(delivery, quantities={(self.bearing, None): 4}, settlement="refund")
        [row] = ret._settlement_plan()
        self.assertEqual((row["delivered_after"], row["credit_qty"], row["to_invoice_after"]), (6, 4, 4))
        self.assertIn("invoiced on ordered quantities", ret.settlement_preview)
        self.approved(ret)
        self.validate(self.receipts(ret))
        self.assertEqual(ret.credit_note_ids.amount_untaxed, 160.0)
        self.assert_sale_line(order.order_line, 6, 6, 4)

    # ------------------------------------------------------------------
    def foreign_pricelist(self):
        currency = self.env.ref("base.EUR" if self.company.currency_id != self.env.ref("base.EUR") else "base.USD")
        currency.active = True
        self.env["res.currency.rate"].create(
            {
                "name": fields.Date.context_today(self.env.user),
                "rate": 2.0,
                "currency_id": currency.id,
                "company_id": self.company.id,
            }
        )
        pricelist = self.env["product.pricelist"].create({"name": "Export", "currency_id": currency.id})
        return currency, pricelist
