"""Errors the domain raises for input a clinician can correct.

There is one validation error type to catch, ``ValidationErrors``, and it always carries the list of field
errors a form shows beside its widgets. ``ValidationError`` is one field's error; raised on its own it is a
list of one, so every caller catches ``ValidationErrors`` and reads ``errors`` or ``by_field()``.
"""

from __future__ import annotations


class ValidationErrors(ValueError):
    """Field errors found at once, so a form can show all of them together; nothing is saved."""

    errors: list[ValidationError]

    def __init__(self, errors: list[ValidationError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors

    def by_field(self) -> dict[str, str]:
        """The first message for each field, in the order found."""
        out: dict[str, str] = {}
        for err in self.errors:
            out.setdefault(err.field, err.message)
        return out

    def messages(self) -> list[str]:
        return [err.message for err in self.errors]


class ValidationError(ValidationErrors):
    """Bad input for one named field, with a message a clinician can act on.

    The UI shows ``message`` next to the widget for ``field``; nothing is saved.
    """

    def __init__(self, field: str, message: str) -> None:
        ValueError.__init__(self, f"{field}: {message}")
        self.field = field
        self.message = message
        self.errors = [self]
