"""CLI edges a new user meets: choices listed in --help, where a written file went, messages in one language."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO

from assistant.cli import build_parser


def _help(*command: str) -> str:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return (sub.choices[command[0]] if command else parser).format_help()


def test_suggest_help_lists_every_direction():
    plan = yaml.safe_load((REPO / "corpus" / "plan" / "plan.yaml").read_text(encoding="utf-8"))
    text = " ".join(_help("suggest").split())
    for direction in plan["directions"]:
        assert direction["id"] in text.replace(" ", "") and direction["name"] in text.replace(" ", "")


@pytest.mark.parametrize("command", ["index", "search", "suggest", "check-group", "review", "draft", "polish", "eval",
                                     "serve"])
def test_help_is_in_chinese_and_lists_choices(command: str):
    text = _help(command)
    assert "用法：" in text and "显示本帮助并退出" in text and "show this help" not in text
    for action in build_parser()._subparsers._group_actions[0].choices[command]._actions:
        assert action.help and re.search(r"[\u4e00-\u9fff]", action.help), (command, action.dest)
        for choice in action.choices or []:
            assert str(choice) in text


@pytest.mark.integration
def test_review_and_polish_out_say_where_the_file_went(tmp_path: Path):
    sys.path.insert(0, str(REPO / "tests"))
    import browser

    doc = browser.make_review_docx(tmp_path / "申报书.docx")
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(tmp_path / "data"), "HF_HUB_OFFLINE": "1"}
    for command, out in (("review", tmp_path / "评审报告.md"), ("polish", tmp_path / "案例修改稿.md")):
        proc = subprocess.run([sys.executable, "-m", "assistant", command, str(doc), "--out", str(out)], cwd=REPO,
                              capture_output=True, text=True, env=env, timeout=600)
        assert proc.returncode == 0, proc.stderr
        assert out.is_file() and f"：{out.resolve()}" in proc.stderr, proc.stderr


def test_eval_needs_nothing_beyond_the_plain_install():
    """`assistant eval` makes its PDF cases with reportlab: a required dependency, not a test extra."""
    import tomllib

    deps = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert any(d.startswith("reportlab") for d in deps)
