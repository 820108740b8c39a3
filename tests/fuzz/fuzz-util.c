/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <net/if.h>          /* before linux/if.h, which then skips what glibc defines */
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz.h"

void *fuzz_memdup(const void *data, size_t size) {
        void *p = malloc(size > 0 ? size : 1);

        fuzz_assert(p);
        if (size > 0)
                memcpy(p, data, size);
        return p;
}

bool fuzz_untouched(const void *p, size_t size) {
        for (size_t i = 0; i < size; i++)
                if (((const uint8_t *) p)[i] != FUZZ_SENTINEL)
                        return false;
        return true;
}

/* Written again rather than taken from libmnl, so the harness does not trust what it checks */
const struct nlmsghdr *fuzz_nlmsg_next(const void *buf, size_t len, size_t *offset) {
        const struct nlmsghdr *nlh;
        size_t left = len - *offset;

        if (*offset >= len || left < sizeof(*nlh))
                return NULL;
        nlh = (const void *) ((const uint8_t *) buf + *offset);
        if (nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > left)
                return NULL;
        *offset += NLMSG_ALIGN(nlh->nlmsg_len) < left ? NLMSG_ALIGN(nlh->nlmsg_len) : left;
        return nlh;
}

/* ---- JSON, strictly ---- */

typedef struct Json {
        const unsigned char *p, *end;
        unsigned depth;
} Json;

static bool json_value(Json *j);

static void json_blank(Json *j) {
        while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
                j->p++;
}

static bool json_take(Json *j, char c) {
        json_blank(j);
        if (j->p >= j->end || *j->p != (unsigned char) c)
                return false;
        j->p++;
        return true;
}

/* RFC 3629: the shortest form only, no surrogates, nothing above U+10FFFF */
static size_t utf8_length(const unsigned char *p, const unsigned char *end) {
        unsigned char lo = 0x80, hi = 0xbf;
        size_t n;

        if (p[0] < 0x80)
                return 1;
        if (p[0] >= 0xc2 && p[0] <= 0xdf)
                n = 2;
        else if (p[0] >= 0xe0 && p[0] <= 0xef)
                n = 3;
        else if (p[0] >= 0xf0 && p[0] <= 0xf4)
                n = 4;
        else
                return 0;
        if (p[0] == 0xe0)
                lo = 0xa0;
        else if (p[0] == 0xed)
                hi = 0x9f;
        else if (p[0] == 0xf0)
                lo = 0x90;
        else if (p[0] == 0xf4)
                hi = 0x8f;
        if ((size_t) (end - p) < n || p[1] < lo || p[1] > hi)
                return 0;
        for (size_t i = 2; i < n; i++)
                if (p[i] < 0x80 || p[i] > 0xbf)
                        return 0;
        return n;
}

static bool is_hex(unsigned char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool json_string(Json *j) {
        if (!json_take(j, '"'))
                return false;
        while (j->p < j->end) {
                unsigned char c = *j->p;
                size_t n;

                if (c == '"') {
                        j->p++;
                        return true;
                }
                if (c < 0x20)
                        return false;
                if (c == '\\') {
                        if (j->end - j->p < 2)
                                return false;
                        c = j->p[1];
                        if (c == 'u') {
                                if (j->end - j->p < 6)
                                        return false;
                                for (size_t i = 2; i < 6; i++)
                                        if (!is_hex(j->p[i]))
                                                return false;
                                j->p += 6;
                                continue;
                        }
                        if (!strchr("\"\\/bfnrt", c) || c == 0)
                                return false;
                        j->p += 2;
                        continue;
                }
                n = utf8_length(j->p, j->end);
                if (n == 0)
                        return false;
                j->p += n;
        }
        return false;
}

static bool json_digits(Json *j) {
        const unsigned char *start = j->p;

        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
                j->p++;
        return j->p > start;
}

static bool json_number(Json *j) {
        if (j->p < j->end && *j->p == '-')
                j->p++;
        if (j->p < j->end && *j->p == '0')
                j->p++;
        else if (!json_digits(j))
                return false;
        if (j->p < j->end && *j->p == '.') {
                j->p++;
                if (!json_digits(j))
                        return false;
        }
        if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
                j->p++;
                if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
                        j->p++;
                if (!json_digits(j))
                        return false;
        }
        return true;
}

static bool json_word(Json *j, const char *w) {
        size_t n = strlen(w);

        if ((size_t) (j->end - j->p) < n || memcmp(j->p, w, n) != 0)
                return false;
        j->p += n;
        return true;
}

static bool json_container(Json *j, char close, bool object) {
        if (++j->depth > 64)
                return false;
        if (json_take(j, close)) {
                j->depth--;
                return true;
        }
        do {
                if (object && (!json_string(j) || !json_take(j, ':')))
                        return false;
                if (!json_value(j))
                        return false;
        } while (json_take(j, ','));
        j->depth--;
        return json_take(j, close);
}

static bool json_value(Json *j) {
        json_blank(j);
        if (j->p >= j->end)
                return false;
        switch (*j->p) {
        case '{':
                j->p++;
                return json_container(j, '}', true);
        case '[':
                j->p++;
                return json_container(j, ']', false);
        case '"':
                return json_string(j);
        case 't':
                return json_word(j, "true");
        case 'f':
                return json_word(j, "false");
        case 'n':
                return json_word(j, "null");
        }
        return json_number(j);
}

bool fuzz_json_valid(const char *s, size_t len) {
        Json j = { .p = (const unsigned char *) s, .end = (const unsigned char *) s + len };

        if (!json_value(&j))
                return false;
        json_blank(&j);
        return j.p == j.end;
}

bool fuzz_json_lines_valid(const char *s, size_t len) {
        while (len > 0) {
                const char *nl = memchr(s, '\n', len);
                size_t n;

                if (!nl)
                        return false;
                n = (size_t) (nl - s);
                if (!fuzz_json_valid(s, n))
                        return false;
                s += n + 1;
                len -= n + 1;
        }
        return true;
}

bool fuzz_text_printable(const char *s, size_t len, bool allow_tab) {
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char) s[i];

                if (c == '\n' || (allow_tab && c == '\t'))
                        continue;
                if (c < 0x20 || c > 0x7e)
                        return false;
        }
        return true;
}

/* ---- state and view ---- */

bool fuzz_inaddr_tail_zero(int family, const union in_addr_union *a) {
        for (size_t i = inaddr_size(family); i < sizeof(a->bytes); i++)
                if (a->bytes[i] != 0)
                        return false;
        return true;
}

static bool family_ok(int family) {
        return family == AF_INET || family == AF_INET6;
}

static int cmp_int(long long a, long long b) {
        return a < b ? -1 : a > b;
}

static int address_key_compare(const Address *a, const Address *b) {
        int d;

        if ((d = cmp_int(a->ifindex, b->ifindex)) != 0)
                return d;
        if ((d = cmp_int(a->family, b->family)) != 0)
                return d;
        if ((d = memcmp(a->address.bytes, b->address.bytes, inaddr_size(a->family))) != 0)
                return d;
        return cmp_int(a->prefixlen, b->prefixlen);
}

static int route_key_compare(const Route *a, const Route *b) {
        int d;

        if ((d = cmp_int(a->family, b->family)) != 0)
                return d;
        if ((d = cmp_int(a->table, b->table)) != 0)
                return d;
        if ((d = cmp_int(a->metric, b->metric)) != 0)
                return d;
        if ((d = cmp_int(a->oif, b->oif)) != 0)
                return d;
        if ((d = cmp_int(a->has_gateway, b->has_gateway)) != 0)
                return d;
        return memcmp(a->gateway.bytes, b->gateway.bytes, inaddr_size(a->family));
}

void fuzz_check_state(const State *s) {
        fuzz_assert(s->n_links <= s->allocated_links);
        fuzz_assert(s->n_addresses <= s->allocated_addresses);
        fuzz_assert(s->n_routes <= s->allocated_routes);

        for (size_t i = 0; i < s->n_links; i++) {
                const Link *l = &s->links[i];

                fuzz_assert(l->ifindex > 0);
                fuzz_assert(i == 0 || s->links[i - 1].ifindex < l->ifindex);
                fuzz_assert(memchr(l->name, 0, sizeof(l->name)));
                fuzz_assert(memchr(l->info_kind, 0, sizeof(l->info_kind)));
                fuzz_assert(state_get_link(s, l->ifindex) == l);
                fuzz_assert(state_link_kind(l) < _LINK_KIND_MAX);
                fuzz_assert(state_link_kind_to_string(state_link_kind(l)));
        }

        for (size_t i = 0; i < s->n_addresses; i++) {
                const Address *a = &s->addresses[i];
                size_t n = 0;

                fuzz_assert(family_ok(a->family));
                fuzz_assert(a->ifindex > 0);
                fuzz_assert(a->prefixlen <= inaddr_size(a->family) * 8);
                fuzz_assert(fuzz_inaddr_tail_zero(a->family, &a->address));
                fuzz_assert(i == 0 || address_key_compare(&s->addresses[i - 1], a) < 0);
                for (size_t j = 0; j < s->n_addresses; j++)
                        if (s->addresses[j].ifindex == a->ifindex && s->addresses[j].family == a->family)
                                n++;
                fuzz_assert(state_link_count_addresses(s, a->ifindex, a->family) == n);
        }

        for (size_t i = 0; i < s->n_routes; i++) {
                const Route *r = &s->routes[i];

                fuzz_assert(family_ok(r->family));
                /* only default routes of the main table are kept */
                fuzz_assert(r->table == RT_TABLE_MAIN);
                fuzz_assert(!r->multipath || r->family == AF_INET);
                fuzz_assert(r->has_gateway || inaddr_is_any(AF_INET6, &r->gateway));
                fuzz_assert(r->has_prefsrc || inaddr_is_any(AF_INET6, &r->prefsrc));
                fuzz_assert(fuzz_inaddr_tail_zero(r->family, &r->gateway));
                fuzz_assert(fuzz_inaddr_tail_zero(r->family, &r->prefsrc));
                fuzz_assert(i == 0 || route_key_compare(&s->routes[i - 1], r) < 0);
        }
}

static bool ends_with_port(const char *url, uint16_t port) {
        char suffix[16];
        size_t n = strlen(url), m;

        snprintf(suffix, sizeof(suffix), ":%u/", (unsigned) port);
        m = strlen(suffix);
        return n > m && strcmp(url + n - m, suffix) == 0;
}

static void check_url(const State *s, const ReachServer *srv, const ReachUrl *u) {
        const Link *l = u->ifindex > 0 ? state_get_link(s, u->ifindex) : NULL;

        fuzz_assert(memchr(u->url, 0, sizeof(u->url)));
        fuzz_assert(strncmp(u->url, "http://", 7) == 0 || strncmp(u->url, "https://", 8) == 0);
        fuzz_assert(ends_with_port(u->url, srv->port));
        fuzz_assert(family_ok(u->family));
        fuzz_assert((strchr(u->url, '[') != NULL) == (u->family == AF_INET6));
        fuzz_assert(fuzz_inaddr_tail_zero(u->family, &u->address));
        fuzz_assert(u->reason < _REACH_REASON_MAX);
        fuzz_assert(u->kind < _LINK_KIND_MAX);
        fuzz_assert(u->shareable == (u->reason == REACH_REASON_NONE));
        fuzz_assert((u->ifindex == 0) == (u->reason == REACH_REASON_ADDRESS_GONE));
        fuzz_assert(u->ifindex >= 0);
        if (u->ifindex > 0) {
                fuzz_assert(l);
                fuzz_assert(strncmp(u->ifname, l->name, sizeof(u->ifname)) == 0);
                fuzz_assert(u->kind == state_link_kind(l));
        }
        if (u->shareable) {
                fuzz_assert(state_link_is_up(l) && state_link_has_carrier(l));
                fuzz_assert(state_link_kind(l) != LINK_KIND_LOOPBACK);
                fuzz_assert(!inaddr_is_loopback(u->family, &u->address));
                fuzz_assert(!(u->family == AF_INET6 && inaddr_is_link_local(u->family, &u->address)));
                fuzz_assert(!(u->address_flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)));
        }
}

void fuzz_check_view(const State *s, const ReachView *v) {
        for (size_t i = 0; i < v->n_servers; i++) {
                const ReachServer *srv = &v->servers[i];
                const ReachUrl *share = reach_server_share(srv);

                fuzz_assert(i == 0 || v->servers[i - 1].port < srv->port);
                fuzz_assert(reach_view_find(v, srv->port) == srv);
                fuzz_assert(srv->problem < _REACH_PROBLEM_MAX);
                fuzz_assert((share == NULL) == (srv->problem != REACH_PROBLEM_NONE));
                fuzz_assert((srv->hint == NULL) == (srv->problem == REACH_PROBLEM_NONE));
                fuzz_assert(srv->listening == (srv->n_binds > 0));
                fuzz_assert(srv->listening || srv->problem == REACH_PROBLEM_NOT_LISTENING);
                fuzz_assert(!srv->listening || srv->problem != REACH_PROBLEM_NOT_LISTENING);

                for (size_t j = 0; j < srv->n_binds; j++) {
                        fuzz_assert(family_ok(srv->binds[j].family));
                        for (size_t k = 0; k < j; k++)
                                fuzz_assert(srv->binds[k].family != srv->binds[j].family ||
                                            !inaddr_equal(srv->binds[j].family, &srv->binds[k].address,
                                                          &srv->binds[j].address));
                }

                for (size_t j = 0; j < srv->n_urls; j++) {
                        const ReachUrl *u = &srv->urls[j];

                        check_url(s, srv, u);
                        /* shareable first */
                        fuzz_assert(j == 0 || srv->urls[j - 1].shareable || !u->shareable);
                        /* one URL per address and interface */
                        for (size_t k = 0; k < j; k++)
                                fuzz_assert(srv->urls[k].ifindex != u->ifindex ||
                                            strcmp(srv->urls[k].url, u->url) != 0);
                }
        }
        fuzz_assert(v->n_servers == 0 || reach_view_default_server(v));
}

/* ---- the fixed network ---- */

static void add_link(State *s, int ifindex, const char *name, const char *kind, uint16_t arphrd,
                     uint32_t flags, uint8_t operstate) {
        Link l = { .ifindex = ifindex, .arphrd = arphrd, .flags = flags, .operstate = operstate,
                   .wireless_probed = true };

        snprintf(l.name, sizeof(l.name), "%s", name);
        snprintf(l.info_kind, sizeof(l.info_kind), "%s", kind);
        fuzz_assert(state_link_update(s, &l) == 1);
}

static void add_address(State *s, int ifindex, int family, const char *address, uint8_t prefixlen,
                        uint8_t scope, uint32_t flags) {
        Address a = { .family = family, .ifindex = ifindex, .prefixlen = prefixlen, .scope = scope,
                      .flags = flags };

        fuzz_assert(inet_pton(family, address, a.address.bytes) == 1);
        fuzz_assert(state_address_update(s, &a) == 1);
}

static void add_default_route(State *s, int family, int oif, uint32_t metric) {
        Route r = { .family = family, .oif = oif, .metric = metric, .table = RT_TABLE_MAIN };

        fuzz_assert(state_route_update(s, &r) == 1);
}

const State *fuzz_network(void) {
        static State *s;
        const uint32_t up = IFF_UP | IFF_RUNNING | IFF_LOWER_UP;

        if (s)
                return s;
        fuzz_assert(state_new(&s) == 0);
        add_link(s, 1, "lo", "", ARPHRD_LOOPBACK, up | IFF_LOOPBACK, IF_OPER_UNKNOWN);
        add_address(s, 1, AF_INET, "127.0.0.1", 8, RT_SCOPE_HOST, IFA_F_PERMANENT);
        add_address(s, 1, AF_INET6, "::1", 128, RT_SCOPE_HOST, IFA_F_PERMANENT);
        add_link(s, 2, "lan0", "veth", ARPHRD_ETHER, up, IF_OPER_UP);
        add_address(s, 2, AF_INET, "10.0.0.2", 24, RT_SCOPE_UNIVERSE, IFA_F_PERMANENT);
        add_address(s, 2, AF_INET, "10.0.0.3", 24, RT_SCOPE_UNIVERSE, IFA_F_PERMANENT | IFA_F_SECONDARY);
        add_address(s, 2, AF_INET6, "2001:db8:1::2", 64, RT_SCOPE_UNIVERSE, IFA_F_PERMANENT | IFA_F_NODAD);
        add_address(s, 2, AF_INET6, "2001:db8:1::99", 64, RT_SCOPE_UNIVERSE, IFA_F_PERMANENT | IFA_F_DEPRECATED);
        add_address(s, 2, AF_INET6, "fd00:1::2", 64, RT_SCOPE_UNIVERSE, IFA_F_PERMANENT | IFA_F_TENTATIVE);
        add_address(s, 2, AF_INET6, "fe80::1", 64, RT_SCOPE_LINK, IFA_F_PERMANENT);
        add_link(s, 3, "wan0", "veth", ARPHRD_ETHER, IFF_UP, IF_OPER_LOWERLAYERDOWN);
        add_address(s, 3, AF_INET, "192.168.50.2", 24, RT_SCOPE_UNIVERSE, IFA_F_PERMANENT);
        add_link(s, 4, "br0", "bridge", ARPHRD_ETHER, up, IF_OPER_UP);
        add_address(s, 4, AF_INET, "172.17.0.1", 16, RT_SCOPE_UNIVERSE, IFA_F_PERMANENT);
        add_default_route(s, AF_INET, 2, 100);
        add_default_route(s, AF_INET6, 2, 100);
        add_default_route(s, AF_INET, 3, 600);
        fuzz_check_state(s);
        return s;
}
