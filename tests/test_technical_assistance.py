# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
"""The technician named for technical assistance (4.2.2.3) gets one activity."""

from odoo.tests import tagged

from .common import ServiceCase

TODO = "mail.mail_activity_data_todo"


@tagged("post_install", "-at_install")
class TestTechnicalAssistance(ServiceCase):
    def test_named_technician_gets_one_activity(self):
        complaint = self.routed_complaint("misuse")
        complaint.write({"assistance_requested": True, "technician_id": self.technical.id})
        self.assertEqual(len(self.activities(complaint, TODO, self.technical)), 1)
        complaint.write({"technician_id": self.technical.id, "assistance_requested": True})
        complaint.write({"assistance_outcome": "<p>Mounted again.</p>"})
        self.assertEqual(len(self.activities(complaint, TODO, self.technical)), 1, "duplicated on re-save")

    def test_technician_named_at_creation_gets_the_activity(self):
        complaint = self.new_complaint(assistance_requested=True, technician_id=self.technical.id)
        self.assertEqual(len(self.activities(complaint, TODO, self.technical)), 1)

    def test_other_technician_takes_the_activity_over(self):
        complaint = self.new_complaint(assistance_requested=True, technician_id=self.technical.id)
        complaint.technician_id = self.inspector
        self.assertFalse(self.activities(complaint, TODO, self.technical))
        self.assertEqual(len(self.activities(complaint, TODO, self.inspector)), 1)

    def test_withdrawn_request_removes_the_activity(self):
        complaint = self.new_complaint(assistance_requested=True, technician_id=self.technical.id)
        complaint.assistance_requested = False
        self.assertFalse(self.activities(complaint, TODO))
        self.assertFalse(complaint.assistance_activity_id)
