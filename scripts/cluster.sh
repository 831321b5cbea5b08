#!/usr/bin/env bash
# Try a Stackl cluster on this machine: a private PostgreSQL and three silos on 127.0.0.1.
#
#   scripts/cluster.sh start     build the silo (Release), start PostgreSQL and the silos, wait until each is ready
#   scripts/cluster.sh status    what runs, with its URLs
#   scripts/cluster.sh stop      stop the silos (SIGTERM, then SIGKILL after a grace period) and PostgreSQL
#
# Everything lives under STACKL_CLUSTER_DIR (default ./data/cluster): pg/ (the database and its log), logs/silo-N.log,
# run/silo-N.pid, and admin.key: the cluster's first API key (cluster mode requires credentials), made on the first start and
# given to the silos as Stackl:Auth:BootstrapKey; use it with  export STACKL_API_KEY=$(cat data/cluster/admin.key). Ports (each checked to be free) can be moved with environment variables:
#   STACKL_CLUSTER_HTTP_BASE=5101      silo N serves HTTP on base+N-1
#   STACKL_CLUSTER_SILO_BASE=11121     silo-to-silo ports
#   STACKL_CLUSTER_GATEWAY_BASE=30101  Orleans client gateways
#   STACKL_CLUSTER_PG_PORT=5433        PostgreSQL
# STACKL_CLUSTER_SILOS (3) sets the number of silos, STACKL_CLUSTER_SILO_DLL a built stackl-silo.dll to run instead of
# building one, STACKL_CLUSTER_READY_TIMEOUT (90) how many seconds a start waits for the silos.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${STACKL_CLUSTER_DIR:-$repo/data/cluster}
silos=${STACKL_CLUSTER_SILOS:-3}
http_base=${STACKL_CLUSTER_HTTP_BASE:-5101}
silo_base=${STACKL_CLUSTER_SILO_BASE:-11121}
gateway_base=${STACKL_CLUSTER_GATEWAY_BASE:-30101}
pg_port=${STACKL_CLUSTER_PG_PORT:-5433}
ready_timeout=${STACKL_CLUSTER_READY_TIMEOUT:-90}
cluster_id=local
dotnet_host=${DOTNET_HOST_PATH:-dotnet}
# Trust authentication on 127.0.0.1 only: a private database for trying things, not for data you keep.
connection_string="Host=127.0.0.1;Port=$pg_port;Database=stackl;Username=stackl;Password=stackl"

admin_key_file=$dir/admin.key
pg_data=$dir/pg/data
pg_log=$dir/pg/server.log
logs=$dir/logs
run=$dir/run

fail() {
  echo "cluster.sh: $*" >&2
  exit 1
}

# PostgreSQL refuses to run as root: as root, the server runs as the postgres user (or nobody) and owns $dir/pg.
pg_user=""
if [ "$(id -u)" = "0" ]; then
  if id postgres >/dev/null 2>&1; then pg_user=postgres; else pg_user=nobody; fi
fi

as_pg() {
  if [ -n "$pg_user" ]; then
    runuser -u "$pg_user" -- "$@"
  else
    "$@"
  fi
}

pg_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    fail "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): apt-get install postgresql"
  fi
  echo "$bin"
}

http_port() { echo $((http_base + $1 - 1)); }
url() { echo "http://127.0.0.1:$(http_port "$1")"; }

# The pid in run/silo-N.pid when that process is alive and is a Stackl silo (not an unrelated process that reused the pid).
silo_pid() {
  local file=$run/silo-$1.pid pid
  [ -f "$file" ] || return 1
  pid=$(cat "$file")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'stackl-silo' || return 1
  echo "$pid"
}

pg_running() {
  [ -f "$pg_data/postmaster.pid" ] && as_pg "$(pg_bin)/pg_ctl" -D "$pg_data" status >/dev/null 2>&1
}

port_free() {
  ! ss -Htln "sport = :$1" 2>/dev/null | grep -q .
}

ready() {
  curl -fsS -o /dev/null -m 2 "$(url "$1")/health/ready" 2>/dev/null
}

start_postgres() {
  local bin
  bin=$(pg_bin)
  if pg_running; then
    echo "PostgreSQL already runs on port $(sed -n 4p "$pg_data/postmaster.pid")"
    return
  fi

  port_free "$pg_port" || fail "port $pg_port (PostgreSQL) is taken: free it or set STACKL_CLUSTER_PG_PORT"
  mkdir -p "$dir/pg"
  if [ -n "$pg_user" ]; then
    chmod 755 "$dir"
    chown -R "$pg_user" "$dir/pg"
    as_pg test -x "$dir/pg" || fail "$pg_user cannot reach $dir/pg: make the folders above it readable (chmod o+x) or set STACKL_CLUSTER_DIR"
  fi

  if [ ! -f "$pg_data/PG_VERSION" ]; then
    echo "Creating a PostgreSQL cluster in $pg_data"
    as_pg "$bin/initdb" -D "$pg_data" -U postgres -A trust -E UTF8 --no-sync >"$dir/pg/initdb.log" 2>&1 \
      || fail "initdb failed; see $dir/pg/initdb.log"
  fi

  echo "Starting PostgreSQL on 127.0.0.1:$pg_port"
  as_pg "$bin/pg_ctl" -D "$pg_data" -w -t 60 -l "$pg_log" \
    -o "-p $pg_port -k $dir/pg -c listen_addresses=127.0.0.1 -c max_connections=200" start </dev/null >/dev/null 2>&1 \
    || fail "PostgreSQL did not start; see $pg_log"

  local psql=("$bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA)
  if [ -z "$("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = 'stackl'")" ]; then
    "${psql[@]}" -c "CREATE ROLE stackl LOGIN PASSWORD 'stackl'" >/dev/null
  fi
  if [ -z "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'stackl'")" ]; then
    "${psql[@]}" -c "CREATE DATABASE stackl OWNER stackl" >/dev/null
  fi
}

# The admin key: stk_<12 hex id>_<43 base64url characters of 32 random bytes>, kept readable by this user only.
admin_key() {
  if [ ! -s "$admin_key_file" ]; then
    mkdir -p "$dir"
    local id secret
    id=$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')
    secret=$(head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=')
    (umask 077 && echo "stk_${id}_${secret}" >"$admin_key_file")
  fi
  cat "$admin_key_file"
}

silo_dll() {
  if [ -n "${STACKL_CLUSTER_SILO_DLL:-}" ]; then
    [ -f "$STACKL_CLUSTER_SILO_DLL" ] || fail "STACKL_CLUSTER_SILO_DLL names $STACKL_CLUSTER_SILO_DLL, which does not exist"
    echo "$STACKL_CLUSTER_SILO_DLL"
    return
  fi

  echo "Building the silo (Release)" >&2
  dotnet build "$repo/src/Stackl.Silo" -c Release -nologo -v quiet "-clp:ErrorsOnly;NoSummary" >&2 || fail "the silo did not build"
  echo "$repo/src/Stackl.Silo/bin/Release/net10.0/stackl-silo.dll"
}

start() {
  local i running=0
  for i in $(seq 1 "$silos"); do
    if silo_pid "$i" >/dev/null; then running=$((running + 1)); fi
  done
  if [ "$running" -eq "$silos" ] && pg_running; then
    echo "The cluster is already running."
    status
    return
  fi
  [ "$running" -eq 0 ] || fail "$running of $silos silos are already running: scripts/cluster.sh stop first"

  for i in $(seq 1 "$silos"); do
    for port in "$(http_port "$i")" $((silo_base + i - 1)) $((gateway_base + i - 1)); do
      port_free "$port" || fail "port $port (silo $i) is taken: free it or move the STACKL_CLUSTER_*_BASE ports"
    done
  done

  local dll key
  dll=$(silo_dll)
  key=$(admin_key)
  mkdir -p "$logs" "$run"
  rm -f "$run"/silo-*.pid
  start_postgres

  for i in $(seq 1 "$silos"); do
    mkdir -p "$dir/silo-$i"
    # setsid: the silos outlive this script and the terminal's Ctrl+C; the shell records its own pid, then becomes the silo.
    # Every descriptor goes to the log, so nothing of this script's output stays open while the silo runs.
    # The key goes by environment, not argument, so it does not show in process lists.
    (cd "$dir/silo-$i" && export STACKL_Auth__BootstrapKey="$key" && exec setsid bash -c 'echo $$ >"$0"; exec "$@"' "$run/silo-$i.pid" \
      "$dotnet_host" "$dll" --storage postgres --connection-string "$connection_string" --cluster-id "$cluster_id" \
      --silo-port $((silo_base + i - 1)) --gateway-port $((gateway_base + i - 1)) --urls "$(url "$i")" \
      --Stackl:Silo:SiloName "silo-$i") </dev/null >"$logs/silo-$i.log" 2>&1 &
  done

  echo "Waiting for $silos silos to be ready (logs in $logs)"
  local deadline=$((SECONDS + ready_timeout)) pending
  # Each silo's shell writes its pid file just before it becomes the silo.
  while [ "$(ls "$run"/silo-*.pid 2>/dev/null | wc -l)" -lt "$silos" ] && [ "$SECONDS" -lt "$deadline" ]; do
    sleep 0.1
  done
  while true; do
    pending=0
    for i in $(seq 1 "$silos"); do
      if ! silo_pid "$i" >/dev/null; then
        echo "silo $i exited; the end of $logs/silo-$i.log:" >&2
        tail -n 30 "$logs/silo-$i.log" >&2 || true
        stop >&2
        fail "silo $i did not start"
      elif ! ready "$i"; then
        pending=$((pending + 1))
      fi
    done
    [ "$pending" -eq 0 ] && break
    if [ "$SECONDS" -ge "$deadline" ]; then
      stop >&2
      fail "$pending silos were not ready within $ready_timeout s; see $logs"
    fi
    sleep 0.5
  done

  echo
  echo "Stackl cluster '$cluster_id' is ready: $silos silos on PostgreSQL 127.0.0.1:$pg_port"
  for i in $(seq 1 "$silos"); do
    echo "  silo-$i  API $(url "$i")/api   dashboard $(url "$i")/dashboard   Orleans $(url "$i")/orleans/"
  done
  echo "  logs     $logs (PostgreSQL: $pg_log)"
  echo "  admin key in $admin_key_file: export STACKL_API_KEY=\$(cat $admin_key_file)"
  echo "Stop it with: scripts/cluster.sh stop"
}

stop() {
  local i pid pids=() waited=0
  for i in $(seq 1 "$silos"); do
    if pid=$(silo_pid "$i"); then
      echo "Stopping silo-$i (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done

  # A graceful stop leaves the membership and hands over activations: Stackl:Silo:ShutdownTimeout is 30 s.
  while [ ${#pids[@]} -gt 0 ] && [ "$waited" -lt 350 ]; do
    local alive=()
    for pid in "${pids[@]}"; do
      if kill -0 "$pid" 2>/dev/null; then alive+=("$pid"); fi
    done
    pids=("${alive[@]+"${alive[@]}"}")
    [ ${#pids[@]} -eq 0 ] && break
    sleep 0.1
    waited=$((waited + 1))
  done
  for pid in "${pids[@]+"${pids[@]}"}"; do
    echo "silo pid $pid did not stop within 35 s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -f "$run"/silo-*.pid

  if pg_running; then
    echo "Stopping PostgreSQL"
    as_pg "$(pg_bin)/pg_ctl" -D "$pg_data" -m fast -w -t 60 stop >/dev/null
  fi
  echo "Stopped."
}

status() {
  local i pid state
  for i in $(seq 1 "$silos"); do
    if pid=$(silo_pid "$i"); then
      if ready "$i"; then state=ready; else state="not ready"; fi
      echo "silo-$i      running (pid $pid), $state: API $(url "$i")/api, dashboard $(url "$i")/dashboard, Orleans $(url "$i")/orleans/"
    else
      echo "silo-$i      stopped"
    fi
  done
  if pg_running; then
    echo "PostgreSQL  running on 127.0.0.1:$pg_port, data in $pg_data"
  else
    echo "PostgreSQL  stopped"
  fi
  echo "logs        $logs"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *)
    echo "usage: scripts/cluster.sh start|stop|status" >&2
    exit 2
    ;;
esac
