"""A fictional clinic for trying the product and for benchmarks: deterministic for a given seed."""

from __future__ import annotations

import functools
import random
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Connection

from rehab.domain.accounts import Role
from rehab.domain.errors import ValidationError
from rehab.domain.patients import Condition, PatientDetails, Sex, Side, validate_patient
from rehab.services import audit, passwords
from rehab.services.context import Actor, now_utc
from rehab.services.demo_assessments import Course, generate_assessments
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
# (condition, weight, mean age, SD of age): a neuro-rehab outpatient and ward mix. Fictional, not epidemiology:
# stroke the largest group and the oldest, TBI and spinal cord injury younger, MS and other neurological
# conditions in mid-life, orthopaedic and deconditioned patients older.
CONDITION_MIX = [
    (Condition.ISCHAEMIC_STROKE, 45, 71, 11),
    (Condition.HAEMORRHAGIC_STROKE, 12, 63, 12),
    (Condition.TBI, 12, 36, 14),
    (Condition.SPINAL_CORD_INJURY, 6, 44, 15),
    (Condition.OTHER_NEUROLOGICAL, 10, 50, 12),
    (Condition.ORTHOPAEDIC, 10, 63, 14),
    (Condition.DECONDITIONING, 5, 80, 6),
]
STROKE = (Condition.ISCHAEMIC_STROKE, Condition.HAEMORRHAGIC_STROKE)
# Time since the event by phase (Bernhardt 2017's framework: acute < 7 days, early subacute 7 days–3 months,
# late subacute 3–6 months, chronic > 6 months): (weight, fewest days, most days).
PHASE_MIX = [(5, 1, 6), (30, 7, 90), (25, 91, 180), (40, 181, 900)]
TREATED_BY_PHASE = (0.0, 0.9, 0.75, 0.35)  # share in active treatment (a loading plan); the rest come for review
CHRONIC_COURSE_WEEKS = (3, 16)  # a long-standing patient's current block of strength training began this long ago
SEVERITY_MIX = [("mild", 55), ("moderate", 30), ("severe", 15)]
TRAJECTORY_MIX = [("improve", 65), ("plateau", 22), ("decline", 13)]
OVERDUE_SHARE = 0.06  # patients whose 4-weekly re-test is overdue


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
    patients: list[tuple[int, date | None]],
    *,
    seed: int,
    today: date,
    history_days: int = PLAN_HISTORY_DAYS,
    rng: random.Random | None = None,
    courses: Mapping[int, Course] | None = None,
) -> dict[int, date]:
    """When each demo patient's loading plan began: a few weeks after the event, or when a long-standing
    patient's current course began; at most ``history_days`` ago. Patients not in active treatment have none."""
    rng = rng or random.Random(seed * 104_729 + 3)
    starts: dict[int, date] = {}
    for patient_id, event in patients:
        course = (courses or {}).get(patient_id, Course())
        earliest = today - timedelta(days=history_days)
        if not course.treated:
            continue
        if course.course_days is not None:
            start = max(earliest, today - timedelta(days=course.course_days))
        elif event is None:
            start = today - timedelta(days=rng.randint(history_days // 2, history_days))
        else:
            start = max(earliest, event + timedelta(days=rng.randint(*PLAN_START_AFTER_EVENT_DAYS)))
        if (today - start).days >= MIN_PLAN_DAYS:
            starts[patient_id] = start
    return starts


def _pick(rng: random.Random, mix: list[tuple[str, int]]) -> str:
    return rng.choices([k for k, _ in mix], weights=[w for _, w in mix])[0]


def _patient(rng: random.Random, index: int, seed: int, today: date) -> tuple[PatientDetails, Course]:
    sex = rng.choice([Sex.FEMALE, Sex.MALE])
    given = rng.choice(GIVEN_FEMALE if sex == Sex.FEMALE else GIVEN_MALE)
    condition, _, mean_age, sd_age = rng.choices(CONDITION_MIX, weights=[w for _, w, _, _ in CONDITION_MIX])[0]
    age_days = int(rng.gauss(mean_age, sd_age) * 365.25)
    birth = today - timedelta(days=max(18 * 366, min(age_days, 99 * 365)))
    phase = rng.choices(range(len(PHASE_MIX)), weights=[w for w, _, _ in PHASE_MIX])[0]
    _, fewest, most = PHASE_MIX[phase]
    since = rng.randint(fewest, most)
    event = today - timedelta(days=since) if condition != Condition.DECONDITIONING else None
    side = (
        rng.choice([Side.LEFT, Side.RIGHT])
        if condition in (*STROKE, Condition.TBI)
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
    course = Course(
        severity=_pick(rng, SEVERITY_MIX),
        trajectory=_pick(rng, TRAJECTORY_MIX),
        stroke=condition in STROKE,
        overdue=rng.random() < OVERDUE_SHARE,
        treated=rng.random() < TREATED_BY_PHASE[phase],
        course_days=7 * rng.randint(*CHRONIC_COURSE_WEEKS) if phase == len(PHASE_MIX) - 1 else None,
    )
    return validate_patient(data, today=today), course


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


BATCH_PATIENTS = 100
"""Patients generated, written and committed together: memory stays that of one batch whatever the clinic's
size (a batch's year of sessions is some tens of thousands of rows), and no write lock is held for minutes."""

Progress = Callable[[int, int], None]
"""Told (patients done, patients asked for) after each batch."""


def generate(
    db: Database,
    *,
    patients: int,
    seed: int = 1,
    plan_history_days: int = PLAN_HISTORY_DAYS,
    progress: Progress | None = None,
    batch_patients: int = BATCH_PATIENTS,
) -> DemoResult:
    """Add ``patients`` fictional patients on the demo clinician's care team, ``batch_patients`` at a time.

    Each gets an assessment history and, unless newly referred, a loading plan with up to
    ``plan_history_days`` of logged sessions (0: no plans). Each batch is one transaction with its own audit
    entry, so an interrupted run keeps whole patients; run again with the same seed, it adds the rest.
    """
    if plan_history_days < 0 or plan_history_days > 3 * 365:
        raise ValidationError("plan_history_days", "Choose between 0 and 1095 days of plan history.")
    if patients < 0 or patients > 100_000:
        raise ValidationError("patients", "Choose between 0 and 100000 demo patients.")
    if batch_patients < 1:
        raise ValidationError("batch_patients", "Choose at least 1 patient a batch.")
    today = now_utc().date()
    user_id, password = db.run(_demo_user)
    actor = Actor(user_id=user_id, username=DEMO_USERNAME, display_name=DEMO_NAME, role=Role.CLINICIAN)
    streams = _Streams(seed)
    created = plans = 0
    if progress is not None:
        progress(0, patients)
    for first in range(0, patients, batch_patients):
        details = [
            _patient(streams.patients, i + 1, seed, today) for i in range(first, min(patients, first + batch_patients))
        ]
        batch = functools.partial(
            _write_batch, actor=actor, details=details, streams=streams, seed=seed, today=today,
            plan_history_days=plan_history_days,
        )  # fmt: skip
        added, planned = db.run(batch)
        created, plans = created + added, plans + planned
        if progress is not None:
            progress(first + len(details), patients)
    return DemoResult(patients=created, username=DEMO_USERNAME, password=password, plans=plans)


@dataclass
class _Streams:
    """The generator's random streams, carried from batch to batch so a seed gives the same clinic."""

    seed: int
    patients: random.Random = field(init=False)
    assessments: random.Random = field(init=False)
    plans: random.Random = field(init=False)
    starts: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.patients = random.Random(self.seed)
        self.assessments = random.Random(self.seed * 7919 + 17)
        self.plans = random.Random(self.seed)
        self.starts = random.Random(self.seed * 104_729 + 3)


def _write_batch(
    conn: Connection,
    actor: Actor,
    details: list[tuple[PatientDetails, Course]],
    streams: _Streams,
    seed: int,
    today: date,
    plan_history_days: int,
) -> tuple[int, int]:
    """One batch of patients with their histories and plans, and its audit entry; (patients, plans) made."""
    user_id = actor.user_id
    mrns = {d.mrn for d, _ in details}
    taken = {m for m in patient_store.mrns_with_prefix(conn, f"DEMO{seed:02d}-") if m in mrns}
    now = now_utc()
    kept = [d for d, _ in details if d.mrn not in taken]
    courses = [c for d, c in details if d.mrn not in taken]
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
        for d in kept
    ]
    ids = patient_store.add_many(conn, rows)
    patient_store.add_team_members(conn, [(pid, user_id) for pid in ids], now=now)
    histories = [(pid, d.event_date, d.paretic_side.value) for pid, d in zip(ids, kept, strict=True)]
    values = generate_assessments(
        conn,
        patients=histories,
        assessor_id=user_id,
        seed=seed,
        today=today,
        rng=streams.assessments,
        courses=dict(zip(ids, courses, strict=True)),
    )
    made = 0
    if plan_history_days and ids:
        starts = plan_starts(
            [(pid, d.event_date) for pid, d in zip(ids, kept, strict=True)],
            seed=seed,
            today=today,
            history_days=plan_history_days,
            rng=streams.starts,
            courses=dict(zip(ids, courses, strict=True)),
        )
        made = generate_plans(
            conn,
            patient_ids=[pid for pid in ids if pid in starts],
            clinician_id=user_id,
            seed=seed,
            today=today,
            starts=starts,
            rng=streams.plans,
        )
    if ids:
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
    return len(ids), made
