# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..const import GROUP_USER, GROUP_VP
from .service_mixin import recipient_env

# Button name: (states it accepts, roles it needs); the action and its can_* flag use both.
TRANSITIONS = {
    "approve": (("requested",), [GROUP_VP]),
    "refuse": (("requested",), [GROUP_VP]),
    "done": (("approved",), [GROUP_USER]),
    "cancel": (("requested", "approved"), [GROUP_USER]),
}


class ServiceSiteInspection(models.Model):
    """A customer's request to inspect the plant, approved by the Production VP (4.1.2)."""

    _name = "service.site.inspection"
    _description = "Customer Site Inspection"
    _inherit = ["service.workflow.mixin", "service.customer.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True
    _sequence_code = "service.site.inspection"
    _draft_states = ("requested",)
    _transition_fields = ("state", "decided_by_id", "decided_at", "refusal_reason")
    _refusal_methods = ("action_refuse",)
    _lock_on_transition = True

    state = fields.Selection(
        [
            ("requested", "Requested"),
            ("approved", "Approved"),
            ("refused", "Refused"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        default="requested",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )
    enquiry_id = fields.Many2one("service.enquiry", index=True, check_company=True)
    user_id = fields.Many2one(string="Accompanied By")
    visitors = fields.Text(help="Names and positions of the customer's visitors.")
    purpose = fields.Text(required=True)
    requested_date = fields.Date("Wished Date")
    scheduled_at = fields.Datetime(tracking=True, copy=False)
    decided_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    decided_at = fields.Datetime(readonly=True, copy=False)
    refusal_reason = fields.Text(readonly=True, copy=False, tracking=True)
    outcome = fields.Html("Outcome of the Visit", copy=False)
    # What the user may do (the view shows a button only when its method would accept)
    can_approve = fields.Boolean(compute="_compute_can_flags")
    can_refuse = fields.Boolean(compute="_compute_can_flags")
    can_done = fields.Boolean(compute="_compute_can_flags")
    can_cancel = fields.Boolean(compute="_compute_can_flags")

    @api.depends("state")
    @api.depends_context("uid")
    def _compute_can_flags(self):
        self._compute_can_transitions(TRANSITIONS)

    @api.constrains("scheduled_at", "state")
    def _check_scheduled_after_approval(self):
        for inspection in self:
            if inspection.scheduled_at and inspection.state in ("requested", "refused"):
                raise ValidationError(
                    self.env._(
                        "%(inspection)s can be scheduled only after the Production VP approved it.",
                        inspection=inspection.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        inspections = super().create(vals_list)
        inspections._schedule_activities(
            "customer_service_control.mail_act_site_inspection_approval",
            [
                (
                    inspection,
                    vp,
                    recipient_env(self.env, vp)._(
                        "Approve the site inspection of %(customer)s", customer=inspection.partner_id.name
                    ),
                )
                for inspection in inspections
                for vp in self._users_with_role(GROUP_VP, inspection.company_id)
            ],
        )
        return inspections

    def action_approve(self):
        self._check_transition(*TRANSITIONS["approve"], self.env._("Approving a site inspection"))
        self._write_transition(
            {"state": "approved", "decided_by_id": self.env.user.id, "decided_at": fields.Datetime.now()}
        )
        self.activity_feedback(
            ["customer_service_control.mail_act_site_inspection_approval"], feedback=self.env._("Approved")
        )
        return True

    def action_refuse(self, reason):
        self._check_transition(*TRANSITIONS["refuse"], self.env._("Refusing a site inspection"))
        if not reason or not reason.strip():
            raise UserError(self.env._("Give the reason for refusing the site inspection."))
        self._write_transition(
            {
                "state": "refused",
                "refusal_reason": reason.strip(),
                "decided_by_id": self.env.user.id,
                "decided_at": fields.Datetime.now(),
            }
        )
        self.activity_feedback(["customer_service_control.mail_act_site_inspection_approval"], feedback=reason)
        for inspection in self:
            inspection.message_post(
                body=self.env._("Site inspection refused: %(reason)s", reason=reason),
                partner_ids=inspection.user_id.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_open_refuse_wizard(self):
        self._check_transition(*TRANSITIONS["refuse"], self.env._("Refusing a site inspection"))
        return self.env["service.refuse.wizard"]._open_for(self, "action_refuse")

    def action_done(self):
        self._check_transition(*TRANSITIONS["done"], self.env._("Recording the site inspection as done"))
        if self.filtered(lambda i: not i.scheduled_at):
            raise UserError(self.env._("Set the date of the site inspection before marking it done."))
        self._write_transition({"state": "done"})
        return True

    def action_cancel(self):
        self._check_transition(*TRANSITIONS["cancel"], self.env._("Cancelling a site inspection"))
        self._write_transition({"state": "cancelled"})
        self.activity_unlink(["customer_service_control.mail_act_site_inspection_approval"])
        return True
