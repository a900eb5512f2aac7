"""Arabic-aware full-text search terms, the same for indexing and for queries.

A document is indexed under every word's matching-normalised form (alef forms,
alef maqsura, taa marbuta and diacritics folded, so «هيئة»/«هيئه» and
«إيران»/«ايران» are one word), its form without proclitics (و ف ب ل ك: «وبإيران» →
«ايران») and its core without the article («الايرانيه» → «ايرانيه»). A query word is
looked up by its core, so every written variant of a word finds every other.

>>> index_terms("وقالت هيئة الأمم المتحدة")
'وقالت قالت هييه الامم امم المتحده متحده'
>>> query_terms("الهيئه")
['هييه']
"""

from __future__ import annotations

import re

from ..ner.features import strip_clitics
from ..text.normalize import norm

_WORD = re.compile(r"\w+")


def _forms(word: str) -> list[str]:
    _, stem = strip_clitics(word)
    core = stem[2:] if stem.startswith("ال") and len(stem) > 4 else stem
    out = [word]
    for f in (stem, core):
        if f not in out:
            out.append(f)
    return out


def _core(word: str) -> str:
    return _forms(word)[-1]


def index_terms(text: str) -> str:
    """The words a text is indexed under, space-separated (see the module doc)."""
    return " ".join(f for w in _WORD.findall(norm(text).lower()) for f in _forms(w))


def query_terms(query: str) -> list[str]:
    """The index terms a query looks up (all must match), in order, without repeats."""
    out: list[str] = []
    for w in _WORD.findall(norm(query).lower()):
        c = _core(w)
        if c not in out:
            out.append(c)
    return out
