"""What every page does first, and the error boundary that keeps tracebacks off the page."""

from __future__ import annotations

import contextlib
import logging
import re
import traceback
import uuid

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException

from icilens import DISCLAIMER, __version__
from icilens.intake import IntakeError
from icilens.reports import build_template_csv, build_template_xlsx
from icilens.training import missing_feature_costs
from icilens.ui.navigation import FAVICON, ensure_navigation, page_named
from icilens.ui.privacy import IDS_IN_NAMES, link_key, scrub_logged_exceptions
from icilens.ui.resources import cohort_cached
from icilens.ui.state import SESSION_MODEL, Cohort, current_cohort, load_demo_cohort, session_key
from icilens.vocabulary import ModelCard

log = logging.getLogger("icilens")


def setup_page(title: str) -> None:
    """Configure the page and draw the shared sidebar; safe to call on every page and rerun."""
    scrub_logged_exceptions()
    ensure_navigation()
    st.set_page_config(page_title=f"{title} · ICI Lens", page_icon=str(FAVICON), layout="wide")
    with st.sidebar:
        cohort = current_cohort()
        if cohort is None:
            st.caption("No cohort loaded")
        else:
            st.caption(f"Cohort: **{escape_markdown(cohort.label)}** · {len(cohort.result.frame)} patients")
        st.checkbox(
            "Include patient ids in file names",
            key=IDS_IN_NAMES,
            help="Off: downloads name a patient by the same opaque key as its link, so ids stay out of file names",
        )
        model = st.session_state.get(SESSION_MODEL)
        st.caption(
            f"Model: **{escape_markdown(model.card['name']) if model else 'ICI Lens response model (bundled)'}**"
        )
        st.caption(f"ICI Lens {__version__}. {DISCLAIMER}")


def lazy_section(title: str, name: str):
    """Return a collapsed section whose content a page draws only while it is open (opening it reruns the page).

    Use it for what a user opens on purpose, so that every other visit to the page does not pay for it:
    `section = lazy_section(...)`, then `if section.open:` and `with section:`.
    """
    return st.expander(title, key=session_key(f"open_{name}"), on_change="rerun")


def escape_markdown(text: str) -> str:
    """Return uploaded text (file and column names, ids, model cards) as inert Streamlit markdown.

    Every markdown and HTML sign is escaped, so no image, link, entity or tag is made from it. Streamlit
    also turns bare web and mail addresses into links after escapes are read, so a zero-width space is put
    where those patterns begin (before '://', after 'www', before '@'): the text looks as typed, links nothing.
    """
    escaped = "".join("\\" + ch if ch in "\\`*_{}[]()<>#+-.!|~$:/@&=" else ch for ch in str(text))
    return _AUTOLINK.sub(lambda m: ZERO_WIDTH_SPACE + m.group(0), escaped)


ZERO_WIDTH_SPACE = "\u200b"
_AUTOLINK = re.compile(r"\\:\\/\\/|(?<=www)\\\.|\\@", re.IGNORECASE)


@st.cache_data(show_spinner=False)
def template_bytes(kind: str) -> bytes:
    """Return the cohort template as 'csv' or 'xlsx' bytes, built once per server (no patient data)."""
    return build_template_csv() if kind == "csv" else build_template_xlsx()


def warn_missing_features(cohort: Cohort, card: ModelCard) -> None:
    """Show, before any prediction, what the cohort's missing key features cost (from the model card)."""

    if cohort.entered:  # a patient entered by hand has its own range from missing inputs instead
        return
    costs = cohort_cached(
        "missing_feature_costs",
        cohort,
        lambda: missing_feature_costs(cohort.result.frame, card.get("validation", {})),
        card.get("name"),
    )
    for sentence in costs:
        st.warning(sentence, icon=":material/warning:")


def require_cohort() -> Cohort:
    """Return the session's cohort, or show 'load a cohort first' with a demo button and stop."""
    cohort = current_cohort()
    if cohort is not None:
        return cohort
    st.info("Load a cohort first: open the demo cohort here, or upload your own on the Cohort page.")
    left, right = st.columns(2)
    if left.button("Open the demo cohort", type="primary", key=session_key("gate_demo")):
        load_demo_cohort()
        st.rerun()
    right.page_link(page_named("cohort"), label="Go to the Cohort page", icon=":material/upload_file:")
    st.stop()


@contextlib.contextmanager
def guarded(action: str):
    """Show a friendly message instead of a traceback when the wrapped block fails."""
    try:
        yield
    except IntakeError as exc:
        st.error(escape_markdown(str(exc)))
    except (StopException, RerunException):
        raise
    except Exception as exc:
        error_id = uuid.uuid4().hex[:8]
        # Only the exception type and the code path are logged: messages may quote patient values.
        log.error(
            "error %s while %s: %s\n%s",
            error_id,
            action,
            type(exc).__name__,
            "".join(traceback.format_tb(exc.__traceback__)),
        )
        st.error(
            f"Something went wrong while {action} (error id {error_id}). Try again; if it persists, report the id."
        )


THRESHOLD = session_key("threshold")  # the session's one decision threshold, in percent
DEFAULT_THRESHOLD = 30


def decision_threshold(place, page_name: str, disabled: bool = False) -> float:
    """Show the session's decision threshold where its effects are shown; return it (0-1).

    Every page's slider reads and writes the same value, so Patients (flag), Compare (predicted groups)
    and Performance (confusion matrix, survival split) always agree.
    """
    widget = session_key(f"{page_name}_threshold")

    def remember() -> None:
        st.session_state[THRESHOLD] = st.session_state[widget]

    chosen = place.slider(
        "Decision threshold: predicted response of at least (%)",
        5,
        80,
        st.session_state.get(THRESHOLD, DEFAULT_THRESHOLD),
        key=widget,
        on_change=remember,
        disabled=disabled,
        help="One threshold for the session: it flags predicted responders on Patients, splits the predicted "
        "groups on Compare and sets the confusion matrix on Performance.",
    )
    return chosen / 100


LAST_PATIENT = session_key("last_patient")  # the patient the sidebar link reopens


def patient_not_found(ids: list[str]) -> None:
    """Say that a link names no patient of this cohort, offer a search over the ids, and stop the page."""
    st.title("Patient not found", anchor=False)
    st.error(
        "This link names no patient of the cohort open in this session: patient links are private to a session "
        "and change when a cohort is opened again. No other patient is shown in its place."
    )
    query = st.text_input("Search this cohort's patient ids", key=session_key("patient_search"))
    matches = [pid for pid in ids if query.strip().lower() in pid.lower()] if query.strip() else []
    if matches:
        st.selectbox(
            f"{len(matches)} matching patients",
            matches[:200],
            index=None,
            placeholder="Choose a patient to open",
            key=session_key("patient_search_pick"),
            on_change=open_picked_patient,
            args=("patient_search_pick",),
        )
    elif query.strip():
        st.info("No patient id contains that text.")
    st.stop()


def open_patient(patient_id: str) -> None:
    """Callback: show another patient; the URL carries its opaque key, never the id."""
    st.query_params["id"] = link_key(patient_id)


def open_picked_patient(widget_key: str) -> None:
    """Callback: show the patient chosen in a selectbox (nothing when the choice was cleared)."""
    chosen = st.session_state.get(session_key(widget_key))
    if chosen is not None:
        open_patient(chosen)
