# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
"""Registers an auditor reads are numbered without gaps (implementation "no_gap").

Their sequences are ``noupdate`` data: a database installed before 18.0.1.1.0 keeps the
standard (gapped) implementation unless it is switched here, carrying the next number
over so that no reference is issued twice."""

from odoo import SUPERUSER_ID, api

REGISTER_CODES = (
    "service.enquiry",
    "service.site.inspection",
    "service.complaint",
    "service.action",
    "service.return",
    "service.visit",
    "service.review",
)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    sequences = env["ir.sequence"].search([("code", "in", REGISTER_CODES), ("implementation", "=", "standard")])
    for sequence in sequences:
        sequence.write({"implementation": "no_gap", "number_next": sequence.number_next_actual})
