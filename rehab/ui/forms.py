"""Inline field errors: each widget gets a slot right under it, filled when a save is refused."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.ui.fmt import md_text


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
