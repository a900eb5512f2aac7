"""The NER tagger: a linear-chain CRF (CRFsuite) over the features of
:mod:`marsad.ner.features`, trained here on CPU and shipped in ``ner/data``.

A model is two files in one folder: ``ner.crfsuite`` (the weights) and ``ner.json``
(what it was trained on, with which settings and features version, and its
cross-validated scores). A model trained on other features is refused at load, with
the command that retrains it.

Training is deterministic: CRFsuite's L-BFGS has no random start, the corpora are read
in a fixed order, and the cross-validation folds are contiguous blocks of sentences
(ANERcorp keeps an article's sentences together, so a name seldom crosses folds; random
folds would flatter the scores).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pycrfsuite  # type: ignore[import-untyped]

from ..errors import DataFileError, Errors
from ..resources import resource_path
from .conll import TYPES, ConllSentence, read_corpus, spans_of
from .features import (
    FEATURES_VERSION,
    Memory,
    NerLexicon,
    Vocabulary,
    ner_lexicon,
    sentence_features,
)

log = logging.getLogger(__name__)

MODEL_FILE = "ner.crfsuite"
META_FILE = "ner.json"
MEMORY_FILE = "memory.json"
MEMORY_PARTS = 5  # while training, each fifth of the corpus sees the others' memory
PACKAGED = "ner/data"

# CRFsuite settings (L-BFGS with elastic net); chosen on the cross-validation folds.
PARAMS: dict[str, Any] = {
    "c1": 0.05,
    "c2": 0.02,
    "max_iterations": 200,
    "feature.possible_transitions": True,
    "feature.minfreq": 1,
}

# The training corpora under a data folder, in reading order: (name, path, nested,
# domain). Each feature is also learnt per domain; the tagger reads text as news.
CORPORA = (
    ("anercorp", "anercorp/train.txt", False, "news"),
    ("aqmar-train", "aqmar/train.txt", False, "wiki"),
    ("aqmar-dev", "aqmar/dev.txt", False, "wiki"),
)
WOJOOD = ("wojood", "wojood-sample/data/train.txt", True, "mixed")
DOMAIN = "news"


WINDOW = 10  # sentences on either side that share their names (see propagate)

# Word-list classes of words that are never a name on their own.
_NOT_NAME = frozenset(
    {"STOP", "COMMON", "TITLE", "CUE", "EVERB", "ENOUN", "MONTH", "DAY", "RANK", "LOCATIVE"}
)


class NerTagger:
    """A trained model, ready to tag sentences. Pickles without its open CRF and its
    lexicon (a worker reopens the one and reloads the other from the disk cache).

    >>> t = load_tagger()
    >>> t.tag(["التقى", "الرئيس", "أحمد", "الكعبي", "في", "البصرة"])[2:]
    ['B-PERS', 'I-PERS', 'O', 'B-LOC']
    """

    def __init__(self, folder: str | Path, *, domain: str | None = None) -> None:
        self.folder = Path(folder)
        self.meta = read_meta(self.folder)
        # a model trained with domains reads text as news unless told otherwise
        self.domain = self.meta.get("domain", "") if domain is None else domain
        self._lex: NerLexicon | None = None
        self._tagger: Any = None
        self._vocab: Vocabulary | None = None
        self.memory: Memory | None = None
        if self.meta.get("memory"):
            path = self.folder / MEMORY_FILE
            try:
                self.memory = Memory.from_json(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, KeyError) as e:
                detail = f"bad {MEMORY_FILE}: {e}"
                raise DataFileError(Errors.E402.format(path=folder, detail=detail)) from e

    @property
    def lexicon(self) -> NerLexicon:
        """The features' lexicon (the packaged knowledge base), loaded on first use."""
        if self._lex is None:
            self._lex = ner_lexicon()
        return self._lex

    def _open(self) -> Any:
        if self._tagger is None:
            tagger = pycrfsuite.Tagger()
            tagger.open(str(self.folder / MODEL_FILE))
            attrs = frozenset(a for a, _ in tagger.info().state_features)
            self._vocab = Vocabulary(attrs)
            self._tagger = tagger
        return self._tagger

    def tag(self, tokens: Sequence[str]) -> list[str]:
        """The BIO tags (``B-PERS``, ``I-ORG``, ``O``...) of one sentence's tokens."""
        if not tokens:
            return []
        crf = self._open()
        feats = sentence_features(
            list(tokens), self.lexicon, domain=self.domain, memory=self.memory, vocab=self._vocab
        )
        tags: list[str] = crf.tag(feats)
        return tags

    def tag_sentences(
        self, sentences: Sequence[Sequence[str]], *, window: int = WINDOW
    ) -> list[list[str]]:
        """Tag the sentences of one text, then let each name the model found tag its
        other occurrences among the ``window`` sentences on either side
        (:func:`propagate`): an article names «ألبرت أينشتاين» once and «أينشتاين»
        twenty times after.
        """
        tags = [self.tag(s) for s in sentences]
        return propagate([list(s) for s in sentences], tags, self.lexicon, window=window)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_lex": None, "_tagger": None, "_vocab": None}


def propagate(
    sentences: list[list[str]], tags: list[list[str]], lex: NerLexicon, *, window: int = WINDOW
) -> list[list[str]]:
    """Tag the untagged repetitions of names found nearby (a document-level pass).

    For each sentence, the spans tagged in the ``window`` sentences on either side
    vote: a one-token span for its word, a person's name for its last word (the family
    name), a longer span for its exact sequence of words (compared without proclitics).
    Untagged tokens then take the type their word won; longer sequences first. Words
    of the function, title, verb and time lists never take a type alone.

    >>> lex = ner_lexicon()
    >>> sents = [["قال", "ألبرت", "أينشتاين"], ["وأحب", "أينشتاين", "الموسيقى"]]
    >>> propagate(sents, [["O", "B-PERS", "I-PERS"], ["O", "O", "O"]], lex)[1]
    ['O', 'B-PERS', 'O']
    """
    forms = [[lex.form(t) for t in toks] for toks in sentences]
    spans = [spans_of(t) for t in tags]
    out = [list(t) for t in tags]
    whole: tuple[dict[str, dict[str, int]], dict[tuple[str, ...], str], set[str]] | None = None
    if window >= len(forms):  # the whole text votes once (an article in the pipeline)
        whole = _votes(forms, spans, 0, len(forms))
    for i, sent in enumerate(forms):
        if all(t != "O" for t in out[i]):
            continue
        votes, seqs, firsts = whole or _votes(forms, spans, i - window, i + window + 1)
        k = 0
        while k < len(sent):
            if out[i][k] != "O":
                k += 1
                continue
            length = _sequence_at(sent, out[i], k, seqs) if sent[k].stem in firsts else 0
            if length:
                typ = seqs[tuple(f.stem for f in sent[k : k + length])]
                out[i][k : k + length] = ["B-" + typ] + ["I-" + typ] * (length - 1)
                k += length
                continue
            f = sent[k]
            won = votes.get(f.stem)
            if (
                won
                and len(f.stem) >= 3
                and not _NOT_NAME.intersection(
                    lex.classes.get(f.norm, ()) + lex.classes.get(f.stem, ())
                )
            ):
                out[i][k] = "B-" + max(won, key=lambda t: won[t])
            k += 1
    return out


def _votes(
    forms: list[list[Any]], spans: list[list[tuple[int, int, str]]], start: int, end: int
) -> tuple[dict[str, dict[str, int]], dict[tuple[str, ...], str], set[str]]:
    """The names tagged in sentences ``[start, end)``: votes per word, sequences, and
    the first words of the sequences."""
    votes: dict[str, dict[str, int]] = {}
    seqs: dict[tuple[str, ...], str] = {}
    for j in range(max(0, start), min(len(forms), end)):
        for s, e, typ in spans[j]:
            if e - s > 1:
                seqs[tuple(f.stem for f in forms[j][s:e])] = typ
            if e - s == 1 or typ == "PERS":
                v = votes.setdefault(forms[j][e - 1].stem, {})
                v[typ] = v.get(typ, 0) + 1
    return votes, seqs, {key[0] for key in seqs}


def _sequence_at(sent: list[Any], tags: list[str], k: int, seqs: dict[tuple[str, ...], str]) -> int:
    """The length of the longest untagged known sequence starting at ``k`` (0: none)."""
    for length in (4, 3, 2):
        if (
            k + length <= len(sent)
            and all(t == "O" for t in tags[k : k + length])
            and tuple(f.stem for f in sent[k : k + length]) in seqs
        ):
            return length
    return 0


def read_meta(folder: Path) -> dict[str, Any]:
    """Read and check a model folder's ``ner.json``.

    Raises:
        DataFileError: files missing, unreadable or trained on other features.
    """
    meta_path, model_path = folder / META_FILE, folder / MODEL_FILE
    if not meta_path.exists() or not model_path.exists():
        raise DataFileError(
            Errors.E402.format(path=folder, detail=f"no {MODEL_FILE} and {META_FILE} there")
        )
    try:
        meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise DataFileError(Errors.E402.format(path=folder, detail=f"bad {META_FILE}: {e}")) from e
    if meta.get("features_version") != FEATURES_VERSION:
        detail = (
            f"trained on features version {meta.get('features_version')}, "
            f"this marsad computes version {FEATURES_VERSION}"
        )
        raise DataFileError(Errors.E402.format(path=folder, detail=detail))
    return meta


def packaged_folder() -> Path:
    """The folder of the shipped model (checksums checked)."""
    resource_path(f"{PACKAGED}/{META_FILE}")
    resource_path(f"{PACKAGED}/{MEMORY_FILE}")
    return resource_path(f"{PACKAGED}/{MODEL_FILE}").parent


@lru_cache(maxsize=4)
def load_tagger(folder: str = "") -> NerTagger:
    """The tagger in ``folder`` (default: the shipped model), cached per process."""
    return NerTagger(folder or packaged_folder())


# -- training -----------------------------------------------------------------------------
def read_training_data(
    data_dir: str | Path, *, wojood: bool = False
) -> dict[str, list[ConllSentence]]:
    """The training corpora found under a data folder (``../shared/data``), by name.

    Raises:
        InputError: a corpus file is unreadable.
    """
    root = Path(data_dir)
    corpora = [*CORPORA, WOJOOD] if wojood else list(CORPORA)
    out: dict[str, list[ConllSentence]] = {}
    for name, rel, nested, domain in corpora:
        path = root / rel
        if path.exists():
            out[name] = read_corpus(path, nested=nested)
            for s in out[name]:
                s.domain = domain
    return out


def train(
    sents: Iterable[ConllSentence],
    out: str | Path,
    *,
    params: dict[str, Any] | None = None,
    meta: dict[str, Any] | None = None,
    lex: NerLexicon | None = None,
    memory: bool = True,
) -> dict[str, Any]:
    """Train a model on sentences and write it to folder ``out``.

    Args:
        sents: sentences with gold tags (ours: PERS, ORG, LOC, MISC).
        out: the model folder (created).
        params: CRFsuite settings (default :data:`PARAMS`).
        meta: extra facts for ``ner.json`` (sources, scores).
        lex: the features' lexicon (default: the packaged knowledge base).
        memory: learn from what the corpus says of each word (:class:`Memory`); the
            memory is written beside the weights.

    Returns:
        The metadata written to ``ner.json``.
    """
    lex = lex or ner_lexicon()
    params = {**PARAMS, **(params or {})}
    trainer = pycrfsuite.Trainer(verbose=False)
    sents = list(sents)
    pairs = [(s.tokens, s.tags) for s in sents]
    blocks = folds(len(sents), MEMORY_PARTS) if memory else []
    for block in blocks:
        # each part sees a memory of the others: as the tagger will on unseen text
        mem = Memory.build([p for i, p in enumerate(pairs) if i not in block], lex)
        for i in block:
            s = sents[i]
            trainer.append(sentence_features(s.tokens, lex, domain=s.domain, memory=mem), s.tags)
    if not memory:
        for s in sents:
            trainer.append(sentence_features(s.tokens, lex, domain=s.domain), s.tags)
    n_sent, n_tok = len(sents), sum(len(s.tokens) for s in sents)
    trainer.set_params(params)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    trainer.train(str(folder / MODEL_FILE))
    if memory:
        full = Memory.build(pairs, lex)
        (folder / MEMORY_FILE).write_text(
            json.dumps(full.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n",
            encoding="utf-8",
        )
    info = {
        "features_version": FEATURES_VERSION,
        "types": list(TYPES),
        "domain": DOMAIN if any(s.domain for s in sents) else "",
        "memory": memory,
        "params": params,
        "sentences": n_sent,
        "tokens": n_tok,
        "train_seconds": round(time.perf_counter() - t0, 1),
        **(meta or {}),
    }
    (folder / META_FILE).write_text(
        json.dumps(info, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return info


# -- scoring ------------------------------------------------------------------------------
@dataclass
class Counts:
    """Exact-span true positives, predictions and gold spans of one type."""

    tp: int = 0
    pred: int = 0
    gold: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.pred += other.pred
        self.gold += other.gold

    def prf(self) -> dict[str, float | int]:
        p = self.tp / self.pred if self.pred else 0.0
        r = self.tp / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4), "gold": self.gold}


def count_spans(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> dict[str, Counts]:
    """Exact-span counts per type and overall (``"all"``), conlleval-style."""
    out = {t: Counts() for t in (*TYPES, "all")}
    for g_tags, p_tags in zip(gold, pred, strict=True):
        g, p = set(spans_of(list(g_tags))), set(spans_of(list(p_tags)))
        for t in TYPES:
            c = out[t]
            c.gold += sum(1 for s in g if s[2] == t)
            c.pred += sum(1 for s in p if s[2] == t)
            c.tp += len({s for s in g & p if s[2] == t})
    for t in TYPES:
        out["all"].add(out[t])
    return out


def score(
    gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]
) -> dict[str, dict[str, float | int]]:
    """Exact-span P/R/F1 per type and overall (micro)."""
    return {t: c.prf() for t, c in count_spans(gold, pred).items()}


def evaluate(
    tagger: NerTagger, sents: Sequence[ConllSentence]
) -> dict[str, dict[str, float | int]]:
    """Tag gold sentences (in file order, names shared nearby) and score them."""
    return score([s.tags for s in sents], tagger.tag_sentences([s.tokens for s in sents]))


def folds(n: int, k: int) -> list[range]:
    """``k`` contiguous blocks of ``range(n)``, as even as possible.

    >>> [list(r) for r in folds(7, 3)]
    [[0, 1, 2], [3, 4], [5, 6]]
    """
    size, extra = divmod(n, k)
    out, start = [], 0
    for i in range(k):
        end = start + size + (1 if i < extra else 0)
        out.append(range(start, end))
        start = end
    return out


def _fold_job(
    args: tuple[list[ConllSentence], list[ConllSentence], dict[str, Any]],
) -> dict[str, Counts]:
    train_sents, test_sents, params = args
    with tempfile.TemporaryDirectory(prefix="marsad-ner-") as tmp:
        train(train_sents, tmp, params=params)
        tagger = NerTagger(tmp)
        pred = tagger.tag_sentences([s.tokens for s in test_sents])
        return count_spans([s.tags for s in test_sents], pred)


def cross_validate(
    target: list[ConllSentence],
    extra: list[ConllSentence],
    *,
    k: int = 5,
    params: dict[str, Any] | None = None,
    workers: int = 0,
) -> dict[str, dict[str, float | int]]:
    """k-fold cross-validation on ``target`` (contiguous folds); each fold trains on the
    other folds plus all of ``extra``. Scores are pooled over the folds (micro).

    Args:
        target: the corpus scored (ANERcorp).
        extra: sentences always in training (AQMAR).
        k: the number of folds.
        params: CRFsuite settings.
        workers: processes (0: one per core, at most ``k``).
    """
    jobs = []
    for block in folds(len(target), k):
        test = [target[i] for i in block]
        rest = [s for i, s in enumerate(target) if i not in block] + extra
        jobs.append((rest, test, params or {}))
    n = workers or min(k, os.cpu_count() or 1)
    total = {t: Counts() for t in (*TYPES, "all")}
    if n > 1:
        with ProcessPoolExecutor(n) as pool:
            results = list(pool.map(_fold_job, jobs))
    else:
        results = [_fold_job(j) for j in jobs]
    for res in results:
        for t, c in res.items():
            total[t].add(c)
    return {t: c.prf() for t, c in total.items()}
