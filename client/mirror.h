/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The servers as a `watch` stream without a port shows them, so that `wait` answers for the server
 * `url` would answer for (the one marked "default"). Pure. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "watchline.h"

typedef struct MirrorServer {
        uint16_t port;
        bool is_default;
        bool has_share_url;
        char *line;                     /* the server's last line, as received */
        size_t len;
} MirrorServer;

typedef struct Mirror {
        MirrorServer *servers;
        size_t n;
} Mirror;

/* Applies one parsed line (its raw bytes beside it): "removed" drops the server, anything else
 * replaces it. Only one server is the default: a line that makes one so takes it from the others,
 * whose own lines may come later in the same burst. Lines without a port are ignored. */
int mirror_update(Mirror *m, const WatchLine *w, const char *line, size_t len);
/* The server of the port, NULL when the stream has not shown it */
const MirrorServer *mirror_find_port(const Mirror *m, uint16_t port);
/* The default server when it has a share URL, else NULL */
const MirrorServer *mirror_default_shared(const Mirror *m);
void mirror_done(Mirror *m);
