"""PDF documents with fpdf2: session summary (clinical and patient versions) and progress report.

The page itself (letterhead, confidentiality line, outline, PDF/A metadata, sign-off) is ``pdf_doc``; the
wording rules (no unverified figure as a source, the patient's words) are ``pdf_text``.

- A bundled Unicode font (DejaVu Sans, ``fonts/``) so any patient name prints, not only Latin-1.
- Charts are drawn with fpdf2's own lines, shapes and text (``pdf_plot``, from the plain ``PrintedChart`` the
  service built), each a tagged figure with its text summary as the alternative text.
- How each change was judged (the MDC/MCID reasons with their sources) is in a methodology appendix.
- A4 or US Letter; the patient's name, MRN and page number are in every page's footer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rehab.domain.prognosis.common import NOT_A_GUARANTEE
from rehab.exports.pdf_doc import ReportDocument, plain
from rehab.exports.pdf_text import labelled, patient_words, verified_only
from rehab.exports.render import PageSize
from rehab.exports.summary import (
    PAIN_LIMIT,
    PAIN_SOURCE,
    WHY_STRENGTH_FIRST_CLINICAL,
    ChartSpec,
    GoalLine,
    OutlookLine,
    ProgressReport,
    SessionSummary,
    patient_text,
)

__all__ = ["plain", "progress_pdf", "session_pdf", "session_pdf_patient"]

_OUTCOME = {"go": "Go", "caution": "Go with caution", "stop": "Stop"}
METHODOLOGY = "Appendix: methodology"


def _document(s: SessionSummary | ProgressReport, *, page_size: PageSize, title: str, subject: str,
              footer: str) -> ReportDocument:  # fmt: skip
    author = s.sign_off.name if s.sign_off is not None else s.generated_by
    return ReportDocument(
        page_size=page_size,
        title=title,
        subject=subject,
        author=author,
        footer_text=f"{s.patient.name} · MRN {s.patient.mrn}" + (f" · {footer}" if footer else ""),
        letterhead=s.letterhead,
        created=s.generated_at,
    )


def _generated(doc: ReportDocument, s: SessionSummary | ProgressReport) -> str:
    return f" · generated {doc.when(s.generated_at)} by {s.generated_by}"


def _patient_facts(s: SessionSummary | ProgressReport) -> list[tuple[str, str]]:
    p = s.patient
    return [
        ("Patient", f"{p.name}  (MRN {p.mrn})"),
        ("Born", f"{p.birth_date.isoformat()} · {p.sex}"),
        ("Condition", p.condition + (f" on {p.event_date.isoformat()}" if p.event_date else "")),
        ("Affected side", p.paretic_side),
    ]


def _grid(doc: ReportDocument, heading: str, header: list[str], rows: list[list[str]],
          widths: tuple[float, ...]) -> None:  # fmt: skip
    """A heading kept on the page with the table's header and first row."""
    doc.heading(heading, keep=doc.first_row_height(header, rows, widths))
    doc.grid(header, rows, widths)


def _para_under(doc: ReportDocument, heading: str, text: str, *, size: float = 9.5, grey: bool = False) -> None:
    doc.heading(heading, keep=doc.text_height(text, size=size))
    doc.para(text, size=size, grey=grey)


def _bullets_under(doc: ReportDocument, heading: str, lines: Sequence[str], *, size: float = 9.5) -> None:
    first = lines[0] if lines else ""
    doc.heading(heading, keep=doc.text_height(first, size=size, width=doc.width - 5))
    doc.bullets(lines, size=size)


# --- session summary, clinical version -------------------------------------------------------------------------


def session_pdf(summary: SessionSummary, *, page_size: PageSize = "A4") -> bytes:
    """Session summary for the notes and referrers: every number with its reason; the sources in an appendix."""
    s = summary
    title = f"Treatment session summary {s.session_date.isoformat()}"
    doc = _document(s, page_size=page_size, title=title, footer="",
                    subject=f"Treatment session summary (clinical version) for MRN {s.patient.mrn}")  # fmt: skip
    doc.footer_text += _generated(doc, s)
    doc.title_block(
        f"Treatment session summary · {s.session_date.isoformat()}",
        f"Clinical version · plan week {s.plan_week} ({s.phase_name}) · clinician {s.clinician}",
    )
    doc.facts([*_patient_facts(s), ("Progression rule", s.rule_text)])

    outcome = _OUTCOME.get(s.screen_outcome or "", "not recorded")
    doc.heading("Readiness screen", keep=doc.text_height(f"Result: {outcome}", size=9.5) + 6)
    doc.para(f"Result: {outcome}", bold=True)
    if s.screen_values:
        doc.para(s.screen_values)
    if s.screen_findings:
        doc.bullets([f"{_OUTCOME.get(f.outcome, f.outcome)}: {f.text} (source: {verified_only(f.source)})"
                     for f in s.screen_findings])  # fmt: skip
    if not s.performed:
        doc.para(f"Session not performed: {s.not_performed_reason or 'no reason recorded'}. Every load was held.")

    if s.exercises:
        _grid(
            doc,
            "Exercises: prescribed and performed",
            ["Exercise", "Prescribed", "Performed (load × reps)", "Effort 0–10", "Pain 0–10"],
            [[e.label, e.prescribed, e.performed, e.effort, e.pain] for e in s.exercises],
            (30, 20, 26, 12, 12),
        )
        doc.para(
            "Effort is rated from repetitions in reserve (10 = no repetition left). Pain: highest during or "
            "after any set.",
            size=8,
            grey=True,
        )

    if s.assessments:
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
        _grid(doc, "Assessments taken today", ["Measure", "Result", "Since previous", "Since baseline"], rows,
              (28, 18, 27, 27))  # fmt: skip
        doc.para(f"How each change was judged, with its source: see {METHODOLOGY}.", size=8, grey=True)

    if s.flags:
        _bullets_under(doc, "Flags", [verified_only(f) for f in s.flags])
    else:
        _para_under(doc, "Flags", "None.")

    if s.next_session:
        _grid(
            doc,
            "Next session's prescription",
            ["Exercise", "Dose", "Decision", "Reason"],
            [[n.label, n.dose, n.action, verified_only(n.reason)] for n in s.next_session],
            (24, 20, 12, 44),
        )

    _goals_clinical(doc, s.goals, "")
    _outlook_clinical(doc, s.outlook)
    if s.note:
        _para_under(doc, "Clinician's note", s.note)
        doc.para(f"Written by {s.note_by}.", size=8, grey=True)
    else:
        _para_under(doc, "Clinician's note", "No note was written for this session.", grey=True)
    doc.sign_off(s.sign_off, s.generated_at)
    _methodology(doc, [
        labelled(f"{a.measure}{f' ({a.side})' if a.side else ''}", verified_only(c.reason))
        for a in s.assessments for c in (a.since_baseline or a.since_previous,) if c is not None and c.reason
    ])  # fmt: skip
    return bytes(doc.output())


def _change(c: Any) -> str:
    if c is None:
        return "—"
    return f"{c.delta_text}\n{c.verdict}"


def _methodology(doc: ReportDocument, reasons: Sequence[str]) -> None:
    """How the changes were judged (each figure with its population and source), the pain rule and the
    neural-adaptation note; figures never verified against a source are not printed."""
    intro = (
        "MDC = minimal detectable change (the smallest change beyond measurement error); MCID = minimal "
        "clinically important difference. Each change is judged with the figures derived in the patient's own "
        "population; figures from other populations are listed for reference only. A figure that was never "
        "verified against a source is not printed and not applied until the clinic signs it off."
    )
    doc.heading(METHODOLOGY, keep=doc.text_height(intro, size=8))
    doc.para(intro, size=8, grey=True)
    if reasons:
        doc.heading("How each change was judged", keep=doc.text_height(reasons[0], size=8), level=1)
        for line in reasons:
            doc.para(line, size=8)
    pain = f"Pain above {PAIN_LIMIT}/10 lowers the load ({PAIN_SOURCE})."
    doc.heading("Pain and strength", keep=doc.text_height(pain, size=8), level=1)
    doc.para(pain, size=8)
    doc.para(WHY_STRENGTH_FIRST_CLINICAL, size=8)


# --- session summary, patient version -----------------------------------------------------------------------


def session_pdf_patient(summary: SessionSummary, *, page_size: PageSize = "A4") -> bytes:
    """The same session in plain language for the patient: what was done, what improved, what comes next.

    Clinician-only text (the session note, override reasons, screen findings) is never printed here."""
    s = summary
    words = patient_text(s)
    doc = _document(s, page_size=page_size, title=f"Your exercise session on {s.session_date.isoformat()}",
                    subject="Your exercise session, in plain words",
                    footer=f"from {s.clinician}, {s.session_date.isoformat()}")  # fmt: skip
    doc.title_block(
        f"Your exercise session on {s.session_date.strftime('%d %B %Y')}",
        f"For {s.patient.given_name} {s.patient.family_name} · from your therapist {s.clinician}",
    )
    _bullets_under(doc, "What you did today", words.did_today, size=11)
    if words.improved:
        _bullets_under(doc, "What has improved", words.improved, size=11)
    else:
        _para_under(doc, "What has improved", "No change we can be sure of yet. That is normal: progress shows "
                    "over weeks, not single sessions.", size=11)  # fmt: skip
    if words.next_steps:
        _bullets_under(doc, "Next time", words.next_steps, size=11)
    _goals_patient(doc, s.goals)
    _para_under(doc, "Why you get stronger before your muscles grow", words.why_strength_first, size=11)
    _outlook_patient(doc, s.outlook)
    _bullets_under(doc, "Look after yourself", words.take_care, size=11)
    return bytes(doc.output())


# --- progress report -------------------------------------------------------------------------------------------


def progress_pdf(report: ProgressReport, *, page_size: PageSize = "A4") -> bytes:
    """Baseline versus latest per measure, goals, the exercises' loads, phase history and charts, for a date
    range; how each change was judged is in the methodology appendix."""
    r = report
    doc = _document(r, page_size=page_size, title=f"Progress report {r.start.isoformat()} to {r.end.isoformat()}",
                    subject=f"Progress report for MRN {r.patient.mrn}", footer="")  # fmt: skip
    doc.footer_text += _generated(doc, r)
    doc.title_block(
        "Progress report",
        f"{r.start.isoformat()} to {r.end.isoformat()} · {r.sessions_performed} session(s) performed, "
        f"{r.sessions_not_performed} not performed",
    )
    doc.facts([*_patient_facts(r), ("Plan", r.plan_text or "no loading plan in this period")])

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
        _grid(doc, "Measures: baseline versus latest", ["Measure", "Baseline", "Latest", "Change", "Results"], rows,
              (30, 18, 18, 28, 10))  # fmt: skip
        doc.para(f"How each change was judged, with its source: see {METHODOLOGY}.", size=8, grey=True)
    else:
        _para_under(doc, "Measures: baseline versus latest", "No assessments in this period.", grey=True)

    _goals_clinical(doc, r.goals, r.goal_score)

    if r.exercises:
        _grid(
            doc,
            "Exercises: first and latest session in the period",
            ["Exercise", "First load", "Latest load", "Estimated 1RM (kg)", "Sessions"],
            [
                [e.label, e.first_load, e.last_load, _estimates(e.first_estimate_kg, e.last_estimate_kg),
                 str(e.sessions)]
                for e in r.exercises
            ],
            (34, 18, 18, 20, 10),
        )  # fmt: skip

    if r.phases:
        _grid(
            doc,
            "Phase history",
            ["Phase", "Weeks", "Dates", "Performed", "Not performed"],
            [[p.name, p.weeks, p.dates, str(p.performed), str(p.not_performed)] for p in r.phases],
            (30, 12, 34, 12, 12),
        )

    _outlook_clinical(doc, r.outlook)
    if r.charts:
        _charts(doc, r.charts)
    doc.sign_off(r.sign_off, r.generated_at)
    _methodology(doc, [labelled(m.measure + (f" ({m.side})" if m.side else ""), verified_only(m.change.reason))
                       for m in r.measures if m.change is not None and m.change.reason])  # fmt: skip
    return bytes(doc.output())


def _charts(doc: ReportDocument, charts: Sequence[ChartSpec]) -> None:
    doc.heading("Charts", keep=doc.chart_height(charts[0].chart))
    for chart in charts:
        doc.chart(chart.chart, chart.alt or f"Chart: {chart.title}.")


def _goals_clinical(doc: ReportDocument, goals: Sequence[GoalLine], score: str) -> None:
    """Each goal with its target, reviews and verdict; the GAS T-score over the goal attainment scales."""
    if not goals:
        return
    doc.heading("Goals", keep=doc.text_height(goals[0].statement, size=9.5, bold=True) + 10)
    for g in goals:
        block = doc.text_height(g.statement, size=9.5, bold=True) + 10
        if doc.will_page_break(block):
            doc.add_page()
        doc.para(f"{g.statement} ({g.status})", bold=True)
        doc.para(g.target, size=8.5)
        if g.progress:
            doc.bullets([verified_only(p) for p in g.progress], size=8.5)
    if score:
        doc.para(f"Goal attainment scaling: {score}", size=9)


def _goals_patient(doc: ReportDocument, goals: Sequence[GoalLine]) -> None:
    words = [patient_words(g.patient_words) for g in goals if g.patient_words]
    if words:
        _bullets_under(doc, "Your goals", words, size=11)


def _outlook_clinical(doc: ReportDocument, lines: Sequence[OutlookLine]) -> None:
    """Each prediction with its path, accuracy, caveats and any disagreement: a prediction, not a guarantee."""
    if not lines:
        return
    doc.heading("Outlook: recovery predictions (not guarantees)", keep=doc.text_height(NOT_A_GUARANTEE, size=8) + 6)
    doc.para(NOT_A_GUARANTEE, size=8, grey=True)
    for line in lines:
        title = f"{line.tool}: {line.category}"
        if doc.will_page_break(doc.text_height(title, size=9.5, bold=True) + 10):
            doc.add_page()
        doc.para(title, bold=True)
        doc.bullets([verified_only(x) for x in (line.path if line.given else line.refusals)], size=8.5)
        for extra in line.also:
            doc.para(verified_only(extra), size=8.5)
        if line.observed:
            doc.para(line.observed, size=9)
        if line.disagreement:
            doc.para(line.disagreement, size=9, bold=True)
        doc.para("Accuracy: " + verified_only(" ".join(line.accuracy)), size=8, grey=True)
        doc.para("Caveats: " + verified_only(" ".join(line.caveats)), size=8, grey=True)


def _outlook_patient(doc: ReportDocument, lines: Sequence[OutlookLine]) -> None:
    """The predictions given, in the published plain-language text where the reference has it."""
    given = [line for line in lines if line.given]
    if not given:
        return
    intro = ("These are predictions from research, not promises: some people recover more or less than expected. "
             "Your therapist will talk them through with you.")  # fmt: skip
    _para_under(doc, "What we expect", intro, size=11)
    doc.bullets([patient_words(line.patient_text) for line in given], size=11)


def _estimates(first: float | None, last: float | None) -> str:
    if first is None and last is None:
        return "—"
    a = "—" if first is None else f"{first:.1f}"
    b = "—" if last is None else f"{last:.1f}"
    return f"{a} → {b}"
