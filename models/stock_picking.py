# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    service_return_id = fields.Many2one(
        "service.return",
        "Return Form",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The Returned Product Handling Form that created this transfer.",
    )
    service_return_count = fields.Integer("Return Forms", compute="_compute_service_return_count")

    def _compute_service_return_count(self):
        counts = dict(
            self.env["service.return.line"]._read_group(
                [("picking_id", "in", self.ids)], ["picking_id"], ["return_id:count_distinct"]
            )
        )
        for picking in self:
            picking.service_return_count = counts.get(picking, 0)

    def _create_backorder_picking(self):
        backorder = super()._create_backorder_picking()
        if self.service_return_id:
            backorder.service_return_id = self.service_return_id
        return backorder

    def _action_done(self):
        res = super()._action_done()
        self.service_return_id._check_pickings_done()
        return res

    def action_create_service_return(self):
        """Open a new Returned Product Handling Form proposing what this delivery shipped."""
        self.ensure_one()
        self.env["service.return"].check_access("create")
        return self.env["service.return"]._create_from_pickings(self)._action_open_form()

    def action_view_service_returns(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("customer_service_control.action_service_return")
        action["domain"] = ["|", ("line_ids.picking_id", "=", self.id), ("stock_picking_ids", "in", self.ids)]
        return action
