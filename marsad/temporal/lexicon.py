"""The time vocabulary of ``lexicons/data/time.json``, normalised and indexed once.

Every word list becomes a *phrase table*: normalised word tuples (``("تشرين", "الاول")``)
mapped to a value, looked up longest-first from a token position. The tables are
built once per process (``lexicon()`` is cached) and never written afterwards.

>>> lex = lexicon()
>>> lex.months.lookup(["تشرين", "الاول", "2023"], 0)
(2, 10)
>>> lex.numbers[norm("ثلاثة")]
3
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Generic, TypeVar

from ..resources import load_json
from ..text.normalize import norm

V = TypeVar("V")


def words(phrase: str) -> tuple[str, ...]:
    """A phrase as normalised words; a trailing tatweel or tanween is dropped by ``norm``."""
    return tuple(norm(phrase).split())


class Phrases(Generic[V]):
    """Normalised phrases (word tuples) → value, matched longest-first at a position."""

    def __init__(self, items: dict[str, V] | None = None) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], V]]] = {}
        for phrase, value in (items or {}).items():
            self.add(phrase, value)

    def add(self, phrase: str, value: V) -> None:
        """Add one phrase (normalised here)."""
        w = words(phrase)
        if not w:
            return
        lst = self._by_first.setdefault(w[0], [])
        if any(p == w for p, _ in lst):
            return
        lst.append((w, value))
        lst.sort(key=lambda pv: -len(pv[0]))

    def lookup(self, toks: list[str], i: int, first: str | None = None) -> tuple[int, V] | None:
        """The longest phrase starting at ``toks[i]`` as ``(end index, value)``.

        ``first`` replaces the first token (a form with its clitics removed).
        """
        if i >= len(toks):
            return None
        head = toks[i] if first is None else first
        for phrase, value in self._by_first.get(head, ()):
            n = len(phrase)
            if i + n <= len(toks) and all(toks[i + k] == phrase[k] for k in range(1, n)):
                return i + n, value
        return None

    def __contains__(self, word: str) -> bool:
        return any(len(p) == 1 for p, _ in self._by_first.get(word, ()))


@dataclass(frozen=True)
class Lexicon:
    """All tables of the time grammar (see ``lexicons/data/time.json`` for the words)."""

    months: Phrases[int]
    ambiguous_months: frozenset[str]
    hijri_months: Phrases[int]
    weekdays: dict[str, int]
    weekday_before: frozenset[str]
    weekday_after: frozenset[str]
    numbers: dict[str, int]
    teens: frozenset[str]
    ordinals: dict[str, int]
    units: dict[str, tuple[str, str]]  # word → (unit, form: singular|dual|plural|vague)
    deictics: Phrases[int]
    today_not_after: frozenset[str]
    modifiers: dict[str, str]  # word → past|next|this
    periods: dict[str, str]  # word → W|M|Y
    period_traps: frozenset[str]
    parts: Phrases[str]
    quarters: dict[str, str]
    seasons: dict[str, str]
    pod_nouns: Phrases[str]
    pod_nouns_words: frozenset[str]
    pod_adverbs: Phrases[int]
    hour_words: Phrases[int]
    minute_words: Phrases[int]
    clock_nouns: Phrases[bool]
    midnight: Phrases[bool]
    zones: Phrases[bool]
    hijri_markers: frozenset[str]
    gregorian_markers: frozenset[str]
    dual_joiners: Phrases[bool]
    year_nouns: frozenset[str]
    year_preps: frozenset[str]
    month_preps: frozenset[str]
    duration_prefixes: Phrases[bool]
    approximators: Phrases[bool]
    age_words: frozenset[str]
    set_adverbs: dict[str, str]
    future_markers: frozenset[str]
    future_excluded: tuple[str, ...]
    future_excluded_words: frozenset[str]
    anaphoric: Phrases[str]
    earlier_later: Phrases[bool]
    decades: dict[str, int]
    centuries: Phrases[int]
    date_traps: frozenset[str]
    duration_verbs: frozenset[str]
    today_not_before: frozenset[str]
    offset_words: dict[str, int]  # «قبل» -1, «بعد» +1
    every: frozenset[str]
    triggers: frozenset[str]  # every word of the file: no expression starts elsewhere


def _all_words(node: object) -> set[str]:
    """Every normalised word of the data file, keys included, comments excluded."""
    out: set[str] = set()
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "comment":
                continue
            out.update(words(k))
            out |= _all_words(v)
    elif isinstance(node, list):
        for v in node:
            out |= _all_words(v)
    elif isinstance(node, str):
        out.update(words(node))
    return out


def _flat(table: dict[str, list[str]]) -> dict[str, str]:
    return {phrase: key for key, phrases in table.items() for phrase in phrases}


def _wordset(items: list[str]) -> frozenset[str]:
    return frozenset(norm(w) for w in items)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Load and index ``lexicons/data/time.json`` (cached for the process)."""
    d: dict[str, Any] = load_json("lexicons/data/time.json")
    units: dict[str, tuple[str, str]] = {}
    for unit, forms in d["units"].items():
        for form in ("singular", "dual", "plural", "vague"):
            for w in forms[form]:
                units.setdefault(norm(w), (unit, form))
    numbers = {norm(w): int(k) for k, ws in d["numbers"].items() for w in ws}
    modifiers = {norm(w): k for k, ws in d["modifiers"].items() for w in ws}
    pod = d["parts_of_day"]
    anaphoric: Phrases[str] = Phrases()
    for key in ("next_day", "same_day", "after_that", "before_that"):
        for w in d["anaphoric"][key]:
            anaphoric.add(w, key)
    return Lexicon(
        months=Phrases({p: int(k) for p, k in _flat(d["months"]).items()}),
        ambiguous_months=_wordset(d["ambiguous_months"]["words"]),
        hijri_months=Phrases({p: int(k) for p, k in _flat(d["hijri_months"]).items()}),
        weekdays={norm(p): int(k) for p, k in _flat(d["weekdays"]).items()},
        weekday_before=_wordset(d["weekday_traps"]["before"]),
        weekday_after=_wordset(d["weekday_traps"]["after"]),
        numbers=numbers,
        teens=_wordset(d["teen_words"]),
        ordinals={norm(p): int(k) for p, k in _flat(d["ordinals"]).items()},
        units=units,
        deictics=Phrases(
            {**d["deictic_phrases"], **{k: v for k, v in d["deictics"].items() if k != "comment"}}
        ),
        today_not_after=_wordset(d["today_not_after"]["words"]),
        modifiers=modifiers,
        periods={norm(p): k for p, k in _flat(d["periods"]).items()},
        period_traps=_wordset(d["period_traps"]["before"]),
        parts=Phrases(dict(_flat({k: v for k, v in d["parts"].items() if k != "comment"}).items())),
        quarters={norm(k): v for k, v in d["quarters"].items()},
        seasons={norm(p): k for p, k in _flat(d["seasons"]).items()},
        pod_nouns=Phrases(pod["nouns"]),
        pod_nouns_words=frozenset(w for p in pod["nouns"] for w in words(p)),
        pod_adverbs=Phrases(pod["adverbs"]),
        hour_words=Phrases(pod["hour_words"]),
        minute_words=Phrases(pod["minute_words"]),
        clock_nouns=Phrases(dict.fromkeys(pod["clock_nouns"], True)),
        midnight=Phrases(dict.fromkeys(pod["midnight"], True)),
        zones=Phrases(dict.fromkeys(pod["zones"], True)),
        hijri_markers=_wordset(d["markers"]["hijri"]),
        gregorian_markers=_wordset(d["markers"]["gregorian"]),
        dual_joiners=Phrases(dict.fromkeys(d["markers"]["dual_joiners"], True)),
        year_nouns=_wordset(d["year_nouns"]),
        year_preps=_wordset(d["year_prepositions"]),
        month_preps=_wordset(d["month_prepositions"]),
        duration_prefixes=Phrases(dict.fromkeys(d["duration_prefixes"]["words"], True)),
        approximators=Phrases(dict.fromkeys(d["approximators"], True)),
        age_words=_wordset(d["age_words"]),
        set_adverbs={norm(k): v for k, v in d["sets"]["adverbs"].items()},
        future_markers=_wordset(d["future_markers"]),
        future_excluded=tuple(norm(w) for w in d["future_prefix_excluded"]),
        future_excluded_words=_wordset(d["future_excluded_words"]),
        anaphoric=anaphoric,
        earlier_later=Phrases(dict.fromkeys(d["earlier_later"], True)),
        decades={norm(k): v for k, v in d["decades"].items()},
        centuries=Phrases(d["centuries"]),
        date_traps=_wordset(d["date_traps_before"]["words"]),
        duration_verbs=_wordset(d["duration_verbs"]["words"]),
        today_not_before=_wordset(d["today_not_before"]["words"]),
        offset_words={
            **{norm(w): -1 for w in d["offsets"]["before"]},
            **{norm(w): 1 for w in d["offsets"]["after"]},
        },
        every=_wordset(d["sets"]["every"]),
        triggers=frozenset(_all_words(d)) | {"ال"},
    )
