/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The rtnetlink socket (libmnl): subscribed to link, address, nexthop and route groups, then
 * dumps links, addresses, nexthop objects and routes on the same socket one at a time, so no
 * event is lost during a dump. */

#include <stdbool.h>
#include <stdint.h>

#include "state.h"

typedef struct RtnlConn RtnlConn;

/* Opens a non-blocking socket, joins the groups, asks for a large receive buffer and strict
 * checking. Nothing is dumped yet. */
int rtnl_conn_new(RtnlConn **ret);
RtnlConn *rtnl_conn_free(RtnlConn *c);
void rtnl_conn_freep(RtnlConn **c);
int rtnl_conn_fd(const RtnlConn *c);

/* Starts a full resync: marks the whole state, then dumps links, addresses, nexthop objects and
 * routes in turn; when the last dump ends the unmarked entries are swept. A dump cut by
 * NLM_F_DUMP_INTR is run again. Calling it while a resync runs restarts that resync. */
int rtnl_conn_start_resync(RtnlConn *c, State *s);
bool rtnl_conn_resync_done(const RtnlConn *c);

/* Reads everything the socket holds now (never blocks), applies it to the state, sends the next
 * dump request when one ended, and probes new links for Wi-Fi. Returns 1 if the state changed,
 * 0 if not, -ENOBUFS when the kernel dropped events (the caller must resync), other -errno on
 * failure. */
int rtnl_conn_receive(RtnlConn *c, State *s);

/* For --once and tests: resync and wait (poll) until it is complete. */
int rtnl_conn_sync(RtnlConn *c, State *s, int timeout_ms);

/* How many full resyncs were started, and how many dumps were repeated after DUMP_INTR */
uint64_t rtnl_conn_resyncs(const RtnlConn *c);
uint64_t rtnl_conn_dump_retries(const RtnlConn *c);
