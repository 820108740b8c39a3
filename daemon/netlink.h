/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What every netlink socket of ours does the same way. */

#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Receives one datagram from the netlink socket fd into *buf (*size bytes long), retrying EINTR.
 * Returns its length; 0 when it came from another sender than the kernel; -EMSGSIZE when it did
 * not fit: it is lost, and *buf grew (up to max) for the next one; -ENOBUFS when the kernel
 * dropped messages for us; -EAGAIN when there is nothing (or SO_RCVTIMEO passed); other -errno. */
ssize_t netlink_recv(int fd, void **buf, size_t *size, size_t max, int flags);

/* The message at nlh fits in the left bytes of the buffer. Pure. libmnl 1.0.4's mnl_nlmsg_ok()
 * compares (int) nlmsg_len, so a message claiming 2 GiB or more would pass as fitting. */
bool netlink_message_fits(const struct nlmsghdr *nlh, int left);

/* ---- attributes: the one walk of every parser (pure) ---- */

/* A walk over the attributes in len bytes; each one it yields lies wholly inside them. libmnl's
 * mnl_attr_for_each() and mnl_attr_parse() walk up to the aligned end of the message, so they
 * read past a message whose nlmsg_len is not a multiple of 4. */
typedef struct NetlinkAttrs {
        const uint8_t *start;
        size_t offset, len;
} NetlinkAttrs;

/* The attributes after a fixed header of hdrlen bytes, up to nlmsg_len; -EBADMSG when
 * nlmsg_len does not cover both headers */
int netlink_attrs_init(const struct nlmsghdr *nlh, size_t hdrlen, NetlinkAttrs *ret);
/* The attributes in len bytes at start */
void netlink_attrs_init_payload(const void *start, size_t len, NetlinkAttrs *ret);
/* The attributes nested in the payload of nest */
void netlink_attrs_init_nested(const struct nlattr *nest, NetlinkAttrs *ret);
/* The next attribute: 1 and *ret, 0 at the end, -EBADMSG where what is left is no whole
 * attribute (too short for its header, or running past the end) */
int netlink_attrs_next(NetlinkAttrs *a, const struct nlattr **ret);
/* The rest of the walk by type into tb[0..max]: NULL where absent, the last one of a repeated
 * type, types above max left out. -EBADMSG as netlink_attrs_next(). */
int netlink_attrs_table(NetlinkAttrs *a, const struct nlattr **tb, uint16_t max);
