# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..const import GROUP_GM, GROUP_LEADER, GROUP_VP
from .common import ReturnCase

ACT_APPROVAL = "customer_service_control.mail_act_return_approval"


@tagged("post_install", "-at_install")
class TestReturnApproval(ReturnCase):
    """The approval chain is fixed on the form, cannot be changed by those it binds, is
    matched to roles (each step signed once) and always ends with the GM."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order, cls.delivery = cls.sell_and_deliver([(cls.bearing, 50, None)])
        cls.partial = cls.env.ref("customer_service_control.return_type_partial")

    def draft(self, type_xmlid="return_type_partial", **vals):
        return self.new_return(self.delivery, type_xmlid, quantities={(self.bearing, None): 1}, **vals)

    def steps(self, ret):
        return ret.approval_ids.filtered(lambda a: a.kind == "approval").sorted("sequence")

    def signatures(self, ret):
        return [(s.group_id, s.state, s.user_id) for s in self.steps(ret)]

    def approval_notes(self, ret):
        return ret.message_ids.filtered(lambda m: "Approved:" in (m.body or ""))

    def only_the_gm_leads(self):
        """The company's only leader is its one General Manager (by implication)."""
        gm_group, leader, vp = (self.env.ref(x) for x in (GROUP_GM, GROUP_LEADER, GROUP_VP))
        (gm_group.users - self.gm).write({"groups_id": [Command.unlink(gm_group.id)]})
        (leader.users - self.gm).write({"groups_id": [Command.unlink(vp.id), Command.unlink(leader.id)]})
        self.assertEqual(leader.users.filtered(lambda u: self.company in u.company_ids), self.gm)

    # ------------------------------------------------------------------
    # Return types: the General Manager's
    # ------------------------------------------------------------------
    def test_return_types_are_edited_by_the_general_manager_alone(self):
        before = self.partial.read(["approver", "requires_inspection", "name"])
        for user in (self.sales, self.manager, self.leader, self.vp, self.inspector, self.prod_manager):
            with self.refused(AccessError, "Return Type|General Manager"):
                self.rpc(user, "service.return.type", "write", self.partial.ids, {"approver": "manager"})
            with self.refused(AccessError, "Return Type|General Manager"):
                self.rpc(user, "service.return.type", "create", {"name": "Self-approved", "approver": "manager"})
            with self.refused(AccessError, "Return Type|General Manager"):
                self.rpc(user, "service.return.type", "unlink", self.partial.ids)
        self.assertEqual(self.partial.read(["approver", "requires_inspection", "name"]), before)
        self.assertFalse(self.env["service.return.type"].search([("name", "=", "Self-approved")]))
        self.rpc(self.gm, "service.return.type", "write", self.partial.ids, {"approver": "manager"})
        self.assertEqual(self.partial.approver, "manager")

    def test_the_write_check_holds_even_with_model_rights(self):
        """The ACL may be widened by another module: the model's own check still refuses."""
        with self.refused(AccessError, "only the role “General Manager” may change them"):
            self.partial.with_user(self.manager)._check_editor()
        self.partial.with_user(self.gm)._check_editor()

    def test_type_edits_do_not_change_a_confirmed_form(self):
        ret = self.draft(settlement="refund")
        ret.with_user(self.manager).action_confirm()
        self.partial.with_user(self.gm).write({"approver": "manager", "requires_inspection": False})
        self.assertEqual(self.steps(ret).group_id.mapped("name"), ["Company Leadership", "General Manager"])
        self.assertTrue(ret.inspection_required, "fixed at confirmation")
        with self.refused(UserError, "needs the state “Re-inspection”|must be re-inspected first"):
            self.rpc(self.manager, "service.return", "action_request_approval", ret.ids)
        self.assertEqual(ret.state, "confirmed")

    def test_type_changed_mid_flight_does_not_let_the_manager_approve_alone(self):
        ret = self.to_approval(self.draft(settlement="refund"))
        self.partial.with_user(self.gm).approver = "manager"
        with self.refused(AccessError, "Company Leadership"):
            self.rpc(self.manager, "service.return", "action_approve", ret.ids)
        self.assertEqual([s for _g, s, _u in self.signatures(ret)], ["pending", "pending"])

    def test_every_return_ends_with_the_general_managers_approval(self):
        gm_group = self.env.ref(GROUP_GM)
        for approver in (False, "leader", "manager", "general_manager"):
            self.partial.with_user(self.gm).approver = approver
            steps = self.partial._approval_steps()
            self.assertEqual(steps[-1], GROUP_GM, approver)
            self.assertEqual(steps.count(GROUP_GM), 1, approver)
        self.assertNotIn("requires_gm_approval", self.env["service.return.type"]._fields)
        with self.assertRaises(ValueError):
            self.rpc(self.gm, "service.return.type", "write", self.partial.ids, {"requires_gm_approval": False})
        self.partial.with_user(self.gm).approver = "leader"
        ret = self.draft(settlement="refund")
        ret.with_user(self.manager).action_confirm()
        self.assertEqual(self.steps(ret)[-1].group_id, gm_group)
        self.assertTrue(self.steps(ret)[-1].is_final)

    def test_steps_are_fixed_on_the_form_at_confirmation(self):
        ret = self.draft(settlement="refund")
        self.assertFalse(self.steps(ret))
        ret.with_user(self.manager).action_confirm()
        steps = self.steps(ret)
        self.assertEqual(steps.mapped("sequence"), [1, 2])
        self.assertEqual(steps.mapped("state"), ["pending", "pending"])
        self.assertEqual(steps.mapped("is_final"), [False, True])
        self.assertFalse(steps.user_id)

    def test_a_company_without_general_manager_cannot_confirm(self):
        gm_group = self.env.ref(GROUP_GM)
        gm_group.users.write({"groups_id": [Command.unlink(gm_group.id)]})
        ret = self.draft(settlement="refund")
        with self.refused(UserError, "Nobody holds the role “General Manager”"):
            self.rpc(self.manager, "service.return", "action_confirm", ret.ids)
        self.assertEqual(ret.state, "draft")
        self.assertFalse(ret.approval_ids)

    # ------------------------------------------------------------------
    # Approval steps cannot be forged
    # ------------------------------------------------------------------
    def test_approval_steps_cannot_be_written_by_clients(self):
        ret = self.to_approval(self.draft(settlement="refund"))
        step = self.steps(ret)[0]
        for user in (self.sales, self.manager, self.leader, self.gm):
            with self.refused(AccessError, "Return Approval"):
                self.rpc(user, "service.return.approval", "write", step.ids, {"state": "approved", "user_id": user.id})
            with self.refused(AccessError, "Return Approval"):
                self.rpc(user, "service.return.approval", "unlink", step.ids)
            with self.refused(AccessError, "Return Approval"):
                self.rpc(
                    user,
                    "service.return.approval",
                    "create",
                    {"return_id": ret.id, "kind": "approval", "state": "approved", "user_id": user.id},
                )
        self.assertEqual([s for _g, s, _u in self.signatures(ret)], ["pending", "pending"])

    # ------------------------------------------------------------------
    # Steps matched to roles, each signed once
    # ------------------------------------------------------------------
    def test_the_same_step_cannot_be_signed_twice(self):
        ret = self.to_approval(self.draft(settlement="refund"))
        self.rpc(self.leader, "service.return", "action_approve", ret.ids)
        with self.refused(UserError, "already signed"):
            self.rpc(self.leader, "service.return", "action_approve", ret.ids)
        with self.refused(AccessError, "General Manager"):
            self.rpc(self.vp, "service.return", "action_approve", ret.ids)  # another leader
        leader_group, gm_group = self.env.ref(GROUP_LEADER), self.env.ref(GROUP_GM)
        self.assertEqual(
            self.signatures(ret),
            [(leader_group, "approved", self.leader), (gm_group, "pending", self.env["res.users"])],
        )
        self.assertEqual(len(self.approval_notes(ret)), 1)

    def test_deputy_leader_signs_the_leadership_step_before_the_gm(self):
        ret = self.to_approval(self.draft(settlement="refund"))
        with self.refused(AccessError, "the General Manager gives the final approval after it"):
            self.rpc(self.gm, "service.return", "action_approve", ret.ids)
        self.assertEqual([s for _g, s, _u in self.signatures(ret)], ["pending", "pending"])
        self.assertFalse(ret.with_user(self.gm).can_approve)
        self.assertTrue(ret.with_user(self.vp).can_approve)
        ret.with_user(self.vp).action_approve()
        self.assertFalse(ret.with_user(self.vp).can_approve, "Approve disappears once signed")
        self.assertTrue(ret.with_user(self.gm).can_approve)
        ret.with_user(self.gm).action_approve()
        self.assertEqual(ret.state, "approved")
        self.assertEqual([u for _g, _s, u in self.signatures(ret)], [self.vp, self.gm])

    def test_one_gm_company_finishes_with_one_signature(self):
        self.only_the_gm_leads()
        ret = self.to_approval(self.draft(settlement="refund"))
        approvals = self.activities(ret, ACT_APPROVAL)
        self.assertEqual(approvals.user_id, self.gm, "only the GM may sign: his activity alone")
        self.assertTrue(ret.with_user(self.gm).can_approve)
        self.rpc(self.gm, "service.return", "action_approve", ret.ids)
        self.assertEqual(ret.state, "approved")
        steps = self.steps(ret)
        self.assertEqual(steps.mapped("state"), ["approved", "approved"])
        self.assertEqual(steps.user_id, self.gm)
        self.assertIn("Covered by the General Manager's final approval", steps[0].note)
        self.assertFalse(steps[1].note)
        self.assertEqual(len(self.approval_notes(ret)), 1, "one chatter line for the signature")
        self.assertFalse(self.activities(ret, ACT_APPROVAL))
        self.assertTrue(ret.stock_picking_ids, "the return was carried out")

    def test_one_gm_company_shipping_error_needs_the_sales_manager_still(self):
        """The GM covers a step only when nobody else holds its role."""
        self.only_the_gm_leads()
        _order, delivery = self.sell_and_deliver([(self.bearing, 2, None)], shipped={self.bearing: self.bearing_z2})
        ret = self.new_return(delivery, "return_type_shipping_error", settlement="replacement")
        ret.with_user(self.manager).write({"shipping_error_kind": "model", "shipping_error_cause": "Wrong bin"})
        self.to_approval(ret)
        with self.refused(AccessError, "the General Manager gives the final approval after it"):
            self.rpc(self.gm, "service.return", "action_approve", ret.ids)
        self.rpc(self.manager, "service.return", "action_approve", ret.ids)
        self.rpc(self.gm, "service.return", "action_approve", ret.ids)
        self.assertEqual([u for _g, _s, u in self.signatures(ret)], [self.manager, self.gm])

    def test_activity_goes_to_those_who_may_sign_the_step(self):
        ret = self.to_approval(self.draft(settlement="refund"))
        gm_users = self.env.ref(GROUP_GM).users
        leaders = self.env.ref(GROUP_LEADER).users.filtered(lambda u: self.company in u.company_ids) - gm_users
        first = self.activities(ret, ACT_APPROVAL)
        self.assertEqual(first.user_id, leaders)
        self.assertEqual(len(first), len(leaders), "one activity per eligible user")
        self.assertNotIn(self.gm, first.user_id)
        ret.with_user(self.leader).action_approve()
        second = self.activities(ret, ACT_APPROVAL)
        self.assertEqual(second.user_id, gm_users.filtered(lambda u: self.company in u.company_ids))
        self.assertNotIn(self.leader, second.user_id)
        self.assertEqual(len(self.approval_notes(ret)), 1, "not one line per candidate")

    def test_whole_batch_needs_the_general_manager_once(self):
        ret = self.draft("return_type_whole_batch", settlement="refund")
        self.to_approval(ret)
        self.assertEqual(len(self.steps(ret)), 1)
        for user in (self.leader, self.vp, self.manager):
            with self.refused(AccessError, "General Manager"):
                self.rpc(user, "service.return", "action_approve", ret.ids)
        self.rpc(self.gm, "service.return", "action_approve", ret.ids)
        self.assertEqual(ret.state, "approved")

    # ------------------------------------------------------------------
    # Refusal
    # ------------------------------------------------------------------
    def test_refusal_is_for_who_may_sign_the_current_step(self):
        ret = self.to_approval(self.draft(settlement="refund"))
        for user in (self.gm, self.manager, self.sales):
            with self.refused(AccessError, "Refusing this return"):
                self.rpc(user, "service.return", "action_refuse", ret.ids, "No")
        self.assertEqual(ret.state, "approval")
        self.assertFalse(ret.with_user(self.gm).can_refuse)
        self.rpc(self.leader, "service.return", "action_refuse", ret.ids, "Misuse")
        self.assertEqual(ret.state, "refused")
        step = self.steps(ret)[0]
        self.assertEqual((step.state, step.user_id, step.note), ("refused", self.leader, "Misuse"))
        with self.refused(UserError, "needs the state"):
            self.rpc(self.gm, "service.return", "action_approve", ret.ids)

    def test_sales_manager_refuses_before_the_approval(self):
        ret = self.draft(settlement="refund")
        with self.refused(AccessError, "Sales Manager"):
            self.rpc(self.sales, "service.return", "action_refuse", ret.ids, "No")
        self.assertEqual(ret.state, "draft")
        self.rpc(self.manager, "service.return", "action_refuse", ret.ids, "Not ours")
        refusal = ret.approval_ids.filtered(lambda a: a.kind == "refusal")
        self.assertEqual((refusal.state, refusal.user_id), ("refused", self.manager))
