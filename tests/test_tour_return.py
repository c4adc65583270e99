# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo.tests import HttpCase, tagged

from .common import ReturnCase


@tagged("post_install", "-at_install")
class TestReturnTour(HttpCase, ReturnCase):
    def test_return_form_edit_line_then_reason_then_save(self):
        _order, delivery = self.sell_and_deliver([(self.bearing, 10, None), (self.bearing_z2, 5, None)])
        self.sales.groups_id += self.env.ref("stock.group_stock_user")
        action = self.env.ref("stock.action_picking_tree_all")
        self.start_tour(f"/odoo/action-{action.id}/{delivery.id}", "csc_return_form_tour", login=self.sales.login)
        ret = self.env["service.return"].search([("picking_id", "=", delivery.id)])
        self.assertEqual(ret.line_ids.sorted("sequence")[:1].quantity, 2)
        self.assertIn("vibration grade", ret.reason)
