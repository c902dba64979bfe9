"""A short, bounded load test (issue 10): concurrent review requests through the UI's API on 127.0.0.1, all
answered with the same verdicts a direct `review_file` gives. Timings are printed by evals/load.py, not asserted.
"""
from __future__ import annotations

import importlib.util
import sys

import pytest
from conftest import REPO

from assistant.review import review_file

pytestmark = pytest.mark.integration

N = 8
CONCURRENCY = 4
TOTAL_TIMEOUT = 120.0  # a bound so the test always stops, not a performance target


def _load_module():
    spec = importlib.util.spec_from_file_location("evals_load", REPO / "evals" / "load.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


load = _load_module()


@pytest.fixture
def app_url(real_ctx):
    demo, url = load.launch(real_ctx)
    try:
        yield url
    finally:
        demo.close()


def test_the_review_endpoint_is_published(app_url):
    from gradio_client import Client

    client = Client(app_url, verbose=False, download_files=False, analytics_enabled=False)
    try:
        assert load.API_NAME in client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    finally:
        client.close()


def test_concurrent_reviews_through_the_ui_api_are_all_answered_correctly(real_ctx, app_url, tmp_path):
    paths = load.make_documents(tmp_path, N)
    assert {p.suffix for p in paths} == {".docx", ".pdf"}
    expected = {p: load.direct_answer(review_file(real_ctx, p)) for p in paths}
    assert len({tuple(a.statuses) for a in expected.values()}) >= 4, "the documents cover different requirements"
    assert all(len(a.statuses) == 5 for a in expected.values())

    report = load.check(load.run_load(app_url, paths, CONCURRENCY, TOTAL_TIMEOUT), expected)

    assert not report.errors, [(o.path.name, o.error) for o in report.errors]
    assert all(o.answer is not None for o in report.outcomes)
    assert not report.wrong, report.wrong
    assert report.ok
