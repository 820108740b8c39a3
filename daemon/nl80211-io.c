/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/nl80211.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "netlink.h"
#include "macro.h"
#include "nl80211.h"

#define NL80211_BUFFER_SIZE (16U * 1024U)
#define NL80211_BUFFER_MAX (1024U * 1024U)
/* The kernel queues the answer to a request before sendmsg() returns; the timeout only guards
 * against one that never comes */
#define NL80211_TIMEOUT_MS 1000
#define NL80211_PENDING_MAX 16

struct Nl80211Conn {
        struct mnl_socket *events;            /* joined to the mlme group, never sent on */
        struct mnl_socket *query;             /* one request at a time, and its answer */
        uint16_t family;
        uint32_t seq;
        void *buf;
        size_t size;
};

static int socket_open(struct mnl_socket **ret) {
        struct mnl_socket *nl;

        nl = mnl_socket_open2(NETLINK_GENERIC, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (!nl)
                return -errno;
        if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
                int r = -errno;

                mnl_socket_close(nl);
                return r;
        }
        *ret = nl;
        return 0;
}

Nl80211Conn *nl80211_conn_free(Nl80211Conn *c) {
        if (!c)
                return NULL;
        if (c->events)
                mnl_socket_close(c->events);
        if (c->query)
                mnl_socket_close(c->query);
        free(c->buf);
        free(c);
        return NULL;
}

void nl80211_conn_freep(Nl80211Conn **c) {
        *c = nl80211_conn_free(*c);
}

int nl80211_conn_fd(const Nl80211Conn *c) {
        return mnl_socket_get_fd(c->events);
}

/* One datagram from the kernel: its length; 0 when there is nothing to use in it (another
 * sender, or lost: then *lost is set); -EAGAIN when the socket is empty. */
static ssize_t conn_recv(Nl80211Conn *c, struct mnl_socket *nl, bool *lost) {
        ssize_t n = netlink_recv(mnl_socket_get_fd(nl), &c->buf, &c->size, NL80211_BUFFER_MAX, MSG_DONTWAIT);

        if (n == -ENOBUFS || n == -EMSGSIZE) {
                *lost = true;
                return 0;
        }
        return n;
}

/* Sends the request and waits for its answer: the message (in c->buf, valid until the next
 * call), or the error the kernel sent instead */
static int conn_call(Nl80211Conn *c, const void *req, size_t len, uint32_t seq, const struct nlmsghdr **ret) {
        uint32_t portid = mnl_socket_get_portid(c->query);
        bool resent = false;

        if (mnl_socket_sendto(c->query, req, len) < 0)
                return -errno;
        for (;;) {
                struct pollfd p = { .fd = mnl_socket_get_fd(c->query), .events = POLLIN };
                const struct nlmsghdr *nlh;
                bool lost = false;
                ssize_t n;
                int rem, r;

                r = poll(&p, 1, NL80211_TIMEOUT_MS);
                if (r < 0 && errno != EINTR)
                        return -errno;
                if (r == 0)
                        return -ETIMEDOUT;
                n = conn_recv(c, c->query, &lost);
                if (n == -EAGAIN)
                        continue;
                if (n < 0)
                        return (int) n;
                if (lost) {
                        /* too big for the buffer, which has grown since: ask once more */
                        if (resent)
                                return -EMSGSIZE;
                        resent = true;
                        if (mnl_socket_sendto(c->query, req, len) < 0)
                                return -errno;
                        continue;
                }
                rem = (int) n;
                for (nlh = c->buf; netlink_message_fits(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem)) {
                        /* answers to requests that timed out earlier */
                        if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != portid)
                                continue;
                        if (nlh->nlmsg_type == NLMSG_ERROR) {
                                r = nl80211_parse_error(nlh);
                                return r < 0 ? r : -ENODATA;
                        }
                        if (nlh->nlmsg_type == NLMSG_DONE)
                                return -ENODATA;
                        *ret = nlh;
                        return 0;
                }
        }
}

static uint32_t conn_next_seq(Nl80211Conn *c) {
        if (++c->seq == 0)
                c->seq = 1;
        return c->seq;
}

static int conn_resolve(Nl80211Conn *c, uint32_t *ret_mlme) {
        uint32_t req[64 / sizeof(uint32_t)];
        const struct nlmsghdr *nlh;
        Nl80211Family f;
        uint32_t seq = conn_next_seq(c), mlme;
        int len, r;

        len = nl80211_build_get_family(req, sizeof(req), seq);
        if (len < 0)
                return len;
        r = conn_call(c, req, (size_t) len, seq, &nlh);
        /* no such family: cfg80211 is not loaded, as on machines without Wi-Fi */
        if (r == -ENOENT)
                return -EOPNOTSUPP;
        if (r < 0)
                return r;
        r = nl80211_parse_family(nlh, &f);
        if (r < 0)
                return r;
        if (strcmp(f.name, NL80211_GENL_NAME) != 0)
                return -EBADMSG;
        mlme = nl80211_family_group(&f, NL80211_MULTICAST_GROUP_MLME);
        if (mlme == 0)
                return -EOPNOTSUPP;
        c->family = f.id;
        *ret_mlme = mlme;
        return 0;
}

int nl80211_conn_new(Nl80211Conn **ret) {
        _cleanup_(nl80211_conn_freep) Nl80211Conn *c = NULL;
        uint32_t mlme;
        int r;

        c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;
        c->size = NL80211_BUFFER_SIZE;
        c->buf = malloc(c->size);
        if (!c->buf)
                return -ENOMEM;
        r = socket_open(&c->query);
        if (r < 0)
                return r;
        r = conn_resolve(c, &mlme);
        if (r < 0)
                return r;
        r = socket_open(&c->events);
        if (r < 0)
                return r;
        /* generic netlink lets anyone receive its multicast groups */
        if (setsockopt(mnl_socket_get_fd(c->events), SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &mlme, sizeof(mlme)) < 0)
                return -errno;
        *ret = c;
        c = NULL;
        return 0;
}

/* Asks the kernel for the link's SSID and stores it. Whatever keeps the kernel from naming one
 * (-ENODEV from a driver without nl80211, a link gone, a timeout) leaves the link without. */
static int conn_update_link(Nl80211Conn *c, State *s, int ifindex) {
        uint32_t req[64 / sizeof(uint32_t)];
        const struct nlmsghdr *nlh;
        Nl80211Interface i = {};
        uint32_t seq = conn_next_seq(c);
        int len, r;

        len = nl80211_build_get_interface(req, sizeof(req), c->family, seq, ifindex);
        if (len < 0)
                return len;
        r = conn_call(c, req, (size_t) len, seq, &nlh);
        if (r >= 0)
                r = nl80211_parse_interface(nlh, c->family, &i);
        if (r == -ENOMEM)
                return r;
        if (r < 0 || i.ifindex != ifindex)
                i.ssid_len = 0;
        r = state_link_set_ssid(s, ifindex, i.ssid, i.ssid_len);
        return r == -ENOENT ? 0 : r;
}

int nl80211_conn_refresh(Nl80211Conn *c, State *s) {
        bool changed = false;
        int r;

        for (size_t i = 0; i < s->n_links; i++) {
                const Link *l = &s->links[i];

                if (l->wireless)
                        r = conn_update_link(c, s, l->ifindex);
                else
                        r = state_link_set_ssid(s, l->ifindex, NULL, 0);
                if (r < 0)
                        return r;
                if (r > 0)
                        changed = true;
        }
        return changed;
}

static void pending_add(int *pending, size_t *n, bool *overflow, int ifindex) {
        for (size_t i = 0; i < *n; i++)
                if (pending[i] == ifindex)
                        return;
        if (*n == NL80211_PENDING_MAX)
                *overflow = true;
        else
                pending[(*n)++] = ifindex;
}

int nl80211_conn_receive(Nl80211Conn *c, State *s) {
        int pending[NL80211_PENDING_MAX];
        size_t n_pending = 0;
        bool lost = false, changed = false;
        int r;

        /* drain first, so a burst of events asks the kernel once per link */
        for (;;) {
                const struct nlmsghdr *nlh;
                ssize_t n = conn_recv(c, c->events, &lost);
                int rem;

                if (n == -EAGAIN)
                        break;
                if (n < 0)
                        return (int) n;
                rem = (int) n;
                for (nlh = c->buf; netlink_message_fits(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem)) {
                        Nl80211Event e;

                        if (nl80211_parse_event(nlh, c->family, &e) < 0 || !e.ssid_changed || e.ifindex == 0)
                                continue;
                        pending_add(pending, &n_pending, &lost, e.ifindex);
                }
        }

        if (lost)
                return nl80211_conn_refresh(c, s);
        for (size_t i = 0; i < n_pending; i++) {
                const Link *l = state_get_link(s, pending[i]);

                if (!l || !l->wireless)
                        continue;
                r = conn_update_link(c, s, pending[i]);
                if (r < 0)
                        return r;
                if (r > 0)
                        changed = true;
        }
        return changed;
}

int nl80211_read_ssids(State *s) {
        _cleanup_(nl80211_conn_freep) Nl80211Conn *c = NULL;
        bool any = false;
        int r;

        for (size_t i = 0; i < s->n_links; i++)
                if (s->links[i].wireless)
                        any = true;
        if (!any)
                return 0;
        r = nl80211_conn_new(&c);
        if (r < 0)
                return r;
        return nl80211_conn_refresh(c, s);
}
