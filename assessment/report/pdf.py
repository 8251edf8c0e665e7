"""The improvement plan PDF: plain data from an assessment, rendered from templates/report/.

WeasyPrint may read only files under static/ (our print stylesheet and the Public Sans fonts);
every other URL, on the network or on disk, is refused. The stylesheet is not linked from the
HTML: each thread parses it once and gives it to every render. A rendered plan is cached under the
hash of its HTML and stylesheet, so a repeat download with nothing changed skips WeasyPrint.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import logging
import mimetypes
import re
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit
from urllib.request import url2pathname

import weasyprint
from flask import current_app, render_template
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from assessment.report import render_queue
from assessment.report.cache import plan_cache_for
from assessment.report.plan_data import Plan
from assessment.report.plan_source import plan_context
from assessment.store.models import Assessment

_thread_state = threading.local()

PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}  # tagged, with title and language: Section 508
STYLESHEET = "css/report.css"  # under static/; render_pdf applies it
# Bump to drop every cached plan when rendering changes in a way the HTML does not show.
RENDERER_VERSION = "3"  # 2: the trimmed default stylesheet; 3: the stylesheet not linked

log = logging.getLogger(__name__)


class StaticFilesOnly(URLFetcher):
    """A WeasyPrint URL fetcher that serves files under one folder and refuses anything else."""

    def __init__(self, folder: str | Path) -> None:
        super().__init__(allowed_protocols=("file",))
        self.folder = Path(folder).resolve()

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        path = self.path_for(url)
        if path is None:
            log.warning("The plan asked for %s, which is outside static/; refused.", url[:200])
            raise ValueError(f"refused: {url[:200]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    def path_for(self, url: str) -> Path | None:
        """The file a URL names, if it is a file under the folder; otherwise None."""
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return None
        path = Path(url2pathname(parts.path)).resolve()  # resolves "..", and symlinks too
        return path if path.is_relative_to(self.folder) and path.is_file() else None


def render_plan_html(plan: Plan) -> str:
    return without_space_by_blocks(render_template("report/plan.html", plan=plan))


# Tags that start or end a block (or a table part, or an SVG shape) in our PDFs. White space
# next to them prints nothing, yet WeasyPrint makes a text box for each run of it: 1,800 in the
# demo plan, from the templates' indentation.
_BLOCK_TAGS = frozenset((
    "html head body meta title link section article div p h1 h2 h3 h4 h5 h6 ul ol li dl dt dd "
    "table caption thead tbody tr th td figure figcaption svg g line rect text").split())
_SPACE_BETWEEN_TAGS = re.compile(
    r"(</?([a-zA-Z][a-zA-Z0-9]*)[^<>]*>)\s+(?=</?([a-zA-Z][a-zA-Z0-9]*))")


def without_space_by_blocks(html: str) -> str:
    """The HTML without the white space between two tags when either starts or ends a block."""
    def gap(match: re.Match[str]) -> str:
        if match[2].lower() in _BLOCK_TAGS or match[3].lower() in _BLOCK_TAGS:
            return match[1]
        return match[0]
    return _SPACE_BETWEEN_TAGS.sub(gap, html)


def render_pdf(html: str, static_folder: str | Path) -> bytes:
    """Lay out the plan's HTML as a tagged PDF (PDF/UA-1). This is the slow step."""
    folder = Path(static_folder).resolve()
    with collector_paused():
        fetcher = StaticFilesOnly(folder)
        fonts = _font_configuration()
        document = _PrintedHTML(string=html, base_url=folder.as_uri() + "/", url_fetcher=fetcher)
        return document.write_pdf(font_config=fonts, stylesheets=[_stylesheet(folder, fetcher)],
                                  **PDF_OPTIONS)


def _stylesheet(folder: Path, fetcher: StaticFilesOnly) -> weasyprint.CSS:
    """static/css/report.css, parsed once per thread (with its thread's font configuration, which
    its @font-face rules go into) and again only when the file changes. Parsing it for each render
    took 2% of the render. It is the only stylesheet of our PDFs besides WeasyPrint's default one,
    so that WeasyPrint counts it a user's stylesheet and not an author's makes no difference."""
    path = folder / STYLESHEET
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    kept = getattr(_thread_state, "stylesheet", None)
    if kept is None or kept[0] != key:
        css = weasyprint.CSS(string=path.read_text(encoding="utf-8"), base_url=path.as_uri(),
                             url_fetcher=fetcher, font_config=_font_configuration())
        kept = _thread_state.stylesheet = (key, css)
    return cast(weasyprint.CSS, kept[1])


# Rules of WeasyPrint's default stylesheet for HTML that our PDFs never use, and what each
# becomes. WeasyPrint matches every rule against every element: the footnote and note rules
# alone gave each element five pseudo-element styles (7,000 in the demo plan) and each page a
# note area to lay out. Our PDFs have no footnotes, notes or form fields, and only <li> makes a
# list marker. A rule that a later WeasyPrint words differently is simply kept. (A margin box
# that report.css fills one day needs its own text-align and vertical-align.)
_UNUSED_DEFAULT_RULES = (
    (re.compile(r"^::(?:footnote|note)-(?:call|marker|callback) \{[^}]*\}\n", re.M), ""),
    (re.compile(r"^ *@note-area *\{ *content: element\(note, all-once\) *\}\n", re.M), ""),
    (re.compile(r"^::marker \{", re.M), "li::marker {"),
    (re.compile(r"^/\* Form fields \*/\n.*?(?=^/\* )", re.M | re.S), ""),
    # Of the page's margin boxes our stylesheet fills only @bottom-left and @bottom-right. Each
    # page has a page type of its own, so each page computed the styles of all 16 boxes.
    (re.compile(r"^ *@(?:footnote|top-[a-z-]+|left-[a-z]+|right-[a-z]+|bottom-center"
                r"|bottom-(?:left|right)-corner) *\{[^}]*\}\n", re.M), ""),
)


def _trimmed_default_stylesheet() -> weasyprint.CSS | None:
    """WeasyPrint's default stylesheet for HTML without the rules above; None to keep it whole
    (a WeasyPrint that does not ship it as we expect)."""
    try:
        from weasyprint.css.counters import CounterStyle
        from weasyprint.html import UA
    except ImportError:
        return None
    trimmed = UA
    for rule, replacement in _UNUSED_DEFAULT_RULES:
        trimmed = rule.sub(replacement, trimmed)
    # Its @counter-style rules are already in WeasyPrint's own counter styles: parse them aside.
    return weasyprint.CSS(string=trimmed, counter_style=CounterStyle())


class _PrintedHTML(weasyprint.HTML):
    """An HTML document that WeasyPrint styles with the trimmed default stylesheet."""

    default_stylesheet = _trimmed_default_stylesheet()

    def _ua_stylesheets(self, forms: bool = False) -> list[weasyprint.CSS]:
        default = super()._ua_stylesheets(forms)
        if self.default_stylesheet is None or forms:
            return cast(list[weasyprint.CSS], default)
        return [self.default_stylesheet]


_renders_under_way = 0
_collector_was_on = True
_collector_lock = threading.Lock()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a plan renders. A render makes some hundreds of
    thousands of short-lived objects, and each of the full collections they set off walks every
    object in the process: a quarter of the render's CPU time (demo plan: 1.54 s -> 1.13 s).
    Reference counting still frees most objects as the render goes; the rest are collected as
    usual once no render is under way."""
    global _renders_under_way, _collector_was_on
    with _collector_lock:
        if _renders_under_way == 0:
            _collector_was_on = gc.isenabled()
        _renders_under_way += 1
        gc.disable()
    try:
        yield
    finally:
        with _collector_lock:
            _renders_under_way -= 1
            if _renders_under_way == 0 and _collector_was_on:
                gc.enable()


def _font_configuration() -> FontConfiguration:
    """One font configuration per thread, reused by every render.

    A new one per render (WeasyPrint's default) kept about 250 KB per plan alive for good:
    a worker grew by 48 MB over 200 plans. Reused, it stays flat after the first render.
    """
    fonts = getattr(_thread_state, "fonts", None)
    if fonts is None:
        fonts = _thread_state.fonts = FontConfiguration()
    return fonts


def plan_pdf(assessment: Assessment) -> bytes:
    """The plan as PDF bytes: from the cache when nothing it prints has changed, after waiting
    for a render of it already under way (report/render_queue.py)."""
    html, key, static_folder = _plan_html_and_key(assessment)
    return render_queue.cached_or_rendered(key, lambda: render_pdf(html, static_folder),
                                           assessment.id)


def kept_pdf(html: str, static_folder: str) -> bytes:
    """A PDF from the plan cache when the same HTML was rendered before (a portfolio's
    summary, an organization's copy of a plan), else rendered and kept."""
    cache = plan_cache_for(current_app.config)
    return render_queue.rendered_and_kept(cache, cache_key(html, static_folder),
                                          lambda: render_pdf(html, static_folder))


def render_plan_ahead(assessment: Assessment) -> None:
    """Put the plan in the cache (the job run when an assessment is finished)."""
    html, key, static_folder = _plan_html_and_key(assessment)
    render_queue.render_into_cache(key, lambda: render_pdf(html, static_folder))


def _plan_html_and_key(assessment: Assessment) -> tuple[str, str, str]:
    html = render_plan_html(plan_context(assessment))
    static_folder = cast(str, current_app.static_folder)  # always set by create_app
    return html, cache_key(html, static_folder), static_folder


def cache_key(html: str, static_folder: str | Path) -> str:
    """A hash of all that makes the PDF: the HTML (answers, notes, targets, actions, team,
    questionnaire version, earlier scores…), the stylesheet, its fonts and the renderer."""
    digest = hashlib.sha256()
    for part in (RENDERER_VERSION, weasyprint.__version__, repr(sorted(PDF_OPTIONS.items())),
                 html):
        digest.update(part.encode())
        digest.update(b"\0")
    stylesheet = Path(static_folder) / STYLESHEET
    css = stylesheet.read_bytes()
    digest.update(css)
    for url in sorted(set(re.findall(rb"url\(\s*[\"']?([^\"')]+)", css))):
        font = (stylesheet.parent / url.decode()).resolve()
        stat = font.stat() if font.is_file() else None
        digest.update(f"{font}:{stat and stat.st_size}:{stat and stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def download_name(team_service: str, date: dt.date, what: str) -> str:
    """A file name with the service and the date: passport-services-2026-11-12-<what>."""
    ascii_name = unicodedata.normalize("NFKD", team_service).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-")
    return f"{slug or 'assessment'}-{date:%Y-%m-%d}-{what}"


def plan_date(assessment: Assessment) -> dt.date:
    """The date a plan or a download carries: the date the assessment goes by."""
    return assessment.dated.on.date()
