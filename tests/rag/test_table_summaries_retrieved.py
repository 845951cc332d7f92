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
    for n in range(8):  # enough prose to fill the passages the summaries leave
        prose = " ".join(f"Harbour cargo note {n}.{i}: the wardens logged grain, timber and coal cargo at a port."
                         for i in range(3))
        (folder / f"notes{n}.md").write_text(f"# Harbour cargo {n}\n\n{prose}\n")


def test_a_source_s_table_summaries_beyond_the_first_give_way_to_other_passages(tmp_path: Path) -> None:
    embedder = ToyEmbedder()
    folder = tmp_path / "corpus"
    _corpus(folder)
    question = "What cargo did Port Alder, Port Birch and Port Cedar log in 2026?"
    summaries, shown = {}, {}
    for limit in (0, 1):
        settings = Settings(home=tmp_path / f"home-{limit}", retrieval={"summaries_per_source": limit, "k": 8})
        build_ingester(settings, embedder).ingest([folder])
        passages = build(settings, embedder).retriever.retrieve(question).passages
        summaries[limit] = [p for p in passages if p.kind == "table-summary"]
        shown[limit] = [p for p in passages if "/notes" in p.source]
    assert len(summaries[0]) > 1, "the test needs several summaries to rank among the passages"
    assert len(summaries[1]) == 1
    assert len(shown[1]) > len(shown[0]), "the room the summaries leave goes to the prose"


def test_a_question_filtered_to_a_big_table_still_gets_k_of_its_summaries(tmp_path: Path) -> None:
    """The limit makes room for other sources' passages; with nothing else to show, the summaries fill up to k."""
    from crossbrief.rag.models import Filters

    embedder = ToyEmbedder()
    folder = tmp_path / "corpus"
    _corpus(folder)
    settings = Settings(home=tmp_path / "home", retrieval={"k": 8})
    build_ingester(settings, embedder).ingest([folder])
    table = str((folder / "harbour_cargo.csv").resolve())
    passages = build(settings, embedder).retriever.retrieve("How much grain did Port Alder log?",
                                                            Filters(sources=(table,))).passages
    assert len(passages) == 8 and all(p.kind == "table-summary" for p in passages)
