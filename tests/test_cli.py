"""The marsad command, through click's CliRunner (and one real subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from marsad.cli import main
from marsad.doc import Document

from .conftest import REPO

ARTICLE = "العنوان هنا\n\nقال المتحدث باسم الحكومة إنّ «الاجتماع انتهى». ثم غادر الوفد."


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _write(tmp_path: Path, name: str, data: str | bytes) -> str:
    p = tmp_path / name
    if isinstance(data, bytes):
        p.write_bytes(data)
    else:
        p.write_text(data, encoding="utf-8")
    return str(p)


def test_cli_extract_txt_emits_valid_contract(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, "a.txt", ARTICLE)
    res = runner.invoke(main, ["extract", path, "--published", "2024-03-14"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    assert d["title"] == "العنوان هنا" and d["published"] == "2024-03-14"
    assert d["published_source"] == "given"
    Document.from_dict(d).validate()
    assert [d["text"][s["start"] : s["end"]] for s in d["sentences"]][
        1
    ] == "قال المتحدث باسم الحكومة إنّ «الاجتماع انتهى»."


def test_cli_extract_jsonl_in_jsonl_out_in_order_with_bad_lines(
    runner: CliRunner, tmp_path: Path
) -> None:
    lines = [
        json.dumps({"id": "one", "text": "الخبر الأول."}, ensure_ascii=False),
        "{broken",
        json.dumps(
            {"id": "two", "content": "الخبر الثاني.", "date": "2015-07-21"}, ensure_ascii=False
        ),
        json.dumps({"id": "three", "text": "\u200f \u200f"}),
    ]
    path = _write(tmp_path, "b.jsonl", "\n".join(lines))
    res = runner.invoke(main, ["extract", path])
    assert res.exit_code == 1
    out = [json.loads(x) for x in res.stdout.splitlines()]
    assert [d["id"] for d in out] == ["one", "two"]
    assert out[1]["published"] == "2015-07-21" and out[1]["published_source"] == "metadata"
    assert f"{path}:2" in res.stderr and "E105" in res.stderr
    assert f"{path}:4" in res.stderr and "E111" in res.stderr
    assert "2 written, 2 skipped" in res.stderr
    assert "Traceback" not in res.output


def test_cli_extract_text_format_is_rtl(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, "a.txt", ARTICLE)
    res = runner.invoke(main, ["extract", path, "--format", "text"])
    assert res.exit_code == 0
    assert all(line.startswith("\u200f") for line in res.output.splitlines() if line)
    assert "العنوان هنا" in res.output


def test_cli_extract_stdin(runner: CliRunner) -> None:
    res = runner.invoke(
        main, ["extract", "-", "--format", "jsonl"], input="خبر من الإدخال القياسي.".encode()
    )
    assert res.exit_code == 0
    assert json.loads(res.output)["text"] == "خبر من الإدخال القياسي."


def test_cli_extract_title_option(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, "a.txt", "نص الخبر فقط.")
    d = json.loads(runner.invoke(main, ["extract", path, "--title", "عنوان معطى"]).output)
    assert d["text"] == "عنوان معطى\n\nنص الخبر فقط." and d["title"] == "عنوان معطى"


def test_cli_extract_windows_1256(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, "old.txt", "قال الوزير إن الاجتماع انتهى.".encode("cp1256"))
    res = runner.invoke(main, ["extract", path])
    assert res.exit_code == 0
    assert json.loads(res.output)["text"] == "قال الوزير إن الاجتماع انتهى."


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("empty.txt", b"", "E101"),
        ("blank.txt", b"  \n\n ", "E101"),
        ("bin.txt", b"\x00\x01\x02\x03\xff\xfe\x00binary" * 50, "E102"),
        ("img.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "E102"),
        ("latin.txt", "déjà vu, à côté".encode("latin-1"), "E103"),
        ("bad.json", b'{"text": ', "E105"),
        ("notext.json", b'{"title": "x"}', "E106"),
        ("str.json", '"نص بلا كائن"'.encode(), "E108"),
    ],
)
def test_cli_extract_bad_input_one_line_no_traceback(
    runner: CliRunner, tmp_path: Path, name: str, data: bytes, code: str
) -> None:
    path = _write(tmp_path, name, data)
    res = runner.invoke(main, ["extract", path])
    assert res.exit_code == 1
    assert code in res.stderr and path in res.stderr
    assert "Traceback" not in res.output
    err_lines = [x for x in res.stderr.splitlines() if x.strip()]
    assert len(err_lines) == 1


def test_cli_extract_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    res = runner.invoke(main, ["extract", str(tmp_path / "nope.txt")])
    assert res.exit_code == 1 and "E100" in res.stderr


def test_cli_extract_huge_file_refused_and_max_size(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    line = ("كلمة عربية طويلة في نص ضخم. " * 40 + "\n").encode()
    with path.open("wb") as f:
        for _ in range(50_000_000 // len(line) + 1):
            f.write(line)
    res = runner.invoke(main, ["extract", str(path)])
    assert res.exit_code == 1
    assert "E104" in res.stderr and "--max-size" in res.stderr
    assert "Traceback" not in res.output


def test_cli_bad_published(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, "a.txt", ARTICLE)
    res = runner.invoke(main, ["extract", path, "--published", "أمس"])
    assert res.exit_code == 1 and "E107" in res.stderr


def test_cli_stages_lists_registry(runner: CliRunner) -> None:
    res = runner.invoke(main, ["stages"])
    assert (
        res.exit_code == 0
        and "marsad.segment.v1" in res.output
        and "requires: doc.text" in res.output
    )


def test_cli_runs_as_a_real_process(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.txt", ARTICLE)
    proc = subprocess.run(
        [sys.executable, "-m", "marsad", "extract", path, "--format", "jsonl"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["title"] == "العنوان هنا"
    bad = subprocess.run(
        [sys.executable, "-m", "marsad", "extract", str(tmp_path / "x.txt")],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


def test_cli_extract_jsonl_with_a_50mb_line_goes_on(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as f:
        f.write(json.dumps({"id": "a", "text": "خبر قصير."}, ensure_ascii=False) + "\n")
        f.write('{"id": "huge", "text": "' + "نص طويل جدا " * 2_500_000 + '"}\n')
        f.write(json.dumps({"id": "b", "text": "خبر آخر."}, ensure_ascii=False) + "\n")
    assert path.stat().st_size > 50_000_000
    res = runner.invoke(main, ["extract", str(path)])
    assert res.exit_code == 1
    assert [json.loads(x)["id"] for x in res.stdout.splitlines()] == ["a", "b"]
    assert f"{path}:2" in res.stderr and "E104" in res.stderr
