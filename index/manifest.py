"""The manifest: the record of which sources the index holds, their content hashes and chunk ids.

It is written atomically (temporary file, fsync, rename), so a kill at any moment leaves either the old or
the new manifest on disk, never a torn one.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from crossbrief.errors import IngestError

FORMAT_VERSION = 1


@dataclass(frozen=True)
class SourceRecord:
    source: str
    content_hash: str
    chunk_ids: tuple[str, ...]
    title: str
    date: str | None
    source_url: str | None
    kind: str
    ingested_at: str
    pipeline: str = ""


@dataclass
class Manifest:
    path: Path
    sources: dict[str, SourceRecord] = field(default_factory=dict)
    embedding_backend: str | None = None

    @classmethod
    def load(cls, path: Path) -> "Manifest":
        if not path.exists():
            return cls(path)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            records = {
                key: SourceRecord(**{**value, "chunk_ids": tuple(value["chunk_ids"])})
                for key, value in raw["sources"].items()
            }
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IngestError(
                f"The manifest {path} is unreadable ({exc.__class__.__name__}); delete the data directory "
                f"{path.parent} and ingest again"
            ) from exc
        return cls(path, records, raw.get("embedding_backend"))

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "format": FORMAT_VERSION,
            "embedding_backend": self.embedding_backend,
            "sources": {key: asdict(record) for key, record in sorted(self.sources.items())},
        }
        partial = self.path.with_name(self.path.name + ".tmp")
        with partial.open("w", encoding="utf-8") as handle:
            json.dump(payload, handle, indent=1, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, self.path)

    def all_chunk_ids(self) -> set[str]:
        return {chunk_id for record in self.sources.values() for chunk_id in record.chunk_ids}

    def fingerprint(self) -> str:
        """Changes whenever the set of indexed chunks changes (BM25 rebuilds on it)."""
        import hashlib

        blob = "\n".join(f"{k}:{r.content_hash}" for k, r in sorted(self.sources.items()))
        return hashlib.sha256(blob.encode()).hexdigest()[:16]
