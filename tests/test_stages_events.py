"""Events: golden cases (tests/cases/events.json, written for marsad) for each trigger
family and each modality, the argument, place and date rules, merging, the seed
article, the trigger dictionary against the CAMEO→PLOVER crosswalk, and ``marsad
explain``."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from marsad.cli import main
from marsad.doc import Article, Document, Event
from marsad.eval.run import evaluate
from marsad.eval.score import norm_text
from marsad.events.lexicon import lexicon, variants
from marsad.pipeline import Pipeline
from marsad.resources import load_json

from .conftest import REPO, load_cases, shared_path

PLOVER_TYPES = frozenset(load_json("lexicons/data/events.json")["types"]) - {"comment"}


def _doc(nlp: Pipeline, text: str, published: str | None = None) -> Document:
    doc = nlp(Article(text, published=published))
    doc.validate()
    return doc


def _words(doc: Document, ev: Event, *roles: str) -> list[str]:
    """The words of an event's arguments in these roles, and the other mentions of their
    entities («وزير الخارجية التركي» is also «هاكان فيدان»)."""
    out = []
    for a in ev.arguments:
        if a.role not in roles:
            continue
        out.append(norm_text(a.text))
        ent = doc.entity(a.entity)
        if ent is not None:
            out += [norm_text(m.text) for m in ent.mentions]
    return out


def _matches(expected: str, got: list[str]) -> bool:
    """A phrase of the case matches a predicted argument that contains it or is
    contained in it (token-wise), after the scoring normalisation and one clitic."""
    e = norm_text(expected).split()
    for g in got:
        gw = g.split()
        gw = [w[1:] if len(w) > 3 and w[0] in "وفبل" and w[1:] in g.split() else w for w in gw]
        if " ".join(e) in " ".join(gw) or " ".join(gw) in " ".join(e):
            return True
        stripped = [w[1:] if len(w) > 3 and w[0] in "وفبل" else w for w in gw]
        if " ".join(e) in " ".join(stripped) or (stripped and " ".join(stripped) in " ".join(e)):
            return True
    return False


def _event_ok(doc: Document, ev: Event, want: dict) -> list[str]:
    """What differs between a predicted event and an expected one ([] when none)."""
    errors = []
    if want.get("mode") is not None and ev.mode != want["mode"]:
        errors.append(f"mode {ev.mode} != {want['mode']}")
    roles = (("actor", "actors"), ("recipient", "recipients"))
    for role, key in roles:
        # a meeting's parties may stand on either side, as the scoring rules allow
        got = (
            _words(doc, ev, "actor", "recipient") if ev.type == "CONSULT" else _words(doc, ev, role)
        )
        for phrase in want.get(key, []):
            if not _matches(phrase, got):
                errors.append(f"{role} «{phrase}» not in {got}")
    if not want.get("actors") and ev.type != "CONSULT" and _words(doc, ev, "actor"):
        errors.append(f"actor {_words(doc, ev, 'actor')} where none is written")
    if want.get("location"):
        got = _words(doc, ev, "location")
        if not _matches(want["location"], got):
            errors.append(f"location «{want['location']}» not in {got}")
    if want.get("date") and ev.date != want["date"]:
        errors.append(f"date {ev.date} != {want['date']}")
    if set(ev.modality) != set(want.get("modality", [])):
        errors.append(f"modality {ev.modality} != {want.get('modality', [])}")
    return errors


def check_case(doc: Document, case: dict) -> list[str]:
    """Every expected event found (by type, then arguments), and no other event."""
    events = list(doc.spans["events"])
    problems = []
    for want in case["events"]:
        same_type = [ev for ev in events if ev.type == want["type"]]
        if not same_type:
            problems.append(f"missing {want['type']}")
            continue
        diffs = [(_event_ok(doc, ev, want), ev) for ev in same_type]
        diffs.sort(key=lambda d: len(d[0]))
        errs, ev = diffs[0]
        events.remove(ev)
        problems += [f"{want['type']}: {e}" for e in errs]
    problems += [f"extra {ev.type} «{ev.trigger.text}»" for ev in events]
    return problems


def _params() -> list:
    try:
        cases = load_cases("events.json")["cases"]
    except FileNotFoundError:  # pragma: no cover - the file ships with the repo
        return []
    out = []
    for case in cases:
        marks = []
        if case.get("xfail"):
            marks.append(pytest.mark.xfail(reason=case["xfail"], strict=True))
        out.append(pytest.param(case, id=case["id"], marks=marks))
    return out


@pytest.mark.parametrize("case", _params())
def test_golden_case(nlp: Pipeline, case: dict) -> None:
    doc = _doc(nlp, case["text"], case.get("published"))
    assert check_case(doc, case) == [], case["text"]


def test_case_file_covers_every_family_and_modality() -> None:
    cases = load_cases("events.json")["cases"]
    families = {c["family"] for c in cases}
    assert families >= PLOVER_TYPES
    assert {
        "negated",
        "future",
        "hypothetical",
        "historical",
        "reported",
        "demand",
        "none",
    } <= families
    modalities = {m for c in cases for e in c["events"] for m in e.get("modality", [])}
    assert modalities == {"negated", "future", "hypothetical", "historical", "reported"}
    for c in cases:
        for e in c["events"]:
            assert e["type"] in PLOVER_TYPES, c["id"]
            for phrase in [*e.get("actors", []), *e.get("recipients", [])]:
                assert phrase in c["text"], (c["id"], phrase)


# -- the dictionary ------------------------------------------------------------------


def test_trigger_entries_are_well_formed() -> None:
    data = load_json("lexicons/data/event_triggers.json")["triggers"]
    ids = [t["id"] for t in data]
    assert len(ids) == len(set(ids))
    assert {t["type"] for t in data} == PLOVER_TYPES  # every type has triggers
    for t in data:
        assert t["type"] in PLOVER_TYPES and t["pos"] in ("verb", "noun") and t["forms"], t["id"]
        assert re.fullmatch(r"\d{3,4}", t["cameo"]), t["id"]


@pytest.mark.shared
def test_trigger_codes_agree_with_the_cameo_plover_crosswalk() -> None:
    walk = {}
    for line in shared_path("data", "plover", "CAMEO2PLOVER-2021.txt").read_text().splitlines():
        m = re.match(r"(\d+):\s*([A-Z]+)\s*,\s*([^,]*),", line)
        if m:
            walk[m.group(1)] = m.group(2)
    for t in load_json("lexicons/data/event_triggers.json")["triggers"]:
        assert walk.get(t["cameo"]) == t["type"], (t["id"], t["cameo"], walk.get(t["cameo"]))


def test_clitics_are_stripped_before_lookup() -> None:
    stems = {v.stem for v in variants("وسيلتقي")}
    assert "يلتقي" in stems
    assert {v.stem for v in variants("للمتظاهرين")} >= {"متظاهرين"}
    # «عدواني» is an adjective: no ي is stripped as a pronoun
    assert "عدوان" not in {v.stem for v in variants("العدواني")}
    assert lexicon().match_token("وبحث")[0].entry.type == "CONSULT"


# -- arguments, place, date -----------------------------------------------------------


def test_meeting_actor_recipient_place_and_date(nlp: Pipeline) -> None:
    doc = _doc(
        nlp,
        "واستقبل الرئيس المصري عبد الفتاح السيسي في القاهرة أمس "
        "وزير الخارجية الأميركي أنتوني بلينكن.",
        "2023-10-16",
    )
    (ev,) = doc.spans["events"]
    assert ev.type == "CONSULT" and ev.mode == "visit"
    names = {doc.entity(i).name_en for i in [*ev.actors, *ev.recipients]}
    assert names == {"Abdel Fattah el-Sisi", "Antony Blinken"}
    assert doc.entity(ev.location).name_en == "Cairo"
    assert (ev.date, ev.date_source) == ("2023-10-15", "timex")


def test_unknown_perpetrator_stays_unknown(nlp: Pipeline) -> None:
    doc = _doc(nlp, "وقُتل ثلاثة جنود في انفجار عبوة ناسفة شمال بغداد.", "2019-05-02")
    (ev,) = [e for e in doc.spans["events"] if e.type == "ASSAULT"]
    assert ev.actors == [] and not [a for a in ev.arguments if a.role == "actor"]
    assert ev.date_source == "published" and ev.date == "2019-05-02"


def test_generic_agent_with_a_demonym_is_its_country(nlp: Pipeline) -> None:
    doc = _doc(nlp, "وقصفت المدفعية الإسرائيلية مواقع في جنوب لبنان فجر اليوم.", "2024-02-01")
    (ev,) = doc.spans["events"]
    actor = next(a for a in ev.arguments if a.role == "actor")
    assert actor.text == "المدفعية الإسرائيلية" and actor.sector == "MIL"
    assert doc.entity(ev.actors[0]).name_en == "Israel"


def test_sentence_initial_particles_never_hide_the_predicate(nlp: Pipeline) -> None:
    for opener in ("و", "ف", "كما ", "ثم "):
        text = f"{opener}اعتقلت الشرطة التركية عشرات المحتجين في إسطنبول."
        types = [e.type for e in _doc(nlp, text, "2013-06-01").spans["events"]]
        assert "COERCE" in types, text


def test_dropped_subject_takes_the_subject_before_it(nlp: Pipeline) -> None:
    doc = _doc(
        nlp,
        "وأعلنت حركة حماس مسؤوليتها عن العملية، ثم قصفت مواقع عسكرية في عسقلان.",
        "2014-07-20",
    )
    ev = next(e for e in doc.spans["events"] if e.type == "ASSAULT")
    assert doc.entity(ev.actors[0]).name_en == "Hamas"


def test_place_after_a_topic_noun_is_not_where_it_happened(nlp: Pipeline) -> None:
    doc = _doc(nlp, "وبحث وزير الخارجية السعودي مع نظيره الفرنسي الأوضاع في السودان.", "2023-05-10")
    (ev,) = doc.spans["events"]
    assert ev.type == "CONSULT" and ev.location is None


def test_mentions_of_one_happening_are_one_event(nlp: Pipeline) -> None:
    text = (
        "شنت الطائرات الإسرائيلية غارات على قطاع غزة أمس. "
        "وقالت مصادر محلية إن الغارات الإسرائيلية استهدفت منازل في رفح."
    )
    doc = _doc(nlp, text, "2021-05-12")
    assaults = [e for e in doc.spans["events"] if e.type == "ASSAULT"]
    assert len(assaults) == 1 and len(assaults[0].mentions) >= 1


# -- modality and demands --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "modality"),
    [
        ("ولم يلتق الرئيس الفرنسي نظيره الجزائري خلال القمة.", ["negated"]),
        ("ونفى الجيش اللبناني أن يكون قد قصف مواقع سورية.", ["negated", "reported"]),
        ("وسيزور الرئيس التركي الجزائر الأسبوع المقبل.", ["future"]),
        ("ومن المقرر أن يلتقي وزير الخارجية المصري نظيره الأردني في عمّان.", ["future"]),
        ("وهدد الحوثيون بأنهم سيقصفون السفن إذا اقتربت من السواحل.", None),
        ("وقال الوزير إن قوات الأمن اعتقلت خمسة مشتبه بهم.", ["reported"]),
    ],
)
def test_modality(nlp: Pipeline, text: str, modality: list[str] | None) -> None:
    doc = _doc(nlp, text, "2022-03-10")
    assert doc.spans["events"], text
    if modality is None:  # the condition makes the threatened attack hypothetical
        assert any("hypothetical" in e.modality for e in doc.spans["events"]) or any(
            e.type == "THREATEN" for e in doc.spans["events"]
        )
        return
    assert doc.spans["events"][0].modality == modality, text


def test_historical_event(nlp: Pipeline) -> None:
    doc = _doc(nlp, "وكانت القوات الأميركية قد اقتحمت مدينة الفلوجة في نوفمبر 2004.", "2014-11-08")
    (ev,) = doc.spans["events"]
    assert ev.date == "2004-11" and "historical" in ev.modality


def test_demand_inside_a_quote_is_a_request_by_the_speaker(nlp: Pipeline) -> None:
    doc = _doc(
        nlp,
        "وقال الأمين العام للأمم المتحدة أنطونيو غوتيريش: «يتعين على مجلس الأمن فرض وقف "
        "فوري لإطلاق النار».",
        "2023-12-08",
    )
    requests = [e for e in doc.spans["events"] if e.type == "REQUEST"]
    assert len(requests) == 1
    (ev,) = requests
    assert doc.entity(ev.actors[0]).name_en == "António Guterres"
    assert doc.entity(ev.recipients[0]).name_en == "United Nations Security Council"
    assert "reported" not in ev.modality
    assert not [e for e in doc.spans["events"] if e.type == "RETREAT"]  # the content


def test_called_for_action_is_not_an_event_of_its_own(nlp: Pipeline) -> None:
    doc = _doc(nlp, "ودعا وزير الخارجية القطري إلى وقف إطلاق النار في السودان.", "2023-06-01")
    assert [e.type for e in doc.spans["events"]] == ["REQUEST"]
    assert doc.spans["events"][0].mode == "yield"


# -- the seed article ------------------------------------------------------------------


@pytest.mark.shared
def test_seed_events(nlp: Pipeline) -> None:
    gold = shared_path("seed", "gold.json")
    _, totals = evaluate([gold], nlp=nlp)
    assert totals["events"].recall == 1.0, totals["events"].missed
    doc = nlp(Article(shared_path("seed", "article.txt").read_text(encoding="utf-8")))
    summit = [e for e in doc.spans["events"] if e.type == "CONSULT" and "future" in e.modality]
    assert summit and summit[0].date == "2023-11-12"
    meeting = [e for e in doc.spans["events"] if e.type == "CONSULT" and e.date == "2023-11-09"]
    people = {doc.entity(i).name_en for e in meeting for i in [*e.actors, *e.recipients]}
    assert {"Ebrahim Raisi", "Recep Tayyip Erdoğan"} <= people


# -- explain and output --------------------------------------------------------------


def test_explain_names_trigger_entry_and_rules(tmp_path) -> None:
    p = tmp_path / "a.txt"
    p.write_text("وقصفت الطائرات الروسية مدينة إدلب أمس.", encoding="utf-8")
    result = CliRunner().invoke(main, ["explain", str(p), "--published", "2020-02-20"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "ASSAULT" in out and "trigger: «وقصفت" in out
    assert "actor: «الطائرات الروسية»" in out and "subject after the verb" in out
    assert "2020-02-19" in out


def test_events_round_trip_through_json(nlp: Pipeline) -> None:
    doc = _doc(nlp, "وتظاهر آلاف الطلاب في الجزائر العاصمة أمس احتجاجاً على الغلاء.", "2019-03-01")
    data = doc.to_dict()
    again = Document.from_dict(json.loads(json.dumps(data)))
    again.validate()
    assert again.to_dict()["events"] == data["events"]
    assert data["events"][0]["type"] == "PROTEST"


def test_heldout_articles_score_above_a_floor(nlp: Pipeline) -> None:
    files = sorted((REPO / "tests" / "gold" / "heldout").glob("*.json"))
    assert len(files) >= 20
    _, totals = evaluate(files, nlp=nlp)
    # first score before any fix: F1 0.287 (with the gold dates); 0.335 at this commit
    assert totals["events"].f1 >= 0.3, (totals["events"].missed, totals["events"].spurious)


# --- the report model: report or mention -------------------------------------------


@pytest.fixture(scope="module")
def feed() -> Pipeline:
    """marsad as a feed of reports: events the report model takes for mentions dropped."""
    from marsad.config import Config
    from marsad.pipeline import load

    return load(Config.default().override("events.drop_mentions", True))


@pytest.mark.parametrize(
    ("text", "etype"),
    [
        (
            "قتل خمسة أشخاص وأصيب عشرة آخرون أمس في انفجار سيارة مفخخة استهدف سوقا شعبيا "
            "في مدينة الحلة.",
            "ASSAULT",
        ),
        (
            "وقصفت طائرات حربية مواقع للمسلحين شمال المدينة فجر اليوم، ما أسفر عن مقتل "
            "ثمانية منهم.",
            "ASSAULT",
        ),
        (
            "تظاهر أمس آلاف الطلاب أمام مقر البرلمان في العاصمة للمطالبة بخفض الرسوم الجامعية.",
            "PROTEST",
        ),
        ("واعتصم مئات العمال أمس أمام مقر الشركة احتجاجا على تأخر رواتبهم.", "PROTEST"),
    ],
)
def test_a_report_scores_above_its_threshold(
    nlp: Pipeline, feed: Pipeline, text: str, etype: str
) -> None:
    from marsad.events.report import is_report, threshold

    evs = [e for e in _doc(nlp, text, "2024-05-02").spans["events"] if e.type == etype]
    assert evs and all(e.confidence is not None for e in evs)
    assert max(e.confidence or 0.0 for e in evs) >= (threshold(etype) or 1.0)
    assert any(is_report(e) for e in evs)
    assert any(e.type == etype for e in _doc(feed, text, "2024-05-02").spans["events"])


@pytest.mark.parametrize(
    "text",
    [
        "وتواصل المحكمة النظر في قضية اغتيال رئيس الوزراء الأسبق التي وقعت قبل عشر سنوات.",
        "ويرى محللون أن موجة الاحتجاجات التي شهدتها المنطقة غيرت المشهد السياسي.",
        "وكتب المعلق أن الحرب لا تنتهي بالقصف والاغتيالات وحدها.",
        "ويخشى السكان أن تتحول المظاهرات إلى أعمال عنف كما حدث في الماضي.",
        "وسيطرت القوات على البلدة بعد اشتباكات عنيفة أمس.",
    ],
)
def test_a_mention_is_left_out_of_the_feed(feed: Pipeline, text: str) -> None:
    doc = _doc(feed, text, "2024-05-02")
    assert not [e for e in doc.spans["events"] if e.type in ("ASSAULT", "PROTEST")]


def test_only_the_model_types_get_a_confidence(nlp: Pipeline) -> None:
    doc = _doc(nlp, "التقى وزير الخارجية المصري نظيره الأردني في عمان أمس.", "2024-05-02")
    assert doc.spans["events"] and all(e.confidence is None for e in doc.spans["events"])


def test_confidence_is_validated(nlp: Pipeline) -> None:
    doc = _doc(
        nlp, "واعتصم مئات العمال أمس أمام مقر الشركة احتجاجا على تأخر رواتبهم.", "2024-05-02"
    )
    doc.spans["events"][0].confidence = 1.5
    with pytest.raises(ValueError, match="confidence"):
        doc.validate()


def test_report_model_file_names_its_source_and_types() -> None:
    from marsad.events import report

    data = load_json(report.MODEL_PATH)
    assert "arabic_event_gsr" in data["about"] and "MIT" in data["about"]
    assert set(data["thresholds"]) == set(report.TYPES)
    assert all(0.0 < t < 1.0 for t in data["thresholds"].values())
    assert any(k.startswith("*:") for k in data["weights"])


def test_training_separates_what_it_is_shown() -> None:
    from marsad.events.report import ReportModel, best_threshold, f1_at, train, typed

    pos = [(typed({"bias": 1.0, "w=امس": 1.0}, "PROTEST"), 1.0)] * 20
    neg = [(typed({"bias": 1.0, "w=قضيه": 1.0}, "PROTEST"), 0.0)] * 60
    m = ReportModel(train(pos + neg, min_count=1), {"PROTEST": 0.5})
    assert m.score({"bias": 1.0, "w=امس": 1.0}, "PROTEST") > 0.8
    assert m.score({"bias": 1.0, "w=قضيه": 1.0}, "PROTEST") < 0.2
    assert "PROTEST:w=امس" not in train(pos + neg, min_count=30)  # seen 20 times only
    scores = [(0.9, 1), (0.8, 1), (0.7, 0), (0.2, 0)]
    assert f1_at(scores, 3, 0.75) == (1.0, 2 / 3, 0.8)
    assert best_threshold(scores, 3) == (0.8, 0.8)
