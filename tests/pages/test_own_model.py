"""Your own model in the app: trained in a worker on the session's cohort, judged, used, downloaded, uploaded."""

import copy
import io
import json
import time
import zipfile

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from icilens.datasets import training_path
from icilens.model import default_model_dir
from icilens.model.zips import model_to_zip
from tests.conftest import ROOT

TIMEOUT = 120


def _model_page_with(name: str, data: bytes) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    at.file_uploader(key="icilens_upload").upload(name, data, "text/csv").run()
    at.switch_page("pages/model.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _record_the_app_training(monkeypatch) -> dict:
    """Keep the app's training inputs and a copy of the model as train_model returned it (before the page names it)."""
    import icilens.ui.own_model
    from icilens.training import train_model

    trained: dict = {"calls": 0}

    def recording(frame, data_sha256, source_name="cohort", provenance=None, progress=None, should_stop=None):
        model = train_model(frame, data_sha256, source_name, provenance, progress, should_stop)
        trained.update(inputs=(frame.copy(), data_sha256, source_name, provenance), model=copy.deepcopy(model))
        return model

    monkeypatch.setattr(icilens.ui.own_model, "train_model", recording)
    return trained


def _hand_the_cli_this_training(monkeypatch, trained: dict) -> None:
    """Give `icilens train` the app's model when it asks for a training on the very same inputs.

    Training is deterministic (the bundled model is rebuilt byte for byte above), so a second run on the same
    inputs would only repeat it; any difference in what the command line passes is a failure, not a new training.
    """
    import icilens.cli.train

    def same_training(frame, data_sha256, source_name="cohort", provenance=None, progress=None, should_stop=None):
        app_frame, *app_rest = trained["inputs"]
        pd.testing.assert_frame_equal(frame, app_frame)
        assert [data_sha256, source_name, provenance] == app_rest
        trained["calls"] += 1
        return copy.deepcopy(trained["model"])

    monkeypatch.setattr(icilens.cli.train, "train_model", same_training)


@pytest.mark.slow
def test_training_on_the_bundled_patients_in_the_app_gives_the_bundled_model_and_is_judged(
    default_model, capsys, tmp_path, monkeypatch
):
    trained = _record_the_app_training(monkeypatch)
    at = _model_page_with("chowell_train_2015_2017.csv", training_path().read_bytes())
    at.button(key="icilens_train_model").click().run()
    deadline = time.monotonic() + 300
    while at.session_state["icilens_training_job"]["running"] and time.monotonic() < deadline:
        time.sleep(1)
    at.run()
    job = at.session_state["icilens_training_job"]
    assert "error" not in job, job.get("error")
    model, report = job["result"]
    # The same model, byte for byte, as `icilens train` wrote to src/icilens/bundled/model.
    for booster, file_name in zip(model.boosters, model.card["ensemble"]["files"], strict=True):
        assert booster.model_to_string() == (default_model_dir() / file_name).read_text()
    assert report["verdict"].startswith("Your model is") and "in-sample" in report["verdict"]
    assert any(d.value["score"].tolist()[0] == "Your model (out of fold)" for d in at.dataframe if "score" in d.value)

    # The command line judges the same model the same way: its printed row for the new model is the app's.
    from icilens.cli import main
    from icilens.training.judgement import judgement_table

    _hand_the_cli_this_training(monkeypatch, trained)
    capsys.readouterr()
    assert main(["train", str(training_path()), "--out", str(tmp_path / "model.zip")]) == 0
    printed = capsys.readouterr().out
    row = judgement_table(report).iloc[0]
    assert all(str(value) in printed for value in row.to_numpy()), (row.to_dict(), printed)
    # `icilens train` rebuilds the bundled model, trained on another day and machine: the same LightGBM files byte
    # for byte and the same measured range (the app's one training serves both checks; a second would only repeat it).
    assert trained["calls"] == 1, "the command line did not train on the patients the app trained on"
    bundled_card = json.loads((default_model_dir() / "model_card.json").read_text())
    with zipfile.ZipFile(tmp_path / "model.zip") as archive:
        for name in bundled_card["ensemble"]["files"]:
            assert archive.read(name) == (default_model_dir() / name).read_bytes(), name
        written_card = json.loads(archive.read("model_card.json"))
    measured, bundled = (
        {k: v for k, v in c["uncertainty"].items() if k != "method"}  # the method's wording has been edited since
        for c in (written_card, bundled_card)
    )
    assert measured == bundled

    # On its own training patients the default is in-sample, so the new model cannot be judged better: keeping
    # the default is the primary action, and using the new model asks again with the verdict.
    assert report["judged"] in {"no better", "worse"}
    assert at.button(key="icilens_keep_default_model").proto.type == "primary"
    assert at.button(key="icilens_use_trained_model").proto.type != "primary"
    at.button(key="icilens_use_trained_model").click().run()
    assert "icilens_session_model" not in at.session_state
    assert any(report["verdict"] in w.value and "all the same?" in w.value for w in at.warning)
    at.button(key="icilens_confirm_trained_model").click().run()
    assert not at.exception
    assert at.session_state["icilens_session_model"] is model
    assert any("Model trained on chowell_train_2015_2017.csv" in c.value.replace("\\", "") for c in at.sidebar.caption)
    at.button(key="icilens_use_default_model").click().run()
    assert "icilens_session_model" not in at.session_state


def test_training_is_offered_only_with_enough_outcomes():
    small = (ROOT / "tests" / "data" / "corpus" / "01_clean_human_headers.csv").read_bytes()
    at = _model_page_with("small.csv", small)
    assert at.button(key="icilens_train_model").disabled
    assert any("Training needs at least 150 patients" in c.value for c in at.caption)


@pytest.mark.slow
def test_an_uploaded_model_zip_is_checked_and_used(default_model):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    at.switch_page("pages/model.py").run()
    data = model_to_zip(default_model)
    assert zipfile.ZipFile(io.BytesIO(data)).namelist()[-1] == "model_card.json"
    at.file_uploader(key="icilens_model_upload").upload("ours.zip", data, "application/zip").run()
    assert any("10 LightGBM models, checked and ready" in s.value for s in at.success)
    at.file_uploader(key="icilens_model_upload").upload("bad.zip", b"not a zip", "application/zip").run()
    assert any("is not a zip file" in e.value for e in at.error)


def test_training_can_be_stopped_and_keeps_nothing():
    at = _model_page_with("chowell_train_2015_2017.csv", training_path().read_bytes())
    at.button(key="icilens_train_model").click().run()
    at.button(key="icilens_stop_training").click().run()
    deadline = time.monotonic() + 120
    while at.session_state["icilens_training_job"]["running"] and time.monotonic() < deadline:
        time.sleep(0.5)
    at.run()
    assert at.session_state["icilens_training_job"]["error"] == "Training stopped: nothing was kept."
    assert any(w.value == "Training stopped: nothing was kept." for w in at.warning)
    assert "icilens_session_model" not in at.session_state
