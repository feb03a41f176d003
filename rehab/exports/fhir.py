"""FHIR R4 (4.0.1) Bundles of one patient's record, in the three shapes another system asks for:

- ``collection``: everything, to read or archive (the original export);
- ``transaction``: the same resources, each with a POST ``request``; the Patient is created only if none has
  the clinic's MRN (``ifNoneExist`` on the MRN identifier), every other resource only if none has its stable
  ``urn:uuid`` identifier, so posting the same export twice files nothing twice;
- ``document``: one treatment session's summary, a Composition first with its sections (condition, readiness
  screen, session, assessments of the day) and every resource it cites.

Plain dicts, no FHIR library at run time. Resources refer to each other by ``urn:uuid`` full URLs, stable for
the same record (uuid5 of the clinic's MRN system and the record), as Bundles allow. Every code and extension
is listed in ``fhir_codes`` and documented in docs/fhir.md; tests validate the output with the official R4
JSON schema, the R4B models of ``fhir.resources`` and the invariants checked in ``tests/exports/fhir_r4.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from rehab.exports import fhir_codes as codes
from rehab.exports.fhir_codes import DEFAULT_MRN_SYSTEM, concept
from rehab.exports.fhir_events import (
    FhirDisagreement,
    FhirFall,
    FhirFinding,
    FhirPrediction,
    fall_resource,
    finding_resource,
    risk_assessment_resource,
)
from rehab.exports.fhir_goals import (
    FhirGoal,
    FhirGoalReview,
    FhirTScore,
    GoalRefs,
    goal_resource,
    goal_results,
    rating_resource,
    t_score_resource,
)
from rehab.exports.fhir_resources import (
    FhirActivity,
    FhirAssessment,
    FhirPatient,
    FhirPlan,
    FhirPractitioner,
    Urls,
    careplan_resource,
    condition_resource,
    device_resource,
    instant,
    narrative,
    observation_resource,
    patient_resource,
    practitioner_resource,
    search_token,
)
from rehab.exports.fhir_sessions import FhirSession, FhirSet, procedure_resource, vitals_resources

__all__ = [
    "FHIR_VERSION",
    "FhirActivity",
    "FhirAssessment",
    "FhirDisagreement",
    "FhirFall",
    "FhirFinding",
    "FhirGoal",
    "FhirGoalReview",
    "FhirPatient",
    "FhirPlan",
    "FhirPractitioner",
    "FhirPrediction",
    "FhirSession",
    "FhirSet",
    "FhirTScore",
    "Record",
    "bundle",
    "session_document",
]

FHIR_VERSION = "4.0.1"
BundleType = Literal["collection", "transaction"]


@dataclass(frozen=True)
class Record:
    """One patient's record as exported; every assessor, plan author and session recorder must be among
    ``practitioners``."""

    patient: FhirPatient
    practitioners: Sequence[FhirPractitioner]
    assessments: Sequence[FhirAssessment] = ()
    plans: Sequence[FhirPlan] = ()
    sessions: Sequence[FhirSession] = ()
    mrn_system: str = DEFAULT_MRN_SYSTEM
    goals: Sequence[FhirGoal] = ()
    t_score: FhirTScore | None = None
    falls: Sequence[FhirFall] = ()
    findings: Sequence[FhirFinding] = ()
    predictions: Sequence[FhirPrediction] = ()


@dataclass
class _Entries:
    """Resources in Bundle order, each with its full URL."""

    record: Record
    urls: Urls
    items: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @property
    def patient_ref(self) -> str:
        return self.urls.of("patient", self.record.patient.id)

    def ref(self, practitioner_id: int) -> tuple[str, str]:
        names = {p.id: p.display_name for p in self.record.practitioners}
        return self.urls.of("practitioner", practitioner_id), names[practitioner_id]

    def add(self, url: str, resource: dict[str, Any]) -> str:
        if url not in {u for u, _ in self.items}:
            self.items.append((url, resource))
        return url

    def people(self, ids: Sequence[int] | None = None) -> None:
        p = self.record.patient
        self.add(self.patient_ref, patient_resource(p, self.record.mrn_system))
        self.add(
            self.urls.of("condition", p.id),
            condition_resource(p, patient_ref=self.patient_ref, url=self.urls.of("condition", p.id)),
        )
        for person in self.record.practitioners:
            if ids is None or person.id in ids:
                url = self.urls.of("practitioner", person.id)
                self.add(url, practitioner_resource(person, url))

    def assessment(self, a: FhirAssessment) -> str:
        device = None
        if a.measure_key in codes.DEVICES:
            device = self.add(
                self.urls.of("device", a.measure_key),
                device_resource(a.measure_key, self.urls.of("device", a.measure_key)),
            )
        who, name = self.ref(a.assessor_id)
        url = self.urls.of("observation", a.id)
        obs = observation_resource(
            a,
            patient_ref=self.patient_ref,
            performer_ref=who,
            performer_name=name,
            url=url,
            paretic_side=self.record.patient.paretic_side,
            device_ref=device,
        )
        return self.add(url, obs)

    def fall(self, fall: FhirFall) -> str:
        url = self.urls.of("fall", fall.id)
        return self.add(url, fall_resource(fall, patient_ref=self.patient_ref, url=url))

    def finding(self, finding: FhirFinding) -> str:
        url = self.urls.of("finding", finding.id)
        return self.add(url, finding_resource(finding, patient_ref=self.patient_ref, url=url))

    def goals(self) -> None:
        """Each goal after its ratings' Observations, the T-score after the ratings it is derived from."""
        record = self.record
        people = {p.id: (self.urls.of("practitioner", p.id), p.display_name) for p in record.practitioners}
        condition = self.urls.of("condition", record.patient.id)
        score = record.t_score
        score_url = self.urls.of("gas-t-score", record.patient.id)
        latest: list[str] = []
        outcomes: dict[int, list[str]] = {}
        for goal in record.goals:
            goal_url = self.urls.of("goal", goal.id)
            refs = GoalRefs(self.patient_ref, condition, people)
            mine = outcomes.setdefault(goal.id, [])
            for review in goal.ratings:
                url = self.urls.of("goal-rating", review.id)
                mine.append(self.add(url, rating_resource(goal, review, refs, url=url, goal_url=goal_url)))
            if score is not None and goal.id in score.goal_ids and mine:
                latest.append(mine[-1])
            mine += [self.urls.of("observation", a.id) for a in goal_results(goal, record.assessments)]
        if score is not None and latest:
            when = max(r.reviewed_at for g in record.goals if g.id in score.goal_ids for r in g.ratings)
            self.add(score_url, t_score_resource(score, url=score_url, patient=self.patient_ref, when=when,
                                                 ratings=latest))  # fmt: skip
        for goal in record.goals:
            refs = GoalRefs(self.patient_ref, condition, people, outcomes[goal.id])
            if score is not None and latest and goal.id in score.goal_ids:
                refs = GoalRefs(self.patient_ref, condition, people, [*outcomes[goal.id], score_url])
            url = self.urls.of("goal", goal.id)
            self.add(url, goal_resource(goal, refs, url=url, results=goal_results(goal, record.assessments)))

    def prediction(self, p: FhirPrediction) -> str:
        url = self.urls.of("risk-assessment", f"{self.record.patient.id}/{p.tool}/{p.category}")
        kinds = {"assessment": "observation", "finding": "finding"}
        basis = [self.urls.of(kinds[kind], ident) for kind, ident in p.basis]
        known = {u for u, _ in self.items}
        resource = risk_assessment_resource(
            p,
            patient_ref=self.patient_ref,
            condition_ref=self.urls.of("condition", self.record.patient.id),
            basis=[b for b in basis if b in known],
            url=url,
        )
        return self.add(url, resource)

    def plan(self, plan: FhirPlan) -> str:
        url = self.urls.of("careplan", plan.id)
        author, _ = self.ref(plan.author_id)
        return self.add(url, careplan_resource(plan, patient_ref=self.patient_ref, author_ref=author, url=url))

    def session(self, s: FhirSession) -> tuple[str, list[str]]:
        """The Procedure's URL and its vitals' URLs."""
        url = self.urls.of("procedure", s.id)
        who, name = self.ref(s.performer_id)
        plans = {p.id for p in self.record.plans}
        plan_ref = self.urls.of("careplan", s.plan_id) if s.plan_id in plans else None
        self.add(
            url,
            procedure_resource(
                s, patient_ref=self.patient_ref, performer_ref=who, performer_name=name, plan_ref=plan_ref, url=url
            ),
        )
        vitals = vitals_resources(
            s, patient_ref=self.patient_ref, performer_ref=who, procedure_ref=url, url_of=self.urls.of
        )
        return url, [self.add(u, r) for u, r in vitals]


def _request(resource: dict[str, Any], mrn_system: str) -> dict[str, Any]:
    """POST, created only if no resource has this identifier: the MRN for the Patient, else the stable URI."""
    kind = resource["resourceType"]
    wanted = mrn_system if kind == "Patient" else codes.URI_IDENTIFIER
    (ident,) = [i for i in resource["identifier"] if i["system"] == wanted]
    return {"method": "POST", "url": kind, "ifNoneExist": search_token(ident["system"], ident["value"])}


def bundle(record: Record, *, timestamp: datetime, bundle_id: str, kind: BundleType = "collection") -> dict[str, Any]:
    """The patient's whole record: Patient, Condition, Practitioners, Devices, Observations (assessments,
    prognostic findings, falls), Goals with their GAS ratings and T-score, RiskAssessments, CarePlans,
    Procedures and their vitals."""
    entries = _Entries(record, Urls(record.mrn_system))
    entries.people()
    for a in record.assessments:
        entries.assessment(a)
    for finding in record.findings:
        entries.finding(finding)
    for fall in record.falls:
        entries.fall(fall)
    entries.goals()
    for prediction in record.predictions:
        entries.prediction(prediction)
    for plan in record.plans:
        entries.plan(plan)
    for s in record.sessions:
        entries.session(s)
    out: list[dict[str, Any]] = []
    for url, resource in entries.items:
        entry: dict[str, Any] = {"fullUrl": url, "resource": resource}
        if kind == "transaction":
            entry["request"] = _request(resource, record.mrn_system)
        out.append(entry)
    return {
        "resourceType": "Bundle",
        "id": bundle_id,
        "meta": {"lastUpdated": instant(timestamp)},
        "type": kind,
        "timestamp": instant(timestamp),
        "entry": out,
    }


def _section(title: str, refs: Sequence[str], resources: dict[str, dict[str, Any]]) -> dict[str, Any]:
    lines = [resources[r]["text"]["div"] for r in refs]
    body = "".join(
        line.removeprefix('<div xmlns="http://www.w3.org/1999/xhtml">').removesuffix("</div>") for line in lines
    )
    return {
        "title": title,
        "text": {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>'},
        "entry": [{"reference": r} for r in refs],
    }


def session_document(
    record: Record, session: FhirSession, *, timestamp: datetime, bundle_id: str, author_id: int
) -> dict[str, Any]:
    """A ``document`` Bundle for one session: the Composition (authored by ``author_id``, who exports it)
    and everything its sections cite. ``record.assessments`` are those to report with the session."""
    entries = _Entries(record, Urls(record.mrn_system))
    entries.people(ids=[author_id, session.performer_id, *(a.assessor_id for a in record.assessments)])
    for plan in record.plans:
        if plan.id == session.plan_id:
            entries.plan(plan)
    procedure, vitals = entries.session(session)
    observations = [entries.assessment(a) for a in record.assessments]
    resources = dict(entries.items)
    condition = entries.urls.of("condition", record.patient.id)
    sections = [_section("Condition", [condition], resources)]
    if vitals:
        sections.append(_section("Readiness screen", vitals, resources))
    sections.append(_section("Treatment session", [procedure], resources))
    if observations:
        sections.append(_section("Assessments", observations, resources))
    author, author_name = entries.ref(author_id)
    title = f"Treatment session summary, {session.session_date.isoformat()}"
    composition_url = entries.urls.of("composition", f"{session.id}/{bundle_id}")
    composition = {
        "resourceType": "Composition",
        "text": narrative(title, f"Patient MRN {record.patient.mrn}", f"Author: {author_name}"),
        "identifier": {"system": codes.URI_IDENTIFIER, "value": composition_url},
        "status": "final",
        "type": concept(codes.DOCUMENT_SYSTEM, *codes.SESSION_SUMMARY),
        "subject": {"reference": entries.patient_ref},
        "date": instant(timestamp),
        "author": [{"reference": author, "display": author_name}],
        "title": title,
        "section": sections,
    }
    return {
        "resourceType": "Bundle",
        "id": bundle_id,
        "meta": {"lastUpdated": instant(timestamp)},
        "identifier": {"system": codes.URI_IDENTIFIER, "value": f"urn:uuid:{bundle_id}"},
        "type": "document",
        "timestamp": instant(timestamp),
        "entry": [{"fullUrl": composition_url, "resource": composition}]
        + [{"fullUrl": url, "resource": r} for url, r in entries.items],
    }
