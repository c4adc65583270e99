# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import fields, models

# What a satisfaction campaign counts of an answer, besides which campaign it belongs to
# (the ORM follows campaign_id itself): whether it is a test and whether it is completed.
COUNTED_FIELDS = ("state", "test_entry")
# What gives a completed answer its score. A completed answer's lines are changed through
# the answer (the survey pages refuse a completed answer); the model of the lines is not
# extended, and a completed answer counts again from scratch whenever one is completed.
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
