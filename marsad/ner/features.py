"""Features of the NER tagger: what the CRF sees of each token.

A token's own features (word and stem, affixes, shape, the word lists it belongs to, what
the knowledge base calls it on its own) depend only on its surface form, so they are
computed once per form and cached; a sentence then adds the knowledge-base phrases that
run over several tokens (``g=B-PERS``, ``g=I-ORG``) and copies its neighbours' features
under an offset prefix (``-1:k=TITLE``: a title word just before, «قال» just after).

Everything the features read is ours: the knowledge base's gazetteer (names, surnames,
countries, demonyms, titles and ranks) and the lexicons (given names, title words,
function words, reporting verbs). Nothing is learnt from outside text.

>>> lex = ner_lexicon()
>>> feats = sentence_features(["وقال", "الرئيس", "الإيراني", "إبراهيم", "رئيسي"], lex)
>>> "g=B-PERS" in feats[3] and "g=I-PERS" in feats[4]
True
>>> "k=CUE" in feats[0] and "-1:k=CUE" in feats[1]
True
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..kb.gazetteer import Entry, Gazetteer, load_gazetteer
from ..resources import load_json
from ..text.normalize import norm

# Bump when a feature changes: a model trained on other features is refused at load.
FEATURES_VERSION = 1

_ARABIC = range(0x0600, 0x0700)
_CACHE_LIMIT = 40_000  # forms kept in a cache before it starts afresh (~6 KB each)
_OFFSETS = (-2, -1, 1, 2)

# knowledge-base entry kinds → the label the tagger sees
_KIND_LABEL = {
    "surname": "SUR",
    "country": "CTRY",
    "metonym": "CAP",
    "capital": "CAP",
    "nisba": "NIS",
    "title": "TITLE",
    "title_f": "TITLE",
    "construct": "TITLE",
    "rank": "RANK",
    "counterpart": "TITLE",
}
_TYPE_LABEL = {"PERSON": "PERS", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC"}


def strip_clitics(n: str) -> tuple[str, str]:
    """Split a normalised word into its proclitics and the rest (article kept).

    Conjunctions و/ف, then one of ب/ل/ك; «لل» is ل + ال. Words of three letters or
    fewer are left whole (they are more often roots than clitic + stem).

    >>> strip_clitics("وبالعاصمه")
    ('وب', 'العاصمه')
    >>> strip_clitics("للامم")
    ('ل', 'الامم')
    >>> strip_clitics("ولد")
    ('', 'ولد')
    """
    pro, s = "", n
    if len(s) > 3 and s[0] in "وف":
        pro, s = s[0], s[1:]
    if len(s) > 3 and s[0] in "بلك":
        if s.startswith("لل"):
            return pro + "ل", "ال" + s[2:]
        pro, s = pro + s[0], s[1:]
    return pro, s


def shape(token: str) -> str:
    """A coarse shape: A (Arabic letters), L (Latin), D (digits), P (other), runs collapsed.

    >>> shape("(د"), shape("2023"), shape("F-16"), shape("العراق")
    ('PA', 'D', 'LPD', 'A')
    """
    out: list[str] = []
    for ch in token:
        if ord(ch) in _ARABIC and ch.isalpha():
            c = "A"
        elif ch.isdigit():
            c = "D"
        elif ch.isalpha():
            c = "L"
        else:
            c = "P"
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


def _length(n: int) -> str:
    """A length bucket: 1, 2, 3, 4–5, 6–8, 9 and more letters."""
    return "112355888"[n] if n < 9 else "9"


def _longest(
    words: Sequence[str],
    i: int,
    first: str,
    prefixes: set[tuple[str, ...]],
    table: Container[tuple[str, ...]],
    max_len: int,
) -> int:
    """The length of the longest key of ``table`` starting at word ``i`` (read as
    ``first``), walking only through known ``prefixes``; 0 when none starts there."""
    key: tuple[str, ...] = (first,)
    if key not in prefixes:
        return 0
    best = 1 if key in table else 0
    for j in range(i + 1, min(len(words), i + max_len)):
        key = (*key, words[j])
        if key not in prefixes:
            break
        if key in table:
            best = j + 1 - i
    return best


@dataclass
class _Form:
    """What the tagger knows of one surface form."""

    norm: str
    stem: str  # without proclitics
    own: list[str]
    near: dict[int, list[str]]  # offset → the features a neighbour copies

    def in_domain(self, domain: str) -> tuple[list[str], dict[int, list[str]]]:
        """The own and neighbour features, each also under ``domain``'s prefix."""
        if not domain:
            return self.own, self.near
        p = domain + "|"
        return (
            self.own + [p + x for x in self.own],
            {d: fs + [p + x for x in fs] for d, fs in self.near.items()},
        )


@dataclass
class NerLexicon:
    """The word lists and the phrase table the features read, with a per-form cache."""

    phrases: dict[tuple[str, ...], str]
    prefixes: set[tuple[str, ...]]
    max_len: int
    classes: dict[str, tuple[str, ...]]  # normalised word → its word-list classes
    _cache: dict[str, _Form] = field(default_factory=dict, repr=False)

    def form(self, token: str) -> _Form:
        """The features of one surface form (cached)."""
        f = self._cache.get(token)
        if f is None:
            if len(self._cache) > _CACHE_LIMIT:
                self._cache.clear()
            f = self._cache[token] = self._make(token)
        return f

    def _make(self, token: str) -> _Form:
        n = norm(token)
        pro, stem = strip_clitics(n)
        core = stem[2:] if stem.startswith("ال") and len(stem) > 3 else stem
        shp = shape(token)
        own = [
            "w=" + n,
            "s=" + stem,
            "c=" + core,
            "sh=" + shp,
            "len=" + _length(len(core)),
            "p1=" + core[:1],
            "p2=" + core[:2],
            "p3=" + core[:3],
            "p4=" + core[:4],
            "x1=" + core[-1:],
            "x2=" + core[-2:],
            "x3=" + core[-3:],
            "x4=" + core[-4:],
            "sp2=" + n[:2],
            "sx2=" + n[-2:],
        ]
        if pro:
            own.append("pro=" + pro)
        if stem.startswith("ال"):
            own.append("al")
        classes = tuple(sorted(set(self.classes.get(n, ())) | set(self.classes.get(stem, ()))))
        own.extend("k=" + c for c in classes)
        label = self.phrases.get((n,)) or (self.phrases.get((stem,)) if pro else None)
        if label:
            own.append("g1=" + label)
        near: dict[int, list[str]] = {}
        for d in _OFFSETS:
            p = f"{d}:"
            feats = [p + "w=" + n, p + "sh=" + shp]
            if abs(d) == 1:
                feats += [p + "s=" + stem, p + "x2=" + core[-2:]]
                if stem.startswith("ال"):
                    feats.append(p + "al")
            feats += [p + "k=" + c for c in classes]
            if label:
                feats.append(p + "g1=" + label)
            near[d] = feats
        return _Form(n, stem, own, near)

    def spans(self, forms: list[_Form]) -> list[str]:
        """Leftmost-longest knowledge-base phrases over a sentence, as B-/I- labels.

        The first token of a phrase may shed its proclitics («لإيران»).
        """
        n_tok = len(forms)
        out = [""] * n_tok
        norms = [f.norm for f in forms]
        i = 0
        while i < n_tok:
            best: tuple[int, str] | None = None
            for first in {forms[i].norm, forms[i].stem}:
                length = _longest(norms, i, first, self.prefixes, self.phrases, self.max_len)
                if length and (best is None or length > best[0]):
                    best = (length, self.phrases[(first, *norms[i + 1 : i + length])])
            if best is None or best[0] < 2:
                i += 1  # single tokens are in the own features already
                continue
            length, label = best
            out[i] = "B-" + label
            for k in range(i + 1, i + length):
                out[k] = "I-" + label
            i += length
        return out


def _entry_label(g: Gazetteer, e: Entry) -> str | None:
    if e.kind == "name":
        actor = g.kb.actors.get(e.target)
        if actor is None:
            return None
        label = _TYPE_LABEL.get(actor.type)
        if label == "LOC" and actor.id.startswith("gn:"):
            return "CITY"  # uncurated GeoNames: many are also common words
        return label
    return _KIND_LABEL.get(e.kind)


def build_lexicon(g: Gazetteer) -> NerLexicon:
    """Compile the features' lexicon from a gazetteer and the packaged word lists."""
    phrases: dict[tuple[str, ...], str] = {}
    for key, entries in g.phrases.items():
        labels = sorted({lab for e in entries if (lab := _entry_label(g, e))})
        if labels:
            phrases[key] = "+".join(labels)
    prefixes = {key[:i] for key in phrases for i in range(1, len(key) + 1)}
    classes: dict[str, set[str]] = {}

    def put(words: list[str], cls: str) -> None:
        for w in words:
            classes.setdefault(norm(w), set()).add(cls)

    names = load_json("lexicons/data/names.json")
    put(names["arabic_male"] + names["arabic_female"], "GIVEN")
    put(names["foreign"], "FGIVEN")
    ent = load_json("lexicons/data/entities.json")
    put(ent["common_given_names"]["words"], "GIVEN")
    put(ent["title_words"]["words"], "TITLE")
    put(ent["ranks"]["words"], "RANK")
    put(ent["name_stops"]["words"], "STOP")
    put(ent["common_words"]["words"], "COMMON")
    put(ent["locative"]["words"], "LOCATIVE")
    quotes = load_json("lexicons/data/quotes.json")
    put([f for cue in quotes["cues"] for f in cue["forms"]], "CUE")
    for trig in load_json("lexicons/data/event_triggers.json")["triggers"]:
        put(trig["forms"], "EVERB" if trig.get("pos") == "verb" else "ENOUN")
    time = load_json("lexicons/data/time.json")
    for section, cls in (("months", "MONTH"), ("hijri_months", "MONTH"), ("weekdays", "DAY")):
        put([w for names in time[section].values() for ph in names for w in ph.split()], cls)
    return NerLexicon(
        phrases=phrases,
        prefixes=prefixes,
        max_len=max((len(k) for k in phrases), default=1),
        classes={w: tuple(sorted(c)) for w, c in classes.items()},
    )


@lru_cache(maxsize=4)
def ner_lexicon(user_paths: tuple[str, ...] = ()) -> NerLexicon:
    """The features' lexicon of the packaged knowledge base (and user files), cached."""
    return build_lexicon(load_gazetteer(user_paths))


def _bucket(share: float) -> str:
    return "3" if share >= 0.7 else "2" if share >= 0.4 else "1"


@dataclass
class Memory:
    """What the training corpora say about words and word sequences: the share of a
    word's occurrences inside a name of each type, and the word sequences that were
    names most of the times they were written (Abdul-Hamid & Darwish 2010 use the same
    kind of evidence). A word never seen in training is itself a sign of a name.

    Built from the training sentences; while training, each sentence sees a memory built
    from the *other* parts of the corpus (see :func:`marsad.ner.model.train`), so the
    model learns how far to trust it on text it has not seen.
    """

    words: dict[str, list[str]]  # stem → its features ("m=PERS:3")
    seqs: dict[tuple[str, ...], str]  # stems → the type it names (2 words or more)
    prefixes: set[tuple[str, ...]] = field(default_factory=set)
    max_len: int = 1

    @classmethod
    def build(cls, sents: list[tuple[list[str], list[str]]], lex: NerLexicon) -> Memory:
        """Count the names in ``(tokens, tags)`` sentences."""
        from .conll import spans_of

        total: dict[str, int] = {}
        inside: dict[str, dict[str, int]] = {}
        named: dict[tuple[str, ...], dict[str, int]] = {}
        stems_of = []
        for tokens, tags in sents:
            stems = [lex.form(t).stem for t in tokens]
            stems_of.append(stems)
            for st in stems:
                total[st] = total.get(st, 0) + 1
            for a, b, typ in spans_of(tags):
                for st in stems[a:b]:
                    d = inside.setdefault(st, {})
                    d[typ] = d.get(typ, 0) + 1
                if b - a >= 2:
                    d = named.setdefault(tuple(stems[a:b]), {})
                    d[typ] = d.get(typ, 0) + 1
        words: dict[str, list[str]] = {}
        for st, n in total.items():
            feats = [
                f"m={typ}:{_bucket(k / n)}"
                for typ, k in sorted(inside.get(st, {}).items())
                if k / n >= 0.1
            ]
            if not feats and n >= 3:
                feats = ["m=never"]
            if feats:
                words[st] = feats
        # how often each named sequence is written at all, named or not
        prefixes = {key[:i] for key in named for i in range(1, len(key) + 1)}
        max_len = max((len(k) for k in named), default=1)
        seen = dict.fromkeys(named, 0)
        for stems in stems_of:
            for i in range(len(stems)):
                key: tuple[str, ...] = ()
                for j in range(i, min(len(stems), i + max_len)):
                    key = (*key, stems[j])
                    if key not in prefixes:
                        break
                    if key in seen:
                        seen[key] += 1
        seqs = {}
        for key, types in named.items():
            typ, k = max(types.items(), key=lambda tk: tk[1])
            if k / max(seen[key], 1) >= 0.5:
                seqs[key] = typ
        return cls(words, seqs, prefixes, max_len)

    def features(self, stems: list[str]) -> list[list[str]]:
        """The memory features of each word of a sentence."""
        out = [list(self.words.get(st, ("m=unseen",))) for st in stems]
        i = 0
        while i < len(stems):
            best = _longest(stems, i, stems[i], self.prefixes, self.seqs, self.max_len)
            if best >= 2:
                typ = self.seqs[tuple(stems[i : i + best])]
                out[i].append("ms=B-" + typ)
                for k in range(i + 1, i + best):
                    out[k].append("ms=I-" + typ)
                i += best
            else:
                i += 1
        return out

    def to_json(self) -> dict[str, Any]:
        """The JSON form (``memory.json`` in a model folder)."""
        return {
            "words": dict(sorted(self.words.items())),
            "seqs": {" ".join(k): t for k, t in sorted(self.seqs.items())},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Memory:
        """Read :meth:`to_json`'s form."""
        seqs = {tuple(k.split(" ")): t for k, t in data["seqs"].items()}
        return cls(
            dict(data["words"]),
            seqs,
            {key[:i] for key in seqs for i in range(1, len(key) + 1)},
            max((len(k) for k in seqs), default=1),
        )


@dataclass
class Vocabulary:
    """The features a trained model has weights for. Tagging passes only these to the
    CRF (the others weigh nothing), which makes it about 1.6 times faster; the filtered
    lists of each surface form are cached here, per model."""

    attrs: frozenset[str]
    _cache: dict[str, tuple[list[str], dict[int, list[str]]]] = field(
        default_factory=dict, repr=False
    )

    def fixed(self, token: str, form: _Form, domain: str) -> tuple[list[str], dict[int, list[str]]]:
        """A form's own and neighbour features that the model knows."""
        got = self._cache.get(token)
        if got is None:
            if len(self._cache) > _CACHE_LIMIT:
                self._cache.clear()
            own, near = form.in_domain(domain)
            keep = self.attrs
            got = self._cache[token] = (
                [x for x in own if x in keep],
                {d: [x for x in fs if x in keep] for d, fs in near.items()},
            )
        return got


def sentence_features(
    tokens: list[str],
    lex: NerLexicon,
    *,
    domain: str = "",
    memory: Memory | None = None,
    vocab: Vocabulary | None = None,
) -> list[list[str]]:
    """The features of each token of one sentence.

    Args:
        tokens: the sentence's surface tokens.
        lex: the lexicon (:func:`ner_lexicon`).
        domain: when set («news», «wiki»), every feature is also emitted with the domain
            as a prefix, so a model trained on several corpora learns what they share
            and what each does its own way (Daumé's feature augmentation); tag with the
            domain of the text.
        memory: what the training corpora say of each word (:class:`Memory`), also
            seen by the neighbours one word away.
        vocab: keep only the features a trained model knows (:class:`Vocabulary`);
            the tags do not change. One vocabulary serves one domain.

    Returns:
        One list of feature strings per token.
    """
    forms = [lex.form(t) for t in tokens]
    # cached per form, with the domain copies
    if vocab is None:
        fixed = [f.in_domain(domain) for f in forms]
    else:
        fixed = [vocab.fixed(t, f, domain) for t, f in zip(tokens, forms, strict=True)]
    gz = lex.spans(forms)
    n = len(forms)
    mem = memory.features([f.stem for f in forms]) if memory is not None else None
    out: list[list[str]] = []
    for i, f in enumerate(forms):
        feats = list(fixed[i][0])
        # what depends on the sentence, not on the form alone
        dyn: list[str] = []
        if mem is not None:
            dyn += mem[i]
            if i > 0:
                dyn += ["-1:" + m for m in mem[i - 1]]
            if i + 1 < n:
                dyn += ["1:" + m for m in mem[i + 1]]
        if gz[i]:
            dyn.append("g=" + gz[i])
        for d in _OFFSETS:
            j = i + d
            if 0 <= j < n:
                feats.extend(fixed[j][1][d])
                if gz[j] and abs(d) == 1:
                    dyn.append(f"{d}:g=" + gz[j])
            elif abs(d) == 1:
                dyn.append(f"{d}:BOUND")
        if i > 0:
            dyn.append("b=" + forms[i - 1].norm + "|" + f.norm)
        if i + 1 < n:
            dyn.append("a=" + f.norm + "|" + forms[i + 1].norm)
        if i == 0:
            dyn.append("first")
        if domain:
            dyn += [domain + "|" + x for x in dyn]
        feats += dyn if vocab is None else [x for x in dyn if x in vocab.attrs]
        out.append(feats)
    return out
