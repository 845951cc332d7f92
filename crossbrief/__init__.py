"""crossbrief: cited, figure-checked answers about cross-border crime from a corpus of sources.

Layers, each importing only those below it: ui (cli, web, slack) -> evals -> rag -> index -> core
(crossbrief.config, crossbrief.errors, crossbrief.feedback).
"""

__version__ = "0.1.0"
