"""PDF documents with a Unicode font that is shipped with Lotse (umlauts, „quotes“, ✓).

fpdf2's built-in fonts only know Latin-1, and a font installed on the build machine may be
missing on a fresh server, so DejaVu Sans is vendored in ``lotse/fonts/`` (licence beside it).
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FAMILY = "DejaVu"
FONT_FILES = {"": FONT_DIR / "DejaVuSans.ttf", "B": FONT_DIR / "DejaVuSans-Bold.ttf"}


def new_pdf(title: str = "", *, language: str = "de") -> FPDF:
    """An A4 portrait FPDF with DejaVu Sans (regular "" and bold "B") set as the current font.

    Italic is not shipped: use bold for emphasis. ``title`` goes into the document metadata,
    which screen readers announce.
    """
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    for style, path in FONT_FILES.items():
        pdf.add_font(FONT_FAMILY, style, path)
    pdf.set_font(FONT_FAMILY, size=11)
    pdf.set_lang(language)
    pdf.set_creator("Lotse")
    if title:
        pdf.set_title(title)
    pdf.set_auto_page_break(auto=True, margin=15)
    return pdf
