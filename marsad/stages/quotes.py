"""``marsad.quotes.v1``: who said what — direct, indirect and mixed quotes, each with its
cue, its content and its speaker resolved to an entity of the document.

The reading follows Arabic news prose, sentence by sentence, with the cue words in
``lexicons/data/quotes.json``:

1. **Quotations** (:func:`find_quotations`): «…», “…”, "…" and '…' paired per
   paragraph; a quotation left open at the end of a paragraph runs on when the next
   paragraph opens with the same mark, and otherwise ends with its paragraph.
2. **Cues**: a reporting verb («قال», «أكّد», «شدّد» …) takes a subject after it (Arabic
   VSO: «شدّد الرئيس التركي»), or before it (a headline: «الوزير يؤكد …»), or none (the
   dropped subject of «وأضاف أنّ …»). Its content starts at a complementiser («أنّ،
   إنّ، بأنّ»), at the preposition it governs («شدّد على …», «دعا إلى …»), at a colon
   or a quotation, or, for some verbs, at a direct object («أبدى استعداد بلاده …»).
   Content runs to the end of the reported clause: the sentence, or a comma before
   the next cue («، مشيراً إلى أنّ …»), a new clause («، كما …») or a sourcing frame.
3. **Kinds**: content that is one quotation is *direct* (its span is the text inside
   the marks); content holding a quotation of ``min_quoted_words`` words or more is
   *mixed*; the rest is *indirect*. Quotation marks around a name («منصة "إكس"»,
   «بـ"إسرائيل"») make no quote.
4. **Sourcing frames**: «بحسب X، …», «…، وفقاً لـX», «نقلت X عن Y أنّ …»: X (Y) is
   the speaker. A frame around the readout of a meeting («بحسب البيان، بحث
   الجانبان …») is left to the events stage.
5. **Speakers**: the subject's entity mention (a title in apposition with a name counts
   as one: «القائد العام …، اللواء فلان»); «المتحدث باسم X» speaks for X; an unnamed
   source («مصدر عسكري») keeps ``speaker: None`` and its words as ``speaker_text``;
   a dropped subject is the current speaker of the discourse (the last speaker or
   sentence subject), and after «من جهته» / «بدوره» the person last mentioned
   other than the current speaker.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import lru_cache

from ..doc import Document, Entity, Mention, Quote, Span
from ..registry import Stage, registry
from ..resources import load_json
from ..text.normalize import norm

SPEAKER_TYPES = frozenset({"PERSON", "ORG", "GPE"})
_COMMAS = frozenset({"،", ",", "؛", ";"})
_COLONS = frozenset({":", "："})
_SENTENCE_END = frozenset({".", "!", "?", "؟", "…"})
_OPEN_CLOSE = {"«": "»", "“": "”", "„": "“", "‹": "›"}
_STRAIGHT = frozenset({'"', "'"})
_QUOTE_MARKS = frozenset("«»“”„‹›\"'")


@dataclass(frozen=True)
class QuotesConfig:
    """Options of ``marsad.quotes.v1``.

    Attributes:
        min_quoted_words: a quotation inside reported content makes the quote *mixed*
            (and makes a verb of discussion a cue) when it has at least this many words.
        max_cue_gap: most tokens between a cue (or its subject) and where its content
            starts («شدّد الرئيس، خلال لقائه …، على هامش …، أنّ …»).
        skip_zones: zones whose text is never read for quotes.
        nil_speakers: an explicit subject that reads as a personal name the knowledge
            base does not know («وقال خالد العتيبي إنّ …»: a given name and one to three
            more words) becomes a NIL person entity, the quote's speaker.
    """

    min_quoted_words: int = 3
    max_cue_gap: int = 45
    skip_zones: tuple[str, ...] = ("boilerplate",)
    nil_speakers: bool = True


@dataclass(frozen=True)
class Quotation:
    """A stretch of text between quotation marks: ``[open, close]`` are the marks'
    offsets (``close`` is ``None`` for a quotation left open), ``[start, end)`` its
    inside."""

    open: int
    close: int | None
    start: int
    end: int


@dataclass(frozen=True)
class Cue:
    """A cue word's lexicon entry."""

    lemma: str
    participle: bool
    takes: frozenset[str]
    object: bool
    strict: bool = False


@dataclass
class Lexicon:
    """``lexicons/data/quotes.json`` in normalised, ready-to-look-up form."""

    cues: dict[str, Cue]
    discuss: frozenset[str]
    readout: frozenset[str]
    complementisers: frozenset[str]
    preps: dict[str, str]  # normalised word -> takes key
    not_content: frozenset[str]
    object_heads: frozenset[str]
    unnamed: frozenset[str]
    spokesman: frozenset[str]
    bism: frozenset[str]
    subject_skip: frozenset[str]
    frames: tuple[tuple[str, ...], ...]
    documents: frozenset[str]
    issuer: tuple[tuple[str, ...], ...]
    relay: frozenset[str]
    saying: frozenset[str]
    switch: tuple[tuple[str, ...], ...]
    naming: frozenset[str]
    clause_breaks: frozenset[str]
    impersonal: frozenset[str]
    function_words: frozenset[str]
    ranks: frozenset[str] = field(default_factory=frozenset)
    title_words: frozenset[str] = field(default_factory=frozenset)
    given_names: frozenset[str] = field(default_factory=frozenset)


def _words(values: list[str]) -> frozenset[str]:
    return frozenset(norm(v) for v in values)


def _phrases(values: list[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(sorted((tuple(norm(v).split()) for v in values), key=len, reverse=True))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The quote lexicon, loaded once (its checksum checked)."""
    d = load_json("lexicons/data/quotes.json")
    cues: dict[str, Cue] = {}
    for c in d["cues"]:
        takes = frozenset(c["takes"])
        for w in c["forms"]:
            cues.setdefault(norm(w), Cue(c["lemma"], False, takes, c["object"], c["strict"]))
        for w in c["participles"]:
            cues.setdefault(norm(w), Cue(c["lemma"], True, takes, c["object"], c["strict"]))
    preps = {
        norm(w): key for key in ("ala", "ila", "min", "an", "bi") for w in d["prepositions"][key]
    }
    ents = load_json("lexicons/data/entities.json")
    names = load_json("lexicons/data/names.json")
    return Lexicon(
        cues=cues,
        discuss=_words(d["discuss"]["forms"]),
        readout=_words(d["readout_verbs"]["forms"]),
        complementisers=_words(d["complementisers"]["forms"]),
        preps=preps,
        not_content=_words(d["not_content"]["words"]),
        object_heads=_words(d["object_heads"]["words"]),
        unnamed=_words(d["unnamed_sources"]["words"]),
        spokesman=_words(d["spokesman"]["words"]),
        bism=_words(d["spokesman"]["bism"]),
        subject_skip=_words(d["subject_skip"]["words"]),
        frames=_phrases(d["frames"]["phrases"]),
        documents=_words(d["documents"]["words"]),
        issuer=_phrases(d["documents"]["issuer"]),
        relay=_words(d["relay"]["forms"]),
        saying=_words(d["relay"]["saying"]),
        switch=_phrases(d["switch"]["phrases"]),
        naming=_words(d["naming_nouns"]["words"]),
        clause_breaks=_words(d["clause_breaks"]["words"]),
        impersonal=_words(d["impersonal"]["forms"]),
        function_words=_words(d["function_words"]["words"]),
        ranks=_words(ents["ranks"]["words"]),
        title_words=_words(ents["title_words"]["words"]) | _words(ents["ranks"]["words"]),
        given_names=_words(
            [w for key in ("arabic_male", "arabic_female", "foreign") for w in names[key]]
        ),
    )


# -- quotations ------------------------------------------------------------------------
def find_quotations(text: str, blocks: list[tuple[int, int]]) -> list[Quotation]:
    """Pair quotation marks paragraph by paragraph (see the module docstring)."""
    out: list[Quotation] = []
    carry: tuple[int, str] | None = None  # an open quotation running into the next block
    for b, (bs, be) in enumerate(blocks):
        stack: list[tuple[int, str]] = []  # (offset of the opening mark, expected closer)
        pos = bs
        if carry is not None:
            first = _first_char(text, bs, be)
            if first is not None and text[first] == text[carry[0]]:
                stack.append(carry)  # the paragraph re-opens the running quotation
                pos = first + 1
            else:
                out.append(_quotation(text, carry[0], None, blocks[b - 1][1]))
            carry = None
        while pos < be:
            if text[pos] in _QUOTE_MARKS:
                _mark(text, pos, be, stack, out)
            pos += 1
        while len(stack) > 1:  # inner quotations left open end with the paragraph
            o, _ = stack.pop()
            out.append(_quotation(text, o, None, be))
        if stack:
            carry = stack[0]
            nxt = blocks[b + 1] if b + 1 < len(blocks) else None
            if nxt is None:
                out.append(_quotation(text, carry[0], None, be))
                carry = None
    return sorted(out, key=lambda q: q.open)


def _first_char(text: str, start: int, end: int) -> int | None:
    for k in range(start, end):
        if not text[k].isspace():
            return k
    return None


def _mark(
    text: str, pos: int, end: int, stack: list[tuple[int, str]], out: list[Quotation]
) -> None:
    """Handle the quotation mark at ``pos``: close the open quotation it ends, or open
    one; a closer with nothing open is ignored."""
    ch = text[pos]
    if stack and ch == stack[-1][1]:
        o, _ = stack.pop()
        out.append(_quotation(text, o, pos, pos))
    elif ch in _OPEN_CLOSE:
        stack.append((pos, _OPEN_CLOSE[ch]))
    elif ch in _STRAIGHT and (ch == '"' or _apostrophe_quote(text, pos, end)):
        stack.append((pos, ch))


def _apostrophe_quote(text: str, pos: int, end: int) -> bool:
    """A ' opens a quotation only after a space or a proclitic and before a letter."""
    before = text[pos - 1] if pos > 0 else " "
    after = text[pos + 1] if pos + 1 < end else " "
    return (before.isspace() or before in "ـ(") and not after.isspace()


def _quotation(text: str, o: int, close: int | None, end: int) -> Quotation:
    inner_end = close if close is not None else end
    while inner_end > o + 1 and text[inner_end - 1].isspace():
        inner_end -= 1
    return Quotation(o, close, o + 1, inner_end)


# -- reading ---------------------------------------------------------------------------
@dataclass
class _Found:
    kind: str
    cue: tuple[int, int]
    content: tuple[int, int]
    speaker: str | None
    speaker_text: tuple[int, int] | None


class _Reader:
    def __init__(self, doc: Document, config: QuotesConfig) -> None:
        self.doc = doc
        self.text = doc.text
        self.config = config
        self.lex = lexicon()
        self.tokens = doc.tokens
        self.starts = [t.start for t in self.tokens]
        self.norms = [norm(t.text) for t in self.tokens]
        self.mentions: list[Mention] = sorted(
            doc.spans.get("mentions", []), key=lambda m: (m.start, -m.end)
        )
        self.m_starts = [m.start for m in self.mentions]
        self.entities = {e.id: e for e in doc.entities}
        blocks = [(b.start, b.end) for b in doc.blocks] or [(0, len(self.text))]
        self.quotations = find_quotations(self.text, blocks)
        self.q_by_open = {q.open: q for q in self.quotations}
        self.found: list[_Found] = []
        self.claimed: list[tuple[int, int]] = []  # content spans already taken
        self.topic: tuple[str | None, int] | None = None  # (entity id, offset)
        self.nil_by_name: dict[str, str] = {}  # normalised name -> NIL entity id
        self.nil_by_part: dict[str, str] = {}  # normalised family name -> NIL entity id
        self.new_mentions: list[Mention] = []
        self.last_document_source: str | None = None

    # -- token helpers ---------------------------------------------------------------
    def tok(self, k: int) -> str:
        return self.tokens[k].text if 0 <= k < len(self.tokens) else ""

    def nrm(self, k: int) -> str:
        return self.norms[k] if 0 <= k < len(self.norms) else ""

    def bare(self, k: int) -> str:
        """The normalised token without a leading و or ف."""
        n = self.nrm(k)
        return n[1:] if len(n) > 3 and n[0] in "وف" else n

    def token_at(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def is_mark(self, k: int) -> bool:
        return self.tok(k) in _QUOTE_MARKS

    def mention_at(self, k: int, *, inside: bool = False) -> Mention | None:
        """The longest mention starting at token ``k`` (or inside it, after a proclitic)."""
        if not 0 <= k < len(self.tokens):
            return None
        t = self.tokens[k]
        i = bisect.bisect_left(self.m_starts, t.start)
        while i < len(self.mentions) and self.mentions[i].start < t.end:
            m = self.mentions[i]
            if m.start == t.start or (inside and m.start < t.end):
                return m
            i += 1
        return None

    def entity(self, m: Mention | None) -> Entity | None:
        if m is None or m.entity is None:
            return None
        return self.entities.get(m.entity)

    def speaker_of(self, m: Mention | None) -> str | None:
        e = self.entity(m)
        return e.id if e is not None and e.type in SPEAKER_TYPES else None

    def after(self, m: Mention) -> int:
        """The token after a mention."""
        return self.token_at(m.end - 1) + 1

    def claimed_at(self, offset: int) -> bool:
        return any(s <= offset < e for s, e in self.claimed)

    def quotation_at(self, k: int) -> Quotation | None:
        """The quotation opened by the mark at token ``k``."""
        if not self.is_mark(k):
            return None
        return self.q_by_open.get(self.tokens[k].start)

    def is_name_quotation(self, q: Quotation) -> bool:
        """«منصة "إكس"», «بـ"إسرائيل"», «"طوفان الأقصى"»: a name, not a quote."""
        k = self.token_at(q.open)
        prev = self.bare(k - 1)
        if prev in self.lex.naming:
            return True
        words = self._word_count(q.start, q.end)
        if words < 2:
            return True  # «الداخلية», «محايدة»: a name or a scare-quoted word
        if words <= 3:
            i = bisect.bisect_left(self.m_starts, q.start)
            covered = sum(
                m.end - m.start for m in self.mentions[i:] if m.start < q.end and m.end <= q.end
            )
            if covered >= 0.6 * len(self.text[q.start : q.end].strip()):
                return True
        return False

    def _word_count(self, start: int, end: int) -> int:
        a, b = self.token_at(start), self.token_at(max(start, end - 1))
        return sum(1 for k in range(a, b + 1) if self.tokens[k].kind in ("word", "latin"))

    # -- sentences ---------------------------------------------------------------------
    def read(self) -> list[Quote]:
        skip = set(self.config.skip_zones)
        for sent in self.doc.sentences:
            if sent.zone in skip:
                continue
            first, last = sent.first_token, sent.last_token
            self._headline_colon(first, last)
            self._frame_leading(first, last)
            k = first
            while k < last:
                k = self._cue_at(k, first, last)
            self._frame_trailing(first, last)
            self._quote_then_cue(first, last)
            self._update_topic(first, last)
        return self._quotes()

    def _cue_at(self, k: int, first: int, last: int) -> int:
        """Read a cue at token ``k``; returns the next token to look at."""
        if self.claimed_at(self.tokens[k].start) or self._inside_quotation(k):
            return k + 1
        b = self.bare(k)
        n = self.nrm(k)
        cue = self.lex.cues.get(n) or self.lex.cues.get(b)
        if cue is not None:
            return self._speech(k, cue, first, last)
        if n in self.lex.relay or b in self.lex.relay:
            return self._relay(k, first, last)
        if n in self.lex.discuss or b in self.lex.discuss:
            return self._discuss(k, first, last)
        return k + 1

    def _inside_quotation(self, k: int) -> bool:
        off = self.tokens[k].start
        return any(f.kind == "direct" and f.content[0] <= off < f.content[1] for f in self.found)

    # -- subjects ----------------------------------------------------------------------
    def _subject(self, k: int, last: int) -> tuple[str | None, tuple[int, int] | None, int] | None:
        """The subject right after token ``k`` (the cue): ``(speaker, text span, next
        token)``, or ``None`` when the subject is dropped."""
        j = k
        while j < last and (self.bare(j) in self.lex.subject_skip or self.tok(j) in _COMMAS):
            j += 1
        if j >= last or self.tok(j) in _COLONS or self.is_mark(j):
            return None
        n = self.nrm(j)
        if n in self.lex.complementisers or n in self.lex.preps or self._is_compl(j):
            return None
        seg_end = self._segment_end(j, last)
        m = self.mention_at(j)
        speaker: str | None = None
        text_span = (self.tokens[j].start, self.tokens[seg_end - 1].end)
        described = None if self.speaker_of(m) is not None else self._described(j, seg_end)
        if m is not None and self.speaker_of(m) is not None:
            speaker = self.speaker_of(m)
            seg_end = self.after(m)
            text_span = (m.start, m.end)
        elif described is not None:
            # «المحلل السياسي فراس العبيدي»: a description, then the person
            speaker = self.speaker_of(described)
            seg_end = self.after(described)
            text_span = (self.tokens[j].start, described.end)
        elif n in self.lex.spokesman and self.nrm(j + 1) in self.lex.bism:
            org = self.mention_at(j + 2)
            speaker = self.speaker_of(org)
            if org is not None and speaker is not None:
                seg_end = self.after(org)
                text_span = (self.tokens[j].start, org.end)
        nxt = seg_end
        # an apposition: «…، إبراهيم رئيسي،» or «…، اللواء فلان،»
        if self.tok(seg_end) in _COMMAS:
            a = seg_end + 1
            if self.nrm(a) in self.lex.ranks and self.mention_at(a) is None:
                a += 1
            am = self.mention_at(a)
            ae = self.entity(am)
            if am is not None and ae is not None and ae.type == "PERSON":
                a_end = self.after(am)
                closed = a_end >= last or self.tok(a_end) in _COMMAS or self._content_start(a_end)
                same = speaker is None or self.entity(m) is ae or self._is_title(j, seg_end)
                if closed and same:
                    speaker = ae.id
                    text_span = (text_span[0], am.end)
                    nxt = a_end
        if speaker is not None:
            return speaker, text_span, nxt
        if (
            n in self.lex.function_words
            or self.tokens[j].kind != "word"
            or self.bare(j) in self.lex.cues
        ):
            return None  # not a subject: «أكّد في بيان …»
        if self.tok(j).endswith(("ًا", "اً", "ً")) and j + 1 < last:
            return self._subject(j + 1, last)  # «قال مبتسماً إنّ …»: a circumstance
        if n in self.lex.ranks and self.speaker_of(self.mention_at(j + 1)) is not None:
            m = self.mention_at(j + 1)  # «الدكتور الزياني»
            assert m is not None
            return self.speaker_of(m), (self.tokens[j].start, m.end), self.after(m)
        if n in self.lex.ranks and not self._plain_word(j + 1):
            # «وقال الوزير إنّ …»: a bare title is the current speaker
            return self._topic_id(), (self.tokens[j].start, self.tokens[j].end), j + 1
        # an explicit subject the entity stage does not know: «مصدر عسكري», «دراسة حديثة»,
        # «الباحث فلان الفلاني» — never the current speaker
        nil = self._nil_speaker(j, seg_end)
        if nil is not None:
            return nil
        end = j + 1
        while end < seg_end and end - j < 6 and self._plain_word(end):
            end += 1
        return None, (self.tokens[j].start, self.tokens[end - 1].end), end

    def _described(self, j: int, end: int) -> Mention | None:
        """A person named after up to four words that describe them, with no comma or
        function word between: «المحلل السياسي فراس العبيدي», «رئيس بلدية الرمادي
        عيسى الساير» (a place inside the description is stepped over)."""
        p, words = j, 0
        while p < end and words < 5:
            m = self.mention_at(p)
            if m is not None and p > j:
                e = self.entity(m)
                if e is not None and e.type == "PERSON":
                    return m
                p, words = self.after(m), words + 1
                continue
            n = self.nrm(p)
            if (
                self.tokens[p].kind != "word"
                or n in self.lex.function_words
                or n in self.lex.complementisers
                or n in self.lex.preps
                or self.bare(p) in self.lex.cues
            ):
                return None
            p, words = p + 1, words + 1
        return None

    def _nil_speaker(self, j: int, end: int) -> tuple[str | None, tuple[int, int], int] | None:
        """«خالد العتيبي», «الباحث خالد العتيبي», or a later «العتيبي»: a NIL person."""
        if not self.config.nil_speakers:
            return None
        lex = self.lex
        a = j + 1 if self.nrm(j) in lex.ranks else j
        if self.nrm(a) in lex.bism:
            return None  # «الناطق باسم …»: "in the name of", not the given name Basim
        last_name = self.nil_by_part.get(self.nrm(a))
        if last_name is not None and not self._name_word(a + 1):
            ent = self.entities[last_name]
            return self._nil_mention(ent, a, a + 1, j)
        if self.nrm(a) not in lex.given_names:
            # «وزير النقل اليمني بدر باسلمة»: a title phrase, then the name
            x = a
            while (
                x < min(end, a + 5)
                and self._plain_word(x)
                and self.mention_at(x, inside=True) is None
                and self.nrm(x) not in lex.given_names
            ):
                x += 1
            if self.mention_at(x, inside=True) is not None:
                return None  # a known name: the entity stage has read this phrase
            if x >= end or x == a or self.nrm(x) not in lex.given_names:
                return None
            if not any(self.nrm(y) in lex.title_words for y in range(a, x)):
                return None
            a = x
        b = a + 1
        while b < end and b - a < 4 and self._name_word(b):
            b += 1
        if b - a < 2:
            return None
        key = " ".join(self.norms[a:b])
        found = self.entities.get(self.nil_by_name.get(key, ""))
        if found is None:
            name = self.text[self.tokens[a].start : self.tokens[b - 1].end]
            ent = Entity(f"E{len(self.entities) + 1}", "PERSON", name)
            self.entities[ent.id] = ent
            self.doc.entities.append(ent)
            self.nil_by_name[key] = ent.id
            self.nil_by_part.setdefault(self.norms[b - 1], ent.id)
            found = ent
        return self._nil_mention(found, a, b, j)

    def _nil_mention(
        self, ent: Entity, a: int, b: int, j: int
    ) -> tuple[str | None, tuple[int, int], int]:
        start, end = self.tokens[a].start, self.tokens[b - 1].end
        m = Mention(start, end, self.text[start:end], entity=ent.id, label="PERSON")
        ent.mentions.append(m)
        self.new_mentions.append(m)
        return ent.id, (self.tokens[j].start, end), b

    def _name_word(self, k: int) -> bool:
        """A word that may continue a personal name: no title, cue or function word."""
        n = self.nrm(k)
        return (
            self._plain_word(k)
            and n not in self.lex.title_words
            and n not in self.lex.unnamed
            and self.mention_at(k, inside=True) is None
            and not self.tok(k).endswith(("ًا", "اً", "ً"))
        )

    def _is_title(self, j: int, end: int) -> bool:
        return any(
            self.nrm(x) in self.lex.ranks or self.bare(x) in self.lex.spokesman
            for x in range(j, min(end, j + 2))
        ) or (self.mention_at(j) is None)

    def _plain_word(self, k: int) -> bool:
        """A word that may continue an unnamed source's description («مصدر عسكري رفيع»)."""
        t = self.tokens[k]
        n = self.nrm(k)
        return (
            t.kind == "word"
            and n not in self.lex.function_words
            and not (n.startswith("ل") and not n.startswith("ال"))
            and n not in self.lex.complementisers
            and not self._is_compl(k)
            and self.bare(k) not in self.lex.cues
        )

    def _segment_end(self, j: int, last: int) -> int:
        """The end of the noun phrase starting at ``j``: a comma, a complementiser, a
        colon, a quotation mark or the sentence end."""
        e = j
        while e < last:
            if self.tok(e) in _COMMAS or self.tok(e) in _COLONS or self.is_mark(e):
                break
            if e > j and (self.nrm(e) in self.lex.complementisers or self._is_compl(e)):
                break
            if self.tok(e) in _SENTENCE_END:
                break
            e += 1
        return max(e, j + 1)

    def _is_compl(self, k: int) -> bool:
        n = self.nrm(k)
        return n.startswith("ب") and n[1:] in self.lex.complementisers

    def _content_start(self, k: int) -> bool:
        n = self.nrm(k)
        return n in self.lex.complementisers or self._is_compl(k) or self.tok(k) in _COLONS

    def _svo_subject(self, k: int, first: int) -> tuple[str | None, tuple[int, int]] | None:
        """A subject before the cue, at the start of its clause («الوزير يؤكد …»)."""
        m = self.mention_at(first)
        if m is None or self.speaker_of(m) is None:
            m = self.mention_at(first, inside=True)
            if m is None or self.speaker_of(m) is None or not self.nrm(first).startswith("و"):
                return None
        end = self.after(m)
        # «الرئيس الإيراني يناقش …، ويؤكد …»: the subject of the sentence's first verb
        if end == k or (end < k and self._verbish(end)):
            return self.speaker_of(m), (m.start, m.end)
        return None

    def _verbish(self, k: int) -> bool:
        b = self.bare(k)
        return (b in self.lex.cues or b in self.lex.discuss or b[:1] in ("ي", "ت")) and len(b) >= 3

    def _topic_id(self) -> str | None:
        return self.topic[0] if self.topic else None

    def _switched(self, first: int) -> str | None:
        """«من جهته، …»: the person last mentioned before this sentence who is not the
        current speaker."""
        words = tuple(self.bare(x) for x in range(first, first + 2))
        if not any(words[: len(p)] == p for p in self.lex.switch):
            return None
        start = self.tokens[first].start
        for m in reversed(self.mentions):
            if m.start >= start:
                continue
            e = self.entity(m)
            if e is not None and e.type == "PERSON" and e.id != self._topic_id():
                return e.id
        return None

    def _sentence_speaker(self, k: int, first: int) -> str | None:
        """The speaker of a participle cue: the last quote of this sentence, else the
        subject of the sentence's first verb, else the current speaker."""
        start = self.tokens[first].start
        here = self.tokens[k].start
        for f in reversed(self.found):
            if start <= f.cue[0] < here:
                return f.speaker
        svo = self._svo_subject(k, first)
        if svo is not None:
            return svo[0]
        for j in (first, first + 1):
            if self._verbish(j) or self.bare(j) in self.lex.cues:
                s = self._subject(j + 1, k)
                if s is not None and s[0] is not None:
                    return s[0]
        return self._topic_id()

    # -- content -----------------------------------------------------------------------
    def _content(self, j: int, last: int, cue: Cue, gap: int) -> tuple[int, int, str] | None:
        """Where the content of a cue starts, scanning from token ``j``:
        ``(first content token, end token, how)``."""
        lex = self.lex
        start = j
        # an addressee: «لإردوغان», «له», «للصحفيين»
        while j < last and self.nrm(j).startswith("ل") and self.tokens[j].kind == "word":
            m = self.mention_at(j, inside=True)
            if m is not None:
                j = self.after(m)
            elif self.nrm(j) in ("له", "لها", "لهم", "للصحفيين", "للصحافيين", "للصحافة"):
                j += 1
            else:
                break
        if cue.object and j < last and self.bare(j) in lex.object_heads:
            return j, self._clause_end(j, last), "object"
        found = self._scan(j, start, last, cue, gap, preps=False)
        if found is None:
            found = self._scan(j, start, last, cue, gap, preps=True)
        return found

    def _scan(
        self, j: int, start: int, last: int, cue: Cue, gap: int, *, preps: bool
    ) -> tuple[int, int, str] | None:
        """Look for the start of content from token ``j``: a colon, a complementiser or
        a quotation first; with ``preps``, a governed preposition and its object."""
        lex = self.lex
        k = j
        while k < last and k - start <= gap:
            t = self.tok(k)
            n = self.nrm(k)
            if t in _SENTENCE_END:
                return None
            if t in _COLONS and "colon" in cue.takes:
                return k + 1, self._clause_end(k + 1, last), "colon"
            if self.is_mark(k):
                q = self.quotation_at(k)
                if q is not None and not self.is_name_quotation(q):
                    if k == j and "quote" in cue.takes:
                        return k, self._clause_end(k, last), "quote"
                    if k == j and cue.takes & {"that", "ala"}:
                        return k, self._clause_end(k, last), "quote"
                if q is not None:
                    k = self.token_at(q.close if q.close is not None else q.end) + 1
                    continue
            if k > start and (
                self.bare(k) in lex.cues and not self.lex.cues[self.bare(k)].participle
            ):
                return None  # another cue: this one had no content
            if t in _COMMAS and k > start:
                nb, nn = self.bare(k + 1), self.nrm(k + 1)
                if nb in lex.cues or nn in lex.cues or nn in lex.clause_breaks:
                    return None  # «، مشيراً إلى أنّ …»: the next clause has its own cue
            if "that" in cue.takes and (n in lex.complementisers or self._is_compl(k)):
                return k + 1, self._clause_end(k + 1, last), "that"
            if (
                n in lex.preps
                and cue.takes & {lex.preps[n]}
                and (self.nrm(k + 1) in lex.complementisers or self._is_compl(k + 1))
            ):
                return k + 2, self._clause_end(k + 2, last), "that"  # «إلى أنّ», «من أنّ»
            if not preps:
                k += 1
                continue
            prep = lex.preps.get(n)
            bi = prep is None and n.startswith("ب") and "bi" in cue.takes and len(n) > 2
            if bi and (n[1:].startswith("ال") or self.tok(k).startswith("بـ")):
                return self._after_prep(k, last, proclitic=True)
            if prep is not None and prep in cue.takes:
                found = self._after_prep(k, last)
                if found is not None:
                    return found
            k += 1
        return None

    def _after_prep(
        self, k: int, last: int, *, proclitic: bool = False
    ) -> tuple[int, int, str] | None:
        """Content after «على/إلى/من/عن/بـ» at token ``k``."""
        if proclitic:
            t = self.tok(k)
            if t in ("بـ", "ب") and self.is_mark(k + 1):
                return k + 1, self._clause_end(k + 1, last), "prep"
            rest = self.nrm(k)[1:]
            if rest in self.lex.not_content:
                return None
            return k, self._clause_end(k, last), "prep"
        nxt = k + 1
        if nxt >= last:
            return None
        n = self.nrm(nxt)
        if n in self.lex.complementisers or self._is_compl(nxt):
            return nxt + 1, self._clause_end(nxt + 1, last), "that"
        if self.is_mark(nxt):
            return nxt, self._clause_end(nxt, last), "prep"
        if n in self.lex.not_content or self.tokens[nxt].kind != "word":
            return None
        e = self.entity(self.mention_at(nxt))
        if e is not None and e.type in ("GPE", "LOC"):
            return None  # «إلى طهران»: a place, not content
        return nxt, self._clause_end(nxt, last), "prep"

    def _clause_end(self, j: int, last: int) -> int:
        """The token after the reported clause that starts at ``j``."""
        lex = self.lex
        k = j
        while k < last:
            q = self.quotation_at(k)
            if q is not None:
                close_tok = (
                    self.token_at(q.close) if q.close is not None else self.token_at(q.end - 1)
                )
                k = max(k + 1, close_tok + 1)
                continue
            if self.tok(k) in _COMMAS and k + 1 < last and k > j:
                b = self.bare(k + 1)
                n = self.nrm(k + 1)
                cue = lex.cues.get(b) or lex.cues.get(n)
                if cue is not None or n in lex.clause_breaks or b in lex.clause_breaks:
                    return k
                if self._frame_at(k + 1) is not None:
                    return k
            k += 1
        while k > j and (self.tok(k - 1) in _SENTENCE_END or self.tok(k - 1) in _COMMAS):
            k -= 1
        return k

    def _kind_and_span(self, c0: int, c1: int) -> tuple[str, tuple[int, int]] | None:
        """The quote's kind and content span for content tokens ``[c0, c1)``."""
        if c1 <= c0:
            return None
        start, end = self.tokens[c0].start, self.tokens[c1 - 1].end
        q = self.quotation_at(c0)
        if q is not None and not self.is_name_quotation(q):
            closes_at = self.token_at(q.close) + 1 if q.close is not None else c1
            rest_is_punct = all(self.tokens[x].kind == "punct" for x in range(closes_at, c1))
            if (closes_at >= c1 or rest_is_punct) and q.end > q.start:
                return "direct", (q.start, q.end)
        for inner in self.quotations:
            if start <= inner.open and (inner.close or inner.end) <= end + 1:
                if self.is_name_quotation(inner):
                    continue
                if self._word_count(inner.start, inner.end) >= self.config.min_quoted_words:
                    return "mixed", (start, end)
        return "indirect", (start, end)

    # -- patterns ----------------------------------------------------------------------
    def _speech(self, k: int, cue: Cue, first: int, last: int) -> int:
        if self.bare(k) in self.lex.impersonal or self.nrm(k) in self.lex.impersonal:
            nxt = self.nrm(k + 1)
            if nxt in self.lex.preps:
                nxt = self.nrm(k + 2)
            if nxt in self.lex.complementisers:
                return k + 1  # «ويُذكر أنّ …»: the writer's remark
        if cue.participle or (cue.object and self.bare(k + 1) in self.lex.object_heads):
            subject = None  # «وأكد حرص بلاده على …»: the object, the subject dropped
        else:
            subject = self._subject(k + 1, last)
        switched = self._switched(first) if subject is None else None
        if subject is not None:
            speaker, stext, j = subject
        else:
            j = k + 1
            svo = None if cue.participle else self._svo_subject(k, first)
            if svo is not None:
                speaker, stext = svo
            elif cue.participle:
                speaker, stext = self._sentence_speaker(k, first), None
            elif switched is not None:
                speaker, stext = switched, None
            else:
                speaker, stext = self._topic_id(), None
        found = self._content(j, last, cue, 1 if cue.strict else self.config.max_cue_gap)
        if found is None:
            return k + 1
        c0, c1, how = found
        ks = self._kind_and_span(c0, c1)
        if ks is None:
            return k + 1
        kind, span = ks
        if how == "colon" and kind == "indirect":
            kind = "direct"  # «قال: الوضع كارثي»: speech after a colon is the speaker's words
        self._add(kind, (self.tokens[k].start, self.tokens[k].end), span, speaker, stext)
        return max(k + 1, c1)

    def _discuss(self, k: int, first: int, last: int) -> int:
        """«ناقش الوزير … "عبارة من ثلاث كلمات أو أكثر"»: a mixed quote."""
        subject = self._subject(k + 1, last)
        if subject is not None:
            speaker, stext, j = subject
        else:
            svo = self._svo_subject(k, first)
            if svo is None:
                return k + 1
            (speaker, stext), j = svo, k + 1
        end = self._clause_end(j, last)
        for q in self.quotations:
            if not j <= self.token_at(q.open) < end or self.is_name_quotation(q):
                continue
            if self._word_count(q.start, q.end) >= self.config.min_quoted_words:
                cue = (self.tokens[k].start, self.tokens[k].end)
                self._add("mixed", cue, (q.start, q.end), speaker, stext)
                return self.token_at(q.close or q.end) + 1
        return k + 1

    def _relay(self, k: int, first: int, last: int) -> int:
        """«ونقلت وكالة الأنباء عن مصدر مسؤول قوله إنّ …»: the speaker follows «عن»."""
        j = k + 1
        while j < last and j - k <= 8 and self.nrm(j) != "عن":
            if self.nrm(j) == "عنه" or self.nrm(j) == "عنها":
                break
            j += 1
        if j >= last or j - k > 8:
            return k + 1
        if self.nrm(j) in ("عنه", "عنها"):
            speaker, stext, nxt = self._topic_id(), None, j + 1
        else:
            subject = self._subject(j + 1, last)
            if subject is None:
                return k + 1
            speaker, stext, nxt = subject
        if self.nrm(nxt) in self.lex.saying:
            nxt += 1
        cue = Cue("نقل", False, frozenset({"that", "colon", "quote"}), False)
        found = self._content(nxt, last, cue, 3)
        if found is None:
            return k + 1
        ks = self._kind_and_span(found[0], found[1])
        if ks is None:
            return k + 1
        self._add(ks[0], (self.tokens[k].start, self.tokens[k].end), ks[1], speaker, stext)
        return found[1]

    def _frame_at(self, k: int) -> int | None:
        """If a sourcing frame starts at token ``k``, the token after it."""
        rest = tuple(self.nrm(x) for x in range(k + 1, k + 3))
        for first in dict.fromkeys((self.nrm(k), self.bare(k))):  # «وفقاً», «وبحسب»
            words = (first, *rest)
            for p in self.lex.frames:
                if words[: len(p)] == p:
                    return k + len(p)
                # «وفقاً لـX» / «وفقاً للوزارة»: ل as the proclitic of the source
                if len(p) == 2 and p[1] == "ل" and words[0] == p[0] and words[1].startswith("ل"):
                    return k + 1
        return None

    def _source(self, j: int, end: int) -> tuple[str | None, tuple[int, int]] | None:
        """The source named in a frame, between tokens ``j`` and ``end``."""
        if j >= end:
            return None
        span = (self.tokens[j].start, self.tokens[end - 1].end)
        if self.bare(j) in self.lex.documents or self.nrm(j).lstrip("ل") in self.lex.documents:
            for x in range(j + 1, end):
                words = tuple(self.nrm(y) for y in range(x, x + 2))
                for p in self.lex.issuer:
                    if words[: len(p)] == p:
                        m = self.mention_at(x + len(p), inside=True)
                        if self.speaker_of(m) is not None:
                            self.last_document_source = self.speaker_of(m)
                            return self.speaker_of(m), span
            m = self.mention_at(j + 1, inside=True)
            if self.speaker_of(m) is not None:
                self.last_document_source = self.speaker_of(m)
                return self.speaker_of(m), span
            if self.nrm(j).lstrip("ول").startswith("ال"):
                return self.last_document_source, span
            return None, span
        if self.bare(j) in self.lex.unnamed or self.nrm(j).removeprefix("ل") in self.lex.unnamed:
            return None, span  # «بحسب مصادر سياسية في …»: unnamed, whatever follows
        for x in range(j, end):
            m = self.mention_at(x, inside=True)
            if self.speaker_of(m) is not None:
                return self.speaker_of(m), span
        return None

    def _frame_leading(self, first: int, last: int) -> None:
        """«وبحسب مصدر أمني، …»: the frame's source said the rest of the sentence."""
        j = self._frame_at(first)
        if j is None:
            return
        comma = next((x for x in range(j, min(last, j + 15)) if self.tok(x) in _COMMAS), None)
        if comma is None:
            return
        source = self._source(j, comma)
        if source is None:
            return
        c0 = comma + 1
        n0 = self.nrm(c0)
        if n0.startswith("ف") and n0[1:] in self.lex.complementisers:
            c0 += 1  # «بحسب مصدر، فإنّ …»
        if self.bare(c0) in self.lex.readout or self.nrm(c0) in self.lex.readout:
            return  # the readout of a meeting: an event, not a statement
        if any(
            self.bare(x) in self.lex.cues or self.bare(x) in self.lex.relay for x in range(c0, last)
        ):
            return  # the clause has its own cue
        c1 = self._clause_end(c0, last)
        ks = self._kind_and_span(c0, c1)
        if ks is None:
            return
        cue = (self.tokens[first].start, self.tokens[j - 1].end)
        if self.nrm(first).startswith("و") and len(self.nrm(first)) > 3:
            cue = (self.tokens[first].start + 1, cue[1])
        self._add(ks[0], cue, ks[1], source[0], source[1])

    def _frame_trailing(self, first: int, last: int) -> None:
        """«…، وفقاً لوزارة الصحة.»: the frame's source said the clause before it."""
        for k in range(first + 2, last):
            if self.tok(k - 1) not in _COMMAS:
                continue
            j = self._frame_at(k)
            if j is None:
                continue
            end = last
            while end > j and self.tok(end - 1) in _SENTENCE_END:
                end -= 1
            source = self._source(j, end)
            if source is None:
                return
            c0 = first
            if self.claimed_at(self.tokens[c0].start) or self.claimed_at(self.tokens[k - 2].start):
                return
            if self.bare(c0) in self.lex.readout:
                return
            ks = self._kind_and_span(c0, k - 1)
            if ks is None:
                return
            cue = (self.tokens[k].start, self.tokens[j - 1].end)
            self._add(ks[0], cue, ks[1], source[0], source[1])
            return

    def _quote_then_cue(self, first: int, last: int) -> None:
        """«"…"، قال الوزير.»: a quotation followed by its cue and speaker."""
        start, end = self.tokens[first].start, self.tokens[last - 1].end
        for q in self.quotations:
            if not start <= q.open < end or q.close is None or self.claimed_at(q.start):
                continue
            if (
                self.is_name_quotation(q)
                or self._word_count(q.start, q.end) < self.config.min_quoted_words
            ):
                continue
            k = self.token_at(q.close) + 1
            if self.tok(k) not in _COMMAS and self.tok(k) not in ("-", "–", "—"):
                continue  # «"…" تجدد …»: a quoted subject, not a quote and its cue
            while k < last and (self.tok(k) in _COMMAS or self.tok(k) in ("-", "–", "—")):
                k += 1
            cue = self.lex.cues.get(self.bare(k)) or self.lex.cues.get(self.nrm(k))
            if cue is None or cue.participle:
                continue
            subject = self._subject(k + 1, last)
            speaker, stext = (subject[0], subject[1]) if subject else (self._topic_id(), None)
            self._add(
                "direct",
                (self.tokens[k].start, self.tokens[k].end),
                (q.start, q.end),
                speaker,
                stext,
            )

    def _headline_colon(self, first: int, last: int) -> None:
        """«الوزير: لن نقبل بأي تسوية»: a speaker and a colon open the sentence."""
        m = self.mention_at(first)
        if m is None or self.speaker_of(m) is None:
            return
        k = self.after(m)
        if k >= last or self.tok(k) not in _COLONS:
            return
        c0, c1 = k + 1, last
        while c1 > c0 and self.tok(c1 - 1) in _SENTENCE_END:
            c1 -= 1
        ks = self._kind_and_span(c0, c1)
        if ks is None:
            return
        kind = "direct" if ks[0] == "direct" else "indirect"
        span = ks[1]
        self._add(
            kind,
            (self.tokens[k].start, self.tokens[k].end),
            span,
            self.speaker_of(m),
            (m.start, m.end),
        )

    def _update_topic(self, first: int, last: int) -> None:
        """The subject of a sentence's first verb becomes the current speaker."""
        m = self.mention_at(first + 1)
        e = self.entity(m)
        if m is None or e is None or e.type not in ("PERSON", "ORG"):
            return
        if self._verbish_or_past(first):
            self.topic = (e.id, m.start)

    def _verbish_or_past(self, k: int) -> bool:
        """A sentence's first word that reads as its verb («وبحث», «التقى», «قال»)."""
        b = self.bare(k)
        if b in self.lex.cues or b in self.lex.discuss or b in self.lex.readout:
            return True
        return (
            self.tokens[k].kind == "word"
            and not b.startswith("ال")
            and len(b) >= 3
            and self.nrm(k).startswith(("و", "ف"))
        )

    # -- output ------------------------------------------------------------------------
    def _add(
        self,
        kind: str,
        cue: tuple[int, int],
        content: tuple[int, int],
        speaker: str | None,
        stext: tuple[int, int] | None,
    ) -> None:
        s, e = content
        while s < e and self.text[s].isspace():
            s += 1
        while e > s and self.text[e - 1].isspace():
            e -= 1
        if e <= s or any(s < ce and cs < e for cs, ce in self.claimed):
            return
        self.claimed.append((s, e))
        self.found.append(_Found(kind, cue, (s, e), speaker, stext))
        self.topic = (speaker, s)  # an unknown speaker is the current speaker too

    def _quotes(self) -> list[Quote]:
        out = []
        for f in sorted(self.found, key=lambda f: f.content[0]):
            st = self.text[f.speaker_text[0] : f.speaker_text[1]] if f.speaker_text else None
            out.append(
                Quote(
                    kind=f.kind,
                    cue=Span(f.cue[0], f.cue[1], self.text[f.cue[0] : f.cue[1]]),
                    content=Span(
                        f.content[0], f.content[1], self.text[f.content[0] : f.content[1]]
                    ),
                    speaker=f.speaker,
                    speaker_text=st,
                )
            )
        return out


def find_quotes(doc: Document, config: QuotesConfig | None = None) -> Document:
    """Find the quotes of a document whose entities are linked (see the module docstring)."""
    reader = _Reader(doc, config or QuotesConfig())
    doc.spans["quotes"] = reader.read()
    if reader.new_mentions:
        doc.spans["mentions"] = sorted(
            [*doc.spans["mentions"], *reader.new_mentions], key=lambda m: (m.start, m.end)
        )
        for e in doc.entities:
            e.mentions.sort(key=lambda m: (m.start, m.end))
    return doc


@registry.stage(
    "marsad.quotes.v1",
    section="quotes",
    config=QuotesConfig,
    requires=["doc.tokens", "doc.sentences", "doc.entities", "doc.spans['mentions']"],
    assigns=["doc.spans['quotes']", "doc.entities", "doc.spans['mentions']"],
)
class QuoteFinder(Stage):
    """Find direct, indirect and mixed quotes and resolve their speakers."""

    def __init__(self, config: QuotesConfig) -> None:
        self.config = config

    def __call__(self, doc: Document) -> Document:
        return find_quotes(doc, self.config)
