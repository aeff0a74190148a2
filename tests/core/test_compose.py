"""docker-compose.yml supervises what it runs: every long-running service restarts when it exits and
says whether it is healthy; Redis keeps its data in an append-only file; nginx is the one door in, and the
only address the web nodes believe about the client."""

from pathlib import Path

import yaml

COMPOSE = yaml.safe_load((Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


WEB_NODES = ("web1", "web2")


def test_web_nodes_worker_beat_and_nginx_restart_and_have_health_checks():
    for name in (*WEB_NODES, "worker", "beat", "nginx"):
        service = SERVICES[name]
        assert service["restart"] == "unless-stopped", name
        assert service["healthcheck"]["test"], name
    for name in WEB_NODES:
        assert "/healthz" in " ".join(SERVICES[name]["healthcheck"]["test"]), name
    assert "inspect ping" in " ".join(SERVICES["worker"]["healthcheck"]["test"])
    assert SERVICES["beat"]["healthcheck"]["test"][-2:] == ["--require", "beat"]
    assert SERVICES["migrate"]["restart"] == "no"  # a one-off: it must not loop


def test_redis_keeps_its_data_and_every_store_restarts():
    command = SERVICES["redis"]["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    for name in ("postgres", "postgres-replica", "pgbouncer", "redis", "mongo"):
        assert SERVICES[name]["restart"] == "unless-stopped", name


def test_only_nginx_is_published_and_the_nodes_trust_only_it():
    published = {name for name, service in SERVICES.items() if service.get("ports")}
    assert published == {"nginx"}
    nginx_address = SERVICES["nginx"]["networks"]["default"]["ipv4_address"]
    for name in WEB_NODES:
        assert SERVICES[name]["environment"]["TRUSTED_PROXIES"] == nginx_address, name
