"""The Streamlit page for staff: chat with cited answers, sources, eval trends. Run with `crossbrief ui`.
It renders what rag/ returns and holds no retrieval or answering logic of its own."""

from __future__ import annotations

import hmac
import os

import streamlit as st

from crossbrief.errors import CrossbriefError
from crossbrief.config import Settings, load_settings
from crossbrief.rag.service import Crossbrief, Embedder, build, build_embedder

st.set_page_config(page_title="crossbrief", page_icon="🔎", layout="wide")


@st.cache_resource(show_spinner="Loading the embedding model…")
def get_embedder() -> Embedder:
    """The model opens once per server process, not on every rerun."""
    return build_embedder(load_settings())


@st.cache_resource(show_spinner="Opening the index…")
def get_service(settings_json: str) -> Crossbrief:
    """The index opens once per server process and settings (cleared after an upload or removal)."""
    return build(Settings.model_validate_json(settings_json), get_embedder())


def password_ok(settings: Settings) -> bool:
    expected = os.environ.get(settings.ui.password_env)
    if not expected or st.session_state.get("authenticated"):
        return True
    st.title("crossbrief")
    entered = st.text_input("Password", type="password")
    if entered:
        if hmac.compare_digest(entered.encode(), expected.encode()):
            st.session_state["authenticated"] = True
            st.rerun()
        st.error("Wrong password.")
    return False


def main() -> None:
    try:
        settings = load_settings()
    except CrossbriefError as exc:
        st.error(str(exc))
        return
    if not password_ok(settings):
        return
    from crossbrief.ui.web import chat_page, evals_page, sources_page

    page = st.sidebar.radio("Page", ["Chat", "Sources", "Evals"], horizontal=True, label_visibility="collapsed")
    if page == "Sources":
        sources_page.render(settings, get_embedder, get_service.clear)
        return
    if page == "Evals":
        evals_page.render(settings)
        return
    try:
        service = get_service(settings.model_dump_json())
    except CrossbriefError as exc:
        st.title("crossbrief")
        st.error(str(exc))
        st.info("Add sources on the Sources page, or run `crossbrief ingest PATH`.")
        return
    chat_page.render(service)


main()
