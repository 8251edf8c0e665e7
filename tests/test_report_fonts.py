"""The plan renderer reuses one font configuration per thread (a new one per render leaked
about 250 KB a plan in long-lived workers)."""

from __future__ import annotations

import threading
from pathlib import Path

from assessment.report import pdf as report


class FakeHTML:
    configurations: list[object] = []
    stylesheets: list[object] = []

    def __init__(self, **_kwargs: object) -> None:
        pass

    def write_pdf(self, font_config: object = None, stylesheets: tuple[object, ...] = (),
                  **_options: object) -> bytes:
        FakeHTML.configurations.append(font_config)
        FakeHTML.stylesheets.extend(stylesheets)
        return b"%PDF-fake"


def static_folder(tmp_path: Path) -> Path:
    (tmp_path / "css").mkdir()
    (tmp_path / report.STYLESHEET).write_text("p { color: black }")
    return tmp_path


def test_renders_in_one_thread_share_a_font_configuration(monkeypatch, tmp_path):
    monkeypatch.setattr(report, "_PrintedHTML", FakeHTML)
    FakeHTML.configurations, FakeHTML.stylesheets = [], []
    static = static_folder(tmp_path)
    report.render_pdf("<p>one</p>", static)
    report.render_pdf("<p>two</p>", static)
    first, second = FakeHTML.configurations
    assert first is not None and first is second
    one, two = FakeHTML.stylesheets  # parsed once, for that font configuration
    assert one is two


def test_each_thread_gets_its_own_font_configuration(monkeypatch, tmp_path):
    monkeypatch.setattr(report, "_PrintedHTML", FakeHTML)
    FakeHTML.configurations, FakeHTML.stylesheets = [], []
    static = static_folder(tmp_path)
    report.render_pdf("<p>main</p>", static)
    worker = threading.Thread(target=report.render_pdf, args=("<p>worker</p>", static))
    worker.start()
    worker.join()
    main, other = FakeHTML.configurations
    assert main is not other
    main_css, other_css = FakeHTML.stylesheets
    assert main_css is not other_css
