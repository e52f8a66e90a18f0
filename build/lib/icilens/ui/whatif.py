"""What-if inputs: one widget per feature, prefilled with the patient's values, with a reset."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from icilens.schema import FEATURES, FIELD_BY_NAME

MISSING = "missing"


def _reset(prefix: str) -> None:
    for key in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[key]


def what_if_inputs(patient: pd.DataFrame, key: str) -> pd.DataFrame | None:
    """Draw the what-if widgets; return the edited one-row frame, or None when nothing was changed."""
    row = patient.iloc[0]
    edited = patient.copy()
    columns = st.columns(4)
    for index, field in enumerate(FEATURES):
        spec, value, column = FIELD_BY_NAME[field], row[field], columns[index % 4]
        widget_key = f"{key}_{field}"
        label = f"{spec.label} ({spec.display_unit})" if spec.unit and not spec.categories else spec.label
        if spec.categories:
            options = [*spec.categories, MISSING]
            current = MISSING if pd.isna(value) else str(value)
            chosen = column.selectbox(label, options, index=options.index(current), key=widget_key)
            edited[field] = pd.Categorical([None if chosen == MISSING else chosen], dtype=patient[field].dtype)
        else:
            number = column.number_input(
                label,
                value=None if pd.isna(value) else float(value),
                min_value=spec.bounds[0],
                max_value=spec.bounds[1],
                key=widget_key,
                placeholder=MISSING,
            )
            edited[field] = float("nan") if number is None else float(number)
    st.button("Reset to the patient's values", key=f"{key}_reset", on_click=_reset, args=(key,))
    before, after = patient.iloc[0], edited.iloc[0]
    changed = any(not (pd.isna(before[f]) and pd.isna(after[f])) and before[f] != after[f] for f in FEATURES)
    return edited if changed else None
