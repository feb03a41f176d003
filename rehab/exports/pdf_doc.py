"""The page every report is printed on: letterhead, confidentiality line, sign-off, outline and archive metadata.

- PDF/A-2b as fpdf2 writes it: fonts embedded, an sRGB output intent (fpdf2's bundled ICC profile) and XMP
  metadata carrying the title, author, subject, language and ``pdfaid`` part 2, conformance B.
- Every heading is a bookmark (the outline); every chart and logo carries alternative text (a tagged /Figure).
- A heading is never left at the foot of a page: it moves to the next page with the first lines of its block.
- Text is always plain: fpdf2's markdown and HTML are never used, so a name or note typed as ``**x**`` or
  ``<b>`` prints exactly as typed. Control characters other than line breaks are dropped.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from rehab.exports import pdf_font_subsets, pdf_fonts, pdf_glyph_codes, pdf_layout, pdf_plot, pdf_serializable
from rehab.exports.pdf_text import clinic_time, plain
from rehab.exports.printed_chart import PrintedChart
from rehab.exports.render import PAGE_SIZES, PageSize
from rehab.exports.summary import Letterhead, SignOff

FONT = pdf_plot.FONT  # the charts' labels are set in the same font
LANGUAGE = "en-GB"
CONFIDENTIAL = "Confidential — contains patient information"
NO_CLINIC_NAME = "Clinic name not set (an administrator sets it under Clinic settings → Reports)"
_GREY = (90, 90, 90)
_RULE = (200, 200, 200)
_LINE = 0.5  # line height per point of font size, in mm
LOGO_MAX_MM = (40.0, 18.0)

pdf_layout.install()  # the same lines as fpdf2 breaks them, measured in linear time
pdf_serializable.install()  # fpdf2's "has a serialize method" test, answered once per type
pdf_font_subsets.install()  # the bundled fonts' subsets, made once per glyph set
pdf_glyph_codes.install()  # a line's text coded in one pass


class ReportDocument(FPDF):
    """An A4 or Letter report with the clinic's letterhead on page 1 and the patient on every page's foot."""

    def __init__(
        self,
        *,
        page_size: PageSize,
        title: str,
        subject: str,
        author: str,
        footer_text: str,
        letterhead: Letterhead,
        created: datetime,
    ) -> None:
        if page_size not in PAGE_SIZES:
            raise ValueError(f"page size must be one of {PAGE_SIZES}")
        super().__init__(orientation="portrait", unit="mm", format=page_size, enforce_compliance="PDFA_2B")
        pdf_fonts.add_bundled_fonts(self, FONT)
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=18)
        self.set_title(plain(title))
        self.set_subject(plain(subject))
        self.set_author(plain(author) or "not recorded")
        self.set_lang(LANGUAGE)
        self.set_creator("Rehab dashboard")
        self.set_creation_date(created)
        self.footer_text = plain(footer_text)
        self.letterhead = letterhead
        self.add_page()
        self._letterhead()

    # --- every page ---------------------------------------------------------------------------------------

    def header(self) -> None:
        self.set_y(8)
        self.set_font(FONT, "B", 7.5)
        self.set_text_color(*_GREY)
        self.cell(0, 4, CONFIDENTIAL, align="R")
        self.set_text_color(0, 0, 0)
        self.set_y(self.t_margin)

    def footer(self) -> None:
        """The patient and page on one line, when and by whom the document was made on the next."""
        who, _, made = self.footer_text.partition(" · generated ")
        self.set_y(-14)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*_GREY)
        self.cell(self.width - 25, 4, who, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="R")
        if made:
            self.set_xy(self.l_margin, self.get_y() + 3.6)
            self.cell(self.width, 4, f"Generated {made}", align="L")
        self.set_text_color(0, 0, 0)

    def _letterhead(self) -> None:
        head = self.letterhead
        top = self.get_y()
        text_x = self.l_margin
        if head.logo:
            info = self.image(io.BytesIO(head.logo), x=self.l_margin, y=top, h=_logo_height(head.logo),
                              alt_text=f"Logo of {plain(head.clinic_name) or 'the clinic'}")  # fmt: skip
            text_x = self.l_margin + float(info.rendered_width) + 4
            logo_bottom = top + float(info.rendered_height)
        else:
            logo_bottom = top
        self.set_xy(text_x, top)
        width = self.w - self.r_margin - text_x
        if head.clinic_name.strip():
            self.set_font(FONT, "B", 11)
            self.multi_cell(width, 5.5, plain(head.clinic_name), new_x=XPos.LEFT, new_y=YPos.NEXT)
        else:
            self.set_font(FONT, "", 8.5)
            self.set_text_color(*_GREY)
            self.multi_cell(width, 4.5, NO_CLINIC_NAME, new_x=XPos.LEFT, new_y=YPos.NEXT)
            self.set_text_color(0, 0, 0)
        if head.address.strip():
            self.set_font(FONT, "", 8.5)
            self.set_text_color(*_GREY)
            self.multi_cell(width, 4.2, plain(head.address), new_x=XPos.LEFT, new_y=YPos.NEXT)
            self.set_text_color(0, 0, 0)
        self.set_y(max(self.get_y(), logo_bottom) + 2)
        self.set_draw_color(*_RULE)
        self.line(self.l_margin, self.get_y(), self.l_margin + self.width, self.get_y())
        self.ln(3)

    def when(self, moment: datetime) -> str:
        """A moment in the clinic's time zone (every time a report prints)."""
        return clinic_time(moment, self.letterhead.time_zone)

    # --- building blocks ----------------------------------------------------------------------------------

    @property
    def width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def title_block(self, title: str, subtitle: str) -> None:
        self.set_font(FONT, "B", 16)
        self.multi_cell(self.width, 8, plain(title), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "", 9.5)
        self.set_text_color(*_GREY)
        self.multi_cell(self.width, 5, plain(subtitle), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.ln(2)

    def heading(self, text: str, *, keep: float = 12.0, level: int = 0) -> None:
        """A section heading and bookmark, moved to a new page unless ``keep`` mm of its block fit under it."""
        height = 10.5 + keep
        if self.will_page_break(height):
            self.add_page()
        self.ln(2)
        self.start_section(plain(text), level=level, strict=False)
        self.set_font(FONT, "B", 11.5 if level == 0 else 10)
        self.cell(self.width, 7, plain(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if level == 0:
            self.set_draw_color(*_RULE)
            self.line(self.l_margin, self.get_y(), self.l_margin + self.width, self.get_y())
        self.ln(1.5)

    def text_height(self, text: str, *, size: float, width: float | None = None, bold: bool = False) -> float:
        """The height ``para`` would give ``text`` (so a heading can keep with it)."""
        self.set_font(FONT, "B" if bold else "", size)
        lines = self.multi_cell(width or self.width, size * _LINE, plain(text), dry_run=True, output="LINES")
        assert isinstance(lines, list)
        return len(lines) * size * _LINE + 0.8

    def para(self, text: str, *, size: float = 9.5, bold: bool = False, grey: bool = False) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        if grey:
            self.set_text_color(*_GREY)
        self.multi_cell(self.width, size * _LINE, plain(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.ln(0.8)

    def bullets(self, lines: Sequence[str], *, size: float = 9.5) -> None:
        for line in lines:
            self.set_font(FONT, "", size)
            if self.will_page_break(self.text_height(line, size=size, width=self.width - 5)):
                self.add_page()
            self.set_font(FONT, "", size)
            self.set_x(self.l_margin)
            self.cell(5, size * _LINE, "•")
            self.multi_cell(self.width - 5, size * _LINE, plain(line), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.ln(0.6)

    def facts(self, pairs: Sequence[tuple[str, str]]) -> None:
        """Label: value lines."""
        label_w = 38
        for label, value in pairs:
            self.set_font(FONT, "B", 9)
            self.set_x(self.l_margin)
            self.cell(label_w, 5, plain(label))
            self.set_font(FONT, "", 9)
            self.multi_cell(self.width - label_w, 5, plain(value), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def first_row_height(self, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]) -> float:
        """The height of a grid's header and first row: what must fit under its heading."""
        total = sum(widths)
        height = 0.0
        for row in (header, *rows[:1]):
            cells = [
                self.text_height(v, size=8.5, width=self.width * w / total - 2.4) - 0.8
                for v, w in zip(row, widths, strict=False)
            ]
            height += max(cells, default=0.0) + 2.4
        return height

    def grid(self, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]) -> None:
        """A table of plain text cells (fpdf2 tables render cell text literally unless markdown is asked for)."""
        self.set_font(FONT, "", 8.5)
        self.set_draw_color(*_RULE)
        with self.table(
            col_widths=tuple(widths),
            width=self.width,
            text_align="LEFT",
            line_height=8.5 * _LINE * 1.08,
            padding=1.2,
            headings_style=_headings_style(),
            borders_layout="HORIZONTAL_LINES",
            first_row_as_headings=True,
            repeat_headings=1,
        ) as table:
            head = table.row()
            for h in header:
                head.cell(plain(h))
            for values in rows:
                row = table.row()
                for v in values:
                    row.cell(plain(v))
        self.ln(2)

    def chart_height(self, chart: PrintedChart) -> float:
        """How tall ``chart`` prints across the page (without its summary)."""
        return pdf_plot.lay_out(self, chart, self.width - 2 * self.c_margin).height

    def chart(self, chart: PrintedChart, alt: str) -> None:
        """A chart drawn with its alternative text, kept whole on one page with its summary printed under it
        (what the grey band and the dashed lines mean, for a reader who cannot hover over them). Its left edge
        is the text's, inside the cell margin."""
        layout = pdf_plot.lay_out(self, chart, self.width - 2 * self.c_margin)
        if self.will_page_break(layout.height + self.text_height(alt, size=7.5) + 4):
            self.add_page()
        top = self.get_y()
        pdf_plot.draw(self, layout, self.l_margin + self.c_margin, top, alt=plain(alt))
        self.set_xy(self.l_margin, top + layout.height)
        self.para(alt, size=7.5, grey=True)
        self.ln(2)

    def sign_off(self, signer: SignOff | None, signed_at: datetime) -> None:
        """Who signs, their registration and role, the time in the clinic's zone, and a line to sign on."""
        self.heading("Sign-off", keep=44)
        if signer is None:
            self.para("No clinician is named for this document.", grey=True)
            return
        self.facts(
            [
                ("Clinician", signer.name),
                ("Registration", signer.registration or "not recorded (add it under Account → Registration)"),
                ("Role", signer.role),
                ("Prepared", self.when(signed_at)),
            ]
        )
        self.ln(10)
        y = self.get_y()
        self.set_draw_color(0, 0, 0)
        self.line(self.l_margin, y, self.l_margin + 80, y)
        self.line(self.l_margin + 100, y, self.l_margin + 150, y)
        self.set_font(FONT, "", 8)
        self.set_text_color(*_GREY)
        self.set_xy(self.l_margin, y + 1)
        self.cell(80, 4, "Signature")
        self.set_xy(self.l_margin + 100, y + 1)
        self.cell(50, 4, "Date signed")
        self.set_text_color(0, 0, 0)
        self.ln(6)


def _headings_style() -> Any:
    from fpdf.fonts import FontFace

    return FontFace(family=FONT, emphasis="BOLD", fill_color=(238, 238, 238))


def _logo_height(logo: bytes) -> float:
    """The logo's printed height: at most LOGO_MAX_MM, keeping its proportions."""
    from PIL import Image

    with Image.open(io.BytesIO(logo)) as image:
        w, h = image.size
    max_w, max_h = LOGO_MAX_MM
    return min(max_h, max_w * h / w) if w else max_h
