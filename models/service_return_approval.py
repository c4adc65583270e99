# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import fields, models


class ServiceReturnApproval(models.Model):
    """Who confirmed, approved or refused a return, and when (printed on the form)."""

    _name = "service.return.approval"
    _description = "Return Approval"
    _order = "id"

    return_id = fields.Many2one("service.return", required=True, ondelete="cascade", index=True)
    kind = fields.Selection(
        [("confirmation", "Confirmation"), ("approval", "Approval"), ("refusal", "Refusal")], required=True
    )
    group_id = fields.Many2one("res.groups", "Role")
    user_id = fields.Many2one("res.users", required=True)
    date = fields.Datetime(default=fields.Datetime.now, required=True)
    note = fields.Text()
