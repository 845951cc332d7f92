"""The sources page: what the index holds, upload and ingest files with a progress bar, remove a source."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable

import streamlit as st

from crossbrief.config import Settings
from crossbrief.errors import CrossbriefError
from crossbrief.rag.service import Embedder, ingest_sources, list_sources, remove_source
from crossbrief.ui.web.render import escape
from crossbrief.ui.web.uploads import save_upload


def render(settings: Settings, get_embedder: Callable[[], Embedder], reset_service: Callable[[], None]) -> None:
    st.title("Sources")
    records = list_sources(settings)
    rows: list[dict[str, Any]] = [
        {"title": r.title, "date": r.date or "", "chunks": len(r.chunk_ids), "type": r.kind,
         "source": r.source_url or r.source, "added": _added(r.provenance)} for r in records]
    st.caption(f"{len(rows)} sources, {sum(r['chunks'] for r in rows)} chunks")
    if rows:
        st.dataframe(rows, width="stretch", hide_index=True)

    st.subheader("Add sources")
    # file types are checked by save_upload, which explains a refusal instead of failing the page
    uploads = st.file_uploader("PDF, HTML, Markdown, text, DOCX or CSV", accept_multiple_files=True)
    if uploads and st.button("Ingest uploaded files", type="primary"):
        ingest_uploads(settings, get_embedder, reset_service, uploads)

    if records:
        st.subheader("Remove a source")
        names = {f"{r.title} ({r.source.rsplit('/', 1)[-1]})": r.source for r in records}
        choice = st.selectbox("Source", list(names), index=None, placeholder="Choose a source")
        if choice and st.button("Remove", type="secondary"):
            _, removed = remove_source(settings, names[choice], get_embedder())
            reset_service()
            st.success(escape(f"Removed {choice} ({removed} chunks)."))
            st.rerun()


def _added(provenance: dict[str, str]) -> str:
    """'upload by ui session 1a2b3c4d, 2025-06-01T10:00:00+00:00' (shown as data, never as Markdown)."""
    who = " ".join(part for part in (provenance.get("via", ""), f"by {provenance['by']}" if provenance.get("by")
                                     else "") if part)
    return ", ".join(part for part in (who, provenance.get("at", "")) if part)


def _session() -> str:
    """Who uploaded: this browser session (the page has one shared password, no user names)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return f"ui session {ctx.session_id[:8]}" if ctx is not None else "ui"


def _without_folder(message: str, folder: Path) -> str:
    """A message about an upload with the server's upload folder taken out: the user sees only the file name."""
    return message.replace(str(folder.resolve()) + "/", "").replace(str(folder) + "/", "")


def ingest_uploads(settings: Settings, get_embedder: Callable[[], Embedder], reset_service: Callable[[], None],
                   uploads: list) -> None:  # type: ignore[type-arg]
    folder = settings.home / "uploads"
    limit = int(settings.ui.max_upload_mb * 1e6)
    saved = []
    for upload in uploads:
        try:
            saved.append(save_upload(folder, upload.name, upload.getvalue(), limit))
        except CrossbriefError as exc:
            st.error(escape(str(exc)))
    if not saved:
        return
    bar = st.progress(0.0, text="Ingesting…")
    try:
        report, _ = ingest_sources(settings, saved, embedder=get_embedder(),
                                   progress=lambda n, total, path: bar.progress(
                                       n / total, text=f"Ingesting {path.rsplit('/', 1)[-1]} ({n}/{total})"),
                                   provenance={"via": "upload", "by": _session()})
    except CrossbriefError as exc:
        st.error(escape(_without_folder(str(exc), folder)))
        return
    except Exception as exc:  # noqa: BLE001 - one line on the page, never a traceback with server paths
        st.error(escape(f"Ingest failed ({exc.__class__.__name__}); the server log has the details"))
        logging.getLogger(__name__).exception("upload ingest failed")
        return
    bar.progress(1.0, text="Done")
    reset_service()
    for failure in report.files_failed:
        st.error(escape(_without_folder(failure["error"], folder)))
    st.success(f"Ingested {report.files_new} new and {report.files_changed} changed files "
               f"(+{report.chunks_added} chunks).")
