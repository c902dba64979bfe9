"""The Gradio Blocks app: layout and event wiring only (callbacks in handlers.py, formatting in format.py)."""
from __future__ import annotations

import os
import sys

import gradio as gr

from assistant.context import Context
from assistant.errors import AssistantError, InputError
from assistant.loaders import SUPPORTED
from assistant.ui import format as fmt
from assistant.ui import locale
from assistant.ui.handlers import AUTO_DIRECTION, KINDS, Handlers

TITLE = "智能制造标准应用试点 · 申报与评审助手"
CONCURRENCY = 2  # events of one kind running at once (2 cores: more only multiplied memory); the rest wait in the queue
UPLOAD_TYPES = sorted(SUPPORTED - {".markdown"})
CLOSE_TOASTS = "() => { document.querySelectorAll('.toast-close').forEach((b) => b.click()); }"


def _downloads(prefix: str) -> tuple[gr.DownloadButton, gr.DownloadButton]:
    with gr.Row():
        docx = gr.DownloadButton("下载 DOCX", visible=False, elem_id=f"{prefix}-download-docx", size="md")
        md = gr.DownloadButton("下载 Markdown", visible=False, elem_id=f"{prefix}-download-md", size="md")
    return docx, md


def _apply_tab(h: Handlers, ctx: Context) -> None:
    directions = [AUTO_DIRECTION] + [d.name for d in ctx.corpus.plan.directions]
    with gr.Row():
        scenario = gr.Textbox(label="试点场景", lines=5, elem_id="apply-scenario", scale=3,
                              placeholder="描述企业、行业和准备开展的标准应用场景，例如：汽车零部件企业建设数字化车间，"
                                          "开展设备互联、MES 与质量追溯……")
        with gr.Column(scale=1):
            direction = gr.Dropdown(directions, value=AUTO_DIRECTION, label="试点方向", elem_id="apply-direction")
            suggest_btn = gr.Button("推荐标准群", variant="primary", elem_id="apply-suggest")
    summary = gr.Markdown(elem_id="apply-summary")
    group = gr.Dataframe(headers=fmt.GROUP_HEADERS, datatype=["bool"] + ["str"] * 6, interactive=True,
                         label="标准群（可直接编辑：勾选核心、修改编号、增删行）", wrap=True, elem_id="apply-group",
                         column_widths=["5%", "14%", "21%", "8%", "8%", "25%", "19%"], row_count=1)
    checks = gr.Markdown(elem_id="apply-checks")
    suggestion = gr.State(None)
    with gr.Row():
        kind = gr.Radio(list(KINDS), value="申报书", label="生成文稿类型", elem_id="apply-kind", scale=3)
        draft_btn = gr.Button("生成文稿", variant="primary", elem_id="apply-draft", scale=1)
        stop_btn = gr.Button("停止", variant="stop", elem_id="apply-stop", scale=1)
    notices = gr.Markdown(elem_id="apply-notices")
    draft_md = gr.Markdown(label="文稿", elem_id="apply-draft-output", container=True, min_height=120)
    docx, md = _downloads("apply")

    # An empty scenario is refused beside the box; the last suggested group stays on screen.
    suggest_event = suggest_btn.click(h.suggest, [scenario, direction], [summary, group, checks, suggestion],
                                      validator=h.validate_scenario)
    group.input(h.check, [group], [checks], show_progress="hidden", trigger_mode="always_last")
    draft_event = draft_btn.click(h.draft, [scenario, kind, group, suggestion], [draft_md, notices, docx, md])
    stop_btn.click(None, cancels=[suggest_event, draft_event])


def _review_tab(h: Handlers) -> None:
    stage = gr.Radio(fmt.STAGE_LABELS, value=fmt.STAGE_LABELS[0], label="评审阶段", elem_id="review-stage")
    with gr.Row():
        upload = gr.File(label="上传申报材料（PDF / DOCX / TXT / MD）", file_types=UPLOAD_TYPES, elem_id="review-file",
                         scale=3)
        with gr.Column(scale=1):
            run = gr.Button("开始评审", variant="primary", elem_id="review-run")
            stop = gr.Button("停止", variant="stop", elem_id="review-stop")
    summary = gr.HTML(elem_id="review-summary", js_on_load=None)
    verdicts = gr.HTML(label="五项考核要求", elem_id="review-verdicts", js_on_load=None)
    group = gr.HTML(elem_id="review-group", js_on_load=None)
    citations = gr.Dataframe(headers=fmt.CITATION_HEADERS, interactive=False, wrap=True, label="标准引用核查",
                             column_widths=["24%", "17%", "17%", "15%", "6%", "21%"],
                             elem_id="review-citations")
    docx, md = _downloads("review")
    event = run.click(h.review, [upload, stage], [summary, verdicts, citations, group, docx, md])
    stop.click(None, cancels=[event])
    with gr.Accordion("批量评审（一次上传多份材料）", open=False, elem_id="review-batch"):
        with gr.Row():
            uploads = gr.File(label="上传多份材料", file_types=UPLOAD_TYPES, file_count="multiple",
                              elem_id="review-batch-files", scale=3)
            batch_run = gr.Button("批量评审", variant="primary", elem_id="review-batch-run", scale=1)
        table = gr.Dataframe(interactive=False, wrap=True, label="评审汇总（每份材料一行）", elem_id="review-batch-table")
        with gr.Row():
            xlsx = gr.DownloadButton("下载汇总表 (.xlsx)", visible=False, elem_id="review-batch-xlsx", size="md")
            archive = gr.DownloadButton("下载全部报告 (.zip)", visible=False, elem_id="review-batch-zip", size="md")
        batch_event = batch_run.click(h.review_batch, [uploads, stage], [table, xlsx, archive])
    stop.click(None, cancels=[batch_event])


def _editor_tab(h: Handlers) -> None:
    with gr.Row():
        upload = gr.File(label="上传案例（PDF / DOCX / TXT / MD）", file_types=UPLOAD_TYPES, elem_id="editor-file")
        text = gr.Textbox(label="或粘贴案例文字", lines=8, elem_id="editor-text")
    with gr.Row():
        run = gr.Button("检查并给出修改建议", variant="primary", elem_id="editor-run")
        stop = gr.Button("停止", variant="stop", elem_id="editor-stop")
    summary = gr.Markdown(elem_id="editor-summary")
    issues = gr.Dataframe(headers=fmt.ISSUE_HEADERS, interactive=False, wrap=True, label="问题清单",
                          column_widths=["12%", "18%", "38%", "32%"], elem_id="editor-issues")
    gr.Markdown("**改写建议（删除为红色，新增为绿色）**")
    diff = gr.HTML(elem_id="editor-diff", js_on_load=None)
    docx, md = _downloads("editor")
    event = run.click(h.polish, [upload, text], [summary, issues, diff, docx, md])
    stop.click(None, cancels=[event])


def _knowledge_tab(h: Handlers, status: gr.Markdown) -> None:
    with gr.Accordion("检索知识库", open=True):
        with gr.Row():
            search_query = gr.Textbox(label="检索内容", scale=3, elem_id="kb-query",
                                      placeholder="例如：GB/T 39116 成熟度评估；数字化车间 标准")
            k = gr.Slider(3, 30, value=10, step=1, label="结果数", scale=1, elem_id="kb-k")
        types = gr.CheckboxGroup(list(fmt.DOC_TYPE_ZH.values()), label="只看这些类型（不选即全部）", elem_id="kb-types")
        search_btn = gr.Button("检索", variant="primary", elem_id="kb-search")
        results = gr.Dataframe(headers=fmt.HIT_HEADERS, interactive=False, wrap=True, elem_id="kb-results",
                               column_widths=["4%", "9%", "27%", "60%"])
        found = gr.Markdown(elem_id="kb-search-status")
    filters, catalog, count = _catalog_browser(h)
    _catalog_import(h, filters, catalog, count)
    with gr.Accordion("加入文档", open=False):
        files = gr.File(label="上传文档加入知识库", file_count="multiple", file_types=UPLOAD_TYPES, elem_id="kb-files")
        with gr.Row():
            add = gr.Button("加入知识库", variant="primary", elem_id="kb-add")
            stop = gr.Button("停止", variant="stop", elem_id="kb-stop")
        added = gr.Markdown(elem_id="kb-add-status")
    search_btn.click(h.search, [search_query, types, k], [results, found])
    search_query.submit(h.search, [search_query, types, k], [results, found])
    # Index builds take a file lock anyway; one at a time keeps memory use flat.
    event = add.click(h.add_documents, [files], [added], concurrency_limit=1).then(h.status, None, [status])
    stop.click(None, cancels=[event])


def _catalog_browser(h: Handlers) -> tuple[list, gr.Dataframe, gr.Markdown]:
    """The merged catalog (shipped + the user's own), filtered by level, status, need, industry and words."""
    choices = h.catalog_choices()
    with gr.Accordion("标准目录", open=True):
        with gr.Row():
            query = gr.Textbox(label="筛选（编号、名称、方向或关键词）", elem_id="kb-filter", scale=2)
            level = gr.Dropdown(choices["level"], value=fmt.ALL, label="层级", elem_id="kb-level", scale=1)
            status = gr.Dropdown(choices["status"], value=fmt.ALL, label="状态", elem_id="kb-status", scale=1)
            need = gr.Dropdown(choices["need"], value=fmt.ALL, label="需求", elem_id="kb-need", scale=1)
            industry = gr.Dropdown(choices["industry"], value=fmt.ALL, label="行业", elem_id="kb-industry", scale=1)
        table, line = h.browse("")
        count = gr.Markdown(line, elem_id="kb-count")
        catalog = gr.Dataframe(value=table, headers=fmt.CATALOG_HEADERS, interactive=False, wrap=True,
                               max_height=420, elem_id="kb-catalog",
                               column_widths=["13%", "24%", "8%", "12%", "14%", "8%", "8%", "13%"])
    filters = [query, level, status, need, industry]
    for box in filters:
        box.change(h.browse, filters, [catalog, count], show_progress="hidden", trigger_mode="always_last")
    return filters, catalog, count


def _catalog_import(h: Handlers, filters: list, catalog: gr.Dataframe, count: gr.Markdown) -> None:
    """Import the user's own standards; a file with any bad row changes nothing and lists those rows."""
    with gr.Accordion("导入自己的标准目录", open=False):
        gr.Markdown("上传 .xlsx、.csv 或 .yaml（列见模板：标准编号、标准名称必填）。逐行校验，任何一行有错则整个文件都不导入；"
                    "导入的标准标为“用户导入”，用于推荐、核查与评审，存放在数据目录中。")
        with gr.Row():
            upload = gr.File(label="标准目录文件", file_types=[".xlsx", ".csv", ".yaml", ".yml"], elem_id="kb-catalog-file",
                             scale=3)
            with gr.Column(scale=1):
                run = gr.Button("导入标准目录", variant="primary", elem_id="kb-catalog-import")
                gr.DownloadButton("下载导入模板（.xlsx）", value=h.catalog_template, elem_id="kb-catalog-template")
        result = gr.Markdown(elem_id="kb-catalog-result")
    run.click(h.import_catalog, [upload], [result], concurrency_limit=1).then(h.browse, filters, [catalog, count])


def build_app(ctx: Context) -> gr.Blocks:
    """The whole UI for one Context (launch it yourself, or use `serve`)."""
    h = Handlers(ctx)
    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        gr.Markdown(f"## {TITLE}")
        status = gr.Markdown("正在加载…", elem_id="status-line")
        with gr.Tabs(elem_id="tabs") as tabs:
            with gr.Tab("申报助手", id="apply", elem_id="tab-apply"):
                _apply_tab(h, ctx)
            with gr.Tab("评审助手", id="review", elem_id="tab-review"):
                _review_tab(h)
            with gr.Tab("案例编辑", id="editor", elem_id="tab-editor"):
                _editor_tab(h)
            with gr.Tab("知识库", id="knowledge", elem_id="tab-knowledge"):
                _knowledge_tab(h, status)
        tabs.change(None, js=CLOSE_TOASTS)  # a message belongs to the tab it was raised in
        demo.load(h.status, None, [status])
    demo.queue(default_concurrency_limit=CONCURRENCY)
    return demo


def launch_local(ctx: Context) -> tuple[gr.Blocks, str]:
    """The app on a free 127.0.0.1 port, not blocking (tests, the load script); returns (demo, base URL)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    demo = build_app(ctx)
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True,
                app_kwargs=locale.app_kwargs())
    return demo, f"http://127.0.0.1:{port}/"


def parse_auth(value: str) -> tuple[str, str] | None:
    """ASSISTANT_AUTH=user:pass → (user, pass); empty → no login."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise InputError("ASSISTANT_AUTH 格式应为 用户名:密码")
    return user, password


def warm(ctx: Context) -> None:
    """Load what every request reads before the first user arrives (the index only if it is current: the page
    builds or refreshes it with progress otherwise), then keep it out of the garbage collector's way."""
    from assistant.retrieve import index_is_current
    from assistant.ui.memory import freeze_long_lived

    ctx.corpus
    if index_is_current(ctx.settings, ctx.embedder):
        try:
            ctx.retriever()
        except AssistantError:  # the first request that needs the index reports it on the page
            pass
    freeze_long_lived()


def serve(ctx: Context, host: str = "127.0.0.1", port: int = 7860) -> None:
    """Start the UI and block until interrupted."""
    from assistant.ui.memory import limit_arenas

    limit_arenas()
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    auth = parse_auth(ctx.settings.auth.get_secret_value())
    if host not in ("127.0.0.1", "localhost", "::1") and auth is None:
        print("注意：界面对网络开放且未设置登录（设置环境变量 ASSISTANT_AUTH=用户名:密码）", file=sys.stderr)
    print(f"界面地址：http://{host}:{port}  首次启动时页面会显示建立索引的进度", file=sys.stderr)
    theme = gr.themes.Default(font=["Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "sans-serif"],
                              font_mono=["Noto Sans Mono CJK SC", "monospace"])
    demo = build_app(ctx)
    warm(ctx)
    demo.launch(server_name=host, server_port=port, auth=auth, auth_message="请登录" if auth else None,
                          theme=theme, show_error=False, quiet=True, footer_links=["api", "settings"],
                          run_history=False, app_kwargs=locale.app_kwargs())
