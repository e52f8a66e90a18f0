"""The one-patient form: the model's features in clinical units, checked by intake, opened on the Patient page."""

from __future__ import annotations

import streamlit as st

from icilens.intake.by_hand import FORM_GROUPS, REQUIRED, check_patient, next_entry_id
from icilens.schema import FIELD_BY_NAME, clinical_unit
from icilens.ui.navigation import page_named
from icilens.ui.privacy import link_key
from icilens.ui.state import add_entered_patient, current_cohort, session_key

_PROBLEMS = session_key("entry_problems")
NOT_KNOWN = ""
COLUMNS = 2  # two per row: a value and its unit stay readable on a 1024-pixel laptop


def _value_key(name: str) -> str:
    return session_key(f"entry_{name}")


def _unit_key(name: str) -> str:
    return session_key(f"entry_unit_{name}")


def _field_help(name: str) -> str:
    spec = FIELD_BY_NAME[name]
    plausible = f" Plausible range: {spec.plausible_range} {spec.display_unit}." if spec.plausible_range else ""
    return f"{spec.description}{plausible}"


def _placeholder(spec) -> str:
    """Return the range a field's value should lie in, with its unit unless the unit repeats the range."""
    if not spec.plausible_range:
        return ""
    unit = "" if any(ch.isdigit() for ch in spec.display_unit) else spec.display_unit
    return f"{spec.plausible_range} {unit}".strip()


def _field_input(column, name: str, problem: str | None) -> None:
    """Draw one field: a choice for categories, text for numbers (so intake, not the widget, judges them)."""
    spec = FIELD_BY_NAME[name]
    label = spec.label + (" (required)" if name in REQUIRED else "")
    if spec.categories:
        column.selectbox(
            label,
            [NOT_KNOWN, *spec.categories],
            key=_value_key(name),
            format_func=lambda c: "not known" if c == NOT_KNOWN else c,
            help=_field_help(name),
        )
    else:
        value, unit = column.columns([3, 2]) if len(spec.units) > 1 else (column, None)
        shown_unit = f" ({spec.display_unit})" if unit is None and spec.unit else ""
        value.text_input(
            label + shown_unit,
            key=_value_key(name),
            placeholder=_placeholder(spec),
            help=_field_help(name),
        )
        if unit is not None:
            unit.selectbox(
                "Unit",
                [u.name for u in spec.units],
                key=_unit_key(name),
                format_func=clinical_unit,
                help=f"The unit of {spec.label}",
            )
    if problem:
        column.error(problem, icon=":material/block:")


def _entered_values() -> tuple[dict[str, str], dict[str, str]]:
    names = [name for group in FORM_GROUPS.values() for name in group]
    values = {name: str(st.session_state.get(_value_key(name)) or "").strip() for name in names}
    units = {name: st.session_state[_unit_key(name)] for name in names if _unit_key(name) in st.session_state}
    return {k: v for k, v in values.items() if v}, units


def show_patient_form() -> None:
    """Draw the form; on a valid submission add the patient to the session and open it on the Patient page."""
    problems = st.session_state.get(_PROBLEMS, {})
    cohort = current_cohort()
    with st.form(session_key("one_patient"), enter_to_submit=False, border=False):
        for group, names in FORM_GROUPS.items():
            st.markdown(f"**{group}**")
            columns = st.columns(COLUMNS)
            for index, name in enumerate(names):
                _field_input(columns[index % COLUMNS], name, problems.get(name))
        st.caption(
            "Every value is optional except the cancer type: "
            + "; ".join(REQUIRED.values())
            + ". The model uses what it is given and says what the missing values could change."
        )
        into_loaded = False
        if cohort is not None and not cohort.entered:
            into_loaded = (
                st.radio(
                    "Where should this patient go?",
                    ["add", "own"],
                    format_func=lambda c: (
                        f"Add to the loaded cohort ({cohort.label})"
                        if c == "add"
                        else "Start a set of patients entered by hand (closes the loaded cohort)"
                    ),
                    key=session_key("entry_destination"),
                )
                == "add"
            )
        submitted = st.form_submit_button("Predict", type="primary", icon=":material/calculate:")
    if submitted:
        _submit(into_loaded)


def _submit(into_loaded: bool) -> None:
    values, units = _entered_values()
    cohort = current_cohort()
    patient_id = next_entry_id([] if cohort is None else cohort.result.frame["patient_id"].astype(str))
    check = check_patient({"patient_id": patient_id, **values}, units)
    if check.result is None:
        st.session_state[_PROBLEMS] = check.problems
        st.rerun()
    add_entered_patient(check.result, into_loaded)
    st.session_state.pop(_PROBLEMS, None)
    st.switch_page(page_named("patient"), query_params={"id": link_key(patient_id)})
