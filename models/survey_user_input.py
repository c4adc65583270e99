# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import fields, models


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    campaign_id = fields.Many2one(
        "service.satisfaction.campaign",
        "Satisfaction Campaign",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
    )
