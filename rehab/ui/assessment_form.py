"""Entry widgets for each measure: items with their anchors, trials per side, units and context."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from rehab.domain.context import PHASE_SOURCE, PatientContext
from rehab.domain.measures import EVIDENCE_TEXT, Cutoff, Item, Measure, neuro, plausible_range
from rehab.domain.patients import side_words
from rehab.domain.strength import FORMULAS as ONE_RM_FORMULAS
from rehab.domain.strength import MMT_GRADES
from rehab.domain.units import ENTRY_UNITS, fmt
from rehab.store.patients import PatientRecord
from rehab.ui.forms import number_field

ASSISTANCE_LABELS = {
    "": "Not recorded",
    "none": "None",
    "supervision": "Supervision",
    "minimal": "Minimal",
    "moderate": "Moderate",
    "maximal": "Maximal",
}
FORMULAS = ["epley", "brzycki", "lombardi", "oconner", "mayhew", "wathan"]


def _cutoff_fits(ctx: PatientContext, sex: str | None, cut: Cutoff) -> bool:
    if ctx.cutoff_misfit(cut) is not None:
        return False
    if cut.sex is not None and cut.sex != sex:
        return False
    return cut.age is None or (ctx.age_years is not None and cut.age.contains(ctx.age_years))


def measure_help(measure: Measure, ctx: PatientContext, sex: str | None = None) -> str:
    """The figures the result panel may use for THIS patient's population, each with its source.

    Figures derived in other populations are not listed (they are never applied to this patient); the
    help says how many were left out and which population was used (``rehab.domain.context``).
    """
    who = f"Figures for this patient: {ctx.describe()}" + (f" ({PHASE_SOURCE})" if ctx.stroke else "") + "."
    lines = [f"{measure.name}: {measure.direction} is better; unit {measure.unit_label}.", who]
    changes = [t for t in (*measure.mdc, *measure.mcid) if t.active and ctx.threshold_fits(t.id, t.population)]
    cuts = [c for c in measure.cutoffs if c.active and _cutoff_fits(ctx, sex, c)]
    cats = [c for c in measure.categories if ctx.stroke or c.population != "stroke"]
    lines += [t.describe() for t in changes] + [c.describe() for c in cuts]
    lines += [
        f"Category '{c.label}': {c.band.describe(measure.unit_label)} ({c.source}"
        + ("" if c.evidence == "primary" else f"; {EVIDENCE_TEXT[c.evidence]}")
        + ")"
        for c in cats
    ]
    if not changes and (measure.mdc or measure.mcid):
        lines.append("No MDC or MCID in the catalogue was derived in this patient's population, so none is applied.")
    active = sum(t.active for t in measure.all_thresholds)
    others = active - len(changes) - len(cuts) + len(measure.categories) - len(cats)
    if others:
        lines.append(f"{others} figure(s) derived in other populations are not listed: they are not applied here.")
    rng = plausible_range(measure.key)
    if rng is not None:
        lines.append(
            f"Plausible range (a data-entry check, not a clinical threshold): {rng.describe()}. A value outside it "
            "is saved only after you confirm it is right."
        )
    lines += list(measure.notes)
    inactive = [t for t in measure.all_thresholds if not t.active]
    if inactive:
        lines.append(f"{len(inactive)} unverified figure(s) are not applied until the clinic configures them.")
    return "\n\n".join(lines)


def item_help(item: Item) -> str | None:
    """An item's anchors in the scale's own words, with where they come from and how firmly."""
    if not item.anchors:
        return None
    text = "\n\n".join(f"{fmt(a.score)}: {a.text}" for a in item.anchors)
    if item.anchor_source:
        text += f"\n\nAnchors: {item.anchor_source}."
    if item.evidence != "primary":
        text += f"\n\nItem wording: {EVIDENCE_TEXT[item.evidence]}."
    return text


_FIELD_LABELS = {
    "value": "Result",
    "items": "Items",
    "tested_kg": "Tested 1RM load",
    "load_kg": "Submaximal set: load lifted",
    "reps": "Repetitions",
    "lever_arm_m": "Lever arm",
    "distance_m": "Timed distance",
    "assistive_device": "Assistive device",
    "protocol_variant": "Protocol variant",
}


def field_label(patient: PatientRecord, field: str) -> str:
    """A domain field name in the words of the form: "left trial 2" → "Left (paretic) trial 2"."""
    weaker, stronger = side_words(patient.condition)
    if field in ("paretic_kg", "non_paretic_kg"):
        return f"Load under the {weaker if field == 'paretic_kg' else stronger} leg"
    if field in _FIELD_LABELS:
        return _FIELD_LABELS[field]
    first, _, rest = field.partition(" ")
    if first in ("left", "right"):
        return f"{side_names(patient)[first]} {rest}".strip()
    return field.replace("_", " ").capitalize()


def side_names(patient: PatientRecord) -> dict[str, str]:
    names = {"left": "Left", "right": "Right"}
    weaker, stronger = side_words(patient.condition)
    if patient.paretic_side in ("left", "right"):
        for side in names:
            names[side] += f" ({weaker})" if side == patient.paretic_side else f" ({stronger})"
    return names


def _trials(label: str, key: str, count: int) -> list[object]:
    cols = st.columns(count)
    return [number_field(f"{label} trial {i + 1}", f"{key}_{i}", where=col) for i, col in enumerate(cols)]


def _rows(items: Sequence[Any], width: int) -> list[Sequence[Any]]:
    return [items[i : i + width] for i in range(0, len(items), width)]


def _choice(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _items(measure: Measure, prefix: str) -> dict[str, Any]:
    values: list[object] = []
    percent = measure.aggregate == "mean"  # ABC: 0-100 % confidence per activity
    width = 4 if percent else (2 if len(measure.items) > 6 else 1)
    if measure.key == "arat":
        st.caption(
            "Lyle's shortcut: test each subscale's first item; if it scores 3, leave the rest empty (credited 3). "
            "If it scores less and the second scores 0, leave the rest empty (credited 0). Otherwise score every "
            "item."
        )
    domains = [item.domain for item in measure.items]
    grouped = len(set(domains)) > 1 and measure.key != "tis"
    groups: list[list[Any]] = []
    for item in measure.items:
        if grouped and groups and groups[-1][0].domain == item.domain:
            groups[-1].append(item)
        else:
            groups.append([item])
    for group in groups if grouped else [list(measure.items)]:
        if grouped:
            st.markdown(f"**{group[0].domain}**")
        for row in _rows(group, width):
            # One row of columns per line of items, so items read and tab in order (1, 2, 3 …) on any width.
            for item, col in zip(row, st.columns(width) if width > 1 else [st.container()], strict=False):
                with col:
                    if percent:
                        values.append(
                            number_field(
                                f"{item.number}. {item.name} (%)",
                                f"{prefix}_item_{item.number}",
                                placeholder=f"{fmt(item.minimum)}–{fmt(item.maximum)}",
                            )
                        )
                        continue
                    anchors = item_help(item)
                    values.append(
                        st.segmented_control(
                            f"{item.number}. {item.name}",
                            [_choice(v) for v in item.choices],
                            key=f"{prefix}_item_{item.number}",
                            help=anchors or None,
                        )
                    )
    how = "mean" if measure.aggregate == "mean" else "total"
    st.caption(f"Score each of the {len(values)} items; the {how} is worked out when you save.")
    return {"items": values}


def _grade_box(measure: Measure, label: str, key: str) -> str | None:
    grades = ["", *measure.grades]
    names = neuro.MAS_DEFINITIONS if measure.key == "mas" else {}
    return (
        st.selectbox(
            label,
            grades,
            key=key,
            format_func=lambda g: (f"{g}: {names[g]}" if g in names else g) if g else "Not tested",
        )
        or None
    )


def _mas(measure: Measure, patient: PatientRecord, prefix: str, site: str | None) -> dict[str, Any]:
    """One grade per muscle group and side (ordinal labels 0, 1, 1+, 2, 3, 4); untouched rows are not tested."""
    names = side_names(patient)
    if site is not None:  # correcting one saved grade: its muscle group is fixed
        st.markdown(f"**{site}**")
        sides = {s: _grade_box(measure, f"{names[s]}: grade", f"{prefix}_{s}") for s in ("left", "right")}
        return {"site": site, "sides": {s: g for s, g in sides.items() if g}}
    st.caption("Grade each muscle group tested, per side; leave the others as not tested.")
    muscles: list[dict[str, Any]] = []
    rows = [(m, m) for m in neuro.MAS_MUSCLES] + [("", "other")]
    for name, key in rows:
        c0, c1, c2 = st.columns([2, 3, 3])
        if name:
            c0.markdown(name)
        else:
            name = c0.text_input("Other muscle group", key=f"{prefix}_other_site", max_chars=64)
        slug = key.lower().replace(" ", "_")
        sides = {}
        for side, col in (("left", c1), ("right", c2)):
            with col:
                sides[side] = _grade_box(measure, f"{name or 'Other'} · {names[side]}", f"{prefix}_{slug}_{side}")
        chosen = {s: g for s, g in sides.items() if g}
        if chosen or (key == "other" and name):
            muscles.append({"site": name, "sides": chosen})
    return {"muscles": muscles}


def _per_side(patient: PatientRecord, prefix: str, widget: Callable[[str, str], object]) -> dict[str, Any]:
    names = side_names(patient)
    sides: dict[str, Any] = {}
    for side in ("left", "right"):
        value = widget(names[side], f"{prefix}_{side}")
        if value not in (None, "", []) and not (isinstance(value, list) and all(v is None for v in value)):
            sides[side] = value
    return sides


def entry_fields(
    measure: Measure, patient: PatientRecord, prefix: str, *, with_context: bool = True, site: str | None = None
) -> dict[str, Any]:
    """Render one measure's fields and return the raw entry for the service (validated there).

    ``site`` fixes the muscle group when correcting one saved Modified Ashworth grade.
    """
    k = measure.key
    raw: dict[str, Any]
    if measure.is_item_scale:
        raw = _items(measure, prefix)
    elif k == "mas":
        raw = _mas(measure, patient, prefix, site)
    elif measure.is_ordinal:
        labels = {int(c.band.lower or 0): c.label for c in measure.categories}
        value = st.selectbox(
            measure.name,
            [None, *range(len(measure.grades))],
            key=f"{prefix}_value",
            format_func=lambda v: "Choose a category" if v is None else labels.get(v, str(v)),
        )
        raw = {"value": value}
    elif k == "mmt":
        site = st.text_input("Muscle group or movement", key=f"{prefix}_site", placeholder="e.g. knee extension")
        grades = ["", *MMT_GRADES]
        sides = _per_side(
            patient,
            prefix,
            lambda label, key: (
                st.selectbox(f"{label}: MRC grade", grades, key=key, format_func=lambda g: g or "Not tested") or None
            ),
        )
        raw = {"site": site, "sides": sides}
    elif k in ("hhd", "grip", "sls"):
        raw = {}
        if k == "hhd":
            raw["site"] = st.text_input(
                "Muscle group or movement", key=f"{prefix}_site", placeholder="e.g. knee extension"
            )
            c1, c2, c3, c4 = st.columns(4)
            raw["unit"] = c1.selectbox("Unit read", ENTRY_UNITS["hhd"], key=f"{prefix}_unit")
            raw["lever_arm_m"] = number_field(
                "Lever arm (m)",
                f"{prefix}_arm",
                where=c2,
                help="Distance from joint axis to the dynamometer; gives torque in N·m.",
            )
            raw["method"] = c3.radio("Method", ["make", "break"], key=f"{prefix}_method", horizontal=True)
            raw["rule"] = c4.radio("Result", ["max", "mean"], key=f"{prefix}_rule", horizontal=True)
        elif k == "grip":
            c1, c2 = st.columns(2)
            raw["unit"] = c1.selectbox("Unit read", ENTRY_UNITS["grip"], key=f"{prefix}_unit")
            raw["rule"] = c2.radio(
                "Result",
                ["mean", "max"],
                key=f"{prefix}_rule",
                horizontal=True,
                help="Mathiowetz norms use the mean of 3 trials [R58].",
            )
        else:
            raw["rule"] = st.radio(
                "Result",
                ["max", "mean"],
                key=f"{prefix}_rule",
                horizontal=True,
                help="The reference gives no trial rule for single-leg stance; record which you used.",
            )
        raw["sides"] = _per_side(patient, prefix, lambda label, key: _trials(label, key, 3))
    elif k == "one_rm":
        raw = {"site": st.text_input("Exercise", key=f"{prefix}_site", placeholder="e.g. leg press")}
        c1, c2, c3 = st.columns(3)
        raw["method"] = c1.radio(
            "Method",
            ["tested", "estimated"],
            key=f"{prefix}_method",
            horizontal=True,
            format_func=lambda m: "Tested 1RM" if m == "tested" else "From a submaximal set",
        )
        raw["unit"] = c2.selectbox("Unit", ENTRY_UNITS["one_rm"], key=f"{prefix}_unit")
        side = c3.selectbox(
            "Side",
            ["", "left", "right"],
            key=f"{prefix}_side",
            format_func=lambda s: side_names(patient).get(s, "Both / not sided"),
        )
        raw["side"] = side or None
        # Both methods' fields are shown: inside a form, choosing the method does not redraw the page. A field of
        # the other method left filled in is refused at its field, never ignored.
        raw["tested_kg"] = number_field("Tested 1RM load", f"{prefix}_tested", help="For a tested 1RM only.")
        d1, d2, d3 = st.columns(3)
        raw["load_kg"] = number_field("Submaximal set: load lifted", f"{prefix}_load", where=d1)
        raw["reps"] = number_field(
            "Repetitions to near failure",
            f"{prefix}_reps",
            where=d2,
            help="1-10 recommended; 11-12 accepted with low accuracy (Reynolds 2006: use 10 or fewer).",
        )
        raw["formula"] = d3.selectbox(
            "Formula",
            FORMULAS,
            key=f"{prefix}_formula",
            format_func=lambda key: f"{ONE_RM_FORMULAS[key].name} ({ONE_RM_FORMULAS[key].expression})",
        )
    elif k == "frt":
        raw = {
            "unit": st.selectbox("Unit", ENTRY_UNITS["frt"], key=f"{prefix}_unit"),
            "trials": _trials("Reach", f"{prefix}_t", 3),
        }
    elif k == "ten_mwt":
        c1, c2 = st.columns(2)
        raw = {
            "distance_m": number_field("Timed distance (m)", f"{prefix}_dist", where=c1, value="10"),
            "pace": c2.radio("Pace", ["comfortable", "fast"], key=f"{prefix}_pace", horizontal=True),
            "trials": _trials("Time (s)", f"{prefix}_t", 2),
        }
    elif k == "wb_symmetry":
        weaker, stronger = side_words(patient.condition)
        c1, c2 = st.columns(2)
        raw = {
            "paretic_kg": number_field(f"Load under the {weaker} leg (kg)", f"{prefix}_p", where=c1),
            "non_paretic_kg": number_field(f"Load under the {stronger} leg (kg)", f"{prefix}_np", where=c2),
        }
    elif k == "six_mwt":
        c1, c2 = st.columns(2)
        raw = {
            "value": number_field("Distance walked", f"{prefix}_value", where=c1),
            "unit": c2.selectbox("Unit", ENTRY_UNITS["six_mwt"], key=f"{prefix}_unit"),
        }
    else:
        raw = {"value": number_field(f"Result ({measure.unit_label})", f"{prefix}_value")}
    if with_context:
        _context_fields(raw, prefix)
    return raw


def _context_fields(raw: dict[str, Any], prefix: str) -> None:
    with st.expander("Context (device, assistance, protocol)"):
        c1, c2, c3 = st.columns(3)
        raw["assistive_device"] = c1.text_input("Assistive device or orthosis", key=f"{prefix}_device", max_chars=120)
        raw["assistance"] = (
            c2.selectbox(
                "Physical assistance",
                list(ASSISTANCE_LABELS),
                key=f"{prefix}_assist",
                format_func=ASSISTANCE_LABELS.__getitem__,
            )
            or None
        )
        raw["protocol_variant"] = c3.text_input("Protocol variant", key=f"{prefix}_variant", max_chars=120)
