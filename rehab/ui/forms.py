"""Form helpers: field messages placed under their widgets, and number fields that keep what was typed."""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from datetime import date
from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.services.context import ConflictError
from rehab.ui.fmt import md_text

# Wide date-picker limits: a date typed outside what the record allows (in the future, before the event) is refused
# by the service with a message at its field, never held back or replaced by the browser's date picker.
OLDEST = date(1900, 1, 1)
LATEST = date(9999, 12, 31)

_WHOLE = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?([0-9]+\.[0-9]*|\.[0-9]+)")


def typed_number(text: object) -> object:
    """What a number field holds: None when blank, the number typed, or else the text itself.

    Text that is not a plain number ("12,5", "abc", "1e3") is handed on unchanged, so the domain refuses it
    with a message at its field ("must be a number"); nothing typed is guessed at or dropped. A number field
    in the browser would instead leave letters silently empty and clamp values below its minimum.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    cleaned = text.strip()
    if _WHOLE.fullmatch(cleaned):
        return int(cleaned)
    if _DECIMAL.fullmatch(cleaned):
        return float(cleaned)
    return text


def number_field(label: str, key: str, *, where: Any = None, **kwargs: Any) -> object:
    """A text box for a number: nothing is clamped or emptied in the browser; the domain checks the range."""
    box = (where or st).text_input(label, key=key, **kwargs)
    return typed_number(box)


class FieldErrors:
    """Collects one placeholder per field so a refused save can say what is wrong where it is wrong."""

    def __init__(self) -> None:
        self._slots: dict[str, DeltaGenerator] = {}

    def slot(self, field: str) -> None:
        self._slots[field] = st.empty()

    def show(self, exc: ValidationError | ValidationErrors) -> None:
        errors = exc.by_field()
        unplaced = []
        for field, message in errors.items():
            slot = self._slots.get(field)
            if slot is None:
                unplaced.append(md_text(message))
            else:
                slot.error(md_text(message))
        st.error(
            "Nothing was saved. " + " ".join(unplaced)
            if unplaced
            else "Nothing was saved: please correct the fields marked above."
        )

    def attempt(self, save: Callable[[], object]) -> bool:
        """Run a save; a refusal is shown at its fields, a conflicting edit as the page's error. True if saved."""
        try:
            save()
        except ValidationErrors as exc:
            self.show(exc)
            return False
        except ConflictError as exc:
            st.error(md_text(str(exc)))
            return False
        return True

    def save(self, save: Callable[[], object], done: str = "") -> None:
        """``attempt`` the save and, once saved, say ``done`` (if any) and run the page again."""
        if self.attempt(save):
            if done:
                st.toast(done)
            st.rerun()


def confirmations(asked: dict[str, str], key: str) -> set[str]:
    """Inside an open st.form: one "yes, this is right" box per value questioned; the ids ticked.

    ``asked`` maps each question's id to the value in a few words; the question itself is shown at its field.
    """
    ticked: set[str] = set()
    for number, (question_id, what) in enumerate(asked.items()):
        label = f"Yes, {what} is right: save it as typed"
        if st.checkbox(md_text(label), key=f"{key}_{number}_{zlib.crc32(question_id.encode())}"):
            ticked.add(question_id)
    return ticked
