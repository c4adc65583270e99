# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import SettlementCase


@tagged("post_install", "-at_install")
class TestReturnSettlementGuard(SettlementCase):
    """A credit note follows from the form's own receipts only: nobody links a transfer
    or a credit note to a form by hand, and a receipt never credits more than the form
    returns."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.storekeeper = new_test_user(
            cls.env, login="t_storekeeper", groups="base.group_user,stock.group_stock_user", company_id=cls.company.id
        )
        cls.accountant = new_test_user(
            cls.env,
            login="t_accountant",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.company.id,
        )

    def setUp(self):
        super().setUp()
        self.order, delivery = self.sell(self.bearing, 10)
        self.invoice(self.order)
        self.ret = self.approved(self.new_return(delivery, quantities={(self.bearing, None): 4}, settlement="refund"))
        self.receipt = self.receipts(self.ret)

    def linked_pickings(self):
        return self.env["stock.picking"].search_count([("service_return_id", "=", self.ret.id)])

    def picking_vals(self):
        return {
            "picking_type_id": self.warehouse.in_type_id.id,
            "location_id": self.env.ref("stock.stock_location_customers").id,
            "location_dest_id": self.stock.id,
            "partner_id": self.customer.id,
            "service_return_id": self.ret.id,
        }

    def test_storekeeper_cannot_create_a_transfer_for_a_form(self):
        with self.refused(UserError, "only by the form itself"):
            self.rpc(self.storekeeper, "stock.picking", "create", [self.picking_vals()])
        self.assertEqual(self.linked_pickings(), 1)

    def test_context_default_cannot_link_a_transfer_to_a_form(self):
        vals = dict(self.picking_vals())
        vals.pop("service_return_id")
        with self.refused(UserError, "only by the form itself"):
            self.rpc(
                self.storekeeper,
                "stock.picking",
                "create",
                [vals],
                context={"default_service_return_id": self.ret.id},
            )
        self.assertEqual(self.linked_pickings(), 1)

    def test_storekeeper_cannot_relink_or_unlink_a_transfer(self):
        _order, other_delivery = self.sell(self.bearing, 2)
        for value in (False, self.ret.id):
            with self.refused(UserError, "only by the form itself"):
                self.rpc(
                    self.storekeeper,
                    "stock.picking",
                    "write",
                    other_delivery.ids if value else self.receipt.ids,
                    {"service_return_id": value},
                )
        self.assertEqual(self.receipt.service_return_id, self.ret)
        self.assertFalse(other_delivery.service_return_id)

    def test_accountant_cannot_link_a_credit_note_to_a_form(self):
        vals = {"move_type": "out_refund", "partner_id": self.customer.id, "service_return_id": self.ret.id}
        with self.refused(UserError, "only by the form itself"):
            self.rpc(self.accountant, "account.move", "create", [vals])
        with self.refused(UserError, "only by the form itself"):
            self.rpc(
                self.accountant,
                "account.move",
                "create",
                [{"move_type": "out_refund", "partner_id": self.customer.id}],
                context={"default_service_return_id": self.ret.id},
            )
        self.assertFalse(self.env["account.move"].search_count([("service_return_id", "=", self.ret.id)]))

    def test_over_receipt_credits_only_what_the_form_returns(self):
        self.receipt.move_ids.quantity = 6
        self.validate(self.receipt)
        self.assertEqual(self.order.order_line.qty_delivered, 4, "stock counts what really came in")
        self.assertEqual(self.ret.credit_note_ids.invoice_line_ids.quantity, 4)
        self.assertEqual(self.ret.credit_note_ids.amount_untaxed, 160.0)

    def test_storekeeper_without_invoicing_rights_validates_the_receipt(self):
        self.validate(self.receipt.with_user(self.storekeeper))
        self.assertEqual(self.ret.state, "done")
        self.assertEqual(self.ret.credit_note_ids.amount_untaxed, 160.0)
        self.assertEqual(self.ret.credit_note_ids.state, "draft", "accounting posts it")
        self.assertEqual(self.order.order_line.qty_invoiced, 6)

    def test_storekeeper_cancelling_the_receipt_cancels_the_form(self):
        self.receipt.with_user(self.storekeeper).action_cancel()
        self.assertEqual(self.ret.state, "cancelled")
        self.assertFalse(self.ret.credit_note_ids)
