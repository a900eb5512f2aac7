"""Quotes: golden cases (tests/cases/quotes.json) on the test knowledge base, and the
quotation pairing on its own."""

from __future__ import annotations

import pytest

from marsad.doc import Article, Document
from marsad.pipeline import Pipeline, make_doc
from marsad.stages.entities import link_entities
from marsad.stages.quotes import QuotesConfig, find_quotations, find_quotes
from marsad.text.segment import split_blocks

from .conftest import load_cases
from .kb_fixture import gazetteer


def _doc(text: str, published: str | None = "2023-11-09", **cfg: object) -> Document:
    doc = Pipeline().stages[0](make_doc(Article(text, published=published)))
    link_entities(doc, gazetteer())
    find_quotes(doc, QuotesConfig(**cfg))  # type: ignore[arg-type]
    doc.validate()
    return doc


def _speaker(doc: Document, eid: str | None) -> str | None:
    ent = doc.entity(eid)
    return None if ent is None else (ent.name_en or ent.name)


def _params() -> list:
    out = []
    for case in load_cases("quotes.json"):
        marks = []
        if case.get("xfail"):
            marks.append(pytest.mark.xfail(reason=case["xfail"], strict=True))
        out.append(pytest.param(case, id=case["label"], marks=marks))
    return out


@pytest.mark.parametrize("case", _params())
def test_cases_quotes(case: dict) -> None:
    doc = _doc(case["text"], case["published"])
    got = []
    for q in doc.spans["quotes"]:
        item = {
            "speaker": _speaker(doc, q.speaker),
            "kind": q.kind,
            "cue": q.cue.text,
            "content": q.content.text,
        }
        got.append(item)
    want = [{k: v for k, v in q.items() if k != "speaker_text"} for q in case["quotes"]]
    assert got == want, case["comment"]
    for q, w in zip(doc.spans["quotes"], case["quotes"], strict=True):
        if "speaker_text" in w:
            assert q.speaker_text == w["speaker_text"], case["comment"]


def test_quotes_offsets_point_into_the_text() -> None:
    doc = _doc('وقال بلينكن: "سنواصل العمل". وأضاف أنّ الوفد سيعود قريباً.')
    assert doc.spans["quotes"]
    for q in doc.spans["quotes"]:
        assert doc.text[q.cue.start : q.cue.end] == q.cue.text
        assert doc.text[q.content.start : q.content.end] == q.content.text
    assert doc.to_dict()["quotes"][0]["speaker"] == doc.spans["quotes"][0].speaker


def test_quotes_boilerplate_is_not_read() -> None:
    text = "وصل الوفد إلى أنقرة.\n\nاقرأ أيضاً: فيدان يؤكد أنّ الحل السياسي ممكن"
    doc = _doc(text)
    assert [b.zone for b in doc.blocks][-1] == "boilerplate"
    assert doc.spans["quotes"] == []
    assert len(_doc(text, skip_zones=()).spans["quotes"]) == 1


def test_quotes_nil_speakers_can_be_switched_off() -> None:
    text = "وقال خالد العتيبي إنّ الأسعار ارتفعت كثيراً."
    on, off = _doc(text), _doc(text, nil_speakers=False)
    assert [e.name for e in on.entities] == ["خالد العتيبي"]
    assert off.entities == []
    assert off.spans["quotes"][0].speaker is None
    assert off.spans["quotes"][0].speaker_text == "خالد العتيبي"


def test_quotes_min_quoted_words_decides_mixed() -> None:
    text = 'أبدى الرئيس الإيراني استعداد بلاده لـ"مواصلة الحوار".'
    assert _doc(text).spans["quotes"][0].kind == "indirect"  # two words: below the default 3
    assert _doc(text, min_quoted_words=2).spans["quotes"][0].kind == "mixed"


@pytest.mark.parametrize(
    ("text", "inside"),
    [
        ("قال: «نعم» ثم غادر", ["نعم"]),
        ('قال "أولاً" و"ثانياً"', ["أولاً", "ثانياً"]),
        ("قال «في “القدس” اليوم»", ["القدس", "في “القدس” اليوم"]),
        ("قال «لم ينته", ["لم ينته"]),  # left open: ends with the paragraph
        ("قال «أول\n\n«ثان»", ["أول\n\n«ثان"]),  # re-opened: runs on
        ("قال «أول\n\nثم غادر", ["أول"]),
        ("الكتاب's cover", []),  # an apostrophe inside a word is no quotation mark
    ],
)
def test_find_quotations(text: str, inside: list[str]) -> None:
    got = [text[q.start : q.end] for q in find_quotations(text, split_blocks(text))]
    assert sorted(got) == sorted(inside)
