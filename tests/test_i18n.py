# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ServiceCase


@tagged("post_install", "-at_install")
class TestChineseUser(ServiceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["customer_service_control"], ["zh_CN"], overwrite=True)
        (cls.sales | cls.manager).write({"lang": "zh_CN"})

    def test_errors_speak_the_users_language(self):
        # The web client sends the user's language in the context of every call.
        complaint = self.new_complaint().with_context(lang=self.sales.lang)
        with self.assertRaisesRegex(UserError, "答复客户的方式"):
            complaint.action_respond()
        with self.assertRaisesRegex(AccessError, "角色"):
            complaint.action_cancel()
        with self.assertRaisesRegex(UserError, "只能通过其按钮更改"):
            complaint.write({"state": "closed"})
        self.assertEqual(complaint.state, "new")

    def test_selection_labels_and_menus_are_translated(self):
        env = self.env(user=self.sales, context={"lang": "zh_CN"})
        labels = dict(env["service.complaint"]._fields["cause"]._description_selection(env))
        self.assertEqual(labels["misuse"], "使用不当")
        self.assertEqual(env.ref("customer_service_control.menu_service_root").name, "客户服务")
