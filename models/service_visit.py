# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
import textwrap

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, is_html_empty, plaintext2html

from ..const import GROUP_INSPECTOR, GROUP_MANAGER, GROUP_TECHNICAL, GROUP_USER, VISIT_PLANNING_BATCH_SIZE
from .service_mixin import recipient_env

# The departments that rectify or answer a finding; the Sales Department is the user role.
FINDING_ROLES = [GROUP_INSPECTOR, GROUP_TECHNICAL, GROUP_USER]

ACT_PLAN = "customer_service_control.mail_act_visit_plan"
ACT_FINDING = "customer_service_control.mail_act_visit_finding"

# Key customers are visited once a year (4.2.4).
VISIT_PERIOD_MONTHS = 12
# A visit planned by the scheduled action takes place this many days later.
PLANNING_LEAD_DAYS = 30
# A finding fed back without a due date is due this many days later.
FINDING_DUE_DAYS = 30

REPORTED_STATES = ("done", "fed_back", "closed")
# Context key of the visits the planner creates (their salespeople follow through their activity).
PLANNER_CONTEXT = "service_visit_planner"
TOPICS = [
    ("quality", "Quality"),
    ("delivery", "Delivery Time"),
    ("after_sale", "After-sale Service"),
    ("other", "Other"),
]


class ServiceVisit(models.Model):
    """A key-customer visit and its Customer Visit Report (走访用户报告单, procedure 4.2.4)."""

    _name = "service.visit"
    _description = "Customer Visit"
    _inherit = [
        "service.workflow.mixin",
        "service.customer.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "planned_date desc, id desc"
    _check_company_auto = True
    _sequence_code = "service.visit"
    _draft_states = ("planned",)
    # Findings are handled under the lock of their visit (see ServiceVisitFinding._handle).
    _lock_on_transition = True
    _transition_fields = ("state", "fed_back_at", "fed_back_by_id", "closed_at")
    # The departments (read access) discuss their findings in the visit's chatter.
    _mail_post_access = "read"

    state = fields.Selection(
        [
            ("planned", "Planned"),
            ("done", "Done"),
            ("fed_back", "Fed Back"),
            ("closed", "Closed"),
            ("cancelled", "Cancelled"),
        ],
        group_expand=True,
        default="planned",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )
    # The visit
    user_id = fields.Many2one(string="Salesperson")
    is_key_customer = fields.Boolean(related="commercial_partner_id.is_key_customer", string="Key Customer")
    visitor_ids = fields.Many2many(
        "res.users",
        "service_visit_visitor_rel",
        "visit_id",
        "user_id",
        string="Our Visitors",
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    planned_date = fields.Date(required=True, index=True, tracking=True, default=fields.Date.context_today)
    done_date = fields.Date(
        "Visit Date", tracking=True, copy=False, index="btree_not_null", help="The day the visit took place."
    )
    contact_ids = fields.Many2many(
        "res.partner",
        "service_visit_contact_rel",
        "visit_id",
        "partner_id",
        string="Contacts Met",
        check_company=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id), ('id', '!=', commercial_partner_id)]",
    )
    # The report
    summary = fields.Html("Report Summary", copy=False)
    finding_ids = fields.One2many("service.visit.finding", "visit_id", "Findings", copy=False)
    finding_count = fields.Integer(compute="_compute_finding_counts")
    open_finding_count = fields.Integer("Open Findings", compute="_compute_finding_counts")
    complaint_count = fields.Integer(compute="_compute_finding_counts")
    action_count = fields.Integer("Corrective Action Count", compute="_compute_action_count")
    # Feedback and closing
    fed_back_at = fields.Datetime(readonly=True, copy=False)
    fed_back_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    closed_at = fields.Datetime(readonly=True, copy=False)
    # What the buttons offer to the current user
    can_done = fields.Boolean(compute="_compute_can")
    can_feed_back = fields.Boolean(compute="_compute_can")
    can_close = fields.Boolean(compute="_compute_can")
    can_cancel = fields.Boolean(compute="_compute_can")
    calendar_name = fields.Char("Calendar Title", compute="_compute_calendar_name")

    # ------------------------------------------------------------------
    # Computes and onchanges
    # ------------------------------------------------------------------
    @api.depends("name", "partner_id.commercial_partner_id.name")
    def _compute_calendar_name(self):
        """The calendar entry names the customer visited, then the visit."""
        for visit in self:
            visit.calendar_name = " · ".join(filter(None, [visit.partner_id.commercial_partner_id.name, visit.name]))

    @api.depends("state", "finding_ids.state")
    @api.depends_context("uid")
    def _compute_can(self):
        is_user = self.env.user.has_group(GROUP_USER)
        is_manager = self.env.user.has_group(GROUP_MANAGER)
        for visit in self:
            visit.can_done = is_user and visit.state == "planned"
            visit.can_feed_back = is_user and visit.state == "done"
            visit.can_close = (
                is_manager
                and visit.state == "fed_back"
                and not visit.finding_ids.filtered(lambda finding: finding.state == "open")
            )
            visit.can_cancel = is_user and visit.state in ("planned", "done")

    @api.depends("finding_ids.state", "finding_ids.complaint_id")
    def _compute_finding_counts(self):
        for visit in self:
            findings = visit.finding_ids
            visit.finding_count = len(findings)
            visit.open_finding_count = len(findings.filtered(lambda f: f.state == "open"))
            visit.complaint_count = len(findings.complaint_id)

    def _compute_action_count(self):
        counts = dict(self.env["service.action"]._read_group([("visit_id", "in", self.ids)], ["visit_id"], ["__count"]))
        for visit in self:
            visit.action_count = counts.get(visit, 0)

    def _message_auto_subscribe_followers(self, updated_values, default_subtype_ids):
        """The planner subscribes each salesperson once per batch, through the activity
        it gives him (``mail.activity`` subscribes its users per model and user), not
        once per visit created."""
        if self.env.context.get(PLANNER_CONTEXT):
            return []
        return super()._message_auto_subscribe_followers(updated_values, default_subtype_ids)

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        res = super()._onchange_partner_id()
        entity = self.partner_id.commercial_partner_id
        self.contact_ids = self.contact_ids.filtered(lambda contact: contact.commercial_partner_id == entity)
        if entity.user_id:
            self.user_id = entity.user_id
        return res

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_done(self):
        """Record the Customer Visit Report: the visit took place."""
        self._check_transition(("planned",), [GROUP_USER], self.env._("Recording the visit report"))
        today = fields.Date.context_today(self)
        for visit in self:
            if not visit.finding_ids and is_html_empty(visit.summary):
                raise UserError(
                    self.env._(
                        "Record what the customer said during %(visit)s, as findings or as a summary, "
                        "before marking it done.",
                        visit=visit.display_name,
                    )
                )
            if visit.done_date and visit.done_date > today:
                raise UserError(
                    self.env._("The visit date of %(visit)s cannot be in the future.", visit=visit.display_name)
                )
        for visit in self:
            vals = {"state": "done", "done_date": visit.done_date or today}
            if not visit.visitor_ids and visit.user_id:
                vals["visitor_ids"] = [Command.link(visit.user_id.id)]
            visit._write_transition(vals)
        self.activity_feedback([ACT_PLAN], feedback=self.env._("Visit report recorded"))
        return True

    def action_feed_back(self):
        """The sales office feeds every finding back to its department for rectification."""
        self._check_transition(("done",), [GROUP_USER], self.env._("Feeding the findings back to the departments"))
        findings = self.finding_ids
        undispatched = findings.filtered(lambda f: not f.department_id)
        if undispatched:
            raise UserError(
                self.env._(
                    "Choose the responsible department of every finding before feeding back: %(findings)s.",
                    findings=", ".join(undispatched.mapped("display_name")),
                )
            )
        managers = {department: department.sudo().manager_id.user_id for department in findings.department_id}
        unmanaged = [department for department, user in managers.items() if not user]
        if unmanaged:
            raise UserError(
                self.env._(
                    "%(departments)s has no manager with a user account to receive the findings; "
                    "set one under Employees › Departments.",
                    departments=", ".join(department.display_name for department in unmanaged),
                )
            )
        today = fields.Date.context_today(self)
        findings.filtered(lambda f: not f.due_date).write({"due_date": today + relativedelta(days=FINDING_DUE_DAYS)})
        findings._schedule_department_activities(managers)
        self._write_transition(
            {"state": "fed_back", "fed_back_at": fields.Datetime.now(), "fed_back_by_id": self.env.uid}
        )
        return True

    def action_close(self):
        """Every finding was rectified or answered: the Sales Manager closes the report."""
        self._check_transition(("fed_back",), [GROUP_MANAGER], self.env._("Closing the visit report"))
        for visit in self:
            still_open = visit.finding_ids.filtered(lambda f: f.state == "open")
            if still_open:
                raise UserError(
                    self.env._(
                        "%(visit)s cannot be closed: %(count)s finding(s) are neither rectified nor answered "
                        "(%(findings)s).",
                        visit=visit.display_name,
                        count=len(still_open),
                        findings=", ".join(still_open.mapped("display_name")),
                    )
                )
        self._write_transition({"state": "closed", "closed_at": fields.Datetime.now()})
        return True

    def action_cancel(self):
        self._check_transition(("planned", "done"), [GROUP_USER], self.env._("Cancelling the visit"))
        self._write_transition({"state": "cancelled"})
        self.activity_unlink([ACT_PLAN, ACT_FINDING])
        return True

    def action_view_complaints(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("customer_service_control.action_service_complaint")
        action["domain"] = [("id", "in", self.finding_ids.complaint_id.ids)]
        action["context"] = {"create": False}
        return action

    def action_view_actions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("customer_service_control.action_service_action")
        action["domain"] = [("visit_id", "=", self.id)]
        action["context"] = {"default_source_ref": f"{self._name},{self.id}"}
        return action

    # ------------------------------------------------------------------
    # Scheduled action
    # ------------------------------------------------------------------
    @api.model
    def _cron_plan_key_customer_visits(self, batch_size=VISIT_PLANNING_BATCH_SIZE):
        """Plan one visit for each key customer without a visit done in the last
        twelve months nor one still planned (4.2.4), one batch per call.

        What a call planned is a planned visit, so the next call (or a run restarted
        after an interruption) picks up exactly the customers that remain. A batch
        costs the same number of queries whatever its size (up to the ORM's insert
        batch of 100); the cron runner calls again while some remain."""
        today = fields.Date.context_today(self)
        customers = self._lock_customers_to_plan(today, batch_size)
        visits = self.browse()
        if customers:
            vals_list = [self._prepare_planned_visit_vals(customer, today) for customer in customers]
            visits = self.with_context(
                mail_create_nosubscribe=True, mail_auto_subscribe_no_notify=True, **{PLANNER_CONTEXT: True}
            ).create(vals_list)
            visits._schedule_plan_activities()
        remaining = self._count_customers_to_plan(today)
        self.env["ir.cron"]._notify_progress(done=len(visits), remaining=remaining)
        return visits

    @api.model
    def _customers_to_plan(self, today):
        """Query of the key customers neither visited in the last twelve months nor with
        a visit planned: the indexed partner flag, and no such visit (an anti-join on
        the indexed customer entity of the visits)."""
        since = today - relativedelta(months=VISIT_PERIOD_MONTHS)
        customers = self.env["res.partner"]._search(self._key_customer_domain(), order="id")
        covered = self._search(
            [
                "|",
                ("state", "=", "planned"),
                "&",
                ("state", "in", REPORTED_STATES),
                ("done_date", ">", since),
            ]
        )
        covered.add_where(
            SQL(
                "%s = %s",
                self._field_to_sql(covered.table, "commercial_partner_id", covered),
                SQL.identifier(customers.table, "id"),
            )
        )
        customers.add_where(SQL("NOT EXISTS %s", covered.subselect(SQL("1"))))
        return customers

    @api.model
    def _lock_customers_to_plan(self, today, batch_size):
        """Up to ``batch_size`` customers to plan, locked until the end of the
        transaction. A customer whose row another transaction holds (a user planning
        a visit for him, or editing his card, at this moment) is skipped and left to
        the next run, so that he is not planned twice."""
        query = self._customers_to_plan(today)
        query.limit = batch_size
        rows = self.env.execute_query(
            SQL(
                "%s FOR UPDATE OF %s SKIP LOCKED",
                query.select(SQL.identifier(query.table, "id")),
                SQL.identifier(query.table),
            )
        )
        return self.env["res.partner"].browse(row[0] for row in rows)

    @api.model
    def _count_customers_to_plan(self, today):
        query = self._customers_to_plan(today)
        query.order = None
        return self.env.execute_query(query.select(SQL("COUNT(*)")))[0][0]

    @api.model
    def _key_customer_domain(self):
        return [
            ("is_key_customer", "=", True),
            ("active", "=", True),
            "|",
            ("is_company", "=", True),
            ("parent_id", "=", False),
        ]

    @api.model
    def _prepare_planned_visit_vals(self, customer, today):
        company = customer.company_id or customer.user_id.company_id or self.env.company
        salesperson = customer.user_id or company.service_manager_user_id
        return {
            "partner_id": customer.id,
            "company_id": company.id,
            "user_id": salesperson.id,
            "visitor_ids": [Command.set(salesperson.ids)],
            "planned_date": today + relativedelta(days=PLANNING_LEAD_DAYS),
        }

    def _schedule_plan_activities(self):
        """One activity per visit for its salesperson, in one INSERT."""
        activity_type = self.env.ref(ACT_PLAN)
        model_id = self.env["ir.model"]._get_id(self._name)
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            [
                {
                    "activity_type_id": activity_type.id,
                    "res_model_id": model_id,
                    "res_id": visit.id,
                    "user_id": visit.user_id.id,
                    "date_deadline": visit.planned_date,
                    "summary": recipient_env(self.env, visit.user_id)._(
                        "Visit the key customer %(customer)s (once a year)", customer=visit.partner_id.display_name
                    ),
                    "automated": True,
                }
                for visit in self
                if visit.user_id
            ]
        )


class ServiceVisitFinding(models.Model):
    """A requirement or shortcoming the customer raised during a visit, and its
    rectification or answer by the responsible department."""

    _name = "service.visit.finding"
    _inherit = "service.transition.mixin"
    _description = "Customer Visit Finding"
    _order = "visit_id, sequence, id"
    _check_company_auto = True
    _draft_states = ("open",)
    # Only the action_* methods write these.
    _transition_fields = ("state", "handled_by_id", "handled_date", "complaint_id", "action_id", "activity_id")
    # Once fed back, the departments only write their rectification or answer.
    _editable_after_feedback = ("rectification", "sequence")
    # Written only by the finding's department (members, manager) or the Sales Manager.
    _department_fields = ("rectification",)

    visit_id = fields.Many2one("service.visit", "Customer Visit", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="visit_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="visit_id.commercial_partner_id", store=True, index=True, string="Customer")
    visit_state = fields.Selection(related="visit_id.state", store=True, string="Visit Status")
    visit_date = fields.Date(related="visit_id.done_date", store=True, string="Visit Date")
    sequence = fields.Integer(default=10)
    topic = fields.Selection(TOPICS, required=True, default="quality")
    customer_said = fields.Text("What the Customer Said", required=True)
    department_id = fields.Many2one("hr.department", "Responsible Department", check_company=True, index=True)
    due_date = fields.Date()
    state = fields.Selection(
        [("open", "Open"), ("rectified", "Rectified"), ("answered", "Answered")],
        default="open",
        required=True,
        index=True,
        copy=False,
    )
    rectification = fields.Text("Rectification / Answer", copy=False)
    handled_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    handled_date = fields.Date("Handled On", readonly=True, copy=False)
    complaint_id = fields.Many2one(
        "service.complaint", readonly=True, copy=False, index="btree_not_null", check_company=True
    )
    action_id = fields.Many2one(
        "service.action", "Corrective Action", readonly=True, copy=False, index="btree_not_null", check_company=True
    )
    # Indexed: each deletion of any activity looks up the findings that point to it.
    activity_id = fields.Many2one(
        "mail.activity", "Department Activity", readonly=True, copy=False, ondelete="set null", index="btree_not_null"
    )
    # What the buttons and the form offer to the current user
    can_edit = fields.Boolean(compute="_compute_can", help="What the customer said can still be recorded.")
    can_handle = fields.Boolean(
        compute="_compute_can", help="The user may record the rectification or answer, and close the finding."
    )
    can_create_complaint = fields.Boolean(compute="_compute_can")
    can_create_action = fields.Boolean(compute="_compute_can")

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("state", "visit_id.state", "department_id", "complaint_id", "action_id")
    @api.depends_context("uid")
    def _compute_can(self):
        user = self.env.user
        is_user = user.has_group(GROUP_USER)
        is_finding_role = any(user.has_group(group) for group in FINDING_ROLES)
        handlers = self._handler_findings()
        for finding in self:
            visit_state = finding.visit_id.state
            finding.can_edit = is_user and visit_state in ("planned", "done")
            finding.can_handle = finding in handlers and finding.state == "open" and visit_state == "fed_back"
            finding.can_create_complaint = is_user and not finding.complaint_id and visit_state in ("done", "fed_back")
            finding.can_create_action = (
                is_finding_role and not finding.action_id and visit_state in ("done", "fed_back")
            )

    @api.depends("visit_id.name", "topic")
    def _compute_display_name(self):
        for finding in self:
            topic = finding._selection_label("topic", finding.topic)
            finding.display_name = f"{finding.visit_id.name} – {topic}" if finding.visit_id.name else topic

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        findings = super().create(vals_list)
        findings._check_visit_open_for_findings()
        # What was stored counts (context defaults included), not only the values sent.
        findings.filtered(lambda f: f.rectification)._check_department_handler(
            self.env._("Recording the rectification or answer of a finding")
        )
        return findings

    def write(self, vals):
        self._check_transition_fields(set(vals).intersection(self._transition_fields))
        if set(vals).intersection(self._department_fields):
            self._check_department_handler(self.env._("Recording the rectification or answer of a finding"))
        if not self._in_transition():
            if set(vals) - set(self._editable_after_feedback):
                self._check_visit_open_for_findings()
            if "rectification" in vals:
                handled = self.filtered(lambda f: f.state != "open")
                if handled:
                    raise UserError(
                        self.env._(
                            "The rectification or answer of %(finding)s is recorded and can no longer be changed.",
                            finding=handled[0].display_name,
                        )
                    )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_before_feedback(self):
        self._check_visit_open_for_findings()

    def _check_visit_open_for_findings(self):
        if self.env.su:
            return
        late = self.filtered(lambda f: f.visit_id.state not in ("planned", "done"))
        if late:
            raise UserError(
                self.env._(
                    "The findings of %(visit)s are recorded, changed or removed before they are fed back "
                    "to the departments.",
                    visit=late[0].visit_id.display_name,
                )
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_rectify(self):
        """The department rectified what the customer pointed out."""
        return self._handle("rectified", self.env._("Recording the rectification of a finding"))

    def action_answer(self):
        """The department answered the customer (no rectification needed or possible)."""
        return self._handle("answered", self.env._("Recording the answer to a finding"))

    def action_create_complaint(self):
        """Register the finding as a complaint (source: customer visit), in one step."""
        self.ensure_one()
        self.visit_id._check_transition(
            ("done", "fed_back"), [GROUP_USER], self.env._("Creating a complaint from a visit finding")
        )
        if self.complaint_id:
            raise UserError(
                self.env._(
                    "%(finding)s is already registered as complaint %(complaint)s.",
                    finding=self.display_name,
                    complaint=self.complaint_id.display_name,
                )
            )
        complaint = self.env["service.complaint"].create(self._prepare_complaint_vals())
        self._write_transition({"complaint_id": complaint.id})
        return {
            "type": "ir.actions.act_window",
            "res_model": "service.complaint",
            "res_id": complaint.id,
            "view_mode": "form",
        }

    def action_create_action(self):
        """Open a corrective action from the finding, its source being the visit."""
        self.ensure_one()
        self.visit_id._check_transition(
            ("done", "fed_back"), FINDING_ROLES, self.env._("Creating a corrective action from a visit finding")
        )
        if self.action_id:
            raise UserError(
                self.env._(
                    "%(finding)s already has the corrective action %(action)s.",
                    finding=self.display_name,
                    action=self.action_id.display_name,
                )
            )
        action = self.env["service.action"].create(self._prepare_action_vals())
        self._write_transition({"action_id": action.id})
        return {
            "type": "ir.actions.act_window",
            "res_model": "service.action",
            "res_id": action.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _handler_findings(self):
        """The findings of self the current user may rectify or answer: the Sales Manager
        all of them, others those of the department they belong to or manage."""
        if self.env.su or self.env.user.has_group(GROUP_MANAGER):
            return self
        # Departments and employees are HR data: read them whatever the HR rights.
        departments = self.department_id.sudo()
        employees = self.env.user.sudo().employee_ids
        mine = departments.filtered(
            lambda department: department.manager_id & employees or department.member_ids & employees
        )
        return self.filtered(lambda finding: finding.department_id and finding.department_id.sudo() in mine)

    def _check_department_handler(self, action):
        """Raise AccessError unless the user belongs to (or manages) the department of
        every finding of self, or is the Sales Manager."""
        others = self - self._handler_findings()
        if others:
            finding = others[0]
            raise AccessError(
                self.env._(
                    "%(action)s is for the responsible department of %(finding)s (%(department)s: its members "
                    "and manager) or the “%(manager)s”.",
                    action=action,
                    finding=finding.display_name,
                    department=finding.department_id.sudo().name or self.env._("no department yet"),
                    manager=self.env.ref(GROUP_MANAGER).sudo().name,
                )
            )

    def _handle(self, state, action):
        self.visit_id._check_transition(("fed_back",), FINDING_ROLES + [GROUP_MANAGER], action)
        self._check_department_handler(action)
        handled = self.filtered(lambda f: f.state != "open")
        if handled:
            raise UserError(
                self.env._(
                    "%(finding)s is already %(state)s.",
                    finding=handled[0].display_name,
                    state=self._selection_label("state", handled[0].state),
                )
            )
        for finding in self:
            if not (finding.rectification or "").strip():
                raise UserError(
                    self.env._(
                        "Describe the rectification or the answer given for %(finding)s first.",
                        finding=finding.display_name,
                    )
                )
        self._write_transition(
            {"state": state, "handled_by_id": self.env.uid, "handled_date": fields.Date.context_today(self)}
        )
        for finding in self:
            if finding.activity_id:
                # The activity is the department manager's; a member closing it was checked above.
                finding.activity_id.sudo().action_feedback(feedback=finding.rectification)
        for visit in self.visit_id:
            if not visit.open_finding_count:
                visit.message_post(
                    body=self.env._("Every finding is rectified or answered: the visit report can be closed."),
                    subtype_xmlid="mail.mt_note",
                    partner_ids=visit.company_id.service_manager_user_id.partner_id.ids,
                )
        return True

    def _schedule_department_activities(self, managers):
        """One activity per finding for the manager of its department, in one INSERT."""
        activity_type = self.env.ref(ACT_FINDING)
        model_id = self.env["ir.model"]._get_id("service.visit")
        in_lang = {department: self.with_env(recipient_env(self.env, user)) for department, user in managers.items()}
        activities = self.env["mail.activity"].create(
            [
                {
                    "activity_type_id": activity_type.id,
                    "res_model_id": model_id,
                    "res_id": finding.visit_id.id,
                    "user_id": managers[finding.department_id].id,
                    "date_deadline": finding.due_date,
                    "summary": in_lang[finding.department_id].env._(
                        "%(topic)s: rectify or answer what %(customer)s said",
                        topic=in_lang[finding.department_id]._selection_label("topic", finding.topic),
                        customer=finding.partner_id.display_name,
                    ),
                    "note": plaintext2html(finding.customer_said),
                    "automated": True,
                }
                for finding in self
            ]
        )
        for finding, activity in zip(self, activities, strict=True):
            finding._write_transition({"activity_id": activity.id})

    def _responsible_user(self):
        self.ensure_one()
        return self.department_id.sudo().manager_id.user_id.with_env(self.env) or self.env.user

    def _prepare_complaint_vals(self):
        self.ensure_one()
        visit = self.visit_id
        return {
            "source": "visit",
            "partner_id": visit.partner_id.id,
            "contact_id": (visit.contact_id or visit.contact_ids[:1]).id,
            "user_id": (visit.user_id or self.env.user).id,
            "company_id": visit.company_id.id,
            "description": plaintext2html(self.customer_said),
        }

    def _prepare_action_vals(self):
        self.ensure_one()
        visit = self.visit_id
        return {
            "action_type": "corrective",
            "source_ref": f"{visit._name},{visit.id}",
            "company_id": visit.company_id.id,
            "department_id": self.department_id.id,
            "user_id": self._responsible_user().id,
            "due_date": self.due_date,
            "title": self.env._(
                "%(topic)s finding of %(visit)s: %(said)s",
                topic=self._selection_label("topic", self.topic),
                visit=visit.name,
                said=textwrap.shorten(self.customer_said, 60, placeholder="…"),
            ),
            "root_cause": plaintext2html(self.customer_said),
        }


class ServiceAction(models.Model):
    _inherit = "service.action"

    visit_id = fields.Many2one(
        "service.visit", "Customer Visit", compute="_compute_source_links", store=True, index="btree_not_null"
    )

    @api.model
    def _selection_source_ref(self):
        return super()._selection_source_ref() + [("service.visit", self.env._("Customer Visit"))]

    @api.depends("source_ref")
    def _compute_source_links(self):
        res = super()._compute_source_links()
        for action in self:
            source = action.source_ref
            action.visit_id = source if source and source._name == "service.visit" else False
        return res
