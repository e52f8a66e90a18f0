"""What the server adds to Streamlit for a hospital: private downloads, security headers, no metrics.

`serve.py` mounts `HospitalDefaults` in front of the app (`streamlit run serve.py`).

- A download's bytes are built when the user clicks, under a random address (never a hash of its content,
  which anyone knowing the content could compute) that belongs to the session that clicked: it is served
  only to a request carrying that browser's cookie, within seconds. Anyone else, before or after, gets 404
  and takes nothing. Once the browser has the file its bytes are dropped; a new click builds them again
  under a new address.
- Every response forbids framing (clickjacking), MIME sniffing and referrers; downloads are not cached.
- Streamlit's `/_stcore/metrics` endpoint (sessions, memory, cache sizes) is closed.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from http.cookies import SimpleCookie
from pathlib import PurePosixPath

from streamlit.runtime import Runtime
from streamlit.runtime.media_file_storage import MediaFileKind
from streamlit.runtime.memory_media_file_storage import MemoryFile

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


class PrivateDownloads:
    """Downloads under random addresses, each owned by the browser cookie of the session that built it.

    Streamlit names a stored file by a hash of its bytes; these wrappers give every download a fresh random
    name instead and note its owner, read from the session that clicked. Installed once on the running server.
    """

    def __init__(self) -> None:
        self.owners: dict[str, tuple[str, float]] = {}  # file id -> (owner's cookie, built at)
        self.lock = threading.Lock()
        self.installed = False

    def install(self) -> None:
        """Wrap the running server's media store and deferred downloads (once; later calls do nothing)."""
        if self.installed or not Runtime.exists():
            return
        manager = Runtime.instance().media_file_mgr
        storage = manager._storage
        if not hasattr(storage, "_files_by_id"):  # a Streamlit without the in-memory store: say so once
            log.warning("downloads cannot be made private: Streamlit's media store was not found")
            self.installed = True
            return
        keep, build = storage.load_and_get_id, manager.execute_deferred

        def load_and_get_id(data, mimetype, kind, filename=None):
            if kind != MediaFileKind.DOWNLOADABLE:
                return keep(data, mimetype, kind, filename)
            file_id = secrets.token_hex(16)
            storage._files_by_id[file_id] = MemoryFile(content=data, mimetype=mimetype, kind=kind, filename=filename)
            return file_id

        def execute_deferred(file_id: str) -> str:
            entry = manager._deferred_callables.get(file_id)
            owner = _session_cookie(entry["session_id"]) if entry else ""
            url = build(file_id)
            with self.lock:
                self.owners[PurePosixPath(url).stem] = (owner, time.monotonic())
            return url

        storage.load_and_get_id = load_and_get_id  # type: ignore[method-assign]  # wrapped on this server only
        manager.execute_deferred = execute_deferred  # type: ignore[method-assign]
        self.installed = True

    def may_fetch(self, name: str, cookie: str) -> bool:
        """Return whether a media request may go on: a download only for its owner, in time; other media for all."""
        file_id = PurePosixPath(name).stem
        now = time.monotonic()
        with self.lock:
            for old in [f for f, (_, built) in self.owners.items() if now - built > DOWNLOAD_SECONDS]:
                self._drop(old)
            owner = self.owners.get(file_id)
        if owner is not None:
            # as bytes: a crafted cookie may hold characters compare_digest refuses in a str
            return secrets.compare_digest(owner[0].encode(), cookie.encode())
        return not _is_download(file_id)  # a download nobody owns (expired, or built elsewhere) is no one's

    def finish(self, name: str) -> None:
        """Drop a download once its browser has it: a later fetch gets 404."""
        with self.lock:
            self._drop(PurePosixPath(name).stem)

    def _drop(self, file_id: str) -> None:
        self.owners.pop(file_id, None)
        Runtime.instance().media_file_mgr._storage.delete_file(file_id)


def _session_cookie(session_id: str) -> str:
    """Return the XSRF cookie the browser of a session sent when it connected ("" when it sent none)."""
    client = Runtime.instance().get_client(session_id)
    context = getattr(client, "client_context", None)
    return str((getattr(context, "cookies", None) or {}).get(XSRF_COOKIE, ""))


def _is_download(file_id: str) -> bool:
    files = getattr(Runtime.instance().media_file_mgr._storage, "_files_by_id", {})
    stored = files.get(file_id)
    return stored is not None and stored.kind == MediaFileKind.DOWNLOADABLE


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
    """ASGI middleware: security headers on every response, closed metrics, private downloads."""

    def __init__(self, app) -> None:
        self.app = app
        self.downloads = PrivateDownloads()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.downloads.install()
        path = scope["path"]
        if path.rstrip("/").endswith(CLOSED_PATHS):
            await _not_found(send)
            return
        media = "/media/" in path
        name = path.rsplit("/", 1)[-1]
        if media and not self.downloads.may_fetch(name, _cookie(scope, XSRF_COOKIE)):
            await _not_found(send)
            return
        served = {"download": False}

        async def send_with_defaults(message) -> None:
            if message["type"] == "http.response.start":
                served["download"] = media and message["status"] == 200 and _is_attachment(message)
                message["headers"] = _with_defaults(message.get("headers", []), media)
            await send(message)
            ended = message["type"] == "http.response.body" and not message.get("more_body")
            if ended and served["download"] and _header(scope, b"sec-fetch-mode") == b"navigate":
                self.downloads.finish(name)  # the browser has the file: nobody fetches it again

        await self.app(scope, receive, send_with_defaults)


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
