# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from collections import defaultdict

from odoo import api, fields, models

from .service_satisfaction_campaign import percent, question_max_points


class ServiceSatisfactionQuestionResult(models.Model):
    """Average and satisfied share of one scored question in one campaign: where the
    customers are least satisfied (input of the service review, 4.3.3)."""

    _name = "service.satisfaction.question.result"
    _description = "Satisfaction Result per Question"
    _order = "campaign_id, sequence, id"

    campaign_id = fields.Many2one(
        "service.satisfaction.campaign", "Satisfaction Survey", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="campaign_id.company_id", store=True, index=True)
    period_label = fields.Selection(related="campaign_id.period_label", store=True)
    state = fields.Selection(related="campaign_id.state", string="Survey Status")
    question_id = fields.Many2one("survey.question", required=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    answer_count = fields.Integer("Answers", compute="_compute_scores", store=True)
    max_points = fields.Float("Best Answer (points)", compute="_compute_scores", store=True, digits=(6, 2))
    average_points = fields.Float(
        "Average (points)", compute="_compute_scores", store=True, digits=(6, 2), aggregator="avg"
    )
    average_score = fields.Float(
        "Average Score (%)",
        compute="_compute_scores",
        store=True,
        digits=(5, 2),
        aggregator="avg",
        help="Average points of the completed answers, as a percentage of the best answer.",
    )
    satisfied_rate = fields.Float(
        "Satisfied (%)",
        compute="_compute_scores",
        store=True,
        digits=(5, 2),
        aggregator="avg",
        help="Completed answers to this question that reach the survey's satisfied-from score.",
    )

    _sql_constraints = [
        (
            "campaign_question_uniq",
            "unique(campaign_id, question_id)",
            "A question has one result line per satisfaction survey.",
        ),
    ]

    @api.depends(
        "campaign_id.pass_score",
        "campaign_id.user_input_ids.state",
        "campaign_id.user_input_ids.test_entry",
        "campaign_id.user_input_ids.user_input_line_ids.answer_score",
        "question_id.suggested_answer_ids.answer_score",
    )
    def _compute_scores(self):
        answers = self.campaign_id.user_input_ids.filtered(
            lambda answer: answer.state == "done" and not answer.test_entry
        )
        points = defaultdict(lambda: defaultdict(float))
        for line in answers.user_input_line_ids:
            if not line.skipped and line.question_id in self.question_id:
                points[line.user_input_id.campaign_id.id, line.question_id.id][line.user_input_id.id] += (
                    line.answer_score
                )
        for result in self:
            best = question_max_points(result.question_id)
            scores = list(points[result.campaign_id.id, result.question_id.id].values())
            satisfied = [s for s in scores if best and result.campaign_id._is_satisfied(100.0 * s / best)]
            result.max_points = best
            result.answer_count = len(scores)
            result.average_points = round(sum(scores) / len(scores), 2) if scores else 0.0
            result.average_score = percent(sum(scores), best * len(scores)) if best else 0.0
            result.satisfied_rate = percent(len(satisfied), len(scores))
