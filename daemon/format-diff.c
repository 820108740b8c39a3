/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>

#include "format.h"
#include "procchain.h"

/* Each network change compares the servers of two views; rendering both objects to tell which
 * fields differ was a third of the daemon's work per change. The values a field is rendered from
 * decide it in nearly every case: equal values give equal text, and some differences give
 * different text for sure. Only the rest is rendered. */
typedef enum Same {
        SAME_YES,
        SAME_NO,
        SAME_UNKNOWN,                         /* render both to tell */
} Same;

static Same same_if(bool equal) {
        return equal ? SAME_YES : SAME_NO;
}

static Same same_both(Same a, Same b) {
        if (a == SAME_NO || b == SAME_NO)
                return SAME_NO;
        return a == SAME_YES && b == SAME_YES ? SAME_YES : SAME_UNKNOWN;
}

/* Two JSON string values (NULL: null). Bytes that are not UTF-8 all become U+FFFD, so unequal
 * strings may render alike; but where the first differing byte is ASCII in both, everything
 * before it renders alike and the two bytes do not. */
static Same same_string(const char *a, const char *b) {
        size_t i = 0;

        if (a == b)
                return SAME_YES;
        if (!a || !b)
                return SAME_NO;
        while (a[i] && a[i] == b[i])
                i++;
        if (a[i] == b[i])
                return SAME_YES;
        return (unsigned char) a[i] < 0x80 && (unsigned char) b[i] < 0x80 ? SAME_NO : SAME_UNKNOWN;
}

static bool bind_equal(const ReachBind *a, const ReachBind *b) {
        return a->family == b->family && inaddr_equal(a->family, &a->address, &b->address);
}

static Same same_binds(const ReachServer *a, const ReachServer *b) {
        if (a->n_binds != b->n_binds)
                return SAME_UNKNOWN;
        for (size_t i = 0; i < a->n_binds; i++)
                if (!bind_equal(&a->binds[i], &b->binds[i]))
                        return SAME_UNKNOWN;
        return SAME_YES;
}

static Same same_urls(const ReachServer *a, const ReachServer *b) {
        /* arrays of objects: another number of them is another text */
        if (a->n_urls != b->n_urls)
                return SAME_NO;
        for (size_t i = 0; i < a->n_urls; i++) {
                if (reach_url_equal(&a->urls[i], &b->urls[i]))
                        continue;
                /* "url" comes first in each object */
                if (same_string(a->urls[i].url, b->urls[i].url) == SAME_NO)
                        return SAME_NO;
                return SAME_UNKNOWN;
        }
        return SAME_YES;
}

static const ProcChainProcess *args_of(const ReachServer *srv) {
        const ProcChain *c = srv->process.chain;

        return c && c->n > 0 && c->procs[0].pid == srv->process.pid ? &c->procs[0] : NULL;
}

static bool args_equal(const ProcChainProcess *a, const ProcChainProcess *b) {
        if (a == b)
                return true;
        if (!a || !b || a->argc != b->argc)
                return false;
        for (size_t i = 0; i < a->argc; i++)
                if (strcmp(a->argv[i], b->argv[i]) != 0)
                        return false;
        return true;
}

static Same same_process(const ReachServer *a, const ReachServer *b) {
        const ProcInfo *x = &a->process, *y = &b->process;

        if (x->pid <= 0 || y->pid <= 0)
                return same_if((x->pid <= 0) == (y->pid <= 0));
        /* "pid" comes first */
        if (x->pid != y->pid)
                return SAME_NO;
        if (strcmp(x->name, y->name) == 0 && (x->cmdline == y->cmdline ||
                                              (x->cmdline && y->cmdline && strcmp(x->cmdline, y->cmdline) == 0)) &&
            x->start_time == y->start_time && strcmp(x->via, y->via) == 0 && args_equal(args_of(a), args_of(b)))
                return SAME_YES;
        return SAME_UNKNOWN;
}

static Same same_share(const ReachUrl *a, const ReachUrl *b) {
        return same_string(a ? a->url : NULL, b ? b->url : NULL);
}

static Same same_audiences(const ReachServer *a, const ReachServer *b) {
        Same s = SAME_YES;

        for (ReachAudience x = REACH_AUDIENCE_LAN; x <= REACH_AUDIENCE_HOST; x++)
                s = same_both(s, same_share(reach_server_best(a, x), reach_server_best(b, x)));
        return s;
}

/* The sentence is made of the problem, the port, the binds and the URLs */
static Same same_problem_text(const ReachServer *a, const ReachServer *b) {
        if (a->problem == REACH_PROBLEM_NONE || b->problem == REACH_PROBLEM_NONE)
                return same_if((a->problem == REACH_PROBLEM_NONE) == (b->problem == REACH_PROBLEM_NONE));
        if (a->problem == b->problem && a->port == b->port && same_binds(a, b) == SAME_YES &&
            reach_server_urls_equal(a, b))
                return SAME_YES;
        return SAME_UNKNOWN;
}

static Same same_field(const ReachServer *a, const ReachServer *b, FormatField f) {
        switch (f) {
        case FORMAT_FIELD_PORT:
                return same_if(a->port == b->port);
        case FORMAT_FIELD_WATCHED:
                return same_if(a->watched == b->watched);
        case FORMAT_FIELD_LISTENING:
                return same_if(a->listening == b->listening);
        case FORMAT_FIELD_DEFAULT:
                return same_if(a->is_default == b->is_default);
        case FORMAT_FIELD_BINDS:
                return same_binds(a, b);
        case FORMAT_FIELD_V6ONLY:
                return same_if(a->v6only == b->v6only);
        case FORMAT_FIELD_PROCESS:
                return same_process(a, b);
        case FORMAT_FIELD_SHARE_URL:
                return same_share(reach_server_share(a), reach_server_share(b));
        case FORMAT_FIELD_AUDIENCES:
                return same_audiences(a, b);
        case FORMAT_FIELD_PROBLEM:
                /* the names differ */
                return same_if(a->problem == b->problem);
        case FORMAT_FIELD_PROBLEM_TEXT:
                return same_problem_text(a, b);
        case FORMAT_FIELD_HINT:
                return same_string(a->hint, b->hint);
        case FORMAT_FIELD_URLS:
                return same_urls(a, b);
        case _FORMAT_FIELD_MAX:
                break;
        }
        return SAME_UNKNOWN;
}

int format_server_diff(const ReachServer *a, const ReachServer *b, uint32_t *ret_fields) {
        StrBuf x = STRBUF_INIT, y = STRBUF_INIT;
        uint32_t fields = 0;
        int r = 0;

        for (FormatField f = 0; f < _FORMAT_FIELD_MAX && r >= 0; f++) {
                Same s = same_field(a, b, f);

                if (s == SAME_UNKNOWN) {
                        strbuf_reset(&x);
                        strbuf_reset(&y);
                        format_server_field(&x, a, f);
                        format_server_field(&y, b, f);
                        r = x.error < 0 ? x.error : y.error;
                        s = x.len == y.len && memcmp(x.data, y.data, x.len) == 0 ? SAME_YES : SAME_NO;
                }
                if (r >= 0 && s == SAME_NO)
                        fields |= 1U << f;
        }
        strbuf_done(&x);
        strbuf_done(&y);
        if (r < 0)
                return r;
        *ret_fields = fields;
        return 0;
}
