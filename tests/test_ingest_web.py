"""Reading saved web pages, feeds and web archives (issue #8): marsad.ingest.html/feeds/warc."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

pytest.importorskip("trafilatura")
pytest.importorskip("feedparser")
pytest.importorskip("warcio")

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from marsad.doc import Article
from marsad.errors import InputError
from marsad.ingest.feeds import iter_feed, link_names, pages_beside
from marsad.ingest.files import BadRecord
from marsad.ingest.html import article_from_html, declared_charset
from marsad.ingest.warc import iter_warc

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
MINISTER = FIXTURES / "minister-visit.html"
COUNCIL = FIXTURES / "council-cp1256.html"
BROKEN = FIXTURES / "broken.html"
MENU = FIXTURES / "menu-only.html"
RSS = FIXTURES / "feed" / "rss.xml"
ATOM = FIXTURES / "atom.xml"
MALFORMED = FIXTURES / "malformed-feed.xml"

MINISTER_URL = "https://www.alsahil-news.example/local/2024/03/health-minister-zarqa"
MINISTER_TITLE = "وزير الصحة يتفقد مستشفى الزرقاء الحكومي ويعد بتوسعة قسم الطوارئ"
MINISTER_FIRST = "تفقد وزير الصحة سامر الخطيب صباح الثلاثاء مستشفى الزرقاء الحكومي"
MINISTER_LAST = "وطلب من إدارة المستشفى رفع تقرير أسبوعي إلى الوزارة"
COUNCIL_FIRST = (
    "أقر المجلس البلدي لمدينة إربد مساء الأربعاء موازنة العام المقبل بقيمة اثنين "
    "وأربعين مليون دينار"
)
# menus, share bars, related links, tags, sidebars and footers of the fixture pages
NOT_ARTICLE = (
    "الرئيسية",
    "مقالات الرأي",
    "شارك الخبر",
    "اقرأ أيضاً",
    "الأكثر قراءة",
    "الوسوم",
    "جميع الحقوق محفوظة",
    "حقوق النشر",
    "©",
    "اتصل بنا",
)


def _assert_clean(text: str) -> None:
    for junk in NOT_ARTICLE:
        assert junk not in text, junk


def _assert_one_line(e: InputError | BadRecord, name: str) -> None:
    msg = str(e) if isinstance(e, InputError) else e.error
    assert "\n" not in msg and "Traceback" not in msg
    assert name in msg


# -- HTML pages --------------------------------------------------------------------------


def test_html_page_gives_article_text_and_metadata() -> None:
    art = article_from_html(
        MINISTER.read_bytes(), "minister-visit.html", fetched="2024-03-12T10:15:00Z"
    )
    paragraphs = art.text.split("\n\n")
    assert len(paragraphs) == 5
    assert paragraphs[0].startswith(MINISTER_FIRST)
    assert MINISTER_LAST in paragraphs[-1]
    assert "أربعة ملايين دينار" in paragraphs[1]
    _assert_clean(art.text)
    assert MINISTER_TITLE not in art.text  # the headline is kept apart, in title
    assert art.title == MINISTER_TITLE  # « - الساحل نيوز» dropped
    assert art.published == "2024-03-12T09:40:00+03:00"  # JSON-LD datePublished
    assert art.published_source == "metadata"
    assert art.url == MINISTER_URL  # rel=canonical
    assert art.outlet == "الساحل نيوز"
    assert art.fetched == "2024-03-12T10:15:00Z"
    assert art.source == "minister-visit.html"


def test_html_given_url_wins_over_canonical() -> None:
    art = article_from_html(MINISTER.read_text(encoding="utf-8"), "p", url="https://m.example/1")
    assert art.url == "https://m.example/1"
    assert art.outlet == "الساحل نيوز"


def test_html_windows_1256_page_is_decoded_by_its_meta_charset() -> None:
    data = COUNCIL.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert declared_charset(data) == "cp1256"
    art = article_from_html(data, "council-cp1256.html")
    assert art.text.startswith(COUNCIL_FIRST)
    assert "رنا الزعبي" in art.text and "عماد الشرع" in art.text
    assert len(art.text.split("\n\n")) == 4
    # trafilatura keeps these two <p>; our boilerplate rules drop them
    assert "اقرأ أيضاً" not in art.text
    assert "واتساب" not in art.text
    _assert_clean(art.text)
    assert art.title == "المجلس البلدي في إربد يقر موازنة العام المقبل بعد جلسة مطولة"
    assert art.outlet == "صحيفة الوادي"
    assert art.published == "2023-12-27T18:15:00+02:00"
    assert art.url == "https://alwadi.example/news/irbid-council-budget-2024"


@pytest.mark.parametrize("header", ["windows-1256", "ISO-8859-1", None])
def test_html_http_charset_and_server_default(header: str | None) -> None:
    # a server's default Latin charset gives way to the page's own <meta>
    art = article_from_html(COUNCIL.read_bytes(), "council", charset=header)
    assert art.text.startswith(COUNCIL_FIRST)


@pytest.mark.parametrize(
    ("head", "codec"),
    [
        (b"<meta charset='Windows-1256'>", "cp1256"),
        (b'<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=utf-8">', "utf-8"),
        (b'<?xml version="1.0" encoding="windows-1256"?><html>', "cp1256"),
        (b'<meta charset="utf-16">', None),  # a page read as ASCII to find it is not UTF-16
        (b'<meta charset="no-such-charset">', None),
        (b"<html><head><title>x</title>", None),
    ],
)
def test_declared_charset(head: bytes, codec: str | None) -> None:
    assert declared_charset(head) == codec


def test_html_http_charset_is_used_without_meta() -> None:
    page = COUNCIL.read_bytes().replace(b'<meta charset="windows-1256">', b"")
    assert declared_charset(page) is None
    assert article_from_html(page, "c", charset="windows-1256").text.startswith(COUNCIL_FIRST)


def test_html_broken_markup_still_gives_its_text() -> None:
    art = article_from_html(BROKEN.read_bytes(), "broken.html")
    paragraphs = art.text.split("\n\n")
    assert len(paragraphs) == 4
    assert paragraphs[0].startswith("نفذ عشرات المعلمين صباح الأحد اعتصاماً")
    assert "خالد السرحان" in paragraphs[2]
    assert paragraphs[3].startswith("من جانبه، أكد مدير التربية في المفرق")
    _assert_clean(art.text)
    assert art.title == "معلمون يعتصمون أمام مديرية التربية في المفرق للمطالبة بصرف العلاوات"
    assert art.outlet == "شبكة البادية الإخبارية"
    assert art.published is None and art.published_source is None
    assert art.url is None


def test_html_page_without_article_text_is_one_clear_error() -> None:
    with pytest.raises(InputError, match=r"^\[E140\] menu-only\.html: ") as info:
        article_from_html(MENU.read_bytes(), "menu-only.html")
    _assert_one_line(info.value, "menu-only.html")


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"", "E101"), (b"  \n ", "E101"), (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "E102")],
)
def test_html_empty_or_binary_input(data: bytes, code: str) -> None:
    with pytest.raises(InputError, match=code) as info:
        article_from_html(data, "page.html")
    _assert_one_line(info.value, "page.html")


def test_html_falls_back_to_paragraphs(monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    monkeypatch.setattr(trafilatura, "extract", lambda *a, **k: None)
    art = article_from_html(MINISTER.read_bytes(), "m")
    assert art.text.startswith(MINISTER_FIRST)
    assert len(art.text.split("\n\n")) == 5  # the related link and the footer are left out
    _assert_clean(art.text)


def test_html_outlet_falls_back_to_the_host() -> None:
    page = (
        "<html><head><title>عنوان الخبر</title></head><body><article>"
        "<p>قال رئيس البلدية إن أعمال الصيانة في الشارع الرئيسي ستنتهي خلال أسبوعين.</p>"
        "</article></body></html>"
    )
    art = article_from_html(page, "p", url="https://www.madina.example/a/1")
    assert art.outlet == "madina.example"
    assert art.title == "عنوان الخبر"
    assert art.text == "قال رئيس البلدية إن أعمال الصيانة في الشارع الرئيسي ستنتهي خلال أسبوعين."


# -- feeds -------------------------------------------------------------------------------


def test_rss_feed_with_a_saved_page_beside_it() -> None:
    records = list(iter_feed(RSS.read_bytes(), "rss.xml", page=pages_beside(str(RSS))))
    assert [type(r) for r in records] == [Article, Article, BadRecord]
    page, summary, bad = records
    assert isinstance(page, Article) and isinstance(summary, Article)
    assert isinstance(bad, BadRecord)

    # 1: the text comes from water-station.html, found by its canonical link
    assert page.text.startswith("افتتح وزير المياه والري طارق الحمود صباح الاثنين")
    assert len(page.text.split("\n\n")) == 3
    _assert_clean(page.text)
    assert page.title == "افتتاح محطة لتحلية المياه في العقبة بطاقة عشرة آلاف متر مكعب يومياً"
    assert page.published == "2024-05-13T09:00:00+03:00"  # the page has none: the feed's
    assert page.published_source == "metadata"
    assert page.url == "https://www.alsahil-news.example/local/2024/05/water-station-opening"
    assert page.outlet == "الساحل نيوز"
    assert page.source == "rss.xml#1"

    # 2: the HTML description, its paragraphs kept, the related link dropped
    paragraphs = summary.text.split("\n\n")
    assert len(paragraphs) == 2
    assert paragraphs[0].startswith("نظم عشرات من سائقي حافلات النقل العام في الكرك")
    assert "<p>" not in summary.text and "اقرأ أيضاً" not in summary.text
    assert summary.title == "وقفة احتجاجية لسائقي الحافلات في الكرك"
    assert summary.published == "2024-05-15T00:30:00+03:00"  # the feed's offset, not UTC
    assert summary.url == "https://www.alsahil-news.example/local/2024/05/karak-drivers-protest"
    assert summary.outlet == "الساحل نيوز"

    # 3: a title and a link, nothing to read
    assert bad.source == "rss.xml#3"
    assert bad.error.startswith("[E142] rss.xml#3: ")
    _assert_one_line(bad, "rss.xml#3")


def test_rss_feed_without_pages_uses_the_summaries() -> None:
    records = list(iter_feed(RSS.read_bytes(), "rss.xml"))
    first = records[0]
    assert isinstance(first, Article)
    assert first.text == "افتتح وزير المياه محطة جديدة لتحلية المياه في العقبة."
    assert first.title == "افتتاح محطة لتحلية المياه في العقبة"
    assert first.url == "https://www.alsahil-news.example/local/2024/05/water-station-opening"
    assert sum(isinstance(r, BadRecord) for r in records) == 1


def test_atom_feed() -> None:
    records = list(iter_feed(ATOM.read_bytes(), "atom.xml"))
    assert len(records) == 2 and all(isinstance(r, Article) for r in records)
    meeting, schools = records
    assert isinstance(meeting, Article) and isinstance(schools, Article)
    assert meeting.text.split("\n\n") == [
        "التقى رئيس الوزراء في دار الرئاسة وفداً من غرفة تجارة معان، واستمع إلى مطالبهم "
        "المتعلقة بتخفيض كلف الطاقة على المصانع الصغيرة.",
        "ووعد رئيس الوزراء بدراسة إعفاء المناطق الصناعية في الجنوب من بعض الرسوم خلال "
        "الربع الأخير من العام.",
    ]
    assert meeting.published == "2024-06-01T14:20:00+03:00"  # published, not updated
    assert meeting.url == "https://aljanoub.example/news/1201"
    assert meeting.outlet == "وكالة الجنوب للأنباء"
    assert schools.published == "2024-06-02"  # only <updated>, a date
    assert schools.title == "تعليق الدوام في مدارس الطفيلة بسبب الأحوال الجوية"
    assert schools.text.startswith("قررت مديرية التربية في الطفيلة")


def test_rss_date_in_utc_is_kept() -> None:
    feed = (
        '<rss version="2.0"><channel><title>موقع</title><item><title>خبر</title>'
        "<description>نص الخبر عن افتتاح المعرض.</description>"
        "<pubDate>Sun, 02 Jun 2024 21:30:00 GMT</pubDate></item></channel></rss>"
    ).encode()
    (art,) = iter_feed(feed, "f.xml")
    assert isinstance(art, Article)
    assert art.published == "2024-06-02T21:30:00+00:00"


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("malformed-feed.xml", MALFORMED.read_bytes(), "E141"),
        ("menu-only.html", MENU.read_bytes(), "E141"),
        ("empty.xml", b"", "E101"),
    ],
)
def test_not_a_feed_is_one_clear_error(name: str, data: bytes, code: str) -> None:
    with pytest.raises(InputError, match=rf"^\[{code}\] {name}: ") as info:
        iter_feed(data, name)  # refused before the first record is asked for
    _assert_one_line(info.value, name)


def test_feed_bytes_that_look_like_a_url_are_not_fetched() -> None:
    with pytest.raises(InputError, match="E141"):
        iter_feed(b"https://feeds.example/rss.xml", "url.txt")


def test_bozo_feed_with_entries_yields_them() -> None:
    feed = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>موقع</title>'
        "<item><title>الخبر الأول</title><description>بدأت أعمال صيانة الجسر صباح اليوم."
        "</description></item><item><title>الخبر الثاني & الأخير</title>"
    ).encode()
    records = list(iter_feed(feed, "cut.xml"))
    assert isinstance(records[0], Article)
    assert records[0].text == "بدأت أعمال صيانة الجسر صباح اليوم."


def test_feed_page_that_has_no_text_falls_back_to_the_summary() -> None:
    menu = MENU.read_bytes()
    records = list(iter_feed(RSS.read_bytes(), "rss.xml", page=lambda link: menu))
    first, second, third = records
    assert isinstance(first, Article)
    assert first.text == "افتتح وزير المياه محطة جديدة لتحلية المياه في العقبة."
    assert first.outlet == "الساحل نيوز"
    assert isinstance(second, Article)
    assert isinstance(third, BadRecord)  # no summary either: the page's error
    assert third.error.startswith("[E140] rss.xml#3: ")


def test_pages_beside_matches_by_url_and_by_name(tmp_path: Path) -> None:
    (tmp_path / "feed.xml").write_bytes(b"")
    (tmp_path / "bridge-repairs.html").write_bytes(b"<html>bridge</html>")
    (tmp_path / "saved-1.htm").write_text(
        '<html><head><link rel="canonical" href="https://www.site.example/ar/news/77/">'
        "</head><body>77</body></html>",
        encoding="utf-8",
    )
    (tmp_path / "notes.txt").write_bytes(b"not a page")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "deep.html").write_bytes(b"<html>deep</html>")
    page = pages_beside(str(tmp_path / "feed.xml"))
    assert page("https://site.example/ar/news/77") == (tmp_path / "saved-1.htm").read_bytes()
    assert page("http://www.site.example/ar/news/77/#top") is not None
    assert page("https://x.example/local/bridge-repairs") == b"<html>bridge</html>"
    assert page("https://x.example/local/bridge-repairs.html") == b"<html>bridge</html>"
    assert page("https://x.example/saved-1") is not None
    assert page("https://x.example/deep") is None  # not recursive
    assert page("https://x.example/notes") is None
    assert page("https://x.example/") is None


def test_link_names() -> None:
    assert link_names("https://x.example/a/%D8%AE%D8%A8%D8%B1.html") == ["خبر.html", "خبر"]
    assert link_names("https://x.example/a/b/") == ["b"]
    assert link_names("https://x.example/") == []


# -- web archives ------------------------------------------------------------------------

WARC_DATE = "2024-03-12T10:15:00Z"


def _response(
    w: WARCWriter, url: str, body: bytes, *, status: str = "200 OK", ctype: str = "text/html"
) -> None:
    http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
    record = w.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        length=len(body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": WARC_DATE},
    )
    w.write_record(record)


def _warc(gz: bool) -> bytes:
    """An archive: a request, two article pages, a 404, an image and a section page."""
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=gz)
    request = StatusAndHeaders(
        "GET /local/2024/03/health-minister-zarqa HTTP/1.1",
        [("Host", "www.alsahil-news.example")],
        is_http_request=True,
    )
    w.write_record(
        w.create_warc_record(
            MINISTER_URL, "request", payload=io.BytesIO(b""), length=0, http_headers=request
        )
    )
    _response(w, MINISTER_URL, MINISTER.read_bytes(), ctype="text/html; charset=utf-8")
    _response(w, "https://www.alsahil-news.example/old", b"<html>Not Found</html>", status="404")
    _response(
        w, "https://www.alsahil-news.example/logo.png", b"\x89PNG\r\n\x1a\n", ctype="image/png"
    )
    _response(
        w,
        "https://alwadi.example/news/5",
        COUNCIL.read_bytes(),
        ctype="text/html; charset=windows-1256",
    )
    _response(
        w,
        "https://www.alsahil-news.example/local",
        MENU.read_bytes(),
        ctype="application/xhtml+xml",
    )
    return buf.getvalue()


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_warc_reads_html_responses_only(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(_warc(gz))
    with path.open("rb") as f:
        records = list(iter_warc(f, path.name))
    assert [type(r) for r in records] == [Article, Article, BadRecord]
    minister, council, menu = records
    assert isinstance(minister, Article) and isinstance(council, Article)
    assert isinstance(menu, BadRecord)
    assert minister.url == MINISTER_URL
    assert minister.fetched == WARC_DATE
    assert minister.title == MINISTER_TITLE
    assert minister.published == "2024-03-12T09:40:00+03:00"
    assert minister.outlet == "الساحل نيوز"
    assert minister.source == f"{path.name}#{MINISTER_URL}"
    assert minister.text.startswith(MINISTER_FIRST)
    _assert_clean(minister.text)
    assert council.url == "https://alwadi.example/news/5"  # the archived URL, not canonical
    assert council.text.startswith(COUNCIL_FIRST)
    assert menu.source == f"{path.name}#https://www.alsahil-news.example/local"
    assert menu.error.startswith(f"[E140] {path.name}#https://www.alsahil-news.example/local: ")
    _assert_one_line(menu, path.name)


@pytest.mark.parametrize("keep", [0.6, 0.8, -40])
def test_warc_truncated_gz_ends_with_one_bad_record(tmp_path: Path, keep: float) -> None:
    data = _warc(True)
    cut = int(len(data) * keep) if keep > 0 else len(data) + int(keep)
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[:cut])
    with path.open("rb") as f:
        records = list(iter_warc(f, path.name))
    *good, last = records
    assert isinstance(last, BadRecord)
    assert last.source == "cut.warc.gz"
    assert last.error.startswith("[E143] cut.warc.gz: the WARC archive is truncated")
    _assert_one_line(last, "cut.warc.gz")
    assert good and isinstance(good[0], Article) and good[0].url == MINISTER_URL
    assert not any(isinstance(r, BadRecord) and "E143" in r.error for r in good)


def test_warc_cut_inside_a_record_header_is_reported() -> None:
    data = _warc(False)
    start = data.index(b"WARC/1.0", data.index(b"WARC-Type: response") + 1)
    head = data[: data.index(b"WARC-Target-URI", start) + 20]  # a header without its length
    records = list(iter_warc(io.BytesIO(head), "cut.warc"))
    assert isinstance(records[-1], BadRecord) and "E143" in records[-1].error
    assert isinstance(records[0], Article)


@pytest.mark.parametrize(
    "data",
    [b"", b"plain words, not an archive\n\n", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, b"WARC/1.0\r\n"],
    ids=["empty", "text", "png", "first-record-cut"],
)
def test_not_a_warc_is_one_clear_error(data: bytes) -> None:
    with pytest.raises(InputError, match=r"^\[E144\] notes\.warc: ") as info:
        iter_warc(io.BytesIO(data), "notes.warc")
    _assert_one_line(info.value, "notes.warc")


def test_warc_page_body_that_cannot_be_decoded(monkeypatch: pytest.MonkeyPatch) -> None:
    import zlib

    from warcio.recordloader import ArcWarcRecord

    def broken(self: ArcWarcRecord) -> None:
        raise zlib.error("invalid stored block lengths")

    monkeypatch.setattr(ArcWarcRecord, "content_stream", broken)
    records = list(iter_warc(io.BytesIO(_warc(True)), "a.warc.gz"))
    assert len(records) == 3 and all(isinstance(r, BadRecord) for r in records)
    assert records[0].source == f"a.warc.gz#{MINISTER_URL}"
    assert all(isinstance(r, BadRecord) and r.error.startswith("[E146]") for r in records)
