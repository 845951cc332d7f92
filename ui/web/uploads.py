"""Uploaded sources: names sanitised, sizes and types checked, saved only inside the upload folder, and never
over another upload: a different file with a name already taken is stored as `name-2.ext`, `name-3.ext`..."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from crossbrief.errors import IngestError
from crossbrief.rag.service import SUPPORTED_SUFFIXES

MAX_NAME = 120


def safe_name(name: str) -> str:
    """A file name with no directory parts, no leading dots, only plain characters and at most 120 characters,
    its extension kept."""
    base = re.split(r"[\\/]", name)[-1]
    base = re.sub(r"[^A-Za-z0-9._ -]", "_", base).strip(" .")
    base = re.sub(r"\.{2,}", ".", base)
    if not base or base.startswith("."):
        base = "upload" + (base if base.startswith(".") else "")
    if len(base) > MAX_NAME:
        stem, suffix = os.path.splitext(base)
        suffix = suffix if len(suffix) <= 10 else ""
        base = stem[:MAX_NAME - len(suffix)].rstrip(" .") + suffix
    return base


def _numbered(name: str, number: int) -> str:
    if number == 1:
        return name
    stem, suffix = os.path.splitext(name)
    tail = f"-{number}"
    return stem[:MAX_NAME - len(suffix) - len(tail)] + tail + suffix


def save_upload(folder: Path, name: str, data: bytes, max_bytes: int) -> Path:
    """Saves an upload in `folder` under its cleaned name; raises IngestError for an unsupported or oversized
    file. The same bytes uploaded again reuse their file; different bytes under a taken name get the next free
    `-N` name, claimed atomically (a hard link never replaces a file), so concurrent sessions cannot overwrite
    each other's uploads."""
    clean = safe_name(name)
    suffix = Path(clean).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(f"{name}: unsupported file type; upload one of {', '.join(SUPPORTED_SUFFIXES)}")
    if len(data) > max_bytes:
        raise IngestError(f"{name}: {len(data) / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB upload limit")
    if not data.strip():
        raise IngestError(f"{name}: empty file")
    folder.mkdir(parents=True, exist_ok=True)
    root = folder.resolve()
    if (root / clean).resolve().parent != root:
        raise IngestError(f"{name}: not a valid file name")
    handle, partial_name = tempfile.mkstemp(dir=root, prefix=".upload-", suffix=".part")
    partial = Path(partial_name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        for number in range(1, 10_000):
            target = root / _numbered(clean, number)
            try:
                os.link(partial, target)
                return target
            except FileExistsError:
                if target.is_file() and target.read_bytes() == data:
                    return target
        raise IngestError(f"{name}: too many uploads with this name; rename the file")
    finally:
        partial.unlink(missing_ok=True)
