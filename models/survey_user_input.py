# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import api, fields, models

# What a satisfaction campaign counts of an answer, besides which campaign it belongs to
# (the ORM follows campaign_id itself): whether it is a test and whether it is completed.
COUNTED_FIELDS = ("state", "test_entry")
# What gives a completed answer its score (its lines also signal their own changes).
SCORED_FIELDS = ("predefined_question_ids", "user_input_line_ids")


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

    def write(self, vals):
        if not set(vals).intersection(COUNTED_FIELDS + SCORED_FIELDS) or not self.campaign_id:
            return super().write(vals)
        before = {answer: answer._campaign_count_key() for answer in self}
        scored = bool(set(vals).intersection(SCORED_FIELDS))
        res = super().write(vals)
        changed = self.filtered(
            lambda answer: answer._campaign_count_key() != before[answer] or (scored and answer.state == "done")
        )
        changed.campaign_id._refresh_results()
        return res

    def _campaign_count_key(self):
        """How the campaign counts this answer: invited (not a test), and completed."""
        return (self.test_entry, self.state == "done")


class SurveyUserInputLine(models.Model):
    _inherit = "survey.user_input.line"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._completed_campaigns()._refresh_results()
        return lines

    def write(self, vals):
        before = self._completed_campaigns() if "user_input_id" in vals else self.env["service.satisfaction.campaign"]
        res = super().write(vals)
        (before | self._completed_campaigns())._refresh_results()
        return res

    def unlink(self):
        campaigns = self._completed_campaigns()
        res = super().unlink()
        campaigns._refresh_results()
        return res

    def _completed_campaigns(self):
        """Campaigns of the completed answers of these lines: a line of a completed answer
        changes its score (a survey manager may correct one directly); a line saved while
        the customer answers does not count until the answer is completed."""
        return self.user_input_id.filtered(lambda answer: answer.state == "done").campaign_id
