"""A fictional clinic for trying the product and for benchmarks: deterministic for a given seed."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection

from rehab.domain.accounts import Role
from rehab.domain.errors import ValidationError
from rehab.domain.patients import Condition, PatientDetails, Sex, Side, validate_patient
from rehab.services import audit, passwords
from rehab.services.context import Actor, now_utc
from rehab.services.demo_assessments import generate_assessments
from rehab.services.demo_plans import generate_plans
from rehab.store import Database
from rehab.store import patients as patient_store
from rehab.store import users as user_store

DEMO_USERNAME = "demo.clinician"
DEMO_NAME = "Demo Clinician (fictional)"

GIVEN_FEMALE = [
    "Ada",
    "Beatrix",
    "Clara",
    "Delphine",
    "Edith",
    "Flora",
    "Greta",
    "Hazel",
    "Iris",
    "Juno",
    "Kit",
    "Lorna",
    "Mabel",
    "Nell",
    "Opal",
    "Pearl",
    "Rosalind",
    "Sybil",
    "Thea",
    "Vera",
]
GIVEN_MALE = [
    "Albert",
    "Basil",
    "Cyril",
    "Desmond",
    "Ernest",
    "Felix",
    "Gideon",
    "Horace",
    "Ivor",
    "Jasper",
    "Lionel",
    "Mortimer",
    "Neville",
    "Oswald",
    "Percival",
    "Rupert",
    "Silas",
    "Tobias",
    "Ulric",
    "Wilfred",
]
FAMILY = [
    "Ashdown",
    "Bramble",
    "Copperfield",
    "Dewberry",
    "Elderwood",
    "Fennimore",
    "Gladstone",
    "Hollyhock",
    "Ironside",
    "Juniper",
    "Kettleby",
    "Larkspur",
    "Marchbank",
    "Nettlefold",
    "Oakhurst",
    "Pennywhistle",
    "Quillfeather",
    "Rosethorn",
    "Summerlee",
    "Thistlewood",
    "Underhill",
    "Vantwood",
    "Whitlock",
    "Yarrow",
]
CONDITION_WEIGHTS = [
    (Condition.ISCHAEMIC_STROKE, 55),
    (Condition.HAEMORRHAGIC_STROKE, 15),
    (Condition.TBI, 8),
    (Condition.SPINAL_CORD_INJURY, 5),
    (Condition.OTHER_NEUROLOGICAL, 7),
    (Condition.ORTHOPAEDIC, 5),
    (Condition.DECONDITIONING, 5),
]


LONG_TERM_SHARE = 0.8  # share of patients a year or more after their event
PLAN_HISTORY_DAYS = 180  # longest plan history by default: months of sessions, 1,000 patients in about 30 s
BENCH_HISTORY_DAYS = 365  # the benchmark's clinic: about a year each, on the order of a million logged sets
PLAN_START_AFTER_EVENT_DAYS = (10, 28)
MIN_PLAN_DAYS = 14  # patients whose plan would be younger than this have none yet (newly referred)


@dataclass(frozen=True)
class DemoResult:
    patients: int
    username: str
    password: str | None
    plans: int = 0


def plan_starts(
    patients: list[tuple[int, date | None]], *, seed: int, today: date, history_days: int = PLAN_HISTORY_DAYS
) -> dict[int, date]:
    """When each demo patient's loading plan began: a few weeks after the event, at most ``history_days`` ago."""
    rng = random.Random(seed * 104_729 + 3)
    starts: dict[int, date] = {}
    for patient_id, event in patients:
        earliest = today - timedelta(days=history_days)
        if event is None:
            start = today - timedelta(days=rng.randint(history_days // 2, history_days))
        else:
            start = max(earliest, event + timedelta(days=rng.randint(*PLAN_START_AFTER_EVENT_DAYS)))
        if (today - start).days >= MIN_PLAN_DAYS:
            starts[patient_id] = start
    return starts


def _patient(rng: random.Random, index: int, seed: int, today: date) -> PatientDetails:
    sex = rng.choice([Sex.FEMALE, Sex.MALE])
    given = rng.choice(GIVEN_FEMALE if sex == Sex.FEMALE else GIVEN_MALE)
    age_days = int(rng.gauss(68, 12) * 365.25)
    birth = today - timedelta(days=max(18 * 366, min(age_days, 99 * 365)))
    condition = rng.choices([c for c, _ in CONDITION_WEIGHTS], weights=[w for _, w in CONDITION_WEIGHTS])[0]
    # Most demo patients are a year or more after their event (a year of plan history), some are recent.
    since = rng.randint(380, 560) if rng.random() < LONG_TERM_SHARE else rng.randint(7, 300)
    event = today - timedelta(days=since) if condition != Condition.DECONDITIONING else None
    side = (
        rng.choice([Side.LEFT, Side.RIGHT])
        if condition in (Condition.ISCHAEMIC_STROKE, Condition.HAEMORRHAGIC_STROKE, Condition.TBI)
        else rng.choice([Side.BILATERAL, Side.NONE, Side.LEFT, Side.RIGHT])
    )
    data = {
        "mrn": f"DEMO{seed:02d}-{index:06d}",
        "given_name": given,
        "family_name": rng.choice(FAMILY),
        "birth_date": birth,
        "sex": sex.value,
        "condition": condition.value,
        "event_date": event,
        "paretic_side": side.value,
        "notes": "Fictional demo patient.",
    }
    return validate_patient(data, today=today)


def _demo_user(conn: Connection) -> tuple[int, str | None]:
    existing = user_store.by_username(conn, DEMO_USERNAME)
    if existing is not None:
        return existing.id, None
    password = secrets.token_urlsafe(12)
    user_id = user_store.add(
        conn,
        username=DEMO_USERNAME,
        display_name=DEMO_NAME,
        role=Role.CLINICIAN.value,
        password_hash=passwords.hash_password(password),
        now=now_utc(),
    )
    return user_id, password


def generate(db: Database, *, patients: int, seed: int = 1, plan_history_days: int = PLAN_HISTORY_DAYS) -> DemoResult:
    """Add ``patients`` fictional patients on the demo clinician's care team, in one transaction.

    Each gets an assessment history and, unless newly referred, a loading plan with up to
    ``plan_history_days`` of logged sessions (0: no plans).
    """
    if plan_history_days < 0 or plan_history_days > 3 * 365:
        raise ValidationError("plan_history_days", "Choose between 0 and 1095 days of plan history.")
    if patients < 0 or patients > 100_000:
        raise ValidationError("patients", "Choose between 0 and 100000 demo patients.")
    rng = random.Random(seed)
    today = now_utc().date()
    details = [_patient(rng, i + 1, seed, today) for i in range(patients)]

    def work(conn: Connection) -> DemoResult:
        user_id, password = _demo_user(conn)
        actor = Actor(user_id=user_id, username=DEMO_USERNAME, display_name=DEMO_NAME, role=Role.CLINICIAN)
        taken = patient_store.mrns_with_prefix(conn, f"DEMO{seed:02d}-")
        now = now_utc()
        rows = [
            dict(
                d.as_dict(),
                status="active",
                search_key=d.search_key,
                version=1,
                created_at=now,
                created_by=user_id,
                updated_at=now,
                updated_by=user_id,
            )
            for d in details
            if d.mrn not in taken
        ]
        ids = patient_store.add_many(conn, rows)
        patient_store.add_team_members(conn, [(pid, user_id) for pid in ids], now=now)
        kept = [d for d in details if d.mrn not in taken]
        histories = [(pid, d.event_date, d.paretic_side.value) for pid, d in zip(ids, kept, strict=True)]
        values = generate_assessments(conn, patients=histories, assessor_id=user_id, seed=seed, today=today)
        made = 0
        if plan_history_days:
            starts = plan_starts(
                [(pid, d.event_date) for pid, d in zip(ids, kept, strict=True)],
                seed=seed,
                today=today,
                history_days=plan_history_days,
            )
            made = generate_plans(
                conn,
                patient_ids=[pid for pid in ids if pid in starts],
                clinician_id=user_id,
                seed=seed,
                today=today,
                starts=starts,
            )
        audit.record(
            conn,
            actor,
            "create",
            "patient",
            None,
            detail=(
                f"demo data: {len(ids)} fictional patients, {values} assessment values, {made} loading plans "
                f"with up to {plan_history_days} days of logged sessions (seed {seed})"
            ),
        )
        return DemoResult(patients=len(ids), username=DEMO_USERNAME, password=password, plans=made)

    return db.run(work)
