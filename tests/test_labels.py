"""Sources as people name them, and the search relevance floor (real model: the floor was measured with it)."""
from __future__ import annotations

import re

import pytest
from conftest import REPO

from assistant.context import Context
from assistant.corpus import load_corpus
from assistant.labels import source_label

CORPUS = load_corpus(REPO / "corpus")


@pytest.mark.parametrize(("source", "location", "label"), [
    ("standards/catalog.yaml", "GB/T 39116—2020", "标准目录《智能制造能力成熟度模型》（GB/T 39116—2020，现行）"),
    ("standards/catalog.yaml", "GB/T 1—1999", "标准目录 GB/T 1—1999"),
    ("plan/plan.txt", "第21行起", "试点方案 二、试点内容（一）2"),
    ("plan/plan.txt", "第1行起", "试点方案"),
    ("requirements/rubric.yaml", "要求1", "试点方案 三、试点考核 要求1：标准群应用情况材料"),
    ("cases/case-example-smart-factory.yaml", "二、标准群构成",
     "示例案例（虚构，仅作示意）《开关设备数字化车间标准群应用（示例）》 二、标准群构成"),
    ("/data/uploads/0123456789ab_企业内部规范.txt", "第2段", "上传文档《企业内部规范.txt》 第2段"),
])
def test_source_label(source: str, location: str, label: str):
    assert source_label(source, location, CORPUS) == label


def test_every_corpus_chunk_gets_a_label_without_plumbing(fake_ctx: Context):
    retriever = fake_ctx.retriever()
    for record in retriever.records:
        label = source_label(record["source"], record["location"], CORPUS)
        assert label and ".yaml" not in label and "plan.txt" not in label and "uploads" not in label, label
        assert not re.search(r"第\d+行", label), label


def test_public_case_label_names_its_public_source():
    case = next(c for c in CORPUS.cases if c.kind == "public")
    label = source_label(f"cases/{case.id}.yaml", "概要", CORPUS)
    assert label.startswith(f"公开案例《{case.title}》") and "概要" not in label


@pytest.mark.integration
def test_search_says_when_nothing_is_relevant(real_ctx: Context):
    retriever = real_ctx.retriever()
    for query in ("红烧肉的家常做法", "how to bake sourdough bread"):
        assert not retriever.relevant(query, retriever.search(query, k=10)), query
    for query in ("数字化车间", "GB/T 39116", "卖出去的设备远程看运行状态，出故障前就派人上门"):
        assert retriever.relevant(query, retriever.search(query, k=10)), query


def test_query_tokens_without_the_full_dictionary_match_jieba(tmp_path):
    """The lazy SQLite dictionary segments exactly as the loaded one (checked in a fresh process)."""
    import json
    import subprocess
    import sys

    from assistant import tokenize as tk

    texts = ["数字化车间 设备联网与质量追溯", "能源管理", "GB/T 39116 成熟度评估", "卖出去的设备远程看运行状态"]
    expected = [tk.tokenize(t) for t in texts]
    tk._write_dictionary(tmp_path)
    code = ("import json,sys; from pathlib import Path; from assistant import tokenize as tk; "
            f"out=[tk.tokenize_query(t, Path({str(tmp_path)!r})) for t in {texts!r}]; "
            "print(json.dumps([out, tk._jieba.cache_info().currsize]))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=300)
    got, full_loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got == expected and full_loaded == 0
