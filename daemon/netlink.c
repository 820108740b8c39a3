/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
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

int netlink_attrs_init(const struct nlmsghdr *nlh, size_t hdrlen, NetlinkAttrs *ret) {
        size_t start = NLMSG_HDRLEN + NLMSG_ALIGN(hdrlen);

        if (nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len - NLMSG_HDRLEN < hdrlen)
                return -EBADMSG;
        /* a header whose padding is cut off leaves no attributes */
        if (start > nlh->nlmsg_len)
                start = nlh->nlmsg_len;
        netlink_attrs_init_payload((const uint8_t *) nlh + start, nlh->nlmsg_len - start, ret);
        return 0;
}

void netlink_attrs_init_payload(const void *start, size_t len, NetlinkAttrs *ret) {
        *ret = (NetlinkAttrs) { .start = start, .len = len };
}

void netlink_attrs_init_nested(const struct nlattr *nest, NetlinkAttrs *ret) {
        netlink_attrs_init_payload((const uint8_t *) nest + NLA_HDRLEN,
                                   nest->nla_len > NLA_HDRLEN ? nest->nla_len - NLA_HDRLEN : 0, ret);
}

int netlink_attrs_next(NetlinkAttrs *a, const struct nlattr **ret) {
        const struct nlattr *attr;
        size_t left;

        /* past the end by the padding of a last attribute that the message leaves out */
        if (a->offset >= a->len)
                return 0;
        left = a->len - a->offset;
        if (left < NLA_HDRLEN)
                return -EBADMSG;
        attr = (const void *) (a->start + a->offset);
        if (attr->nla_len < NLA_HDRLEN || attr->nla_len > left)
                return -EBADMSG;
        a->offset += NLA_ALIGN(attr->nla_len);
        *ret = attr;
        return 1;
}

int netlink_attrs_table(NetlinkAttrs *a, const struct nlattr **tb, uint16_t max) {
        const struct nlattr *attr;
        int r;

        memset(tb, 0, (max + 1) * sizeof(tb[0]));
        while ((r = netlink_attrs_next(a, &attr)) > 0) {
                uint16_t type = attr->nla_type & NLA_TYPE_MASK;

                if (type <= max)
                        tb[type] = attr;
        }
        return r;
}
