/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Container port forwarders: the processes that listen on the host for a port published from a
 * container (Docker's docker-proxy, rootless Docker's and Podman's rootlessport, pasta,
 * slirp4netns). Their listeners are servers whoever owns them (DESIGN.md §7). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inaddr.h"
#include "listener.h"

/* comm is one of the forwarders */
bool forwarder_is(const char *comm);

/* The port docker-proxy publishes, from its arguments "-host-ip 0.0.0.0 -host-port 3000":
 * ret_family is AF_UNSPEC when it names no address. -EINVAL when the arguments have no port. */
int forwarder_parse_docker_proxy(const char *const *argv, size_t argc, int *ret_family,
                                 union in_addr_union *ret_address, uint16_t *ret_port);

/* Marks the owners in procs[] (one per listener) that are forwarders (ProcInfo.via), and finds
 * the docker-proxy of each listener whose owner /proc did not show (root's, to anyone else):
 * from the docker-proxy processes' command lines, which everyone can read. I/O. */
int forwarder_lookup(const char *proc_root, const Listener *listeners, size_t n, ProcInfo *procs);
