/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The view as people and programs read it: the JSON document of DESIGN.md §5 and its pieces.
 * Pure: everything appends to a StrBuf. */

#include <stddef.h>
#include <stdint.h>

#include "reach.h"
#include "state.h"
#include "strbuf.h"

#define REACHD_JSON_VERSION 1
/* The socket protocol's version, in `hello`: requests, answers and watch lines */
#define REACHD_PROTOCOL_VERSION 2

/* The whole document: version, generation, boot_id (null when NULL), hostname, servers,
 * interfaces (one line, no newline) */
int format_view_json(StrBuf *b, const State *s, const ReachView *v, uint64_t generation, const char *boot_id,
                     const char *hostname);
/* The same with the interfaces array already rendered: the one published with the view */
int format_view_json_published(StrBuf *b, const ReachView *v, uint64_t generation, const char *boot_id,
                               const char *hostname, const char *interfaces);
/* The interfaces array of the document, by index */
int format_interfaces_json(StrBuf *b, const State *s);
/* The answer to `hello`, and the first line of a watch stream: protocol and daemon versions,
 * features, boot_id and generation (one line, no newline) */
int format_hello_json(StrBuf *b, uint64_t generation, const char *boot_id, uint64_t listener_scans);
/* The fields of a server object, in their order */
typedef enum FormatField {
        FORMAT_FIELD_PORT,
        FORMAT_FIELD_WATCHED,
        FORMAT_FIELD_LISTENING,
        FORMAT_FIELD_DEFAULT,
        FORMAT_FIELD_BINDS,
        FORMAT_FIELD_V6ONLY,
        FORMAT_FIELD_PROCESS,
        FORMAT_FIELD_SHARE_URL,
        FORMAT_FIELD_AUDIENCES,
        FORMAT_FIELD_PROBLEM,
        FORMAT_FIELD_PROBLEM_TEXT,
        FORMAT_FIELD_HINT,
        FORMAT_FIELD_URLS,
        _FORMAT_FIELD_MAX,
} FormatField;

/* Where a watch line stands in the stream */
typedef struct FormatStream {
        uint64_t generation;                  /* of the view the line belongs to */
        const char *boot_id;
} FormatStream;

/* One server object */
int format_server_json(StrBuf *b, const ReachServer *srv);
/* The value of one field of the server object */
int format_server_field(StrBuf *b, const ReachServer *srv, FormatField f);
/* Which fields of the two servers' objects differ, as bits 1 << FormatField: the JSON is the
 * measure, so a change is exactly what a client would see. Compares the values the fields are
 * rendered from first, and renders only a field those cannot decide (format-diff.c). */
int format_server_diff(const ReachServer *a, const ReachServer *b, uint32_t *ret_fields);
/* One watch line's object (no newline): "event", "generation", "boot_id", "changed" (the names of
 * the fields in changed, when it is not 0), the share URL and problem of previous (the server in
 * the view published before; null for none), then the server object's fields */
int format_watch_json(StrBuf *b, const ReachServer *srv, const char *event, const ReachServer *previous,
                      uint32_t changed, const FormatStream *stream);
/* The line that ends a watch stream's snapshot: {"event":"synced","generation":…,"boot_id":…,"servers":N} */
int format_synced_json(StrBuf *b, const FormatStream *stream, size_t n_servers);
/* One interface object */
int format_interface_json(StrBuf *b, const State *s, const Link *l);
/* An SSID as a JSON string literal, null when len is 0. Bytes that are not UTF-8 (NUL included)
 * become U+FFFD. The human texts show it the same way, so no name can break their lines. */
int format_ssid(StrBuf *b, const char *ssid, size_t len);
/* Where a URL is, for people: "wlan0", or `wlan0 (Wi-Fi "CoffeeShop")` */
int format_url_interface(StrBuf *b, const ReachUrl *u);
/* "127.0.0.1", "127.0.0.1 and ::1", "a, b and c" */
int format_binds(StrBuf *b, const ReachBind *binds, size_t n_binds);
/* Address flag names, as a JSON array: "secondary"/"temporary", "deprecated", "tentative", ... */
int format_address_flags_json(StrBuf *b, int family, uint32_t flags);
/* The human sentence for a server's problem: "port 5173 listens on 127.0.0.1 only: not
 * reachable from other machines" */
int format_problem_sentence(StrBuf *b, const ReachServer *srv);
