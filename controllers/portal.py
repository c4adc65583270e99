# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
"""My Account pages of a customer: complaints and return forms.

Portal users have no access right on the service models (an RPC client gets nothing):
every page checks that the record belongs to the user's customer (or that the link
carries the record's access token) and then reads it with sudo(), showing only what
the customer may see."""

import re

from markupsafe import Markup

from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import content_disposition, request
from odoo.tools import plaintext2html
from odoo.tools.mimetypes import guess_mimetype

COMPLAINT = "service.complaint"
RETURN = "service.return"
COMPLAINT_REPORT = "customer_service_control.action_report_complaint_sheet"
RETURN_REPORT = "customer_service_control.action_report_return_form"
# Photos filed with a complaint: images only, at most this many, each at most this big.
PHOTO_MIMETYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")
PHOTO_MAX_COUNT = 5
PHOTO_MAX_BYTES = 5 * 1024 * 1024
DESCRIPTION_MAX_CHARS = 10000


class ServicePortal(CustomerPortal):
    # ------------------------------------------------------------------
    # My Account home
    # ------------------------------------------------------------------
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "service_complaint_count" in counters:
            values["service_complaint_count"] = request.env[COMPLAINT].sudo().search_count(self._service_domain())
        if "service_return_count" in counters:
            values["service_return_count"] = request.env[RETURN].sudo().search_count(self._service_domain())
        return values

    # ------------------------------------------------------------------
    # Complaints
    # ------------------------------------------------------------------
    def _complaint_searchbar_filters(self):
        return {
            "all": {"label": request.env._("All"), "domain": []},
            "open": {"label": request.env._("Open"), "domain": [("state", "in", ("new", "responded", "in_analysis"))]},
            "resolved": {"label": request.env._("Resolved"), "domain": [("state", "=", "resolved")]},
            "closed": {"label": request.env._("Closed"), "domain": [("state", "=", "closed")]},
            "cancelled": {"label": request.env._("Cancelled"), "domain": [("state", "=", "cancelled")]},
        }

    def _complaint_searchbar_sortings(self):
        return {
            "date": {"label": request.env._("Newest"), "order": "received_at desc, id desc"},
            "name": {"label": request.env._("Reference"), "order": "name desc"},
            "state": {"label": request.env._("Status"), "order": "state, received_at desc"},
        }

    @http.route(["/my/complaints", "/my/complaints/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_complaints(self, page=1, sortby=None, filterby=None, **kw):
        values = self._service_list_values(
            COMPLAINT,
            "/my/complaints",
            self._complaint_searchbar_sortings(),
            self._complaint_searchbar_filters(),
            page,
            sortby,
            filterby,
        )
        values["page_name"] = "service_complaint"
        request.session["my_service_complaints_history"] = values["records"].ids[:100]
        return request.render("customer_service_control.portal_my_complaints", values)

    @http.route("/my/complaints/<int:complaint_id>", type="http", auth="public", website=True)
    def portal_my_complaint(self, complaint_id, access_token=None, report_type=None, download=False, **kw):
        try:
            complaint_sudo = self._service_check_access(COMPLAINT, complaint_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if report_type in ("html", "pdf"):
            return self._show_customer_copy(complaint_sudo, report_type, COMPLAINT_REPORT, download)
        values = self._service_page_values(
            complaint_sudo, access_token, "my_service_complaints_history", "service_complaint", **kw
        )
        return request.render("customer_service_control.portal_my_complaint", values)

    @http.route("/my/complaints/new", type="http", auth="user", website=True, methods=["GET", "POST"])
    def portal_new_complaint(self, **post):
        """Form to file a complaint (GET) and its submission (POST)."""
        customer = request.env.user.partner_id.commercial_partner_id
        error = None
        if request.httprequest.method == "POST":
            try:
                with request.env.cr.savepoint():
                    complaint = self._create_portal_complaint(customer, post)
            except (UserError, ValidationError) as exc:
                error = exc.args[0]
            else:
                return request.redirect(f"/my/complaints/{complaint.id}?message=filed")
        values = self._prepare_portal_layout_values()
        values.update(self._complaint_form_choices(customer))
        values.update(
            {
                "page_name": "service_complaint_new",
                "error": error,
                "post": post,
                "photo_max_count": PHOTO_MAX_COUNT,
                "photo_max_mb": PHOTO_MAX_BYTES // (1024 * 1024),
                # The deadline promised is the company's (48 hours by default).
                "response_hours": request.env.user.company_id.sudo().service_complaint_response_hours,
            }
        )
        return request.render("customer_service_control.portal_new_complaint", values)

    # ------------------------------------------------------------------
    # Return forms
    # ------------------------------------------------------------------
    def _return_searchbar_filters(self):
        return {
            "all": {"label": request.env._("All"), "domain": []},
            "open": {
                "label": request.env._("In Progress"),
                "domain": [("state", "in", ("draft", "confirmed", "inspection", "approval"))],
            },
            "approved": {"label": request.env._("Approved"), "domain": [("state", "in", ("approved", "done"))]},
            "refused": {
                "label": request.env._("Refused or Cancelled"),
                "domain": [("state", "in", ("refused", "cancelled"))],
            },
        }

    def _return_searchbar_sortings(self):
        return {
            "date": {"label": request.env._("Newest"), "order": "date desc, id desc"},
            "name": {"label": request.env._("Reference"), "order": "name desc"},
            "state": {"label": request.env._("Status"), "order": "state, date desc"},
        }

    @http.route(["/my/returns", "/my/returns/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_returns(self, page=1, sortby=None, filterby=None, **kw):
        values = self._service_list_values(
            RETURN,
            "/my/returns",
            self._return_searchbar_sortings(),
            self._return_searchbar_filters(),
            page,
            sortby,
            filterby,
        )
        values["page_name"] = "service_return"
        request.session["my_service_returns_history"] = values["records"].ids[:100]
        return request.render("customer_service_control.portal_my_returns", values)

    @http.route("/my/returns/<int:return_id>", type="http", auth="public", website=True)
    def portal_my_return(self, return_id, access_token=None, report_type=None, download=False, **kw):
        try:
            return_sudo = self._service_check_access(RETURN, return_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if report_type in ("html", "pdf"):
            return self._show_customer_copy(return_sudo, report_type, RETURN_REPORT, download)
        values = self._service_page_values(
            return_sudo, access_token, "my_service_returns_history", "service_return", **kw
        )
        return request.render("customer_service_control.portal_my_return", values)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _service_domain(self):
        """Records of the user's customer, in the user's companies."""
        user = request.env.user
        return [
            ("commercial_partner_id", "=", user.partner_id.commercial_partner_id.id),
            ("company_id", "in", user.company_ids.ids),
        ]

    def _service_check_access(self, model_name, record_id, access_token):
        """The record, sudoed, when the user reads it, it belongs to the user's
        customer, or the link carries its access token; AccessError otherwise."""
        try:
            return self._document_check_access(model_name, record_id, access_token=access_token)
        except AccessError:
            if request.env.user._is_public():
                raise
            records = request.env[model_name].sudo().search([("id", "=", record_id)] + self._service_domain())
            if not records:
                raise
            return records

    def _service_list_values(self, model_name, url, sortings, filters, page, sortby, filterby):
        Model = request.env[model_name].sudo()
        sortby = sortby if sortby in sortings else "date"
        filterby = filterby if filterby in filters else "all"
        domain = self._service_domain() + filters[filterby]["domain"]
        pager = portal_pager(
            url=url,
            url_args={"sortby": sortby, "filterby": filterby},
            total=Model.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        records = Model.search(
            domain, order=sortings[sortby]["order"], limit=self._items_per_page, offset=pager["offset"]
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "records": records,
                "pager": pager,
                "default_url": url,
                "searchbar_sortings": sortings,
                "sortby": sortby,
                "searchbar_filters": filters,
                "filterby": filterby,
            }
        )
        return values

    def _service_page_values(self, record_sudo, access_token, history, page_name, **kw):
        values = self._get_page_view_values(record_sudo, access_token, {}, history, False, **kw)
        # The portal chatter reads and posts through the record's token: the customer has
        # no access right on the model, the ownership was checked above.
        record_sudo._portal_ensure_token()
        values.update(
            {
                "page_name": page_name,
                "token": record_sudo.access_token,
                "report_url": record_sudo.get_portal_url(report_type="pdf", download=True),
                "filed": kw.get("message") == "filed",
            }
        )
        return values

    def _show_customer_copy(self, record_sudo, report_type, report_ref, download):
        """The printed form without internal notes, inspection details or approvals."""
        report = (
            request.env["ir.actions.report"]
            .sudo()
            .with_company(record_sudo.company_id)
            .with_context(lang=request.env.lang)
        )
        render = report._render_qweb_pdf if report_type == "pdf" else report._render_qweb_html
        content = render(report_ref, record_sudo.ids, data={"report_type": report_type, "customer_copy": True})[0]
        headers = [
            ("Content-Type", "application/pdf" if report_type == "pdf" else "text/html"),
            ("Content-Length", len(content)),
        ]
        if report_type == "pdf":
            filename = "{}.pdf".format(re.sub(r"\W+", "_", record_sudo.name))
            headers.append(
                ("Content-Disposition", content_disposition(filename, "attachment" if download else "inline"))
            )
        return request.make_response(content, headers=headers)

    # ------------------------------------------------------------------
    # Filing a complaint
    # ------------------------------------------------------------------
    def _complaint_form_domains(self, customer):
        """What the customer may refer to, in the user's companies: its confirmed orders,
        its done deliveries, and (as delivery lines) the products and lots shipped to it."""
        companies = request.env.user.company_ids.ids
        orders = [
            ("partner_id.commercial_partner_id", "=", customer.id),
            ("state", "=", "sale"),
            ("company_id", "in", companies),
        ]
        deliveries = [
            ("partner_id.commercial_partner_id", "=", customer.id),
            ("picking_type_code", "=", "outgoing"),
            ("state", "=", "done"),
            ("company_id", "in", companies),
            "|",
            ("sale_id", "=", False),
            ("sale_id.partner_id.commercial_partner_id", "=", customer.id),
        ]
        return {
            "orders": orders,
            "deliveries": deliveries,
            "ordered": [("order_id", "any", orders)],
            "delivered": [("picking_id", "any", deliveries), ("state", "=", "done")],
        }

    def _complaint_form_choices(self, customer):
        """The options of the form (the latest orders and deliveries)."""
        env = request.env
        domains = self._complaint_form_domains(customer)
        orders = env["sale.order"].sudo().search(domains["orders"], order="date_order desc", limit=200)
        deliveries = env["stock.picking"].sudo().search(domains["deliveries"], order="date_done desc", limit=200)
        delivered = deliveries.move_line_ids
        return {
            "orders": orders,
            "deliveries": deliveries,
            "products": (orders.order_line.product_id | delivered.product_id).filtered(lambda p: p.type == "consu"),
            "lots": delivered.lot_id,
        }

    def _complaint_form_record(self, post, field, model_name, domain):
        """The record posted in ``field`` when ``domain`` accepts it, else False;
        an empty recordset when nothing was chosen."""
        raw = (post.get(field) or "").strip()
        Model = request.env[model_name].sudo()
        if not raw:
            return Model
        if not raw.isdigit():
            return False
        return Model.search([("id", "=", int(raw))] + domain, limit=1) or False

    def _create_portal_complaint(self, customer, post):
        """Validate the posted form against what the customer may refer to (whatever
        the options shown) and create the complaint."""
        env = request.env
        domains = self._complaint_form_domains(customer)
        order = self._complaint_form_record(post, "sale_order_id", "sale.order", domains["orders"])
        if order is False:
            raise UserError(env._("The sale order you chose is not an order of %(customer)s.", customer=customer.name))
        delivery = self._complaint_form_record(post, "picking_id", "stock.picking", domains["deliveries"])
        if delivery is False:
            raise UserError(env._("The delivery you chose was not shipped to %(customer)s.", customer=customer.name))
        SaleLine, MoveLine = env["sale.order.line"].sudo(), env["stock.move.line"].sudo()
        product = self._complaint_form_record(post, "product_id", "product.product", [])
        if product and not (
            SaleLine.search_count([("product_id", "=", product.id)] + domains["ordered"], limit=1)
            or MoveLine.search_count([("product_id", "=", product.id)] + domains["delivered"], limit=1)
        ):
            product = False
        if product is False:
            raise UserError(
                env._("The product you chose was not sold or delivered to %(customer)s.", customer=customer.name)
            )
        lot = self._complaint_form_record(post, "lot_id", "stock.lot", [])
        if lot and not MoveLine.search_count([("lot_id", "=", lot.id)] + domains["delivered"], limit=1):
            lot = False
        if lot is False:
            raise UserError(
                env._("The lot or serial number you chose was not delivered to %(customer)s.", customer=customer.name)
            )
        if order and delivery and delivery.sale_id and delivery.sale_id != order:
            raise UserError(
                env._(
                    "Delivery %(delivery)s was not shipped for order %(order)s.",
                    delivery=delivery.name,
                    order=order.name,
                )
            )
        if lot and product and lot.product_id != product:
            raise UserError(
                env._("Lot %(lot)s is not a lot of %(product)s.", lot=lot.name, product=product.display_name)
            )
        if lot and delivery and lot not in delivery.move_line_ids.lot_id:
            raise UserError(
                env._("Lot %(lot)s was not shipped with delivery %(delivery)s.", lot=lot.name, delivery=delivery.name)
            )
        description = (post.get("description") or "").strip()
        if not description:
            raise UserError(env._("Describe the problem: what happened, when and with which product."))
        if len(description) > DESCRIPTION_MAX_CHARS:
            raise UserError(
                env._("The description is too long (at most %(count)s characters).", count=DESCRIPTION_MAX_CHARS)
            )
        photos = self._complaint_photos()
        company = order.company_id or delivery.company_id or env.user.company_id
        contact = env.user.partner_id
        products = product or (lot.product_id if lot else env["product.product"])
        vals = {
            "partner_id": customer.id,
            "contact_id": contact.id if contact != customer else False,
            "company_id": company.id,
            "channel": "portal",
            "sale_order_id": (order or delivery.sale_id).id,
            "picking_id": delivery.id,
            "product_ids": [(6, 0, products.ids)],
            "lot_ids": [(6, 0, lot.ids)],
            "description": plaintext2html(description),
            "user_id": self._complaint_handler(customer, company).id,
        }
        # sudo: a portal user has no access right on complaints; every value above was
        # checked against the customer's own orders, deliveries, products and lots.
        complaint = env[COMPLAINT].sudo().with_company(company).create(vals)
        if photos:
            attachments = (
                env["ir.attachment"]
                .sudo()
                .create(
                    [
                        {
                            "name": name,
                            "raw": content,
                            "mimetype": mimetype,
                            "res_model": COMPLAINT,
                            "res_id": complaint.id,
                        }
                        for name, content, mimetype in photos
                    ]
                )
            )
            complaint.message_post(
                body=Markup("<p>%s</p>") % env._("Photos sent with the complaint."),
                attachment_ids=attachments.ids,
                author_id=contact.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        return complaint

    def _complaint_photos(self):
        """(name, content, mimetype) of the uploaded photos; UserError when one is not
        an image, too big, or when there are too many."""
        env = request.env
        files = [f for f in request.httprequest.files.getlist("photos") if f and f.filename]
        if len(files) > PHOTO_MAX_COUNT:
            raise UserError(env._("Send at most %(count)s photos with a complaint.", count=PHOTO_MAX_COUNT))
        photos = []
        for upload in files:
            content = upload.read(PHOTO_MAX_BYTES + 1)
            if len(content) > PHOTO_MAX_BYTES:
                raise UserError(
                    env._(
                        "Photo %(name)s is larger than %(size)s MB.",
                        name=upload.filename,
                        size=PHOTO_MAX_BYTES // (1024 * 1024),
                    )
                )
            mimetype = guess_mimetype(content)
            if mimetype not in PHOTO_MIMETYPES:
                raise UserError(env._("%(name)s is not a photo (PNG, JPEG, GIF or WebP image).", name=upload.filename))
            photos.append((upload.filename, content, mimetype))
        return photos

    def _complaint_handler(self, customer, company):
        """The customer's salesperson, else the company's Customer Service Manager."""
        salesperson = customer.user_id
        if salesperson and not salesperson.share and company in salesperson.company_ids:
            return salesperson
        return company.service_manager_user_id
