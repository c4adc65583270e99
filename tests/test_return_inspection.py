# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import GROUP, ReturnCase

INSPECTION_VALUES = {
    "inspection_result": "nonconforming",
    "defect": "Raceway pitted",
    "measured_values": "58 dB",
}


@tagged("post_install", "-at_install")
class TestReturnInspection(ReturnCase):
    """The re-inspection is the Inspection Group's alone: only an inspector assigned to
    the form records results, stamped with that user and day, frozen once sent."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_inspector = new_test_user(
            cls.env, login="t_inspector_2", groups=f"base.group_user,{GROUP}inspector", company_id=cls.company.id
        )
        cls.order, cls.delivery = cls.sell_and_deliver([(cls.bearing, 10, None), (cls.bearing_z2, 4, None)])

    def setUp(self):
        super().setUp()
        self.ret = self.new_return(
            self.delivery, quantities={(self.bearing, None): 5, (self.bearing_z2, None): 2}, settlement="refund"
        )
        self.ret.with_user(self.manager).action_confirm()
        self.ret.with_user(self.prod_manager).inspector_ids = self.inspector
        self.ret.with_user(self.prod_manager).action_start_inspection()
        self.line = self.ret.line_ids[0]

    def stored(self, lines=None):
        lines = lines or self.ret.line_ids
        names = ["inspection_result", "defect", "measured_values", "inspector_id", "inspection_date"]
        return [(line.id, *[line[name] for name in names]) for line in lines]

    def add_line_values(self, **vals):
        values = {
            "return_id": self.ret.id,
            "move_id": self.delivery.move_ids[0].id,
            "product_id": self.delivery.move_ids[0].product_id.id,
            "quantity": 1,
        }
        values.update(vals)
        return values

    def draft(self):
        return self.new_return(self.delivery, quantities={(self.bearing, None): 1})

    # ------------------------------------------------------------------
    # No result at creation, whoever creates the line
    # ------------------------------------------------------------------
    def test_line_created_with_a_result_is_refused(self):
        ret = self.draft()
        for user in (self.sales, self.manager):
            for field_name, value in (
                ("inspection_result", "conforming"),
                ("inspector_id", self.inspector.id),
                ("inspection_date", "2026-01-05"),
                ("measured_values", "40 dB"),
                ("defect", "None"),
            ):
                with self.refused(UserError, "cannot be added with a re-inspection result"):
                    self.rpc(
                        user,
                        "service.return.line",
                        "create",
                        [self.add_line_values(return_id=ret.id, **{field_name: value})],
                    )
        self.assertEqual(len(ret.line_ids), 1)
        self.assertFalse(ret.line_ids.inspection_result)

    def test_line_created_with_a_context_default_result_is_refused(self):
        ret = self.draft()
        records = self.env(user=self.sales, context={"default_inspection_result": "conforming"})
        with self.refused(UserError, "cannot be added with a re-inspection result"):
            records["service.return.line"].create(self.add_line_values(return_id=ret.id))
        records = self.env(user=self.sales, context={"default_inspector_id": self.sales.id})
        with self.refused(UserError, "cannot be added with a re-inspection result"):
            records["service.return.line"].create(self.add_line_values(return_id=ret.id))
        self.assertEqual(len(ret.line_ids), 1)

    def test_form_created_with_inspected_lines_is_refused(self):
        count = self.env["service.return"].search_count([])
        move = self.delivery.move_ids[0]
        with self.refused(UserError, "cannot be added with a re-inspection result"):
            self.rpc(
                self.sales,
                "service.return",
                "create",
                {
                    "partner_id": self.customer.id,
                    "return_type_id": self.env.ref("customer_service_control.return_type_partial").id,
                    "reason": "<p>Noise</p>",
                    "line_ids": [
                        Command.create(
                            {
                                "move_id": move.id,
                                "product_id": move.product_id.id,
                                "quantity": 1,
                                "inspection_result": "conforming",
                                "inspector_id": self.inspector.id,
                            }
                        )
                    ],
                },
            )
        self.assertEqual(self.env["service.return"].search_count([]), count)

    def test_imported_line_with_a_result_is_refused(self):
        ret = self.draft()
        result = self.rpc(
            self.sales,
            "service.return.line",
            "load",
            ["return_id/.id", "move_id/.id", "product_id/.id", "quantity", "inspection_result"],
            [[str(ret.id), str(self.delivery.move_ids[0].id), str(self.bearing.id), "1", "conforming"]],
        )
        self.env.invalidate_all()
        self.assertFalse(result["ids"])
        self.assertIn("cannot be added with a re-inspection result", result["messages"][0]["message"])
        self.assertEqual(len(ret.line_ids), 1)

    # ------------------------------------------------------------------
    # Who records, when
    # ------------------------------------------------------------------
    def test_assigned_inspector_records_and_is_stamped(self):
        self.rpc(self.inspector, "service.return.line", "write", self.line.ids, INSPECTION_VALUES)
        self.assertEqual(self.line.inspection_result, "nonconforming")
        self.assertEqual(self.line.inspector_id, self.inspector)
        self.assertEqual(self.line.inspection_date, fields.Date.context_today(self.line))

    def test_inspector_not_assigned_cannot_record(self):
        before = self.stored()
        # An inspector not assigned does not even see the form (record rules).
        with self.refused(AccessError, "Returned Product"):
            self.rpc(self.other_inspector, "service.return.line", "write", self.line.ids, INSPECTION_VALUES)
        self.assertEqual(self.stored(), before)

    def test_production_manager_not_assigned_cannot_record(self):
        before = self.stored()
        with self.refused(AccessError, "assigned to it"):
            self.rpc(self.prod_manager, "service.return.line", "write", self.line.ids, INSPECTION_VALUES)
        self.assertEqual(self.stored(), before)

    def test_other_roles_cannot_record(self):
        before = self.stored()
        for user in (self.sales, self.manager, self.leader, self.gm):
            with self.refused(AccessError, "Inspection Group"):
                self.rpc(user, "service.return.line", "write", self.line.ids, {"inspection_result": "conforming"})
            with self.refused(AccessError, "Inspection Group"):
                self.rpc(user, "service.return.line", "write", self.line.ids, {"measured_values": "1 dB"})
        with self.refused(AccessError, "Returned Product"):  # Technical does not see the form
            self.rpc(self.technical, "service.return.line", "write", self.line.ids, {"inspection_result": "conforming"})
        self.assertEqual(self.stored(), before)

    def test_result_through_the_form_commands_is_refused(self):
        before = self.stored()
        with self.refused(AccessError, "Inspection Group"):
            self.rpc(
                self.sales,
                "service.return",
                "write",
                self.ret.ids,
                {"line_ids": [Command.update(self.line.id, {"inspection_result": "conforming"})]},
            )
        self.assertEqual(self.stored(), before)

    def test_inspector_and_date_cannot_be_entered(self):
        before = self.stored()
        for values in (
            dict(INSPECTION_VALUES, inspector_id=self.other_inspector.id),
            dict(INSPECTION_VALUES, inspection_date="2025-01-01"),
            {"inspector_id": self.inspector.id},
        ):
            with self.refused(UserError, "are stamped when the result is recorded"):
                self.rpc(self.inspector, "service.return.line", "write", self.line.ids, values)
        self.assertEqual(self.stored(), before)

    def test_result_before_the_inspection_is_refused(self):
        ret = self.draft()
        ret.with_user(self.prod_manager).inspector_ids = self.inspector
        ret.with_user(self.manager).action_confirm()
        before = self.stored(ret.line_ids)
        with self.refused(UserError, "needs the state “Re-inspection”"):
            self.rpc(self.inspector, "service.return.line", "write", ret.line_ids.ids, INSPECTION_VALUES)
        self.assertEqual(self.stored(ret.line_ids), before)

    def test_result_is_frozen_once_sent_for_approval(self):
        self.ret.line_ids.with_user(self.inspector).write(INSPECTION_VALUES)
        self.rpc(self.inspector, "service.return", "action_request_approval", self.ret.ids)
        before = self.stored()
        with self.refused(UserError, "needs the state “Re-inspection”"):
            self.rpc(self.inspector, "service.return.line", "write", self.line.ids, {"inspection_result": "conforming"})
        self.assertEqual(self.stored(), before)
        self.assertFalse(self.ret.with_user(self.inspector).can_record_inspection)

    # ------------------------------------------------------------------
    # Sending the form on
    # ------------------------------------------------------------------
    def test_sales_manager_cannot_send_the_inspection_on(self):
        self.ret.line_ids.with_user(self.inspector).write(INSPECTION_VALUES)
        for user in (self.manager, self.sales, self.leader):
            with self.refused(AccessError, "is for the inspectors assigned to .* or the role “Production Manager”"):
                self.rpc(user, "service.return", "action_request_approval", self.ret.ids)
        with self.refused(AccessError, "Returned Product Handling Form"):  # not assigned: not seen
            self.rpc(self.other_inspector, "service.return", "action_request_approval", self.ret.ids)
        self.assertEqual(self.ret.state, "inspection")

    def test_form_not_inspected_cannot_be_sent(self):
        self.line.with_user(self.inspector).write(INSPECTION_VALUES)
        for user in (self.inspector, self.prod_manager):
            with self.refused(UserError, "needs a re-inspection result recorded by one of its inspectors"):
                self.rpc(user, "service.return", "action_request_approval", self.ret.ids)
        self.assertEqual(self.ret.state, "inspection")
        self.assertFalse(self.ret.with_user(self.inspector).can_request_approval)

    def test_result_of_an_inspector_removed_from_the_form_does_not_count(self):
        self.ret.line_ids.with_user(self.inspector).write(INSPECTION_VALUES)
        self.ret.with_user(self.prod_manager).inspector_ids = self.other_inspector
        with self.refused(UserError, "needs a re-inspection result recorded by one of its inspectors"):
            self.rpc(self.prod_manager, "service.return", "action_request_approval", self.ret.ids)
        self.assertEqual(self.ret.state, "inspection")

    def test_production_manager_or_assigned_inspector_sends_it_on(self):
        self.ret.line_ids.with_user(self.inspector).write(INSPECTION_VALUES)
        self.assertTrue(self.ret.with_user(self.prod_manager).can_request_approval)
        self.assertTrue(self.ret.with_user(self.inspector).can_request_approval)
        self.assertFalse(self.ret.with_user(self.manager).can_request_approval)
        self.rpc(self.prod_manager, "service.return", "action_request_approval", self.ret.ids)
        self.assertEqual(self.ret.state, "approval")

    # ------------------------------------------------------------------
    # Assigning the inspectors
    # ------------------------------------------------------------------
    def test_only_the_production_manager_assigns_inspectors(self):
        for user in (self.sales, self.manager, self.inspector, self.gm):
            with self.refused(AccessError, "Production Manager"):
                self.rpc(user, "service.return", "write", self.ret.ids, {"inspector_ids": [Command.link(user.id)]})
        self.assertEqual(self.ret.inspector_ids, self.inspector)

    def test_inspectors_at_creation_need_the_production_manager(self):
        count = self.env["service.return"].search_count([])
        values = {
            "partner_id": self.customer.id,
            "return_type_id": self.env.ref("customer_service_control.return_type_partial").id,
            "settlement": "compensation",
            "compensation_amount": 5.0,
        }
        with self.refused(AccessError, "Production Manager"):
            self.rpc(
                self.sales, "service.return", "create", dict(values, inspector_ids=[Command.set(self.inspector.ids)])
            )
        Return = self.env(user=self.sales, context={"default_inspector_ids": [Command.set(self.inspector.ids)]})
        with self.refused(AccessError, "Production Manager"):
            Return["service.return"].create(values)
        self.assertEqual(self.env["service.return"].search_count([]), count)

    def test_inspector_without_the_inspection_role_is_refused(self):
        with self.refused(ValidationError, "inspectors need the role “Inspection Group”"):
            self.rpc(
                self.prod_manager,
                "service.return",
                "write",
                self.ret.ids,
                {"inspector_ids": [Command.link(self.technical.id)]},
            )
        self.assertEqual(self.ret.inspector_ids, self.inspector)

    def test_inspectors_are_frozen_once_sent_for_approval(self):
        self.ret.line_ids.with_user(self.inspector).write(INSPECTION_VALUES)
        self.ret.with_user(self.inspector).action_request_approval()
        with self.refused(UserError, "Assigning inspectors is not possible"):
            self.rpc(
                self.prod_manager,
                "service.return",
                "write",
                self.ret.ids,
                {"inspector_ids": [Command.set(self.other_inspector.ids)]},
            )
        self.assertEqual(self.ret.inspector_ids, self.inspector)

    def test_the_form_shows_inspection_columns_to_assigned_inspectors_only(self):
        self.assertTrue(self.ret.with_user(self.inspector).can_record_inspection)
        for user in (self.other_inspector, self.prod_manager, self.sales, self.manager):
            self.assertFalse(self.ret.with_user(user).can_record_inspection, user.login)
