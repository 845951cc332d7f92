"""The dependency direction: rag/ and index/ never pull in the front ends, Streamlit or Slack."""

from __future__ import annotations

import subprocess
import sys


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_importing_rag_pulls_in_no_front_end() -> None:
    loaded = _modules_after("import rag.service, rag.llm, rag.figures")
    assert not {m for m in loaded if m.split(".")[0] in {"ui", "streamlit", "slack_bolt", "slack_sdk", "evals"}}


def test_importing_index_pulls_in_neither_rag_nor_front_ends() -> None:
    loaded = _modules_after("import index.ingest, index.factory")
    assert not {m for m in loaded if m.split(".")[0] in {"rag", "ui", "streamlit", "slack_bolt"}}
