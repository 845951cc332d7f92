"""crossbrief: cited, figure-checked answers about cross-border crime from a corpus of sources.

Layers, each importing only those below it: ui (cli, web, slack) -> evals -> rag -> index -> core
(crossbrief.config, crossbrief.errors, crossbrief.feedback).
"""

__version__ = "0.1.0"

import os as _os

# numpy's OpenBLAS at one thread, set before numpy is first imported (a process that imported it earlier, as the
# Streamlit server does, gets the same cap at runtime in rag/service.py build()): a question's matrix products are
# small, and OpenBLAS's idle threads keep spinning after each, taking the cores the embedding model runs on next
_os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
