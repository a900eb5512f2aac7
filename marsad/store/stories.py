"""Near-duplicate stories: MinHash signatures and an LSH index (datasketch).

Wire copies (واس، سانا، وفا، وكالات) reprinted by many outlets, and light rewrites
of one report, share most of their word 4-shingles. Each document gets a MinHash
signature of its matching-normalised shingles; a new document joins the story of
the first stored document whose estimated Jaccard similarity passes the threshold,
or starts a story of its own.

>>> a = signature("وصل وزير الخارجية إلى الرياض اليوم في زيارة رسمية تستمر يومين")
>>> b = signature("وصل وزير الخارجية إلى الرياض، اليوم، في زيارة رسمية تستمر يومين")
>>> c = signature("أعلنت وزارة الصحة افتتاح مستشفى جديد في المدينة الشمالية بسعة مئتي سرير")
>>> round(similarity(a, b), 1), similarity(a, c) < 0.2
(1.0, True)
"""

from __future__ import annotations

import re

import numpy as np
from datasketch import MinHash, MinHashLSH  # type: ignore[import-untyped]

from ..text.normalize import norm

NUM_PERM = 64
SHINGLE = 4
THRESHOLD = 0.5  # estimated Jaccard similarity of shingle sets that makes one story
_SCHEME = "affine32"  # datasketch 2 hashing; stored signatures depend on it

_WORD = re.compile(r"\w+")


def _minhash(text: str) -> MinHash:
    words = _WORD.findall(norm(text))
    if len(words) >= SHINGLE:
        shingles = {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
    else:
        shingles = {" ".join(words)}
    m = MinHash(num_perm=NUM_PERM, seed=1, scheme=_SCHEME)
    m.update_batch([s.encode("utf-8") for s in sorted(shingles)])
    return m


def signature(text: str) -> bytes:
    """The MinHash signature of a text, as bytes to store."""
    return bytes(_minhash(text).hashvalues.astype("<u8").tobytes())


def _from_bytes(sig: bytes) -> MinHash:
    return MinHash(
        num_perm=NUM_PERM, seed=1, scheme=_SCHEME, hashvalues=np.frombuffer(sig, dtype="<u8")
    )


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(_from_bytes(a).jaccard(_from_bytes(b)))


class StoryIndex:
    """The LSH index of stored documents, rebuilt from the database when it opens."""

    def __init__(self) -> None:
        self._lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        self._story: dict[int, int] = {}  # document row id → story id

    def __len__(self) -> int:
        return len(self._story)

    def find(self, sig: bytes) -> int | None:
        """The story of the earliest stored document near this signature, if any."""
        hits = self._lsh.query(_from_bytes(sig))
        if not hits:
            return None
        first = min(int(h) for h in hits)
        return self._story[first]

    def add(self, doc_row: int, story_id: int, sig: bytes) -> None:
        """Index a stored document under its story."""
        self._lsh.insert(str(doc_row), _from_bytes(sig))
        self._story[doc_row] = story_id
