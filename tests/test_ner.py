"""The NER tagger: CoNLL reading, features, training, the document pass, scoring and
the ``marsad ner`` / ``marsad train-ner`` commands. Every sentence here is ours."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from click.testing import CliRunner

from marsad.cli import main
from marsad.errors import DataFileError, InputError
from marsad.ner.api import tag_lines
from marsad.ner.conll import map_tag, read_corpus, read_lines, sentences, spans_of
from marsad.ner.features import Memory, ner_lexicon, sentence_features, shape, strip_clitics
from marsad.ner.model import (
    NerTagger,
    count_spans,
    folds,
    load_tagger,
    propagate,
    read_training_data,
    score,
    train,
)

from .conftest import shared_path

# A tiny corpus we wrote, in ANERcorp's two columns with AQMAR's tag names mixed in.
TINY = """\
قال B-PER
سالم I-PER
الحربي I-PER
إن O
شركة B-ORG
الفجر I-ORG
للنقل I-ORG
افتتحت O
فرعا O
في O
الزرقاء B-LOC
. O

وزارت O
هند B-PERS
العلي I-PERS
مدينة O
صور B-LOC
أمس O
. O

وحضر O
مهرجان B-MIS
الربيع I-MIS
كريم B-PERS
السعدي I-PERS
. O
"""


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "tiny.txt"
    path.write_text(TINY, encoding="utf-8")
    out = tmp_path_factory.mktemp("model")
    train(read_corpus(path), out, params={"max_iterations": 50})
    return out


def test_ner_map_tag_names_of_each_corpus() -> None:
    assert [map_tag(t) for t in ("B-PER", "I-PERS", "B-MIS", "I-MISC", "B-GPE", "B-FAC")] == [
        "B-PERS",
        "I-PERS",
        "B-MISC",
        "I-MISC",
        "B-LOC",
        "B-LOC",
    ]
    assert map_tag("B-DATE") == "O" and map_tag("garbage") == "O"


def test_ner_spans_of_reads_stray_inside_tags_as_starts() -> None:
    assert spans_of(["I-ORG", "I-ORG", "B-ORG", "O", "I-LOC"]) == [
        (0, 2, "ORG"),
        (2, 3, "ORG"),
        (4, 5, "LOC"),
    ]


def test_ner_sentences_keep_lines_and_map_tags() -> None:
    sents = list(sentences(TINY.splitlines()))
    assert [len(s.tokens) for s in sents] == [12, 7, 6]
    assert sents[0].tags[:3] == ["B-PERS", "I-PERS", "I-PERS"]
    assert sents[2].tags[1] == "B-MISC"
    assert sents[1].lines[1] == "هند B-PERS"


def test_ner_nested_layers_flatten_to_the_outermost_name() -> None:
    lines = ["سفير O", "دولة B-ORG B-GPE", "قطر I-ORG I-GPE", "في O", "عمان B-GPE", ""]
    (s,) = sentences(lines, nested=True)
    assert s.tags == ["O", "B-ORG", "I-ORG", "O", "B-LOC"]


def test_ner_read_lines_refuses_binary_and_non_utf8(tmp_path: Path) -> None:
    binary = tmp_path / "x.conll"
    binary.write_bytes(b"\x00\x01\x02abc")
    with pytest.raises(InputError, match="binary"):
        read_lines(binary)
    cp = tmp_path / "y.conll"
    cp.write_bytes("قال O\n".encode("cp1256"))
    with pytest.raises(InputError, match="not UTF-8"):
        read_lines(cp)
    with pytest.raises(InputError, match="no such file"):
        read_lines(tmp_path / "missing.conll")


def test_ner_strip_clitics_and_shape() -> None:
    assert strip_clitics("فللمدينه") == ("فل", "المدينه")
    assert strip_clitics("بيت") == ("", "بيت")
    assert shape("2024م") == "DA"


def test_ner_features_see_the_knowledge_base_and_word_lists() -> None:
    lex = ner_lexicon()
    feats = sentence_features(["وصرح", "وزير", "الخارجية", "التركي", "لوكالة", "الأناضول"], lex)
    assert "k=TITLE" in feats[1]
    assert "-1:k=TITLE" in feats[2]
    assert any(f.startswith("g=") or f.startswith("g1=") for f in feats[3])
    assert "first" in feats[0] and "first" not in feats[1]


def test_ner_domain_features_double_each_feature() -> None:
    lex = ner_lexicon()
    plain = sentence_features(["وصل", "الوفد"], lex)
    news = sentence_features(["وصل", "الوفد"], lex, domain="news")
    assert len(news[1]) == 2 * len(plain[1])
    assert "news|w=الوفد" in news[1]


def test_ner_memory_counts_names_and_round_trips() -> None:
    lex = ner_lexicon()
    sents = [(s.tokens, s.tags) for s in sentences(TINY.splitlines())]
    sents += [(["وقال", "الحربي", "إن", "فرعا", "جديدا", "افتتح"], ["O"] * 6)]
    mem = Memory.build(sents, lex)

    def feats(words: list[str]) -> list[list[str]]:
        return mem.features([lex.form(w).stem for w in words])

    got = feats(["سالم", "الحربي", "في", "الزرقاء", "وادي"])
    assert got[0] == ["m=PERS:3"]
    assert got[1] == ["m=PERS:2"]  # a name once in two
    assert got[3] == ["m=LOC:3"]
    assert got[4] == ["m=unseen"]
    assert feats(["."])[0] == ["m=never"]  # three times, never in a name
    seq = feats(["شركة", "الفجر", "للنقل"])
    assert "ms=B-ORG" in seq[0] and "ms=I-ORG" in seq[2]
    again = Memory.from_json(json.loads(json.dumps(mem.to_json(), ensure_ascii=False)))
    stems = [lex.form(w).stem for w in ("شركة", "الفجر", "للنقل", "سالم")]
    assert again.features(stems) == mem.features(stems)


def test_ner_training_is_deterministic_and_learns(tiny_model: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    corpus = tmp_path / "tiny.txt"
    corpus.write_text(TINY, encoding="utf-8")
    train(read_corpus(corpus), again, params={"max_iterations": 50})
    assert (again / "ner.crfsuite").read_bytes() == (tiny_model / "ner.crfsuite").read_bytes()
    tagger = NerTagger(tiny_model)
    sents = read_corpus(corpus)
    assert score([s.tags for s in sents], [tagger.tag(s.tokens) for s in sents])["all"]["f1"] > 0.8


def test_ner_model_from_other_features_is_refused(tiny_model: Path, tmp_path: Path) -> None:
    old = tmp_path / "old"
    old.mkdir()
    (old / "ner.crfsuite").write_bytes((tiny_model / "ner.crfsuite").read_bytes())
    meta = json.loads((tiny_model / "ner.json").read_text(encoding="utf-8"))
    (old / "ner.json").write_text(json.dumps({**meta, "features_version": 0}), encoding="utf-8")
    with pytest.raises(DataFileError, match=r"features version 0.*marsad train-ner"):
        NerTagger(old)
    with pytest.raises(DataFileError, match=r"no ner\.crfsuite"):
        NerTagger(tmp_path / "nothing")


def test_ner_tagger_pickles_without_its_crf(tiny_model: Path) -> None:
    tagger = NerTagger(tiny_model)
    tagger.tag(["قال", "سالم"])
    clone = pickle.loads(pickle.dumps(tagger))
    assert clone._tagger is None and clone.tag(["قال", "سالم"]) == tagger.tag(["قال", "سالم"])


def test_ner_propagate_tags_repeated_names_nearby_only() -> None:
    lex = ner_lexicon()
    sents = [
        ["التقى", "الوفد", "نادر", "القباني"],
        ["وأكد", "القباني", "أن", "البنك", "الزراعي", "سيفتح", "فرعا"],
        ["وقال", "البنك", "الزراعي", "إن", "القرض", "جاهز"],
    ]
    tags = [
        ["O", "O", "B-PERS", "I-PERS"],
        ["O"] * 4 + ["O"] * 3,
        ["O", "B-ORG", "I-ORG", "O", "O", "O"],
    ]
    out = propagate(sents, tags, lex, window=2)
    assert out[1][1] == "B-PERS"  # the family name alone
    assert out[1][3:5] == ["B-ORG", "I-ORG"]  # a two-word name seen nearby
    assert out[1][2] == "O"  # «أن» is a function word
    assert propagate(sents, tags, lex, window=99) == out  # the whole text votes once
    far = propagate(sents, tags, lex, window=0)
    assert far[1] == ["O"] * 7


def test_ner_count_spans_is_exact_match() -> None:
    gold = [["B-PERS", "I-PERS", "O", "B-LOC"]]
    pred = [["B-PERS", "O", "O", "B-LOC"]]
    c = count_spans(gold, pred)
    assert (c["PERS"].tp, c["LOC"].tp, c["all"].gold, c["all"].pred) == (0, 1, 2, 2)
    assert score(gold, pred)["all"]["f1"] == 0.5


def test_ner_folds_are_contiguous_and_cover_everything() -> None:
    blocks = folds(23, 5)
    assert [len(b) for b in blocks] == [5, 5, 5, 4, 4]
    assert [i for b in blocks for i in b] == list(range(23))


def test_ner_shipped_model_tags_an_unknown_person_after_a_title() -> None:
    words = ["وقالت", "الناشطة", "الحقوقية", "سعاد", "الشمري", "إن", "الحملة", "مستمرة"]
    tags = load_tagger().tag(words)
    assert tags[3:5] == ["B-PERS", "I-PERS"]
    assert tags[:3] == ["O", "O", "O"]  # the title is not part of the name


def test_ner_vocabulary_filter_keeps_the_tags() -> None:
    tagger = load_tagger()
    sents = [
        ["وقالت", "الناشطة", "سعاد", "الشمري", "إن", "بلدية", "الزرقاء", "تأخرت"],
        ["وصل", "وفد", "شركة", "الفجر", "للنقل", "إلى", "مطار", "عمّان", "أمس"],
    ]
    for words in sents:
        every = sentence_features(words, tagger.lexicon, domain=tagger.domain, memory=tagger.memory)
        assert tagger._open().tag(every) == tagger.tag(words)
        assert sum(map(len, every)) > sum(
            map(
                len,
                sentence_features(
                    words,
                    tagger.lexicon,
                    domain=tagger.domain,
                    memory=tagger.memory,
                    vocab=tagger._vocab,
                ),
            )
        )


def test_ner_tag_lines_round_trip_keeps_every_line() -> None:
    lines = ["-DOCSTART- O", "", "قال\tO\tx", "", "", "زار O", "بغداد O"]
    out = list(tag_lines(lines, load_tagger()))
    assert len(out) == len(lines)
    for src, got in zip(lines, out, strict=True):
        if src:
            assert got.startswith(src) and got[len(src)] in " \t"
            assert got.split()[-1] in {"O"} | {
                f"{b}-{t}" for b in "BI" for t in ("PERS", "ORG", "LOC", "MISC")
            }
        else:
            assert got == ""
    assert out[2].split("\t")[:3] == ["قال", "O", "x"]


def test_ner_cli_tags_a_conll_file(tmp_path: Path) -> None:
    path = tmp_path / "in.conll"
    path.write_text("زار\nالوزير\nمدينة\nالموصل\n\nشكرا\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["ner", "--conll", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[3] == "الموصل B-LOC"
    assert result.output.splitlines()[4] == ""
    assert len(result.output.splitlines()) == 6


def test_ner_cli_bad_input_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.conll"
    bad.write_bytes(b"\xff\xfe\x00\x00binary")
    result = CliRunner().invoke(main, ["ner", "--conll", str(bad)])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    missing = CliRunner().invoke(main, ["ner", "--conll", str(tmp_path / "none.txt")])
    assert missing.exit_code == 1 and "no such file" in missing.output


def test_ner_cli_train_ner_writes_a_model(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "anercorp").mkdir(parents=True)
    (data / "anercorp" / "train.txt").write_text(TINY, encoding="utf-8")
    out = tmp_path / "model"
    result = CliRunner().invoke(main, ["train-ner", "--data", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "ner.json").read_text(encoding="utf-8"))
    assert meta["sources"] == {"anercorp": 3} and meta["tokens"] == 25
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(main, ["train-ner", "--data", str(empty), "--out", str(out)])
    assert result.exit_code == 1 and "anercorp/train.txt" in result.output


@pytest.mark.shared
def test_ner_training_corpora_read_with_our_tags() -> None:
    data = read_training_data(shared_path("data"))
    assert {"anercorp", "aqmar-train", "aqmar-dev"} <= set(data)
    assert 3900 < len(data["anercorp"]) < 4100 and len(data["aqmar-dev"]) == 710
    tags = {t for sents in data.values() for s in sents for t in s.tags}
    assert tags == {"O"} | {f"{b}-{t}" for b in "BI" for t in ("PERS", "ORG", "LOC", "MISC")}
    assert {s.domain for s in data["aqmar-train"]} == {"wiki"}


def test_feature_caches_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    # a long ingest meets new word forms without end: the caches start afresh at a limit
    import marsad.ner.features as features

    monkeypatch.setattr(features, "_CACHE_LIMIT", 50)
    lex = features.build_lexicon(features.load_gazetteer(()))
    words = [f"كلمة{i}" for i in range(400)]
    for i in range(0, 400, 8):
        sentence_features(words[i : i + 8], lex)
        assert len(lex._cache) <= 51
