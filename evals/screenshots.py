"""Regenerate docs/screenshots/*.png from the running UI (headless Chromium, browser language en-US, which must
still show a Chinese page).

    HF_HUB_OFFLINE=1 python evals/screenshots.py [OUT_DIR]

Uses the real model and ASSISTANT_DATA_DIR (or a fresh temporary one). The scenario is one whose group makes
sense at a glance: a maker of construction machinery offering remote maintenance of the machines it sold,
the plan's own example for 远程运维 (GB/T 42136—2022). Look at the PNGs before committing them.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import browser  # noqa: E402

SCENARIO = ("某工程机械企业生产挖掘机和起重机，产品销往全国。计划把售出设备接入远程运维平台，实时采集设备运行数据，"
            "开展故障预测和预防性维护，按需派工上门维修，并为客户提供设备健康报告。")
QUERY = "远程运维 故障预测"


def main(argv: list[str]) -> int:
    from assistant.context import Context
    from assistant.settings import get_settings

    out_dir = Path(argv[0]) if argv else ROOT / "docs" / "screenshots"
    data = os.environ.get("ASSISTANT_DATA_DIR") or tempfile.mkdtemp(prefix="shots-data-")
    ctx = Context(get_settings(data_dir=data))
    demo, url = browser.launch(ctx)
    work = Path(tempfile.mkdtemp(prefix="ui-shots-"))
    driver = browser.make_driver(work, lang="en-US")
    try:
        for path in browser.take_screenshots(driver, url, out_dir, work, SCENARIO, QUERY):
            print(path)
    finally:
        driver.quit()
        demo.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
