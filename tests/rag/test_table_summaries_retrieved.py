"""A big table is found through its summaries (one chunk per value of each categorical column), but a question near
the table's topic should not get a dozen of them in place of the prose: retrieval keeps the first
`retrieval.summaries_per_source` of a source's summaries (the table answerer reads the table itself)."""

from __future__ import annotations

from pathlib import Path

from crossbrief.config import Settings
from crossbrief.index.factory import build_ingester
from crossbrief.rag.service import build
from tests.fakes import ToyEmbedder


def _corpus(folder: Path) -> None:
    folder.mkdir()
    lines = ["Port,Cargo,Year,Unit,Value"]
    ports = [f"Port {name}" for name in ("Alder", "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Gum", "Hazel")]
    cargoes = ["Grain", "Timber", "Coal", "Salt", "Wool", "Tin"]
    for port in ports:
        for cargo in cargoes:
            for year in range(2024, 2029):
                lines.append(f"{port},{cargo},{year},Tonnes,{len(port) * 100 + year % 100}")
    (folder / "harbour_cargo.csv").write_text("\n".join(lines) + "\n")
    prose = " ".join(f"Harbour cargo note {i}: the wardens logged grain, timber and coal cargo at every port."
                     for i in range(6))
    (folder / "notes.md").write_text(f"# Harbour cargo\n\n{prose}\n")


def test_a_source_s_table_summaries_beyond_the_first_give_way_to_other_passages(tmp_path: Path) -> None:
    embedder = ToyEmbedder()
    folder = tmp_path / "corpus"
    _corpus(folder)
    question = "How much grain and timber cargo did the harbour ports log?"
    summaries, shown = {}, {}
    for limit in (0, 1):
        settings = Settings(home=tmp_path / f"home-{limit}", retrieval={"summaries_per_source": limit, "k": 8})
        build_ingester(settings, embedder).ingest([folder])
        passages = build(settings, embedder).retriever.retrieve(question).passages
        summaries[limit] = [p for p in passages if p.kind == "table-summary"]
        shown[limit] = [p for p in passages if p.source.endswith("notes.md")]
    assert len(summaries[0]) > 1, "the test needs several summaries to rank among the passages"
    assert len(summaries[1]) == 1
    assert shown[1], "the prose is still retrieved"
