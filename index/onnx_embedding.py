"""The `onnx-int8` embedding backend: the packaged all-MiniLM-L6-v2 exported once to ONNX with torch's own
exporter, quantised with onnxruntime's dynamic int8 quantisation, cached under the data directory, and run with
onnxruntime and the model's own tokenizer (mean pooling and L2 normalisation as sentence-transformers does)."""

from __future__ import annotations

import hashlib
import logging
import os
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np

from crossbrief.errors import EmbeddingError
from crossbrief.index.packaged_model import (
    MAX_WORD_PIECES,
    MODEL_NAME,
    MODEL_SHA256,
    packaged_model_dir,
    vector_width,
    verify_model_files,
)


def int8_model_path(cache_dir: Path) -> Path:
    return cache_dir / f"{MODEL_NAME}-{MODEL_SHA256[:12]}-int8pc7.onnx"


@contextmanager
def _quiet() -> Iterator[None]:
    """The exporter and quantiser warn about tracing details that do not apply to this model."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        root.setLevel(level)


def checksum_path(target: Path) -> Path:
    return target.with_name(target.name + ".sha256")


def _cached_and_intact(target: Path) -> bool:
    """The export exists and matches the checksum written beside it (a damaged cache is rebuilt)."""
    checksum = checksum_path(target)
    if not (target.exists() and checksum.exists()):
        return False
    return hashlib.sha256(target.read_bytes()).hexdigest() == checksum.read_text().strip()


def export_int8(model_dir: Path, target: Path) -> Path:
    """Exports and quantises once, from the packaged weights after checking their sha256; later calls return the
    cached file once its own checksum holds."""
    if _cached_and_intact(target):
        return target
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    import transformers
    from onnxruntime.quantization import QuantType, quantize_dynamic

    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    verify_model_files(model_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    # eager attention traces to plain ops that honour a padding mask of any shape
    bert = transformers.AutoModel.from_pretrained(str(model_dir), local_files_only=True,
                                                  attn_implementation="eager").eval()

    class LastHiddenState(torch.nn.Module):
        """Keyword arguments only: transformers' positional order is not stable across versions."""

        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state

    # a padded batch of two, so that nothing about batch size, length or masking is traced as a constant
    inputs = (torch.tensor([[101, 2054, 2003, 1996, 7773, 102, 0, 0], [101, 2129, 2116, 2111, 102, 0, 0, 0]]),
              torch.tensor([[1, 1, 1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 0, 0, 0]]),
              torch.zeros((2, 8), dtype=torch.long))
    names = ("input_ids", "attention_mask", "token_type_ids")
    float_path = target.with_name(target.stem + ".fp32.onnx")
    partial = target.with_name(target.name + ".part")
    with _quiet(), torch.no_grad():
        torch.onnx.export(
            LastHiddenState().eval(), inputs, str(float_path), input_names=list(names),
            output_names=["last_hidden_state"],
            dynamic_axes={name: {0: "batch", 1: "sequence"} for name in (*names, "last_hidden_state")},
            opset_version=17, dynamo=False,
        )
        # per-channel weights keep cosine to the torch vectors near 0.99 (per-tensor int8 drops to about 0.95).
        # 7-bit weights (reduce_range): CPUs without VNNI multiply uint8 x int8 pairs into saturating int16 sums,
        # VNNI CPUs do not, so full-range weights give different vectors on different machines; with 7 bits no
        # sum saturates and every x86 CPU computes the same integers (an index and its evals then move between
        # machines)
        quantize_dynamic(str(float_path), str(partial), weight_type=QuantType.QInt8, per_channel=True,
                         reduce_range=True)
    float_path.unlink(missing_ok=True)
    checksum_path(target).write_text(hashlib.sha256(partial.read_bytes()).hexdigest())
    os.replace(partial, target)
    return target


@dataclass
class OnnxInt8Embedder:
    """The int8 ONNX export run by onnxruntime on CPU, with the model's own tokenizer."""

    model_path: Path
    tokenizer_path: Path
    threads: int = 0  # onnxruntime intra-op threads; 0: its default
    backend: str = "onnx-int8"
    dim: int = field(default_factory=vector_width)
    _session: Any = field(init=False, repr=False)
    _tokenizer: Any = field(init=False, repr=False)
    _counter: Any = field(init=False, repr=False)

    def __post_init__(self) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        if self.threads:
            options.intra_op_num_threads = self.threads
            options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(str(self.model_path), options,
                                                     providers=["CPUExecutionProvider"])
        self._tokenizer = Tokenizer.from_file(str(self.tokenizer_path))
        self._counter = Tokenizer.from_file(str(self.tokenizer_path))
        self._counter.no_truncation()
        self._counter.no_padding()
        self._tokenizer.enable_truncation(MAX_WORD_PIECES)
        self._tokenizer.no_padding()  # tokenizer.json may pad to a fixed length; a text alone needs none

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # one text per run: dynamic int8 quantisation scales a run's activations by their range over the whole
        # run, so a text batched with others got a vector that depended on them (cosine 0.99 to its own); alone,
        # a text has one vector whatever it is ingested or asked with, the question's included. On CPU this is no
        # slower than padded batches (no padding is computed)
        vectors = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, encoding in enumerate(self._tokenizer.encode_batch(list(texts))):
            ids = np.array([encoding.ids], dtype=np.int64)
            hidden = self._session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids),
                                              "token_type_ids": np.zeros_like(ids)})[0]
            pooled = hidden[0].mean(axis=0)
            vectors[i] = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
        return vectors

    def count_word_pieces(self, text: str) -> int:
        return len(self._counter.encode(text).ids)


def load_onnx_int8(cache_dir: Path, threads: int = 0) -> OnnxInt8Embedder:
    model_dir = packaged_model_dir()
    try:
        path = export_int8(model_dir, int8_model_path(cache_dir))
    except (OSError, RuntimeError, ValueError) as exc:
        raise EmbeddingError(f"Could not build the int8 ONNX model in {cache_dir} ({exc.__class__.__name__}: "
                             f"{str(exc)[:100]}); use CROSSBRIEF_INDEX__EMBEDDING_BACKEND=torch") from exc
    return OnnxInt8Embedder(path, model_dir / "tokenizer.json", threads, dim=vector_width(model_dir))
