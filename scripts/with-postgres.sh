#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL 15 server, then stop the server and delete it.
#
#   scripts/with-postgres.sh .venv/bin/pytest
#
# The command sees PGHOST, PGPORT, PGUSER and PGDATABASE (config/settings/base.py picks PostgreSQL
# when PGDATABASE is set) and no DATABASE_URL, which would win over them. The server lives in a
# temporary directory, on a free port, with fsync off: its data is worthless by design. It exits
# with the command's status.
set -euo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi
if [ ! -x "$PGBIN/initdb" ]; then
  echo "$0: no PostgreSQL 15 server in $PGBIN (apt-get install -y postgresql-15)" >&2
  exit 1
fi

root=$(mktemp -d "${TMPDIR:-/tmp}/biocampus-pg.XXXXXX")

# initdb refuses to run as root, so as root the server belongs to a `postgres` system user.
if [ "$(id -u)" -eq 0 ]; then
  id -u postgres >/dev/null 2>&1 ||
    useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  chown postgres: "$root"
  as_owner() { (cd "$root" && runuser -u postgres -- "$@"); }
else
  as_owner() { (cd "$root" && "$@"); }
fi

started=
cleanup() {
  status=$?
  if [ -n "$started" ]; then
    as_owner "$PGBIN/pg_ctl" -D "$root/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$root"
  exit "$status"
}
trap cleanup EXIT
# Turn Ctrl-C and kill into an ordinary exit, so the EXIT trap still stops the server.
trap 'exit 130' INT
trap 'exit 143' TERM

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

as_owner mkdir "$root/sock"
as_owner "$PGBIN/initdb" -D "$root/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
started=yes
if ! as_owner "$PGBIN/pg_ctl" -D "$root/data" -l "$root/server.log" -w -t 30 \
  -o "-p $port -k $root/sock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null; then
  echo "$0: PostgreSQL did not start; its log:" >&2
  cat "$root/server.log" >&2
  exit 1
fi

export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres PGDATABASE=biocampus
unset DATABASE_URL PGPASSWORD PGSERVICE
"$PGBIN/createdb" "$PGDATABASE"
echo "with-postgres: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on $PGHOST:$PGPORT, database $PGDATABASE" >&2

# Not `exec`: the EXIT trap must outlive the command to stop the server.
"$@"
