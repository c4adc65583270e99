# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, is_html_empty

from ..const import ACTION_REMINDER_BATCH_SIZE, GROUP_INSPECTOR, GROUP_MANAGER, GROUP_TECHNICAL, GROUP_USER
from .service_mixin import recipient_env

WORKERS = [GROUP_USER, GROUP_INSPECTOR, GROUP_TECHNICAL]
VERIFIERS = [GROUP_INSPECTOR, GROUP_MANAGER]
# Button name: (states it accepts, roles it needs); the action and its can_* flag use both.
TRANSITIONS = {
    "open": (("draft",), WORKERS + [GROUP_MANAGER]),
    "done": (("open",), WORKERS + [GROUP_MANAGER]),
    "verify": (("done",), VERIFIERS),
    "reopen": (("ineffective",), WORKERS + [GROUP_MANAGER]),
    "cancel": (("draft", "open"), [GROUP_MANAGER, GROUP_INSPECTOR]),
}

_logger = logging.getLogger(__name__)


class ServiceAction(models.Model):
    """A corrective or preventive action and the check of its effectiveness
    (procedure 4.2.3.3 and 4.3.2.2; QS/TSB21401-2002)."""

    _name = "service.action"
    _description = "Corrective / Preventive Action"
    _inherit = ["service.workflow.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "due_date, id desc"
    _check_company_auto = True
    _sequence_code = "service.action"
    _draft_states = ("draft",)
    _transition_fields = ("state", "is_late", "opened_at", "done_at", "verified_by_id", "verified_at")
    _refusal_methods = ("action_verify_ineffective",)
    _lock_on_transition = True

    title = fields.Char(required=True, tracking=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("open", "Open"),
            ("done", "Done"),
            ("verified", "Verified Effective"),
            ("ineffective", "Not Effective"),
            ("cancelled", "Cancelled"),
        ],
        group_expand=True,
        default="draft",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )
    action_type = fields.Selection(
        [("corrective", "Corrective"), ("preventive", "Preventive")],
        "Type",
        required=True,
        default="corrective",
        tracking=True,
    )
    source_ref = fields.Reference(
        selection="_selection_source_ref",
        string="Source",
        help="The complaint, return, visit or review this action comes from.",
    )
    complaint_id = fields.Many2one(
        "service.complaint",
        compute="_compute_source_links",
        store=True,
        index=True,
    )
    return_id = fields.Many2one(
        "service.return", compute="_compute_source_links", store=True, index=True, string="Return Form"
    )
    return_line_ids = fields.Many2many("service.return.line", string="Returned Products")
    partner_id = fields.Many2one("res.partner", "Customer", compute="_compute_source_links", store=True, index=True)
    department_id = fields.Many2one(
        "hr.department", "Responsible Department", tracking=True, check_company=True, index=True
    )
    user_id = fields.Many2one("res.users", "Owner", tracking=True, index=True, domain="[('share', '=', False)]")
    root_cause = fields.Html()
    description = fields.Html("Action")
    due_date = fields.Date(tracking=True, index=True)
    is_late = fields.Boolean(
        "Late",
        readonly=True,
        copy=False,
        index=True,
        help="Set by the daily reminder when the due date passed before completion.",
    )
    opened_at = fields.Datetime(readonly=True, copy=False, index=True)
    done_at = fields.Datetime("Completed At", readonly=True, copy=False)
    completion_note = fields.Html(copy=False)
    verified_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    verified_at = fields.Datetime(readonly=True, copy=False, index="btree_not_null")
    verification_note = fields.Text(copy=False, tracking=True)
    # What the user may do (the view shows a button only when its method would accept)
    can_open = fields.Boolean(compute="_compute_can_flags")
    can_done = fields.Boolean(compute="_compute_can_flags")
    can_verify = fields.Boolean(compute="_compute_can_flags", help="Done, and verified by someone else than its owner.")
    can_reopen = fields.Boolean(compute="_compute_can_flags")
    can_cancel = fields.Boolean(compute="_compute_can_flags")

    @api.model
    def _selection_source_ref(self):
        return [("service.complaint", self.env._("Complaint")), ("service.return", self.env._("Return Form"))]

    @api.depends("source_ref")
    def _compute_source_links(self):
        for action in self:
            source = action.source_ref
            action.complaint_id = source if source and source._name == "service.complaint" else False
            action.return_id = source if source and source._name == "service.return" else False
            action.partner_id = (
                source.partner_id.commercial_partner_id if source and "partner_id" in source._fields else False
            )

    @api.depends("state", "user_id")
    @api.depends_context("uid")
    def _compute_can_flags(self):
        self._compute_can_transitions(TRANSITIONS)
        for action in self.filtered("can_verify"):
            action.can_verify = not action._verified_by_owner()

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    def write(self, vals):
        if "verification_note" in vals and not self._in_transition(["verification_note"]):
            # the note is the verifier's: same check as the Effective / Not Effective buttons
            self._check_transition(*TRANSITIONS["verify"], self.env._("Writing the verification note"))
            self._check_independent_verification()
        return super().write(vals)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_open(self):
        self._check_transition(*TRANSITIONS["open"], self.env._("Opening the action"))
        for action in self:
            if not action.user_id or not action.due_date or is_html_empty(action.description):
                raise UserError(
                    self.env._("Give %(action)s an owner, a due date and the action to take.", action=action.name)
                )
        self._write_transition({"state": "open", "opened_at": fields.Datetime.now()})
        for action in self:
            action.activity_schedule(
                "customer_service_control.mail_act_service_action",
                date_deadline=action.due_date,
                user_id=action.user_id.id,
                summary=action.title,
            )
        return True

    def action_done(self):
        self._check_transition(*TRANSITIONS["done"], self.env._("Completing the action"))
        if self.filtered(lambda a: is_html_empty(a.completion_note)):
            raise UserError(self.env._("Describe what was done before completing the action."))
        self._write_transition({"state": "done", "done_at": fields.Datetime.now(), "is_late": False})
        self.activity_feedback(["customer_service_control.mail_act_service_action"], feedback=self.env._("Done"))
        return True

    def action_verify_effective(self, note=None):
        return self._verify("verified", note)

    def action_verify_ineffective(self, note):
        return self._verify("ineffective", note)

    def _verify(self, result, note):
        self._check_transition(*TRANSITIONS["verify"], self.env._("Verifying the effectiveness of an action"))
        self._check_independent_verification()
        note = (note or "").strip() or (self.verification_note or "").strip()
        if result == "ineffective" and not note:
            raise UserError(self.env._("Say why the action was not effective."))
        self._write_transition(
            {
                "state": result,
                "verified_by_id": self.env.user.id,
                "verified_at": fields.Datetime.now(),
                "verification_note": note or False,
            }
        )
        return True

    def action_open_ineffective_wizard(self):
        self._check_transition(*TRANSITIONS["verify"], self.env._("Verifying the effectiveness of an action"))
        self._check_independent_verification()
        return self.env["service.refuse.wizard"]._open_for(self, "action_verify_ineffective")

    def _verified_by_owner(self):
        self.ensure_one()
        return not self.env.su and self.user_id == self.env.user

    def _check_independent_verification(self):
        """The effectiveness of an action is verified by someone else than its owner."""
        own = self.filtered(lambda action: action._verified_by_owner())
        if own:
            raise AccessError(
                self.env._(
                    "%(action)s is yours: its effectiveness is verified independently, by another member of the "
                    "Inspection Group or another Sales Manager.",
                    action=own[0].name,
                )
            )

    def action_reopen(self):
        self._check_transition(*TRANSITIONS["reopen"], self.env._("Reopening the action"))
        self._write_transition({"state": "open", "done_at": False, "is_late": False})
        return True

    def action_cancel(self):
        self._check_transition(*TRANSITIONS["cancel"], self.env._("Cancelling the action"))
        self._write_transition({"state": "cancelled"})
        self.activity_unlink(["customer_service_control.mail_act_service_action"])
        return True

    # ------------------------------------------------------------------
    # Scheduled action
    # ------------------------------------------------------------------
    @api.model
    def _cron_remind_late(self, batch_size=ACTION_REMINDER_BATCH_SIZE):
        """Flag open actions past their due date and remind, once, the owner (or
        whoever answers for an action without owner, see ``_reminder_user``); one
        batch per call.

        A flagged action leaves the selection, so the next call (or a run restarted
        after an interruption) reminds exactly those that remain. A batch costs the
        same number of queries whatever its size (up to the ORM's insert batch of 100,
        and one follower check per person reminded); the cron runner calls again while
        some remain."""
        domain = self._late_domain()
        late = self.search(domain, limit=batch_size, order="due_date, id")._lock_late()
        late._flag_late()
        self.env["ir.cron"]._notify_progress(done=len(late), remaining=self.search_count(domain))
        return late

    @api.model
    def _late_domain(self):
        return [
            ("state", "=", "open"),
            ("is_late", "=", False),
            ("due_date", "<", fields.Date.context_today(self)),
        ]

    def _lock_late(self):
        """Those of ``self`` still open and not flagged, locked until the end of the
        transaction; an action a user is changing right now (its row locked by the
        transition) is skipped and left to the next run."""
        if not self:
            return self
        self.flush_recordset(["state", "is_late"])
        rows = self.env.execute_query(
            SQL(
                "SELECT id FROM %s WHERE id IN %s AND state = 'open' AND NOT COALESCE(is_late, FALSE) "
                "FOR UPDATE SKIP LOCKED",
                SQL.identifier(self._table),
                tuple(self.ids),
            )
        )
        locked = {row[0] for row in rows}
        return self.filtered(lambda action: action.id in locked)

    def _flag_late(self):
        """Flag, then one reminder activity per action for the person who answers
        for it, in his language; set-based (one INSERT for the batch)."""
        if not self:
            return
        self._write_transition({"is_late": True})
        users = {action: action._reminder_user() for action in self}
        nobody = self.filtered(lambda action: not users[action])
        if nobody:
            _logger.warning(
                "Late corrective actions %s have no owner, department manager or service manager to remind.",
                ", ".join(nobody.mapped("name")),
            )
        activity_type = self.env.ref("customer_service_control.mail_act_service_overdue")
        summaries = {
            user: recipient_env(self.env, user)._("Corrective action overdue") for user in set(users.values()) if user
        }
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            [
                {
                    "activity_type_id": activity_type.id,
                    "res_model_id": model_id,
                    "res_id": action.id,
                    "user_id": users[action].id,
                    "date_deadline": today,
                    "summary": summaries[users[action]],
                    "note": activity_type.default_note,
                    "automated": True,
                }
                for action in self - nobody
            ]
        )

    def _reminder_user(self):
        """Who is reminded of a late action: its owner, else the manager of its
        department, else the company's service manager (never the bot)."""
        self.ensure_one()
        for user in (self.user_id, self.department_id.manager_id.user_id, self.company_id.service_manager_user_id):
            if user and user.active and not user._is_superuser():
                return user
        return self.env["res.users"]
