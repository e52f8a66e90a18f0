"""Run ICI Lens with its server defaults: `streamlit run serve.py` (the app itself is app.py)."""

from starlette.middleware import Middleware
from streamlit.starlette import App

from icilens.ui.serving import HospitalDefaults

app = App("app.py", middleware=[Middleware(HospitalDefaults)])
