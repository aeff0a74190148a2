"""Throughput through nginx (deploy/nginx/tienda.conf.template, as production runs it) on one
gunicorn node beside two, in the same run, with the bare Django view straight on a node first and
last as the machine's ceiling (bench_throughput's method: wrk, time-bound, ratios to the bare
view). The issue's ceiling (`../shared/bench/ceiling.py`, no middleware: bench_throughput.start_ceiling)
is served beside them with a node's workers and measured first and last too: `ratio_to_ceiling`. Each
node is the same gunicorn (WORKERS sync workers) on the bench database; nginx runs from Debian's package
(make cluster-deps) in a folder of its own. On a machine with few cores two nodes share them, so
`two_over_one` says what nginx and a second node cost or bring here, not what a second machine would."""

import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.bench_catalog import _ensure_catalog
from bench.bench_throughput import ROOT, _free_port, _pages, _start_server, _wrk, ceiling_file, start_ceiling

NGINX = "/usr/sbin/nginx"
WORKERS = int(os.environ.get("BENCH_NODE_WORKERS", "2"))


def _start_nginx(folder: Path, port: int, node_ports: list[int], extra: str = "") -> Path:
    """nginx on `port` in front of the nodes; `extra` goes into the site's `location /`."""
    servers = " ".join(f"server 127.0.0.1:{node} max_fails=1 fail_timeout=3s;" for node in node_ports)
    template = (ROOT / "deploy" / "nginx" / "tienda.conf.template").read_text()
    site = (
        template.replace("@WEB_SERVERS@", servers)
        .replace("@LISTEN@", f"127.0.0.1:{port}")
        .replace("@STATIC_ROOT@", str(folder / "static"))
        .replace("@MEDIA_ROOT@", str(folder / "media"))
        .replace("@EXTRA@", extra)
    )
    (folder / "tienda.conf").write_text(site)
    temp = folder / "tmp"
    temp.mkdir(mode=0o777, exist_ok=True)
    temp.chmod(0o777)  # as root, nginx's workers run as nobody
    conf = folder / "nginx.conf"
    conf.write_text(f"""worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 4096; }}  # a client and an upstream connection each: 1,000 shoppers at once (the drop bench)
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {folder}/tienda.conf;
}}
""")
    subprocess.run([NGINX, "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")], check=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/__bench__/bare/", timeout=5):
                return conf
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nginx did not answer (see {folder}/error.log)")


def _stop_nginx(folder: Path) -> None:
    subprocess.run(
        [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(folder / "error.log"), "-s", "quit"],
        check=False,
    )


def run():
    if shutil.which("wrk") is None or not os.path.exists(NGINX):
        yield {"name": "skipped", "value": "wrk or nginx is not installed (make bench-deps cluster-deps)", "unit": ""}
        return
    ceiling_file()  # absent: stop before building anything
    _ensure_catalog()
    pages = _pages()
    pages.pop("search", None)  # the product page and the biggest listing: the pages a drop hammers
    node_ports = [_free_port(), _free_port()]
    one_port, two_port = _free_port(), _free_port()
    nodes = [_start_server(port, workers=WORKERS, TRUSTED_PROXIES="127.0.0.1") for port in node_ports]
    ceiling_port = _free_port()
    nodes.append(start_ceiling(ceiling_port, workers=WORKERS))
    ceiling_url = f"http://127.0.0.1:{ceiling_port}/"
    folder = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
    folder.chmod(0o755)
    one, two = folder / "one", folder / "two"
    one.mkdir()
    two.mkdir()
    try:
        _start_nginx(one, one_port, node_ports[:1])
        _start_nginx(two, two_port, node_ports)
        bare_direct = f"http://127.0.0.1:{node_ports[0]}/__bench__/bare/"
        for base in (f"http://127.0.0.1:{one_port}", f"http://127.0.0.1:{two_port}"):
            for path in pages.values():  # warm every worker of every node
                for _ in range(WORKERS * 6):
                    urllib.request.urlopen(base + path, timeout=30).read()
        ceiling_first = _wrk(ceiling_url)
        first = _wrk(bare_direct)
        found = {}
        for layout, port in (("one_node", one_port), ("two_nodes", two_port)):
            base = f"http://127.0.0.1:{port}"
            found[f"{layout}.bare_django"] = _wrk(base + "/__bench__/bare/")
            for name, path in pages.items():
                found[f"{layout}.{name}"] = _wrk(base + path)
        last = _wrk(bare_direct)
        ceiling_last = _wrk(ceiling_url)
    finally:
        _stop_nginx(one)
        _stop_nginx(two)
        for node in nodes:
            node.terminate()
            node.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
    ceiling = (first["rps"] + last["rps"]) / 2
    shared_ceiling = (ceiling_first["rps"] + ceiling_last["rps"]) / 2
    yield {"name": "ceiling.req_per_s", "value": ceiling_first["rps"], "unit": "1/s"}
    yield {"name": "ceiling.req_per_s_last", "value": ceiling_last["rps"], "unit": "1/s"}
    yield {"name": "bare_django_direct.req_per_s", "value": first["rps"], "unit": "1/s"}
    yield {"name": "bare_django_direct.req_per_s_last", "value": last["rps"], "unit": "1/s"}
    for name, result in found.items():
        yield {"name": f"{name}.req_per_s", "value": result["rps"], "unit": "1/s"}
        yield {"name": f"{name}.p50", "value": result["p50_ms"], "unit": "ms"}
        yield {"name": f"{name}.p99", "value": result["p99_ms"], "unit": "ms"}
        yield {"name": f"{name}.ratio_to_bare", "value": round(result["rps"] / ceiling, 4), "unit": "ratio"}
        yield {"name": f"{name}.ratio_to_ceiling", "value": round(result["rps"] / shared_ceiling, 4), "unit": "ratio"}
        if result["errors"]:
            yield {"name": f"{name}.errors", "value": result["errors"], "unit": "count"}
    for name in ["bare_django", *pages]:
        yield {
            "name": f"{name}.two_over_one",
            "unit": "ratio",
            "value": round(found[f"two_nodes.{name}"]["rps"] / found[f"one_node.{name}"]["rps"], 4),
        }
