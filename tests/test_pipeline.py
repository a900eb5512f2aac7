"""Pipeline building, the stage registry, configuration and error handling."""

from __future__ import annotations

import json
import pickle
from dataclasses import FrozenInstanceError, dataclass
from pathlib import Path

import pytest

import marsad
from marsad.config import Config
from marsad.doc import Article, Document
from marsad.errors import ConfigError, InputError, StageError
from marsad.pipeline import PipeError, Pipeline, make_doc
from marsad.registry import Registry, Stage, registry

SNAPSHOT = Path(__file__).parent / "registrations.json"


def test_registry_matches_snapshot() -> None:
    """A stage dropped, renamed or changed by accident fails here (spaCy-style)."""
    assert registry.snapshot() == json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def test_registry_refuses_duplicate_names() -> None:
    reg = Registry()

    @dataclass(frozen=True)
    class Cfg:
        pass

    @reg.stage("x.v1", section="segment", config=Cfg, requires=[], assigns=[])
    class A(Stage):
        pass

    with pytest.raises(ConfigError, match="E202"):

        @reg.stage("x.v1", section="segment", config=Cfg, requires=[], assigns=[])
        class B(Stage):
            pass


def test_pipeline_unknown_stage_names_known_ones() -> None:
    cfg = Config().override("pipeline.stages", ["marsad.segment.v9"])
    with pytest.raises(ConfigError, match=r"E200.*marsad\.segment\.v1"):
        Pipeline(cfg)


def test_pipeline_order_check_says_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    info = registry.get("marsad.segment.v1")
    fake = type(info)(
        "test.needs-quotes.v1",
        info.factory,
        "segment",
        info.config,
        ("doc.spans['quotes']",),
        (),
        "needs quotes",
    )
    monkeypatch.setitem(registry._stages, fake.name, fake)
    cfg = Config().override("pipeline.stages", ["test.needs-quotes.v1", "marsad.segment.v1"])
    with pytest.raises(
        ConfigError, match=r"E201.*doc.spans\['quotes'\].*Fulfilled so far: .*doc.text"
    ):
        Pipeline(cfg)


def test_config_is_frozen_and_override_copies() -> None:
    cfg = Config.default()
    with pytest.raises(FrozenInstanceError):
        cfg.segment = None  # type: ignore[misc]
    other = cfg.override("limits.max_article_bytes", 123)
    assert other.limits.max_article_bytes == 123
    assert cfg.limits.max_article_bytes == 10_000_000


@pytest.mark.parametrize(
    ("key", "value", "code"),
    [
        ("segment.nope", 1, "E203"),
        ("nope.key", 1, "E206"),
        ("segment.headline", "maybe", "E204"),
        ("limits.max_article_bytes", -5, "E204"),
        ("limits.max_article_bytes", "big", "E204"),
        ("clean.steps", ["nfc", "no_such_step"], "E204"),
    ],
)
def test_config_rejects_bad_keys_and_values(key: str, value: object, code: str) -> None:
    with pytest.raises(ConfigError, match=code):
        Config().override(key, value)


def test_config_from_toml(tmp_path: Path) -> None:
    p = tmp_path / "c.toml"
    p.write_text(
        '[segment]\nheadline = "no"\n[limits]\nmax_article_bytes = 5000\n', encoding="utf-8"
    )
    cfg = Config.from_toml(p)
    assert cfg.segment.headline == "no"
    assert cfg.limits.max_article_bytes == 5000
    assert cfg.clean == Config().clean


def test_config_default_toml_equals_dataclass_defaults() -> None:
    assert Config.default() == Config()


def test_pipeline_pickles_and_runs_after(nlp: Pipeline) -> None:
    again = pickle.loads(pickle.dumps(nlp))
    text = "قال المتحدث إنّ الاجتماع انتهى. ثم غادر."
    assert again(text).to_dict() == nlp(text).to_dict()


def test_extract_one_call_api() -> None:
    doc = marsad.extract(
        "نص الخبر هنا.", title="عنوان الخبر", published="2024-03-14", url="http://x"
    )
    assert doc.text == "عنوان الخبر\n\nنص الخبر هنا."
    assert doc.title == "عنوان الخبر"
    assert doc.published == "2024-03-14" and doc.published_source == "given"
    assert doc.blocks[0].zone == "headline"
    assert doc.url == "http://x"


def test_make_doc_records_cleaning_and_keeps_raw() -> None:
    raw = "غزة&nbsp;اليوم\r\nخبر\u200f"
    doc = make_doc(raw)
    assert doc.text == "غزة اليوم\nخبر"
    assert doc.raw_text == raw
    assert [c.step for c in doc.cleaning] == ["html_entities", "newlines", "invisibles", "spaces"]


def test_make_doc_refuses_oversized_article() -> None:
    cfg = Config().override("limits.max_article_bytes", 100)
    with pytest.raises(InputError, match="E104"):
        make_doc("كلمة " * 100, config=cfg)


def test_make_doc_refuses_text_without_letters() -> None:
    with pytest.raises(InputError, match="E111"):
        make_doc("\u200f\u200f  ...  \n")


def test_make_doc_refuses_bad_date() -> None:
    with pytest.raises(InputError, match="E107"):
        make_doc(Article("نص", published="9 نوفمبر"))


def test_pipe_collects_errors_and_goes_on(nlp: Pipeline) -> None:
    errors: list[PipeError] = []
    articles = [
        Article("الأول.", source="a"),
        Article("   ", source="b"),
        Article("الثالث.", source="c"),
    ]
    docs = list(nlp.pipe(articles, on_error="collect", errors=errors))
    assert [d.text for d in docs] == ["الأول.", "الثالث."]
    assert [e.source for e in errors] == ["b"]


def test_pipe_wraps_stage_crash_with_stage_name(
    monkeypatch: pytest.MonkeyPatch, nlp: Pipeline
) -> None:
    def boom(doc: Document, **_: object) -> Document:
        raise RuntimeError("kaboom")

    monkeypatch.setattr("marsad.stages.segment.segment", boom)
    with pytest.raises(StageError, match=r"E205.*marsad.segment.v1.*kaboom") as info:
        nlp("نص")
    assert info.value.stage == "marsad.segment.v1"


def test_stage_pipe_default_batches(nlp: Pipeline) -> None:
    stage = nlp.stages[0]
    docs = [marsad.make_doc(t) for t in ("أ ب.", "ج د.")]
    assert [len(d.sentences) for d in stage.pipe(docs, batch_size=1)] == [1, 1]


def test_frozen_config_rejects_mutation_of_stage_config(nlp: Pipeline) -> None:
    with pytest.raises(FrozenInstanceError):
        nlp.config.segment.headline = "no"  # type: ignore[misc]


def test_pipeline_pickle_does_not_carry_the_knowledge_base(nlp: Pipeline) -> None:
    nlp("قال الرئيس التركي إن الحوار ممكن.")  # loads the KB into the stage
    assert len(pickle.dumps(nlp)) < 20_000
