/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "event.h"
#include "format.h"
#include "reachd/journal.h"
#include "strbuf.h"

static const struct {
        const char *name;
        const char *message_id;
} event_table[_EVENT_TYPE_MAX] = {
        [EVENT_SHARE_URL_CHANGED] = { "share-url-changed", REACHD_MESSAGE_ID_SHARE_URL_CHANGED },
        [EVENT_SHARE_URL_LOST] = { "share-url-lost", REACHD_MESSAGE_ID_SHARE_URL_LOST },
        [EVENT_SERVER_LISTENING] = { "server-listening", REACHD_MESSAGE_ID_SERVER_LISTENING },
        [EVENT_SERVER_STOPPED] = { "server-stopped", REACHD_MESSAGE_ID_SERVER_STOPPED },
        [EVENT_SERVER_LOOPBACK_ONLY] = { "server-loopback-only", REACHD_MESSAGE_ID_SERVER_LOOPBACK_ONLY },
        [EVENT_BOUND_ADDRESS_GONE] = { "bound-address-gone", REACHD_MESSAGE_ID_BOUND_ADDRESS_GONE },
        [EVENT_NETWORK_CHANGED] = { "network-changed", REACHD_MESSAGE_ID_NETWORK_CHANGED },
        [EVENT_RESYNC] = { "resync", REACHD_MESSAGE_ID_RESYNC },
        [EVENT_SERVER_UNWATCHED] = { "server-unwatched", REACHD_MESSAGE_ID_SERVER_UNWATCHED },
};

const char *event_type_to_string(EventType t) {
        return t < _EVENT_TYPE_MAX ? event_table[t].name : NULL;
}

const char *event_message_id(EventType t) {
        return t < _EVENT_TYPE_MAX ? event_table[t].message_id : NULL;
}

void event_done(Event *e) {
        free(e->message);
        *e = (Event) {};
}

static int event_finish(Event *e, StrBuf *b, Event *ret) {
        int r = strbuf_steal(b, &e->message);

        if (r < 0) {
                strbuf_done(b);
                return r;
        }
        *ret = *e;
        return 0;
}

static void event_set_url(Event *e, const ReachUrl *u) {
        e->url = u->url;
        e->interface = u->ifindex > 0 ? u->ifname : NULL;
        e->ssid = u->ssid_len > 0 ? u->ssid : NULL;
        e->ssid_len = u->ssid_len;
        (void) inaddr_to_string(u->family, &u->address, e->address, sizeof(e->address));
}

/* A server without share URL: what its problem is worth telling */
static int event_problem(const ReachServer *srv, const ReachUrl *was, Event *ret) {
        Event e = { .port = srv->port, .problem = reach_problem_to_string(srv->problem) };
        StrBuf b = STRBUF_INIT;

        switch (srv->problem) {
        case REACH_PROBLEM_LOOPBACK_ONLY:
                e.type = EVENT_SERVER_LOOPBACK_ONLY;
                e.priority = LOG_WARNING;
                break;
        case REACH_PROBLEM_BOUND_ADDRESS_GONE:
                e.type = EVENT_BOUND_ADDRESS_GONE;
                e.priority = LOG_WARNING;
                break;
        case REACH_PROBLEM_FAMILY_MISMATCH:
                /* the server's own setting, not the network's: worth a warning from the start */
                e.type = was ? EVENT_SHARE_URL_LOST : EVENT_SERVER_LISTENING;
                e.priority = LOG_WARNING;
                break;
        case REACH_PROBLEM_BOUND_LINK_DOWN:
        case REACH_PROBLEM_NO_NETWORK:
                e.type = was ? EVENT_SHARE_URL_LOST : EVENT_SERVER_LISTENING;
                e.priority = was ? LOG_WARNING : LOG_NOTICE;
                break;
        case REACH_PROBLEM_NOT_LISTENING:
                if (!was)
                        return -ENOENT;
                e.type = EVENT_SERVER_STOPPED;
                e.priority = LOG_INFO;
                break;
        case REACH_PROBLEM_NONE:
        case _REACH_PROBLEM_MAX:
                return -ENOENT;
        }
        if (was)
                e.previous_url = was->url;
        format_problem_sentence(&b, srv);
        if (was)
                strbuf_appendf(&b, " (was %s)", was->url);
        return event_finish(&e, &b, ret);
}

int event_from_change(const Change *c, Event *ret) {
        const ReachUrl *now = c->new ? reach_server_share(c->new) : NULL;
        const ReachUrl *was = c->old ? reach_server_share(c->old) : NULL;
        StrBuf b = STRBUF_INIT;
        Event e = { .port = c->port };

        if (c->type == CHANGE_REMOVED || (c->old && c->old->listening && c->new && !c->new->listening)) {
                e.type = EVENT_SERVER_STOPPED;
                e.priority = LOG_INFO;
                if (was) {
                        e.previous_url = was->url;
                        strbuf_appendf(&b, "port %u: server stopped (was %s)", c->port, was->url);
                } else
                        strbuf_appendf(&b, "port %u: server stopped", c->port);
                return event_finish(&e, &b, ret);
        }
        if (!c->share_changed && !c->problem_changed && !(c->old && !c->old->listening && c->new->listening))
                return -ENOENT;
        if (!now)
                return event_problem(c->new, was, ret);

        event_set_url(&e, now);
        if (was) {
                e.type = EVENT_SHARE_URL_CHANGED;
                e.priority = LOG_NOTICE;
                e.previous_url = was->url;
                strbuf_appendf(&b, "port %u: share URL is now %s on ", c->port, now->url);
                format_url_interface(&b, now);
                strbuf_appendf(&b, " (was %s)", was->url);
        } else if (c->type == CHANGE_ADDED || (c->old && !c->old->listening)) {
                e.type = EVENT_SERVER_LISTENING;
                e.priority = LOG_INFO;
                strbuf_appendf(&b, "port %u: listening, share URL %s on ", c->port, now->url);
                format_url_interface(&b, now);
        } else {
                /* it had a problem before (loopback-only, no network, …) and is shareable now */
                e.type = EVENT_SHARE_URL_CHANGED;
                e.priority = LOG_NOTICE;
                strbuf_appendf(&b, "port %u: share URL is now %s on ", c->port, now->url);
                format_url_interface(&b, now);
        }
        return event_finish(&e, &b, ret);
}

int event_network_summary(const State *s, char **ret) {
        StrBuf b = STRBUF_INIT;
        const Link *best = NULL;
        uint32_t best_metric = 0, metric;

        for (size_t i = 0; i < s->n_links; i++) {
                const Link *l = &s->links[i];

                if (state_link_default_route_metric(s, l->ifindex, &metric) < 0)
                        continue;
                if (!best || metric < best_metric) {
                        best = l;
                        best_metric = metric;
                }
        }
        if (!best)
                strbuf_append(&b, "no default route");
        else {
                strbuf_appendf(&b, "default route via %s", best->name);
                for (size_t i = 0; i < s->n_addresses; i++) {
                        const Address *a = &s->addresses[i];
                        char text[INADDR_STRLEN];

                        if (a->ifindex != best->ifindex || a->family != AF_INET ||
                            inaddr_to_string(a->family, &a->address, text, sizeof(text)) < 0)
                                continue;
                        strbuf_appendf(&b, " (%s)", text);
                        break;
                }
                if (best->ssid_len > 0) {
                        strbuf_append(&b, " on Wi-Fi ");
                        format_ssid(&b, best->ssid, best->ssid_len);
                }
        }
        return strbuf_steal(&b, ret);
}

int event_network_changed(const char *summary, Event *ret) {
        StrBuf b = STRBUF_INIT;
        Event e = { .type = EVENT_NETWORK_CHANGED, .priority = LOG_INFO };

        strbuf_appendf(&b, "network changed: %s", summary);
        return event_finish(&e, &b, ret);
}

int event_resync(uint64_t overflows, uint64_t resyncs, Event *ret) {
        StrBuf b = STRBUF_INIT;
        Event e = { .type = EVENT_RESYNC, .priority = LOG_NOTICE };

        strbuf_appendf(&b, "the kernel dropped network events %llu time%s: re-read the whole network state "
                       "(%llu full re-read%s so far)",
                       (unsigned long long) overflows, overflows == 1 ? "" : "s",
                       (unsigned long long) resyncs, resyncs == 1 ? "" : "s");
        return event_finish(&e, &b, ret);
}

int event_unwatched(const Change *c, bool listening, Event *ret) {
        const ReachUrl *was = c->old ? reach_server_share(c->old) : NULL;
        StrBuf b = STRBUF_INIT;
        Event e = { .type = EVENT_SERVER_UNWATCHED, .priority = LOG_INFO, .port = c->port };

        if (was)
                e.previous_url = was->url;
        strbuf_appendf(&b, "port %u: no longer watched (the configuration does not name it any more)%s",
                       c->port, listening ? "; the server still runs" : "");
        return event_finish(&e, &b, ret);
}
