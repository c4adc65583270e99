# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    service_complaint_ids = fields.One2many("service.complaint", "sale_order_id", "Complaints")
    service_complaint_count = fields.Integer("Complaint Count", compute="_compute_service_complaint_count")

    def _compute_service_complaint_count(self):
        counts = dict(
            self.env["service.complaint"]._read_group(
                [("sale_order_id", "in", self.ids)], ["sale_order_id"], ["__count"]
            )
        )
        for order in self:
            order.service_complaint_count = counts.get(order, 0)

    service_return_ids = fields.One2many("service.return", "sale_order_id", "Return Forms")
    service_return_count = fields.Integer("Return Form Count", compute="_compute_service_return_count")

    def _compute_service_return_count(self):
        counts = dict(
            self.env["service.return"]._read_group([("sale_order_id", "in", self.ids)], ["sale_order_id"], ["__count"])
        )
        for order in self:
            order.service_return_count = counts.get(order, 0)

    def action_view_service_returns(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("customer_service_control.action_service_return")
        action["domain"] = [("sale_order_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def action_create_service_return(self):
        """Open a new Returned Product Handling Form for what this order delivered."""
        self.ensure_one()
        self.env["service.return"].check_access("create")
        deliveries = self.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing" and p.state == "done")
        ret = self.env["service.return"]._create_from_pickings(deliveries, sale_order_id=self.id)
        return ret._action_open_form()

    def action_view_service_complaints(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("customer_service_control.action_service_complaint")
        action["domain"] = [("sale_order_id", "=", self.id)]
        action["context"] = {
            "default_sale_order_id": self.id,
            "default_partner_id": self.partner_id.id,
        }
        return action
