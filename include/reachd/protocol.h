/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What the daemon and its clients agree on (DESIGN.md §5). Shared by reachd, reachctl and
 * third-party clients. */

#define REACHD_SOCKET_NAME "reachd.sock"
#define REACHD_REQUEST_MAX 1024

/* reachctl exit codes */
#define REACHCTL_EXIT_OK 0
#define REACHCTL_EXIT_NO_URL 1
#define REACHCTL_EXIT_USAGE 2
#define REACHCTL_EXIT_UNREACHABLE 3
#define REACHCTL_EXIT_PROTOCOL 4
