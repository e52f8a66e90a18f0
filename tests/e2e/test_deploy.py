"""The README's reverse-proxy example, run for real: nginx with TLS and a login in front of the app."""

import base64
import os
import shutil
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not all(shutil.which(tool) for tool in ("nginx", "openssl")),
        reason="nginx and openssl are needed to run the reverse-proxy example (apt-get install nginx)",
    ),
]
USER, PASSWORD = "clinician", "correct horse battery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def proxy(server, tmp_path):
    """Run deploy/nginx.conf, pointed at the test server, on free ports with a self-signed certificate."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    hashed = subprocess.run(["openssl", "passwd", "-apr1", PASSWORD], check=True, capture_output=True, text=True)
    (tmp_path / "htpasswd").write_text(f"{USER}:{hashed.stdout.strip()}\n")
    https, http = _free_port(), _free_port()
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    for old, new in {
        "listen 443 ssl": f"listen 127.0.0.1:{https} ssl",
        "listen 80": f"listen 127.0.0.1:{http}",
        "/etc/ssl/icilens/fullchain.pem": str(tmp_path / "cert.pem"),
        "/etc/ssl/icilens/privkey.pem": str(tmp_path / "key.pem"),
        "/etc/nginx/icilens.htpasswd": str(tmp_path / "htpasswd"),
        "/var/log/nginx/icilens.access.log": str(tmp_path / "access.log"),
        "127.0.0.1:8501": f"127.0.0.1:{server.port}",
    }.items():
        assert old in site, old
        site = site.replace(old, new)
    (tmp_path / "nginx.conf").write_text(
        # As root, nginx's workers would drop to 'nobody' and could not read the test's private files.
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n access_log off;\n client_body_temp_path {tmp_path};\n proxy_temp_path {tmp_path};\n{site}\n}}\n"
    )
    process = subprocess.Popen(["nginx", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"])
    time.sleep(1.0)
    yield f"https://127.0.0.1:{https}"
    process.terminate()
    process.wait(timeout=10)


def _get(url: str, login: bool = True):
    request = urllib.request.Request(url)
    if login:
        request.add_header("Authorization", "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode())
    return urllib.request.urlopen(request, context=ssl._create_unverified_context(), timeout=10)


def test_the_proxy_asks_for_a_login_refuses_framing_and_closes_the_metrics(proxy):
    with pytest.raises(urllib.error.HTTPError) as anonymous:
        _get(proxy, login=False)
    assert anonymous.value.code == 401
    with _get(proxy) as response:
        assert response.status == 200
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    with pytest.raises(urllib.error.HTTPError) as metrics:
        _get(f"{proxy}/_stcore/metrics")
    assert metrics.value.code == 404


def test_the_app_works_through_the_proxy(proxy, browser):
    context = browser.new_context(ignore_https_errors=True, http_credentials={"username": USER, "password": PASSWORD})
    try:
        page = context.new_page()
        page.goto(proxy)
        page.get_by_role("button", name="Open the demo cohort").click()
        metric = page.get_by_test_id("stMetric").filter(has_text="Patients").get_by_test_id("stMetricValue")
        expect(metric).to_have_text("515")  # the WebSocket passes through the proxy
    finally:
        context.close()
