"""What table answers share: a question's content words as the table code reads them, the rows in the unit it asks,
the answer a table gives (its rows written with their column names and numbers) and the passage it cites (exactly the rows it quotes, numbered after the retrieved passages, so the figure checker
finds every figure there)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from crossbrief.index.chunking import split_sentences
from crossbrief.index.documents import render_row
from crossbrief.index.table_store import StoredTable
from crossbrief.index.tables import parse_number
from crossbrief.rag.figures import MONTH_PATTERN
from crossbrief.rag.models import Draft, Passage

WORD_PATTERN = re.compile(r"[a-z0-9]+(?:\.\d+)?")
# function words: they carry no link between a question and a table value
STOPWORDS = frozenset("""a an the of in on at to for from by with and or as is are was were be been what which who
how many much did does do has have had its their this that these those than per into over under about there all
any each tell me give show respectively between across during within through among throughout""".split())
YEAR = re.compile(r"^(?:19|20)\d\d$")


_DOTTED = re.compile(r"\b(?:[A-Z]\.){2,}")


def joined_initials(text: str) -> str:
    """Dotted initials written as one word: "B.C." -> "BC", "U.S." -> "US"."""
    return _DOTTED.sub(lambda m: m.group(0).replace(".", ""), text)


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


_POSSESSIVE = re.compile(r"['’]s\b")
# a footnote's number set against a label's last word: "Incentive schemes1", "Revenue2"
_FOOTNOTE = re.compile(r"(?<=[a-z]{4})\d$")
# a month's name run into its day ("December31, 2019", as a heading may be typed): two words
_GLUED_DAY = re.compile(rf"\b({MONTH_PATTERN})(\d{{1,2}})(?:st|nd|rd|th)?\b", re.IGNORECASE)


def words(text: str) -> set[str]:
    """Content words of `text`, lower-cased and singular, without a possessive ("Alberta's" -> "alberta") or a
    footnote's number after its last word ("Incentive schemes1" -> "incentive", "scheme"); a month run into its day is
    two words ("December31" -> "december", "31")."""
    bare = _GLUED_DAY.sub(r"\1 \2", _POSSESSIVE.sub("", text.lower().replace(",", "")))
    tokens = WORD_PATTERN.findall(bare)
    if tokens:  # a footnote's number ends a label ("Incentive schemes1"); "Tier1 capital" is a name
        tokens[-1] = _FOOTNOTE.sub("", tokens[-1])
    return {_stem(w) for w in tokens if w not in STOPWORDS}


# the units a question asks and a table's cells name (English words for units, not corpus words): a share of a whole
# ("what percentage of", "share", "%") or a rate against a base ("rate", "per capita", "per 100,000"); a value that
# names neither is a count
# ("shares" of stock and "per share" are no share of a whole)
# ("per cent" is a share, as Canadian and British tables write it)
_ASKS = {"share": re.compile(r"%|\bper\s?cent(?:age)?s?\b|(?<!\bper )\bshare\b|\bproportion\b|\bfraction\b", re.IGNORECASE),
         "rate": re.compile(r"\brates?\b|\bratios?\b|\bper (?:capita|head|person|\d[\d,]*)", re.IGNORECASE)}
_MARKS = {"share": re.compile(r"%|\bper\s?cent(?:age)?s?\b|\bproportion|\bshare\b", re.IGNORECASE),
          "rate": re.compile(r"\brates?\b|\bratios?\b|\bper\b(?!\s?cent(?:age)?s?\b)", re.IGNORECASE)}  # not "Upper"


def units_asked(question: str) -> frozenset[str]:
    """The units a question asks for: "share", "rate", both, or none (a count, or any figure)."""
    return frozenset(unit for unit, asks in _ASKS.items() if asks.search(question))


def unit_words(question: str) -> set[str]:
    """The question's words that ask for a unit ("rate", "per 100,000"): a table answers them by the rows it keeps,
    not by a value they name."""
    return {w for asks in _ASKS.values() for m in asks.finditer(question) for w in words(m.group(0))}


def units_named(value: str) -> frozenset[str]:
    """The units a table's cell names ("Crude rate": "rate"; "Percent": "share"); none for a count."""
    return frozenset(unit for unit, marks in _MARKS.items() if marks.search(value))


@dataclass(frozen=True)
class TableAnswer:
    """A draft from a table: an answer citing `passage` (the quoted rows), or a near-miss refusal (no passage)."""

    draft: Draft
    passage: Passage | None


def cited_passage(table: StoredTable, lines: list[str], first_row: int, passages: list[Passage]) -> Passage:
    """The passage an answer from `table` cites: exactly the rows it quotes (`lines`), numbered after the
    retrieved passages."""
    near = next((p for p in passages if p.source == table.source), None)
    return Passage(
        n=max((p.n for p in passages), default=0) + 1, chunk_id=f"table:{table.table_id}:{first_row}",
        text="\n\n".join(lines), source=table.source, title=near.title if near else table.label,
        date=near.date if near else None, page=None, heading=table.label, start=0, end=0,
        source_url=near.source_url if near else None, kind="table-rows",
    )


def named_where(table: StoredTable, passage: Passage) -> str:
    """How an answer names the table it quotes: its label, after the source's title when they differ."""
    return table.label if table.label == passage.title else f"{passage.title}, {table.label}"


_HOW_MANY = re.compile(r"\bhow many\b|\bnumber of\b|\bcount of\b", re.IGNORECASE)


def rows_in_asked_unit(rows: list[tuple[int, tuple[str, ...]]], question: str, table: StoredTable,
                       counts_by_default: bool = False) -> list[tuple[int, tuple[str, ...]]]:
    """The rows in the unit the question asks (`units_asked`): a share keeps the rows a cell marks as a
    share, a rate those marked as a rate; "how many" keeps counts (rows no unit marks). Where some rows name
    their unit and none names the one asked, none answers (a rate is no share, a percentage no count); rows that
    name no unit at all answer any question. With `counts_by_default` ("the most deaths", "how did X change"),
    a question that asks no unit prefers counts but takes what there is."""
    categorical = [i for i, c in enumerate(table.profile.columns) if c.values and not c.numeric]

    def units(row: tuple[str, ...]) -> frozenset[str]:
        return frozenset().union(*(units_named(row[i]) for i in categorical))

    marked = any(units(cells) for _, cells in rows)
    asked = units_asked(question)
    if asked:
        wanted = [r for r in rows if units(r[1]) & asked]
        return wanted if wanted or marked else rows
    counts = [r for r in rows if not units(r[1])]
    if _HOW_MANY.search(question):
        return counts
    if counts_by_default:
        return counts or rows
    return rows


def written_answer(table: StoredTable, rows: list[tuple[int, tuple[str, ...]]], asked: list[int],
                   passages: list[Passage]) -> TableAnswer:
    """The answer text and the passage it cites: the quoted rows, each with its column names and number."""
    lines = [render_row(table.columns, cells, number) for number, cells in rows]
    passage = cited_passage(table, lines, rows[0][0], passages)
    n, where = passage.n, named_where(table, passage)
    # no number under any asked column: a mark where one belongs ("Suppr.", "n/a", "x"), or blanks
    missing = [(number, cells) for number, cells in rows if all(parse_number(cells[i]) is None for i in asked)]
    if len(rows) == 1:
        number, cells = rows[0]
        if missing:
            shown = ", ".join(f"{table.columns[i]} \"{cells[i]}\"" for i in asked
                              if cells[i].strip() and parse_number(cells[i]) is None) or "blank"
            text = (f"The table gives no figure here: the value is suppressed or missing ({shown}) in "
                    f"{where}, row {number}: {lines[0].split(': ', 1)[1]} [{n}]")
        else:
            text = f"{where}, row {number}: {lines[0].split(': ', 1)[1]} [{n}]"
        return TableAnswer(Draft(text, refused=False, notes=("table_answer",)), passage)
    varying = [i for i in range(len(table.columns)) if len({cells[i] for _, cells in rows}) > 1]
    shown_columns = list(dict.fromkeys([*varying, *asked]))
    parts = [f"row {number}: " + "; ".join(f"{table.columns[i]}: {cells[i]}" for i in shown_columns
                                             if cells[i].strip()) for number, cells in rows]
    text = f"{where}, matching rows: " + " | ".join(parts) + f" [{n}]"
    if missing:
        text += " (suppressed or missing in row " + ", ".join(str(r) for r, _ in missing) + ")"
    return TableAnswer(Draft(text, refused=False, notes=("table_answer", "table_rows")), passage)


def introduces(sentence: str) -> bool:
    """A sentence that introduces what follows ("Sales by quarter were as follows:"), not a short label."""
    return sentence.endswith(":") and len(sentence.split()) >= 5


# a document's extension: a table.csv and the table.txt beside it are one table and its notes
_EXTENSION = re.compile(r"\.(?:csv|tsv|txt|md|markdown|html?|docx|pdf|xlsx?|json)$", re.IGNORECASE)


def source_stem(source: str) -> str:
    """A source's path or address without a document's extension ("/r/table.csv" -> "/r/table")."""
    return _EXTENSION.sub("", source)


def introduced_as(table: StoredTable, passages: list[Passage], alone: bool = True) -> set[str]:
    """The words that say what `table` shows: its caption and, when it is its source's only table (`alone`), the
    sentences introducing a table in the passages of its source or of a file of the same name beside it (a
    table.csv and its table.txt): "Goodwill activity for each period was as follows:" says that its rows are
    goodwill, which no cell repeats. Of a source with several tables, which one a sentence introduces is not
    known, so none is read as any's."""
    said = [table.caption]
    if alone:
        stem = source_stem(table.source)
        for passage in passages:
            if source_stem(passage.source) == stem:
                said.extend(sentence for span in split_sentences(passage.text)
                            if introduces(sentence := passage.text[span.start:span.end]))
    return words(" ".join(said))
