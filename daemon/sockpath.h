/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Where the socket lives; the same rules for the daemon and its clients (DESIGN.md §5):
 * $XDG_RUNTIME_DIR/reachd.sock, else /tmp/reachd-UID/reachd.sock in a private directory. */

#include <sys/types.h>

/* The parent of the private fallback directory "reachd-UID" */
#define SOCKPATH_FALLBACK_BASE "/tmp"

/* xdg_runtime_dir may be NULL; it is used only when absolute. *ret is new. -ENAMETOOLONG when
 * the result would not fit into sun_path (no silent fallback: the client must find the same). */
int sockpath_default(const char *xdg_runtime_dir, uid_t uid, char **ret);
/* The daemon: when path is inside the /tmp/reachd-UID fallback, create that directory 0700 if
 * missing; refuse (-EPERM) one owned by someone else or open to others, or a symlink
 * (-ENOTDIR: not a directory). Any other path: 0, nothing checked. */
int sockpath_prepare(const char *path, uid_t uid);
/* A client: the same ownership checks without creating anything (-ENOENT if missing). */
int sockpath_check(const char *path, uid_t uid);

/* The same with the fallback directory below base instead of SOCKPATH_FALLBACK_BASE (tests) */
int sockpath_prepare_in(const char *base, const char *path, uid_t uid);
int sockpath_check_in(const char *base, const char *path, uid_t uid);
