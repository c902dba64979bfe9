"""Entry points: all rule checks over a text or a file, then the optional rewrite."""
from __future__ import annotations

from pathlib import Path

from assistant.errors import InputError
from assistant.polish.citations import check_citations, check_group
from assistant.polish.data import PolishData, load_polish_data
from assistant.polish.figures import check_figure_conflicts, check_figures
from assistant.polish.result import PolishResult, SectionInfo
from assistant.polish.rewrite import add_rewrite
from assistant.polish.structure import (
    _chars,
    _Checker,
    _file_paras,
    _Para,
    build_sections,
    check_length,
    check_sections,
    heading_scheme,
    text_paras,
)
from assistant.polish.wording import check_contact_ads, check_glossary

# ---- entry points ---------------------------------------------------------------------------------


def check_paras(ctx, paras: list[_Para], source: str) -> PolishResult:
    """All rule checks over parsed paragraphs (deterministic, no LLM)."""
    corpus = ctx.corpus
    data = polish_data(ctx)
    sections = build_sections(paras, data.structure.lookup)
    checker = _Checker(corpus.catalog, corpus.glossary, data, sections)
    check_sections(checker)
    check_citations(checker)
    check_group(checker)
    check_figures(checker)
    check_figure_conflicts(checker)
    check_glossary(checker)
    check_length(checker)
    check_contact_ads(checker)
    issues = [issue for _, issue in sorted(checker.issues, key=lambda x: x[0])]
    limits = corpus.glossary.section_limits
    infos = [SectionInfo(heading=s.label, written=s.written, text=s.text, chars=_chars(s.text),
                         limit=limits.get(s.name or ""))
             for i, s in enumerate(sections) if i > 0 or s.text.strip()]
    return PolishResult(source=source, issues=issues, sections=infos, structure=heading_scheme(sections, data))


def polish_data(ctx) -> PolishData:
    return load_polish_data(ctx.settings.corpus_dir)


def check_text(ctx, text: str, source: str = "input") -> PolishResult:
    if not text.strip():
        raise InputError(f"{source}: 没有可检查的文字")
    return check_paras(ctx, text_paras(text, polish_data(ctx).structure.lookup), source)


def polish_text(ctx, text: str, source: str = "input", rewrite: bool = True) -> PolishResult:
    """Polish pasted text (UI): rule checks, plus the LLM rewrite when a model is configured."""
    result = check_text(ctx, text, source)
    if rewrite:
        add_rewrite(ctx, result)
    return result


def polish_file(ctx, path: Path, rewrite: bool = True) -> PolishResult:
    """Polish a write-up file (.txt/.md/.docx/.pdf); bad files raise InputError with one line."""
    path = Path(path)
    s = ctx.settings
    result = check_paras(ctx, _file_paras(path, s.max_file_mb, s.max_pages, polish_data(ctx).structure.lookup,
                                          s.max_unpacked_mb), str(path))
    if rewrite:
        add_rewrite(ctx, result)
    return result
