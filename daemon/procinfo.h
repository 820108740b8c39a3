/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The process behind a listening socket: pid, name, command line, start time, from /proc. */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "listener.h"

/* A copy that owns its command line and holds a reference to the chain */
int procinfo_copy(const ProcInfo *p, ProcInfo *ret);

/* Pure parsers */
/* "socket:[12345]" -> 12345 */
int procinfo_parse_socket_link(const char *target, uint64_t *ret_inode);
/* NUL-separated arguments -> one string, separated by spaces, control characters replaced */
int procinfo_format_cmdline(const char *raw, size_t len, char **ret);
/* /proc/PID/stat: the start time (field 22), after the last ')' since comm may hold anything */
int procinfo_parse_stat_start_time(const char *stat, uint64_t *ret_start_time);

/* Reads at most max bytes of dir_fd/path (opened non-blocking); *ret_len is what was read */
int procinfo_read_file_at(int dir_fd, const char *path, char *buf, size_t max, size_t *ret_len);

/* Scans /proc (below proc_root, normally "/proc") once for the owners of the given inodes.
 * ret[i] describes inodes[i]; pid 0 when no process we can see owns it. */
int procinfo_lookup(const char *proc_root, const uint64_t *inodes, size_t n, ProcInfo *ret);
/* Test seam: called in procinfo_lookup() between reading a process's fd/ and its stat, comm and
 * cmdline, where a PID can be reused */
extern void (*procinfo_between_reads)(pid_t pid);
/* One process (inode 0): -ENOENT and friends when it is gone or hidden */
int procinfo_read(const char *proc_root, pid_t pid, ProcInfo *ret);
