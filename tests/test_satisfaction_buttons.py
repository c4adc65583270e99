# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..models.service_mixin import half_year_bounds
from .common import ServiceCase


@tagged("post_install", "-at_install")
class TestSatisfactionButtons(ServiceCase):
    """The satisfaction survey form shows a button only to whom it succeeds for."""

    def test_buttons_follow_role_and_state(self):
        partner = self.env["res.partner"].create(
            {"name": "Button Customer", "is_company": True, "email": "buyer@button.example.com"}
        )
        start, _end = half_year_bounds(fields.Date.today())
        campaign = (
            self.env["service.satisfaction.campaign"]
            .with_user(self.manager)
            .create({"period_start": start, "audience": "list", "partner_ids": [Command.set(partner.ids)]})
        )
        flags = ["can_edit", "can_start", "can_remind", "can_close"]

        def can(user):
            campaign.invalidate_recordset()
            return [name for name in flags if campaign.with_user(user)[name]]

        self.assertEqual(can(self.manager), ["can_edit", "can_start"])
        for user in (self.sales, self.leader, self.inspector):
            self.assertEqual(can(user), [], user.login)
            with self.refused(AccessError, "needs the role"):
                self.rpc(user, "service.satisfaction.campaign", "action_start", campaign.ids)
        self.assertEqual(campaign.state, "draft")
        campaign.action_start()
        self.assertEqual(can(self.manager), ["can_remind", "can_close"])
        self.assertEqual(can(self.sales), ["can_remind"])
        with self.refused(AccessError, "needs the role"):
            self.rpc(self.sales, "service.satisfaction.campaign", "action_close", campaign.ids)
        self.assertEqual(campaign.state, "running")
