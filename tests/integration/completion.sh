#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion of reachctl (shell/reachctl.bash), sourced on its own in `bash -c`, without the
# bash-completion package: commands, options (per command: wait --timeout, qr --interface), values
# after "--opt=" as bash splits them, socket paths; no daemon: no ports, nothing on stderr, at
# once; a running daemon: the ports of its servers, the interfaces qr --interface can use, also
# through a socket named with -s/--socket; a daemon that hangs: given up within a second or two.
set -eu
. "${TESTLIB:?TESTLIB is not set}/netns.sh"
netns_enter "$0" "$@"
netns_need_reachctl
command -v bash >/dev/null 2>&1 || netns_skip "bash is not installed"

COMPLETION=$TESTLIB/../../shell/reachctl.bash
[ -r "$COMPLETION" ] || netns_die "no completion script at $COMPLETION"
P=8401
P2=8402
LAN4=192.168.50.10

# comp WORD...: completes `reachctl WORD...` with the cursor at the end of the last WORD (give ""
# for a new word), the words split as bash splits them ("--color=al" is "--color" "=" "al").
# COMPREPLY, sorted and joined by blanks, is then in $COMP_OUT, what was written to stderr in
# $COMP_ERR, the status of the completion function in $COMP_RC, its run time in ms in $COMP_MS.
comp() {
        COMP_RC=0
        comp_start=$(date +%s%N)
        bash -c '
                . "$1" || exit 101
                shift
                [ "$(complete -p reachctl)" = "complete -F _reachctl reachctl" ] || exit 102
                COMP_WORDS=("$@")
                COMP_CWORD=$(($# - 1))
                COMP_LINE="$*"
                COMP_POINT=${#COMP_LINE}
                _reachctl reachctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" || exit 103
                for w in "${COMPREPLY[@]}"; do
                        printf "%s\n" "$w"
                done
        ' bash "$COMPLETION" "$REACHCTL" "$@" >"$netns_tmp/comp.out" 2>"$netns_tmp/comp.err" || COMP_RC=$?
        COMP_MS=$((($(date +%s%N) - comp_start) / 1000000))
        COMP_OUT=$(LC_ALL=C sort "$netns_tmp/comp.out" | tr '\n' ' ' | sed 's/ $//')
        COMP_ERR=$(cat "$netns_tmp/comp.err")
}

# check_comp WHAT EXPECTED WORD...: completing WORD... offers exactly EXPECTED (sorted, blank
# separated), silently
check_comp() {
        cc_what=$1
        cc_want=$2
        shift 2
        comp "$@"
        if [ "$COMP_RC" = 0 ] && [ "$COMP_OUT" = "$cc_want" ] && [ -z "$COMP_ERR" ]; then
                netns_ok "$cc_what"
        else
                netns_not_ok "$cc_what" "$(printf 'words:    reachctl %s\nexpected: %s\ngot:      %s\nstatus:   %s\nstderr:   %s' \
                        "$*" "$cc_want" "$COMP_OUT" "$COMP_RC" "$COMP_ERR")"
        fi
}

# check_comp_quick WHAT MS EXPECTED WORD...: the same, and within MS milliseconds
check_comp_quick() {
        cq_what=$1
        cq_ms=$2
        shift 2
        check_comp "$cq_what" "$@"
        if [ "$COMP_MS" -le "$cq_ms" ]; then
                netns_ok "$cq_what: within $cq_ms ms"
        else
                netns_not_ok "$cq_what: within $cq_ms ms" "it took $COMP_MS ms"
        fi
}

XDG_RUNTIME_DIR=$netns_tmp/run
export XDG_RUNTIME_DIR
mkdir -m 0700 "$XDG_RUNTIME_DIR"

echo "## commands and options"
check_comp "the commands" "json list qr status url wait watch" ""
check_comp "commands starting with w" "wait watch" w
check_comp "no command starts with x" "" x
check_comp "every option before the command" \
        "--audience --color --color= --help --interface --invert --json --socket --timeout --version" --
check_comp "-: every option, long and short" \
        "--audience --color --color= --help --interface --invert --json --socket --timeout --version -h -s" -
check_comp "wait --t: --timeout" "--timeout" wait --t
check_comp "url --t: nothing (--timeout is only for wait)" "" url --t
check_comp "qr --i: --interface, --invert" "--interface --invert" qr --i
check_comp "qr --j: nothing (qr takes no --json)" "" qr --j
check_comp "url --a: --audience" "--audience" url --a
check_comp "--audience: its values" "host lan vpn" url --audience ""
check_comp "qr --audience=v: vpn" "vpn" qr --audience = v
check_comp "options after the command and a port" "--json" watch 5173 --js
check_comp "the command after a global option" "list" --json li
check_comp "the command after -s PATH" "status" -s /x/reachd.sock st
check_comp "--color=: its values" "always auto never" --color =
check_comp "--color=al: always" "always" qr --color = al
check_comp "wait --timeout: no guess at a number" "" wait --timeout ""
check_comp "after --: no options" "" url -- --

echo "## socket paths"
mkdir "$netns_tmp/sockdir"
: >"$netns_tmp/sockfile"
check_comp "-s PATH: file names" "$netns_tmp/sockdir $netns_tmp/sockfile" -s "$netns_tmp/sock"
check_comp "--socket=PATH: file names" "$netns_tmp/sockdir $netns_tmp/sockfile" --socket = "$netns_tmp/sock"

echo "## no daemon"
check_comp_quick "url: no daemon, no ports" 3000 "" url ""
check_comp_quick "qr --interface: no daemon, no interfaces" 3000 "" qr --interface ""
check_comp "a port is given already: nothing" "" url 5173 ""
check_comp "json takes no port: nothing" "" json ""

echo "## a running daemon"
netns_peer_new
netns_veth_peer lan0 phone0
ip addr add "$LAN4/24" dev lan0
ip route add default via 192.168.50.1 dev lan0 onlink
netns_wait_operstate lan0 UP
netns_http "$P" 0.0.0.0
netns_http "$P2" 127.0.0.1
# a long rescan: the socket file moved away below would be re-created at the next tick
netns_daemon_start --rescan 3600
netns_check_ctl_soon "the daemon sees the server on 0.0.0.0" 3 0 "http://$LAN4:$P/" url "$P"
check_comp "url: the ports of the servers" "$P $P2" url ""
check_comp "status 840: the ports that start so" "$P $P2" status 840
check_comp "wait 8401: that port" "$P" wait 8401
check_comp "watch --json: the ports after an option" "$P $P2" watch --json ""
check_comp "json: no port" "" json ""
check_comp "qr --interface: the interfaces with a shareable URL" "lan0" qr --interface ""
check_comp "qr PORT --interface: the interfaces of that port" "lan0" qr "$P" --interface ""
check_comp "qr PORT --interface: none on a loopback-only server" "" qr "$P2" --interface ""

echo "## a socket named on the command line"
mv "$NETNS_SOCKET" "$netns_tmp/elsewhere.sock"
check_comp "url: the default socket is gone, so no ports" "" url ""
check_comp "-s SOCKET url: the ports through that socket" "$P $P2" -s "$netns_tmp/elsewhere.sock" url ""
check_comp "--socket=SOCKET url: the same" "$P $P2" --socket = "$netns_tmp/elsewhere.sock" url ""
check_comp "url -s SOCKET: the same, the option after the command" "$P $P2" url -s "$netns_tmp/elsewhere.sock" ""
mv "$netns_tmp/elsewhere.sock" "$NETNS_SOCKET"

echo "## a daemon that hangs"
kill -STOP "$REACHD_PID"
check_comp_quick "url: a stopped daemon, given up quickly and silently" 3000 "" url ""
kill -CONT "$REACHD_PID"
check_comp "url: the daemon answers again" "$P $P2" url ""

netns_finish
