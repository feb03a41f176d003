"""The bundled fonts are read once per process and shared by the documents made in it: each document still
embeds its own subset, holding the glyphs it prints and none that an earlier document printed."""

from __future__ import annotations

import io
from dataclasses import replace

from fontTools import ttLib
from pypdf import PdfReader

from rehab.exports import pdf
from tests.exports.builders import pdf_without_moment, session_summary


def _summary(name: str) -> bytes:
    s = session_summary()
    return pdf.session_pdf(replace(s, patient=replace(s.patient, name=name)))


def _embedded_glyphs(data: bytes) -> set[str]:
    names: set[str] = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            embedded = ttLib.TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
            names.update(embedded.getGlyphOrder())
    return names


def test_a_document_embeds_only_its_own_glyphs_whatever_was_made_before() -> None:
    latin_first = _summary("Ada Smith")
    cyrillic = _summary("Жанна Ωmega")
    latin_after = _summary("Ada Smith")
    assert pdf_without_moment(latin_after) == pdf_without_moment(latin_first)
    zhe = "uni0416"  # Ж
    assert zhe in _embedded_glyphs(cyrillic)
    assert zhe not in _embedded_glyphs(latin_after)
