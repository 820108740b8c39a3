/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* One request line of the socket protocol (DESIGN.md §5). Pure. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reach.h"

typedef enum RequestCommand {
        REQUEST_URL,
        REQUEST_LIST,
        REQUEST_JSON,
        REQUEST_WATCH,
        REQUEST_STATUS,
        REQUEST_PING,
        REQUEST_HELLO,
        _REQUEST_COMMAND_MAX,
} RequestCommand;

typedef struct Request {
        RequestCommand command;
        bool has_port;
        uint16_t port;
        ReachAudience audience;               /* url: whose URL; REACH_AUDIENCE_LAN unless named */
} Request;

/* line: the bytes before '\n' (a trailing '\r' is allowed), len <= REACHD_REQUEST_MAX.
 * `url` takes a PORT and an audience ("lan", "vpn", "host"), each at most once, in any order.
 * An empty line means `url`. Errors: -EBADMSG bytes that are not printable ASCII (bad-request),
 * -EOPNOTSUPP unknown command (unknown-command), -EINVAL bad or extra arguments (bad-request). */
int request_parse(const char *line, size_t len, Request *ret);
const char *request_command_to_string(RequestCommand c);
