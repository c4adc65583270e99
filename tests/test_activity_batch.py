# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
"""The activities of one step are created at once: each assignee gets theirs, with its
summary in their language, and hears of it in one notification per form and language
(not one per activity); nobody is told of their own activity."""

from odoo import fields
from odoo.tests import new_test_user, tagged

from .common import GROUP, ReturnCase

ACT_APPROVAL = "customer_service_control.mail_act_return_approval"


@tagged("post_install", "-at_install")
class TestActivityBatch(ReturnCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["customer_service_control"], ["zh_CN"], overwrite=True)
        cls.leader_zh = new_test_user(
            cls.env, login="t_leader_zh", groups=f"base.group_user,{GROUP}leader", lang="zh_CN"
        )

    def notifications(self, ret):
        return self.env["mail.message"].search(
            [("model", "=", "service.return"), ("res_id", "=", ret.id), ("message_type", "=", "user_notification")]
        )

    def test_each_signer_gets_an_activity_and_one_notification_per_language(self):
        _order, delivery = self.sell_and_deliver([(self.bearing, 1, None)])
        ret = self.to_approval(self.new_return(delivery, type_xmlid="return_type_selection_error"))
        signers = ret._next_signers()
        self.assertIn(self.leader_zh, signers)
        self.assertIn(self.leader, signers)
        activities = ret.activity_ids.filtered(lambda act: act.activity_type_id == self.env.ref(ACT_APPROVAL))
        self.assertEqual(activities.user_id, signers)
        self.assertEqual(set(activities.mapped("date_deadline")), {fields.Date.today()})
        by_user = {act.user_id: act for act in activities}
        self.assertEqual(by_user[self.leader].summary, f"Approve return {ret.name}")
        self.assertEqual(by_user[self.leader_zh].summary, f"批准退货 {ret.name}")
        self.assertEqual(ret.message_partner_ids & signers.partner_id, signers.partner_id, "signers follow the form")

        notifications = self.notifications(ret).filtered(lambda m: m.partner_ids & signers.partner_id)
        self.assertEqual(len(notifications), 2, "one notification per language, not one per signer")
        chinese = notifications.filtered(lambda m: self.leader_zh.partner_id in m.partner_ids)
        self.assertEqual(chinese.partner_ids, self.leader_zh.partner_id)
        self.assertIn("分配给您", chinese.subject)
        english = notifications - chinese
        self.assertEqual(english.partner_ids, (signers - self.leader_zh).partner_id)
        self.assertIn("assigned to you", english.subject)
        self.assertIn(f"Approve return {ret.name}", english.body)

    def test_nobody_is_told_of_their_own_activity(self):
        _order, delivery = self.sell_and_deliver([(self.bearing, 1, None)])
        ret = self.new_return(delivery).with_user(self.manager)
        before = self.notifications(ret)
        activities = ret._schedule_activities(
            ACT_APPROVAL, [(ret, self.manager, "Mine"), (ret, self.leader, "Yours")], date_deadline=fields.Date.today()
        )
        self.assertEqual(activities.mapped("summary"), ["Mine", "Yours"])
        self.assertEqual((self.notifications(ret) - before).partner_ids, self.leader.partner_id)

    def test_other_summaries_are_told_apart_and_a_quick_update_tells_nobody(self):
        _order, delivery = self.sell_and_deliver([(self.bearing, 1, None)])
        ret = self.new_return(delivery).with_user(self.manager)
        before = self.notifications(ret)
        ret._schedule_activities(
            ACT_APPROVAL, [(ret, self.leader, "Sign the leadership step"), (ret, self.gm, "Sign last")]
        )
        told = self.notifications(ret) - before
        self.assertEqual(len(told), 2, "each assignee is told their own summary")
        self.assertIn("Sign last", told.filtered(lambda m: self.gm.partner_id in m.partner_ids).subject)
        quiet = ret.with_context(mail_activity_quick_update=True)._schedule_activities(
            ACT_APPROVAL, [(ret, self.leader, "Quietly")]
        )
        self.assertEqual(quiet.user_id, self.leader)
        self.assertEqual(self.notifications(ret) - before, told)

    def test_one_call_schedules_many_forms_at_a_flat_cost(self):
        """A step given to many forms at once (a batch) costs per form the same."""
        _order, delivery = self.sell_and_deliver([(self.bearing, 12, None)])
        forms = self.env["service.return"]
        for _i in range(12):
            forms |= self.new_return(delivery, quantities={(self.bearing, None): 1})
        counts = []
        for chunk in (forms[:2], forms[2:4], forms[4:]):  # the first warms the caches
            Return = self.env(user=self.manager)["service.return"]
            self.env.invalidate_all()
            with self.queries_at_most(10**6) as counter:
                Return._schedule_activities(ACT_APPROVAL, [(ret, self.leader, "Approve") for ret in chunk])
            counts.append(counter["queries"])
            self.assertEqual(len(chunk.activity_ids), len(chunk))
        per_form_two = counts[1] / 2
        per_form_eight = counts[2] / 8
        self.assertLessEqual(per_form_eight, per_form_two, counts)

    def test_assignees_follow_their_forms_and_later_subscriptions_apply(self):
        """The assignees of a batch follow exactly their own forms, and the skip of
        Odoo's second subscription ends with the call."""
        _order, delivery = self.sell_and_deliver([(self.bearing, 3, None)])
        forms = self.env["service.return"]
        for _i in range(3):
            forms |= self.new_return(delivery, quantities={(self.bearing, None): 1})
        first, second, third = forms.with_user(self.manager)
        first.message_unsubscribe(partner_ids=(self.leader | self.gm).partner_id.ids)
        forms._schedule_activities(
            ACT_APPROVAL, [(first, self.leader, "Sign"), (second, self.leader, "Sign"), (third, self.gm, "Sign")]
        )
        self.assertIn(self.leader.partner_id, first.message_partner_ids)
        self.assertIn(self.leader.partner_id, second.message_partner_ids)
        self.assertNotIn(self.gm.partner_id, first.message_partner_ids)
        self.assertIn(self.gm.partner_id, third.message_partner_ids)
        self.assertFalse(self.env.cr.cache.get("customer_service_control.subscribed"))
        first.message_subscribe(partner_ids=self.gm.partner_id.ids)
        self.assertIn(self.gm.partner_id, first.message_partner_ids)

    def test_a_notice_to_employees_leaves_the_customer_alone(self):
        """Odoo's portal prepares the customer's signup token (a write on the customer)
        in every notification of a portal document; an "assigned to you" notice goes to
        employees only and leaves the customer untouched, a message to the customer
        still carries it."""
        self.env["ir.config_parameter"].set_param("auth_signup.invitation_scope", "b2c")
        _order, delivery = self.sell_and_deliver([(self.bearing, 1, None)])
        ret = self.new_return(delivery, type_xmlid="return_type_selection_error")
        self.customer.signup_type = False
        before = self.notifications(ret)
        ret.with_user(self.manager).action_confirm()
        notice = self.notifications(ret) - before
        self.assertIn(self.prod_manager.partner_id, notice.partner_ids)
        self.assertFalse(self.customer.signup_type, "the customer is not signed up for a notice they never receive")
        ret.message_post(body="Your goods are being re-inspected.", partner_ids=self.customer.ids)
        self.assertEqual(self.customer.signup_type, "signup", "a message to the customer still invites them")
