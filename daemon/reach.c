/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fnmatch.h>
#include <linux/if_addr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "procinfo.h"
#include "macro.h"
#include "reach.h"

static const char *const problem_names[_REACH_PROBLEM_MAX] = {
        [REACH_PROBLEM_NONE] = NULL,
        [REACH_PROBLEM_NOT_LISTENING] = "not-listening",
        [REACH_PROBLEM_LOOPBACK_ONLY] = "loopback-only",
        [REACH_PROBLEM_BOUND_ADDRESS_GONE] = "bound-address-gone",
        [REACH_PROBLEM_BOUND_LINK_DOWN] = "bound-link-down",
        [REACH_PROBLEM_FAMILY_MISMATCH] = "family-mismatch",
        [REACH_PROBLEM_NO_NETWORK] = "no-network",
};

static const char *const audience_names[_REACH_AUDIENCE_MAX] = {
        [REACH_AUDIENCE_LAN] = "lan",
        [REACH_AUDIENCE_VPN] = "vpn",
        [REACH_AUDIENCE_HOST] = "host",
        [REACH_AUDIENCE_LOOPBACK] = "loopback",
        [REACH_AUDIENCE_NONE] = NULL,
};

static const char *const reason_names[_REACH_REASON_MAX] = {
        [REACH_REASON_NONE] = NULL,
        [REACH_REASON_LOOPBACK] = "loopback",
        [REACH_REASON_LINK_LOCAL] = "link-local",
        [REACH_REASON_TENTATIVE] = "tentative",
        [REACH_REASON_DAD_FAILED] = "dad-failed",
        [REACH_REASON_DOWN] = "down",
        [REACH_REASON_NO_CARRIER] = "no-carrier",
        [REACH_REASON_ADDRESS_GONE] = "address-gone",
};

const char *reach_problem_to_string(ReachProblem p) {
        return p < _REACH_PROBLEM_MAX ? problem_names[p] : NULL;
}

const char *reach_reason_to_string(ReachReason r) {
        return r < _REACH_REASON_MAX ? reason_names[r] : NULL;
}

const char *reach_audience_to_string(ReachAudience a) {
        return a < _REACH_AUDIENCE_MAX ? audience_names[a] : NULL;
}

int reach_audience_from_string(const char *s, ReachAudience *ret) {
        for (size_t i = 0; i < _REACH_AUDIENCE_MAX; i++)
                if (audience_names[i] && s && strcmp(audience_names[i], s) == 0) {
                        *ret = (ReachAudience) i;
                        return 0;
                }
        return -EINVAL;
}

/* Appends s to buf at *at; false when it does not fit */
static bool url_put(char *buf, size_t size, size_t *at, const char *s, size_t len) {
        if (len >= size - *at)
                return false;
        memcpy(buf + *at, s, len);
        *at += len;
        buf[*at] = 0;
        return true;
}

/* Without snprintf(): made for every candidate of every server, in every recomputation */
int reach_format_url(const char *scheme, int family, const union in_addr_union *a, uint16_t port,
                     char *buf, size_t size) {
        char s[INADDR_STRLEN], digits[8];
        size_t at = 0, n = sizeof(digits);
        bool v6 = family == AF_INET6;
        int r;

        r = inaddr_to_string(family, a, s, sizeof(s));
        if (r < 0)
                return r;
        do
                digits[--n] = (char) ('0' + port % 10);
        while ((port /= 10) > 0);
        scheme = scheme ?: "http";
        if (size == 0 || !url_put(buf, size, &at, scheme, strlen(scheme)) ||
            !url_put(buf, size, &at, v6 ? "://[" : "://", v6 ? 4 : 3) || !url_put(buf, size, &at, s, strlen(s)) ||
            !url_put(buf, size, &at, v6 ? "]:" : ":", v6 ? 2 : 1) ||
            !url_put(buf, size, &at, digits + n, sizeof(digits) - n) || !url_put(buf, size, &at, "/", 1))
                return -ENOBUFS;
        return 0;
}

/* Rank of the interface kind, DESIGN.md §4 rule 2 */
static int kind_tier(LinkKind k) {
        switch (k) {
        case LINK_KIND_ETHERNET:
        case LINK_KIND_WIFI:
                return 0;
        case LINK_KIND_OTHER:
                return 1;
        case LINK_KIND_VPN:
                return 2;
        case LINK_KIND_BRIDGE:
        case LINK_KIND_VETH:
                return 3;
        case LINK_KIND_LOOPBACK:
        case _LINK_KIND_MAX:
                break;
        }
        return 4;
}

/* Rule 3: IPv4, then IPv6 global, then IPv6 unique-local, then IPv4 link-local */
static int family_tier(int family, const union in_addr_union *a) {
        if (inaddr_is_loopback(family, a))
                return 5;
        if (family == AF_INET)
                return inaddr_is_link_local(family, a) ? 3 : 0;
        if (inaddr_is_link_local(family, a))
                return 4;
        return inaddr_is_ula(family, a) ? 2 : 1;
}

static int audience_tier(ReachAudience a) {
        return (int) a;
}

int reach_url_rank_compare(const ReachUrl *a, const ReachUrl *b) {
        int d;

        if (a->shareable != b->shareable)
                return a->shareable ? -1 : 1;
        d = audience_tier(a->audience) - audience_tier(b->audience);
        if (d != 0)
                return d;
        if (a->default_route != b->default_route)
                return a->default_route ? -1 : 1;
        if (a->default_route) {
                if (a->metric != b->metric)
                        return a->metric < b->metric ? -1 : 1;
                if (a->prefsrc != b->prefsrc)
                        return a->prefsrc ? -1 : 1;
        }
        d = kind_tier(a->kind) - kind_tier(b->kind);
        if (d != 0)
                return d;
        d = family_tier(a->family, &a->address) - family_tier(b->family, &b->address);
        if (d != 0)
                return d;
        d = !!(a->address_flags & IFA_F_DEPRECATED) - !!(b->address_flags & IFA_F_DEPRECATED);
        if (d != 0)
                return d;
        /* IFA_F_TEMPORARY is IFA_F_SECONDARY: a temporary IPv6 or a secondary IPv4 address */
        return !!(a->address_flags & IFA_F_TEMPORARY) - !!(b->address_flags & IFA_F_TEMPORARY);
}

int reach_url_compare(const ReachUrl *a, const ReachUrl *b) {
        int d = reach_url_rank_compare(a, b);

        if (d != 0)
                return d;
        /* addresses the machine no longer has (ifindex 0) go last */
        if (a->ifindex != b->ifindex)
                return (unsigned) a->ifindex - 1 < (unsigned) b->ifindex - 1 ? -1 : 1;
        if (a->family != b->family)
                return a->family == AF_INET ? -1 : 1;
        return inaddr_compare(a->family, &a->address, &b->address);
}

/* A candidate while ranking */
typedef struct Candidate {
        ReachUrl url;
        bool duplicate;
} Candidate;

static int candidate_compare(const void *pa, const void *pb) {
        return reach_url_compare(&((const Candidate *) pa)->url, &((const Candidate *) pb)->url);
}

/* A bridge with an Ethernet or Wi-Fi port is a LAN segment (VMs in bridged mode); one whose
 * ports are veths and taps is a private network of containers and VMs */
static bool bridge_has_physical_port(const State *s, const Link *bridge) {
        for (size_t i = 0; i < s->n_links; i++) {
                LinkKind k;

                if (s->links[i].master != bridge->ifindex)
                        continue;
                k = state_link_kind(&s->links[i]);
                if (k == LINK_KIND_ETHERNET || k == LINK_KIND_WIFI)
                        return true;
        }
        return false;
}

ReachAudience reach_link_audience(const State *s, const Link *l) {
        /* devices that carry no traffic off this machine unless something routes it */
        static const char *const host_kinds[] = { "dummy", "tun", "vxlan", "geneve", "ifb", "nlmon" };
        uint32_t metric;
        bool uplink = state_link_default_route_metric(s, l->ifindex, &metric) >= 0;

        switch (state_link_kind(l)) {
        case LINK_KIND_LOOPBACK:
                return REACH_AUDIENCE_LOOPBACK;
        case LINK_KIND_VPN:
                /* a full-tunnel VPN carries the default route and still reaches only its peers */
                return REACH_AUDIENCE_VPN;
        case LINK_KIND_ETHERNET:
        case LINK_KIND_WIFI:
                return REACH_AUDIENCE_LAN;
        case LINK_KIND_BRIDGE:
                return uplink || bridge_has_physical_port(s, l) ? REACH_AUDIENCE_LAN : REACH_AUDIENCE_HOST;
        case LINK_KIND_VETH:
                /* inside a container, the veth with the default route is the way out */
                return uplink ? REACH_AUDIENCE_LAN : REACH_AUDIENCE_HOST;
        case LINK_KIND_OTHER:
                for (size_t i = 0; i < ELEMENTSOF(host_kinds); i++)
                        if (strcmp(l->info_kind, host_kinds[i]) == 0)
                                return uplink ? REACH_AUDIENCE_LAN : REACH_AUDIENCE_HOST;
                return REACH_AUDIENCE_LAN;
        case _LINK_KIND_MAX:
                break;
        }
        return REACH_AUDIENCE_LAN;
}

static bool listener_accepts(const Listener *l, int family, const union in_addr_union *a, int ifindex) {
        if (l->ifindex != 0 && l->ifindex != ifindex)
                return false;
        if (inaddr_is_any(l->family, &l->address)) {
                if (l->family == family)
                        return true;
                /* a :: socket without IPV6_V6ONLY takes IPv4 too */
                return family == AF_INET && l->socket_is_v6 && !l->v6only;
        }
        return l->family == family && inaddr_equal(family, &l->address, a);
}

static ReachReason candidate_reason(const Link *link, int family, const union in_addr_union *a, uint32_t flags) {
        if (!link)
                return REACH_REASON_ADDRESS_GONE;
        if (inaddr_is_loopback(family, a) || state_link_kind(link) == LINK_KIND_LOOPBACK)
                return REACH_REASON_LOOPBACK;
        /* browsers take no zone id in a URL, so fe80:: cannot be shared */
        if (family == AF_INET6 && inaddr_is_link_local(family, a))
                return REACH_REASON_LINK_LOCAL;
        if (!state_link_is_up(link))
                return REACH_REASON_DOWN;
        if (!state_link_has_carrier(link))
                return REACH_REASON_NO_CARRIER;
        if (flags & IFA_F_DADFAILED)
                return REACH_REASON_DAD_FAILED;
        if (flags & IFA_F_TENTATIVE)
                return REACH_REASON_TENTATIVE;
        return REACH_REASON_NONE;
}

typedef struct CandidateList {
        Candidate *items;
        size_t n, allocated;
} CandidateList;

static int candidates_add(CandidateList *c, const State *s, const ReachConfig *config, uint16_t port,
                          int family, const union in_addr_union *a, const Link *link, uint32_t flags) {
        Candidate *x;
        int r;

        if (c->n == c->allocated) {
                size_t n = c->allocated ? c->allocated * 2 : 8;
                Candidate *p = reallocarray(c->items, n, sizeof(*p));

                if (!p)
                        return -ENOMEM;
                c->items = p;
                c->allocated = n;
        }
        x = &c->items[c->n];
        *x = (Candidate) {
                .url.family = family,
                .url.address = *a,
                .url.ifindex = link ? link->ifindex : 0,
                .url.kind = link ? state_link_kind(link) : LINK_KIND_OTHER,
                .url.address_flags = flags,
        };
        r = reach_format_url(config->scheme, family, a, port, x->url.url, sizeof(x->url.url));
        if (r < 0)
                return r;
        if (link) {
                Address tmp = { .family = family, .ifindex = link->ifindex, .address = *a };

                memcpy(x->url.ifname, link->name, sizeof(x->url.ifname));
                memcpy(x->url.ssid, link->ssid, sizeof(x->url.ssid));
                x->url.ssid_len = link->ssid_len;
                x->url.default_route = state_link_default_route_metric(s, link->ifindex, &x->url.metric) >= 0;
                x->url.prefsrc = state_address_is_default_prefsrc(s, &tmp);
                x->url.audience = reach_link_audience(s, link);
        } else
                x->url.audience = REACH_AUDIENCE_NONE;
        if (link && x->url.audience != REACH_AUDIENCE_LOOPBACK && inaddr_is_loopback(family, a))
                x->url.audience = REACH_AUDIENCE_LOOPBACK;
        x->url.reason = candidate_reason(link, family, a, flags);
        x->url.shareable = x->url.reason == REACH_REASON_NONE;
        c->n++;
        return 0;
}

static const Link *loopback_link(const State *s) {
        for (size_t i = 0; i < s->n_links; i++)
                if (state_link_kind(&s->links[i]) == LINK_KIND_LOOPBACK)
                        return &s->links[i];
        return NULL;
}

static bool bind_known(const State *s, const ReachBind *b) {
        for (size_t i = 0; i < s->n_addresses; i++)
                if (s->addresses[i].family == b->family &&
                    inaddr_equal(b->family, &s->addresses[i].address, &b->address))
                        return true;
        return false;
}

static int server_add_bind(ReachServer *srv, const Listener *l) {
        ReachBind *p;

        for (size_t i = 0; i < srv->n_binds; i++)
                if (srv->binds[i].family == l->family && inaddr_equal(l->family, &srv->binds[i].address, &l->address))
                        return 0;
        p = reallocarray(srv->binds, srv->n_binds + 1, sizeof(*p));
        if (!p)
                return -ENOMEM;
        srv->binds = p;
        srv->binds[srv->n_binds++] = (ReachBind) { .family = l->family, .address = l->address };
        return 0;
}

static bool link_ignored(const Link *l, const ReachConfig *config) {
        for (size_t i = 0; l && i < config->n_ignore; i++)
                if (fnmatch(config->ignore[i], l->name, 0) == 0)
                        return true;
        return false;
}

static bool server_has_wildcard(const ReachServer *srv) {
        for (size_t i = 0; i < srv->n_binds; i++)
                if (inaddr_is_any(srv->binds[i].family, &srv->binds[i].address))
                        return true;
        return false;
}

static const ReachUrl *server_find_url(const ReachServer *srv, const ReachBind *b) {
        for (size_t i = 0; i < srv->n_urls; i++)
                if (srv->urls[i].family == b->family && inaddr_equal(b->family, &srv->urls[i].address, &b->address))
                        return &srv->urls[i];
        return NULL;
}

/* The machine has a LAN address that could be shared, of a family no listener of the port takes */
static bool lan_address_refused(const State *s, const ReachServer *srv, const Listener *listeners,
                                size_t n_listeners, const ReachConfig *config) {
        for (size_t j = 0; j < s->n_addresses; j++) {
                const Address *a = &s->addresses[j];
                const Link *link = state_get_link(s, a->ifindex);
                bool accepted = false;

                if (!link || link_ignored(link, config) ||
                    candidate_reason(link, a->family, &a->address, a->flags) != REACH_REASON_NONE ||
                    reach_link_audience(s, link) != REACH_AUDIENCE_LAN)
                        continue;
                for (size_t i = 0; i < n_listeners && !accepted; i++)
                        accepted = listeners[i].port == srv->port &&
                                listener_accepts(&listeners[i], a->family, &a->address, a->ifindex);
                if (!accepted)
                        return true;
        }
        return false;
}

static ReachProblem server_problem(const State *s, const ReachServer *srv, const Listener *listeners,
                                   size_t n_listeners, const ReachConfig *config) {
        bool all_loopback = true, gone = false, all_down = true;

        if (!srv->listening)
                return REACH_PROBLEM_NOT_LISTENING;
        for (size_t i = 0; i < srv->n_binds; i++) {
                const ReachBind *b = &srv->binds[i];
                const ReachUrl *u;

                if (inaddr_is_loopback(b->family, &b->address))
                        continue;
                all_loopback = false;
                if (inaddr_is_any(b->family, &b->address)) {
                        all_down = false;
                        continue;
                }
                if (!bind_known(s, b))
                        gone = true;
                u = server_find_url(srv, b);
                if (!u || (u->reason != REACH_REASON_DOWN && u->reason != REACH_REASON_NO_CARRIER))
                        all_down = false;
        }
        if (all_loopback)
                return REACH_PROBLEM_LOOPBACK_ONLY;
        if (gone)
                return REACH_PROBLEM_BOUND_ADDRESS_GONE;
        if (all_down)
                return REACH_PROBLEM_BOUND_LINK_DOWN;
        if (server_has_wildcard(srv) && lan_address_refused(s, srv, listeners, n_listeners, config))
                return REACH_PROBLEM_FAMILY_MISMATCH;
        return REACH_PROBLEM_NO_NETWORK;
}

bool reach_listener_candidate(const Listener *l, const ReachConfig *config) {
        if (config->n_ports == 0)
                return true;
        for (size_t i = 0; i < config->n_ports; i++)
                if (config->ports[i] == l->port)
                        return true;
        return false;
}

bool reach_listener_selected(const Listener *l, const ProcInfo *p, const ReachConfig *config) {
        if (config->n_ports > 0)
                return reach_listener_candidate(l, config);
        /* a container's published port: root's docker-proxy, or a forwarder on a low port */
        if (p && p->pid > 0 && p->via[0])
                return true;
        return l->uid == config->uid && l->port >= 1024;
}

/* By interface and URL, then by rank: the ranked array's order is the order of the addresses */
static int candidate_key_compare(const void *pa, const void *pb) {
        const Candidate *a = *(const Candidate *const *) pa, *b = *(const Candidate *const *) pb;
        int d;

        if (a->url.ifindex != b->url.ifindex)
                return a->url.ifindex < b->url.ifindex ? -1 : 1;
        d = strcmp(a->url.url, b->url.url);
        if (d != 0)
                return d;
        return a < b ? -1 : a > b;
}

/* The same address twice on a link (two prefix lengths) is one URL, the better ranked. The
 * two need not be neighbours once ranked, as only one of them may be secondary. */
static int candidates_mark_duplicates(CandidateList *c) {
        Candidate **by_key = calloc(c->n, sizeof(*by_key));

        if (!by_key)
                return -ENOMEM;
        for (size_t i = 0; i < c->n; i++)
                by_key[i] = &c->items[i];
        qsort(by_key, c->n, sizeof(*by_key), candidate_key_compare);
        for (size_t i = 1; i < c->n; i++)
                by_key[i]->duplicate = by_key[i]->url.ifindex == by_key[i - 1]->url.ifindex &&
                        strcmp(by_key[i]->url.url, by_key[i - 1]->url.url) == 0;
        free(by_key);
        return 0;
}

static int server_build(ReachServer *srv, const State *s, const Listener *listeners, size_t n_listeners,
                        const ProcInfo *procs, const ReachConfig *config) {
        CandidateList c = {};
        const Link *lo = loopback_link(s);
        int r = 0;

        for (size_t i = 0; i < n_listeners; i++) {
                const Listener *l = &listeners[i];

                if (l->port != srv->port)
                        continue;
                srv->listening = true;
                if (l->family == AF_INET6 && l->socket_is_v6 && l->v6only && inaddr_is_any(l->family, &l->address))
                        srv->v6only = true;
                r = server_add_bind(srv, l);
                if (r < 0)
                        goto cleanup;
                if (procs && procs[i].pid > 0 && srv->process.pid == 0) {
                        r = procinfo_copy(&procs[i], &srv->process);
                        if (r < 0)
                                goto cleanup;
                        srv->first_seen = procs[i].start_time;
                }
        }

        for (size_t j = 0; j < s->n_addresses; j++) {
                const Address *a = &s->addresses[j];

                if (link_ignored(state_get_link(s, a->ifindex), config))
                        continue;

                for (size_t i = 0; i < n_listeners; i++) {
                        const Listener *l = &listeners[i];

                        if (l->port != srv->port ||
                            !listener_accepts(l, a->family, &a->address, a->ifindex))
                                continue;
                        r = candidates_add(&c, s, config, srv->port, a->family, &a->address,
                                           state_get_link(s, a->ifindex), a->flags);
                        if (r < 0)
                                goto cleanup;
                        break;
                }
        }

        /* A bind to an address we do not list: all of 127.0.0.0/8 is local through lo, anything
         * else is an address the machine no longer has (or a non-local bind). */
        for (size_t i = 0; i < srv->n_binds; i++) {
                const ReachBind *b = &srv->binds[i];

                if (inaddr_is_any(b->family, &b->address) || bind_known(s, b))
                        continue;
                r = candidates_add(&c, s, config, srv->port, b->family, &b->address,
                                   inaddr_is_loopback(b->family, &b->address) ? lo : NULL, 0);
                if (r < 0)
                        goto cleanup;
        }

        if (c.n > 0) {
                qsort(c.items, c.n, sizeof(*c.items), candidate_compare);
                srv->urls = calloc(c.n, sizeof(*srv->urls));
                if (!srv->urls) {
                        r = -ENOMEM;
                        goto cleanup;
                }
                r = candidates_mark_duplicates(&c);
                if (r < 0)
                        goto cleanup;
                for (size_t i = 0; i < c.n; i++)
                        if (!c.items[i].duplicate)
                                srv->urls[srv->n_urls++] = c.items[i].url;
        }

        if (!reach_server_share(srv))
                srv->problem = server_problem(s, srv, listeners, n_listeners, config);
        r = 0;
cleanup:
        free(c.items);
        return r;
}

static int port_compare(const void *a, const void *b) {
        return (int) *(const uint16_t *) a - (int) *(const uint16_t *) b;
}

static int collect_ports(const Listener *listeners, size_t n_listeners, const ReachConfig *config,
                         uint16_t **ret, size_t *ret_n) {
        uint16_t *ports;
        size_t n = 0;

        ports = calloc(config->n_ports + n_listeners + 1, sizeof(*ports));
        if (!ports)
                return -ENOMEM;
        if (config->n_ports > 0)
                for (size_t i = 0; i < config->n_ports; i++)
                        ports[n++] = config->ports[i];
        else
                for (size_t i = 0; i < n_listeners; i++)
                        ports[n++] = listeners[i].port;
        qsort(ports, n, sizeof(*ports), port_compare);
        if (n > 1) {
                size_t k = 1;

                for (size_t i = 1; i < n; i++)
                        if (ports[i] != ports[k - 1])
                                ports[k++] = ports[i];
                n = k;
        }
        *ret = ports;
        *ret_n = n;
        return 0;
}

int reach_compute(const State *s, const Listener *all, size_t n_all,
                  const ProcInfo *all_procs, const ReachConfig *config, ReachView **ret) {
        _cleanup_free_ Listener *listeners = NULL;
        _cleanup_free_ ProcInfo *procs = NULL;
        size_t n_listeners = 0;
        ReachView *v;
        uint16_t *ports = NULL;
        size_t n_ports = 0;
        int r;

        /* the listeners of the servers we cover, with their owners (borrowed, not copied) */
        listeners = calloc(n_all + 1, sizeof(*listeners));
        procs = calloc(n_all + 1, sizeof(*procs));
        v = calloc(1, sizeof(*v));
        if (!listeners || !procs || !v) {
                free(v);
                return -ENOMEM;
        }
        for (size_t i = 0; i < n_all; i++)
                if (reach_listener_selected(&all[i], all_procs ? &all_procs[i] : NULL, config)) {
                        listeners[n_listeners] = all[i];
                        if (all_procs)
                                procs[n_listeners] = all_procs[i];
                        n_listeners++;
                }
        r = collect_ports(listeners, n_listeners, config, &ports, &n_ports);
        if (r < 0)
                goto fail;
        if (n_ports > 0) {
                v->servers = calloc(n_ports, sizeof(*v->servers));
                if (!v->servers) {
                        r = -ENOMEM;
                        goto fail;
                }
        }
        for (size_t i = 0; i < n_ports; i++) {
                ReachServer *srv = &v->servers[v->n_servers++];

                srv->port = ports[i];
                srv->watched = config->n_ports > 0;
                r = server_build(srv, s, listeners, n_listeners, procs, config);
                if (r < 0)
                        goto fail;
        }
        free(ports);
        if (v->n_servers > 0)
                ((ReachServer *) reach_view_default_server(v))->is_default = true;
        *ret = v;
        return 0;
fail:
        free(ports);
        reach_view_free(v);
        return r;
}

ReachView *reach_view_free(ReachView *v) {
        if (!v)
                return NULL;
        for (size_t i = 0; i < v->n_servers; i++) {
                free(v->servers[i].binds);
                free(v->servers[i].urls);
                free(v->servers[i].hint);
                procinfo_done(&v->servers[i].process);
        }
        free(v->servers);
        free(v);
        return NULL;
}

void reach_view_freep(ReachView **v) {
        *v = reach_view_free(*v);
}

const ReachUrl *reach_server_best(const ReachServer *srv, ReachAudience audience) {
        /* shareable URLs come first, by audience */
        for (size_t i = 0; i < srv->n_urls && srv->urls[i].shareable; i++)
                if (srv->urls[i].audience == audience)
                        return &srv->urls[i];
        return NULL;
}

bool reach_url_equal(const ReachUrl *a, const ReachUrl *b) {
        return strcmp(a->url, b->url) == 0 && a->family == b->family &&
               inaddr_equal(a->family, &a->address, &b->address) && a->ifindex == b->ifindex &&
               strcmp(a->ifname, b->ifname) == 0 && a->kind == b->kind && a->audience == b->audience &&
               a->default_route == b->default_route && a->shareable == b->shareable && a->reason == b->reason &&
               a->address_flags == b->address_flags;
}

bool reach_server_urls_equal(const ReachServer *a, const ReachServer *b) {
        if (a->n_urls != b->n_urls)
                return false;
        for (size_t i = 0; i < a->n_urls; i++)
                if (!reach_url_equal(&a->urls[i], &b->urls[i]))
                        return false;
        return true;
}

const ReachUrl *reach_server_share(const ReachServer *srv) {
        return srv->n_urls > 0 && srv->urls[0].shareable && srv->urls[0].audience == REACH_AUDIENCE_LAN ?
                &srv->urls[0] : NULL;
}

const ReachServer *reach_view_find(const ReachView *v, uint16_t port) {
        for (size_t i = 0; i < v->n_servers; i++)
                if (v->servers[i].port == port)
                        return &v->servers[i];
        return NULL;
}

static bool server_preferred(const ReachServer *a, const ReachServer *b) {
        if (a->listening != b->listening)
                return a->listening;
        if (a->first_seen != b->first_seen)
                return a->first_seen > b->first_seen;
        /* started in the same clock tick: the one a colleague can open; ports go up */
        return reach_server_share(a) && !reach_server_share(b);
}

const ReachServer *reach_view_default_server(const ReachView *v) {
        const ReachServer *best = NULL;

        for (size_t i = 0; v && i < v->n_servers; i++)
                if (!best || server_preferred(&v->servers[i], best))
                        best = &v->servers[i];
        return best;
}
