"""Issue 10, bad inputs on the CLI: one test per kind. Each is refused with exit 2 and one stderr line naming the
file and the problem (never a traceback, never a half-written output); the encodings and the empty-password PDF
succeed; an unreachable LLM falls back to the offline composer with a notice. Real model, real_ctx's index.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
from pathlib import Path

import pytest
from test_cli import assert_one_line_error, run_cli

from assistant.evaluation import load_cases
from assistant.evaluation.docgen import from_recipe, make_document

pytestmark = pytest.mark.integration

ALL_COVERED = next(c for c in load_cases("review") if c["id"] == "pdf-all-covered")
SCENARIO = "某汽车零部件企业建设数字化车间，开展设备联网与数据采集、MES 与质量追溯，应用智能制造能力成熟度评估相关标准。"


# ---- inputs ----------------------------------------------------------------------------------------------


def two_page_pdf(folder: Path, name: str = "two.pdf") -> Path:
    return make_document(folder / name, [
        {"heading": "一、标准群应用情况", "paragraphs": ["本项目已应用GB/T 39116—2020等标准。"]},
        {"heading": "二、推广情况", "paragraphs": ["已举办宣贯会3场，覆盖中小企业20家。"], "page_break": True},
    ])


def encrypted_pdf(folder: Path, password: str, name: str) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(two_page_pdf(folder, f"plain-{name}")))
    writer.encrypt(user_password=password, owner_password="owner", algorithm="AES-256")
    path = folder / name
    writer.write(path)
    return path


def scanned_pdf(path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    c.rect(50, 50, 400, 600, fill=1)  # a page "image": shapes only, no text layer
    c.circle(300, 700, 40, fill=0)
    c.showPage()
    c.save()
    return path


def good_docx(folder: Path) -> Path:
    return from_recipe({**ALL_COVERED, "format": "docx"}, folder, "good")


def make_bad(kind: str, folder: Path) -> tuple[Path, str]:
    """(path, the words the error line must contain besides the file name) for one bad-input kind."""
    if kind == "too_big":
        path = folder / "huge.pdf"
        with path.open("wb") as fh:  # sparse: 1 TiB on paper, nothing on disk; reading it would never finish
            fh.truncate(1 << 40)
        return path, "文件过大"
    if kind == "too_many_pages":
        return two_page_pdf(folder, "long.pdf"), "页数 2 超过上限 1 页"
    if kind == "encrypted":
        return encrypted_pdf(folder, "x", "locked.pdf"), "PDF 已加密"
    if kind == "scanned":
        return scanned_pdf(folder / "scan.pdf"), "OCR"
    if kind == "docx_named_pdf":
        path = folder / "really-docx.pdf"
        path.write_bytes(good_docx(folder).read_bytes())
        return path, "内容不是 PDF"
    if kind == "pdf_named_docx":
        path = folder / "really-pdf.docx"
        path.write_bytes(two_page_pdf(folder).read_bytes())
        return path, "内容不是 Word"
    if kind == "truncated_pdf":  # a download cut off halfway
        raw = two_page_pdf(folder, "whole.pdf").read_bytes()
        path = folder / "cut.pdf"
        path.write_bytes(raw[: len(raw) // 2])
        return path, "PDF 文件已损坏"
    if kind == "truncated_docx":
        raw = good_docx(folder).read_bytes()
        path = folder / "cut.docx"
        path.write_bytes(raw[: len(raw) // 2])
        return path, "DOCX 文件已损坏"
    if kind == "zip_bomb":  # ~1.5 MB on disk, 1.5 GB unpacked: refused from the zip directory, never inflated
        from assistant.evaluation.hostile import zip_bomb_docx

        return zip_bomb_docx(folder / "bomb.docx", 1500), "解压后过大"
    if kind == "empty":
        path = folder / "empty.docx"
        path.write_bytes(b"")
        return path, "空文件"
    if kind == "unknown_ext":
        path = folder / "notes.xyz"
        path.write_text("一、标准群应用情况\n已应用。", encoding="utf-8")
        return path, "不支持的文件类型"
    if kind == "missing":
        return folder / "nowhere.pdf", "文件不存在"
    if kind == "directory":
        path = folder / "a-folder.pdf"
        path.mkdir()
        return path, "是文件夹"
    raise AssertionError(kind)


ENV = {"too_big": {"ASSISTANT_MAX_FILE_MB": "0.01"}, "too_many_pages": {"ASSISTANT_MAX_PAGES": "1"}}
KINDS = ["too_big", "too_many_pages", "encrypted", "scanned", "docx_named_pdf", "pdf_named_docx", "truncated_pdf",
         "truncated_docx", "zip_bomb", "empty", "unknown_ext", "missing", "directory"]
# `index` takes folders (a folder is valid input there) and skips unsupported files inside them.
INDEX_KINDS = [k for k in KINDS if k != "directory"]


@pytest.fixture(scope="module")
def index_data_dir(real_ctx, tmp_path_factory) -> Path:
    """A copy of real_ctx's data dir: the refused `index` runs must not touch the shared index."""
    data_dir = tmp_path_factory.mktemp("bad-index") / "data"
    shutil.copytree(real_ctx.settings.data_dir, data_dir)
    return data_dir


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def statuses(result: dict) -> dict[int, str]:
    return {r["id"]: r["status"] for r in result["requirements"]}


# ---- one test per bad-input kind, per command ------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_review_refuses_bad_input_with_one_line(real_ctx, tmp_path, kind):
    path, problem = make_bad(kind, tmp_path)
    proc = run_cli("review", str(path), data_dir=real_ctx.settings.data_dir, env=ENV.get(kind))
    assert_one_line_error(proc, 2, path.name, problem)
    assert proc.stdout.strip() == ""


@pytest.mark.parametrize("kind", KINDS)
def test_polish_refuses_bad_input_with_one_line(real_ctx, tmp_path, kind):
    path, problem = make_bad(kind, tmp_path)
    proc = run_cli("polish", str(path), data_dir=real_ctx.settings.data_dir, env=ENV.get(kind))
    assert_one_line_error(proc, 2, path.name, problem)


@pytest.mark.parametrize("kind", INDEX_KINDS)
def test_index_refuses_bad_input_with_one_line(index_data_dir, tmp_path, kind):
    path, problem = make_bad(kind, tmp_path)
    proc = run_cli("index", str(path), data_dir=index_data_dir, env=ENV.get(kind))
    assert_one_line_error(proc, 2, path.name, problem)


def test_index_skips_bad_files_inside_a_folder_without_reading_them(index_data_dir, tmp_path):
    """A named file that is bad stops the run; bad files found in a folder are skipped with one warning each."""
    folder = tmp_path / "docs"
    folder.mkdir()
    path, problem = make_bad("too_big", folder)  # a sparse file far too large to read in the test's time
    good = folder / "good.txt"
    good.write_text("一、推广情况\n已面向中小企业举办标准宣贯会。", encoding="utf-8")
    proc = run_cli("index", "--json", str(folder), data_dir=index_data_dir, env=ENV["too_big"])
    assert proc.returncode == 0, proc.stderr
    warnings = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(warnings) == 1 and path.name in warnings[0] and problem in warnings[0] and "已跳过" in warnings[0]
    assert json.loads(proc.stdout)["embedded"] == 1, "the good file is indexed"


def test_refused_index_runs_leave_the_index_usable(index_data_dir):
    proc = run_cli("index", "--json", data_dir=index_data_dir)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["embedded"] == 0 and report["reused"] == report["chunks"] > 200


# ---- inputs that must succeed ---------------------------------------------------------------------------


def test_pdf_encrypted_with_an_empty_user_password_is_reviewed(real_ctx, tmp_path):
    path = encrypted_pdf(tmp_path, "", "open.pdf")
    proc = run_cli("review", str(path), "--json", data_dir=real_ctx.settings.data_dir)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert any(c["normalized"] == "GB/T 39116—2020" for c in result["citations"])
    assert statuses(result)[1] in ("covered", "partial")


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-16-le"])
def test_text_in_chinese_encodings_is_reviewed_correctly(real_ctx, tmp_path, encoding):
    title = ALL_COVERED["title"] + ("（𠮷祥分公司）" if encoding != "gbk" else "")  # 𠮷: GB18030-only, 4 bytes
    path = make_document(tmp_path / f"{encoding}.txt", ALL_COVERED["sections"], title=title, encoding=encoding)
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    proc = run_cli("review", str(path), "--json", data_dir=real_ctx.settings.data_dir)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    expected = {int(k): v for k, v in ALL_COVERED["expect"]["requirements"].items()}
    assert statuses(result) == expected
    assert sorted(c["normalized"] for c in result["citations"]) == ["GB/T 37393—2019", "GB/T 39116—2020"]
    assert all(c["status"] == "ok" for c in result["citations"])
    quotes = [e["quote"] for r in result["requirements"] for e in r["evidence"]]
    assert quotes and all(any(q in p for s in ALL_COVERED["sections"] for p in s["paragraphs"]) for q in quotes)


def test_gbk_text_is_polished(real_ctx, tmp_path):
    path = make_document(tmp_path / "case.txt", ALL_COVERED["sections"], title=ALL_COVERED["title"], encoding="gbk")
    proc = run_cli("polish", str(path), "--json", data_dir=real_ctx.settings.data_dir)
    assert proc.returncode == 0, proc.stderr
    assert "焊装" in proc.stdout


# ---- outputs: never half-written ------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["review", "polish"])
def test_a_refused_input_writes_no_output_file(real_ctx, tmp_path, command):
    bad, _ = make_bad("scanned", tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    proc = run_cli(command, str(bad), "--out", str(out_dir / "report.docx"), data_dir=real_ctx.settings.data_dir)
    assert_one_line_error(proc, 2, bad.name, "OCR")
    assert list(out_dir.iterdir()) == [], "no report and no temporary file"


def test_a_refused_input_leaves_an_existing_report_untouched(real_ctx, tmp_path):
    bad, _ = make_bad("pdf_named_docx", tmp_path)
    report = tmp_path / "report.md"
    report.write_text("earlier report\n", encoding="utf-8")
    proc = run_cli("review", str(bad), "--out", str(report), "--force", data_dir=real_ctx.settings.data_dir)
    assert_one_line_error(proc, 2, bad.name)
    assert report.read_text(encoding="utf-8") == "earlier report\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def _unwritable_folder(tmp_path: Path) -> Path:
    if os.geteuid() == 0:  # root writes through permission bits; /proc refuses new files even to root
        return Path("/proc")
    folder = tmp_path / "readonly"
    folder.mkdir()
    folder.chmod(0o555)
    return folder


@pytest.mark.parametrize("where", ["missing", "unwritable", "a_file"])
def test_output_folder_problems_are_one_line(real_ctx, tmp_path, where):
    good = good_docx(tmp_path)
    if where == "missing":
        out, problem = tmp_path / "no-such-folder" / "report.docx", "输出目录不存在"
    elif where == "unwritable":
        out, problem = _unwritable_folder(tmp_path) / "report.docx", "无法写入"
    else:
        (tmp_path / "plain.txt").write_text("x", encoding="utf-8")
        out, problem = tmp_path / "plain.txt" / "report.docx", "输出目录不存在"
    proc = run_cli("review", str(good), "--out", str(out), data_dir=real_ctx.settings.data_dir)
    assert_one_line_error(proc, 2, "report.docx", problem)
    assert not out.exists()


def test_output_path_that_is_a_folder_is_one_line(real_ctx, tmp_path):
    good = good_docx(tmp_path)
    (tmp_path / "report.docx").mkdir()
    proc = run_cli("review", str(good), "--out", str(tmp_path / "report.docx"), data_dir=real_ctx.settings.data_dir)
    assert_one_line_error(proc, 2, "report.docx", "是文件夹")


# ---- environment -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, value", [("ASSISTANT_MAX_FILE_MB", "abc"), ("ASSISTANT_MAX_PAGES", "ten"),
                                         ("ASSISTANT_LLM_TIMEOUT", "soon"), ("ASSISTANT_LLM_RETRIES", "1.5")])
def test_bad_environment_values_are_one_line(real_ctx, tmp_path, name, value):
    proc = run_cli("review", str(good_docx(tmp_path)), data_dir=real_ctx.settings.data_dir, env={name: value})
    assert_one_line_error(proc, 2, name, "配置错误")


# ---- an unreachable LLM ---------------------------------------------------------------------------------


@pytest.fixture
def dead_llm() -> dict:
    return {"ASSISTANT_LLM": "openai", "OPENAI_BASE_URL": f"http://127.0.0.1:{closed_port()}/v1",
            "ASSISTANT_MODEL": "x", "ASSISTANT_LLM_TIMEOUT": "2", "ASSISTANT_LLM_RETRIES": "0"}


def test_draft_with_an_unreachable_llm_uses_the_offline_composer(real_ctx, dead_llm):
    proc = run_cli("draft", "application", "--scenario", SCENARIO, "--json", data_dir=real_ctx.settings.data_dir,
                   env=dead_llm)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    draft = json.loads(proc.stdout)
    assert draft["sections"] and all(s["composer"] == "offline" for s in draft["sections"])
    assert "大模型不可用" in proc.stderr and "离线模板" in proc.stderr
    assert "无法连接服务器" in proc.stderr


def test_streamed_draft_with_an_unreachable_llm_still_prints_a_draft(real_ctx, dead_llm):
    proc = run_cli("draft", "application", "--scenario", SCENARIO, data_dir=real_ctx.settings.data_dir, env=dead_llm)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stdout) > 500 and "大模型不可用" in proc.stderr


def test_review_with_an_unreachable_llm_keeps_the_offline_verdicts(real_ctx, tmp_path, dead_llm):
    good = good_docx(tmp_path)
    offline = run_cli("review", str(good), "--json", data_dir=real_ctx.settings.data_dir)
    assert offline.returncode == 0, offline.stderr
    proc = run_cli("review", str(good), "--json", data_dir=real_ctx.settings.data_dir, env=dead_llm)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    result = json.loads(proc.stdout)
    assert result["method"] == "offline"
    assert statuses(result) == statuses(json.loads(offline.stdout))
    assert "保留离线结论" in proc.stderr and "大模型" in proc.stderr
    assert any("保留离线结论" in n for n in result["notices"])
