"""Batch review (issue 16): a mixed folder with a broken file, the summary read back, reports per submission."""
from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, HashEmbedder, make_settings

from assistant.context import Context
from assistant.evaluation.badpdf import write_pdf
from assistant.evaluation.docgen import make_document
from assistant.review.batch import HEADERS, collect_paths, review_batch, write_summary

GOOD = [
    {"heading": "一、标准群应用情况", "paragraphs": [
        "甲机械股份有限公司以国家标准GB/T 39116—2020为核心，已在焊装产线应用，生产效率提升18%。"]},
    {"heading": "二、推广应用", "paragraphs": ["2023年共举办宣贯培训5场，累计培训上下游中小企业技术人员260人次。"]},
]


def mixed_folder(root: Path) -> Path:
    folder = root / "submissions"
    (folder / "sub").mkdir(parents=True)
    make_document(folder / "a.docx", GOOD, title="申报方向：智能工厂建设应用类")
    make_document(folder / "sub" / "b.pdf", GOOD, title="乙电子有限公司试点总结")
    write_pdf(folder / "c-nul.pdf", [["一、标准群应用情况", GOOD[0]["paragraphs"][0]]], "nul")
    write_pdf(folder / "d-cid.pdf", [["一、标准群应用情况", GOOD[0]["paragraphs"][0]]], "cid")
    (folder / "e-broken.pdf").write_bytes(b"%PDF-1.4\nthis is not really a pdf")
    (folder / "notes.xyz").write_text("ignored: not a submission type", encoding="utf-8")
    (folder / ".hidden.md").write_text("# 隐藏文件\n", encoding="utf-8")
    return folder


def test_collect_paths(tmp_path: Path) -> None:
    folder = mixed_folder(tmp_path)
    names = [p.name for p in collect_paths([folder, folder / "a.docx"])]
    assert names == ["a.docx", "c-nul.pdf", "d-cid.pdf", "e-broken.pdf", "b.pdf"]


def test_batch_rows_and_summaries(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    ctx = Context(make_settings(tmp_path / "data"), _embedder=HashEmbedder())
    folder = mixed_folder(tmp_path)
    seen = []
    rows = review_batch(ctx, [folder], out_dir=tmp_path / "reports", workers=1, report_format="md",
                        progress=lambda done, total, name: seen.append((done, total)))
    by = {r.file: r for r in rows}
    assert seen[-1] == (5, 5)
    assert by["a.docx"].verdicts[1] == "covered" and by["a.docx"].direction == "智能工厂建设应用类"
    assert by["a.docx"].company == "甲机械股份有限公司"
    assert by["c-nul.pdf"].verdicts[1] == "covered" and not by["c-nul.pdf"].unreadable_pages
    assert set(by["d-cid.pdf"].verdicts.values()) == {"unreadable"} and by["d-cid.pdf"].unreadable_pages == "1"
    assert "损坏" in by["e-broken.pdf"].error and not by["e-broken.pdf"].verdicts
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == [
        "a.评审报告.md", "b.评审报告.md", "c-nul.评审报告.md", "d-cid.评审报告.md"]

    ws = load_workbook(write_summary(rows, tmp_path / "s.xlsx")).active
    values = list(ws.iter_rows(values_only=True))
    assert list(values[0]) == HEADERS and len(values) == 6
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:M6"
    first = dict(zip(HEADERS, values[1]))
    assert first["文件"] == "a.docx" and first["要求1 标准群应用情况"] == "已覆盖"
    broken = dict(zip(HEADERS, values[4]))
    assert broken["文件"] == "e-broken.pdf" and "损坏" in broken["错误"]
    with (write_summary(rows, tmp_path / "s.csv")).open(encoding="utf-8-sig") as fh:
        table = list(csv.reader(fh))
    assert table[0] == HEADERS and [r[0] for r in table[1:]] == [r.file for r in rows]
    md = write_summary(rows, tmp_path / "s.md").read_text(encoding="utf-8")
    assert md.count("\n|") == 7 and "无法判断" in md


def test_time_budget_stops_one_file_not_the_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    import assistant.review.pipeline as pipeline

    ctx = Context(make_settings(tmp_path / "data"), _embedder=HashEmbedder())
    folder = tmp_path / "two"
    folder.mkdir()
    make_document(folder / "a-slow.md", GOOD)
    make_document(folder / "b-fast.md", GOOD)
    real = pipeline.review_document

    def slow_for_a(ctx, doc, stage="acceptance"):
        if "a-slow" in doc.source:
            time.sleep(5)
        return real(ctx, doc, stage)

    monkeypatch.setattr(pipeline, "review_document", slow_for_a)
    rows = review_batch(ctx, [folder], workers=1, budget_s=1)
    assert "时限" in rows[0].error and rows[0].seconds < 3
    assert rows[1].error == "" and rows[1].verdicts[1] == "covered"


@pytest.mark.integration
def test_cli_batch_on_a_mixed_folder(tmp_path: Path) -> None:
    """The done-when command: real model, two worker processes, one broken file."""
    from openpyxl import load_workbook

    folder = mixed_folder(tmp_path)
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(tmp_path / "data"), "HF_HUB_OFFLINE": "1", "ASSISTANT_LLM": "none"}
    run = subprocess.run([sys.executable, "-m", "assistant", "review", str(folder), "--summary", str(tmp_path / "s.xlsx"),
                          "--out", str(tmp_path / "reports"), "--workers", "2"], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr and "1 份材料未能评审" in run.stderr
    assert "e-broken.pdf" in run.stdout and "共 5 份材料，评审完成 4 份，失败 1 份" in run.stdout
    rows = list(load_workbook(tmp_path / "s.xlsx").active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["a.docx", "c-nul.pdf", "d-cid.pdf", "e-broken.pdf", "b.pdf"]
    assert len(list((tmp_path / "reports").glob("*.docx"))) == 4
    bad = subprocess.run([sys.executable, "-m", "assistant", "review", str(folder), "--summary", str(tmp_path / "s.pdf")],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0 and "汇总表只能写成" in bad.stderr
