"""CoNLL files: one token per line, blank lines between sentences.

Reading for training maps each corpus's tag names onto ours (PERS, ORG, LOC, MISC):
ANERcorp writes PERS and MISC, AQMAR PER and MIS; Wojood's nested layers are flattened
to their outermost person, organisation or place (GPE and FAC are places here, as in
ANERcorp). Reading for tagging keeps every line as it was, so the output repeats the
input line for line with one column added.

>>> map_tag("B-PER"), map_tag("I-MIS"), map_tag("B-GPE"), map_tag("B-DATE"), map_tag("O")
('B-PERS', 'I-MISC', 'B-LOC', 'O', 'O')
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import Errors, InputError

TYPES = ("PERS", "ORG", "LOC", "MISC")
_TYPE_MAP = {
    "PERS": "PERS",
    "PER": "PERS",
    "ORG": "ORG",
    "LOC": "LOC",
    "GPE": "LOC",
    "FAC": "LOC",
    "MISC": "MISC",
    "MIS": "MISC",
}


def map_tag(tag: str) -> str:
    """Our tag for a corpus tag (unknown types become ``O``)."""
    if tag in ("O", "") or len(tag) < 3 or tag[1] != "-" or tag[0] not in "BI":
        return "O"
    t = _TYPE_MAP.get(tag[2:])
    return f"{tag[0]}-{t}" if t else "O"


@dataclass
class ConllSentence:
    """One sentence of a CoNLL file: its lines as read, tokens, and gold tags if any."""

    lines: list[str]
    tokens: list[str]
    tags: list[str]
    domain: str = ""  # the corpus's kind of text (news, wiki), for feature augmentation


def read_lines(path: str | Path) -> list[str]:
    """The lines of a CoNLL file (``-``: standard input), decoded as UTF-8 (with or
    without a BOM).

    Raises:
        InputError: the file is missing, not UTF-8 or binary.
    """
    try:
        data = sys.stdin.buffer.read() if str(path) == "-" else Path(path).read_bytes()
    except FileNotFoundError as e:
        raise InputError(Errors.E100.format(path=path)) from e
    except OSError as e:
        raise InputError(Errors.E130.format(path=path, detail=e.strerror or str(e))) from e
    if b"\x00" in data[:4096]:
        raise InputError(Errors.E130.format(path=path, detail="binary data, not a CoNLL text file"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(
            Errors.E130.format(
                path=path, detail=f"not UTF-8 (byte {e.start}); convert it with iconv"
            )
        ) from e
    return text.splitlines()


def sentences(lines: list[str], *, nested: bool = False) -> Iterator[ConllSentence]:
    """Group lines into sentences; the first column is the token, the last the tag.

    Args:
        lines: the file's lines.
        nested: the tag columns are nested layers (Wojood): keep the outermost person,
            organisation or place of each token.
    """
    block: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            block.append(line)
            continue
        if block:
            toks = [ln.split()[0] for ln in block]
            cols = [ln.split()[1:] for ln in block]
            tags = _flatten(cols) if nested else [map_tag(c[-1]) if c else "O" for c in cols]
            yield ConllSentence(block, toks, tags)
            block = []


def _flatten(cols: list[list[str]]) -> list[str]:
    """Flatten nested layers: spans of our types, outermost first, none overlapping."""
    spans: list[tuple[int, int, str]] = []
    depth = max((len(c) for c in cols), default=0)
    for layer in range(depth):
        tags = [c[layer] if layer < len(c) else "O" for c in cols]
        spans.extend(s for s in spans_of([map_tag(t) for t in tags]) if s not in spans)
    out = ["O"] * len(cols)
    taken = [False] * len(cols)
    for s, e, t in sorted(spans, key=lambda x: (-(x[1] - x[0]), x[0])):
        if any(taken[s:e]):
            continue
        out[s] = "B-" + t
        for k in range(s, e):
            taken[k] = True
            if k > s:
                out[k] = "I-" + t
    return out


def read_corpus(path: str | Path, *, nested: bool = False) -> list[ConllSentence]:
    """A whole training file as sentences with our tags (see :func:`sentences`)."""
    return [s for s in sentences(read_lines(path), nested=nested) if s.tokens != ["$#$"]]


def spans_of(tags: list[str]) -> list[tuple[int, int, str]]:
    """Spans ``(start, end, type)`` of a BIO sequence, read as conlleval does: an I- tag
    that does not continue a span of its type starts one.

    >>> spans_of(["B-PERS", "I-PERS", "O", "I-LOC", "B-LOC", "I-ORG"])
    [(0, 2, 'PERS'), (3, 4, 'LOC'), (4, 5, 'LOC'), (5, 6, 'ORG')]
    """
    out: list[tuple[int, int, str]] = []
    start, typ = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        kind, t = (tag[0], tag[2:]) if tag != "O" else ("O", "")
        if start >= 0 and (kind != "I" or t != typ):
            out.append((start, i, typ))
            start = -1
        if kind == "B" or (kind == "I" and start < 0):
            start, typ = i, t
    return out
