# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import SURVEY, ServiceCase, answer_survey

COUNTS = [
    "service_enquiry_count",
    "service_complaint_count",
    "service_open_complaint_count",
    "service_action_count",
    "service_return_count",
    "service_visit_count",
    "last_visit_date",
    "next_visit_date",
    "last_satisfaction_score",
]
BUTTONS = [
    "action_view_service_enquiries",
    "action_view_service_complaints",
    "action_view_service_returns",
    "action_view_service_actions",
    "action_view_service_visits",
]


@tagged("post_install", "-at_install")
class TestPartnerCardAccess(ServiceCase):
    """The customer card counts what the reader may read; the satisfaction score stays
    within the reader's companies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee = new_test_user(cls.env, login="t_plain_employee", groups="base.group_user")
        cls.other_company = cls.env["res.company"].create({"name": "Card Other Ltd"})

    def test_user_without_service_role_reads_the_card(self):
        self.new_enquiry()
        self.new_complaint()
        values = self.rpc(self.employee, "res.partner", "read", self.customer.ids, COUNTS)[0]
        for name in COUNTS:
            self.assertFalse(values[name], f"{name} shown to a user without a service role")

    def test_service_user_counts_what_he_reads(self):
        self.new_enquiry()
        self.new_enquiry(partner_id=self.contact.id)
        values = self.rpc(self.sales, "res.partner", "read", self.contact.ids, ["service_enquiry_count"])[0]
        self.assertEqual(values["service_enquiry_count"], 2)

    def test_buttons_are_hidden_without_a_service_role(self):
        arch = self.rpc(self.employee, "res.partner", "get_views", [[False, "form"]])["views"]["form"]["arch"]
        for button in BUTTONS:
            self.assertNotIn(button, arch)
        self.assertNotIn("last_satisfaction_score", arch)
        arch = self.rpc(self.sales, "res.partner", "get_views", [[False, "form"]])["views"]["form"]["arch"]
        for button in BUTTONS:
            self.assertIn(button, arch)

    def answered(self, company, partner, points):
        """A completed answer of ``partner`` to a campaign of ``company``."""
        survey = self.env.ref(SURVEY)
        campaign = (
            self.env["service.satisfaction.campaign"]
            .sudo()
            .create(
                {
                    "company_id": company.id,
                    "period_start": "2026-01-01",
                    "audience": "list",
                    "partner_ids": [Command.set(partner.ids)],
                }
            )
        )
        answer = (
            self.env["survey.user_input"]
            .sudo()
            .create({"survey_id": survey.id, "partner_id": partner.id, "campaign_id": campaign.id})
        )
        return answer_survey(answer, points)

    def test_last_satisfaction_score_stays_in_the_readers_companies(self):
        partner = self.env["res.partner"].create({"name": "Shared Customer", "is_company": True})
        self.answered(self.other_company, partner, 5)
        self.env.invalidate_all()
        values = self.rpc(self.manager, "res.partner", "read", partner.ids, ["last_satisfaction_score"])[0]
        self.assertEqual(values["last_satisfaction_score"], 0.0, "another company's survey is not shown")
        self.manager.write({"company_ids": [Command.link(self.other_company.id)]})
        self.env.invalidate_all()
        values = self.rpc(self.manager, "res.partner", "read", partner.ids, ["last_satisfaction_score"])[0]
        self.assertEqual(values["last_satisfaction_score"], 100.0)
