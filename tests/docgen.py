"""Test document generators (the implementation lives in the package so `assistant eval` can use it)."""
from assistant.evaluation.docgen import (  # noqa: F401
    PDF_FONT,
    from_recipe,
    long_report_pdf,
    long_report_sections,
    make_document,
    normalize_sections,
)
