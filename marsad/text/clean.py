"""Text-changing cleanup, run once before a Document exists, each step named and recorded.

Like ftfy's ``ExplanationStep``/``apply_plan``: :func:`clean` returns the cleaned text
and the list of steps that changed something, and :func:`apply_plan` replays those
steps on the raw text to get the same result. The character lists live in
``text/data/clean.json``.

Cleaning never touches letters, diacritics or tatweel: those are the business of the
*matching* normalisation (:mod:`marsad.text.normalize`), which keeps a map back to
these canonical offsets.

>>> text, steps = clean("الرئيس&nbsp;التركي\\r\\n\\u200fقال")
>>> text
'الرئيس التركي\\nقال'
>>> [s.step for s in steps]
['html_entities', 'newlines', 'invisibles', 'spaces']
>>> apply_plan("الرئيس&nbsp;التركي\\r\\n\\u200fقال", [s.step for s in steps]) == text
True
"""

from __future__ import annotations

import contextlib
import html
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from ..doc import CleanStep
from ..resources import load_json

StepFn = Callable[[str], tuple[str, int]]

_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# C0 and C1 control characters except \n (tabs are turned into spaces first).
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_LATIN1_LETTER = re.compile("[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff]")
_ARABIC_LETTER = re.compile("[\u0621-\u064a]")
_LETTER = re.compile(r"[^\W\d_]")
_MULTI_SPACE = re.compile(r" {2,}")
_LINE_EDGES = re.compile(r"[ ]*\n[ ]*")
_MANY_NEWLINES = re.compile(r"\n{3,}")


def _chars(codes: Iterable[str]) -> str:
    return "".join(chr(int(c, 16)) for c in codes)


@dataclass(frozen=True)
class _Tables:
    newline_re: re.Pattern[str]
    invisible_re: re.Pattern[str]
    invisible_table: dict[int, None]
    space_re: re.Pattern[str]
    space_table: dict[int, str]
    presentation_re: re.Pattern[str]
    presentation_table: dict[int, str]
    mojibake_share: float
    mojibake_min_letters: int
    mojibake_attempts: tuple[tuple[str, str], ...]


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    data = load_json("text/data/clean.json")
    newlines = _chars(data["newlines"]["chars"])
    invisibles = _chars(data["invisibles"]["chars"])
    spaces = _chars(data["spaces"]["chars"])
    presentation: dict[int, str] = {}
    classes = []
    for lo, hi in data["presentation_forms"]["ranges"]:
        lo_i, hi_i = int(lo, 16), int(hi, 16)
        classes.append(f"{chr(lo_i)}-{chr(hi_i)}")
        for cp in range(lo_i, hi_i + 1):
            ch = chr(cp)
            nfkc = unicodedata.normalize("NFKC", ch)
            if nfkc != ch and unicodedata.category(ch) != "Cn":
                presentation[cp] = nfkc.strip() or nfkc
    # The BOM (FEFF) sits in the presentation block but is an invisible: never map it.
    presentation.pop(0xFEFF, None)
    return _Tables(
        newline_re=re.compile("\r\n|[" + re.escape(newlines) + "]"),
        invisible_re=re.compile("[" + re.escape(invisibles) + "]"),
        invisible_table=dict.fromkeys(map(ord, invisibles)),
        space_re=re.compile("[" + re.escape(spaces) + "]"),
        space_table=dict.fromkeys(map(ord, spaces), " "),
        presentation_re=re.compile("[" + "".join(classes) + "]"),
        presentation_table=presentation,
        mojibake_share=float(data["mojibake"]["min_share"]),
        mojibake_min_letters=int(data["mojibake"]["min_letters"]),
        mojibake_attempts=tuple((a, b) for a, b in data["mojibake"]["attempts"]),
    )


# -- steps: each returns (new_text, number_of_changes) and is a no-op on clean text ----


def html_entities(text: str) -> tuple[str, int]:
    """Decode HTML character references (``&amp;``, ``&#1575;``, ``&nbsp;``).

    >>> html_entities("غزة &amp; رفح")
    ('غزة & رفح', 1)
    """
    if "&" not in text:
        return text, 0
    count = 0

    def sub(m: re.Match[str]) -> str:
        nonlocal count
        decoded = html.unescape(m.group(0))
        if decoded != m.group(0):
            count += 1
        return decoded

    return _ENTITY.sub(sub, text), count


def mojibake(text: str) -> tuple[str, int]:
    """Re-decode Arabic text that was decoded with the wrong codec.

    >>> mojibake("ÇáÑÆíÓ")
    ('الرئيس', 1)
    >>> mojibake("Café")
    ('Café', 0)
    """
    latin = len(_LATIN1_LETTER.findall(text)) if _LATIN1_LETTER.search(text) else 0
    if not latin:
        return text, 0
    tables = _tables()
    letters = len(_LETTER.findall(text))
    if (
        latin < tables.mojibake_min_letters
        or latin < tables.mojibake_share * letters
        or _ARABIC_LETTER.search(text)
    ):
        return text, 0
    for wrong, right in tables.mojibake_attempts:
        try:
            raw = _sloppy_cp1252(text) if wrong == "sloppy-cp1252" else text.encode(wrong)
            fixed = raw.decode(right)
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        arabic = len(_ARABIC_LETTER.findall(fixed))
        if arabic >= 0.5 * len(_LETTER.findall(fixed)) and "\ufffd" not in fixed:
            return fixed, 1
    return text, 0


@lru_cache(maxsize=1)
def _cp1252_bytes() -> dict[int, int]:
    """windows-1252 as browsers read it: its 0x80-0x9F letters, and latin-1 elsewhere
    (so the five bytes cp1252 leaves undefined survive as C1 controls, ftfy's
    "sloppy-windows-1252")."""
    table = {b: b for b in range(256)}
    for b in range(0x80, 0xA0):
        with contextlib.suppress(UnicodeDecodeError):
            table[ord(bytes([b]).decode("cp1252"))] = b
    return table


def _sloppy_cp1252(text: str) -> bytes:
    table = _cp1252_bytes()
    try:
        return bytes(table[ord(c)] for c in text)
    except KeyError as e:
        raise UnicodeEncodeError("sloppy-cp1252", text, 0, 1, "not a cp1252 character") from e


def _translate(
    text: str, pattern: re.Pattern[str], table: dict[int, str] | dict[int, None]
) -> tuple[str, int]:
    """Apply a character table, counting the characters ``pattern`` finds (none: no copy)."""
    n = len(pattern.findall(text))
    return (text.translate(table), n) if n else (text, 0)


def newlines(text: str) -> tuple[str, int]:
    r"""Turn ``\r\n``, ``\r`` and Unicode line/paragraph separators into ``\n``."""
    return _tables().newline_re.subn("\n", text)


def invisibles(text: str) -> tuple[str, int]:
    """Delete zero-width characters, bidi controls, soft hyphens and byte-order marks.

    >>> invisibles("إ\\u200fسرائيل")
    ('إسرائيل', 1)
    """
    t = _tables()
    return _translate(text, t.invisible_re, t.invisible_table)


def controls(text: str) -> tuple[str, int]:
    """Delete C0/C1 control characters other than the newline."""
    return _CONTROLS.subn("", text)


def spaces(text: str) -> tuple[str, int]:
    """Turn tabs, no-break spaces and typographic spaces into plain spaces."""
    t = _tables()
    return _translate(text, t.space_re, t.space_table)


def presentation_forms(text: str) -> tuple[str, int]:
    """Replace Arabic presentation forms (contextual glyphs, ligatures) by standard letters.

    >>> presentation_forms("ﺍﻟﻘﺪﺱ")
    ('القدس', 5)
    """
    t = _tables()
    return _translate(text, t.presentation_re, t.presentation_table)


def nfc(text: str) -> tuple[str, int]:
    """Apply Unicode NFC composition (e.g. alef + hamza above -> أ)."""
    if unicodedata.is_normalized("NFC", text):
        return text, 0
    fixed = unicodedata.normalize("NFC", text)
    return fixed, abs(len(text) - len(fixed)) or 1


def whitespace(text: str) -> tuple[str, int]:
    r"""Strip every line, collapse runs of spaces and of blank lines, strip the text.

    >>> whitespace("  قمة  إيكو \n\n\n\n النص ")
    ('قمة إيكو\n\nالنص', 5)
    """
    n = 0
    out, k = _MULTI_SPACE.subn(" ", text)
    n += k
    out2 = _LINE_EDGES.sub("\n", out)
    n += out2 != out
    out3, k = _MANY_NEWLINES.subn("\n\n", out2)
    n += k
    out4 = out3.strip()
    n += out4 != out3
    return out4, n


# The plan: order matters (entities may produce NBSP; newlines before line stripping).
STEPS: dict[str, StepFn] = {
    "html_entities": html_entities,
    "mojibake": mojibake,
    "newlines": newlines,
    "invisibles": invisibles,
    "controls": controls,
    "spaces": spaces,
    "presentation_forms": presentation_forms,
    "nfc": nfc,
    "whitespace": whitespace,
}


_WHITESPACE_WORK = re.compile(r"  | \n|\n |\n\n\n")


@lru_cache(maxsize=1)
def _trigger_chars() -> tuple[re.Pattern[str], dict[str, frozenset[str]]]:
    """The characters each cheap-to-check step changes, and one regex for all of them."""
    t = _tables()
    data = load_json("text/data/clean.json")
    by_step = {
        "newlines": frozenset("\r" + _chars(data["newlines"]["chars"])),
        "invisibles": frozenset(_chars(data["invisibles"]["chars"])),
        "controls": frozenset(
            chr(c)
            for c in [
                *range(0x00, 0x09),
                *range(0x0E, 0x20),
                *range(0x7F, 0x85),
                *range(0x86, 0xA0),
            ]
        ),
        "spaces": frozenset(_chars(data["spaces"]["chars"])),
        "presentation_forms": frozenset(map(chr, t.presentation_table)),
    }
    every = set().union(*by_step.values()) - {"\n"}
    pattern = re.compile("[" + "".join(re.escape(c) for c in sorted(every)) + "]")
    return pattern, by_step


def clean(text: str, *, steps: Iterable[str] | None = None) -> tuple[str, list[CleanStep]]:
    """Clean a raw article text and record which steps changed it.

    One scan finds which special characters the text holds; steps that change only
    characters it lacks are skipped (on typical news most of them).

    Args:
        text: the raw text.
        steps: the step names to run, in order (default: all of ``STEPS``).

    Returns:
        The cleaned text and the steps that changed it, with their change counts.

    Raises:
        KeyError: an unknown step name.
    """
    pattern, by_step = _trigger_chars()
    present: set[str] | None = None
    done: list[CleanStep] = []
    for name in steps if steps is not None else STEPS:
        chars = by_step.get(name)
        if chars is not None:
            if present is None:  # after html_entities/mojibake, which may add any character
                present = set(pattern.findall(text))
            if present.isdisjoint(chars):
                continue
        elif name == "whitespace" and not (
            text[:1].isspace() or text[-1:].isspace() or _WHITESPACE_WORK.search(text)
        ):
            continue
        text, changes = STEPS[name](text)
        if changes:
            done.append(CleanStep(name, int(changes)))
            if chars is None:
                present = None  # e.g. html_entities can add a no-break space
    return text, done


def apply_plan(raw: str, plan: Iterable[str]) -> str:
    """Replay recorded cleaning steps on the raw text (ftfy's ``apply_plan``)."""
    for name in plan:
        raw, _ = STEPS[name](raw)
    return raw
