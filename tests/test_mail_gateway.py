# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import ServiceCase

ALIAS_DOMAIN = "bearings.example.com"
GATEWAY_LOGGERS = (
    "odoo.addons.mail.models.mail_thread",
    "odoo.addons.customer_service_control.models.service_complaint",
)


@tagged("post_install", "-at_install")
class TestMailGateway(ServiceCase):
    """E-mails to the complaints alias, through Odoo's mail gateway (message_process)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.domain = cls.env["mail.alias.domain"].create({"name": ALIAS_DOMAIN})
        cls.company.alias_domain_id = cls.domain
        cls.alias = cls.env.ref("customer_service_control.mail_alias_complaints")
        cls.alias.alias_domain_id = cls.domain
        cls.address = f"complaints@{ALIAS_DOMAIN}"
        cls.contact.email = "zhang.san@motorworks.example.com"
        cls.sales.email = "t_sales@bearings.example.com"
        cls.Complaint = cls.env["service.complaint"]

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def raw(self, sender, subject="Noise on 6205 bearings", body="The bearings of order S00042 are noisy.", **kw):
        """An RFC 822 message from ``sender`` to the alias; ``headers`` adds headers,
        ``attachments`` is a list of (filename, mimetype, bytes)."""
        message = EmailMessage()
        message["From"] = sender
        message["To"] = kw.get("to", self.address)
        message["Subject"] = subject
        message["Message-Id"] = kw.get("message_id") or make_msgid(domain="motorworks.example.com")
        message["Date"] = format_datetime(kw.get("date") or fields.Datetime.now().replace(tzinfo=None), usegmt=False)
        for name, value in kw.get("headers", {}).items():
            message[name] = value
        message.set_content(body)
        for filename, mimetype, content in kw.get("attachments", ()):
            maintype, subtype = mimetype.split("/")
            message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
        return message.as_string()

    def process(self, raw, **kwargs):
        with mute_logger(*GATEWAY_LOGGERS):
            return self.env["mail.thread"].message_process(kwargs.pop("model", False), raw, **kwargs)

    def complaints_from(self, email):
        return self.Complaint.search([("email_from", "ilike", email)])

    # ------------------------------------------------------------------
    # New complaints
    # ------------------------------------------------------------------
    def test_mail_from_a_known_contact_opens_a_complaint_of_its_customer(self):
        sent = fields.Datetime.now() - timedelta(days=3)  # the Date header is not the reception
        complaint = self.Complaint.browse(
            self.process(self.raw("Zhang San <zhang.san@motorworks.example.com>", date=sent))
        )
        self.assertEqual(complaint.partner_id, self.customer)
        self.assertEqual(complaint.contact_id, self.contact)
        self.assertEqual(complaint.sender_id, self.contact)
        self.assertEqual(complaint.company_id, self.company)
        self.assertEqual((complaint.state, complaint.channel), ("new", "email"))
        self.assertFalse(complaint.contact_to_confirm)
        self.assertEqual(complaint.user_id, self.sales, "the customer's salesperson handles it")
        self.assertTrue(complaint.name.startswith("CMP/"), complaint.name)
        self.assertLess(abs(complaint.received_at - fields.Datetime.now()), timedelta(minutes=5))
        self.assertEqual(complaint.deadline, complaint.received_at + timedelta(hours=48))
        self.assertIn("Noise on 6205 bearings", complaint.description)
        self.assertIn("are noisy", complaint.description)
        incoming = complaint.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(incoming.author_id, self.contact)
        self.assertEqual(incoming.subject, "Noise on 6205 bearings")

    def test_mail_from_an_unknown_sender_creates_a_contact_to_confirm(self):
        complaint = self.Complaint.browse(self.process(self.raw('"Li Si" <li.si@newcustomer.example.com>')))
        sender = complaint.sender_id
        self.assertEqual((sender.name, sender.email), ("Li Si", "li.si@newcustomer.example.com"))
        self.assertEqual(complaint.partner_id, sender)
        self.assertEqual(complaint.contact_id, sender)
        self.assertTrue(complaint.contact_to_confirm)
        self.assertEqual(complaint.user_id, self.manager, "no salesperson: the company's service manager")
        handler = complaint.with_user(self.manager)
        self.assertFalse(handler.can_respond)
        self.assertTrue(handler.can_confirm_contact)

        handler.response_type = "call"
        with self.refused(UserError, "unknown e-mail address.*Confirm the sender"):
            handler.action_respond()
        self.assertEqual(complaint.state, "new")
        self.assertFalse(complaint.responded_at)
        with self.refused(UserError, "can only be changed through its buttons"):
            self.rpc(self.manager, "service.complaint", "write", complaint.ids, {"contact_to_confirm": False})
        self.assertTrue(complaint.contact_to_confirm)

        # The handler recognises a contact of Test Motor Works and attaches it there.
        with Form(handler) as form:
            form.partner_id = self.customer
        self.assertFalse(complaint.contact_id, "the form's onchange cleared the contact of another customer")
        handler.action_confirm_contact()
        self.assertFalse(complaint.contact_to_confirm)
        self.assertEqual(sender.parent_id, self.customer)
        self.assertEqual(complaint.contact_id, sender)
        self.assertTrue(handler.can_respond)
        handler.action_respond()
        self.assertEqual(complaint.state, "responded")

    def test_confirming_the_sender_needs_the_handler_role_and_a_consistent_contact(self):
        complaint = self.Complaint.browse(self.process(self.raw("wang.wu@unknown.example.com")))
        with self.refused(AccessError, "Confirming the sender needs the role"):
            complaint.with_user(self.leader).action_confirm_contact()
        other = self.env["res.partner"].create({"name": "Other Works", "is_company": True})
        complaint.with_user(self.manager).write({"partner_id": other.id, "contact_id": self.contact.id})
        with self.refused(UserError, "Zhang San is a contact of Test Motor Works, not of Other Works"):
            complaint.with_user(self.manager).action_confirm_contact()
        self.assertTrue(complaint.contact_to_confirm)
        self.assertFalse(complaint.sender_id.parent_id)
        # A new customer: the sender stays its own customer.
        complaint.with_user(self.manager).write({"partner_id": complaint.sender_id.id, "contact_id": False})
        complaint.with_user(self.manager).action_confirm_contact()
        self.assertFalse(complaint.contact_to_confirm)
        with self.refused(UserError, "already confirmed"):
            complaint.with_user(self.manager).action_confirm_contact()

    def test_attachments_of_the_mail_are_kept_on_the_complaint(self):
        photo = b"\x89PNG\r\n\x1a\n" + b"0" * 64
        complaint = self.Complaint.browse(
            self.process(
                self.raw(
                    "zhang.san@motorworks.example.com",
                    attachments=[("bearing.png", "image/png", photo), ("report.pdf", "application/pdf", b"%PDF-1.4")],
                )
            )
        )
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "service.complaint"), ("res_id", "=", complaint.id)]
        )
        self.assertEqual(sorted(attachments.mapped("name")), ["bearing.png", "report.pdf"])
        self.assertEqual(attachments.filtered(lambda a: a.name == "bearing.png").raw, photo)
        incoming = complaint.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(incoming.attachment_ids, attachments)

    def test_a_reply_lands_in_the_chatter_of_the_same_complaint(self):
        first_id = make_msgid(domain="motorworks.example.com")
        complaint = self.Complaint.browse(
            self.process(self.raw("zhang.san@motorworks.example.com", message_id=first_id))
        )
        reply = self.raw(
            "zhang.san@motorworks.example.com",
            subject="Re: Noise on 6205 bearings",
            body="Photos of the second batch follow.",
            headers={"In-Reply-To": first_id, "References": first_id},
        )
        self.assertEqual(self.process(reply), complaint.id)
        self.assertEqual(len(self.complaints_from("zhang.san@motorworks.example.com")), 1)
        self.assertIn("second batch", complaint.message_ids[0].body)
        self.assertEqual(complaint.message_ids[0].author_id, self.contact)
        # A reply to the acknowledgement Odoo sent (its Message-Id) lands there too.
        acknowledgement = complaint.message_ids.filtered(lambda m: m.subtype_id.name == "Customer E-mail")
        self.assertTrue(acknowledgement.message_id)
        reply = self.raw(
            "zhang.san@motorworks.example.com",
            subject="Re: we received your complaint",
            body="Thank you.",
            headers={"In-Reply-To": acknowledgement.message_id},
        )
        self.assertEqual(self.process(reply), complaint.id)
        self.assertEqual(len(self.complaints_from("zhang.san@motorworks.example.com")), 1)
        self.assertEqual(complaint.state, "new")

    def test_auto_replies_and_bounces_open_no_complaint(self):
        count = self.Complaint.search_count([])
        for headers in (
            {"Auto-Submitted": "auto-replied"},
            {"Precedence": "auto_reply"},
            {"X-Autoreply": "yes"},
        ):
            self.assertFalse(self.process(self.raw("zhang.san@motorworks.example.com", headers=headers)), headers)
        self.assertFalse(self.process(self.raw("MAILER-DAEMON@mx.motorworks.example.com", subject="Undelivered")))
        self.assertEqual(self.Complaint.search_count([]), count)

    def test_mail_from_the_company_itself_opens_no_complaint(self):
        count = self.Complaint.search_count([])
        self.assertFalse(self.process(self.raw("t_sales@bearings.example.com")), "a user of the company")
        self.assertFalse(self.process(self.raw(self.domain.default_from_email)), "Odoo's own sender")
        self.assertFalse(self.process(self.raw(self.address)), "the alias itself")
        self.assertEqual(self.Complaint.search_count([]), count)

    def test_odoo_loop_detection_stops_a_sender_opening_complaints_in_a_loop(self):
        """Odoo ignores a sender who created ``mail.gateway.loop.threshold`` records
        within ``mail.gateway.loop.minutes``, on the model's primary e-mail field."""
        self.env["ir.config_parameter"].sudo().set_param("mail.gateway.loop.threshold", 3)
        for _i in range(3):
            self.assertTrue(self.process(self.raw("robot@motorworks.example.com")))
        self.assertFalse(self.process(self.raw("robot@motorworks.example.com")))
        self.assertEqual(len(self.complaints_from("robot@motorworks.example.com")), 3)
        # The same message processed twice (a mail server retrying) is ignored too.
        message_id = make_msgid(domain="motorworks.example.com")
        raw = self.raw("zhang.san@motorworks.example.com", message_id=message_id)
        self.assertTrue(self.process(raw))
        self.assertFalse(self.process(raw))
        self.assertEqual(len(self.complaints_from("zhang.san@motorworks.example.com")), 1)

    def test_an_email_cannot_set_the_state_deadline_or_evidence(self):
        forged = {
            "state": "closed",
            "deadline": "2099-01-01 00:00:00",
            "received_at": "2020-01-01 00:00:00",
            "responded_at": "2020-01-01 01:00:00",
            "responded_by_id": self.manager.id,
            "is_overdue": True,
            "contact_to_confirm": False,
            "name": "FORGED",
            "channel": "portal",
            "access_token": "forged-token",
            "no_such_field": 1,
        }
        # through the alias's defaults (a manager's typo or an attack on the configuration)
        self.alias.alias_defaults = repr(dict(forged, company_id=self.company.id))
        first = self.Complaint.browse(self.process(self.raw("eve@attacker.example.com")))
        # through the gateway's custom values (fallback model, no alias)
        second = self.Complaint.browse(
            self.process(
                self.raw("eve@attacker.example.com", to="nobody@elsewhere.example.com"),
                model="service.complaint",
                custom_values=forged,
            )
        )
        for complaint in first | second:
            self.assertEqual(complaint.state, "new")
            self.assertEqual(complaint.channel, "email")
            self.assertTrue(complaint.contact_to_confirm)
            self.assertFalse(complaint.is_overdue)
            self.assertFalse(complaint.responded_at)
            self.assertFalse(complaint.responded_by_id)
            self.assertNotEqual(complaint.name, "FORGED")
            self.assertNotEqual(complaint.access_token, "forged-token")
            self.assertLess(abs(complaint.received_at - fields.Datetime.now()), timedelta(minutes=5))
            self.assertEqual(complaint.deadline, complaint.received_at + timedelta(hours=48))

    def test_staff_cannot_forge_what_the_gateway_records(self):
        values = {"partner_id": self.customer.id, "description": "<p>Forged</p>"}
        count = self.Complaint.search_count([])
        for forged in (
            {"email_from": "someone@else.example.com"},
            {"sender_id": self.contact.id},
            {"contact_to_confirm": True},
        ):
            with self.refused(UserError, "can only be changed through its buttons"):
                self.rpc(self.sales, "service.complaint", "create", dict(values, **forged))
        self.assertEqual(self.Complaint.search_count([]), count)
        defaults = {
            "default_contact_to_confirm": True,
            "default_sender_id": self.contact.id,
            "default_email_from": "x@y.z",
        }
        created = self.Complaint.browse(self.rpc(self.sales, "service.complaint", "create", values, context=defaults))
        self.assertEqual(
            (created.contact_to_confirm, created.sender_id, created.email_from), (False, self.env["res.partner"], False)
        )
        complaint = self.Complaint.browse(self.process(self.raw("zhang.san@motorworks.example.com")))
        with self.refused(UserError, "can only be changed through its buttons"):
            self.rpc(self.sales, "service.complaint", "write", complaint.ids, {"sender_id": False})
        self.assertEqual(complaint.sender_id, self.contact)

    def test_an_email_reply_cannot_change_the_complaint(self):
        complaint = self.Complaint.browse(self.process(self.raw("zhang.san@motorworks.example.com")))
        complaint.message_update({}, update_vals={"state": "closed"})
        self.assertEqual(complaint.state, "new")

    # ------------------------------------------------------------------
    # One alias per company
    # ------------------------------------------------------------------
    def test_each_company_has_its_own_complaints_alias(self):
        self.assertEqual(self.company.service_complaint_alias_id, self.alias)
        self.assertEqual(self.alias.alias_contact, "everyone")
        self.assertEqual(self.alias.alias_model_id.model, "service.complaint")
        self.assertEqual(self.alias.alias_full_name, self.address)

        other_company = self.env["res.company"].create({"name": "Bearings Tianjin", "alias_domain_id": self.domain.id})
        settings = self.env["res.config.settings"].with_company(other_company).create({})
        self.assertFalse(settings.service_complaint_alias_name)
        self.assertEqual(settings.service_complaint_alias_domain, ALIAS_DOMAIN)
        settings.service_complaint_alias_name = "tianjin-complaints"
        settings.execute()
        alias = other_company.service_complaint_alias_id
        self.assertEqual(alias.alias_full_name, f"tianjin-complaints@{ALIAS_DOMAIN}")
        self.assertEqual(alias.alias_defaults, repr({"company_id": other_company.id}))

        # A contact kept in the main company only is no known sender of the other one.
        self.contact.company_id = self.company
        complaint = self.Complaint.browse(
            self.process(self.raw("zhang.san@motorworks.example.com", to=alias.alias_full_name))
        )
        self.assertEqual(complaint.company_id, other_company)
        self.assertTrue(complaint.contact_to_confirm)
        self.assertNotEqual(complaint.contact_id, self.contact)
        # ... and the main company's alias still opens the main company's complaints.
        complaint = self.Complaint.browse(self.process(self.raw("zhang.san@motorworks.example.com")))
        self.assertEqual((complaint.company_id, complaint.contact_id), (self.company, self.contact))
