# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import api, fields, models

from ..models.service_customer_mail import TEMPLATE_SATISFACTION_INVITE


class SurveyInvite(models.TransientModel):
    """Survey's invitation wizard, taught to create and resend a campaign's own answers
    (only two hooks; the wizard itself stays survey's)."""

    _inherit = "survey.invite"

    service_campaign_id = fields.Many2one("service.satisfaction.campaign", "Satisfaction Campaign", readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        # A campaign's invitation is the add-on's own e-mail, not survey's generic one.
        template = self.env.ref(TEMPLATE_SATISFACTION_INVITE, raise_if_not_found=False)
        for vals in vals_list:
            if vals.get("service_campaign_id") and template:
                vals.update(template_id=template.id, subject=False, body=False)
        return super().create(vals_list)

    def _get_answers_values(self):
        values = super()._get_answers_values()
        if self.service_campaign_id:
            values["campaign_id"] = self.service_campaign_id.id
        return values

    def _get_done_partners_emails(self, existing_answers):
        # Within a campaign only its own answers exist: the answers of earlier
        # campaigns on the same questionnaire are neither resent nor reused.
        if self.service_campaign_id:
            existing_answers = existing_answers.filtered(lambda answer: answer.campaign_id == self.service_campaign_id)
        return super()._get_done_partners_emails(existing_answers)
