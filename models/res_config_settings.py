# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    service_enquiry_reply_days = fields.Integer(related="company_id.service_enquiry_reply_days", readonly=False)
    service_complaint_response_hours = fields.Integer(
        related="company_id.service_complaint_response_hours", readonly=False
    )
    service_sla_use_calendar = fields.Boolean(related="company_id.service_sla_use_calendar", readonly=False)
    service_manager_user_id = fields.Many2one(related="company_id.service_manager_user_id", readonly=False)
    service_management_rep_id = fields.Many2one(related="company_id.service_management_rep_id", readonly=False)

    service_satisfaction_start_date = fields.Date(related="company_id.service_satisfaction_start_date", readonly=False)
    service_target_year1 = fields.Float(related="company_id.service_target_year1", readonly=False)
    service_target_year2 = fields.Float(related="company_id.service_target_year2", readonly=False)
    service_target_year3 = fields.Float(related="company_id.service_target_year3", readonly=False)
    service_satisfaction_pass_score = fields.Float(related="company_id.service_satisfaction_pass_score", readonly=False)
