import streamlit as st

from icilens import ui

ui.setup_page("Patients")
st.title("Patients")
cohort = ui.require_cohort()
