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

    # ------------------------------------------------------------------
    # Departments of the routing data
    # ------------------------------------------------------------------
    def test_departments_show_their_chinese_path(self):
        complaint = self.routed_complaint("quality")
        read = (
            complaint.with_user(self.sales)
            .with_context(lang="zh_CN")
            .web_read({"department_id": {"fields": {"display_name": {}}}})
        )
        self.assertEqual(read[0]["department_id"]["display_name"], "生产部 / 检验组")
        english = complaint.with_user(self.sales).with_context(lang="en_US").department_id
        self.assertEqual(english.display_name, "Production Department / Inspection Group")
        # Without the path (Odoo's hierarchical_naming=False), the translated name alone.
        flat = english.with_context(lang="zh_CN", hierarchical_naming=False)
        self.assertEqual(flat.display_name, "检验组")

    def test_chinese_user_finds_a_department_by_its_chinese_name(self):
        Department = self.env(user=self.sales, context={"lang": "zh_CN"})["hr.department"]
        found = Department.name_search("检验")
        self.assertIn((self.dep_inspection.id, "生产部 / 检验组"), found)

    # ------------------------------------------------------------------
    # Half-year labels
    # ------------------------------------------------------------------
    def test_half_years_are_named_in_the_readers_language(self):
        campaign = self.env["service.satisfaction.campaign"].search([], limit=1)
        self.assertTrue(campaign, "the demo data has satisfaction surveys")
        key = campaign.period_label
        self.assertRegex(key, r"^\d{4} H[12]$")  # the stored key is the same in every language
        year, half = key.split(" H")
        for lang, label in (("zh_CN", f"{year}年{'上' if half == '1' else '下'}半年"), ("en_US", key)):
            env = self.env(user=self.manager, context={"lang": lang})
            selection = dict(
                env["service.satisfaction.campaign"].fields_get(["period_label"])["period_label"]["selection"]
            )
            self.assertEqual(selection[key], label)
            # Group-by headers and pivots name the group with the selection's label.
            groups = env["service.satisfaction.campaign"].read_group(
                [("id", "=", campaign.id)], ["period_label"], ["period_label"]
            )
            self.assertEqual(groups[0]["period_label"], key)

    # ------------------------------------------------------------------
    # What the system writes for one person: activity summaries
    # ------------------------------------------------------------------
    def test_analysis_activity_is_written_in_the_recipients_language(self):
        self.inspector.lang = "zh_CN"
        self.sales.lang = "en_US"
        complaint = self.routed_complaint("quality")  # routed by the salesperson, in English
        activity = self.activities(complaint, "customer_service_control.mail_act_complaint_analysis")
        self.assertEqual(activity.user_id, self.inspector)
        self.assertEqual(activity.summary, f"分析投诉 {complaint.name}（质量）")

    def test_overdue_activity_is_written_in_each_recipients_language(self):
        self.technical.lang = "en_US"
        chinese = self.new_complaint(user=self.manager, user_id=self.sales.id)
        english = self.new_complaint(user=self.manager, user_id=self.technical.id)
        (chinese | english).sudo()._sla_flag_overdue()  # as the scheduled action, in no language
        overdue = "customer_service_control.mail_act_service_overdue"
        self.assertEqual(self.activities(chinese, overdue).summary, "已过期限：请答复客户")
        self.assertEqual(self.activities(english, overdue).summary, "Deadline passed: answer the customer")
        # The Inbox notice is addressed to the (Chinese) service manager.
        notices = self.env["mail.notification"].search(
            [
                ("res_partner_id", "=", self.manager.partner_id.id),
                ("mail_message_id.model", "=", "service.complaint"),
                ("mail_message_id.res_id", "=", english.id),
            ]
        )
        self.assertEqual(len(notices), 1)
        self.assertIn("已过，仍未答复", notices.mail_message_id.body)
