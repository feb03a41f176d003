"""The Motricity Index zero-sum convention as a clinic setting (off by default) and a Fugl-Meyer with an item not
tested, through the services on SQLite and PostgreSQL (clinical reference §13.1, §13.5, §13.15 item 8)."""

from __future__ import annotations

import pytest

from rehab.domain.errors import ValidationErrors
from rehab.services import assessments, motricity
from rehab.services.context import AccessDenied, ConflictError
from rehab.store import Database
from tests.helpers import make_clinician
from tests.services.test_neuro_assessments import T0, _patient


def _leg(db: Database, actor, pid: int, items: list[int]):  # type: ignore[no-untyped-def]
    [result] = assessments.record(db, actor, pid, taken_at=T0, entries={"mi_leg": {"items": items}})
    return result.record


def test_a_zero_sum_is_reported_as_0_until_the_clinic_signs_off_1(db: Database) -> None:
    admin, pid = _patient(db)
    assert motricity.zero_plus_one(db) == (False, 0)
    # score sheet [R83]: sum + 1. Dorsiflexion palpable 9 + knee visible 14 + hip against gravity 19 = 42 → 43
    assert _leg(db, admin, pid, [9, 14, 19]).value == 43
    zero = _leg(db, admin, pid, [0, 0, 0])
    assert zero.value == 0 and zero.context["raw_sum"] == 0  # a raw 0 reported as 0 by default (§13.15 item 8)
    assert motricity.save_zero_plus_one(db, admin, True, expected_version=0) == 1
    signed = _leg(db, admin, pid, [0, 0, 0])
    assert signed.value == 1 and signed.context["raw_sum"] == 0 and "+ 1 = 1" in signed.context["working"]
    assert _leg(db, admin, pid, [9, 14, 19]).value == 43  # the +1 on a non-zero sum is not a setting


def test_only_an_administrator_changes_the_convention_and_a_stale_form_is_refused(db: Database) -> None:
    admin, _ = _patient(db)
    clinician = make_clinician(db, admin, "casey")
    with pytest.raises(AccessDenied):
        motricity.save_zero_plus_one(db, clinician, True, expected_version=0)
    motricity.save_zero_plus_one(db, admin, True, expected_version=0)
    with pytest.raises(ConflictError):
        motricity.save_zero_plus_one(db, admin, False, expected_version=0)


def test_a_fugl_meyer_with_an_item_not_tested_is_not_saved_and_says_which(db: Database) -> None:
    admin, pid = _patient(db)
    items: list[int | None] = [2] * 17
    items[11] = None  # FMA-LE item 12 not tested (§13.1: no rule for untestable items; never 0)
    with pytest.raises(ValidationErrors) as info:
        assessments.record(db, admin, pid, taken_at=T0, entries={"fma_le": {"items": items}})
    assert info.value.by_field()["fma_le.items"].startswith("Incomplete: item 12 not tested")
    assert assessments.history(db, admin, pid) == []
