#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# What each kind of bind address means for the share URL, proven from a LAN peer: a server gets a
# share URL exactly when the peer can open it.
set -eu
. "${TESTLIB:?TESTLIB is not set}/netns.sh"
netns_enter "$0" "$@"

LAN4=192.168.50.10
GONE4=192.168.50.99
LAN6=2001:db8:50::10

netns_peer_new
netns_veth_peer lan0 phone0
ip addr add "$LAN4/24" dev lan0
ip addr add "$GONE4/24" dev lan0
ip addr add "$LAN6/64" dev lan0 nodad
ip route add default via 192.168.50.1 dev lan0 onlink
ip -6 route add default via 2001:db8:50::1 dev lan0
netns_peer ip addr add 192.168.50.20/24 dev phone0
netns_peer ip addr add 2001:db8:50::20/64 dev phone0 nodad
netns_wait_operstate lan0 UP
netns_wait_dad lan0

P_ANY4=8001
P_LO4=8002
P_LO6=8003
P_ANY6=8004
P_V6ONLY=8005
P_LAN=8006
P_GONE=8007
P_NONE=8008

netns_http "$P_ANY4" 0.0.0.0
PID_ANY4=$NETNS_LAST_PID
netns_http "$P_LO4" 127.0.0.1
netns_http "$P_LO6" ::1
netns_http "$P_ANY6" ::
netns_http_v6only "$P_V6ONLY"
netns_http "$P_LAN" "$LAN4"
netns_http "$P_GONE" "$GONE4"
# The socket stays bound to the address after the address is gone (as after a Wi-Fi change).
ip addr del "$GONE4/24" dev lan0
netns_is_listening "$P_GONE" || netns_die "the server on $GONE4 stopped when its address went away"

netns_once --port "$P_ANY4" --port "$P_LO4" --port "$P_LO6" --port "$P_ANY6" --port "$P_V6ONLY" \
        --port "$P_LAN" --port "$P_GONE" --port "$P_NONE"

netns_check_eq "servers are the watched ports, sorted" '[.servers[] | [.port, .watched]]' \
        "[[$P_ANY4,true],[$P_LO4,true],[$P_LO6,true],[$P_ANY6,true],[$P_V6ONLY,true],[$P_LAN,true],[$P_GONE,true],[$P_NONE,true]]"
netns_check "every server with a share URL has no problem and no hint, every other one has both" \
        'all(.servers[]; if .share_url != null then .problem == null and .hint == null
                         else (.problem | type) == "string" and (.hint | type) == "string" and (.hint | length) > 0 end)'
netns_check "share_url is the first URL, shareable; every shareable URL comes before the others" \
        'all(.servers[]; (.share_url == null or (.urls[0].url == .share_url and .urls[0].shareable))
                         and ([.urls[].shareable] as $s | $s == ($s | sort | reverse)))'
netns_check "a URL is shareable exactly when it has no reason" \
        'all(.servers[].urls[]; .shareable == (.reason == null))'
netns_check "every server object has the documented fields" \
        'all(.servers[]; has("port") and has("watched") and has("listening") and has("binds") and has("v6only")
                         and has("process") and has("share_url") and has("problem") and has("hint") and has("urls"))'
netns_check "every URL object has the documented fields, typed" \
        'all(.servers[].urls[]; (.url | type) == "string" and (.address | type) == "string"
                               and (.family == "ipv4" or .family == "ipv6") and has("interface")
                               and (.kind | type) == "string" and (.default_route | type) == "boolean"
                               and (.shareable | type) == "boolean" and has("reason") and (.flags | type) == "array")'

# 0.0.0.0: every IPv4 address, the LAN one shared
netns_check_server_eq "$P_ANY4" "bound to 0.0.0.0: share URL on the LAN" \
        '[.listening, .binds, .v6only, .share_url, .problem]' \
        "[true, [\"0.0.0.0\"], false, \"http://$LAN4:$P_ANY4/\", null]"
netns_check_server_eq "$P_ANY4" "bound to 0.0.0.0: candidates are the IPv4 addresses" \
        '[.urls[] | [.address, .interface, .shareable, .reason]]' \
        "[[\"$LAN4\",\"lan0\",true,null],[\"127.0.0.1\",\"lo\",false,\"loopback\"]]"
netns_check_server_eq "$P_ANY4" "the share URL's candidate describes lan0" \
        '.urls[0] | [.family, .kind, .default_route]' '["ipv4","veth",true]'
netns_check_server_eq "$P_ANY4" "the process is the python server" \
        '[.process.pid, (.process.cmdline | test("python.* -m http.server '"$P_ANY4"' --bind 0.0.0.0"))]' \
        "[$PID_ANY4, true]"
netns_check_share_curl "$P_ANY4"

# 127.0.0.1: loopback only, the hint tells python's flag
netns_check_server_eq "$P_LO4" "bound to 127.0.0.1: loopback-only" \
        '[.listening, .binds, .share_url, .problem]' "[true, [\"127.0.0.1\"], null, \"loopback-only\"]"
netns_check_server_eq "$P_LO4" "bound to 127.0.0.1: the one candidate is lo's, reason loopback" \
        '[.urls[] | [.url, .interface, .shareable, .reason]]' \
        "[[\"http://127.0.0.1:$P_LO4/\",\"lo\",false,\"loopback\"]]"
netns_check_server "$P_LO4" "the hint says --bind 0.0.0.0" '.hint | contains("--bind 0.0.0.0")'
netns_check_curl_fails "port $P_LO4: the peer cannot reach a 127.0.0.1 server at the LAN address" \
        "http://$LAN4:$P_LO4/"

# ::1: loopback only
netns_check_server_eq "$P_LO6" "bound to ::1: loopback-only" \
        '[.listening, .binds, .share_url, .problem]' "[true, [\"::1\"], null, \"loopback-only\"]"
netns_check_server_eq "$P_LO6" "bound to ::1: the one candidate is lo's, reason loopback" \
        '[.urls[] | [.url, .family, .interface, .shareable, .reason]]' \
        "[[\"http://[::1]:$P_LO6/\",\"ipv6\",\"lo\",false,\"loopback\"]]"
netns_check_server "$P_LO6" "the hint names --bind" '.hint | contains("--bind")'
netns_check_curl_fails "port $P_LO6: the peer cannot reach a ::1 server at the LAN address" \
        "http://[$LAN6]:$P_LO6/"

# :: dual-stack: IPv4 and IPv6, IPv4 ranks first
netns_check_server_eq "$P_ANY6" "bound to :: (dual-stack): share URL is the LAN IPv4 one" \
        '[.binds, .v6only, .share_url, .problem]' "[[\"::\"], false, \"http://$LAN4:$P_ANY6/\", null]"
netns_check_server_eq "$P_ANY6" "bound to :: (dual-stack): shareable candidates, IPv4 then IPv6" \
        '[.urls[] | select(.shareable) | .url]' "[\"http://$LAN4:$P_ANY6/\",\"http://[$LAN6]:$P_ANY6/\"]"
netns_check_server "$P_ANY6" "bound to :: (dual-stack): lo's and lan0's link-local addresses are listed, not shareable" \
        '([.urls[] | select(.address == "127.0.0.1" or .address == "::1") | .reason] == ["loopback","loopback"])
         and ([.urls[] | select(.address | startswith("fe80:")) | [.interface, .shareable, .reason]] == [["lan0",false,"link-local"]])'
netns_check_share_curl "$P_ANY6"
netns_check_curl_ok "port $P_ANY6: the peer opens the IPv6 URL too" "http://[$LAN6]:$P_ANY6/"

# :: v6only: IPv6 only
netns_check_server_eq "$P_V6ONLY" "bound to :: v6only: share URL is the LAN IPv6 one" \
        '[.binds, .v6only, .share_url, .problem]' "[[\"::\"], true, \"http://[$LAN6]:$P_V6ONLY/\", null]"
netns_check_server_eq "$P_V6ONLY" "bound to :: v6only: no IPv4 candidate" \
        '[.urls[] | select(.family == "ipv4")]' '[]'
netns_check_share_curl "$P_V6ONLY"
netns_check_curl_fails "port $P_V6ONLY: the peer cannot reach a v6only server over IPv4" \
        "http://$LAN4:$P_V6ONLY/"

# one specific LAN address: that address only
netns_check_server_eq "$P_LAN" "bound to $LAN4: exactly that candidate, shared" \
        '[.binds, .share_url, .problem, [.urls[].address]]' \
        "[[\"$LAN4\"], \"http://$LAN4:$P_LAN/\", null, [\"$LAN4\"]]"
netns_check_share_curl "$P_LAN"

# a specific address that is gone
netns_check_server_eq "$P_GONE" "bound to the deleted $GONE4: bound-address-gone" \
        '[.listening, .binds, .share_url, .problem]' "[true, [\"$GONE4\"], null, \"bound-address-gone\"]"
netns_check_server_eq "$P_GONE" "bound to the deleted $GONE4: its candidate is on no interface, reason address-gone" \
        '[.urls[] | [.address, .interface, .shareable, .reason]]' \
        "[[\"$GONE4\", null, false, \"address-gone\"]]"
netns_check_curl_fails "port $P_GONE: the peer cannot reach the deleted address" "http://$GONE4:$P_GONE/"

# nothing listening
netns_check_server_eq "$P_NONE" "nothing on the port: not-listening" \
        '[.listening, .binds, .share_url, .problem, .urls, .process]' \
        '[false, [], null, "not-listening", [], null]'
netns_check_curl_fails "port $P_NONE: nothing answers" "http://$LAN4:$P_NONE/"

# Without --port: every listener of our uid on a port >= 1024, unwatched
netns_once
netns_check_eq "without --port: the listening ports, unwatched" '[.servers[] | [.port, .watched]]' \
        "[[$P_ANY4,false],[$P_LO4,false],[$P_LO6,false],[$P_ANY6,false],[$P_V6ONLY,false],[$P_LAN,false],[$P_GONE,false]]"
netns_check_eq "without --port: the same share URLs" '[.servers[].share_url]' \
        "[\"http://$LAN4:$P_ANY4/\",null,null,\"http://$LAN4:$P_ANY6/\",\"http://[$LAN6]:$P_V6ONLY/\",\"http://$LAN4:$P_LAN/\",null]"

netns_finish
