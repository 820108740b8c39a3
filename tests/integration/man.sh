#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The man pages: man renders reachd(8) and reachctl(1) without a single warning, and they document
# what the programs offer, so that the docs cannot drift from the code: every command and option
# that `reachctl --help` and `reachd --help` print, reachctl's exit statuses, the config keys, the
# protocol's requests and error codes, the reasons, the journal's events, MESSAGE_IDs and fields,
# and (in a private network namespace) every JSON field `reachd --once` prints. Each must be the
# tag of an entry (.TP) in the right section, not just a word somewhere.
set -eu
. "${TESTLIB:?TESTLIB is not set}/netns.sh"

: "${REACHD:?REACHD is not set}" "${REACHCTL:?REACHCTL is not set}"
top=$TESTLIB/../..
command -v man >/dev/null 2>&1 || netns_skip "man is not installed"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/reachd-man.XXXXXX") || netns_die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT

# The tags of the .TP entries of section SECTION of a page, one a line, as plain text: fonts,
# quotes and escapes gone, \- as -.
tags() {
        awk -v want="$2" '
                /^\.SH / {
                        name = substr($0, 5)
                        gsub(/"/, "", name)
                        insection = (name == want)
                        next
                }
                !insection { next }
                /^\.TP/ { tag = 1; next }
                tag {
                        tag = 0
                        line = $0
                        sub(/^\.(B|I|BR|RB|BI|IB|IR|RI) /, "", line)
                        gsub(/\\f[BIRP]/, "", line)
                        gsub(/\\-/, "-", line)
                        gsub(/\\[&%c]/, "", line)
                        gsub(/"/, "", line)
                        print line
                }
        ' "$1"
}

# check_tag PAGE SECTION WHAT ITEM MODE: ITEM is a tag of SECTION (MODE first: the tag's first
# word; any: a word of the tag, words split at blanks, commas, =, [, ], |, ( and )).
check_tag() {
        tags "$top/man/$1" "$2" >"$tmp/tags"
        case $5 in
        first)
                found=$(awk -v item="$4" '$1 == item { print; exit }' "$tmp/tags")
                ;;
        any)
                found=$(awk -v item="$4" '{
                        n = split($0, w, /[ ,=[|\]()]+/)
                        for (i = 1; i <= n; i++)
                                if (w[i] == item) { print; exit }
                }' "$tmp/tags")
                ;;
        esac
        if [ -n "$found" ]; then
                netns_ok "$1: $3 $4 is documented in $2"
        else
                netns_not_ok "$1: $3 $4 is documented in $2" \
                        "no .TP entry of section $2 has '$4' in its tag; the tags there are:
$(sed 's/^/  /' "$tmp/tags")"
        fi
}

# check_list PAGE SECTION WHAT MODE FILE: every line of FILE (not empty: an empty one means the
# code changed shape and this test must learn the new one) is a tag
check_list() {
        if [ ! -s "$5" ]; then
                netns_not_ok "$1: the $3s are documented" "found no $3 to look for (in $5)"
                return 0
        fi
        while IFS= read -r item; do
                check_tag "$1" "$2" "$3" "$item" "$4"
        done <"$5"
}

# check_width WHAT FILE: FILE (a rendered page, a --help) fits an 80-column terminal
check_width() {
        width=$(LC_ALL=C.UTF-8 wc -L <"$2")
        if [ "$width" -le 80 ]; then
                netns_ok "$1 fits in 80 columns"
        else
                netns_not_ok "$1 fits in 80 columns" "it is $width columns wide; the longest lines:
$(awk 'length > 80' "$2")"
        fi
}

echo "## man --warnings"
for page in reachd.8 reachctl.1; do
        rc=0
        LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$top/man/$page" >"$tmp/$page.txt" 2>"$tmp/$page.err" || rc=$?
        if [ "$rc" = 0 ] && [ ! -s "$tmp/$page.err" ] && grep -q '^NAME' "$tmp/$page.txt" &&
           grep -q '^SYNOPSIS' "$tmp/$page.txt"; then
                netns_ok "$page renders without warnings"
        else
                netns_not_ok "$page renders without warnings" "man exited with $rc; its stderr:
$(cat "$tmp/$page.err")"
        fi
        # examples (.EX) are not filled: one too long runs past the edge of the terminal
        check_width "$page" "$tmp/$page.txt"
done

echo "## reachd --help"
"$REACHD" --help >"$tmp/reachd.help" || netns_die "reachd --help failed"
check_width "reachd --help" "$tmp/reachd.help"
# the option column of the lines that start with an option: "-p, --port PORT", "--once"
options_of() {
        grep -E '^ {1,6}-' "$1" | sed -E 's/^ +//; s/  .*//' | grep -oE '(^|[ ,])--?[A-Za-z][A-Za-z0-9-]*' |
                sed -E 's/^[ ,]//' | sort -u
}
options_of "$tmp/reachd.help" >"$tmp/reachd.options"
check_list reachd.8 OPTIONS option any "$tmp/reachd.options"

echo "## reachctl --help"
"$REACHCTL" --help >"$tmp/reachctl.help" || netns_die "reachctl --help failed"
check_width "reachctl --help" "$tmp/reachctl.help"
options_of "$tmp/reachctl.help" >"$tmp/reachctl.options"
check_list reachctl.1 OPTIONS option any "$tmp/reachctl.options"
sed -n '/^Commands:/,/^$/p' "$tmp/reachctl.help" | sed -nE 's/^  ([a-z]+).*/\1/p' >"$tmp/reachctl.commands"
check_list reachctl.1 COMMANDS command first "$tmp/reachctl.commands"
sed -n '/^Exit status:/,$p' "$tmp/reachctl.help" | grep -oE '(^|[ ,])[0-9]+ ' | tr -d ' ,' | sort -u \
        >"$tmp/reachctl.exits"
check_list reachctl.1 "EXIT STATUS" "exit status" first "$tmp/reachctl.exits"

echo "## the daemon's tables"
sed -nE 's/.*key_is\(key, n_key, "([^"]+)"\).*/\1/p' "$top/daemon/config.c" | sort -u >"$tmp/config.keys"
check_list reachd.8 "CONFIGURATION FILE" "config key" first "$tmp/config.keys"
sed -nE 's/^ *\[REQUEST_[A-Z_]+\] = "([^"]+)",.*/\1/p' "$top/daemon/request.c" >"$tmp/requests"
check_list reachd.8 "SOCKET PROTOCOL" request first "$tmp/requests"
{
        sed -nE 's/^#define RESPONSE_ERR_[A-Z_]+ "([^"]+)".*/\1/p' "$top/daemon/response.h"
        sed -nE 's/^ *\[REACH_PROBLEM_[A-Z_]+\] = "([^"]+)",.*/\1/p' "$top/daemon/reach.c"
} >"$tmp/errors"
check_list reachd.8 "SOCKET PROTOCOL" "error code" any "$tmp/errors"
sed -nE 's/^ *\[REACH_REASON_[A-Z_]+\] = "([^"]+)",.*/\1/p' "$top/daemon/reach.c" >"$tmp/reasons"
check_list reachd.8 DESCRIPTION reason first "$tmp/reasons"
sed -nE 's/^#define REACHD_MESSAGE_ID_[A-Z_]+ +"([0-9a-f]+)".*/\1/p' "$top/include/reachd/journal.h" >"$tmp/ids"
check_list reachd.8 JOURNAL MESSAGE_ID any "$tmp/ids"
sed -nE 's/^ *\[EVENT_[A-Z_]+\] = \{ "([^"]+)",.*/\1/p' "$top/daemon/event.c" >"$tmp/events"
check_list reachd.8 JOURNAL REACHD_EVENT first "$tmp/events"
{
        echo snapshot
        sed -nE 's/^ *return "([a-z]+)";.*/\1/p' "$top/daemon/change.c"
} >"$tmp/changes"
check_list reachd.8 "WATCH EVENTS" "watch event" first "$tmp/changes"
grep -oE 'add_field(_len)?\([^"]*"[A-Z_]+"' "$top/daemon/log.c" | sed -E 's/.*"([A-Z_]+)"/\1/' | sort -u >"$tmp/fields"
check_list reachd.8 JOURNAL "journal field" first "$tmp/fields"

echo "## JSON fields of reachd --once"
# In a private network namespace (nothing of the host's appears), with one watched server on
# 0.0.0.0 so that every kind of object shows up: server, process, candidate URL, interface, address.
how=
missing=
for t in jq python3 unshare; do
        command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
done
if [ -n "$missing" ]; then
        :
elif [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
        how="unshare -n"
elif unshare -rn true 2>/dev/null; then
        how="unshare -rn"
fi
if [ -z "$how" ]; then
        why=${missing:+"not installed:$missing"}
        why=${why:-"cannot create a private network namespace"}
        if [ "${REACHD_REQUIRE_NETNS:-0}" = 1 ]; then
                netns_not_ok "JSON fields: reachd --once in a private network namespace" \
                        "$why (REACHD_REQUIRE_NETNS=1)"
        else
                echo "# the JSON fields are not checked: $why"
        fi
else
        # $how is split on purpose
        $how sh -c '
                ip link set lo up 2>/dev/null || true
                python3 -c "
import socket, sys, time
s = socket.socket()
s.bind((\"0.0.0.0\", 8491))
s.listen()
print(\"ready\", flush=True)
time.sleep(30)
" >"$2" &
                pid=$!
                i=0
                while ! grep -q ready "$2" 2>/dev/null && [ "$i" -lt 100 ]; do
                        i=$((i + 1))
                        sleep 0.1
                done
                rc=0
                "$1" --once --port 8491 || rc=$?
                kill "$pid"
                exit "$rc"
        ' sh "$REACHD" "$tmp/ready" >"$tmp/once.json" 2>"$tmp/once.err" || true
        if jq -e '.servers[0].process.pid and (.servers[0].urls | length) > 0 and
                  ([.interfaces[].addresses[]] | length) > 0' "$tmp/once.json" >/dev/null 2>&1; then
                jq -r '[paths | .[] | strings] | unique | .[]' "$tmp/once.json" >"$tmp/json.keys"
                check_list reachd.8 "JSON VIEW" "JSON field" first "$tmp/json.keys"
        else
                netns_not_ok "JSON fields: reachd --once shows a server, its process, a URL and an address" \
                        "$(printf 'stdout:\n%s\nstderr:\n%s' "$(cat "$tmp/once.json")" "$(cat "$tmp/once.err")")"
        fi
fi

netns_finish
