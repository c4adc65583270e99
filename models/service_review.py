# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from datetime import datetime, time

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import is_html_empty

from ..const import GROUP_GM, GROUP_LEADER, GROUP_MANAGER
from .service_mixin import half_year_bounds, half_year_label

TREND_HALF_YEARS = 6


class ServiceReview(models.Model):
    """The half-yearly service review of the Sales Department (procedure 4.3)."""

    _name = "service.review"
    _description = "Service Review"
    _inherit = ["service.workflow.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "period_start desc, id desc"
    _check_company_auto = True
    _sequence_code = "service.review"
    _draft_states = ("draft",)
    _refusal_methods = ("action_send_back",)
    _transition_fields = (
        "state",
        "submitted_at",
        "approved_by_id",
        "approved_at",
        "distributed_at",
        "stats_computed_at",
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
    period_start = fields.Date(required=True, index=True)
    period_end = fields.Date(required=True, index=True)
    period_label = fields.Char("Half-Year", compute="_compute_period_label", store=True)
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
    stat_line_ids = fields.One2many("service.review.stat", "review_id", "Breakdown", readonly=True)
    # Approval and distribution (4.3.3)
    submitted_at = fields.Datetime(readonly=True, copy=False)
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_at = fields.Datetime(readonly=True, copy=False)
    send_back_reason = fields.Text(readonly=True, copy=False, tracking=True)
    recipient_ids = fields.Many2many(
        "res.users",
        string="Recipients",
        help="General Manager, Management Representative and Deputy GMs who receive the report.",
    )
    department_ids = fields.Many2many("hr.department", string="Departments Concerned")
    distributed_at = fields.Datetime(readonly=True, copy=False)
    is_management_review_input = fields.Boolean("Input to the Management Review", readonly=True, copy=False)

    _sql_constraints = [
        ("period_company_uniq", "unique(company_id, period_start)", "There is one service review per half-year."),
    ]

    @api.depends("period_start")
    def _compute_period_label(self):
        for review in self:
            review.period_label = half_year_label(review.period_start) if review.period_start else False

    @api.constrains("period_start", "period_end")
    def _check_period(self):
        for review in self:
            if review.period_end < review.period_start:
                raise ValidationError(self.env._("The review period ends before it starts."))

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        reviews = super().create(vals_list)
        reviews._compute_statistics()
        return reviews

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
        for review in self:
            for gm in review._users_with_role(GROUP_GM, review.company_id)[:3]:
                review.activity_schedule(
                    "customer_service_control.mail_act_service_review",
                    user_id=gm.id,
                    summary=self.env._("Approve the service review %(period)s", period=review.period_label),
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
            review.message_post(
                body=self.env._("Sent back: %(reason)s", reason=reason.strip()),
                partner_ids=review.user_id.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
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
            if not review.recipient_ids:
                review.recipient_ids = review._default_recipients()
            # Department managers are employees: read them whatever the HR rights of the user.
            managers = review.department_ids.sudo().manager_id.user_id
            partners = review.recipient_ids.partner_id | managers.partner_id
            review.message_subscribe(partner_ids=partners.ids)
            review.message_post(
                body=self.env._(
                    "Service review %(period)s approved by %(gm)s and distributed as an input to the "
                    "management review.",
                    period=review.period_label,
                    gm=review.approved_by_id.name,
                ),
                partner_ids=partners.ids,
                subtype_xmlid="mail.mt_comment",
            )
        self._write_transition(
            {"state": "distributed", "distributed_at": fields.Datetime.now(), "is_management_review_input": True}
        )
        return True

    # ------------------------------------------------------------------
    # Scheduled action and overview
    # ------------------------------------------------------------------
    @api.model
    def _cron_draft_review(self):
        """Draft the review of the half-year that just ended, once per company."""
        start, end = half_year_bounds(fields.Date.context_today(self) - relativedelta(months=6))
        companies = self.env["res.company"].search([])  # pylint: disable=no-search-all
        existing = self.search([("period_start", "=", start), ("company_id", "in", companies.ids)]).company_id
        todo = companies - existing
        return self.create(
            [
                {
                    "company_id": company.id,
                    "period_start": start,
                    "period_end": end,
                    "user_id": (company.service_manager_user_id or self.env.user).id,
                }
                for company in todo
            ]
        )

    @api.model
    def action_open_current_half_year(self):
        """The overview screen: the current half-year's figures against the targets."""
        start, end = half_year_bounds(fields.Date.context_today(self))
        review = self.search([("company_id", "=", self.env.company.id), ("period_start", "=", start)], limit=1)
        # The overview is the draft review of the current half-year, refreshed on opening;
        # readers (the leadership) may open it without the right to edit reviews.
        if not review:
            review = self.sudo().create({"company_id": self.env.company.id, "period_start": start, "period_end": end})
        elif review.state == "draft":
            review.sudo()._compute_statistics()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Service Overview %(period)s", period=review.period_label),
            "res_model": self._name,
            "res_id": review.id,
            "view_mode": "form",
            "views": [(self.env.ref("customer_service_control.service_review_view_form_overview").id, "form")],
        }

    # ------------------------------------------------------------------
    # Statistics
    # ------------------------------------------------------------------
    def _default_recipients(self):
        self.ensure_one()
        recipients = self._users_with_role(GROUP_GM, self.company_id) | self._users_with_role(
            GROUP_LEADER, self.company_id
        )
        return recipients | self.company_id.service_management_rep_id

    def _period_bounds(self):
        self.ensure_one()
        return (
            datetime.combine(self.period_start, time.min),
            datetime.combine(self.period_end + relativedelta(days=1), time.min),
        )

    def _compute_statistics(self):
        """Compute the internal review set-based: a fixed number of grouped queries per
        review, whatever the number of records in the period."""
        for review in self:
            review._write_transition(dict(review._statistics(), stats_computed_at=fields.Datetime.now()))

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
        Complaint = env["service.complaint"]
        cause_labels = dict(Complaint._fields["cause"]._description_selection(env))
        by_cause = Complaint._read_group(complaint_domain, ["cause"], ["__count"])
        for cause, count in by_cause:
            lines.append(
                ("complaint_cause", cause or "", cause_labels.get(cause, env._("Not classified")), count, 0, 0)
            )
        complaint_count = sum(count for _cause, count in by_cause)
        in_time = dict(Complaint._read_group(complaint_domain, ["responded_in_time"], ["__count"]))
        [[resolve_days]] = Complaint._read_group(
            complaint_domain + [("resolved_at", "!=", False)], [], ["resolution_days:avg"]
        )
        # Returns by type and settlement, with quantities
        return_domain = in_company + [
            ("date", ">=", self.period_start),
            ("date", "<=", self.period_end),
            ("state", "not in", ("cancelled", "refused")),
        ]
        returns_by_type = env["service.return"]._read_group(return_domain, ["return_type_id"], ["__count"])
        line_domain = [
            ("company_id", "=", company.id),
            ("return_id.date", ">=", self.period_start),
            ("return_id.date", "<=", self.period_end),
            ("return_id.state", "not in", ("cancelled", "refused")),
        ]
        qty_by_type = dict(env["service.return.line"]._read_group(line_domain, ["return_type_id"], ["quantity:sum"]))
        for rtype, count in returns_by_type:
            lines.append(("return_type", str(rtype.id), rtype.name, count, qty_by_type.get(rtype, 0.0), 0))
        settlement_labels = dict(env["service.return"]._fields["settlement"]._description_selection(env))
        for settlement, count in env["service.return"]._read_group(return_domain, ["settlement"], ["__count"]):
            lines.append(("return_settlement", settlement, settlement_labels.get(settlement, settlement), count, 0, 0))
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
            "complaint_resolve_days": round(resolve_days or 0.0, 1),
            "return_count": sum(count for _type, count in returns_by_type),
            "return_quantity": sum(qty_by_type.values()),
            "action_opened_count": sum(actions.values()) - actions.get("cancelled", 0),
            "action_done_count": sum(actions.get(s, 0) for s in ("done", "verified", "ineffective")),
            "action_effective_count": actions.get("verified", 0),
            "action_ineffective_count": actions.get("ineffective", 0),
            "action_overdue_count": action_overdue,
            "stat_line_ids": [Command.clear()]
            + [
                Command.create(
                    {
                        "category": category,
                        "key": key,
                        "label": label,
                        "count": count,
                        "value": value,
                        "target": target,
                        "sequence": i,
                    }
                )
                for i, (category, key, label, count, value, target) in enumerate(lines)
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
        campaigns = self.env["service.satisfaction.campaign"].search(
            [
                ("company_id", "=", company.id),
                ("state", "in", ("running", "closed")),
                ("period_end", ">=", first),
                ("period_end", "<=", self.period_end),
            ],
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
                    half_year_label(period),
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
