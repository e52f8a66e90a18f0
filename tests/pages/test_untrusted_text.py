"""Uploaded text shown as typed: a hostile model card renders no image, link or tag; the sentences follow the card."""

import copy
import io
import json
import re
import zipfile

import pytest
from streamlit.testing.v1 import AppTest

from icilens.model import Model
from icilens.model.zips import model_to_zip
from tests.conftest import ROOT

TIMEOUT = 120
BEACON = "http://198.51.100.7/x.png"
HOSTILE = f"![b]({BEACON}) [click](http://198.51.100.7/) <img src={BEACON}> www.example.org a@example.org"
LIVE_MARKUP = re.compile(r"(?<!\\)!\[|(?<!\\)\]\((?!\\)|(?<!\\)<img|(?<!\\)https?(?<!\\):(?!\\)")


def hostile_zip(default_model) -> bytes:
    with zipfile.ZipFile(io.BytesIO(model_to_zip(default_model))) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    card = json.loads(files["model_card.json"])
    card["name"] = f"Ours {HOSTILE}"
    card["intended_use"] = HOSTILE
    card["limitations"] = [HOSTILE, "second " + HOSTILE]
    files["model_card.json"] = json.dumps(card).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _texts(at: AppTest) -> list[str]:
    elements = [*at.markdown, *at.caption, *at.info, *at.success, *at.warning, *at.error, *at.sidebar.caption]
    return [e.value for e in elements]


@pytest.mark.slow
def test_a_hostile_model_card_is_shown_as_plain_text_before_and_after_it_is_used(default_model):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    at.switch_page("pages/model.py").run()
    at.file_uploader(key="icilens_model_upload").upload("ours.zip", hostile_zip(default_model), "application/zip").run()
    assert not at.exception
    assert any("10 LightGBM models, checked and ready" in s.value for s in at.success)
    at.button(key="icilens_use_uploaded_model").click().run()
    at.switch_page("pages/model.py").run()
    assert not at.exception
    shown = _texts(at)
    with_card_text = [t for t in shown if "198" in t]
    assert len(with_card_text) >= 4  # name, intended use, the card in brief, limitations: all still shown...
    assert all(BEACON in t.replace("\\", "").replace("\u200b", "") for t in with_card_text)  # ...as typed
    assert not [t for t in with_card_text if LIVE_MARKUP.search(t)]  # ...and none of it as live markup


@pytest.mark.slow
def test_the_loris_recalibration_sentence_is_read_from_the_card_of_the_model_in_use(default_model):
    card = copy.deepcopy(default_model.card)
    card["references"]["loris_recalibration"].update(patients=321, responders=77)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    at.button(key="icilens_open_demo").click().run()
    at.session_state["icilens_session_model"] = Model(boosters=default_model.boosters, card=card)
    at.switch_page("pages/performance.py").run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "recalibrated to a response probability on the 321 training patients of the model in use" in captions
    assert "964" not in captions


def test_an_upload_over_the_byte_limit_is_refused_from_its_size(monkeypatch):
    monkeypatch.setenv("ICILENS_MAX_BYTES", "1000")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    data = (ROOT / "tests" / "data" / "corpus" / "01_clean_human_headers.csv").read_bytes()
    assert len(data) > 1000
    at.file_uploader(key="icilens_upload").upload("big.csv", data, "text/csv").run()
    message = f"big\\.csv is {len(data):,} bytes; the limit is 1,000 bytes"
    assert any(message in e.value for e in at.error), [e.value for e in at.error]
