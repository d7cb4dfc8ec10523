#!/usr/bin/env bash
# pg-test.sh: run the PostgreSQL store tests against a throwaway server.
#
# Starts a PostgreSQL from Debian's postgresql package (initdb into a
# temporary directory as the unprivileged user postgres, a free port on
# loopback), exports TIAN_TEST_POSTGRES, runs `go test` on the packages
# given (default: ./postgres ./storetest), then stops the server and
# removes its directory, whatever the tests did. Needs the package:
#   apt-get install -y postgresql
# Usage: scripts/pg-test.sh [go test arguments…]
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [[ -z "$bin" || ! -x "$bin/initdb" ]]; then
	echo "pg-test: PostgreSQL is not installed (apt-get install -y postgresql)" >&2
	exit 1
fi

# a free port on loopback, as the kernel picks it
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=$(mktemp -d /tmp/tian-pg-XXXXXX)
chmod 0755 "$dir"
run_as=()
if [[ $(id -u) == 0 ]]; then # PostgreSQL refuses to run as root
	chown postgres:postgres "$dir"
	run_as=(runuser -u postgres --)
fi

stop() {
	"${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
	rm -rf "$dir"
}
trap stop EXIT

"${run_as[@]}" "$bin/initdb" -D "$dir/data" -U tian --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
	{ cat "$dir/initdb.log" >&2; exit 1; }
# a test server: no durability needed, loopback only, sockets in $dir
"${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
	-o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null ||
	{ cat "$dir/server.log" >&2; exit 1; }

export TIAN_TEST_POSTGRES="postgres://tian@127.0.0.1:$port/postgres?sslmode=disable"
if [[ $# == 0 ]]; then
	set -- ./postgres ./storetest
fi
cd "$(dirname "$0")/.."
go test "$@"
