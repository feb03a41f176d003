"""Which threshold applies to which patient: the catalogue's population mapping, written out for sign-off.

Built from the catalogue and the same population rules every judgement uses (``rehab.domain.context``), so the
document a clinic signs off (docs/populations.md, ``python -m rehab populations``) cannot drift from what the app
does: a test compares the two.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from rehab.domain.context import PHASE_SOURCE, PatientContext, Phase, population_sentence
from rehab.domain.measures import Category, ChangeThreshold, Cutoff, Measure, all_measures
from rehab.domain.units import fmt

_ON = date(2026, 1, 1)  # any day: a group is fixed by condition, age and phase, not by the date

# The groups a judgement distinguishes (``PatientContext.group``): stroke by phase (Bernhardt 2017) or without an
# event date, and other conditions aged 65 and over or under 65 (the older-adult sources' age).
GROUPS: tuple[tuple[str, PatientContext], ...] = (
    ("stroke acute", PatientContext("ischaemic_stroke", 70, 3, Phase.ACUTE, _ON)),
    ("stroke early subacute", PatientContext("ischaemic_stroke", 70, 40, Phase.EARLY_SUBACUTE, _ON)),
    ("stroke late subacute", PatientContext("ischaemic_stroke", 70, 120, Phase.LATE_SUBACUTE, _ON)),
    ("stroke chronic", PatientContext("ischaemic_stroke", 70, 400, Phase.CHRONIC, _ON)),
    ("stroke, no event date", PatientContext("ischaemic_stroke", 70, None, None, _ON)),
    ("other condition, 65+", PatientContext("tbi", 70, 400, None, _ON)),
    ("other condition, under 65", PatientContext("tbi", 40, 400, None, _ON)),
)
_GROUP_HELP = (
    "stroke = ischaemic or haemorrhagic stroke, by time since the event on the day of the result (acute under 7 "
    "days, early subacute 7 days–3 months, late subacute 3–6 months, chronic more than 6 months); other "
    "condition = every other condition (traumatic brain injury, spinal cord injury, other neurological, "
    "orthopaedic, deconditioning), by age on the day of the result"
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _groups(fits: list[bool]) -> str:
    names = [name for (name, _), ok in zip(GROUPS, fits, strict=True) if ok]
    if len(names) == len(GROUPS):
        return "everyone"
    stroke = [name for name, ctx in GROUPS if ctx.stroke]
    if all(name in names for name in stroke):
        names = ["stroke, any phase"] + [n for n in names if n not in stroke]
    return "; ".join(names) or "no group"


def _status(active: bool) -> str:
    return "applied" if active else "**off until the clinic signs it off**"


def _change_row(t: ChangeThreshold) -> str:
    figure = f"{t.kind.upper()} {fmt(t.value)} {t.unit}"
    if t.statistic:
        figure += f" ({t.statistic})"
    if t.baseline is not None:
        figure += f", baseline {t.baseline.describe()}"
    if t.pace:
        figure += f", {t.pace} pace"
    if t.sites:
        figure += f", {' or '.join(t.sites)} only"
    fits = _groups([ctx.threshold_fits(t.id, t.population) for _, ctx in GROUPS])
    return (
        f"| {_cell(figure)} | {_cell(t.population_text)} | {fits} | {_cell(t.source)} | "
        f"{t.evidence} | {_status(t.active)} |"
    )


def _cutoff_row(c: Cutoff) -> str:
    figure = f"cut-off {c.comparison} {fmt(c.value)} {c.unit}"
    if c.sex:
        figure += f", {c.sex}"
    if c.age is not None:
        figure += f", age {c.age.describe()}"
    if c.not_on_paretic:
        figure += ", not on the paretic side"
    fits = _groups([ctx.cutoff_misfit(c) is None for _, ctx in GROUPS])
    return (
        f"| {_cell(figure)}: {_cell(c.message)} | {_cell(c.population)} | {fits} | {_cell(c.source)} | "
        f"{c.evidence} | {_status(c.active)} |"
    )


def _category_row(c: Category) -> str:
    fits = _groups([c.population != "stroke" or ctx.stroke for _, ctx in GROUPS])
    return (
        f"| category {_cell(c.band.describe())}: {_cell(c.label)} | {_cell(c.population)} | {fits} | "
        f"{_cell(c.source)} | {c.evidence} | applied |"
    )


def _figures(measure: Measure) -> Iterator[str]:
    yield from (_change_row(t) for t in (*measure.mdc, *measure.mcid))
    yield from (_cutoff_row(c) for c in measure.cutoffs)
    yield from (_category_row(c) for c in measure.categories)


def _used(measure: Measure, ctx: PatientContext) -> str:
    """The applied MDCs and MCIDs of the measure for one group (by pace or muscle where they differ), or none."""
    found: dict[str, list[str]] = {}
    for t in (*measure.mdc, *measure.mcid):
        if t.active and ctx.threshold_fits(t.id, t.population):
            qualifier = t.pace or " or ".join(t.sites)
            found.setdefault(f"{t.kind.upper()}{f' {qualifier}' if qualifier else ''}", []).append(fmt(t.value))
    return "; ".join(f"{what} {' / '.join(dict.fromkeys(values))}" for what, values in found.items()) or "none"


def markdown() -> str:
    """docs/populations.md: every measure's thresholds with the groups they apply to, and the gaps."""
    lines = [
        "# Which threshold applies to which patient",
        "",
        "<!-- Generated from the measures catalogue by `python -m rehab populations > docs/populations.md`; "
        "tests/unit/test_populations_doc.py fails when this file differs. Do not edit by hand. -->",
        "",
        "Every MDC, MCID, cut-off and category band in the catalogue, the population its source studied, and the "
        "patient groups the app applies it to. A figure is applied only to a patient of the group its source "
        f"studied ({_GROUP_HELP}). Phases: {PHASE_SOURCE}. Older-adult figures are applied from age 65 and not "
        "after a stroke; an age-banded table is judged by its own bands. A figure marked *off until the clinic "
        "signs it off* is from a secondary source or unverified in the clinical reference, and is applied only "
        "once an administrator sets it in Clinic settings (then to the same groups).",
        "",
        "## Where no figure fits",
        "",
        "The MDCs and MCIDs applied to each group (active figures only; where a measure has several, the one whose "
        "baseline band, pace or muscle fits the result is used). Where a cell says *none*, the result is not judged "
        "against any change threshold, and says so:",
        "",
    ]
    stroke_ctx = GROUPS[2][1]
    other_ctx = GROUPS[6][1]
    lines += [
        f"- after a stroke (here late subacute): “{population_sentence(stroke_ctx, [])}”",
        f"- another condition (here aged 40): “{population_sentence(other_ctx, [])}”",
        "",
        "The other groups' figures are listed after it “for reference only”, never used to judge the result. "
        "Cut-offs of another group are likewise named in a note “for reference only” and raise no flag.",
        "",
        "| Measure | " + " | ".join(name for name, _ in GROUPS) + " |",
        "|---|" + "---|" * len(GROUPS),
    ]
    for measure in all_measures():
        if measure.mdc or measure.mcid:
            cells = [_used(measure, ctx) for _, ctx in GROUPS]
            lines.append(f"| {_cell(measure.name)} | " + " | ".join(cells) + " |")
    lines += ["", "## Every threshold, by measure", ""]
    for measure in all_measures():
        rows = list(_figures(measure))
        lines += [f"### {measure.name}", ""]
        if not rows:
            lines += ["No MDC, MCID, cut-off or category band in the catalogue.", ""]
            continue
        lines += [
            "| Figure | Population studied | Applied to | Source | Evidence | Status |",
            "|---|---|---|---|---|---|",
            *rows,
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"
