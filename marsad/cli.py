"""The ``marsad`` command: a thin shell over the Python API.

Each command parses its arguments and calls the same-named function of the library;
domain errors (:class:`marsad.errors.MarsadError`) become one clear line on stderr and
a non-zero exit, never a traceback.

Exit codes: 0 success; 1 an error, or a batch in which some records were bad (the good
ones are still written); 2 a usage error; 130 interrupted.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click

from . import __version__
from .config import Config
from .doc import Article, Document
from .errors import Errors, InputError, MarsadError
from .ingest.files import BadRecord, open_path
from .pipeline import load, parse_published
from .render import render_explain, render_text

F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"marsad: error: {message}", err=True)
    sys.exit(code)


def friendly_errors(fn: F) -> F:
    """Turn library errors into one line on stderr and an exit code (datasette-style)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except MarsadError as e:
            _fail(str(e))
        except KeyboardInterrupt:
            click.echo("marsad: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            sys.stderr.close()  # output piped into head: stop quietly
            sys.exit(1)
        return None

    return wrapper  # type: ignore[return-value]


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$", re.I)


def parse_size(value: str) -> int:
    """Parse ``50MB``, ``512k``, ``1G`` or a plain byte count.

    >>> parse_size("50MB"), parse_size("512k"), parse_size("1000")
    (50000000, 512000, 1000)
    """
    m = _SIZE.match(value)
    if not m:
        raise click.BadParameter(f"{value!r} is not a size; write it like 50MB, 512k or 1000000")
    factor = {"": 1, "k": 1_000, "m": 1_000_000, "g": 1_000_000_000}[m.group(2).lower()]
    return int(float(m.group(1)) * factor)


config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False),
    help="A TOML file overriding default_config.toml.",
)
max_size_option = click.option(
    "--max-size", help="Largest article accepted, e.g. 20MB (default 10MB)."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="marsad")
def main() -> None:
    """marsad: Arabic news to source-linked facts (entities, quotes, time, events)."""


def _load_config(config_path: str | None, max_size: str | None) -> Config:
    config = Config.from_toml(config_path) if config_path else Config.default()
    if max_size:
        config = config.override("limits.max_article_bytes", parse_size(max_size))
    return config


def _write(doc: Document, fmt: str, out: TextIO, *, tokens: bool) -> None:
    if fmt == "text":
        out.write(render_text(doc))
    elif fmt == "jsonl":
        out.write(json.dumps(doc.to_dict(tokens=tokens), ensure_ascii=False) + "\n")
    else:
        out.write(json.dumps(doc.to_dict(tokens=tokens), ensure_ascii=False, indent=2) + "\n")


@main.command("extract")
@click.argument("path", type=click.Path(dir_okay=True, allow_dash=True))
@click.option("--published", help="Document date (YYYY-MM-DD), recorded as 'given'.")
@click.option("--title", help="The headline, when it is not the first line of a .txt file.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "jsonl", "text"]),
    help="Output format. Default: jsonl for JSONL or JSON-array input, json otherwise.",
)
@config_option
@max_size_option
@click.option("--tokens", is_flag=True, help="Also write tokens and their clitic words.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write here instead of standard output.",
)
@friendly_errors
def extract_cli(
    path: str,
    published: str | None,
    title: str | None,
    fmt: str | None,
    config_path: str | None,
    max_size: str | None,
    tokens: bool,
    output: str | None,
) -> None:
    """Extract facts from one article or a batch: PATH is .txt, .json, .jsonl or - (stdin).

    A .txt file's first line is the headline when a blank line follows it. JSON records
    take text (or content), title, published (or date), id, url and outlet. In a JSONL
    batch a bad line is reported with its line number and the others go on.
    """
    config = _load_config(config_path, max_size)
    if published is not None:
        published = parse_published(published, source="--published")
    source = open_path(path, max_bytes=config.limits.max_article_bytes)
    fmt = fmt or ("jsonl" if source.is_stream else "json")
    nlp = load(config)
    # closed in the finally below; a with-block cannot cover "file or stdout" as plainly
    out: TextIO = Path(output).open("w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
    good = bad = 0
    try:
        for record in source.records:
            if isinstance(record, BadRecord):
                bad += 1
                click.echo(f"marsad: skipped {record.error}", err=True)
                continue
            _apply_overrides(record, published=published, title=title)
            try:
                doc = nlp(record)
            except MarsadError as e:
                if not source.is_stream:
                    raise
                bad += 1
                click.echo(f"marsad: skipped {record.source}: {e}", err=True)
                continue
            _write(doc, fmt, out, tokens=tokens)
            out.flush()
            good += 1
    finally:
        if output:
            out.close()
    if bad:
        click.echo(f"marsad: {good} written, {bad} skipped", err=True)
        sys.exit(1)


def _apply_overrides(article: Article, *, published: str | None, title: str | None) -> None:
    if published is not None:
        article.published, article.published_source = published, "given"
    if title is not None:
        # the given headline replaces one read from the first line
        if article.title is not None:
            article.text = f"{article.title}\n\n{article.text}"
        article.title = title


@main.command("explain")
@click.argument("path", type=click.Path(dir_okay=True, allow_dash=True))
@click.option("--published", help="Document date (YYYY-MM-DD), recorded as 'given'.")
@click.option("--title", help="The headline, when it is not the first line of a .txt file.")
@config_option
@friendly_errors
def explain_cli(
    path: str, published: str | None, title: str | None, config_path: str | None
) -> None:
    """Say why each event of an article was coded: PATH as for extract.

    For every event: the trigger and its dictionary entry, then the rule that chose
    each actor, recipient, place and date, and the cue of each modality.
    """
    config = _load_config(config_path, None)
    if published is not None:
        published = parse_published(published, source="--published")
    source = open_path(path, max_bytes=config.limits.max_article_bytes)
    nlp = load(config)
    for record in source.records:
        if isinstance(record, BadRecord):
            click.echo(f"marsad: skipped {record.error}", err=True)
            continue
        _apply_overrides(record, published=published, title=title)
        doc = nlp(record)
        if source.is_stream:
            click.echo(f"# {record.source}")
        click.echo(render_explain(doc), nl=False)


@main.command("eval")
@click.argument("gold", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--pred",
    "pred_dir",
    type=click.Path(exists=True, file_okay=False),
    help="Score stored predictions (DIR/<gold name>.json) instead of running the pipeline.",
)
@click.option(
    "--published",
    help="'gold' to pass the gold file's date, or a YYYY-MM-DD date. "
    "Default: none, so the pipeline must find the date itself.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="Only the score table, no missed/spurious items.")
@friendly_errors
def eval_cli(
    gold: tuple[str, ...], pred_dir: str | None, published: str | None, as_json: bool, quiet: bool
) -> None:
    """Score the pipeline against gold files (shared/spec/gold-format.md): P/R/F1 per layer."""
    from .eval.run import evaluate, format_report

    if published not in (None, "gold"):
        published = parse_published(published, source="--published")
    scores, totals = evaluate(gold, pred_dir=pred_dir, published=published)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "documents": [s.to_dict() for s in scores],
                    "total": {k: v.to_dict() for k, v in totals.items()},
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        click.echo(format_report(scores, totals, details=not quiet))


@main.group("kb")
def kb_cli() -> None:
    """The knowledge base of actors: statistics, look-up, additions, Wikidata import."""


@kb_cli.command("stats")
@friendly_errors
def kb_stats_cli() -> None:
    """Count the actors, countries, offices and phrases, and time the load."""
    from .kb.api import kb_stats

    for line in kb_stats().lines():
        click.echo(line)


@kb_cli.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print the records as JSON.")
@friendly_errors
def kb_show_cli(name: str, as_json: bool) -> None:
    """Show the actors (with their offices) and countries matching NAME (Arabic, English or id)."""
    from .kb.api import describe, kb_show

    found = [describe(x) for x in kb_show(name)]
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    if not found:
        _fail(
            f"{name}: no actor or country of that name. Try part of the name, or marsad kb stats."
        )
    for rec in found:
        head = rec.get("id") or rec.get("iso3")
        click.echo(
            f"{head}  {rec.get('type', 'COUNTRY')}  {rec['name']} — {rec.get('name_en') or ''}"
        )
        for key in (
            "wikidata",
            "country",
            "sector",
            "aliases",
            "surnames",
            "acronyms",
            "nisba",
            "capital",
            "metonyms",
        ):
            if rec.get(key):
                value = rec[key]
                click.echo(f"    {key}: {', '.join(value) if isinstance(value, list) else value}")
        for o in rec.get("offices", []):
            end = o["end"] or "now"
            acting = " (acting)" if o["acting"] else ""
            click.echo(f"    {o['role']} of {o['of']}: {o['start']} – {end}{acting}")


@kb_cli.command("add")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@friendly_errors
def kb_add_cli(path: str) -> None:
    """Validate a YAML or CSV file of actors and register it for every pipeline."""
    from .kb.user import add_user_file

    dest = add_user_file(path)
    click.echo(f"added {path} (stored at {dest})")


@kb_cli.command("import-wikidata")
@click.argument("dump", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "-o",
    "--out",
    required=True,
    type=click.Path(dir_okay=False),
    help="The YAML file to write (then: marsad kb add OUT).",
)
@friendly_errors
def kb_import_wikidata_cli(dump: str, out: str) -> None:
    """Stream a Wikidata JSON dump (.json, .json.gz, .json.bz2) into a YAML file of actors."""
    from .kb.wikidata import import_dump, write_yaml

    records, stats = import_dump(dump)
    write_yaml(records, out)
    click.echo(
        f"read {stats.entities} entities: {stats.people} people ({stats.offices} offices), "
        f"{stats.orgs} organisations, {stats.places} places -> {out}"
    )
    if stats.unmapped_positions:
        click.echo(
            f"{len(stats.unmapped_positions)} positions had no marsad role "
            "(see marsad/kb/data/wikidata.json)"
        )


@main.command("ner")
@click.option(
    "--conll",
    "conll",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="CoNLL file: one token per line (first column), blank lines between sentences.",
)
@click.option("--model", default="", help="Model folder (default: the shipped model).")
@friendly_errors
def ner_cli(conll: str, model: str) -> None:
    """Tag a CoNLL file: each line is printed back with the predicted BIO tag
    (PERS, ORG, LOC, MISC) as a new last column; blank lines are kept."""
    from .ner.api import tag_conll

    for line in tag_conll(conll, model=model):
        sys.stdout.write(line + "\n")


@main.command("train-ner")
@click.option(
    "--data",
    required=True,
    type=click.Path(exists=True, file_okay=False),
    help="Folder with anercorp/train.txt and aqmar/{train,dev}.txt (../shared/data).",
)
@click.option(
    "--out", required=True, type=click.Path(file_okay=False), help="Model folder to write."
)
@click.option("--folds", default=0, show_default=True, help="Also cross-validate on ANERcorp.")
@click.option("--wojood", is_flag=True, help="Also train on the Wojood sample.")
@friendly_errors
def train_ner_cli(data: str, out: str, folds: int, wojood: bool) -> None:
    """Train the NER model (deterministic: same data, same weights)."""
    from .ner.api import train_ner

    meta = train_ner(data, out, folds=folds, wojood=wojood)
    click.echo(
        f"trained on {meta['sentences']} sentences, {meta['tokens']} tokens "
        f"in {meta['train_seconds']} s -> {out}"
    )
    cv = meta.get("cross_validation")
    if cv:
        for typ, sc in cv["scores"].items():
            click.echo(f"  {typ:5} P {sc['p']:.3f}  R {sc['r']:.3f}  F1 {sc['f1']:.3f}")


DEFAULT_DB = "sqlite:///marsad.db"
db_option = click.option(
    "--db", default=DEFAULT_DB, show_default=True, help="Database URL or file path."
)


@main.command("ingest")
@click.argument("sources", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option(
    "--db",
    default=DEFAULT_DB,
    show_default=True,
    help="Database URL: sqlite:///path.db, postgresql://user@host/db, or a file path.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Extraction processes (default: all cores).",
)
@config_option
@max_size_option
@click.option(
    "--field",
    "fields",
    multiple=True,
    metavar="ROLE=FIELD",
    help="JSON field names: text, title, published, id, url, outlet or fetched "
    "(e.g. --field published=pubDate). Repeatable.",
)
@click.option(
    "--batch",
    type=click.IntRange(min=1),
    default=128,
    show_default=True,
    help="Records per transaction: a stopped run loses at most one batch of work.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress line, only the summary.")
@friendly_errors
def ingest_cli(
    sources: tuple[str, ...],
    db: str,
    workers: int | None,
    config_path: str | None,
    max_size: str | None,
    fields: tuple[str, ...],
    batch: int,
    quiet: bool,
) -> None:
    """Read news into the database: SOURCES are files or folders of text, HTML, RSS/Atom
    feeds, WARC(.gz), JSON/JSONL, or zip files of them (- for standard input).

    Running it again on the same input adds nothing (articles are identified by a hash
    of their text); a run stopped by Ctrl-C or killed continues where it stopped.
    Unreadable records are quarantined with their reason (the quarantine table); other
    languages than Arabic are skipped and counted.
    """
    import os

    from .ingest.files import field_map, parse_field_map
    from .ingest.run import IngestStats, ingest
    from .store import open_store

    mapping = parse_field_map(fields)
    config = _load_config(config_path, max_size)
    n = workers or os.cpu_count() or 1
    store = open_store(db)
    live = not quiet and sys.stderr.isatty()

    def show(stats: IngestStats) -> None:
        if live:
            click.echo("\r\033[K" + stats.summary(), err=True, nl=False)

    try:
        with field_map(mapping):
            stats = ingest(sources, store, workers=n, config=config, progress=show, batch=batch)
    except KeyboardInterrupt:
        if live:
            click.echo("", err=True)
        click.echo(
            "marsad: interrupted; what was stored is kept, run the same command to go on",
            err=True,
        )
        sys.exit(130)
    finally:
        counts = store.counts()
        store.close()
    if live:
        click.echo("\r\033[K", err=True, nl=False)
    click.echo(f"marsad: {stats.summary()}", err=True)
    click.echo(
        f"marsad: {db} holds " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items()),
        err=True,
    )


@main.command("export")
@db_option
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(["plover-jsonl", "cameo-tsv", "csv", "parquet"]),
    help="plover-jsonl and cameo-tsv write one file; csv and parquet one file per table.",
)
@click.option(
    "--out",
    "-o",
    default=None,
    help="Output file (default: standard output), or the folder for csv and parquet.",
)
@click.option("--since", help="Only documents published on or after this date (YYYY-MM-DD).")
@friendly_errors
def export_cli(db: str, fmt: str, out: str | None, since: str | None) -> None:
    """Export the database: PLOVER JSONL (one record per event report), a CAMEO-style
    TSV (one row per event, GDELT-like columns), or CSV / Parquet tables."""
    from .export import export
    from .store import open_store

    with open_store(db, create=False) as store:
        written = export(store, fmt, out, since=since)
    where = out if out and out != "-" else "standard output"
    click.echo(
        "marsad: wrote "
        + ", ".join(f"{n} {t.replace('_', ' ')}" for t, n in written.items())
        + f" to {where}",
        err=True,
    )


@main.group("spark")
def spark_cli() -> None:
    """Run the pipeline on Apache Spark (pip install 'marsad[spark]'; Java 17)."""


@spark_cli.command("run")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", required=True, help="Output folder for the Parquet tables (local or URI).")
@click.option("--master", help="Spark master URL (default: local[*], or what spark-submit sets).")
@click.option(
    "--partitions", type=click.IntRange(min=1), help="Extraction partitions (default: 2 per core)."
)
@config_option
@max_size_option
@friendly_errors
def spark_run_cli(
    inputs: tuple[str, ...],
    out: str,
    master: str | None,
    partitions: int | None,
    config_path: str | None,
    max_size: str | None,
) -> None:
    """Extract INPUTS (files, folders, hdfs:// or s3a:// URIs of WARC, JSON(L), HTML,
    feeds, text, zip) on Spark into Parquet tables under --out: the tables of marsad
    export --format parquet, plus quarantine. Load them with marsad load."""
    from .spark.job import run

    config = _load_config(config_path, max_size)
    counts = run(inputs, out, master=master, config=config, partitions=partitions)
    click.echo(
        f"marsad: {counts['records']} records: {counts['stored']} stored, "
        f"{counts['duplicate']} duplicate, {counts['skipped']} skipped, "
        f"{counts['quarantined']} quarantined -> {out}",
        err=True,
    )


@main.command("load")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@db_option
@friendly_errors
def load_cli(folder: str, db: str) -> None:
    """Load the Parquet tables of marsad spark run (FOLDER) into an empty database, so
    marsad export and the web UI serve them."""
    from .spark.load import load
    from .store import open_store

    with open_store(db) as store:
        counts = load(folder, store)
    click.echo(
        "marsad: loaded "
        + ", ".join(f"{n} {t.replace('_', ' ')}" for t, n in counts.items())
        + f" into {db}",
        err=True,
    )


@main.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--token",
    envvar="MARSAD_TOKEN",
    help="Turns on POST /ingest.json for requests bearing it (also $MARSAD_TOKEN). "
    "Without it the server only reads.",
)
@friendly_errors
def serve_cli(db: str, host: str, port: int, token: str | None) -> None:
    """Serve the web UI and the JSON API over a database filled by marsad ingest or
    marsad load."""
    from .store import open_store

    open_store(db, create=False).close()  # a clear error before the server starts
    try:
        from .web.app import serve
    except ImportError as e:
        raise InputError(Errors.E621) from e
    writes = "writes on (token)" if token else "read only"
    click.echo(f"marsad: serving {db} at http://{host}:{port} ({writes})", err=True)
    serve(db, host=host, port=port, token=token)


@main.command("demo")
@click.option(
    "--db",
    default="sqlite:///marsad-demo.db",
    show_default=True,
    help="Where the demo database is built (kept between runs).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--no-serve", is_flag=True, help="Only build the database.")
@friendly_errors
def demo_cli(db: str, host: str, port: int, no_serve: bool) -> None:
    """Build a demo database from the bundled Arabic articles (written for marsad) and
    serve it at http://127.0.0.1:8000."""
    from .demo import build

    stats = build(db)
    click.echo(f"marsad: demo database {db}: {stats.summary()}", err=True)
    if no_serve:
        return
    from .web.app import serve

    click.echo(f"marsad: serving the demo at http://{host}:{port} (Ctrl-C stops)", err=True)
    serve(db, host=host, port=port)


@main.command("stages")
def stages_cli() -> None:
    """List the registered pipeline stages with what they require and assign."""
    from .registry import registry

    for name in registry.names():
        info = registry.get(name)
        click.echo(f"{name}  [{info.section}]  {info.summary}")
        click.echo(f"    requires: {', '.join(info.requires)}")
        click.echo(f"    assigns:  {', '.join(info.assigns)}")


if __name__ == "__main__":  # pragma: no cover
    main()
