"""A real OpenID provider for the tests (tests/oidc_provider.mjs: the npm oidc-provider
package), one process per test run (per pytest-xdist worker), and a person's browser at it."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin

import requests

from assessment.rules.sign_in_settings import Provider

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SCRIPT = PROJECT_ROOT / "tests" / "oidc_provider.mjs"
CLIENT_ID = "cx-assessment"
CLIENT_SECRET = "test-only-client-secret-0123456789abcdef"  # the script's; test-only
LABEL = "Test ID"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def missing() -> str | None:
    """Why the provider cannot run here, or None."""
    if shutil.which("node") is None:
        return "Node.js is not installed"
    if not (PROJECT_ROOT / "node_modules" / "oidc-provider").is_dir():
        return "the npm package oidc-provider is not installed (make setup installs it)"
    return None


@contextmanager
def running_provider() -> Iterator[str]:
    """Start the provider on a free loopback port; its issuer while it runs."""
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(["node", str(SCRIPT), str(port)], cwd=PROJECT_ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # "ready <issuer>" once it listens
        assert line.startswith("ready"), f"the test provider did not start: {line!r}"
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def provider_settings(issuer: str, name: str = "test") -> Provider:
    return Provider(name=name, label=LABEL, issuer=issuer, client_id=CLIENT_ID,
                    client_secret=CLIENT_SECRET)


def at_provider(authorization_url: str, stop_at: str, login_hint: str = "ada@agency.gov",
                timeout: float = 10) -> str:
    """Follow the provider's redirects as a browser would, signing in as login_hint, until it
    sends the person back to stop_at; that URL."""
    browser = requests.Session()
    url = f"{authorization_url}&login_hint={requests.utils.quote(login_hint)}"
    deadline = time.monotonic() + timeout
    while not url.startswith(stop_at):
        assert time.monotonic() < deadline, f"the provider kept redirecting: {url}"
        response = browser.get(url, allow_redirects=False, timeout=timeout)
        assert response.is_redirect, (response.status_code, response.text[:500])
        url = urljoin(url, response.headers["Location"])
    return url
