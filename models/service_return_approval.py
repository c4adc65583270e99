# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import fields, models


class ServiceReturnApproval(models.Model):
    """The trail of a return form: its confirmation, the approval steps fixed on the form
    when it was confirmed (one per role, signed once) and a refusal.

    Written only by the form's buttons (as superuser); clients read it."""

    _name = "service.return.approval"
    _description = "Return Approval"
    _order = "return_id, sequence, id"

    return_id = fields.Many2one("service.return", required=True, ondelete="cascade", index=True, readonly=True)
    sequence = fields.Integer(readonly=True)
    kind = fields.Selection(
        [("confirmation", "Confirmation"), ("approval", "Approval"), ("refusal", "Refusal")],
        required=True,
        readonly=True,
    )
    group_id = fields.Many2one("res.groups", "Role", readonly=True)
    is_final = fields.Boolean(
        "Final Approval", readonly=True, help="The General Manager's approval that ends every return (4.2.3.2)."
    )
    state = fields.Selection(
        [("pending", "Pending"), ("approved", "Approved"), ("refused", "Refused")],
        default="pending",
        required=True,
        readonly=True,
    )
    user_id = fields.Many2one("res.users", "Signed By", readonly=True)
    date = fields.Datetime("Signed On", readonly=True)
    note = fields.Text(readonly=True)
