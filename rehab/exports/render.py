"""Which renderer makes a PDF, importable without loading the PDF and chart libraries.

fpdf2 (with fontTools and Pillow) takes most of a second to import and tens of megabytes; only the paths
that make a PDF load it, and on a server that is a worker process (``rehab.workers``),
which is handed ``pdf_bytes`` and the report's plain data.
"""

from __future__ import annotations

from typing import Literal

from rehab.exports.summary import ProgressReport, SessionSummary

PageSize = Literal["A4", "Letter"]
PAGE_SIZES: tuple[PageSize, ...] = ("A4", "Letter")


def pdf_bytes(kind: str, content: SessionSummary | ProgressReport, page_size: PageSize) -> bytes:
    """The PDF of a session summary (clinical or patient version) or of a progress report."""
    from rehab.exports import pdf

    if isinstance(content, ProgressReport):
        return pdf.progress_pdf(content, page_size=page_size)
    render = pdf.session_pdf if kind == "pdf" else pdf.session_pdf_patient
    return render(content, page_size=page_size)
