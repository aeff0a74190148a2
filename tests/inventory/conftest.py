import pytest


@pytest.fixture(params=["database", "python"])
def reserve_path(request, monkeypatch):
    """Run a test through both forms of stock_reserve: the PostgreSQL function (one round
    trip) and the Python path (SQLite's, and the fallback that names the refusal)."""
    monkeypatch.setattr("inventory.services.reservations.RESERVE_IN_DATABASE", request.param == "database")
    return request.param
