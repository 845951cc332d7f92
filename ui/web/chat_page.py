"""The chat page: questions in, streamed answers with citation cards out, feedback on every answer."""

from __future__ import annotations

import datetime as dt
import os

import streamlit as st

from crossbrief.errors import CrossbriefError
from crossbrief.rag.service import Answer, Crossbrief, Filters, list_sources
from crossbrief.feedback import FeedbackStore
from crossbrief.ui.web.render import arrival, escape, flag_warning, highlight_figures, safe_url


def _answerers(service: Crossbrief) -> list[str]:
    generation = service.settings.generation
    names = ["offline"]
    if generation.base_url or os.environ.get(generation.api_key_env) or generation.answerer == "openai":
        names.append("openai")
    if generation.answerer == "ollama":
        names.append("ollama")
    return names


def sidebar(service: Crossbrief) -> tuple[str, Filters, int]:
    records = list_sources(service.settings)
    st.session_state["source_records"] = {r.source: r for r in records}  # citation cards show how each arrived
    with st.sidebar:
        if st.button("New conversation", width="stretch"):
            st.session_state["turns"] = []
        answerers = _answerers(service)
        default = service.settings.generation.answerer
        answerer = st.selectbox("Answerer", answerers, index=answerers.index(default) if default in answerers else 0)
        titles = {f"{r.title} ({r.date or 'undated'})": r.source for r in sorted(records, key=lambda r: r.source)}
        chosen = st.multiselect("Only these sources", list(titles))
        col_from, col_to = st.columns(2)
        date_from = col_from.date_input("From", value=None, format="YYYY-MM-DD")
        date_to = col_to.date_input("To", value=None, format="YYYY-MM-DD")
        kept = {titles[t] for t in chosen}  # the sources chosen, if any: those a date range may leave out
        undated = sum(1 for r in records if not r.date and (not kept or r.source in kept))
        if (date_from or date_to) and undated:
            # a source with no date cannot be shown to fall in the range, so a date range leaves it out
            st.caption(f"A date range leaves out the {undated} undated source{'s' if undated > 1 else ''}.")
        k = st.slider("Passages (k)", 1, 20, service.settings.retrieval.k)
        chunks = sum(len(r.chunk_ids) for r in records)
        last = max((r.ingested_at for r in records), default="never")
        st.caption(f"Index: {len(records)} sources · {chunks} chunks · last ingest {last}")
        store = FeedbackStore.open(service.settings)
        # a callable: the shared feedback table is read when someone downloads, not on every rerun of every session
        st.download_button("Download feedback (CSV)", store.to_csv, file_name="crossbrief-feedback.csv",
                           mime="text/csv", width="stretch")
    filters = Filters(
        sources=tuple(titles[t] for t in chosen),
        date_from=date_from.isoformat() if isinstance(date_from, dt.date) else None,
        date_to=date_to.isoformat() if isinstance(date_to, dt.date) else None,
    )
    return answerer, filters, k


def citation_cards(answer: Answer) -> None:
    for citation in answer.citations:
        with st.container(border=True):
            where = " · ".join(part for part in (citation.date or "undated",
                                                 f"page {citation.page}" if citation.page else "") if part)
            st.markdown(f"**\\[{citation.n}\\] {escape(citation.title)}** · {escape(where)}")
            figures = [f for f in answer.figures if f.supported]
            st.markdown(highlight_figures(citation.quote, figures))
            if flag_warning(citation.flags):
                st.warning(escape(flag_warning(citation.flags)))
            url = safe_url(citation.source_url)
            if url:
                st.markdown(f"[{escape(url)}]({url})")
            else:
                st.caption(escape(citation.source))
            record = st.session_state.get("source_records", {}).get(citation.source)
            if record is not None and arrival(record.provenance):
                st.caption(arrival(record.provenance))


def show_answer(answer: Answer) -> None:
    if answer.refused:
        # why, as the answerer found it ("The sources give no figure for 2020; the nearest is 2021.")
        reason = f"{escape(answer.refusal_reason)} " if answer.refusal_reason else ""
        st.info("The sources don't say. " + reason + ("Closest passages:" if answer.passages else ""))
        for passage in answer.passages[:3]:
            # an expander's label renders Markdown: a title from a source must not become a link or an image
            with st.expander(escape(f"[{passage.n}] {passage.title} ({passage.date or 'undated'})")):
                st.markdown(escape(passage.text[:600]))
        return
    st.markdown(escape(answer.answer))
    if answer.unsupported_figures:
        flagged = escape(", ".join(f.text for f in answer.unsupported_figures))
        st.warning(f"⚠ Not found in the cited sources: {flagged}. Check before using these figures.")
    if answer.computed_figures:
        worked = escape(", ".join(f.text for f in answer.computed_figures))
        st.caption(f"Worked out from the cited figures and re-checked: {worked}")
    if answer.removed_markers:
        st.caption(f"Removed citation markers that pointed at no passage: {answer.removed_markers}")
    citation_cards(answer)
    st.caption(f"{answer.answerer} · {answer.timings.get('total', 0):.0f} ms · settings {answer.settings_hash}")


def feedback_widgets(service: Crossbrief, answer: Answer, index: int) -> None:
    store = FeedbackStore.open(service.settings)
    recorded = st.session_state.setdefault("feedback_rows", {})
    value = st.feedback("thumbs", key=f"thumbs-{index}")
    if value is not None and index not in recorded:
        recorded[index] = store.record_answer(answer, 1 if value == 1 else -1, channel="ui")
    if index in recorded:
        comment = st.text_input("Comment (optional)", key=f"comment-{index}")
        if comment and st.button("Add comment", key=f"comment-save-{index}"):
            store.add_comment(recorded[index], comment)
            st.toast("Thanks, comment saved.")


def render(service: Crossbrief) -> None:
    answerer, filters, k = sidebar(service)
    st.title("crossbrief")
    st.caption("Answers from your sources, with a citation for every figure.")
    turns: list[tuple[str, Answer | str]] = st.session_state.setdefault("turns", [])
    for index, (asked, earlier) in enumerate(turns):
        with st.chat_message("user"):
            st.markdown(escape(asked))
        with st.chat_message("assistant"):
            if isinstance(earlier, Answer):
                show_answer(earlier)
                feedback_widgets(service, earlier, index)
            else:
                st.error(escape(earlier))
    question = st.chat_input("Ask about tariffs, fentanyl, border security, organized crime…")
    if not question:
        return
    history = [(role, text) for q, r in turns if isinstance(r, Answer)
               for role, text in (("user", q), ("assistant", r.answer))]
    with st.chat_message("user"):
        st.markdown(escape(question))
    with st.chat_message("assistant"):
        placeholder = st.empty()
        streamed: list[str] = []

        def on_token(token: str) -> None:
            streamed.append(token)
            placeholder.markdown(escape("".join(streamed)) + " ▌")

        try:
            with st.spinner("Looking it up…"):
                reply: Answer | str = service.answer(question, history=history, filters=filters, answerer=answerer,
                                                     k=k, on_token=on_token if answerer != "offline" else None)
        except CrossbriefError as exc:
            reply = str(exc)
        placeholder.empty()
    turns.append((question, reply))
    st.rerun()
