"""The plan renderer reuses one font configuration per thread (a new one per render leaked
about 250 KB a plan in long-lived workers)."""

from __future__ import annotations

import threading

from assessment.report import pdf as report


class FakeHTML:
    configurations: list[object] = []

    def __init__(self, **_kwargs: object) -> None:
        pass

    def write_pdf(self, font_config: object = None, **_options: object) -> bytes:
        FakeHTML.configurations.append(font_config)
        return b"%PDF-fake"


def test_renders_in_one_thread_share_a_font_configuration(monkeypatch, tmp_path):
    monkeypatch.setattr(report, "_PrintedHTML", FakeHTML)
    FakeHTML.configurations = []
    report.render_pdf("<p>one</p>", tmp_path)
    report.render_pdf("<p>two</p>", tmp_path)
    first, second = FakeHTML.configurations
    assert first is not None and first is second


def test_each_thread_gets_its_own_font_configuration(monkeypatch, tmp_path):
    monkeypatch.setattr(report, "_PrintedHTML", FakeHTML)
    FakeHTML.configurations = []
    report.render_pdf("<p>main</p>", tmp_path)
    worker = threading.Thread(target=report.render_pdf, args=("<p>worker</p>", tmp_path))
    worker.start()
    worker.join()
    main, other = FakeHTML.configurations
    assert main is not other
