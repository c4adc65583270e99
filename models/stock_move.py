# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import api, models

# Context key of the return line's move field: the move reads as its delivery and product.
MOVE_LABEL_KEY = "service_return_move_label"


class StockMove(models.Model):
    _inherit = "stock.move"

    @api.depends_context(MOVE_LABEL_KEY)
    def _compute_display_name(self):
        """On a return line, “WH/OUT/00012 · Bearing 6308-ZZ”: the delivery and the product
        a customer recognises, rather than Odoo's origin and locations."""
        if not self.env.context.get(MOVE_LABEL_KEY):
            return super()._compute_display_name()
        for move in self:
            move.display_name = " · ".join(filter(None, [move.picking_id.name, move.product_id.display_name]))
        return None
