#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The socket under abuse (DESIGN.md §6): garbage bytes, a 1 MiB line, 200 idle connections, a
# watch client that never reads while the network changes a lot, a client of another uid, a
# client that connects and says nothing. Each gets its clear error or is dropped, and a normal
# `reachctl url` answers right after each (and while the idle connections are held open).
set -eu
. "${TESTLIB:?TESTLIB is not set}/netns.sh"
netns_enter "$0" "$@"

P=8501
LAN4=192.168.50.10
URL=http://$LAN4:$P/
PY=$netns_tmp/client.py
NOBODY=65534

cat >"$PY" <<'EOF'
import json, os, select, socket, struct, sys, time

mode, path = sys.argv[1], sys.argv[2]


def connect():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    # blocking: with a timeout python makes the socket non-blocking, and an AF_UNIX connect()
    # to a full backlog then fails with EAGAIN instead of waiting for the daemon to accept
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, struct.pack("ll", 10, 0))
    s.connect(path)
    return s


def read_all(s, timeout):
    """What the daemon sends until it closes: (bytes, "eof" | "reset" | "timeout")"""
    data = b""
    s.settimeout(timeout)
    while True:
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            return data, "timeout"
        except ConnectionResetError:
            return data, "reset"
        if not chunk:
            return data, "eof"
        data += chunk


def report(**kw):
    print(json.dumps(kw), flush=True)


if mode == "send":
    # send BYTES-AS-PYTHON-LITERAL: the answer and how the connection ended
    s = connect()
    try:
        s.sendall(eval(sys.argv[3]))
    except (BrokenPipeError, ConnectionResetError) as e:
        sent_error = type(e).__name__
    else:
        sent_error = None
    data, end = read_all(s, 10)
    report(answer=data.decode("latin-1"), end=end, send_error=sent_error)

elif mode == "idle":
    # idle N READY-FILE: N connections that send nothing; READY-FILE appears once all are
    # connected; then how each ended: what it got, after how long
    n, ready = int(sys.argv[3]), sys.argv[4]
    socks, start = [], []
    for i in range(n):
        socks.append(connect())
        start.append(time.monotonic())
    open(ready, "w").close()
    ended = [None] * n
    got = [b""] * n
    deadline = time.monotonic() + 15
    while None in ended and time.monotonic() < deadline:
        live = [i for i in range(n) if ended[i] is None]
        readable, _, _ = select.select([socks[i] for i in live], [], [], 0.5)
        for i in live:
            if socks[i] not in readable:
                continue
            try:
                chunk = socks[i].recv(4096)
            except ConnectionResetError:
                chunk = b""
            if chunk:
                got[i] += chunk
            else:
                ended[i] = time.monotonic() - start[i]
    report(n=n, connections=[{"answer": got[i].decode("latin-1"), "closed_after": ended[i]}
                             for i in range(n)])

elif mode == "noread":
    # noread GO-FILE: asks for watch, then does not read until GO-FILE exists
    go = sys.argv[3]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(path)
    s.sendall(b"watch\n")
    print("watching", flush=True)
    while not os.path.exists(go):
        time.sleep(0.05)
    data, end = read_all(s, 5)
    report(bytes=len(data), end=end, lines=data.count(b"\n"))

elif mode == "silent":
    s = connect()
    t0 = time.monotonic()
    data, end = read_all(s, 15)
    report(answer=data.decode("latin-1"), end=end, closed_after=time.monotonic() - t0)

elif mode == "other-uid":
    # as another user: connect and ask for the URL; whatever happens
    try:
        s = connect()
    except OSError as e:
        report(connected=False, errno=e.errno, error=os.strerror(e.errno))
        sys.exit(0)
    try:
        s.sendall(b"url\n")
    except OSError:
        pass
    data, end = read_all(s, 10)
    report(connected=True, answer=data.decode("latin-1"), end=end)
EOF

netns_peer_new
netns_veth_peer lan0 phone0
ip addr add "$LAN4/24" dev lan0
ip route add default via 192.168.50.1 dev lan0 onlink
netns_peer ip addr add 192.168.50.20/24 dev phone0
netns_wait_operstate lan0 UP
netns_http "$P" 0.0.0.0
# every change published at once (no settle time): the address churn below is the stream a
# watch client that never reads must be dropped for
netns_daemon_start --settle 0
SOCK=$NETNS_SOCKET

normal_query() {
        netns_check_ctl "$1: a normal reachctl url answers" 0 "$URL" url
}

# check_answer WHAT RESULT-FILE JQ-FILTER: the python client's report must satisfy the filter
check_answer() {
        if jq -e "$3" "$2" >/dev/null 2>&1; then
                netns_ok "$1"
        else
                netns_not_ok "$1" "$(printf 'not true: %s\nthe client saw: %s' "$3" "$(head -c 2000 "$2")")"
        fi
}

normal_query "at the start"

echo "## garbage bytes"
python3 "$PY" send "$SOCK" "b'\\x01\\x02\\xff\\n'" >"$netns_tmp/garbage.json"
check_answer "garbage bytes: one line ERR bad-request, then the daemon closes" "$netns_tmp/garbage.json" \
        '(.answer | test("^ERR bad-request [^\n]+\n$")) and .end == "eof"'
normal_query "after garbage"

echo "## a 1 MiB line"
python3 "$PY" send "$SOCK" "b'u' * (1024 * 1024) + b'\\n'" >"$netns_tmp/long.json"
check_answer "1 MiB line: one line ERR request-too-long, then the daemon closes" "$netns_tmp/long.json" \
        '(.answer | test("^ERR request-too-long [^\n]+\n$")) and (.end == "eof" or .end == "reset")'
normal_query "after the 1 MiB line"

echo "## 200 idle connections"
python3 "$PY" idle "$SOCK" 200 "$netns_tmp/idle.ready" >"$netns_tmp/idle.json" &
IDLE=$!
netns_track "$IDLE"
netns_wait_for 10 "200 idle connections" test -e "$netns_tmp/idle.ready"
normal_query "while 200 idle connections are open"
idle_rc=0
wait "$IDLE" || idle_rc=$?
netns_untrack "$IDLE"
[ "$idle_rc" = 0 ] || netns_die "the idle-connections client failed ($idle_rc): $(cat "$netns_tmp/idle.json")"
jq -c '[.connections[] | .answer | split(" ")[0:2] | join(" ")] | group_by(.) | map({(.[0]): length}) | add' \
        "$netns_tmp/idle.json" | sed 's/^/# the idle connections were answered: /'
check_answer "every idle connection was closed by the daemon, none got a URL" "$netns_tmp/idle.json" \
        'all(.connections[]; .closed_after != null and (.answer | startswith("ERR ")))'
# The slots are 64: each newer connection pushed the oldest idle one out, and so did the
# normal query; the newest 63 waited for their 5 s request timeout.
check_answer "the 137 oldest were closed at once with ERR busy, to make room" "$netns_tmp/idle.json" \
        '[.connections[:137][] | (.answer | startswith("ERR busy ")) and .closed_after < 4] | all'
check_answer "the 63 newest were closed after the 5 s request timeout with an ERR line" "$netns_tmp/idle.json" \
        '[.connections[137:][] | (.answer | test("^ERR [a-z-]+ [^\n]+\n$")) and .closed_after >= 4.5 and .closed_after < 10] | all'
normal_query "after the idle connections"

echo "## a client that connects and says nothing"
python3 "$PY" silent "$SOCK" >"$netns_tmp/silent.json" &
SILENT=$!
netns_track "$SILENT"

echo "## a watch client that never reads, while the network changes a lot"
# 100 addresses on a second interface: every line of the 0.0.0.0 server lists them all
ip link add vs0 type veth peer name vt0
ip link set vs0 up
ip link set vt0 up
: >"$netns_tmp/addrs.batch"
i=1
while [ "$i" -le 100 ]; do
        echo "addr add 10.77.0.$i/32 dev vs0" >>"$netns_tmp/addrs.batch"
        i=$((i + 1))
done
ip -batch "$netns_tmp/addrs.batch"
WATCH=$netns_tmp/watch.ndjson
netns_watch_start "$WATCH"
netns_wait_lines "$WATCH" 1
mkfifo "$netns_tmp/noread.out"
python3 "$PY" noread "$SOCK" "$netns_tmp/noread.go" >"$netns_tmp/noread.out" &
NOREAD=$!
netns_track "$NOREAD"
exec 3<"$netns_tmp/noread.out"
read -r line <&3
[ "$line" = watching ] || netns_die "the non-reading watch client did not start: $line"
n=0
while [ "$n" -lt 400 ]; do
        ip addr add 10.78.0.1/32 dev vs0
        ip addr del 10.78.0.1/32 dev vs0
        n=$((n + 1))
        if [ "$n" = 200 ]; then
                normal_query "in the middle of 800 address changes, a watch client not reading"
        fi
done
watch_settled() {
        tail -n 1 "$WATCH" | jq -e '[.urls[].address] | index("10.78.0.1") == null' >/dev/null 2>&1
}
left=50
while ! watch_settled && [ "$left" -gt 0 ]; do
        left=$((left - 1))
        sleep 0.1
done
if watch_settled && [ "$(netns_lines "$WATCH")" -gt 2 ]; then
        netns_ok "the reading watch client followed the changes to the end"
else
        netns_not_ok "the reading watch client followed the changes to the end" \
                "$(netns_lines "$WATCH") lines; the last: $(tail -n 1 "$WATCH" | jq -c '[.event, [.urls[].address | select(startswith("10.78."))]]')"
fi
touch "$netns_tmp/noread.go"
noread_result=$(cat <&3)
exec 3<&-
wait "$NOREAD" || true
netns_untrack "$NOREAD"
printf '%s\n' "$noread_result" >"$netns_tmp/noread.json"
watch_bytes=$(wc -c <"$WATCH")
echo "# the reading watch client got $(netns_lines "$WATCH") lines, $watch_bytes bytes; the other read $(jq .bytes "$netns_tmp/noread.json") bytes before the end"
check_answer "the watch client that never read was dropped: its stream ends (EOF or reset), not a timeout" \
        "$netns_tmp/noread.json" '.end == "eof" or .end == "reset"'
check_answer "it was dropped before the end of the changes: it got less than the reading client" \
        "$netns_tmp/noread.json" ".bytes < $watch_bytes"
if kill -0 "$NETNS_WATCH_PID" 2>/dev/null; then
        netns_ok "the reading watch client is still connected"
else
        netns_not_ok "the reading watch client is still connected" "reachctl watch exited: $(cat "$WATCH.err")"
fi
normal_query "after the non-reading watch client"

echo "## a client of another uid"
PY_OTHER=
for cand in /usr/bin/python3 /usr/local/bin/python3 "$(command -v python3)"; do
        if [ -x "$cand" ] && setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups "$cand" -c pass 2>/dev/null; then
                PY_OTHER=$cand
                break
        fi
done
[ -n "$PY_OTHER" ] || netns_die "no python3 that uid $NOBODY may run (tried /usr/bin, /usr/local/bin, PATH)"
other() {
        setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups "$PY_OTHER" -c "$(cat "$PY")" other-uid "$SOCK" \
                >"$netns_tmp/other.json" 2>&1 || true
}
netns_check_text "the socket's mode is 0600" "$(stat -c %a "$SOCK")" 600
other
check_answer "uid $NOBODY cannot get an answer" "$netns_tmp/other.json" \
        '.connected == false or (.answer | contains("http") | not)'
normal_query "after the other uid"
# Open the directories, so that the socket's own mode is what stops it
chmod 0711 "$netns_tmp" "$XDG_RUNTIME_DIR"
other
check_answer "uid $NOBODY, the directories open: connect() fails with EACCES (socket mode 0600)" \
        "$netns_tmp/other.json" '.connected == false and .errno == 13'
# And with the socket open too (as a careless socket unit would make it), the daemon's
# SO_PEERCRED check refuses
chmod 0666 "$SOCK"
other
check_answer "uid $NOBODY, the socket opened to all: ERR permission-denied, no URL" "$netns_tmp/other.json" \
        '.connected == true and (.answer | test("^ERR permission-denied [^\n]+\n$"))'
chmod 0600 "$SOCK"
chmod 0700 "$netns_tmp" "$XDG_RUNTIME_DIR"
normal_query "after the other uid with the socket opened"

echo "## the silent client"
silent_rc=0
wait "$SILENT" || silent_rc=$?
netns_untrack "$SILENT"
[ "$silent_rc" = 0 ] || netns_die "the silent client failed ($silent_rc): $(cat "$netns_tmp/silent.json")"
printf '# the silent client: %s\n' "$(jq -c . "$netns_tmp/silent.json")"
check_answer "a client that sends nothing is closed after the 5 s request timeout" "$netns_tmp/silent.json" \
        '.end == "eof" and .closed_after >= 4.5 and .closed_after < 10'
check_answer "it is told why: one ERR line" "$netns_tmp/silent.json" '.answer | test("^ERR [a-z-]+ [^\n]+\n$")'
normal_query "at the end"
if kill -0 "$REACHD_PID" 2>/dev/null; then
        netns_ok "reachd is still running"
else
        netns_not_ok "reachd is still running" "$(tail -n 20 "$netns_daemon_log")"
fi

netns_finish
