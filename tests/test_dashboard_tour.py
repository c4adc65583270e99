# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import ServiceCase


@tagged("post_install", "-at_install")
class TestDashboardTour(ServiceCase, HttpCase):
    """The dashboard in the browser, as a salesperson: its KPI cards, its six charts and
    the list behind a card (static/tests/tours/dashboard_tour.js)."""

    def test_salesperson_opens_the_dashboard_and_the_complaints_behind_a_card(self):
        Complaint = self.env["service.complaint"]
        values = {"partner_id": self.customer.id, "user_id": self.sales.id, "description": "<p>Noise</p>"}
        Complaint.create(dict(values, received_at=fields.Datetime.now() - relativedelta(days=3)))
        Complaint.create(values)
        Complaint._cron_sla_watch()
        self.assertEqual(Complaint.search_count([("user_id", "=", self.sales.id), ("is_overdue", "=", True)]), 1)
        self.start_tour("/odoo", "customer_service_control_dashboard_tour", login=self.sales.login)
