"""Private downloads: only the owner's cookie opens one, and no crafted cookie can break the check."""

import time

from icilens.ui.serving import PrivateDownloads


def _owned(cookie: str) -> PrivateDownloads:
    downloads = PrivateDownloads()
    downloads.owners["0123abcd"] = (cookie, time.monotonic())
    return downloads


def test_only_the_owner_cookie_opens_a_download():
    downloads = _owned("owner-token")
    assert downloads.may_fetch("0123abcd.csv", "owner-token")
    assert not downloads.may_fetch("0123abcd.csv", "someone-else")
    assert not downloads.may_fetch("0123abcd.csv", "")


def test_a_cookie_with_characters_outside_ascii_is_refused_not_an_error():
    assert not _owned("owner-token").may_fetch("0123abcd.csv", "ówner-tökén\u202e")
    assert _owned("ówner").may_fetch("0123abcd.csv", "ówner")
