# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
import logging

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.tools import is_html_empty

from ..const import GROUP_INSPECTOR, GROUP_MANAGER, GROUP_TECHNICAL, GROUP_USER
from .service_complaint_routing import CAUSES, HANDLINGS
from .service_customer_mail import TEMPLATE_COMPLAINT_RECEIVED, TEMPLATE_COMPLAINT_RESPONDED
from .service_enquiry import CHANNELS
from .service_mixin import recipient_env
from .service_portal import portal_groups_with_token

_logger = logging.getLogger(__name__)

OPEN_STATES = ("new", "responded", "in_analysis")
WORKERS = [GROUP_USER, GROUP_INSPECTOR, GROUP_TECHNICAL]
# Button name: (states it accepts, roles it needs); the action and its can_* flag use both.
TRANSITIONS = {
    "respond": (("new",), [GROUP_USER]),
    "start_analysis": (("responded",), [GROUP_USER]),
    "resolve": (("in_analysis",), WORKERS),
    "close": (("resolved",), [GROUP_USER]),
    "cancel": (OPEN_STATES + ("resolved",), [GROUP_MANAGER]),
    "create_action": (("responded", "in_analysis", "resolved"), WORKERS),
    "create_return": (("responded", "in_analysis", "resolved"), [GROUP_USER]),
    "confirm_contact": (("new",), [GROUP_USER]),
}
# How a complaint reached the company: the enquiry channels and the customer portal.
COMPLAINT_CHANNELS = CHANNELS + [("portal", "Customer Portal")]
# E-mails that answer automatically (RFC 3834 and the usual vendor headers) never open a complaint.
AUTO_REPLY_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress")
AUTO_REPLY_PRECEDENCE = ("auto_reply", "bulk", "junk", "list")


class ServiceComplaint(models.Model):
    """A complaint or quality feedback and its handling (procedure 4.2.1–4.2.2)."""

    _name = "service.complaint"
    _description = "Customer Complaint"
    _inherit = [
        "service.workflow.mixin",
        "service.customer.mixin",
        "service.sla.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "portal.mixin",
    ]
    _order = "received_at desc, id desc"
    _check_company_auto = True
    _sequence_code = "service.complaint"
    _draft_states = ("new",)
    _transition_fields = (
        "state",
        "is_overdue",
        "routing_id",
        "handling",
        "responded_by_id",
        "resolved_at",
        "closed_at",
        "assistance_activity_id",
        "contact_to_confirm",
        "sender_id",
        "email_from",
    )
    _sla_pending_states = ("new",)
    _sla_evidence_fields = ("received_at", "deadline", "responded_at")
    _lock_on_transition = True
    _primary_email = "email_from"

    state = fields.Selection(
        [
            ("new", "New"),
            ("responded", "Responded"),
            ("in_analysis", "In Analysis"),
            ("resolved", "Resolved"),
            ("closed", "Closed"),
            ("cancelled", "Cancelled"),
        ],
        group_expand=True,
        default="new",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )
    source = fields.Selection(
        [
            ("complaint", "Complaint"),
            ("feedback", "Quality Feedback"),
            ("visit", "Customer Visit"),
            ("return", "Return Investigation"),
        ],
        required=True,
        default="complaint",
        tracking=True,
    )
    channel = fields.Selection(
        COMPLAINT_CHANNELS,
        "Received Through",
        default="phone",
        tracking=True,
        help="How the complaint reached the company; “Customer Portal” when the customer filed it under My Account.",
    )
    # What is concerned
    sale_order_id = fields.Many2one(
        "sale.order",
        index=True,
        check_company=True,
        domain="[('partner_id.commercial_partner_id', '=', commercial_partner_id), ('state', '=', 'sale')]",
    )
    picking_id = fields.Many2one(
        "stock.picking",
        "Delivery",
        check_company=True,
        index="btree_not_null",
        domain="[('picking_type_code', '=', 'outgoing'), ('state', '=', 'done'), "
        "('partner_id.commercial_partner_id', '=', commercial_partner_id)]",
    )
    product_ids = fields.Many2many("product.product", string="Products")
    lot_ids = fields.Many2many("stock.lot", string="Lots/Serial Numbers", domain="[('product_id', 'in', product_ids)]")
    description = fields.Html(required=True)
    # First response (4.2.2.1)
    response_type = fields.Selection(
        [("person", "Person Sent"), ("letter", "Letter"), ("call", "Phone Call")],
        "First Response",
        tracking=True,
        copy=False,
    )
    responded_at = fields.Datetime(tracking=True, copy=False)
    responded_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    response_note = fields.Html("Findings of the First Response", copy=False)
    responded_in_time = fields.Boolean(
        compute="_compute_responded_in_time",
        store=True,
        help="First response within the company's period counted from reception.",
    )
    # Analysis and routing (4.2.2.2–4.2.2.4)
    cause = fields.Selection(CAUSES, tracking=True, copy=False)
    routing_id = fields.Many2one("service.complaint.routing", readonly=True, copy=False)
    routing_note = fields.Text(related="routing_id.note", string="Routing Note")
    handling = fields.Selection(HANDLINGS, readonly=True, copy=False, tracking=True)
    department_id = fields.Many2one(
        "hr.department", "Responsible Department", tracking=True, check_company=True, copy=False, index=True
    )
    responsible_user_id = fields.Many2one(
        "res.users", "Responsible", tracking=True, copy=False, index=True, domain="[('share', '=', False)]"
    )
    analysis = fields.Html(copy=False)
    # Technical assistance on a misuse (4.2.2.3)
    assistance_requested = fields.Boolean("Technical Assistance Requested", copy=False)
    technician_id = fields.Many2one(
        "res.users", copy=False, tracking=True, index="btree_not_null", domain="[('share', '=', False)]"
    )
    # Indexed: each deletion of any activity looks up the complaints that point to it.
    assistance_activity_id = fields.Many2one(
        "mail.activity", readonly=True, copy=False, ondelete="set null", index="btree_not_null"
    )
    assistance_date = fields.Date(copy=False)
    assistance_outcome = fields.Html(copy=False)
    # Resolution and closing
    resolution = fields.Html(copy=False)
    resolved_at = fields.Datetime(readonly=True, copy=False)
    customer_acceptance = fields.Text("Customer's Acceptance", copy=False)
    closed_at = fields.Datetime(readonly=True, copy=False)
    resolution_days = fields.Float(
        "Days to Resolve",
        compute="_compute_resolution_days",
        store=True,
        aggregator="avg",
        help="From reception to resolution, in days.",
    )
    return_ids = fields.One2many("service.return", "complaint_id", "Return Forms")
    return_count = fields.Integer(compute="_compute_return_count")
    action_ids = fields.One2many("service.action", "complaint_id", "Corrective Actions")
    action_count = fields.Integer(compute="_compute_action_count")
    # What the user may do (the view shows a button only when its method would accept)
    can_respond = fields.Boolean(compute="_compute_can_flags")
    can_start_analysis = fields.Boolean(compute="_compute_can_flags")
    can_resolve = fields.Boolean(compute="_compute_can_flags")
    can_close = fields.Boolean(compute="_compute_can_flags")
    can_cancel = fields.Boolean(compute="_compute_can_flags")
    can_create_action = fields.Boolean(compute="_compute_can_flags")
    can_create_return = fields.Boolean(compute="_compute_can_flags")
    can_correct_evidence = fields.Boolean(compute="_compute_can_flags")
    # Received by e-mail (the company's complaints alias)
    email_from = fields.Char("Sender's E-mail", readonly=True, copy=False)
    sender_id = fields.Many2one("res.partner", readonly=True, copy=False, index="btree_not_null")
    contact_to_confirm = fields.Boolean(
        readonly=True,
        copy=False,
        tracking=True,
        help="The e-mail came from an unknown address: a contact was created for it, and the handler "
        "confirms it (or attaches it to the right customer) before responding.",
    )
    can_confirm_contact = fields.Boolean(compute="_compute_can_flags")

    # ------------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------------
    def _sla_period_hours(self):
        return (self.company_id or self.env.company).service_complaint_response_hours

    def _notify_get_recipients_groups(self, message, model_description, msg_vals=None):
        groups = super()._notify_get_recipients_groups(message, model_description, msg_vals=msg_vals)
        return portal_groups_with_token(self, groups, msg_vals)

    def _compute_access_url(self):
        for complaint in self:
            complaint.access_url = f"/my/complaints/{complaint.id}"

    @api.depends("responded_at", "received_at", "company_id")
    def _compute_responded_in_time(self):
        for complaint in self:
            complaint.responded_in_time = complaint._sla_answered_in_time(complaint.responded_at)

    @api.depends("state", "contact_to_confirm")
    @api.depends_context("uid")
    def _compute_can_flags(self):
        self._compute_can_transitions(TRANSITIONS)
        self.can_correct_evidence = self._sla_may_correct_evidence()
        for complaint in self.filtered("contact_to_confirm"):
            complaint.can_respond = complaint.can_start_analysis = False
        for complaint in self.filtered(lambda c: not c.contact_to_confirm):
            complaint.can_confirm_contact = False

    @api.depends("received_at", "resolved_at")
    def _compute_resolution_days(self):
        for complaint in self:
            if complaint.received_at and complaint.resolved_at:
                complaint.resolution_days = (complaint.resolved_at - complaint.received_at).total_seconds() / 86400
            else:
                complaint.resolution_days = 0.0

    def _compute_action_count(self):
        counts = dict(
            self.env["service.action"]._read_group([("complaint_id", "in", self.ids)], ["complaint_id"], ["__count"])
        )
        for complaint in self:
            complaint.action_count = counts.get(complaint, 0)

    def _compute_return_count(self):
        counts = dict(
            self.env["service.return"]._read_group([("complaint_id", "in", self.ids)], ["complaint_id"], ["__count"])
        )
        for complaint in self:
            complaint.return_count = counts.get(complaint, 0)

    @api.constrains("responded_at", "received_at")
    def _check_response_after_reception(self):
        for complaint in self:
            if complaint.responded_at and complaint.responded_at < complaint.received_at:
                raise ValidationError(
                    self.env._(
                        "The first response to %(complaint)s cannot be before the complaint was received.",
                        complaint=complaint.name,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        complaints = super().create(vals_list)
        complaints._schedule_assistance()
        complaints._send_received_email()
        return complaints

    def write(self, vals):
        if not {"assistance_requested", "technician_id"}.intersection(vals):
            return super().write(vals)
        before = {complaint: (complaint.assistance_requested, complaint.technician_id) for complaint in self}
        res = super().write(vals)
        self.filtered(lambda c: before[c] != (c.assistance_requested, c.technician_id))._schedule_assistance()
        return res

    @api.onchange("sale_order_id")
    def _onchange_sale_order_id(self):
        order = self.sale_order_id
        if order:
            self.partner_id = self.partner_id or order.partner_id
            deliveries = order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing" and p.state == "done")
            if len(deliveries) == 1:
                self.picking_id = deliveries
            self.product_ids = order.order_line.product_id.filtered(lambda p: p.type == "consu")

    @api.onchange("picking_id")
    def _onchange_picking_id(self):
        if self.picking_id:
            self.product_ids |= self.picking_id.move_ids.product_id
            self.lot_ids |= self.picking_id.move_line_ids.lot_id

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_respond(self):
        """Record the first response: a person sent or a letter (4.2.2.1)."""
        self._check_transition(*TRANSITIONS["respond"], self.env._("Recording the first response"))
        self._check_contact_confirmed(self.env._("Recording the first response"))
        if self.filtered(lambda c: not c.response_type):
            raise UserError(self.env._("Say how the customer was answered: a person sent, a letter or a call."))
        for complaint in self:
            complaint._write_transition(
                {
                    "state": "responded",
                    "responded_at": complaint.responded_at or fields.Datetime.now(),
                    "responded_by_id": complaint.responded_by_id.id or self.env.user.id,
                }
            )
        self._sla_clear_overdue()
        self._send_customer_email(TEMPLATE_COMPLAINT_RESPONDED)
        return True

    def action_start_analysis(self):
        """Classify the cause and route the complaint to its department (4.2.2.2)."""
        self._check_transition(*TRANSITIONS["start_analysis"], self.env._("Routing the complaint"))
        self._check_contact_confirmed(self.env._("Routing the complaint"))
        if self.filtered(lambda c: not c.cause):
            raise UserError(self.env._("Classify the cause of the complaint before routing it."))
        routings = self.env["service.complaint.routing"].search(
            [("company_id", "in", self.company_id.ids), ("cause", "in", self.mapped("cause"))]
        )
        routing_of = {(r.company_id, r.cause): r for r in routings}
        for complaint in self:
            routing = routing_of.get((complaint.company_id, complaint.cause))
            vals = {"state": "in_analysis", "routing_id": routing.id if routing else False}
            vals["handling"] = routing.handling if routing else "department"
            if routing and not complaint.department_id:
                vals["department_id"] = routing.department_id.id
            if routing and not complaint.responsible_user_id:
                vals["responsible_user_id"] = routing._responsible_user().id
            complaint._write_transition(vals)
            complaint._notify_responsible()
        return True

    def action_resolve(self):
        self._check_transition(*TRANSITIONS["resolve"], self.env._("Resolving the complaint"))
        for complaint in self:
            if is_html_empty(complaint.analysis):
                raise UserError(
                    self.env._("Write the analysis of %(complaint)s before resolving it.", complaint=complaint.name)
                )
            if is_html_empty(complaint.resolution):
                raise UserError(
                    self.env._("Write the resolution of %(complaint)s before resolving it.", complaint=complaint.name)
                )
            if complaint.assistance_requested and not complaint.technician_id:
                raise UserError(self.env._("Name the technician sent to assist the customer."))
        self._write_transition({"state": "resolved", "resolved_at": fields.Datetime.now()})
        self.activity_feedback(
            ["customer_service_control.mail_act_complaint_analysis"], feedback=self.env._("Resolved")
        )
        return True

    def action_close(self):
        self._check_transition(*TRANSITIONS["close"], self.env._("Closing the complaint"))
        if self.filtered(lambda c: not (c.customer_acceptance or "").strip()):
            raise UserError(self.env._("Record the customer's acceptance of the resolution before closing."))
        self._write_transition({"state": "closed", "closed_at": fields.Datetime.now()})
        return True

    def action_cancel(self):
        self._check_transition(*TRANSITIONS["cancel"], self.env._("Cancelling the complaint"))
        self._write_transition({"state": "cancelled"})
        self._sla_clear_overdue(self.env._("Cancelled"))
        self.activity_unlink(["customer_service_control.mail_act_complaint_analysis"])
        return True

    def action_create_action(self):
        """Open a new corrective action prefilled from this complaint."""
        self.ensure_one()
        self._check_transition(*TRANSITIONS["create_action"], self.env._("Creating a corrective action"))
        action = self.env["service.action"].create(self._prepare_action_vals())
        return {
            "type": "ir.actions.act_window",
            "res_model": "service.action",
            "res_id": action.id,
            "view_mode": "form",
        }

    def action_create_return(self):
        """Open a Returned Product Handling Form for the goods this complaint concerns."""
        self.ensure_one()
        self._check_transition(*TRANSITIONS["create_return"], self.env._("Creating a return form"))
        deliveries = self.picking_id or self.sale_order_id.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state == "done"
        )
        if not deliveries:
            raise UserError(self.env._("Set the sale order or the delivery the returned goods came with."))
        ret = self.env["service.return"]._create_from_pickings(
            deliveries,
            complaint_id=self.id,
            sale_order_id=self.sale_order_id.id or deliveries.sale_id[:1].id,
            reason=self.description,
        )
        if self.product_ids:
            ret.line_ids.filtered(lambda line: line.product_id not in self.product_ids).unlink()
        if self.lot_ids:
            ret.line_ids.filtered(lambda line: line.lot_id and line.lot_id not in self.lot_ids).unlink()
        return ret._action_open_form()

    def action_view_returns(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("customer_service_control.action_service_return")
        action["domain"] = [("complaint_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def action_view_actions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("customer_service_control.action_service_action")
        action["domain"] = [("complaint_id", "=", self.id)]
        action["context"] = {"default_source_ref": f"{self._name},{self.id}"}
        return action

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _prepare_action_vals(self):
        self.ensure_one()
        return {
            "action_type": "corrective",
            "source_ref": f"{self._name},{self.id}",
            "company_id": self.company_id.id,
            "department_id": self.department_id.id,
            "user_id": (self.responsible_user_id or self.env.user).id,
            "root_cause": self.analysis,
            "title": self.env._("Corrective action for %(complaint)s", complaint=self.name),
        }

    def _schedule_assistance(self):
        """The technician named for technical assistance (4.2.2.3) gets one activity;
        naming another technician moves it, withdrawing the request removes it."""
        for complaint in self:
            activity = complaint.assistance_activity_id
            technician = complaint.technician_id if complaint.assistance_requested else self.env["res.users"]
            if activity.user_id == technician:
                continue
            activity.sudo().unlink()
            if technician:
                activity = complaint.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=complaint.assistance_date or fields.Date.context_today(complaint),
                    user_id=technician.id,
                    summary=recipient_env(self.env, technician)._(
                        "Technical assistance for %(complaint)s", complaint=complaint.name
                    ),
                )
            complaint._write_transition({"assistance_activity_id": activity.id if technician else False})

    def _notify_responsible(self):
        self.ensure_one()
        if self.handling == "delivery_procedure":
            self.message_post(
                body=self.env._(
                    "Transport damage: handled under the handling, storage, packaging and delivery control procedure."
                ),
                subtype_xmlid="mail.mt_note",
            )
        if self.responsible_user_id:
            in_lang = self.with_env(recipient_env(self.env, self.responsible_user_id))
            self.activity_schedule(
                "customer_service_control.mail_act_complaint_analysis",
                user_id=self.responsible_user_id.id,
                summary=in_lang.env._(
                    "Analyse complaint %(complaint)s (%(cause)s)",
                    complaint=self.name,
                    cause=in_lang._selection_label("cause", self.cause),
                ),
            )

    # ------------------------------------------------------------------
    # Complaints by e-mail (the company's complaints alias) and customer e-mails
    # ------------------------------------------------------------------
    def action_confirm_contact(self):
        """Confirm the contact the mail gateway created for an unknown sender: it stays
        the complaint's contact, attached to the customer chosen in the form when the
        handler chose another one."""
        self._check_transition(*TRANSITIONS["confirm_contact"], self.env._("Confirming the sender"))
        confirmed = self.filtered(lambda c: not c.contact_to_confirm)
        if confirmed:
            raise UserError(
                self.env._(
                    "Confirming the sender is not possible for %(complaint)s: its sender is already confirmed.",
                    complaint=confirmed[0].name,
                )
            )
        for complaint in self:
            customer = complaint.partner_id.commercial_partner_id
            contact = complaint.contact_id or complaint.sender_id
            if contact.commercial_partner_id != customer:
                if contact != complaint.sender_id or contact.parent_id or contact.is_company or contact.user_ids:
                    raise UserError(
                        self.env._(
                            "%(contact)s is a contact of %(other)s, not of %(customer)s: choose a contact "
                            "of %(customer)s or leave it empty to attach the sender to it.",
                            contact=contact.display_name,
                            other=contact.commercial_partner_id.display_name,
                            customer=customer.display_name,
                        )
                    )
                # The handler's role was checked; the new contact joins the customer's contacts.
                contact.sudo().parent_id = customer
            complaint.contact_id = contact
            complaint._write_transition({"contact_to_confirm": False})
            complaint.message_post(
                body=self.env._(
                    "Sender confirmed: %(contact)s of %(customer)s.",
                    contact=contact.display_name,
                    customer=customer.display_name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A complaint from an e-mail to a complaints alias: for the customer whose
        contact wrote, or from a new contact the handler confirms. Received now (the
        Date header is only the sender's word), handled by the customer's salesperson."""
        values = self._mail_safe_values(custom_values)
        company = self.env["res.company"].browse(values.get("company_id")).exists() or self.env.company
        email_from = msg_dict.get("email_from") or ""
        sender = self._mail_find_sender(email_from, company)
        # A contact the gateway created stays unknown until a handler confirmed it.
        to_confirm = not sender or bool(
            self.search_count([("sender_id", "=", sender.id), ("contact_to_confirm", "=", True)], limit=1)
        )
        if not sender:
            sender = self._mail_create_sender(email_from)
        # The incoming message is then posted by the gateway as written by the sender.
        msg_dict["author_id"] = sender.id
        customer = sender.commercial_partner_id
        salesperson = customer.user_id
        if salesperson.share or company not in salesperson.company_ids:
            salesperson = self.env["res.users"]
        values.setdefault("user_id", (salesperson or company.service_manager_user_id).id)
        values.update(
            {
                "name": self.env._("New"),
                "company_id": company.id,
                "partner_id": customer.id,
                "contact_id": sender.id,
                "sender_id": sender.id,
                "email_from": email_from,
                "contact_to_confirm": to_confirm,
                "channel": "email",
                "received_at": fields.Datetime.now(),
                "description": self._mail_description(msg_dict),
            }
        )
        return super().message_new(msg_dict, custom_values=values)

    def message_update(self, msg_dict, update_vals=None):
        """A reply lands in the chatter; nothing of the complaint changes by e-mail."""
        if update_vals:
            _logger.info("Values of an e-mail to %s ignored: %s", self, sorted(update_vals))
        return super().message_update(msg_dict, update_vals=None)

    @api.model
    def _routing_check_route(self, message, message_dict, route, raise_exception=True):
        """An auto-reply, or an e-mail from the company itself (its users, Odoo's own
        addresses), never opens a complaint: that is how loops start."""
        route = super()._routing_check_route(message, message_dict, route, raise_exception=raise_exception)
        if route and not route[1]:
            reason = self._mail_ignore_reason(message, message_dict)
            if reason:
                _logger.info(
                    "No complaint created from the mail from %s with Message-Id %s: %s",
                    message_dict.get("email_from"),
                    message_dict.get("message_id"),
                    reason,
                )
                return ()
        return route

    def _check_contact_confirmed(self, action):
        unconfirmed = self.filtered("contact_to_confirm")
        if unconfirmed:
            raise UserError(
                self.env._(
                    "%(action)s is not possible for %(complaint)s yet: it came from an unknown e-mail address. "
                    "Confirm the sender (or attach it to the right customer) first.",
                    action=action,
                    complaint=unconfirmed[0].name,
                )
            )

    def _send_received_email(self):
        """Acknowledge the complaints filed by e-mail or in the portal, and every new one
        when the company asks for it."""
        self.filtered(
            lambda c: c.channel in ("email", "portal") or c.company_id.service_complaint_acknowledge_all
        )._send_customer_email(TEMPLATE_COMPLAINT_RECEIVED)

    @api.model
    def _mail_safe_values(self, values):
        """What an alias's defaults (or a caller of the gateway) may set on a new
        complaint: no transition field, no evidence of the response time, no reference,
        channel or access token."""
        protected = {
            *self._transition_fields,
            *self._sla_evidence_fields,
            "name",
            "channel",
            "access_token",
            "access_url",
        }
        values = dict(values or {})
        ignored = sorted(key for key in values if key in protected or key not in self._fields)
        if ignored:
            _logger.warning("Values of an e-mail or of its alias ignored on a new complaint: %s", ignored)
        return {key: value for key, value in values.items() if key not in ignored}

    @api.model
    def _mail_find_sender(self, email_from, company):
        """The customer's contact (not an employee) writing from ``email_from`` in ``company``."""
        email = tools.email_normalize(email_from)
        if not email:
            return self.env["res.partner"]
        partners = self.env["res.partner"].search(
            [("email_normalized", "=", email), ("company_id", "in", [False, company.id])], order="id"
        )
        partners = partners.filtered(lambda p: not p.user_ids.filtered(lambda user: not user.share))
        return partners.sorted(lambda p: (not p.parent_id, p.id))[:1]

    @api.model
    def _mail_create_sender(self, email_from):
        name, email = tools.parse_contact_from_email(email_from)
        return self.env["res.partner"].create(
            {"name": name or email or self.env._("Unknown sender"), "email": email or False}
        )

    @api.model
    def _mail_description(self, msg_dict):
        subject = msg_dict.get("subject") or ""
        body = msg_dict.get("body") or ""
        heading = Markup("<p><strong>%s</strong></p>") % subject if subject else Markup()
        description = heading + Markup(body)  # the HTML field sanitizes it
        return description if not is_html_empty(description) else self.env._("(empty e-mail)")

    @api.model
    def _mail_ignore_reason(self, message, message_dict):
        """Why an incoming e-mail must not open a complaint, or ``False``."""
        auto_submitted = (message.get("Auto-Submitted") or "no").strip().lower()
        precedence = (message.get("Precedence") or "").strip().lower()
        if (
            auto_submitted != "no"
            or precedence in AUTO_REPLY_PRECEDENCE
            or any(message.get(header) for header in AUTO_REPLY_HEADERS)
        ):
            return "automatic reply"
        email = tools.email_normalize(message_dict.get("email_from") or "")
        if not email:
            return False
        domains = self.env["mail.alias.domain"].sudo().search([])  # pylint: disable=no-search-all
        own = {
            *domains.mapped("catchall_email"),
            *domains.mapped("bounce_email"),
            *domains.mapped("default_from_email"),
        }
        if email in own or self.env["mail.alias"].sudo().search_count([("alias_full_name", "=", email)], limit=1):
            return "sent by an address of Odoo"
        users = self.env["res.users"].sudo().with_context(active_test=False)
        if users.search_count([("partner_id.email_normalized", "=", email), ("share", "=", False)], limit=1):
            return "sent by a user of the company"
        return False
