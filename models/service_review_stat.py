# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import fields, models


class ServiceReviewStat(models.Model):
    """One figure of a review's breakdown: complaints by cause, returns by type or
    settlement, satisfaction per half-year."""

    _name = "service.review.stat"
    _description = "Service Review Figure"
    _order = "review_id, category, sequence, id"

    review_id = fields.Many2one("service.review", required=True, ondelete="cascade", index=True)
    category = fields.Selection(
        [
            ("complaint_cause", "Complaints by Cause"),
            ("return_type", "Returns by Type"),
            ("return_settlement", "Returns by Settlement"),
            ("satisfaction_trend", "Satisfaction Trend"),
        ],
        required=True,
    )
    sequence = fields.Integer()
    key = fields.Char()
    label = fields.Char(required=True)
    count = fields.Integer()
    value = fields.Float(help="Quantity returned, or satisfaction rate (%).")
    target = fields.Float(help="Satisfaction target (%) of that half-year.")
