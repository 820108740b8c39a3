/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "inaddr.h"

/* A listening TCP socket, as sock_diag reports it. */
typedef struct Listener {
        int family;                           /* of the bound address, after ::ffff:a.b.c.d is unmapped */
        union in_addr_union address;
        uint16_t port;                        /* host byte order */
        uint32_t uid;
        uint64_t inode;
        int ifindex;                          /* SO_BINDTODEVICE, 0 when none */
        bool v6only;                          /* AF_INET6 sockets only: INET_DIAG_SKV6ONLY */
        bool socket_is_v6;                    /* the socket is AF_INET6 (even when bound to a mapped v4) */
} Listener;

struct ProcChain;

/* Who owns a listening socket, from /proc. pid 0 when unknown. */
typedef struct ProcInfo {
        uint64_t inode;
        pid_t pid;
        char name[64];                        /* the tool (tool_name()), else /proc/PID/comm */
        char *cmdline;                        /* NUL-separated arguments joined by spaces; may be NULL */
        uint64_t start_time;                  /* /proc/PID/stat field 22, clock ticks after boot */
        struct ProcChain *chain;              /* the process and its ancestors; a reference, may be NULL */
        char via[16];                         /* the container port forwarder it is, "" when none */
} ProcInfo;

void procinfo_done(ProcInfo *p);
