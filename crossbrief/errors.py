"""Errors crossbrief raises, each with a message a user can act on.

    CrossbriefError
     +-- ConfigError          a setting or secret is missing or invalid
     +-- IngestError          a source could not be read or indexed
     +-- IndexNotFound        no index yet: run `crossbrief ingest PATH`
     +-- StoreUnavailable     the Chroma server cannot be reached
     +-- EmbeddingError       the packaged model is missing, altered or mismatched
     +-- RetrievalError       a query or filter is invalid
     +-- GenerationError      an answerer (LLM endpoint) failed
     +-- InvalidQuestion      an empty, whitespace-only or over-long question

Front ends (CLI, Streamlit, Slack) render these as one line; library code only raises them.
"""

from __future__ import annotations


class CrossbriefError(Exception):
    """Base class: str(error) is a one-line message that tells the user what to do."""


class ConfigError(CrossbriefError):
    pass


class IngestError(CrossbriefError):
    pass


class IndexNotFound(CrossbriefError):
    pass


class StoreUnavailable(CrossbriefError):
    pass


class EmbeddingError(CrossbriefError):
    pass


class RetrievalError(CrossbriefError):
    pass


class GenerationError(CrossbriefError):
    pass


class InvalidQuestion(CrossbriefError):
    """An empty, whitespace-only or over-long question."""
