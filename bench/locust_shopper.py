"""The benches' shoppers on Locust's light HTTP client (FastHttpUser, geventhttpclient) instead of
its requests-based one: Locust runs on the same two cores as the server it measures, and with
requests it took a sixth of them under 200 shoppers, CPU the server then did not have
(docs/performance.md, "Mixed load"). The flows (mixed_load_flows.py, drop_flows.py) use a
requests-like session; `ShopperSession` gives them the two things FastHttpSession lacks."""

from locust import FastHttpUser


class ShopperSession:
    """A FastHttpSession with a shopper's own headers sent on every request (`headers`, as
    requests.Session has them) and its cookies under requests' name (`cookies`)."""

    def __init__(self, session):
        self._session = session
        self.headers: dict[str, str] = {}
        self.cookies = session.cookiejar

    def request(self, method: str, url: str, *, headers: dict | None = None, **kwargs):
        return self._session.request(method, url, headers={**self.headers, **(headers or {})}, **kwargs)

    def get(self, url: str, **kwargs):
        return self.request("GET", url, **kwargs)


class ShopperUser(FastHttpUser):
    abstract = True

    def __init__(self, environment) -> None:
        super().__init__(environment)
        self.client = ShopperSession(self.client)  # type: ignore[assignment]
