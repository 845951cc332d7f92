"""Shared fixtures: every test gets its own data directory and no CROSSBRIEF_* settings from the developer;
the real model and the sample-corpus index are built once per session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"
VENV_BIN = Path(sys.executable).parent
CROSSBRIEF = str(VENV_BIN / "crossbrief")


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The int8 ONNX export is made once per test run and shared by every data directory. Under pytest-xdist
    (scripts/test) the workers share one folder, and the first worker makes the export under a lock before any of
    its tests runs: otherwise two workers, or the CLIs their tests start, could write the same export at once."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return tmp_path_factory.mktemp("models")
    import fcntl

    from crossbrief.index.onnx_embedding import export_int8, int8_model_path
    from crossbrief.index.packaged_model import packaged_model_dir

    run_folder = tmp_path_factory.getbasetemp().parent  # the controller's basetemp, one per run
    folder = run_folder / "models"
    with open(run_folder / "models.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        export_int8(packaged_model_dir(), int8_model_path(folder))
    return folder


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_cache: Path) -> Path:
    return isolate(monkeypatch, tmp_path, model_cache)


def isolate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, model_cache: Path) -> Path:
    """The environment every test runs in (data directory `tmp_path/home`). A module or session fixture that starts
    crossbrief processes calls it under `pytest.MonkeyPatch.context()`: it runs before this autouse fixture, and its
    processes would otherwise use the developer's settings and make an ONNX export of their own (~7 s of CPU)."""
    for key in list(os.environ):
        if key.startswith("CROSSBRIEF_") or key.startswith("SLACK_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("CROSSBRIEF_INDEX__MODEL_CACHE_DIR", str(model_cache))
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # two workers (and the commands their tests start) on few cores: one onnx thread each, not one per core
        monkeypatch.setenv("CROSSBRIEF_INDEX__ONNX_THREADS", "1")
    home = tmp_path / "home"
    monkeypatch.setenv("CROSSBRIEF_HOME", str(home))
    monkeypatch.setenv("CROSSBRIEF_CONFIG", str(tmp_path / "no-config.toml"))
    return home


@pytest.fixture(scope="session")
def embedder(model_cache: Path):  # type: ignore[no-untyped-def]
    """The default backend, as users get it."""
    from crossbrief.index.factory import build_embedder
    from crossbrief.config import Settings

    threads = 1 if os.environ.get("PYTEST_XDIST_WORKER") else 0  # see isolated_settings
    return build_embedder(Settings(index={"model_cache_dir": model_cache, "onnx_threads": threads}))


@pytest.fixture(scope="session")
def torch_embedder():  # type: ignore[no-untyped-def]
    from crossbrief.index.embedding import load_embedder

    return load_embedder("torch")


@pytest.fixture(scope="session")
def sample_home(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:  # type: ignore[no-untyped-def]
    """The sample corpus, ingested once (copied so tests may not alter the project's files)."""
    from crossbrief.index.factory import build_ingester
    from crossbrief.config import Settings

    base = tmp_path_factory.mktemp("sample")
    corpus = base / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = Settings(home=base / "home")
    report = build_ingester(settings, embedder).ingest([corpus])
    assert embedder.backend == settings.index.embedding_backend
    assert not report.files_failed, report.files_failed
    return base / "home"


@pytest.fixture(scope="session")
def sample_service(sample_home: Path, embedder):  # type: ignore[no-untyped-def]
    from crossbrief.config import Settings
    from crossbrief.rag.service import build

    return build(Settings(home=sample_home), embedder)


def free_port() -> int:
    """A port that was free a moment ago, for servers that cannot bind port 0 themselves: start them with a retry
    on a failed bind (tests/local_http.py `serve_on_free_port`); servers we write bind port 0."""
    from tests.local_http import candidate_port

    return candidate_port()


def wait_for_http(url: str, timeout: float = 90, accept_errors: bool = False) -> bool:
    """Polls `url` until it answers (any HTTP status when accept_errors); False on timeout."""
    import time
    import urllib.error
    import urllib.request

    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return True
        except urllib.error.HTTPError:
            if accept_errors:
                return True
            time.sleep(0.3)
        except OSError:
            time.sleep(0.3)
    return False


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 300,
            cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    merged = {**os.environ, **(env or {})}
    return subprocess.run([CROSSBRIEF, *args], capture_output=True, text=True, env=merged, timeout=timeout,
                          cwd=cwd or ROOT)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1"}


def missing_prerequisite(reason: str) -> NoReturn:
    """Outside CI a test whose prerequisite is missing skips with `reason`; under CI=true the run fails, so a CI
    machine without it cannot pass while testing less."""
    if in_ci():
        pytest.fail(f"{reason}; CI=true requires it", pytrace=False)
    pytest.skip(reason)


def shared_corpus_or_skip() -> Path:
    if not SHARED_CORPUS.exists():
        missing_prerequisite(f"reference corpus not found at {SHARED_CORPUS} (only present beside the project's "
                             "own checkout)")
    return SHARED_CORPUS
