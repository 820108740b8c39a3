/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "format.h"

const char *change_type_to_string(ChangeType t) {
        switch (t) {
        case CHANGE_ADDED:
                return "added";
        case CHANGE_REMOVED:
                return "removed";
        case CHANGE_CHANGED:
                return "changed";
        case _CHANGE_TYPE_MAX:
                break;
        }
        return NULL;
}

static bool share_equal(const ReachServer *a, const ReachServer *b) {
        const ReachUrl *x = reach_server_share(a), *y = reach_server_share(b);

        if (!x || !y)
                return x == y;
        return strcmp(x->url, y->url) == 0 && x->ifindex == y->ifindex;
}

static bool string_equal(const char *a, const char *b) {
        return a == b || (a && b && strcmp(a, b) == 0);
}

static bool binds_equal(const ReachServer *a, const ReachServer *b) {
        if (a->n_binds != b->n_binds)
                return false;
        for (size_t i = 0; i < a->n_binds; i++)
                if (a->binds[i].family != b->binds[i].family ||
                    !inaddr_equal(a->binds[i].family, &a->binds[i].address, &b->binds[i].address))
                        return false;
        return true;
}

/* What the server object says about the server itself rather than the network */
static bool server_equal(const ReachServer *a, const ReachServer *b) {
        return a->listening == b->listening && a->watched == b->watched && a->v6only == b->v6only &&
               binds_equal(a, b) && a->process.pid == b->process.pid &&
               strcmp(a->process.name, b->process.name) == 0 && string_equal(a->process.cmdline, b->process.cmdline);
}

static int changes_push(Change **items, size_t *n, Change c) {
        Change *p = reallocarray(*items, *n + 1, sizeof(**items));

        if (!p)
                return -ENOMEM;
        p[(*n)++] = c;
        *items = p;
        return 0;
}

int change_compute(const ReachView *old, const ReachView *new, Change **ret, size_t *ret_n) {
        static const ReachView empty = {};
        Change *items = NULL;
        size_t n = 0, i = 0, j = 0;
        int r = 0;

        old = old ?: &empty;
        new = new ?: &empty;
        /* both views list their servers by port */
        while (r >= 0 && (i < old->n_servers || j < new->n_servers)) {
                const ReachServer *a = i < old->n_servers ? &old->servers[i] : NULL;
                const ReachServer *b = j < new->n_servers ? &new->servers[j] : NULL;

                if (a && (!b || a->port < b->port)) {
                        r = changes_push(&items, &n, (Change) { .type = CHANGE_REMOVED, .port = a->port, .old = a,
                                                                .share_changed = reach_server_share(a) != NULL,
                                                                .urls_changed = a->n_urls > 0,
                                                                .problem_changed = a->problem != REACH_PROBLEM_NONE });
                        i++;
                } else if (b && (!a || b->port < a->port)) {
                        r = changes_push(&items, &n, (Change) { .type = CHANGE_ADDED, .port = b->port, .new = b,
                                                                .share_changed = reach_server_share(b) != NULL,
                                                                .urls_changed = b->n_urls > 0,
                                                                .problem_changed = b->problem != REACH_PROBLEM_NONE });
                        j++;
                } else {
                        Change c = { .type = CHANGE_CHANGED, .port = a->port, .old = a, .new = b,
                                     .share_changed = !share_equal(a, b),
                                     .urls_changed = !reach_server_urls_equal(a, b),
                                     .problem_changed = a->problem != b->problem,
                                     .server_changed = !server_equal(a, b) };

                        /* the JSON is the measure: the default server moving is a change of both,
                         * so clients that mirror the view (`wait` without a port) see which one
                         * `url` answers for */
                        r = format_server_diff(a, b, &c.fields);
                        if (r >= 0 && !a->listening && b->listening)
                                c.type = CHANGE_ADDED;
                        if (r >= 0 && c.fields != 0)
                                r = changes_push(&items, &n, c);
                        i++;
                        j++;
                }
        }
        if (r < 0) {
                free(items);
                return r;
        }
        *ret = items;
        *ret_n = n;
        return 0;
}
