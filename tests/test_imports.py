"""The dependency direction: ui -> evals -> rag -> index -> core, nothing back up; no top-level index/rag/ui/evals."""

from __future__ import annotations

import ast
import graphlib
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

# Rank of each layer: a module may import its own layer and any layer of lower rank.
LAYERS = {"core": 0, "index": 1, "rag": 2, "evals": 3, "ui": 4}
FOLDERS = {"crossbrief": "core", "index": "index", "rag": "rag", "evals": "evals", "ui": "ui"}


def _layer_of_module(name: str) -> str | None:
    parts = name.split(".")
    if parts[0] != "crossbrief":
        return None
    if len(parts) > 1 and parts[1] in LAYERS and parts[1] != "core":
        return parts[1]
    return "core"


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names if node.module == "crossbrief"]
    return names


def _upward_imports() -> list[str]:
    problems = []
    for folder, layer in FOLDERS.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.name == "__main__.py":  # the entry point runs the CLI on purpose
                continue
            for name in _imports(path):
                target = _layer_of_module(name)
                if target is not None and LAYERS[target] > LAYERS[layer]:
                    problems.append(f"{path.relative_to(ROOT)} ({layer}) imports {name} ({target})")
                if name.split(".")[0] in {"index", "rag", "ui", "evals"}:
                    problems.append(f"{path.relative_to(ROOT)} imports top-level {name}")
    return problems


def test_no_module_imports_a_higher_layer() -> None:
    assert _upward_imports() == []


def test_layer_check_catches_an_upward_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from crossbrief.rag.service import build\nimport crossbrief.ui.cli.main\n")
    targets = [_layer_of_module(n) for n in _imports(bad)]
    assert targets == ["rag", "ui"] and LAYERS["rag"] > LAYERS["index"]


# The front ends reach rag/ and index/ only through crossbrief.rag.service; only the CLI's eval and bench commands
# (with `eval --tatqa`'s own module) may import the evals.
MAY_IMPORT_EVALS = {"ui/cli/evals_command.py", "ui/cli/tatqa_command.py", "ui/cli/bench_command.py"}


def _front_end_problems(paths: list[Path], root: Path) -> list[str]:
    problems = []
    for path in paths:
        where = path.relative_to(root).as_posix()
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] != "crossbrief" or len(parts) < 2:
                continue
            through_service = parts[:3] == ["crossbrief", "rag", "service"]
            if parts[1] in {"index", "rag"} and not through_service:
                problems.append(f"{where} imports {name}: use crossbrief.rag.service")
            elif parts[1] == "evals" and where not in MAY_IMPORT_EVALS:
                problems.append(f"{where} imports {name}: only the eval and bench commands may")
    return problems


def test_front_ends_use_only_the_service_and_the_core() -> None:
    assert _front_end_problems(sorted((ROOT / "ui").rglob("*.py")), ROOT) == []


def test_front_end_check_catches_a_reach_past_the_service(tmp_path: Path) -> None:
    (tmp_path / "ui" / "web").mkdir(parents=True)
    (tmp_path / "ui" / "cli").mkdir()
    (tmp_path / "ui" / "web" / "page.py").write_text(
        "from crossbrief.rag.service import build\n"
        "from crossbrief.config import Settings\n"
        "def f():\n"
        "    from crossbrief.index.manifest import Manifest\n"
        "from crossbrief.rag import models\n"
        "import crossbrief.evals.runner\n")
    (tmp_path / "ui" / "cli" / "bench_command.py").write_text("from crossbrief.evals.bench import run_bench\n")
    problems = _front_end_problems(sorted((tmp_path / "ui").rglob("*.py")), tmp_path)
    assert sorted(problems) == [
        "ui/web/page.py imports crossbrief.evals.runner: only the eval and bench commands may",
        "ui/web/page.py imports crossbrief.index.manifest: use crossbrief.rag.service",
        "ui/web/page.py imports crossbrief.rag: use crossbrief.rag.service"]


def _module_name(path: Path) -> str:
    folder = path.relative_to(ROOT).parts[0]
    package = "crossbrief" if folder == "crossbrief" else f"crossbrief.{folder}"
    parts = [p for p in path.relative_to(ROOT / folder).with_suffix("").parts if p != "__init__"]
    return ".".join([package, *parts])


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle in `graph` (module -> modules it imports), or [] when there is none."""
    try:
        list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        return list(exc.args[1])
    return []


def test_no_import_cycles_even_through_imports_inside_functions() -> None:
    paths = {_module_name(p): p for folder in FOLDERS for p in (ROOT / folder).rglob("*.py")}
    graph = {name: {m for m in _imports(path) if m in paths and m != name} for name, path in paths.items()}
    assert "crossbrief.index.onnx_embedding" in graph and _cycle(graph) == []


def test_cycle_check_finds_a_cycle() -> None:
    assert sorted(set(_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}))) == ["a", "b", "c"]


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd="/").stdout
    return set(out.split())


def test_importing_rag_pulls_in_no_front_end() -> None:
    loaded = _modules_after("import crossbrief.rag.service, crossbrief.rag.llm, crossbrief.rag.figures")
    assert not {m for m in loaded if m.startswith(("crossbrief.ui", "crossbrief.evals", "streamlit", "slack_bolt",
                                                   "slack_sdk"))}


def test_importing_index_pulls_in_neither_rag_nor_front_ends() -> None:
    loaded = _modules_after("import crossbrief.index.ingest, crossbrief.index.factory")
    assert not {m for m in loaded if m.startswith(("crossbrief.rag", "crossbrief.ui", "streamlit", "slack_bolt"))}


def test_installed_package_has_no_generic_top_level_names() -> None:
    code = "import importlib.util as u; print([n for n in ('index', 'rag', 'ui', 'evals') if u.find_spec(n)])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/").stdout
    assert out.strip() == "[]"
