#!/usr/bin/env bash
# Rehearses docs/deployment.md on this machine: every command of the guide, in its order, inside a
# temporary folder, against the local PostgreSQL of scripts/postgres-test-server.sh, with nginx on
# free high ports and a self-signed certificate. Needs root (PostgreSQL's admin role, nginx).
#
#   scripts/deploy-rehearsal.sh          # prints each step; exit 0 when the whole guide worked
#
# A guide command that needs a real server (systemctl, useradd, chown, git clone/pull, copying into
# /etc) is quoted in a "# guide:" comment and followed by what the rehearsal runs in its place,
# e.g. the ExecStart line of the unit the guide installs. tests/deploy/test_deployment_guide.py
# runs this script and checks that every command of the guide appears in it.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"
WORK="$(mktemp -d /tmp/rw-rehearsal.XXXXXX)"
PIDS=()
step() { printf '\n== %s\n' "$*"; }
fail() { echo "deploy-rehearsal: $*" >&2; exit 1; }
free_port() { .venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_http() {  # URL [curl options]: until it answers, at most two minutes
  for _ in $(seq 1 600); do curl -s -o /dev/null "$@" && return 0; sleep 0.2; done
  fail "no answer from $1"
}
unit_command() {  # the ExecStart of a unit in deploy/systemd, with the rehearsal's folders and port
  sed -n 's/^ExecStart=//p' "deploy/systemd/$1" | sed -e "s#/srv/recruitwatch#$RW_HOME#g" \
    -e "s#/etc/recruitwatch#$RW_ETC#g" -e "s#/var/backups/recruitwatch#$RW_BACKUPS#g" \
    -e "s#--port 8000#--port $APP_PORT#" -e 's/%%/%/g'
}
psql_admin() { psql -X -q -v ON_ERROR_STOP=1 "$PG_ADMIN_URL" "$@"; }
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -f "$WORK/nginx/nginx.pid" ] && nginx -c "$WORK/nginx/nginx.conf" -s stop 2>/dev/null || true
  if [ -n "${PG_ADMIN_URL:-}" ]; then
    psql_admin -c "DROP DATABASE IF EXISTS ${RW_DB_NAME}_drill" -c "DROP DATABASE IF EXISTS $RW_DB_NAME" \
      -c "DROP ROLE IF EXISTS $RW_DB_USER" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
[ "$(id -u)" -eq 0 ] || fail "run as root: the rehearsal creates a PostgreSQL role and starts nginx"

step "1. Settings (the rehearsal's own values)"
export RW_HOME="$REPO"
export RW_ETC="$WORK/etc"
export RW_BACKUPS="$WORK/backups"
export RW_DB_USER="rw_rehearsal_$$" RW_DB_NAME="rw_rehearsal_$$"
export RW_DB_PASSWORD="$(openssl rand -hex 24)"
test_url="$(scripts/postgres-test-server.sh | tail -n 1)"  # the suite's cluster: postgresql+psycopg://rw:...@127.0.0.1:PORT/...
PG_PORT="$(sed -E 's#.*:([0-9]+)/[^/]*$#\1#' <<<"$test_url")"
export PG_ADMIN_URL="postgresql:///postgres?host=/var/run/postgresql&port=$PG_PORT&user=postgres"
export PG_HOST=127.0.0.1 PG_PORT
APP_PORT="$(free_port)"
psql_admin -c "DROP DATABASE IF EXISTS $RW_DB_NAME" -c "DROP ROLE IF EXISTS $RW_DB_USER" >/dev/null

step "2. Install"
# guide: useradd --system --home-dir "$RW_HOME" --shell /usr/sbin/nologin recruitwatch
# guide: git clone https://github.com/recruitwatch/recruitwatch "$RW_HOME"
# (the rehearsal runs as root from this checkout)
cd "$RW_HOME" && scripts/system-packages.sh
cd "$RW_HOME" && scripts/bootstrap.sh papercheck,web,dask
install -d -m 0700 "$RW_ETC" "$RW_BACKUPS"
# guide: chown recruitwatch: "$RW_ETC" "$RW_BACKUPS"

step "3. The database"
psql "$PG_ADMIN_URL" -v ON_ERROR_STOP=1 -c "CREATE ROLE $RW_DB_USER LOGIN PASSWORD '$RW_DB_PASSWORD'"
psql "$PG_ADMIN_URL" -v ON_ERROR_STOP=1 -c "CREATE DATABASE $RW_DB_NAME OWNER $RW_DB_USER"

step "4. Keys and the environment file"
umask 077
.venv/bin/recruitwatch keys init --key-file "$RW_ETC/master.key"
openssl rand -base64 32 > "$RW_ETC/backup.key"
printf 'RECRUITWATCH_DATABASE_URL=postgresql+psycopg://%s:%s@%s:%s/%s\n' "$RW_DB_USER" "$RW_DB_PASSWORD" "$PG_HOST" "$PG_PORT" "$RW_DB_NAME" > "$RW_ETC/recruitwatch.env"
printf 'RECRUITWATCH_KEY_FILE=%s/master.key\nRECRUITWATCH_SECRET_KEY=%s\n' "$RW_ETC" "$(openssl rand -hex 32)" >> "$RW_ETC/recruitwatch.env"
# guide: chown recruitwatch: "$RW_ETC"/*
set -a && . "$RW_ETC/recruitwatch.env" && set +a
[ "$(stat -c %a "$RW_ETC/master.key")" = 600 ] || fail "the master key file is not 0600"

step "5. Create the store and the first account"
.venv/bin/recruitwatch init
.venv/bin/recruitwatch keys status
openssl rand -base64 18 > "$RW_ETC/first-admin-password"
.venv/bin/recruitwatch users add admin --role admin --password-stdin < "$RW_ETC/first-admin-password"
.venv/bin/recruitwatch ingest examples/reports || [ $? -eq 1 ]  # something to look at (exit 1: some inputs unreadable, listed)

step "6. The web app behind nginx"
# guide: cp deploy/systemd/recruitwatch-web.service /etc/systemd/system/
# guide: systemctl daemon-reload && systemctl enable --now recruitwatch-web && systemctl reload nginx
start_web() {
  # shellcheck disable=SC2046
  (set -a && . "$RW_ETC/recruitwatch.env" && exec $(unit_command recruitwatch-web.service)) &
  WEB_PID=$!
  PIDS+=("$WEB_PID")
  wait_http "http://127.0.0.1:$APP_PORT/login"
}
start_web
# guide: cp deploy/nginx/recruitwatch.conf /etc/nginx/sites-enabled/recruitwatch.conf
# The same file with the rehearsal's ports, certificate and name, inside a minimal nginx.conf.
mkdir -p "$WORK/nginx/sites-enabled" "$WORK/nginx/tmp"
HTTPS_PORT="$(free_port)" HTTP_PORT="$(free_port)"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost" \
  -keyout "$WORK/nginx/privkey.pem" -out "$WORK/nginx/fullchain.pem" 2>/dev/null
sed -e "s#listen 443 ssl#listen 127.0.0.1:$HTTPS_PORT ssl#" -e "s#listen 80;#listen 127.0.0.1:$HTTP_PORT;#" \
    -e "s#server_name recruitwatch.example.org#server_name localhost#" -e "s#/etc/ssl/recruitwatch#$WORK/nginx#" \
    -e "s#127.0.0.1:8000#127.0.0.1:$APP_PORT#" deploy/nginx/recruitwatch.conf > "$WORK/nginx/sites-enabled/recruitwatch.conf"
cat > "$WORK/nginx/nginx.conf" <<NGINX
user root;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 64; }
http {
    client_body_temp_path $WORK/nginx/tmp/body;
    proxy_temp_path $WORK/nginx/tmp/proxy;
    fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
    scgi_temp_path $WORK/nginx/tmp/scgi;
    include $WORK/nginx/sites-enabled/*.conf;
}
NGINX
# guide: nginx -t
nginx -t -c "$WORK/nginx/nginx.conf"
nginx -c "$WORK/nginx/nginx.conf"
SITE="https://localhost:$HTTPS_PORT"
wait_http "$SITE/login" --cacert "$WORK/nginx/fullchain.pem"
# guide: curl -sI https://recruitwatch.example.org/login
headers="$(curl -sI --cacert "$WORK/nginx/fullchain.pem" "$SITE/login")"
grep -qi '^strict-transport-security:' <<<"$headers" || fail "no HSTS header behind TLS: $headers"
grep -qi '^content-security-policy:' <<<"$headers" || fail "no CSP header: $headers"
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/login")" = 301 ] || fail "http does not redirect to https"
cp "$RW_ETC/first-admin-password" "$WORK/admin-password"  # the rehearsal's own copy, to log in again after the upgrade
.venv/bin/python scripts/deploy_checks.py login "$SITE" admin "$WORK/admin-password" "$WORK/nginx/fullchain.pem"
shred -u "$RW_ETC/first-admin-password"

step "7. Watching sources"
cp examples/watch.toml "$RW_ETC/watch.toml"
# The guide's reader edits the copy; the rehearsal's own sources: a feed on a local web server and
# a drop folder, without notifications (tests/watch covers webhook and SMTP).
mkdir -p "$WORK/site" "$WORK/incoming"
cat > "$WORK/site/feed.xml" <<'FEED'
<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Rehearsal desk</title><link>http://localhost/</link>
<item><title>Courier from Tajikistan detained in Tver, pressed to sign an army contract</title>
<link>http://localhost/news/tver-courier</link><pubDate>Mon, 02 Nov 2026 09:00:00 +0000</pubDate>
<description>A delivery courier from Tajikistan was detained by police in Tver on 30 October. At the station
officers took his passport and told him he would be deported unless he signed a contract with the
Ministry of Defence to fight in Ukraine, his brother said.</description></item>
</channel></rss>
FEED
cp -r examples/reports/text/. "$WORK/incoming/"
FEED_PORT="$(free_port)"
.venv/bin/python -m http.server "$FEED_PORT" --bind 127.0.0.1 --directory "$WORK/site" >/dev/null 2>&1 &
PIDS+=("$!")
wait_http "http://127.0.0.1:$FEED_PORT/feed.xml"
cat > "$RW_ETC/watch.toml" <<TOML
[watch]
interval = "15m"
[[source]]
name = "Rehearsal desk"
feed = "http://127.0.0.1:$FEED_PORT/feed.xml"
[[source]]
name = "Drop folder"
folder = "$WORK/incoming"
TOML
.venv/bin/recruitwatch watch --config "$RW_ETC/watch.toml" --once
.venv/bin/recruitwatch watch --config "$RW_ETC/watch.toml" --status
# guide: cp deploy/systemd/recruitwatch-watch.service /etc/systemd/system/
# guide: systemctl daemon-reload && systemctl enable --now recruitwatch-watch

step "8. Backfills on a Dask cluster"
.venv/bin/dask scheduler --host 127.0.0.1 --port 8786 --no-dashboard &
PIDS+=("$!")
.venv/bin/dask worker tcp://127.0.0.1:8786 --nworkers 2 --nthreads 1 --no-dashboard &
PIDS+=("$!")
.venv/bin/recruitwatch ingest "$RW_HOME/examples/reports" --engine dask --scheduler tcp://127.0.0.1:8786

step "9. Backups"
# guide: cp deploy/systemd/recruitwatch-backup.service deploy/systemd/recruitwatch-backup.timer /etc/systemd/system/
# guide: systemctl daemon-reload && systemctl enable --now recruitwatch-backup.timer
# What the timer starts every night:
sh -c "$(unit_command recruitwatch-backup.service | sed -E "s#^/bin/sh -c '(.*)'\$#\\1#")"
ls "$RW_BACKUPS"/store-*.rwbk >/dev/null || fail "the backup unit made no backup"
.venv/bin/recruitwatch backup "$RW_BACKUPS/before-upgrade.rwbk" --key-file "$RW_ETC/backup.key"
psql "$PG_ADMIN_URL" -v ON_ERROR_STOP=1 -c "CREATE DATABASE ${RW_DB_NAME}_drill OWNER $RW_DB_USER"
.venv/bin/recruitwatch restore "$RW_BACKUPS/before-upgrade.rwbk" --key-file "$RW_ETC/backup.key" --db "${RECRUITWATCH_DATABASE_URL}_drill"
.venv/bin/recruitwatch stats --db "${RECRUITWATCH_DATABASE_URL}_drill"
diff <(.venv/bin/recruitwatch stats --json --db "${RECRUITWATCH_DATABASE_URL}_drill") <(.venv/bin/recruitwatch stats --json) \
  || fail "the restored copy's counts differ from the store's"
psql "$PG_ADMIN_URL" -v ON_ERROR_STOP=1 -c "DROP DATABASE ${RW_DB_NAME}_drill"

step "10. Key management"
.venv/bin/recruitwatch keys rotate
.venv/bin/recruitwatch keys status
.venv/bin/recruitwatch audit verify

step "11. Upgrades"
# Make the store one release older first: the schema as the previous migration left it.
.venv/bin/python scripts/deploy_checks.py downgrade "$RECRUITWATCH_DATABASE_URL"
.venv/bin/recruitwatch stats >/dev/null 2>&1 && fail "an out-of-date schema was not refused"
.venv/bin/recruitwatch backup "$RW_BACKUPS/before-upgrade.rwbk" --key-file "$RW_ETC/backup.key"
# guide: cd "$RW_HOME" && git pull --ff-only
cd "$RW_HOME" && scripts/bootstrap.sh papercheck,web,dask
.venv/bin/recruitwatch init
.venv/bin/recruitwatch stats
# guide: systemctl restart recruitwatch-web recruitwatch-watch
kill -TERM "$WEB_PID" && wait "$WEB_PID" || true
start_web
.venv/bin/python scripts/deploy_checks.py login "$SITE" admin "$WORK/admin-password" "$WORK/nginx/fullchain.pem"

step "The guide ran through"
