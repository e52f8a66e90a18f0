"""What the server adds to Streamlit for a hospital: private single-use downloads, security headers, no metrics.

`serve.py` mounts `HospitalDefaults` in front of the app (`streamlit run serve.py`).

- A download's bytes are built when the user clicks. The browser then fetches them twice, a check and
  the download itself; both must come from the browser that asked (its XSRF cookie) within seconds.
  Once the download is served the bytes are dropped from memory, so the URL answers 404 to anyone,
  with or without cookies, and nothing is left to fetch when the session ends. A new click builds
  them again.
- Every response forbids framing (clickjacking), MIME sniffing and referrers; downloads are not cached.
- Streamlit's `/_stcore/metrics` endpoint (sessions, memory, cache sizes) is closed.
"""

from __future__ import annotations

import logging
import time
from http.cookies import SimpleCookie
from pathlib import PurePosixPath

SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
CLOSED_PATHS = ("/_stcore/metrics",)
DOWNLOAD_SECONDS = 30.0  # how long a built download waits for its browser
XSRF_COOKIE = "_streamlit_xsrf"
log = logging.getLogger("icilens")


def forget_download(file_name: str) -> None:
    """Drop a download's bytes from Streamlit's media store (a later fetch gets 404)."""
    from streamlit.runtime import Runtime

    storage = getattr(Runtime.instance().media_file_mgr, "_storage", None)
    if storage is None:  # a Streamlit without the in-memory store: nothing to drop here
        log.warning("downloads cannot be made single-use: Streamlit's media store was not found")
        return
    storage.delete_file(PurePosixPath(file_name).stem)


def _cookie(scope, name: str) -> str:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            morsel = SimpleCookie(value.decode("latin-1")).get(name)
            if morsel is not None:
                return morsel.value
    return ""


def _header(scope, name: bytes) -> bytes:
    return next((v for k, v in scope.get("headers", []) if k == name), b"")


class HospitalDefaults:
    """ASGI middleware: security headers on every response, closed metrics, private single-use downloads."""

    def __init__(self, app) -> None:
        self.app = app
        self.downloads: dict[str, tuple[float, str]] = {}  # file name -> (first served at, owner's cookie)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if path.rstrip("/").endswith(CLOSED_PATHS):
            await _not_found(send)
            return
        media = "/media/" in path
        name = path.rsplit("/", 1)[-1]
        if media and not self._may_fetch(name, _cookie(scope, XSRF_COOKIE)):
            await _not_found(send)
            return
        served = {"download": False}

        async def send_with_defaults(message) -> None:
            if message["type"] == "http.response.start":
                served["download"] = media and message["status"] == 200 and _is_attachment(message)
                if served["download"]:
                    self.downloads.setdefault(name, (time.monotonic(), _cookie(scope, XSRF_COOKIE)))
                message["headers"] = _with_defaults(message.get("headers", []), media)
            await send(message)
            ended = message["type"] == "http.response.body" and not message.get("more_body")
            if ended and served["download"] and _header(scope, b"sec-fetch-mode") == b"navigate":
                self._finish(name)  # the browser has the file: nobody fetches it again

        await self.app(scope, receive, send_with_defaults)

    def _may_fetch(self, name: str, cookie: str) -> bool:
        """Return whether a media request may go on: a started download only for its browser, in time."""
        now = time.monotonic()
        for old in [n for n, (start, _) in self.downloads.items() if now - start > DOWNLOAD_SECONDS]:
            self._finish(old)
        started = self.downloads.get(name)
        return started is None or started[1] == cookie

    def _finish(self, name: str) -> None:
        self.downloads.pop(name, None)
        forget_download(name)


def _is_attachment(message) -> bool:
    return any(k.lower() == b"content-disposition" and b"attachment" in v for k, v in message.get("headers", []))


def _with_defaults(headers: list, media: bool) -> list:
    extra = {**SECURITY_HEADERS, **({"Cache-Control": "no-store"} if media else {})}
    wanted = {k.lower().encode() for k in extra}
    return [
        *[(k, v) for k, v in headers if k.lower() not in wanted],
        *[(k.lower().encode(), v.encode()) for k, v in extra.items()],
    ]


async def _not_found(send) -> None:
    body = b"Not found"
    headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 404, "headers": _with_defaults(headers, media=False)})
    await send({"type": "http.response.body", "body": body})
