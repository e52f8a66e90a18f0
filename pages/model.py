import streamlit as st

from icilens import ui

ui.setup_page("Model")
st.title("Model")
cohort = ui.require_cohort()
