# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ReturnCase


@tagged("post_install", "-at_install")
class TestReturnEntryPoints(ReturnCase):
    """Forms start from a delivery, a sale order or a complaint; CAPA from re-inspection."""

    def test_from_a_done_delivery(self):
        order, delivery = self.sell_and_deliver([(self.lot_bearing, 7, {self.lot_a: 4, self.lot_b: 3})])
        action = delivery.with_user(self.sales).action_create_service_return()
        ret = self.env["service.return"].browse(action["res_id"])
        self.assertEqual(ret.partner_id, self.customer)
        self.assertEqual(ret.picking_id, delivery)
        self.assertEqual(ret.sale_order_id, order)
        proposed = {(line.lot_id, line.quantity) for line in ret.line_ids}
        self.assertEqual(proposed, {(self.lot_a, 4), (self.lot_b, 3)})
        self.assertEqual(delivery.service_return_count, 1)
        self.assertEqual(order.service_return_count, 1)
        self.assertEqual(self.customer.service_return_count, 1)

    def test_from_a_sale_order(self):
        order, _delivery = self.sell_and_deliver([(self.bearing, 5, None), (self.bearing_z2, 2, None)])
        action = order.with_user(self.sales).action_create_service_return()
        ret = self.env["service.return"].browse(action["res_id"])
        self.assertEqual(ret.line_ids.product_id, self.bearing | self.bearing_z2)

    def test_from_a_complaint_keeps_its_products_and_links(self):
        order, delivery = self.sell_and_deliver([(self.bearing, 5, None), (self.bearing_z2, 2, None)])
        complaint = self.new_complaint(sale_order_id=order.id, picking_id=delivery.id, response_type="person")
        complaint.product_ids = self.bearing_z2
        complaint.action_respond()
        ret = self.env["service.return"].browse(complaint.action_create_return()["res_id"])
        self.assertEqual(ret.complaint_id, complaint)
        self.assertEqual(ret.line_ids.product_id, self.bearing_z2)
        self.assertEqual(complaint.return_count, 1)

    def test_undelivered_order_cannot_be_returned(self):
        order = self.env["sale.order"].create(
            {"partner_id": self.customer.id, "order_line": [(0, 0, {"product_id": self.bearing.id})]}
        )
        order.action_confirm()
        with self.refused(UserError, "Only a done delivery"):
            order.with_user(self.sales).action_create_service_return()

    def test_corrective_action_from_nonconforming_reinspection(self):
        _order, delivery = self.sell_and_deliver([(self.bearing, 4, None), (self.bearing_z2, 4, None)])
        ret = self.new_return(delivery, settlement="refund")
        ret.with_user(self.manager).action_confirm()
        ret.with_user(self.prod_manager).inspector_ids = self.inspector
        ret.with_user(self.prod_manager).action_start_inspection()
        bad = ret.line_ids.filtered(lambda line: line.product_id == self.bearing)
        bad.with_user(self.inspector).write({"inspection_result": "nonconforming", "defect": "Cage cracked"})
        (ret.line_ids - bad).with_user(self.inspector).write({"inspection_result": "conforming"})
        with self.refused(AccessError, "Inspection Group"):
            ret.with_user(self.sales).action_open_capa_wizard()
        action = ret.with_user(self.inspector).action_open_capa_wizard()
        wizard = (
            self.env["service.return.capa.wizard"]
            .with_user(self.inspector)
            .with_context(**action["context"])
            .create({"department_id": self.dep_production.id, "due_date": "2026-12-31"})
        )
        self.assertEqual(wizard.line_ids, bad)
        self.assertEqual(wizard.user_id, self.prod_manager, "the department manager by default")
        self.assertIn("Cage cracked", wizard.root_cause)
        capa = self.env["service.action"].browse(wizard.action_create()["res_id"])
        self.assertEqual(capa.source_ref, ret)
        self.assertEqual(capa.return_id, ret)
        self.assertEqual(capa.return_line_ids, bad)
        self.assertEqual(capa.department_id, self.dep_production)
        self.assertEqual(capa.partner_id, self.customer)
        self.assertEqual(ret.action_count, 1)
