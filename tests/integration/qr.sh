#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# reachctl qr: the drawing, turned back into an image and read by zbarimg (what a phone's camera
# does), says exactly what reachctl url says, in each of its three styles; --interface picks the
# URL of another interface (IPv6 too); a loopback-only server, a port without server, an interface
# without URL and a stopped daemon get their exit codes. The peer opens the URL read from the code.
set -eu
. "${TESTLIB:?TESTLIB is not set}/netns.sh"
netns_enter "$0" "$@"
netns_need_reachctl

command -v zbarimg >/dev/null 2>&1 || netns_skip "zbarimg is not installed (Debian: zbar-tools)"
qr_rc=0
"$REACHCTL" -s "$netns_tmp/none/reachd.sock" qr >/dev/null 2>"$netns_tmp/qr-support.err" || qr_rc=$?
if [ "$qr_rc" = 2 ] && grep -qF "built without libqrencode" "$netns_tmp/qr-support.err"; then
        netns_skip "reachctl was built without libqrencode"
fi
[ "$qr_rc" = 3 ] || netns_die "reachctl qr with a missing socket exited with $qr_rc, expected 3: $(cat "$netns_tmp/qr-support.err")"

P=8401
LOOP=8402
NONE=8403
LAN4=192.168.60.10
ALT4=10.7.8.9
ALT6=2001:db8:7::9
u() {
        echo "http://$1:${2:-$P}/"
}

# qr_decode FILE STYLE IMAGE: the drawing in FILE (after its first line, the URL) as a PGM image,
# 6 pixels a module, then what zbarimg reads in it. STYLE is what the blocks are: "light" (the
# default without colours), "dark" (--invert) or "color" (dark, each line wrapped in SGR).
# Nothing is added around the drawing: its own quiet zone must do, and is checked here.
qr_decode() {
        python3 - "$1" "$2" "$3" <<'EOF' || return 1
import sys

path, style, image = sys.argv[1:4]
text = open(path, encoding="utf-8").read()
if not text.endswith("\n"):
    sys.exit("the output does not end with a newline")
rows = text.split("\n")[1:-1]
if not rows:
    sys.exit("no drawing after the URL")
on, off = "\x1b[30;47;107m", "\x1b[0m"
halves = {" ": (0, 0), "\u2580": (1, 0), "\u2584": (0, 1), "\u2588": (1, 1)}
drawn = []
for row in rows:
    if style == "color":
        if not (row.startswith(on) and row.endswith(off)):
            sys.exit("a line is not black on white: %r" % row)
        row = row[len(on):-len(off)]
    cells = []
    for ch in row:
        if ch not in halves:
            sys.exit("unexpected character %r in %r" % (ch, row))
        cells.append(halves[ch])
    drawn.append([c[0] for c in cells])
    drawn.append([c[1] for c in cells])
width = len(drawn[0])
if any(len(r) != width for r in drawn):
    sys.exit("the lines differ in length")
dark = [[d if style in ("dark", "color") else 1 - d for d in r] for r in drawn]
# 4 light modules on each side; the lower half of an odd last line is light too
height = len(dark)
for y in range(height):
    for x in range(width):
        if (x < 4 or x >= width - 4 or y < 4 or y >= height - 5) and dark[y][x]:
            sys.exit("a dark module in the quiet zone at (%d, %d)" % (x, y))
scale = 6
with open(image, "wb") as f:
    f.write(b"P5\n%d %d\n255\n" % (width * scale, height * scale))
    for r in dark:
        line = b"".join((b"\x00" if d else b"\xff") * scale for d in r)
        f.write(line * scale)
EOF
        zbarimg --raw -q "$3" 2>"$3.err"
}

# check_qr WHAT STYLE EXPECTED-URL ARGS...: reachctl ARGS exits 0, prints EXPECTED-URL on its
# first line, and its drawing reads as EXPECTED-URL.
check_qr() {
        cq_what=$1
        cq_style=$2
        cq_url=$3
        shift 3
        netns_ctl "$@"
        check_qr_output "$cq_what" "$cq_style" "$cq_url" "$@"
}

# check_qr_tty WHAT STYLE EXPECTED-URL ENV... -- ARGS...: the same with stdout on a terminal (a
# pty of script(1)), in the environment ENV (NAME=VALUE...)
check_qr_tty() {
        cq_what=$1
        cq_style=$2
        cq_url=$3
        shift 3
        cq_env=
        while [ "$1" != -- ]; do
                cq_env="$cq_env $1"
                shift
        done
        shift
        NETNS_CTL_RC=0
        # (the pty turns "\n" into "\r\n")
        env $cq_env script -q -e -c "$REACHCTL $*" /dev/null </dev/null >"$netns_tmp/tty.out" 2>"$netns_tmp/ctl.err" ||
                NETNS_CTL_RC=$?
        tr -d '\r' <"$netns_tmp/tty.out" >"$netns_tmp/ctl.out"
        NETNS_CTL_OUT=$(cat "$netns_tmp/ctl.out")
        NETNS_CTL_ERR=$(cat "$netns_tmp/ctl.err")
        check_qr_output "$cq_what" "$cq_style" "$cq_url" "$@"
}

# check_qr_output WHAT STYLE EXPECTED-URL ARGS...: the checks of check_qr on what netns_ctl left
check_qr_output() {
        cq_what=$1
        cq_style=$2
        cq_url=$3
        shift 3
        if [ "$NETNS_CTL_RC" != 0 ]; then
                netns_not_ok "$cq_what" "$(netns_ctl_detail "$*" 0)"
                return 0
        fi
        netns_check_text "$cq_what: the URL on the first line" "$(head -n 1 "$netns_tmp/ctl.out")" "$cq_url"
        cq_n=$((${cq_n:-0} + 1))
        cq_rc=0
        cq_got=$(qr_decode "$netns_tmp/ctl.out" "$cq_style" "$netns_tmp/qr-$cq_n.pgm" 2>&1) || cq_rc=$?
        if [ "$cq_rc" = 0 ] && [ "$cq_got" = "$cq_url" ]; then
                netns_ok "$cq_what: the code reads $cq_url"
        else
                cp "$netns_tmp/ctl.out" "$netns_tmp/qr-$cq_n.txt"
                netns_not_ok "$cq_what: the code reads $cq_url" "$(printf 'decoding exited with %s, read: %s\nzbarimg said: %s\nreachctl %s printed:\n%s' \
                        "$cq_rc" "$cq_got" "$(cat "$netns_tmp/qr-$cq_n.pgm.err" 2>/dev/null)" "$*" "$(cat "$netns_tmp/ctl.out")")"
        fi
}

# check_no_qr WHAT RC STDERR-TEXT ARGS...: reachctl ARGS exits RC, prints nothing, says STDERR-TEXT.
check_no_qr() {
        cn_what=$1
        cn_rc=$2
        cn_text=$3
        shift 3
        netns_ctl "$@"
        if [ "$NETNS_CTL_RC" = "$cn_rc" ] && [ -z "$NETNS_CTL_OUT" ] &&
           printf '%s' "$NETNS_CTL_ERR" | grep -qF -- "$cn_text"; then
                netns_ok "$cn_what"
        else
                netns_not_ok "$cn_what" "$(netns_ctl_detail "$*" "$cn_rc"; printf '\nexpected on stderr: %s' "$cn_text")"
        fi
}

# lan1_state_is STATE: reachd lists lan1's IPv4 URL of port P with STATE
lan1_state_is() {
        "$REACHCTL" list "$P" | awk -F '\t' -v url="$(u $ALT4)" -v state="$1" \
                '$2 == url && $3 == "lan1" { found = $5 == state } END { exit !found }'
}

netns_peer_new
netns_veth_peer lan0 phone0
ip addr add "$LAN4/24" dev lan0
ip route add default via 192.168.60.1 dev lan0 onlink
netns_peer ip addr add 192.168.60.20/24 dev phone0
netns_ns_new
WIFI=$NETNS_LAST_PID
netns_veth_to "$WIFI" lan1 ap1
ip addr add "$ALT4/24" dev lan1
netns_in "$WIFI" ip addr add 10.7.8.1/24 dev ap1
# an interface with a global IPv6 address only (nodad: usable at once)
netns_ns_new
V6=$NETNS_LAST_PID
netns_veth_to "$V6" lan2 ap2
ip addr add "$ALT6/64" dev lan2 nodad
netns_wait_operstate lan0 UP
netns_wait_operstate lan1 UP
netns_wait_operstate lan2 UP
netns_wait_dad

netns_http "$LOOP" 127.0.0.1
# dual-stack, so that lan2's IPv6 address is a candidate too; started last, so it is the server
# of url without PORT
netns_http "$P" ::
netns_daemon_start
netns_check_ctl_soon "reachctl url $P: the LAN URL (default route)" 3 0 "$(u $LAN4)" url "$P"
netns_check_ctl "reachctl url: the same, $P started last" 0 "$(u $LAN4)" url

echo "## the share URL"
check_qr "reachctl qr $P (piped: light modules drawn)" light "$(u $LAN4)" qr "$P"
check_qr "reachctl qr $P --invert (dark modules drawn)" dark "$(u $LAN4)" qr "$P" --invert
check_qr "reachctl qr $P --color=always (black on white)" color "$(u $LAN4)" qr "$P" --color=always
check_qr "reachctl qr $P --color=never --invert" dark "$(u $LAN4)" qr --color=never --invert "$P"
check_qr "reachctl qr without PORT" light "$(u $LAN4)" qr
check_qr_tty "on a terminal: black on white" color "$(u $LAN4)" TERM=xterm -- qr
check_qr_tty "on a terminal with NO_COLOR: light modules drawn" light "$(u $LAN4)" TERM=xterm NO_COLOR=1 -- qr
check_qr_tty "on a dumb terminal: light modules drawn" light "$(u $LAN4)" TERM=dumb -- qr
check_qr_tty "on a terminal with --invert: dark modules drawn" dark "$(u $LAN4)" TERM=xterm -- qr --invert

netns_ctl qr "$P"
READ=$(qr_decode "$netns_tmp/ctl.out" light "$netns_tmp/phone.pgm" 2>&1) || true
netns_check_curl_ok "the peer opens the URL read from the code ($READ)" "$READ"

# the wrong polarity must not read: the test would otherwise prove nothing about it
if qr_decode "$netns_tmp/ctl.out" dark "$netns_tmp/wrong.pgm" >/dev/null 2>&1; then
        netns_not_ok "the default drawing read as dark blocks does not decode" "zbarimg read it"
else
        netns_ok "the default drawing read as dark blocks does not decode"
fi

echo "## --interface"
check_qr "reachctl qr $P --interface lan1" light "$(u $ALT4)" qr "$P" --interface lan1
check_qr "reachctl qr $P --interface lan2 (IPv6 only)" light "$(u "[$ALT6]")" qr "$P" --interface lan2
check_qr "reachctl qr --interface lan0 $P: the share URL's interface" light "$(u $LAN4)" qr --interface lan0 "$P"
check_qr "reachctl qr --interface lan1 without PORT: the server of url" light "$(u $ALT4)" qr --interface lan1
netns_check_curl_ok_in "$WIFI" "the second network opens $(u $ALT4)" "$(u $ALT4)"
check_no_qr "reachctl qr $P --interface lo: exit 1, loopback" 1 \
        "no shareable URL on lo: $(u 127.0.0.1) (loopback), $(u '[::1]') (loopback); shareable on lan0, lan1, lan2" \
        qr "$P" --interface lo
check_no_qr "reachctl qr $P --interface wlan9: exit 1, no URL there, names those that have one" 1 \
        "port $P has no URL on wlan9; shareable on lan0, lan1, lan2" qr "$P" --interface wlan9
ip link set lan1 down
netns_wait_for 3 "reachd to see lan1 down" lan1_state_is down
check_no_qr "lan1 down: reachctl qr $P --interface lan1 exits 1, says it is down" 1 \
        "no shareable URL on lan1: $(u $ALT4) (down)" qr "$P" --interface lan1
ip link set lan1 up
netns_wait_for 3 "reachd to see lan1 up again" lan1_state_is shareable

echo "## no URL"
check_no_qr "loopback-only server: reachctl qr $LOOP exits 1 and says how to bind" 1 "0.0.0.0" qr "$LOOP"
check_no_qr "loopback-only server: reachctl qr $LOOP --interface lan0 exits 1" 1 "0.0.0.0" qr "$LOOP" --interface lan0
check_no_qr "no server on $NONE: reachctl qr $NONE exits 1" 1 "$NONE" qr "$NONE"
check_no_qr "usage: qr --json exits 2" 2 "qr takes no --json" qr --json
check_no_qr "usage: --interface without qr exits 2" 2 "only for qr" url --interface lan0

echo "## no daemon"
netns_daemon_stop TERM
check_no_qr "reachd stopped: reachctl qr exits 3" 3 "reachd is not running" qr "$P"

netns_finish
