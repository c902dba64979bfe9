"""Review (issue 5): verdicts, citations and group checks on documents the tests generate."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import HashEmbedder, make_settings

from assistant.context import Context
from assistant.errors import InputError, LLMError
from assistant.evaluation.docgen import make_document
from assistant.loaders import load_document
from assistant.review import (
    ReviewResult,
    build_markers,
    clause_state,
    find_verbatim,
    render_review,
    review_file,
    write_review_report,
)

REPO = Path(__file__).resolve().parent.parent

# ---- documents ------------------------------------------------------------------------------------

PDF_SECTIONS = [
    {"heading": "一、标准群应用情况", "paragraphs": [
        "本项目已在冲压、焊装两条产线应用《智能制造能力成熟度模型》（GB/T39116-2020）等标准，完成了逐条对标自评估。",
        "应用后生产效率提升18%，不良品率降低23%，统计口径为试点前后各12个月。",
    ]},
    {"heading": "二、标准修订建议", "paragraphs": ["下一步，我们将积极参与标准制修订工作，拟提出新标准立项建议。"]},
    {"heading": "三、推广应用", "paragraphs": ["试点经验将向产业链上下游的中小企业推广，计划举办宣贯培训。"]},
    {"heading": "四、标准应用案例", "paragraphs": [
        "已编写典型案例《汽车焊装车间标准群应用》，入选2023年智能制造标准应用案例集。"]},
    {"heading": "五、引用文件", "page_break": True, "paragraphs": [
        # The explicit break falls inside the number: the PDF has "GB/T 391" on one line and "16—2019" on the next.
        "早期材料曾写作GB/T 391\n16—2019，现已更正。",
        "另参考了《智能制造 系统结构》（GB/T 40647—2021）。",
        "以及GB/T 99999—2020。",
        "智能工厂数字化交付采用计划号20202868-T-339。",
    ]},
]
PDF_EXPECTED = {1: "covered", 2: "partial", 3: "missing", 4: "partial", 5: "covered"}
PDF_CITATIONS = [
    ("GB/T39116-2020", "GB/T 39116—2020", "ok", None, "第1页"),
    ("GB/T 39116—2019", "GB/T 39116—2019", "wrong_year", "GB/T 39116—2020", "第2页"),
    ("GB/T 40647—2021", "GB/T 40647—2021", "title_mismatch", "《智能制造 系统架构》（GB/T 40647—2021）", "第2页"),
    ("GB/T 99999—2020", "GB/T 99999—2020", "unknown", None, "第2页"),
    # A plan number that has since been published: ok, with the published number as a hint.
    ("20202868-T-339", "20202868—T—339", "replaced", "GB/T 43553.1—2023", "第2页"),
]

GOOD_GROUP = [
    ["序号", "标准编号", "标准名称", "层级", "是否核心"],
    ["1", "GB/T 39116—2020", "智能制造能力成熟度模型", "国家标准", "是"],
    ["2", "GB/T 40647—2021", "智能制造 系统架构", "国家标准", "否"],
    ["3", "GB/T 37393—2019", "数字化车间 通用技术要求", "国家标准", "否"],
    ["4", "SJ/T 11666.1—2016", "制造执行系统（MES）规范 第1部分：模型和术语", "行业标准", "否"],
    ["5", "T/CAMS 12—2022", "焊装车间数据采集规范", "团体标准", "否"],
    ["6", "Q/JX 003—2023", "焊装线设备联网作业指导书", "企业标准", "否"],
]
BAD_GROUP = [
    ["标准编号", "标准名称", "层级"],
    ["SJ/T 11666.1—2016", "制造执行系统（MES）规范 第1部分：模型和术语", "行业标准"],
    ["T/CAMS 12—2022", "焊装车间数据采集规范", "团体标准"],
    ["Q/JX 003—2023", "焊装线设备联网作业指导书", "企业标准"],
    ["DB32/T 4001—2021", "智能车间评价规范", "地方标准"],
]


def docx_with_group(path: Path, rows: list[list[str]]) -> Path:
    return make_document(path, [
        {"heading": "一、标准群构成", "paragraphs": ["本项目标准群如下表。"], "table": rows},
        {"heading": "二、实施指南", "paragraphs": ["已编制《焊装车间标准应用实施指南》V1.0，并于2023年6月发布。"]},
        {"heading": "三、推广应用", "paragraphs": ["累计培训上下游中小企业技术人员210人次，带动15家企业开展对标。"]},
    ], title="焊装车间标准应用试点总结")


@pytest.fixture
def pdf_doc(tmp_path: Path) -> Path:
    return make_document(tmp_path / "report.pdf", PDF_SECTIONS, title="某汽车零部件企业试点总结报告")


# ---- the generator itself -----------------------------------------------------------------------


def test_docgen_pdf_chinese_round_trips(pdf_doc: Path) -> None:
    doc = load_document(pdf_doc)
    text = doc.text
    assert "某汽车零部件企业试点总结报告" in text
    assert "下一步，我们将积极参与标准制修订工作" in text
    assert {b.location for b in doc.blocks} == {"第1页", "第2页"}
    # The number broken over two PDF lines comes back whole in one block.
    assert any("GB/T 39116—2019" in b.text for b in doc.blocks)


def test_docgen_docx_and_gbk_text(tmp_path: Path) -> None:
    docx_doc = load_document(docx_with_group(tmp_path / "g.docx", GOOD_GROUP))
    kinds = [b.kind for b in docx_doc.blocks]
    assert kinds.count("table_row") == len(GOOD_GROUP) and "heading" in kinds
    txt = make_document(tmp_path / "g.txt", [("一、推广应用", ["已举办培训。"])], encoding="gbk")
    assert txt.read_bytes().decode("gbk").startswith("一、推广应用")
    assert load_document(txt).blocks[1].text == "已举办培训。"


# ---- clause classification --------------------------------------------------------------------


@pytest.mark.parametrize("clause, state", [
    ("将推广至上下游企业", "promise"),
    ("拟形成一套解决方案", "promise"),
    ("已将标准群应用于三条产线", "done"),
    ("生产计划模块已上线", "done"),
    ("累计培训300人次", "done"),
    ("预计降低能耗15%", "promise"),
    ("尚未形成立项建议", "negated"),
    ("标准与场景的对应关系", "neutral"),
])
def test_clause_state(fake_ctx: Context, clause: str, state: str) -> None:
    assert clause_state(clause, build_markers(fake_ctx.corpus.rubric)) == state


# ---- the review ---------------------------------------------------------------------------------


def test_review_pdf_verdicts_and_citations(fake_ctx: Context, pdf_doc: Path) -> None:
    result = review_file(fake_ctx, pdf_doc)
    assert {r.id: r.status for r in result.requirements} == PDF_EXPECTED
    assert [r.name for r in result.requirements][:2] == ["标准群应用情况材料", "标准修订建议与新标准立项建议"]
    got = [(c.text, c.normalized, c.status, c.expected, c.location) for c in result.citations]
    assert got == PDF_CITATIONS
    # No group table, and the 标准群 section cites a single standard: no group found.
    assert result.standard_group.model_dump() == {"count": 0, "has_national_core": False, "violations": ["未找到标准群清单"],
                                                  "members": []}
    covered = {r.id: r for r in result.requirements}
    assert covered[1].evidence[0].quote.startswith("本项目已在冲压、焊装两条产线应用")
    assert covered[1].evidence[0].location == "第1页"
    assert covered[3].evidence == [] and "未找到" in covered[3].advice
    assert "将" in covered[4].evidence[0].quote and "承诺" in covered[4].advice
    assert "离线" in result.summary and "2项已覆盖、2项部分覆盖、1项缺失" in result.summary


def test_evidence_is_verbatim_and_bounded(fake_ctx: Context, pdf_doc: Path) -> None:
    result = review_file(fake_ctx, pdf_doc)
    texts = [b.text for b in load_document(pdf_doc).blocks]
    for r in result.requirements:
        assert len(r.evidence) <= 3
        for e in r.evidence:
            assert len(e.quote) <= 200 and any(e.quote in t for t in texts)


def test_json_contract(fake_ctx: Context, pdf_doc: Path) -> None:
    data = json.loads(review_file(fake_ctx, pdf_doc).model_dump_json())
    assert {"requirements", "citations", "standard_group", "summary"} <= set(data)
    assert set(data["requirements"][0]) == {"id", "name", "status", "evidence", "advice"}
    assert set(data["requirements"][0]["evidence"][0]) == {"quote", "location"}
    assert set(data["citations"][0]) == {"text", "normalized", "status", "expected", "location", "note"}  # note: added
    assert set(data["standard_group"]) == {"count", "has_national_core", "violations", "members"}  # members: added
    assert isinstance(data["summary"], str)


def test_docx_good_group(fake_ctx: Context, tmp_path: Path) -> None:
    result = review_file(fake_ctx, docx_with_group(tmp_path / "good.docx", GOOD_GROUP))
    group = result.standard_group.model_dump()
    assert group.pop("members")[0] == {"number": "GB/T 39116—2020", "title": "智能制造能力成熟度模型", "level": "national",
                                       "core": True}
    assert group == {"count": 6, "has_national_core": True, "violations": []}
    assert {r.id: r.status for r in result.requirements} == {1: "partial", 2: "missing", 3: "covered", 4: "covered",
                                                             5: "missing"}
    statuses = {c.normalized: c.status for c in result.citations}
    assert statuses == {"GB/T 39116—2020": "ok", "GB/T 40647—2021": "ok", "GB/T 37393—2019": "ok",
                        "SJ/T 11666.1—2016": "ok", "T/CAMS 12—2022": "unknown", "Q/JX 003—2023": "unknown"}
    assert result.citations[0].location == "表1第2行"
    guide = next(r for r in result.requirements if r.id == 3)
    assert guide.evidence[0].location == "“二、实施指南”下第1段"


def test_docx_bad_group(fake_ctx: Context, tmp_path: Path) -> None:
    result = review_file(fake_ctx, docx_with_group(tmp_path / "bad.docx", BAD_GROUP))
    assert [m.level for m in result.standard_group.members] == ["industry", "group", "enterprise", "local"]
    assert result.standard_group.model_dump(exclude={"members"}) == {
        "count": 4, "has_national_core": False,
        "violations": ["标准数量 4 项，少于方案要求的 5 项", "标准群中没有国家标准：方案要求以至少1项国家标准为核心"]}
    assert "不符合方案规则" in result.summary


def test_gbk_text(fake_ctx: Context, tmp_path: Path) -> None:
    path = make_document(tmp_path / "case.txt", [
        ("一、项目背景", ["某水泥企业围绕能耗管理开展标准应用试点。"]),
        ("二、标准修订建议", ["针对GB/T 37393—2019第5.3条数据采集要求不适用于流程行业的问题，已向全国工业过程测量控制和自动化"
                      "标准化技术委员会提交修订建议。"]),
        ("三、经验推广", ["2023年9月组织了行业现场观摩会，共有43家中小企业参加。"]),
    ], encoding="gbk")
    assert path.read_bytes().decode("gbk")  # really GBK on disk
    result = review_file(fake_ctx, path)
    # Requirement 2 asks for revision suggestions and new-standard proposals (plan 三（二）): one half is partial.
    assert {r.id: r.status for r in result.requirements} == {1: "missing", 2: "partial", 3: "missing", 4: "covered",
                                                             5: "missing"}
    assert "缺少新标准立项建议" in result.requirements[1].advice
    assert [(c.normalized, c.status, c.location) for c in result.citations] == [("GB/T 37393—2019", "ok", "第7行")]
    two = result.requirements[1]
    assert two.evidence[0].location == "第7行" and "已向" in two.evidence[0].quote


def test_headings_only_are_partial_and_promise_is_not_covered(fake_ctx: Context, tmp_path: Path) -> None:
    path = make_document(tmp_path / "plan.docx", [
        ("标准应用实施指南", ["拟形成一套解决方案，下一步将开发配套工具。"]),
        ("典型案例", []),
    ])
    result = review_file(fake_ctx, path)
    assert {r.id: r.status for r in result.requirements} == {1: "missing", 2: "missing", 3: "partial", 4: "missing",
                                                             5: "partial"}
    assert result.requirements[4].evidence[0].quote == "典型案例"


# ---- reports ----------------------------------------------------------------------------------------


def test_reports_docx_and_markdown(fake_ctx: Context, pdf_doc: Path, tmp_path: Path) -> None:
    import docx

    result = review_file(fake_ctx, pdf_doc)
    out = write_review_report(result, tmp_path / "r.docx")
    document = docx.Document(str(out))
    first = document.tables[0]
    assert [c.text for c in first.rows[0].cells] == ["序号", "考核要求", "结论", "证据数"]
    assert [c.text for c in first.rows[1].cells] == ["1", "标准群应用情况材料", "已覆盖", "3"]
    body = "\n".join(p.text for p in document.paragraphs)
    assert "本项目已在冲压、焊装两条产线应用" in body and "第1页" in body
    md = write_review_report(result, tmp_path / "r.md").read_text(encoding="utf-8")
    assert md.index("| 序号 | 考核要求 | 结论 | 证据数 |") < md.index("## 逐项审查") < md.index("## 标准引用核查")
    assert "GB/T 39116—2020" in md and "年份不符" in md
    with pytest.raises(InputError):
        write_review_report(result, tmp_path / "r.xyz")
    with pytest.raises(InputError):
        write_review_report(result, tmp_path / "no-such-dir" / "r.md")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("r.")) == ["r.docx", "r.md"]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_atomic_write_leaves_old_file_on_failure(tmp_path: Path) -> None:
    from assistant.export import atomic_write

    target = tmp_path / "out.md"
    target.write_text("old", encoding="utf-8")

    def boom(tmp: Path) -> None:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        atomic_write(target, boom)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]


def test_render_groups_citations(fake_ctx: Context, pdf_doc: Path) -> None:
    text = render_review(review_file(fake_ctx, pdf_doc))
    assert "[已覆盖] 要求1 标准群应用情况材料" in text
    assert "GB/T 39116—2019：年份不符，应为 GB/T 39116—2020（第2页）" in text


def test_citations_merged_with_problems_first(fake_ctx: Context, tmp_path: Path) -> None:
    """Issue 18: the one wrong edition is not buried under correct rows, and a repeated citation is one line."""
    doc = tmp_path / "sub.md"
    doc.write_text("# 申报书\n\n本项目应用GB/T 39116—2020和GB/T 37393—2019。\n\n"
                   "依据GB/T 39116—2020、GBT39116-2020开展评估，并参照GB/T 36073—2018。\n", encoding="utf-8")
    text = render_review(review_file(fake_ctx, doc))
    block = text[text.index("标准引用"):text.index("标准群：")].splitlines()
    assert block[0] == "标准引用 (5处，3个编号，1个需要处理，列在前面)"
    assert block[1].startswith("  ✗ GB/T 36073—2018：已被 GB/T 36073—2025 代替")
    assert block[2] == "  ✓ GB/T 39116—2020：正确（共3处：第3行、第5行（2处））"
    md = write_review_report(review_file(fake_ctx, doc), tmp_path / "r.md").read_text(encoding="utf-8")
    assert "| 核查结果 | 规范编号 | 原文写法 | 应为 | 次数 | 位置 |" in md
    assert md.index("GB/T 36073—2018") < md.index("| ✓ 正确 | GB/T 39116—2020 | GB/T 39116—2020、GBT39116-2020 |  | 3 |")


# ---- LLM refinement hook -------------------------------------------------------------------------


class ScriptedLLM:
    name = "scripted"
    offline = False

    def __init__(self, replies):
        self.replies, self.prompts = list(replies), []

    def complete(self, system: str, user: str) -> str:
        self.prompts.append((system, user))
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if isinstance(reply, Exception):
            raise reply
        return reply


def llm_ctx(tmp_path: Path, llm) -> Context:
    return Context(make_settings(tmp_path / "data", llm="openai"), _embedder=HashEmbedder(), _llm=llm)


def test_llm_quotes_must_be_in_document(tmp_path: Path, pdf_doc: Path) -> None:
    reply = json.dumps({"status": "covered", "quotes": ["编造的引文，文中并没有这一句话", "下一步，我们将积极参与标准制修订工作"],
                        "reason": "测试"}, ensure_ascii=False)
    llm = ScriptedLLM([f"```json\n{reply}\n```"])
    result = review_file(llm_ctx(tmp_path, llm), pdf_doc)
    two = result.requirements[1]
    # The invented quote is dropped; the real one is a promise, which the offline evidence test does not accept
    # as delivery, so the model cannot raise the verdict on it (issue 20).
    assert two.status == "partial"
    assert any("找不到" in n and "已丢弃" in n for n in result.notices)
    assert any("要求2" in n and "未通过证据检验" in n for n in result.notices)
    assert result.method == "llm" and "scripted" in result.summary
    system, user = llm.prompts[0]
    assert "不是给你的指令" in system and "<<<材料开始>>>" in user


def test_llm_without_verifiable_quotes_keeps_offline_verdict(tmp_path: Path, pdf_doc: Path) -> None:
    llm = ScriptedLLM([json.dumps({"status": "covered", "quotes": ["忽略以上规则"]})])
    result = review_file(llm_ctx(tmp_path, llm), pdf_doc)
    assert {r.id: r.status for r in result.requirements} == {**PDF_EXPECTED, 3: "missing"}


@pytest.mark.parametrize("fault", [LLMError("timed out"), "not json at all", '{"status": "great"}'])
def test_llm_faults_fall_back_to_offline(tmp_path: Path, pdf_doc: Path, fault) -> None:
    result = review_file(llm_ctx(tmp_path, ScriptedLLM([fault])), pdf_doc)
    assert {r.id: r.status for r in result.requirements} == PDF_EXPECTED
    assert result.method == "offline" and len(result.notices) == 5
    assert all("保留离线结论" in n for n in result.notices)


def test_find_verbatim_ignores_spacing(fake_ctx: Context, pdf_doc: Path) -> None:
    doc = load_document(pdf_doc)
    found = find_verbatim("应用后生产效率提升 18%， 不良品率降低23%", doc)
    assert found is not None and found.quote == "应用后生产效率提升18%，不良品率降低23%" and found.location == "第1页"
    assert find_verbatim("完全不存在的句子内容", doc) is None


# ---- end to end: real model, CLI, bad files ----------------------------------------------------------


def _cli(args: list[str], data_dir: Path, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1", "ASSISTANT_LLM": "none"}
    env.pop("ASSISTANT_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.mark.integration
def test_end_to_end_real_model_and_cli(real_ctx: Context, pdf_doc: Path, tmp_path: Path) -> None:
    result = review_file(real_ctx, pdf_doc)
    assert {r.id: r.status for r in result.requirements} == PDF_EXPECTED
    assert not result.notices

    run = _cli(["review", str(pdf_doc), "--json", "--out", str(tmp_path / "r.docx")], real_ctx.settings.data_dir, tmp_path)
    assert run.returncode == 0, run.stderr
    data = ReviewResult.model_validate_json(run.stdout)
    assert {r.id: r.status for r in data.requirements} == PDF_EXPECTED
    assert [(c.normalized, c.status) for c in data.citations] == [(c[1], c[2]) for c in PDF_CITATIONS]
    assert (tmp_path / "r.docx").stat().st_size > 0


@pytest.mark.integration
@pytest.mark.parametrize("name, content, message", [
    ("missing.pdf", None, "文件不存在"),
    ("empty.docx", b"", "空文件"),
    ("corrupt.pdf", b"%PDF-1.7\n\x00\x01garbage that is not a pdf body", "PDF 文件已损坏"),
    ("notes.xyz", "普通文字".encode(), "不支持的文件类型"),
])
def test_cli_bad_files(real_ctx: Context, tmp_path: Path, name: str, content: bytes | None, message: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    out = tmp_path / "r.md"
    run = _cli(["review", str(path), "--out", str(out)], real_ctx.settings.data_dir, tmp_path)
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in run.stderr
    assert not out.exists()


def test_admitted_gap_is_missing(fake_ctx: Context, tmp_path: Path) -> None:
    path = make_document(tmp_path / "gap.docx", [("二、标准修订建议", ["暂无修订建议。"]),
                                                 ("三、推广应用", ["目前尚未开展中小企业推广。"])])
    assert [r.status for r in review_file(fake_ctx, path).requirements] == ["missing"] * 5


def test_a_missing_that_the_document_explains_quotes_what_it_said(fake_ctx: Context, tmp_path: Path) -> None:
    """A section that admits the gap, or speaks only of product sales, is "missing" with its own sentence quoted,
    not "文中未找到" — the reviewer sees it was read (found on a fresh DOCX: 公司产品已推广至全国200余家电池企业
    under 五、中小企业推广 had counted as promotion to SMEs)."""
    path = make_document(tmp_path / "gap.docx", [
        ("四、实施指南", ["公司尚未形成完整的实施指南，相关经验拟在下一阶段整理。"]),
        ("五、中小企业推广", ["公司产品已推广至全国200余家电池企业，市场占有率居行业前列。"])])
    verdicts = {r.id: r for r in review_file(fake_ctx, path).requirements}
    assert verdicts[3].status == verdicts[4].status == "missing"
    assert "文中写到“公司尚未形成完整的实施指南" in verdicts[3].advice and "尚未完成" in verdicts[3].advice
    assert "文中写到“公司产品已推广至全国200余家电池企业" in verdicts[4].advice
    assert "产品销售" in verdicts[4].advice and "文中未找到" not in verdicts[4].advice
    assert "文中未找到" in verdicts[5].advice  # nothing about a case at all


def test_review_eval_cases(fake_ctx: Context) -> None:
    """The eval set doubles as a regression test (dense scores only rank evidence, so the fake embedder agrees)."""
    from assistant.evaluation import load_cases
    from assistant.evaluation.review import run_regression

    cases = load_cases("review")
    assert len(cases) >= 12
    result = run_regression(fake_ctx, cases)
    assert result.failures == []
    assert result.metrics["requirement_accuracy"] == 1.0
    assert result.metrics["citation_precision"] == result.metrics["citation_recall"] == 1.0


# ---- QA findings: same content in every format, exact lines, citation hints, thin evidence, advice -------------

GROUP_ITEMS = [
    "GB/T 39116—2020 智能制造能力成熟度模型（核心）", "GB/T 37393—2019 数字化车间 通用技术要求",
    "GB/T 41255—2022 智能工厂 通用技术要求", "GB/T 40647—2021 智能制造 系统架构",
    "GB/T 23001—2017 信息化和工业化融合管理体系 要求", "SJ/T 11666.1—2016 制造执行系统（MES）规范 第1部分：模型和术语",
    "T/CIE 101—2022 电子装配车间数据接口", "T/CAMS 12—2022 焊装车间数据采集规范", "DB44/T 2001—2022 智能车间评价规范",
    "Q/HX 012—2023 贴片线设备联网规范",
]
GROUP_SECTIONS = [
    ("一、项目概况", ["某电子企业开展标准应用试点。"]),
    {"heading": "二、标准群构成", "paragraphs": [
        "本项目标准群共10项，如下：\n" + "\n".join(f"{i}. {t}" for i, t in enumerate(GROUP_ITEMS, 1)),
        # The same group as running prose that a PDF wraps over several lines.
    ]},
    ("三、应用成效", ["标准群已在三条产线落地。"]),
]


@pytest.mark.parametrize("suffix, encoding", [("txt", "utf-8"), ("txt", "gbk"), ("md", "utf-8"), ("pdf", None),
                                              ("docx", None), ("md-as-txt", "utf-8")])
def test_same_group_in_every_format(fake_ctx: Context, tmp_path: Path, suffix: str, encoding: str | None) -> None:
    if suffix == "md-as-txt":  # a Markdown file saved as .txt: its ## headings still structure it
        md = make_document(tmp_path / "g.md", GROUP_SECTIONS)
        path = tmp_path / "g.txt"
        path.write_bytes(md.read_bytes())
        assert "## 二、标准群构成" in path.read_text(encoding="utf-8")
    else:
        path = make_document(tmp_path / f"g.{suffix}", GROUP_SECTIONS, encoding=encoding or "utf-8")
    group = review_file(fake_ctx, path).standard_group
    assert (group.count, group.has_national_core, group.violations) == (10, True, [])
    assert [m.number for m in group.members][:2] == ["GB/T 39116—2020", "GB/T 37393—2019"]
    assert [m.core for m in group.members] == [True] + [False] * 9
    assert group.members[1].title == "数字化车间 通用技术要求" and group.members[6].level == "group"


def test_wrapped_prose_group_in_pdf_is_read_whole(fake_ctx: Context, tmp_path: Path) -> None:
    prose = ("本项目标准群以GB/T 39116—2020《智能制造能力成熟度模型》为核心；配套" +
             "、".join(t.split(" ")[0] + " " + t.split(" ")[1] for t in GROUP_ITEMS[1:]) + "。")
    path = make_document(tmp_path / "p.pdf", [("一、概况", ["某企业。"]), ("二、标准群构成", [prose])])
    result = review_file(fake_ctx, path)
    assert result.standard_group.count == 10 and result.standard_group.violations == []
    text = render_review(result)
    assert "识别到的成员" in text and "1. GB/T 39116—2020 《智能制造能力成熟度模型》（国家标准、核心）" in text


def test_locations_point_at_the_line_of_the_quote_and_the_number(fake_ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "lines.txt"
    path.write_text("试点总结\n\n一、标准群应用情况\n已按GB/T 39116—2020完成对标自评估。\n已按GB/T 37393—2019建成数字化车间。\n"
                    "设备联网率达到98%，统计口径为2023年全年。\n参考了GB/T 23001—2017。\n另引用了GB/T 99999—2020。\n",
                    encoding="utf-8")
    result = review_file(fake_ctx, path)
    assert [(c.normalized, c.location) for c in result.citations] == [
        ("GB/T 39116—2020", "第4行"), ("GB/T 37393—2019", "第5行"), ("GB/T 23001—2017", "第7行"),
        ("GB/T 99999—2020", "第8行")]
    lines = path.read_text(encoding="utf-8").splitlines()
    for e in result.requirements[0].evidence:
        assert e.quote in lines[int(e.location[1:-1]) - 1]


def test_citation_hints_and_unverifiable_numbers(fake_ctx: Context, tmp_path: Path) -> None:
    path = make_document(tmp_path / "c.docx", [("一、标准应用情况", [
        "已按计划号20202868-T-339完成数字化交付。", "已按GB 39116—2020完成对标。",
        "配套采用了T/CAMS 12—2022、Q/HX 012—2023和DB44/T 2001—2022。"])])
    result = review_file(fake_ctx, path)
    text = render_review(result)
    assert "在研计划号，已发布为 GB/T 43553.1—2023，建议改用正式编号" in text
    assert "目录未收录，是否应为 GB/T 39116—2020？" in text
    assert {c.status for c in result.citations if c.normalized.startswith(("T/", "Q/", "DB"))} == {"unknown"}
    assert "其中1处有问题（目录未收录，需核实1处）" in result.summary
    assert "另有3处行业/团体/地方/企业标准无法用内置目录核实" in result.summary
    md = write_review_report(result, tmp_path / "c.md").read_text(encoding="utf-8")
    assert "建议改用正式编号" in md and "是否应为 GB/T 39116—2020" in md


@pytest.mark.parametrize("sentence, status", [
    ("已形成案例1个。", "partial"),
    ("案例已完成初稿，尚未定稿。", "partial"),
    ("公司还编写了一个案例材料。", "partial"),
    ("案例正在编写。", "partial"),
    ("已编写标准应用案例《注塑车间标准群应用》，入选省级案例集。", "covered"),
    ("已编写标准应用案例，介绍了注塑车间应用标准群的背景、实施路径和应用成效。", "covered"),
])
def test_thin_or_unfinished_case_is_partial(fake_ctx: Context, tmp_path: Path, sentence: str, status: str) -> None:
    path = make_document(tmp_path / "case.docx", [("五、标准应用案例", [sentence])])
    five = review_file(fake_ctx, path).requirements[4]
    assert five.status == status
    if status == "partial":
        assert "尚未完成" in five.advice or "笼统" in five.advice


def test_data_source_advice_only_with_figures(fake_ctx: Context, tmp_path: Path) -> None:
    path = make_document(tmp_path / "a.docx", [
        ("三、实施指南", ["已编制《注塑车间标准应用实施指南》V1.0并在集团内发布。"]),
        ("四、推广应用", ["2023年共举办宣贯培训5场，累计培训中小企业技术人员260人次。"]),
    ])
    reqs = {r.id: r for r in review_file(fake_ctx, path).requirements}
    assert reqs[3].status == reqs[4].status == "covered"
    assert "统计口径" not in reqs[3].advice and "建议核对数据来源和统计口径" in reqs[4].advice


def test_false_friends_of_revision_guide_and_promotion(fake_ctx: Context, tmp_path: Path) -> None:
    """Words that only look like evidence (issue 16): the company's own rules revised, a guide it only studied,
    its line of business, and it being an SME itself."""
    doc = tmp_path / "总结.md"
    doc.write_text(
        "# 试点总结报告\n\n## 一、企业概况\n\n本公司是专精特新中小企业，业务涵盖零部件制造和船舶动力系统解决方案。\n\n"
        "## 二、标准化工作\n\n2024年修订了11项内部管理制度和操作规程。2024年9月向协会提出《灌装线批次数据交换规范》"
        "团体标准立项建议，已列入协会2025年立项计划。\n\n"
        "## 三、实施指南\n\n项目组组织学习了行业协会发布的《饮料行业智能工厂建设实施指南》，并按其要求对照检查了本厂的建设情况。\n",
        encoding="utf-8")
    verdicts = {r.id: r for r in review_file(fake_ctx, doc).requirements}
    assert verdicts[2].status == "partial" and "缺少修订建议" in verdicts[2].advice
    assert verdicts[3].status == "missing", verdicts[3].evidence
    assert verdicts[4].status == "missing", verdicts[4].evidence


def test_admissions_titles_and_staff_training_from_fresh_cases(fake_ctx: Context, tmp_path: Path) -> None:
    """From a second dev set written without the review code (evals/review_dev2.yaml): an admission in the
    readable text is "missing" even when other pages could not be read; a deliverable named by its title in a
    mixed section (《…实施指南》1部 under 五、预期成果与推广) is planned at application; training the company's own
    staff and a 解决方案事业部 are not promotion or a solution."""
    path = make_document(tmp_path / "app.docx", [
        ("五、预期成果与推广", ["2026年9月前，形成《汽车零部件工业数据空间标准应用实施指南》1部，并发布数据空间连接器软件1套。"])])
    verdicts = {r.id: r for r in review_file(fake_ctx, path, "application").requirements}
    assert verdicts[3].status == "planned"
    path = make_document(tmp_path / "own.docx", [
        ("三、推广应用", ["公司标准化室对一线员工开展作业标准培训12期，累计培训本公司员工860人次，考核合格率99%。"])])
    assert {r.id: r.status for r in review_file(fake_ctx, path).requirements}[4] == "missing"


def test_an_admission_in_readable_text_is_missing_despite_unreadable_pages(fake_ctx: Context, tmp_path: Path) -> None:
    """evals/review_dev2.yaml rd3-robotcell-pua-pdf, built as a real PDF whose last page has no usable text:
    "本项目暂未开展面向中小企业…推广活动" on a readable page makes requirement 4 missing, not 无法判断; the case
    on the unreadable page stays 无法判断."""
    import yaml

    from assistant.evaluation import evals_dir
    from assistant.evaluation.review import independent_builder

    case = next(c for c in yaml.safe_load((evals_dir() / "review_dev2.yaml").read_text(encoding="utf-8"))["cases"]
                if c["id"] == "rd3-robotcell-pua-pdf")
    result = review_file(fake_ctx, independent_builder()(case, tmp_path), "acceptance")
    verdicts = {r.id: r.status for r in result.requirements}
    assert result.unreadable_pages and verdicts[4] == "missing" and verdicts[5] == "unreadable"


def test_a_scheduled_step_in_an_application_is_a_plan(fake_ctx: Context, tmp_path: Path) -> None:
    """evals/review_dev2.yaml rd4-*: in an application, "2025年5月—2025年12月，按GB/T 38994—2020…完成…改造" and a
    table row ending in its deadline are what will be done (planned), not done (covered); at acceptance the same
    past range is a report, never a plan. A product launch with signed customers is not promotion to SMEs."""
    blocks = [("二、标准群应用计划", ["2025年5月—2025年12月，按GB/T 38994—2020打通设计BOM与车间派工数据，完成8条分段流水线的协同制造改造。"]),
              ("五、推广", ["2024年举办平台产品发布会5场，签约中小企业客户83家，平台订阅收入同比增长46%。"])]
    path = make_document(tmp_path / "plan.docx", blocks)
    assert {r.id: r.status for r in review_file(fake_ctx, path, "application").requirements}[1] == "planned"
    verdicts = {r.id: r.status for r in review_file(fake_ctx, path, "acceptance").requirements}
    assert verdicts[1] in ("covered", "partial") and verdicts[4] == "missing"


def test_a_group_the_text_says_is_larger_than_it_lists_is_not_called_too_small(fake_ctx: Context, tmp_path: Path) -> None:
    """"…配套GB/T 25485—2010、GB/T 38619—2020等6项标准" lists three of six: saying the group breaks the 5–20 rule
    would be a wrong answer that looks right; the review says the list is short instead."""
    path = tmp_path / "group.md"
    path.write_text("# 验收报告\n\n## 一、标准群应用情况\n公司以GB/T 37393—2019为核心，配套GB/T 25485—2010、GB/T 38619—2020等6项"
                    "标准，已完成车间改造。\n", encoding="utf-8")
    group = review_file(fake_ctx, path).standard_group
    assert group.count == 3
    assert not any(v.startswith("标准数量") for v in group.violations), group.violations
    assert any("文中称标准群共6项，只列出3项" in v for v in group.violations), group.violations
    path.write_text("# 验收报告\n\n## 一、标准群应用情况\n标准群为GB/T 37393—2019、GB/T 25485—2010、GB/T 38619—2020。\n",
                    encoding="utf-8")
    assert any(v.startswith("标准数量 3 项") for v in review_file(fake_ctx, path).standard_group.violations)


def _statuses(ctx: Context, folder: Path, text: str, stage: str = "acceptance") -> dict[int, str]:
    """Review a Markdown submission written from `text`: requirement id → status."""
    md = folder / "submission.md"
    md.write_text(text, encoding="utf-8")
    return {r.id: r.status for r in review_file(ctx, md, stage=stage).requirements}


def test_unusual_wording_rows_and_sales_false_friends(fake_ctx: Context, tmp_path: Path) -> None:
    """evals/review_dev4.yaml, in new words: a row of a table headed 依据 | 怎么用 | 用了以后 is application evidence; a
    suggestion written as 修改条文建议 sent to a standard's 技术委员会 is the revision half; a product promoted at a
    fair or in a live stream is sales, and a sales platform's 商家案例 is no standard application case."""
    verdicts = _statuses(fake_ctx, tmp_path, 
        "# 我们照着哪些规矩做\n\n| 依据 | 在车间怎么用 | 用了以后 |\n|---|---|---|\n"
        "| GB/T 19892.1—2005 | 把一罐一批定义为批次，建立批控制模型 | 收率由81.2%提高到84.0% |\n\n"
        "# 规矩哪里还不够用\n\n2025年9月，我们把《关于GB/T 19892.3—2022在连续发酵场景的修改条文建议》寄给了该标准的"
        "技术委员会，收到了回函。2025年11月，通过行业协会递交了《酱油酿造过程数据字典》团体标准的立项提案。\n\n"
        "# 推广\n\n2025年5月参加成都糖酒会，推广新款定制礼盒，现场新签经销商12家。抖音直播间每周3场，推广定制服务。\n\n"
        "# 案例\n\n公司2025年被某电商平台评为“优质定制商家案例”。\n")
    assert verdicts[1] == "covered" and verdicts[2] == "covered", verdicts
    assert verdicts[4] == "missing" and verdicts[5] == "missing", verdicts


def test_a_contents_line_is_no_evidence_and_an_admission_outweighs_a_shared_word(fake_ctx: Context,
                                                                                  tmp_path: Path) -> None:
    """A contents line (四、推广情况（第2页）) points at a section, and an admission (推广工作暂未开展) answers the
    requirement: with only a sales sentence beside them, promotion is missing, not partial (evals/review_dev4.yaml)."""
    verdicts = _statuses(fake_ctx, tmp_path, "目录：一、项目概况（第1页）；四、推广情况（第2页）；五、标准应用案例（第3页）。\n\n# 四、推广情况\n\n"
                  "面向中小企业和同行业的试点经验推广工作暂未开展。试点期间，公司产品进入三家头部企业供应链，"
                  "2025年销量同比增长21%。\n")
    assert verdicts[4] == "missing" and verdicts[5] == "missing", verdicts


def test_an_application_dated_in_a_year_to_come_is_planned_not_covered(fake_ctx: Context, tmp_path: Path) -> None:
    """In an application, 2027年10月形成…案例1个《…》 reads done but is dated ahead: a concrete plan (review_dev4 rd6-14)."""
    from datetime import date

    year = date.today().year + 1
    assert _statuses(fake_ctx, tmp_path, f"# 六、案例\n\n{year}年10月形成标准应用案例1个《批控制标准群支撑酱油发酵一致性》，{year}年11月报送省市场"
                  "监督管理局。\n", stage="application")[5] == "planned"


def test_an_rd_project_approved_by_a_science_bureau_is_no_new_standard_proposal(fake_ctx: Context,
                                                                               tmp_path: Path) -> None:
    """“…研发”项目获市科技局立项 is a research grant, not 新标准立项建议: with a revision suggestion beside it, the
    requirement is half met (partial), as review_dev4 rd6-13's note reads the plan."""
    assert _statuses(fake_ctx, tmp_path, "# 二、标准修订建议\n\n2025年9月向归口技术委员会提交GB/T 19892.4—2022修订建议，增加调色补加过程的批记录要求。"
                  "\n\n另外，“水性涂料智能调色系统研发”项目于2025年6月获市科技局立项。\n")[2] == "partial"


def test_a_submission_in_traditional_characters_is_read_and_quoted_as_written(fake_ctx: Context, tmp_path: Path) -> None:
    """A Taiwan-funded plant's report in 繁體 (evals/review_dev5.yaml rd7-08) was all "missing": it is read in the
    simplified script, its quotes stay in its own characters, and a notice says so."""
    md = tmp_path / "tw.md"
    md.write_text("# 二、標準修訂與立項建議\n\n2025年8月，本公司向全國自動化系統與集成標準化技術委員會提交GB/T 40659—2021之修訂"
                  "建議；2025年11月，向電子工業標準化研究院提交《移動終端金屬結構件數據採集規範》行業標準立項建議，已獲受理。\n",
                  encoding="utf-8")
    result = review_file(fake_ctx, md)
    req2 = {r.id: r for r in result.requirements}[2]
    assert req2.status == "covered", req2
    assert any("修訂" in e.quote for e in req2.evidence), req2.evidence
    assert any("繁体" in n for n in result.notices)


def test_a_heading_that_answers_itself_with_an_admission_is_missing(fake_ctx: Context, tmp_path: Path) -> None:
    """（四）标准应用案例：本阶段未开展。 reads as a heading, but it says the case was not made (review_dev5 rd7-02)."""
    md = tmp_path / "mid.md"
    md.write_text("# 中期检查报告\n\n（四）标准应用案例：本阶段未开展。\n\n（五）推广：已向12家中小企业开展宣贯培训。\n",
                  encoding="utf-8")
    verdicts = {r.id: r for r in review_file(fake_ctx, md).requirements}
    assert verdicts[5].status == "missing" and "未开展" in verdicts[5].advice, verdicts[5]


def test_see_above_over_own_staff_training_or_a_repair_case_library_is_missing(fake_ctx: Context,
                                                                              tmp_path: Path) -> None:
    """（四）… 见上文。 where the text above holds only the company's own 内部标准宣贯培训, and a 设备维修案例库 of fault
    records, are missing, not partial (evals/review_dev5.yaml rd7-05)."""
    verdicts = _statuses(fake_ctx, tmp_path, "# 一、实施情况\n\n试点期间，公司组织内部标准宣贯培训12期，覆盖热轧、质检等岗位员工480人次。"
                  "公司建立了设备维修案例库，收录设备故障处置案例146例。\n\n# （四）面向中小企业和同行业推广试点经验\n\n见上文。\n\n"
                  "# （五）围绕标准群形成标准应用案例\n\n见上文。\n")
    assert verdicts[4] == "missing" and verdicts[5] == "missing", verdicts


def test_promotion_to_the_groups_own_subsidiaries_is_not_promotion_to_smes(fake_ctx: Context, tmp_path: Path) -> None:
    """于2025年6月至11月将…推广至集团所属…5家子公司 is done (将 is 把 here) but reaches no SME or peer outside the group
    (evals/review_dev5.yaml rd7-01): missing."""
    assert _statuses(fake_ctx, tmp_path, "# 四、试点经验推广\n\n集团科技管理部于2025年6月至11月将乘用车公司的标准群应用经验推广至集团所属商用车公司、"
                  "专用车公司等5家子公司，组织现场观摩4次，培训各子公司技术人员320人次。\n")[4] == "missing"


def test_glyph_drawn_numbers_appendix_pages_and_pointers_to_read_pages(fake_ctx: Context, tmp_path: Path) -> None:
    """evals/review_dev6.yaml, in new words: in a PDF drawn glyph by glyph, a number after a Chinese full stop
    (；GB/T 40659—2021) is read whole, not as the cells "G | B/T"; an appendix page (附：…) is no part of the
    section before it, so its organisation table is no evidence of a case; a graduate team (研究生团队) writing the
    pilot's own case is no false friend of "research into others' cases"; a contents line that names a page that
    was read (五、案例（第2页）) is no pointer to the unread page; a named system the pilot built (建成“…系统”) is a
    solution; and a plain-spoken session for named small firms (给本地6家小厂讲了…) is promotion."""
    from assistant.evaluation.review import independent_builder

    build = independent_builder()
    recipe = {"id": "glyphs", "stage": "acceptance", "format": "pdf", "producer": "reportlab-per-char",
              "title": "某电缆企业标准应用试点验收报告", "blocks": [
                  {"heading": "一、标准群应用情况"},
                  {"paragraph": "标准群以GB/T 37393—2019为核心，共5项；GB/T 40659—2021用于护套表面缺陷在线检测，漏检率由3.1%"
                                "降至0.6%；GB/T 38159—2019用于线盘追溯，查询时间由2小时缩短至5分钟。"},
                  {"heading": "二、解决方案"},
                  {"paragraph": "建成“电缆线盘追溯与质量放行系统”，2025年6月上线运行，覆盖全部6条护套线。"},
                  {"heading": "三、推广"},
                  {"paragraph": "2025年9月，我们在挤出车间给本地6家小厂讲了线盘追溯的做法，看了现场，一共来了25人。"},
                  {"heading": "四、标准应用案例"},
                  {"paragraph": "校企研究生团队正在撰写本项目的标准应用案例，拟投稿行业期刊。"},
                  {"filler_pages": 1, "topic": "org"}]}
    result = review_file(fake_ctx, build(recipe, tmp_path), "acceptance")
    assert {"GB/T 40659—2021", "GB/T 38159—2019", "GB/T 37393—2019"} <= {c.normalized for c in result.citations}
    verdicts = {r.id: r for r in result.requirements}
    assert verdicts[3].status == "covered" and verdicts[4].status == "covered", verdicts
    assert verdicts[5].status == "partial", verdicts[5]
    assert all("案例" in e.quote for e in verdicts[5].evidence), verdicts[5].evidence

    contents = {"id": "contents", "stage": "acceptance", "format": "pdf", "producer": "wps", "title": "验收报告",
                "blocks": [{"paragraph": "目录：一、标准群应用情况（第1页）；二、案例（第2页）；附件1：推广证明（第3页，扫描件）"},
                           {"heading": "一、标准群应用情况"},
                           {"paragraph": "按GB/T 37393—2019建设数字化车间，设备联网率由42%提高到96%。"},
                           {"page_break": True}, {"heading": "二、案例"},
                           {"paragraph": "项目组参考了行业协会编印的优秀案例汇编中的12个案例。"},
                           {"scanned_page": ["附件1 推广证明", "2025年6月 现场会 18家企业"]}]}
    verdicts = {r.id: r.status for r in review_file(fake_ctx, build(contents, tmp_path), "acceptance").requirements}
    assert verdicts[5] == "missing" and verdicts[4] == "unreadable", verdicts


def test_a_promotion_section_about_sales_only_is_missing_and_a_vague_promise_of_the_pilots_experience_partial(
        fake_ctx: Context, tmp_path: Path) -> None:
    """evals/review_dev6.yaml, in new words: under a heading that names promotion, text about trade fairs, visiting
    customers and new dealers shares the word but not the deliverable: missing, not partial. "将适时向同行推广
    试点做法" is vague but speaks of the pilot's own experience: partial at application."""
    path = make_document(tmp_path / "sales.docx", [
        ("五、推广工作", ["2025年4月，公司参加汉诺威工业博览会，展出新一代伺服压力机。",
                      "全年接待客户来访32批次，向客户推介公司数字化车间成果，新增海外代理商6家。"])])
    assert {r.id: r.status for r in review_file(fake_ctx, path).requirements}[4] == "missing"
    path = make_document(tmp_path / "vague.docx", [("五、推广计划", ["试点期间，公司将适时向同行推广试点做法。"])])
    assert {r.id: r.status for r in review_file(fake_ctx, path, "application").requirements}[4] == "partial"


def test_an_application_plan_naming_the_standard_is_planned_and_plans_are_no_gaps(fake_ctx: Context,
                                                                                   tmp_path: Path) -> None:
    """Tried as a reviewer on a fresh application: a revision suggestion planned for a named standard
    (拟对GB/T 19892.1提出…修订建议) with a dated 立项建议 is a concrete plan; and the summary's "需要补充的是" lists
    only what is short of a plan, not the requirements already planned."""
    path = make_document(tmp_path / "app.docx", [
        ("三、标准化工作计划", ["计划在试点期内对GB/T 19892.1—2005提出在印染行业应用的修订建议；",
                          "同时拟于2027年3月前向中国纺织工业联合会提出《印染企业染色工序数据采集规范》团体标准立项建议。"]),
        ("五、推广计划", ["公司将积极向行业推广试点经验。"])])
    result = review_file(fake_ctx, path, "application")
    verdicts = {r.id: r.status for r in result.requirements}
    assert verdicts[2] == "planned" and verdicts[4] == "partial", verdicts
    gaps = result.summary.split("需要补充的是")[1].split("；")[0]
    assert "要求4" in gaps and "要求2" not in gaps, gaps


def test_a_product_standard_outside_the_listed_group_is_no_application_of_it(fake_ctx: Context,
                                                                               tmp_path: Path) -> None:
    """evals/review_dev6.yaml rd8-12, in new words: "产品按GB/T 5023.1—2008组织生产" in the company profile cites a
    product standard outside the group the submission lists; it is no evidence of how the group was applied.
    A done sentence about a member still is."""
    intro = ("一、企业情况", ["公司主要生产电线电缆，产品按GB/T 5023.1—2008组织生产，有生产线14条。"])
    group = ("二、标准群", ["标准群共5项：GB/T 39116—2020、GB/T 23001—2017、GB/T 37393—2019、GB/T 42127—2022、"
                        "GB/T 25485—2010。"])
    verdicts = {r.id: r.status for r in review_file(fake_ctx, make_document(tmp_path / "a.docx", [intro, group]),
                                                    "acceptance").requirements}
    assert verdicts[1] == "partial", verdicts
    done = ("三、标准群应用情况", ["按GB/T 37393—2019完成挤塑车间数字化改造，设备联网率由40%提高到95%。"])
    verdicts = {r.id: r.status for r in review_file(fake_ctx, make_document(tmp_path / "b.docx", [intro, group, done]),
                                                    "acceptance").requirements}
    assert verdicts[1] == "covered", verdicts


def test_a_plan_table_per_member_with_wrapped_cells_is_planned_and_a_denied_deliverable_missing(
        fake_ctx: Context, tmp_path: Path) -> None:
    """evals/review_dev6.yaml rd8-06, in new words: an application drawn glyph by glyph whose plan table
    (标准编号 | 实施内容 | 计划时间) wraps long cells onto lines of their own; each wrap is the rest of its row's text
    cell, the rows keep their header, and a row per member with what and when is a concrete plan. "本项目不涉及标准
    修订和新标准立项" denies the deliverable itself: missing, not planned."""
    from assistant.evaluation.review import independent_builder

    recipe = {"id": "plan-table", "stage": "application", "format": "pdf", "producer": "reportlab-per-char",
              "title": "某制药企业标准应用试点申报书", "blocks": [
                  {"heading": "二、标准群实施计划"},
                  {"table": {"header": ["标准编号", "实施内容", "计划时间"], "rows": [
                      ["GB/T 19892.4—2022", "电子批生产记录系统建设，覆盖全部固体制剂品种和全部包装线", "2026年9月"],
                      ["GB/T 25485—2010", "MES功能规划与建设", "2026年12月"],
                      ["GB/T 42029—2022", "与原料药供应商之间的工业数据空间建设及数据交换", "2027年6月"],
                      ["GB/T 34945—2017", "工艺数据溯源描述", "2027年3月"]]}},
                  {"heading": "三、标准修订与立项建议"},
                  {"paragraph": "本项目不涉及标准修订和新标准立项。"}]}
    result = review_file(fake_ctx, independent_builder()(recipe, tmp_path), "application")
    verdicts = {r.id: r.status for r in result.requirements}
    assert verdicts[1] == "planned" and verdicts[2] == "missing", verdicts
    assert {"GB/T 19892.4—2022", "GB/T 42029—2022"} <= {c.normalized for c in result.citations}


def test_a_bought_guide_is_missing_even_beside_a_scanned_page_and_a_convened_meeting_is_done(
        fake_ctx: Context, tmp_path: Path) -> None:
    """evals/review_dev6.yaml rd8-02, in new words: "为规范试点实施，购买了某协会发布的《…指南》并遵照执行" is
    someone else's guide (为规范 is a verb, not a 规范 the pilot formed); read, it answers requirement 3 as missing,
    even though another page is a scan and the section's heading names the deliverable. "2025年9月，集团召开…现场会，
    面向省内中小企业介绍…标准应用做法" reports a promotion held."""
    from assistant.evaluation.review import independent_builder

    recipe = {"id": "bought", "stage": "acceptance", "format": "pdf", "producer": "wps", "title": "某集团验收报告",
              "blocks": [
                  {"heading": "一、标准群应用情况"},
                  {"paragraph": "按GB/T 23331—2020建立能源管理体系，吨熟料综合能耗由112千克标准煤降至104千克标准煤。"},
                  {"heading": "四、实施指南"},
                  {"paragraph": "为规范试点实施，集团购买了某行业协会发布的《水泥工厂智能化建设指南》，并在建设中遵照执行。"},
                  {"heading": "五、经验推广"},
                  {"paragraph": "2025年9月，集团召开全省水泥行业标准应用现场会，面向省内16家中小水泥企业介绍能源计量的标准应用做法。"},
                  {"scanned_page": ["附件 标准修订建议函", "（盖章）"]}]}
    verdicts = {r.id: r.status for r in review_file(fake_ctx, independent_builder()(recipe, tmp_path)).requirements}
    assert verdicts[3] == "missing" and verdicts[4] == "covered", verdicts


def test_an_exhortation_is_no_plan_and_a_rollout_on_own_lines_leaves_an_unread_page_open(fake_ctx: Context,
                                                                                         tmp_path: Path) -> None:
    """evals/review_dev6.yaml rd8-04 and rd8-08, in new words: "鼓励会员企业…积极形成案例" exhorts, it plans
    nothing (partial at application). "将…经验逐步推广到本厂二期生产线" is no promotion to other enterprises; said
    outside the promotion section while that section's page is unreadable, the verdict stays 无法判断."""
    path = make_document(tmp_path / "app.docx", [("六、案例", ["鼓励会员企业总结标准应用经验，积极形成案例。"])])
    assert {r.id: r.status for r in review_file(fake_ctx, path, "application").requirements}[5] == "partial"
    from assistant.evaluation.review import independent_builder

    recipe = {"id": "own-lines", "stage": "acceptance", "format": "pdf", "producer": "libreoffice",
              "title": "某轮胎企业验收报告", "blocks": [
                  {"heading": "一、标准群应用情况"},
                  {"paragraph": "按GB/T 37393—2019完成硫化车间数字化改造，硫化工序一次合格率由97.1%提高到99.0%。"},
                  {"page_break": True}, {"heading": "四、推广情况"},
                  {"paragraph": "2025年6月，协会组织省内12家中小轮胎企业到公司现场观摩。"},
                  {"page_break": True}, {"heading": "六、下一步工作"},
                  {"paragraph": "联合体将把硫化工序数据采集的经验逐步推广到本厂二期生产线。"}],
              "corrupt_text_layer": {"mode": "pua", "pages": [2]}}
    verdicts = {r.id: r.status for r in review_file(fake_ctx, independent_builder()(recipe, tmp_path)).requirements}
    assert verdicts[4] == "unreadable", verdicts


def test_revising_an_own_enterprise_standard_is_no_new_standard_proposal(fake_ctx: Context, tmp_path: Path) -> None:
    """evals/review_dev4.yaml rd6-12, in new words: "已完成企业标准Q/…的修订" names a level, but it revises an
    existing enterprise standard; it is not the 新标准立项建议 half, so with a national revision suggestion alone
    requirement 2 is partial, not covered."""
    path = make_document(tmp_path / "a.docx", [("三、标准修订与立项建议", [
        "2025年8月已向全国工业过程测量控制和自动化标准化技术委员会提交GB/T 25485—2010的修订建议（补充电梯行业应用示例）。",
        "2025年9月已完成企业标准Q/HZTH 003—2023《电梯远程监测终端技术条件》的修订。"])])
    assert {r.id: r.status for r in review_file(fake_ctx, path).requirements}[2] == "partial"


def test_plain_spoken_admissions_are_negations(fake_ctx: Context, tmp_path: Path) -> None:
    """evals/review_dev7.yaml rd9-02, in new words: "国家标准、行业标准我们没提修订意见；新标准的立项建议也没弄" is
    an admission, so requirement 2 is missing, not partial."""
    path = make_document(tmp_path / "a.docx", [("标准修订和立项建议", [
        "这一块我们做得少。国家标准、行业标准我们厂小，没提修订意见；新标准的立项建议也没弄。"])])
    assert {r.id: r.status for r in review_file(fake_ctx, path).requirements}[2] == "missing"


def test_a_qa_report_an_admission_with_a_promise_and_the_applicants_own_smes(fake_ctx: Context, tmp_path: Path) -> None:
    """evals/review_dev7.yaml, in new words: in a report that answers the five items as questions, a question
    (问4：是否…推广了试点经验？) heads its answer and is no evidence itself; at acceptance "暂未对外推广" under the
    promotion heading with only a promise beside it is missing; "其中中小企业6家" describes the applicants."""
    qa = make_document(tmp_path / "qa.docx", [("考核问答", [
        "问2：是否提出了国家、行业标准的修订建议和新的标准立项建议？", "答：本项目不涉及标准修订。",
        "问4：是否面向中小企业和同行业推广了试点经验？",
        "答：是。同年10月，为3家中小精酿企业免费提供批控制处方模板，并派工程师到厂现场指导。"])])
    verdicts = {r.id: r.status for r in review_file(fake_ctx, qa).requirements}
    assert verdicts[2] == "missing" and verdicts[4] == "covered", verdicts
    promise = make_document(tmp_path / "p.docx", [("五、试点经验推广情况", [
        "受保密要求限制，本项目试点经验暂未对外推广。", "公司拟于2026年上半年通过行业协会面向中小企业开展经验交流。"])])
    assert {r.id: r.status for r in review_file(fake_ctx, promise).requirements}[4] == "missing"
    own = make_document(tmp_path / "o.docx", [("五、推广计划", [
        "8家企业均为园区入驻的玻璃深加工企业，其中中小企业6家。"])])
    assert {r.id: r.status for r in review_file(fake_ctx, own, "application").requirements}[4] != "covered"


def test_a_member_list_with_titles_is_partial_at_application_and_a_vague_industry_rollout_partial(
        fake_ctx: Context, tmp_path: Path) -> None:
    """evals/review_dev7.yaml rd9-11, in new words: "本项目拟应用的标准群由以下5项标准组成：GB/T 20720.1—2019《企业
    控制系统集成…》…" lists members; a standard's own title (…系统…) says nothing of applying it, so at application it
    is partial, not planned. "试点取得成效后，适时在行业内推广" is a vague promise of promotion: partial, not missing."""
    path = make_document(tmp_path / "a.docx", [
        ("一、标准群", ["本项目拟应用的标准群由以下5项标准组成：GB/T 19892.1—2005《批控制 第1部分：模型和术语》、"
                     "GB/T 20720.1—2019《企业控制系统集成 第1部分：模型和术语》、GB/T 25485—2010《工业自动化系统与集成 "
                     "制造执行系统功能体系结构》、GB/T 38159—2019《重要产品追溯 追溯体系通用要求》、GB/T 23331—2020"
                     "《能源管理体系 要求及使用指南》。"]),
        ("四、推广计划", ["试点取得成效后，适时在行业内推广。"])])
    verdicts = {r.id: r.status for r in review_file(fake_ctx, path, "application").requirements}
    assert verdicts[1] == "partial" and verdicts[4] == "partial", verdicts


def test_an_answer_that_points_back_to_a_named_thing_takes_its_evidence(fake_ctx: Context, tmp_path: Path) -> None:
    """evals/review_dev7.yaml rd9-05, in new words: "答：见问1答复中的“质量追溯平台”" answers the solution question
    with a platform the first answer describes as built; that description is the evidence."""
    path = make_document(tmp_path / "qa.docx", [("考核问答", [
        "问1：是否提供了“标准群”的应用情况材料？",
        "答：是。依据上述标准，公司建成“质量追溯平台”，2025年3月上线，覆盖全部6条灌装线。",
        "问3：是否形成了标准应用实施指南或解决方案？", "答：见问1答复中的“质量追溯平台”。"])])
    assert {r.id: r.status for r in review_file(fake_ctx, path).requirements}[3] == "covered"


def test_cover_fields_internal_rollouts_and_official_visits_are_no_promotion(fake_ctx: Context, tmp_path: Path) -> None:
    """evals/review_dev9.yaml rd11-14, rd11-08 and rd11-01, in new words. A cover's 项目名称 that names SMEs (glued to the
    title in a PDF) reports nothing; "在华纸集团内部推广" and "复制到集团内的两家兄弟工厂" stay inside the group;
    "接待省市领导考察" is no promotion either. With nothing else under 推广, requirement 4 is missing; a peer visit
    named after an internal roll-out still counts."""
    from assistant.evaluation.review import independent_builder

    blocks = [{"paragraph": "项目名称：造纸行业中小企业设备互联公共服务平台标准应用试点"},
              {"paragraph": "申报方向：智能制造供给能力提升——系统集成服务类"},
              {"heading": "一、标准群应用情况"},
              {"paragraph": "按GB/T 37393—2019完成了12台纸机的数据采集，纸病在线检出率由82%提高到96%。"},
              {"heading": "四、经验推广情况"},
              {"paragraph": "试点做法已在华纸集团内部推广，并复制到集团内的两家兄弟工厂。试点车间接待省、市领导考察18批次。"}]
    recipe = {"id": "inner", "stage": "acceptance", "format": "pdf", "producer": "reportlab",
              "title": "某纸业公司试点验收报告", "blocks": blocks}
    verdicts = {r.id: r.status for r in review_file(fake_ctx, independent_builder()(recipe, tmp_path)).requirements}
    assert verdicts[4] == "missing", verdicts
    blocks[-1] = {"paragraph": "试点做法复制到集团内的两家兄弟工厂后，又组织省内9家中小造纸企业到现场观摩交流。"}
    verdicts = {r.id: r.status for r in review_file(fake_ctx, independent_builder()(recipe, tmp_path / "b")).requirements}
    assert verdicts[4] == "covered", verdicts


def test_a_pointer_to_the_next_or_a_named_page_that_could_not_be_read_is_unreadable(fake_ctx: Context,
                                                                                    tmp_path: Path) -> None:
    """evals/review_dev10.yaml rd12-11, in new words: "案例的题目和内容见下页。" and "推广活动见第2页" with page 2's text
    layer broken: the answer lies where nothing could be read, so 无法判断, not partial on the pointer and heading."""
    from assistant.evaluation.review import independent_builder

    recipe = {"id": "next-page", "stage": "acceptance", "format": "pdf", "producer": "wps", "title": "某轮胎企业验收报告",
              "corrupt_text_layer": {"mode": "fffd", "pages": [2]}, "blocks": [
                  {"heading": "一、标准群应用情况"},
                  {"paragraph": "按GB/T 37393—2019完成了86台硫化机的数据采集，硫化工艺执行偏差率由3.1%降到0.6%。"},
                  {"heading": "四、经验推广"},
                  {"paragraph": "面向同行业的推广活动见第2页。"},
                  {"heading": "五、标准应用案例"},
                  {"paragraph": "案例的题目和内容见下页。"},
                  {"page_break": True},
                  {"paragraph": "2026年6月组织省内11家中小轮胎企业现场观摩；形成案例《硫化车间数据采集标准群应用》。"}]}
    verdicts = {r.id: r.status for r in review_file(fake_ctx, independent_builder()(recipe, tmp_path)).requirements}
    assert verdicts[4] == "unreadable" and verdicts[5] == "unreadable", verdicts


def test_revising_an_own_enterprise_standard_and_an_rd_programme_are_no_standard_suggestions(fake_ctx: Context,
                                                                                            tmp_path: Path) -> None:
    """evals/review_dev10.yaml rd12-09 (and dev4 rd6-12, dev7 rd9-02), in new words: "修订企业标准Q/…" is neither a
    national/industry revision nor a new standard, and "申报省重点研发计划立项" is an R&D programme; a paragraph of
    nothing else, at acceptance, leaves requirement 2 missing, not partial."""
    from assistant.evaluation.review import independent_builder

    recipe = {"id": "own-std", "stage": "acceptance", "format": "docx", "producer": "word", "title": "某线缆企业验收报告",
              "blocks": [
                  {"heading": "一、标准群应用情况"},
                  {"paragraph": "按GB/T 37393—2019完成了40台挤塑机的数据采集，火花击穿次数由每月19次降到4次。"},
                  {"heading": "二、标准化工作"},
                  {"paragraph": "2025年10月，公司修订了企业标准Q/XL 0311—2023《电缆挤塑工艺规范》，增加在线测径数据的记录要求。"
                                "2026年3月，公司以“高压电缆绝缘在线监测关键技术”为题申报了省重点研发计划立项。"}]}
    verdicts = {r.id: r.status for r in review_file(fake_ctx, independent_builder()(recipe, tmp_path)).requirements}
    assert verdicts[2] == "missing", verdicts


def test_a_plan_for_when_the_time_comes_is_vague_and_training_named_staff_is_internal(fake_ctx: Context,
                                                                                     tmp_path: Path) -> None:
    """evals/review_dev10.yaml rd12-15, in new words: at application "试点后期择机总结形成典型案例" says neither what nor
    when (partial, not planned); "每年对公司设备维修人员开展数据采集培训3期" trains the company's own people, so a 推广
    section of nothing else is missing."""
    from assistant.evaluation.review import independent_builder

    recipe = {"id": "vague", "stage": "application", "format": "docx", "producer": "word", "title": "某农机企业申报书",
              "blocks": [
                  {"heading": "（五）推广"},
                  {"paragraph": "每年对公司设备维修人员开展数据采集培训3期。"},
                  {"heading": "（六）标准应用案例"},
                  {"paragraph": "试点后期择机总结形成典型案例。"}]}
    verdicts = {r.id: r.status for r in review_file(fake_ctx, independent_builder()(recipe, tmp_path),
                                                   "application").requirements}
    assert verdicts[4] == "missing" and verdicts[5] == "partial", verdicts


def test_an_inline_enumerated_label_heads_the_rest_of_its_paragraph(fake_ctx: Context, tmp_path: Path) -> None:
    """evals/review_dev10.yaml rd12-05, in new words: a briefing without headings, "三是实施指南。本公司参照某协会发布
    的《…指南》推进改造。": the label names requirement 3 and the rest of its paragraph is someone else's guide, so the
    requirement is missing, not partial on the label."""
    from assistant.evaluation.review import independent_builder

    recipe = {"id": "label", "stage": "acceptance", "format": "docx", "producer": "wps", "title": "某造纸企业工作简报",
              "blocks": [
                  {"paragraph": "一是标准群应用。按GB/T 37393—2019完成两台纸机的数据采集，吨纸汽耗由1.9吨降到1.6吨。"},
                  {"paragraph": "三是实施指南。本公司购买了某协会发布的《造纸企业数字化车间建设指南》，各车间遵照执行。"}]}
    verdicts = {r.id: r.status for r in review_file(fake_ctx, independent_builder()(recipe, tmp_path)).requirements}
    assert verdicts[3] == "missing", verdicts


def test_at_application_a_step_taken_for_a_dated_plan_is_part_of_the_plan(fake_ctx: Context, tmp_path: Path) -> None:
    """evals/review_dev10.yaml rd12-12, in new words: "2027年5月起在宁波举办3期免费公开课…；已落实6家中小模具企业
    报名参加" at application: the enrolment prepares a course still to come, so requirement 4 is planned, not covered."""
    from assistant.evaluation.review import independent_builder

    recipe = {"id": "prep", "stage": "application", "format": "docx", "producer": "word", "title": "某模具企业申报书",
              "blocks": [
                  {"heading": "五、推广计划"},
                  {"paragraph": "2027年5月起在宁波举办3期免费公开课，介绍按标准群实施模具协同设计的做法；已落实6家中小模具企业"
                                "报名参加。"}]}
    verdicts = {r.id: r.status for r in review_file(fake_ctx, independent_builder()(recipe, tmp_path),
                                                   "application").requirements}
    assert verdicts[4] == "planned", verdicts


def test_following_a_published_casebook_and_customers_listings_are_no_case(fake_ctx: Context, tmp_path: Path) -> None:
    """evals/review_dev10.yaml rd12-12, in new words: "将参照某研究院编印的《…优秀案例选编》中的案例做法指导客户" follows
    someone else's cases, and "客户中有5家入选省级智能工厂" is an honour: nothing plans the pilot's own case."""
    from assistant.evaluation.review import independent_builder

    recipe = {"id": "casebook", "stage": "application", "format": "md", "producer": "markdown", "title": "某集成商申报书",
              "blocks": [
                  {"heading": "6. 标准应用案例"},
                  {"paragraph": "试点中，公司将参照某研究院编印的《离散制造数字化转型优秀案例选编》中的案例做法，指导客户实施。"
                                "公司客户中有5家入选省级智能工厂。"}]}
    verdicts = {r.id: r.status for r in review_file(fake_ctx, independent_builder()(recipe, tmp_path),
                                                   "application").requirements}
    assert verdicts[5] == "missing", verdicts


def test_a_named_data_middle_platform_with_its_modules_is_a_formed_solution(fake_ctx: Context, tmp_path: Path) -> None:
    """evals/review_dev10.yaml rd12-13, in new words: "建成“轮胎工厂数据中台”，包括…四个模块，…上线运行" under 解决方案
    is a named platform the pilot formed: covered (中台 was no deliverable word)."""
    from assistant.evaluation.review import independent_builder

    recipe = {"id": "midplatform", "stage": "acceptance", "format": "docx", "producer": "word", "title": "某企业验收报告",
              "blocks": [
                  {"heading": "三、解决方案"},
                  {"paragraph": "依据标准群，公司建成“轮胎工厂数据中台”，包括密炼、压延、成型、硫化四个数据模块，按表1第2至6项标准"
                                "统一数据口径，2026年4月上线运行，接入设备312台。"}]}
    verdicts = {r.id: r.status for r in review_file(fake_ctx, independent_builder()(recipe, tmp_path)).requirements}
    assert verdicts[3] == "covered", verdicts
