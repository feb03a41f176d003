"""The Goals page: goals set through its forms, refused input shown at its field with nothing saved, reviews."""

from __future__ import annotations

from rehab.domain import measures
from rehab.services import goals, patients
from rehab.store import Database
from tests.app.conftest import assert_no_crash, errors, goto, signed_in_app, titles
from tests.helpers import make_admin, patient_data


def _page(app_db: Database):  # type: ignore[no-untyped-def]
    admin = make_admin(app_db)
    pid = patients.register(app_db, admin, patient_data(mrn="GP-1", given_name="Mary", family_name="Seacole"))
    at = signed_in_app(admin.user_id)
    at.session_state["_rehab_patient_id"] = pid
    return admin, pid, goto(at.run(), "goals")


def test_a_measure_target_typed_as_letters_is_refused_then_saved_as_typed(app_db: Database) -> None:
    admin, pid, at = _page(app_db)
    assert titles(at) == ["Goals · SEACOLE, Mary"]
    at.text_input(key="goal_m_statement").input("Stand from a chair without help")
    at.text_input(key="goal_m_value").input("forty")
    at.button(key="FormSubmitter:goal_measure-Set goal").click().run()
    assert any("not one" in e for e in errors(at))
    assert goals.patient_goals(app_db, admin, pid).goals == []
    at.selectbox(key="goal_m_measure").set_value(measures.get("bbs"))
    at.text_input(key="goal_m_value").input("45.5")  # the Berg is scored in whole points
    at.button(key="FormSubmitter:goal_measure-Set goal").click().run()
    assert "must be a whole number" in errors(at)
    assert goals.patient_goals(app_db, admin, pid).goals == []
    at.selectbox(key="goal_m_measure").set_value(measures.get("tug"))
    at.text_input(key="goal_m_value").input("12,5")  # a decimal comma is the same number, not a changed one
    at.button(key="FormSubmitter:goal_measure-Set goal").click().run()
    assert_no_crash(at)
    assert errors(at) == [], errors(at)
    [view] = goals.patient_goals(app_db, admin, pid).goals
    assert (
        view.goal.target_value == 12.5
        and view.goal.measure_key == "tug"
        and view.goal.statement == "Stand from a chair without help"
    )
    assert any("Goal set." in s.value for s in at.success)


def test_a_gas_goal_needs_every_level_and_is_rated_at_review(app_db: Database) -> None:
    admin, pid, at = _page(app_db)
    at.text_input(key="goal_g_statement").input("Make a hot drink in the kitchen")
    at.text_input(key="goal_g_level_0").input("Makes a hot drink with supervision")
    at.button(key="FormSubmitter:goal_gas-Set goal").click().run()
    assert len(errors(at)) >= 4  # four undescribed levels, each at its field, and the summary
    assert goals.patient_goals(app_db, admin, pid).goals == []
    for level, text in ((2, "alone, and carries it"), (1, "alone"), (-1, "with help"), (-2, "cannot")):
        at.text_input(key=f"goal_g_level_{level}").input(text)
    at.button(key="FormSubmitter:goal_gas-Set goal").click().run()
    [view] = goals.patient_goals(app_db, admin, pid).goals
    assert view.goal.gas_levels == {
        2: "alone, and carries it",
        1: "alone",
        0: "Makes a hot drink with supervision",
        -1: "with help",
        -2: "cannot",
    }
    at.radio(key=f"goal_rating_{view.goal.id}").set_value(1)
    at.button(key=f"FormSubmitter:goal_review_{view.goal.id}-Save review").click().run()
    assert_no_crash(at)
    scored = goals.patient_goals(app_db, admin, pid)
    assert scored.goals[0].latest_rating == 1
    # One goal rated +1: 50 + 10·1/√(0.7 + 0.3) = 60.0
    assert scored.t_score.value == 60.0
    assert any(m.value == "60.0" for m in at.metric)


def test_gas_weights_are_off_until_an_administrator_signs_them_off(app_db: Database) -> None:
    # §13.9: weight = importance × difficulty is UNVERIFIED, so the T-score is unweighted by default.
    admin = make_admin(app_db)
    at = goto(signed_in_app(admin.user_id).run(), "settings")
    [box] = [c for c in at.checkbox if c.label.startswith("Weight GAS goals")]
    assert box.value is False and goals.gas_weights(app_db) == (False, 0)
    box.check()
    at.button(key="FormSubmitter:gas_weights_0-Save").click().run()
    assert_no_crash(at)
    assert goals.gas_weights(app_db) == (True, 1)
