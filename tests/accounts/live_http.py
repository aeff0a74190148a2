"""A real HTTP client for the live server, speaking from a chosen loopback address (127.0.0.x):
on Linux every 127/8 address is this machine, so one test can be several clients whose
REMOTE_ADDR really differs, with no proxy header to trust."""

import re

import requests
from requests.adapters import HTTPAdapter

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _FromAddress(HTTPAdapter):
    def __init__(self, source_ip: str, **kwargs):
        self.source_ip = source_ip
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source_ip, 0)
        super().init_poolmanager(*args, **kwargs)


class HttpClient:
    """A browser-like session: cookies kept, redirects not followed unless asked, CSRF handled."""

    def __init__(self, live_server, source_ip: str = "127.0.0.1"):
        self.base = live_server.url.replace("localhost", "127.0.0.1")
        self.session = requests.Session()
        self.session.mount("http://", _FromAddress(source_ip))

    def get(self, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        return self.session.get(self.base + path, timeout=30, **kwargs)

    def post(self, path: str, data: dict, **kwargs) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        return self.session.post(self.base + path, data=data, timeout=30, **kwargs)

    def submit(self, path: str, data: dict, **kwargs) -> requests.Response:
        """GET the form's page for its CSRF token, then POST the form to it."""
        page = self.get(path)
        match = CSRF_FIELD.search(page.text)
        assert match, f"no CSRF token on {path} ({page.status_code})"
        return self.post(
            path, {"csrfmiddlewaretoken": match.group(1), **data}, headers={"Referer": self.base + path}, **kwargs
        )

    def is_signed_in(self) -> bool:
        return "sessionid" in self.session.cookies and self.get("/accounts/profile/").status_code == 200
