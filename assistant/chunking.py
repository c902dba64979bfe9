"""Cut documents into retrieval chunks along Chinese document structure, never mid-sentence."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from assistant.loaders import Block, Document
from assistant.textnorm import split_sentences

MAX_CHARS = 360


@dataclass
class Chunk:
    """The unit we index and retrieve, with everything needed to cite it."""

    id: str
    text: str
    source: str
    location: str
    doc_type: str
    section: str = ""
    meta: dict = field(default_factory=dict)

    @property
    def embed_text(self) -> str:
        # The heading carries the topic of short paragraphs ("三、试点考核" + "（四）面向中小企业…").
        return f"{self.section}\n{self.text}" if self.section and self.section not in self.text else self.text


def chunk_id(source: str, location: str, text: str, seq: int) -> str:
    return hashlib.sha1(f"{source}\x1f{location}\x1f{seq}\x1f{text}".encode()).hexdigest()[:16]


def chunk_document(doc: Document, max_chars: int = MAX_CHARS) -> list[Chunk]:
    """Group a section's paragraphs up to max_chars; split long paragraphs at 。；！？; table rows stand alone."""
    pieces: list[tuple[Block, str]] = []
    for block in doc.blocks:
        if block.kind == "heading":
            pieces.append((block, ""))  # a boundary marker
        elif block.kind == "table_row" or len(block.text) <= max_chars:
            pieces.append((block, block.text))
        else:
            pieces.extend((block, part) for part in _pack(split_sentences(block.text), max_chars))
    return _merge(doc, pieces, max_chars)


def _pack(sentences: list[str], max_chars: int) -> list[str]:
    parts, buf = [], ""
    for sentence in sentences:
        if buf and len(buf) + len(sentence) > max_chars:
            parts.append(buf)
            buf = ""
        buf += sentence
    return [*parts, buf] if buf else parts


def _merge(doc: Document, pieces: list[tuple[Block, str]], max_chars: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    buf: list[tuple[Block, str]] = []

    def flush() -> None:
        if buf:
            first = buf[0][0]
            text = "\n".join(t for _, t in buf)
            location = first.location if first.location == buf[-1][0].location else f"{first.location}起"
            meta = {**doc.meta, **({"page": first.page} if first.page else {})}
            seq = len(chunks)
            chunks.append(
                Chunk(chunk_id(doc.source, location, text, seq), text, doc.source, location, doc.doc_type, first.section, meta)
            )
            buf.clear()

    for block, text in pieces:
        if not text:  # heading: a section boundary
            flush()
            continue
        size = sum(len(t) for _, t in buf)
        if buf and (block.kind == "table_row" or buf[-1][0].kind == "table_row" or size + len(text) > max_chars
                    or block.section != buf[-1][0].section):
            flush()
        buf.append((block, text))
    flush()
    return chunks
