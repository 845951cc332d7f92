"""Uploaded sources: names sanitised, sizes and types checked, saved only inside the upload folder."""

from __future__ import annotations

import re
from pathlib import Path

from crossbrief.errors import IngestError
from crossbrief.rag.service import SUPPORTED_SUFFIXES


def safe_name(name: str) -> str:
    """A file name with no directory parts, no leading dots and only plain characters."""
    base = re.split(r"[\\/]", name)[-1]
    base = re.sub(r"[^A-Za-z0-9._ -]", "_", base).strip(" .")
    base = re.sub(r"\.{2,}", ".", base)
    if not base or base.startswith("."):
        base = "upload" + (base if base.startswith(".") else "")
    return base[:120]


def save_upload(folder: Path, name: str, data: bytes, max_bytes: int) -> Path:
    """Saves an upload as folder/safe_name(name); raises IngestError for an unsupported or oversized file."""
    clean = safe_name(name)
    suffix = Path(clean).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(f"{name}: unsupported file type; upload one of {', '.join(SUPPORTED_SUFFIXES)}")
    if len(data) > max_bytes:
        raise IngestError(f"{name}: {len(data) / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB upload limit")
    if not data.strip():
        raise IngestError(f"{name}: empty file")
    folder.mkdir(parents=True, exist_ok=True)
    target = (folder / clean).resolve()
    if target.parent != folder.resolve():
        raise IngestError(f"{name}: not a valid file name")
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(data)
    partial.replace(target)
    return target
