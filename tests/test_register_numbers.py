# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
"""Registers an auditor reads have no gap: a refused create does not use up a number."""

import importlib.util
from pathlib import Path

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ServiceCase

GAP_FREE = (
    "service.enquiry",
    "service.complaint",
    "service.action",
    "service.site.inspection",
    "service.return",
    "service.visit",
    "service.review",
)
MIGRATION = Path(__file__).parent.parent / "migrations" / "18.0.1.1.0" / "post-migrate.py"


def load_migration():
    spec = importlib.util.spec_from_file_location("csc_post_migrate_18_0_1_1_0", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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

    def test_upgrade_switches_an_installed_register_without_reissuing_a_number(self):
        """A database installed before 18.0.1.1.0 has gapped registers: the upgrade makes
        them gap-free and numbering goes on where it was."""
        sequence = self.env["ir.sequence"].create(
            {"name": "Old visit register", "code": "service.visit", "implementation": "standard", "padding": 4}
        )
        issued = [sequence.next_by_id() for _i in range(3)]
        load_migration().migrate(self.env.cr, "18.0.1.0.0")
        self.assertEqual(sequence.implementation, "no_gap")
        self.assertEqual(sequence.next_by_id(), "0004", issued)

    def test_one_batch_draws_consecutive_numbers_per_company(self):
        """A batch create (import, a scheduled action) numbers its records as one by one
        creates would: consecutive, each from its own company's register."""
        other = self.env["res.company"].create({"name": "Second Plant Ltd"})
        self.env["ir.sequence"].create(
            {
                "name": "Enquiries of the second plant",
                "code": "service.enquiry",
                "prefix": "P2/",
                "padding": 3,
                "implementation": "no_gap",
                "company_id": other.id,
            }
        )
        before = self.number(self.new_enquiry().name)
        values = {"partner_id": self.customer.id, "channel": "phone", "subject": "Batch"}
        enquiries = self.env["service.enquiry"].create(
            [values, dict(values, company_id=other.id), values, dict(values, company_id=other.id)]
        )
        main = enquiries.filtered(lambda e: e.company_id == self.company)
        self.assertEqual([self.number(n) for n in main.mapped("name")], [before + 1, before + 2])
        self.assertEqual(enquiries.filtered(lambda e: e.company_id == other).mapped("name"), ["P2/001", "P2/002"])
        self.assertEqual(self.number(self.new_enquiry().name), before + 3)

    def test_a_register_numbered_per_year_is_drawn_in_its_year(self):
        sequence = self.env["ir.sequence"].search(
            [("code", "=", "service.complaint"), ("company_id", "in", [self.company.id, False])], limit=1
        )
        sequence.write({"use_date_range": True, "prefix": "C/%(range_year)s/"})
        complaints = self.env["service.complaint"].create(
            [{"partner_id": self.customer.id, "description": "<p>Noise</p>"}] * 2
        )
        year = sequence.date_range_ids.filtered(lambda r: r.date_from <= fields.Date.today() <= r.date_to)
        self.assertEqual(len(year), 1)
        self.assertEqual(
            complaints.mapped("name"),
            [f"C/{fields.Date.today().year}/{n:0{sequence.padding}d}" for n in (1, 2)],
        )
