"""The bundled fonts are read once per process and shared by the documents made in it: each document still
embeds its own subset, holding the glyphs it prints and none that an earlier document printed."""

from __future__ import annotations

import io
import subprocess
from dataclasses import replace
from pathlib import Path

from fontTools import subset as ftsubset
from fontTools import ttLib
from fontTools.pens.recordingPen import DecomposingRecordingPen
from pypdf import PdfReader

from rehab.exports import pdf, pdf_font_subsets
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


def _fonts(data: bytes) -> list[bytes]:
    """Each embedded font program, in page order."""
    programs = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            programs.append(descriptor["/FontFile2"].get_object().get_data())
    return programs


def _pages(data: bytes, tmp_path: Path, name: str) -> list[bytes]:
    """Each page as pdftoppm draws it."""
    (tmp_path / f"{name}.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(tmp_path / f"{name}.pdf"), str(tmp_path / name)], check=True)
    return [png.read_bytes() for png in sorted(tmp_path.glob(f"{name}-*.png"))]


def test_reports_printing_different_letters_embed_the_same_kept_subset() -> None:
    """The base glyphs make the glyph set of most reports the same, so the subset is made once and kept."""
    first = _summary("Ada Smith")
    made = ftsubset.Subsetter.subset

    def subset_again(*_: object) -> None:
        raise AssertionError("the bundled font was subset again")

    ftsubset.Subsetter.subset = subset_again
    try:
        other = _summary("Quincy Vox-Jebb")
    finally:
        ftsubset.Subsetter.subset = made
    assert _fonts(other) == _fonts(first)


def test_kept_subsets_draw_every_page_as_fontools_own_subsets(tmp_path: Path) -> None:
    """The pages of reports in Latin, Cyrillic and Greek look the same with kept subsets as with fpdf2 making
    its subsets afresh, and every glyph they print is embedded with its own width."""
    names = ["Ada Smith", "Жанна Ωmega", "Zoë Ńowak", "Ada Smith"]
    kept = [_summary(name) for name in names]
    pdf_font_subsets.uninstall()
    try:
        fresh = [_summary(name) for name in names]
    finally:
        pdf_font_subsets.install()
    for i, (ours, fpdf2) in enumerate(zip(kept, fresh, strict=True)):
        assert _pages(ours, tmp_path, f"kept{i}") == _pages(fpdf2, tmp_path, f"fresh{i}")
        assert _glyphs_by_code(ours) == _glyphs_by_code(fpdf2)
        assert _text(ours) == _text(fpdf2)


def _glyphs_by_code(data: bytes) -> dict[tuple[str, int], tuple[int, object]]:
    """Each code the pages use, in each font: the advance and outline of the embedded glyph it draws."""
    glyphs = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            cid_font = font.get_object()["/DescendantFonts"][0].get_object()
            program = ttLib.TTFont(io.BytesIO(cid_font["/FontDescriptor"]["/FontFile2"].get_object().get_data()))
            gids = cid_font["/CIDToGIDMap"].get_object().get_data()
            glyph_set = program.getGlyphSet()
            for code in range(len(gids) // 2):
                gid = int.from_bytes(gids[2 * code : 2 * code + 2], "big")
                if gid:
                    name = program.getGlyphName(gid)
                    pen = DecomposingRecordingPen(glyph_set)
                    glyph_set[name].draw(pen)
                    glyphs[(str(font.get_object()["/BaseFont"]), code)] = (program["hmtx"][name][0], pen.value)
    return glyphs


def _text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
