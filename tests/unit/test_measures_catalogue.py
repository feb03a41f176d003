"""The catalogue itself: the right measures, every number traceable to the reference, codes verified."""

from __future__ import annotations

import pytest

from rehab.domain import measures
from rehab.domain.errors import ValidationError
from rehab.domain.measures.model import LOCAL_SYSTEM, LOINC_SYSTEM, ChangeThreshold, Cutoff

REQUIRED = {
    "mmt": "strength",
    "hhd": "strength",
    "grip": "strength",
    "one_rm": "strength",
    "five_sts": "transfers",
    "thirty_s_cst": "strength",
    "bbs": "balance",
    "tug": "balance",
    "fga": "balance",
    "mini_bestest": "balance",
    "frt": "balance",
    "sls": "balance",
    "abc": "confidence",
    "pass": "posture",
    "tis": "posture",
    "wb_symmetry": "posture",
    "ten_mwt": "gait",
    "six_mwt": "gait",
    # issue 18: the neuro-rehabilitation core set (reference §13.1–13.6)
    "mas": "tone",
    "fma_ue": "motor",
    "fma_le": "motor",
    "mi_arm": "motor",
    "mi_leg": "motor",
    "arat": "motor",
    "tct": "posture",
    "fac": "gait",
}


def test_every_required_measure_with_its_construct() -> None:
    assert {m.key: m.construct for m in measures.all_measures()} == REQUIRED


@pytest.mark.parametrize("key", sorted(REQUIRED))
def test_get_by_key(key: str) -> None:
    m = measures.get(key)
    assert m.key == key and m.name and m.unit and m.range_source
    for attribute in ("minimum", "maximum", "higher_is_better", "mdc", "mcid", "loinc", "items"):
        assert hasattr(m, attribute)


@pytest.mark.parametrize("bad", ["BBS", "berg", "", None, 3, ["bbs"], {"bbs": 1}])
def test_unknown_measure(bad: object) -> None:
    with pytest.raises(ValidationError) as err:
        measures.get(bad)
    assert err.value.field == "measure"


@pytest.mark.parametrize(
    ("key", "unit", "minimum", "maximum", "higher"),
    [
        # Ranges and units from the reference's summary table (§5) and measure sections.
        ("bbs", "{score}", 0, 56, True),
        ("fga", "{score}", 0, 30, True),
        ("mini_bestest", "{score}", 0, 28, True),
        ("pass", "{score}", 0, 36, True),
        ("tis", "{score}", 0, 23, True),
        ("abc", "%", 0, 100, True),
        ("wb_symmetry", "%", 0, 100, None),
        ("mmt", "{score}", 0, 12, True),
        ("tug", "s", 0, None, False),
        ("five_sts", "s", 0, None, False),
        ("ten_mwt", "m/s", 0, None, True),
        ("six_mwt", "m", 0, None, True),
        ("thirty_s_cst", "{#}/(30.s)", 0, None, True),
        ("grip", "kg", 0, None, True),
        ("hhd", "N", 0, None, True),
        ("frt", "cm", 0, None, True),
        ("sls", "s", 0, None, True),
        ("one_rm", "kg", 0, None, True),
    ],
)
def test_units_ranges_direction(key: str, unit: str, minimum: float, maximum: float | None, higher: bool) -> None:
    m = measures.get(key)
    assert (m.unit, m.minimum, m.maximum, m.higher_is_better) == (unit, minimum, maximum, higher)


def test_weight_bearing_target_is_symmetry() -> None:
    m = measures.get("wb_symmetry")
    assert m.target == 50 and m.direction == "closer to 50 % BW"


@pytest.mark.parametrize(
    ("key", "count", "item_min", "item_max", "aggregate"),
    [
        ("bbs", 14, 0, 4, "sum"),
        ("fga", 10, 0, 3, "sum"),
        ("mini_bestest", 14, 0, 2, "sum"),
        ("abc", 16, 0, 100, "mean"),
        ("pass", 12, 0, 3, "sum"),
    ],
)
def test_item_scales(key: str, count: int, item_min: float, item_max: float, aggregate: str) -> None:
    m = measures.get(key)
    assert len(m.items) == count and m.aggregate == aggregate
    assert [i.number for i in m.items] == list(range(1, count + 1))
    assert all((i.minimum, i.maximum) == (item_min, item_max) for i in m.items)
    if aggregate == "sum":
        assert sum(i.maximum for i in m.items) == m.maximum


def test_tis_is_entered_by_subscale() -> None:
    items = measures.get("tis").items
    assert [(i.name, i.maximum) for i in items] == [
        ("Static sitting balance", 7),
        ("Dynamic sitting balance", 10),
        ("Coordination", 6),
    ]


def test_item_names_and_anchors_from_the_reference() -> None:
    bbs = measures.get("bbs").items
    assert bbs[0].name == "Sitting to standing" and bbs[13].name == "Standing on one leg"
    reach = {a.score: a.text for a in bbs[7].anchors}
    assert "25 cm" in reach[4] and "12 cm" in reach[3] and "5 cm" in reach[2]
    pass_items = measures.get("pass").items
    assert pass_items[4].name == "Standing on paretic leg"
    assert {a.score: a.text for a in pass_items[0].anchors}[3] == "sits 5 min without support"
    # Items 6-12 anchors are MEM in the reference.
    assert [i.evidence for i in pass_items] == ["primary"] * 5 + ["unverified"] * 7
    assert all(i.evidence == "unverified" for i in measures.get("mini_bestest").items)


def _all_thresholds() -> list[tuple[str, ChangeThreshold | Cutoff]]:
    return [(m.key, t) for m in measures.all_measures() for t in (*m.mdc, *m.mcid, *m.cutoffs)]


def test_threshold_ids_unique_and_prefixed() -> None:
    ids = [t.id for _, t in _all_thresholds()]
    assert len(ids) == len(set(ids))
    assert all(t.id.startswith(key + ".") for key, t in _all_thresholds())


def test_every_number_is_traceable() -> None:
    for _, t in _all_thresholds():
        assert t.evidence in ("primary", "secondary", "unverified"), t.id
        assert t.population and t.source, t.id
        # A citation tag from the reference, or an explicit "from memory" for MEM values.
        assert "[R" in t.source or "from memory" in t.source, t.id
        assert t.value > 0 or isinstance(t, Cutoff), t.id
    for m in measures.all_measures():
        for c in m.categories:
            assert "[R" in c.source and c.population and c.evidence in ("primary", "secondary")
            if c.evidence == "secondary":
                assert "2°" in c.label, c.key


def test_unverified_thresholds_start_inactive_and_others_active() -> None:
    for _, t in _all_thresholds():
        assert t.active is (t.evidence != "unverified"), t.id
        assert not t.overridden


@pytest.mark.parametrize(
    ("ident", "value", "evidence"),
    [
        # Values typed from the reference (§1-§5), not read back from the code.
        ("bbs.mdc.inpatient", 6, "primary"),
        ("bbs.mdc.chronic", 2.7, "primary"),
        ("bbs.mcid.early_subacute_walking_aid", 5, "primary"),
        ("bbs.mcid.chronic", 2, "primary"),
        ("tug.mdc.chronic", 3.2, "primary"),
        ("tug.mdc.chronic_hemiparesis", 2.9, "unverified"),
        ("ten_mwt.mdc.chronic.household", 0.10, "primary"),
        ("ten_mwt.mdc.chronic.limited", 0.15, "primary"),
        ("ten_mwt.mdc.chronic.community", 0.18, "primary"),
        ("ten_mwt.mcid.subacute", 0.16, "primary"),
        ("ten_mwt.mcid.inpatient", 0.13, "primary"),
        ("six_mwt.mdc.chronic", 54.1, "unverified"),
        ("six_mwt.mcid.subacute_slow", 44, "primary"),
        ("mini_bestest.mdc.chronic", 3.0, "primary"),
        ("fga.mdc.subacute", 6, "primary"),
        ("fga.mcid.general", 4, "secondary"),
        ("fga.mdc.stroke.lin_2010", 4.2, "unverified"),
        ("abc.mdc.stroke", 14, "secondary"),
        ("abc.mcid.subacute", 15.6, "primary"),
        ("pass.mdc.acute", 1.8, "secondary"),
        ("pass.mdc.subacute", 2.22, "secondary"),
        ("pass.mdc.chronic", 3.2, "secondary"),
        ("pass.mcid.subacute", 3.0, "primary"),
        ("tis.mcid.subacute_assisted", 2.5, "primary"),
        ("wb_symmetry.mdc.subacute", 5, "secondary"),
        ("hhd.mdc.non_ambulatory_inpatient", 29.46, "primary"),
        ("hhd.mdc.non_ambulatory_inpatient_inter_rater", 36.73, "primary"),
        ("bbs.cutoff.older_adults", 45, "secondary"),
        ("tug.cutoff.older_adults", 12, "primary"),
        ("tug.cutoff.stroke_fall_risk", 15, "primary"),
        ("tug.cutoff.stroke_andersson", 14, "unverified"),
        ("tug.cutoff.ewgsop2_severe", 20, "primary"),
        ("five_sts.cutoff.stroke", 12, "primary"),
        ("five_sts.cutoff.ewgsop2", 15, "primary"),
        ("grip.cutoff.ewgsop2.male", 27, "primary"),
        ("grip.cutoff.ewgsop2.female", 16, "primary"),
        ("ten_mwt.cutoff.ewgsop2", 0.8, "primary"),
        ("fga.cutoff.older_adults", 22, "primary"),
        ("sls.cutoff.injurious_falls", 5, "primary"),
        ("frt.cutoff.older_adults", 15.24, "primary"),
        ("abc.cutoff.older_adults", 67, "secondary"),
        ("abc.cutoff.stroke_fallers", 81.1, "unverified"),
        ("mini_bestest.cutoff.stroke_fall_risk", 17.5, "unverified"),
        ("wb_symmetry.cutoff.asymmetric_low", 41, "secondary"),
        ("wb_symmetry.cutoff.asymmetric_high", 59, "secondary"),
        ("thirty_s_cst.cutoff.cdc.male.60_64", 14, "primary"),
        ("thirty_s_cst.cutoff.cdc.female.90_94", 4, "primary"),
    ],
)
def test_values_match_the_reference(ident: str, value: float, evidence: str) -> None:
    found = {t.id: t for _, t in _all_thresholds()}[ident]
    assert found.value == pytest.approx(value) and found.evidence == evidence


def test_grip_mdc_is_the_ekstrand_srd_in_kg() -> None:
    # 73.3 N / 9.80665 N per kgf = 7.47 kg (reference: SRD 61.8-73.3 N ≈ 6.3-7.5 kgf).
    (grip_mdc,) = measures.get("grip").mdc
    assert grip_mdc.value == pytest.approx(7.4745, abs=1e-4) and "61.8–73.3 N" in grip_mdc.note


def test_ten_mwt_mdc_bands() -> None:
    bands = {t.id: t.baseline for t in measures.get("ten_mwt").mdc}
    household = bands["ten_mwt.mdc.chronic.household"]
    limited = bands["ten_mwt.mdc.chronic.limited"]
    community = bands["ten_mwt.mdc.chronic.community"]
    assert household.contains(0.39) and not household.contains(0.4)
    assert limited.contains(0.4) and limited.contains(0.8)
    assert community.contains(0.81) and not community.contains(0.8)


def test_only_verified_loinc_codes() -> None:
    loinc = {(m.key, c.side): c.code for m in measures.all_measures() for c in m.codes if c.system == LOINC_SYSTEM}
    assert loinc == {
        ("tug", None): "89423-8",
        ("thirty_s_cst", None): "66247-8",
        ("grip", "left"): "83173-5",
        ("grip", "right"): "83174-3",
    }
    assert measures.get("tug").loinc == "89423-8"
    assert measures.get("six_mwt").loinc is None  # 64098-7 is only "partial" in the reference
    assert measures.get("grip").code_for("left").code == "83173-5"
    assert measures.get("grip").code_for("right").code == "83174-3"
    assert measures.get("bbs").code_for() == measures.get("bbs").codes[0]
    assert measures.get("bbs").code_for().code == "bbs-total"


def test_every_measure_has_a_local_code() -> None:
    for m in measures.all_measures():
        assert any(c.system == LOCAL_SYSTEM for c in m.codes), m.key


def test_core_set_flags() -> None:
    core = {m.key for m in measures.all_measures() if m.core_set}
    assert core == {"bbs", "fga", "abc", "ten_mwt", "six_mwt", "five_sts"}


def test_batteries() -> None:
    assert {b.key: b.measures for b in measures.batteries()} == {
        "neuro_core": ("bbs", "fga", "abc", "ten_mwt", "six_mwt", "five_sts"),
        "strength": ("mmt", "hhd", "grip", "one_rm", "five_sts", "thirty_s_cst"),
        "posture": ("pass", "tis", "wb_symmetry"),
        "stroke_motor": ("fma_ue", "fma_le", "mas", "mi_arm", "mi_leg", "arat", "tct", "fac"),
    }
    assert measures.batteries()[0].name == "Neurological core set"
    assert measures.battery("posture").name == "Posture"
    for b in measures.batteries():
        for key in b.measures:
            measures.get(key)
    with pytest.raises(ValidationError) as err:
        measures.battery("cardio")
    assert err.value.field == "battery"


def test_trial_rules_carry_their_source() -> None:
    assert measures.get("hhd").trial_rule == "max"
    assert measures.get("grip").trial_rule == "mean"
    assert measures.get("frt").trial_rule == "mean"
    assert measures.get("sls").trial_rule is None  # the reference gives no rule
    for m in measures.all_measures():
        if m.trial_rule:
            assert "[R" in m.trial_rule_source


def test_describe_mentions_population_source_and_evidence() -> None:
    text = measures.get("bbs").mdc[0].describe()
    assert "6 points" in text and "MDC90" in text and "Stevenson 2001" in text and "primary source" in text
    cut = measures.get("abc").cutoffs[0].describe()
    assert "67 %" in cut and "secondary source" in cut


# Berg items whose own anchors are published as NINDS common data elements (NIH CDE repository; Berg et al.
# 1989), with the element each comes from, read by hand from the repository's permissible values.
BERG_CDE_ELEMENTS = {3: "C14695", 4: "C14696", 6: "C14698", 8: "C14700", 9: "C14701", 10: "C14702",
                     11: "C14703", 12: "C14704", 14: "C17394"}  # fmt: skip


def test_berg_items_with_published_anchors_give_every_score_once_and_name_their_element() -> None:
    for item in measures.get("bbs").items:
        scores = [a.score for a in item.anchors]
        if item.number in BERG_CDE_ELEMENTS:
            assert scores == [0, 1, 2, 3, 4], item.number
            assert BERG_CDE_ELEMENTS[item.number] in item.anchor_source, item.number
        else:  # items 1, 2, 5, 7, 13: the general anchors only, and the form says so
            assert scores == [0, 4], item.number
            assert "score it from the Berg scoring sheet" in item.anchor_source, item.number


def test_berg_anchor_wording_matches_the_published_elements() -> None:
    """Spot checks against NINDS CDE C14695 (sitting unsupported) and C14704 (alternate foot on step)."""
    items = {item.number: {a.score: a.text for a in item.anchors} for item in measures.get("bbs").items}
    assert items[3][4] == "able to sit safely and securely for 2 minutes"
    assert items[3][0] == "unable to sit without support 10 seconds"
    assert items[12][4] == "able to stand independently and safely and complete 8 steps in 20 seconds"
    assert items[12][2] == "able to complete 4 steps without aid with supervision"
