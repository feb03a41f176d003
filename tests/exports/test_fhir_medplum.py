"""The FHIR exports through a real, independent validator: @medplum/core with its R4 definitions (issue 17).

Errors must be none. Warnings are counted and each is explained (docs/fhir.md): the only kind expected is the
validator's "Invalid reference" on a ``urn:uuid`` reference between Bundle entries, one per such reference.
"""

from __future__ import annotations

import copy

from tests.exports import medplum_validator
from tests.exports.test_fhir import _bundle, _document


def test_collection_transaction_and_document_have_no_errors_and_only_explained_warnings() -> None:
    bundles = [_bundle(), _bundle("transaction"), _document()]
    for bundle, result in zip(bundles, medplum_validator.validate(bundles), strict=True):
        assert result["errors"] == []
        unexplained = [w for w in result["warnings"] if not medplum_validator.URN_REFERENCE.match(w)]
        assert unexplained == []
        assert 0 < len(result["warnings"]) <= medplum_validator.urn_references(bundle)


def test_the_validator_reports_what_r4_forbids() -> None:
    """It can fail: an element R4 does not have, a Condition without its subject, the same entry twice
    (invariant bdl-7). (Codes against value sets are the JSON schema's and fhir_r4's job: this validator has no
    terminology loaded.)"""
    bundle = _bundle()
    bad = copy.deepcopy(bundle)
    observation = next(e["resource"] for e in bad["entry"] if e["resource"]["resourceType"] == "Observation")
    bad["entry"].append(bad["entry"][0])
    observation["favouriteColour"] = "blue"
    condition = next(e["resource"] for e in bad["entry"] if e["resource"]["resourceType"] == "Condition")
    del condition["subject"]
    (result,) = medplum_validator.validate([bad])
    errors = " | ".join(result["errors"])
    assert "favouriteColour" in errors and "subject: Missing required property" in errors and "bdl-7" in errors
