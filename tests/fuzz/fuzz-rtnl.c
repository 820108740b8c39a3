/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>          /* before linux/if.h, which then skips what glibc defines */
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "hint.h"
#include "change.h"
#include "format.h"
#include "fuzz.h"
#include "macro.h"
#include "rtnl.h"

/* The input is one buffer as recv() on the rtnetlink socket returns it. The dump in flight is
 * the one of the first message's sender and sequence number: a captured dump reply replays as
 * our own dump, a captured event (sender 0) as an event. */

static bool hop_ok(int family, bool has, const union in_addr_union *a) {
        return fuzz_inaddr_tail_zero(family, a) && (has || inaddr_is_any(AF_INET6, a));
}

/* ---- one message through each parser ---- */

static void check_parse_link(const struct nlmsghdr *nlh) {
        const struct ifinfomsg *ifi = NLMSG_DATA(nlh);
        Link l;
        int r;

        memset(&l, FUZZ_SENTINEL, sizeof(l));
        r = rtnl_parse_link(nlh, &l);
        fuzz_assert(r == 0 || r == -EBADMSG || r == -EOPNOTSUPP);
        if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
                fuzz_assert(r == -EOPNOTSUPP);
        if (rtnl_link_is_wireless_noise(nlh))
                fuzz_assert(nlh->nlmsg_type == RTM_NEWLINK);
        if (r < 0) {
                fuzz_assert(fuzz_untouched(&l, sizeof(l)));
                return;
        }
        fuzz_assert(nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(*ifi)));
        fuzz_assert(ifi->ifi_family == AF_UNSPEC);
        fuzz_assert(l.ifindex > 0 && l.ifindex == ifi->ifi_index);
        fuzz_assert(memchr(l.name, 0, sizeof(l.name)));
        fuzz_assert(memchr(l.info_kind, 0, sizeof(l.info_kind)));
        fuzz_assert(l.flags == ifi->ifi_flags && l.arphrd == ifi->ifi_type);
        fuzz_assert(!l.wireless && !l.wireless_probed && !l.marked);
}

static void check_parse_address(const struct nlmsghdr *nlh) {
        const struct ifaddrmsg *ifa = NLMSG_DATA(nlh);
        Address a;
        int r;

        memset(&a, FUZZ_SENTINEL, sizeof(a));
        r = rtnl_parse_address(nlh, &a);
        fuzz_assert(r == 0 || r == -EBADMSG || r == -EOPNOTSUPP);
        if (nlh->nlmsg_type != RTM_NEWADDR && nlh->nlmsg_type != RTM_DELADDR)
                fuzz_assert(r == -EOPNOTSUPP);
        if (r < 0) {
                fuzz_assert(fuzz_untouched(&a, sizeof(a)));
                return;
        }
        fuzz_assert(nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(*ifa)));
        fuzz_assert(a.family == AF_INET || a.family == AF_INET6);
        fuzz_assert(a.family == ifa->ifa_family);
        fuzz_assert(a.prefixlen <= (a.family == AF_INET ? 32 : 128));
        fuzz_assert(a.prefixlen == ifa->ifa_prefixlen && a.scope == ifa->ifa_scope);
        fuzz_assert(a.ifindex > 0 && (uint32_t) a.ifindex == ifa->ifa_index);
        fuzz_assert(fuzz_inaddr_tail_zero(a.family, &a.address));
        fuzz_assert(!a.marked);
}

static void check_parse_route(const struct nlmsghdr *nlh) {
        const struct rtmsg *rtm = NLMSG_DATA(nlh);
        RtnlRoute rt;
        int r;

        memset(&rt, FUZZ_SENTINEL, sizeof(rt));
        r = rtnl_parse_route(nlh, &rt);
        fuzz_assert(r == 0 || r == -EBADMSG || r == -EOPNOTSUPP);
        if (nlh->nlmsg_type != RTM_NEWROUTE && nlh->nlmsg_type != RTM_DELROUTE)
                fuzz_assert(r == -EOPNOTSUPP);
        if (r < 0) {
                fuzz_assert(fuzz_untouched(&rt, sizeof(rt)));
                return;
        }
        fuzz_assert(nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(*rtm)));
        fuzz_assert(rt.family == AF_INET || rt.family == AF_INET6);
        fuzz_assert(rt.family == rtm->rtm_family);
        fuzz_assert(rt.dst_len <= (rt.family == AF_INET ? 32 : 128));
        fuzz_assert(rt.type == rtm->rtm_type && rt.rtm_flags == rtm->rtm_flags);
        fuzz_assert(rt.n_nexthops >= 1 && rt.n_nexthops <= RTNL_MAX_NEXTHOPS);
        fuzz_assert(hop_ok(rt.family, rt.has_prefsrc, &rt.prefsrc));
        for (size_t i = 0; i < rt.n_nexthops; i++)
                fuzz_assert(hop_ok(rt.family, rt.nexthops[i].has_gateway, &rt.nexthops[i].gateway));
        if (rtnl_route_is_default(&rt))
                fuzz_assert(rt.dst_len == 0 && rt.table == RT_TABLE_MAIN && rt.type == RTN_UNICAST);
}

/* ---- the buffer, against a model written from rtnl.h ---- */

typedef struct Model {
        State *state;
        RtnlDump dump;
        unsigned n_malformed;
        bool changed;
        bool cut;
} Model;

static void model_dump_end(RtnlDump *d, const struct nlmsghdr *nlh) {
        size_t payload = nlh->nlmsg_len - NLMSG_HDRLEN;
        int err = 0;

        if (payload >= sizeof(err))
                memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
        if (nlh->nlmsg_type == NLMSG_ERROR) {
                if (payload < sizeof(err))
                        err = -EBADMSG;
                else if (err == 0)
                        return;         /* an acknowledgement */
        }
        d->done = true;
        if (err != 0 && d->error == 0)
                d->error = err < 0 ? err : -EPROTO;
}

static int model_process(Model *m, const uint8_t *buf, size_t len) {
        const struct nlmsghdr *nlh;
        size_t off = 0;

        while ((nlh = fuzz_nlmsg_next(buf, len, &off))) {
                bool ours, reply;
                int r;

                ours = nlh->nlmsg_pid != 0 && nlh->nlmsg_pid == m->dump.portid;
                reply = ours && m->dump.seq != 0 && nlh->nlmsg_seq == m->dump.seq && !m->dump.done;
                if (ours && !reply)
                        continue;
                if (reply && (nlh->nlmsg_flags & NLM_F_DUMP_INTR))
                        m->dump.interrupted = true;
                if (nlh->nlmsg_type == NLMSG_NOOP || nlh->nlmsg_type == NLMSG_OVERRUN)
                        continue;
                if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR) {
                        if (reply)
                                model_dump_end(&m->dump, nlh);
                        continue;
                }
                r = rtnl_apply(m->state, nlh);
                if (r == -ENOMEM)
                        return r;
                if (r == -EOPNOTSUPP)
                        continue;
                if (r < 0)
                        m->n_malformed++;
                else if (r > 0)
                        m->changed = true;
        }
        m->cut = off < len;
        return 0;
}

static bool link_equal(const Link *a, const Link *b) {
        return a->ifindex == b->ifindex && strncmp(a->name, b->name, sizeof(a->name)) == 0 &&
                a->arphrd == b->arphrd && a->flags == b->flags && a->operstate == b->operstate &&
                strncmp(a->info_kind, b->info_kind, sizeof(a->info_kind)) == 0 &&
                a->wireless == b->wireless && a->wireless_probed == b->wireless_probed &&
                a->marked == b->marked;
}

static bool address_equal(const Address *a, const Address *b) {
        return a->family == b->family && a->ifindex == b->ifindex &&
                memcmp(&a->address, &b->address, sizeof(a->address)) == 0 &&
                a->prefixlen == b->prefixlen && a->scope == b->scope && a->flags == b->flags &&
                a->marked == b->marked;
}

static bool route_equal(const Route *a, const Route *b) {
        return a->family == b->family && a->oif == b->oif && a->metric == b->metric &&
                a->table == b->table && a->has_gateway == b->has_gateway &&
                memcmp(&a->gateway, &b->gateway, sizeof(a->gateway)) == 0 &&
                a->has_prefsrc == b->has_prefsrc &&
                memcmp(&a->prefsrc, &b->prefsrc, sizeof(a->prefsrc)) == 0 &&
                a->multipath == b->multipath && a->marked == b->marked;
}

static void check_states_equal(const State *a, const State *b) {
        fuzz_assert(a->n_links == b->n_links);
        fuzz_assert(a->n_addresses == b->n_addresses);
        fuzz_assert(a->n_routes == b->n_routes);
        for (size_t i = 0; i < a->n_links; i++)
                fuzz_assert(link_equal(&a->links[i], &b->links[i]));
        for (size_t i = 0; i < a->n_addresses; i++)
                fuzz_assert(address_equal(&a->addresses[i], &b->addresses[i]));
        for (size_t i = 0; i < a->n_routes; i++)
                fuzz_assert(route_equal(&a->routes[i], &b->routes[i]));
}

/* NLMSG_DONE or NLMSG_ERROR from our port id with the dump's sequence number */
static bool has_end_of_dump(const uint8_t *buf, size_t len, const RtnlDump *d) {
        const struct nlmsghdr *nlh;
        size_t off = 0;

        while ((nlh = fuzz_nlmsg_next(buf, len, &off)))
                if (nlh->nlmsg_pid != 0 && nlh->nlmsg_pid == d->portid && nlh->nlmsg_seq == d->seq &&
                    (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR))
                        return true;
        return false;
}

/* ---- what the state leads to ---- */

static void add_listener(Listener *l, int family, const char *address, uint16_t port, int ifindex,
                         bool v6only) {
        *l = (Listener) { .family = family, .port = port, .uid = 1000, .inode = port,
                          .ifindex = ifindex, .v6only = v6only, .socket_is_v6 = family == AF_INET6 };
        fuzz_assert(inet_pton(family, address, l->address.bytes) == 1);
}

static void check_view(const State *s) {
        static char *const ignore[] = { (char *) "docker*" };
        const ReachConfig config = { .uid = 1000, .ignore = ignore, .n_ignore = 1 };
        ReachView *v = NULL;
        StrBuf b = STRBUF_INIT;
        Change *changes = NULL;
        size_t n_changes = 0;
        Listener ls[9];
        int r;

        /* the listeners the seed corpus was captured with (tests/fuzz/capture.sh) */
        add_listener(&ls[0], AF_INET, "0.0.0.0", 5173, 0, false);
        add_listener(&ls[1], AF_INET6, "::", 3000, 0, false);
        add_listener(&ls[2], AF_INET6, "::", 3001, 0, true);
        add_listener(&ls[3], AF_INET, "127.0.0.1", 8000, 0, false);
        add_listener(&ls[4], AF_INET6, "::1", 8001, 0, false);
        add_listener(&ls[5], AF_INET, "10.0.0.2", 9000, 0, false);
        add_listener(&ls[6], AF_INET6, "2001:db8:1::2", 9001, 0, true);
        add_listener(&ls[7], AF_INET, "192.168.99.1", 9003, 0, false);
        add_listener(&ls[8], AF_INET, "0.0.0.0", 7000, 2, false);

        r = reach_compute(s, ls, ELEMENTSOF(ls), NULL, &config, &v);
        if (r >= 0 && (r = hint_view(v)) < 0)
                v = reach_view_free(v);
        if (r == -ENOMEM)
                return;
        fuzz_assert(r == 0);
        fuzz_check_view(s, v);
        fuzz_assert(v->n_servers == ELEMENTSOF(ls));

        r = format_view_json(&b, s, v, 1, NULL, "fuzz");
        fuzz_assert(r == 0 || r == -ENOMEM);
        if (r == 0)
                fuzz_assert(fuzz_json_valid(b.data, b.len));
        strbuf_done(&b);

        /* a view is no change from itself */
        r = change_compute(v, v, &changes, &n_changes);
        fuzz_assert(r == 0 || r == -ENOMEM);
        fuzz_assert(r < 0 || n_changes == 0);
        free(changes);

        reach_view_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const struct nlmsghdr *nlh;
        uint8_t *buf = fuzz_memdup(data, size);
        State *s = NULL, *plain = NULL;
        Model m = {};
        RtnlDump dump = {};
        unsigned n_malformed = 0;
        size_t off = 0, total;
        int r;

        while ((nlh = fuzz_nlmsg_next(buf, size, &off))) {
                check_parse_link(nlh);
                check_parse_address(nlh);
                check_parse_route(nlh);
        }

        if (size >= sizeof(struct nlmsghdr)) {
                nlh = (const void *) buf;
                dump.portid = nlh->nlmsg_pid;
                dump.seq = nlh->nlmsg_seq;
        }
        fuzz_assert(state_new(&s) == 0);
        fuzz_assert(state_new(&m.state) == 0);
        m.dump = dump;

        r = rtnl_process_buffer(s, &dump, buf, size, &n_malformed);
        if (r == -ENOMEM || model_process(&m, buf, size) == -ENOMEM)
                goto cleanup;
        fuzz_assert(r == (m.cut ? -EBADMSG : m.changed));
        fuzz_assert(dump.done == m.dump.done);
        fuzz_assert(dump.interrupted == m.dump.interrupted);
        fuzz_assert(dump.error == m.dump.error);
        fuzz_assert(dump.error <= 0);
        fuzz_assert(!dump.done || has_end_of_dump(buf, size, &dump));
        fuzz_assert(dump.done || dump.error == 0);
        fuzz_assert(n_malformed == m.n_malformed);
        fuzz_check_state(s);
        check_states_equal(s, m.state);
        /* it started empty: no change leaves it empty */
        if (r == 0)
                fuzz_assert(s->n_links + s->n_addresses + s->n_routes + s->n_nexthops == 0);

        check_view(s);

        /* a resync that finds nothing deletes everything, nexthop objects included */
        total = s->n_links + s->n_addresses + s->n_routes + s->n_nexthops;
        state_mark_all(s);
        fuzz_assert(state_sweep(s) == (int) total);
        fuzz_assert(s->n_links + s->n_addresses + s->n_routes + s->n_nexthops == 0);

        /* without a dump, every message is an event */
        fuzz_assert(state_new(&plain) == 0);
        r = rtnl_process_buffer(plain, NULL, buf, size, NULL);
        fuzz_assert(r == 0 || r == 1 || r == -EBADMSG || r == -ENOMEM);
        fuzz_check_state(plain);

cleanup:
        state_free(plain);
        state_free(m.state);
        state_free(s);
        free(buf);
        return 0;
}
