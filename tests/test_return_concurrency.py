# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from contextlib import closing
from uuid import uuid4

from psycopg2.errors import LockNotAvailable, SerializationFailure

from odoo import Command, api
from odoo.exceptions import UserError
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import GROUP, ReturnCase


@tagged("post_install", "-at_install")
class TestReturnConcurrency(TransactionCase):
    """Two users at the same moment, on two real connections: the records are built on
    a committed cursor and deleted afterwards."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dbname = cls.env.cr.dbname
        tag = uuid4().hex[:8]
        with db_connect(cls.dbname).cursor() as cr:  # commits on leaving the block
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            company = env.ref("base.main_company")

            def user(name, *roles, extra=""):
                groups = ",".join(["base.group_user"] + [GROUP + role for role in roles]) + extra
                return new_test_user(env, login=f"c_{name}_{tag}", groups=groups, company_id=company.id).id

            cls.sales_id = user("sales", "user", extra=",sales_team.group_sale_salesman")
            cls.manager_id = user("manager", "manager", extra=",sales_team.group_sale_manager")
            cls.leader_id = user("leader", "leader")
            cls.deputy_id = user("deputy", "leader")
            cls.gm_id = user("gm", "general_manager")
            cls.customer_id = env["res.partner"].create({"name": f"Concurrent Motors {tag}", "is_company": True}).id
            product = env["product.product"].create({"name": f"Bearing C{tag}", "type": "consu"})
            cls.product_id = product.id
            cls.type_id = (
                env["service.return.type"]
                .create(
                    {
                        "name": f"Quick exchange {tag}",
                        "requires_inspection": False,
                        "approver": "leader",
                        "allow_compensation": True,
                        "allow_refund": True,
                    }
                )
                .id
            )
            stock = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1).lot_stock_id
            customers = env.ref("stock.stock_location_customers")
            cls.move_id = (
                env["stock.move"]
                .create(
                    {
                        "name": product.name,
                        "product_id": product.id,
                        "product_uom_qty": 10,
                        "product_uom": product.uom_id.id,
                        "location_id": stock.id,
                        "location_dest_id": customers.id,
                        "partner_id": cls.customer_id,
                        "state": "done",
                        "move_line_ids": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "quantity": 10,
                                    "product_uom_id": product.uom_id.id,
                                    "location_id": stock.id,
                                    "location_dest_id": customers.id,
                                }
                            )
                        ],
                    }
                )
                .id
            )
        cls.addClassCleanup(cls._delete_committed)

    def setUp(self):
        super().setUp()
        self.addCleanup(self._delete_forms)

    @classmethod
    def _delete_forms(cls):
        with db_connect(cls.dbname).cursor() as cr:
            cr.execute("SELECT id FROM service_return WHERE partner_id = %s", [cls.customer_id])
            return_ids = tuple(row[0] for row in cr.fetchall()) or (0,)
            cr.execute("DELETE FROM mail_message WHERE model = 'service.return' AND res_id IN %s", [return_ids])
            cr.execute("DELETE FROM mail_activity WHERE res_model = 'service.return' AND res_id IN %s", [return_ids])
            cr.execute("DELETE FROM mail_followers WHERE res_model = 'service.return' AND res_id IN %s", [return_ids])
            cr.execute("DELETE FROM service_return WHERE id IN %s", [return_ids])

    @classmethod
    def _delete_committed(cls):
        cls._delete_forms()
        with db_connect(cls.dbname).cursor() as cr:
            cr.execute("DELETE FROM stock_move_line WHERE move_id = %s", [cls.move_id])
            cr.execute("DELETE FROM stock_valuation_layer WHERE product_id = %s", [cls.product_id])
            cr.execute("DELETE FROM stock_move WHERE id = %s", [cls.move_id])
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            env["service.return.type"].browse(cls.type_id).unlink()
            env["product.product"].browse(cls.product_id).product_tmpl_id.unlink()
            users = env["res.users"].browse([cls.sales_id, cls.manager_id, cls.leader_id, cls.deputy_id, cls.gm_id])
            partners = users.partner_id | env["res.partner"].browse(cls.customer_id)
            users.unlink()
            partners.unlink()

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def connection(self):
        cr = db_connect(self.dbname).cursor()
        self.addCleanup(cr.close)
        return cr

    def as_user(self, cr, uid):
        return api.Environment(cr, uid, {})["service.return"]

    def committed_form(self, state="approval"):
        """A compensation form (no goods) of the quick type, walked to ``state`` and committed."""
        with db_connect(self.dbname).cursor() as cr:
            ret = self.as_user(cr, self.sales_id).create(
                {
                    "partner_id": self.customer_id,
                    "return_type_id": self.type_id,
                    "settlement": "compensation",
                    "compensation_amount": 20.0,
                    "reason": "<p>Noise</p>",
                }
            )
            if state != "draft":
                ret.with_user(self.manager_id).action_confirm()
                ret.with_user(self.manager_id).action_request_approval()
            ret_id = ret.id
        return ret_id

    def signatures(self, ret_id):
        with closing(db_connect(self.dbname).cursor()) as cr:
            cr.execute(
                "SELECT sequence, state, user_id FROM service_return_approval "
                "WHERE return_id = %s AND kind = 'approval' ORDER BY sequence",
                [ret_id],
            )
            return cr.fetchall()

    def lines_of_move(self):
        with closing(db_connect(self.dbname).cursor()) as cr:
            cr.execute("SELECT quantity FROM service_return_line WHERE move_id = %s", [self.move_id])
            return [row[0] for row in cr.fetchall()]

    def new_form_for_the_move(self, cr, quantity):
        return self.as_user(cr, self.sales_id).create(
            {
                "partner_id": self.customer_id,
                "return_type_id": self.type_id,
                "settlement": "refund",
                "reason": "<p>Noise</p>",
                "line_ids": [
                    Command.create({"move_id": self.move_id, "product_id": self.product_id, "quantity": quantity})
                ],
            }
        )

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------
    def test_two_leaders_approving_at_once_record_one_signature(self):
        ret_id = self.committed_form()
        cr_a, cr_b = self.connection(), self.connection()
        self.as_user(cr_a, self.leader_id).browse(ret_id).action_approve()  # not committed yet
        with self.assertRaisesRegex(UserError, "is being changed by another user; try again"):
            self.as_user(cr_b, self.deputy_id).browse(ret_id).action_approve()
        cr_b.rollback()
        cr_a.commit()
        self.assertEqual(self.signatures(ret_id), [(1, "approved", self.leader_id), (2, "pending", None)])
        # The loser tries again: the leadership step is signed, his role cannot sign the next one.
        with self.assertRaisesRegex(Exception, "General Manager"):
            self.as_user(cr_b, self.deputy_id).browse(ret_id).action_approve()
        cr_b.rollback()
        self.assertEqual(self.signatures(ret_id), [(1, "approved", self.leader_id), (2, "pending", None)])

    def test_every_transition_refuses_a_form_locked_by_another_user(self):
        ret_id = self.committed_form(state="draft")
        holder, cr = self.connection(), self.connection()
        holder.execute("SELECT id FROM service_return WHERE id = %s FOR UPDATE", [ret_id])
        calls = {
            "action_ask_confirmation": (self.sales_id, ()),
            "action_confirm": (self.manager_id, ()),
            "action_start_inspection": (self.manager_id, ()),
            "action_request_approval": (self.manager_id, ()),
            "action_approve": (self.leader_id, ()),
            "action_refuse": (self.manager_id, ("No",)),
            "action_cancel": (self.manager_id, ()),
        }
        for method, (uid, args) in calls.items():
            with self.assertRaisesRegex(UserError, "is being changed by another user", msg=method):
                getattr(self.as_user(cr, uid).browse(ret_id), method)(*args)
            cr.rollback()
        holder.rollback()
        with closing(db_connect(self.dbname).cursor()) as check:
            check.execute("SELECT state FROM service_return WHERE id = %s", [ret_id])
            self.assertEqual(check.fetchone()[0], "draft")

    def test_two_forms_for_one_move_at_once_cannot_exceed_the_delivery(self):
        cr_a, cr_b = self.connection(), self.connection()
        self.new_form_for_the_move(cr_a, 10)  # not committed yet
        # B waits on A either at the gap-free register number or at the delivered move;
        # both are refused at once and retried by Odoo's RPC layer.
        with self.assertRaisesRegex(
            (UserError, LockNotAvailable), "are being returned by another user; try again|could not obtain lock"
        ):
            self.new_form_for_the_move(cr_b, 10)
        cr_b.rollback()
        cr_a.commit()
        with self.assertRaisesRegex(UserError, r"Only 0\.0 Units of .* can still be returned; 10\.0 were asked"):
            self.new_form_for_the_move(cr_b, 10)
        cr_b.rollback()
        self.assertEqual(self.lines_of_move(), [10.0])

    def test_a_form_checked_on_a_stale_snapshot_is_retried(self):
        """A transaction that started before the other committed cannot count on what it
        saw: it fails with a serialization error, which Odoo's RPC layer retries."""
        cr_a, cr_b = self.connection(), self.connection()
        cr_b.execute("SELECT 1")  # B's snapshot is taken now
        self.new_form_for_the_move(cr_a, 6)
        cr_a.commit()
        with self.assertRaises(SerializationFailure):
            self.new_form_for_the_move(cr_b, 6)
        cr_b.rollback()
        self.assertEqual(self.lines_of_move(), [6.0])

    def committed_delivery(self):
        """A done delivery of 10 storable bearings to the customer, committed (and deleted
        after the test)."""
        with db_connect(self.dbname).cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
            product = env["product.product"].create(
                {"name": f"Bearing S{self.customer_id}", "type": "consu", "is_storable": True}
            )
            env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 10)
            delivery = env["stock.picking"].create(
                {
                    "picking_type_id": warehouse.out_type_id.id,
                    "partner_id": self.customer_id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": product.name,
                                "product_id": product.id,
                                "product_uom_qty": 10,
                                "location_id": warehouse.lot_stock_id.id,
                                "location_dest_id": env.ref("stock.stock_location_customers").id,
                            }
                        )
                    ],
                }
            )
            delivery.action_confirm()
            delivery.move_ids.picked = True
            delivery.button_validate()
            ids = product.id, delivery.id
        self.addCleanup(self._delete_stock, *ids)
        return ids

    def _delete_stock(self, product_id, delivery_id):
        self._delete_forms()
        with db_connect(self.dbname).cursor() as cr:
            cr.execute("SELECT id FROM stock_picking WHERE id = %s OR return_id = %s", [delivery_id, delivery_id])
            picking_ids = tuple(row[0] for row in cr.fetchall())
            cr.execute("DELETE FROM mail_message WHERE model = 'stock.picking' AND res_id IN %s", [picking_ids])
            cr.execute("DELETE FROM mail_followers WHERE res_model = 'stock.picking' AND res_id IN %s", [picking_ids])
            cr.execute("DELETE FROM stock_move_line WHERE product_id = %s", [product_id])
            cr.execute("DELETE FROM stock_valuation_layer WHERE product_id = %s", [product_id])
            cr.execute("DELETE FROM stock_move WHERE product_id = %s", [product_id])
            cr.execute("DELETE FROM stock_quant WHERE product_id = %s", [product_id])
            cr.execute("DELETE FROM stock_picking WHERE id IN %s", [picking_ids])
            api.Environment(cr, api.SUPERUSER_ID, {})["product.product"].browse(product_id).product_tmpl_id.unlink()

    def carried_out_or_pending(self, product_id, delivery_id, quantity, carry_out=True):
        """A refund form of ``quantity`` of the delivery, committed with its leader's
        signature, and carried out by the General Manager when ``carry_out``."""
        with db_connect(self.dbname).cursor() as cr:
            picking = api.Environment(cr, self.sales_id, {})["stock.picking"].browse(delivery_id)
            ret = self.as_user(cr, self.sales_id)._create_from_pickings(
                picking, return_type_id=self.type_id, settlement="refund", reason="<p>Noise</p>"
            )
            ret.line_ids.quantity = quantity
            ret.with_user(self.manager_id).action_confirm()
            ret.with_user(self.manager_id).action_request_approval()
            ret.with_user(self.leader_id).action_approve()
            if carry_out:
                ret.with_user(self.gm_id).action_approve()
            return ret.id

    def test_carrying_out_refuses_while_an_earlier_receipt_of_the_delivery_is_received(self):
        ids = self.committed_delivery()
        first_id = self.carried_out_or_pending(*ids, quantity=3)
        second_id = self.carried_out_or_pending(*ids, quantity=2, carry_out=False)
        storekeeper, gm_cr = self.connection(), self.connection()
        gm_cr.execute("SET lock_timeout = '2s'")  # a request that waited would fail here, not hang
        storekeeper.execute(  # the storekeeper's request is writing the first receipt's moves
            "SELECT id FROM stock_move WHERE picking_id IN (SELECT id FROM stock_picking WHERE service_return_id = %s) "
            "FOR UPDATE",
            [first_id],
        )
        with self.assertRaisesRegex(UserError, r"Another user is receiving WH/IN/\d+; try again"):
            self.as_user(gm_cr, self.gm_id).browse(second_id).action_approve()
        gm_cr.rollback()
        storekeeper.rollback()
        self.as_user(gm_cr, self.gm_id).browse(second_id).action_approve()
        gm_cr.commit()
        gm_cr.execute(
            "SELECT r.id, l.quantity, m.state FROM service_return r "
            "JOIN stock_picking p ON p.service_return_id = r.id JOIN stock_move m ON m.picking_id = p.id "
            "JOIN stock_move_line l ON l.move_id = m.id WHERE r.id IN %s ORDER BY r.id",
            [(first_id, second_id)],
        )
        self.assertEqual(gm_cr.fetchall(), [(first_id, 3.0, "assigned"), (second_id, 2.0, "assigned")])


@tagged("post_install", "-at_install")
class TestReturnQuantitiesRechecked(ReturnCase):
    """Odoo's own Return button and other forms between drafting and carrying out."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order, cls.delivery = cls.sell_and_deliver([(cls.bearing, 10, None)])

    def native_return(self, quantity):
        wizard = self.env["stock.return.picking"].create({"picking_id": self.delivery.id})
        wizard.product_return_moves.quantity = quantity
        return wizard._create_return()

    def test_native_return_after_drafting_refuses_the_confirmation(self):
        ret = self.new_return(self.delivery, settlement="refund")
        self.assertEqual(ret.line_ids.quantity, 10)
        self.native_return(10)
        with self.refused(UserError, r"Only 0\.0 Units of .* can still be returned; 10\.0 were asked"):
            self.rpc(self.manager, "service.return", "action_confirm", ret.ids)
        self.assertEqual(ret.state, "draft")
        self.assertFalse(ret.approval_ids)

    def test_native_return_during_the_approval_refuses_the_last_signature(self):
        ret = self.to_approval(self.new_return(self.delivery, settlement="refund"))
        ret.with_user(self.leader).action_approve()
        self.native_return(4)
        with self.refused(UserError, r"Only 6\.0 Units of .* can still be returned; 10\.0 were asked"):
            self.rpc(self.gm, "service.return", "action_approve", ret.ids)
        self.assertEqual(ret.state, "approval")
        self.assertFalse(ret.stock_picking_ids)
        self.assertFalse(ret.credit_note_ids)
        self.assertEqual(ret.approval_ids.filtered("is_final").state, "pending")
