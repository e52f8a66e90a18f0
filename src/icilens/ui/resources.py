"""The shared read-only model, and results derived from the session's cohort (kept in the session)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

import numpy as np
import pandas as pd
import streamlit as st

from icilens.datasets import load_demo, load_training
from icilens.model import Model, default_model_dir, encode_features, interaction_values, load_model
from icilens.scoring import build_patient_table, predict_cohort
from icilens.ui.state import SESSION_MODEL, Cohort, demo_result, session_key
from icilens.vocabulary import Column, Score

T = TypeVar("T")


@st.cache_resource(show_spinner="Loading the model")
def default_model() -> Model:
    """Return the bundled model, loaded once per server; nothing may mutate it."""
    return load_model(default_model_dir())


@st.cache_data(show_spinner="Computing exact SHAP values for the demo cohort", max_entries=1)
def demo_predictions() -> pd.DataFrame:
    """Return the bundled demo cohort's predictions with SHAP values, once per process (public data)."""

    return predict_cohort(default_model(), demo_result()[1].frame, explain=True)


def active_model() -> Model:
    """Return the model this session uses: one the user trained or uploaded and chose, else the bundled one."""
    return st.session_state.get(SESSION_MODEL) or default_model()


def cohort_predictions(cohort: Cohort) -> pd.DataFrame:
    """Return the cohort's predictions with SHAP values by the session's model, computed once per session.

    The demo as shipped, scored by the bundled model, is public data: computed once per process for every user.
    """

    def compute() -> pd.DataFrame:
        if cohort.is_public and active_model() is default_model():
            return demo_predictions()
        bar = st.progress(0.0, text="Computing exact SHAP values for the cohort")
        table = predict_cohort(active_model(), cohort.result.frame, explain=True, progress=bar.progress)
        bar.empty()
        return table

    return session_cached("predictions", cohort, compute)


def patient_table(cohort: Cohort) -> pd.DataFrame:
    """Return the Patients table for the session's cohort, built once per session (per process for the demo)."""
    return cohort_cached(
        "patient_table", cohort, lambda: build_patient_table(cohort.result.frame, cohort_predictions(cohort))
    )


# Results of the public demo shared by every session: most recently used first out, so that sweeping a slider
# over the demo cannot grow the server's memory without bound.
_PUBLIC: OrderedDict[tuple, object] = OrderedDict()
_PUBLIC_LOCK = threading.RLock()  # re-entrant: a shared result may be built from another
MAX_PUBLIC = 256


def cohort_cached(name: str, cohort: Cohort, compute: Callable[[], T], *key: Hashable) -> T:
    """Return compute(), derived from the cohort: once per session, or once per process for the public demo.

    The bundled demo as shipped, under the bundled model, is public data, and every session opening it would
    compute the same results: those are kept once for all users. Anything else stays in its session
    (session_cached). A result shared between users must never be changed by its caller.
    """
    if not (cohort.is_public and active_model() is default_model()):
        return session_cached(name, cohort, compute, *key)
    slot = (name, *key)
    with _PUBLIC_LOCK:
        if slot not in _PUBLIC:
            _PUBLIC[slot] = compute()
            if len(_PUBLIC) > MAX_PUBLIC:
                _PUBLIC.popitem(last=False)
        _PUBLIC.move_to_end(slot)
        return _PUBLIC[slot]  # type: ignore[return-value]


@st.cache_data(show_spinner=False)
def validation_outcomes() -> tuple[np.ndarray, np.ndarray]:
    """Return (observed response, predicted probability) of the bundled 2018 validation patients.

    Global cache on purpose: this is the bundled public cohort, never a user's upload.
    """

    frame = load_demo()
    return frame["response"].astype("float64").to_numpy(), default_model().predict(frame).probability


@st.cache_data(show_spinner=False)
def training_reference() -> tuple[pd.DataFrame, np.ndarray]:
    """Return the bundled training cohort and the model's mean |SHAP| per feature on it (public data)."""

    frame = load_training()
    _, shap = default_model().explain(frame)
    return frame, np.abs(shap).mean(axis=0)


@st.cache_data(show_spinner=False)
def training_probabilities() -> np.ndarray:
    """Return the model's predicted response for each bundled training patient (public data)."""

    return default_model().predict(load_training()).probability


INTERACTION_SAMPLE = 300


def cohort_interactions(cohort: Cohort, rows: np.ndarray) -> np.ndarray:
    """Return SHAP interaction values for up to INTERACTION_SAMPLE of the given rows, held in this session."""

    chosen = (
        rows
        if len(rows) <= INTERACTION_SAMPLE
        else np.sort(np.random.default_rng(0).choice(rows, INTERACTION_SAMPLE, replace=False))
    )

    def compute() -> np.ndarray:
        with st.spinner(f"Computing exact SHAP interaction values for {len(chosen)} patients"):
            return interaction_values(active_model().boosters, encode_features(cohort.result.frame.iloc[chosen]))

    return session_cached("interactions", cohort, compute, tuple(chosen))


def session_cached(name: str, cohort: Cohort, compute: Callable[[], T], *key: Hashable) -> T:
    """Return compute() once per cohort, model and key, kept in this session only (never shared between users).

    Every result derived from a session's cohort is cached here, under the app's key prefix, so clearing the
    cohort clears it. The cohort and model are compared by identity: a remapped cohort or another model recomputes.
    """
    slot = session_key(f"cached_{name}")
    model = active_model()
    cached = st.session_state.get(slot)
    if cached is None or cached[0] is not cohort.result or cached[1] is not model or cached[2] != key:
        cached = (cohort.result, model, key, compute())
        st.session_state[slot] = cached
    return cached[3]


def reference_scores(cohort: Cohort) -> dict[str, np.ndarray]:
    """Return the model's, LORIS's and TMB's scores for the cohort, in cohort order."""
    predictions = cohort_predictions(cohort)
    return {
        Score.MODEL: predictions[Column.PROBABILITY].to_numpy(),
        Score.LORIS: predictions[Column.LORIS_PROBABILITY].to_numpy(dtype="float64"),
        Score.TMB: cohort.result.frame["tmb"].to_numpy(dtype="float64", na_value=np.nan),
    }
