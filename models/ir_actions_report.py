# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
"""Company header and footer on every page of the add-on's PDFs, on any wkhtmltopdf.

Odoo prints the header and footer of ``web.external_layout`` through wkhtmltopdf's
``--header-html``/``--footer-html``, which only a wkhtmltopdf built with Odoo's patched Qt
honours. The one Debian ships (and the README's set-up installs) ignores them: the company
header, the footer and the page numbers never print. For the add-on's own reports on such an
engine, each record's body is printed alone, then the header and the footer are printed as
overlay documents of the same page size (one overlay page per body page, page numbers filled
in), and overlay page *i* is laid onto body page *i*: text stays text. A patched engine takes
Odoo's own path, untouched.
"""

import functools
import io
import itertools
import logging
import subprocess
from copy import deepcopy

import lxml.html

from odoo import api, models
from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin
from odoo.tools.pdf import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    PdfFileReader,
    PdfFileWriter,
    createStringObject,
)

_logger = logging.getLogger(__name__)

MODULE = "customer_service_control"
MM_PER_PT = 25.4 / 72
# Containers of web.minimal_layout holding one header (footer) per printed record.
HEADERS_ID = "minimal_layout_report_headers"
FOOTERS_ID = "minimal_layout_report_footers"
# What web.minimal_layout's subst() script writes into the header and footer on each page.
PAGE_CLASSES = ("page", "sitepage")
PAGE_COUNT_CLASSES = ("topage", "sitepages")
# Overlays must not paint over the body they are laid onto.
OVERLAY_STYLE = "html, body { background: transparent !important; }"


@functools.cache
def wkhtmltopdf_is_patched():
    """Whether the wkhtmltopdf binary honours --header-html (Odoo's patched Qt); asked once."""
    try:
        version = subprocess.run(
            [_get_wkhtmltopdf_bin(), "--version"], capture_output=True, check=False, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return b"patched qt" in version.lower()


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    # ------------------------------------------------------------------
    # Paper
    # ------------------------------------------------------------------

    def get_paperformat(self):
        """A4 for a company in China, even when a localisation left it on US Letter.

        A paper format set on the report itself still wins.
        """
        paperformat = super().get_paperformat()
        if (
            self._is_service_report()
            and not self.paperformat_id
            and self.env.company.country_id.code == "CN"
            and paperformat.format != "A4"
        ):
            return self.env.ref("base.paperformat_euro", raise_if_not_found=False) or paperformat
        return paperformat

    # ------------------------------------------------------------------
    # Rendering
    # ------------------------------------------------------------------

    @api.model
    def _run_wkhtmltopdf(
        self,
        bodies,
        report_ref=False,
        header=None,
        footer=None,
        landscape=False,
        specific_paperformat_args=None,
        set_viewport_size=False,
    ):
        report = self._get_report(report_ref) if report_ref else self.browse()
        if not report._is_service_report() or not (header or footer) or wkhtmltopdf_is_patched():
            return super()._run_wkhtmltopdf(
                bodies,
                report_ref=report_ref,
                header=header,
                footer=footer,
                landscape=landscape,
                specific_paperformat_args=specific_paperformat_args,
                set_viewport_size=set_viewport_size,
            )

        def render(documents, margins=None):
            """Print HTML documents without header nor footer, as Odoo would; read the PDF."""
            content = super(IrActionsReport, self)._run_wkhtmltopdf(
                documents,
                report_ref=report_ref,
                landscape=landscape,
                specific_paperformat_args={**(specific_paperformat_args or {}), **(margins or {})},
                set_viewport_size=set_viewport_size,
            )
            return PdfFileReader(io.BytesIO(content))

        body_pdfs = [render([body]) for body in bodies]
        page_counts = [len(pdf.pages) for pdf in body_pdfs]
        first_page = body_pdfs[0].pages[0]
        page_height = float(first_page.mediabox.height) * MM_PER_PT
        paperformat = report.get_paperformat()
        args = specific_paperformat_args or {}
        margin_top = float(args.get("data-report-margin-top") or paperformat.margin_top)
        margin_bottom = float(args.get("data-report-margin-bottom") or paperformat.margin_bottom)
        overlays = []
        # The header fills the top margin, the footer the bottom margin of each page.
        for html, container_id, margins in (
            (header, HEADERS_ID, {"top": 0, "bottom": page_height - margin_top}),
            (footer, FOOTERS_ID, {"top": page_height - margin_bottom, "bottom": 0}),
        ):
            document = html and self._overlay_document(html, container_id, page_counts)
            if not document:
                continue
            overlay = render(
                [document],
                {
                    "data-report-margin-top": "%.2f" % margins["top"],
                    "data-report-margin-bottom": "%.2f" % margins["bottom"],
                },
            )
            if len(overlay.pages) != sum(page_counts):
                _logger.warning(
                    "Report %s: the %s did not fit its margin (%d overlay pages for %d pages); printed without it.",
                    report.report_name,
                    container_id,
                    len(overlay.pages),
                    sum(page_counts),
                )
                continue
            overlays.append(overlay)
        return self._merge_overlays(body_pdfs, overlays)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _is_service_report(self):
        """Whether this is one of the add-on's own printed forms."""
        return len(self) == 1 and (self.report_name or "").startswith(MODULE + ".")

    @api.model
    def _overlay_document(self, html, container_id, page_counts):
        """The header (footer) document with one page per body page, its numbers filled in.

        Record *i*'s header (footer) is repeated once per page of body *i*; its page numbers
        restart with each record, as the patched engine numbers each body on its own.
        """
        root = lxml.html.fromstring(html)
        container = root.get_element_by_id(container_id, None)
        if container is None or not len(container):
            return None
        blocks = list(container)
        for script in list(root.iter("script")):
            script.drop_tree()
        for body in root.iter("body"):
            body.attrib.pop("onload", None)
        head = root.find("head")
        if head is not None:
            style = lxml.html.Element("style")
            style.text = OVERLAY_STYLE
            head.append(style)
        container.clear()
        container.set("id", container_id)
        first = True
        for index, count in enumerate(page_counts):
            block = blocks[index] if index < len(blocks) else blocks[-1]
            for number in range(1, count + 1):
                page = deepcopy(block)
                for node in page.iter():
                    classes = set((node.get("class") or "").split())
                    if classes.intersection(PAGE_CLASSES):
                        node.text, node[:] = str(number), []
                    elif classes.intersection(PAGE_COUNT_CLASSES):
                        node.text, node[:] = str(count), []
                wrapper = lxml.html.Element("div")
                if not first:
                    wrapper.set("style", "page-break-before: always;")
                wrapper.append(page)
                container.append(wrapper)
                first = False
        return lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")

    @api.model
    def _merge_overlays(self, body_pdfs, overlays):
        """Lay the overlay pages onto the body pages; one top-level outline per record.

        Odoo splits a PDF of several records by its top-level outlines (as the patched
        engine writes them: destinations by page index), so that each record gets its own.
        """
        writer = PdfFileWriter()
        starts = []
        overlay_index = 0
        for pdf in body_pdfs:
            starts.append(len(writer.pages))
            for page in pdf.pages:
                self._stamp_page(writer, page, [overlay.pages[overlay_index] for overlay in overlays])
                writer.add_page(page)
                overlay_index += 1
        if len(body_pdfs) > 1:
            self._add_record_outlines(writer, starts)
        stream = io.BytesIO()
        writer.write(stream)
        return stream.getvalue()

    @api.model
    def _stamp_page(self, writer, page, stamps):
        """Draw each stamp page over ``page`` as a form XObject (its text stays text).

        A form keeps the stamp's own resources, so that no font or image name of the stamp
        can clash with the page's (which merging the pages' resources would rename).
        """
        if not stamps:
            return
        resources = DictionaryObject(page.get("/Resources", DictionaryObject()).get_object())
        xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
        commands = [b"Q"]
        for index, stamp in enumerate(stamps):
            drawing = stamp.get_contents()
            if drawing is None:
                continue
            form = DecodedStreamObject()
            form.set_data(drawing.get_data())
            form.update(
                {
                    NameObject("/Type"): NameObject("/XObject"),
                    NameObject("/Subtype"): NameObject("/Form"),
                    NameObject("/BBox"): ArrayObject(stamp.mediabox),
                    NameObject("/Resources"): stamp["/Resources"],
                }
            )
            name = NameObject("/CscStamp%d" % index)
            xobjects[name] = writer._add_object(form)
            commands.append(b"q %s Do Q" % name.encode())
        resources[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = resources
        contents = page.get("/Contents")
        contents = list(contents) if isinstance(contents, ArrayObject) else [contents] if contents else []
        # The page's own drawing is wrapped in q … Q, so the stamps start from a clean state.
        opening, closing = DecodedStreamObject(), DecodedStreamObject()
        opening.set_data(b"q")
        closing.set_data(b"\n".join(commands))
        page[NameObject("/Contents")] = ArrayObject(
            [writer._add_object(opening), *contents, writer._add_object(closing)]
        )

    @api.model
    def _add_record_outlines(self, writer, starts):
        """A top-level outline and a named destination at the first page of each record."""
        outlines = DictionaryObject({NameObject("/Type"): NameObject("/Outlines")})
        outlines_ref = writer._add_object(outlines)
        dests = DictionaryObject()
        items = []
        for index, start in enumerate(starts, start=1):
            name = NameObject("/record%d" % index)
            dests[name] = ArrayObject([NumberObject(start), NameObject("/Fit")])
            item = DictionaryObject(
                {
                    NameObject("/Title"): createStringObject(str(index)),
                    NameObject("/Parent"): outlines_ref,
                    NameObject("/Dest"): name,
                }
            )
            items.append((writer._add_object(item), item))
        for (ref, item), (next_ref, next_item) in itertools.pairwise(items):
            item[NameObject("/Next")] = next_ref
            next_item[NameObject("/Prev")] = ref
        outlines[NameObject("/First")] = items[0][0]
        outlines[NameObject("/Last")] = items[-1][0]
        outlines[NameObject("/Count")] = NumberObject(len(items))
        root = writer._root_object
        root[NameObject("/Outlines")] = outlines_ref
        root[NameObject("/Dests")] = writer._add_object(dests)
