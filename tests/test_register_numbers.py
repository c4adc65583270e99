# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
"""Registers an auditor reads have no gap: a refused create does not use up a number."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ServiceCase

GAP_FREE = ("service.enquiry", "service.complaint", "service.action", "service.site.inspection", "service.return")


@tagged("post_install", "-at_install")
class TestRegisterNumbers(ServiceCase):
    def number(self, name):
        return int(name.rsplit("/", 1)[1])

    def test_register_sequences_are_gap_free(self):
        for code in GAP_FREE:
            sequences = self.env["ir.sequence"].search([("code", "=", code)])
            self.assertTrue(sequences, code)
            self.assertEqual(set(sequences.mapped("implementation")), {"no_gap"}, code)

    def test_refused_enquiry_does_not_use_a_number(self):
        first = self.new_enquiry()
        with self.refused(UserError, "can only be changed through its buttons"):
            self.rpc(
                self.sales,
                "service.enquiry",
                "create",
                [{"partner_id": self.customer.id, "subject": "Forged", "state": "done"}],
            )
        second = self.new_enquiry()
        self.assertEqual(self.number(second.name), self.number(first.name) + 1)

    def test_refused_complaint_does_not_use_a_number(self):
        first = self.new_complaint()
        with self.refused(AccessError, "Only the Sales Manager may record"):
            self.rpc(
                self.sales,
                "service.complaint",
                "create",
                [{"partner_id": self.customer.id, "description": "<p>x</p>", "received_at": "2020-01-01 00:00:00"}],
            )
        second = self.new_complaint()
        self.assertEqual(self.number(second.name), self.number(first.name) + 1)

    def test_refused_site_inspection_does_not_use_a_number(self):
        Inspection = self.env["service.site.inspection"].with_user(self.sales)
        vals = {"partner_id": self.customer.id, "purpose": "Audit the grinding line"}
        first = Inspection.create(dict(vals))
        with self.refused(UserError, "can only be changed through its buttons"):
            self.rpc(self.sales, "service.site.inspection", "create", [dict(vals, state="approved")])
        second = Inspection.create(dict(vals))
        self.assertEqual(self.number(second.name), self.number(first.name) + 1)

    def test_refused_action_does_not_use_a_number(self):
        Action = self.env["service.action"].with_user(self.inspector)
        first = Action.create({"title": "Noise test"})
        with self.refused(UserError, "can only be changed through its buttons"):
            self.rpc(self.inspector, "service.action", "create", [{"title": "Forged", "state": "verified"}])
        second = Action.create({"title": "Noise test"})
        self.assertEqual(self.number(second.name), self.number(first.name) + 1)
