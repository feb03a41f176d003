"""The MRN identifier system a clinic may set (rehab/domain/interop.py): taken exactly as typed or refused
with the reason; FHIR R4 Identifier.system is a uri, and an EHR matches on it character for character."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rehab.domain.errors import ValidationError
from rehab.domain.interop import SYSTEM_MAX, identifier_system

ARC = st.integers(min_value=0, max_value=10**9).map(str)
OIDS = st.builds(lambda first, rest: "urn:oid:" + ".".join([str(first), *rest]),
                 st.integers(0, 2), st.lists(ARC, min_size=1, max_size=12))  # fmt: skip
HOSTS = st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z]{2,6}){1,2}", fullmatch=True)
PATHS = st.from_regex(r"(/[A-Za-z0-9._~-]{1,12}){0,4}", fullmatch=True)


@given(OIDS)
def test_an_oid_is_kept_exactly(oid: str) -> None:
    assert identifier_system(oid) == oid


@given(st.sampled_from(["http", "https"]), HOSTS, PATHS)
def test_a_web_address_is_kept_exactly(scheme: str, host: str, path: str) -> None:
    uri = f"{scheme}://{host}{path}"
    assert identifier_system(uri) == uri


@given(st.text(min_size=1, max_size=40), st.sampled_from([" ", "\t", "\n", "\u00a0"]), st.text(max_size=40))
def test_whitespace_anywhere_is_refused_never_trimmed(before: str, space: str, after: str) -> None:
    with pytest.raises(ValidationError) as caught:
        identifier_system(f"https://h.org/{before}{space}{after}")
    assert caught.value.field == "mrn_system"


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("", "is required"),
        (None, "is required"),
        ("hospital-mrn", "absolute URI"),
        ("urn:oid:1.2.x", "OID"),
        ("urn:oid:1..2", "OID"),
        ("https:///mrn", "host"),
        ("https://höspital.org/mrn", "ASCII"),
        ("urn:" + "x" * SYSTEM_MAX, f"{SYSTEM_MAX} characters"),
    ],
)
def test_what_is_refused_says_why(raw: object, says: str) -> None:
    with pytest.raises(ValidationError) as caught:
        identifier_system(raw)
    assert says in caught.value.message
