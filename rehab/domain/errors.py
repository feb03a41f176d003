"""Errors the domain raises for input a clinician can correct."""

from __future__ import annotations


class ValidationError(ValueError):
    """Bad input for one named field, with a message a clinician can act on.

    The UI shows ``message`` next to the widget for ``field``; nothing is saved.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class ValidationErrors(ValueError):
    """Several field errors found at once, so a form can show all of them together."""

    def __init__(self, errors: list[ValidationError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors

    def by_field(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for err in self.errors:
            out.setdefault(err.field, err.message)
        return out
