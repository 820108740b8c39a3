/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bench.h"

#define BENCH_NL_BUFFER (64 * 1024)

struct BenchNl {
        struct mnl_socket *sock;
        uint32_t portid;
        uint32_t seq;
        char buf[BENCH_NL_BUFFER];
};

int bench_nl_open(unsigned groups, int rcvbuf, BenchNl **ret) {
        BenchNl *nl;

        nl = calloc(1, sizeof(*nl));
        if (!nl)
                return -ENOMEM;
        nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (!nl->sock || mnl_socket_bind(nl->sock, groups, MNL_SOCKET_AUTOPID) < 0) {
                int r = -errno;

                bench_nl_free(nl);
                return r;
        }
        if (rcvbuf > 0 &&
            setsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
                (void) setsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
        nl->portid = mnl_socket_get_portid(nl->sock);
        nl->seq = 1;
        *ret = nl;
        return 0;
}

BenchNl *bench_nl_free(BenchNl *nl) {
        if (!nl)
                return NULL;
        if (nl->sock)
                mnl_socket_close(nl->sock);
        free(nl);
        return NULL;
}

int bench_nl_fd(const BenchNl *nl) {
        return mnl_socket_get_fd(nl->sock);
}

static size_t addr_len(const BenchAddr *a) {
        return a->family == AF_INET ? 4 : 16;
}

static void put_addr_request(BenchNl *nl, void *where, bool add, const BenchAddr *a) {
        struct nlmsghdr *h = mnl_nlmsg_put_header(where);
        struct ifaddrmsg *ifa;

        h->nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR;
        h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0);
        h->nlmsg_seq = nl->seq++;
        ifa = mnl_nlmsg_put_extra_header(h, sizeof(*ifa));
        ifa->ifa_family = (uint8_t) a->family;
        ifa->ifa_prefixlen = a->prefixlen;
        ifa->ifa_index = a->ifindex;
        ifa->ifa_scope = RT_SCOPE_UNIVERSE;
        /* as ip(8) does: IFA_LOCAL is the address, IFA_ADDRESS the same when not point-to-point */
        mnl_attr_put(h, IFA_LOCAL, addr_len(a), a->bytes);
        mnl_attr_put(h, IFA_ADDRESS, addr_len(a), a->bytes);
        if (add && a->family == AF_INET6)
                mnl_attr_put_u32(h, IFA_FLAGS, IFA_F_NODAD);
}

int bench_nl_addr_send(BenchNl *nl, bool add, const BenchAddr *a) {
        char buf[256];

        put_addr_request(nl, buf, add, a);
        if (mnl_socket_sendto(nl->sock, buf, ((struct nlmsghdr *) buf)->nlmsg_len) < 0)
                return -errno;
        return 0;
}

int bench_nl_read_acks(BenchNl *nl, size_t count, size_t *ret_errors) {
        size_t seen = 0, errors = 0;

        while (seen < count) {
                struct pollfd p = { .fd = bench_nl_fd(nl), .events = POLLIN };
                ssize_t n;
                int len;

                if (poll(&p, 1, 10000) == 0)
                        return -ETIMEDOUT;
                n = mnl_socket_recvfrom(nl->sock, nl->buf, sizeof(nl->buf));
                if (n < 0 && (errno == EAGAIN || errno == EINTR))
                        continue;
                if (n < 0)
                        return -errno;
                len = (int) n;
                for (const struct nlmsghdr *h = (const void *) nl->buf; mnl_nlmsg_ok(h, len);
                     h = mnl_nlmsg_next(h, &len)) {
                        const struct nlmsgerr *e;

                        if (h->nlmsg_type != NLMSG_ERROR)
                                continue;
                        e = mnl_nlmsg_get_payload(h);
                        seen++;
                        if (e->error != 0)
                                errors++;
                }
        }
        if (ret_errors)
                *ret_errors = errors;
        return 0;
}

int bench_nl_addr_batch(BenchNl *nl, const bool *add, const BenchAddr *a, size_t n, size_t window,
                        size_t *ret_errors) {
        size_t errors = 0;
        char *buf;
        int r = 0;

        buf = malloc(window * 128);
        if (!buf)
                return -ENOMEM;
        for (size_t i = 0; i < n && r >= 0; i += window) {
                size_t k = n - i < window ? n - i : window, len = 0, e = 0;

                for (size_t j = 0; j < k; j++) {
                        put_addr_request(nl, buf + len, add[i + j], &a[i + j]);
                        len += ((struct nlmsghdr *) (buf + len))->nlmsg_len;
                }
                if (mnl_socket_sendto(nl->sock, buf, len) < 0)
                        r = -errno;
                else
                        r = bench_nl_read_acks(nl, k, &e);
                errors += e;
        }
        free(buf);
        if (r < 0)
                return r;
        if (ret_errors)
                *ret_errors = errors;
        return 0;
}

static int parse_attr(const struct nlattr *attr, void *data) {
        const struct nlattr **tb = data;
        int type = mnl_attr_get_type(attr);

        if (mnl_attr_type_valid(attr, IFA_MAX) > 0 && mnl_attr_validate(attr, MNL_TYPE_BINARY) >= 0)
                tb[type] = attr;
        return MNL_CB_OK;
}

static void parse_addr(const struct nlmsghdr *h, bench_nl_addr_fn fn, void *userdata) {
        const struct nlattr *tb[IFA_MAX + 1] = {};
        const struct ifaddrmsg *ifa;
        const struct nlattr *at;
        BenchAddr a = {};

        if (h->nlmsg_len < mnl_nlmsg_size(sizeof(*ifa)))
                return;
        ifa = mnl_nlmsg_get_payload(h);
        if (mnl_attr_parse(h, sizeof(*ifa), parse_attr, tb) < 0)
                return;
        at = tb[IFA_LOCAL] ?: tb[IFA_ADDRESS];
        a.family = ifa->ifa_family;
        a.ifindex = ifa->ifa_index;
        a.prefixlen = ifa->ifa_prefixlen;
        if (!at || (a.family != AF_INET && a.family != AF_INET6) || mnl_attr_get_payload_len(at) != addr_len(&a))
                return;
        memcpy(a.bytes, mnl_attr_get_payload(at), addr_len(&a));
        fn(userdata, h->nlmsg_type == RTM_NEWADDR, &a);
}

int bench_nl_drain(BenchNl *nl, bench_nl_addr_fn fn, void *userdata) {
        int count = 0;

        for (;;) {
                ssize_t n = mnl_socket_recvfrom(nl->sock, nl->buf, sizeof(nl->buf));
                int len;

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN)
                        return count;
                if (n < 0)
                        return -errno;
                len = (int) n;
                for (const struct nlmsghdr *h = (const void *) nl->buf; mnl_nlmsg_ok(h, len);
                     h = mnl_nlmsg_next(h, &len)) {
                        count++;
                        if (fn && (h->nlmsg_type == RTM_NEWADDR || h->nlmsg_type == RTM_DELADDR))
                                parse_addr(h, fn, userdata);
                }
        }
}

int bench_addr_parse(const char *s, unsigned ifindex, BenchAddr *ret) {
        char buf[INET6_ADDRSTRLEN + 8];
        BenchAddr a = { .ifindex = ifindex };
        char *slash;

        snprintf(buf, sizeof(buf), "%s", s);
        slash = strchr(buf, '/');
        if (slash)
                *slash++ = 0;
        if (inet_pton(AF_INET, buf, a.bytes) == 1)
                a.family = AF_INET;
        else if (inet_pton(AF_INET6, buf, a.bytes) == 1)
                a.family = AF_INET6;
        else
                return -EINVAL;
        a.prefixlen = slash ? (uint8_t) atoi(slash) : (a.family == AF_INET ? 32 : 128);
        *ret = a;
        return 0;
}

void bench_addr_to_string(const BenchAddr *a, char *buf, size_t size) {
        if (!inet_ntop(a->family, a->bytes, buf, (socklen_t) size))
                snprintf(buf, size, "?");
}
