#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# What a newcomer runs into, each message naming what is wrong and the fix: reachctl without a
# daemon advises `systemctl --user start reachd` only where a user manager runs and has reachd's
# unit, else the command that starts this reachd by hand; a second reachd on the same socket
# names the one already running (its PID), and a file in the way is named as such;
# `wait --timeout` names the port and its duration; a reload that drops a port from the
# configuration says "no longer watched", not "stopped".
set -eu
. "${TESTLIB:?TESTLIB is not set}/netns.sh"
netns_enter "$0" "$@"
netns_need_reachctl

P1=8401         # a dev server, watched throughout
P2=8402         # a dev server whose port a reload drops
P3=8403         # a watched port nothing listens on, dropped too

# check_err WHAT RC TEXT [ABSENT]: the last netns_ctl exited with RC and its stderr contains
# TEXT (and not ABSENT)
check_err() {
        if [ "$NETNS_CTL_RC" = "$2" ] && printf '%s' "$NETNS_CTL_ERR" | grep -qF -- "$3" &&
           { [ -z "${4:-}" ] || ! printf '%s' "$NETNS_CTL_ERR" | grep -qF -- "$4"; }; then
                netns_ok "$1"
        else
                netns_not_ok "$1" "$(netns_ctl_detail "$*" "$2"; printf '\nexpected in stderr: %s%s' "$3" \
                        "${4:+, and not: $4}")"
        fi
}

echo "## reachctl without a daemon"
XDG_RUNTIME_DIR=$netns_tmp/run
export XDG_RUNTIME_DIR
mkdir -m 0700 "$XDG_RUNTIME_DIR"
# systemd's own variable: only these directories hold units (the host's stay out of the test)
SYSTEMD_UNIT_PATH=$netns_tmp/units
export SYSTEMD_UNIT_PATH
mkdir "$SYSTEMD_UNIT_PATH"
SOCK=$XDG_RUNTIME_DIR/reachd.sock

# How reachctl should name the reachd built or installed with it, from where the test runs
ctl_dir=$(cd "$(dirname "$REACHCTL")" && pwd)
case $ctl_dir in
*/client)
        top=${ctl_dir%/client}
        cd "$top"
        by_hand=./daemon/reachd
        ;;
*)
        cd "$netns_tmp"
        by_hand=$ctl_dir/reachd
        case ":$PATH:" in *":$ctl_dir:"*) by_hand=reachd ;; esac
        ;;
esac
netns_ctl url
check_err "no unit installed: reachctl names the command that starts reachd by hand" 3 \
        "reachd is not running (socket: $SOCK): start \`$by_hand\` in another terminal" "systemctl"
netns_ctl -s "$netns_tmp/other.sock" url
check_err "another socket than the default: the command has --socket" 3 \
        "start \`$by_hand --socket $netns_tmp/other.sock\` in another terminal"

cp "$TESTLIB/../../systemd/reachd.socket" "$SYSTEMD_UNIT_PATH/"
netns_ctl url
check_err "the unit is installed, but no systemd --user runs: still the command by hand" 3 \
        "start \`$by_hand\` in another terminal" "systemctl"
mkdir "$XDG_RUNTIME_DIR/systemd"
# a bound socket file stays when its process ends: what reachctl looks for
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$XDG_RUNTIME_DIR/systemd/private"
netns_ctl url
check_err "the unit is installed and systemd --user runs: systemctl --user start reachd" 3 \
        "reachd is not running: start it with \`systemctl --user start reachd\` (socket: $SOCK)"
rm -r "$XDG_RUNTIME_DIR/systemd" "$SYSTEMD_UNIT_PATH/reachd.socket"

echo "## a second reachd"
CONF=$netns_tmp/reachd.conf
printf 'port = %s %s %s\n' "$P1" "$P2" "$P3" >"$CONF"
netns_http "$P1" 0.0.0.0
HTTP1=$NETNS_LAST_PID
netns_http "$P2" 0.0.0.0
netns_daemon_start -c "$CONF"
rc=0
timeout 10 "$REACHD" -c "$CONF" >"$netns_tmp/second.out" 2>&1 || rc=$?
second=$(cat "$netns_tmp/second.out")
case $second in
*"another reachd (PID $REACHD_PID) is already running on $SOCK"*)
        if [ "$rc" = 1 ]; then
                netns_ok "a second reachd exits 1: another reachd (PID $REACHD_PID) is already running on the socket"
        else
                netns_not_ok "a second reachd exits 1" "exit status $rc: $second"
        fi
        ;;
*)
        netns_not_ok "a second reachd says another reachd (PID $REACHD_PID) is already running on $SOCK" \
                "exit status $rc: $second"
        ;;
esac
netns_ctl json
if [ "$NETNS_CTL_RC" = 0 ] && kill -0 "$REACHD_PID"; then
        netns_ok "the first reachd still runs and answers"
else
        netns_not_ok "the first reachd still runs and answers" "$(netns_ctl_detail json 0)"
fi

echo "not a socket" >"$netns_tmp/afile"
rc=0
timeout 10 "$REACHD" --socket "$netns_tmp/afile" >"$netns_tmp/third.out" 2>&1 || rc=$?
case $(cat "$netns_tmp/third.out") in
*"cannot listen on $netns_tmp/afile: a file that is not a socket is in the way"*)
        if [ "$rc" = 1 ] && [ "$(cat "$netns_tmp/afile")" = "not a socket" ]; then
                netns_ok "reachd --socket FILE: exits 1, says a file that is not a socket is in the way, leaves it"
        else
                netns_not_ok "reachd --socket FILE: exits 1 and leaves the file" "exit status $rc; $(ls -l "$netns_tmp/afile" 2>&1)"
        fi
        ;;
*)
        netns_not_ok "reachd --socket FILE: says a file that is not a socket is in the way" \
                "exit status $rc: $(cat "$netns_tmp/third.out")"
        ;;
esac

echo "## wait --timeout"
netns_ctl wait --timeout 1 9999
check_err "wait --timeout 1 9999: names the port and 1 second, says nothing listens" 1 \
        "port 9999 has no share URL after 1 second: nothing listens on it" "seconds"
netns_ctl wait --timeout 0.5 "$P3"
check_err "wait --timeout 0.5 on a watched port without a listener: its problem" 1 \
        "port $P3 has no share URL after 0.5 seconds (not-listening)"

echo "## a reload drops two ports"
printf 'port = %s\n' "$P1" >"$CONF"
kill -HUP "$REACHD_PID"
netns_check_log "reload: port $P2 is no longer watched, its server still runs" \
        "port $P2: no longer watched (the configuration does not name it any more); the server still runs"
netns_check_log "reload: port $P3 is no longer watched" \
        "port $P3: no longer watched (the configuration does not name it any more)"
if grep -qE "port ($P2|$P3): server stopped" "$netns_daemon_log"; then
        netns_not_ok "reload: no 'server stopped' for the dropped ports" "$(tail -n 20 "$netns_daemon_log")"
else
        netns_ok "reload: no 'server stopped' for the dropped ports"
fi
kill "$HTTP1"
netns_check_log "a watched server that really stops is still 'server stopped'" "port $P1: server stopped"
netns_finish
