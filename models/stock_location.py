# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import models


class StockLocation(models.Model):
    _inherit = "stock.location"

    def _is_outgoing(self):
        """Odoo's test, without its query per call. Odoo finds the inter-company transit
        location with ``env.ref()``, whose existence check queries the database each
        time; sale_stock asks once per move of a sale line when it recomputes the
        delivered quantity, so that each return of a line made every later return of it
        (and its receipt) one query dearer. The xml id lookup is cached; removing the
        location removes its xml id."""
        self.ensure_one()
        if self.usage == "customer":
            return True
        transit_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "stock.stock_location_inter_company", raise_if_not_found=False
        )
        return bool(transit_id) and self._child_of(self.browse(transit_id))
