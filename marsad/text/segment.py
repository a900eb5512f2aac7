"""Blocks (lines with zones), sentences, surface tokens and clitic words.

* A **block** is one non-empty line. Its zone (headline, standfirst, body, caption,
  boilerplate) comes from :mod:`marsad.text.boilerplate`; nothing is deleted.
* A **sentence** ends after a run of terminal marks (. ! ? ؟ …) outside quotation
  marks, and always at a line break; never inside «…», “…” or "…". A line break
  closes a quotation left open (textacy #379), so one stray mark cannot swallow the
  article.
* A **token** is a run of Arabic letters (with their diacritics and tatweel), a Latin
  word, a number (Western, Eastern or Persian digits, with . , ٫ ٬ : / inside), a URL,
  an e-mail, a hashtag, or one punctuation character. So ``بـ"إسرائيل"`` is
  بـ + " + إسرائيل + ".
* A token's **words** come from a conservative clitic splitter driven by
  ``text/data/clitics.json``: ``لإردوغان`` is ل + إردوغان, ``وبالكامل`` would be
  و + ب + ال + كامل, ``علاقاتها`` is علاقات + ها.

>>> from marsad.doc import Document
>>> doc = segment(Document('قال: "انتهى." ثم غادر. وصل بـ"إسرائيل" اليوم'))
>>> [s.text for s in doc.sentences]
['قال: "انتهى."', 'ثم غادر.', 'وصل بـ"إسرائيل" اليوم']
>>> [t.text for t in doc.tokens[-5:]]
['بـ', '"', 'إسرائيل', '"', 'اليوم']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..doc import Block, Document, Sentence, Token, Word
from ..resources import load_json
from .boilerplate import assign_zones
from .normalize import norm

AR_LETTERS = (
    "\u0621-\u063a\u0641-\u064a\u066e\u066f\u0671-\u06d3\u06d5\u06ee\u06ef"
    "\u06fa-\u06fc\u06ff\u0750-\u077f\u08a0-\u08c9"
)
AR_MARKS = "\u064b-\u065f\u0670\u06d6-\u06ed\u08d3-\u08ff"
TATWEEL = "\u0640"
DIGITS = "0-9\u0660-\u0669\u06f0-\u06f9"
LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"

_URL = r"(?:https?://|www\.)[^\s«»\"<>()]*[^\s«»\"<>().,،؛:!?؟']"
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_TAG = rf"[#@][{AR_LETTERS}{AR_MARKS}\w]+"
_NUMBER = rf"[{DIGITS}]+(?:[.,\u066b\u066c:/][{DIGITS}]+)*"
_WORD = rf"[{AR_LETTERS}][{AR_LETTERS}{AR_MARKS}{TATWEEL}]*"
_LATIN_WORD = rf"[{LATIN}](?:[{LATIN}0-9]|['’\-](?=[{LATIN}]))*"

# Kinds, tried in this order; used to name a token once it is materialised.
TOKEN_RE = re.compile(
    rf"(?P<url>{_URL})|(?P<email>{_EMAIL})|(?P<tag>{_TAG})|(?P<number>{_NUMBER})"
    rf"|(?P<word>{_WORD})|(?P<latin>{_LATIN_WORD})|(?P<punct>[^\w\s])|(?P<symbol>\S)"
)
# The same tokens without groups (faster to scan). URLs, e-mails and tags cost a
# second look at every word, so the short form is used when a text cannot hold them.
_SCAN_FULL = re.compile(f"{_URL}|{_EMAIL}|{_TAG}|{_NUMBER}|{_WORD}|{_LATIN_WORD}|\\S")
_SCAN_SHORT = re.compile(f"{_NUMBER}|{_WORD}|{_LATIN_WORD}|\\S")


def _scanner(text: str) -> re.Pattern[str]:
    if "@" in text or "#" in text or "://" in text or "www." in text:
        return _SCAN_FULL
    return _SCAN_SHORT


_SPACE = re.compile(r"\s")
_MARK_OR_TATWEEL = re.compile(f"[{AR_MARKS}{TATWEEL}]")


@dataclass(frozen=True)
class _SentenceRules:
    scan_re: re.Pattern[str]
    terminals: frozenset[str]
    openers: dict[str, str]
    closers: frozenset[str]
    toggles: frozenset[str]
    abbreviations: frozenset[str]


@lru_cache(maxsize=1)
def _sentence_rules() -> _SentenceRules:
    data = load_json("text/data/segment.json")
    terminals = frozenset(data["terminals"])
    openers = dict(data["quote_pairs"])
    closers = frozenset(c for _, c in data["quote_pairs"])
    toggles = frozenset(data["toggle_quotes"])
    marks = set(terminals) | set(openers) | set(closers) | set(toggles)
    term_cls = "".join(re.escape(t) for t in sorted(terminals))
    other = "".join(re.escape(c) for c in sorted(marks - terminals))
    return _SentenceRules(
        scan_re=re.compile(f"[{term_cls}]+|[{other}]"),
        terminals=terminals,
        openers=openers,
        closers=closers,
        toggles=toggles,
        abbreviations=frozenset(norm(w) for w in data["no_split_before_period"]["words"]),
    )


def split_blocks(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` of every non-empty line, stripped of edge whitespace.

    >>> split_blocks("عنوان\\n\\n  نص  \\nآخر")
    [(0, 5), (9, 11), (14, 17)]
    """
    out = []
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        s, e = _strip(text, pos, end)
        if s < e:
            out.append((s, e))
        if nl < 0:
            break
        pos = nl + 1
    return out


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split one line ``text[start:end]`` into sentence offsets.

    >>> t = "قال إنّ «الأمر انتهى. لا عودة» ثم غادر. الساعة 3.5 د. أحمد"
    >>> [t[s:e] for s, e in split_sentences(t, 0, len(t))]
    ['قال إنّ «الأمر انتهى. لا عودة» ثم غادر.', 'الساعة 3.5 د. أحمد']
    """
    rules = _sentence_rules()
    out: list[tuple[int, int]] = []
    # the closers we wait for, innermost last: nested «… “…” …» and „…“ both work
    expected: list[str] = []
    sent_start = start
    for m in rules.scan_re.finditer(text, start, end):
        ch = m.group()
        closes = bool(expected) and ch == expected[-1]
        if closes:
            expected.pop()
        elif ch in rules.toggles:
            expected.append(ch)  # a straight quote opens; the same mark closes it
            continue
        elif ch in rules.openers:
            expected.append(rules.openers[ch])
            continue
        elif ch in rules.closers:
            continue  # a stray closer: ignore it
        if closes:
            # a quotation that ends with a terminal mark ends the sentence too
            if not expected and text[m.start() - 1] in rules.terminals:
                cut = _after_closers(text, m.end(), end, rules)
                if _ends_here(text, cut, end):
                    out.append((sent_start, cut))
                    sent_start = cut
            continue
        # a run of terminal marks
        if expected:
            continue
        if ch == "." and _is_abbreviation_or_number(text, m.start(), m.end(), end, rules):
            continue
        cut = _after_closers(text, m.end(), end, rules)
        if not _ends_here(text, cut, end):
            continue
        out.append((sent_start, cut))
        sent_start = cut
    if sent_start < end:
        out.append((sent_start, end))
    # strip the spaces between sentences
    stripped = (_strip(text, s, e) for s, e in out)
    return [(s, e) for s, e in stripped if s < e]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """Move ``start`` and ``end`` inwards past whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _after_closers(text: str, pos: int, end: int, rules: _SentenceRules) -> int:
    """Move past closing brackets and quotes that belong to the sentence just ended."""
    while pos < end and (
        text[pos] in rules.closers or text[pos] in rules.toggles or text[pos] in ")]}"
    ):
        pos += 1
    return pos


def _ends_here(text: str, pos: int, end: int) -> bool:
    """A sentence may end at ``pos`` if a space, the line end or an Arabic letter follows."""
    if pos >= end:
        return True
    nxt = text[pos]
    return nxt.isspace() or ("\u0600" <= nxt <= "\u06ff" and not nxt.isdigit())


def _is_abbreviation_or_number(
    text: str, dot: int, after: int, end: int, rules: _SentenceRules
) -> bool:
    """Is this single period part of a number (3.5) or after an abbreviation (د. / Dr.)?"""
    if after - dot != 1:
        return False
    if after < end and text[after].isdigit():
        return True
    k = dot
    while k > 0 and not text[k - 1].isspace() and text[k - 1] not in '(«"“':
        k -= 1
    prev = text[k:dot]
    if not prev:
        return False
    bare = _MARK_OR_TATWEEL.sub("", prev)
    return (len(bare) == 1 and bare.isalpha()) or norm(bare) in rules.abbreviations


# -- clitic words ---------------------------------------------------------------------


@dataclass(frozen=True)
class _CliticRules:
    conjunctions: frozenset[str]
    prepositions: frozenset[str]
    future: frozenset[str]
    enclitics: tuple[str, ...]
    min_stem: int
    min_after_conj: int
    min_before_enclitic: int
    whole: frozenset[str]


@lru_cache(maxsize=1)
def _clitic_rules() -> _CliticRules:
    data = load_json("text/data/clitics.json")
    return _CliticRules(
        conjunctions=frozenset(data["conjunctions"]),
        prepositions=frozenset(data["prepositions"]),
        future=frozenset(data["future"]),
        enclitics=tuple(sorted(data["enclitics"], key=len, reverse=True)),
        min_stem=data["min_stem"],
        min_after_conj=data["min_stem_after_conjunction"],
        min_before_enclitic=data["min_stem_before_enclitic"],
        whole=frozenset(norm(w) for w in data["whole"]["words"]),
    )


_HAMZA_ALEF = frozenset("أإآ")
_PRESENT_PREFIX = frozenset("يتنأ")


@lru_cache(maxsize=65536)
def clitic_split(token: str) -> tuple[tuple[int, int, str, str], ...]:
    """Split an Arabic token into words: ``(start, end, form, kind)`` relative to the token.

    Diacritics and tatweel stay with the letter before them; an elided article (the
    second lam of «للبلدان») gets the form «ال».

    >>> [w[2] for w in clitic_split("لإردوغان")]
    ['ل', 'إردوغان']
    >>> [(w[2], w[3]) for w in clitic_split("وللبلدان")]
    [('و', 'proclitic'), ('ل', 'proclitic'), ('ال', 'article'), ('بلدان', 'stem')]
    >>> [w[2] for w in clitic_split("علاقاتها")]
    ['علاقات', 'ها']
    >>> [w[2] for w in clitic_split("وزير")]
    ['وزير']
    """
    rules = _clitic_rules()
    letters = [i for i, ch in enumerate(token) if not _MARK_OR_TATWEEL.match(ch)]
    skel = "".join(token[i] for i in letters)
    n = len(skel)
    whole_token = ((0, len(token), token.replace(TATWEEL, ""), "stem"),)
    if n <= 2 or norm(skel) in rules.whole:
        if token.endswith(TATWEEL) and n <= 2:  # «بـ» standing before a quote
            return ((0, len(token), token.replace(TATWEEL, ""), "proclitic"),)
        return whole_token
    # (skeleton start, skeleton end, form, kind)
    parts: list[tuple[int, int, str, str]] = []
    k = 0
    # a listed whole word carrying an enclitic («وزيرها», «بلادهم») keeps its first letter
    protected = any(
        skel.endswith(enc) and norm(skel[: n - len(enc)]) in rules.whole for enc in rules.enclitics
    )
    tatweel_cut = _tatweel_cut(token, letters)
    if protected:
        pass
    elif tatweel_cut:
        for j in range(tatweel_cut):
            parts.append((j, j + 1, skel[j], "proclitic"))
        k = tatweel_cut
    else:
        if skel[0] in rules.conjunctions and n - 1 >= rules.min_after_conj:
            parts.append((0, 1, skel[0], "proclitic"))
            k = 1
        rest = skel[k:]
        if norm(rest) not in rules.whole and len(rest) > 2:
            head, tail = rest[0], rest[1:]
            if (
                head in rules.prepositions
                and (
                    tail.startswith("ال")
                    or tail[0] in _HAMZA_ALEF
                    or len(tail) >= 4
                    or (head == "ل" and tail.startswith("ل") and len(tail) >= 3)
                )
            ) or (
                head in rules.future
                and tail[0] in _PRESENT_PREFIX
                and len(tail) >= 3
                and not tail.endswith(("ة", "ات"))  # a verb never ends so: «سيطرة», «سيارات»
            ):
                parts.append((k, k + 1, head, "proclitic"))
                k += 1
    rest = skel[k:]
    has_article = False
    if not protected and norm(rest) not in rules.whole:
        if rest.startswith("ال") and len(rest) - 2 >= rules.min_stem:
            parts.append((k, k + 2, "ال", "article"))
            k += 2
            has_article = True
        elif (
            parts
            and parts[-1][2] == "ل"
            and parts[-1][3] == "proclitic"
            and rest.startswith("ل")
            and len(rest) - 1 >= rules.min_stem
        ):
            parts.append((k, k + 1, "ال", "article"))
            k += 1
            has_article = True
    stem_end = n
    enclitic: str | None = None
    if not has_article and norm(skel[k:]) not in rules.whole:
        for enc in rules.enclitics:
            if skel.endswith(enc) and n - len(enc) - k >= rules.min_before_enclitic:
                if norm(skel[k : n - len(enc)] + enc) in rules.whole:
                    break
                enclitic = enc
                stem_end = n - len(enc)
                break
    if not parts and enclitic is None:
        return whole_token
    parts.append((k, stem_end, "", "stem"))
    if enclitic is not None:
        parts.append((stem_end, n, enclitic, "enclitic"))
    # map skeleton offsets to token offsets; marks and tatweel go with the letter before
    out = []
    for i, (s, e, form, kind) in enumerate(parts):
        start = 0 if i == 0 else letters[s] if s < n else len(token)
        end = letters[e] if e < n else len(token)
        if i == len(parts) - 1:
            end = len(token)
        piece = token[start:end]
        out.append((start, end, form or piece.replace(TATWEEL, ""), kind))
    return tuple(out)


def _tatweel_cut(token: str, letters: list[int]) -> int:
    """Number of proclitic letters ended by a tatweel (``بـإسرائيل`` -> 1), else 0."""
    rules = _clitic_rules()
    clitics = rules.conjunctions | rules.prepositions
    for j in range(min(3, len(letters) - 1)):
        nxt = letters[j + 1]
        if token[letters[j]] not in clitics:
            return 0
        if TATWEEL in token[letters[j] + 1 : nxt]:
            return j + 1
    return 0


class Tokens:
    """Token offsets of a document as ``(start, end)`` pairs; see :class:`marsad.doc.TokenTable`.

    Segmentation only runs the token regex and records offsets; Token and Word
    objects (with their kind and clitic words) are built when ``doc.tokens`` is first
    read.
    """

    __slots__ = ("_scan", "spans")

    def __init__(self, text: str = "") -> None:
        self.spans: list[tuple[int, int]] = []
        self._scan = _scanner(text)

    def __len__(self) -> int:
        return len(self.spans)

    def add(self, text: str, start: int, end: int) -> None:
        """Tokenize ``text[start:end]`` and append the offsets."""
        self.spans += [m.span() for m in self._scan.finditer(text, start, end)]

    def materialize(self, text: str) -> list[Token]:
        """Build the Token objects, each with its kind and words."""
        tokens: list[Token] = []
        append = tokens.append
        for i, (s, e) in enumerate(self.spans):
            surface = text[s:e]
            kind, parts = _token_template(surface)
            tok = Token(
                s,
                e,
                surface,
                i,
                kind,
                [
                    Word(s + ws, s + we, wtext, form, wkind, i)
                    for ws, we, wtext, form, wkind in parts
                ],
            )
            append(tok)
        return tokens


@lru_cache(maxsize=131072)
def _token_template(surface: str) -> tuple[str, tuple[tuple[int, int, str, str, str], ...]]:
    """The kind of a token and its words relative to it (cached: news repeats its words)."""
    m = TOKEN_RE.match(surface)
    kind = (m.lastgroup or "symbol") if m is not None and m.end() == len(surface) else "symbol"
    if kind == "word":
        return kind, tuple(
            (ws, we, surface[ws:we], form, wkind) for ws, we, form, wkind in clitic_split(surface)
        )
    return kind, ((0, len(surface), surface, surface, "stem"),)


def tokenize(text: str) -> list[Token]:
    """Tokenize a whole text into surface tokens with their words.

    >>> [t.text for t in tokenize("وقال لـ«رويترز»: 3.5%")]
    ['وقال', 'لـ', '«', 'رويترز', '»', ':', '3.5', '%']
    """
    table = Tokens(text)
    table.add(text, 0, len(text))
    return table.materialize(text)


def segment(doc: Document, *, headline: bool | None = None) -> Document:
    """Fill ``doc.blocks``, ``doc.sentences`` and the document's tokens.

    Args:
        doc: the document.
        headline: whether the first line is the headline; default: when ``doc.title``
            is set and the text starts with it.
    """
    text = doc.text
    spans = split_blocks(text)
    if headline is None:
        headline = bool(doc.title) and text.startswith(doc.title.strip())  # type: ignore[union-attr]
    zones = assign_zones(text, spans, headline=headline)
    blocks: list[Block] = []
    sentences: list[Sentence] = []
    table = Tokens(text)
    for bi, ((bs, be), (zone, reason)) in enumerate(zip(spans, zones, strict=True)):
        blocks.append(Block(bs, be, text[bs:be], i=bi, zone=zone, reason=reason))
        for ss, se in split_sentences(text, bs, be):
            first = len(table)
            table.add(text, ss, se)
            sentences.append(
                Sentence(
                    ss,
                    se,
                    text[ss:se],
                    i=len(sentences),
                    block=bi,
                    zone=zone,
                    first_token=first,
                    last_token=len(table),
                )
            )
    doc.blocks = blocks
    doc.sentences = sentences
    doc.set_token_table(table)
    return doc
