"""Recording assessments through the Assess page, and correcting them from the record's history."""

from __future__ import annotations

from rehab.services import assessments, patients
from rehab.store import Database
from tests.app.conftest import goto, signed_in_app
from tests.helpers import make_admin, patient_data

# Berg items scored by hand: 4 x 6, 3 x 4, 2 x 2, 1, 0 -> 24 + 12 + 4 + 1 + 0 = 41
BERG = [4, 4, 4, 4, 4, 4, 3, 3, 3, 3, 2, 2, 1, 0]


def _assess_app(db: Database):  # type: ignore[no-untyped-def]
    admin = make_admin(db)
    pid = patients.register(db, admin, patient_data())  # female, born 1950, left paretic, stroke 2026-09-01
    at = signed_in_app(admin.user_id)
    at.session_state["_rehab_patient_id"] = pid
    return admin, pid, goto(at.run(), "assess")


def test_berg_item_by_item_total_and_flags(app_db: Database) -> None:
    admin, pid, at = _assess_app(app_db)
    at.selectbox(key="as_measure").set_value("bbs").run()
    for number, score in enumerate(BERG, start=1):
        at.segmented_control(key=f"as0_bbs_item_{number}").set_value(score)
    at.button(key="as_save").click().run()
    from tests.app.conftest import assert_no_crash

    assert_no_crash(at)
    [saved] = assessments.history(app_db, admin, pid)
    assert saved.value == 41 and saved.items == [float(s) for s in BERG]
    assert at.metric[0].value == "41 points"
    warnings = " ".join(w.value for w in at.warning)
    assert "stroke fall-risk" in warnings and "50.5" in warnings  # 41 < 50.5 (Matsumoto 2024)
    # 41 is in the 41-56 "independent" band (2° source); it is not called low fall risk (issue 13)
    assert any("independent" in m.value and "Berg 41" in m.value for m in at.markdown)
    assert not any("low fall risk" in m.value for m in at.markdown)
    # The next entry starts empty.
    assert at.segmented_control(key="as1_bbs_item_1").value is None


def test_incomplete_entry_shows_error_and_saves_nothing(app_db: Database) -> None:
    admin, pid, at = _assess_app(app_db)
    at.selectbox(key="as_measure").set_value("bbs").run()
    for number, score in enumerate(BERG[:13], start=1):
        at.segmented_control(key=f"as0_bbs_item_{number}").set_value(score)
    at.button(key="as_save").click().run()
    messages = [e.value for e in at.error]
    assert any("item 14" in m for m in messages), messages
    assert any("Nothing was saved" in m for m in messages)
    assert assessments.history(app_db, admin, pid) == []


def test_battery_records_several_measures_at_once(app_db: Database) -> None:
    admin, pid, at = _assess_app(app_db)
    at.radio(key="as_mode").set_value("battery").run()
    at.selectbox(key="as_battery").set_value("posture").run()
    for number, score in enumerate([3] * 12, start=1):
        at.segmented_control(key=f"as0_pass_item_{number}").set_value(score)
    for number, score in enumerate([5, 8, 4], start=1):
        at.segmented_control(key=f"as0_tis_item_{number}").set_value(score)
    at.text_input(key="as0_wb_symmetry_p").input("30")
    at.text_input(key="as0_wb_symmetry_np").input("45")
    at.button(key="as_save").click().run()
    values = {r.measure_key: r.value for r in assessments.history(app_db, admin, pid)}
    # PASS 12 x 3 = 36; TIS 5 + 8 + 4 = 17; weight bearing 30 / 75 = 40 %
    assert values == {"pass": 36, "tis": 17, "wb_symmetry": 40}
    assert any("41" in w.value and "asymmetr" in w.value.lower() for w in at.warning)  # 40 % < 41 % (2°)


def test_amendment_keeps_the_previous_version(app_db: Database) -> None:
    admin, pid, at = _assess_app(app_db)
    from datetime import UTC, datetime

    [first] = assessments.record(
        app_db, admin, pid, taken_at=datetime(2026, 10, 1, 9, tzinfo=UTC), entries={"tug": {"value": 25.0}}
    )
    at = goto(at, "patient")
    at.text_input(key=f"fix_{first.record.id}_value").input("22")
    at.text_input(key=f"fix_reason_{first.record.id}").input("stopwatch misread")
    at.button(key=f"fix_save_{first.record.id}").click().run()
    rows = assessments.history(app_db, admin, pid)
    assert [(r.value, r.status) for r in rows] == [(22.0, "final"), (25.0, "amended")]
    assert rows[1].status_reason == "stopwatch misread"
    table = at.dataframe[-1].value if at.dataframe else None
    assert table is not None and "amended (replaced)" in list(table["Status"])


def test_every_measure_form_renders_and_history_shows_every_kind(app_db: Database) -> None:
    from datetime import UTC, datetime

    from rehab.domain import measures
    from tests.app.conftest import assert_no_crash

    admin, pid, at = _assess_app(app_db)
    for measure in measures.all_measures():
        at.radio(key="as_mode").set_value("measure")
        at.selectbox(key="as_measure").set_value(measure.key).run()
        assert_no_crash(at)
        assert any(h.value == measure.name for h in at.header)
    for battery in measures.batteries():
        at.radio(key="as_mode").set_value("battery").run()
        at.selectbox(key="as_battery").set_value(battery.key).run()
        assert_no_crash(at)
    # One of each per-side and single kind in the history, with the correction panel open on each.
    taken = datetime(2026, 10, 1, 9, tzinfo=UTC)
    saved = assessments.record(
        app_db,
        admin,
        pid,
        taken_at=taken,
        entries={
            "mmt": {"site": "Knee extension", "sides": {"left": "3+", "right": "5"}},
            "grip": {"sides": {"left": [10, 11, 12]}},
            "tug": {"value": 20.0},
            "bbs": {"items": [2] * 14},
        },
    )
    at = goto(at, "patient")
    assert_no_crash(at)
    for result in saved:
        at.selectbox(key="fix_choice").set_value(result.record.id).run()
        assert_no_crash(at)


def test_berg_items_are_laid_out_in_reading_and_tab_order(app_db: Database) -> None:
    """On a phone two columns stack, so column-first placement read 1, 3, 5 … 13, 2, 4 … 14 (issue 15);
    each row of items is its own row of columns, so the page's order is the items' order."""
    _, _, at = _assess_app(app_db)
    at.selectbox(key="as_measure").set_value("bbs").run()
    keys = [w.key for w in at.segmented_control if str(w.key).startswith("as0_bbs_item_")]
    assert keys == [f"as0_bbs_item_{n}" for n in range(1, 15)]


def test_the_1rm_formula_is_named_in_full(app_db: Database) -> None:
    _, _, at = _assess_app(app_db)
    at.selectbox(key="as_measure").set_value("one_rm").run()
    formula = [s for s in at.selectbox if str(s.key).endswith("_formula")]
    assert formula and "O'Conner et al. (w × (1 + 0.025 × r))" in formula[0].options


def test_after_a_backdated_save_the_date_returns_to_today(app_db: Database) -> None:
    """A result entered for an earlier day must not silently backdate the next entry (issue 15)."""
    from datetime import date, timedelta

    admin, pid, at = _assess_app(app_db)
    earlier = date.today() - timedelta(days=3)
    at.date_input(key="as_date").set_value(earlier)
    at.selectbox(key="as_measure").set_value("bbs").run()
    for number, score in enumerate(BERG, start=1):
        at.segmented_control(key=f"as0_bbs_item_{number}").set_value(score)
    at.button(key="as_save").click().run()
    [saved] = assessments.history(app_db, admin, pid)
    assert saved.taken_at.date() <= earlier + timedelta(days=1)  # saved for the day typed (time zone aside)
    assert at.date_input(key="as_date").value == date.today()


def test_result_names_the_population_it_was_judged_for(app_db: Database) -> None:
    # A chronic outpatient two years after a stroke: the panel says which population's figures were used
    # (issue 13 item 1), and Berg's change is judged with the chronic MDC 2.7 (Alghadir 2018), not the inpatient 6.
    from datetime import UTC, date, datetime

    admin = make_admin(app_db)
    pid = patients.register(app_db, admin, patient_data(event_date=date(2024, 6, 1)))
    assessments.record(
        app_db, admin, pid, taken_at=datetime(2026, 10, 1, 9, tzinfo=UTC), entries={"bbs": {"items": [3] * 14}}
    )
    at = signed_in_app(admin.user_id)
    at.session_state["_rehab_patient_id"] = pid
    at = goto(at.run(), "assess")
    at.selectbox(key="as_measure").set_value("bbs").run()
    for number, score in enumerate([3] * 11 + [4, 4, 4], start=1):  # 33 + 12 = 45: +3 from 42
        at.segmented_control(key=f"as0_bbs_item_{number}").set_value(score)
    at.button(key="as_save").click().run()
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "Judged for: ischaemic stroke, chronic (more than 6 months), aged 76" in captions
    assert "Bernhardt" in captions
    lines = [m for m in at.markdown if "Since the previous result" in m.value]
    assert lines and "real and meaningful improvement" in lines[0].value
    assert "chronic stroke" in (lines[0].help or "") and "Population:" in (lines[0].help or "")


# --- issue 18: the neuro-rehabilitation core set -------------------------------------------------------------


def test_trunk_control_test_item_by_item(app_db: Database) -> None:
    admin, pid, at = _assess_app(app_db)
    at.selectbox(key="as_measure").set_value("tct").run()
    assert at.segmented_control(key="as0_tct_item_1").options == ["0", "12", "25"]  # only the published scores
    for number, score in enumerate([12, 25, 25, 0], start=1):  # Collin & Wade 1990: 12 + 25 + 25 + 0 = 62
        at.segmented_control(key=f"as0_tct_item_{number}").set_value(score)
    at.button(key="as_save").click().run()
    [saved] = assessments.history(app_db, admin, pid)
    assert (saved.measure_key, saved.value, saved.items) == ("tct", 62, [12.0, 25.0, 25.0, 0.0])
    assert at.metric[0].value == "62 points"


def test_modified_ashworth_per_muscle_and_side_with_ordinal_labels(app_db: Database) -> None:
    admin, pid, at = _assess_app(app_db)
    at.selectbox(key="as_measure").set_value("mas").run()
    elbow = at.selectbox(key="as0_mas_elbow_flexors_left")
    assert elbow.options[:4] == ["Not tested", "0: No increase in muscle tone", elbow.options[2], elbow.options[3]]
    assert elbow.options[3].startswith("1+: ")
    elbow.set_value("1+")
    at.selectbox(key="as0_mas_ankle_plantar_flexors_left").set_value("2")
    at.button(key="as_save").click().run()
    saved = sorted(assessments.history(app_db, admin, pid), key=lambda r: r.site or "")
    assert [(r.site, r.side, r.value_text, r.value) for r in saved] == [
        ("Ankle plantar flexors", "left", "2", 3.0),
        ("Elbow flexors", "left", "1+", 2.0),  # grade 1+ is position 2 of 0…5, never 1.5
    ]
    assert {m.value for m in at.metric} == {"grade 1+", "grade 2"}


def test_modified_ashworth_with_nothing_graded_saves_nothing(app_db: Database) -> None:
    admin, pid, at = _assess_app(app_db)
    at.selectbox(key="as_measure").set_value("mas").run()
    at.button(key="as_save").click().run()
    assert any("muscle group" in e.value for e in at.error)
    assert assessments.history(app_db, admin, pid) == []


def test_stroke_motor_battery_renders_and_records_fac(app_db: Database) -> None:
    admin, pid, at = _assess_app(app_db)
    at.radio(key="as_mode").set_value("battery").run()
    at.selectbox(key="as_battery").set_value("stroke_motor").run()
    from tests.app.conftest import assert_no_crash

    assert_no_crash(at)
    # Fugl-Meyer reflex items offer 0 or 2 only; the parts are headed; Lyle's shortcut is explained
    assert at.segmented_control(key="as0_fma_ue_item_1").options == ["0", "2"]
    assert any("A.I Reflex activity" in m.value for m in at.markdown)
    assert any("Lyle's shortcut" in c.value for c in at.caption)
    assert at.segmented_control(key="as0_mi_arm_item_1").options == ["0", "11", "19", "22", "26", "33"]
    fac = at.selectbox(key="as0_fac_value")
    assert "FAC 3: Dependent, supervision" in fac.options
    fac.set_value(3).run()
    at.button(key="as_save").click().run()
    # the other measures of the battery were left empty: nothing is saved, and each says what is missing
    assert any("Nothing was saved" in e.value for e in at.error)
    assert assessments.history(app_db, admin, pid) == []


def test_sides_are_named_in_the_patients_own_words(app_db: Database) -> None:
    """Paretic is a stroke word: an orthopaedic patient's grip sides read affected / less affected (issue 15)."""
    admin = make_admin(app_db)
    stroke = patients.register(app_db, admin, patient_data())
    knee = patients.register(
        app_db, admin, patient_data(mrn="ORTHO-1", condition="orthopaedic", event_date=None, paretic_side="right")
    )
    labels = {}
    for pid in (stroke, knee):
        at = signed_in_app(admin.user_id)
        at.session_state["_rehab_patient_id"] = pid
        at = goto(at.run(), "assess")
        at.selectbox(key="as_measure").set_value("grip").run()
        labels[pid] = " ".join(n.label for n in at.text_input)
    assert "Left (paretic)" in labels[stroke] and "Right (non-paretic)" in labels[stroke]
    assert "Right (affected)" in labels[knee] and "Left (less affected)" in labels[knee]
    assert "paretic" not in labels[knee]
