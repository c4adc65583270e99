# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import api, fields, models

from .service_mixin import half_year_name

STAT_CATEGORIES = [
    ("complaint_cause", "Complaints by Cause"),
    ("return_type", "Returns by Type"),
    ("return_settlement", "Returns by Settlement"),
    ("satisfaction_trend", "Satisfaction Trend"),
]


class ServiceReviewFigureLine(models.AbstractModel):
    """One figure of a breakdown. Only its key is stored: the label is rendered in the
    reader's language (a cause, a return type, a settlement, a half-year)."""

    _name = "service.review.figure.line"
    _description = "Service Review Breakdown Figure"

    category = fields.Selection(STAT_CATEGORIES, required=True)
    sequence = fields.Integer()
    key = fields.Char(help="Cause or settlement code, return type id, or first day of the half-year.")
    label = fields.Char(compute="_compute_label")
    count = fields.Integer()
    value = fields.Float(help="Quantity returned, or satisfaction rate (%).")
    target = fields.Float(help="Satisfaction target (%) of that half-year.")

    @api.depends("category", "key")
    @api.depends_context("lang")
    def _compute_label(self):
        causes = dict(self.env["service.complaint"]._fields["cause"]._description_selection(self.env))
        settlements = dict(self.env["service.return"]._fields["settlement"]._description_selection(self.env))
        type_ids = [int(line.key) for line in self if line.category == "return_type" and (line.key or "").isdigit()]
        # Return types are configuration every internal user reads; the figure names them.
        types = {rtype.id: rtype.name for rtype in self.env["service.return.type"].sudo().browse(type_ids).exists()}
        for line in self:
            if line.category == "complaint_cause":
                line.label = causes.get(line.key) or self.env._("Not classified")
            elif line.category == "return_settlement":
                line.label = settlements.get(line.key, line.key)
            elif line.category == "return_type":
                line.label = types.get(int(line.key)) if (line.key or "").isdigit() else False
            elif line.category == "satisfaction_trend" and line.key:
                line.label = half_year_name(self.env, fields.Date.to_date(line.key))
            else:
                line.label = line.key


class ServiceReviewStat(models.Model):
    """One figure of a review's breakdown: complaints by cause, returns by type or
    settlement, satisfaction per half-year. Written only by the review's computation
    (as superuser): no role has the right to create, change or remove one."""

    _name = "service.review.stat"
    _inherit = "service.review.figure.line"
    _description = "Service Review Figure"
    _order = "review_id, category, sequence, id"

    review_id = fields.Many2one("service.review", required=True, ondelete="cascade", index=True)
