"""The load script's short mode (issue 20): concurrent sessions mixing suggest, review (PDF and DOCX) and polish
through the UI's API on 127.0.0.1, for a few seconds; every request answered, review verdicts equal to a direct
`review_file`. Timings and memory are printed by `python evals/load.py`, not asserted.
"""
from __future__ import annotations

import importlib.util
import os
import sys

import pytest
from conftest import REPO

from assistant.review import review_file

pytestmark = pytest.mark.integration

SESSIONS = 6
SECONDS = 20.0  # how long the sessions keep sending; each then finishes what it sent
GRACE = 120.0  # a bound so the test always stops, not a performance target


def _load_module():
    spec = importlib.util.spec_from_file_location("evals_load", REPO / "evals" / "load.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


load = _load_module()


@pytest.fixture
def app_url(real_ctx):
    from assistant.ui.app import launch_local

    demo, url = launch_local(real_ctx)
    try:
        yield url
    finally:
        demo.close()


def test_every_action_the_load_script_drives_is_published(app_url):
    client = load._client(app_url)
    try:
        endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    finally:
        client.close()
    assert {"/suggest", load.API_NAME, "/polish"} <= set(endpoints)


def test_the_load_script_only_talks_to_localhost():
    with pytest.raises(ValueError, match="127.0.0.1"):
        load._client("http://example.org:7860/")


def test_short_mixed_load_is_answered_without_errors_and_consistently(real_ctx, app_url, tmp_path):
    work = load.make_workload(tmp_path, n_docs=4)
    assert work.pdfs and work.docxs and work.cases and work.scenarios
    expected = {p: load.direct_answer(review_file(real_ctx, p)) for p in work.pdfs + work.docxs}
    assert len({a.statuses for a in expected.values()}) >= 2, "the documents differ in their verdicts"
    load.warm_up(app_url, work)

    report = load.run_load(app_url, work, SESSIONS, SECONDS, os.getpid(), GRACE, expected=expected)

    assert not report.errors, [(s.action, s.error) for s in report.errors]
    assert not report.wrong, report.wrong
    assert {s.action for s in report.samples} == set(load.ACTIONS)
    assert report.ok and report.rss_start_mb > 0 and report.rss_peak_mb >= report.rss_end_mb
    assert "p95" in load.table(report)
