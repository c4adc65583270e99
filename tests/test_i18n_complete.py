# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
import re
from datetime import date

import polib
from lxml import html as lxml_html

from odoo import Command
from odoo.tests import tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationModuleReader, get_text_content

from .common import ReturnCase

MODULE = "customer_service_control"
LANG = "zh_CN"
REPORTS = {
    "report_complaint_sheet": "service.complaint",
    "report_return_form": "service.return",
    "report_visit": "service.visit",
    "report_service_review": "service.review",
}


def normalized(text):
    return " ".join(text.split())


def page_text(html):
    """The text of the printed pages (``div.page``, the add-on's own part of the
    document: Odoo's header and footer are Odoo's terms), whitespace collapsed."""
    tree = lxml_html.fromstring(html)
    return normalized(" ".join(" ".join(page.itertext()) for page in tree.xpath("//div[hasclass('page')]")))


@tagged("post_install", "-at_install")
class TestChineseComplete(ReturnCase):
    """Every term of the add-on, as Odoo exports it, is translated in i18n/zh_CN.po; a
    form printed for a Chinese customer carries no English label of the add-on."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang(LANG)
        cls.env["ir.module.module"]._load_module_terms([MODULE], [LANG], overwrite=True)
        # Obsolete entries (#~, left by msgmerge) are not loaded by Odoo.
        cls.po = [entry for entry in polib.pofile(file_path(f"{MODULE}/i18n/{LANG}.po")) if not entry.obsolete]
        cls.terms = list(TranslationModuleReader(cls.env.cr, [MODULE]))
        (cls.customer | cls.company.partner_id).write({"lang": LANG})
        # The staff of a Chinese company: what they type, and what the add-on writes for
        # them (a corrective action's title), is Chinese.
        cls.env = cls.env(context=dict(cls.env.context, lang=LANG))

    # ------------------------------------------------------------------
    # The catalogue
    # ------------------------------------------------------------------
    def test_every_term_of_the_addon_has_a_chinese_translation(self):
        translated = {entry.msgid for entry in self.po if entry.msgstr.strip() and not entry.fuzzy}
        missing = sorted(
            {
                f"{ttype}:{name}:{res_id}: {source!r}"
                for _m, ttype, name, res_id, source, _v, _c in self.terms
                if source not in translated
            }
        )
        self.assertGreater(len(self.terms), 1000, "the add-on's terms were not read")
        self.assertFalse(
            missing,
            f"{len(missing)} term(s) of the add-on have no Chinese translation in i18n/{LANG}.po "
            "(bin/dev pot, msgmerge --no-fuzzy-matching, translate):\n" + "\n".join(missing),
        )

    def test_every_file_of_the_addon_gives_its_terms(self):
        # A call the extractor cannot read (an f-string argument, say) drops every later
        # term of its file from the export, and so from this test's list above.
        with self.assertNoLogs("odoo.tools.translate", level="ERROR"):
            list(TranslationModuleReader(self.env.cr, [MODULE]))

    def test_catalogue_has_no_fuzzy_or_empty_entry(self):
        bad = [entry.msgid for entry in self.po if entry.fuzzy or not entry.msgstr.strip()]
        self.assertFalse(bad, f"fuzzy or empty entries in i18n/{LANG}.po: {bad}")

    def test_placeholders_survive_the_translation(self):
        """A translation that drops or renames a %(name)s placeholder raises KeyError (or
        loses the value) when the message is shown."""
        placeholder = re.compile(r"%\(\w+\)s|%s|%d")
        wrong = [
            entry.msgid
            for entry in self.po
            if entry.msgstr and sorted(placeholder.findall(entry.msgid)) != sorted(placeholder.findall(entry.msgstr))
        ]
        self.assertFalse(wrong, f"placeholders differ between source and translation: {wrong}")

    # ------------------------------------------------------------------
    # Printed forms
    # ------------------------------------------------------------------
    def english_labels(self):
        """The add-on's terms that read differently in Chinese, as printed text (a
        term of a template may hold inline markup)."""
        chinese = {entry.msgid: entry.msgstr for entry in self.po if entry.msgstr}
        labels = set()
        for _m, ttype, _name, _res_id, source, _v, _c in self.terms:
            as_text = get_text_content if ttype == "model_terms" else str
            text = normalized(as_text(source))
            if re.search(r"[A-Za-z]{2}", text) and normalized(as_text(chinese.get(source, source))) != text:
                labels.add(text)
        return labels

    def printed_documents(self):
        """One record of each printed form, for the Chinese customer (or company)."""
        complaint = self.routed_complaint("quality", description="<p>6205 轴承运行 200 小时后有噪音。</p>")
        complaint.with_user(self.inspector).write({"analysis": "<p>滚道压痕。</p>", "resolution": "<p>已更换。</p>"})
        complaint.action_create_action()
        _order, delivery = self.sell_and_deliver([(self.lot_bearing, 6, {self.lot_a: 6})])
        ret = self.new_return(
            delivery, quantities={(self.lot_bearing, self.lot_a): 2}, settlement="refund", reason="<p>振动超标。</p>"
        )
        self.approve(self.to_approval(ret))
        visit = (
            self.env["service.visit"]
            .with_user(self.sales)
            .create(
                {
                    "partner_id": self.customer.id,
                    "user_id": self.sales.id,
                    "planned_date": "2026-05-04",
                    "contact_ids": [Command.set(self.contact.ids)],
                    "finding_ids": [
                        Command.create({"topic": "quality", "customer_said": "有噪音。", "department_id": dep.id})
                        for dep in (self.dep_inspection, self.dep_technical)
                    ],
                }
            )
        )
        visit.action_done()
        visit.action_feed_back()
        review = (
            self.env["service.review"]
            .with_user(self.manager)
            .create({"period_start": date(2025, 7, 1), "period_end": date(2025, 12, 31), "user_id": self.manager.id})
        )
        return {"service.complaint": complaint, "service.return": ret, "service.visit": visit, "service.review": review}

    def test_forms_printed_for_a_chinese_customer_have_no_english_label(self):
        labels = self.english_labels()
        self.assertIn("Returned Product Handling Form", labels)
        documents = self.printed_documents()
        for template, model in REPORTS.items():
            record = documents[model]
            lang = (record.partner_id if "partner_id" in record else record.company_id.partner_id).lang
            self.assertEqual(lang, LANG)
            html, _kind = (
                self.env["ir.actions.report"]
                .with_context(lang=lang)
                ._render_qweb_html(f"{MODULE}.{template}", record.ids)
            )
            text = page_text(html)
            self.assertTrue(re.search(r"[\u4e00-\u9fff]{4}", text), f"{template} printed no Chinese")
            english = sorted(label for label in labels if re.search(rf"(?<![\w/]){re.escape(label)}(?![\w/])", text))
            self.assertFalse(english, f"{template} printed for a Chinese customer shows English labels: {english}")
