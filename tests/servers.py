"""Servers a test starts as processes of their own (runserver, gunicorn, nginx, a worker's metrics
port): a free port to give them, and waiting until one answers before the test asks it anything."""

import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_answering(url: str, process: subprocess.Popen, log: Path | None = None, *, timeout: float = 60) -> None:
    """Until `url` answers with any status. A server binds its port only after its start-up work
    (runserver's system and migration checks, gunicorn's imports), later on a busy machine than
    things the same process already does (runserver's scheduler thread starts with the apps)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{url}: its server exited with {process.returncode}\n{_tail(log)}")
        try:
            # No short timeout: a request given up on while a busy server still starts would be
            # answered, and logged or counted, later, inside a test's before and after.
            urllib.request.urlopen(url, timeout=max(deadline - time.monotonic(), 1)).close()
            return
        except urllib.error.HTTPError:
            return  # answering, whatever the status
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{url} did not answer within {timeout} s\n{_tail(log)}")


def _tail(log: Path | None) -> str:
    return log.read_text()[-3000:] if log is not None and log.exists() else ""
