# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo.tests import HttpCase, new_test_user, tagged

from .common import ReturnCase


@tagged("post_install", "-at_install")
class TestReturnTour(HttpCase, ReturnCase):
    """A Returned Product Handling Form from the delivery to the received goods, in the
    browser, each role through its own buttons."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sales.groups_id += cls.env.ref("stock.group_stock_user")  # staff work in Inventory too
        cls.warehouse_user = new_test_user(
            cls.env, login="t_warehouse", groups="base.group_user,stock.group_stock_user", company_id=cls.company.id
        )

    def form_url(self, ret):
        return f"/odoo/action-customer_service_control.action_service_return/{ret.id}"

    def test_return_from_delivery_to_received_goods_in_the_browser(self):
        _order, delivery = self.sell_and_deliver([(self.bearing, 10, None)])
        stock_before = self.on_hand(self.bearing)

        self.start_tour(
            f"/odoo/action-stock.action_picking_tree_outgoing/{delivery.id}",
            "csc_return_handler_tour",
            login=self.sales.login,
        )
        ret = self.env["service.return"].search([("picking_id", "=", delivery.id)])
        self.assertEqual(len(ret), 1)
        self.assertEqual(ret.line_ids.mapped("quantity"), [2.0], "the quantity edited before the Reason page")
        self.assertIn("vibration grade", ret.reason, "the reason typed after editing a line is kept")

        self.assertEqual(ret.activity_ids.user_id, self.manager, "the Sales Manager is asked to confirm")

        url = self.form_url(ret)
        self.start_tour(url, "csc_return_confirm_tour", login=self.manager.login)
        self.start_tour(url, "csc_return_organise_inspection_tour", login=self.prod_manager.login)
        self.assertEqual((ret.state, ret.inspector_ids), ("inspection", self.inspector))
        self.start_tour(url, "csc_return_inspect_tour", login=self.inspector.login)
        self.assertEqual(ret.line_ids.inspection_result, "nonconforming")
        self.assertEqual(ret.line_ids.inspector_id, self.inspector)
        for approver in self.approvers(ret):
            self.start_tour(url, "csc_return_approve_tour", login=approver.login)
        self.assertEqual(ret.state, "approved")
        self.assertEqual(ret.approval_ids.mapped("state"), ["approved"] * len(ret.approval_ids))

        receipt = self.receipts(ret)
        self.assertEqual(len(receipt), 1)
        self.start_tour(
            f"/odoo/action-stock.action_picking_tree_all/{receipt.id}",
            "csc_return_receive_tour",
            login=self.warehouse_user.login,
        )
        self.assertEqual(receipt.state, "done")
        self.assertEqual(receipt.move_ids.quantity, 2.0)
        self.assertEqual(self.on_hand(self.bearing), stock_before + 2, "the returned bearings are back in stock")

    @staticmethod
    def receipts(ret):
        return ret.stock_picking_ids.filtered(lambda p: p.location_id.usage == "customer")
