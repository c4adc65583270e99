# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
"""The four printed forms as real PDFs, on the wkhtmltopdf the README's set-up installs.

Each form prints long enough for two pages: every page carries the company header and
footer with "Page i / n", the paper is A4 for a Chinese company, Chinese text copies as the
same characters, and a print of several records still splits into one PDF per record.
"""

import io
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

from odoo.tests import HttpCase, tagged
from odoo.tools.pdf import PdfFileReader

from .common import ReturnCase

MODULE = "customer_service_control"
CUSTOMER_CN = "上海轴承有限公司"
COMPANY = "Ningbo Test Bearing Works"
# A4 in PostScript points (210 × 297 mm).
A4_PT = (595, 842)
# 一 二 人 大 小 are the characters a CJK font may map back to Kangxi radicals (U+2F00…).
PARAGRAPH_CN = "外圈滚道有明显凹痕，一个人发现大轴承运转二百小时后噪声超过振动等级。"
PARAGRAPH_EN = "Raceway dent found on the outer ring; noise above the vibration grade after 200 hours. "


def long_html(paragraphs=60):
    """Rich text long enough to spill onto a second page, Chinese and English."""
    return "".join(f"<p>{index}. {PARAGRAPH_CN} {PARAGRAPH_EN}</p>" for index in range(1, paragraphs + 1))


@tagged("post_install", "-at_install")
class TestReportPdf(ReturnCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for tool in ("wkhtmltopdf", "pdftotext", "pdffonts"):
            if not shutil.which(tool):
                raise AssertionError(f"{tool} is missing: the printed forms cannot be checked (bin/dev installs it).")
        # A Chinese company a localisation left on US Letter (as l10n_us does to the demo company).
        cls.company.write(
            {
                "name": COMPANY,
                "country_id": cls.env.ref("base.cn").id,
                "paperformat_id": cls.env.ref("base.paperformat_us").id,
            }
        )
        cls.customer.name = CUSTOMER_CN

    def setUp(self):
        super().setUp()
        # wkhtmltopdf fetches the report styles from the server the test runs; the bundles
        # are built before (as on a server in use), not while wkhtmltopdf waits for them.
        self.env["ir.config_parameter"].sudo().set_param("report.url", self.base_url())
        for bundle in ("web.report_assets_pdf", "web.report_assets_common"):
            link = self.env["ir.qweb"]._get_asset_bundle(bundle, css=True, js=False).get_link("css")
            self.assertEqual(self.url_open(link, timeout=120).status_code, 200)

    # ------------------------------------------------------------------
    # Builders and readers
    # ------------------------------------------------------------------
    def complaint(self):
        return self.new_complaint(description=long_html())

    def return_form(self):
        _order, delivery = self.sell_and_deliver([(self.bearing, 10, None)])
        return self.new_return(delivery, reason=long_html())

    def visit(self):
        return self.env["service.visit"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.sales.id,
                "planned_date": "2026-05-04",
                "summary": long_html(),
            }
        )

    def review(self, start=date(2023, 7, 1), end=date(2023, 12, 31)):
        return self.env["service.review"].create(
            {
                "period_start": start,
                "period_end": end,
                "user_id": self.manager.id,
                "ext_technical_consulting": long_html(),
            }
        )

    def print_pdf(self, xmlid, records):
        """The PDF Odoo sends to the browser for ``records`` (in their context's language)."""
        report = self.env.ref(f"customer_service_control.{xmlid}")
        content, kind = (
            self.env["ir.actions.report"]
            .with_context(records.env.context, force_report_rendering=True)
            ._render_qweb_pdf(report.report_name, records.ids)
        )
        self.assertEqual(kind, "pdf")
        return content

    def print_streams(self, xmlid, records):
        """The per-record PDFs Odoo saves as attachments (split by the top-level outlines)."""
        report = self.env.ref(f"customer_service_control.{xmlid}")
        return (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf_prepare_streams(report.report_name, {}, res_ids=records.ids)
        )

    def pages_text(self, content):
        """The text pdftotext extracts from each page."""
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory, "report.pdf")
            path.write_bytes(content)
            text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
            fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
        return text.split("\f")[:-1], fonts

    def assert_company_layout(self, content, *texts):
        """Header (company), footer (page i / n) on every page, A4, extractable Chinese
        (the description and ``texts``)."""
        reader = PdfFileReader(io.BytesIO(content))
        pages, fonts = self.pages_text(content)
        self.assertEqual(len(pages), len(reader.pages))
        self.assertGreaterEqual(len(pages), 2, "the record is long enough for two pages")
        for number, text in enumerate(pages, start=1):
            self.assertIn(COMPANY, text, f"company header on page {number}")
            self.assertRegex(text, rf"(?:Page|页:) {number} / {len(pages)}\b", f"page number on page {number}")
        for page in reader.pages:
            self.assertEqual((round(float(page.mediabox.width)), round(float(page.mediabox.height))), A4_PT, "A4 paper")
        full_text = "".join("".join(pages).split())
        for text in (PARAGRAPH_CN, *texts):
            self.assertIn("".join(text.split()), full_text, "Chinese text copied as the same characters")
        # name, type, encoding, embedded, subset, ToUnicode: all text in WenQuanYi Zen Hei
        # (no web font drawn as outlines, no serif fallback of an unstyled page).
        font_lines = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
        self.assertTrue(font_lines, "the text is text, in fonts")
        for name, *_kind, embedded, _subset, to_unicode, _obj, _gen in font_lines:
            self.assertEqual((name, embedded, to_unicode), ("WenQuanYiZenHei", "yes", "yes"))
        return pages

    # ------------------------------------------------------------------
    # The four forms
    # ------------------------------------------------------------------
    def test_complaint_sheet_prints_the_company_layout_on_every_page(self):
        complaint = self.complaint()
        content = self.print_pdf("action_report_complaint_sheet", complaint)
        pages = self.assert_company_layout(content, CUSTOMER_CN)
        self.assertIn(complaint.name, pages[0])

    def test_return_form_prints_the_company_layout_on_every_page(self):
        ret = self.return_form()
        content = self.print_pdf("action_report_return_form", ret)
        pages = self.assert_company_layout(content, CUSTOMER_CN)
        self.assertIn(ret.name, pages[0])

    def test_visit_report_prints_the_company_layout_on_every_page(self):
        visit = self.visit()
        content = self.print_pdf("action_report_visit", visit)
        pages = self.assert_company_layout(content, CUSTOMER_CN)
        self.assertIn(visit.name, pages[0])

    def test_service_review_prints_the_company_layout_on_every_page(self):
        review = self.review()
        content = self.print_pdf("action_report_service_review", review)
        pages = self.assert_company_layout(content)
        self.assertIn(review.name, pages[0])

    def test_complaint_sheet_prints_in_chinese_for_a_chinese_user(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["web", MODULE], ["zh_CN"], overwrite=True)
        complaint = self.complaint()
        content = self.print_pdf("action_report_complaint_sheet", complaint.with_context(lang="zh_CN"))
        pages = self.assert_company_layout(content, CUSTOMER_CN, "投诉处理单", "客户")
        self.assertIn("页: 1 / ", pages[0], "Odoo's footer label in Chinese")
        self.assertNotIn("Complaint Sheet", pages[0])

    def test_a_company_elsewhere_keeps_its_own_paper(self):
        self.company.country_id = self.env.ref("base.us")
        report = self.env.ref("customer_service_control.action_report_complaint_sheet")
        self.assertEqual(report.get_paperformat().format, "Letter")
        self.company.country_id = self.env.ref("base.cn")
        self.assertEqual(report.get_paperformat().format, "A4")
        report.paperformat_id = self.env.ref("base.paperformat_us")
        self.assertEqual(report.get_paperformat().format, "Letter", "a paper format set on the report wins")

    # ------------------------------------------------------------------
    # Several records in one print
    # ------------------------------------------------------------------
    def test_printing_several_complaints_numbers_each_and_splits_per_record(self):
        first, second = self.complaint(), self.new_complaint(description=long_html(90))
        records = first | second
        content = self.print_pdf("action_report_complaint_sheet", records)
        streams = self.print_streams("action_report_complaint_sheet", records)
        pages, _fonts = self.pages_text(content)
        own_pages = []
        for record in records:
            self.assertIn(record.id, streams, "one PDF per record (as Odoo attaches them)")
            record_pages, _fonts = self.pages_text(streams[record.id]["stream"].getvalue())
            self.assertIn(record.name, record_pages[0])
            for number, text in enumerate(record_pages, start=1):
                self.assertIn(COMPANY, text)
                self.assertRegex(text, rf"(?:Page|页:) {number} / {len(record_pages)}\b", "numbers restart per record")
            own_pages.append(len(record_pages))
        self.assertEqual(sum(own_pages), len(pages))
        self.assertGreater(own_pages[1], own_pages[0])
