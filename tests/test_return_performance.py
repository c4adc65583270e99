# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo.tests import tagged

from .common import ReturnCase

# Queries for a 50-line form, measured on Odoo 18.0 (cold caches): 58 to create it from
# the delivery (74 before issue 9), 510 for the final approval that runs Odoo's return
# wizard (one move copied per line, Odoo's own cost) and links the lines (543), 655 to
# validate the receipt, which drafts the 50-line credit note of what was invoiced (703).
# tests/test_query_slope_return.py states the cost per line. The budgets leave a little room.
CREATE_50_LINES = 62
APPROVE_AND_RETURN_50_LINES = 525
RECEIVE_AND_CREDIT_50_LINES = 670


@tagged("post_install", "-at_install")
class TestReturnPerformance(ReturnCase):
    def test_fifty_line_return_within_query_budget(self):
        products = self.env["product.product"].create(
            [{"name": f"Bearing 62{i:02d}", "type": "consu", "is_storable": True, "list_price": 5.0} for i in range(50)]
        )
        for product in products:
            self.env["stock.quant"]._update_available_quantity(product, self.stock, 10)
        order, delivery = self.sell_and_deliver([(product, 2, None) for product in products])
        self.assertEqual(len(delivery.move_ids), 50)
        order._create_invoices().action_post()
        Return = self.env["service.return"].with_user(self.sales)
        values = {
            "return_type_id": self.env.ref("customer_service_control.return_type_selection_error").id,
            "settlement": "refund",
            "reason": "<p>Wrong series ordered.</p>",
        }
        self.env.flush_all()
        self.env.invalidate_all()
        with self.queries_at_most(CREATE_50_LINES):
            ret = Return._create_from_pickings(delivery, **values)
        self.assertEqual(len(ret.line_ids), 50)
        ret.with_user(self.manager).action_confirm()
        ret.with_user(self.prod_manager).inspector_ids = self.inspector
        ret.with_user(self.prod_manager).action_start_inspection()
        ret.line_ids.with_user(self.inspector).write({"inspection_result": "conforming"})
        ret.with_user(self.inspector).action_request_approval()
        ret.with_user(self.leader).action_approve()
        self.env.flush_all()
        self.env.invalidate_all()
        with self.queries_at_most(APPROVE_AND_RETURN_50_LINES):
            ret.with_user(self.gm).action_approve()
        self.assertEqual(len(ret.stock_picking_ids.move_ids), 50)
        self.assertFalse(ret.credit_note_ids, "credited at receipt")
        self.env.flush_all()
        self.env.invalidate_all()
        with self.queries_at_most(RECEIVE_AND_CREDIT_50_LINES):
            self.validate(ret.stock_picking_ids)
        self.assertEqual(len(ret.credit_note_ids.invoice_line_ids), 50)
        self.assertEqual(ret.state, "done")
        self.assertEqual(set(order.order_line.mapped("qty_delivered")), {0.0})
