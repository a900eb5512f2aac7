"""Property tests: no input string crashes the text layer; every offset invariant holds."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marsad.errors import InputError
from marsad.pipeline import Pipeline, make_doc
from marsad.text.clean import apply_plan, clean
from marsad.text.normalize import normalize
from marsad.text.segment import clitic_split

# Text drawn mostly from the characters news contains, plus anything Unicode has.
ARABIC = st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
SPECIAL = st.sampled_from(
    list("«»“”\"'.!?؟…،؛:()[]- \n\t\r\u200f\u200c\u0640\u064e\u0651ـ•0123456789٠١٢٣")
)
PRESENTATION = st.characters(min_codepoint=0xFE70, max_codepoint=0xFEFF)
ANY = st.characters(blacklist_categories=("Cs",))
TEXT = st.lists(
    st.one_of(ARABIC, ARABIC, ARABIC, SPECIAL, SPECIAL, PRESENTATION, ANY), max_size=300
).map("".join)

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(TEXT)
def test_properties_clean_never_crashes_and_replays(raw: str) -> None:
    text, steps = clean(raw)
    assert apply_plan(raw, [s.step for s in steps]) == text
    assert clean(text)[0] == text  # idempotent


@FAST
@given(TEXT)
def test_properties_pipeline_offsets_hold(raw: str) -> None:
    nlp = Pipeline()
    try:
        doc = nlp(make_doc(raw))
    except InputError:
        return  # no letters: refused with a clear error, by design
    doc.validate()
    text = doc.text
    last_end = 0
    for s in doc.sentences:
        assert s.text.strip() == s.text and s.text
        assert s.start >= last_end
        last_end = s.end
        b = doc.blocks[s.block]
        assert b.start <= s.start and s.end <= b.end
    for t in doc.tokens:
        assert not t.text.isspace() and t.text
        assert t.words[0].start == t.start and t.words[-1].end == t.end
        for a, b in zip(t.words, t.words[1:], strict=False):
            assert a.end == b.start
    # every non-space character of a block belongs to exactly one token
    covered = set()
    for t in doc.tokens:
        covered.update(range(t.start, t.end))
    for b in doc.blocks:
        for i in range(b.start, b.end):
            assert (i in covered) != text[i].isspace()


@FAST
@given(TEXT)
def test_properties_normalize_maps_back(raw: str) -> None:
    n = normalize(raw)
    for i in range(len(n.text)):
        j = n.to_orig(i)
        assert 0 <= j < len(raw)
    if n.text:
        s, e = n.span_to_orig(0, len(n.text))
        assert 0 <= s <= e <= len(raw)


@FAST
@given(
    st.text(
        alphabet=st.characters(min_codepoint=0x0621, max_codepoint=0x0652), min_size=1, max_size=20
    )
)
def test_properties_clitic_split_tiles_the_token(token: str) -> None:
    token = "ب" + token  # a token always starts with a letter
    words = clitic_split(token)
    assert words[0][0] == 0 and words[-1][1] == len(token)
    for (s1, e1, *_), (s2, *_) in itertools.pairwise(words):
        assert e1 == s2 and s1 < e1


@pytest.mark.parametrize("raw", ["", " ", "\x00", "\ufeff", "ـــ", "«««", '"', "...", "\n\n\n"])
def test_properties_degenerate_inputs(raw: str) -> None:
    if not any(ch.isalpha() for ch in raw):
        with pytest.raises(InputError, match="E111"):
            Pipeline()(raw)
        return
    Pipeline()(raw).validate()


@pytest.mark.parametrize("raw", ["\u200fÁ", "Á", "café ÉÀ"])
def test_properties_lone_accented_letters_are_not_mojibake(raw: str) -> None:
    """Found by hypothesis: one accented letter was re-decoded as windows-1256 (ء)."""
    text, _ = clean(raw)
    assert clean(text)[0] == text
    assert "ء" not in text
