#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A port published from a container: a stand-in docker-proxy (a program named so, owned by another
# user, as root's is) listens on the host. Without --port reachd shows it whoever owns it, with
# process.via naming the forwarder, found through its socket (reachd as root) and through its
# command line alone (reachd as a third user, to whom the proxy's fd/ is closed); the peer opens
# the share URL.
set -eu
. "${TESTLIB:?TESTLIB is not set}/netns.sh"
netns_enter "$0" "$@"

[ "$(id -u)" = 0 ] || netns_skip "needs root to run processes as other users"
command -v setpriv >/dev/null 2>&1 || netns_skip "setpriv is not installed"
setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null ||
        netns_skip "cannot run a process as uid 65534 here"

LAN4=192.168.50.10
netns_lan4 "$LAN4"

# The kernel names a script's process after the script: comm is docker-proxy, as Docker's is.
# The interpreter must be one that uid 65534 can run (not a shim in root's home).
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=$(python3 -c 'import sys; print(sys.executable)')
setpriv --reuid=65534 --regid=65534 --clear-groups "$PYTHON" -c pass 2>/dev/null ||
        netns_skip "uid 65534 cannot run $PYTHON"
PROXY=$netns_tmp/bin/docker-proxy
mkdir -p "$netns_tmp/bin"
chmod 755 "$netns_tmp" "$netns_tmp/bin" "$netns_tmp/www"
cat >"$PROXY" <<PY
#!$PYTHON
import functools, http.server, sys
args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory="$netns_tmp/www")
http.server.ThreadingHTTPServer((args["-host-ip"], int(args["-host-port"])), handler).serve_forever()
PY
chmod 755 "$PROXY"
setpriv --reuid=65534 --regid=65534 --clear-groups "$PROXY" -proto tcp -host-ip 0.0.0.0 -host-port 3400 \
        -container-ip 172.17.0.2 -container-port 80 >"$netns_tmp/proxy.log" 2>&1 &
netns_track $!
netns_wait_listen 3400
# and a server of the same other user that is no forwarder: not ours to show
setpriv --reuid=65534 --regid=65534 --clear-groups "$PYTHON" -m http.server 3401 --bind 0.0.0.0 \
        --directory "$netns_tmp/www" >"$netns_tmp/other.log" 2>&1 &
netns_track $!
netns_wait_listen 3401

echo "## reachd as root: the proxy's socket is in its fd/"
netns_once
netns_check_server_eq 3400 "found without --port, the forwarder named" \
        '[.watched, .process.name, .process.via, .share_url]' \
        "[false, \"docker-proxy\", \"docker-proxy\", \"http://$LAN4:3400/\"]"
netns_check "another user's server that is no forwarder is not shown" \
        'all(.servers[]; .port != 3401)'
netns_check_share_curl 3400

echo "## reachd as a third user: the proxy's fd/ is closed, its command line is not"
chmod 755 "$netns_tmp"
netns_nonce=$((netns_nonce + 1))
netns_json=$netns_tmp/once-$netns_nonce.json
XDG_CONFIG_HOME=/nonexistent setpriv --reuid=65533 --regid=65533 --clear-groups "$REACHD" --once >"$netns_json" 2>"$netns_json.err" ||
        netns_die "reachd --once as uid 65533 failed: $(cat "$netns_json.err")"
netns_check_server_eq 3400 "found through the command line" \
        '[.watched, .process.name, .process.via, .share_url]' \
        "[false, \"docker-proxy\", \"docker-proxy\", \"http://$LAN4:3400/\"]"
netns_check "the other user's server is still not shown" 'all(.servers[]; .port != 3401)'

netns_finish
