"""The observatory's web UI and HTTP API: ``marsad serve --db URL``.

Server-rendered pages (Jinja2, right to left, labels in Arabic and English), each with
a JSON twin at the same URL plus ``.json`` that returns the very dict the page renders
(:mod:`marsad.web.queries`), documented in the OpenAPI schema at ``/docs``. The app
only reads the database; every value from an article is escaped by the templates,
links to sources must be http(s), and SQL always takes parameters.

>>> app = create_app("sqlite://")
>>> sorted(r.path for r in app.routes if r.path.startswith("/article"))
['/article/{doc_id:int}', '/article/{doc_id:int}.json']
"""

from __future__ import annotations

import csv
import hmac
import io
import json
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import Body, Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from .. import __version__
from ..export import plover_records
from ..ingest.run import ingest
from ..store.db import Store, open_store
from . import queries
from .charts import SIZE, radial
from .highlight import highlight

HERE = Path(__file__).resolve().parent


def safe_url(url: str | None) -> str | None:
    """A source link only when it is http(s); anything else (``javascript:``) is dropped.

    >>> safe_url("https://news.example/1"), safe_url("javascript:alert(1)")
    ('https://news.example/1', None)
    """
    if not url:
        return None
    return url if urlsplit(url.strip()).scheme.lower() in ("http", "https") else None


def _store(request: Request) -> Iterator[Store]:
    """The database of this app, opened for one request (SQLite connections stay in
    their thread)."""
    s = open_store(request.app.state.db_url, create=False)
    try:
        yield s
    finally:
        s.close()


DB = Annotated[Store, Depends(_store)]
PageNo = Annotated[int, Query(ge=1)]


@dataclass
class SearchArgs:
    """The query string of a search: words, filters and the page."""

    q: str = ""
    outlet: str | None = None
    since: str | None = None
    until: str | None = None
    entity: int | None = None
    event_type: str | None = None
    page: PageNo = 1


Search = Annotated[SearchArgs, Depends()]


@dataclass
class QuoteArgs:
    """Filters of the quotes explorer."""

    speaker: int | None = None
    kind: str | None = None
    since: str | None = None
    until: str | None = None
    outlet: str | None = None
    page: PageNo = 1


@dataclass
class EventArgs:
    """Filters of the events explorer."""

    type: str | None = None
    entity: int | None = None
    since: str | None = None
    until: str | None = None
    page: PageNo = 1


Quotes = Annotated[QuoteArgs, Depends()]
Posted = Annotated[list[dict[str, Any]], Body(max_length=1000)]
Events = Annotated[EventArgs, Depends()]


def _csv(rows: list[dict[str, Any]], columns: tuple[str, ...], name: str) -> Response:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    return Response(
        buf.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def query(filters: dict[str, Any], **changes: Any) -> str:
    """A query string of the filters that are set, with ``changes`` applied.

    >>> query({"q": "غزة", "outlet": None, "since": ""}, page=2)
    'q=%D8%BA%D8%B2%D8%A9&page=2'
    """
    merged = {**filters, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


def create_app(db_url: str, *, token: str | None = None) -> FastAPI:
    """The FastAPI app over the database at ``db_url`` (opened per request).

    Args:
        db_url: the database (``marsad ingest``, ``marsad load`` or ``marsad demo``).
        token: turns on the one write endpoint, ``POST /ingest.json``, for requests
            that send ``Authorization: Bearer <token>``; without it writes are off.
    """
    app = FastAPI(
        title="marsad",
        version=__version__,
        description="Arabic news as source-linked facts: search, articles, actors, stories.",
        docs_url=None,  # Swagger UI would load scripts from a CDN: /api is ours, offline
        redoc_url=None,
    )
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals["safe_url"] = safe_url
    templates.env.globals["query"] = query
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.state.db_url = db_url

    def render(request: Request, name: str, data: dict[str, Any]) -> Any:
        return templates.TemplateResponse(request, name, {"data": data})

    @app.get("/", include_in_schema=False)
    def home() -> Any:
        return RedirectResponse("/search")

    @app.get("/search.json", summary="Search articles (JSON)")
    def search_json(s: DB, args: Search) -> dict[str, Any]:
        """Full-text search (alef, yaa, taa marbuta, diacritics and clitics folded),
        filtered by outlet, date range, entity id and event type; 20 per page."""
        return queries.search(s, **asdict(args))

    @app.get("/search", response_class=HTMLResponse, summary="Search articles")
    def search_page(request: Request, s: DB, args: Search) -> Any:
        return render(request, "search.html", queries.search(s, **asdict(args)))

    def _article(s: Store, doc_id: int) -> dict[str, Any]:
        data = queries.article(s, doc_id)
        if data is None:
            raise HTTPException(404, f"no article {doc_id}")
        return data

    @app.get("/article/{doc_id:int}.json", summary="One article with its facts (JSON)")
    def article_json(doc_id: int, s: DB) -> dict[str, Any]:
        """The text and every mention, quote and event report, as offsets into it."""
        return _article(s, doc_id)

    @app.get("/article/{doc_id:int}", response_class=HTMLResponse, summary="One article")
    def article_page(request: Request, doc_id: int, s: DB) -> Any:
        data = _article(s, doc_id)
        segments = highlight(data["text"], data["mentions"], data["quotes"], data["events"])
        return templates.TemplateResponse(
            request, "article.html", {"data": data, "segments": segments}
        )

    def _actor(s: Store, entity_id: int) -> dict[str, Any]:
        data = queries.actor(s, entity_id)
        if data is None:
            raise HTTPException(404, f"no actor {entity_id}")
        return data

    @app.get("/actor/{entity_id:int}.json", summary="One actor (JSON)")
    def actor_json(entity_id: int, s: DB) -> dict[str, Any]:
        """Names, offices over time, quotes by and about, events, timeline, network."""
        return _actor(s, entity_id)

    @app.get("/actor/{entity_id:int}", response_class=HTMLResponse, summary="One actor")
    def actor_page(request: Request, entity_id: int, s: DB) -> Any:
        data = _actor(s, entity_id)
        return templates.TemplateResponse(
            request,
            "actor.html",
            {"data": data, "points": radial(data["network"]), "size": SIZE},
        )

    @app.get("/stories.json", summary="Near-duplicate stories (JSON)")
    def stories_json(s: DB, page: PageNo = 1) -> dict[str, Any]:
        """Stories told by more than one article, with their outlets and first-seen date."""
        return queries.stories(s, page=page)

    @app.get("/stories", response_class=HTMLResponse, summary="Near-duplicate stories")
    def stories_page(request: Request, s: DB, page: PageNo = 1) -> Any:
        return render(request, "stories.html", queries.stories(s, page=page))

    @app.get("/quotes.json", summary="Quotes (JSON)")
    def quotes_json(s: DB, args: Quotes) -> dict[str, Any]:
        """Quotes, newest first, by speaker (entity id), kind, date range and outlet."""
        return queries.quotes(s, **asdict(args))

    @app.get("/quotes", response_class=HTMLResponse, summary="Quotes explorer")
    def quotes_page(request: Request, s: DB, args: Quotes) -> Any:
        return render(request, "quotes.html", queries.quotes(s, **asdict(args)))

    @app.get("/quotes.csv", summary="Quotes as CSV (the filters of /quotes)")
    def quotes_csv(s: DB, args: Quotes) -> Response:
        found = queries.quotes(s, **{**asdict(args), "page": 1}, limit=queries.DOWNLOAD_LIMIT)
        return _csv(found["quotes"], queries.QUOTE_COLUMNS, "quotes.csv")

    @app.get("/events.json", summary="Events (JSON)")
    def events_json(s: DB, args: Events) -> dict[str, Any]:
        """Events (reports of one happening merged), newest first, by PLOVER type,
        participant (entity id) and date range; with counts by type."""
        return queries.events(s, **asdict(args))

    @app.get("/events", response_class=HTMLResponse, summary="Events explorer")
    def events_page(request: Request, s: DB, args: Events) -> Any:
        return render(request, "events.html", queries.events(s, **asdict(args)))

    @app.get("/events.csv", summary="Events as CSV (the filters of /events)")
    def events_csv(s: DB, args: Events) -> Response:
        found = queries.events(s, **{**asdict(args), "page": 1}, limit=queries.DOWNLOAD_LIMIT)
        return _csv(found["events"], queries.EVENT_COLUMNS, "events.csv")

    @app.get("/events.plover.jsonl", summary="Event reports as PLOVER JSONL (filters of /events)")
    def events_plover(s: DB, args: Events) -> Response:
        found = queries.events(s, **{**asdict(args), "page": 1}, limit=queries.DOWNLOAD_LIMIT)
        keep = {e["id"] for e in found["events"]}
        lines = [
            json.dumps(r, ensure_ascii=False)
            for r in plover_records(s)
            if r["marsad"]["event_id"] in keep
        ]
        return Response(
            "".join(line + "\n" for line in lines),
            media_type="application/x-ndjson; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="events.plover.jsonl"'},
        )

    @app.get("/api", response_class=HTMLResponse, summary="The HTTP API, described")
    def api_page(request: Request) -> Any:
        return render(request, "api.html", {"paths": app.openapi()["paths"]})

    @app.post("/ingest.json", summary="Add articles (needs the server's token)")
    def ingest_json(request: Request, s: DB, records: Posted) -> dict[str, Any]:
        """Extract and store articles given as JSON records (``text``, ``title``,
        ``published``, ``url``, ``outlet``…). Off unless the server was started with a
        token; send it as ``Authorization: Bearer <token>``."""
        if not token:
            raise HTTPException(403, "writes are off: start marsad serve with --token")
        sent = request.headers.get("authorization", "")
        if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            raise HTTPException(401, "a valid Authorization: Bearer token is needed")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "posted.jsonl"
            path.write_text(
                "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8"
            )
            stats = ingest([str(path)], s, workers=1)
        return {**stats.counts(), "records": stats.seen}

    return app


def serve(
    db_url: str, *, host: str = "127.0.0.1", port: int = 8000, token: str | None = None
) -> None:
    """Run the app with uvicorn (blocking)."""
    import uvicorn

    uvicorn.run(create_app(db_url, token=token), host=host, port=port, log_level="warning")
