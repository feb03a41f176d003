"""Issue 18: the neuro-rehabilitation core set (clinical reference §13.1–13.6), worked by hand from the sources."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rehab.domain import measures
from rehab.domain.assessment import prepare
from rehab.domain.errors import ValidationError
from rehab.domain.measures import neuro
from rehab.domain.measures.model import LOCAL_SYSTEM

NEW = ("fma_ue", "fma_le", "mas", "mi_arm", "mi_leg", "arat", "tct", "fac")


def _refused(key: str, items: object) -> ValidationError:
    with pytest.raises(ValidationError) as err:
        measures.score(key, items)
    return err.value


# --- Trunk Control Test (§13.4, Collin & Wade 1990 [R82]) ---------------------------------------------------


def test_tct_total_is_the_sum_of_four_0_12_25_items() -> None:
    # roll to weak side with help 12, roll to strong side normally 25, sits 30 s normally 25, cannot sit up 0
    assert measures.score("tct", [12, 25, 25, 0]) == 62
    assert measures.score("tct", [25, 25, 25, 25]) == 100
    assert measures.score("tct", [0, 0, 0, 0]) == 0


def test_tct_item_of_13_is_refused_with_the_allowed_scores() -> None:
    err = _refused("tct", [13, 25, 25, 0])
    assert err.field == "item 1"
    assert "0, 12, 25" in err.message


def test_tct_total_that_no_items_can_make_is_refused() -> None:
    # §13.4: the only possible totals are 0, 12, 24, 25, 36, 37, 48, 49, 50, 61, 62, 74, 75, 87, 100
    assert neuro.TCT_TOTALS == (0, 12, 24, 25, 36, 37, 48, 49, 50, 61, 62, 74, 75, 87, 100)
    with pytest.raises(ValidationError) as err:
        measures.validate_value("tct", 13)
    assert err.value.field == "value" and "62" in err.value.message
    assert measures.validate_value("tct", 62) == 62


# --- Motricity Index (§13.5 [R83]) --------------------------------------------------------------------------


def test_mi_leg_adds_one_to_the_weighted_sum() -> None:
    # dorsiflexion palpable 9 + knee extension visible 14 + hip flexion against gravity 19 = 42; + 1 = 43
    assert measures.score("mi_leg", [9, 14, 19]) == 43
    assert measures.score("mi_arm", [33, 33, 33]) == 100  # 99 + 1


def test_mi_zero_sum_is_zero_unless_the_clinic_signs_off_the_plus_one() -> None:
    assert measures.score("mi_leg", [0, 0, 0]) == 0
    assert measures.score("mi_leg", [0, 0, 0], mi_zero_plus_one=True) == 1
    assert neuro.motricity_score(42).reported == 43


def test_mi_pinch_takes_its_own_weights() -> None:
    # pinch: 0, 11, 19, 22, 26, 33; the other items: 0, 9, 14, 19, 25, 33
    assert measures.score("mi_arm", [11, 9, 14]) == 35
    err = _refused("mi_arm", [9, 9, 14])
    assert err.field == "item 1" and "11" in err.message
    err = _refused("mi_leg", [10, 14, 19])
    assert err.field == "item 1" and "0, 9, 14, 19, 25, 33" in err.message


def test_mi_keeps_the_raw_sum_beside_the_reported_score() -> None:
    [m] = prepare("mi_leg", {"items": [9, 14, 19]})
    assert m.value == 43 and m.context["raw_sum"] == 42
    assert "42 + 1 = 43" in m.working


# --- Fugl-Meyer (§13.1 [R66], [R67]) ------------------------------------------------------------------------


def test_fma_ranges_and_item_counts() -> None:
    ue, le = measures.get("fma_ue"), measures.get("fma_le")
    assert (len(ue.items), ue.maximum, len(le.items), le.maximum) == (33, 66, 17, 34)
    assert measures.score("fma_ue", [2] * 33) == 66
    assert measures.score("fma_le", [2] * 17) == 34


def test_fma_reflex_items_score_0_or_2_only() -> None:
    err = _refused("fma_ue", [1] + [2] * 32)
    assert err.field == "item 1" and "0, 2" in err.message
    err = _refused("fma_le", [2, 1] + [2] * 15)
    assert err.field == "item 2"


def test_fma_le_part_v_is_0_unless_part_iv_is_full() -> None:
    items = [2] * 17
    items[11], items[12] = 2, 1  # part IV = 3 of 4
    items[13] = 1
    err = _refused("fma_le", items)
    assert err.field == "item 14" and "part IV" in err.message
    items[13] = 0
    assert measures.score("fma_le", items) == 34 - 1 - 2


def test_fma_ue_subtotals_by_part() -> None:
    # reflexes 4, synergies 2 × 9 = 18, mixing 1 + 1 + 1 = 3, part IV 0, part V 0 -> A = 25;
    # wrist 5 × 1 = 5, hand 7 × 2 = 14 -> B + C = 19; coordination 1 + 1 + 0 = 2. Total 46.
    items = [2, 2] + [2] * 9 + [1, 1, 1] + [0, 0, 0] + [0] + [1] * 5 + [2] * 7 + [1, 1, 0]
    assert measures.score("fma_ue", items) == 46
    assert list(neuro.subtotals("fma_ue", [float(v) for v in items]).values()) == [25, 19, 2]
    [m] = prepare("fma_ue", {"items": items})
    assert "A (upper arm, 0–36) 25" in m.working and "B + C (wrist/hand, 0–24) 19" in m.working
    assert measures.category("fma_ue", 46).label == "Moderate (26–50)"  # usage bands [R76]


def test_fma_untested_item_is_refused_not_zeroed() -> None:
    err = _refused("fma_le", [2] * 16 + [None])
    assert err.field == "items" and err.message.startswith("Incomplete: item 17 not tested")


def test_fma_item_not_tested_leaves_the_total_incomplete_and_names_the_item() -> None:
    # §13.1: no official rule for untestable items; "compute a subtotal only when all its items are scored;
    # otherwise show 'incomplete' and never substitute 0". FMA-LE with item 12 (E.IV knee flexion to 90°
    # without hip flexion) not tested and every other item 2: part E (items 1–14) is incomplete; part F
    # (items 15–17: tremor, dysmetria, time) is complete, 2 + 2 + 2 = 6.
    items: list[int | None] = [2] * 17
    items[11] = None
    err = _refused("fma_le", items)
    assert err.field == "items"
    assert err.message.startswith("Incomplete: item 12 not tested (12: E.IV Little or no synergy (standing, hip 0°), ")
    assert "Knee flexion to 90° without simultaneous hip flexion" in err.message
    assert "0 is never put in its place" in err.message
    assert "Parts fully scored: F (coordination/speed, 0–6) 6." in err.message
    assert "E (lower extremity" not in err.message
    # two items not tested, in two parts: both named, no part complete
    items[15] = None
    err = _refused("fma_le", items)
    assert err.message.startswith("Incomplete: items 12 and 16 not tested") and "Parts fully scored" not in err.message


@settings(max_examples=60)
@given(st.lists(st.sampled_from([0, 1, 2, None]), min_size=33, max_size=33).filter(lambda v: None in v))
def test_fma_ue_with_any_item_not_tested_never_gets_a_total(items: list[int | None]) -> None:
    items[0] = items[0] if items[0] != 1 else 2  # reflex items score 0 or 2 (§13.1); item 1 is a reflex item
    items[1] = items[1] if items[1] != 1 else 2
    if None not in items:
        items[32] = None
    with pytest.raises(ValidationError) as err:
        measures.score("fma_ue", items)
    missing = [n for n, v in enumerate(items, start=1) if v is None]
    assert err.value.message.startswith("Incomplete: item")
    for n in missing:
        assert f"{n}: " in err.value.message


def test_fma_figures_and_which_are_off() -> None:
    ue = measures.get("fma_ue")
    assert {t.id: (t.value, t.active) for t in ue.mdc} == {
        "fma_ue.mdc.early_subacute": (6.82, True),  # NNR 2023 [R72]
        "fma_ue.mdc.subacute": (1.52, True),  # USWR 2016 interday [R73]
        "fma_ue.mdc.chronic": (5.2, False),  # See 2013, UNVERIFIED (§13.15 item 2)
    }
    assert {t.id: (t.value, t.active) for t in ue.mcid} == {
        "fma_ue.mcid.early_subacute": (13, True),
        "fma_ue.mcid.inpatient": (12.4, True),
        "fma_ue.mcid.subacute": (10, True),
        "fma_ue.mcid.chronic": (7.25, True),
        "fma_ue.mcid.general": (7.0, False),  # NINDS CDE "4.5–7.0", no population: not applied
    }
    le = measures.get("fma_le")
    assert [(t.id, t.value) for t in le.mdc] == [
        ("fma_le.mdc.chronic_ambulatory", 4),  # Hiengkaew 2012 MDC95 [R102]
        ("fma_le.mdc.acute", 3.23),
        ("fma_le.mdc.stroke", 5),  # Beckerman 1996
    ]
    assert [(t.id, t.value) for t in le.mcid] == [("fma_le.mcid.chronic", 6)]  # Pandian 2016 [R74]


def test_signed_off_fma_chronic_mdc_is_applied() -> None:
    chronic = ("chronic",)  # a chronic patient's populations: figures of other phases are not borrowed
    off = measures.change("fma_ue", 30, 36, population=chronic)
    assert off.mdc is None and "sign-off" in off.reason
    on = measures.change("fma_ue", 30, 36, population=chronic, overrides={"fma_ue.mdc.chronic": 5.2})
    assert on.mdc is not None and on.exceeds_mdc and on.exceeds_mcid is False  # 6 < MCID 7.25


# --- ARAT (§13.6 [R85]) --------------------------------------------------------------------------------------


def test_arat_lyle_shortcut_credits_untested_items() -> None:
    # grasp: first item 3 -> all 6 credited 3 = 18; grip: first 2, second 0 -> rest 0 = 2;
    # pinch tested item by item 6 × 1 = 6; gross: first 3 -> 9. Total 35.
    entered = [3, None, None, None, None, None, 2, 0, None, None, 1, 1, 1, 1, 1, 1, 3, None, None]
    assert measures.score("arat", entered) == 35
    [m] = prepare("arat", {"items": entered})
    assert m.value == 35 and m.items == (3,) * 6 + (2, 0, 0, 0) + (1,) * 6 + (3, 3, 3)
    assert m.context["inferred_items"] == [2, 3, 4, 5, 6, 9, 10, 18, 19]
    assert m.context["item_sources"][0] == "observed" and m.context["item_sources"][1] == "inferred_lyle"
    assert "Grasp 18; Grip 2; Pinch 6; Gross movement 9" in m.working


def test_arat_without_the_shortcut_every_item_is_needed() -> None:
    entered = [2, 1, None, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]
    err = _refused("arat", entered)
    assert err.field == "item 3" and "shortcut" in err.message
    err = _refused("arat", [None] + [3] * 18)
    assert err.field == "item 1"
    assert measures.score("arat", [3] * 19) == 57


def test_arat_mcid_is_the_cautious_non_dominant_figure() -> None:
    [t] = measures.get("arat").mcid
    assert (t.id, t.value, t.active) == ("arat.mcid.early_subacute", 17, True)  # Lang 2008 [R86]
    assert not measures.get("arat").mdc  # none found (§13.15 item 9)


# --- Modified Ashworth (§13.2 [R77]) ------------------------------------------------------------------------


def test_mas_grades_are_stored_as_ordinal_with_their_label() -> None:
    assert measures.get("mas").grades == ("0", "1", "1+", "2", "3", "4")
    out = prepare(
        "mas",
        {
            "muscles": [
                {"site": "Elbow flexors", "sides": {"left": "1+", "right": "0"}},
                {"site": "Ankle plantar flexors", "sides": {"left": "2"}},
            ]
        },
    )
    assert [(m.site, m.side, m.value, m.value_text) for m in out] == [
        ("Elbow flexors", "left", 2.0, "1+"),
        ("Elbow flexors", "right", 0.0, "0"),
        ("Ankle plantar flexors", "left", 3.0, "2"),
    ]
    assert "less than half" in out[0].working


def test_mas_one_plus_is_not_one_and_a_half() -> None:
    with pytest.raises(ValidationError) as err:
        prepare("mas", {"site": "Elbow flexors", "sides": {"left": 1.5}})
    assert err.value.field == "Elbow flexors left grade" and "1+" in err.value.message
    with pytest.raises(ValidationError):
        measures.validate_value("mas", 1.5)
    with pytest.raises(ValidationError) as err:
        prepare("mas", {"site": "Elbow flexors", "sides": {"left": "1.5"}})
    assert "0, 1, 1+, 2, 3, 4" in err.value.message


def test_mas_needs_a_muscle_group_and_no_duplicates() -> None:
    with pytest.raises(ValidationError) as err:
        prepare("mas", {"sides": {"left": "1"}})
    assert err.value.field == "site"
    with pytest.raises(ValidationError) as err:
        prepare("mas", {"muscles": [{"site": "Knee flexors", "sides": {"left": "1"}}] * 2})
    assert "twice" in err.value.message


def test_mas_change_is_a_shift_of_grade_never_a_difference() -> None:
    c = measures.change("mas", "1", "1+")
    assert c.mdc is None and c.improved is None and c.verdict == measures.NO_MDC
    assert "grade 1 → grade 1+" in c.reason and "shift" in c.reason
    assert "1.5" not in c.reason and "points" not in c.reason and "+1 " not in c.reason
    assert c.direction == "worse"  # tone rose


def test_mas_is_never_summed_or_averaged_into_one_value() -> None:
    out = prepare("mas", {"site": "Elbow flexors", "sides": {"left": "1+", "right": "1"}})
    assert len(out) == 2  # one value per muscle group and side, no combined value
    assert not measures.get("mas").items and measures.get("mas").aggregate is None


# --- FAC (§13.3 [R80]) ---------------------------------------------------------------------------------------


def test_fac_categories_with_published_descriptions() -> None:
    fac = measures.get("fac")
    assert [c.label for c in fac.categories] == [
        "FAC 0: Nonfunctional ambulator",
        "FAC 1: Dependent, physical assistance level II",
        "FAC 2: Dependent, physical assistance level I",
        "FAC 3: Dependent, supervision",
        "FAC 4: Independent, level surfaces only",
        "FAC 5: Independent",
    ]
    [m] = prepare("fac", {"value": 3})
    assert (m.value, m.value_text, m.working) == (3.0, "3", "FAC 3: Dependent, supervision")
    with pytest.raises(ValidationError) as err:
        prepare("fac", {"value": 6})
    assert err.value.field == "value" and "0, 1, 2, 3, 4, 5" in err.value.message
    with pytest.raises(ValidationError):
        prepare("fac", {"value": 2.5})


# --- catalogue ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", NEW)
def test_new_measures_have_local_codes_only(key: str) -> None:
    m = measures.get(key)
    assert m.loinc is None  # §13: no LOINC found for any of them [R113]
    assert m.code_for().system == LOCAL_SYSTEM
    assert m.range_source and "[R" in m.range_source


# --- properties: bad input is refused naming a field, never a crash ----------------------------------------------

_ANY = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 40),
    st.floats(allow_nan=True),
    st.text(max_size=4),
    st.lists(st.one_of(st.none(), st.integers(-1, 4), st.text(max_size=2)), max_size=25),
    st.dictionaries(st.sampled_from(["left", "right", "x"]), st.one_of(st.text(max_size=3), st.integers())),
)


@settings(max_examples=200, deadline=None)
@given(site=_ANY, sides=_ANY, muscles=_ANY)
def test_mas_entry_never_crashes(site: object, sides: object, muscles: object) -> None:
    for raw in ({"site": site, "sides": sides}, {"muscles": muscles}, {"muscles": [{"site": site, "sides": sides}]}):
        try:
            out = prepare("mas", raw)
        except ValidationError as err:
            assert err.field and err.message
        else:
            assert all(
                m.value_text in neuro.MAS_GRADES and m.value == neuro.MAS_GRADES.index(m.value_text) for m in out
            )


@settings(max_examples=200, deadline=None)
@given(items=_ANY)
def test_arat_and_fac_entry_never_crash(items: object) -> None:
    for key, raw in (("arat", {"items": items}), ("fac", {"value": items})):
        try:
            prepare(key, raw)
        except ValidationError as err:
            assert err.field and err.message
