"""Build and run the pipeline: ``make_doc`` (clean and freeze), then registered stages.

``marsad.extract(text, ...)`` is the one-call API; ``marsad.load(config)`` returns a
reusable, picklable :class:`Pipeline` for batches (``Pipeline.pipe``), which is what
the CLI, multiprocessing and Spark use.

>>> nlp = load()
>>> [s.name for s in nlp.stages][-3:]
['marsad.entities.v1', 'marsad.quotes.v1', 'marsad.events.v1']
>>> doc = nlp("وقال الوزير: «انتهى الاجتماع». ثم غادر")
>>> [s.text for s in doc.sentences]
['وقال الوزير: «انتهى الاجتماع».', 'ثم غادر']
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from . import stages as _stages  # noqa: F401  (registers the stages)
from .config import Config
from .doc import Article, Document
from .errors import Errors, InputError, MarsadError, StageError
from .registry import Stage, registry
from .text.clean import clean

log = logging.getLogger(__name__)

# What make_doc provides before any stage runs.
MAKE_DOC_ASSIGNS = ("doc.text", "doc.raw_text", "doc.title", "doc.published", "doc.cleaning")

_LETTER = re.compile(r"[^\W\d_]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_published(value: object, *, source: str = "<published>") -> str | None:
    """Normalise a document date to ISO 8601 (a date, or a datetime with ``T``).

    >>> parse_published("2023-11-09")
    '2023-11-09'
    >>> parse_published("2015-07-21 10:03:00")
    '2015-07-21T10:03:00'
    >>> parse_published(dt.date(2023, 11, 9))
    '2023-11-09'

    Raises:
        InputError: the value is not an ISO date or datetime.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        v = value.strip()
        try:
            if _ISO_DATE.match(v):
                return dt.date.fromisoformat(v).isoformat()
            return dt.datetime.fromisoformat(v.replace("Z", "+00:00")).isoformat()
        except ValueError:
            pass
    raise InputError(Errors.E107.format(path=source, value=value))


def make_doc(article: Article | str, *, config: Config | None = None) -> Document:
    """Clean an article's text, freeze it, and return a Document without annotations.

    When a title is given separately, the canonical text is ``title + "\\n\\n" + body``.

    Raises:
        InputError: the article is over the size limit, has no letters, or has a bad date.
    """
    config = config or Config()
    if isinstance(article, str):
        article = Article(article)
    limit = config.limits.max_article_bytes
    size = len(article.text) + len(article.title or "")
    # a character is at most 4 UTF-8 bytes: only encode when it could matter
    if size * 4 > limit:
        size = len(article.text.encode("utf-8", "surrogatepass")) + len(
            (article.title or "").encode("utf-8", "surrogatepass")
        )
        if size > limit:
            raise InputError(
                Errors.E104.format(path=article.source, size=_mb(size), limit=_mb(limit))
            )
    title = " ".join(article.title.split()) if article.title else None
    raw = f"{title}\n\n{article.text}" if title else article.text
    text, steps = clean(raw, steps=config.clean.steps)
    if not _LETTER.search(text):
        raise InputError(Errors.E111.format(path=article.source))
    if title:
        title = text.split("\n", 1)[0]
    published = parse_published(article.published, source=article.source)
    return Document(
        text,
        id=article.id,
        title=title,
        published=published,
        published_source=article.published_source if published else "none",
        url=article.url,
        outlet=article.outlet,
        fetched=article.fetched,
        raw_text=raw,
        cleaning=steps,
    )


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


@dataclass
class PipeError:
    """A record that failed in ``Pipeline.pipe(..., on_error="collect")``."""

    source: str
    stage: str | None
    error: str


class Pipeline:
    """A built pipeline: the config and one instance of each stage, in order.

    Building checks the order: each stage's ``requires`` must be assigned by
    ``make_doc`` or an earlier stage, else :class:`~marsad.errors.ConfigError` says
    what is missing and what is fulfilled (stanza's ProcessorRequirementsException).
    """

    def __init__(self, config: Config | None = None) -> None:
        self.config = config or Config()
        self.stages: list[Stage] = []
        provided = set(MAKE_DOC_ASSIGNS)
        for name in self.config.pipeline.stages:
            info = registry.get(name)
            missing = [r for r in info.requires if r not in provided]
            if missing:
                raise_order_error(name, missing, provided)
            self.stages.append(info.factory(getattr(self.config, info.section)))
            provided.update(info.assigns)

    def make_doc(self, article: Article | str) -> Document:
        """Clean and freeze an article (no stages run)."""
        return make_doc(article, config=self.config)

    def __call__(self, article: Article | str | Document) -> Document:
        """Run every stage on one article; stage errors re-raise as StageError."""
        doc = article if isinstance(article, Document) else self.make_doc(article)
        for stage in self.stages:
            try:
                doc = stage(doc)
            except MarsadError:
                raise
            except Exception as e:
                raise StageError(
                    Errors.E205.format(
                        name=stage.name, doc_id=doc.id, detail=f"{type(e).__name__}: {e}"
                    ),
                    stage=stage.name,
                    doc_id=doc.id,
                ) from e
        return doc

    def pipe(
        self,
        articles: Iterable[Article | str],
        *,
        on_error: Literal["raise", "collect"] = "raise",
        errors: list[PipeError] | None = None,
    ) -> Iterator[Document]:
        """Process articles lazily, in order.

        Args:
            articles: the input records.
            on_error: ``"raise"`` stops at the first bad article; ``"collect"`` appends a
                :class:`PipeError` to ``errors`` and goes on (one bad article never kills
                a batch).
            errors: where collected errors go.
        """
        for article in articles:
            try:
                yield self(article)
            except MarsadError as e:
                if on_error == "raise":
                    raise
                source = article.source if isinstance(article, Article) else "<text>"
                stage = e.stage if isinstance(e, StageError) else None
                log.warning("%s: %s", source, e)
                if errors is not None:
                    errors.append(PipeError(source, stage, str(e)))


def raise_order_error(name: str, missing: list[str], provided: set[str]) -> None:
    """Raise the E201 error for a stage whose requirements are not met."""
    from .errors import ConfigError

    raise ConfigError(
        Errors.E201.format(
            name=name, missing=", ".join(missing), fulfilled=", ".join(sorted(provided))
        )
    )


def load(config: Config | None = None) -> Pipeline:
    """Build the pipeline for ``config`` (default: ``default_config.toml``)."""
    return Pipeline(config or Config.default())


def extract(
    text: str,
    *,
    title: str | None = None,
    published: str | dt.date | None = None,
    id: str | None = None,
    url: str | None = None,
    outlet: str | None = None,
    config: Config | None = None,
) -> Document:
    """Extract everything marsad knows how to extract from one article.

    Args:
        text: the article body (or the whole article when ``title`` is None).
        title: the headline, when known separately.
        published: the document date (ISO string or date); recorded as ``given``.
        id, url, outlet: provenance, passed through to the output.
        config: the configuration (default: ``default_config.toml``).

    Returns:
        The annotated Document; ``doc.to_dict()`` is the output contract.
    """
    article = Article(
        text,
        title=title,
        published=published,  # type: ignore[arg-type]  # parse_published takes dates too
        published_source="given",
        id=id,
        url=url,
        outlet=outlet,
    )
    return load(config)(article)
