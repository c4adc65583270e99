# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo.tests import tagged

from .common import ReturnCase, ServiceCase


@tagged("post_install", "-at_install")
class TestComplaintSheet(ServiceCase):
    def test_complaint_sheet_prints_the_whole_case(self):
        complaint = self.routed_complaint("quality")
        complaint.with_user(self.inspector).write(
            {
                "analysis": "<p>Raceway dent caused by a dropped carton.</p>",
                "resolution": "<p>Twenty bearings replaced free of charge.</p>",
            }
        )
        complaint.action_create_action()
        html, kind = self.env["ir.actions.report"]._render_qweb_html(
            "customer_service_control.report_complaint_sheet", complaint.ids
        )
        self.assertEqual(kind, "html")
        text = html.decode()
        for expected in (
            complaint.name,
            "Test Motor Works",
            "Noise on 6205 bearings after 200 hours.",
            "Raceway dent caused by a dropped carton.",
            "Twenty bearings replaced free of charge.",
            "Inspection Group",
            complaint.action_ids.name,
        ):
            self.assertIn(expected, text)

    def test_complaint_sheet_is_a_pdf_action_on_complaints(self):
        report = self.env.ref("customer_service_control.action_report_complaint_sheet")
        self.assertEqual(report.report_type, "qweb-pdf")
        self.assertEqual(report.binding_model_id.model, "service.complaint")


@tagged("post_install", "-at_install")
class TestReturnForm(ReturnCase):
    def test_return_form_prints_lines_reinspection_and_approvals(self):
        _order, delivery = self.sell_and_deliver([(self.lot_bearing, 6, {self.lot_a: 6})])
        ret = self.new_return(delivery, quantities={(self.lot_bearing, self.lot_a): 2}, settlement="refund")
        self.approve(self.to_approval(ret))
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "customer_service_control.report_return_form", ret.ids
        )
        text = html.decode()
        for expected in (
            ret.name,
            "Test Motor Works",
            "Bearing 6205-2RS",
            "6205-A",
            "Nonconforming",
            "Vibration 52 dB",
            self.leader.name,
            self.gm.name,
            delivery.name,
        ):
            self.assertIn(expected, text)
