"""fpdf2's test for "can this value write itself into the PDF?", answered once per type instead of every time.

fpdf2 writes every value of a PDF object or drawing through ``render_pdf_primitive``, which first asks
``isinstance(value, PrimitiveSerializable)``: a ``typing.Protocol`` (has a ``serialize`` method). On Python 3.11
that check lists the protocol's members again at every call, 4–8 µs each; a report's vector charts make tens of
thousands of such calls (about 50 ms per report). The same question as an abstract base class is answered once
per type and cached by Python: a type with a callable ``serialize`` is one, any other is not. fpdf2's own classes
have ``serialize`` on the class, never only on an instance, so the answers are the same (tests compare them).
"""

from __future__ import annotations

import abc
from typing import Any

from fpdf import syntax

FPDF2_PROTOCOL = syntax.PrimitiveSerializable


class Serializable(abc.ABC):
    """Any type with a callable ``serialize`` (checked on the type, cached per type by ``abc``)."""

    @abc.abstractmethod
    def serialize(self) -> str: ...

    @classmethod
    def __subclasshook__(cls, other: type) -> Any:
        return True if callable(getattr(other, "serialize", None)) else NotImplemented


def install() -> None:
    """fpdf2 asks ``Serializable`` from now on (in this process)."""
    syntax.PrimitiveSerializable = Serializable  # type: ignore[misc]


def uninstall() -> None:
    """fpdf2's own protocol again (tests compare the two)."""
    syntax.PrimitiveSerializable = FPDF2_PROTOCOL  # type: ignore[misc]
