/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/filter.h>
#include <linux/if_addr.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "netlink.h"
#include "macro.h"
#include "rtnl-io.h"
#include "rtnl.h"

#define RTNL_BUFFER_SIZE (32U * 1024U)
#define RTNL_BUFFER_MAX (4U * 1024U * 1024U)
#define RTNL_RCVBUF (8 * 1024 * 1024)
#define RTNL_DUMP_ATTEMPTS_MAX 5
/* Events between dumps are read RTNL_BATCH at a time, each in a slot of its own */
#define RTNL_BATCH 8
#define RTNL_SLOT_SIZE (16U * 1024U)

typedef enum RtnlPhase {
        RTNL_PHASE_IDLE,
        RTNL_PHASE_LINKS,
        RTNL_PHASE_ADDRESSES,
        RTNL_PHASE_NEXTHOPS,
        RTNL_PHASE_ROUTES,                    /* IPv4's under strict checking, else both families' */
        RTNL_PHASE_ROUTES6,
} RtnlPhase;

struct RtnlConn {
        struct mnl_socket *nl;
        RtnlDump dump;
        RtnlPhase phase;
        bool need_send;                       /* the dump of phase waits to be requested */
        bool kernel_busy;                     /* a request was sent and the socket not read empty since */
        bool strict;                          /* NETLINK_GET_STRICT_CHK is on: dumps can be filtered */
        unsigned failures;                    /* of the dump of phase, in a row */
        uint32_t seq;
        uint64_t resyncs;
        uint64_t dump_retries;
        void *buf;
        size_t size;
        void *slots;                          /* RTNL_BATCH * RTNL_SLOT_SIZE, for events */
        bool no_batch;                        /* an event did not fit a slot: read as dumps are */
};

static int rtnl_conn_setsockopt_int(RtnlConn *c, int level, int name, int value) {
        if (setsockopt(mnl_socket_get_fd(c->nl), level, name, &value, sizeof(value)) < 0)
                return -errno;
        return 0;
}

static int rtnl_conn_attach_filter(RtnlConn *c) {
        struct sock_filter filter[RTNL_EVENT_FILTER_MAX];
        struct sock_fprog prog = { .filter = filter, .len = (unsigned short) rtnl_event_filter(filter) };

        if (setsockopt(mnl_socket_get_fd(c->nl), SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0)
                return -errno;
        return 0;
}

int rtnl_conn_new(RtnlConn **ret) {
        static const int groups[] = {
                RTNLGRP_LINK,
                RTNLGRP_IPV4_IFADDR,
                RTNLGRP_IPV6_IFADDR,
                RTNLGRP_IPV4_ROUTE,
                RTNLGRP_IPV6_ROUTE,
        };
        RtnlConn *c;
        int r;

        c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;
        c->size = RTNL_BUFFER_SIZE;
        c->buf = malloc(c->size);
        c->slots = malloc(RTNL_BATCH * RTNL_SLOT_SIZE);
        if (!c->buf || !c->slots) {
                r = -ENOMEM;
                goto fail;
        }
        c->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (!c->nl) {
                r = -errno;
                goto fail;
        }
        if (mnl_socket_bind(c->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
                r = -errno;
                goto fail;
        }
        for (size_t i = 0; i < ELEMENTSOF(groups); i++) {
                r = rtnl_conn_setsockopt_int(c, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, groups[i]);
                if (r < 0)
                        goto fail;
        }
        /* Linux 5.3: older kernels have no nexthop objects, so no route can use one */
        r = rtnl_conn_setsockopt_int(c, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, RTNLGRP_NEXTHOP);
        if (r < 0 && r != -EINVAL)
                goto fail;
        /* Both appeared in Linux 4.12/4.20; older kernels work without them */
        r = rtnl_conn_setsockopt_int(c, SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1);
        if (r < 0 && r != -ENOPROTOOPT)
                goto fail;
        c->strict = r >= 0;
        r = rtnl_conn_setsockopt_int(c, SOL_NETLINK, NETLINK_EXT_ACK, 1);
        if (r < 0 && r != -ENOPROTOOPT)
                goto fail;
        /* SO_RCVBUFFORCE needs CAP_NET_ADMIN; SO_RCVBUF is capped by net.core.rmem_max */
        r = rtnl_conn_setsockopt_int(c, SOL_SOCKET, SO_RCVBUFFORCE, RTNL_RCVBUF);
        if (r < 0)
                r = rtnl_conn_setsockopt_int(c, SOL_SOCKET, SO_RCVBUF, RTNL_RCVBUF);
        if (r < 0)
                goto fail;

        /* without it, the routes it would drop are received and thrown away */
        (void) rtnl_conn_attach_filter(c);

        c->dump.portid = mnl_socket_get_portid(c->nl);
        *ret = c;
        return 0;

fail:
        rtnl_conn_free(c);
        return r;
}

RtnlConn *rtnl_conn_free(RtnlConn *c) {
        if (!c)
                return NULL;
        if (c->nl)
                mnl_socket_close(c->nl);
        free(c->buf);
        free(c->slots);
        free(c);
        return NULL;
}

void rtnl_conn_freep(RtnlConn **c) {
        rtnl_conn_free(*c);
}

int rtnl_conn_fd(const RtnlConn *c) {
        return mnl_socket_get_fd(c->nl);
}

bool rtnl_conn_resync_done(const RtnlConn *c) {
        return c->phase == RTNL_PHASE_IDLE;
}

uint64_t rtnl_conn_resyncs(const RtnlConn *c) {
        return c->resyncs;
}

uint64_t rtnl_conn_dump_retries(const RtnlConn *c) {
        return c->dump_retries;
}

static int rtnl_conn_send_dump(RtnlConn *c) {
        uint32_t req[RTNL_DUMP_REQUEST_MAX / sizeof(uint32_t)];
        uint16_t type = 0;
        int family = AF_UNSPEC, len;

        switch (c->phase) {
        case RTNL_PHASE_IDLE:
                c->need_send = false;
                return 0;
        case RTNL_PHASE_LINKS:
                type = RTM_GETLINK;
                break;
        case RTNL_PHASE_ADDRESSES:
                type = RTM_GETADDR;
                break;
        case RTNL_PHASE_NEXTHOPS:
                type = RTM_GETNEXTHOP;
                break;
        case RTNL_PHASE_ROUTES:
                type = RTM_GETROUTE;
                family = c->strict ? AF_INET : AF_UNSPEC;
                break;
        case RTNL_PHASE_ROUTES6:
                type = RTM_GETROUTE;
                family = AF_INET6;
                break;
        }

        if (++c->seq == 0)
                c->seq = 1;
        len = rtnl_build_dump_request(req, sizeof(req), type, family, c->strict, c->seq);
        if (len < 0)
                return len;
        if (mnl_socket_sendto(c->nl, req, (size_t) len) < 0)
                return -errno;

        c->dump = (RtnlDump) { .portid = c->dump.portid, .seq = c->seq };
        c->need_send = false;
        c->kernel_busy = true;
        return 0;
}

/* Nothing queued on the socket: then no dump of ours is running in the kernel, since the kernel
 * queues the next part of a dump each time one is read, and the first part when asked. */
static bool rtnl_conn_queue_empty(RtnlConn *c) {
        char byte;

        for (;;) {
                if (recv(mnl_socket_get_fd(c->nl), &byte, sizeof(byte), MSG_PEEK | MSG_DONTWAIT) >= 0)
                        return false;
                /* Events lost before the resync being started are covered by it */
                if (errno == EINTR || errno == ENOBUFS)
                        continue;
                return errno == EAGAIN || errno == EWOULDBLOCK;
        }
}

int rtnl_conn_start_resync(RtnlConn *c, State *s) {
        c->resyncs++;
        state_mark_all(s);
        c->phase = RTNL_PHASE_LINKS;
        c->failures = 0;
        c->need_send = true;
        /* Forget the dump in flight, so rtnl_process_buffer() ignores what is left of it */
        c->dump = (RtnlDump) { .portid = c->dump.portid };
        if (c->kernel_busy && !rtnl_conn_queue_empty(c))
                /* Only one dump may run on a socket: rtnl_conn_receive() sends ours once the
                 * old one is read to its end. */
                return 0;
        c->kernel_busy = false;
        return rtnl_conn_send_dump(c);
}

/* The dump of phase ended (c->dump.done). Returns 1 when the state changed, -errno when the
 * resync failed for good. */
static int rtnl_conn_dump_finished(RtnlConn *c, State *s) {
        RtnlDump d = c->dump;

        c->dump = (RtnlDump) { .portid = d.portid };
        /* a kernel without nexthop objects refuses their dump: there are none */
        if (d.error < 0 && c->phase == RTNL_PHASE_NEXTHOPS) {
                c->phase = RTNL_PHASE_ROUTES;
                c->need_send = true;
                return 0;
        }
        if (d.error < 0) {
                if (++c->failures >= RTNL_DUMP_ATTEMPTS_MAX) {
                        c->phase = RTNL_PHASE_IDLE;
                        c->need_send = false;
                        return d.error;
                }
                c->need_send = true;
                return 0;
        }
        if (d.interrupted) {
                c->dump_retries++;
                c->need_send = true;
                return 0;
        }
        c->failures = 0;
        switch (c->phase) {
        case RTNL_PHASE_IDLE:
                return 0;
        case RTNL_PHASE_LINKS:
                c->phase = RTNL_PHASE_ADDRESSES;
                c->need_send = true;
                return 0;
        case RTNL_PHASE_ADDRESSES:
                c->phase = RTNL_PHASE_NEXTHOPS;
                c->need_send = true;
                return 0;
        case RTNL_PHASE_NEXTHOPS:
                c->phase = RTNL_PHASE_ROUTES;
                c->need_send = true;
                return 0;
        case RTNL_PHASE_ROUTES:
                if (c->strict) {
                        c->phase = RTNL_PHASE_ROUTES6;
                        c->need_send = true;
                        return 0;
                }
                c->phase = RTNL_PHASE_IDLE;
                return state_sweep(s) > 0 ? 1 : 0;
        case RTNL_PHASE_ROUTES6:
                c->phase = RTNL_PHASE_IDLE;
                return state_sweep(s) > 0 ? 1 : 0;
        }
        return 0;
}

/* One datagram from the kernel: its length; 0 when there is nothing to use in it (another
 * sender, or lost: then *lost is set); -EAGAIN when the socket is empty. */
static ssize_t rtnl_conn_recv(RtnlConn *c, bool *lost) {
        ssize_t n = netlink_recv(mnl_socket_get_fd(c->nl), &c->buf, &c->size, RTNL_BUFFER_MAX, MSG_DONTWAIT);

        /* a datagram too big for the buffer is as lost as one the kernel dropped */
        if (n == -ENOBUFS || n == -EMSGSIZE) {
                *lost = true;
                return 0;
        }
        return n;
}

/* sysfs shows the network namespace it was mounted in, which need not be ours: trust a name
 * only when its ifindex matches. */
static bool link_is_wireless(const Link *l) {
        char path[64 + IFNAMSIZ], buf[32];
        bool found = false;
        ssize_t n;
        int fd;

        if (l->name[0] == 0 || strcmp(l->name, ".") == 0 || strcmp(l->name, "..") == 0 ||
            strchr(l->name, '/'))
                return false;
        snprintf(path, sizeof(path), "/sys/class/net/%s/phy80211", l->name);
        found = access(path, F_OK) == 0;
        if (!found) {
                snprintf(path, sizeof(path), "/sys/class/net/%s/wireless", l->name);
                found = access(path, F_OK) == 0;
        }
        if (!found)
                return false;

        snprintf(path, sizeof(path), "/sys/class/net/%s/ifindex", l->name);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return false;
        n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        if (n <= 0)
                return false;
        buf[n] = 0;
        return strtol(buf, NULL, 10) == l->ifindex;
}

static bool rtnl_conn_probe_links(State *s) {
        bool changed = false;

        for (size_t i = 0; i < s->n_links; i++) {
                Link *l = &s->links[i];
                bool wireless;

                if (l->wireless_probed)
                        continue;
                wireless = link_is_wireless(l);
                l->wireless_probed = true;
                if (wireless != l->wireless) {
                        l->wireless = wireless;
                        changed = true;
                }
        }
        return changed;
}

/* Between dumps, when only events come: up to RTNL_BATCH datagrams in one call, applied to the
 * state. With MSG_DONTWAIT, recvmmsg() stops at an empty socket, so a batch short of RTNL_BATCH
 * says the socket is empty, as the recvmsg() that would fail with EAGAIN would. Returns the
 * number of datagrams, -EAGAIN when there was none. */
static int rtnl_conn_recv_batch(RtnlConn *c, State *s, bool *lost, bool *changed) {
        struct mmsghdr msgs[RTNL_BATCH];
        struct iovec iov[RTNL_BATCH];
        struct sockaddr_nl sa[RTNL_BATCH];
        int n, r;

        for (size_t i = 0; i < RTNL_BATCH; i++) {
                iov[i] = (struct iovec) { .iov_base = (uint8_t *) c->slots + i * RTNL_SLOT_SIZE,
                                          .iov_len = RTNL_SLOT_SIZE };
                msgs[i] = (struct mmsghdr) { .msg_hdr = { .msg_name = &sa[i], .msg_namelen = sizeof(sa[i]),
                                                          .msg_iov = &iov[i], .msg_iovlen = 1 } };
        }
        do
                n = recvmmsg(mnl_socket_get_fd(c->nl), msgs, RTNL_BATCH, MSG_DONTWAIT | MSG_TRUNC, NULL);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return errno == EWOULDBLOCK ? -EAGAIN : -errno;
        for (int i = 0; i < n; i++) {
                if (msgs[i].msg_len > RTNL_SLOT_SIZE) {
                        /* as lost as one the kernel dropped; the next ones get a buffer that grows */
                        *lost = true;
                        c->no_batch = true;
                        continue;
                }
                /* only the kernel (port id 0) speaks for the network */
                if (msgs[i].msg_hdr.msg_namelen != sizeof(sa[i]) || sa[i].nl_pid != 0)
                        continue;
                r = rtnl_process_buffer(s, &c->dump, iov[i].iov_base, msgs[i].msg_len, NULL);
                if (r == -ENOMEM)
                        return r;
                if (r > 0 || r == -EBADMSG)
                        *changed = true;
        }
        return n;
}

int rtnl_conn_receive(RtnlConn *c, State *s) {
        bool changed = false, lost = false;
        int r;

        for (;;) {
                ssize_t n;

                if (c->phase == RTNL_PHASE_IDLE && c->dump.seq == 0 && !c->need_send && !c->no_batch) {
                        r = rtnl_conn_recv_batch(c, s, &lost, &changed);
                        if (r == -ENOBUFS || r == -EMSGSIZE) {
                                lost = true;
                                continue;
                        }
                        if (r < 0 && r != -EAGAIN)
                                return r;
                        if (r == RTNL_BATCH)
                                continue;
                        n = -EAGAIN;
                } else
                        n = rtnl_conn_recv(c, &lost);

                if (n == -EAGAIN) {
                        c->kernel_busy = false;
                        /* The caller resyncs after ENOBUFS: sending now would be wasted */
                        if (lost)
                                break;
                        /* The socket is empty, so the kernel has nothing more for our dump: its
                         * request or its end was lost */
                        if (c->dump.seq != 0 && !c->dump.done) {
                                c->dump.done = true;
                                c->dump.error = -EIO;
                                r = rtnl_conn_dump_finished(c, s);
                                if (r < 0)
                                        return r;
                        }
                        if (!c->need_send)
                                break;
                        r = rtnl_conn_send_dump(c);
                        if (r < 0)
                                return r;
                        continue;
                }
                if (n < 0)
                        return (int) n;
                if (n == 0)
                        continue;

                /* -EBADMSG: the datagram was cut short; what came before the cut is applied */
                r = rtnl_process_buffer(s, &c->dump, c->buf, (size_t) n, NULL);
                if (r == -ENOMEM)
                        return r;
                if (r > 0 || r == -EBADMSG)
                        changed = true;
                if (c->dump.seq != 0 && c->dump.done) {
                        r = rtnl_conn_dump_finished(c, s);
                        if (r < 0)
                                return r;
                        if (r > 0)
                                changed = true;
                }
        }

        if (rtnl_conn_probe_links(s))
                changed = true;
        return lost ? -ENOBUFS : changed;
}

static int64_t now_ms(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int rtnl_conn_sync(RtnlConn *c, State *s, int timeout_ms) {
        int64_t deadline = now_ms() + (timeout_ms < 0 ? 0 : timeout_ms);
        int r;

        r = rtnl_conn_start_resync(c, s);
        if (r < 0)
                return r;
        while (!rtnl_conn_resync_done(c)) {
                struct pollfd p = { .fd = rtnl_conn_fd(c), .events = POLLIN };
                int64_t left = deadline - now_ms();

                if (timeout_ms >= 0 && left <= 0)
                        return -ETIMEDOUT;
                r = poll(&p, 1, timeout_ms < 0 ? -1 : (int) left);
                if (r < 0 && errno != EINTR)
                        return -errno;
                if (r <= 0)
                        continue;
                r = rtnl_conn_receive(c, s);
                if (r == -ENOBUFS)
                        r = rtnl_conn_start_resync(c, s);
                if (r < 0)
                        return r;
        }
        return 0;
}
