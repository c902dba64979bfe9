"""YAML of corpus files and user imports, parsed with libyaml when PyYAML has it.

The pure-Python SafeLoader takes most of a second for the catalog, at every cold start of every command.
"""
from __future__ import annotations

import yaml

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str):
    """`yaml.safe_load`, with the C loader when available (same safe subset)."""
    return yaml.load(text, Loader=SAFE_LOADER)
