# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from collections import Counter

from odoo import fields, models

from .service_visit import REPORTED_STATES as REPORTED_VISIT_STATES

OPEN_COMPLAINT_STATES = ["new", "responded", "in_analysis"]


class ResPartner(models.Model):
    """The customer registration card (用户登记卡, procedure 4.1.5).

    Its figures count only what the reader may read (access rights and record rules):
    a user without a service role sees zeros, never an AccessError."""

    _inherit = "res.partner"

    is_key_customer = fields.Boolean(
        "Key Customer",
        index=True,
        tracking=True,
        help="Key customers (重点用户) are visited at least once a year (4.2.4).",
    )
    customer_since = fields.Date(tracking=True)
    service_enquiry_ids = fields.One2many("service.enquiry", "partner_id", "Enquiries")
    service_complaint_ids = fields.One2many("service.complaint", "partner_id", "Complaints")
    service_action_ids = fields.One2many("service.action", "partner_id", "Corrective Actions")
    service_enquiry_count = fields.Integer("Enquiry Count", compute="_compute_service_counts")
    service_complaint_count = fields.Integer("Complaint Count", compute="_compute_service_counts")
    service_open_complaint_count = fields.Integer("Open Complaint Count", compute="_compute_service_counts")
    service_action_count = fields.Integer("Action Count", compute="_compute_service_counts")
    service_return_count = fields.Integer("Return Form Count", compute="_compute_service_counts")
    # Visits (4.2.4)
    last_visit_date = fields.Date(
        compute="_compute_service_visits", help="The last day the customer was visited (4.2.4)."
    )
    next_visit_date = fields.Date(compute="_compute_service_visits", help="The day of the next planned visit.")
    service_visit_count = fields.Integer("Visit Count", compute="_compute_service_visits")
    # Satisfaction (4.1.5)
    last_satisfaction_score = fields.Float(
        "Last Satisfaction Score (%)",
        compute="_compute_last_satisfaction_score",
        digits=(5, 2),
        help="Score of the customer's last completed satisfaction survey (procedure 4.1.5), "
        "in the companies you work in.",
    )

    service_survey_count = fields.Integer(
        "Survey Count",
        compute="_compute_service_survey_count",
        help="Completed satisfaction surveys of the customer (4.1.5) that you may read.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    def _service_counts(self, model, extra_domain=None):
        """Records of ``model`` the user may read, per commercial entity of the partners
        in self; zeros for a user without read access to ``model``."""
        Model = self.env[model]
        entities = self._origin.commercial_partner_id
        counts = {}
        if entities and Model.has_access("read"):
            field = "commercial_partner_id" if "commercial_partner_id" in Model._fields else "partner_id"
            domain = [(field, "in", entities.ids)] + (extra_domain or [])
            counts = dict(Model._read_group(domain, [field], ["__count"]))
        return {partner: counts.get(partner._origin.commercial_partner_id, 0) for partner in self}

    def _compute_service_counts(self):
        enquiries = self._service_counts("service.enquiry")
        complaints = self._service_counts("service.complaint")
        open_complaints = self._service_counts("service.complaint", [("state", "in", OPEN_COMPLAINT_STATES)])
        actions = self._service_counts("service.action")
        returns = self._service_counts("service.return")
        for partner in self:
            partner.service_enquiry_count = enquiries[partner]
            partner.service_complaint_count = complaints[partner]
            partner.service_open_complaint_count = open_complaints[partner]
            partner.service_action_count = actions[partner]
            partner.service_return_count = returns[partner]

    def _compute_service_visits(self):
        Visit = self.env["service.visit"]
        entities = self._origin.commercial_partner_id
        last, upcoming, counts = {}, {}, {}
        if entities and Visit.has_access("read"):
            rows = Visit._read_group(
                [("commercial_partner_id", "in", entities.ids)],
                ["commercial_partner_id", "state"],
                ["done_date:max", "planned_date:min", "__count"],
            )
            for entity, state, done_date, planned_date, count in rows:
                counts[entity] = counts.get(entity, 0) + count
                if state in REPORTED_VISIT_STATES and done_date:
                    last[entity] = max(last.get(entity, done_date), done_date)
                elif state == "planned":
                    upcoming[entity] = planned_date
        for partner in self:
            entity = partner._origin.commercial_partner_id
            partner.last_visit_date = last.get(entity, False)
            partner.next_visit_date = upcoming.get(entity, False)
            partner.service_visit_count = counts.get(entity, 0)

    def _compute_last_satisfaction_score(self):
        # The answers are read as superuser (a customer's answers belong to the survey
        # officers), but only those of campaigns in the companies the reader works in.
        entities = self._origin.commercial_partner_id.filtered("id")
        last_scores = {}
        if entities and self.env["service.satisfaction.campaign"].has_access("read"):
            answers = (
                self.env["survey.user_input"]
                .sudo()
                .search(
                    [
                        ("campaign_id.company_id", "in", self.env.companies.ids),
                        ("state", "=", "done"),
                        ("test_entry", "=", False),
                        ("partner_id", "child_of", entities.ids),
                    ],
                    order="end_datetime desc, id desc",
                )
            )
            for answer in answers:
                last_scores.setdefault(answer.partner_id.commercial_partner_id.id, answer.scoring_percentage)
        for partner in self:
            partner.last_satisfaction_score = last_scores.get(partner._origin.commercial_partner_id.id, 0.0)

    def _service_survey_domain(self, entities):
        """Completed answers to the satisfaction surveys of the reader's companies. The
        campaigns are taken by id (sudo: their ids only), so that a Surveys officer
        without a Customer Service role sees the answers without reading campaigns."""
        campaigns = (
            self.env["service.satisfaction.campaign"].sudo().search([("company_id", "in", self.env.companies.ids)])
        )
        return [
            ("campaign_id", "in", campaigns.ids),
            ("state", "=", "done"),
            ("test_entry", "=", False),
            ("partner_id", "child_of", entities.ids),
        ]

    def _compute_service_survey_count(self):
        # Counted as the reader (the Surveys officer's record rules), unlike the last score.
        Answer = self.env["survey.user_input"]
        entities = self._origin.commercial_partner_id.filtered("id")
        counts = Counter()
        if entities and Answer.has_access("read"):
            rows = Answer._read_group(self._service_survey_domain(entities), ["partner_id"], ["__count"])
            for partner, count in rows:
                counts[partner.commercial_partner_id] += count
        for partner in self:
            partner.service_survey_count = counts[partner._origin.commercial_partner_id]

    # ------------------------------------------------------------------
    # Smart buttons
    # ------------------------------------------------------------------
    def _service_action_for(self, xmlid):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def action_view_service_enquiries(self):
        return self._service_action_for("customer_service_control.action_service_enquiry")

    def action_view_service_complaints(self):
        return self._service_action_for("customer_service_control.action_service_complaint")

    def action_view_service_returns(self):
        return self._service_action_for("customer_service_control.action_service_return")

    def action_view_service_actions(self):
        return self._service_action_for("customer_service_control.action_service_action")

    def action_view_service_visits(self):
        return self._service_action_for("customer_service_control.action_service_visit")

    def action_view_service_surveys(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("survey.action_survey_user_input")
        action.update(
            {
                "name": self.env._("Satisfaction Surveys of %(customer)s", customer=self.commercial_partner_id.name),
                "domain": self._service_survey_domain(self.commercial_partner_id),
                "context": {"create": False},
            }
        )
        return action
