/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The few top-level fields reachctl needs from one line of a `watch` stream (DESIGN.md §5): a
 * server object plus "event". Not a general JSON parser: nested values are checked and skipped.
 * Pure. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct WatchLine {
        char *event;                    /* NULL when missing or null, like the other strings */
        char *share_url;
        char *problem;
        char *hint;
        char *reason;                   /* "dropped": why the daemon ends the stream */
        bool has_port;
        uint16_t port;
        bool is_default;                /* "default": the server `url` answers for without a port */
} WatchLine;

/* line: one JSON object (a trailing newline is allowed). Errors: -EBADMSG when it is not JSON,
 * not an object, a wanted field has another type (port: an integer 1..65535), appears twice, or a
 * string holds \u0000 or a lone surrogate; -ENOMEM. */
int watchline_parse(const char *line, size_t len, WatchLine *ret);
void watchline_done(WatchLine *w);
