# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import is_html_empty

from ..const import GROUP_INSPECTOR, GROUP_MANAGER, GROUP_TECHNICAL, GROUP_USER
from .service_complaint_routing import CAUSES, HANDLINGS

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
}


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
    )
    _sla_pending_states = ("new",)
    _sla_evidence_fields = ("received_at", "deadline", "responded_at")
    _lock_on_transition = True

    state = fields.Selection(
        [
            ("new", "New"),
            ("responded", "Responded"),
            ("in_analysis", "In Analysis"),
            ("resolved", "Resolved"),
            ("closed", "Closed"),
            ("cancelled", "Cancelled"),
        ],
        group_expand="_read_group_expand_states",
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
        "hr.department", "Responsible Department", tracking=True, check_company=True, copy=False
    )
    responsible_user_id = fields.Many2one(
        "res.users", "Responsible", tracking=True, copy=False, domain="[('share', '=', False)]"
    )
    analysis = fields.Html(copy=False)
    # Technical assistance on a misuse (4.2.2.3)
    assistance_requested = fields.Boolean("Technical Assistance Requested", copy=False)
    technician_id = fields.Many2one("res.users", copy=False, tracking=True, domain="[('share', '=', False)]")
    assistance_activity_id = fields.Many2one("mail.activity", readonly=True, copy=False, ondelete="set null")
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

    # ------------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------------
    def _sla_period_hours(self):
        return (self.company_id or self.env.company).service_complaint_response_hours

    def _compute_access_url(self):
        super()._compute_access_url()
        for complaint in self:
            complaint.access_url = f"/my/complaints/{complaint.id}"

    @api.depends("responded_at", "received_at", "company_id")
    def _compute_responded_in_time(self):
        for complaint in self:
            complaint.responded_in_time = complaint._sla_answered_in_time(complaint.responded_at)

    @api.depends("state")
    @api.depends_context("uid")
    def _compute_can_flags(self):
        self._compute_can_transitions(TRANSITIONS)
        self.can_correct_evidence = self._sla_may_correct_evidence()

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
        return True

    def action_start_analysis(self):
        """Classify the cause and route the complaint to its department (4.2.2.2)."""
        self._check_transition(*TRANSITIONS["start_analysis"], self.env._("Routing the complaint"))
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
                    summary=self.env._("Technical assistance for %(complaint)s", complaint=complaint.name),
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
            self.activity_schedule(
                "customer_service_control.mail_act_complaint_analysis",
                user_id=self.responsible_user_id.id,
                summary=self.env._(
                    "Analyse complaint %(complaint)s (%(cause)s)",
                    complaint=self.name,
                    cause=self._selection_label("cause", self.cause),
                ),
            )
