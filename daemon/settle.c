/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <linux/if_addr.h>
#include <string.h>
#include <sys/socket.h>

#include "settle.h"

SettleKind settle_classify(const Change *c) {
        const ReachUrl *was, *now;
        int d;

        if (c->type != CHANGE_CHANGED || c->server_changed)
                return SETTLE_KIND_SERVER;
        was = reach_server_share(c->old);
        now = reach_server_share(c->new);
        if (!c->share_changed || (!was && !now))
                return SETTLE_KIND_OTHER;
        if (!now)
                return SETTLE_KIND_WORSE;
        if (!was)
                return SETTLE_KIND_BETTER;
        /* one address for another of equal rank (a move between two alike networks, the same
         * address under another scheme) is no loss: published at once */
        d = reach_url_rank_compare(now, was);
        return d > 0 ? SETTLE_KIND_WORSE : SETTLE_KIND_BETTER;
}

static bool same_slaac_prefix(const ReachUrl *a, const ReachUrl *b) {
        return a->ifindex == b->ifindex && a->family == AF_INET6 && b->family == AF_INET6 &&
               memcmp(a->address.bytes, b->address.bytes, 8) == 0;
}

/* A SLAAC address whose sibling is still in DAD. With privacy extensions the kernel makes a
 * stable address (flagged mngtmpaddr) and temporary ones from it, and announces each only once
 * its DAD is over, in random order: a temporary address without a stable one of its link and
 * /64, or a mngtmpaddr one without a temporary one, has a sibling to come. */
static bool slaac_sibling_pending(const ReachServer *srv, const ReachUrl *u) {
        bool temporary = u->address_flags & IFA_F_TEMPORARY;

        if (u->family != AF_INET6 || u->audience != REACH_AUDIENCE_LAN || !u->shareable ||
            (u->address_flags & IFA_F_DEPRECATED) || !(temporary || (u->address_flags & IFA_F_MANAGETEMPADDR)))
                return false;
        for (size_t i = 0; i < srv->n_urls; i++) {
                const ReachUrl *v = &srv->urls[i];

                if (v != u && same_slaac_prefix(u, v) && !(v->address_flags & IFA_F_TEMPORARY) == temporary)
                        return false;
        }
        return true;
}

bool settle_dad_pending(const ReachServer *srv) {
        for (size_t i = 0; i < srv->n_urls; i++) {
                const ReachUrl *u = &srv->urls[i];

                if ((u->reason == REACH_REASON_TENTATIVE && u->audience == REACH_AUDIENCE_LAN) ||
                    slaac_sibling_pending(srv, u))
                        return true;
        }
        return false;
}

static bool view_dad_pending(const ReachView *v) {
        for (size_t i = 0; i < v->n_servers; i++)
                if (settle_dad_pending(&v->servers[i]))
                        return true;
        return false;
}

static SettleVerdict settle_end(Settle *s, SettleVerdict v) {
        s->holding = false;
        s->flush = false;
        s->deadline_usec = 0;
        return v;
}

SettleVerdict settle_decide(Settle *s, const ReachView *published, const ReachView *next,
                            const Change *changes, size_t n_changes, bool other_changed, uint64_t now_usec) {
        bool server = false, better = false;
        uint64_t deadline;

        if (!published)
                return settle_end(s, SETTLE_PUBLISH);
        if (n_changes == 0 && !other_changed)
                return settle_end(s, SETTLE_NOTHING);
        if (s->delay_usec == 0 || s->flush || settle_due(s, now_usec))
                return settle_end(s, SETTLE_PUBLISH);
        /* the network change is not over while a LAN address is in DAD: wait for it, rather than
         * tell a worse URL first (the temporary address before the stable one) or the rest of the
         * candidates in a line of their own */
        if (!view_dad_pending(next))
                for (size_t i = 0; i < n_changes; i++) {
                        SettleKind k = settle_classify(&changes[i]);

                        server = server || k == SETTLE_KIND_SERVER;
                        better = better || k == SETTLE_KIND_BETTER;
                }
        /* a server that starts or stops is news someone may be waiting for */
        if (server)
                return settle_end(s, SETTLE_PUBLISH);
        /* a change for the better waits only for the rest of its step (the default route comes
         * right after the address), never for the settle time; a hold never moves later */
        deadline = now_usec + (better && s->delay_usec > SETTLE_STEP_USEC ? SETTLE_STEP_USEC : s->delay_usec);
        if (!s->holding || deadline < s->deadline_usec)
                s->deadline_usec = deadline;
        s->holding = true;
        return SETTLE_HOLD;
}

void settle_flush(Settle *s) {
        s->flush = true;
}

bool settle_due(const Settle *s, uint64_t now_usec) {
        return s->holding && now_usec >= s->deadline_usec;
}
