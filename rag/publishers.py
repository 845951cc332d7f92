"""Who publishes a source, as its address says: a page speaks for its publisher, so a question's name for the
publisher ("the White House", "the Drug Enforcement Administration") is met by the pages at its address
(whitehouse.gov, dea.gov), though their sentences do not repeat the name. General rules of web addresses and
acronyms; nothing here knows a word of any corpus."""

from __future__ import annotations

from urllib.parse import urlsplit

from crossbrief.rag.constraints import Constraints
from crossbrief.rag.places import without_possessive


def publisher_labels(url: str | None) -> frozenset[str]:
    """The labels of a source's address that may name who publishes it: "www.whitehouse.gov" -> {"whitehouse"},
    "www.dea.gov" -> {"dea"} (not "www", nor the last label); none for an address that cannot be read."""
    try:
        host = (urlsplit(url.strip()).hostname or "") if url else ""
    except ValueError:  # "https://[abc/x": front matter is not checked
        return frozenset()
    return frozenset(label for label in host.lower().rstrip(".").split(".")[:-1] if label and label != "www")


def published_by(constraints: Constraints, publisher: frozenset[str]) -> set[str]:
    """The question's names that the source's publisher is: two or more adjacent capitalised words of the question
    whose letters, joined, are a label of its address ("White House": whitehouse.gov), or a long name whose acronym
    is ("Drug Enforcement Administration": dea.gov). A page speaks for who publishes it. One word alone is not
    enough ("Canada" on canada.ca may be what a levy falls on, not who speaks)."""
    if not publisher:
        return set()
    met: set[str] = set()
    for run in constraints.name_runs:
        for start in range(len(run)):
            for end in range(start + 2, len(run) + 1):
                if "".join(run[start:end]).lower() in publisher:
                    met.update(n for n in constraints.names if without_possessive(n) in run[start:end])
    met.update(name for name, acronym in constraints.acronyms if acronym.lower() in publisher)
    return met
