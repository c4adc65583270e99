# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import api, fields, models


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

    # Complaints by e-mail
    service_complaint_alias_name = fields.Char(
        "Complaints Alias",
        compute="_compute_service_complaint_alias_name",
        readonly=False,
        help="E-mails to this address open a complaint.",
    )
    service_complaint_alias_domain = fields.Char(related="company_id.alias_domain_name")
    service_complaint_acknowledge_all = fields.Boolean(
        related="company_id.service_complaint_acknowledge_all", readonly=False
    )

    @api.depends("company_id")
    def _compute_service_complaint_alias_name(self):
        for settings in self:
            settings.service_complaint_alias_name = settings.company_id.sudo().service_complaint_alias_id.alias_name

    def set_values(self):
        res = super().set_values()
        alias = self.company_id.sudo().service_complaint_alias_id
        if (self.service_complaint_alias_name or False) != (alias.alias_name or False) or (
            alias and alias.alias_domain_id != self.company_id.alias_domain_id
        ):
            self.company_id._service_set_complaint_alias(self.service_complaint_alias_name)
        return res
