"""Prompt templates live in prompts/ as files with named variables; this is their one loader."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, StrictUndefined, UndefinedError

from assistant.errors import AssistantError
from assistant.yamlio import load_yaml

_ENV = Environment(undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False)


@dataclass(frozen=True)
class Prompt:
    """A named template file: plain text/Markdown (.md, .txt) or structured YAML (.yaml) with string fields."""

    name: str
    path: Path

    @property
    def data(self) -> dict | str:
        return _read(self.path)

    def render(self, field: str | None = None, **variables: object) -> str:
        """Render the whole file (text) or one field (YAML); a missing variable is an error, not a blank."""
        source = self.data if field is None else self.data[field]  # type: ignore[index]
        return render_template(str(source), self.name, **variables)


def render_template(source: str, name: str, **variables: object) -> str:
    """Render one template string from a prompt file (also nested ones, e.g. a section's template)."""
    try:
        return _ENV.from_string(source).render(**variables)
    except UndefinedError as exc:
        raise AssistantError(f"提示模板 {name} 缺少变量：{exc.message}") from exc


@lru_cache(maxsize=64)
def _read(path: Path) -> dict | str:
    text = path.read_text(encoding="utf-8")
    return load_yaml(text) if path.suffix in {".yaml", ".yml"} else text


def load_prompt(prompts_dir: Path, name: str) -> Prompt:
    """`name` is a path under prompts/ without extension, e.g. 'draft/application'."""
    for suffix in (".yaml", ".yml", ".md", ".txt"):
        path = Path(prompts_dir) / f"{name}{suffix}"
        if path.is_file():
            return Prompt(name, path)
    raise AssistantError(f"找不到提示模板 {name}（在 {prompts_dir} 中）")


def all_prompts(prompts_dir: Path) -> list[Prompt]:
    """Every template file, for the test that renders them all."""
    root = Path(prompts_dir)
    files = sorted(p for p in root.rglob("*") if p.suffix in {".yaml", ".yml", ".md", ".txt"} and p.is_file())
    return [Prompt(str(p.relative_to(root).with_suffix("")), p) for p in files]
