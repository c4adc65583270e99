# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo.tests import tagged

from .common import ServiceCase


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
