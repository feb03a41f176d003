"""What a clinic may name as its MRN identifier system: an absolute URI an EHR can match the patient on."""

from __future__ import annotations

import re

from rehab.domain.errors import ValidationError

SYSTEM_MAX = 255
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_OID = re.compile(r"urn:oid:[0-2](\.(0|[1-9][0-9]*))+")
_HTTP = re.compile(r"https?://[^/?#\s]+(/\S*)?")


def identifier_system(raw: object, field: str = "mrn_system") -> str:
    """The URI as typed, or a ValidationError saying what is wrong (FHIR R4 Identifier.system is a uri).

    Accepted: ``http(s)://host/...`` (the hospital's naming authority), ``urn:oid:1.2.3`` (an HL7 OID) and
    other absolute URIs such as ``urn:...``; nothing is trimmed or changed."""
    if not isinstance(raw, str) or not raw:
        raise ValidationError(field, "is required (for example https://hospital.example.org/mrn or urn:oid:1.2.3)")
    if len(raw) > SYSTEM_MAX:
        raise ValidationError(field, f"must be {SYSTEM_MAX} characters or fewer")
    if any(ch.isspace() for ch in raw):
        raise ValidationError(field, "must not contain spaces")
    if not raw.isascii() or not raw.isprintable():
        raise ValidationError(field, "must use plain ASCII characters, as a URI does")
    if not _SCHEME.match(raw):
        raise ValidationError(field, "must be an absolute URI starting with a scheme, such as https:// or urn:oid:")
    lower = raw.lower()
    if lower.startswith("urn:oid:") and not _OID.fullmatch(raw):
        raise ValidationError(
            field, "must be an OID of numbers separated by dots, such as urn:oid:2.16.840.1.113883.2.1"
        )
    if lower.startswith(("http:", "https:")) and not _HTTP.fullmatch(raw):
        raise ValidationError(field, "must name a host, such as https://hospital.example.org/mrn")
    return raw
