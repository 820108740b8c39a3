#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The hints, proven against the real dev servers (tests/real-tools/package.json, installed with
# `npm ci` by tools/run-real-tools): each tool is started bound to loopback the way its users
# start it (npm run, npx, a custom port), reachd's hint is run verbatim in the same directory, and
# reachd must then give a share URL on the same port that a LAN peer opens. Also a container port
# published by a stand-in docker-proxy owned by another user, found without --port.
#
# Environment as for tests/integration/*.sh: REACHD, TESTLIB; REACHD_REQUIRE_NETNS=1 in CI.
set -eu
. "${TESTLIB:?TESTLIB is not set}/netns.sh"
netns_enter "$0" "$@"

PROJECT=$(cd "$(dirname "$0")" && pwd)
[ -x "$PROJECT/node_modules/.bin/vite" ] ||
        netns_die "the tools are not installed: run npm ci in $PROJECT (tools/run-real-tools does)"
command -v node >/dev/null 2>&1 || netns_die "node is not installed"
# Vite 8 wants node ^20.19, Next 16 >= 20.9
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a == 20 && b >= 19) ? 0 : 1)' ||
        netns_die "node $(node --version) is too old for the pinned tools (Vite 8 needs 20.19 or later)"
command -v setsid >/dev/null 2>&1 || netns_die "setsid is not installed"

# no update checks, telemetry or browser windows from in here
export NEXT_TELEMETRY_DISABLED=1 NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_AUDIT=false \
        NPM_CONFIG_FUND=false BROWSER=none

LAN4=192.168.50.10
netns_lan4 "$LAN4"

# Every server runs in a session of its own, so that npm, its shell and node go together
groups=
# (procps' kill: dash's builtin takes no process group after --)
stop_groups() {
        for g in $groups; do
                /bin/kill -TERM -- "-$g" 2>/dev/null || true
        done
        sleep 0.5
        for g in $groups; do
                /bin/kill -KILL -- "-$g" 2>/dev/null || true
        done
        groups=
}
trap 'stop_groups; netns_cleanup' EXIT

# start LOG COMMAND: runs COMMAND with sh in $PROJECT, in a new session; its id is in $GROUP
start() {
        (cd "$PROJECT" && exec setsid sh -c "$2" >"$netns_tmp/$1.log" 2>&1) &
        GROUP=$!
        groups="$groups $GROUP"
}

stop() {
        /bin/kill -TERM -- "-$1" 2>/dev/null || true
        netns_w_left=100
        while ! port_closed "$2" && [ "$netns_w_left" -gt 0 ]; do
                netns_w_left=$((netns_w_left - 1))
                sleep 0.1
        done
        /bin/kill -KILL -- "-$1" 2>/dev/null || true
        netns_wait_for 10 "port $2 to close" port_closed "$2"
}

port_closed() {
        ! netns_is_listening "$1"
}

wait_listen() {
        netns_w_left=$(($2 * 10))
        while ! netns_is_listening "$1"; do
                netns_w_left=$((netns_w_left - 1))
                if [ "$netns_w_left" -le 0 ]; then
                        echo "--- $3.log:" >&2
                        cat "$netns_tmp/$3.log" >&2
                        netns_die "timed out waiting for $3 to listen on port $1"
                fi
                sleep 0.1
        done
}

# The peer fetches URL; any HTTP answer from the server counts (Next answers once it compiled)
peer_opens() {
        netns_in "$PEER" curl -g -sS -o /dev/null --connect-timeout 2 --max-time 90 -w '%{http_code}' "$1"
}

# tool NAME PORT COMMAND EXPECTED-HINT
tool() {
        name=$1 port=$2 cmd=$3 expected=$4
        echo "## $name: $cmd"
        start "$name-before" "$cmd"
        before=$GROUP
        wait_listen "$port" 120 "$name-before"
        netns_once
        hint=$(jq -r --argjson port "$port" '.servers[] | select(.port == $port) | .hint' "$netns_json")
        echo "# before: $(jq -c --argjson port "$port" '.servers[] | select(.port == $port) |
                {binds, process: .process.name, problem, hint}' "$netns_json")"
        netns_check_server "$port" "$name started bound to loopback" '.problem == "loopback-only"'
        netns_check_server "$port" "$name is named after the tool" ".process.name == \"$name\""
        netns_check_text "$name: the hint" "$hint" "$expected"
        hinted=$(printf '%s\n' "$hint" | sed -n 's/^[^`]*`\([^`]*\)`.*/\1/p')
        stop "$before" "$port"
        if [ -z "$hinted" ]; then
                netns_not_ok "$name: the hint holds a command" "$hint"
                return 0
        fi
        echo "# running the hint as typed: $hinted"
        start "$name-after" "$hinted"
        after=$GROUP
        wait_listen "$port" 120 "$name-after"
        netns_once
        echo "# after: $(jq -c --argjson port "$port" '.servers[] | select(.port == $port) |
                {binds, process: .process.name, problem, share_url}' "$netns_json")"
        url=$(netns_share_url "$port")
        netns_check_text "$name: after the hint, the share URL is on the LAN and the same port" "$url" \
                "http://$LAN4:$port/"
        code=$(peer_opens "$url" 2>&1) || code="curl failed: $code"
        case $code in
        [1-5][0-9][0-9]) netns_ok "$name: the peer opens $url (HTTP $code)" ;;
        *) netns_not_ok "$name: the peer opens $url" "$code" ;;
        esac
        stop "$after" "$port"
}

FIX_TAIL="so it listens on every interface"

tool vite 5180 "npm run dev" \
        "restart it with \`npm run dev -- --host\` $FIX_TAIL"
tool webpack-dev-server 8090 "npm run serve" \
        "restart it with \`npx webpack serve --host 0.0.0.0 --port 8090\` $FIX_TAIL; or change \`--host localhost\` in the \`serve\` script of package.json"
tool next 3100 "npx next dev -H 127.0.0.1 -p 3100" \
        "restart it with \`npx next dev -H 0.0.0.0 -p 3100\` $FIX_TAIL"
tool serve 3200 "npx serve -l tcp://127.0.0.1:3200" \
        "restart it with \`npx serve -l 3200\` $FIX_TAIL"
tool http-server 3300 "npx http-server -a 127.0.0.1 -p 3300" \
        "restart it with \`npx http-server -a 0.0.0.0 -p 3300\` $FIX_TAIL"
tool http.server 8123 "python3 -m http.server 8123 --bind 127.0.0.1" \
        "restart it with \`python3 -m http.server 8123 --bind 0.0.0.0\` $FIX_TAIL"

netns_finish
