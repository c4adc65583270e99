# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import api, fields, models

from ..const import GROUP_LEADER, GROUP_MANAGER
from ..models.service_mixin import half_year_bounds, half_year_name


class ServiceReviewOverview(models.TransientModel):
    """Reporting › Overview: the current half-year's figures, computed when the screen
    opens. A scratch record of the reader; no service review is created or changed."""

    _name = "service.review.overview"
    _inherit = "service.review.figures"
    _description = "Service Overview"

    company_id = fields.Many2one("res.company", required=True, readonly=True, default=lambda self: self.env.company)
    stat_line_ids = fields.One2many("service.review.overview.line", "overview_id", "Breakdown", readonly=True)

    @api.model
    def action_open(self):
        """Compute the current half-year of the current company and show it."""
        self.env["service.review"]._check_role(
            [GROUP_MANAGER, GROUP_LEADER], self.env._("Opening the service overview")
        )
        start, end = half_year_bounds(fields.Date.context_today(self))
        company = self.env.company
        # The leadership reads the aggregate of every record of its company, as the
        # scheduled review does, whatever the rights of each role on the records.
        figures = self.sudo().new({"company_id": company.id, "period_start": start, "period_end": end})
        values = figures._statistics()
        lines = values.pop("stat_line_ids")
        overview = self.create(
            dict(
                values,
                company_id=company.id,
                period_start=start,
                period_end=end,
                stats_computed_at=fields.Datetime.now(),
                stat_line_ids=[fields.Command.create(line) for line in lines],
            )
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Service Overview %(period)s", period=half_year_name(self.env, overview.period_start)),
            "res_model": self._name,
            "res_id": overview.id,
            "view_mode": "form",
            "views": [(self.env.ref("customer_service_control.service_review_overview_view_form").id, "form")],
            "target": "current",
        }

    def action_refresh(self):
        return self.action_open()


class ServiceReviewOverviewLine(models.TransientModel):
    """One figure of the overview's breakdown."""

    _name = "service.review.overview.line"
    _inherit = "service.review.figure.line"
    _description = "Service Overview Figure"
    _order = "overview_id, category, sequence, id"

    overview_id = fields.Many2one("service.review.overview", required=True, ondelete="cascade", index=True)
