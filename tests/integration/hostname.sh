#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The hostname in the JSON view follows `hostnamectl set-hostname` (sethostname(), which tells no
# one): the daemon runs in a UTS namespace of its own, whose hostname the test changes.
set -eu
. "${TESTLIB:?TESTLIB is not set}/netns.sh"
netns_enter "$0" "$@"
netns_need_reachctl
command -v hostname >/dev/null 2>&1 || netns_skip "hostname is not installed"
unshare -u true 2>/dev/null || netns_skip "cannot create a UTS namespace (unshare -u)"

# reachd in a UTS namespace named laptop-a (unshare execs it: $REACHD_PID is reachd's)
printf '#!/bin/sh\nexec unshare -u sh -c '\''hostname laptop-a && exec "$0" "$@"'\'' "%s" "$@"\n' "$REACHD" \
        >"$netns_tmp/reachd-uts"
chmod +x "$netns_tmp/reachd-uts"
REAL_REACHD=$REACHD
REACHD=$netns_tmp/reachd-uts
netns_daemon_start
REACHD=$REAL_REACHD
[ "$(nsenter -t "$REACHD_PID" -u hostname)" = laptop-a ] || netns_die "reachd is not in its own UTS namespace"

netns_daemon_json
netns_check_eq "json: the hostname at start" '.hostname' '"laptop-a"'
nsenter -t "$REACHD_PID" -u hostname laptop-b
netns_daemon_json
netns_check_eq "json: the new hostname, at once" '.hostname' '"laptop-b"'

netns_finish
