# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import GROUP, ReturnCase

SPEC = {
    "state": {},
    "can_record_inspection": {},
    "can_request_approval": {},
    "line_ids": {"fields": {"inspection_result": {}, "defect": {}, "inspector_id": {"fields": {}}}},
}


@tagged("post_install", "-at_install")
class TestReturnFormInspector(ReturnCase):
    """What the assigned inspector does in the return form's lines, through the web
    client's own calls (onchange, web_save): found by the return tour, where the
    results typed in the lines were silently dropped at save."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_inspector = new_test_user(
            cls.env, login="t_inspector_3", groups=f"base.group_user,{GROUP}inspector", company_id=cls.company.id
        )
        _order, cls.delivery = cls.sell_and_deliver([(cls.bearing, 10, None)])

    def setUp(self):
        super().setUp()
        self.ret = self.new_return(self.delivery, quantities={(self.bearing, None): 2})
        self.ret.with_user(self.manager).action_confirm()
        self.ret.with_user(self.prod_manager).inspector_ids = self.inspector
        self.ret.with_user(self.prod_manager).action_start_inspection()
        self.line = self.ret.line_ids

    def result_commands(self):
        return {"line_ids": [Command.update(self.line.id, {"inspection_result": "nonconforming", "defect": "52 dB"})]}

    def stored(self):
        self.env.invalidate_all()
        return self.line.read(["inspection_result", "defect", "inspector_id"])[0]

    def test_lines_stay_editable_for_the_assigned_inspector_while_he_types(self):
        """The form's onchange must not turn the lines read-only: the client would then
        leave them out of the save."""
        result = self.rpc(
            self.inspector, "service.return", "onchange", self.ret.ids, self.result_commands(), ["line_ids"], SPEC
        )
        self.assertNotEqual(result["value"].get("can_record_inspection"), False)
        form = self.ret.with_user(self.inspector).new(origin=self.ret)
        self.assertTrue(form.can_record_inspection)

    def test_lines_stay_read_only_for_an_inspector_not_assigned(self):
        form = self.ret.with_user(self.other_inspector).new(origin=self.ret)
        self.assertFalse(form.can_record_inspection)

    def test_assigned_inspector_saves_results_through_the_form(self):
        saved = self.rpc(self.inspector, "service.return", "web_save", self.ret.ids, self.result_commands(), SPEC)
        self.assertEqual(saved[0]["line_ids"][0]["inspection_result"], "nonconforming")
        self.assertTrue(saved[0]["can_request_approval"], "the Request Approval button shows after the save")
        stored = self.stored()
        self.assertEqual((stored["inspection_result"], stored["defect"]), ("nonconforming", "52 dB"))
        self.assertEqual(stored["inspector_id"][0], self.inspector.id, "stamped with the inspector")

    def test_inspector_not_assigned_cannot_save_results_through_the_form(self):
        before = self.stored()
        with self.refused(AccessError, "top-secret records|is for the inspectors the Production Manager assigned"):
            self.rpc(self.other_inspector, "service.return", "web_save", self.ret.ids, self.result_commands(), SPEC)
        self.assertEqual(self.stored(), before)

    def test_request_approval_shows_once_every_line_has_a_result(self):
        self.line.with_user(self.inspector).write({"inspection_result": "conforming"})
        form = self.ret.with_user(self.inspector).new(origin=self.ret)
        self.assertTrue(form.can_request_approval)
        self.assertFalse(self.ret.with_user(self.other_inspector).new(origin=self.ret).can_request_approval)
