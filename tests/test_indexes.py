# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
"""The columns that other tables' work looks up are indexed: a deleted activity (every
finished to-do) makes PostgreSQL look up each column that refers to it, which without
an index reads the whole table (35 ms per activity at 100,000 complaints); the return
forms and complaints of a delivery are searched from the delivery; a salesperson's lists
count the records of his customers (the record rules' customer_user_id)."""

from odoo.tests import TransactionCase, tagged

# (table, column) that must lead an index.
LOOKED_UP = [
    ("service_return", "picking_id"),
    ("service_complaint", "picking_id"),
    *(
        (table, "customer_user_id")
        for table in (
            "service_complaint",
            "service_enquiry",
            "service_return",
            "service_visit",
            "service_site_inspection",
        )
    ),
]


@tagged("post_install", "-at_install")
class TestIndexes(TransactionCase):
    def indexed_columns(self, table):
        self.env.cr.execute(
            """SELECT a.attname FROM pg_index i
                 JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                WHERE i.indrelid = %s::regclass""",
            [table],
        )
        return {row[0] for row in self.env.cr.fetchall()}

    def test_columns_referring_to_activities_are_indexed(self):
        self.env.cr.execute(
            """SELECT c.conrelid::regclass::text, a.attname FROM pg_constraint c
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                WHERE c.contype = 'f' AND c.confrelid = 'mail_activity'::regclass
                  AND c.conrelid::regclass::text LIKE 'service\\_%%'"""
        )
        references = self.env.cr.fetchall()
        self.assertIn(("service_complaint", "assistance_activity_id"), references)
        self.assertIn(("service_visit_finding", "activity_id"), references)
        missing = [ref for ref in references if ref[1] not in self.indexed_columns(ref[0])]
        self.assertFalse(missing, "columns referring to mail_activity without an index")

    def test_deliveries_of_forms_are_indexed(self):
        missing = [ref for ref in LOOKED_UP if ref[1] not in self.indexed_columns(ref[0])]
        self.assertFalse(missing)
