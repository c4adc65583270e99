# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from datetime import date

from odoo import api, sql_db
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

DEMO = "customer_service_control.user_csc_"


@tagged("post_install", "-at_install")
class TestReviewConcurrency(TransactionCase):
    """Two General Managers approving one review at the same moment, on two real
    connections: one approval is recorded, the other gets a clear message."""

    def setUp(self):
        super().setUp()
        self.dbname = self.env.cr.dbname
        with sql_db.db_connect(self.dbname).cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            review = env["service.review"].create(
                {
                    "company_id": company.id,
                    "period_start": date(2019, 1, 1),
                    "period_end": date(2019, 6, 30),
                    "user_id": env.ref(DEMO + "manager").id,
                    "dissatisfaction_areas": "<p>Noise</p>",
                    "market_forecast": "<p>Flat</p>",
                }
            )
            review.with_user(env.ref(DEMO + "manager")).action_submit()
            self.review_id = review.id
            self.gm_id = env.ref(DEMO + "gm").id
        self.addCleanup(self.delete_review)

    def delete_review(self):
        with sql_db.db_connect(self.dbname).cursor() as cr:
            cr.execute("DELETE FROM mail_activity WHERE res_model = 'service.review' AND res_id = %s", [self.review_id])
            cr.execute("DELETE FROM mail_message WHERE model = 'service.review' AND res_id = %s", [self.review_id])
            cr.execute(
                "DELETE FROM mail_followers WHERE res_model = 'service.review' AND res_id = %s", [self.review_id]
            )
            cr.execute("DELETE FROM service_review WHERE id = %s", [self.review_id])

    def test_two_approvals_at_once_record_one(self):
        with sql_db.db_connect(self.dbname).cursor() as cr_a, sql_db.db_connect(self.dbname).cursor() as cr_b:
            # Without the row lock the second approval would wait for the first: fail, not hang.
            cr_b.execute("SET lock_timeout = '3s'")
            first = api.Environment(cr_a, self.gm_id, {})["service.review"].browse(self.review_id)
            second = api.Environment(cr_b, self.gm_id, {})["service.review"].browse(self.review_id)
            first.action_approve()
            with self.assertRaisesRegex(UserError, "is being changed by another user; try again"):
                second.action_approve()
            cr_b.rollback()
            cr_a.commit()
        with sql_db.db_connect(self.dbname).cursor() as cr:
            cr.execute("SELECT state, approved_by_id FROM service_review WHERE id = %s", [self.review_id])
            self.assertEqual(cr.fetchone(), ("approved", self.gm_id))
            cr.execute(
                """
                SELECT count(*)
                  FROM mail_tracking_value value
                  JOIN mail_message message ON message.id = value.mail_message_id
                  JOIN ir_model_fields field ON field.id = value.field_id
                 WHERE message.model = 'service.review' AND message.res_id = %s
                   AND field.name = 'state' AND value.new_value_char = 'Approved'
                """,
                [self.review_id],
            )
            self.assertEqual(cr.fetchone()[0], 1, "one approval in the chatter")
