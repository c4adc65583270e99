# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from datetime import datetime, time

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_compare

from ..const import DRAFT_COMPANY_BATCH_SIZE, GROUP_MANAGER, GROUP_USER
from .service_mixin import half_year_bounds, half_year_label, half_year_selection, recipient_env

SURVEY_XMLID = "customer_service_control.survey_service_satisfaction"
INVITE_TEMPLATE_XMLID = "survey.mail_template_user_input_invite"
TODO_XMLID = "mail.mail_activity_data_todo"
# "Customers with a confirmed sale in the last 12 months" (audience "recent").
RECENT_SALE_MONTHS = 12
# Set up at the start, then only the buttons change them.
LOCKED_AFTER_DRAFT = ("period_start", "period_end", "survey_id", "audience", "partner_ids", "company_id")
RESULT_FIELDS = (
    "invited_count",
    "completed_count",
    "satisfied_count",
    "response_rate",
    "satisfaction_rate",
    "average_score",
    "pass_score",
    "target_rate",
    "target_met",
)


def percent(part, whole):
    return round(100.0 * part / whole, 2) if whole else 0.0


def question_max_points(question):
    """The points a question gives at most, as survey.user_input counts them."""
    scores = [score for score in question.suggested_answer_ids.mapped("answer_score") if score > 0]
    if question.question_type == "simple_choice":
        return max(scores, default=0.0)
    if question.question_type == "multiple_choice":
        return sum(scores)
    return 0.0


class ServiceSatisfactionCampaign(models.Model):
    """A half-yearly customer satisfaction survey on products and service (procedure
    4.1.5), sent and answered through Odoo's Surveys and measured against the
    95 / 97 / 98 % targets."""

    _name = "service.satisfaction.campaign"
    _description = "Customer Satisfaction Survey"
    _inherit = ["service.workflow.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "period_start desc, id desc"
    _check_company_auto = True
    _sequence_code = "service.satisfaction.campaign"
    _draft_states = ("draft",)
    _lock_on_transition = True
    _transition_fields = ("state", *RESULT_FIELDS)

    state = fields.Selection(
        [("draft", "Draft"), ("running", "Running"), ("closed", "Closed")],
        default="draft",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )

    # Period and questionnaire
    period_start = fields.Date(
        required=True,
        index=True,
        tracking=True,
        default=lambda self: half_year_bounds(fields.Date.context_today(self))[0],
    )
    period_end = fields.Date(
        required=True,
        index=True,
        tracking=True,
        compute="_compute_period_end",
        store=True,
        readonly=False,
        precompute=True,
        help="The survey covers one half-year: January to June or July to December.",
    )
    period_label = fields.Selection(
        half_year_selection, "Half-Year", compute="_compute_period_label", store=True, index=True
    )
    survey_id = fields.Many2one(
        "survey.survey",
        "Questionnaire",
        required=True,
        tracking=True,
        default=lambda self: self.env.ref(SURVEY_XMLID, raise_if_not_found=False),
        domain="[('scoring_type', '!=', 'no_scoring')]",
        help="A scored survey: each answer's score tells whether the customer is satisfied.",
    )
    deadline = fields.Date(
        "Answer Deadline",
        compute="_compute_deadline",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="Customers can answer until the end of this day.",
    )

    # Audience
    audience = fields.Selection(
        [
            ("key", "Key Customers"),
            ("recent", "Customers with a Confirmed Sale in the Last 12 Months"),
            ("list", "Chosen Customers"),
        ],
        required=True,
        default="key",
        tracking=True,
    )
    partner_ids = fields.Many2many(
        "res.partner",
        "service_satisfaction_campaign_partner_rel",
        "campaign_id",
        "partner_id",
        "Customers",
        compute="_compute_partner_ids",
        store=True,
        readonly=False,
        check_company=True,
        help="The customers to invite; computed from the audience and refreshed when the survey starts, "
        "unless the audience is a list of chosen customers.",
    )

    # Answers and results
    user_input_ids = fields.One2many(
        "survey.user_input", "campaign_id", "Answers", readonly=True, groups="survey.group_survey_user"
    )
    question_result_ids = fields.One2many(
        "service.satisfaction.question.result", "campaign_id", "Results per Question", readonly=True
    )
    invited_count = fields.Integer("Invited", compute="_compute_results", store=True)
    completed_count = fields.Integer("Completed", compute="_compute_results", store=True)
    satisfied_count = fields.Integer("Satisfied Customers", compute="_compute_results", store=True)
    response_rate = fields.Float(
        "Response Rate (%)",
        compute="_compute_results",
        store=True,
        digits=(5, 2),
        aggregator="avg",
        help="Completed surveys out of the invited customers.",
    )
    satisfaction_rate = fields.Float(
        "Satisfaction Rate (%)",
        compute="_compute_results",
        store=True,
        digits=(5, 2),
        aggregator="avg",
        help="Completed surveys whose score reaches the satisfied-from score, out of all completed surveys.",
    )
    average_score = fields.Float(
        "Average Score (%)",
        compute="_compute_results",
        store=True,
        digits=(5, 2),
        aggregator="avg",
        help="Mean score of the completed surveys.",
    )
    pass_score = fields.Float(
        "Satisfied From (%)",
        compute="_compute_company_targets",
        store=True,
        digits=(5, 2),
        aggregator="avg",
        help="The company's satisfied-from score, taken when the survey starts and again when it closes.",
    )
    target_rate = fields.Float(
        "Target (%)",
        compute="_compute_company_targets",
        store=True,
        digits=(5, 2),
        aggregator="avg",
        help="The company's target for the end of the period (95 / 97 / 98 % in years 1 / 2 / 3), "
        "taken when the survey starts and again when it closes.",
    )
    target_met = fields.Boolean(compute="_compute_target_met", store=True, index=True, aggregator="bool_and")
    # What the buttons and the form offer to the current user
    can_edit = fields.Boolean(compute="_compute_can", help="The set-up of the survey can be edited.")
    can_start = fields.Boolean(compute="_compute_can")
    can_remind = fields.Boolean(compute="_compute_can")
    can_close = fields.Boolean(compute="_compute_can")

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("state", "invited_count", "completed_count")
    @api.depends_context("uid")
    def _compute_can(self):
        is_manager = self.env.user.has_group(GROUP_MANAGER)
        is_user = self.env.user.has_group(GROUP_USER)
        for campaign in self:
            campaign.can_edit = campaign.can_start = is_manager and campaign.state == "draft"
            campaign.can_remind = (
                is_user and campaign.state == "running" and campaign.completed_count < campaign.invited_count
            )
            campaign.can_close = is_manager and campaign.state == "running"

    @api.depends("period_start")
    def _compute_period_end(self):
        for campaign in self:
            if campaign.period_start:
                campaign.period_end = half_year_bounds(campaign.period_start)[1]

    @api.depends("period_end")
    def _compute_period_label(self):
        for campaign in self:
            campaign.period_label = half_year_label(campaign.period_end) if campaign.period_end else False

    @api.depends("period_end")
    def _compute_deadline(self):
        for campaign in self:
            campaign.deadline = campaign.period_end

    @api.depends("audience", "company_id", "period_end")
    def _compute_partner_ids(self):
        for campaign in self:
            if campaign.audience != "list":
                campaign.partner_ids = campaign._audience_partners()

    @api.depends("user_input_ids", "pass_score")
    def _compute_results(self):
        """Counted with one grouped query on the answers, whatever their number. The
        answers signal when one is completed or a completed one changes
        (``_refresh_results``): a line saved while a customer answers costs nothing here."""
        counts = {campaign: {"invited": 0, "done": 0, "satisfied": 0, "score": 0.0} for campaign in self}
        if self.ids:
            groups = self.env["survey.user_input"]._read_group(
                [("campaign_id", "in", self.ids), ("test_entry", "=", False)],
                ["campaign_id", "state", "scoring_percentage"],
                ["__count"],
            )
            for campaign, state, score, count in groups:
                figures = counts[campaign]
                figures["invited"] += count
                if state == "done":
                    figures["done"] += count
                    figures["score"] += score * count
                    figures["satisfied"] += count if campaign._is_satisfied(score) else 0
        for campaign in self:
            figures = counts[campaign]
            done = figures["done"]
            campaign.invited_count = figures["invited"]
            campaign.completed_count = done
            campaign.satisfied_count = figures["satisfied"]
            campaign.response_rate = percent(done, figures["invited"])
            campaign.satisfaction_rate = percent(figures["satisfied"], done)
            campaign.average_score = round(figures["score"] / done, 2) if done else 0.0

    @api.depends("company_id", "period_end", "state")
    def _compute_company_targets(self):
        # Deliberately not depending on the company's settings: a survey keeps the
        # targets it was run against; they are taken again at start and at close.
        for campaign in self:
            company = campaign.company_id or self.env.company
            campaign.pass_score = company.service_satisfaction_pass_score
            campaign.target_rate = (
                company._service_satisfaction_target(campaign.period_end) if campaign.period_end else 0.0
            )

    @api.depends("satisfaction_rate", "target_rate", "completed_count")
    def _compute_target_met(self):
        for campaign in self:
            campaign.target_met = bool(campaign.completed_count) and (
                float_compare(campaign.satisfaction_rate, campaign.target_rate, precision_digits=2) >= 0
            )

    def _is_satisfied(self, score):
        return float_compare(score, self.pass_score, precision_digits=2) >= 0

    def _refresh_results(self):
        """Recompute the figures of these campaigns and their questions (at the next
        flush): one of their answers was completed, or a completed one changed."""
        self.modified(["user_input_ids"])

    # ------------------------------------------------------------------
    # Audience
    # ------------------------------------------------------------------
    def _audience_partners(self):
        """Customers (commercial entities) of the audience, for the campaign's company."""
        self.ensure_one()
        Partner = self.env["res.partner"]
        company = self.company_id or self.env.company
        if self.audience == "key":
            # The entities in one query, however many key customers (no read of each one).
            keys = Partner._search([("is_key_customer", "=", True), ("company_id", "in", [False, company.id])])
            return Partner.with_context(active_test=False).search(
                [("id", "in", keys.subselect(SQL.identifier(keys.table, "commercial_partner_id")))]
            )
        if self.audience == "recent":
            return self._recent_customers(company)
        return self.partner_ids

    def _recent_customers(self, company):
        """Customers with a sale order confirmed in the twelve months up to the end of
        the period (or up to today while the period runs)."""
        today = fields.Date.context_today(self)
        until = min(self.period_end, today) if self.period_end else today
        since = until - relativedelta(months=RECENT_SALE_MONTHS)
        groups = self.env["sale.order"]._read_group(
            [
                ("state", "=", "sale"),
                ("company_id", "=", company.id),
                ("date_order", ">=", datetime.combine(since + relativedelta(days=1), time.min)),
                ("date_order", "<", datetime.combine(until + relativedelta(days=1), time.min)),
            ],
            ["partner_id"],
        )
        partners = self.env["res.partner"].browse([partner.id for (partner,) in groups])
        return partners.commercial_partner_id.filtered(lambda p: not p.company_id or p.company_id == company)

    # ------------------------------------------------------------------
    # Constraints and CRUD
    # ------------------------------------------------------------------
    @api.constrains("period_start", "period_end")
    def _check_half_year(self):
        for campaign in self:
            if campaign.period_end < campaign.period_start or half_year_bounds(
                campaign.period_start
            ) != half_year_bounds(campaign.period_end):
                raise ValidationError(
                    self.env._(
                        "The period of %(campaign)s must lie within one half-year (January to June or "
                        "July to December) and end after it starts.",
                        campaign=campaign.display_name,
                    )
                )

    def write(self, vals):
        locked = set(vals).intersection(LOCKED_AFTER_DRAFT)
        started = self.filtered(lambda campaign: campaign.state != "draft")
        if locked and started:
            raise UserError(
                self.env._(
                    "%(campaign)s has started: its period, questionnaire, company and customers can no longer change.",
                    campaign=started[0].display_name,
                )
            )
        return super().write(vals)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_start(self):
        """Invite every customer of the audience through the survey's own invitation
        wizard: one answer (with its access link) per customer, linked to the campaign."""
        self._check_transition(("draft",), [GROUP_MANAGER], self.env._("Starting a satisfaction survey"))
        for campaign in self:
            if campaign.audience != "list":
                campaign.partner_ids = campaign._audience_partners()
            campaign._ensure_startable()
        self._write_transition({"state": "running"})
        for campaign in self:
            campaign._create_question_results()
            answers = campaign._invite(campaign.partner_ids, "new")
            campaign._post_invitation_note(answers)
            campaign.activity_feedback([TODO_XMLID], feedback=self.env._("Survey started"))
            campaign.activity_schedule(
                TODO_XMLID,
                date_deadline=campaign.deadline,
                user_id=self.env.user.id,
                summary=recipient_env(self.env, self.env.user)._("Close the satisfaction survey"),
            )
        return True

    def action_remind(self):
        """Send the invitation again, with the same link, to the customers who have not
        completed the survey yet."""
        self._check_transition(("running",), [GROUP_USER], self.env._("Reminding customers of a satisfaction survey"))
        reminded = 0
        for campaign in self:
            pending = campaign.sudo().user_input_ids.filtered(
                lambda answer: answer.state != "done" and not answer.test_entry and answer.partner_id
            )
            if not pending:
                continue
            pending.write({"deadline": campaign._deadline_datetime()})
            campaign._invite(pending.partner_id, "resend")
            reminded += len(pending)
            # Any role that reminds may leave this trace, not only those who may edit.
            campaign.sudo().message_post(
                body=self.env._(
                    "Reminder sent to %(count)s customers: %(customers)s.",
                    count=len(pending),
                    customers=", ".join(pending.partner_id.mapped("display_name")),
                ),
                subtype_xmlid="mail.mt_note",
            )
        if not reminded:
            raise UserError(self.env._("Every invited customer has already completed the survey."))
        return True

    def action_close(self):
        """Stop the answers (the links of unfinished surveys expire) and keep the results."""
        self._check_transition(("running",), [GROUP_MANAGER], self.env._("Closing a satisfaction survey"))
        pending = self.sudo().user_input_ids.filtered(lambda answer: answer.state != "done")
        pending.write({"deadline": fields.Datetime.now()})
        self._write_transition({"state": "closed"})
        for campaign in self:
            campaign.activity_feedback([TODO_XMLID], feedback=self.env._("Survey closed"))
            campaign.message_post(body=campaign._result_summary(), subtype_xmlid="mail.mt_note")
        return True

    def action_view_answers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("survey.action_survey_user_input")
        action.update(
            {
                "name": self.env._("Answers of %(campaign)s", campaign=self.display_name),
                "domain": [("campaign_id", "=", self.id)],
                "context": {"create": False, "search_default_group_by_survey": False},
            }
        )
        return action

    def action_view_question_answers(self):
        """Every scored answer of the campaign, question by question (pivot)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Answers per Question of %(campaign)s", campaign=self.display_name),
            "res_model": "survey.user_input.line",
            "view_mode": "pivot,list",
            "views": [
                (self.env.ref("customer_service_control.survey_user_input_line_view_pivot_satisfaction").id, "pivot"),
                (False, "list"),
            ],
            "domain": [
                ("user_input_id.campaign_id", "=", self.id),
                ("user_input_id.state", "=", "done"),
                ("answer_type", "=", "suggestion"),
            ],
            "context": {"create": False},
        }

    # ------------------------------------------------------------------
    # Scheduled action
    # ------------------------------------------------------------------
    @api.model
    def _cron_draft_next_campaign(self, batch_size=DRAFT_COMPANY_BATCH_SIZE):
        """Draft the survey of the current half-year for the companies that have none,
        one batch of companies per call, with an activity for the company's service
        manager. A drafted company leaves the selection, so the next call (or a run
        restarted after an interruption) drafts exactly for those that remain."""
        start, end = half_year_bounds(fields.Date.context_today(self))
        domain = self._companies_to_draft_domain(start, end)
        companies = self.env["res.company"].search(domain, limit=batch_size, order="id")
        campaigns = self.create([self._prepare_cron_campaign_vals(company, start, end) for company in companies])
        campaigns._schedule_start_activities()
        self.env["ir.cron"]._notify_progress(
            done=len(campaigns), remaining=self.env["res.company"].search_count(domain)
        )
        return campaigns

    @api.model
    def _companies_to_draft_domain(self, start, end):
        """Companies without a survey ending in the half-year ``start``–``end`` (the
        indexed company and period end of the surveys)."""
        drafted = self._search([("period_end", ">=", start), ("period_end", "<=", end)])
        return [("id", "not in", drafted.subselect("company_id"))]

    def _schedule_start_activities(self):
        """One activity per survey for its company's service manager, in his language,
        in one INSERT."""
        activity_type = self.env.ref(TODO_XMLID)
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            [
                {
                    "activity_type_id": activity_type.id,
                    "res_model_id": model_id,
                    "res_id": campaign.id,
                    "user_id": campaign.company_id.service_manager_user_id.id,
                    "date_deadline": today,
                    "summary": recipient_env(self.env, campaign.company_id.service_manager_user_id)._(
                        "Start the half-yearly satisfaction survey"
                    ),
                    "note": activity_type.default_note,
                    "automated": True,
                }
                for campaign in self
                if campaign.company_id.service_manager_user_id
            ]
        )

    @api.model
    def _prepare_cron_campaign_vals(self, company, start, end):
        return {"company_id": company.id, "period_start": start, "period_end": end, "audience": "key"}

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _ensure_startable(self):
        self.ensure_one()
        survey = self.survey_id.sudo()
        if survey.scoring_type == "no_scoring":
            raise UserError(
                self.env._(
                    "The questionnaire %(survey)s gives no score, so satisfaction cannot be measured; "
                    "choose a scored questionnaire.",
                    survey=survey.display_name,
                )
            )
        survey.check_validity()
        if not self.partner_ids:
            raise UserError(self.env._("%(campaign)s has no customer to invite.", campaign=self.display_name))
        if self.deadline and self.deadline < fields.Date.context_today(self):
            raise UserError(self.env._("The answer deadline of %(campaign)s has passed.", campaign=self.display_name))

    def _deadline_datetime(self):
        return datetime.combine(self.deadline, time(23, 59, 59)) if self.deadline else False

    def _create_question_results(self):
        vals_list = []
        for campaign in self:
            existing = campaign.question_result_ids.question_id
            for question in campaign.survey_id.sudo().question_ids:
                if question not in existing and question_max_points(question) > 0:
                    vals_list.append(campaign._prepare_question_result_vals(question))
        return self.env["service.satisfaction.question.result"].sudo().create(vals_list)

    def _prepare_question_result_vals(self, question):
        return {"campaign_id": self.id, "question_id": question.id, "sequence": question.sequence}

    def _prepare_invite_vals(self, partners, existing_mode):
        template = self.env.ref(INVITE_TEMPLATE_XMLID, raise_if_not_found=False)
        return {
            "survey_id": self.survey_id.id,
            "service_campaign_id": self.id,
            "partner_ids": [Command.set(partners.ids)],
            "existing_mode": existing_mode,
            "deadline": self._deadline_datetime(),
            "template_id": template.id if template else False,
        }

    def _invite(self, partners, existing_mode):
        """Invite ``partners`` through survey.invite (``existing_mode`` 'new' creates an
        answer per partner, 'resend' mails the campaign's own answer again); return the
        campaign's answers of these partners."""
        self.ensure_one()
        # The role was checked by the button; the Surveys rights are not the procedure's.
        wizard = (
            self.env["survey.invite"]
            .sudo()
            .with_context(default_email_layout_xmlid="mail.mail_notification_light")
            .create(self._prepare_invite_vals(partners, existing_mode))
        )
        wizard.action_invite()
        return self.sudo().user_input_ids.filtered(lambda answer: answer.partner_id in partners)

    def _post_invitation_note(self, answers):
        without_email = answers.partner_id.filtered(lambda partner: not partner.email)
        body = self.env._(
            "%(count)s customers invited to answer %(survey)s by %(deadline)s.",
            count=len(answers),
            survey=self.survey_id.sudo().display_name,
            deadline=self.deadline or "-",
        )
        if without_email:
            body += " " + self.env._(
                "No e-mail address, send them their link another way: %(customers)s.",
                customers=", ".join(without_email.mapped("display_name")),
            )
        self.message_post(body=body, subtype_xmlid="mail.mt_note")

    def _result_summary(self):
        self.ensure_one()
        verdict = self.env._("target met") if self.target_met else self.env._("target not met")
        response, rate, target = (
            "%.1f" % value for value in (self.response_rate, self.satisfaction_rate, self.target_rate)
        )
        return self.env._(
            "%(completed)s of %(invited)s customers answered (%(response)s %%); satisfaction %(rate)s %% "
            "against a target of %(target)s %%: %(verdict)s.",
            completed=self.completed_count,
            invited=self.invited_count,
            response=response,
            rate=rate,
            target=target,
            verdict=verdict,
        )
