# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..const import GROUP_GM, GROUP_LEADER, GROUP_MANAGER

APPROVER_GROUPS = {
    "general_manager": GROUP_GM,
    "leader": GROUP_LEADER,
    "manager": GROUP_MANAGER,
}

SETTLEMENTS = [
    ("refund", "Refund"),
    ("replacement", "Replacement"),
    ("compensation", "Compensation"),
    ("return_only", "Return Only"),
]


class ServiceReturnType(models.Model):
    """One of the return cases of procedure 4.2.3.1 and what its flow needs."""

    _name = "service.return.type"
    _description = "Return Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
    requires_inspection = fields.Boolean(
        "Re-inspection Required",
        default=True,
        help="The Production Manager has inspectors re-inspect every line before approval (4.2.3.2).",
    )
    requires_nonconformity = fields.Boolean(
        "Nonconformity Must Be Confirmed",
        help="Approval is possible only when the re-inspection found at least one nonconforming line.",
    )
    requires_shipping_error_cause = fields.Boolean(
        "Shipping Error Cause",
        help="The Sales Manager records what was wrong (model, grade, quantity) and why.",
    )
    approver = fields.Selection(
        [
            ("general_manager", "General Manager"),
            ("leader", "Company Leadership"),
            ("manager", "Sales Manager"),
        ],
        "Approved By",
        help="The role whose approval this return case needs before the General Manager's final "
        "approval, which every return has (4.2.3.2).",
    )
    allow_refund = fields.Boolean("Refund", default=True)
    allow_replacement = fields.Boolean("Replacement", default=True)
    allow_compensation = fields.Boolean("Compensation")
    allow_return_only = fields.Boolean("Return Only")

    # ------------------------------------------------------------------
    # Constraints and CRUD
    # ------------------------------------------------------------------
    @api.constrains("allow_refund", "allow_replacement", "allow_compensation", "allow_return_only")
    def _check_one_settlement(self):
        for rtype in self:
            if not rtype._allowed_settlements():
                raise ValidationError(
                    self.env._("The return type %(type)s must allow at least one settlement.", type=rtype.name)
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_editor()
        return super().create(vals_list)

    def write(self, vals):
        self._check_editor()
        return super().write(vals)

    def unlink(self):
        self._check_editor()
        return super().unlink()

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _check_editor(self):
        """The approval chain binds the Sales Manager and the leadership: only the General
        Manager (or the administrator) defines it."""
        if self.env.su or self.env.user.has_group(GROUP_GM) or self.env.user.has_group("base.group_system"):
            return
        raise AccessError(
            self.env._(
                "Return types set who approves a return: only the role “%(role)s” may change them.",
                role=self.env.ref(GROUP_GM).sudo().name,
            )
        )

    def _allowed_settlements(self):
        self.ensure_one()
        return [key for key, _label in SETTLEMENTS if self[f"allow_{key}"]]

    def _approval_steps(self):
        """Group xml ids whose approvals the return needs, in order: the type's approver,
        then always the General Manager's final approval (4.2.3.2)."""
        self.ensure_one()
        steps = [APPROVER_GROUPS[self.approver]] if self.approver and self.approver != "general_manager" else []
        return [*steps, GROUP_GM]
