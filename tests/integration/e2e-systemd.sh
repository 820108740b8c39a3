#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end, as a user does it: `make install` under ~/.local, `systemctl --user enable --now
# reachd`, `reachctl url`; then the Wi-Fi changes, the journal says from what URL to what URL,
# another machine opens the new one; `systemctl --user reload` keeps the watchers; and the same
# again started by reachd.socket. A real systemd-journald and a real `systemd --user`, private to
# this test's mount and network namespaces.
# REACHD_E2E_INSTALLED=1 tests the installed Debian package instead (tools/run-package-test:
# REACHD=/usr/bin/reachd REACHCTL=/usr/bin/reachctl): nothing is installed under ~/.local, the
# units are the package's in /usr/lib/systemd/user, reachd.socket is enabled for every user, and
# journalctl -x reads the catalog the package's trigger compiled.
set -eu
. "${TESTLIB:?TESTLIB is not set}/netns.sh"
. "$TESTLIB/systemd.sh"
systemd_require
netns_enter "$0" "$@"

INSTALLED=${REACHD_E2E_INSTALLED:-0}
if [ "$INSTALLED" != 1 ]; then
        BUILDDIR=${BUILDDIR:-$(dirname "$(dirname "$REACHD")")}
        BUILDDIR=$(cd "$BUILDDIR" && pwd) || netns_die "no build directory at $BUILDDIR"
        [ -f "$BUILDDIR/Makefile" ] || netns_die "$BUILDDIR/Makefile does not exist (set BUILDDIR to the build directory)"
fi
SRCDIR=$(cd "$TESTLIB/../.." && pwd)

LAN=192.168.50.10
WIFI=10.1.2.3
WIFI2=10.1.2.4
P1=5173         # a dev server on 0.0.0.0
P2=8001         # one on 127.0.0.1 only
SOCK=

systemd_setup
SOCK=$XDG_RUNTIME_DIR/reachd.sock

# ---- helpers ----

# The MESSAGE_ID the daemon is built with for an event, from include/reachd/journal.h.
message_id() {
        sed -n "s/^#define REACHD_MESSAGE_ID_$1 *\"\\([0-9a-f]*\\)\".*/\\1/p" "$SRCDIR/include/reachd/journal.h"
}

# reachctl, bounded; output in $out, stderr in $err, exit status in $rc.
ctl() {
        rc=0
        out=$(timeout 15 reachctl "$@" 2>"$netns_tmp/ctl.err") || rc=$?
        err=$(cat "$netns_tmp/ctl.err")
}

url_is() {
        ctl url "$1"
        [ "$rc" = 0 ] && [ "$out" = "$2" ]
}

# check_url PORT URL: `reachctl url PORT` prints URL within 5 s (the daemon re-scans listeners on
# every query and every 2 s).
check_url() {
        if systemd_poll 5 url_is "$1" "$2"; then
                netns_ok "reachctl url $1 = $2"
        else
                netns_not_ok "reachctl url $1 = $2" "exit $rc, stdout '$out', stderr '$err'"
        fi
}

loopback_only_seen() {
        ctl url "$1"
        [ "$rc" = 1 ] && case $err in *127.0.0.1*) true ;; *) false ;; esac
}

status_is() {
        st=$(systemd_prop reachd.service StatusText 2>&1) || return 1
        [ "$st" = "$1" ]
}

# check_status TEXT-PREFIX: StatusText starts with it within 5 s.
check_status() {
        if systemd_poll 5 status_starts "$1"; then
                netns_ok "StatusText: $st"
        else
                netns_not_ok "StatusText starts with '$1'" "StatusText='$st'"
        fi
}

status_starts() {
        st=$(systemd_prop reachd.service StatusText 2>&1) || return 1
        case $st in "$1"*) true ;; *) false ;; esac
}

check_prop() {
        got=$(systemd_prop "$1" "$2" 2>&1) || true
        if [ "$got" = "$3" ]; then
                netns_ok "$1: $2=$3"
        else
                netns_not_ok "$1: $2=$3" "got $2='$got'"
        fi
}

# check_run WHAT COMMAND...: COMMAND exits 0.
check_run() {
        cr_what=$1
        shift
        cr_rc=0
        cr_out=$("$@" 2>&1) || cr_rc=$?
        if [ "$cr_rc" = 0 ]; then
                netns_ok "$cr_what"
        else
                netns_not_ok "$cr_what" "$(printf '%s: exit %s\n%s' "$*" "$cr_rc" "$cr_out")"
        fi
}

curl_from() {
        nsenter -t "$1" -n curl -g -sS -o /dev/null --connect-timeout 2 --max-time 4 -w '%{http_code}' "$2"
}

check_curl_from() {
        cu_rc=0
        cu_out=$(curl_from "$2" "$3" 2>&1) || cu_rc=$?
        if [ "$cu_rc" = 0 ] && [ "$cu_out" = 200 ]; then
                netns_ok "$1"
        else
                netns_not_ok "$1" "curl $3 from the peer: exit $cu_rc, $cu_out"
        fi
}

# journal_select JQ-CONDITION [JQ-ARGS...]: reachd's journal entries that match, one a line.
journal_select() {
        js_cond=$1
        shift
        systemd_journal_json | jq -c "$@" "select(.SYSLOG_IDENTIFIER == \"reachd\") | select($js_cond)"
}

journal_has() {
        [ -n "$(journal_select "$@")" ]
}

# check_journal WHAT COUNT JQ-CONDITION [JQ-ARGS...]: exactly COUNT entries of reachd match,
# polled for a few seconds (journald reads its sockets in its own time).
check_journal() {
        cj_what=$1
        cj_count=$2
        shift 2
        if [ "$cj_count" != 0 ]; then
                systemd_poll 5 journal_has "$@" || true
        fi
        cj_n=$(journal_select "$@" | wc -l)
        if [ "$cj_n" = "$cj_count" ]; then
                netns_ok "journal: $cj_what"
        else
                netns_not_ok "journal: $cj_what" "$(printf '%s entries of reachd match, want %s: %s\nreachd entries:\n%s' \
                        "$cj_n" "$cj_count" "$1" "$(journal_select true | jq -c 'with_entries(select(.key == "MESSAGE"
                                or .key == "MESSAGE_ID" or (.key | startswith("REACHD_"))))' | tail -n 20)")"
        fi
}

# watch_has FROM-LINE PORT URL: a line of the watch stream, at FROM-LINE or later, gives PORT that
# share URL.
watch_has() {
        tail -n "+$1" "$netns_tmp/watch.out" | jq -R -n -e --argjson port "$2" --arg url "$3" \
                '[inputs | fromjson? | select(.port == $port and .share_url == $url)] | length > 0'
}

# The watch stream from FROM-LINE on, in short: event, port, share URL.
watch_show() {
        tail -n "+$1" "$netns_tmp/watch.out" | jq -R -c 'fromjson? // . | if type == "object"
                then {event, port, share_url, problem} else . end' 2>&1
        cat "$netns_tmp/watch.err"
}

watch_lines() {
        wc -l <"$netns_tmp/watch.out"
}

sock_exists() {
        [ -S "$SOCK" ]
}

sock_gone() {
        [ ! -e "$SOCK" ]
}

unit_state_is() {
        [ "$(systemd_prop "$1" ActiveState 2>/dev/null)" = "$2" ]
}

# ---- 1. the LAN: lan0 and a peer on it, the default route through it ----

netns_peer_new
PHONE=$PEER
netns_veth_peer lan0 phone0
ip addr add "$LAN/24" dev lan0
netns_peer ip addr add 192.168.50.20/24 dev phone0
ip route add default via 192.168.50.1 dev lan0
netns_wait_operstate lan0 UP

# ---- 2, 3. the package: apt-get installed it before the test ----

UNITDIR=/usr/lib/systemd/user
check_installed() {
        if [ "$(command -v reachd)" = /usr/bin/reachd ] && [ "$(command -v reachctl)" = /usr/bin/reachctl ]; then
                netns_ok "the package: reachd and reachctl in /usr/bin, found on PATH"
        else
                netns_not_ok "the package: reachd and reachctl in /usr/bin, found on PATH" \
                        "command -v reachd: $(command -v reachd); reachctl: $(command -v reachctl)"
        fi
        if grep -qx "ExecStart=/usr/bin/reachd" "$UNITDIR/reachd.service" 2>/dev/null && [ -f "$UNITDIR/reachd.socket" ] &&
           [ -f /usr/lib/systemd/catalog/reachd.catalog ]; then
                netns_ok "the package: the units in $UNITDIR run /usr/bin/reachd, the catalog in /usr/lib/systemd/catalog"
        else
                netns_not_ok "the package: the units in $UNITDIR run /usr/bin/reachd, the catalog in /usr/lib/systemd/catalog" \
                        "$(ls -l "$UNITDIR"/reachd.* /usr/lib/systemd/catalog/reachd.catalog 2>&1)"
        fi
}

if [ "$INSTALLED" = 1 ]; then
        check_installed
else
        # ---- 2, 3. install under ~/.local, without root's directories ----

        # Every directory is set from prefix, so that a build configured with --sysconfdir=/etc or the
        # like cannot install onto the host (directories configure took from pkg-config are absolute).
        # MAKEFLAGS of an outer `make check -jN` names a job server this make must not use.
        install_make() {
                env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
                make -C "$BUILDDIR" "$@" V=0 DESTDIR= prefix="$HOME/.local" exec_prefix='$(prefix)' \
                        bindir='$(exec_prefix)/bin' sbindir='$(exec_prefix)/sbin' libexecdir='$(exec_prefix)/libexec' \
                        libdir='$(exec_prefix)/lib' includedir='$(prefix)/include' sysconfdir='$(prefix)/etc' \
                        localstatedir='$(prefix)/var' runstatedir='$(localstatedir)/run' datarootdir='$(prefix)/share' \
                        datadir='$(datarootdir)' mandir='$(datarootdir)/man' infodir='$(datarootdir)/info' \
                        localedir='$(datarootdir)/locale' docdir='$(datarootdir)/doc/reachd' \
                        bashcompletiondir='$(datarootdir)/bash-completion/completions' \
                        systemduserunitdir="$HOME/.local/share/systemd/user" \
                        catalogdir="$HOME/.local/share/reachd/catalog"
        }

        # and should a new one appear, refuse to run rather than install there
        install_make -n install >"$netns_tmp/install-dry-run.log" 2>&1 ||
                netns_die "make -n install failed: $(tail -n 20 "$netns_tmp/install-dry-run.log")"
        outside=$(grep -o "'/[^']*'" "$netns_tmp/install-dry-run.log" | tr -d "'" | sort -u | while IFS= read -r f; do
                case $f in
                "$HOME"/* | "$BUILDDIR" | "$BUILDDIR"/* | "$SRCDIR" | "$SRCDIR"/*) ;;
                *\\*) ;;      # a sed expression of automake's man-page rules, not a path
                *) echo "$f" ;;
                esac
        done)
        [ -z "$outside" ] ||
                netns_die "make install would write outside \$HOME (a directory not overridden in this test?): $outside"
        if ! install_make install >"$netns_tmp/install.log" 2>&1; then
                echo "make install failed; its output:" >&2
                tail -n 40 "$netns_tmp/install.log" | sed 's/^/| /' >&2
                netns_die "make -C $BUILDDIR install prefix=\$HOME/.local failed"
        fi

        UNITDIR=$HOME/.local/share/systemd/user
        if [ -x "$HOME/.local/bin/reachd" ] && [ -x "$HOME/.local/bin/reachctl" ] &&
           [ "$(command -v reachctl)" = "$HOME/.local/bin/reachctl" ]; then
                netns_ok "make install: reachd and reachctl in ~/.local/bin, reachctl found on PATH"
        else
                netns_not_ok "make install: reachd and reachctl in ~/.local/bin, reachctl found on PATH" \
                        "$(ls -l "$HOME/.local/bin" 2>&1); command -v reachctl: $(command -v reachctl)"
        fi
        if grep -qx "ExecStart=$HOME/.local/bin/reachd" "$UNITDIR/reachd.service" 2>/dev/null &&
           ! grep -q '@[a-z_]*@' "$UNITDIR/reachd.service"; then
                netns_ok "make install: reachd.service runs ~/.local/bin/reachd"
        else
                netns_not_ok "make install: reachd.service runs ~/.local/bin/reachd" \
                        "$(cat "$UNITDIR/reachd.service" 2>&1)"
        fi
        if [ -f "$UNITDIR/reachd.socket" ] && [ -f "$HOME/.local/share/reachd/catalog/reachd.catalog" ]; then
                netns_ok "make install: reachd.socket in the user unit directory, the catalog in catalogdir"
        else
                netns_not_ok "make install: reachd.socket in the user unit directory, the catalog in catalogdir" \
                        "$(find "$HOME/.local" -type f 2>&1)"
        fi
fi

# ---- 4. systemd --user, and all a user types ----

systemd_user_start
# The package enables reachd.socket for every user (deb-systemd-helper, as for gpg-agent's
# sockets): a new user manager listens at once. The test then stops it, to start as a user who
# enables the service does (a package on the host would do the same to a ~/.local install).
if [ "$INSTALLED" = 1 ]; then
        if systemd_poll 5 unit_state_is reachd.socket active && sock_exists; then
                netns_ok "the package enabled reachd.socket for every user: a new user manager listens on \$XDG_RUNTIME_DIR/reachd.sock"
        else
                netns_not_ok "the package enabled reachd.socket for every user: a new user manager listens on \$XDG_RUNTIME_DIR/reachd.sock" \
                        "reachd.socket $(systemd_prop reachd.socket ActiveState 2>&1), $(systemd_prop reachd.socket UnitFileState 2>&1); $(ls -l "$XDG_RUNTIME_DIR" 2>&1)"
        fi
fi
if unit_state_is reachd.socket active; then
        systemd_ctl stop reachd.socket || netns_die "cannot stop reachd.socket"
fi
# from here on, a failed set-up step shows the unit's status and the journal
SYSTEMD_DIAGNOSE_UNIT=reachd.service
SYSTEMD_DIAGNOSE_IDENT=reachd
check_run "systemctl --user enable --now reachd" systemd_ctl enable --now reachd
check_prop reachd.service ActiveState active
check_prop reachd.service SubState running
check_prop reachd.service Type notify
MAINPID=$(systemd_prop reachd.service MainPID 2>/dev/null) || MAINPID=0
for p in NoNewPrivileges MemoryDenyWriteExecute LockPersonality RestrictRealtime RestrictSUIDSGID \
        RestrictNamespaces; do
        check_prop reachd.service "$p" yes
done
check_prop reachd.service SystemCallArchitectures native
check_prop reachd.service Restart on-failure
got=$(systemd_prop reachd.service WatchdogUSec 2>&1) || true
case $got in
0 | infinity | "" | *" "*) netns_not_ok "reachd.service: a watchdog is set (WatchdogSec=)" "WatchdogUSec='$got'" ;;
*) netns_ok "reachd.service: a watchdog is set (WatchdogUSec=$got)" ;;
esac
got=$(systemd_prop reachd.service RestrictAddressFamilies 2>&1 | tr ' ' '\n' | sort | tr '\n' ' ') || true
if [ "$got" = "AF_INET AF_INET6 AF_NETLINK AF_UNIX " ]; then
        netns_ok "reachd.service: RestrictAddressFamilies=AF_UNIX AF_NETLINK AF_INET AF_INET6"
else
        netns_not_ok "reachd.service: RestrictAddressFamilies=AF_UNIX AF_NETLINK AF_INET AF_INET6" "got '$got'"
fi
# The properties are what the unit asks for; the kernel says what the running daemon got.
if [ "$MAINPID" -gt 0 ] 2>/dev/null &&
   grep -qx 'NoNewPrivs:[[:space:]]*1' "/proc/$MAINPID/status" &&
   grep -qx 'Seccomp:[[:space:]]*2' "/proc/$MAINPID/status"; then
        netns_ok "the running daemon has no_new_privs and a seccomp filter"
else
        netns_not_ok "the running daemon has no_new_privs and a seccomp filter" \
                "MainPID=$MAINPID: $(grep -e NoNewPrivs -e Seccomp "/proc/$MAINPID/status" 2>&1)"
fi
unit_state_is reachd.service active ||
        netns_die "reachd.service is not running ($netns_nfail of $netns_nchecks checks failed so far): nothing else can be checked"
if sock_exists && [ "$(stat -c %a "$SOCK")" = 600 ]; then
        netns_ok "the socket is \$XDG_RUNTIME_DIR/reachd.sock, mode 0600"
else
        netns_not_ok "the socket is \$XDG_RUNTIME_DIR/reachd.sock, mode 0600" "$(ls -l "$XDG_RUNTIME_DIR" 2>&1)"
fi

# ---- 5. two dev servers: on 127.0.0.1 first, then on 0.0.0.0 (the most recent one is shown) ----

netns_http "$P2" 127.0.0.1
systemd_poll 5 loopback_only_seen "$P2" || true
if [ "$rc" = 1 ] && case $err in *127.0.0.1*) true ;; *) false ;; esac; then
        netns_ok "reachctl url $P2 (127.0.0.1): exit 1, says 127.0.0.1"
else
        netns_not_ok "reachctl url $P2 (127.0.0.1): exit 1, says 127.0.0.1" "exit $rc, stdout '$out', stderr '$err'"
fi
netns_http "$P1" 0.0.0.0
check_url "$P1" "http://$LAN:$P1/"
check_curl_from "the LAN peer opens http://$LAN:$P1/" "$PHONE" "http://$LAN:$P1/"
cu_rc=0
curl_from "$PHONE" "http://$LAN:$P2/" >/dev/null 2>&1 || cu_rc=$?
if [ "$cu_rc" != 0 ]; then
        netns_ok "the LAN peer cannot open port $P2 (127.0.0.1), as reachd says"
else
        netns_not_ok "the LAN peer cannot open port $P2 (127.0.0.1), as reachd says" "curl succeeded"
fi
check_status "Sharing http://$LAN:$P1/ on lan0"
ctl json
if [ "$rc" = 0 ] && printf '%s\n' "$out" | jq -e --argjson p2 "$P2" \
        '[.servers[] | select(.port == $p2) | .problem] == ["loopback-only"]' >/dev/null 2>&1; then
        netns_ok "reachctl json: port $P2 is loopback-only"
else
        netns_not_ok "reachctl json: port $P2 is loopback-only" "exit $rc: $out $err"
fi

# ---- 6. a watcher ----

reachctl watch --json >"$netns_tmp/watch.out" 2>"$netns_tmp/watch.err" &
WATCHER=$!
netns_track "$WATCHER"
if systemd_poll 5 watch_has 1 "$P1" "http://$LAN:$P1/"; then
        netns_ok "reachctl watch --json: the snapshot gives $P1 its share URL"
else
        netns_not_ok "reachctl watch --json: the snapshot gives $P1 its share URL" \
                "$(watch_show 1)"
fi

# ---- 7. the Wi-Fi changes: a new address on another interface, the default route moves, the
#      old address goes away ----

netns_peer_new
LAPTOP=$PEER
netns_veth_peer lan1 wifi0
netns_peer ip addr add 10.1.2.20/24 dev wifi0
ip addr add "$WIFI/24" dev lan1
netns_wait_operstate lan1 UP
ip route replace default via 10.1.2.1 dev lan1
ip addr del "$LAN/24" dev lan0

check_url "$P1" "http://$WIFI:$P1/"
check_curl_from "the peer on the new network opens http://$WIFI:$P1/" "$LAPTOP" "http://$WIFI:$P1/"
check_status "Sharing http://$WIFI:$P1/ on lan1"

ID_CHANGED=$(message_id SHARE_URL_CHANGED)
ID_LOOPBACK=$(message_id SERVER_LOOPBACK_ONLY)
if [ "${#ID_CHANGED}" != 32 ] || [ "${#ID_LOOPBACK}" != 32 ]; then
        netns_die "no MESSAGE_IDs in $SRCDIR/include/reachd/journal.h"
fi
check_journal "one share-url-changed entry for port $P1, from http://$LAN:$P1/ to http://$WIFI:$P1/ on lan1" 1 \
        '.REACHD_EVENT == "share-url-changed" and .REACHD_PORT == $port and .REACHD_URL == $url
         and .REACHD_PREVIOUS_URL == $prev and .REACHD_INTERFACE == "lan1"' \
        --arg port "$P1" --arg url "http://$WIFI:$P1/" --arg prev "http://$LAN:$P1/"
check_journal "that entry has the share-url-changed MESSAGE_ID, a priority, and a message naming both URLs" 1 \
        '.REACHD_EVENT == "share-url-changed" and .REACHD_PREVIOUS_URL == $prev
         and .MESSAGE_ID == $id and (.MESSAGE_ID | test("^[0-9a-f]{32}$")) and (.PRIORITY | test("^[0-7]$"))
         and (.MESSAGE | contains($url) and contains($prev))' \
        --arg id "$ID_CHANGED" --arg url "http://$WIFI:$P1/" --arg prev "http://$LAN:$P1/"
check_journal "one server-loopback-only entry for port $P2 (the network change did not repeat it), naming 127.0.0.1" 1 \
        '.REACHD_EVENT == "server-loopback-only" and .REACHD_PORT == $port and .MESSAGE_ID == $id
         and (.MESSAGE | contains("127.0.0.1"))' \
        --arg port "$P2" --arg id "$ID_LOOPBACK"

# journalctl -x explains the entry from the catalog: the package's, which its dpkg trigger
# (systemd's, on /usr/lib/systemd/catalog) compiled into /var/lib/systemd/catalog/database; or the
# ~/.local one, which journalctl never reads (only /usr/lib and /usr/local/lib), in a
# private root instead, as for a packaged install.
SUBJECT="Subject: Dev server on port $P1 is now at http://$WIFI:$P1/"
if [ "$INSTALLED" = 1 ]; then
        explained=$(journalctl -D "$SYSTEMD_JOURNAL_DIR" -x -o short --no-pager MESSAGE_ID="$ID_CHANGED" 2>&1) || true
        : >"$netns_tmp/catalog.log"
else
        CATROOT=$netns_tmp/catroot
        mkdir -p "$CATROOT/usr/lib/systemd/catalog"
        cp "$HOME/.local/share/reachd/catalog/reachd.catalog" "$CATROOT/usr/lib/systemd/catalog/" 2>/dev/null || true
        journalctl --root="$CATROOT" --update-catalog >"$netns_tmp/catalog.log" 2>&1 || true
        if [ -d /var/lib/systemd/catalog ] && [ -f "$CATROOT/var/lib/systemd/catalog/database" ] &&
           mount --bind "$CATROOT/var/lib/systemd/catalog" /var/lib/systemd/catalog; then
                explained=$(journalctl -D "$SYSTEMD_JOURNAL_DIR" -x -o short --no-pager MESSAGE_ID="$ID_CHANGED" 2>&1) || true
                umount /var/lib/systemd/catalog
        else
                # the catalog itself, its fields not filled in
                SUBJECT="Subject: Dev server on port @REACHD_PORT@ is now at @REACHD_URL@"
                explained=$(journalctl --root="$CATROOT" --dump-catalog "$ID_CHANGED" 2>&1) || true
        fi
fi
case $explained in
*"$SUBJECT"*)
        netns_ok "journalctl -x explains the share-url-changed entry (catalog): $SUBJECT"
        ;;
*)
        netns_not_ok "journalctl -x explains the share-url-changed entry (catalog)" \
                "$(printf '%s\n%s' "$(cat "$netns_tmp/catalog.log")" "$explained")"
        ;;
esac

# ---- 8. reload: the config is read again, by the same process, and the watcher stays connected
#      and keeps getting changes ----

CONF=$XDG_CONFIG_HOME/reachd/reachd.conf
mkdir -p "$(dirname "$CONF")"
printf '# written by the end-to-end test\nscheme = https\n' >"$CONF"
WATCH_FROM=$(($(watch_lines) + 1))
check_run "systemctl --user reload reachd" systemd_ctl reload reachd
check_prop reachd.service ActiveState active
check_prop reachd.service MainPID "$MAINPID"
if systemd_poll 5 watch_has "$WATCH_FROM" "$P1" "https://$WIFI:$P1/" && systemd_alive "$WATCHER"; then
        netns_ok "the reload applied reachd.conf (scheme = https): the watcher, still connected, gets https://$WIFI:$P1/"
else
        netns_not_ok "the reload applied reachd.conf (scheme = https): the watcher, still connected, gets https://$WIFI:$P1/" \
                "watcher $(systemd_alive "$WATCHER" && echo alive || echo gone); its output since the reload:
$(watch_show "$WATCH_FROM")"
fi
WATCH_FROM=$(($(watch_lines) + 1))
ip addr del "$WIFI/24" dev lan1
ip addr add "$WIFI2/24" dev lan1
ip route replace default via 10.1.2.1 dev lan1
if systemd_poll 5 watch_has "$WATCH_FROM" "$P1" "https://$WIFI2:$P1/" && systemd_alive "$WATCHER"; then
        netns_ok "after the reload, the watcher gets the next change: https://$WIFI2:$P1/"
else
        netns_not_ok "after the reload, the watcher gets the next change: https://$WIFI2:$P1/" \
                "watcher $(systemd_alive "$WATCHER" && echo alive || echo gone); its output since the change:
$(watch_show "$WATCH_FROM")"
fi
check_url "$P1" "https://$WIFI2:$P1/"
check_prop reachd.service MainPID "$MAINPID"

# ---- 9. stop; then socket activation ----

check_run "systemctl --user stop reachd" systemd_ctl stop reachd
check_prop reachd.service ActiveState inactive
if systemd_poll 2 sock_gone; then
        netns_ok "after stop, the socket file is gone"
else
        netns_not_ok "after stop, the socket file is gone" "$(ls -l "$SOCK" 2>&1)"
fi
if systemd_poll 3 systemd_exited "$WATCHER"; then
        wrc=0
        wait "$WATCHER" || wrc=$?
        if [ "$wrc" = 3 ]; then
                netns_ok "the watcher ends when reachd stops (exit 3)"
        else
                netns_not_ok "the watcher ends when reachd stops (exit 3)" "exit $wrc: $(cat "$netns_tmp/watch.err")"
        fi
else
        netns_not_ok "the watcher ends when reachd stops (exit 3)" "still running"
fi

rm -f "$CONF"
check_run "systemctl --user disable reachd.service" systemd_ctl disable reachd.service
check_run "systemctl --user enable --now reachd.socket" systemd_ctl enable --now reachd.socket
check_prop reachd.socket ActiveState active
check_prop reachd.service ActiveState inactive
if sock_exists && [ "$(stat -c %a "$SOCK")" = 600 ]; then
        netns_ok "reachd.socket listens on \$XDG_RUNTIME_DIR/reachd.sock, mode 0600"
else
        netns_not_ok "reachd.socket listens on \$XDG_RUNTIME_DIR/reachd.sock, mode 0600" "$(ls -l "$XDG_RUNTIME_DIR" 2>&1)"
fi
# the first query starts the daemon and is answered by it
ctl url "$P1"
if [ "$rc" = 0 ] && [ "$out" = "http://$WIFI2:$P1/" ]; then
        netns_ok "socket activation: the first reachctl url $P1 = http://$WIFI2:$P1/"
else
        netns_not_ok "socket activation: the first reachctl url $P1 = http://$WIFI2:$P1/" \
                "exit $rc, stdout '$out', stderr '$err'"
fi
check_prop reachd.service ActiveState active
check_status "Sharing http://$WIFI2:$P1/ on lan1"
# the socket is systemd's: stopping the service must not remove it, the next query restarts it
check_run "systemctl --user stop reachd.service (the socket stays)" systemd_ctl stop reachd.service
if sock_exists && unit_state_is reachd.socket active; then
        netns_ok "reachd.service stopped: reachd.socket still listens"
else
        netns_not_ok "reachd.service stopped: reachd.socket still listens" \
                "socket unit $(systemd_prop reachd.socket ActiveState 2>&1); $(ls -l "$SOCK" 2>&1)"
fi
check_url "$P1" "http://$WIFI2:$P1/"
check_prop reachd.service ActiveState active
check_run "systemctl --user stop reachd.socket reachd.service" systemd_ctl stop reachd.socket reachd.service
if systemd_poll 2 sock_gone; then
        netns_ok "all stopped: the socket file is gone"
else
        netns_not_ok "all stopped: the socket file is gone" "$(ls -l "$SOCK" 2>&1)"
fi

# ---- 10. the daemon never failed or restarted on the way ----

check_journal "no entry of priority err or worse" 0 '((.PRIORITY // "6") | tonumber) <= 3'
check_prop reachd.service NRestarts 0

if [ "$netns_nfail" -gt 0 ]; then
        systemd_diagnose reachd.service reachd
        {
                echo "---- the daemon's side: reachctl status, interfaces, routes, listeners"
                timeout 15 reachctl status 2>&1 | sed 's/^/| /'
                ip -br addr | sed 's/^/| /'
                ip route | sed 's/^/| /'
                ss -Htlnp | sed 's/^/| /'
                echo "---- the watcher's output"
                watch_show 1 | tail -n 20 | sed 's/^/| /'
        } >&2
fi
netns_finish
