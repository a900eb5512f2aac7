"""Read one article from a saved HTML page, offline.

The main text comes from trafilatura (no fetching, comments and tables left out),
one paragraph a block with a blank line between them; lines our Arabic boilerplate
rules mark («اقرأ أيضاً», share bars, copyright …, see
:func:`marsad.text.boilerplate.classify_line`) are dropped, captions kept. When
trafilatura finds nothing the page's ``<p>`` paragraphs are used instead; a page
with no article text at all is refused with one line (E140).

Bytes are decoded with the HTTP charset when it fits, else the page's own
``<meta charset>`` (windows-1256 is common on Arabic news sites), else by
:func:`marsad.ingest.files.decode`:

>>> declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">')
'cp1256'

The title drops a trailing « - Site» when it is the site's name; ``published`` is
the page's declared date (:func:`marsad.temporal.dct.metadata_date`); ``url`` is the
given one, else the canonical link; ``outlet`` is ``og:site_name``, else the host.

Reading pages needs trafilatura (and its lxml); they are imported on first use.
"""

from __future__ import annotations

import codecs
import importlib
import re
from typing import Any
from urllib.parse import urlsplit

from ..doc import Article
from ..errors import Errors, InputError
from ..temporal.dct import metadata_date
from ..text.boilerplate import classify_line
from .files import decode

_META_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(r"\A\s*<\?xml[^>]*\?>")
_XML_ENCODING = re.compile(rb"""\A\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
# servers send these by default whatever the page is: the page's own <meta> wins
_DEFAULT_CHARSETS = ("latin-1", "iso8859-1", "cp1252", "ascii")
_SUFFIX_SEPARATORS = (" - ", " | ", " – ", " — ", " :: ", " « ", " » ")
_MIN_FALLBACK_WORDS = 5


def _codec(name: str | None) -> str | None:
    """The Python codec for a charset label, or None when there is none."""
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def declared_charset(data: bytes) -> str | None:
    """The codec a page declares in ``<meta charset>``, ``http-equiv`` (first 64 KB) or
    its XML declaration.

    A UTF-16 declaration is ignored: a page that can be read to find it is not UTF-16.
    """
    m = _META_CHARSET.search(data[:65536]) or _XML_ENCODING.match(data)
    codec = _codec(m.group(1).decode("ascii")) if m else None
    return None if codec is None or codec.startswith("utf-16") else codec


def decode_html(data: bytes | str, source: str, *, charset: str | None = None) -> str:
    """Decode an HTML page: BOM, then ``charset`` (from HTTP), then ``<meta>``, then sniffing.

    A server's default Latin charset gives way to a different one the page declares.

    Raises:
        InputError: empty, binary or undecodable bytes.
    """
    if isinstance(data, str):
        if not data.strip():
            raise InputError(Errors.E101.format(path=source))
        return data
    if not data.strip():
        raise InputError(Errors.E101.format(path=source))
    if data.startswith(_BOMS):
        return decode(data, source)
    header, meta = _codec(charset), declared_charset(data)
    order = [header, meta]
    if header in _DEFAULT_CHARSETS and meta and meta != header:
        order = [meta, header]
    for codec in order:
        if codec is None:
            continue
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return decode(data, source)


def require(module: str, source: str) -> Any:
    """Import an optional dependency, or say in one line how to install it.

    Raises:
        InputError: the package is not installed (E145).
    """
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as e:
        package = module.split(".", 1)[0]
        raise InputError(Errors.E145.format(path=source, package=package)) from e


def parse_tree(html: str, source: str = "<html>") -> Any:
    """Parse HTML with lxml; None when there is nothing to parse."""
    lxml_html = require("lxml.html", source)
    try:
        return lxml_html.document_fromstring(_XML_DECL.sub("", html, count=1))
    except (ValueError, lxml_html.etree.ParserError):
        return None


def _first(tree: Any, xpath: str) -> str | None:
    if tree is None:
        return None
    found = tree.xpath(xpath)
    for value in [found] if isinstance(found, str) else found:
        text = " ".join(str(value).split())
        if text:
            return text
    return None


def page_urls(tree: Any) -> list[str]:
    """The absolute URLs a parsed page gives itself: ``rel=canonical``, then ``og:url``."""
    found = []
    for xpath in (
        "//link[translate(@rel,'CANONICAL','canonical')='canonical']/@href",
        "//meta[@property='og:url' or @name='og:url']/@content",
    ):
        url = _first(tree, xpath)
        if url and url.startswith(("http://", "https://")) and url not in found:
            found.append(url)
    return found


def _host(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname
    if not host:
        return None
    return host.removeprefix("www.")


def _strip_site(title: str, site: str | None) -> str:
    """Drop a trailing « - Site» (or « | Site») when it is the site's name."""
    if not site:
        return title
    for sep in _SUFFIX_SEPARATORS:
        head, found, tail = title.rpartition(sep)
        if found and head.strip() and tail.strip() == site:
            return head.strip()
    return title


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def _keep(line: str) -> bool:
    found = classify_line(line)
    return found is None or found[0] != "boilerplate"


def _fallback_paragraphs(tree: Any) -> list[str]:
    """The text of ``<p>`` elements outside menus, headers, footers and sidebars."""
    if tree is None:
        return []
    paragraphs = []
    xpath = "//p[not(ancestor::nav or ancestor::header or ancestor::footer or ancestor::aside)]"
    for p in tree.xpath(xpath):
        text = " ".join(p.text_content().split())
        if len(text.split()) >= _MIN_FALLBACK_WORDS:
            paragraphs.append(text)
    return paragraphs


# elements that start a new paragraph in a feed summary
_BLOCK_TAGS = {
    *("p", "div", "br", "hr", "li", "ul", "ol", "dd", "dt", "pre", "blockquote"),
    *("h1", "h2", "h3", "h4", "h5", "h6", "table", "tr"),
    *("section", "article", "figure", "figcaption"),
}


def fragment_text(html: str, source: str = "<html>") -> str:
    """The text of an HTML fragment (a feed summary): one paragraph a block, with a
    blank line between them, boilerplate lines dropped. Plain text keeps its lines.

    Raises:
        InputError: lxml is not installed (E145).
    """
    if "<" not in html:
        text = html
    else:
        lxml_html = require("lxml.html", source)
        try:
            root = lxml_html.fragment_fromstring(html, create_parent="div")
        except (ValueError, lxml_html.etree.ParserError):
            return ""
        for el in list(root.iter("script", "style")):
            el.drop_tree()
        for el in root.iter():
            if el.tag in _BLOCK_TAGS:
                el.text = "\n" + (el.text or "")
                el.tail = "\n" + (el.tail or "")
        text = root.text_content()
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n\n".join(line for line in lines if line and _keep(line))


def article_from_html(
    data: bytes | str,
    source: str,
    *,
    url: str | None = None,
    fetched: str | None = None,
    charset: str | None = None,
) -> Article:
    """Read the article of one HTML page.

    Args:
        data: the page, as bytes (decoded here) or text.
        source: where it came from, for error messages (a path, ``path#url``).
        url: the page's address when known; else its canonical link or ``og:url``.
        fetched: when a crawler fetched it (ISO 8601), passed through.
        charset: the charset of the HTTP ``Content-Type`` header, when there was one.

    Raises:
        InputError: empty, binary or undecodable bytes (E101-E103), or no article
            text in the page (E140).
    """
    html = decode_html(data, source, charset=charset)
    trafilatura = require("trafilatura", source)
    tree = parse_tree(html, source)
    urls = page_urls(tree)
    url = url or (urls[0] if urls else None)

    meta = trafilatura.extract_metadata(html, default_url=url)
    og_site = _first(tree, "//meta[@property='og:site_name' or @name='og:site_name']/@content")
    site = og_site or (meta.sitename if meta is not None else None) or None
    titles = [
        t
        for t in (
            meta.title if meta is not None else None,
            _first(tree, "//meta[@property='og:title' or @name='og:title']/@content"),
            _first(tree, "//title/text()"),
            _first(tree, "string(//h1)"),
        )
        if t
    ]
    title = _strip_site(" ".join(titles[0].split()), site) if titles else None

    extracted = trafilatura.extract(
        html,
        url=url,
        output_format="txt",
        include_comments=False,
        include_tables=False,
        favor_precision=True,
    )
    lines = [" ".join(line.split()) for line in (extracted or "").splitlines()]
    lines = [line for line in lines if line and _keep(line)]
    if lines and title and any(_same(lines[0], t) for t in (title, *titles)):
        lines = lines[1:]  # the headline: the Article keeps it apart
    if not lines:
        lines = [p for p in _fallback_paragraphs(tree) if _keep(p)]
    if not lines:
        raise InputError(Errors.E140.format(path=source))

    published = metadata_date(html)
    return Article(
        "\n\n".join(lines),
        title=title,
        published=published,
        published_source="metadata" if published else None,
        url=url,
        outlet=site or _host(url),
        source=source,
        fetched=fetched,
    )
