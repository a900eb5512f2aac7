"""The document model: offsets, alignment, the output contract."""

from __future__ import annotations

import json
import pickle

import pytest

from marsad.doc import Document, Entity, Event, Mention, Quote, Span, Timex
from marsad.errors import AlignmentError
from marsad.pipeline import Pipeline


def _annotated(nlp: Pipeline) -> Document:
    doc = nlp("التقى الرئيس المصري نظيره الفرنسي في القاهرة، وقال إنّ «الحوار مستمر» اليوم الأحد.")
    t = doc.text
    start = t.index("الرئيس المصري")
    m = Mention(start, start + len("الرئيس المصري"), "الرئيس المصري", entity="E1", label="PERSON")
    doc.entities.append(
        Entity("E1", "PERSON", "عبد الفتاح السيسي", name_en="Abdel Fattah el-Sisi", mentions=[m])
    )
    cairo = t.index("القاهرة")
    c = Mention(cairo, cairo + 7, "القاهرة", entity="E2", label="GPE")
    doc.entities.append(Entity("E2", "GPE", "القاهرة", name_en="Cairo", mentions=[c]))
    doc.spans["mentions"] += [m, c]
    cue = doc.char_span(t.index("وقال") + 1, t.index("وقال") + 4)
    qs = t.index("«") + 1
    content = doc.char_span(qs, t.index("»"))
    doc.spans["quotes"].append(
        Quote("direct", cue, content, speaker="E1", speaker_text="الرئيس المصري")
    )
    ts = t.index("اليوم الأحد")
    doc.spans["timexes"].append(Timex(ts, ts + 11, "اليوم الأحد", type="DATE", value="2024-03-17"))
    trig = doc.char_span(0, 5)
    doc.spans["events"].append(
        Event(
            "CONSULT",
            trig,
            0,
            actors=["E1"],
            location="E2",
            date="2024-03-17",
            date_source="timex",
            cameo="04",
            quad=1,
        )
    )
    return doc


def test_doc_span_text_matches_slice(nlp: Pipeline) -> None:
    doc = _annotated(nlp)
    doc.validate()
    for _, span in doc.iter_spans():
        assert doc.text[span.start : span.end] == span.text


def test_doc_text_is_frozen() -> None:
    doc = Document("نص")
    with pytest.raises(AttributeError):
        doc.text = "آخر"  # type: ignore[misc]


def test_doc_char_span_strict_rejects_misaligned(nlp: Pipeline) -> None:
    doc = nlp("وصل الوفد إلى بيروت صباحاً")
    with pytest.raises(AlignmentError, match="E301"):
        doc.char_span(1, 6)  # from inside «وصل» into «الوفد»


def test_doc_char_span_accepts_word_boundaries(nlp: Pipeline) -> None:
    doc = nlp("وصل رئيسي لإردوغان")
    start = doc.text.index("إردوغان")
    span = doc.char_span(start, start + len("إردوغان"))  # a word inside the token لإردوغان
    assert span.text == "إردوغان"


def test_doc_char_span_expand_and_contract(nlp: Pipeline) -> None:
    doc = nlp("وصل الوفد إلى بيروت")
    assert doc.char_span(5, 8, alignment_mode="expand").text == "الوفد"
    assert doc.char_span(2, 12, alignment_mode="contract").text == "الوفد"


def test_doc_char_span_out_of_range_raises() -> None:
    with pytest.raises(AlignmentError, match="E300"):
        Document("نص").char_span(0, 10)


def test_doc_validate_catches_wrong_text(nlp: Pipeline) -> None:
    doc = nlp("وصل الوفد إلى بيروت")
    doc.spans["timexes"].append(Timex(0, 3, "غلط"))
    with pytest.raises(AlignmentError, match="E302"):
        doc.validate()


def test_doc_validate_catches_unknown_entity(nlp: Pipeline) -> None:
    doc = nlp("وصل الوفد إلى بيروت")
    doc.spans["quotes"].append(
        Quote("direct", Span(0, 3, "وصل"), Span(4, 9, "الوفد"), speaker="E9")
    )
    with pytest.raises(AlignmentError, match="E304"):
        doc.validate()


def test_doc_to_dict_has_contract_fields(nlp: Pipeline) -> None:
    d = _annotated(nlp).to_dict()
    for key in (
        "id",
        "title",
        "published",
        "published_source",
        "url",
        "outlet",
        "text",
        "entities",
        "quotes",
        "timexes",
        "events",
    ):
        assert key in d
    ent = d["entities"][0]
    assert set(ent) >= {
        "id",
        "type",
        "name",
        "name_en",
        "kb_id",
        "wikidata",
        "country",
        "sector",
        "roles",
        "mentions",
    }
    q = d["quotes"][0]
    assert set(q) == {"speaker", "speaker_text", "kind", "cue", "content"}
    ev = d["events"][0]
    assert set(ev) >= {
        "type",
        "mode",
        "modality",
        "actors",
        "recipients",
        "location",
        "date",
        "date_source",
        "trigger",
        "sentence",
        "cameo",
        "quad",
    }
    json.dumps(d)  # serialisable


def test_doc_from_dict_round_trips(nlp: Pipeline) -> None:
    doc = _annotated(nlp)
    d = doc.to_dict()
    again = Document.from_dict(json.loads(json.dumps(d)))
    again.validate()
    assert again.to_dict() == d


def test_doc_from_dict_rejects_bad_offsets(nlp: Pipeline) -> None:
    d = _annotated(nlp).to_dict()
    d["timexes"][0]["start"] += 1
    with pytest.raises(AlignmentError):
        Document.from_dict(d)


def test_doc_from_dict_requires_contract_fields() -> None:
    with pytest.raises(ValueError, match="E303"):
        Document.from_dict({"text": "نص", "entities": []})


def test_doc_tokens_own_offsets_and_words_point_back(nlp: Pipeline) -> None:
    doc = nlp('وللبلدان علاقاتها بـ"إسرائيل"')
    for tok in doc.tokens:
        assert tok.words, tok
        assert tok.words[0].start == tok.start and tok.words[-1].end == tok.end
        for w in tok.words:
            assert tok.start <= w.start < w.end <= tok.end
            assert doc.text[w.start : w.end] == w.text
            assert w.token == tok.i
    first = [w.form for w in doc.tokens[0].words]
    assert first == ["و", "ل", "ال", "بلدان"]


def test_doc_pickles_with_annotations(nlp: Pipeline) -> None:
    doc = _annotated(nlp)
    again = pickle.loads(pickle.dumps(doc))
    assert again.to_dict() == doc.to_dict()
    assert [t.text for t in again.tokens] == [t.text for t in doc.tokens]


def test_doc_sentence_at(nlp: Pipeline) -> None:
    doc = nlp("الجملة الأولى. الجملة الثانية.")
    assert doc.sentence_at(doc.text.index("الثانية")).i == 1
    assert doc.sentence_at(len(doc.text) + 5) is None


def test_doc_sentence_token_ranges(nlp: Pipeline) -> None:
    doc = nlp("الجملة الأولى. الجملة الثانية هنا.")
    s = doc.sentences[1]
    toks = doc.tokens[s.first_token : s.last_token]
    assert [t.text for t in toks] == ["الجملة", "الثانية", "هنا", "."]
