"""Entry widgets for each measure: items with their anchors, trials per side, units and context."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from rehab.domain.measures import EVIDENCE_TEXT, Measure, neuro
from rehab.domain.patients import side_words
from rehab.domain.strength import FORMULAS as ONE_RM_FORMULAS
from rehab.domain.strength import MMT_GRADES
from rehab.domain.units import fmt
from rehab.store.patients import PatientRecord

UNITS_FORCE = ["N", "kgf", "lbf", "N.m"]
ASSISTANCE_LABELS = {
    "": "Not recorded",
    "none": "None",
    "supervision": "Supervision",
    "minimal": "Minimal",
    "moderate": "Moderate",
    "maximal": "Maximal",
}
FORMULAS = ["epley", "brzycki", "lombardi", "oconner", "mayhew", "wathan"]


def measure_help(measure: Measure) -> str:
    """Every number the result panel may use, with its population and source."""
    lines = [f"{measure.name}: {measure.direction} is better; unit {measure.unit_label}."]
    lines += [t.describe() for t in (*measure.mdc, *measure.mcid) if t.active]
    lines += [c.describe() for c in measure.cutoffs if c.active]
    lines += [
        f"Category '{c.label}': {c.band.describe(measure.unit_label)} ({c.source}"
        + ("" if c.evidence == "primary" else f"; {EVIDENCE_TEXT[c.evidence]}")
        + ")"
        for c in measure.categories
    ]
    lines += list(measure.notes)
    inactive = [t for t in measure.all_thresholds if not t.active]
    if inactive:
        lines.append(f"{len(inactive)} unverified figure(s) are not applied until the clinic configures them.")
    return "\n\n".join(lines)


def side_names(patient: PatientRecord) -> dict[str, str]:
    names = {"left": "Left", "right": "Right"}
    weaker, stronger = side_words(patient.condition)
    if patient.paretic_side in ("left", "right"):
        for side in names:
            names[side] += f" ({weaker})" if side == patient.paretic_side else f" ({stronger})"
    return names


def _number(label: str, key: str, **kwargs: Any) -> float | None:
    return st.number_input(label, value=None, key=key, **kwargs)


def _trials(label: str, key: str, count: int, **kwargs: Any) -> list[float | None]:
    cols = st.columns(count)
    return [
        col.number_input(f"{label} trial {i + 1}", value=None, key=f"{key}_{i}", min_value=0.0, **kwargs)
        for i, col in enumerate(cols)
    ]


def _rows(items: Sequence[Any], width: int) -> list[Sequence[Any]]:
    return [items[i : i + width] for i in range(0, len(items), width)]


def _choice(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _items(measure: Measure, prefix: str) -> dict[str, Any]:
    values: list[float | None] = []
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
                            st.number_input(
                                f"{item.number}. {item.name}",
                                min_value=0,
                                max_value=int(item.maximum),
                                step=5,
                                value=None,
                                key=f"{prefix}_item_{item.number}",
                            )
                        )
                        continue
                    anchors = "\n\n".join(f"{fmt(a.score)}: {a.text}" for a in item.anchors)
                    if item.evidence != "primary":
                        anchors += f"\n\nItem wording: {EVIDENCE_TEXT[item.evidence]}."
                    values.append(
                        st.segmented_control(
                            f"{item.number}. {item.name}",
                            [_choice(v) for v in item.choices],
                            key=f"{prefix}_item_{item.number}",
                            help=anchors or None,
                        )
                    )
    scored = [v for v in values if v is not None]
    if scored:
        how = "mean" if measure.aggregate == "mean" else "total"
        shown = sum(scored) / len(scored) if measure.aggregate == "mean" else sum(scored)
        st.caption(f"Scored {len(scored)} of {len(values)} items · {how} so far {fmt(shown)} {measure.unit_label}")
    else:
        st.caption(f"Score each of the {len(values)} items.")
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
            raw["unit"] = c1.selectbox("Unit read", UNITS_FORCE, key=f"{prefix}_unit")
            raw["lever_arm_m"] = c2.number_input(
                "Lever arm (m)",
                value=None,
                min_value=0.0,
                step=0.01,
                key=f"{prefix}_arm",
                help="Distance from joint axis to the dynamometer; gives torque in N·m.",
            )
            raw["method"] = c3.radio("Method", ["make", "break"], key=f"{prefix}_method", horizontal=True)
            raw["rule"] = c4.radio("Result", ["max", "mean"], key=f"{prefix}_rule", horizontal=True)
        elif k == "grip":
            c1, c2 = st.columns(2)
            raw["unit"] = c1.selectbox("Unit read", ["kg", "lb"], key=f"{prefix}_unit")
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
        raw["unit"] = c2.selectbox("Unit", ["kg", "lb"], key=f"{prefix}_unit")
        side = c3.selectbox(
            "Side",
            ["", "left", "right"],
            key=f"{prefix}_side",
            format_func=lambda s: side_names(patient).get(s, "Both / not sided"),
        )
        raw["side"] = side or None
        if raw["method"] == "tested":
            raw["tested_kg"] = _number("1RM load", f"{prefix}_tested", min_value=0.0, step=0.5)
        else:
            d1, d2, d3 = st.columns(3)
            raw["load_kg"] = d1.number_input("Load lifted", value=None, min_value=0.0, step=0.5, key=f"{prefix}_load")
            raw["reps"] = d2.number_input(
                "Repetitions to near failure",
                value=None,
                min_value=1,
                max_value=30,
                step=1,
                key=f"{prefix}_reps",
                help="1-10 recommended; 11-12 accepted with low accuracy.",
            )
            raw["formula"] = d3.selectbox(
                "Formula",
                FORMULAS,
                key=f"{prefix}_formula",
                format_func=lambda key: f"{ONE_RM_FORMULAS[key].name} ({ONE_RM_FORMULAS[key].expression})",
            )
            if raw["reps"] in (11, 12):
                st.warning("11-12 repetitions: the estimate is of low accuracy (Reynolds 2006: use 10 or fewer).")
    elif k == "frt":
        raw = {
            "unit": st.selectbox("Unit", ["cm", "in"], key=f"{prefix}_unit"),
            "trials": _trials("Reach", f"{prefix}_t", 3),
        }
    elif k == "ten_mwt":
        c1, c2 = st.columns(2)
        raw = {
            "distance_m": c1.number_input("Timed distance (m)", value=10.0, min_value=1.0, key=f"{prefix}_dist"),
            "pace": c2.radio("Pace", ["comfortable", "fast"], key=f"{prefix}_pace", horizontal=True),
            "trials": _trials("Time (s)", f"{prefix}_t", 2, step=0.1),
        }
    elif k == "wb_symmetry":
        c1, c2 = st.columns(2)
        raw = {
            "paretic_kg": c1.number_input(
                "Load under the paretic leg (kg)", value=None, min_value=0.0, key=f"{prefix}_p"
            ),
            "non_paretic_kg": c2.number_input(
                "Load under the non-paretic leg (kg)", value=None, min_value=0.0, key=f"{prefix}_np"
            ),
        }
    elif k == "six_mwt":
        c1, c2 = st.columns(2)
        raw = {
            "value": c1.number_input("Distance walked", value=None, min_value=0.0, key=f"{prefix}_value"),
            "unit": c2.selectbox("Unit", ["m", "ft"], key=f"{prefix}_unit"),
        }
    else:
        step = 1.0 if measure.whole else 0.1
        raw = {"value": _number(f"Result ({measure.unit_label})", f"{prefix}_value", min_value=0.0, step=step)}
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
