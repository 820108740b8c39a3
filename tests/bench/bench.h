/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Helpers of the benchmark harness (tests/bench/reachd-bench.c): clocks and percentiles,
 * processes and their /proc figures, Unix socket clients, network namespaces, rtnetlink. */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define NSEC_PER_USEC 1000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_SEC 1000000000ULL

uint64_t bench_now_ns(void);
/* Sorts values in place; p in (0, 100]: the nearest-rank percentile */
uint64_t bench_percentile(uint64_t *values, size_t n, double p);
uint64_t bench_median(uint64_t *values, size_t n);

/* An environment variable as a positive number, else def */
unsigned long bench_env_ulong(const char *name, unsigned long def);

/* ---- processes ---- */

typedef struct BenchSpawn {
        char **argv;                          /* NULL-terminated */
        const char *notify_socket;            /* NOTIFY_SOCKET for the child, or NULL */
        int stdin_fd, stdout_fd, stderr_fd;   /* -1: /dev/null */
} BenchSpawn;

/* fork + execvp; the child's environment is ours plus NOTIFY_SOCKET */
int bench_spawn(const BenchSpawn *s, pid_t *ret_pid);
/* Waits up to timeout_ms; *ret_status as from waitpid, *ret_maxrss_kib from wait4 (either may be NULL) */
int bench_wait(pid_t pid, int timeout_ms, int *ret_status, long *ret_maxrss_kib);
/* The same, with the CPU time (user + system) of the process and of the children it waited for */
int bench_wait_cpu(pid_t pid, int timeout_ms, int *ret_status, uint64_t *ret_cpu_ns);
/* SIGTERM, then SIGKILL after timeout_ms; reaps it */
int bench_stop(pid_t pid, int timeout_ms);
/* Runs argv with stdout and stderr to /dev/null, waits; wall time in ns */
int bench_run_timed(char **argv, uint64_t *ret_ns, int *ret_status, long *ret_maxrss_kib);
/* Runs a shell command line (setup only, never timed); 0 when it exited 0 */
int bench_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

typedef struct BenchProcStat {
        uint64_t cpu_ns;                      /* utime + stime */
        uint64_t run_ns;                      /* sum_exec_runtime from /proc/PID/schedstat, else cpu_ns */
        uint64_t ctxt_voluntary;
        uint64_t ctxt_nonvoluntary;
        uint64_t rss_kib;                     /* VmRSS */
        uint64_t hwm_kib;                     /* VmHWM */
        uint64_t anon_kib;                    /* RssAnon: what is the process's own */
        uint64_t pss_kib;                     /* from smaps_rollup: shared pages divided among their users */
} BenchProcStat;

int bench_proc_stat(pid_t pid, BenchProcStat *ret);

/* ---- sockets ---- */

/* Connects to a Unix stream socket; blocking, close-on-exec */
int bench_unix_connect(const char *path, int *ret_fd);
/* One request on a fresh connection, the whole answer read until EOF into buf (NUL-terminated,
 * truncated to size - 1); *ret_len is the full length received */
int bench_unix_request(const char *path, const char *request, char *buf, size_t size, size_t *ret_len);
/* Same, the answer into a malloc'ed string */
int bench_unix_request_alloc(const char *path, const char *request, char **ret, size_t *ret_len);
/* A TCP listener on 0.0.0.0:port in the current network namespace: the "dev server" */
int bench_tcp_listen(uint16_t port, int *ret_fd);
/* The datagram socket systemd would give the daemon as NOTIFY_SOCKET */
int bench_notify_open(const char *path, int *ret_fd);
/* Waits up to timeout_ms for a datagram holding READY=1 */
int bench_notify_wait_ready(int fd, int timeout_ms);

/* ---- network namespaces ---- */

/* Once: a private mount namespace, and a user namespace when not root. -EPERM when neither works. */
int bench_isolate(void);
/* A new, empty network namespace for this process and the children it starts from now on;
 * sysfs remounted so /sys/class/net describes it; lo up; disable_ipv6 / accept_dad defaults */
int bench_netns_fresh(bool ipv6, bool accept_dad);

/* ---- rtnetlink ---- */

typedef struct BenchNl BenchNl;

/* groups: RTMGRP_* bits to subscribe to (0 for a request socket); rcvbuf: 0 for the default */
int bench_nl_open(unsigned groups, int rcvbuf, BenchNl **ret);
BenchNl *bench_nl_free(BenchNl *nl);
int bench_nl_fd(const BenchNl *nl);

typedef struct BenchAddr {
        int family;
        unsigned ifindex;
        uint8_t prefixlen;
        union {
                struct in_addr in;
                struct in6_addr in6;
                uint8_t bytes[16];
        };
} BenchAddr;

/* Adds (add = true) or deletes the address; the request is sent, its ACK not awaited */
int bench_nl_addr_send(BenchNl *nl, bool add, const BenchAddr *a);
/* Reads ACKs until count have come (blocking); *ret_errors counts the negative ones */
int bench_nl_read_acks(BenchNl *nl, size_t count, size_t *ret_errors);
/* Many requests, sent window at a time in one datagram, each ACK read back */
int bench_nl_addr_batch(BenchNl *nl, const bool *add, const BenchAddr *a, size_t n, size_t window,
                        size_t *ret_errors);

/* Reads what the socket holds (non-blocking) and calls fn for each address message; returns the
 * number of messages, -ENOBUFS when the kernel dropped some */
typedef void (*bench_nl_addr_fn)(void *userdata, bool add, const BenchAddr *a);
int bench_nl_drain(BenchNl *nl, bench_nl_addr_fn fn, void *userdata);

int bench_addr_parse(const char *s, unsigned ifindex, BenchAddr *ret);
void bench_addr_to_string(const BenchAddr *a, char *buf, size_t size);
