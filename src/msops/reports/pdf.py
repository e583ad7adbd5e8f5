"""PDF from the same HTML as the web page, by WeasyPrint: page numbers and marking per page."""

from __future__ import annotations

import logging


def html_to_pdf(html: str) -> bytes:
    """The PDF of a self-contained HTML document (its @page rules give margins and markings)."""
    from weasyprint import HTML  # imported here: it loads Pango, which only PDFs need

    # WeasyPrint logs every CSS property it does not support; reports are checked in tests.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    pdf = HTML(string=html, base_url=None).write_pdf()
    if pdf is None:  # only when a target is given
        raise RuntimeError("WeasyPrint returned no PDF")
    return bytes(pdf)
