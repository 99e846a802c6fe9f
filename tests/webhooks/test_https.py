"""HTTPS deliveries: the connection goes to the checked address while TLS checks the URL's host name."""

from __future__ import annotations

import shutil
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from biocampus.webhooks import services
from biocampus.webhooks.choices import DeliveryStatus
from biocampus.webhooks.signing import verify

from .conftest import run_due_tasks

OPENSSL = shutil.which("openssl") or "openssl"
pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate for "localhost" (and its key), made with the openssl command."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(  # noqa: S603 (fixed arguments)
        [OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost"],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls_receiver(certificate, allow_loopback):
    cert, key = certificate
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.append((dict(self.headers.items()), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.server_port, received, cert
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _deliver(admin, campus, url):
    webhook = services.webhook_create(actor=admin, campus=campus, url=url, events=["agreement.signed"])
    delivery = services.webhook_send_test(actor=admin, webhook=webhook)
    run_due_tasks()
    delivery.refresh_from_db()
    return webhook, delivery


def test_a_trusted_certificate_for_the_host_name_delivers(tls_receiver, admin_a, campus_a, monkeypatch):
    port, received, cert = tls_receiver
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust the test certificate (OpenSSL reads it per context)
    webhook, delivery = _deliver(admin_a, campus_a, f"https://localhost:{port}/in")
    assert (delivery.status, delivery.last_status_code) == (DeliveryStatus.SUCCEEDED, 204)
    [(headers, body)] = received
    assert verify(webhook.secret, headers["X-BioCampus-Timestamp"], body, headers["X-BioCampus-Signature"])
    assert headers["Host"] == f"localhost:{port}"


def test_an_untrusted_certificate_is_a_failed_attempt(tls_receiver, admin_a, campus_a, monkeypatch, tmp_path):
    port, received, _cert = tls_receiver
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-such-bundle.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    _webhook, delivery = _deliver(admin_a, campus_a, f"https://localhost:{port}/in")
    assert delivery.status == DeliveryStatus.FAILED
    assert "TLS error" in delivery.last_error and "certificate verify failed" in delivery.last_error
    assert received == []


def test_a_certificate_for_another_name_is_refused(tls_receiver, admin_a, campus_a, monkeypatch):
    port, received, cert = tls_receiver
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    _webhook, delivery = _deliver(admin_a, campus_a, f"https://127.0.0.1:{port}/in")  # the cert names localhost
    assert delivery.status == DeliveryStatus.FAILED
    assert "TLS error" in delivery.last_error
    assert received == []
