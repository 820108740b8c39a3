/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "netlink.h"

ssize_t netlink_recv(int fd, void **buf, size_t *size, size_t max, int flags) {
        struct sockaddr_nl sa;
        struct iovec iov = { .iov_base = *buf, .iov_len = *size };
        struct msghdr msg = {
                .msg_name = &sa,
                .msg_namelen = sizeof(sa),
                .msg_iov = &iov,
                .msg_iovlen = 1,
        };
        ssize_t n;

        do
                n = recvmsg(fd, &msg, flags | MSG_TRUNC);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return errno == EWOULDBLOCK ? -EAGAIN : -errno;
        if ((size_t) n > *size) {
                size_t grown = *size;
                void *p;

                while (grown < (size_t) n && grown < max)
                        grown *= 2;
                p = realloc(*buf, grown);
                if (!p)
                        return -ENOMEM;
                *buf = p;
                *size = grown;
                return -EMSGSIZE;
        }
        /* only the kernel (port id 0) speaks for the network */
        if (msg.msg_namelen != sizeof(sa) || sa.nl_pid != 0)
                return 0;
        return n;
}

bool netlink_message_fits(const struct nlmsghdr *nlh, int left) {
        return left >= (int) sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) &&
               nlh->nlmsg_len <= (unsigned) left;
}
