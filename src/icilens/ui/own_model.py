"""Your own model: train on the session's cohort in a worker thread, judge it, use it, download or upload it.

A trained or uploaded model lives in this session's memory only; nothing is written to disk.
"""

from __future__ import annotations

import hashlib
import threading

import streamlit as st

from icilens.datasets import provenance_of
from icilens.model import BundleError, Model, check_zip_size, model_from_zip, model_to_zip
from icilens.training import TrainingCancelled, judge_trained_model, judgement_table, train_model
from icilens.ui.downloads import export_stem, guard_download
from icilens.ui.page import escape_markdown
from icilens.ui.resources import active_model, default_model
from icilens.ui.state import MODEL_UPLOAD, SESSION_MODEL, SESSION_MODELS, Cohort, session_key
from icilens.vocabulary import NOT_AVAILABLE

_JOB = session_key("training_job")
_CHECKED_UPLOAD = session_key("checked_model_upload")
_CONFIRM_USE = session_key("confirm_trained_model_use")
MIN_PATIENTS, MIN_RESPONDERS = 150, 40
WHY_MINIMUM = (
    f"at least {MIN_PATIENTS} patients with an observed response, {MIN_RESPONDERS} of them responders (and as many "
    "non-responders): with five folds, each held-out fold then has about 8 responders, the fewest with which "
    "settings can be chosen and the out-of-fold ROC AUC still has a confidence interval narrow enough to tell "
    "two models apart"
)


def trainable(cohort: Cohort) -> tuple[bool, str]:
    """Return whether the cohort can train a model, and a sentence saying why or why not."""
    response = cohort.result.frame["response"].dropna()
    patients, responders = len(response), int(response.astype(float).sum())
    others = patients - responders
    enough = patients >= MIN_PATIENTS and min(responders, others) >= MIN_RESPONDERS
    counts = f"This cohort has {patients} patients with an observed response ({responders} responders)."
    return enough, f"{counts} Training needs {WHY_MINIMUM}."


def _train_in_worker(job: dict, cohort: Cohort, default: Model) -> None:
    """Train and judge a model off the page's thread; report progress and the result through job."""
    sha256 = hashlib.sha256(cohort.data).hexdigest() if cohort.data else "entered by hand"
    try:
        model = train_model(
            cohort.result.frame,
            sha256,
            cohort.label,
            provenance_of(sha256),
            progress=lambda done, step: job.update(done=done, step=step),
            should_stop=job["cancel"].is_set,
        )
        model.card["name"] = f"Model trained on {cohort.label}"
        job["step"] = "comparing with the default model and LORIS on the same patients"
        job["result"] = (model, judge_trained_model(model, cohort.result.frame, default))
    except TrainingCancelled:
        job["error"] = "Training stopped: nothing was kept."
    except ValueError as exc:
        job["error"] = escape_markdown(str(exc))  # may quote the cohort's file name
    except Exception as exc:  # a worker must always end with a message the page can show
        job["error"] = f"Training failed ({type(exc).__name__}); try again, or report it."
    finally:
        job["running"] = False


def start_training(cohort: Cohort) -> None:
    """Start training on the cohort in a worker thread, so the page and other users stay responsive."""
    st.session_state.pop(_CONFIRM_USE, None)
    job = {"running": True, "done": 0.0, "step": "starting", "cancel": threading.Event(), "cohort": cohort}
    st.session_state[_JOB] = job
    threading.Thread(target=_train_in_worker, args=(job, cohort, default_model()), daemon=True).start()


def show_training() -> None:
    """Show the session's training: its progress while it runs, then its verdict and what to do with it."""
    job = st.session_state.get(_JOB)
    if job is None:
        return
    if job["running"]:
        _poll_training()
    elif "error" in job:
        st.warning(job["error"])
    else:
        _show_result(*job["result"])


@st.fragment(run_every=1.0)
def _poll_training() -> None:
    """Redraw the progress every second with a Stop button; when training ends, redraw the whole page once.

    Only a running training polls, so the Model page does not rerun every second once it is done.
    """
    job = st.session_state[_JOB]
    if not job["running"]:
        st.rerun(scope="app")
    st.progress(job["done"], text=f"Training: {job['step']}")
    if st.button("Stop training", key=session_key("stop_training"), icon=":material/stop:"):
        job["cancel"].set()


def _show_result(model: Model, report: dict) -> None:
    st.markdown(f"**{report['verdict']}**")
    st.caption(
        f"Out-of-fold figures of your model beside the default model and LORIS (recalibrated) on the same "
        f"{report['patients']} patients ({report['responders']} responders); {report['bootstrap']}."
    )
    st.dataframe(
        judgement_table(report), hide_index=True, placeholder=NOT_AVAILABLE, key=session_key("trained_comparison")
    )
    if report.get("judged") == "better":
        offer_model(model, "trained")
    else:
        _offer_with_caution(model, report["verdict"])


def _offer_with_caution(model: Model, verdict: str) -> None:
    """Offer a model the verdict does not favour: keeping the default is the primary action, using it asks twice."""
    keep, use, download = st.columns(3)
    if keep.button(
        "Keep the default model",
        key=session_key("keep_default_model"),
        type="primary",
        help="Closes this trained model; download it first to keep a copy.",
    ):
        st.session_state.pop(_JOB, None)
        st.session_state.pop(_CONFIRM_USE, None)
        st.rerun(scope="app")
    if use.button("Use this model anyway", key=session_key("use_trained_model")):
        st.session_state[_CONFIRM_USE] = True
    _download_button(download, model, "trained")
    if st.session_state.get(_CONFIRM_USE):
        st.warning(f"{verdict} Use it for this session all the same?")
        yes, no = st.columns(2)
        if yes.button("Yes, use it for this session", key=session_key("confirm_trained_model")):
            st.session_state.pop(_CONFIRM_USE, None)
            _use_model(model)
        if no.button("No, keep the default", key=session_key("cancel_trained_model")):
            st.session_state.pop(_CONFIRM_USE, None)
            st.rerun(scope="app")


def offer_model(model: Model, origin: str) -> None:
    """Offer to use a model for this session and to download it as a zip."""
    use, download = st.columns(2)
    if use.button("Use this model for this session", key=session_key(f"use_{origin}_model"), type="primary"):
        _use_model(model)
    _download_button(download, model, origin)


def _use_model(model: Model) -> None:
    st.session_state.setdefault(SESSION_MODELS, {})[model.card["name"]] = model
    st.session_state[SESSION_MODEL] = model
    st.rerun(scope="app")


def _download_button(column, model: Model, origin: str) -> None:
    column.download_button(
        "Download the model (zip)",
        guard_download("the model zip", lambda: model_to_zip(model)),
        f"{export_stem('model')}.zip",
        "application/zip",
        key=session_key(f"download_{origin}_model"),
        on_click="ignore",
    )


def show_own_model(cohort: Cohort | None) -> None:
    """Draw the Model page's section for training, uploading, using and switching back."""
    st.subheader("Your own model", anchor=False)
    current = active_model()
    if current is not default_model():
        st.info(f"This session uses **{escape_markdown(current.card['name'])}**, not the bundled model.")
        if st.button("Switch back to the bundled model", key=session_key("use_default_model")):
            st.session_state.pop(SESSION_MODEL, None)
            st.rerun(scope="app")
    if cohort is None:
        st.caption("Load a cohort with observed responses to train a model on it.")
    else:
        enough, why = trainable(cohort)
        st.caption(why)
        job = st.session_state.get(_JOB)
        running = job is not None and job["running"]
        if st.button("Train on this cohort", key=session_key("train_model"), disabled=not enough or running):
            start_training(cohort)
        show_training()
    upload = st.file_uploader(
        "Or upload a model zip (LightGBM text files and model_card.json, or LightGBM text models trained on the "
        "17 canonical features)",
        type=["zip"],
        key=MODEL_UPLOAD,
    )
    if upload is not None:
        uploaded = checked_upload(upload)
        if isinstance(uploaded, str):
            st.error(escape_markdown(uploaded))
        else:
            name = escape_markdown(uploaded.card["name"])
            st.success(f"{name}: {len(uploaded.boosters)} LightGBM models, checked and ready.")
            offer_model(uploaded, "uploaded")


def checked_upload(upload) -> Model | str:
    """Return the uploaded model zip as a model, or the reason it was refused; each upload is checked once.

    The check parses the models in a separate process (about a second), so its outcome is kept in the
    session under the upload's digest instead of being repeated at every rerun of the page.
    """
    try:
        check_zip_size(upload.size, upload.name)
    except BundleError as exc:
        return str(exc)
    data = upload.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    kept = st.session_state.get(_CHECKED_UPLOAD)
    if kept is None or kept[0] != digest:
        try:
            outcome: Model | str = model_from_zip(data, upload.name)
        except BundleError as exc:
            outcome = str(exc)
        kept = st.session_state[_CHECKED_UPLOAD] = (digest, outcome)
    return kept[1]
