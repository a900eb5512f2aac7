"""The gold-format scorer (shared/spec/gold-format.md) and marsad eval."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from marsad.cli import main
from marsad.eval.score import GoldEntity, entity_matches, mention_forms, norm_text, score_document

from .conftest import shared_path

GOLD = {
    "doc": "x.txt",
    "published": "2024-03-14",
    "entities": [
        {
            "name_en": "Recep Tayyip Erdogan",
            "type": "PERSON",
            "aliases": ["رجب طيب إردوغان", "إردوغان"],
        },
        {"name_en": "Ankara", "type": "GPE", "aliases": ["أنقرة"]},
        {"name_en": "Turkey", "type": "GPE", "aliases": ["تركيا"], "optional": True},
        {"name_en": "Gaza Strip", "type": "GPE", "aliases": ["غزة", "قطاع غزة"]},
    ],
    "quotes": [
        {
            "speaker": "Recep Tayyip Erdogan",
            "kind": "direct",
            "content": "لن نقبل باستمرار الحرب على غزة",
        },
        {
            "speaker": "Recep Tayyip Erdogan",
            "kind": "indirect",
            "content": "بلاده ستواصل جهودها",
            "optional": True,
        },
    ],
    "timexes": [
        {"text": "اليوم الخميس", "type": "DATE", "value": "2024-03-14"},
        {"text": "منذ خمسة أشهر", "type": "DURATION", "value": "P5M"},
    ],
    "events": [
        {"type": "CONSULT", "actors": ["Recep Tayyip Erdogan", "Ankara"], "recipients": []},
        {"type": "ACCUSE", "actors": ["Recep Tayyip Erdogan"], "recipients": ["Gaza Strip"]},
    ],
}


def _ent(eid: str, typ: str, name: str, name_en: str | None, mentions: list[str]) -> dict:
    return {
        "id": eid,
        "type": typ,
        "name": name,
        "name_en": name_en,
        "mentions": [{"start": 0, "end": len(m), "text": m} for m in mentions],
    }


def _span(text: str) -> dict:
    return {"start": 0, "end": len(text), "text": text}


def test_eval_norm_text_rules() -> None:
    assert norm_text("أَنْقَرَةُ") == norm_text("انقره")
    assert norm_text("مسؤولٌ، «كبير»!") == "مسوول كبير"
    assert norm_text("Hamas-GAZA") == "hamas gaza"
    assert norm_text("بـ\u0640ـغزة") == "بغزه"


def test_eval_mention_may_carry_one_clitic() -> None:
    g = GoldEntity.from_dict(GOLD["entities"][0])
    assert entity_matches(_ent("E1", "PERSON", "x", None, ["لإردوغان"]), g)
    assert entity_matches(_ent("E1", "PERSON", "x", None, ["وإردوغان"]), g)
    assert not entity_matches(_ent("E1", "PERSON", "x", None, ["وبإردوغان"]), g)  # two clitics
    assert "السعوديه" in mention_forms("للسعودية")


def test_eval_entity_types_must_agree_gpe_loc_interchangeable() -> None:
    ankara = GoldEntity.from_dict(GOLD["entities"][1])
    assert entity_matches(_ent("E1", "LOC", "أنقرة", None, []), ankara)
    assert not entity_matches(_ent("E1", "ORG", "أنقرة", None, []), ankara)


def test_eval_entities_precision_recall_optional() -> None:
    pred = {
        "entities": [
            _ent("E1", "PERSON", "رجب طيب إردوغان", "Recep Tayyip Erdogan", ["إردوغان"]),
            _ent("E2", "GPE", "تركيا", "Turkey", ["تركيا"]),  # optional: ignored
            _ent("E3", "GPE", "باريس", "Paris", ["باريس"]),  # spurious
            _ent(
                "E4", "PERSON", "الرئيس التركي", None, ["الرئيس التركي", "لإردوغان"]
            ),  # matches Erdogan too
        ],
        "quotes": [],
        "timexes": [],
        "events": [],
    }
    s = score_document(pred, GOLD).layers["entities"]
    assert (s.tp, s.predicted) == (2, 3)  # E2 excluded from the denominator
    assert (s.gold_found, s.gold) == (1, 3)
    assert s.missed == ["GPE Ankara", "GPE Gaza Strip"]
    assert len(s.spurious) == 1 and "باريس" in s.spurious[0]
    assert round(s.precision, 3) == 0.667 and round(s.recall, 3) == 0.333


def test_eval_quotes_need_content_overlap_and_right_speaker() -> None:
    ents = [
        _ent("E1", "PERSON", "إردوغان", None, ["إردوغان"]),
        _ent("E2", "GPE", "أنقرة", None, ["أنقرة"]),
    ]
    right = {
        "speaker": "E1",
        "kind": "direct",
        "cue": _span("قال"),
        "content": _span("إننا لن نقبل باستمرار الحرب على غزة أبداً"),
    }
    wrong = dict(right, speaker="E2")
    partial = dict(right, content=_span("لن نقبل الحرب"))  # 3 of 6 gold tokens: under 60%
    optional = dict(right, content=_span("بلاده ستواصل جهودها"))
    pred = {"entities": ents, "quotes": [right], "timexes": [], "events": []}
    s = score_document(pred, GOLD).layers["quotes"]
    assert (s.tp, s.predicted, s.gold_found, s.gold) == (1, 1, 1, 1)
    s = score_document(dict(pred, quotes=[wrong]), GOLD).layers["quotes"]
    assert (s.tp, s.predicted, s.gold_found) == (0, 1, 0)  # an error on both sides
    s = score_document(dict(pred, quotes=[partial]), GOLD).layers["quotes"]
    assert (s.tp, s.predicted, s.gold_found) == (0, 1, 0)
    s = score_document(dict(pred, quotes=[right, optional]), GOLD).layers["quotes"]
    assert (s.tp, s.predicted) == (1, 1)  # the optional one is neither rewarded nor penalised


def test_eval_quote_matching_is_one_to_one() -> None:
    ents = [_ent("E1", "PERSON", "إردوغان", None, ["إردوغان"])]
    q = {
        "speaker": "E1",
        "kind": "direct",
        "cue": _span("قال"),
        "content": _span("لن نقبل باستمرار الحرب على غزة"),
    }
    s = score_document(
        {"entities": ents, "quotes": [q, q], "timexes": [], "events": []}, GOLD
    ).layers["quotes"]
    assert (s.tp, s.predicted) == (1, 2)


def test_eval_timexes_half_tokens_and_identical_value() -> None:
    base = {"entities": [], "quotes": [], "events": []}
    good = {"start": 0, "end": 5, "text": "الخميس", "type": "DATE", "value": "2024-03-14"}
    bad_value = dict(good, value="2024-03-07")
    s = score_document(dict(base, timexes=[good]), GOLD).layers["timexes"]
    assert (s.tp, s.gold_found, s.gold) == (1, 1, 2)  # «الخميس» holds half of «اليوم الخميس»
    s = score_document(dict(base, timexes=[bad_value]), GOLD).layers["timexes"]
    assert (s.tp, s.predicted, s.gold_found) == (0, 1, 0)


def test_eval_events_consult_needs_two_participants_either_side() -> None:
    ents = [
        _ent("E1", "PERSON", "إردوغان", None, ["إردوغان"]),
        _ent("E2", "GPE", "أنقرة", None, ["أنقرة"]),
        _ent("E3", "GPE", "غزة", None, ["غزة"]),
    ]
    trig = _span("التقى")
    split = {"type": "CONSULT", "actors": ["E1"], "recipients": ["E2"], "trigger": trig}
    one = {"type": "CONSULT", "actors": ["E1"], "recipients": [], "trigger": trig}
    accuse = {"type": "ACCUSE", "actors": ["E1"], "recipients": [], "trigger": trig}
    wrong_type = {"type": "THREATEN", "actors": ["E1"], "recipients": ["E3"], "trigger": trig}
    pred = {"entities": ents, "quotes": [], "timexes": [], "events": [split, accuse, wrong_type]}
    s = score_document(pred, GOLD).layers["events"]
    assert (s.tp, s.predicted, s.gold_found, s.gold) == (2, 3, 2, 2)
    s = score_document(dict(pred, events=[one]), GOLD).layers["events"]
    assert s.tp == 0


def _gold_dir(tmp_path: Path, article: str, gold: dict) -> Path:
    (tmp_path / "x.txt").write_text(article, encoding="utf-8")
    gp = tmp_path / "x.json"
    gp.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    return gp


def test_eval_cli_runs_pipeline_and_prints_table(tmp_path: Path) -> None:
    gp = _gold_dir(tmp_path, "عنوان\n\nقال إردوغان في أنقرة اليوم الخميس إنه لن يقبل.", GOLD)
    res = CliRunner().invoke(main, ["eval", str(gp), "--published", "gold"])
    assert res.exit_code == 0, res.output
    assert "entities" in res.output and "missed" in res.output
    res = CliRunner().invoke(main, ["eval", str(gp), "--json"])
    data = json.loads(res.output)
    assert data["total"]["entities"]["gold"] == 3


def test_eval_cli_reads_stored_predictions(tmp_path: Path) -> None:
    gp = _gold_dir(tmp_path, "نص", GOLD)
    pred_dir = tmp_path / "pred"
    pred_dir.mkdir()
    pred = {
        "entities": [_ent("E1", "PERSON", "إردوغان", None, ["إردوغان"])],
        "quotes": [],
        "timexes": [],
        "events": [],
    }
    (pred_dir / "x.json").write_text(json.dumps(pred, ensure_ascii=False), encoding="utf-8")
    res = CliRunner().invoke(main, ["eval", str(gp), "--pred", str(pred_dir), "--json"])
    assert json.loads(res.output)["total"]["entities"]["tp"] == 1


def test_eval_cli_missing_article_is_one_line(tmp_path: Path) -> None:
    gp = tmp_path / "g.json"
    gp.write_text(json.dumps({"doc": "nowhere.txt", "entities": []}), encoding="utf-8")
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "b.txt").write_text("y", encoding="utf-8")
    res = CliRunner().invoke(main, ["eval", str(gp)])
    assert res.exit_code == 1 and "E501" in res.stderr and "Traceback" not in res.output


@pytest.mark.shared
def test_eval_seed_gold_runs_and_scores_every_layer() -> None:
    gold = shared_path("seed", "gold.json")
    res = CliRunner().invoke(main, ["eval", str(gold), "--json"])
    assert res.exit_code == 0, res.output
    total = json.loads(res.output)["total"]
    assert set(total) == {"entities", "quotes", "timexes", "events"}
    # the required items of the seed gold are all counted
    assert total["entities"]["gold"] == 20 and total["quotes"]["gold"] == 14
    assert total["timexes"]["gold"] == 5 and total["events"]["gold"] == 4


@pytest.mark.shared
def test_eval_seed_extract_is_valid_contract() -> None:
    article = shared_path("seed", "article.txt")
    res = CliRunner().invoke(
        main, ["extract", str(article), "--published", "2023-11-09", "--format", "json"]
    )
    assert res.exit_code == 0
    d = json.loads(res.output)
    from marsad.doc import Document

    Document.from_dict(d).validate()
    zones = [b["zone"] for b in d["blocks"]]
    assert zones[0] == "headline" and zones[1] == "standfirst"
    assert "caption" in zones and zones[-1] == "boilerplate"
