# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import GROUP, ServiceCase

REFUSED = "is for the responsible department of"


@tagged("post_install", "-at_install")
class TestVisitFindingRights(ServiceCase):
    """Only the finding's department (its members and manager) or the Sales Manager
    rectifies or answers it, by every path."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A member (not the manager) of the Inspection Group, and an inspector of no department.
        cls.member = new_test_user(
            cls.env, login="t_inspection_member", groups=f"base.group_user,{GROUP}inspector", company_id=cls.company.id
        )
        cls.env["hr.employee"].create(
            {"name": "Inspection member", "user_id": cls.member.id, "department_id": cls.dep_inspection.id}
        )
        cls.outsider = new_test_user(
            cls.env, login="t_inspector_outsider", groups=f"base.group_user,{GROUP}inspector", company_id=cls.company.id
        )

    def setUp(self):
        super().setUp()
        self.visit = (
            self.env["service.visit"]
            .with_user(self.sales)
            .create(
                {
                    "partner_id": self.customer.id,
                    "user_id": self.sales.id,
                    "planned_date": "2026-05-04",
                    "finding_ids": [
                        Command.create(
                            {
                                "topic": "quality",
                                "customer_said": "Two bearings above vibration grade Z3.",
                                "department_id": self.dep_inspection.id,
                            }
                        ),
                        Command.create(
                            {
                                "topic": "after_sale",
                                "customer_said": "Wants a mounting training.",
                                "department_id": self.dep_technical.id,
                            }
                        ),
                    ],
                }
            )
        )
        self.visit.action_done()
        self.visit.action_feed_back()
        self.quality = self.visit.finding_ids.filtered(lambda f: f.topic == "quality")
        self.after_sale = self.visit.finding_ids.filtered(lambda f: f.topic == "after_sale")

    def stored(self, finding):
        self.env.invalidate_all()
        return finding.sudo().read(["state", "rectification", "handled_by_id"])[0]

    def assert_untouched(self, finding):
        stored = self.stored(finding)
        self.assertEqual(stored["state"], "open")
        self.assertFalse(stored["rectification"])
        self.assertFalse(stored["handled_by_id"])

    # ------------------------------------------------------------------
    # Refused
    # ------------------------------------------------------------------
    def test_another_department_cannot_write_the_answer(self):
        for user in (self.technical, self.outsider, self.sales):
            with self.refused(AccessError, REFUSED):
                self.rpc(user, "service.visit.finding", "write", self.quality.ids, {"rectification": "Replaced"})
        self.assert_untouched(self.quality)

    def test_another_department_cannot_rectify_or_answer(self):
        self.quality.sudo().write({"rectification": "Replaced the two bearings"})
        for user in (self.technical, self.outsider, self.sales):
            for method in ("action_rectify", "action_answer"):
                with self.refused(AccessError, REFUSED):
                    self.rpc(user, "service.visit.finding", method, self.quality.ids)
        self.assertEqual(self.stored(self.quality)["state"], "open")
        self.assertFalse(self.stored(self.quality)["handled_by_id"])

    def test_a_batch_with_a_finding_of_another_department_is_refused_whole(self):
        (self.quality | self.after_sale).sudo().write({"rectification": "Done"})
        with self.refused(AccessError, REFUSED):
            self.rpc(self.inspector, "service.visit.finding", "action_rectify", (self.quality | self.after_sale).ids)
        self.assertEqual(self.stored(self.quality)["state"], "open")
        self.assertEqual(self.stored(self.after_sale)["state"], "open")

    def test_the_answer_through_the_visit_is_refused(self):
        with self.refused(AccessError, REFUSED):
            self.rpc(
                self.sales,
                "service.visit",
                "write",
                self.visit.ids,
                {"finding_ids": [Command.update(self.quality.id, {"rectification": "Not our problem"})]},
            )
        self.assert_untouched(self.quality)

    def test_salesperson_cannot_record_an_answer_before_feedback(self):
        visit = (
            self.env["service.visit"]
            .with_user(self.sales)
            .create({"partner_id": self.customer.id, "user_id": self.sales.id, "planned_date": "2026-05-04"})
        )
        Finding = self.env["service.visit.finding"].sudo()
        count = Finding.search_count([])
        values = {
            "visit_id": visit.id,
            "topic": "quality",
            "customer_said": "Noise",
            "department_id": self.dep_inspection.id,
        }
        with self.refused(AccessError, REFUSED):
            self.rpc(self.sales, "service.visit.finding", "create", [dict(values, rectification="Fixed already")])
        records = self.env(user=self.sales, context={})["service.visit.finding"].with_context(
            default_rectification="Fixed already"
        )
        with self.refused(AccessError, REFUSED):
            records.create([values])
        self.assertEqual(Finding.search_count([]), count)

    # ------------------------------------------------------------------
    # Allowed
    # ------------------------------------------------------------------
    def test_department_manager_rectifies_and_is_stamped(self):
        self.rpc(self.inspector, "service.visit.finding", "write", self.quality.ids, {"rectification": "Replaced"})
        self.rpc(self.inspector, "service.visit.finding", "action_rectify", self.quality.ids)
        stored = self.stored(self.quality)
        self.assertEqual((stored["state"], stored["handled_by_id"][0]), ("rectified", self.inspector.id))

    def test_department_member_answers(self):
        self.rpc(self.member, "service.visit.finding", "write", self.quality.ids, {"rectification": "Within grade"})
        self.rpc(self.member, "service.visit.finding", "action_answer", self.quality.ids)
        stored = self.stored(self.quality)
        self.assertEqual((stored["state"], stored["handled_by_id"][0]), ("answered", self.member.id))

    def test_sales_manager_handles_any_finding(self):
        self.rpc(self.manager, "service.visit.finding", "write", self.after_sale.ids, {"rectification": "Planned"})
        self.rpc(self.manager, "service.visit.finding", "action_answer", self.after_sale.ids)
        self.assertEqual(self.stored(self.after_sale)["state"], "answered")

    # ------------------------------------------------------------------
    # The form tells the truth
    # ------------------------------------------------------------------
    def test_buttons_show_for_the_department_only(self):
        def can(user, finding):
            return finding.with_user(user).can_handle

        self.assertTrue(can(self.inspector, self.quality))
        self.assertTrue(can(self.member, self.quality))
        self.assertTrue(can(self.manager, self.quality))
        for user in (self.technical, self.outsider, self.sales, self.leader):
            self.assertFalse(can(user, self.quality), user.login)
        self.assertTrue(can(self.technical, self.after_sale))
        self.assertFalse(self.quality.with_user(self.sales).can_edit, "fed back: what the customer said is recorded")
        self.quality.sudo().write({"rectification": "Replaced"})
        self.quality.with_user(self.inspector).action_rectify()
        self.quality.invalidate_recordset()
        self.assertFalse(can(self.inspector, self.quality), "handled: no more button")

    def test_visit_buttons_show_only_where_they_succeed(self):
        visit = self.visit
        self.assertFalse(visit.with_user(self.manager).can_close, "two findings are still open")
        with self.refused(UserError, "neither rectified nor answered"):
            self.rpc(self.manager, "service.visit", "action_close", visit.ids)
        self.assertEqual(visit.state, "fed_back")
        for user in (self.inspector, self.technical, self.sales):
            self.assertFalse(visit.with_user(user).can_close, user.login)
            self.assertFalse(visit.with_user(user).can_cancel, user.login)
        (self.quality | self.after_sale).sudo().write({"rectification": "Done"})
        (self.quality | self.after_sale).with_user(self.manager).action_rectify()
        visit.invalidate_recordset()
        self.assertTrue(visit.with_user(self.manager).can_close)
        self.assertFalse(visit.with_user(self.sales).can_close)
        with self.refused(AccessError, "needs the role"):
            self.rpc(self.sales, "service.visit", "action_close", visit.ids)
        self.assertEqual(visit.state, "fed_back")
