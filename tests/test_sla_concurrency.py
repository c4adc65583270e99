# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
"""The SLA watch running while a user records the first response, on two real connections."""

from contextlib import closing, contextmanager
from datetime import timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import UserError
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged

OVERDUE = "customer_service_control.mail_act_service_overdue"


@tagged("post_install", "-at_install")
class TestSlaConcurrency(TransactionCase):
    """Nothing is written on the test's own cursor: the fixtures are committed on a
    connection of their own and deleted afterwards."""

    def setUp(self):
        super().setUp()
        self.dbname = self.env.cr.dbname
        with self.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            partner = env["res.partner"].create({"name": "Two Cursors Bearings", "is_company": True})
            complaint = env["service.complaint"].create(
                {
                    "partner_id": partner.id,
                    "description": "<p>Noise.</p>",
                    "received_at": fields.Datetime.now() - timedelta(days=3),
                    "user_id": env.ref("base.user_admin").id,
                }
            )
            self.partner_id, self.complaint_id = partner.id, complaint.id
        self.addCleanup(self.delete_fixtures)

    @contextmanager
    def cursor(self):
        """A real, separate connection that commits on success."""
        with closing(db_connect(self.dbname).cursor()) as cr:
            yield cr
            # a second real transaction: what it did must be visible to the other connections
            cr.commit()  # pylint: disable=invalid-commit

    def delete_fixtures(self):
        with self.cursor() as cr:
            ids = (self.complaint_id,)
            cr.execute("DELETE FROM mail_activity WHERE res_model = 'service.complaint' AND res_id IN %s", [ids])
            cr.execute("DELETE FROM mail_message WHERE model = 'service.complaint' AND res_id IN %s", [ids])
            cr.execute("DELETE FROM mail_followers WHERE res_model = 'service.complaint' AND res_id IN %s", [ids])
            cr.execute("DELETE FROM service_complaint WHERE id IN %s", [ids])
            cr.execute("DELETE FROM mail_followers WHERE partner_id = %s", [self.partner_id])
            cr.execute("DELETE FROM res_partner WHERE id = %s", [self.partner_id])

    def user_env(self, cr):
        return api.Environment(cr, api.Environment(cr, SUPERUSER_ID, {}).ref("base.user_admin").id, {})

    def run_watch(self, cr):
        """The real scheduled action, limited to the fixture (demo records stay as they are)."""
        env = api.Environment(cr, SUPERUSER_ID, {})
        Complaint = env["service.complaint"]
        original = type(Complaint)._sla_overdue_domain
        complaint_id = self.complaint_id

        def domain(model):
            return original(model) + [("id", "=", complaint_id)]

        with patch.object(type(Complaint), "_sla_overdue_domain", domain):
            flagged = Complaint._cron_sla_watch()
        env.flush_all()
        return flagged.ids

    def respond(self, cr):
        complaint = self.user_env(cr)["service.complaint"].browse(self.complaint_id)
        complaint.write({"response_type": "call"})
        complaint.action_respond()
        complaint.env.flush_all()

    def assert_consistent(self):
        with self.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            complaint = env["service.complaint"].browse(self.complaint_id)
            self.assertEqual(complaint.state, "responded")
            self.assertFalse(complaint.is_overdue, "a responded complaint is left flagged overdue")
            open_overdue = complaint.activity_ids.filtered(lambda a: a.activity_type_id == env.ref(OVERDUE))
            self.assertFalse(open_overdue, "a responded complaint keeps an open overdue activity")

    def test_watch_skips_the_complaint_a_user_is_answering(self):
        with self.cursor() as user_cr:
            self.respond(user_cr)  # row locked, not committed yet
            with self.cursor() as cron_cr:
                self.assertEqual(self.run_watch(cron_cr), [], "the watch flagged a complaint being answered")
        self.assert_consistent()

    def test_user_answering_while_the_watch_flags_is_told_to_retry(self):
        with self.cursor() as cron_cr:
            self.assertEqual(self.run_watch(cron_cr), [self.complaint_id])
            with closing(db_connect(self.dbname).cursor()) as user_cr:
                with self.assertRaisesRegex(UserError, "being changed by another user; try again"):
                    self.respond(user_cr)
                user_cr.rollback()
        # the watch committed its flag; the user tries again and the answer clears it
        with self.cursor() as user_cr:
            self.respond(user_cr)
        self.assert_consistent()
