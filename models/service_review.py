# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from datetime import datetime, time

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import html2plaintext, is_html_empty

from ..const import DRAFT_COMPANY_BATCH_SIZE, GROUP_GM, GROUP_LEADER, GROUP_MANAGER
from .service_mixin import half_year_bounds, half_year_label, half_year_name, half_year_selection, recipient_env

TREND_HALF_YEARS = 6
# The figures of the internal review (4.3.2.2): only the computation writes them.
STATISTIC_FIELDS = (
    "stats_computed_at",
    "enquiry_count",
    "enquiry_in_time_count",
    "enquiry_in_time_rate",
    "complaint_count",
    "complaint_in_time_count",
    "complaint_in_time_rate",
    "complaint_resolve_days",
    "return_count",
    "return_quantity",
    "action_opened_count",
    "action_done_count",
    "action_effective_count",
    "action_ineffective_count",
    "action_overdue_count",
    "visit_planned_count",
    "visit_done_count",
    "finding_open_count",
    "satisfaction_rate",
    "satisfaction_target",
    "satisfaction_target_met",
    "has_satisfaction",
    "stat_line_ids",
)
# The external review (4.3.2.1) and conclusion, written by the Sales Manager in draft.
TEXT_FIELDS = (
    "ext_technical_consulting",
    "ext_complaint_handling",
    "ext_special_requirements",
    "market_forecast",
    "competitors",
    "dissatisfaction_areas",
    "conclusion",
)
# While the General Manager examines a submitted review, only its distribution list changes.
DISTRIBUTION_FIELDS = ("recipient_ids", "department_ids")
FROZEN_STATES = ("approved", "distributed")


class ServiceReviewFigures(models.AbstractModel):
    """The internal statistics of a half-year (4.3.2.2), computed set-based: a fixed
    number of grouped queries whatever the number of records. Concrete models have a
    ``company_id`` and a one2many ``stat_line_ids`` of ``service.review.figure.line``."""

    _name = "service.review.figures"
    _description = "Service Review Figures"

    period_start = fields.Date(required=True, index=True)
    period_end = fields.Date(required=True, index=True)
    period_label = fields.Selection(half_year_selection, "Half-Year", compute="_compute_period_label", store=True)
    stats_computed_at = fields.Datetime("Statistics Computed At", readonly=True, copy=False)
    enquiry_count = fields.Integer("Enquiries", readonly=True)
    enquiry_in_time_count = fields.Integer("Enquiries Replied within the Period", readonly=True)
    enquiry_in_time_rate = fields.Float("Enquiries Replied in Time (%)", readonly=True, aggregator="avg")
    complaint_count = fields.Integer("Complaints", readonly=True)
    complaint_in_time_count = fields.Integer("Complaints Answered within 48 h", readonly=True)
    complaint_in_time_rate = fields.Float("Complaints Answered in Time (%)", readonly=True, aggregator="avg")
    complaint_resolve_days = fields.Float("Mean Days to Resolve", readonly=True, aggregator="avg")
    return_count = fields.Integer("Return Forms", readonly=True)
    return_quantity = fields.Float("Quantity Returned", readonly=True)
    action_opened_count = fields.Integer("Actions Opened", readonly=True)
    action_done_count = fields.Integer("Actions Done", readonly=True)
    action_effective_count = fields.Integer("Actions Verified Effective", readonly=True)
    action_ineffective_count = fields.Integer("Actions Not Effective", readonly=True)
    action_overdue_count = fields.Integer("Actions Overdue", readonly=True)
    visit_planned_count = fields.Integer("Visits Planned", readonly=True)
    visit_done_count = fields.Integer("Visits Done", readonly=True)
    finding_open_count = fields.Integer("Visit Findings Open", readonly=True)
    satisfaction_rate = fields.Float("Satisfaction (%)", readonly=True, aggregator="avg")
    satisfaction_target = fields.Float("Satisfaction Target (%)", readonly=True, aggregator="avg")
    satisfaction_target_met = fields.Boolean("Target Met", readonly=True)
    has_satisfaction = fields.Boolean(readonly=True)

    @api.depends("period_start")
    def _compute_period_label(self):
        for record in self:
            record.period_label = half_year_label(record.period_start) if record.period_start else False

    @api.constrains("period_start", "period_end")
    def _check_period(self):
        for record in self:
            if record.period_end < record.period_start:
                raise ValidationError(self.env._("The review period ends before it starts."))

    def _period_bounds(self):
        self.ensure_one()
        return (
            datetime.combine(self.period_start, time.min),
            datetime.combine(self.period_end + relativedelta(days=1), time.min),
        )

    def _statistics(self):
        self.ensure_one()
        env, company = self.env, self.company_id
        start, end = self._period_bounds()
        in_company = [("company_id", "=", company.id)]
        lines = []

        def rate(part, whole):
            return round(100.0 * part / whole, 1) if whole else 0.0

        # Enquiries replied within two days
        enquiries = dict(
            env["service.enquiry"]._read_group(
                in_company + [("received_at", ">=", start), ("received_at", "<", end), ("state", "!=", "cancelled")],
                ["replied_in_time"],
                ["__count"],
            )
        )
        enquiry_count = sum(enquiries.values())
        # Complaints by cause, answered within 48 h, time to resolve
        complaint_domain = in_company + [
            ("received_at", ">=", start),
            ("received_at", "<", end),
            ("state", "!=", "cancelled"),
        ]
        # One grouped query: by cause and by response in time, with the days to resolve
        # (zero until resolved, so their sum over the resolved ones gives the mean).
        by_cause, in_time = {}, {}
        resolve_days = resolved_count = 0
        for cause, responded, count, days, resolved in env["service.complaint"]._read_group(
            complaint_domain, ["cause", "responded_in_time"], ["__count", "resolution_days:sum", "resolved_at:count"]
        ):
            by_cause[cause] = by_cause.get(cause, 0) + count
            in_time[responded] = in_time.get(responded, 0) + count
            resolve_days += days or 0.0
            resolved_count += resolved
        for cause, count in by_cause.items():
            lines.append(("complaint_cause", cause or "", count, 0, 0))
        complaint_count = sum(by_cause.values())
        # Returns by type and settlement (one grouped query), with quantities
        return_domain = in_company + [
            ("date", ">=", self.period_start),
            ("date", "<=", self.period_end),
            ("state", "not in", ("cancelled", "refused")),
        ]
        returns_by_type, returns_by_settlement = {}, {}
        for rtype, settlement, count in env["service.return"]._read_group(
            return_domain, ["return_type_id", "settlement"], ["__count"]
        ):
            returns_by_type[rtype] = returns_by_type.get(rtype, 0) + count
            returns_by_settlement[settlement] = returns_by_settlement.get(settlement, 0) + count
        line_domain = [
            ("company_id", "=", company.id),
            ("return_id.date", ">=", self.period_start),
            ("return_id.date", "<=", self.period_end),
            ("return_id.state", "not in", ("cancelled", "refused")),
        ]
        qty_by_type = dict(env["service.return.line"]._read_group(line_domain, ["return_type_id"], ["quantity:sum"]))
        for rtype, count in returns_by_type.items():
            lines.append(("return_type", str(rtype.id), count, qty_by_type.get(rtype, 0.0), 0))
        for settlement in sorted(returns_by_settlement):
            lines.append(("return_settlement", settlement, returns_by_settlement[settlement], 0, 0))
        # Corrective and preventive actions
        action_domain = in_company + [("opened_at", ">=", start), ("opened_at", "<", end)]
        actions = dict(env["service.action"]._read_group(action_domain, ["state"], ["__count"]))
        action_overdue = env["service.action"].search_count(
            in_company + [("state", "=", "open"), ("is_late", "=", True)]
        )
        # Visits and their findings
        visits = self._visit_statistics(in_company)
        # Satisfaction against the target, and the trend of the last six half-years
        satisfaction = self._satisfaction_statistics(lines)
        values = {
            "enquiry_count": enquiry_count,
            "enquiry_in_time_count": enquiries.get(True, 0),
            "enquiry_in_time_rate": rate(enquiries.get(True, 0), enquiry_count),
            "complaint_count": complaint_count,
            "complaint_in_time_count": in_time.get(True, 0),
            "complaint_in_time_rate": rate(in_time.get(True, 0), complaint_count),
            "complaint_resolve_days": round(resolve_days / resolved_count, 1) if resolved_count else 0.0,
            "return_count": sum(returns_by_type.values()),
            "return_quantity": sum(qty_by_type.values()),
            "action_opened_count": sum(actions.values()) - actions.get("cancelled", 0),
            "action_done_count": sum(actions.get(s, 0) for s in ("done", "verified", "ineffective")),
            "action_effective_count": actions.get("verified", 0),
            "action_ineffective_count": actions.get("ineffective", 0),
            "action_overdue_count": action_overdue,
            "stat_line_ids": [
                {"category": category, "key": key, "count": count, "value": value, "target": target, "sequence": i}
                for i, (category, key, count, value, target) in enumerate(lines)
            ],
        }
        values.update(visits)
        values.update(satisfaction)
        return values

    def _visit_statistics(self, in_company):
        if "service.visit" not in self.env:
            return {}
        Visit = self.env["service.visit"]
        planned = Visit.search_count(
            in_company
            + [
                ("planned_date", ">=", self.period_start),
                ("planned_date", "<=", self.period_end),
                ("state", "!=", "cancelled"),
            ]
        )
        done = Visit.search_count(
            in_company + [("done_date", ">=", self.period_start), ("done_date", "<=", self.period_end)]
        )
        findings_open = self.env["service.visit.finding"].search_count(
            [("company_id", "=", self.company_id.id), ("state", "=", "open"), ("visit_id.state", "!=", "cancelled")]
        )
        return {"visit_planned_count": planned, "visit_done_count": done, "finding_open_count": findings_open}

    def _satisfaction_statistics(self, lines):
        company = self.company_id
        target = company._service_satisfaction_target(self.period_end)
        values = {"satisfaction_target": target, "satisfaction_rate": 0.0, "has_satisfaction": False}
        first = self.period_start - relativedelta(months=6 * (TREND_HALF_YEARS - 1))
        campaigns = self.env["service.satisfaction.campaign"].search_fetch(
            [
                ("company_id", "=", company.id),
                ("state", "in", ("running", "closed")),
                ("period_end", ">=", first),
                ("period_end", "<=", self.period_end),
            ],
            ["period_end", "completed_count", "satisfaction_rate"],
            order="period_end",
        )
        by_period = {half_year_bounds(campaign.period_end)[0]: campaign for campaign in campaigns}
        for i in range(TREND_HALF_YEARS):
            period = first + relativedelta(months=6 * i)
            campaign = by_period.get(period)
            period_target = company._service_satisfaction_target(half_year_bounds(period)[1])
            lines.append(
                (
                    "satisfaction_trend",
                    period.isoformat(),
                    campaign.completed_count if campaign else 0,
                    campaign.satisfaction_rate if campaign else 0.0,
                    period_target,
                )
            )
        current = by_period.get(self.period_start)
        if current:
            values.update(
                {
                    "satisfaction_rate": current.satisfaction_rate,
                    "satisfaction_target_met": current.satisfaction_rate >= target,
                    "has_satisfaction": True,
                }
            )
        return values


class ServiceReview(models.Model):
    """The half-yearly service review of the Sales Department (procedure 4.3).

    Its figures are written only by the computation (never by a client, even in draft)
    and frozen on submission; once approved nothing changes but its distribution, by
    its button. Every change of the external review before approval is in the chatter."""

    _name = "service.review"
    _description = "Service Review"
    _inherit = ["service.review.figures", "service.workflow.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "period_start desc, id desc"
    _check_company_auto = True
    _sequence_code = "service.review"
    _draft_states = ("draft",)
    _lock_on_transition = True
    _refusal_methods = ("action_send_back",)
    _transition_fields = (
        "state",
        "submitted_at",
        "approved_by_id",
        "approved_at",
        "distributed_at",
        "is_management_review_input",
        "send_back_reason",
        *STATISTIC_FIELDS,
    )

    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("approved", "Approved"),
            ("distributed", "Distributed"),
        ],
        default="draft",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )
    user_id = fields.Many2one(
        "res.users",
        "Sales Manager",
        default=lambda self: self.env.user,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    # External review (4.3.2.1)
    ext_technical_consulting = fields.Html("Customers' View of Technical Consulting")
    ext_complaint_handling = fields.Html("Customers' View of Complaint Handling")
    ext_special_requirements = fields.Html("Customers' View of Meeting Special Requirements")
    market_forecast = fields.Html()
    competitors = fields.Html("Competitors' Situation")
    dissatisfaction_areas = fields.Html("Main Areas of Dissatisfaction")
    conclusion = fields.Html()
    # Internal statistics (4.3.2.2), frozen once submitted
    stat_line_ids = fields.One2many("service.review.stat", "review_id", "Breakdown", readonly=True)
    # Approval and distribution (4.3.3)
    submitted_at = fields.Datetime(readonly=True, copy=False)
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_at = fields.Datetime(readonly=True, copy=False)
    send_back_reason = fields.Text(readonly=True, copy=False, tracking=True)
    recipient_ids = fields.Many2many(
        "res.users",
        string="Recipients",
        tracking=True,
        help="General Manager, Management Representative and Deputy GMs who receive the report; "
        "they read it once it is submitted.",
    )
    department_ids = fields.Many2many("hr.department", string="Departments Concerned", tracking=True)
    distributed_at = fields.Datetime(readonly=True, copy=False)
    is_management_review_input = fields.Boolean("Input to the Management Review", readonly=True, copy=False)
    # What the buttons and the form offer to the current user
    can_edit = fields.Boolean(compute="_compute_can", help="The external review and the period can be edited.")
    can_edit_distribution = fields.Boolean(compute="_compute_can")
    can_recompute = fields.Boolean(compute="_compute_can")
    can_submit = fields.Boolean(compute="_compute_can")
    can_approve = fields.Boolean(compute="_compute_can")
    can_send_back = fields.Boolean(compute="_compute_can")
    can_distribute = fields.Boolean(compute="_compute_can")

    _sql_constraints = [
        ("period_company_uniq", "unique(company_id, period_start)", "There is one service review per half-year."),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("state")
    @api.depends_context("uid")
    def _compute_can(self):
        is_manager = self.env.user.has_group(GROUP_MANAGER)
        is_gm = self.env.user.has_group(GROUP_GM)
        for review in self:
            draft = review.state == "draft"
            review.can_edit = review.can_recompute = review.can_submit = is_manager and draft
            review.can_edit_distribution = is_manager and review.state in ("draft", "submitted")
            review.can_approve = review.can_send_back = is_gm and review.state == "submitted"
            review.can_distribute = is_manager and review.state == "approved"

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        # Figures, states and stamps are never taken from the client's context defaults.
        context = {
            key: value
            for key, value in self.env.context.items()
            if not (key.startswith("default_") and key[len("default_") :] in self._transition_fields)
        }
        # The keys are removed, not set to False (a False default is still a default).
        reviews = super(ServiceReview, self.with_context(context)).create(vals_list)  # pylint: disable=context-overridden
        reviews._compute_statistics()
        return reviews

    def write(self, vals):
        if not self.env.su:
            self._check_editable(vals)
        old_texts = self._text_snapshot(vals)
        res = super().write(vals)
        self._log_text_changes(old_texts)
        return res

    def _check_editable(self, vals):
        """Submitted: only the distribution list changes; approved: nothing but what the
        buttons write (transition fields, checked by the transition guard)."""
        mail_fields = set(self.env["mail.thread"]._fields) | set(self.env["mail.activity.mixin"]._fields)
        changed = set(vals) - set(self._transition_fields) - mail_fields
        if not changed:
            return
        frozen = self.filtered(lambda review: review.state in FROZEN_STATES)
        if frozen:
            raise UserError(
                self.env._(
                    "%(review)s is %(state)s: it can no longer be changed; it is the record the "
                    "management review relies on.",
                    review=frozen[0].display_name,
                    state=self._state_label(frozen[0].state),
                )
            )
        submitted = self.filtered(lambda review: review.state == "submitted")
        if submitted and changed - set(DISTRIBUTION_FIELDS):
            raise UserError(
                self.env._(
                    "%(review)s is submitted to the General Manager: only its recipients and departments "
                    "can change; ask the General Manager to send it back to change %(fields)s.",
                    review=submitted[0].display_name,
                    fields=", ".join(
                        sorted(
                            self._fields[name]._description_string(self.env)
                            for name in changed - set(DISTRIBUTION_FIELDS)
                        )
                    ),
                )
            )

    def _text_snapshot(self, vals):
        """The plain text of the external review fields about to change, per record
        (Html fields are not tracked by mail: the change is logged as a note)."""
        names = [name for name in TEXT_FIELDS if name in vals]
        if not names:
            return {}
        return {review: {name: html2plaintext(review[name] or "") for name in names} for review in self}

    def _log_text_changes(self, old_texts):
        for review, old in old_texts.items():
            changes = []
            for name, before in old.items():
                after = html2plaintext(review[name] or "")
                if after != before:
                    changes.append(
                        Markup("<li><b>%s</b>: %s → %s</li>")
                        % (
                            self._fields[name]._description_string(self.env),
                            before or self.env._("(empty)"),
                            after or self.env._("(empty)"),
                        )
                    )
            if changes:
                review._message_log(
                    body=Markup("%s<ul>%s</ul>") % (self.env._("External review changed:"), Markup().join(changes))
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_recompute(self):
        """Refresh the internal statistics; only while the review is a draft."""
        self._check_transition(("draft",), [GROUP_MANAGER], self.env._("Recomputing the statistics"))
        self._compute_statistics()
        return True

    def action_submit(self):
        self._check_transition(("draft",), [GROUP_MANAGER], self.env._("Submitting the service review"))
        for review in self:
            if is_html_empty(review.dissatisfaction_areas) or is_html_empty(review.market_forecast):
                raise UserError(
                    self.env._(
                        "Fill in the external review of %(review)s (at least the main areas of dissatisfaction "
                        "and the market forecast) before submitting it.",
                        review=review.name,
                    )
                )
        self._compute_statistics()  # the figures submitted are those of this moment, then frozen
        self._write_transition({"state": "submitted", "submitted_at": fields.Datetime.now()})
        self._schedule_activities(
            "customer_service_control.mail_act_service_review",
            [
                (
                    review,
                    gm,
                    recipient_env(self.env, gm)._(
                        "Approve the service review %(period)s",
                        period=half_year_name(recipient_env(self.env, gm), review.period_start),
                    ),
                )
                for review in self
                for gm in review._users_with_role(GROUP_GM, review.company_id)[:3]
            ],
        )
        return True

    def action_approve(self):
        self._check_transition(("submitted",), [GROUP_GM], self.env._("Approving the service review"))
        self._write_transition(
            {"state": "approved", "approved_by_id": self.env.user.id, "approved_at": fields.Datetime.now()}
        )
        self.activity_feedback(["customer_service_control.mail_act_service_review"], feedback=self.env._("Approved"))
        return True

    def action_send_back(self, reason):
        self._check_transition(("submitted",), [GROUP_GM], self.env._("Sending the service review back"))
        if not reason or not reason.strip():
            raise UserError(self.env._("Say why the service review goes back to the Sales Manager."))
        self._write_transition({"state": "draft", "send_back_reason": reason.strip()})
        self.activity_unlink(["customer_service_control.mail_act_service_review"])
        for review in self:
            # An internal note: the Sales Manager is notified, no follower outside is e-mailed.
            review.message_post(
                body=self.env._("Sent back: %(reason)s", reason=reason.strip()),
                partner_ids=review.user_id.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_open_send_back_wizard(self):
        self._check_transition(("submitted",), [GROUP_GM], self.env._("Sending the service review back"))
        return self.env["service.refuse.wizard"]._open_for(self, "action_send_back")

    def action_distribute(self):
        """Distribute the approved report: recipients and departments are notified and it
        becomes an input to the management review (4.3.3)."""
        self._check_transition(("approved",), [GROUP_MANAGER], self.env._("Distributing the service review"))
        for review in self:
            # Department managers are employees: read them whatever the HR rights of the user.
            managers = review.department_ids.sudo().manager_id.user_id
            recipients = review.recipient_ids or review._default_recipients()
            partners = (recipients | managers).filtered(lambda user: not user.share).partner_id
            review._write_transition(
                {
                    "state": "distributed",
                    "distributed_at": fields.Datetime.now(),
                    "is_management_review_input": True,
                }
            )
            if not review.recipient_ids:
                # The recipients the report went to are recorded on the frozen review (checked above).
                review.sudo().write({"recipient_ids": [fields.Command.set(recipients.ids)]})
            review.message_subscribe(partner_ids=partners.ids)
            # An internal note: the recipients (internal users) are notified in their Inbox
            # or by e-mail as they chose; customers following the review receive nothing.
            review.message_post(
                body=self.env._(
                    "Service review %(period)s approved by %(gm)s and distributed as an input to the "
                    "management review.",
                    period=half_year_name(self.env, review.period_start),
                    gm=review.approved_by_id.name,
                ),
                partner_ids=partners.ids,
                subtype_xmlid="mail.mt_note",
            )
        return True

    # ------------------------------------------------------------------
    # Scheduled action and overview
    # ------------------------------------------------------------------
    @api.model
    def _cron_draft_review(self, batch_size=DRAFT_COMPANY_BATCH_SIZE):
        """Draft the review of the half-year that just ended, with its statistics, for
        the companies that have none, for the company's service manager (companies
        without one are skipped until it is set); one batch of companies per call. A
        drafted company leaves the selection, so the next call (or a run restarted after
        an interruption) drafts exactly for those that remain."""
        start, end = half_year_bounds(fields.Date.context_today(self) - relativedelta(months=6))
        domain = self._companies_to_draft_domain(start)
        companies = self.env["res.company"].search(domain, limit=batch_size, order="id")
        reviews = self.create(
            [
                {
                    "company_id": company.id,
                    "period_start": start,
                    "period_end": end,
                    "user_id": company.service_manager_user_id.id,
                }
                for company in companies
            ]
        )
        self.env["ir.cron"]._notify_progress(done=len(reviews), remaining=self.env["res.company"].search_count(domain))
        return reviews

    @api.model
    def _companies_to_draft_domain(self, start):
        """Companies with a service manager and no review of the half-year starting on
        ``start`` (the unique company and period start of the reviews)."""
        drafted = self._search([("period_start", "=", start)])
        return [("service_manager_user_id", "!=", False), ("id", "not in", drafted.subselect("company_id"))]

    @api.model
    def action_open_current_half_year(self):
        """The overview screen: the current half-year's figures against the targets,
        computed on opening; no review is created or changed."""
        return self.env["service.review.overview"].action_open()

    # ------------------------------------------------------------------
    # Statistics
    # ------------------------------------------------------------------
    def _default_recipients(self):
        self.ensure_one()
        recipients = self._users_with_role(GROUP_GM, self.company_id) | self._users_with_role(
            GROUP_LEADER, self.company_id
        )
        return recipients | self.company_id.service_management_rep_id

    def _compute_statistics(self):
        """Write the figures computed now: the breakdown lines as superuser (no role may
        write them), the figures through the transition guard."""
        for review in self:
            values = review._statistics()
            lines = values.pop("stat_line_ids")
            review.sudo()._write_transition(
                {"stat_line_ids": [fields.Command.clear()] + [fields.Command.create(line) for line in lines]}
            )
            review._write_transition(dict(values, stats_computed_at=fields.Datetime.now()))

    def _trend_lines(self):
        return self.stat_line_ids.filtered(lambda line: line.category == "satisfaction_trend").sorted("key")

    def _satisfaction_trend_svg(self):
        """The satisfaction trend against the targets as an inline SVG chart, drawn on the
        server so that the PDF prints it."""
        self.ensure_one()
        trend = self._trend_lines()
        width, height, left, bottom, top = 560, 220, 40, 30, 10
        plot_h = height - bottom - top
        step = (width - left - 10) / max(len(trend), 1)
        rates = [line.value for line in trend if line.count] + [line.target for line in trend]
        low = min([80.0, *(10.0 * int(rate // 10) for rate in rates)])

        def y(value):
            value = min(max(value, low), 100.0)
            return top + plot_h * (100.0 - value) / (100.0 - low)

        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="10">'
        ]
        ticks = range(int(low), 101, 5 if low >= 80 else 10)
        for tick in ticks:
            parts.append(
                f'<line x1="{left}" y1="{y(tick):.1f}" x2="{width - 10}" y2="{y(tick):.1f}" stroke="#ddd"/>'
                f'<text x="{left - 4}" y="{y(tick) + 3:.1f}" text-anchor="end">{tick}%</text>'
            )
        target_points = []
        for i, line in enumerate(trend):
            x = left + step * i + step / 2
            if line.count:
                bar_top = y(line.value)
                parts.append(
                    f'<rect x="{x - step * 0.3:.1f}" y="{bar_top:.1f}" width="{step * 0.6:.1f}" '
                    f'height="{top + plot_h - bar_top:.1f}" fill="#3b7dd8"/>'
                    f'<text x="{x:.1f}" y="{bar_top - 3:.1f}" text-anchor="middle">{line.value:.1f}</text>'
                )
            parts.append(
                f'<text x="{x:.1f}" y="{height - bottom + 14}" text-anchor="middle">{Markup.escape(line.label)}</text>'
            )
            target_points.append(f"{x:.1f},{y(line.target):.1f}")
        if target_points:
            parts.append(
                f'<polyline points="{" ".join(target_points)}" fill="none" stroke="#d9534f" '
                f'stroke-width="2" stroke-dasharray="5,3"/>'
            )
        parts.append("</svg>")
        return Markup("".join(parts))
