"""The tagger's names in the pipeline: NIL entities the knowledge base does not know,
clustered by name, attributed as speakers; the knowledge base wins where both speak.
The articles are ours (people and places invented or generic)."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsad import load
from marsad.config import Config
from marsad.doc import Article, Document
from marsad.pipeline import Pipeline

FIXTURES = Path(__file__).parent / "fixtures" / "ner"
ACTIVIST = (FIXTURES / "activist.txt").read_text(encoding="utf-8")
KNOWN = (FIXTURES / "known.txt").read_text(encoding="utf-8")


def _doc(nlp: Pipeline, text: str, published: str = "2024-03-10") -> Document:
    title, _, body = text.partition("\n\n")
    return nlp(Article(body, title=title, published=published))


@pytest.fixture(scope="module")
def nlp_ner() -> Pipeline:
    return load(Config.default().override("entities.ner", True))


def _people(doc: Document) -> dict[str, list[str]]:
    return {e.name: [m.text for m in e.mentions] for e in doc.entities if e.type == "PERSON"}


@pytest.mark.issue(7)
def test_fusion_activist_and_official_become_nil_people(nlp_ner: Pipeline) -> None:
    doc = _doc(nlp_ner, ACTIVIST)
    people = _people(doc)
    assert people["سعاد الشمري"] == ["سعاد الشمري", "الشمري"]  # the lone family name joins
    assert people["عيسى الساير"] == ["عيسى الساير", "الساير"]
    assert "فراس العبيدي" in people
    for e in doc.entities:
        if e.type == "PERSON":
            assert e.kb_id is None
    places = {e.name for e in doc.entities if e.type == "GPE"}
    assert "الرمادي" in places  # the known place inside «رئيس بلدية الرمادي …» stays known


@pytest.mark.issue(7)
def test_fusion_nil_people_are_quote_speakers(nlp_ner: Pipeline) -> None:
    doc = _doc(nlp_ner, ACTIVIST)
    names = {e.id: e.name for e in doc.entities}
    speakers = {q.cue.text: names.get(q.speaker or "") for q in doc.spans["quotes"]}
    assert speakers["وقالت"] == "سعاد الشمري"
    assert speakers["أعلن"] == "عيسى الساير"
    assert speakers["وأضاف"] == "عيسى الساير"  # «وأضاف الساير»: the family name
    assert speakers["وأكد"] == "فراس العبيدي"  # after «المحلل السياسي»


@pytest.mark.issue(7)
def test_fusion_knowledge_base_wins(nlp_ner: Pipeline) -> None:
    # the tagger also reads «رجب طيب إردوغان» and «إردوغان» as PERS: the KB's actor keeps them
    doc = _doc(nlp_ner, KNOWN, published="2024-03-10")
    owners = {m.entity for m in doc.spans["mentions"] if "إردوغان" in m.text}
    assert len(owners) == 1
    (erdogan,) = [e for e in doc.entities if e.id in owners]
    assert erdogan.kb_id == "Q39723" and len(erdogan.mentions) == 4
    nil = [e.name for e in doc.entities if e.kb_id is None]
    assert nil == ["مراد أوزكان"]  # the one person the knowledge base does not know


@pytest.mark.issue(7)
def test_fusion_one_entity_per_normalised_name(nlp_ner: Pipeline) -> None:
    text = (
        "الشمري تواصل حملتها\n\nقالت الناشطة سعاد الشمري إن الحملة مستمرة. "
        "وكانت سُعاد الشمّري قد دعت إلى الإضراب."
    )
    doc = _doc(nlp_ner, text)
    shammari = [e for e in doc.entities if e.type == "PERSON" and "الشم" in e.name]
    assert len(shammari) == 1
    assert len(shammari[0].mentions) >= 2


@pytest.mark.issue(7)
def test_fusion_off_leaves_the_names_out() -> None:
    doc = _doc(load(Config.default().override("entities.ner", False)), ACTIVIST)
    assert "فراس العبيدي" not in _people(doc)
    assert "عيسى الساير" not in _people(doc)


@pytest.mark.issue(7)
def test_fusion_every_mention_points_into_the_text(nlp_ner: Pipeline) -> None:
    doc = _doc(nlp_ner, ACTIVIST)
    for m in doc.spans["mentions"]:
        assert doc.text[m.start : m.end] == m.text
        assert not m.text.startswith((" ", "،")) and not m.text.endswith((" ", "،", "."))


class _FixedTagger:
    """A stand-in tagger that tags given words: fusion's rules tested without the CRF."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names  # word → tag

    def tag_sentences(self, sentences: list[list[str]], *, window: int = 10) -> list[list[str]]:
        return [[self.names.get(w, "O") for w in s] for s in sentences]


def _fused(text: str, names: dict[str, str]) -> Document:
    from marsad.kb.gazetteer import load_gazetteer
    from marsad.pipeline import make_doc
    from marsad.stages.entities import EntitiesConfig, link_entities
    from marsad.text.segment import segment

    doc = segment(make_doc(Article(text, published="2024-03-10")))
    tagger = _FixedTagger(names)
    return link_entities(doc, load_gazetteer(), EntitiesConfig(), tagger=tagger)  # type: ignore[arg-type]


@pytest.mark.issue(7)
def test_fusion_rules_lone_given_name_and_bare_heads_are_no_entities() -> None:
    doc = _fused(
        "وقال أحمد إن القصف طال ريف البلدة.",
        {"أحمد": "B-PERS", "ريف": "B-LOC"},
    )
    assert [e.name for e in doc.entities] == []


@pytest.mark.issue(7)
def test_fusion_rules_org_never_ends_with_a_given_name() -> None:
    doc = _fused(
        "وأعلنت جبهة الوفاق خالد عن مؤتمر.",
        {"جبهة": "B-ORG", "الوفاق": "I-ORG", "خالد": "I-ORG"},
    )
    assert [(e.type, e.name) for e in doc.entities] == [("ORG", "جبهة الوفاق")]


@pytest.mark.issue(7)
def test_fusion_rules_known_phrase_links_and_proclitic_is_left_out() -> None:
    doc = _fused(
        "ووصل الوفد إلى وادي زمرين ثم زار لزمرين أهلها.",
        {"وادي": "B-LOC", "زمرين": "I-LOC", "لزمرين": "B-LOC"},
    )
    kinds = {(e.type, e.name): [m.text for m in e.mentions] for e in doc.entities}
    assert kinds[("LOC", "وادي زمرين")] == ["وادي زمرين"]  # a natural place: LOC
    assert ("GPE", "زمرين") in kinds and kinds[("GPE", "زمرين")] == ["زمرين"]  # «ل» left out
