# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import api, fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    service_return_id = fields.Many2one(
        "service.return", "Return Form", index="btree_not_null", copy=False, readonly=True
    )

    @api.model_create_multi
    def create(self, vals_list):
        moves = super().create(vals_list)
        moves.filtered("service_return_id")._check_service_return_link()
        return moves

    def write(self, vals):
        if "service_return_id" in vals:
            self._check_service_return_link()
        return super().write(vals)

    def _check_service_return_link(self):
        """Only a return form drafts the credit notes it shows."""
        if self and not self.env.su:
            raise UserError(
                self.env._(
                    "Credit notes are linked to a Returned Product Handling Form only by the form itself, "
                    "when it settles a refund or a compensation."
                )
            )
