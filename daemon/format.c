/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <linux/if_addr.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "format.h"
#include "macro.h"
#include "procchain.h"

static const char *family_name(int family) {
        return family == AF_INET6 ? "ipv6" : "ipv4";
}

static const char *json_bool(bool b) {
        return b ? "true" : "false";
}

int format_address_flags_json(StrBuf *b, int family, uint32_t flags) {
        static const struct {
                uint32_t flag;
                const char *name;
        } table[] = {
                { IFA_F_DEPRECATED, "deprecated" },
                { IFA_F_TENTATIVE, "tentative" },
                { IFA_F_DADFAILED, "dadfailed" },
                { IFA_F_OPTIMISTIC, "optimistic" },
                { IFA_F_NODAD, "nodad" },
                { IFA_F_HOMEADDRESS, "homeaddress" },
                { IFA_F_PERMANENT, "permanent" },
                { IFA_F_MANAGETEMPADDR, "mngtmpaddr" },
                { IFA_F_NOPREFIXROUTE, "noprefixroute" },
                { IFA_F_MCAUTOJOIN, "autojoin" },
                { IFA_F_STABLE_PRIVACY, "stable-privacy" },
        };
        bool first = true;

        strbuf_append(b, "[");
        /* one bit, two meanings: a secondary IPv4 address, a temporary (RFC 8981) IPv6 one */
        if (flags & IFA_F_SECONDARY) {
                strbuf_append(b, family == AF_INET6 ? "\"temporary\"" : "\"secondary\"");
                first = false;
        }
        for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
                if (flags & table[i].flag) {
                        strbuf_appendf(b, "%s\"%s\"", first ? "" : ",", table[i].name);
                        first = false;
                }
        return strbuf_append(b, "]");
}

int format_ssid(StrBuf *b, const char *ssid, size_t len) {
        char s[LINK_SSID_MAX + 1];

        if (!ssid || len == 0)
                return strbuf_append(b, "null");
        if (len > LINK_SSID_MAX)
                return (b->error = -EINVAL);
        memcpy(s, ssid, len);
        s[len] = 0;
        /* a NUL would end the string: 0xff is never UTF-8, so it too comes out as U+FFFD */
        for (size_t i = 0; i < len; i++)
                if (s[i] == 0)
                        s[i] = (char) 0xff;
        return strbuf_append_json_string(b, s);
}

int format_url_interface(StrBuf *b, const ReachUrl *u) {
        strbuf_append_printable(b, u->ifname);
        if (u->ssid_len == 0)
                return b->error;
        strbuf_append(b, " (Wi-Fi ");
        format_ssid(b, u->ssid, u->ssid_len);
        return strbuf_append(b, ")");
}

static int append_address_string(StrBuf *b, int family, const union in_addr_union *a) {
        char s[INADDR_STRLEN];
        int r = inaddr_to_string(family, a, s, sizeof(s));

        if (r < 0)
                return strbuf_append(b, "null");
        return strbuf_append_json_string(b, s);
}

static int format_url_json(StrBuf *b, const ReachUrl *u) {
        strbuf_append(b, "{\"url\":");
        strbuf_append_json_string(b, u->url);
        strbuf_append(b, ",\"address\":");
        append_address_string(b, u->family, &u->address);
        strbuf_appendf(b, ",\"family\":\"%s\",\"interface\":", family_name(u->family));
        strbuf_append_json_string(b, u->ifindex > 0 ? u->ifname : NULL);
        strbuf_appendf(b, ",\"kind\":\"%s\",\"audience\":", state_link_kind_to_string(u->kind));
        strbuf_append_json_string(b, reach_audience_to_string(u->audience));
        strbuf_appendf(b, ",\"default_route\":%s,\"shareable\":%s,\"reason\":",
                       json_bool(u->default_route), json_bool(u->shareable));
        strbuf_append_json_string(b, reach_reason_to_string(u->reason));
        strbuf_append(b, ",\"flags\":");
        format_address_flags_json(b, u->family, u->address_flags);
        return strbuf_append(b, "}");
}

/* The problem's sentence as a JSON string, null without a problem */
static int append_problem_text(StrBuf *b, const ReachServer *srv) {
        StrBuf text = STRBUF_INIT;
        int r;

        if (srv->problem == REACH_PROBLEM_NONE)
                return strbuf_append(b, "null");
        r = format_problem_sentence(&text, srv);
        if (r >= 0)
                r = strbuf_append_json_string(b, text.data);
        else
                b->error = r;
        strbuf_done(&text);
        return r;
}

static int field_port(StrBuf *b, const ReachServer *srv) {
        return strbuf_appendf(b, "%u", srv->port);
}

static int field_watched(StrBuf *b, const ReachServer *srv) {
        return strbuf_append(b, json_bool(srv->watched));
}

static int field_listening(StrBuf *b, const ReachServer *srv) {
        return strbuf_append(b, json_bool(srv->listening));
}

static int field_default(StrBuf *b, const ReachServer *srv) {
        return strbuf_append(b, json_bool(srv->is_default));
}

static int field_binds(StrBuf *b, const ReachServer *srv) {
        strbuf_append(b, "[");
        for (size_t i = 0; i < srv->n_binds; i++) {
                if (i > 0)
                        strbuf_append(b, ",");
                append_address_string(b, srv->binds[i].family, &srv->binds[i].address);
        }
        return strbuf_append(b, "]");
}

static int field_v6only(StrBuf *b, const ReachServer *srv) {
        return strbuf_append(b, json_bool(srv->v6only));
}

static int field_process(StrBuf *b, const ReachServer *srv) {
        if (srv->process.pid <= 0)
                return strbuf_append(b, "null");
        strbuf_appendf(b, "{\"pid\":%d,\"name\":", (int) srv->process.pid);
        strbuf_append_json_string(b, srv->process.name);
        strbuf_append(b, ",\"cmdline\":");
        strbuf_append_json_string(b, srv->process.cmdline);
        /* the arguments as the kernel has them, where the space-joined cmdline cannot tell */
        strbuf_append(b, ",\"args\":");
        if (srv->process.chain && srv->process.chain->n > 0 && srv->process.chain->procs[0].pid == srv->process.pid) {
                const ProcChainProcess *p = &srv->process.chain->procs[0];

                strbuf_append(b, "[");
                for (size_t i = 0; i < p->argc; i++) {
                        if (i > 0)
                                strbuf_append(b, ",");
                        strbuf_append_json_string(b, p->argv[i]);
                }
                strbuf_append(b, "]");
        } else
                strbuf_append(b, "null");
        strbuf_appendf(b, ",\"start_time\":%llu,\"via\":", (unsigned long long) srv->process.start_time);
        strbuf_append_json_string(b, srv->process.via[0] ? srv->process.via : NULL);
        return strbuf_append(b, "}");
}

static int field_share_url(StrBuf *b, const ReachServer *srv) {
        const ReachUrl *share = reach_server_share(srv);

        return strbuf_append_json_string(b, share ? share->url : NULL);
}

static int field_audiences(StrBuf *b, const ReachServer *srv) {
        strbuf_append(b, "{");
        for (ReachAudience a = REACH_AUDIENCE_LAN; a <= REACH_AUDIENCE_HOST; a++) {
                const ReachUrl *best = reach_server_best(srv, a);

                strbuf_appendf(b, "%s\"%s\":", a == REACH_AUDIENCE_LAN ? "" : ",", reach_audience_to_string(a));
                strbuf_append_json_string(b, best ? best->url : NULL);
        }
        return strbuf_append(b, "}");
}

static int field_problem(StrBuf *b, const ReachServer *srv) {
        return strbuf_append_json_string(b, reach_problem_to_string(srv->problem));
}

static int field_hint(StrBuf *b, const ReachServer *srv) {
        return strbuf_append_json_string(b, srv->hint);
}

static int field_urls(StrBuf *b, const ReachServer *srv) {
        strbuf_append(b, "[");
        for (size_t i = 0; i < srv->n_urls; i++) {
                if (i > 0)
                        strbuf_append(b, ",");
                format_url_json(b, &srv->urls[i]);
        }
        return strbuf_append(b, "]");
}

/* The server object's fields, in their order: what a watch line's "changed" names */
static const struct {
        const char *name;
        int (*append)(StrBuf *b, const ReachServer *srv);
} server_fields[_FORMAT_FIELD_MAX] = {
        [FORMAT_FIELD_PORT] = { "port", field_port },
        [FORMAT_FIELD_WATCHED] = { "watched", field_watched },
        [FORMAT_FIELD_LISTENING] = { "listening", field_listening },
        [FORMAT_FIELD_DEFAULT] = { "default", field_default },
        [FORMAT_FIELD_BINDS] = { "binds", field_binds },
        [FORMAT_FIELD_V6ONLY] = { "v6only", field_v6only },
        [FORMAT_FIELD_PROCESS] = { "process", field_process },
        [FORMAT_FIELD_SHARE_URL] = { "share_url", field_share_url },
        [FORMAT_FIELD_AUDIENCES] = { "audiences", field_audiences },
        [FORMAT_FIELD_PROBLEM] = { "problem", field_problem },
        [FORMAT_FIELD_PROBLEM_TEXT] = { "problem_text", append_problem_text },
        [FORMAT_FIELD_HINT] = { "hint", field_hint },
        [FORMAT_FIELD_URLS] = { "urls", field_urls },
};

/* The fields of a server object, without the braces */
static int format_server_fields(StrBuf *b, const ReachServer *srv) {
        for (size_t i = 0; i < _FORMAT_FIELD_MAX; i++) {
                strbuf_append(b, i == 0 ? "\"" : ",\"");
                strbuf_append(b, server_fields[i].name);
                strbuf_append(b, "\":");
                server_fields[i].append(b, srv);
        }
        return b->error;
}

int format_server_json(StrBuf *b, const ReachServer *srv) {
        strbuf_append(b, "{");
        format_server_fields(b, srv);
        return strbuf_append(b, "}");
}

int format_server_field(StrBuf *b, const ReachServer *srv, FormatField f) {
        if (f >= _FORMAT_FIELD_MAX)
                return (b->error = -EINVAL);
        return server_fields[f].append(b, srv);
}

int format_watch_json(StrBuf *b, const ReachServer *srv, const char *event, const ReachServer *previous,
                      uint32_t changed, const FormatStream *stream) {
        const ReachUrl *was = previous ? reach_server_share(previous) : NULL;

        strbuf_append(b, "{\"event\":");
        strbuf_append_json_string(b, event);
        strbuf_appendf(b, ",\"generation\":%llu,\"boot_id\":", (unsigned long long) stream->generation);
        strbuf_append_json_string(b, stream->boot_id);
        if (changed != 0) {
                bool first = true;

                strbuf_append(b, ",\"changed\":[");
                for (size_t i = 0; i < _FORMAT_FIELD_MAX; i++)
                        if (changed & (1U << i)) {
                                strbuf_appendf(b, "%s\"%s\"", first ? "" : ",", server_fields[i].name);
                                first = false;
                        }
                strbuf_append(b, "]");
        }
        strbuf_append(b, ",\"previous_share_url\":");
        strbuf_append_json_string(b, was ? was->url : NULL);
        strbuf_append(b, ",\"previous_problem\":");
        strbuf_append_json_string(b, previous ? reach_problem_to_string(previous->problem) : NULL);
        strbuf_append(b, ",");
        format_server_fields(b, srv);
        return strbuf_append(b, "}");
}

int format_synced_json(StrBuf *b, const FormatStream *stream, size_t n_servers) {
        strbuf_appendf(b, "{\"event\":\"synced\",\"generation\":%llu,\"boot_id\":",
                       (unsigned long long) stream->generation);
        strbuf_append_json_string(b, stream->boot_id);
        return strbuf_appendf(b, ",\"servers\":%zu}", n_servers);
}

static int format_addresses_json(StrBuf *b, const State *s, int ifindex) {
        bool first = true;

        strbuf_append(b, "[");
        for (size_t i = 0; i < s->n_addresses; i++) {
                const Address *a = &s->addresses[i];
                const char *scope;

                if (a->ifindex != ifindex)
                        continue;
                strbuf_append(b, first ? "{\"address\":" : ",{\"address\":");
                first = false;
                append_address_string(b, a->family, &a->address);
                strbuf_appendf(b, ",\"prefixlen\":%u,\"family\":\"%s\",\"scope\":",
                               a->prefixlen, family_name(a->family));
                scope = state_scope_to_string(a->scope);
                if (scope)
                        strbuf_appendf(b, "\"%s\"", scope);
                else
                        strbuf_appendf(b, "\"%u\"", a->scope);
                strbuf_append(b, ",\"flags\":");
                format_address_flags_json(b, a->family, a->flags);
                strbuf_append(b, "}");
        }
        return strbuf_append(b, "]");
}

int format_interface_json(StrBuf *b, const State *s, const Link *l) {
        uint32_t metric;
        const char *operstate = state_operstate_to_string(l->operstate);

        strbuf_appendf(b, "{\"index\":%d,\"name\":", l->ifindex);
        strbuf_append_json_string(b, l->name);
        strbuf_appendf(b, ",\"kind\":\"%s\",\"ssid\":", state_link_kind_to_string(state_link_kind(l)));
        format_ssid(b, l->ssid, l->ssid_len);
        strbuf_appendf(b, ",\"up\":%s,\"carrier\":%s,\"operstate\":",
                       json_bool(state_link_is_up(l)), json_bool(state_link_has_carrier(l)));
        strbuf_append_json_string(b, operstate ?: "unknown");
        strbuf_appendf(b, ",\"default_route\":%s,\"addresses\":",
                       json_bool(state_link_default_route_metric(s, l->ifindex, &metric) >= 0));
        format_addresses_json(b, s, l->ifindex);
        return strbuf_append(b, "}");
}

int format_interfaces_json(StrBuf *b, const State *s) {
        strbuf_append(b, "[");
        for (size_t i = 0; i < s->n_links; i++) {
                if (i > 0)
                        strbuf_append(b, ",");
                /* State keeps them by index */
                format_interface_json(b, s, &s->links[i]);
        }
        return strbuf_append(b, "]");
}

int format_view_json_published(StrBuf *b, const ReachView *v, uint64_t generation, const char *boot_id,
                               const char *hostname, const char *interfaces) {
        strbuf_appendf(b, "{\"version\":%d,\"generation\":%llu,\"boot_id\":", REACHD_JSON_VERSION,
                       (unsigned long long) generation);
        strbuf_append_json_string(b, boot_id);
        strbuf_append(b, ",\"hostname\":");
        strbuf_append_json_string(b, hostname);
        strbuf_append(b, ",\"servers\":[");
        for (size_t i = 0; i < v->n_servers; i++) {
                if (i > 0)
                        strbuf_append(b, ",");
                format_server_json(b, &v->servers[i]);
        }
        strbuf_append(b, "],\"interfaces\":");
        strbuf_append(b, interfaces);
        return strbuf_append(b, "}");
}

int format_view_json(StrBuf *b, const State *s, const ReachView *v, uint64_t generation, const char *boot_id,
                     const char *hostname) {
        StrBuf interfaces = STRBUF_INIT;
        int r;

        r = format_interfaces_json(&interfaces, s);
        if (r >= 0)
                r = format_view_json_published(b, v, generation, boot_id, hostname, interfaces.data);
        else
                b->error = r;
        strbuf_done(&interfaces);
        return r;
}

int format_hello_json(StrBuf *b, uint64_t generation, const char *boot_id, uint64_t listener_scans) {
        /* what a client may rely on beyond protocol 1's requests and fields */
        static const char *const features[] = {
                "audiences", "default-server", "problem-text", "stream-generation", "synced", "dropped",
                "changed-fields", "removed-gone",
        };

        strbuf_appendf(b, "{\"event\":\"hello\",\"protocol\":%d,\"version\":", REACHD_PROTOCOL_VERSION);
        strbuf_append_json_string(b, PACKAGE_VERSION);
        strbuf_appendf(b, ",\"json_version\":%d,\"boot_id\":", REACHD_JSON_VERSION);
        strbuf_append_json_string(b, boot_id);
        strbuf_appendf(b, ",\"generation\":%llu,\"listener_scans\":%llu,\"features\":[",
                       (unsigned long long) generation, (unsigned long long) listener_scans);
        for (size_t i = 0; i < ELEMENTSOF(features); i++) {
                if (i > 0)
                        strbuf_append(b, ",");
                strbuf_append_json_string(b, features[i]);
        }
        return strbuf_append(b, "]}");
}

int format_binds(StrBuf *b, const ReachBind *binds, size_t n_binds) {
        for (size_t i = 0; i < n_binds; i++) {
                char buf[INADDR_STRLEN];
                int r;

                r = inaddr_to_string(binds[i].family, &binds[i].address, buf, sizeof(buf));
                if (r < 0)
                        return r;
                if (i > 0)
                        strbuf_append(b, i + 1 == n_binds ? " and " : ", ");
                strbuf_append(b, buf);
        }
        return b->error;
}

static bool has_ipv6_bind(const ReachServer *srv) {
        for (size_t i = 0; i < srv->n_binds; i++)
                if (srv->binds[i].family == AF_INET6)
                        return true;
        return false;
}

/* The interfaces of the candidates that lack carrier (or are down), each once */
static int append_down_links(StrBuf *b, const ReachServer *srv) {
        bool first = true;

        for (size_t i = 0; i < srv->n_urls; i++) {
                const ReachUrl *u = &srv->urls[i];
                bool seen = false;

                if (u->reason != REACH_REASON_DOWN && u->reason != REACH_REASON_NO_CARRIER)
                        continue;
                for (size_t j = 0; j < i && !seen; j++)
                        seen = srv->urls[j].ifindex == u->ifindex &&
                                (srv->urls[j].reason == REACH_REASON_DOWN || srv->urls[j].reason == REACH_REASON_NO_CARRIER);
                if (seen)
                        continue;
                if (!first)
                        strbuf_append(b, ", ");
                first = false;
                strbuf_append_printable(b, u->ifname);
        }
        return b->error;
}

int format_problem_sentence(StrBuf *b, const ReachServer *srv) {
        const ReachUrl *u;

        switch (srv->problem) {
        case REACH_PROBLEM_NONE:
                return -ENOENT;
        case REACH_PROBLEM_NOT_LISTENING:
                return strbuf_appendf(b, "nothing listens on port %u", srv->port);
        case REACH_PROBLEM_LOOPBACK_ONLY:
                strbuf_appendf(b, "port %u listens on ", srv->port);
                format_binds(b, srv->binds, srv->n_binds);
                return strbuf_append(b, " only: not reachable from other machines");
        case REACH_PROBLEM_BOUND_ADDRESS_GONE:
                strbuf_appendf(b, "port %u is bound to ", srv->port);
                format_binds(b, srv->binds, srv->n_binds);
                return strbuf_append(b, ", which this machine no longer has");
        case REACH_PROBLEM_BOUND_LINK_DOWN:
                strbuf_appendf(b, "port %u is bound to ", srv->port);
                format_binds(b, srv->binds, srv->n_binds);
                strbuf_append(b, ", on ");
                append_down_links(b, srv);
                return strbuf_append(b, " without carrier: not reachable until it reconnects");
        case REACH_PROBLEM_FAMILY_MISMATCH:
                strbuf_appendf(b, "port %u listens on ", srv->port);
                format_binds(b, srv->binds, srv->n_binds);
                return strbuf_append(b, has_ipv6_bind(srv) ?
                                     " (IPv6 only), but the local network has only IPv4 addresses" :
                                     " (IPv4 only), but the local network has only IPv6 addresses");
        case REACH_PROBLEM_NO_NETWORK:
                strbuf_appendf(b, "port %u listens, but this machine is not on a local network", srv->port);
                if ((u = reach_server_best(srv, REACH_AUDIENCE_VPN))) {
                        strbuf_append(b, "; colleagues on the VPN ");
                        strbuf_append_printable(b, u->ifname);
                        return strbuf_appendf(b, " can open %s", u->url);
                }
                if ((u = reach_server_best(srv, REACH_AUDIENCE_HOST)))
                        return strbuf_appendf(b, "; only containers and VMs on this machine can open %s", u->url);
                return b->error;
        case _REACH_PROBLEM_MAX:
                break;
        }
        return -EINVAL;
}
