"""CLI edges a new user meets: choices listed in --help, where a written file went, messages in one language."""
from __future__ import annotations

import os
import argparse
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


# ---- one language (issue 18) ---------------------------------------------------------------------------------

GOOD_SCENARIO = "某汽车零部件企业建设数字化车间，开展设备联网与数据采集、MES 与质量追溯。"
BAD_INPUTS = {  # the command line, and words its one error line must contain
    "empty scenario": (["suggest", "  "], ["场景描述为空"]),
    "unknown --direction": (["suggest", GOOD_SCENARIO, "--direction", "不存在的方向"], ["不存在的方向", "可选"]),
    "ambiguous --direction": (["suggest", GOOD_SCENARIO, "--direction", "s"], ["有歧义"]),
    "missing argument": (["suggest"], ["缺少参数", "assistant suggest -h"]),
    "missing option": (["draft", "application"], ["缺少参数", "--scenario"]),
    "missing command": ([], ["缺少参数"]),
    "unknown command": (["评审"], ["未知的命令", "'评审'", "review"]),
    "unknown option": (["suggest", GOOD_SCENARIO, "--bogus"], ["无法识别的参数", "--bogus", "assistant suggest -h"]),
    "option without its value": (["suggest", GOOD_SCENARIO, "--out"], ["--out", "缺少取值"]),
    "invalid choice": (["review", "申报书.docx", "--stage", "草稿"], ["--stage", "'草稿'", "application、acceptance"]),
    "not a number": (["search", "远程运维", "-k", "十"], ["-k", "整数", "'十'"]),
    "unsupported --out suffix": (["suggest", GOOD_SCENARIO, "--out", "标准群.txt"], ["标准群.txt", ".docx 或 .md", ".txt"]),
    "unsupported --summary suffix": (["review", "材料", "--summary", "汇总.txt"], ["汇总.txt", ".xlsx"]),
    "missing file": (["check-group", "不存在.json"], ["不存在.json", "文件不存在"]),
    "missing @file": (["suggest", "@不存在.txt"], ["不存在.txt", "文件不存在"]),
    "bad setting": (["search", "远程运维"], ["ASSISTANT_LLM_TIMEOUT", "应为数字", "'很久'"]),
}


def _allowed_words() -> set[str]:
    """The ASCII words a Chinese message may contain: the program, its commands and the values options take."""
    words = {"assistant"}
    parsers = [build_parser()]
    while parsers:
        for action in parsers.pop()._actions:
            for choice in action.choices or []:  # command names, and the values of options such as --stage
                words.update(re.findall(r"[A-Za-z]+", str(choice)))
            if isinstance(action.choices, dict):  # sub-commands: their parsers
                parsers.extend(action.choices.values())
    plan = yaml.safe_load((REPO / "corpus" / "plan" / "plan.yaml").read_text(encoding="utf-8"))
    words.update(w for d in plan["directions"] for w in re.findall(r"[A-Za-z]+", d["id"]))  # --direction's ids
    return words


def _foreign_words(line: str, allowed: set[str]) -> list[str]:
    """English words of 3+ letters, leaving out option names, environment variables and file names/suffixes."""
    line = re.sub(r"(?<![\w-])--?[A-Za-z][\w-]*", " ", line)  # --out, -k
    line = re.sub(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b", " ", line)  # ASSISTANT_LLM_TIMEOUT
    line = re.sub(r"[^\s：，；、（）'“”]*\.[A-Za-z0-9]+\b", " ", line)  # 标准群.txt, .docx
    return [w for w in re.findall(r"[A-Za-z]{3,}", line) if w not in allowed]


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_inputs_are_one_chinese_line_with_exit_2(tmp_path: Path, case: str):
    """Issue 18, one language: every refusal, argparse's own included, is one Chinese line on stderr, exit 2."""
    argv, needles = BAD_INPUTS[case]
    (tmp_path / "材料").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSISTANT_", "OPENAI_", "OLLAMA_"))}
    env.update({"ASSISTANT_DATA_DIR": str(tmp_path / "data"), "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO)})
    if case == "bad setting":
        env["ASSISTANT_LLM_TIMEOUT"] = "很久"
    proc = subprocess.run([sys.executable, "-m", "assistant", *argv], cwd=tmp_path, capture_output=True, text=True,
                          env=env, timeout=300, check=False)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode == 2, (case, proc.returncode, proc.stderr)
    assert len(lines) == 1 and "Traceback" not in proc.stderr, (case, proc.stderr)
    assert proc.stdout.strip() == "", (case, proc.stdout)
    for needle in needles:
        assert needle in lines[0], (case, needle, lines[0])
    assert not _foreign_words(lines[0], _allowed_words()), (case, lines[0])
    assert re.search(r"[\u4e00-\u9fff]", lines[0]), lines[0]


def test_catalog_help_is_in_chinese():
    parser = build_parser()
    catalog = parser._subparsers._group_actions[0].choices["catalog"]
    commands = catalog._subparsers._group_actions[0].choices
    for text in [catalog.format_help(), *(p.format_help() for p in commands.values())]:
        assert "用法：" in text and "显示本帮助并退出" in text and "show this help" not in text
        assert not re.search(r"\b(?:options|positional arguments|usage)\b", text), text
    for name, p in commands.items():
        for action in p._actions:
            assert action.help and re.search(r"[\u4e00-\u9fff]", action.help), (name, action.dest)


def test_option_values_are_named_in_chinese_in_every_help():
    """Issue 18, one language: `--data-dir 目录`, not `--data-dir DATA_DIR`, in every command's usage and help."""
    parser = build_parser()
    todo, seen = [parser], 0
    while todo:
        p = todo.pop()
        seen += 1
        text = p.format_help()
        assert not re.search(r"--[a-z-]+ [A-Z][A-Z_]+\b", text), text
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                todo += list(action.choices.values())
    assert seen >= 15  # the top level, every command and every catalog sub-command
