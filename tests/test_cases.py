"""Golden cases kept as JSON (tests/cases/*.json); known failures are strict xfails."""

from __future__ import annotations

import pytest

from marsad.text.boilerplate import assign_zones
from marsad.text.clean import apply_plan, clean
from marsad.text.segment import clitic_split, split_blocks, split_sentences, tokenize

from .conftest import load_cases


def _params(name: str) -> list:
    out = []
    for case in load_cases(name):
        marks = []
        if case.get("xfail"):
            marks.append(pytest.mark.xfail(reason=case["xfail"], strict=True))
        out.append(pytest.param(case, id=case["label"], marks=marks))
    return out


@pytest.mark.parametrize("case", _params("sentences.json"))
def test_cases_sentences(case: dict) -> None:
    text = case["text"]
    got = [text[s:e] for bs, be in split_blocks(text) for s, e in split_sentences(text, bs, be)]
    assert got == case["sentences"], case["comment"]


@pytest.mark.parametrize("case", _params("tokens.json"))
def test_cases_tokens(case: dict) -> None:
    assert [t.text for t in tokenize(case["text"])] == case["tokens"], case["comment"]


@pytest.mark.parametrize("case", _params("words.json"))
def test_cases_words(case: dict) -> None:
    got = [[form, kind] for _, _, form, kind in clitic_split(case["token"])]
    assert got == case["words"], case["comment"]


@pytest.mark.parametrize("case", _params("zones.json"))
def test_cases_zones(case: dict) -> None:
    text = case["text"]
    got = [z for z, _ in assign_zones(text, split_blocks(text), headline=case["title"] is not None)]
    assert got == case["zones"], case["comment"]


@pytest.mark.parametrize("case", _params("clean.json"))
def test_cases_clean(case: dict) -> None:
    text, steps = clean(case["raw"])
    assert text == case["clean"], case["comment"]
    assert [s.step for s in steps] == case["steps"]
    assert apply_plan(case["raw"], [s.step for s in steps]) == text


@pytest.mark.parametrize("case", _params("clean_unchanged.json"))
def test_cases_clean_unchanged(case: dict) -> None:
    text, steps = clean(case["text"])
    assert text == case["text"], case["comment"]
    assert steps == []
