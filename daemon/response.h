/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The answers of the socket protocol, rendered from the current view (DESIGN.md §5). Pure. */

#include <stdbool.h>
#include <stdint.h>

#include "change.h"
#include "reach.h"
#include "request.h"
#include "state.h"
#include "strbuf.h"

typedef struct Snapshot {
        const State *state;
        const char *interfaces;               /* the interfaces array published with the view; NULL:
                                               * rendered from state */
        const ReachView *view;
        uint64_t generation;
        const char *boot_id;                  /* random per daemon start, 32 hex digits */
        const char *hostname;
        int listeners_error;                  /* -errno: the listening sockets cannot be read now */
        uint64_t listener_scans;              /* reads of the listening sockets since the start (hello) */
} Snapshot;

/* Error codes of "ERR <code> <text>" */
#define RESPONSE_ERR_NO_SERVER "no-server"
#define RESPONSE_ERR_UNKNOWN_COMMAND "unknown-command"
#define RESPONSE_ERR_BAD_REQUEST "bad-request"
#define RESPONSE_ERR_TOO_LONG "request-too-long"
#define RESPONSE_ERR_PERMISSION "permission-denied"
#define RESPONSE_ERR_BUSY "busy"
#define RESPONSE_ERR_LISTENERS "listeners-unreadable"
#define RESPONSE_ERR_NOT_READY "not-ready"

int response_error(StrBuf *b, const char *code, const char *text);
/* "cannot read the listening sockets: <strerror>": the answers, STATUS= and reachd --once say it */
int response_listeners_error(StrBuf *b, int error);
/* Without listeners (or without any view yet) every answer about servers (all but ping and
 * hello) is one ERR line, and a watch request gets it and no stream */
bool response_unavailable(const Request *req, const Snapshot *snap);
/* url, list, json, status, ping: the whole answer, newline-terminated, "ERR …\n" when the answer
 * is that there is none (e.g. ERR loopback-only …). watch: the snapshot lines. */
int response_render(StrBuf *b, const Request *req, const Snapshot *snap);
/* The watch lines for changes, only those of the port when has_port, in the view of generation.
 * A removed server's line says it is gone: not listening, no URL, its last URL in
 * previous_share_url. */
int response_render_changes(StrBuf *b, const Request *req, const Change *changes, size_t n_changes,
                            uint64_t generation, const char *boot_id);
/* One line for humans about one server: "port 5173: http://192.168.1.23:5173/ on wlan0" or its
 * problem; used by status and the service's STATUS= */
int response_server_summary(StrBuf *b, const ReachServer *srv);
