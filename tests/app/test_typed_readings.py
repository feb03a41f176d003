"""Hostile entry into the readiness readings (treatment page) and the NIHSS on the Outlook panel (AppTest): what is
typed is saved exactly as typed, or nothing is saved and a message at the field says what is allowed. A browser
number box would empty letters and clamp below its minimum without a word; these fields are text boxes read by
the forms' own number reading (rehab.ui.forms.typed_number).

NIHSS 0–42: the sum of the 15 items' highest scores on the NIH Stroke Scale form (Brott 1989). Readiness entry
ranges are the screen's own (rehab.domain.safety *_ENTRY_RANGE), read from there, not copied.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from rehab.services import prognosis, sessions
from rehab.store import Database
from rehab.store import plans as plan_store
from tests.app.conftest import assert_no_crash, goto, signed_in_app
from tests.caseload_helpers import TODAY
from tests.helpers import make_admin
from tests.plan_helpers import leg_press_plan, new_patient

NOTHING_SAVED = "Nothing was saved"
EXAMPLES = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
HOSTILE = ["abc", "12,5", "1e3", "−3", "nan", "inf", "+4", ".5", "5.", " 7 ", "0x10", "٣", "1_000", "--1", "-1"]


def _text(low: int, high: int) -> st.SearchStrategy[str]:
    """Mostly plausible numbers (so saves happen), then edges, hostile text and anything at all."""
    plausible = st.integers(low, high).map(str)
    return st.one_of(plausible, plausible, st.integers(-50, 1500).map(str), st.sampled_from(HOSTILE),
                     st.text(max_size=5))  # fmt: skip


def _typed(text: str) -> float | None:
    cleaned = text.strip()
    return float(cleaned) if _NUMBER.fullmatch(cleaned) else None


def _messages(at: AppTest) -> list[str]:
    return [str(e.value).replace("\\", "") for e in at.error]


def _field_messages(at: AppTest) -> list[str]:
    return [m for m in _messages(at) if NOTHING_SAVED not in m]


# --- NIHSS on the Outlook panel -------------------------------------------------------------------------------


def _outlook(db: Database) -> tuple[Any, int, AppTest]:
    admin = make_admin(db)
    pid = new_patient(db, admin, mrn="NIH-1", event_date=TODAY - timedelta(days=10))
    at = signed_in_app(admin.user_id)
    at.session_state["_rehab_patient_id"] = pid
    return admin, pid, goto(at.run(), "dashboard")


def _save_nihss(at: AppTest, typed: str) -> AppTest:
    gen = int(at.session_state["_rehab_finding_form"]) if "_rehab_finding_form" in at.session_state else 0
    at.radio(key=f"finding_{gen}_kind").set_value(prognosis.NIHSS)
    at.date_input(key=f"finding_{gen}_day").set_value(TODAY - timedelta(days=7))  # day 3 after the stroke
    at.text_input(key=f"finding_{gen}_nihss").input(typed)
    at.button(key="FormSubmitter:prognostic_finding-Save finding").click()
    return at.run()


def _nihss_saved(db: Database, admin: Any, pid: int) -> list[str]:
    return [f.value for f in prognosis.outlook(db, admin, pid).findings if f.kind == prognosis.NIHSS]


def test_nihss_43_is_refused_at_its_field_and_kept_to_correct(app_db: Database) -> None:
    admin, pid, at = _outlook(app_db)
    at = _save_nihss(at, "43")
    assert_no_crash(at)
    assert _nihss_saved(app_db, admin, pid) == []  # a number box with min 0 would have had no upper limit at all
    assert "NIHSS must be a whole number from 0 to 42" in _field_messages(at), _messages(at)
    assert any(NOTHING_SAVED in m for m in _messages(at))
    assert at.text_input(key="finding_0_nihss").value == "43"


def test_a_negative_nihss_is_refused_not_clamped_to_0(app_db: Database) -> None:
    admin, pid, at = _outlook(app_db)
    at = _save_nihss(at, "-2")
    assert _nihss_saved(app_db, admin, pid) == []  # min_value=0 clamped this to 0 and saved it
    assert "NIHSS must be a whole number from 0 to 42" in _field_messages(at), _messages(at)


def test_nihss_42_and_0_are_saved_as_typed(app_db: Database) -> None:
    admin, pid, at = _outlook(app_db)
    at = _save_nihss(at, "42")
    at = _save_nihss(at, "0")
    assert_no_crash(at)
    assert sorted(_nihss_saved(app_db, admin, pid)) == ["0", "42"]
    assert at.text_input(key="finding_2_nihss").value == ""  # a fresh form after each save


def test_nihss_saves_as_typed_or_nothing_with_a_field_message(app_db: Database) -> None:
    admin, pid, at = _outlook(app_db)

    @EXAMPLES
    @given(text=_text(0, 42))
    def entry(text: str) -> None:
        nonlocal at
        before = _nihss_saved(app_db, admin, pid)
        at = _save_nihss(at, text)
        assert_no_crash(at)
        after = _nihss_saved(app_db, admin, pid)
        if len(after) == len(before):
            assert _field_messages(at), f"nothing saved and no field message for {text!r}"
            assert any(NOTHING_SAVED in m for m in _messages(at)), _messages(at)
            return
        [new] = [v for v in after if v not in before or after.count(v) > before.count(v)][:1]
        number = _typed(text)
        assert number is not None and float(new) == number and 0 <= number <= 42 and number.is_integer(), (text, new)

    entry()


# --- the readiness readings on the treatment page --------------------------------------------------------------

READINGS = {  # widget key → (stored field, plausible range to draw from)
    "sbp": ("systolic_mmhg", (90, 200)),
    "dbp": ("diastolic_mmhg", (40, 89)),
    "hr": ("resting_heart_rate_bpm", (40, 130)),
    "pain": ("pain_now", (0, 10)),
    "spo2": ("spo2_percent", (85, 100)),
}


def _treatment(db: Database, admin: Any, serial: int) -> tuple[int, AppTest]:
    """A new patient with a leg-press plan, on the treatment page (a fresh readiness form)."""
    pid = new_patient(db, admin, mrn=f"RDY-{serial}")
    leg_press_plan(db, admin, pid, start=TODAY - timedelta(days=6))
    at = signed_in_app(admin.user_id)
    at.session_state["_rehab_patient_id"] = pid
    return pid, goto(at.run(), "treatment")


def _sessions(db: Database, pid: int) -> list[plan_store.SessionRecord]:
    def work(conn: Any) -> list[plan_store.SessionRecord]:
        plan = plan_store.active_plan(conn, pid)
        assert plan is not None
        return plan_store.plan_sessions(conn, plan.id)

    return db.run(work)


def _screen(at: AppTest, typed: dict[str, str]) -> AppTest:
    for key, text in typed.items():
        at.text_input(key=f"screen_0_{key}").input(text)
    for key in ("neuro", "chest", "unwell"):
        at.radio(key=f"screen_0_{key}").set_value("No")
    at.button(key="FormSubmitter:readiness-Check readiness").click()
    return at.run()


def test_letters_in_a_reading_are_refused_at_the_field_not_emptied(app_db: Database) -> None:
    pid, at = _treatment(app_db, make_admin(app_db), 0)
    at = _screen(at, {"sbp": "12o", "dbp": "78", "hr": "72", "pain": "1"})
    assert_no_crash(at)
    assert _sessions(app_db, pid) == []  # a number box would have read "12o" as empty and said "answer this"
    assert "Systolic pressure must be a number." in _field_messages(at), _messages(at)
    assert at.text_input(key="screen_0_sbp").value == "12o"


def test_readiness_readings_save_as_typed_or_nothing_with_a_field_message(app_db: Database) -> None:
    admin = make_admin(app_db)
    serial = [0]

    @EXAMPLES
    @given(data=st.data())
    def entry(data: st.DataObject) -> None:
        pid, at = _treatment(app_db, admin, serial[0])
        serial[0] += 1
        typed = {key: data.draw(_text(*bounds), label=key) for key, (_, bounds) in READINGS.items()}
        if data.draw(st.booleans(), label="leave SpO2 blank"):
            typed["spo2"] = ""
        at = _screen(at, typed)
        assert_no_crash(at)
        saved = _sessions(app_db, pid)
        if not saved:
            assert _field_messages(at), f"nothing saved and no field message for {typed}"
            assert any(NOTHING_SAVED in m for m in _messages(at)), _messages(at)
            return
        [session] = saved
        for key, (name, _) in READINGS.items():
            stored = getattr(session, name)
            expected = _typed(typed[key])
            assert (stored is None and expected is None) or stored == expected, (key, typed[key], stored)

    entry()


def test_a_repeat_reading_saves_as_typed_or_nothing_with_a_field_message(app_db: Database) -> None:
    admin = make_admin(app_db)
    serial = [0]

    @EXAMPLES
    @given(data=st.data())
    def entry(data: st.DataObject) -> None:
        pid, at = _treatment(app_db, admin, serial[0])
        serial[0] += 1
        at = _screen(at, {"sbp": "185", "dbp": "100", "hr": "72", "pain": "1"})  # ≥ 180 systolic: stop [R19]
        offer = sessions.treatment_view(app_db, admin, pid, audit_view=False).repeat_offer
        assert offer is not None
        key = f"repeat_{offer.session_id}_{offer.version}"
        typed = {k: data.draw(_text(*READINGS[k][1]), label=k) for k in ("sbp", "dbp", "hr")}
        for k, text in typed.items():
            at.text_input(key=f"{key}_{k}").input(text)
        at.button(key=f"FormSubmitter:{key}-Record the repeat").click()
        at = at.run()
        assert_no_crash(at)
        screens = sessions.treatment_view(app_db, admin, pid, audit_view=False).screens
        if len(screens) < 2:
            assert _field_messages(at), f"nothing saved and no field message for {typed}"
            assert any(NOTHING_SAVED in m for m in _messages(at)), _messages(at)
            return
        numbers = {k: _typed(t) for k, t in typed.items()}
        assert all(n is not None for n in numbers.values()), typed
        assert f"BP {numbers['sbp']:g}/{numbers['dbp']:g} · HR {numbers['hr']:g}" in screens[-1].readings, (
            typed,
            screens[-1].readings,
        )

    entry()


# --- the other number boxes: the screening thresholds and the audit log's patient filter -------------------------


def test_a_threshold_typed_with_letters_is_refused_at_its_field_and_nothing_saved(app_db: Database) -> None:
    from rehab.services import settings as clinic_settings

    at = goto(signed_in_app(make_admin(app_db).user_id).run(), "settings")
    at.text_input(key="thr_0_stop_systolic_below").input("9O")  # letter O: a number box would have emptied it
    at.button(key="FormSubmitter:thresholds_0-Save thresholds").click()
    at = at.run()
    assert_no_crash(at)
    assert clinic_settings.screen_thresholds(app_db).version == 0
    assert any("must be a number" in m for m in _field_messages(at)), _messages(at)
    assert at.text_input(key="thr_0_stop_systolic_below").value == "9O"


def test_a_negative_patient_id_in_the_audit_filter_is_refused_not_read_as_any_patient(app_db: Database) -> None:
    at = goto(signed_in_app(make_admin(app_db).user_id).run(), "audit")
    at.text_input(key="audit_patient").input("-3").run()  # min_value=0 turned this into 0: "any patient"
    assert_no_crash(at)
    assert "Patient id: a whole number from 1, or empty for any patient." in _messages(at)
    assert not at.dataframe  # no entries listed as if for every patient


def _plan_from_a_set(db: Database, load: str, reps: str) -> tuple[bool, AppTest]:
    """Type a leg-press baseline set into the plan builder and create the plan: whether a plan was saved."""
    from rehab.services import plan_overview

    admin = make_admin(db)
    pid = new_patient(db, admin, mrn="PLAN-1")
    at = signed_in_app(admin.user_id)
    at.session_state["_rehab_patient_id"] = pid
    at = goto(at.run(), "plan")
    at.multiselect(key="pb_exercises").set_value(["leg_press"]).run()
    at.text_input(key="pb_leg_press_both_load").input(load)
    at.text_input(key="pb_leg_press_both_reps").input(reps).run()
    at = at.button(key="pb_create").click().run()
    assert_no_crash(at)
    return plan_overview.overview(db, admin, pid, audit_view=False).plan is not None, at


def test_40_reps_in_a_baseline_set_are_refused_not_clamped_to_30(app_db: Database) -> None:
    """Epley is used for 1–12 reps (Reynolds 2006 [R61]): 40 was clamped to the box's maximum, 30, and shown so."""
    saved, at = _plan_from_a_set(app_db, "40", "40")
    assert not saved
    assert at.text_input(key="pb_leg_press_both_reps").value == "40"
    assert any(m.startswith("Repetitions must be at most 12") for m in _field_messages(at)), _messages(at)


def test_letters_in_a_baseline_load_are_refused_at_the_field(app_db: Database) -> None:
    saved, at = _plan_from_a_set(app_db, "4O", "8")
    assert not saved
    assert _field_messages(at), _messages(at)
