/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mirror.h"

int mirror_update(Mirror *m, const WatchLine *w, const char *line, size_t len) {
        MirrorServer *s;
        char *copy;

        if (!w->has_port)
                return 0;
        s = (MirrorServer *) mirror_find_port(m, w->port);
        if (w->event && strcmp(w->event, "removed") == 0) {
                if (s) {
                        free(s->line);
                        *s = m->servers[--m->n];
                }
                return 0;
        }
        copy = malloc(len + 1);
        if (!copy)
                return -ENOMEM;
        memcpy(copy, line, len);
        copy[len] = 0;
        if (!s) {
                MirrorServer *p = reallocarray(m->servers, m->n + 1, sizeof(*p));

                if (!p) {
                        free(copy);
                        return -ENOMEM;
                }
                m->servers = p;
                s = &m->servers[m->n++];
                *s = (MirrorServer) { .port = w->port };
        }
        if (w->is_default)
                for (size_t i = 0; i < m->n; i++)
                        m->servers[i].is_default = false;
        free(s->line);
        s->line = copy;
        s->len = len;
        s->is_default = w->is_default;
        s->has_share_url = w->share_url != NULL;
        return 0;
}

const MirrorServer *mirror_find_port(const Mirror *m, uint16_t port) {
        for (size_t i = 0; i < m->n; i++)
                if (m->servers[i].port == port)
                        return &m->servers[i];
        return NULL;
}

const MirrorServer *mirror_default_shared(const Mirror *m) {
        for (size_t i = 0; i < m->n; i++)
                if (m->servers[i].is_default)
                        return m->servers[i].has_share_url ? &m->servers[i] : NULL;
        return NULL;
}

void mirror_done(Mirror *m) {
        for (size_t i = 0; i < m->n; i++)
                free(m->servers[i].line);
        free(m->servers);
        *m = (Mirror) {};
}
