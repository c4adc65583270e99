# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from email.message import EmailMessage
from email.utils import make_msgid

from odoo import Command, fields
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from ..models.service_customer_mail import (
    SUBTYPE_CUSTOMER_EMAIL,
    TEMPLATE_COMPLAINT_RECEIVED,
    TEMPLATE_COMPLAINT_RESPONDED,
    TEMPLATE_RETURN_APPROVED,
    TEMPLATE_RETURN_REFUSED,
    TEMPLATE_SATISFACTION_INVITE,
)
from .common import ReturnCase

SUBJECT_ZH = "{{ object.company_id.name }}：我们已收到您的投诉 {{ object.name }}"


@tagged("post_install", "-at_install")
class TestCustomerEmails(ReturnCase):
    """The customer's contact is e-mailed, in its language, with a link carrying the
    access token; internal followers get no copy."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact.write({"email": "zhang.san@motorworks.example.com", "lang": "en_US"})
        cls.customer.email = "service@motorworks.example.com"
        cls.company.email = "service@bearings.example.com"
        cls.subtype = cls.env.ref(SUBTYPE_CUSTOMER_EMAIL)
        domain = cls.env["mail.alias.domain"].create({"name": "bearings.example.com"})
        cls.company.alias_domain_id = domain
        cls.env.ref("customer_service_control.mail_alias_complaints").alias_domain_id = domain

    def customer_emails(self, record, template_xmlid=None):
        messages = record.message_ids.filtered(lambda m: m.subtype_id == self.subtype)
        if template_xmlid:
            subject = self.env.ref(template_xmlid).sudo()._render_field("subject", record.ids)[record.id]
            messages = messages.filtered(lambda m: m.subject == subject)
        return messages

    def assert_sent_to_contact_only(self, message, record, contact):
        self.assertEqual(message.message_type, "comment")
        self.assertFalse(message.subtype_id.internal, "the customer sees it in the portal")
        self.assertEqual(message.partner_ids, contact)
        self.assertEqual(message.notification_ids.res_partner_id, contact)
        self.assertEqual(set(message.notification_ids.mapped("notification_type")), {"email"})
        internal = record.message_partner_ids.filtered(lambda p: p.user_ids and not p.partner_share)
        self.assertTrue(internal, "the test needs internal followers")
        self.assertFalse(message.notification_ids.res_partner_id & internal)
        record.invalidate_recordset(["access_token"])
        self.assertTrue(record.access_token)
        self.assertIn(f"access_token={record.access_token}", message.body)

    # ------------------------------------------------------------------
    # Complaints
    # ------------------------------------------------------------------
    def test_complaint_by_email_is_acknowledged_to_the_sender(self):
        message = EmailMessage()
        message["From"] = "Zhang San <zhang.san@motorworks.example.com>"
        message["To"] = "complaints@bearings.example.com"
        message["Subject"] = "Noise on 6205 bearings"
        message["Message-Id"] = make_msgid(domain="motorworks.example.com")
        message.set_content("The bearings are noisy.")
        with mute_logger("odoo.addons.mail.models.mail_thread"):
            complaint_id = self.env["mail.thread"].message_process(False, message.as_string())
        complaint = self.env["service.complaint"].browse(complaint_id)
        received = self.customer_emails(complaint, TEMPLATE_COMPLAINT_RECEIVED)
        self.assertEqual(len(received), 1)
        self.assertEqual(received.partner_ids, self.contact)
        self.assertIn(complaint.name, received.subject)
        self.assertIn(f"access_token={complaint.access_token}", received.body)

    def test_complaint_entered_by_staff_is_acknowledged_only_when_the_company_asks(self):
        complaint = self.new_complaint()
        self.assertFalse(self.customer_emails(complaint))
        self.company.service_complaint_acknowledge_all = True
        complaint = self.new_complaint()
        received = self.customer_emails(complaint)
        self.assertEqual(len(received), 1)
        self.assert_sent_to_contact_only(received, complaint, self.contact)
        # no e-mail address: nothing is sent, the complaint is still created
        self.contact.email = False
        self.customer.email = False
        self.assertFalse(self.customer_emails(self.new_complaint()))

    def test_complaint_filed_in_the_portal_is_acknowledged_to_its_author(self):
        portal = new_test_user(self.env, login="t_portal_zhang", groups="base.group_portal", partner_id=self.contact.id)
        # as the portal's controller does: sudo() after its own checks, the portal user acting
        complaint = (
            self.env["service.complaint"]
            .with_user(portal)
            .sudo()
            .create(
                {
                    "partner_id": self.customer.id,
                    "contact_id": self.contact.id,
                    "channel": "portal",
                    "user_id": self.sales.id,
                    "description": "<p>Rust on the outer ring.</p>",
                }
            )
        )
        received = self.customer_emails(complaint, TEMPLATE_COMPLAINT_RECEIVED)
        self.assertEqual(len(received), 1)
        self.assertEqual(received.notification_ids.res_partner_id, self.contact, "the author is told too")
        self.assertEqual(received.author_id, self.sales.partner_id)

    def test_first_response_is_emailed_to_the_contact(self):
        complaint = self.new_complaint()
        complaint.response_type = "person"
        complaint.action_respond()
        responded = self.customer_emails(complaint, TEMPLATE_COMPLAINT_RESPONDED)
        self.assertEqual(len(responded), 1)
        self.assert_sent_to_contact_only(responded, complaint, self.contact)
        self.assertEqual(responded.author_id, self.sales.partner_id)

    def test_the_mail_to_a_chinese_contact_is_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        template = self.env.ref(TEMPLATE_COMPLAINT_RECEIVED)
        template.update_field_translations("subject", {"zh_CN": SUBJECT_ZH})
        body = template.body_html.replace("You can follow it and write to us here:", "您可以在这里跟进并给我们留言：")
        template.update_field_translations("body_html", {"zh_CN": body})
        self.contact.lang = "zh_CN"
        self.company.service_complaint_acknowledge_all = True
        complaint = self.new_complaint()
        received = self.customer_emails(complaint)
        self.assertEqual(received.subject, f"{self.company.name}：我们已收到您的投诉 {complaint.name}")
        self.assertIn("您可以在这里跟进并给我们留言：", received.body)
        self.assertNotIn("You can follow it", received.body)
        # the contact's language wins over the customer's, the customer's applies without a contact
        self.customer.lang = "zh_CN"
        self.contact.lang = "en_US"
        english = self.customer_emails(self.new_complaint())
        self.assertIn("we received your complaint", english.subject)
        chinese = self.customer_emails(self.new_complaint(contact_id=False))
        self.assertIn("我们已收到您的投诉", chinese.subject)
        self.assertEqual(chinese.partner_ids, self.customer)

    # ------------------------------------------------------------------
    # Return forms
    # ------------------------------------------------------------------
    def _return(self):
        _order, delivery = self.sell_and_deliver([(self.bearing, 10, None)])
        ret = self.new_return(delivery, quantities={(self.bearing, None): 2})
        ret.contact_id = self.contact
        return ret

    def test_final_approval_of_a_return_is_emailed_to_the_contact(self):
        ret = self.to_approval(self._return())
        approvers = self.approvers(ret)
        for user in approvers[:-1]:
            ret.with_user(user).action_approve()
        self.assertFalse(self.customer_emails(ret), "nothing before the final approval")
        ret.with_user(approvers[-1]).action_approve()
        approved = self.customer_emails(ret, TEMPLATE_RETURN_APPROVED)
        self.assertEqual(len(approved), 1)
        self.assert_sent_to_contact_only(approved, ret, self.contact)

    def test_refused_return_is_emailed_with_the_reason(self):
        ret = self.to_approval(self._return())
        ret.with_user(self.approvers(ret)[0]).action_refuse("Mounted with a hammer: misuse.")
        refused = self.customer_emails(ret, TEMPLATE_RETURN_REFUSED)
        self.assertEqual(len(refused), 1)
        self.assert_sent_to_contact_only(refused, ret, self.contact)
        self.assertIn("Mounted with a hammer: misuse.", refused.body)
        self.assertFalse(self.customer_emails(ret, TEMPLATE_RETURN_APPROVED))

    # ------------------------------------------------------------------
    # Satisfaction survey
    # ------------------------------------------------------------------
    def test_satisfaction_invitation_uses_the_add_ons_email(self):
        buyer = self.env["res.partner"].create(
            {"name": "Survey Buyer", "is_company": True, "email": "buyer@survey.example.com"}
        )
        campaign = (
            self.env["service.satisfaction.campaign"]
            .with_user(self.manager)
            .create(
                {
                    "period_start": fields.Date.today(),
                    "audience": "list",
                    "partner_ids": [Command.set(buyer.ids)],
                }
            )
        )
        campaign.action_start()
        answer = campaign.sudo().user_input_ids
        mail = self.env["mail.mail"].sudo().search([("recipient_ids", "in", buyer.ids)])
        self.assertEqual(len(mail), 1)
        template = self.env.ref(TEMPLATE_SATISFACTION_INVITE)
        self.assertEqual(mail.subject, template._render_field("subject", answer.ids)[answer.id])
        self.assertIn("how satisfied are you", mail.subject)
        self.assertIn(answer.access_token, str(mail.body_html))
        self.assertIn("Answer the Survey", str(mail.body_html))
