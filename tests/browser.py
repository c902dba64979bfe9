"""Headless-Chromium helpers for the UI tests and for refreshing docs/screenshots by hand.

By hand (uses the real model and your data dir, or ASSISTANT_DATA_DIR):
    HF_HUB_OFFLINE=1 python evals/screenshots.py [docs/screenshots]
The system Chromium and chromedriver are used; selenium never downloads a driver.
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

os.environ["SE_OFFLINE"] = "true"  # selenium-manager must not fetch browsers or drivers
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCENARIO = ("某汽车零部件企业建设数字化车间，开展设备联网与数据采集、制造执行系统（MES）与质量追溯，"
            "计划应用智能制造能力成熟度评估和数字化车间相关标准，提升生产效率和产品质量。")
TAB_NAMES = {"apply": "申报助手", "review": "评审助手", "editor": "案例编辑", "knowledge": "知识库"}
WAIT = 180.0  # seconds; the first call loads the model or builds the index


def browser_available() -> bool:
    return CHROMIUM.exists() and CHROMEDRIVER.exists()


def launch(ctx: Any) -> tuple[Any, str]:
    """The UI app for `ctx` on a free 127.0.0.1 port, not blocking; returns (demo, URL)."""
    from assistant.ui.app import launch_local

    return launch_local(ctx)


def make_driver(download_dir: Path, width: int = 1400, height: int = 1000, lang: str = "zh-CN"):
    """Headless Chromium via the system chromedriver, browser language `lang`; downloads land in `download_dir`."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={profile}", f"--window-size={width},{height}", f"--lang={lang}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {
        "download.default_directory": str(download_dir), "download.prompt_for_download": False,
        "download.directory_upgrade": True, "safebrowsing.enabled": False, "intl.accept_languages": lang,
    })
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    # Headless Chromium only saves downloads where it is told to, over the DevTools protocol.
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(download_dir)})
    return driver


def wait_for(driver: Any, condition: Callable[[Any], Any], timeout: float = WAIT, what: str = "") -> Any:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    # A table Gradio re-renders between finding a row and reading it is read again at the next poll.
    return WebDriverWait(driver, timeout, poll_frequency=0.3, ignored_exceptions=(StaleElementReferenceException,)
                         ).until(condition, message=f"timed out waiting for {what}")


def css(driver: Any, selector: str) -> Any:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, selector)


def css_all(driver: Any, selector: str) -> list:
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def open_tab(driver: Any, key: str) -> None:
    from selenium.webdriver.common.by import By

    name = TAB_NAMES[key]
    button = wait_for(driver, lambda d: next((b for b in d.find_elements(By.CSS_SELECTOR, "button[role='tab']")
                                              if name in b.text), None), 30, f"tab {name}")
    button.click()
    wait_for(driver, lambda d: css(d, f"#tab-{key}").is_displayed(), 30, f"tab panel {key}")


def click(driver: Any, selector: str) -> None:
    element = wait_for(driver, lambda d: css(d, selector), 30, selector)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def type_into(driver: Any, selector: str, text: str) -> None:
    """Set a Gradio textbox the way typing would (send_keys is slow for long Chinese text)."""
    box = css(driver, f"{selector} textarea, {selector} input")
    driver.execute_script(
        "const el = arguments[0]; el.value = arguments[1];"
        "el.dispatchEvent(new Event('input', {bubbles: true}));", box, text)


def upload(driver: Any, selector: str, path: Path) -> None:
    css(driver, f"{selector} input[type='file']").send_keys(str(path))


def table_rows(driver: Any, selector: str) -> list[str]:
    """Rendered body rows of a Gradio Dataframe as text (the table is virtual: rows are divs)."""
    return [r.text for r in css_all(driver, f"{selector} div[role='row']") if r.text.strip()]


def wait_idle(driver: Any, timeout: float = WAIT) -> None:
    """Until no output shows Gradio's pending/progress overlay."""
    time.sleep(0.3)
    wait_for(driver, lambda d: not css_all(d, ".wrap.default:not(.hide), .progress-bar, .eta-bar"), timeout, "idle")


def wait_status(driver: Any) -> None:
    wait_for(driver, lambda d: "嵌入模型" in css(d, "#status-line").text, WAIT, "status line")


def make_review_docx(path: Path) -> Path:
    """A short submission covering some of the five requirements (others left out on purpose)."""
    import docx

    doc = docx.Document()
    doc.add_heading("智能制造标准应用试点申报书", level=0)
    doc.add_heading("一、标准群", level=1)
    doc.add_paragraph("本项目以《智能制造能力成熟度模型》（GB/T 39116—2020）为核心，配套应用"
                      "《智能制造能力成熟度评估方法》（GB/T 39117—2020）等标准，共同构成标准群。")
    doc.add_heading("二、标准应用实施情况", level=1)
    doc.add_paragraph("企业已在数字化车间中全面应用上述标准，完成设备联网、数据采集和制造执行系统建设，"
                      "并依据标准开展了成熟度自评估，形成了标准实施记录。")
    doc.add_heading("三、应用成效", level=1)
    doc.add_paragraph("标准应用后，生产效率提升 18%，产品不良品率下降 25%，运营成本降低 12%。")
    doc.save(str(path))
    return path


def take_screenshots(driver: Any, url: str, out_dir: Path, work_dir: Path, scenario: str = SCENARIO,
                     query: str = "GB/T 39116 智能制造能力成熟度") -> list[Path]:
    """One PNG per tab after a little interaction, so each shows real content."""
    out_dir.mkdir(parents=True, exist_ok=True)
    shots = []
    driver.get(url)
    wait_status(driver)
    type_into(driver, "#apply-scenario", scenario)
    click(driver, "#apply-suggest")
    wait_for(driver, lambda d: len(table_rows(d, "#apply-group")) >= 5, WAIT, "group rows")
    click(driver, "#apply-draft")
    wait_for(driver, lambda d: css(d, "#apply-download-docx").is_displayed(), WAIT, "draft")
    shots.append(_shot(driver, out_dir / "apply.png"))
    open_tab(driver, "review")
    upload(driver, "#review-file", make_review_docx(work_dir / "申报书示例.docx"))
    time.sleep(1.0)
    click(driver, "#review-run")
    wait_for(driver, lambda d: len(css_all(d, "#review-verdicts tr.verdict")) == 5, WAIT, "verdicts")
    shots.append(_shot(driver, out_dir / "review.png"))
    open_tab(driver, "editor")
    type_into(driver, "#editor-text", EDITOR_SAMPLE)
    click(driver, "#editor-run")
    wait_for(driver, lambda d: css(d, "#editor-summary").text.strip(), WAIT, "editor result")
    shots.append(_shot(driver, out_dir / "editor.png"))
    open_tab(driver, "knowledge")
    type_into(driver, "#kb-query", query)
    click(driver, "#kb-search")
    wait_for(driver, lambda d: len(table_rows(d, "#kb-results")) >= 3, WAIT, "search results")
    shots.append(_shot(driver, out_dir / "knowledge.png"))
    return shots


EDITOR_SAMPLE = ("某公司数字化车间标准应用案例\n一、企业概况\n该公司是全国领先的汽车零部件企业，"
                 "通过应用GB/T 39116-2020标准，实现了翻天覆地的变化，生产效率大幅提升。\n"
                 "二、主要做法\n建设MES系统，开展设备联网。\n三、应用成效\n效率显著提高，效果非常好。")


def _shot(driver: Any, path: Path) -> Path:
    """A full-height screenshot of the page (the window grows to fit, capped)."""
    driver.execute_script("window.scrollTo(0, 0);")
    time.sleep(0.5)
    height = driver.execute_script("return Math.min(document.body.scrollHeight, 3000);")
    driver.set_window_size(1400, max(900, int(height) + 40))
    time.sleep(0.8)
    driver.save_screenshot(str(path))
    driver.set_window_size(1400, 1000)
    return path
