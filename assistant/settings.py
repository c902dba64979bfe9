"""One settings object, read from the environment (and an optional TOML file), passed down explicitly."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

PACKAGE_DIR = Path(__file__).resolve().parent


def _default_data_dir() -> Path:
    """A per-user data folder: %LOCALAPPDATA% on Windows, $XDG_DATA_HOME or ~/.local/share elsewhere."""
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "pilot-assistant"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "pilot-assistant"


def _shipped_dir(name: str) -> Path:
    """corpus/ and prompts/ live at the repo top (editable install) or inside the wheel under _data/."""
    bundled = PACKAGE_DIR / "_data" / name
    return bundled if bundled.is_dir() else PACKAGE_DIR.parent / name


def _config_file() -> Path | None:
    path = os.environ.get("ASSISTANT_CONFIG")
    if path:
        return Path(path)
    default = Path.home() / ".config" / "pilot-assistant" / "config.toml"
    return default if default.is_file() else None


class Settings(BaseSettings):
    """Every knob of the product. Environment names are ASSISTANT_<FIELD> unless an alias says otherwise."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore", populate_by_name=True)

    data_dir: Path = Field(default_factory=_default_data_dir)
    corpus_dir: Path = Field(default_factory=lambda: _shipped_dir("corpus"))
    prompts_dir: Path = Field(default_factory=lambda: _shipped_dir("prompts"))
    embed_model: str = "auto"

    llm: Literal["none", "openai", "ollama"] = "none"
    model: str = ""
    openai_base_url: str = Field("", validation_alias=AliasChoices("OPENAI_BASE_URL", "ASSISTANT_OPENAI_BASE_URL"))
    openai_api_key: SecretStr = Field(
        SecretStr(""), validation_alias=AliasChoices("OPENAI_API_KEY", "ASSISTANT_OPENAI_API_KEY")
    )
    ollama_base_url: str = Field(
        "http://127.0.0.1:11434", validation_alias=AliasChoices("OLLAMA_BASE_URL", "ASSISTANT_OLLAMA_BASE_URL")
    )
    llm_timeout: float = 60.0
    llm_retries: int = 2
    temperature: float = 0.2
    # Every model call is bounded: output tokens per call, wall-clock seconds per draft section and per
    # document. When a budget runs out the section (or the rest of the document) is composed offline.
    llm_max_tokens: int = 600
    llm_section_seconds: float = 120.0
    llm_document_seconds: float = 900.0

    max_file_mb: float = 50.0
    max_pages: int = 1000
    max_unpacked_mb: float = 200.0  # DOCX (and any zip-based input): total size of its parts once unpacked
    chroma_url: str = ""
    auth: SecretStr = SecretStr("")

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Precedence: explicit arguments (CLI flags) > environment > optional TOML file.
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = _config_file()
        if path is not None and path.is_file():
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)


def get_settings(**overrides: Any) -> Settings:
    """Settings from env/file, with non-None overrides (e.g. CLI flags) on top."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
