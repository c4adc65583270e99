# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    service_return_id = fields.Many2one(
        "service.return", "Return Form", index="btree_not_null", copy=False, readonly=True
    )
