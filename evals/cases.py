"""Eval cases: YAML files, one case per entry, validated on load. A malformed case names its file, line
and problem.

A case file is a mapping with `cases:` (a list) and optionally `corpus:` (a path relative to the file) and
`name:`; a bare list of cases also works. Each case:

    id: unique-id
    question: "..."            # or turns: ["first question", "follow-up"]  (the last turn is scored)
    expect: ["25%", "more than 600", {text: "China"}]   # figures (parsed with rag.figures) or text
    sources: ["2025-02-03-us-tariff-order-on-canada.md"]  # documents that hold the answer
    refuse: true               # the corpus cannot answer this
    as_of / date_from / date_to: "2025-03-01"             # optional date filter (as_of = date_to)
    tags: [tariffs]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from crossbrief.errors import ConfigError
from crossbrief.rag.figures import Figure, extract_figures


class CaseError(ConfigError):
    """A case file that cannot be used: the message names file, line and problem."""


class ExpectText(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str


class CaseModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    question: str | None = None
    turns: list[str] | None = None
    expect: list[str | ExpectText] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    refuse: bool = False
    as_of: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    tags: list[str] = Field(default_factory=list)

    @field_validator("expect")
    @classmethod
    def _figures_parse(cls, value: list[str | ExpectText]) -> list[str | ExpectText]:
        for item in value:
            if isinstance(item, str) and len(extract_figures(item)) != 1:
                raise ValueError(f"expect entry {item!r} must hold exactly one figure; use {{text: ...}} for words")
        return value

    @model_validator(mode="after")
    def _shape(self) -> "CaseModel":
        if (self.question is None) == (self.turns is None):
            raise ValueError("give exactly one of question or turns")
        if self.turns is not None and (len(self.turns) < 2 or not all(t.strip() for t in self.turns)):
            raise ValueError("turns needs at least two non-empty questions")
        if self.refuse and self.expect:
            raise ValueError("a refuse: true case cannot also expect figures")
        if not self.refuse and not self.expect:
            raise ValueError("expect is empty: list the figures the answer must contain, or set refuse: true")
        return self


@dataclass(frozen=True)
class Expectation:
    raw: str
    figure: Figure | None  # None: a text expectation


@dataclass(frozen=True)
class Case:
    id: str
    turns: tuple[str, ...]
    expect: tuple[Expectation, ...]
    sources: tuple[str, ...]
    refuse: bool
    date_from: str | None
    date_to: str | None
    tags: tuple[str, ...]
    file: str
    line: int

    @property
    def question(self) -> str:
        return self.turns[-1]


@dataclass
class CaseSet:
    name: str
    path: Path
    corpus: Path | None
    cases: list[Case] = field(default_factory=list)


def _to_case(model: CaseModel, file: Path, line: int) -> Case:
    expectations = []
    for item in model.expect:
        if isinstance(item, ExpectText):
            expectations.append(Expectation(item.text, None))
        else:
            expectations.append(Expectation(item, extract_figures(item)[0]))
    return Case(
        id=model.id, turns=tuple(model.turns or [model.question or ""]), expect=tuple(expectations),
        sources=tuple(model.sources), refuse=model.refuse, date_from=model.date_from,
        date_to=model.date_to or model.as_of, tags=tuple(model.tags), file=str(file), line=line,
    )


def load_case_file(path: Path) -> CaseSet:
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text)
        data: Any = yaml.safe_load(text)
    except OSError as exc:
        raise CaseError(f"{path}: cannot be read ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        raise CaseError(f"{path}:{line}: not valid YAML ({getattr(exc, 'problem', exc)})") from exc
    corpus = None
    name = path.stem
    items_node = root
    if isinstance(data, dict):
        unknown = set(data) - {"name", "corpus", "cases"}
        if unknown:
            raise CaseError(f"{path}:1: unknown top-level keys {sorted(unknown)}; use name, corpus, cases")
        name = str(data.get("name") or name)
        corpus = (path.parent / data["corpus"]).resolve() if data.get("corpus") else None
        items_node = next(v for k, v in root.value if k.value == "cases")
        data = data.get("cases")
    if not isinstance(data, list) or not data:
        raise CaseError(f"{path}:1: expected a list of cases")
    cases: list[Case] = []
    seen: dict[str, int] = {}
    for raw, node in zip(data, items_node.value):
        line = node.start_mark.line + 1
        if not isinstance(raw, dict):
            raise CaseError(f"{path}:{line}: a case must be a mapping with id, question/turns, expect...")
        try:
            model = CaseModel.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "case"
            ident = raw.get("id", "?")
            raise CaseError(f"{path}:{line}: case {ident!r}: {where}: {first['msg']}") from exc
        if model.id in seen:
            raise CaseError(f"{path}:{line}: case id {model.id!r} already used on line {seen[model.id]}")
        seen[model.id] = line
        cases.append(_to_case(model, path, line))
    return CaseSet(name, path, corpus, cases)


def load_cases(path: Path) -> CaseSet:
    """A case file, or every *.yaml in a folder merged (named after the folder)."""
    if path.is_dir():
        files = sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml"))
        if not files:
            raise CaseError(f"{path}: no .yaml case files")
        sets = [load_case_file(f) for f in files]
        merged = CaseSet(path.name, path, sets[0].corpus, [c for s in sets for c in s.cases])
        return merged
    if not path.exists():
        raise CaseError(f"{path}: no such case file")
    return load_case_file(path)
