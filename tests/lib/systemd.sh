# SPDX-License-Identifier: GPL-2.0-or-later
# Harness of the end-to-end tests: a real systemd-journald and a real `systemd --user` manager,
# private to the test's mount and network namespaces (POSIX sh: dash and bash). Sourced after
# netns.sh:
#         . "$TESTLIB/netns.sh"
#         . "$TESTLIB/systemd.sh"
#         systemd_require
#         netns_enter "$0" "$@"
#         systemd_setup            (journald; HOME, XDG_RUNTIME_DIR and PATH of a fresh user)
#         ... install units under $HOME ...
#         systemd_user_start       (the user manager)
#
# Nothing is left on the host: /run is a tmpfs of the mount namespace, the journal is volatile and
# lives there, HOME and XDG_RUNTIME_DIR are under the test's temporary directory, and the user
# manager gets a cgroup of its own below the test's, removed at the end.

systemd_manager=
systemd_journald=
systemd_manager_pid=
systemd_journald_pid=
systemd_cgroup_name=
systemd_diagnosed=0
SYSTEMD_JOURNAL_DIR=/run/log/journal

systemd_find_libexec() {
        for d in /lib/systemd /usr/lib/systemd; do
                if [ -x "$d/$1" ]; then
                        echo "$d/$1"
                        return 0
                fi
        done
        return 1
}

# Before netns_enter: skips (exit 77) where the test cannot run.
systemd_require() {
        # journald and the manager's cgroups need the real root, not the root of a user namespace
        [ "$(id -u)" = 0 ] || netns_skip "a private systemd-journald and systemd --user need root"
        for t in systemctl journalctl make timeout; do
                command -v "$t" >/dev/null 2>&1 || netns_skip "$t is not installed"
        done
        systemd_manager=$(systemd_find_libexec systemd) || netns_skip "systemd is not installed"
        systemd_journald=$(systemd_find_libexec systemd-journald) || netns_skip "systemd-journald is not installed"
        [ -d /sys/fs/cgroup ] || netns_skip "no cgroup file system at /sys/fs/cgroup"
}

systemd_alive() {
        [ -r "/proc/$1/stat" ] || return 1
        # a child that exited stays a zombie until waited for, and kill -0 still finds it
        [ "$(sed 's/^.*) //' "/proc/$1/stat" | cut -d' ' -f1)" != Z ]
}

systemd_exited() {
        ! systemd_alive "$1"
}

# systemd_poll SECONDS COMMAND...: poll COMMAND every 0.1 s until it succeeds; false on timeout.
systemd_poll() {
        systemd_p_left=$(($1 * 10))
        shift
        while ! "$@" >/dev/null 2>&1; do
                systemd_p_left=$((systemd_p_left - 1))
                [ "$systemd_p_left" -gt 0 ] || return 1
                sleep 0.1
        done
}

systemd_journald_conf() {
        mkdir -p /run/systemd/journald.conf.d
        # the last drop-in wins: keep everything in this tmpfs, tell no console, wall or syslog,
        # and drop nothing, since the test counts entries
        cat >/run/systemd/journald.conf.d/zz-reachd-test.conf <<EOF
[Journal]
Storage=volatile
ForwardToSyslog=no
ForwardToKMsg=no
ForwardToConsole=no
ForwardToWall=no
ReadKMsg=no
Audit=no
RateLimitIntervalSec=0
EOF
}

# After netns_enter: the private /run, journald, and the environment of a fresh user.
systemd_setup() {
        [ -n "$systemd_manager" ] || netns_die "systemd_require was not called"
        trap systemd_cleanup EXIT
        # The host's /run holds its journal socket, its notify socket and (PID 1 being systemd
        # or not) decides whether a user manager agrees to start: a fresh /run hides all of it,
        # and /run/systemd/system tells the manager that systemd is the init system.
        mount -t tmpfs -o mode=0755 tmpfs /run || netns_skip "cannot mount a tmpfs over /run"
        mkdir -p /run/systemd/system /run/systemd/journal "$SYSTEMD_JOURNAL_DIR"
        if [ -d /var/log/journal ]; then
                mount -t tmpfs tmpfs /var/log/journal || netns_die "cannot hide /var/log/journal"
        fi
        systemd_journald_conf
        systemd_cgroup_remount

        "$systemd_journald" >"$netns_tmp/journald.log" 2>&1 &
        systemd_journald_pid=$!
        systemd_poll 10 test -S /run/systemd/journal/socket ||
                netns_die "systemd-journald did not create /run/systemd/journal/socket: $(cat "$netns_tmp/journald.log")"

        HOME=$netns_tmp/home
        XDG_RUNTIME_DIR=$netns_tmp/run
        XDG_CONFIG_HOME=$HOME/.config
        XDG_DATA_HOME=$HOME/.local/share
        XDG_STATE_HOME=$HOME/.local/state
        XDG_CACHE_HOME=$HOME/.cache
        PATH=$HOME/.local/bin:$PATH
        export HOME XDG_RUNTIME_DIR XDG_CONFIG_HOME XDG_DATA_HOME XDG_STATE_HOME XDG_CACHE_HOME PATH
        # a session of the host (its bus, its manager's notify socket) must not leak in
        unset DBUS_SESSION_BUS_ADDRESS NOTIFY_SOCKET LISTEN_FDS LISTEN_PID LISTEN_FDNAMES \
                JOURNAL_STREAM INVOCATION_ID WATCHDOG_PID WATCHDOG_USEC MANAGERPID
        mkdir -p "$HOME" "$XDG_RUNTIME_DIR" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME"
        chmod 0700 "$HOME" "$XDG_RUNTIME_DIR"
}

# netns_setup mounted a fresh sysfs (so that /sys/class/net describes this namespace), which hides
# the cgroup file systems below /sys/fs/cgroup; a manager cannot run without them. Mount them again
# as the host has them, from the (hidden) entries of mountinfo: mounting a v1 hierarchy with its
# options attaches the existing hierarchy, so the cgroups seen are the host's.
systemd_cgroup_remount() {
        awk '{
                for (i = 7; i <= NF && $i != "-"; i++)
                        ;
                if ($5 ~ "^/sys/fs/cgroup(/|$)" && $(i + 1) ~ /^(tmpfs|cgroup|cgroup2)$/)
                        print $(i + 1), $5, $(i + 3)
        }' /proc/self/mountinfo >"$netns_tmp/cgroup-mounts"
        [ -s "$netns_tmp/cgroup-mounts" ] || netns_skip "no cgroup file system is mounted at /sys/fs/cgroup"
        while read -r fstype mnt opts; do
                [ "$fstype" != tmpfs ] || opts=mode=0755
                mkdir -p "$mnt" 2>/dev/null || true
                mount -t "$fstype" -o "$opts" "$fstype" "$mnt" ||
                        netns_skip "cannot mount $fstype ($opts) at $mnt again"
        done <"$netns_tmp/cgroup-mounts"
}

# The mount points of the hierarchies that name a manager's cgroup: v2 and v1 name=systemd.
systemd_cgroup_mounts() {
        awk '{
                for (i = 7; i <= NF && $i != "-"; i++)
                        ;
                if ($(i + 1) == "cgroup2")
                        print "2", $4, $5
                else if ($(i + 1) == "cgroup" && $(i + 3) ~ /(^|,)name=systemd(,|$)/)
                        print "1", $4, $5
        }' /proc/self/mountinfo
}

# A user manager puts its units next to its own cgroup (minus a trailing init.scope): started
# from /init.scope, that is the host's root cgroup, shared by every other run. A child cgroup of
# our own, one per run, keeps them apart.
systemd_cgroup_setup() {
        systemd_cgroup_name=reachd-e2e.$$.$(date +%s)
        : >"$netns_tmp/cgroups"
        systemd_cgroup_mounts | while read -r kind root mnt; do
                case $kind in
                2) path=$(sed -n 's/^0:://p' /proc/self/cgroup) ;;
                *) path=$(sed -n 's/^[0-9]*:name=systemd://p' /proc/self/cgroup) ;;
                esac
                [ -n "$path" ] || continue
                case $root in
                /) ;;
                *) path=${path#"$root"} ;;
                esac
                dir=${mnt%/}${path%/}
                grep -qx "$$" "$dir/cgroup.procs" 2>/dev/null || continue
                grep -qxF "$dir/$systemd_cgroup_name" "$netns_tmp/cgroups" && continue
                mkdir "$dir/$systemd_cgroup_name" || continue
                echo "$dir/$systemd_cgroup_name" >>"$netns_tmp/cgroups"
        done
        [ -s "$netns_tmp/cgroups" ] || netns_skip "cannot make a cgroup for the user manager (cgroup file system read-only?)"
}

systemd_cgroup_cleanup() {
        [ -n "$systemd_cgroup_name" ] || return 0
        # the same path in every hierarchy: v1 ones (pids, memory…) may have got it too
        systemd_cc_dirs=$(awk '{
                        for (i = 7; i <= NF && $i != "-"; i++)
                                ;
                        if ($(i + 1) ~ /^cgroup2?$/)
                                print $5
                }' /proc/self/mountinfo | sort -u | while IFS= read -r mnt; do
                        find "$mnt" -type d -name "$systemd_cgroup_name" -prune 2>/dev/null
                done | sort -u)
        # everything the manager started, should it have died without stopping it
        printf '%s\n' "$systemd_cc_dirs" | while IFS= read -r dir; do
                [ -n "$dir" ] || continue
                find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null | while read -r p; do
                        kill -KILL "$p" 2>/dev/null || true
                done
        done
        printf '%s\n' "$systemd_cc_dirs" | while IFS= read -r dir; do
                n=0
                while [ -n "$dir" ] && [ -d "$dir" ]; do
                        find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true
                        [ -d "$dir" ] || break
                        # a killed process leaves its cgroup a moment later
                        n=$((n + 1))
                        if [ "$n" -ge 20 ]; then
                                echo "warning: could not remove the cgroup $dir" >&2
                                break
                        fi
                        sleep 0.1
                done
        done
        systemd_cgroup_name=
}

# The user manager, with the environment a login would give it (and nothing else of ours).
systemd_user_start() {
        systemd_cgroup_setup
        # shellcheck disable=SC2016
        sh -c 'while IFS= read -r d; do echo $$ >"$d/cgroup.procs" || exit 1; done <"$1"; shift; exec "$@"' \
                sh "$netns_tmp/cgroups" \
                env -i PATH="$PATH" HOME="$HOME" USER="$(id -un)" LOGNAME="$(id -un)" SHELL=/bin/sh LANG=C.UTF-8 \
                XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" \
                XDG_DATA_HOME="$XDG_DATA_HOME" XDG_STATE_HOME="$XDG_STATE_HOME" XDG_CACHE_HOME="$XDG_CACHE_HOME" \
                ${ASAN_OPTIONS:+ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0"} ${UBSAN_OPTIONS:+UBSAN_OPTIONS="$UBSAN_OPTIONS"} \
                ${LSAN_OPTIONS:+LSAN_OPTIONS="$LSAN_OPTIONS"} \
                "$systemd_manager" --user >"$netns_tmp/user-manager.log" 2>&1 &
        systemd_manager_pid=$!
        if ! systemd_poll 15 test -S "$XDG_RUNTIME_DIR/systemd/private"; then
                systemd_alive "$systemd_manager_pid" || wait "$systemd_manager_pid" 2>/dev/null || true
                netns_die "systemd --user did not start: $(tail -n 20 "$netns_tmp/user-manager.log")"
        fi
}

systemd_user_stop() {
        [ -n "$systemd_manager_pid" ] || return 0
        kill "$systemd_manager_pid" 2>/dev/null || true
        systemd_poll 15 systemd_exited "$systemd_manager_pid" ||
                kill -KILL "$systemd_manager_pid" 2>/dev/null || true
        wait "$systemd_manager_pid" 2>/dev/null || true
        systemd_manager_pid=
}

# systemctl --user, bounded: a hung manager fails the test instead of hanging it.
systemd_ctl() {
        timeout 30 systemctl --user --no-pager --no-ask-password "$@"
}

# systemd_prop UNIT PROPERTY: the value alone.
systemd_prop() {
        systemd_ctl show -p "$2" --value "$1"
}

# The journal, one JSON object a line.
systemd_journal_json() {
        journalctl -D "$SYSTEMD_JOURNAL_DIR" -o json --no-pager 2>/dev/null
}

# systemd_diagnose UNIT SYSLOG-IDENTIFIER: what anyone debugging a failure wants first.
systemd_diagnose() {
        [ "$systemd_diagnosed" = 0 ] || return 0
        systemd_diagnosed=1
        {
                echo "---- systemctl --user status $1"
                if [ -n "$systemd_manager_pid" ] && systemd_alive "$systemd_manager_pid"; then
                        systemd_ctl status -l "$1" 2>&1 | sed 's/^/| /'
                else
                        echo "| (the user manager is not running)"
                        tail -n 20 "$netns_tmp/user-manager.log" 2>/dev/null | sed 's/^/| /'
                fi
                echo "---- the journal, last 50 lines (journalctl -D $SYSTEMD_JOURNAL_DIR -o short)"
                journalctl -D "$SYSTEMD_JOURNAL_DIR" -o short --no-pager -n 50 2>&1 | sed 's/^/| /'
                echo "---- $2's entries, the last 30: MESSAGE, MESSAGE_ID, REACHD_*"
                systemd_journal_json | jq -c --arg id "$2" 'select(.SYSLOG_IDENTIFIER == $id)
                        | with_entries(select(.key == "MESSAGE" or .key == "MESSAGE_ID" or (.key | startswith("REACHD_"))))' \
                        2>&1 | tail -n 30 | sed 's/^/| /'
        } >&2
}

systemd_cleanup() {
        systemd_c_rc=$?
        trap - EXIT
        if [ "$systemd_c_rc" != 0 ] && [ "$systemd_c_rc" != 77 ] && [ -n "${SYSTEMD_DIAGNOSE_UNIT:-}" ]; then
                systemd_diagnose "$SYSTEMD_DIAGNOSE_UNIT" "${SYSTEMD_DIAGNOSE_IDENT:-$SYSTEMD_DIAGNOSE_UNIT}"
        fi
        # REACHD_TEST_JOURNAL_OUT=FILE keeps what reachd told the journal (for the docs)
        if [ -n "${REACHD_TEST_JOURNAL_OUT:-}" ] && [ -n "${SYSTEMD_JOURNAL_DIR:-}" ]; then
                journalctl -D "$SYSTEMD_JOURNAL_DIR" -o cat --no-pager SYSLOG_IDENTIFIER=reachd \
                        > "$REACHD_TEST_JOURNAL_OUT" 2>/dev/null || true
        fi
        systemd_user_stop
        systemd_cgroup_cleanup
        if [ -n "$systemd_journald_pid" ]; then
                kill "$systemd_journald_pid" 2>/dev/null || true
                wait "$systemd_journald_pid" 2>/dev/null || true
                systemd_journald_pid=
        fi
        netns_cleanup
        exit "$systemd_c_rc"
}
