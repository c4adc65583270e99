# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from email.message import EmailMessage
from email.utils import make_msgid

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import ServiceCase

ALIAS_DOMAIN = "bearings.example.com"
GATEWAY_LOGGERS = ("odoo.addons.mail.models.mail_thread",)


@tagged("post_install", "-at_install")
class TestComplaintTour(HttpCase, ServiceCase):
    """A complaint from the customer's e-mail to its closure, in the browser, each role
    through its own buttons."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mill = cls.env["res.partner"].create(
            {"name": "Wuxi Rolling Mill", "is_company": True, "user_id": cls.sales.id}
        )
        cls.buyer = cls.env["res.partner"].create(
            {"name": "Li Wei", "parent_id": cls.mill.id, "email": "li.wei@rollingmill.example.com"}
        )
        cls.domain = cls.env["mail.alias.domain"].create({"name": ALIAS_DOMAIN})
        cls.company.alias_domain_id = cls.domain

    def email(self, subject, body, **headers):
        message = EmailMessage()
        message["From"] = "Li Wei <li.wei@rollingmill.example.com>"
        message["To"] = f"complaints@{ALIAS_DOMAIN}"
        message["Subject"] = subject
        message["Message-Id"] = make_msgid(domain="rollingmill.example.com")
        for name, value in headers.items():
            message[name] = value
        message.set_content(body)
        return message

    def receive(self, message):
        """Through Odoo's mail gateway, to the company's complaints alias."""
        self.env.ref("customer_service_control.mail_alias_complaints").alias_domain_id = self.domain
        with mute_logger(*GATEWAY_LOGGERS):
            return self.env["mail.thread"].message_process(False, message.as_string())

    def test_complaint_from_email_to_closure_in_the_browser(self):
        first = self.email("Grease leaks from 6205 bearings", "The 6205 bearings of our last order: grease leaks.")
        complaint = self.env["service.complaint"].browse(self.receive(first))
        self.assertEqual((complaint.partner_id, complaint.state), (self.mill, "new"))

        self.start_tour("/odoo", "csc_complaint_handler_tour", login=self.sales.login)
        self.assertEqual(complaint.state, "in_analysis")
        self.assertEqual(complaint.response_type, "person")
        self.assertEqual(complaint.cause, "quality")
        self.assertEqual(complaint.routing_id, self.env.ref("customer_service_control.routing_quality"))
        self.assertEqual(complaint.responsible_user_id, self.inspector, "the Inspection Group's manager")

        # The customer answers the acknowledgement: the reply lands in the chatter.
        reply = self.email(
            "Re: Grease leaks from 6205 bearings",
            "Photos of the seals follow by courier.",
            **{"In-Reply-To": first["Message-Id"], "References": first["Message-Id"]},
        )
        self.assertEqual(self.receive(reply), complaint.id)

        form = f"/odoo/action-customer_service_control.action_service_complaint/{complaint.id}"
        self.start_tour(form, "csc_complaint_resolver_tour", login=self.inspector.login)
        self.assertEqual(complaint.state, "resolved")
        self.start_tour(form, "csc_complaint_closer_tour", login=self.sales.login)

        self.assertEqual(complaint.state, "closed")
        self.assertIn("wrong grade", complaint.analysis)
        self.assertIn("Bearings replaced", complaint.resolution)
        self.assertTrue(complaint.closed_at)
        bodies = " ".join(complaint.message_ids.mapped("body"))
        self.assertIn("grease leaks", bodies)
        self.assertIn("Photos of the seals", bodies)
        received = complaint.message_ids.filtered(lambda m: m.message_id in (first["Message-Id"], reply["Message-Id"]))
        self.assertEqual(len(received), 2)
        self.assertEqual(received.author_id, self.buyer, "both e-mails are the customer's")
        states = complaint.message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == "state")
        self.assertEqual(
            sorted(states.mapped("new_value_char")), sorted(["Responded", "In Analysis", "Resolved", "Closed"])
        )
