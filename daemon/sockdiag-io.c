/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/sock_diag.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "netlink.h"
#include "macro.h"
#include "sockdiag.h"

#define SOCKDIAG_BUFFER_SIZE (32U * 1024U)
#define SOCKDIAG_BUFFER_MAX (1024U * 1024U)
#define SOCKDIAG_ATTEMPTS_MAX 8
#define SOCKDIAG_TIMEOUT_SEC 5

struct SockDiag {
        struct mnl_socket *nl;
        uint32_t portid;
        uint32_t seq;
        void *buf;
        size_t size;
        bool broken;                          /* a scan failed half-way: a dump may still run */
};

typedef struct ListenerArray {
        Listener *items;
        size_t n, allocated;
} ListenerArray;

static int sockdiag_open(SockDiag *d) {
        struct timeval tv = { .tv_sec = SOCKDIAG_TIMEOUT_SEC };
        struct mnl_socket *nl;

        nl = mnl_socket_open2(NETLINK_SOCK_DIAG, SOCK_CLOEXEC);
        if (!nl)
                return -errno;
        /* The kernel answers a dump at once; the timeout only guards against a reply that never
         * comes, so a scan cannot hang the daemon. */
        if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
            setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
                int r = -errno;

                mnl_socket_close(nl);
                return r;
        }
        if (d->nl)
                mnl_socket_close(d->nl);
        d->nl = nl;
        d->portid = mnl_socket_get_portid(nl);
        d->broken = false;
        return 0;
}

int sockdiag_new(SockDiag **ret) {
        SockDiag *d;
        int r;

        d = calloc(1, sizeof(*d));
        if (!d)
                return -ENOMEM;
        d->size = SOCKDIAG_BUFFER_SIZE;
        d->buf = malloc(d->size);
        if (!d->buf) {
                sockdiag_free(d);
                return -ENOMEM;
        }
        r = sockdiag_open(d);
        if (r < 0) {
                sockdiag_free(d);
                return r;
        }
        *ret = d;
        return 0;
}

SockDiag *sockdiag_free(SockDiag *d) {
        if (!d)
                return NULL;
        if (d->nl)
                mnl_socket_close(d->nl);
        free(d->buf);
        free(d);
        return NULL;
}

void sockdiag_freep(SockDiag **d) {
        sockdiag_free(*d);
}

static int listener_array_push(ListenerArray *a, const Listener *l) {
        if (a->n == a->allocated) {
                size_t n = a->allocated ? a->allocated * 2 : 16;
                Listener *p = reallocarray(a->items, n, sizeof(*p));

                if (!p)
                        return -ENOMEM;
                a->items = p;
                a->allocated = n;
        }
        a->items[a->n++] = *l;
        return 0;
}

/* Receives one datagram from the kernel. Returns its length; 0 when it was not from the kernel
 * or did not fit (then *truncated is set and the buffer is grown for the next attempt). */
static ssize_t sockdiag_recv(SockDiag *d, bool *truncated) {
        ssize_t n = netlink_recv(mnl_socket_get_fd(d->nl), &d->buf, &d->size, SOCKDIAG_BUFFER_MAX, 0);

        if (n == -EMSGSIZE) {
                *truncated = true;
                return 0;
        }
        /* the socket has a receive timeout: the kernel never left a dump unfinished that long */
        return n == -EAGAIN ? -ETIMEDOUT : n;
}

/* Runs one dump for the family and appends what it finds. Returns 1 when the dump must be
 * repeated (interrupted or cut short by a small buffer), 0 when it is complete. */
static int sockdiag_dump_family(SockDiag *d, int family, ListenerArray *a) {
        uint32_t req[128 / sizeof(uint32_t)];
        bool done = false, repeat = false;
        uint32_t seq;
        int len;

        seq = ++d->seq;
        if (seq == 0)
                seq = d->seq = 1;
        len = sockdiag_build_request(req, sizeof(req), family, seq);
        if (len < 0)
                return len;
        if (mnl_socket_sendto(d->nl, req, (size_t) len) < 0)
                return -errno;

        while (!done) {
                const struct nlmsghdr *nlh;
                bool truncated = false;
                ssize_t n;
                int rem, r;

                n = sockdiag_recv(d, &truncated);
                if (n < 0)
                        return (int) n;
                if (truncated)
                        repeat = true;

                rem = (int) n;
                for (nlh = d->buf; netlink_message_fits(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem)) {
                        Listener l;

                        /* Leftovers of an earlier scan that failed half-way */
                        if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != d->portid)
                                continue;
                        if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
                                repeat = true;
                        if (nlh->nlmsg_type == NLMSG_ERROR) {
                                const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

                                if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
                                        return -EBADMSG;
                                if (e->error < 0)
                                        return e->error;
                                done = true;
                                break;
                        }
                        if (nlh->nlmsg_type == NLMSG_DONE) {
                                if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
                                        int error;

                                        memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(error));
                                        if (error < 0)
                                                return error;
                                }
                                done = true;
                                break;
                        }
                        r = sockdiag_parse(nlh, &l);
                        if (r < 0)
                                continue;
                        r = listener_array_push(a, &l);
                        if (r < 0)
                                return r;
                }
        }
        return repeat ? 1 : 0;
}

int sockdiag_scan(SockDiag *d, Listener **ret, size_t *ret_n) {
        ListenerArray a = {};
        unsigned attempt;
        int r = 0;

        /* Only one dump may run on a netlink socket: one left unfinished would answer -EBUSY */
        if (d->broken) {
                r = sockdiag_open(d);
                if (r < 0)
                        return r;
        }

        /* one TCPDIAG_GETSOCK request answers for both families (sockdiag_build_request()) */
        for (attempt = 0; attempt < SOCKDIAG_ATTEMPTS_MAX; attempt++) {
                a.n = 0;
                r = sockdiag_dump_family(d, AF_UNSPEC, &a);
                if (r <= 0)
                        break;
        }
        if (attempt == SOCKDIAG_ATTEMPTS_MAX)
                r = -EAGAIN;
        if (r < 0) {
                d->broken = true;
                free(a.items);
                return r;
        }
        *ret = a.items;
        *ret_n = a.n;
        return 0;
}
