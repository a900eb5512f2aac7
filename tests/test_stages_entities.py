"""Entity recognition and linking, on sentences written for the tests and a small KB."""

from __future__ import annotations

import pytest

from marsad.doc import Article, Document
from marsad.pipeline import Pipeline, make_doc
from marsad.stages.entities import EntitiesConfig, link_entities

from .kb_fixture import gazetteer


def _doc(text: str, published: str | None = "2023-11-09", **cfg: object) -> Document:
    nlp = Pipeline()
    doc = nlp.stages[0](make_doc(Article(text, published=published)))
    link_entities(doc, gazetteer(), EntitiesConfig(**cfg))  # type: ignore[arg-type]
    doc.validate()
    return doc


def _linked(doc: Document) -> dict[str, list[str]]:
    """name_en (or name) -> mention texts."""
    return {(e.name_en or e.name): [m.text for m in e.mentions] for e in doc.entities}


def test_entities_title_resolves_to_holder_on_the_date() -> None:
    text = "قال الرئيس الإيراني إن بلاده مستعدة للحوار."
    assert "Ebrahim Raisi" in _linked(_doc(text, "2023-11-09"))
    assert "Masoud Pezeshkian" in _linked(_doc(text, "2025-03-01"))
    # between the two terms nobody held the office: no person
    between = _linked(_doc(text, "2024-06-15"))
    assert "Ebrahim Raisi" not in between and "Masoud Pezeshkian" not in between


def test_entities_title_without_date_is_not_guessed() -> None:
    assert "Ebrahim Raisi" not in _linked(_doc("قال الرئيس الإيراني إن الحوار ممكن.", None))


def test_entities_title_without_date_joins_a_named_holder() -> None:
    text = "التقى رجب طيب إردوغان وفداً. وقال الرئيس التركي إن اللقاء مثمر."
    assert _linked(_doc(text, None))["Recep Tayyip Erdogan"] == ["رجب طيب إردوغان", "الرئيس التركي"]
    # a named person who never held the office does not take the title
    text = "التقى هاكان فيدان وفداً. وقال الرئيس التركي إن اللقاء مثمر."
    assert "Recep Tayyip Erdogan" not in _linked(_doc(text, None))
    assert _linked(_doc(text, None))["Hakan Fidan"] == ["هاكان فيدان"]


def test_entities_counterpart_takes_the_antecedents_role() -> None:
    doc = _doc("التقى الرئيس الإيراني نظيره التركي في طشقند.")
    linked = _linked(doc)
    assert linked["Ebrahim Raisi"] == ["الرئيس الإيراني"]
    assert linked["Recep Tayyip Erdogan"] == ["نظيره التركي"]


def test_entities_counterpart_of_a_foreign_minister_by_date() -> None:
    text = "ناقش وزير الخارجية التركي، هاكان فيدان، مع نظيره الأميركي الأوضاع في غزة."
    assert "Antony Blinken" in _linked(_doc(text, "2023-11-07"))
    assert "Marco Rubio" in _linked(_doc(text, "2025-05-01"))


def test_entities_apposition_joins_title_and_name() -> None:
    doc = _doc("شدّد الرئيس الإيراني، إبراهيم رئيسي، على ضرورة وقف الحرب.")
    [raisi] = [e for e in doc.entities if e.name_en == "Ebrahim Raisi"]
    assert [m.text for m in raisi.mentions] == ["الرئيس الإيراني", "إبراهيم رئيسي"]
    assert raisi.roles[0].country == "IRN" and raisi.roles[0].start == "2021-08-03"


def test_entities_clitics_before_names() -> None:
    text = "رئيسي يؤكد لإردوغان ضرورة الحل. وبحث إبراهيم رئيسي الأمر بالسعودية مع إردوغان."
    linked = _linked(_doc(text))
    assert linked["Recep Tayyip Erdogan"] == ["إردوغان", "إردوغان"]
    assert linked["Saudi Arabia"] == ["السعودية"]
    assert linked["Ebrahim Raisi"] == ["رئيسي", "إبراهيم رئيسي"]


def test_entities_lil_article_keeps_the_lam() -> None:
    doc = _doc("قال إنّ الحرب لن تخدم للكيان الصهيوني أي هدف.")
    assert _linked(doc)["Israel"] == ["للكيان الصهيوني"]


def test_entities_unknown_name_in_apposition_is_nil_with_role() -> None:
    doc = _doc("قال وزير الخارجية الإثيوبي، تاديسي ولدي، إن المفاوضات ستستأنف.")
    [nil] = [e for e in doc.entities if e.kb_id is None]
    assert nil.type == "PERSON" and nil.name == "تاديسي ولدي"
    assert nil.roles[0].title == "وزير الخارجية" and nil.roles[0].country == "ETH"


def test_entities_rank_before_unknown_name_is_nil_person() -> None:
    doc = _doc("وأعلن العميد كامل الشمري أن القوات انسحبت.")
    assert any(e.kb_id is None and e.name == "كامل الشمري" for e in doc.entities)


def test_entities_rank_before_known_name() -> None:
    assert "Hossein Salami" in _linked(_doc("أكّد اللواء حسين سلامي أنّ الرد سيكون قاسياً."))


def test_entities_partial_name_coreference() -> None:
    text = "التقى وزير الخارجية التركي، هاكان فيدان، وفداً. وقال هاكان إن اللقاء مثمر."
    assert _linked(_doc(text))["Hakan Fidan"][-1] == "هاكان"


def test_entities_surname_of_office_holder_alone() -> None:
    assert "Benjamin Netanyahu" in _linked(_doc("رفض نتنياهو المقترح الأخير."))
    # out of office on the date and never named in full: not linked
    assert "Antony Blinken" not in _linked(_doc("وصل بلينكن إلى المنطقة.", "2026-01-10"))
    # after another given name the surname is another person's
    assert "Benjamin Netanyahu" not in _linked(_doc("زار جون نتنياهو المتحف."))


@pytest.mark.parametrize(
    "text",
    [
        "أدّى دوراً رئيسياً في المفاوضات، وكان الهدف الرئيسي واضحاً.",
        "انعقد الاجتماع في القاعة الرئيسية للمبنى.",
        "وصل الوفد في شهر رجب الماضي وغادر في شعبان.",
        "يحدوهم أمل كبير في سلامة المسافرين.",
        "اشترى عباس الخضار من السوق صباحاً.",
    ],
)
def test_entities_traps_make_no_person(text: str) -> None:
    doc = _doc(text)
    assert [e for e in doc.entities if e.type == "PERSON"] == []


def test_entities_title_of_a_former_holder_is_not_the_current_one() -> None:
    doc = _doc("انتقد الرئيس الإيراني السابق سياسات الحكومة.")
    assert "Ebrahim Raisi" not in _linked(doc)


def test_entities_capital_city_or_government() -> None:
    assert _linked(_doc("عقد الاجتماع في أنقرة أمس."))["Ankara"] == ["أنقرة"]
    assert _linked(_doc("أعلنت أنقرة رفضها للقرار."))["Turkey"] == ["أنقرة"]
    assert _linked(_doc("نددت تل أبيب بالقرار."))["Israel"] == ["تل أبيب"]


def test_entities_secretary_general_of_an_organisation() -> None:
    doc = _doc("دعا الأمين العام للأمم المتحدة إلى هدنة فورية.")
    assert _linked(doc)["António Guterres"] == ["الأمين العام للأمم المتحدة"]


def test_entities_demonyms_attach_to_named_country() -> None:
    doc = _doc("قالت الولايات المتحدة إن الأميركيين غادروا. وأشاد بالموقف السعودي.")
    linked = _linked(doc)
    assert linked["United States"] == ["الولايات المتحدة", "الأميركيين"]
    assert "Saudi Arabia" not in linked  # an adjective only, the country never named
    doc = _doc("وأشاد بالموقف السعودي.", demonyms="always")
    assert "Saudi Arabia" in _linked(doc)


def test_entities_orgs_and_places() -> None:
    doc = _doc(
        "دعت منظمة التعاون الإسلامي إلى وقف الهجمات على قطاع غزة، وقال الحرس الثوري إن غزة صامدة."
    )
    linked = _linked(doc)
    assert linked["Organisation of Islamic Cooperation"] == ["منظمة التعاون الإسلامي"]
    assert linked["Gaza Strip"] == ["قطاع غزة", "غزة"]
    assert linked["Islamic Revolutionary Guard Corps"] == ["الحرس الثوري"]
    gaza = next(e for e in doc.entities if e.name_en == "Gaza Strip")
    assert gaza.type == "GPE" and gaza.kb_id == "mx:gaza-strip"


def test_entities_output_contract_fields() -> None:
    d = _doc("شدّد الرئيس الإيراني، إبراهيم رئيسي، على الحل.").to_dict()
    e = d["entities"][0]
    assert (e["kb_id"], e["name"], e["name_en"], e["country"]) == (
        "Q5448931",
        "إبراهيم رئيسي",
        "Ebrahim Raisi",
        "IRN",
    )
    assert e["roles"] == [
        {"title": "الرئيس", "country": "IRN", "start": "2021-08-03", "end": "2024-05-19"}
    ]
    assert [m["text"] for m in e["mentions"]] == ["الرئيس الإيراني", "إبراهيم رئيسي"]


def test_entities_surname_that_is_a_common_word_never_matches_alone() -> None:
    # «آلا» folds to «الا», the spelling of «إلا» (except) without hamza
    doc = _doc("لم يبق إلا القليل من الوقت.", "2015-07-21")
    assert "Efkan Ala" not in _linked(doc)


def test_entities_bare_title_before_a_name_is_not_a_separate_mention() -> None:
    doc = _doc("وقال الرئيس رجب طيب إردوغان إن الحوار ممكن. وأضاف الرئيس أن بلاده مستعدة.")
    assert _linked(doc)["Recep Tayyip Erdogan"] == ["رجب طيب إردوغان"]


def test_entities_title_words_are_never_partial_names() -> None:
    text = "قال وزير الخارجية الأميركي أنتوني بلينكن إن وزير المالية وصل."
    assert _linked(_doc(text))["Antony Blinken"] == ["وزير الخارجية الأميركي", "أنتوني بلينكن"]


def test_entities_nil_names_with_kin_chains() -> None:
    doc = _doc("وأوضح الدكتور خالد بن محمد بن ناصر اليوسف أن المشروع بدأ.")
    assert any(e.name == "خالد بن محمد بن ناصر اليوسف" for e in doc.entities if e.kb_id is None)
    doc = _doc("وقال العقيد عبد الله سرحان إن الحريق أُخمد.")
    assert any(e.name == "عبد الله سرحان" for e in doc.entities if e.kb_id is None)


def test_entities_nil_name_rejects_common_words_after_a_rank() -> None:
    doc = _doc("عاود الفريق الأول لكرة القدم تدريباته، وقال الدكتور وزير الدولة عضواً في المجلس.")
    assert [e for e in doc.entities if e.kb_id is None] == []


def test_entities_short_ministry_name_not_inside_a_noun_phrase() -> None:
    assert "US State Department" in _linked(_doc("أعلنت الخارجية الأميركية موقفها."))
    assert "US State Department" not in _linked(
        _doc("انتقد السياسة الخارجية الأميركية في المنطقة.")
    )


def test_entities_operation_names_are_not_places() -> None:
    doc = _doc("أعلنت كتائب المقاومة بدء معركة طوفان الأقصى فجراً، وقصفت غزة.")
    assert all("الأقصى" not in m for ms in _linked(doc).values() for m in ms)
    aqsa = _linked(_doc("اقتحم مستوطنون المسجد الأقصى صباحاً."))["Al-Aqsa Mosque"]
    assert aqsa == ["المسجد الأقصى"]


def test_entities_geonames_cities_only_after_a_locative_word() -> None:
    assert "Bayan" not in _linked(_doc("أصدرت الوزارة بيان اليوم."))
    assert _linked(_doc("وقع الحادث في بيان مساء أمس."))["Bayan"] == ["بيان"]


def test_entities_packaged_kb_resolves_titles_by_date() -> None:
    """The curated data: the same title, different office-holders over the years."""
    nlp = Pipeline()
    text = "قال وزير الخارجية الأميركي إن المحادثات مستمرة."
    names = {
        day: [e.name_en for e in nlp(Article(text, published=day)).entities if e.type == "PERSON"]
        for day in ("2012-05-01", "2015-07-21", "2019-01-10", "2023-11-09")
    }
    assert names == {
        "2012-05-01": ["Hillary Clinton"],
        "2015-07-21": ["John Kerry"],
        "2019-01-10": ["Mike Pompeo"],
        "2023-11-09": ["Antony Blinken"],
    }


def test_entities_month_precision_overlap_takes_the_successor() -> None:
    from marsad.kb.gazetteer import build
    from marsad.kb.load import build_kb
    from marsad.resources import load_yaml

    from .kb_fixture import COUNTRIES

    roles = ("roles.yaml", load_yaml("kb/data/roles.yaml"))
    late = {"role": "interior_minister", "of": "ETH", "start": "2015-01-10", "end": "2017-12"}
    new = {"role": "interior_minister", "of": "ETH", "start": "2017-12-05"}
    people = [
        {"id": "mx:a", "name": "سالم الأول", "name_en": "A", "offices": [{**late, "uncertain": 1}]},
        {"id": "mx:b", "name": "كريم الثاني", "name_en": "B", "offices": [new]},
    ]
    gaz = build(build_kb([roles, ("countries.yaml", COUNTRIES), ("people/t.yaml", people)]))
    nlp = Pipeline()
    for day, who in (("2017-12-01", "A"), ("2017-12-20", "B")):
        doc = nlp.stages[0](
            make_doc(Article("قال وزير الداخلية الإثيوبي إن الوضع هادئ.", published=day))
        )
        link_entities(doc, gaz)
        assert [e.name_en for e in doc.entities if e.type == "PERSON"] == [who]
