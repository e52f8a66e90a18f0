import logging

import pytest

from icilens.ui.downloads import guard_download
from icilens.ui.privacy import key_for, scrub_logged_exceptions


def test_a_logged_exception_keeps_its_type_and_code_path_but_not_its_message(caplog):
    scrub_logged_exceptions()
    try:
        raise ValueError("patient SECRET-77 has albumin 3.1")
    except ValueError:
        logging.getLogger("streamlit.test").exception("failed while %s", "exporting")
    text = caplog.text + "".join(r.exc_text or "" for r in caplog.records)
    assert "ValueError" in text and "test_privacy.py" in text
    assert "SECRET-77" not in text


def test_a_failing_download_logs_an_error_id_and_raises_without_the_values(caplog):
    def build():
        raise KeyError("MRN-SECRET-9")

    with pytest.raises(RuntimeError, match=r"the XLSX table could not be built \(error id [0-9a-f]{8}\)") as raised:
        guard_download("the XLSX table", build)()
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
    assert "MRN-SECRET-9" not in caplog.text and "KeyError" in caplog.text


def test_link_keys_are_opaque_and_differ_between_sessions():
    one, two = b"a" * 16, b"b" * 16
    assert key_for(one, "MRN-1") == key_for(one, "MRN-1")
    assert key_for(one, "MRN-1") != key_for(two, "MRN-1")
    assert "MRN" not in key_for(one, "MRN-1") and len(key_for(one, "MRN-1")) == 12
