"""Errors of the answering side; the hierarchy lives in index.errors (rag re-exports it).

    CrossbriefError -> ConfigError, IngestError, IndexNotFound, StoreUnavailable, EmbeddingError,
                       RetrievalError, GenerationError, InvalidQuestion
"""

from __future__ import annotations

from index.errors import (  # noqa: F401  (re-exported)
    ConfigError,
    CrossbriefError,
    EmbeddingError,
    GenerationError,
    IndexNotFound,
    IngestError,
    RetrievalError,
    StoreUnavailable,
)


class InvalidQuestion(CrossbriefError):
    """An empty, whitespace-only or over-long question."""
