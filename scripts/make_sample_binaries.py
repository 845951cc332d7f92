"""Writes the PDF and DOCX notes of the sample corpus (corpus/*.pdf, corpus/*.docx).

The texts are the project's own words. Run from the project root with the dev extras installed:
    .venv/bin/python scripts/make_sample_binaries.py
The generated files are committed, so users never need to run this.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from fpdf import FPDF

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

SYNTHETICS_TITLE = "New synthetic substances in the North American drug market"
SYNTHETICS_PAGES = [
    [
        "Briefing note, 15 November 2024.",
        "Sources: Health Canada Drug Analysis Service; US National Response Plan on fentanyl "
        "combined with xylazine (July 2023).",
        "Summary",
        "The drug supply keeps changing faster than enforcement. Fentanyl is no longer the only "
        "synthetic threat: stronger opioids and new adulterants are spreading.",
        "Nitazenes",
        "Nitazenes are synthetic opioids first made in the 1950s and never approved as medicines. "
        "Some of them are many times more potent than fentanyl, and they turn up more and more "
        "often in seized samples.",
    ],
    [
        "Xylazine",
        "Xylazine is a veterinary sedative that dealers mix into fentanyl because it makes the "
        "effect last longer. In April 2023 the White House named fentanyl combined with xylazine "
        "an emerging threat to the United States, the first such designation.",
        "New substances found in Canada",
        "Canadian drug checking identified eleven new synthetic substances in 2023. "
        "Methylfentanyl, a fentanyl analogue, was the most common of them.",
        "What follows for policy",
        "Early warning systems and drug checking need funding so that new substances are found "
        "before they cause mass poisonings.",
    ],
]

ORGANIZED_CRIME_TITLE = "Organized crime groups in Canada"
ORGANIZED_CRIME_PARAGRAPHS = [
    ("heading", "Organized crime groups in Canada"),
    ("text", "Briefing note, 12 February 2025. Sources: Criminal Intelligence Service Canada public "
             "report; Public Safety Canada."),
    ("heading", "Scale"),
    ("text", "Criminal Intelligence Service Canada counts more than 600 organized crime groups active "
             "in the country. Many of them are involved in drug trafficking."),
    ("text", "The groups cooperate with one another and have links to 48 countries. The United States "
             "and Mexico are the most frequent foreign connections."),
    ("heading", "Mexican cartels in Canada"),
    ("text", "Mexican cartels have moved part of their fentanyl and methamphetamine production abroad, "
             "including to western Canada, and encourage the use of legal chemicals as pre-precursors."),
    ("heading", "Gaps in the federal response"),
    ("text", "Canada has no national organized crime strategy. The last comprehensive federal report on "
             "organized crime appeared in 2006, and the last National Agenda to Combat Organized Crime "
             "was agreed about 25 years ago."),
    ("text", "Money laundering, car theft and migrant smuggling are growing problems that would fall "
             "under such a strategy."),
]


def write_pdf(path: Path) -> None:
    pdf = FPDF()
    pdf.set_title(SYNTHETICS_TITLE)
    pdf.set_creation_date(__import__("datetime").datetime(2024, 11, 15, tzinfo=__import__("datetime").timezone.utc))
    for number, page in enumerate(SYNTHETICS_PAGES):
        pdf.add_page()
        if number == 0:
            pdf.set_font("Helvetica", "B", 16)
            pdf.multi_cell(0, 9, SYNTHETICS_TITLE)
            pdf.ln(3)
        for block in page:
            is_heading = len(block) < 40 and not block.endswith(".")
            pdf.set_font("Helvetica", "B" if is_heading else "", 13 if is_heading else 11)
            pdf.multi_cell(0, 7 if is_heading else 6, block)
            pdf.ln(2)
    pdf.output(str(path))


def write_docx(path: Path) -> None:
    document = Document()
    document.core_properties.title = ORGANIZED_CRIME_TITLE
    document.core_properties.created = __import__("datetime").datetime(2025, 2, 12)
    for kind, text in ORGANIZED_CRIME_PARAGRAPHS:
        if kind == "heading":
            document.add_heading(text, level=1)
        else:
            document.add_paragraph(text)
    document.save(str(path))


if __name__ == "__main__":
    write_pdf(CORPUS / "2024-11-15-new-synthetic-substances.pdf")
    write_docx(CORPUS / "2025-02-12-organized-crime-in-canada.docx")
