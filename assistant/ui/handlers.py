"""UI callbacks: each calls one core function and formats its result; errors become readable messages."""
from __future__ import annotations

import functools
import inspect
import logging
import queue
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import gradio as gr
import pandas as pd

from assistant.context import Context
from assistant.errors import AssistantError
from assistant.ui import format as fmt
from assistant.ui.files import display_name, export_pair, friendly_error, store_upload
from assistant.ui.memory import release_memory

log = logging.getLogger(__name__)
GENERIC_ERROR = "处理失败：发生内部错误，请重试；如反复出现请联系管理员查看服务日志"
AUTO_DIRECTION = "自动判断"
KINDS = {"申报书": "application", "实施指南": "guide", "典型案例": "case", "标准修订建议": "revision"}
STREAM_INTERVAL = 0.15  # seconds between screen updates while a draft streams in


def _user_error(exc: BaseException) -> gr.Error:
    if isinstance(exc, AssistantError):
        return gr.Error(fmt.esc(fmt.one_line(str(exc))), title="无法完成", print_exception=False)
    log.exception("UI callback failed")  # the trace goes to the server log, never to the page
    return gr.Error(GENERIC_ERROR, title="出错了", print_exception=False)


def guarded(fn: Callable) -> Callable:
    """Turn our errors into a one-line message in the page and anything else into a generic one."""
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def gen_wrapper(*args: Any, **kwargs: Any) -> Iterator[Any]:
            try:
                yield from fn(*args, **kwargs)
            except gr.Error:
                raise
            except Exception as exc:  # noqa: BLE001 - shown to the user as one line
                raise _user_error(exc) from None
            finally:
                release_memory()
        return gen_wrapper

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except Exception as exc:  # noqa: BLE001
            raise _user_error(exc) from None
        finally:
            release_memory()
    return wrapper


def gradio_progress(progress: gr.Progress) -> Callable[[float, str], None]:
    """Our progress callback signature (fraction, message) driving a Gradio progress bar."""
    return lambda fraction, message: progress(max(0.0, min(1.0, fraction)), desc=message)


def frame(rows: list[list[Any]], headers: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=headers)


def citation_table(citations: list[Any]):
    """The citation table with the rows that need action tinted red (Gradio renders a pandas Styler's colours)."""
    lines = fmt.citation_lines(citations)
    table = frame([fmt.citation_row(line) for line in lines], fmt.CITATION_HEADERS)
    flags = [line.needs_action for line in lines]
    if not any(flags):
        return table
    return table.style.apply(lambda row: ["background-color:#fce8e6;color:#202124" if flags[row.name] else ""] * len(row),
                             axis=1)


class _Stopped(Exception):
    """Raised inside the drafting thread when the page stopped listening (Stop button, closed tab)."""


class Handlers:
    """The callbacks of one app, bound to its Context."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._building: tuple[float, str] | None = None  # (fraction, message) while the first build runs

    def _track(self, progress: Callable[[float, str], None]) -> Callable[[float, str], None]:
        def update(fraction: float, message: str) -> None:
            self._building = (fraction, message)
            progress(fraction, message)
        return update

    def wait_for_index(self, progress: Any = None) -> Any:
        """The index; while the first build runs (started by the page load), wait for it with its progress."""
        while self._building is not None:
            fraction, message = self._building
            if progress is not None:
                progress(max(0.0, min(1.0, fraction)), desc=f"等待索引建立完成后自动继续（{message}）")
            time.sleep(0.3)
        return self.ctx.retriever()

    # ---- status ------------------------------------------------------------------------------------------

    @guarded
    def status(self, progress: gr.Progress = gr.Progress()) -> str:
        """The status line; builds the index first when there is none yet (with a progress bar)."""
        self._building = (0.0, "正在准备")
        try:
            retriever = self.ctx.retriever(self._track(gradio_progress(progress)))
        finally:
            self._building = None
        try:
            llm = self.ctx.llm
            backend = fmt.status_markdown(llm.name, llm.offline, len(retriever), self.ctx.embedder.name)
        except AssistantError as exc:  # a misconfigured LLM must not hide the rest of the page
            backend = fmt.status_markdown("", True, len(retriever), self.ctx.embedder.name)
            backend += f" ｜ ⚠️ 大模型配置有误：{fmt.md_text(fmt.one_line(str(exc)))}"
        return backend

    # ---- apply -------------------------------------------------------------------------------------------

    @guarded
    def suggest(self, scenario: str, direction: str | None, progress: gr.Progress = gr.Progress()) -> tuple:
        from assistant.suggest import suggest_group

        self.wait_for_index(progress)
        chosen = None if not direction or direction == AUTO_DIRECTION else direction
        result = suggest_group(self.ctx, (scenario or "").strip(), chosen)
        rows = fmt.group_rows(result.standards, self.ctx.corpus)
        return (fmt.suggestion_markdown(result), frame(rows, fmt.GROUP_HEADERS),
                fmt.checks_markdown(result.checks), result)

    @staticmethod
    def validate_scenario(scenario: str, direction: str | None) -> list:
        """Shown beside the scenario box (the suggestion is not run, the previous result stays)."""
        ok = bool((scenario or "").strip())
        return [gr.validate(ok, "请先描述试点场景：企业、行业和准备开展的标准应用场景。"), gr.validate(True, "")]

    @guarded
    def check(self, table: Any) -> str:
        from assistant.standards import check_group

        if not fmt.table_records(table):
            return ""
        rules = self.ctx.corpus.plan.group_rules
        checks = check_group(fmt.rows_to_members(table), self.ctx.corpus.catalog, rules.min_count, rules.max_count)
        return fmt.checks_markdown(checks)

    def edited_group(self, suggestion: Any, table: Any) -> Any:
        """The suggestion with the user's edits to the table applied (None when there is no suggestion)."""
        from assistant.standards import check_group

        if suggestion is None:
            return None
        known = {s.number: s for s in suggestion.standards}
        standards = []
        for row in fmt.rows_to_standards(table):
            base = known.get(row["number"])
            if base is not None:
                row = {**base.model_dump(), **{k: v for k, v in row.items() if v not in (None, "", [])}}
                row["sources"] = base.model_dump()["sources"]
            standards.append(row)
        rules = self.ctx.corpus.plan.group_rules
        members = fmt.rows_to_members(table)
        checks = check_group(members, self.ctx.corpus.catalog, rules.min_count, rules.max_count)
        data = {**suggestion.model_dump(), "standards": standards, "checks": checks.model_dump()}
        return type(suggestion).model_validate(data)

    @guarded
    def draft(self, scenario: str, kind_label: str, table: Any, suggestion: Any) -> Iterator[tuple]:
        """Stream a draft into the page, then offer DOCX and Markdown downloads."""
        from assistant.draft import draft_document, render_draft, write_draft

        kind = KINDS.get(kind_label, "application")
        self.wait_for_index()
        group = self.edited_group(suggestion, table)
        tokens: queue.Queue = queue.Queue()
        stop = threading.Event()
        outcome: dict[str, Any] = {}

        def on_token(token: str) -> None:
            if stop.is_set():
                raise _Stopped()
            tokens.put(token)

        def work() -> None:
            try:
                outcome["draft"] = draft_document(self.ctx, kind, (scenario or "").strip(), group, on_token=on_token)
            except BaseException as exc:  # noqa: BLE001 - handed to the page thread
                outcome["error"] = exc
            finally:
                tokens.put(None)

        worker = threading.Thread(target=work, name="ui-draft", daemon=True)
        worker.start()
        text, skip = "", gr.skip()
        try:
            for chunk in _drain(tokens):
                text += chunk
                yield fmt.inert_markdown(text), skip, skip, skip
            worker.join()
            if "error" in outcome:
                raise outcome["error"]
            result = outcome["draft"]
            docx, md = export_pair(write_draft, result, f"{kind_label if kind_label in KINDS else '申报书'}草稿")
            yield (fmt.inert_markdown(render_draft(result)), fmt.notices_markdown(result.notices),
                   gr.update(value=docx, visible=True), gr.update(value=md, visible=True))
        finally:
            stop.set()  # the Stop button or a closed page: the drafting thread ends at its next token

    # ---- review ------------------------------------------------------------------------------------------

    @guarded
    def review(self, upload: Any, stage: str = fmt.STAGE_LABELS[0], progress: gr.Progress = gr.Progress()) -> tuple:
        from assistant.review import review_file, write_review_report

        self.wait_for_index(progress)
        progress(0.1, desc="正在读取并评审文件…")
        chosen = fmt.stage_of(stage)
        result = self._on_upload(upload, lambda path: review_file(self.ctx, path, chosen))
        docx, md = export_pair(write_review_report, result, "评审报告")
        citations = citation_table(result.citations)
        return (fmt.review_summary_html(result), fmt.verdicts_html(result.requirements), citations,
                fmt.group_checks_html(result.standard_group), gr.update(value=docx, visible=True),
                gr.update(value=md, visible=True))

    @guarded
    def review_batch(self, uploads: list | None, stage: str = fmt.STAGE_LABELS[0],
                     progress: gr.Progress = gr.Progress()) -> tuple:
        """Many submissions: the summary table, the summary as .xlsx, and a zip of every report."""
        from assistant.review.batch import HEADERS, review_batch, write_summary

        if not uploads:
            raise gr.Error("请先选择要评审的文件（可多选）", title="无法完成", print_exception=False)
        folder = Path(tempfile.mkdtemp(prefix="pilot-assistant-batch-"))
        stored, names, refused = [], {}, []
        for upload in uploads:
            try:
                path = store_upload(upload, folder / "in")
            except AssistantError as exc:  # an unsupported file gets its row; the others are reviewed
                refused.append((display_name(upload), str(exc)))
                continue
            stored.append(path)
            names[path.name] = display_name(upload)
        # In this process: the page's model is already loaded, and a worker pool would load it again per worker.
        rows = review_batch(self.ctx, stored, fmt.stage_of(stage), folder / "报告", workers=1,
                            progress=lambda done, total, name: progress(done / max(total, 1), desc=f"已评审 {done}/{total}"))
        rows = fmt.rename_batch_rows(rows, names, refused)
        summary = write_summary(rows, folder / "评审汇总.xlsx")
        archive = fmt.zip_folder(folder / "报告", folder / "评审报告.zip", extra=[summary])
        table = frame([r.cells()[:-1] for r in rows], HEADERS[:-1])
        return table, gr.update(value=str(summary), visible=True), gr.update(value=str(archive), visible=True)

    # ---- editor ------------------------------------------------------------------------------------------

    @guarded
    def polish(self, upload: Any, text: str, progress: gr.Progress = gr.Progress()) -> tuple:
        from assistant.polish import polish_file, polish_text, write_polish

        progress(0.1, desc="正在检查…")
        if upload is not None:
            result = self._on_upload(upload, lambda path: polish_file(self.ctx, path))
        elif (text or "").strip():
            result = polish_text(self.ctx, text)
        else:  # nothing to check: the previous result goes, so it is never mistaken for this one's
            hidden = gr.update(value=None, visible=False)
            return ("⚠️ 请上传案例文件或粘贴案例文字。", frame([], fmt.ISSUE_HEADERS), "", hidden, hidden)
        docx, md = export_pair(write_polish, result, "案例修改稿")
        summary = f"发现 {len(result.issues)} 处问题。" if result.issues else "未发现问题。"
        if result.structure:
            summary += f"\n\n识别到的章节标题格式：{fmt.md_text(result.structure)}"
        summary += "".join(f"\n\n> {fmt.md_text(n)}" for n in result.notices)
        return (summary, frame(fmt.issue_rows(result.issues), fmt.ISSUE_HEADERS), fmt.rewrite_html(result.rewrite),
                gr.update(value=docx, visible=True), gr.update(value=md, visible=True))

    # ---- knowledge ---------------------------------------------------------------------------------------

    def catalog_filter(self, query: str, level: str | None = fmt.ALL, status: str | None = fmt.ALL,
                       need: str | None = fmt.ALL, industry: str | None = fmt.ALL):
        """The 知识库 filters' labels as a catalog filter (全部 or empty: no restriction)."""
        from assistant.catalog import Filter
        from assistant.standards import LEVEL_ZH

        def pick(label: str | None, table: dict[str, str]) -> str | None:
            return next((k for k, v in table.items() if v == label), None) if label and label != fmt.ALL else None

        return Filter(level=pick(level, LEVEL_ZH), status=pick(status, fmt.STATUS_ZH),
                      need=pick(need, self.need_names()), industry=industry if industry and industry != fmt.ALL else None,
                      query=query or "")

    def need_names(self) -> dict[str, str]:
        from assistant.catalog.validate import Vocabulary

        return Vocabulary.load(self.ctx.settings.corpus_dir).need_names

    @guarded
    def catalog(self, query: str, level: str | None = fmt.ALL, status: str | None = fmt.ALL,
                need: str | None = fmt.ALL, industry: str | None = fmt.ALL) -> pd.DataFrame:
        return self.browse(query, level, status, need, industry)[0]

    @guarded
    def browse(self, query: str, level: str | None = fmt.ALL, status: str | None = fmt.ALL,
               need: str | None = fmt.ALL, industry: str | None = fmt.ALL) -> tuple[pd.DataFrame, str]:
        """The merged catalog (shipped + the user's own) through the 知识库 filters, with the count line."""
        from assistant.catalog import select

        catalog = self.ctx.corpus.catalog
        spec = self.catalog_filter("", level, status, need, industry)
        chosen = select(catalog, spec)
        later = {s.number: n for s in chosen if s.status in ("replaced", "abolished") and (n := catalog.successor(s))}
        rows = fmt.catalog_rows(chosen, query or "", self.need_names(), later)
        users = sum(1 for s in chosen if s.user and s.number in {r[0] for r in rows})
        return frame(rows, fmt.CATALOG_HEADERS), fmt.catalog_count(len(rows), len(catalog), users)

    def catalog_choices(self) -> dict[str, list[str]]:
        """The choices of the 知识库 filters, from the merged catalog and the needs vocabulary."""
        from assistant.catalog import industries
        from assistant.standards import LEVEL_ZH

        standards = self.ctx.corpus.catalog.standards
        return {"level": [fmt.ALL, *LEVEL_ZH.values()], "status": [fmt.ALL, *fmt.STATUS_ZH.values()],
                "need": [fmt.ALL, *self.need_names().values()], "industry": [fmt.ALL, "通用", *industries(standards)]}

    @guarded
    def import_catalog(self, upload: Any, progress: gr.Progress = gr.Progress()) -> str:
        """Import the user's catalog file (all or nothing), then bring the index up to date incrementally."""
        import tempfile

        from assistant.catalog import import_file
        from assistant.catalog.io import FORMATS
        from assistant.index import build_index

        if upload is None:
            raise gr.Error("请先选择要导入的标准目录文件（.xlsx / .csv / .yaml）", title="无法完成", print_exception=False)
        with tempfile.TemporaryDirectory(prefix="catalog-import-") as folder:
            stored = store_upload(upload, Path(folder), allowed=set(FORMATS))
            try:
                report = import_file(self.ctx.settings.data_dir, self.ctx.settings.corpus_dir, stored)
            except AssistantError as exc:
                raise AssistantError(friendly_error(str(exc), stored, display_name(upload))) from None
        report.file = display_name(upload)
        if report.ok and (report.added or report.updated):
            progress(0.5, desc="正在更新检索索引（只嵌入导入的条目）…")
            build_index(self.ctx.settings, self.ctx.embedder, [], False, gradio_progress(progress))
            self.ctx.reload()
        return fmt.import_markdown(report)

    @guarded
    def catalog_template(self) -> str:
        """A fresh import template (.xlsx) for download."""
        import tempfile

        from assistant.catalog import write_template

        path = Path(tempfile.mkdtemp(prefix="pilot-assistant-")) / "标准目录导入模板.xlsx"
        write_template(path)
        return str(path)

    @guarded
    def add_documents(self, uploads: list | None, progress: gr.Progress = gr.Progress()) -> str:
        from assistant.index import build_index

        if not uploads:
            raise gr.Error("请先选择要加入知识库的文件", title="无法完成", print_exception=False)
        stored = [store_upload(u, self.ctx.settings.uploads_dir) for u in uploads]
        names = {p: display_name(u) for p, u in zip(stored, uploads)}
        try:
            report = build_index(self.ctx.settings, self.ctx.embedder, stored, False, gradio_progress(progress))
        except AssistantError as exc:
            for path in stored:  # a refused file must not linger and break the next build
                path.unlink(missing_ok=True)
            message = str(exc)
            for path, name in names.items():
                message = friendly_error(message, path, name)
            raise AssistantError(message) from None
        self.ctx.reload()
        added = "、".join(fmt.md_text(n) for n in names.values())
        return f"✓ 已加入知识库：{added}。索引现有 {report.chunks} 段（新嵌入 {report.embedded} 段）。"

    @guarded
    def search(self, query: str, types: list[str] | None, k: float,
               progress: gr.Progress = gr.Progress()) -> tuple[pd.DataFrame, str]:
        """Hits with their sources, and a line saying how many are relevant (or that none is, and what to try)."""
        query = (query or "").strip()
        if not query:
            return frame([], fmt.HIT_HEADERS), "⚠️ 请输入检索内容。"
        doc_types = [t for label in types or [] for t, zh in fmt.DOC_TYPE_ZH.items() if zh == label] or None
        retriever = self.wait_for_index(progress)
        hits = retriever.search(query, k=int(k), doc_types=doc_types)
        if not hits or not retriever.relevant(query, hits):
            return frame([], fmt.HIT_HEADERS), fmt.no_hits_markdown(query, bool(doc_types))
        return frame(fmt.hit_rows(hits, self.ctx.corpus), fmt.HIT_HEADERS), f"找到 {len(hits)} 段相关内容（按相关程度排列）。"

    # ---- helpers -----------------------------------------------------------------------------------------

    def _on_upload(self, upload: Any, run: Callable[[Path], Any]) -> Any:
        """Store the upload under a safe name and run `run` on it; errors name the file as uploaded."""
        stored = store_upload(upload, self.ctx.settings.uploads_dir)
        try:
            return run(stored)
        except AssistantError as exc:
            raise type(exc)(friendly_error(str(exc), stored, display_name(upload))) from None


def _drain(tokens: queue.Queue) -> Iterator[str]:
    """Tokens from the drafting thread, batched per screen update, until its end marker (None)."""
    while True:
        batch = [tokens.get()]
        deadline = time.monotonic() + STREAM_INTERVAL
        while batch[-1] is not None and (left := deadline - time.monotonic()) > 0:
            try:
                batch.append(tokens.get(timeout=left))
            except queue.Empty:
                break
        text = "".join(t for t in batch if t)
        if text:
            yield text
        if batch[-1] is None:
            return

