# Read by every gunicorn started from the repository's root (make serve, the image, scripts/cluster,
# the benches): settings that hold wherever gunicorn runs; the rest stays on each command line.

# Behind nginx, a connection to a node is reused for many requests. The node must not be the side
# that closes an idle one: nginx could send the next request on it at the same instant and get a
# reset, answered as a 502 for a POST (never retried). So a node keeps idle connections longer than
# nginx does (its upstream keepalive_timeout, 60 s in deploy/nginx). Sync workers ignore it.
keepalive = 75
