"""PDF documents with fpdf2: session summary (clinical and patient versions) and progress report.

- A bundled Unicode font (DejaVu Sans, ``fonts/``) so any patient name prints, not only Latin-1.
- Text is always plain: fpdf2's markdown and HTML are never used, so a name or note typed as ``**x**`` or
  ``<b>`` prints exactly as typed. Control characters other than line breaks are dropped.
- Charts are Vega-Lite specs rendered to PNG offline by vl-convert (fpdf2 cannot read Vega's SVG).
- A4 or US Letter; the patient's name, MRN and page number are in every page's footer.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from importlib import resources
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from rehab.domain.prognosis.common import NOT_A_GUARANTEE
from rehab.exports.render import PAGE_SIZES, PageSize
from rehab.exports.summary import (
    PAIN_LIMIT,
    PAIN_SOURCE,
    WHY_STRENGTH_FIRST_CLINICAL,
    ChartSpec,
    OutlookLine,
    ProgressReport,
    SessionSummary,
    patient_text,
)

FONT = "DejaVu"
_OUTCOME = {"go": "Go", "caution": "Go with caution", "stop": "Stop"}
_GREY = (90, 90, 90)
_RULE = (200, 200, 200)


def plain(text: object) -> str:
    """User text as it will be printed: as typed, minus control characters (tabs become spaces)."""
    value = "" if text is None else str(text)
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return "".join(ch for ch in value if ch == "\n" or (ord(ch) >= 32 and not 0x7F <= ord(ch) < 0xA0))


class _Document(FPDF):
    def __init__(self, *, page_size: PageSize, title: str, footer_text: str) -> None:
        if page_size not in PAGE_SIZES:
            raise ValueError(f"page size must be one of {PAGE_SIZES}")
        super().__init__(orientation="portrait", unit="mm", format=page_size)
        fonts = resources.files("rehab.exports") / "fonts"
        with (
            resources.as_file(fonts / "DejaVuSans.ttf") as regular,
            resources.as_file(fonts / "DejaVuSans-Bold.ttf") as bold,
        ):
            self.add_font(FONT, "", str(regular))
            self.add_font(FONT, "B", str(bold))
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=18)
        self.set_title(plain(title))
        self.set_creator("Rehab dashboard")
        self.footer_text = plain(footer_text)
        self.add_page()

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*_GREY)
        self.cell(0, 4, self.footer_text, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0, 0, 0)

    # --- building blocks ---------------------------------------------------------------------------

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

    def heading(self, text: str) -> None:
        if self.will_page_break(22):
            self.add_page()
        self.ln(2)
        self.set_font(FONT, "B", 11.5)
        self.cell(self.width, 7, plain(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*_RULE)
        self.line(self.l_margin, self.get_y(), self.l_margin + self.width, self.get_y())
        self.ln(1.5)

    def para(self, text: str, *, size: float = 9.5, bold: bool = False, grey: bool = False) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        if grey:
            self.set_text_color(*_GREY)
        self.multi_cell(self.width, size * 0.5, plain(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.ln(0.8)

    def bullets(self, lines: Sequence[str], *, size: float = 9.5) -> None:
        self.set_font(FONT, "", size)
        for line in lines:
            self.set_x(self.l_margin)
            self.cell(5, size * 0.5, "•")
            self.multi_cell(self.width - 5, size * 0.5, plain(line), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.ln(0.6)

    def facts(self, pairs: Sequence[tuple[str, str]]) -> None:
        """Label: value lines in two columns' worth of width."""
        label_w = 38
        for label, value in pairs:
            self.set_font(FONT, "B", 9)
            self.set_x(self.l_margin)
            self.cell(label_w, 5, plain(label))
            self.set_font(FONT, "", 9)
            self.multi_cell(self.width - label_w, 5, plain(value), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def grid(self, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]) -> None:
        """A table of plain text cells (fpdf2 tables render cell text literally unless markdown is asked for)."""
        self.set_font(FONT, "", 8.5)
        self.set_draw_color(*_RULE)
        with self.table(
            col_widths=tuple(widths),
            width=self.width,
            text_align="LEFT",
            line_height=4.6,
            padding=1.2,
            headings_style=_headings_style(),
            borders_layout="HORIZONTAL_LINES",
            first_row_as_headings=True,
        ) as table:
            head = table.row()
            for h in header:
                head.cell(plain(h))
            for values in rows:
                row = table.row()
                for v in values:
                    row.cell(plain(v))
        self.ln(2)

    def chart(self, spec: ChartSpec) -> None:
        png = chart_png(spec.spec)
        width = self.width
        height = width * _png_ratio(png)
        if self.will_page_break(height + 4):
            self.add_page()
        self.image(io.BytesIO(png), x=self.l_margin, w=width)
        self.ln(3)


def _headings_style() -> Any:
    from fpdf.fonts import FontFace

    return FontFace(family=FONT, emphasis="BOLD", fill_color=(238, 238, 238))


def _png_ratio(png: bytes) -> float:
    # PNG IHDR: width and height are big-endian 32-bit integers at bytes 16-24.
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    return height / width if width else 0.5


def chart_png(spec: dict[str, Any], *, scale: float = 2.0) -> bytes:
    """A Vega-Lite spec as PNG, rendered in-process without a browser or network."""
    import vl_convert

    return bytes(vl_convert.vegalite_to_png(spec, scale=scale))


def _footer(summary_patient: Any, generated: str) -> str:
    return f"{summary_patient.name} · MRN {summary_patient.mrn} · {generated}"


def _patient_facts(s: SessionSummary | ProgressReport) -> list[tuple[str, str]]:
    p = s.patient
    return [
        ("Patient", f"{p.name}  (MRN {p.mrn})"),
        ("Born", f"{p.birth_date.isoformat()} · {p.sex}"),
        ("Condition", p.condition + (f" on {p.event_date.isoformat()}" if p.event_date else "")),
        ("Affected side", p.paretic_side),
    ]


# --- session summary, clinical version -------------------------------------------------------------------------


def session_pdf(summary: SessionSummary, *, page_size: PageSize = "A4") -> bytes:
    """Session summary for the notes and referrers: every number with its reason and source."""
    s = summary
    generated = f"generated {s.generated_at.strftime('%Y-%m-%d %H:%M UTC')} by {s.generated_by}"
    doc = _Document(
        page_size=page_size,
        title=f"Treatment session summary {s.session_date.isoformat()}",
        footer_text=_footer(s.patient, generated),
    )
    doc.title_block(
        f"Treatment session summary · {s.session_date.isoformat()}",
        f"Clinical version · plan week {s.plan_week} ({s.phase_name}) · clinician {s.clinician}",
    )
    doc.facts([*_patient_facts(s), ("Progression rule", s.rule_text)])

    doc.heading("Readiness screen")
    outcome = _OUTCOME.get(s.screen_outcome or "", "not recorded")
    doc.para(f"Result: {outcome}", bold=True)
    if s.screen_values:
        doc.para(s.screen_values)
    if s.screen_findings:
        doc.bullets([f"{_OUTCOME.get(f.outcome, f.outcome)}: {f.text} (source: {f.source})" for f in s.screen_findings])
    if not s.performed:
        doc.para(f"Session not performed: {s.not_performed_reason or 'no reason recorded'}. Every load was held.")

    if s.exercises:
        doc.heading("Exercises: prescribed and performed")
        rows = [[e.label, e.prescribed, e.performed, e.effort, e.pain] for e in s.exercises]
        doc.grid(
            ["Exercise", "Prescribed", "Performed (load × reps)", "Effort 0–10", "Pain 0–10"],
            rows,
            (30, 20, 26, 12, 12),
        )
        doc.para(
            "Effort is rated from repetitions in reserve (10 = no repetition left). Pain: highest during or "
            "after any set.",
            size=8,
            grey=True,
        )

    if s.assessments:
        doc.heading("Assessments taken today")
        rows = []
        for a in s.assessments:
            name = a.measure + (f" ({a.side})" if a.side else "") + (f", {a.site}" if a.site else "")
            rows.append(
                [
                    name,
                    a.value_text + (f"\n{a.category}" if a.category else ""),
                    _change(a.since_previous),
                    _change(a.since_baseline),
                ]
            )
        doc.grid(["Measure", "Result", "Since previous", "Since baseline"], rows, (28, 18, 27, 27))
        reasons = [
            f"{a.measure}{f' ({a.side})' if a.side else ''}: {c.reason}"
            for a in s.assessments
            for c in (a.since_baseline or a.since_previous,)
            if c is not None and c.reason
        ]
        if reasons:
            doc.para("How the changes were judged (MDC = smallest real change, MCID = smallest change that "
                     "matters):", size=8, grey=True)  # fmt: skip
            for line in reasons:
                doc.para(line, size=8, grey=True)

    doc.heading("Flags")
    if s.flags:
        doc.bullets(s.flags)
    else:
        doc.para("None.")

    if s.next_session:
        doc.heading("Next session's prescription")
        doc.grid(
            ["Exercise", "Dose", "Decision", "Reason"],
            [[n.label, n.dose, n.action, n.reason] for n in s.next_session],
            (24, 20, 12, 44),
        )

    _outlook_clinical(doc, s.outlook)
    doc.heading("Clinician's note")
    if s.note:
        doc.para(s.note)
        doc.para(f"Written by {s.note_by}.", size=8, grey=True)
    else:
        doc.para("No note was written for this session.", grey=True)
    doc.para(WHY_STRENGTH_FIRST_CLINICAL, size=8, grey=True)
    return bytes(doc.output())


def _change(c: Any) -> str:
    if c is None:
        return "—"
    return f"{c.delta_text}\n{c.verdict}"


# --- session summary, patient version -----------------------------------------------------------------------


def session_pdf_patient(summary: SessionSummary, *, page_size: PageSize = "A4") -> bytes:
    """The same session in plain language for the patient: what was done, what improved, what comes next."""
    s = summary
    words = patient_text(s)
    doc = _Document(
        page_size=page_size,
        title=f"Your exercise session on {s.session_date.isoformat()}",
        footer_text=_footer(s.patient, f"from {s.clinician}, {s.session_date.isoformat()}"),
    )
    doc.title_block(
        f"Your exercise session on {s.session_date.strftime('%d %B %Y')}",
        f"For {s.patient.given_name} {s.patient.family_name} · from your therapist {s.clinician}",
    )
    doc.heading("What you did today")
    doc.bullets(words.did_today, size=11)
    doc.heading("What has improved")
    if words.improved:
        doc.bullets(words.improved, size=11)
    else:
        doc.para(
            "No change we can be sure of yet. That is normal: progress shows over weeks, not single sessions.",
            size=11,
        )
    if words.next_steps:
        doc.heading("Next time")
        doc.bullets(words.next_steps, size=11)
    doc.heading("Why you get stronger before your muscles grow")
    doc.para(words.why_strength_first, size=11)
    if s.note:
        doc.heading("A note from your therapist")
        doc.para(s.note, size=11)
    _outlook_patient(doc, s.outlook)
    doc.heading("Look after yourself")
    doc.bullets(words.take_care, size=11)
    return bytes(doc.output())


# --- progress report -------------------------------------------------------------------------------------------


def progress_pdf(report: ProgressReport, *, page_size: PageSize = "A4") -> bytes:
    """Baseline versus latest per measure, the exercises' loads, phase history and charts, for a date range."""
    r = report
    generated = f"generated {r.generated_at.strftime('%Y-%m-%d %H:%M UTC')} by {r.generated_by}"
    doc = _Document(
        page_size=page_size,
        title=f"Progress report {r.start.isoformat()} to {r.end.isoformat()}",
        footer_text=_footer(r.patient, generated),
    )
    doc.title_block(
        "Progress report",
        f"{r.start.isoformat()} to {r.end.isoformat()} · {r.sessions_performed} session(s) performed, "
        f"{r.sessions_not_performed} not performed",
    )
    doc.facts([*_patient_facts(r), ("Plan", r.plan_text or "no loading plan in this period")])

    doc.heading("Measures: baseline versus latest")
    if r.measures:
        rows = []
        for m in r.measures:
            name = m.measure + (f" ({m.side})" if m.side else "") + (f", {m.site}" if m.site else "")
            change = "—" if m.change is None else f"{m.change.delta_text}\n{m.change.verdict}"
            rows.append(
                [
                    name,
                    f"{m.baseline_text}\n{m.baseline_date.isoformat()}",
                    f"{m.latest_text}\n{m.latest_date.isoformat()}",
                    change,
                    str(m.results),
                ]
            )
        doc.grid(["Measure", "Baseline", "Latest", "Change", "Results"], rows, (30, 18, 18, 28, 10))
        notes = [f"{m.measure}: {m.change.reason}" for m in r.measures if m.change is not None and m.change.reason]
        for line in notes:
            doc.para(line, size=8, grey=True)
    else:
        doc.para("No assessments in this period.", grey=True)

    if r.exercises:
        doc.heading("Exercises: first and latest session in the period")
        doc.grid(
            ["Exercise", "First load", "Latest load", "Estimated 1RM (kg)", "Sessions"],
            [
                [
                    e.label,
                    e.first_load,
                    e.last_load,
                    _estimates(e.first_estimate_kg, e.last_estimate_kg),
                    str(e.sessions),
                ]
                for e in r.exercises
            ],
            (34, 18, 18, 20, 10),
        )

    if r.phases:
        doc.heading("Phase history")
        doc.grid(
            ["Phase", "Weeks", "Dates", "Performed", "Not performed"],
            [[p.name, p.weeks, p.dates, str(p.performed), str(p.not_performed)] for p in r.phases],
            (30, 12, 34, 12, 12),
        )
        doc.para(WHY_STRENGTH_FIRST_CLINICAL, size=8, grey=True)

    _outlook_clinical(doc, r.outlook)
    if r.charts:
        doc.heading("Charts")
        for spec in r.charts:
            doc.chart(spec)
    pain_note = f"Pain above {PAIN_LIMIT}/10 lowers the load ({PAIN_SOURCE})."
    doc.para(pain_note, size=8, grey=True)
    return bytes(doc.output())


def _outlook_clinical(doc: _Document, lines: Sequence[OutlookLine]) -> None:
    """Each prediction with its path, accuracy, caveats and any disagreement: a prediction, not a guarantee."""
    if not lines:
        return
    doc.heading("Outlook: recovery predictions (not guarantees)")
    doc.para(NOT_A_GUARANTEE, size=8, grey=True)
    for line in lines:
        doc.para(f"{line.tool}: {line.category}", bold=True)
        if line.given:
            doc.bullets(line.path, size=8.5)
        else:
            doc.bullets(line.refusals, size=8.5)
        for extra in line.also:
            doc.para(extra, size=8.5)
        if line.observed:
            doc.para(line.observed, size=9)
        if line.disagreement:
            doc.para(line.disagreement, size=9, bold=True)
        doc.para("Accuracy: " + " ".join(line.accuracy), size=8, grey=True)
        doc.para("Caveats: " + " ".join(line.caveats), size=8, grey=True)


def _outlook_patient(doc: _Document, lines: Sequence[OutlookLine]) -> None:
    """The predictions given, in the published plain-language text where the reference has it."""
    given = [line for line in lines if line.given]
    if not given:
        return
    doc.heading("What we expect")
    doc.para(
        "These are predictions from research, not promises: some people recover more or less than expected. "
        "Your therapist will talk them through with you.",
        size=11,
    )
    doc.bullets([line.patient_text for line in given], size=11)


def _estimates(first: float | None, last: float | None) -> str:
    if first is None and last is None:
        return "—"
    a = "—" if first is None else f"{first:.1f}"
    b = "—" if last is None else f"{last:.1f}"
    return f"{a} → {b}"
