"""How firmly a clinical number is backed, so the UI can say so next to it.

The levels mirror the markings of the clinical reference: a value checked against a guideline or
primary paper, one seen only in a secondary source (2°), one from memory that nobody has verified
(MEM), and a design choice made by the product where the sources are silent.
"""

from __future__ import annotations

from enum import StrEnum


class EvidenceLevel(StrEnum):
    """The strength of the source behind a threshold or default."""

    GUIDELINE = "guideline"
    """Checked against a guideline, position stand or primary paper."""

    SECONDARY = "secondary"
    """Verified only in a secondary source (2°): usable as a default, flag it in help text."""

    UNVERIFIED = "unverified"
    """From memory, not verified (MEM): needs clinician sign-off before use."""

    DESIGN_CHOICE = "design_choice"
    """No source sets this; the product chose it. Configurable."""

    BEYOND_GUIDELINE = "beyond_guideline"
    """Goes beyond the stroke guideline: the clinic's choice, resting on the studies it names."""

    @property
    def label(self) -> str:
        """Plain words for help text."""
        return _LABELS[self]


_LABELS: dict[EvidenceLevel, str] = {
    EvidenceLevel.GUIDELINE: "from a guideline or primary study",
    EvidenceLevel.SECONDARY: "seen only in a secondary source; check before relying on it",
    EvidenceLevel.UNVERIFIED: "not verified against a source; needs clinician sign-off",
    EvidenceLevel.DESIGN_CHOICE: ("a default chosen by this product where sources are silent; change it to suit"),
    EvidenceLevel.BEYOND_GUIDELINE: (
        "beyond the stroke guideline: the clinic's choice, resting on the studies named, not on the guideline"
    ),
}
