"""Loading untrusted files without letting one of them take the process down.

Each file is parsed in a long-lived worker process that runs under an address-space limit (RLIMIT_AS) and a
time limit per file; zip containers (DOCX) are checked for their unpacked size and compression ratio, and CSV
files for their column count, before any parser sees them. Whatever goes wrong with one file (a parser's own
error, MemoryError, RecursionError, a crash or a hang of the worker) becomes an IngestError with one line naming
the file and the reason; the worker is restarted when it died or hung, and the next file goes on.
"""

from __future__ import annotations

import atexit
import contextlib
import csv
import io
import math
import signal
import socket
import subprocess
import sys
import threading
import zipfile
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from crossbrief.errors import IngestError
from crossbrief.index.documents import Document
from crossbrief.index.loaders import load

_ZIP_SUFFIXES = (".docx",)
_START_TIMEOUT_S = 120


@dataclass(frozen=True)
class LoadLimits:
    """What one file may cost to parse. The defaults match crossbrief.config.IndexSettings."""

    memory_mb: int = 2048
    timeout_s: float = 120.0
    max_unpacked_bytes: int = 500_000_000
    max_compression_ratio: float = 200.0
    max_csv_columns: int = 200

    @classmethod
    def from_settings(cls, index: Any) -> "LoadLimits":
        """From an IndexSettings section."""
        return cls(memory_mb=index.loader_memory_mb, timeout_s=index.loader_timeout_s,
                   max_unpacked_bytes=int(index.max_unpacked_mb * 1e6),
                   max_compression_ratio=index.max_compression_ratio, max_csv_columns=index.max_csv_columns)


def check_limits(path: Path, data: bytes, limits: LoadLimits) -> None:
    """Refuses, before parsing, a zip that unpacks too large or too far, and a CSV with too many columns."""
    suffix = path.suffix.lower()
    if suffix in _ZIP_SUFFIXES:
        try:
            members = zipfile.ZipFile(io.BytesIO(data)).infolist()
        except (zipfile.BadZipFile, ValueError, OSError):
            return  # not a zip at all: the loader says so
        unpacked = sum(member.file_size for member in members)
        if unpacked > limits.max_unpacked_bytes:
            raise IngestError(f"{path}: unpacks to {unpacked / 1e6:.0f} MB, over the "
                              f"{limits.max_unpacked_bytes / 1e6:.0f} MB limit (index.max_unpacked_mb)")
        ratio = unpacked / max(len(data), 1)
        if ratio > limits.max_compression_ratio:
            raise IngestError(f"{path}: unpacks {ratio:.0f} times its size, over the {limits.max_compression_ratio:.0f}x "
                              "limit for compressed files (index.max_compression_ratio)")
    elif suffix == ".csv":
        first_line = data.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
        try:
            columns = len(next(csv.reader(io.StringIO(first_line)), []))
        except csv.Error:
            return  # the loader reports the malformed header
        if columns > limits.max_csv_columns:
            raise IngestError(f"{path}: {columns} columns, over the {limits.max_csv_columns}-column limit "
                              "(index.max_csv_columns)")


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{exc.__class__.__name__}: {text[:120]}" if text else exc.__class__.__name__


def load_checked(path: Path, data: bytes, limits: LoadLimits) -> Document:
    """Checks the limits, then loads; every failure is an IngestError with one line (never another exception)."""
    try:
        check_limits(path, data, limits)
        try:
            return load(path, data)
        except IngestError as exc:  # a loader's broad handler may have wrapped one of the limits below
            if isinstance(exc.__cause__, (MemoryError, RecursionError)):
                raise exc.__cause__ from None
            raise
    except IngestError:
        raise
    except MemoryError:
        raise IngestError(f"{path}: needs more than the {limits.memory_mb} MB of memory allowed for one file "
                          "(index.loader_memory_mb)") from None
    except RecursionError:
        raise IngestError(f"{path}: nested too deeply to read (RecursionError)") from None
    except Exception as exc:  # noqa: BLE001 - any parser failure is this file's failure, not the run's
        if path.suffix.lower() == ".pdf" and b"/Encrypt" in data:
            raise IngestError(f"{path}: the PDF is encrypted; save an unencrypted copy and ingest that") from None
        raise IngestError(f"{path}: could not be read ({_one_line(exc)})") from None


def _serve(conn: Connection, limits: LoadLimits) -> None:
    """The worker: limits its own address space, then loads (path, bytes) requests until told to stop, each under
    a CPU-time limit (SIGXCPU ends the worker; the parent reports that file and starts a fresh one)."""
    import resource

    cap = limits.memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core file when the CPU limit ends the worker
    _, cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)
    conn.send(("ready", None))  # the parent's limits count parsing only, not this process's start
    while True:
        try:
            name = conn.recv()
        except EOFError:
            return
        if name is None:
            return
        data = conn.recv_bytes()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        allowed = math.ceil(usage.ru_utime + usage.ru_stime + limits.timeout_s)
        if cpu_hard == resource.RLIM_INFINITY or allowed < cpu_hard:
            resource.setrlimit(resource.RLIMIT_CPU, (allowed, cpu_hard))
        try:
            conn.send(("ok", load_checked(Path(name), data, limits)))
        except IngestError as exc:
            conn.send(("error", str(exc)))
        except BaseException as exc:  # noqa: BLE001 - e.g. a MemoryError while sending: report, then start afresh
            with contextlib.suppress(BaseException):
                conn.send(("error", f"{name}: could not be read ({_one_line(exc)})"))
            return


def serve_fd(fd: int, limits: dict[str, Any]) -> None:
    """Entry point of the worker process (started with `python -c`, so no caller's __main__ is re-imported)."""
    _serve(Connection(fd), LoadLimits(**limits))


class LoaderProcess:
    """Loads files in one reused worker process under `limits`; thread-safe (one file at a time)."""

    def __init__(self, limits: LoadLimits) -> None:
        self.limits = limits
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._conn: Connection | None = None

    def _start(self) -> Connection:
        if self._process is not None and self._process.poll() is None and self._conn is not None:
            return self._conn
        self._stop(kill=True)
        # a fresh interpreter, not fork (the parent holds ONNX and Chroma threads) nor multiprocessing's spawn
        # (which re-imports the caller's __main__): it imports only this module
        ours, theirs = socket.socketpair()
        code = f"from crossbrief.index.safe_load import serve_fd; serve_fd({theirs.fileno()}, {asdict(self.limits)!r})"
        self._process = subprocess.Popen([sys.executable, "-c", code], pass_fds=(theirs.fileno(),),
                                         stdin=subprocess.DEVNULL)
        theirs.close()
        self._conn = Connection(ours.detach())
        try:
            started = self._conn.poll(_START_TIMEOUT_S) and self._conn.recv()[0] == "ready"
        except (EOFError, OSError):
            started = False
        if not started:
            self._stop(kill=True)
            raise IngestError(f"The file reader process did not start within {_START_TIMEOUT_S} s")
        return self._conn

    def _stop(self, kill: bool) -> int | None:
        """Ends the worker; returns its exit status (negative: the signal that ended it)."""
        if self._conn is not None:
            if not kill:
                with contextlib.suppress(OSError):
                    self._conn.send(None)
            self._conn.close()
            self._conn = None
        status = None
        if self._process is not None:
            if kill and self._process.poll() is None:
                self._process.kill()
            try:
                status = self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                status = self._process.wait()
            self._process = None
        return status

    def load(self, path: Path, data: bytes) -> Document:
        """The file's Document, or IngestError (one line) whatever happened while parsing it."""
        timeout = self.limits.timeout_s
        with self._lock:
            conn = self._start()
            try:
                conn.send(str(path))
                conn.send_bytes(data)
                # the worker's own CPU limit normally ends a slow parse; this wall-clock limit catches one that
                # waits without computing
                if not conn.poll(4 * timeout + 10):
                    self._stop(kill=True)
                    raise IngestError(f"{path}: took longer than {timeout:g} s to read (index.loader_timeout_s)")
                status, value = conn.recv()
            except (EOFError, OSError):
                ended = self._stop(kill=False)
                if ended == -signal.SIGXCPU:
                    raise IngestError(f"{path}: took longer than {timeout:g} s of processor time to read "
                                      "(index.loader_timeout_s)") from None
                raise IngestError(f"{path}: the reader stopped while parsing this file (over the "
                                  f"{self.limits.memory_mb} MB memory limit, or a parser crash)") from None
        if status == "ok":
            document: Document = value
            return document
        raise IngestError(str(value))

    def close(self) -> None:
        with self._lock:
            self._stop(kill=False)


_shared: dict[LoadLimits, LoaderProcess] = {}
_shared_lock = threading.Lock()


def shared_loader(limits: LoadLimits) -> LoaderProcess:
    """The process-wide loader for `limits`, its worker started on first use and reused by every later ingest
    (the UI ingests many times in one process); stopped at exit."""
    with _shared_lock:
        if limits not in _shared:
            if not _shared:
                atexit.register(_close_all)
            _shared[limits] = LoaderProcess(limits)
        return _shared[limits]


def _close_all() -> None:
    for loader in list(_shared.values()):
        loader.close()
