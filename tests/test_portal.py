# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
"""The customer portal: My Account › Complaints and Return Forms, through the routes
(as a browser would) and through RPC as the portal user."""

import base64
import html
import json
import re
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import ReturnCase

# A 1×1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
INTERNAL_NOTE = "INTERNAL-NOTE-margin-is-thin"
ANALYSIS = "ANALYSIS-heat-treatment-furnace-7"
DEFECT = "DEFECT-raceway-pitting"
APPROVAL_NOTE = "APPROVAL-NOTE-goodwill-for-key-customer"


@tagged("post_install", "-at_install")
class PortalCase(ReturnCase, HttpCase):
    """Two customers, each with a portal user, a delivered order, a complaint and a
    return form re-inspected and approved."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal = new_test_user(
            cls.env, login="t_portal_a", groups="base.group_portal", partner_id=cls.contact.id, name=cls.contact.name
        )
        cls.other_customer = cls.env["res.partner"].create({"name": "Other Pump Works", "is_company": True})
        cls.other_contact = cls.env["res.partner"].create({"name": "Li Si", "parent_id": cls.other_customer.id})
        cls.other_portal = new_test_user(
            cls.env,
            login="t_portal_b",
            groups="base.group_portal",
            partner_id=cls.other_contact.id,
            name=cls.other_contact.name,
        )
        cls.order, cls.delivery = cls.sell_and_deliver([(cls.lot_bearing, 10, {cls.lot_a: 10})])
        cls.other_order, cls.other_delivery = cls.sell_and_deliver(
            [(cls.lot_bearing, 5, {cls.lot_b: 5})], partner=cls.other_customer
        )
        Complaint = cls.env["service.complaint"]
        cls.complaint = Complaint.create(
            {
                "partner_id": cls.customer.id,
                "contact_id": cls.contact.id,
                "user_id": cls.sales.id,
                "sale_order_id": cls.order.id,
                "picking_id": cls.delivery.id,
                "description": "<p>Noise on the 6205 bearings.</p>",
                "analysis": f"<p>{ANALYSIS}</p>",
            }
        )
        cls.complaint.message_post(body=INTERNAL_NOTE, subtype_xmlid="mail.mt_note")
        cls.complaint.message_post(
            body="We send an engineer on Monday.", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        cls.other_complaint = Complaint.create(
            {
                "partner_id": cls.other_customer.id,
                "description": "<p>OTHER-CUSTOMER-complaint</p>",
            }
        )
        cls.ret = (
            cls.env["service.return"]
            .with_user(cls.sales)
            ._create_from_pickings(
                cls.delivery,
                return_type_id=cls.env.ref("customer_service_control.return_type_partial").id,
                reason="<p>Noise above the grade.</p>",
            )
        )
        cls.ret.with_user(cls.manager).action_confirm()
        cls.ret.with_user(cls.prod_manager).write({"inspector_ids": [Command.set(cls.inspector.ids)]})
        cls.ret.with_user(cls.prod_manager).action_start_inspection()
        cls.ret.line_ids.with_user(cls.inspector).write({"inspection_result": "nonconforming", "defect": DEFECT})
        cls.ret.with_user(cls.inspector).action_request_approval()
        cls.ret.approval_ids.sudo().write({"note": APPROVAL_NOTE})
        cls.other_return = (
            cls.env["service.return"]
            .with_user(cls.sales)
            ._create_from_pickings(
                cls.other_delivery,
                return_type_id=cls.env.ref("customer_service_control.return_type_partial").id,
            )
        )

    def page(self, url, **kwargs):
        response = self.url_open(url, **kwargs)
        self.assertEqual(response.status_code, 200, url)
        return response

    def csrf(self):
        page = self.page("/my/complaints/new").text
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def file_complaint(self, files=None, **form):
        data = {
            "csrf_token": self.csrf(),
            "description": "Loud noise after 200 hours.",
            "sale_order_id": str(self.order.id),
            "picking_id": str(self.delivery.id),
            "product_id": str(self.lot_bearing.id),
            "lot_id": str(self.lot_a.id),
        }
        data.update(form)
        return self.url_open("/my/complaints/new", data=data, files=files or {})

    def complaints_of(self, partner):
        return self.env["service.complaint"].search([("commercial_partner_id", "=", partner.id)])


@tagged("post_install", "-at_install")
class TestPortalRoutes(PortalCase):
    def test_my_account_counts_only_the_customers_records(self):
        self.authenticate("t_portal_a", "t_portal_a")
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["service_complaint_count", "service_return_count"]}
        )
        self.assertEqual(counters["service_complaint_count"], 1)
        self.assertEqual(counters["service_return_count"], 1)
        home = self.page("/my").text
        self.assertIn('href="/my/complaints"', home)
        self.assertIn('href="/my/returns"', home)

    def test_lists_show_own_records_and_filter_by_state(self):
        self.authenticate("t_portal_a", "t_portal_a")
        complaints = self.page("/my/complaints").text
        self.assertIn(self.complaint.name, complaints)
        self.assertNotIn(self.other_complaint.name, complaints)
        self.assertNotIn(self.complaint.name, self.page("/my/complaints?filterby=closed").text)
        self.assertIn(self.complaint.name, self.page("/my/complaints?filterby=open&sortby=state").text)
        returns = self.page("/my/returns").text
        self.assertIn(self.ret.name, returns)
        self.assertNotIn(self.other_return.name, returns)
        self.assertIn(self.ret.name, self.page("/my/returns?filterby=open&sortby=name").text)
        self.assertNotIn(self.ret.name, self.page("/my/returns?filterby=refused").text)

    def test_detail_shows_state_deadline_and_customer_messages_only(self):
        self.authenticate("t_portal_a", "t_portal_a")
        page = self.page(f"/my/complaints/{self.complaint.id}").text
        self.assertIn(self.complaint.name, page)
        self.assertIn("Response Deadline", page)
        self.assertIn(self.order.name, page)
        self.assertIn(self.delivery.name, page)
        self.assertIn("Noise on the 6205 bearings.", page)
        self.assertNotIn(ANALYSIS, page)
        self.assertNotIn(INTERNAL_NOTE, page)
        self.assertIn(f'data-token="{self.complaint.access_token}"', page)
        # The portal chatter reads through the token: the customer's messages, never notes.
        messages = self.make_jsonrpc_request(
            "/mail/chatter_fetch",
            {"thread_model": "service.complaint", "thread_id": self.complaint.id, "token": self.complaint.access_token},
        )
        bodies = " ".join(str(m["body"]) for m in messages["data"]["mail.message"])
        self.assertIn("We send an engineer on Monday.", bodies)
        self.assertNotIn(INTERNAL_NOTE, bodies)

    def test_another_customers_record_is_refused(self):
        self.authenticate("t_portal_a", "t_portal_a")
        for url in (
            f"/my/complaints/{self.other_complaint.id}",
            f"/my/returns/{self.other_return.id}",
            f"/my/complaints/{self.other_complaint.id}?report_type=html",
            f"/my/returns/{self.other_return.id}?report_type=pdf",
            f"/my/complaints/{self.other_complaint.id}?access_token=wrong",
        ):
            response = self.url_open(url)
            self.assertTrue(response.url.rstrip("/").endswith("/my") or "/my/home" in response.url, url)
            self.assertNotIn(self.other_complaint.name, response.text, url)
            self.assertNotIn(self.other_return.name, response.text, url)
            self.assertNotIn("OTHER-CUSTOMER-complaint", response.text, url)

    def test_another_companys_record_is_not_listed(self):
        company_b = self.env["res.company"].create({"name": "Bearing Co. B"})
        foreign = self.env["service.complaint"].create(
            {
                "name": "FOREIGN-CMP-1",
                "partner_id": self.customer.id,
                "company_id": company_b.id,
                "description": "<p>FOREIGN-COMPANY</p>",
            }
        )
        self.authenticate("t_portal_a", "t_portal_a")
        self.assertNotIn(foreign.name, self.page("/my/complaints").text)
        response = self.url_open(f"/my/complaints/{foreign.id}")
        self.assertNotIn("FOREIGN-COMPANY", response.text)

    def test_token_link_opens_for_a_logged_out_customer_and_a_wrong_token_is_refused(self):
        url = self.complaint.get_portal_url()
        self.assertIn(f"access_token={self.complaint.access_token}", url)
        page = self.page(url).text
        self.assertIn(self.complaint.name, page)
        self.assertNotIn(INTERNAL_NOTE, page)
        response = self.url_open(f"/my/complaints/{self.complaint.id}?access_token=not-the-token")
        self.assertNotIn(self.complaint.name, response.text)
        self.assertIn("/web/login", response.url)
        response = self.url_open(f"/my/returns/{self.ret.id}")
        self.assertNotIn(self.ret.name, response.text)

    def test_email_to_a_following_contact_links_the_portal_page_with_the_token(self):
        for record, page in ((self.complaint, "/my/complaints/"), (self.ret, "/my/returns/")):
            record.message_subscribe(partner_ids=self.contact.ids)
            record.with_user(self.sales).with_context(mail_notify_force_send=False).message_post(
                body="An engineer visits on Monday.", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
            mail = self.env["mail.mail"].search(
                [("recipient_ids", "in", self.contact.ids), ("model", "=", record._name), ("res_id", "=", record.id)],
                order="id desc",
                limit=1,
            )
            link = html.unescape(re.search(r'href="([^"]*/mail/view[^"]*)"', str(mail.body_html)).group(1))
            self.assertIn(f"access_token={record.access_token}", link)
            self.authenticate("t_portal_a", "t_portal_a")
            response = self.url_open(link[link.index("/mail/view") :])
            self.assertIn(f"{page}{record.id}", response.url)
            self.assertIn(record.name, response.text)

    def test_return_page_hides_inspection_and_approvals(self):
        self.authenticate("t_portal_a", "t_portal_a")
        page = self.page(f"/my/returns/{self.ret.id}").text
        self.assertIn(self.ret.name, page)
        self.assertIn("Bearing 6205-2RS", page)
        for secret in (DEFECT, APPROVAL_NOTE, self.inspector.name):
            self.assertNotIn(secret, page)

    def test_customer_copy_pdf_has_no_inspection_approval_or_analysis(self):
        self.authenticate("t_portal_a", "t_portal_a")
        copy = self.page(f"/my/returns/{self.ret.id}?report_type=html").text
        self.assertIn(self.ret.name, copy)
        self.assertIn("Noise above the grade.", copy)
        for secret in (DEFECT, APPROVAL_NOTE, "Re-inspection", "Defect Found", "Signature / Date", self.inspector.name):
            self.assertNotIn(secret, copy)
        sheet = self.page(f"/my/complaints/{self.complaint.id}?report_type=html").text
        self.assertIn(self.complaint.name, sheet)
        self.assertNotIn(ANALYSIS, sheet)
        self.assertNotIn("Signature / Date", sheet)
        pdf = self.page(f"/my/complaints/{self.complaint.id}?report_type=pdf&download=true")
        self.assertIn("attachment;", pdf.headers["Content-Disposition"])
        # Staff printing from the back end keeps the full form.
        Report = self.env["ir.actions.report"]
        full = str(Report._render_qweb_html("customer_service_control.action_report_return_form", self.ret.ids)[0])
        for secret in (DEFECT, APPROVAL_NOTE, "Re-inspection", "Defect Found", "Signature / Date"):
            self.assertIn(secret, full)
        full = str(
            Report._render_qweb_html("customer_service_control.action_report_complaint_sheet", self.complaint.ids)[0]
        )
        self.assertIn(ANALYSIS, full)

    def test_filing_a_complaint_with_a_photo(self):
        self.authenticate("t_portal_a", "t_portal_a")
        before = self.complaints_of(self.customer)
        # Fields the form does not have are ignored, whatever a crafted request posts.
        response = self.file_complaint(
            files={"photos": ("bearing.png", PNG, "image/png")},
            state="closed",
            channel="phone",
            user_id=str(self.manager.id),
            received_at="2020-01-01 00:00:00",
            partner_id=str(self.other_customer.id),
            company_id="2",
        )
        self.assertEqual(response.status_code, 200)
        complaint = self.complaints_of(self.customer) - before
        self.assertEqual(len(complaint), 1)
        self.assertIn(f"/my/complaints/{complaint.id}", response.url)
        self.assertIn(complaint.name, response.text)
        self.assertRecordValues(
            complaint,
            [
                {
                    "state": "new",
                    "channel": "portal",
                    "contact_id": self.contact.id,
                    "user_id": self.sales.id,
                    "sale_order_id": self.order.id,
                    "picking_id": self.delivery.id,
                    "product_ids": self.lot_bearing.ids,
                    "lot_ids": self.lot_a.ids,
                    "company_id": self.company.id,
                }
            ],
        )
        self.assertLess(abs(complaint.received_at - fields.Datetime.now()), timedelta(minutes=5))
        self.assertEqual(complaint.deadline - complaint.received_at, timedelta(hours=48))
        self.assertIn("Loud noise after 200 hours.", complaint.description)
        photo = self.env["ir.attachment"].search(
            [("res_model", "=", "service.complaint"), ("res_id", "=", complaint.id)]
        )
        self.assertEqual(photo.mapped("mimetype"), ["image/png"])
        self.assertEqual(photo.raw, PNG)
        self.assertIn(self.portal.partner_id, complaint.message_partner_ids)

    def test_filing_refuses_what_is_not_the_customers(self):
        self.authenticate("t_portal_a", "t_portal_a")
        cases = [
            (
                {"sale_order_id": str(self.other_order.id)},
                {},
                "The sale order you chose is not an order of Test Motor Works",
            ),
            (
                {"picking_id": str(self.other_delivery.id)},
                {},
                "The delivery you chose was not shipped to Test Motor Works",
            ),
            (
                {"lot_id": str(self.lot_b.id)},
                {},
                "The lot or serial number you chose was not delivered to Test Motor Works",
            ),
            (
                {"product_id": str(self.bearing.id)},
                {},
                "The product you chose was not sold or delivered to Test Motor Works",
            ),
            ({"sale_order_id": "1 OR 1=1"}, {}, "The sale order you chose is not an order of"),
            ({"description": "   "}, {}, "Describe the problem"),
            ({}, {"photos": ("invoice.pdf", b"%PDF-1.4 not an image", "image/png")}, "is not a photo"),
            (
                {},
                {"photos": ("huge.png", PNG + b"\0" * (5 * 1024 * 1024), "image/png")},
                "larger than 5 MB",
            ),
        ]
        before = self.complaints_of(self.customer)
        attachments = self.env["ir.attachment"].search_count([("res_model", "=", "service.complaint")])
        for form, files, message in cases:
            response = self.file_complaint(files=files, **form)
            self.assertEqual(response.status_code, 200, form)
            self.assertIn(message, response.text, form)
            self.assertIn("o_service_error", response.text, form)
            self.assertEqual(self.complaints_of(self.customer), before, form)
            self.assertEqual(
                self.env["ir.attachment"].search_count([("res_model", "=", "service.complaint")]), attachments, form
            )
        self.assertFalse(self.complaints_of(self.other_customer) - self.other_complaint)

    def test_filing_without_the_forms_csrf_token_is_refused(self):
        self.authenticate("t_portal_a", "t_portal_a")
        before = self.complaints_of(self.customer)
        for token in ("", "forged"):
            response = self.url_open(
                "/my/complaints/new", data={"csrf_token": token, "description": "Forged from another site."}
            )
            self.assertEqual(response.status_code, 400, token)
        self.assertEqual(self.complaints_of(self.customer), before)

    def test_filing_needs_a_login(self):
        response = self.url_open("/my/complaints/new")
        self.assertIn("/web/login", response.url)

    def test_filing_refuses_a_lot_not_shipped_with_the_delivery(self):
        order, delivery = self.sell_and_deliver([(self.lot_bearing, 3, {self.lot_b: 3})])
        self.authenticate("t_portal_a", "t_portal_a")
        before = self.complaints_of(self.customer)
        response = self.file_complaint(
            sale_order_id=str(order.id), picking_id=str(delivery.id), lot_id=str(self.lot_a.id)
        )
        self.assertIn(f"Lot 6205-A was not shipped with delivery {delivery.name}", response.text)
        response = self.file_complaint(sale_order_id=str(order.id), picking_id=str(self.delivery.id))
        self.assertIn(f"Delivery {self.delivery.name} was not shipped for order {order.name}", response.text)
        self.assertEqual(self.complaints_of(self.customer), before)

    def test_chatter_of_another_customer_is_refused(self):
        self.authenticate("t_portal_a", "t_portal_a")
        messages = self.other_complaint.message_ids
        for token in (self.complaint.access_token, "wrong", None):
            response = self.make_jsonrpc_request_raw(
                "/mail/message/post",
                {
                    "thread_model": "service.complaint",
                    "thread_id": self.other_complaint.id,
                    "post_data": {"body": "INJECTED", "message_type": "comment"},
                    "token": token,
                },
            )
            self.assertIn("error", response, token)
        self.assertEqual(self.other_complaint.message_ids, messages)

    def test_customer_writes_in_the_chatter_through_the_token(self):
        self.authenticate("t_portal_a", "t_portal_a")
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "service.complaint",
                "thread_id": self.complaint.id,
                "post_data": {
                    "body": "The bearings are kept aside.",
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                },
                "token": self.complaint.access_token,
            },
        )
        message = self.complaint.message_ids[0]
        self.assertEqual(message.author_id, self.contact)
        self.assertIn("The bearings are kept aside.", message.body)
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))

    def make_jsonrpc_request_raw(self, route, params):
        response = self.url_open(
            route,
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}),
            headers={"Content-Type": "application/json"},
        )
        return response.json()


@tagged("post_install", "-at_install")
class TestPortalRpc(PortalCase):
    """A portal user has no access right on the service models: RPC gives nothing."""

    MODELS = ("service.complaint", "service.return", "service.return.line", "service.return.approval")

    def records(self, model):
        if model == "service.complaint":
            return self.complaint | self.other_complaint
        if model == "service.return":
            return self.ret | self.other_return
        if model == "service.return.line":
            return self.ret.line_ids | self.other_return.line_ids
        return self.ret.approval_ids

    def test_portal_user_cannot_search_or_read_any_service_record(self):
        for model in self.MODELS:
            ids = self.records(model).ids
            for method, args, kwargs in (
                ("search_read", [[]], {"fields": ["display_name"]}),
                ("search_count", [[]], {}),
                ("read", [ids, ["display_name"]], {}),
                ("web_search_read", [[]], {"specification": {"display_name": {}}}),
            ):
                with self.refused(AccessError, "You are not allowed to access"):
                    self.rpc(self.portal, model, method, *args, **kwargs)

    def test_portal_user_cannot_write_create_or_post(self):
        own, other = self.complaint, self.other_complaint
        messages = (own | other).message_ids
        for record in (own, other):
            with self.refused(AccessError, r"not allowed to (access|modify) 'Customer Complaint'"):
                self.rpc(self.portal, "service.complaint", "write", record.ids, {"description": "<p>HACK</p>"})
            with self.refused(AccessError, r"Document type: Message, Operation: create"):
                self.rpc(self.portal, "service.complaint", "message_post", record.ids, body="INJECTED")
        with self.refused(AccessError, r"You are not allowed to (create|access)"):
            self.rpc(
                self.portal,
                "service.complaint",
                "create",
                {"partner_id": self.other_customer.id, "description": "<p>HACK</p>"},
            )
        with self.refused(AccessError, r"not allowed to (access|modify) 'Returned Product Handling Form'"):
            self.rpc(self.portal, "service.return", "write", self.ret.ids, {"reason": "<p>HACK</p>"})
        self.assertNotIn("HACK", own.description + other.description + self.ret.reason)
        self.assertEqual((own | other).message_ids, messages)
        self.assertEqual(self.complaints_of(self.other_customer), other)

    def test_portal_user_reads_no_internal_note_or_photo_through_rpc(self):
        messages = self.rpc(
            self.portal,
            "mail.message",
            "search_read",
            [("model", "=", "service.complaint"), ("res_id", "in", (self.complaint | self.other_complaint).ids)],
            fields=["body"],
        )
        self.assertNotIn(INTERNAL_NOTE, " ".join(str(m["body"]) for m in messages))
        self.env["ir.attachment"].create(
            {"name": "inspection.png", "raw": PNG, "res_model": "service.return", "res_id": self.ret.id}
        )
        with self.refused(AccessError, "not allowed to access 'Attachment'"):
            self.rpc(self.portal, "ir.attachment", "search_read", [("res_model", "like", "service.")], fields=["name"])
