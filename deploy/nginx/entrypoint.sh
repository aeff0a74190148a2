#!/bin/sh
# nginx for docker-compose.yml: the shop's server block from the template, web nodes from WEB_SERVERS
# (space-separated host:port).
set -eu
servers=""
for server in $WEB_SERVERS; do servers="$servers server $server max_fails=1 fail_timeout=3s;"; done
sed -e "s|@WEB_SERVERS@|$servers|; s|@LISTEN@|80|; s|@STATIC_ROOT@|/srv/static|; s|@MEDIA_ROOT@|/srv/media|; /@EXTRA@/d" \
    /etc/nginx/tienda.conf.template > /etc/nginx/conf.d/default.conf
# The access log (with each request's id) to the container's output, like nginx's own logs.
ln -sf /dev/stdout /etc/nginx/tienda-access.log
exec nginx -g "daemon off;"
