"""Patient data kept out of URLs, file names and the server log."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable
from typing import Any

import streamlit as st

from icilens.ui.downloads import code_path, file_stem
from icilens.ui.state import IDS_IN_NAMES, session_key

SECRET = session_key("link_secret")
KEY_LENGTH = 12
log = logging.getLogger("icilens")


def key_for(secret: bytes, patient_id: str) -> str:
    """Return the key of a patient under a session's secret: HMAC-SHA256, so ids cannot be read back."""
    return hmac.new(secret, str(patient_id).encode("utf-8"), hashlib.sha256).hexdigest()[:KEY_LENGTH]


def link_key(patient_id: str) -> str:
    """Return the opaque key that stands for a patient in this session's URLs (meaningless elsewhere)."""
    return key_for(st.session_state.setdefault(SECRET, secrets.token_bytes(16)), patient_id)


def patient_for_key(key: str, ids: list[str]) -> str | None:
    """Return the patient id of this session's cohort that a URL key stands for, or None."""
    return next((pid for pid in ids if hmac.compare_digest(link_key(pid), str(key))), None)


def patient_file_stem(patient_id: str) -> str:
    """Return how a patient is named in file names: the URL key, or the id when the user chose ids in names."""
    if st.session_state.get(IDS_IN_NAMES):
        return f"patient_{file_stem(patient_id)}"
    return f"patient_{link_key(patient_id)}"


class _ScrubbedRecordFactory:
    """A log record factory wrapping another, replacing each logged exception by its type and code path."""

    def __init__(self, factory: Callable[..., logging.LogRecord]) -> None:
        self.factory = factory

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.factory(*args, **kwargs)
        if record.exc_info and record.exc_info[1] is not None:
            # A logged exception keeps its type and code path; its message may quote patient values.
            record.exc_text = code_path(record.exc_info[1])
            record.exc_info = None
        return record


def scrub_logged_exceptions() -> None:
    """Make every log record of this process carry an exception's type and code path, never its message."""
    factory = logging.getLogRecordFactory()
    if not isinstance(factory, _ScrubbedRecordFactory):
        logging.setLogRecordFactory(_ScrubbedRecordFactory(factory))
