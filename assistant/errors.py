"""A small error hierarchy: every user-facing failure is one of these, with one readable line."""
from __future__ import annotations


class AssistantError(Exception):
    """Base for errors we expect and explain; the CLI prints the message and exits with `exit_code`."""

    exit_code = 1


class InputError(AssistantError):
    """The user's input (file, text, flag) is unusable: exit code 2."""

    exit_code = 2


class IndexStoreError(AssistantError):
    """The index is missing, corrupt or unreachable."""


class StoreUnavailable(IndexStoreError):
    """The Chroma server cannot be reached: rebuilding would not help."""


class StoreLost(StoreUnavailable):
    """The Chroma server went away in the middle of the work (the previous index is untouched): exit code 5."""

    exit_code = 5


class ModelError(AssistantError):
    """The embedding model could not be loaded."""


class LLMError(AssistantError):
    """The configured LLM failed (unreachable, timed out, malformed reply)."""


class LLMCutOff(LLMError):
    """The model's reply started but ended without the server saying it was finished (no finish reason)."""
