/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* NETLINK_SOCK_DIAG: TCP listeners. The kernel has no event for a new listener, so these are
 * re-scanned, not followed. */

#include <linux/netlink.h>
#include <stddef.h>

#include "listener.h"

/* Pure: one SOCK_DIAG_BY_FAMILY or TCPDIAG_GETSOCK reply to a Listener. -EBADMSG when
 * malformed; -EOPNOTSUPP for another message type, family or socket state. */
int sockdiag_parse(const struct nlmsghdr *nlh, Listener *ret);

/* Pure: builds the request for the family into buf (at least 128 bytes); returns its length.
 * AF_UNSPEC: the old TCPDIAG_GETSOCK request, which reports both families in one walk of the
 * kernel's listening hash table (the scan uses it: half the cost of one dump per family). */
int sockdiag_build_request(void *buf, size_t size, int family, uint32_t seq);

typedef struct SockDiag SockDiag;

int sockdiag_new(SockDiag **ret);
SockDiag *sockdiag_free(SockDiag *d);
void sockdiag_freep(SockDiag **d);

/* Dumps the TCP listeners of both families in one request (blocking: the kernel answers at once).
 * *ret is a new array the caller frees. */
int sockdiag_scan(SockDiag *d, Listener **ret, size_t *ret_n);
