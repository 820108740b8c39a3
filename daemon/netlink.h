/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What every netlink socket of ours does the same way. */

#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Receives one datagram from the netlink socket fd into *buf (*size bytes long), retrying EINTR.
 * Returns its length; 0 when it came from another sender than the kernel; -EMSGSIZE when it did
 * not fit: it is lost, and *buf grew (up to max) for the next one; -ENOBUFS when the kernel
 * dropped messages for us; -EAGAIN when there is nothing (or SO_RCVTIMEO passed); other -errno. */
ssize_t netlink_recv(int fd, void **buf, size_t *size, size_t max, int flags);

/* The message at nlh fits in the left bytes of the buffer. Pure. libmnl 1.0.4's mnl_nlmsg_ok()
 * compares (int) nlmsg_len, so a message claiming 2 GiB or more would pass as fitting. */
bool netlink_message_fits(const struct nlmsghdr *nlh, int left);
