# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import is_html_empty

from ..const import GROUP_LEADER, GROUP_MANAGER, GROUP_USER
from .service_mixin import recipient_env

CHANNELS = [
    ("visit", "Visit"),
    ("phone", "Phone"),
    ("letter", "Letter"),
    ("fax", "Fax"),
    ("email", "E-mail"),
    ("other", "Other"),
]
# Button name: (states it accepts, roles it needs); the action and its can_* flag use both.
TRANSITIONS = {
    "answer": (("new",), [GROUP_USER]),
    "done": (("answered",), [GROUP_USER]),
    "cancel": (("new", "answered"), [GROUP_USER]),
    "reset_to_new": (("cancelled",), [GROUP_MANAGER]),
    "request_site_inspection": (("new", "answered"), [GROUP_USER]),
}


class ServiceEnquiry(models.Model):
    """A customer's visit, call, letter, fax or e-mail (procedure 4.1.1–4.1.3)."""

    _name = "service.enquiry"
    _description = "Customer Enquiry"
    _inherit = [
        "service.workflow.mixin",
        "service.customer.mixin",
        "service.sla.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "received_at desc, id desc"
    _check_company_auto = True
    _sequence_code = "service.enquiry"
    _draft_states = ("new",)
    _transition_fields = ("state", "is_overdue", "escalated_at")
    _sla_pending_states = ("new",)
    _sla_evidence_fields = ("received_at", "deadline", "reply_at")
    _lock_on_transition = True

    state = fields.Selection(
        [("new", "New"), ("answered", "Answered"), ("done", "Done"), ("cancelled", "Cancelled")],
        group_expand=True,
        default="new",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )
    channel = fields.Selection(CHANNELS, required=True, default="phone", tracking=True)
    subject = fields.Char(required=True, tracking=True)
    request = fields.Html("What the Customer Asked")
    requirement = fields.Html("What the Customer Requires")
    is_important = fields.Boolean(
        "Important",
        tracking=True,
        help="Important information is reported to the company leadership (4.1.3).",
    )
    escalated_at = fields.Datetime(readonly=True, copy=False)
    reply_at = fields.Datetime("Replied At", tracking=True, copy=False)
    reply_channel = fields.Selection(
        [("phone", "Phone"), ("fax", "Fax"), ("letter", "Letter"), ("email", "E-mail"), ("visit", "Visit")],
        tracking=True,
        copy=False,
    )
    reply_note = fields.Html("What Was Answered", copy=False)
    replied_in_time = fields.Boolean(
        compute="_compute_replied_in_time",
        store=True,
        help="Replied within the company's reply period counted from reception.",
    )
    site_inspection_ids = fields.One2many("service.site.inspection", "enquiry_id", "Site Inspections")
    site_inspection_count = fields.Integer(compute="_compute_site_inspection_count")
    # What the user may do (the view shows a button only when its method would accept)
    can_answer = fields.Boolean(compute="_compute_can_flags")
    can_done = fields.Boolean(compute="_compute_can_flags")
    can_cancel = fields.Boolean(compute="_compute_can_flags")
    can_reset_to_new = fields.Boolean(compute="_compute_can_flags")
    can_request_site_inspection = fields.Boolean(compute="_compute_can_flags")
    can_correct_evidence = fields.Boolean(compute="_compute_can_flags")

    # ------------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------------
    def _sla_period_hours(self):
        return 24 * (self.company_id or self.env.company).service_enquiry_reply_days

    @api.depends("reply_at", "received_at", "company_id")
    def _compute_replied_in_time(self):
        for enquiry in self:
            enquiry.replied_in_time = enquiry._sla_answered_in_time(enquiry.reply_at)

    @api.depends("state")
    @api.depends_context("uid")
    def _compute_can_flags(self):
        self._compute_can_transitions(TRANSITIONS)
        self.can_correct_evidence = self._sla_may_correct_evidence()

    def _compute_site_inspection_count(self):
        counts = dict(
            self.env["service.site.inspection"]._read_group(
                [("enquiry_id", "in", self.ids)], ["enquiry_id"], ["__count"]
            )
        )
        for enquiry in self:
            enquiry.site_inspection_count = counts.get(enquiry, 0)

    @api.constrains("reply_at", "received_at")
    def _check_reply_after_reception(self):
        for enquiry in self:
            if enquiry.reply_at and enquiry.reply_at < enquiry.received_at:
                raise ValidationError(
                    self.env._("The reply to %(enquiry)s cannot be before it was received.", enquiry=enquiry.name)
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        enquiries = super().create(vals_list)
        enquiries.filtered("is_important")._escalate()
        return enquiries

    def write(self, vals):
        res = super().write(vals)
        if vals.get("is_important"):
            self._escalate()
        return res

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_answer(self):
        self._check_transition(*TRANSITIONS["answer"], self.env._("Recording the reply"))
        missing = self.filtered(lambda e: not e.reply_channel or is_html_empty(e.reply_note))
        if missing:
            raise UserError(
                self.env._(
                    "Record how %(enquiry)s was answered (channel and what was said) first.",
                    enquiry=missing[0].name,
                )
            )
        now = fields.Datetime.now()
        for enquiry in self:
            enquiry._write_transition({"state": "answered", "reply_at": enquiry.reply_at or now})
        self._sla_clear_overdue()
        return True

    def action_done(self):
        self._check_transition(*TRANSITIONS["done"], self.env._("Filing the enquiry"))
        self._write_transition({"state": "done"})
        return True

    def action_cancel(self):
        self._check_transition(*TRANSITIONS["cancel"], self.env._("Cancelling the enquiry"))
        self._write_transition({"state": "cancelled"})
        self._sla_clear_overdue(self.env._("Cancelled"))
        return True

    def action_reset_to_new(self):
        self._check_transition(*TRANSITIONS["reset_to_new"], self.env._("Reopening the enquiry"))
        self._write_transition({"state": "new"})
        return True

    def action_request_site_inspection(self):
        """Open a site-inspection request of this customer (4.1.2)."""
        self.ensure_one()
        self._check_transition(*TRANSITIONS["request_site_inspection"], self.env._("Requesting a site inspection"))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Site Inspection Request"),
            "res_model": "service.site.inspection",
            "view_mode": "form",
            "context": {
                "default_enquiry_id": self.id,
                "default_partner_id": self.partner_id.id,
                "default_contact_id": self.contact_id.id,
                "default_company_id": self.company_id.id,
            },
        }

    def action_view_site_inspections(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_service_control.action_service_site_inspection"
        )
        action["domain"] = [("enquiry_id", "=", self.id)]
        action["context"] = {"default_enquiry_id": self.id, "default_partner_id": self.partner_id.id}
        return action

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _escalate(self):
        """Report important information to the leadership, once per enquiry."""
        assignments = []
        for enquiry in self.filtered(lambda e: not e.escalated_at):
            leaders = self._users_with_role(GROUP_LEADER, enquiry.company_id)
            enquiry._write_transition({"escalated_at": fields.Datetime.now()})
            enquiry.message_post(
                body=self.env._(
                    "Important information from %(customer)s reported to the company leadership.",
                    customer=enquiry.partner_id.display_name,
                ),
                partner_ids=leaders.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )
            assignments += [
                (
                    enquiry,
                    leader,
                    recipient_env(self.env, leader)._("Important enquiry: %(subject)s", subject=enquiry.subject),
                )
                for leader in leaders
            ]
        self._schedule_activities("customer_service_control.mail_act_service_escalation", assignments)
