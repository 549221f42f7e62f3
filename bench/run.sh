#!/usr/bin/env bash
# Glint's benchmarks (issue 9), side by side with a peer on the same machine, in one run:
#   1. builds Glint, the load driver, the engine alone and the bare Kestrel ceiling in Release; installs the peer
#      (npm ci);
#   2. measures the peer, oidc-provider with its in-memory store (token, introspection, discovery), the protocol
#      engine alone (OpenIddict's token endpoint with nothing stored: the most a server built on it can issue here),
#      and the ceiling;
#   3. for SQLite (a temp file) and then PostgreSQL (a throwaway cluster with durable settings: fsync and
#      synchronous_commit left at their defaults), starts Glint on loopback, seeds it through its APIs, and
#      measures every scenario: wrk for single requests, bench/Glint.Bench.Load for code flows and payments;
#      then its peak RSS, `glint ledger verify`, and the time from start to /health/ready;
#   4. prints one table and writes it to bench/results/<timestamp>.md and .json.
# Everything it starts is stopped and removed on exit, also on failure.
#
#   bench/run.sh            the load benchmarks
#   bench/run.sh --micro    the BenchmarkDotNet micro-benchmarks (bench/Glint.Benchmarks) instead
#
# Settings (environment): BENCH_DURATION (10s), BENCH_CONNECTIONS (32), BENCH_WARMUP (15s; 0 for none),
# BENCH_FLOWS_WARMUP (60s; 0 for none: the code flows run the most code of any scenario, and the tiered compiler was
# still at work on them after 40 s of load),
# BENCH_USERS (64), BENCH_PAIRS (32), BENCH_READY_RUNS (5), BENCH_DATABASES ("sqlite postgres"),
# BENCH_SCENARIOS (all; or some of "token-opaque token-jwt introspect discovery ceiling graphql-me-oauth2
# graphql-me-apikey flows payments rss ledger-verify ready", to measure only those while developing),
# BENCH_GLINT_BUILD (a directory Glint was published to beforehand, measured instead of publishing the work tree: for
# back-to-back A/B runs of two builds). The wrk scenarios also give Glint's CPU per request, from /proc.
# wrk runs 2 threads; the servers and the load generators share the machine's cores, as the table says.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
THREADS=2
WARMUP=${BENCH_WARMUP:-15s}
FLOWS_WARMUP=${BENCH_FLOWS_WARMUP:-60s}
USERS=${BENCH_USERS:-64}
PAIRS=${BENCH_PAIRS:-32}
READY_RUNS=${BENCH_READY_RUNS:-5}
DATABASES=${BENCH_DATABASES:-sqlite postgres}
SCENARIOS=${BENCH_SCENARIOS:-}
READY_TIMEOUT=90

LOAD_DLL="$ROOT/bench/Glint.Bench.Load/bin/Release/net10.0/Glint.Bench.Load.dll"
CEILING_DLL="$ROOT/bench/Glint.Bench.Ceiling/bin/Release/net10.0/Glint.Bench.Ceiling.dll"
ENGINE_DLL="$ROOT/bench/Glint.Bench.Engine/bin/Release/net10.0/Glint.Bench.Engine.dll"
WRK_SCRIPT="$ROOT/bench/wrk/request.lua"
PEER_SECRET="glint-bench-peer-secret"
ENGINE_SECRET="glint-bench-engine-secret"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/glint-bench.XXXXXX")"
chmod 711 "$WORK" # the postgres OS user must reach its data directory below
GLINT_DLL="$WORK/glint/glint.dll" # published ReadyToRun below
RESULTS="$WORK/results.jsonl"
: >"$RESULTS"

say() { printf '\n==> %s\n' "$*"; }
warn() { printf '!!! %s\n' "$*" >&2; }
die() { warn "$*"; exit 1; }

# ---------------------------------------------------------------------------------------------
# Processes, cleaned up on exit
# ---------------------------------------------------------------------------------------------
PIDS=()
PG_BIN=""
PG_DIR=""
PG_PORT=""
PG_STARTED=""

stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 40); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

CLEANED=""
cleanup() {
  if [ -n "$CLEANED" ]; then return; fi
  CLEANED=1
  local pid
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  if [ -n "$PG_STARTED" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1 \
      || as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# Prerequisites
# ---------------------------------------------------------------------------------------------
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else warn "not root: cannot run $*"; return 1; fi
}

APT_UPDATED=""
apt_install() {
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

find_pg_bin() {
  local dir
  PG_BIN=""
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then PG_BIN="$dir"; fi
  done
  [ -n "$PG_BIN" ]
}

prerequisites() {
  command -v dotnet >/dev/null 2>&1 || die "dotnet (the .NET 10 SDK) is not on PATH"
  command -v wrk >/dev/null 2>&1 || apt_install wrk
  command -v jq >/dev/null 2>&1 || apt_install jq
  command -v curl >/dev/null 2>&1 || apt_install curl
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then apt_install nodejs npm; fi
  if [[ " $DATABASES " == *" postgres "* ]] && ! find_pg_bin; then
    apt_install postgresql
    find_pg_bin || die "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin"
  fi
}

# ---------------------------------------------------------------------------------------------
# Ports, readiness
# ---------------------------------------------------------------------------------------------
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

TAKEN_PORTS=" "
free_port() {
  local port=$((20000 + RANDOM % 12000)) tries=0
  while port_in_use "$port" || [[ "$TAKEN_PORTS" == *" $port "* ]]; do
    tries=$((tries + 1))
    [ "$tries" -le 200 ] || die "found no free port"
    port=$((20000 + RANDOM % 12000))
  done
  TAKEN_PORTS+="$port "
  FREE_PORT=$port
}

# wait_ready URL PID LOG [CURL-ARGS...] -- waits until URL answers with success (asked with CURL-ARGS, a GET without)
wait_ready() {
  local url=$1 pid=$2 log=$3 waited=0
  shift 3
  until curl -sf -o /dev/null "$@" "$url"; do
    if ! kill -0 "$pid" 2>/dev/null; then tail -n 40 "$log" >&2; die "the process behind $url exited"; fi
    [ "$waited" -lt $((READY_TIMEOUT * 10)) ] || { tail -n 40 "$log" >&2; die "$url not ready after ${READY_TIMEOUT}s"; }
    sleep 0.1
    waited=$((waited + 1))
  done
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL: a throwaway cluster with durable settings
# ---------------------------------------------------------------------------------------------
as_pg() {
  if [ "$(id -u)" -ne 0 ]; then (cd "$PG_DIR" && "$@"); else (cd "$PG_DIR" && runuser -u postgres -- "$@"); fi
}

start_postgres() {
  PG_DIR="$WORK/pg"
  mkdir -p "$PG_DIR"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$PG_DIR"; fi
  free_port
  PG_PORT=$FREE_PORT
  say "PostgreSQL: initdb and start on 127.0.0.1:$PG_PORT (fsync on, synchronous_commit on: durable, as in production)"
  as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
  as_pg tee "$PG_DIR/data/pg_hba.conf" >/dev/null <<'EOF'
local all all trust
host  all all 127.0.0.1/32 trust
EOF
  as_pg tee -a "$PG_DIR/data/postgresql.conf" >/dev/null <<EOF

# bench/run.sh: throwaway cluster; durability settings are left at their defaults on purpose.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_DIR'
max_connections = 300
shared_buffers = 256MB
EOF
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start >/dev/null \
    || { tail -n 30 "$PG_DIR/server.log" >&2; die "PostgreSQL did not start"; }
  PG_STARTED=1
}

# ---------------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------------
# record JSON -- appends one result line
record() { printf '%s\n' "$1" >>"$RESULTS"; }

# wanted SCENARIO... -- whether any of these scenarios is measured in this run (BENCH_SCENARIOS)
wanted() {
  local s
  [ -z "$SCENARIOS" ] && return 0
  for s in "$@"; do
    case " $SCENARIOS " in *" $s "*) return 0 ;; esac
  done
  return 1
}

# run_wrk SCENARIO SERVER DB URL METHOD BODY HEADERS
run_wrk() {
  local scenario=$1 server=$2 db=$3 url=$4 method=$5 body=$6 headers=$7 out line
  wanted "$scenario" || return 0
  out="$WORK/wrk-$scenario-$server-$db.txt"
  if [ "$WARMUP" != "0" ]; then
    BENCH_METHOD=$method BENCH_BODY=$body BENCH_HEADERS=$headers \
      wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$WRK_SCRIPT" "$url" >/dev/null 2>&1 || true
  fi
  local cpu_before db_cpu_before
  cpu_before=$(server_cpu_ms "$server")
  db_cpu_before=$(db_cpu_ms "$db")
  BENCH_METHOD=$method BENCH_BODY=$body BENCH_HEADERS=$headers \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s -s "$WRK_SCRIPT" "$url" >"$out" 2>&1 || true
  local cpu_ms=$(( $(server_cpu_ms "$server") - cpu_before ))
  local db_cpu_ms=$(( $(db_cpu_ms "$db") - db_cpu_before ))
  line=$(grep '^WRK_JSON ' "$out" | tail -n 1 | cut -d' ' -f2-)
  if [ -z "$line" ]; then
    cat "$out" >&2
    line='{"requests":0,"rps":0,"errors":{"wrk_failed":1}}'
  fi
  # One sample response, so a run with errors says which status came back.
  local sample="" h
  local -a header_args=()
  if [ "$(jq '[.errors[]] | add' <<<"$line")" != "0" ]; then
    while IFS= read -r h; do [ -n "$h" ] && header_args+=(-H "$h"); done <<<"$headers"
    sample=$(curl -s -X "$method" "${header_args[@]}" ${body:+--data-raw "$body"} -w ' [HTTP %{http_code}]' "$url" 2>&1 | tail -c 200 || true)
  fi
  line=$(jq -c --arg scenario "$scenario" --arg server "$server" --arg db "$db" --arg sample "$sample" \
    --arg load "$CONNECTIONS conn, $THREADS wrk threads, $DURATION" --argjson cpu_ms "$cpu_ms" --argjson db_cpu_ms "$db_cpu_ms" \
    '{scenario: $scenario, server: $server, db: $db, load: $load, unit: "req/s"} + . +
     (if $cpu_ms > 0 and .requests > 0 then {server_cpu_us_per_req: ($cpu_ms * 1000 / .requests | round)} else {} end) +
     (if $db_cpu_ms > 0 and .requests > 0 then {db_cpu_us_per_req: ($db_cpu_ms * 1000 / .requests | round)} else {} end) +
     {errors: ([.errors[]] | add), error_kinds: .errors}
     + (if ([.errors[]] | add) > 0 then {first_error: ("wrk " + (.errors | tostring) + " " + $sample)} else {} end)' <<<"$line")
  record "$line"
  jq -r '"    \(.scenario) \(.server) \(.db): \(.rps) req/s, p50 \(.p50_ms // "-") ms, p99 \(.p99_ms // "-") ms, errors \(.errors)\(if .server_cpu_us_per_req then ", \(.server) CPU \(.server_cpu_us_per_req) µs per request" else "" end)\(if .db_cpu_us_per_req then ", PostgreSQL CPU \(.db_cpu_us_per_req) µs" else "" end)"' <<<"$line"
}

# server_cpu_ms SERVER -- Glint's or the engine's CPU time so far (user + system, from /proc), 0 for the other servers:
# divided by the requests of a run it is less noisy than throughput on a shared machine.
server_cpu_ms() {
  local pid=""
  case "$1" in glint) pid=${GLINT_PID:-} ;; openiddict-alone) pid=${ENGINE_PID:-} ;; esac
  if [ -z "$pid" ] || [ ! -r "/proc/$pid/stat" ]; then echo 0; return; fi
  awk -v tick="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print int(($12 + $13) * 1000 / tick) }' "/proc/$pid/stat"
}

# db_cpu_ms DB -- the CPU time so far of the bench's PostgreSQL cluster (user + system of the postmaster, of its children
# alive now and of those it has reaped), 0 for the other databases: the database's share of each request, on the same
# cores as Glint.
db_cpu_ms() {
  if [ "$1" != postgres ] || [ -z "$PG_STARTED" ] || [ ! -r "$PG_DIR/data/postmaster.pid" ]; then echo 0; return; fi
  local postmaster
  postmaster=$(head -n 1 "$PG_DIR/data/postmaster.pid")
  { cat "/proc/$postmaster/stat"; cat $(grep -l "^PPid:[[:space:]]*$postmaster\$" /proc/[0-9]*/status 2>/dev/null | sed 's/status$/stat/') 2>/dev/null; } |
    awk -v tick="$(getconf CLK_TCK)" -v pm="$postmaster" '{ pid = $1; sub(/^.*\) /, ""); t += $12 + $13; if (pid == pm) t += $14 + $15 } END { print int(t * 1000 / tick) }'
}

# run_driver SCENARIO DB LOAD-TEXT ARGS... -- the load driver's measurement, as a result line
run_driver() {
  local scenario=$1 db=$2 load=$3 line
  wanted "$scenario" || return 0
  shift 3
  local warmup=$WARMUP
  if [ "$scenario" = flows ]; then warmup=$FLOWS_WARMUP; fi
  # Warmed up as the wrk scenarios are, or the measurement would include the tiered compiler's work on the code only
  # this scenario runs; in the driver's own process (--warmup), so the driver is compiled and connected too.
  line=$(dotnet "$LOAD_DLL" "$@" --warmup "$warmup" --server-pid "$GLINT_PID" 2>"$WORK/driver-$scenario-$db.err" | tail -n 1) || true
  if ! jq -e .rps >/dev/null 2>&1 <<<"$line"; then
    cat "$WORK/driver-$scenario-$db.err" >&2
    line=$(jq -cn --arg why "$(tail -n 1 "$WORK/driver-$scenario-$db.err")" '{requests: 0, rps: 0, errors: 1, first_error: ("the load driver failed: " + $why)}')
  fi
  line=$(jq -c --arg scenario "$scenario" --arg db "$db" --arg load "$load" --arg unit "$( [ "$scenario" = flows ] && echo flows/s || echo payments/s )" \
    '{scenario: $scenario, server: "glint", db: $db, load: $load, unit: $unit} + .' <<<"$line")
  record "$line"
  jq -r '"    \(.scenario) glint \(.db): \(.rps) \(.unit), p50 \(.p50_ms) ms, p99 \(.p99_ms) ms, errors \(.errors)\(if .server_cpu_us_per_req then ", Glint CPU \(.server_cpu_us_per_req) µs per \(.unit | rtrimstr("/s") | rtrimstr("s"))" else "" end)"' <<<"$line"
}

basic() { printf '%s:%s' "$(jq -rn --arg v "$1" '$v|@uri')" "$(jq -rn --arg v "$2" '$v|@uri')" | base64 -w0; }

FORM='Content-Type: application/x-www-form-urlencoded'
ME_QUERY='{"query":"query { me { defaultAccount { wallets { id balance } } } }"}'

# ---------------------------------------------------------------------------------------------
# The peer and the ceiling
# ---------------------------------------------------------------------------------------------
bench_peer() {
  wanted token-opaque token-jwt introspect discovery || return 0
  free_port
  local port=$FREE_PORT url log="$WORK/peer.log"
  say "peer: oidc-provider $(jq -r .version bench/peer/node_modules/oidc-provider/package.json) (in-memory) on 127.0.0.1:$port"
  (cd bench/peer && NODE_ENV=production PEER_PORT=$port PEER_CLIENT_SECRET=$PEER_SECRET exec node provider.mjs) >"$log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  url="http://127.0.0.1:$port"
  wait_ready "$url/.well-known/openid-configuration" "$pid" "$log"
  local opaque jwt token
  opaque="Authorization: Basic $(basic bench-opaque "$PEER_SECRET")"
  jwt="Authorization: Basic $(basic bench-jwt "$PEER_SECRET")"
  token=$(curl -sf -H "$opaque" -d grant_type=client_credentials -d scope=read "$url/token" | jq -r .access_token)
  run_wrk token-opaque oidc-provider memory "$url/token" POST "grant_type=client_credentials&scope=read" "$opaque"$'\n'"$FORM"
  run_wrk token-jwt oidc-provider memory "$url/token" POST "grant_type=client_credentials&scope=read" "$jwt"$'\n'"$FORM"
  run_wrk introspect oidc-provider memory "$url/token/introspection" POST "token=$token" "$opaque"$'\n'"$FORM"
  run_wrk discovery oidc-provider memory "$url/.well-known/openid-configuration" GET "" ""
  stop_pid "$pid"
}

# The protocol engine alone (bench/Glint.Bench.Engine): OpenIddict's token endpoint hosted as Glint hosts it, in
# degraded mode, storing nothing, with one client checked in memory. The opaque row's tokens are HS256 JWTs, the
# cheapest OpenIddict issues (Glint signs its opaque tokens' stored payloads so); the JWT row's are RS256, as Glint's.
bench_engine() {
  local scenario signature port log url auth hwm peak=0
  for scenario in token-opaque token-jwt; do
    wanted "$scenario" || continue
    signature=$([ "$scenario" = token-opaque ] && echo hs256 || echo rs256)
    free_port
    port=$FREE_PORT log="$WORK/engine-$signature.log" url="http://127.0.0.1:$port"
    say "the engine alone: OpenIddict's token endpoint, nothing stored, $signature access tokens, on 127.0.0.1:$port"
    ENGINE_CLIENT_SECRET=$ENGINE_SECRET dotnet "$ENGINE_DLL" "$port" "$signature" >"$log" 2>&1 &
    ENGINE_PID=$!
    PIDS+=("$ENGINE_PID")
    auth="Authorization: Basic $(basic bench-engine "$ENGINE_SECRET")"
    wait_ready "$url/oauth2/token" "$ENGINE_PID" "$log" -H "$auth" -d grant_type=client_credentials -d scope=read
    run_wrk "$scenario" openiddict-alone none "$url/oauth2/token" POST "grant_type=client_credentials&scope=read" "$auth"$'\n'"$FORM"
    hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$ENGINE_PID/status")
    if [ "$hwm" -gt "$peak" ]; then peak=$hwm; fi
    stop_pid "$ENGINE_PID"
    ENGINE_PID=""
  done
  # What the runtime, ASP.NET Core and OpenIddict take by themselves, beside Glint's peak RSS.
  if wanted rss && [ "$peak" -gt 0 ]; then
    record "$(jq -cn --argjson kb "$peak" \
      '{scenario: "rss", server: "openiddict-alone", db: "none", load: "after its token runs (the larger of its two processes)", value: (($kb / 1024) * 10 | round / 10), unit: "MB"}')"
    echo "    rss openiddict-alone: $((peak / 1024)) MB (VmHWM)"
  fi
}

bench_ceiling() {
  wanted ceiling graphql-me-oauth2 graphql-me-apikey || return 0
  free_port
  local port=$FREE_PORT log="$WORK/ceiling.log"
  say "ceiling: bare Kestrel on 127.0.0.1:$port"
  dotnet "$CEILING_DLL" "$port" >"$log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  wait_ready "http://127.0.0.1:$port/" "$pid" "$log"
  run_wrk ceiling kestrel none "http://127.0.0.1:$port/" POST "$ME_QUERY" "Content-Type: application/json"
  stop_pid "$pid"
}

# ---------------------------------------------------------------------------------------------
# Glint
# ---------------------------------------------------------------------------------------------
# glint_env DIR -- the working directory with the bench's appsettings.json: the per-credential API limits are
# raised so they do not cut the figures, and so are the sign-in limits for seeding many users from 127.0.0.1.
glint_dir() {
  local dir=$1
  mkdir -p "$dir"
  cat >"$dir/appsettings.json" <<'EOF'
{
  "api": { "rate_limits": { "per_client": 1000000000, "per_api_key": 1000000000, "per_session": 1000000000, "per_ip": 1000000000 } },
  "login": { "limits": { "codes_per_email": 1000, "codes_per_ip": 1000000 } }
}
EOF
}

GLINT_SECRET="glint-bench-secret-$RANDOM$RANDOM$RANDOM"

# start_glint DB DSN DIR -- sets GLINT_PID, GLINT_PUBLIC, GLINT_ADMIN
start_glint() {
  local db=$1 dsn=$2 dir=$3 public admin
  free_port; public=$FREE_PORT
  free_port; admin=$FREE_PORT
  GLINT_PUBLIC="http://127.0.0.1:$public"
  GLINT_ADMIN="http://127.0.0.1:$admin"
  (cd "$dir" && exec env -u DSN -u GLINT_DSN -u URLS_SELF_ISSUER -u GLINT_ISSUER -u STRATEGIES_ACCESS_TOKEN -u GLINT_STRATEGIES_ACCESS_TOKEN \
    SECRETS_SYSTEM="$GLINT_SECRET" dotnet "$GLINT_DLL" --dsn "$dsn" --public-port "$public" --admin-port "$admin") >"$dir/glint.log" 2>&1 &
  GLINT_PID=$!
  PIDS+=("$GLINT_PID")
  wait_ready "$GLINT_ADMIN/health/ready" "$GLINT_PID" "$dir/glint.log"
}

bench_glint() {
  local db=$1 dsn dir="$WORK/glint-$db"
  glint_dir "$dir"
  if [ "$db" = sqlite ]; then
    dsn="sqlite://$dir/glint.db"
  else
    "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres glint_bench
    dsn="postgres://postgres@127.0.0.1:$PG_PORT/glint_bench?sslmode=disable&max_conns=64"
  fi
  say "Glint on $db: start, seed $USERS users"
  start_glint "$db" "$dsn" "$dir"
  dotnet "$LOAD_DLL" seed --public "$GLINT_PUBLIC" --admin "$GLINT_ADMIN" --users "$USERS" \
    --glint-dll "$GLINT_DLL" --dsn "$dsn" --out "$dir/seed.json"

  local seed="$dir/seed.json" opaque jwt token
  opaque="Authorization: Basic $(basic "$(jq -r .cc_opaque.client_id "$seed")" "$(jq -r .cc_opaque.client_secret "$seed")")"
  jwt="Authorization: Basic $(basic "$(jq -r .cc_jwt.client_id "$seed")" "$(jq -r .cc_jwt.client_secret "$seed")")"
  token=$(curl -sf -H "$opaque" -d grant_type=client_credentials -d scope=read "$GLINT_PUBLIC/oauth2/token" | jq -r .access_token)

  say "Glint on $db: scenarios"
  run_wrk token-opaque glint "$db" "$GLINT_PUBLIC/oauth2/token" POST "grant_type=client_credentials&scope=read" "$opaque"$'\n'"$FORM"
  run_wrk token-jwt glint "$db" "$GLINT_PUBLIC/oauth2/token" POST "grant_type=client_credentials&scope=read" "$jwt"$'\n'"$FORM"
  run_wrk introspect glint "$db" "$GLINT_ADMIN/admin/oauth2/introspect" POST "token=$token" "$FORM"
  run_wrk discovery glint "$db" "$GLINT_PUBLIC/.well-known/openid-configuration" GET "" ""
  run_wrk graphql-me-oauth2 glint "$db" "$GLINT_PUBLIC/graphql" POST "$ME_QUERY" \
    "Content-Type: application/json"$'\n'"Oauth2-Token: $(jq -r '.users[0].token' "$seed")"
  run_wrk graphql-me-apikey glint "$db" "$GLINT_PUBLIC/graphql" POST "$ME_QUERY" \
    "Content-Type: application/json"$'\n'"X-API-KEY: $(jq -r .api_key "$seed")"
  run_driver flows "$db" "$CONNECTIONS workers, $DURATION" flows --public "$GLINT_PUBLIC" --admin "$GLINT_ADMIN" --seed "$seed" \
    --workers "$CONNECTIONS" --duration "$DURATION"
  run_driver payments "$db" "$PAIRS pairs (1 worker each), $DURATION" payments --public "$GLINT_PUBLIC" --seed "$seed" \
    --pairs "$PAIRS" --duration "$DURATION"

  local hwm
  if wanted rss; then
    hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$GLINT_PID/status")
    record "$(jq -cn --arg db "$db" --argjson kb "$hwm" \
      '{scenario: "rss", server: "glint", db: $db, load: "after all the runs above", value: (($kb / 1024) * 10 | round / 10), unit: "MB"}')"
    echo "    rss glint $db: $((hwm / 1024)) MB (VmHWM)"
  fi
  stop_pid "$GLINT_PID"

  local verify
  if wanted ledger-verify; then
    say "Glint on $db: glint ledger verify"
    verify=$(cd "$dir" && dotnet "$GLINT_DLL" ledger verify --dsn "$dsn" || true)
    if [ -z "$verify" ]; then verify='{"valid":false,"entries":0}'; fi
    record "$(jq -c --arg db "$db" '{scenario: "ledger-verify", server: "glint", db: $db, load: "after the payments", valid: .valid, entries: .entries}' <<<"$verify")"
    echo "    $verify"
  fi
  wanted ready || return 0

  if [ "$db" = postgres ]; then
    # The starts are measured on an idle database, as the figure says: after the load scenarios, PostgreSQL's
    # autovacuum and checkpointer catch up on the rows they wrote, on the same two cores as the starts. That work is
    # the database's upkeep after the load, not what a start costs, so it is done (and shown) before the starts.
    local upkeep
    upkeep=$("$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d glint_bench -Atq \
      -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'")
    echo "    postgres: $upkeep autovacuum worker(s) running after the load; VACUUM (ANALYZE) and CHECKPOINT before the starts"
    "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d glint_bench -q -c "VACUUM (ANALYZE)" -c "CHECKPOINT" >/dev/null
  fi

  say "Glint on $db: start to /health/ready, $READY_RUNS starts"
  local public admin ready
  free_port; public=$FREE_PORT
  free_port; admin=$FREE_PORT
  ready=$(cd "$dir" && env -u DSN -u GLINT_DSN SECRETS_SYSTEM="$GLINT_SECRET" dotnet "$LOAD_DLL" ready --url "http://127.0.0.1:$admin/health/ready" --runs "$READY_RUNS" \
    -- dotnet "$GLINT_DLL" --dsn "$dsn" --public-port "$public" --admin-port "$admin" | tail -n 1)
  record "$(jq -c --arg db "$db" --arg n "$READY_RUNS" \
    '{scenario: "ready", server: "glint", db: $db, load: "idle, migrated database; median of \($n) starts (best \(.best_ms) ms)", value: .median_ms, unit: "ms", cpu_median_ms: .cpu_median_ms}' <<<"$ready")"
  echo "    ready glint $db: $(jq -c .runs <<<"$ready") ms; CPU at ready $(jq -c .cpu_runs <<<"$ready") ms (median $(jq .cpu_median_ms <<<"$ready"))"
}

# ---------------------------------------------------------------------------------------------
# Micro-benchmarks
# ---------------------------------------------------------------------------------------------
if [ "${1:-}" = "--micro" ]; then
  shift
  # In process: BenchmarkDotNet does not generate and build a project per benchmark, which on a 2-core machine
  # costs more than the benchmarks. Further arguments go to BenchmarkDotNet (`--job short`, `--filter '*Bolt11*'`).
  say "micro-benchmarks: bench/Glint.Benchmarks (BenchmarkDotNet, in process); reports in bench/results/micro/"
  exec dotnet run -c Release --project bench/Glint.Benchmarks -- --filter "${BENCH_FILTER:-*}" --inProcess \
    --artifacts "$ROOT/bench/results/micro" "$@"
fi

# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------
START=$SECONDS
say "prerequisites"
prerequisites

say "build (Release): Glint as operators deploy it, the load driver, the engine alone, the ceiling; npm ci for the peer"
# Glint is published ReadyToRun (precompiled), the way the README tells operators to deploy it.
if [ -n "${BENCH_GLINT_BUILD:-}" ]; then
  # A/B runs: a build published beforehand with the command below (or a variant of it), measured as it is.
  mkdir -p "$WORK/glint" && cp -a "$BENCH_GLINT_BUILD/." "$WORK/glint/"
else
  dotnet publish src/Glint.Server/Glint.Server.csproj -c Release -r linux-x64 --self-contained false \
    -p:PublishReadyToRun=true -nologo -v q -o "$WORK/glint"
fi
dotnet build bench/Glint.Bench.Load/Glint.Bench.Load.csproj -c Release -nologo -v q
dotnet build bench/Glint.Bench.Ceiling/Glint.Bench.Ceiling.csproj -c Release -nologo -v q
dotnet build bench/Glint.Bench.Engine/Glint.Bench.Engine.csproj -c Release -nologo -v q
(cd bench/peer && npm ci --no-audit --no-fund --loglevel=error)

bench_peer
bench_engine
bench_ceiling
for db in $DATABASES; do
  if [ "$db" = postgres ] && [ -z "$PG_STARTED" ]; then start_postgres; fi
  bench_glint "$db"
done

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p bench/results
CPU=$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)
MACHINE="$(nproc) cores (${CPU:-unknown CPU}), $(free -g | awk '/^Mem:/ { print $2 }') GiB, $(uname -sr); Glint $(git rev-parse --short HEAD 2>/dev/null || echo '?'); \
wrk and the load driver run on the same cores as the servers; oidc-provider is one Node.js process (one core), Glint one .NET process; \
duration $DURATION after a ${WARMUP} warm-up (code flows: ${FLOWS_WARMUP}), $CONNECTIONS connections"
say "results ($(((SECONDS - START) / 60))m $(((SECONDS - START) % 60))s)"
NOTES="Command: BENCH_DURATION=$DURATION BENCH_CONNECTIONS=$CONNECTIONS BENCH_WARMUP=$WARMUP BENCH_FLOWS_WARMUP=$FLOWS_WARMUP BENCH_USERS=$USERS BENCH_PAIRS=$PAIRS bash bench/run.sh ($(date -u +%Y-%m-%dT%H:%MZ))
The peer is oidc-provider $(jq -r .version bench/peer/node_modules/oidc-provider/package.json) on Node.js $(node --version) with its in-memory store; its JWT access tokens are issued for a resource indicator (RS256, 2048-bit key, as Glint's).
Glint's introspection is its admin port's, without client authentication (as Hydra's); the peer's introspection authenticates the client (client_secret_basic).
openiddict-alone is OpenIddict's token endpoint alone (bench/Glint.Bench.Engine), hosted as Glint hosts it, in degraded mode: nothing stored, one client checked in memory; its opaque row issues HS256 JWTs (the cheapest token it issues), its JWT row RS256 JWTs.
Glint stores every access token, JWT or opaque, durably (SQLite with synchronous commits; PostgreSQL with fsync and synchronous_commit on); the peer keeps them in memory.
Code flows: authorize, login accept and consent accept on the admin API, back to the client, code exchange: 6 requests per flow. Payments: 1 sat, one worker per wallet pair, each with the payer's access token."
dotnet "$LOAD_DLL" report --results "$RESULTS" --markdown "bench/results/$STAMP.md" --json "bench/results/$STAMP.json" --machine "$MACHINE" --notes "$NOTES"
echo "written: bench/results/$STAMP.md, bench/results/$STAMP.json"
