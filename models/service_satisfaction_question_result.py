# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

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
        "campaign_id.user_input_ids",
        "question_id.suggested_answer_ids.answer_score",
    )
    def _compute_scores(self):
        """One grouped query on the completed answers, whatever their number: the
        points of each answer to each question, counted by value. The answers signal
        when one is completed or a completed one changes (``campaign._refresh_results``)."""
        distribution = self._points_distribution()
        for result in self:
            best = question_max_points(result.question_id)
            campaign = result.campaign_id
            answers = distribution.get((campaign.id, result.question_id.id), {})
            count = sum(answers.values())
            total = sum(points * number for points, number in answers.items())
            satisfied = sum(
                number for points, number in answers.items() if best and campaign._is_satisfied(100.0 * points / best)
            )
            result.max_points = best
            result.answer_count = count
            result.average_points = round(total / count, 2) if count else 0.0
            result.average_score = percent(total, best * count) if best else 0.0
            result.satisfied_rate = percent(satisfied, count)

    def _points_distribution(self):
        """{(campaign id, question id): {points: number of completed answers}} of the
        completed, non-test answers (the points of an answer to a question are the sum
        of its lines, as survey.user_input counts them)."""
        campaign_ids = tuple(self.campaign_id.ids)
        if not campaign_ids:
            return {}
        Answer, Line = self.env["survey.user_input"], self.env["survey.user_input.line"]
        Answer.flush_model(["campaign_id", "state", "test_entry"])
        Line.flush_model(["user_input_id", "question_id", "skipped", "answer_score"])
        rows = self.env.execute_query(
            SQL(
                # Answer by answer through the index on user_input_id, whatever the
                # planner's statistics say (a join planned on stale statistics was
                # found to compare every line with every answer).
                """
                SELECT answer.campaign_id, per_answer.question_id, per_answer.points, COUNT(*)
                  FROM %(answer)s answer
                  CROSS JOIN LATERAL (
                        SELECT line.question_id, SUM(line.answer_score) AS points
                          FROM %(line)s line
                         WHERE line.user_input_id = answer.id
                           AND line.skipped IS NOT TRUE
                      GROUP BY line.question_id
                       ) AS per_answer
                 WHERE answer.campaign_id IN %(campaign_ids)s
                   AND answer.state = 'done'
                   AND answer.test_entry IS NOT TRUE
              GROUP BY answer.campaign_id, per_answer.question_id, per_answer.points
                """,
                line=SQL.identifier(Line._table),
                answer=SQL.identifier(Answer._table),
                campaign_ids=campaign_ids,
            )
        )
        distribution = defaultdict(dict)
        for campaign_id, question_id, points, count in rows:
            distribution[campaign_id, question_id][points] = count
        return distribution
