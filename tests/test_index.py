"""The hybrid index: incremental builds, generations, fusion and exact-number boosting."""
from __future__ import annotations

import json

import pytest
from conftest import HashEmbedder

from assistant.errors import InputError
from assistant.index import MANIFEST, Manifest, build_index
from assistant.retrieve import Retriever, fuse, open_retriever


def test_rrf_rewards_agreement():
    scores = fuse([["a", "b", "c"], ["b", "a", "d"]])
    assert sorted(scores, key=lambda k: -scores[k])[:2] in (["a", "b"], ["b", "a"])
    assert scores["a"] == pytest.approx(1 / 61 + 1 / 62)
    assert scores["d"] < scores["c"] + 1e-12 or scores["d"] == pytest.approx(1 / 63)


def test_build_then_incremental(settings, tmp_path):
    embedder = HashEmbedder()
    first = build_index(settings, embedder)
    assert first.chunks > 200 and first.embedded == first.chunks and first.reused == 0
    calls = embedder.calls
    second = build_index(settings, embedder)
    assert second.embedded == 0 and second.reused == first.chunks
    assert embedder.calls == calls, "unchanged sources are not embedded again"
    assert second.generation == first.generation + 1

    extra = tmp_path / "extra.txt"
    extra.write_text("一、推广情况\n我们举办了三场面向中小企业的标准宣贯会。", encoding="utf-8")
    third = build_index(settings, embedder, [extra])
    assert third.embedded == 1 and third.reused == first.chunks
    fourth = build_index(settings, embedder)
    assert fourth.embedded == 0 and fourth.chunks == third.chunks, "files added earlier stay indexed"
    extra.write_text("一、推广情况\n改过的内容。", encoding="utf-8")
    assert build_index(settings, embedder).embedded == 1, "a changed file is re-embedded alone"
    extra.unlink()
    assert build_index(settings, embedder).chunks == first.chunks, "a deleted file leaves the index"


def test_only_two_generations_are_kept(settings):
    embedder = HashEmbedder()
    for _ in range(4):
        report = build_index(settings, embedder)
    files = sorted(p.name for p in settings.index_dir.glob("chunks_g*.jsonl"))
    assert files == [f"chunks_g{report.generation - 1}.jsonl", f"chunks_g{report.generation}.jsonl"]


def test_model_change_rebuilds_everything(settings):
    build_index(settings, HashEmbedder())

    class Other(HashEmbedder):
        name = "another-model"

    report = build_index(settings, Other())
    assert report.reused == 0 and report.embedded == report.chunks
    assert any("全部重建" in w for w in report.warnings)
    assert Manifest.read(settings.index_dir).model == "another-model"


def test_corrupt_manifest_is_rebuilt_with_a_message(settings):
    build_index(settings, HashEmbedder())
    (settings.index_dir / MANIFEST).write_text("{not json", encoding="utf-8")
    report = build_index(settings, HashEmbedder())
    assert report.reused == 0 and any("损坏" in w for w in report.warnings)


def test_missing_extra_path_is_an_input_error(settings, tmp_path):
    with pytest.raises(InputError, match="文件不存在"):
        build_index(settings, HashEmbedder(), [tmp_path / "nope.pdf"])


def test_search_finds_exact_numbers_first(fake_ctx):
    retriever = fake_ctx.retriever()
    for query in ["GB/T39116-2020", "ＧＢ／Ｔ　３９１１６", "GB/T 39116—2020 的等级"]:
        top = retriever.search(query, k=3)[0]
        assert top.source == "standards/catalog.yaml" and top.location == "GB/T 39116—2020", query
    plan = retriever.search("20202868-T-339", k=1)[0]
    assert plan.location == "20202868—T—339"


def test_search_filters_by_doc_type(fake_ctx):
    hits = fake_ctx.retriever().search("中小企业推广", k=8, doc_types=["requirement"])
    assert hits and {h.doc_type for h in hits} == {"requirement"}


def test_search_modes_differ_but_all_answer(fake_ctx):
    retriever = fake_ctx.retriever()
    for mode in ("hybrid", "dense", "bm25"):
        assert retriever.search("远程运维 预测性维护", k=5, mode=mode)


def test_retriever_refreshes_when_the_corpus_changes(settings, tmp_path):
    import shutil

    corpus = tmp_path / "corpus"
    shutil.copytree(settings.corpus_dir, corpus)
    settings = settings.model_copy(update={"corpus_dir": corpus})
    embedder = HashEmbedder()
    before = len(open_retriever(settings, embedder))
    case = corpus / "cases" / "case-example-new-tech.yaml"
    case.write_text(case.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # any byte change counts
    gen_before = Manifest.read(settings.index_dir).generation
    after = open_retriever(settings, embedder)
    assert len(after) == before and Manifest.read(settings.index_dir).generation == gen_before + 1


def test_damaged_chunk_file_is_detected_and_rebuilt(settings):
    embedder = HashEmbedder()
    build_index(settings, embedder)
    manifest = Manifest.read(settings.index_dir)
    path = settings.index_dir / f"chunks_g{manifest.generation}.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[: len(lines) // 2]) + "\n", encoding="utf-8")
    with pytest.raises(Exception):
        Retriever(settings, embedder, manifest)
    retriever = open_retriever(settings, embedder)
    assert len(retriever) == len(lines)
    assert json.loads((settings.index_dir / MANIFEST).read_text())["generation"] > manifest.generation


def test_a_reader_keeps_working_while_the_index_is_rebuilt(settings):
    embedder = HashEmbedder()
    reader = open_retriever(settings, embedder)
    before = [h.id for h in reader.search("远程运维", k=5)]
    build_index(settings, embedder, rebuild=True)
    assert [h.id for h in reader.search("远程运维", k=5)] == before, "the previous generation stays readable"


def test_repeated_passages_are_shown_once(fake_ctx):
    hits = fake_ctx.retriever().search("公开来源未载明本项目采用的标准", k=10)
    texts = [" ".join(h.text.split()) for h in hits]
    assert len(texts) == len(set(texts)) == 10


def test_an_entry_for_another_industry_or_region_ranks_after_the_rest(real_ctx):
    """A catalog entry written for some industries or regions (预拌混凝土 智能工厂评价) ranks after every other hit
    unless the query names one of its words or its number — the rule suggest and draft already apply — so a
    concrete plant's group standard does not top a search for 智能工厂评价要求 (real index, real model)."""
    retriever = real_ctx.retriever()
    concrete = {"T/CBMF 89—2020", "T/CCPA 16—2020"}
    generic = [h.location for h in retriever.search("智能工厂评价要求", k=5, doc_types=["standard"])]
    assert not concrete & set(generic), generic
    assert generic[0] == "GB/T 46734—2025"
    named = [h.location for h in retriever.search("预拌混凝土 智能工厂评价", k=3, doc_types=["standard"])]
    assert named[0] in concrete, named
    by_number = [h.location for h in retriever.search("T/CCPA 16 智能工厂", k=3, doc_types=["standard"])]
    assert by_number[0] == "T/CCPA 16—2020", by_number
