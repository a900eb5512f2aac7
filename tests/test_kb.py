"""The knowledge base: validation, offices over time, user files, the Wikidata importer."""

from __future__ import annotations

import bz2
import datetime as dt
import gzip
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from marsad.cli import main
from marsad.errors import DataFileError
from marsad.kb.gazetteer import nisba_forms, phrase_key
from marsad.kb.load import build_kb
from marsad.kb.user import csv_records
from marsad.kb.wikidata import import_dump
from marsad.resources import load_yaml

from .kb_fixture import COUNTRIES, gazetteer

ROLES = ("roles.yaml", load_yaml("kb/data/roles.yaml"))


def _kb(people: list[dict], countries: list[dict] | None = None):
    return build_kb([ROLES, ("countries.yaml", countries or COUNTRIES), ("people/t.yaml", people)])


def test_kb_holders_by_date() -> None:
    kb = gazetteer().kb
    on = lambda d: [a.name_en for a, _ in kb.holders("president", "IRN", dt.date.fromisoformat(d))]  # noqa: E731
    assert on("2023-11-09") == ["Ebrahim Raisi"]
    assert on("2024-05-19") == ["Ebrahim Raisi"]  # the last day counts
    assert on("2024-06-01") == []
    assert on("2025-01-01") == ["Masoud Pezeshkian"]


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"id": "bad id", "name": "س"}, "id 'bad id'"),
        ({"id": "mx:a", "name": "س", "country": "Iran"}, "ISO 3166-1 alpha-3"),
        ({"id": "mx:a", "name": "س", "sector": "XXX"}, "sector 'XXX'"),
        ({"id": "mx:a"}, "missing 'name'"),
        (
            {
                "id": "mx:a",
                "name": "س",
                "offices": [{"role": "pope", "of": "IRN", "start": "2020"}],
            },
            "role 'pope'",
        ),
        (
            {"id": "mx:a", "name": "س", "offices": [{"role": "president", "of": "IRN"}]},
            "missing 'start'",
        ),
        (
            {
                "id": "mx:a",
                "name": "س",
                "offices": [
                    {"role": "president", "of": "IRN", "start": "2020-05-01", "end": "2019-01-01"}
                ],
            },
            "before start",
        ),
        (
            {
                "id": "mx:a",
                "name": "س",
                "offices": [{"role": "president", "of": "IRN", "start": "2020-13-01"}],
            },
            "'start'",
        ),
        (
            {
                "id": "mx:a",
                "name": "س",
                "offices": [{"role": "president", "of": "XYZ", "start": "2020"}],
            },
            "no such country or organisation",
        ),
        ({"id": "mx:a", "name": "س", "aliases": "ok", "surnames": [1]}, "list of strings"),
    ],
)
def test_kb_validation_names_file_record_and_field(record: dict, message: str) -> None:
    with pytest.raises(
        DataFileError, match=r"people/t\.yaml record .*" + message.replace("(", r"\(")
    ):
        _kb([record])


def test_kb_duplicate_ids_refused() -> None:
    with pytest.raises(DataFileError, match="duplicate id mx:a"):
        _kb([{"id": "mx:a", "name": "س"}, {"id": "mx:a", "name": "ص"}])


def test_kb_partial_dates_cover_the_period() -> None:
    kb = _kb(
        [
            {
                "id": "mx:a",
                "name": "س",
                "offices": [{"role": "president", "of": "IRN", "start": "2019-04", "end": "2020"}],
            }
        ]
    )
    o = kb.actors["mx:a"].offices[0]
    assert (o.start, o.end) == (dt.date(2019, 4, 1), dt.date(2020, 12, 31))


def test_kb_packaged_data_files_are_valid() -> None:
    from marsad.kb.load import load_kb

    kb = load_kb()
    assert kb.roles and kb.countries
    for actor in kb.actors.values():
        for o in actor.offices:
            assert o.end is None or o.start <= o.end, actor.id


def test_kb_nisba_forms_and_phrase_keys() -> None:
    forms = nisba_forms("تركي")
    assert forms["التركية"] == "fs" and forms["التركيين"] == "mpo"
    assert phrase_key("وزير الخارجية") == ("وزير", "الخارجيه")


def test_kb_csv_user_records() -> None:
    recs = csv_records(
        "id,type,name,name_en,aliases,role,of,start,end\n"
        "mx:x,PERSON,فلان الفلاني,Fulan,فلان|الفلاني,foreign_minister,ETH,2024-01-02,\n",
        "u.csv",
    )
    kb = build_kb([ROLES, ("countries.yaml", COUNTRIES)], user_files=[("user:u.csv", recs)])
    assert kb.holders("foreign_minister", "ETH", dt.date(2025, 1, 1))[0][0].name == "فلان الفلاني"


def _snak(prop: str, value: object) -> dict:
    return {"mainsnak": {"property": prop, "datavalue": {"value": value}}}


def _time(t: str) -> dict:
    return {"datavalue": {"value": {"time": f"+{t}T00:00:00Z", "precision": 11}}}


def _dump(tmp_path: Path, suffix: str) -> Path:
    """A small Wikidata dump written for the test (invented ids from Q9000001 on)."""
    country = {
        "id": "Q9000001",
        "labels": {"ar": {"value": "بلد تجريبي"}, "en": {"value": "Testland"}},
        "claims": {"P31": [_snak("P31", {"id": "Q6256"})], "P298": [_snak("P298", "ETH")]},
    }
    position = {
        "id": "Q9000002",
        "labels": {"en": {"value": "President of Testland"}},
        "claims": {
            "P279": [_snak("P279", {"id": "Q48352"})],
            "P1001": [_snak("P1001", {"id": "Q9000001"})],
        },
    }
    person = {
        "id": "Q9000003",
        "labels": {"ar": {"value": "سالم التجريبي"}, "en": {"value": "Salem Test"}},
        "aliases": {"ar": [{"value": "سالم"}]},
        "claims": {
            "P31": [_snak("P31", {"id": "Q5"})],
            "P27": [_snak("P27", {"id": "Q9000001"})],
            "P39": [
                {
                    **_snak("P39", {"id": "Q9000002"}),
                    "qualifiers": {"P580": [_time("2020-03-01")], "P582": [_time("2024-02-29")]},
                },
                {**_snak("P39", {"id": "Q9999999"}), "qualifiers": {"P580": [_time("2010-01-01")]}},
            ],
        },
    }
    org = {
        "id": "Q9000004",
        "labels": {"ar": {"value": "حركة تجريبية"}},
        "claims": {"P31": [_snak("P31", {"id": "Q7278"})]},
    }
    nolabel = {
        "id": "Q9000005",
        "labels": {"en": {"value": "No Arabic"}},
        "claims": {"P31": [_snak("P31", {"id": "Q5"})]},
    }
    lines = (
        "[\n"
        + ",\n".join(
            json.dumps(e, ensure_ascii=False) for e in [country, position, person, org, nolabel]
        )
        + ",\n{broken\n]\n"
    )
    p = tmp_path / f"dump.json{suffix}"
    opener = {".gz": gzip.open, ".bz2": bz2.open, "": open}[suffix]
    with opener(p, "wt", encoding="utf-8") as f:
        f.write(lines)
    return p


@pytest.mark.parametrize("suffix", ["", ".gz", ".bz2"])
def test_kb_wikidata_import_streams_people_positions_orgs(tmp_path: Path, suffix: str) -> None:
    records, stats = import_dump(_dump(tmp_path, suffix))
    by_id = {r["id"]: r for r in records}
    person = by_id["Q9000003"]
    assert (
        person["type"] == "PERSON" and person["country"] == "ETH" and person["aliases"] == ["سالم"]
    )
    assert person["offices"] == [
        {
            "role": "president",
            "of": "ETH",
            "start": "2020-03-01",
            "end": "2024-02-29",
            "source": "wikidata Q9000003 P39 Q9000002",
        }
    ]
    assert by_id["Q9000004"]["type"] == "ORG"
    assert "Q9000005" not in by_id and "Q9000001" not in by_id
    assert stats.unmapped_positions == {"Q9999999": 1} and stats.bad_lines == 1
    # the output is a valid user file
    kb = build_kb([ROLES, ("countries.yaml", COUNTRIES)], user_files=[("user:wd.yaml", records)])
    assert kb.holders("president", "ETH", dt.date(2022, 1, 1))[0][0].name == "سالم التجريبي"


def test_kb_cli_import_and_add(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARSAD_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MARSAD_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "wd.yaml"
    runner = CliRunner()
    res = runner.invoke(
        main, ["kb", "import-wikidata", str(_dump(tmp_path, ".gz")), "-o", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert "1 offices" in res.output and yaml.safe_load(out.read_text(encoding="utf-8"))
    res = runner.invoke(main, ["kb", "add", str(out)])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "home" / "kb" / "wd.yaml").exists()


def test_kb_cli_add_refuses_invalid_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARSAD_HOME", str(tmp_path / "home"))
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "- id: mx:x\n  name: س\n  offices: [{role: president, of: NOWHERE, start: 2020}]\n",
        encoding="utf-8",
    )
    res = CliRunner().invoke(main, ["kb", "add", str(bad)])
    assert res.exit_code == 1 and "E401" in res.stderr and "Traceback" not in res.output
    assert not (tmp_path / "home" / "kb" / "bad.yaml").exists()


def test_kb_cli_import_refuses_non_dump(tmp_path: Path) -> None:
    p = tmp_path / "x.json.gz"
    p.write_bytes(b"not gzip at all")
    res = CliRunner().invoke(
        main, ["kb", "import-wikidata", str(p), "-o", str(tmp_path / "o.yaml")]
    )
    assert res.exit_code == 1 and "E401" in res.stderr
