"""docker-compose.yml supervises what it runs: every long-running service restarts when it exits and
says whether it is healthy; Redis keeps its data in an append-only file."""

from pathlib import Path

import yaml

COMPOSE = yaml.safe_load((Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_web_worker_and_beat_restart_and_have_health_checks():
    for name in ("web", "worker", "beat"):
        service = SERVICES[name]
        assert service["restart"] == "unless-stopped", name
        assert service["healthcheck"]["test"], name
    assert "/healthz" in " ".join(SERVICES["web"]["healthcheck"]["test"])
    assert "inspect ping" in " ".join(SERVICES["worker"]["healthcheck"]["test"])
    assert SERVICES["beat"]["healthcheck"]["test"][-2:] == ["--require", "beat"]
    assert SERVICES["migrate"]["restart"] == "no"  # a one-off: it must not loop


def test_redis_keeps_its_data_and_every_store_restarts():
    command = SERVICES["redis"]["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    for name in ("postgres", "redis", "mongo"):
        assert SERVICES[name]["restart"] == "unless-stopped", name
