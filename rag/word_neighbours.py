"""Query expansion into the index's own vocabulary: each word the sources use, with its vector from the packaged
embedding model, so that a question's word can also look for the sources' nearest words ("confiscated" for
"seized", "painkiller" for "opioid", "inpatient" for "hospitalizations"). A reworded question shares no word with
the sentence that answers it, so BM25 alone cannot find that sentence; the neighbours it adds are weighted by their
similarity and by `retrieval.expansion_weight`, fitted by scripts/fit_retrieval.py on the development sets.

The vocabulary is the BM25 index's (words of three or more letters; no digits), embedded once when that index is
built and saved beside it; nothing here knows any word of a corpus."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

_WORD = re.compile(r"[a-z]{3,}")
_FILE_WORDS, _FILE_VECTORS = "neighbour_words.json", "neighbour_vectors.npy"

Embed = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class ExpansionSettings:
    min_similarity: float  # a neighbour at least this close (cosine) to the question's word is added
    weight: float  # its BM25 score counts this much, times its similarity (0: no expansion)
    per_word: int  # at most this many neighbours for each of the question's words


def expandable(word: str) -> bool:
    """A word that takes part in expansion: letters only, three or more (no numbers, codes or years)."""
    return _WORD.fullmatch(word) is not None


@dataclass(frozen=True)
class WordNeighbours:
    words: tuple[str, ...]
    vectors: np.ndarray  # one unit vector per word (float32; float16 on disk)

    @classmethod
    def of(cls, vocabulary: Iterable[str], embed: Embed) -> "WordNeighbours":
        words = tuple(sorted(w for w in vocabulary if expandable(w)))
        vectors = embed(list(words)).astype(np.float32) if words else np.zeros((0, 0), dtype=np.float32)
        return cls(words, vectors)

    def save(self, directory: Path) -> None:
        (directory / _FILE_WORDS).write_text(json.dumps(list(self.words)))
        np.save(directory / _FILE_VECTORS, self.vectors.astype(np.float16))

    @classmethod
    def load(cls, directory: Path) -> "WordNeighbours":
        """Raises OSError, ValueError or EOFError when the files are missing, damaged or do not match (the caller
        rebuilds)."""
        words = tuple(json.loads((directory / _FILE_WORDS).read_text()))
        vectors = np.load(directory / _FILE_VECTORS).astype(np.float32)
        if len(words) != len(vectors) or (words and vectors.ndim != 2):
            raise ValueError(f"{directory}: {len(words)} words but vectors of shape {vectors.shape}")
        return cls(words, vectors)

    def expansions(self, tokens: Sequence[str], embed: Embed, settings: ExpansionSettings) -> dict[str, float]:
        """The vocabulary's words nearest each of `tokens` (the question's BM25 tokens), with their weight in the
        score: similarity x settings.weight; never a word the question uses itself."""
        asked = [t for t in dict.fromkeys(tokens) if expandable(t)]
        if not asked or not self.words or settings.weight <= 0 or settings.per_word < 1:
            return {}
        similarities = self.vectors_of(asked, embed) @ self.vectors.T
        found: dict[str, float] = {}
        count = min(settings.per_word + 1, len(self.words))  # +1: the word itself is usually its own nearest
        for row in similarities:
            nearest = np.argpartition(-row, count - 1)[:count]
            kept = 0
            for i in nearest[np.argsort(-row[nearest], kind="stable")]:
                word, similarity = self.words[i], float(row[i])
                if similarity < settings.min_similarity or kept >= settings.per_word:
                    break
                if word in asked:
                    continue
                kept += 1
                found[word] = max(found.get(word, 0.0), similarity * settings.weight)
        return found

    def vectors_of(self, words: Sequence[str], embed: Embed) -> np.ndarray:
        """The vectors of `words`: an indexed word's from the table (no model call), any other embedded now."""
        unknown = [w for w in words if w not in self.position]
        embedded = dict(zip(unknown, embed(unknown))) if unknown else {}
        return np.stack([self.vectors[self.position[w]] if w in self.position else embedded[w] for w in words]
                        ).astype(np.float32, copy=False)

    @cached_property
    def position(self) -> dict[str, int]:
        """Each word's row in `vectors`."""
        return {word: i for i, word in enumerate(self.words)}

    def closeness(self, asked: np.ndarray, units: Sequence[Iterable[str]]) -> np.ndarray:
        """How closely each unit's words cover the question's words, whose vectors are the rows of `asked`: for each
        question word, the similarity of the unit's nearest word (1 for the word itself), averaged; 0 for a unit
        none of whose words is indexed. A reworded question shares no word with its answer, but its words are near
        the answer's ("confiscated" and "seized")."""
        if not len(asked) or not self.words:
            return np.zeros(len(units))
        similarities = np.clip(asked @ self.vectors.T, 0.0, 1.0)  # question word x indexed word, once for all units
        found = np.zeros(len(units))
        for i, words in enumerate(units):
            rows = [self.position[w] for w in set(words) if w in self.position]
            if rows:
                found[i] = float(similarities[:, rows].max(axis=1).mean())
        return found
