/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `make bench`: reachd's speed and footprint, each figure beside a baseline measured in the same
 * run (ip monitor, ip -j addr show, hostname -I, a raw rtnetlink listener, a trivial socket
 * server), printed as a Markdown table. Runs in private network namespaces only; see
 * BENCHMARKS.md for the method. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define BENCH_PORT 8400
#define BENCH_PORT_STRING "8400"
#define RESCAN_DEFAULT_SEC 2
#define DAEMON_RCVBUF (8 * 1024 * 1024)
#define LINE_BUFFER (1024 * 1024)
#define QUERY_CLIENTS 4

typedef struct Row {
        char figure[128];
        char value[96];
        char baseline[128];
        char ratio[24];
        char target[48];
        char verdict[16];
} Row;

typedef struct Bench {
        const char *reachd;
        const char *reachctl;
        char tmp[PATH_MAX - 64];
        char **wrapper;
        size_t n_wrapper;
        unsigned scale;                       /* timeouts multiply by this (valgrind) */
        Row rows[64];
        size_t n_rows;
} Bench;

typedef struct Daemon {
        pid_t pid;
        pid_t drainer;
        int notify_fd;
        char sock[PATH_MAX];
        char log[PATH_MAX];
        uint64_t ready_ns;
} Daemon;

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...) {
        va_list ap;

        fputs("# ", stderr);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
}

/* ---- the table ---- */

static void row_add(Bench *b, const char *figure, const char *value, const char *baseline,
                    const char *ratio, const char *target, const char *verdict) {
        Row *r;

        if (b->n_rows >= sizeof(b->rows) / sizeof(b->rows[0]))
                return;
        r = &b->rows[b->n_rows++];
        snprintf(r->figure, sizeof(r->figure), "%s", figure);
        snprintf(r->value, sizeof(r->value), "%s", value);
        snprintf(r->baseline, sizeof(r->baseline), "%s", baseline);
        snprintf(r->ratio, sizeof(r->ratio), "%s", ratio);
        snprintf(r->target, sizeof(r->target), "%s", target);
        snprintf(r->verdict, sizeof(r->verdict), "%s", verdict);
}

static void fmt_time(char *buf, size_t size, uint64_t ns) {
        if (ns < 10 * NSEC_PER_USEC)
                snprintf(buf, size, "%.1f µs", (double) ns / NSEC_PER_USEC);
        else if (ns < NSEC_PER_MSEC)
                snprintf(buf, size, "%.0f µs", (double) ns / NSEC_PER_USEC);
        else if (ns < 10 * NSEC_PER_SEC)
                snprintf(buf, size, "%.2f ms", (double) ns / NSEC_PER_MSEC);
        else
                snprintf(buf, size, "%.1f s", (double) ns / NSEC_PER_SEC);
}

static void fmt_kib(char *buf, size_t size, uint64_t kib) {
        snprintf(buf, size, "%.2f MiB", (double) kib / 1024.0);
}

/* VmRSS counts every page of libc and libsystemd the process touched, though other processes
 * share them: PSS and the anonymous part say what the process itself costs */
static void fmt_rss(char *buf, size_t size, const BenchProcStat *st, bool peak) {
        snprintf(buf, size, "%.2f MiB (PSS %.2f, anon %.2f)", (double) (peak ? st->hwm_kib : st->rss_kib) / 1024.0,
                 (double) st->pss_kib / 1024.0, (double) st->anon_kib / 1024.0);
}

static void fmt_ratio(char *buf, size_t size, double a, double b) {
        if (b <= 0)
                snprintf(buf, size, "—");
        else
                snprintf(buf, size, "%.2f×", a / b);
}

static const char *verdict(bool met) {
        return met ? "met" : "**missed**";
}

static void print_table(const Bench *b) {
        printf("| figure | reachd | baseline (same run) | ratio | target | |\n");
        printf("| --- | ---: | --- | ---: | --- | --- |\n");
        for (size_t i = 0; i < b->n_rows; i++) {
                const Row *r = &b->rows[i];

                printf("| %s | %s | %s | %s | %s | %s |\n", r->figure, r->value, r->baseline, r->ratio,
                       r->target, r->verdict);
        }
        fflush(stdout);
}

/* ---- the daemon under test ---- */

/* extra: more arguments for reachd, NULL-terminated, or NULL */
static int daemon_start(Bench *b, Daemon *d, const char *name, char *const *extra) {
        char notify[PATH_MAX], port[] = BENCH_PORT_STRING;
        char *argv[16];
        BenchSpawn s = { .stdin_fd = -1, .stdout_fd = -1 };
        uint64_t t0;
        size_t n = 0;
        int log_fd, r;

        *d = (Daemon) { .notify_fd = -1 };
        snprintf(d->sock, sizeof(d->sock), "%s/%s.sock", b->tmp, name);
        snprintf(d->log, sizeof(d->log), "%s/%s.log", b->tmp, name);
        snprintf(notify, sizeof(notify), "%s/%s.notify", b->tmp, name);
        r = bench_notify_open(notify, &d->notify_fd);
        if (r < 0)
                return r;
        log_fd = open(d->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (log_fd < 0)
                return -errno;
        for (size_t i = 0; i < b->n_wrapper && n < 8; i++)
                argv[n++] = b->wrapper[i];
        argv[n++] = (char *) b->reachd;
        argv[n++] = (char *) "-p";
        argv[n++] = port;
        argv[n++] = (char *) "-s";
        argv[n++] = d->sock;
        for (size_t i = 0; extra && extra[i] && n < 15; i++)
                argv[n++] = extra[i];
        argv[n] = NULL;
        s.argv = argv;
        s.notify_socket = notify;
        s.stderr_fd = log_fd;
        t0 = bench_now_ns();
        r = bench_spawn(&s, &d->pid);
        close(log_fd);
        if (r < 0)
                return r;
        r = bench_notify_wait_ready(d->notify_fd, 20000 * (int) b->scale);
        if (r < 0) {
                note("reachd did not send READY=1: %s (log: %s)", strerror(-r), d->log);
                return r;
        }
        d->ready_ns = bench_now_ns() - t0;
        /* systemd reads every STATUS= the daemon sends; a full queue would block the daemon */
        fflush(NULL);
        d->drainer = fork();
        if (d->drainer == 0) {
                char buf[4096];

                for (;;)
                        (void) recv(d->notify_fd, buf, sizeof(buf), 0);
        }
        return d->drainer < 0 ? -errno : 0;
}

static void daemon_stop(Daemon *d) {
        if (d->pid > 0)
                (void) bench_stop(d->pid, 5000);
        if (d->drainer > 0) {
                (void) kill(d->drainer, SIGKILL);
                (void) bench_wait(d->drainer, -1, NULL, NULL);
        }
        if (d->notify_fd >= 0)
                close(d->notify_fd);
        *d = (Daemon) { .notify_fd = -1 };
}

/* The daemon's own count of full re-reads, from its last "… (N full re-reads so far)" line */
static unsigned long daemon_redumps(const Daemon *d, unsigned long *ret_drop_lines) {
        unsigned long redumps = 0, drops = 0;
        char line[4096];
        FILE *f;

        f = fopen(d->log, "re");
        if (!f)
                return 0;
        while (fgets(line, sizeof(line), f)) {
                const char *p = strstr(line, "full re-read");

                if (strstr(line, "the kernel dropped network events"))
                        drops++;
                if (p) {
                        while (p > line && p[-1] == ' ')
                                p--;
                        while (p > line && p[-1] >= '0' && p[-1] <= '9')
                                p--;
                        redumps = strtoul(p, NULL, 10);
                }
        }
        fclose(f);
        if (ret_drop_lines)
                *ret_drop_lines = drops;
        return redumps;
}

/* The daemon's interfaces and addresses equal the kernel's, and it still shares expect_url */
static bool daemon_view_exact(const Bench *b, const Daemon *d, const char *expect_url) {
        char url[512], path[PATH_MAX];
        size_t len;
        char *json = NULL;
        FILE *f;
        int r;

        if (bench_unix_request(d->sock, "url\n", url, sizeof(url), &len) < 0 || strcmp(url, expect_url) != 0)
                return false;
        if (bench_unix_request_alloc(d->sock, "json\n", &json, &len) < 0)
                return false;
        snprintf(path, sizeof(path), "%s/view.json", b->tmp);
        f = fopen(path, "we");
        if (!f) {
                free(json);
                return false;
        }
        fwrite(json, 1, len, f);
        fclose(f);
        free(json);
        r = bench_sh("ip -j addr show | jq -S -c '[.[] | {index: .ifindex, addresses: "
                     "([.addr_info[] | \"\\(.local)/\\(.prefixlen)\"] | sort)}] | sort_by(.index)' >'%s/kernel.canon' && "
                     "jq -S -c '[.interfaces[] | {index, addresses: "
                     "([.addresses[] | \"\\(.address)/\\(.prefixlen)\"] | sort)}] | sort_by(.index)' '%s' >'%s/daemon.canon' && "
                     "cmp -s '%s/kernel.canon' '%s/daemon.canon'",
                     b->tmp, path, b->tmp, b->tmp, b->tmp);
        return r >= 0;
}

static int spawn_ip_monitor(int stdout_fd, pid_t *ret_pid) {
        char *argv[] = { (char *) "ip", (char *) "monitor", (char *) "address", NULL };
        BenchSpawn s = { .argv = argv, .stdin_fd = -1, .stdout_fd = stdout_fd, .stderr_fd = -1 };
        int r;

        r = bench_spawn(&s, ret_pid);
        if (r < 0)
                return r;
        /* it prints nothing when it is ready: give it time to subscribe */
        usleep(200 * 1000);
        return 0;
}

/* ---- line reader for the watch stream and ip monitor ---- */

typedef struct Lines {
        int fd;
        char *buf;
        size_t len;
        bool eof;
} Lines;

/* Reads what is there; calls fn for each complete line until it returns true (found) */
static bool lines_read(Lines *l, bool (*fn)(const char *line, void *userdata), void *userdata) {
        bool found = false;

        for (;;) {
                ssize_t n;
                char *start, *nl;

                if (l->len >= LINE_BUFFER - 1)
                        l->len = 0;     /* a line longer than the buffer is not one we look for */
                n = read(l->fd, l->buf + l->len, LINE_BUFFER - 1 - l->len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0) {
                        if (n == 0)
                                l->eof = true;
                        return found;
                }
                l->len += (size_t) n;
                l->buf[l->len] = 0;
                start = l->buf;
                while ((nl = strchr(start, '\n'))) {
                        *nl = 0;
                        if (!found && fn(start, userdata))
                                found = true;
                        start = nl + 1;
                }
                l->len -= (size_t) (start - l->buf);
                memmove(l->buf, start, l->len);
        }
}

/* ---- event latency ---- */

typedef struct Round {
        bool add;
        BenchAddr addr;
        char addr_text[64];                   /* "inet 10.0.0.1/24" as ip monitor prints it */
        char share[128];                      /* "\"share_url\":\"http://…/\"" */
        bool got_nl, got_mon, got_watch;
} Round;

static void on_listener_addr(void *userdata, bool add, const BenchAddr *a) {
        Round *r = userdata;

        if (add == r->add && a->family == r->addr.family && a->prefixlen == r->addr.prefixlen &&
            memcmp(a->bytes, r->addr.bytes, 4) == 0)
                r->got_nl = true;
}

static bool match_monitor(const char *line, void *userdata) {
        const Round *r = userdata;
        bool deleted = strncmp(line, "Deleted ", 8) == 0;

        return deleted != r->add && strstr(line, r->addr_text);
}

static bool match_watch(const char *line, void *userdata) {
        const Round *r = userdata;

        return strstr(line, r->share) != NULL;
}

typedef struct LatencySamples {
        uint64_t *nl, *mon, *watch;
        size_t n;
        size_t missed;
} LatencySamples;

static void latency_rows(Bench *b, const char *what, LatencySamples *s, bool targets) {
        uint64_t nl50, nl99, mon50, mon99, w50, w99;
        char figure[128], value[64], base[128], ratio[24], t1[32], t2[32];

        nl50 = bench_percentile(s->nl, s->n, 50);
        nl99 = bench_percentile(s->nl, s->n, 99);
        mon50 = bench_percentile(s->mon, s->n, 50);
        mon99 = bench_percentile(s->mon, s->n, 99);
        w50 = bench_percentile(s->watch, s->n, 50);
        w99 = bench_percentile(s->watch, s->n, 99);

        snprintf(figure, sizeof(figure), "event latency p50: %s → `watch` line (%zu changes%s)", what, s->n,
                 s->missed ? ", some missed" : "");
        fmt_time(value, sizeof(value), w50);
        fmt_time(t1, sizeof(t1), mon50);
        fmt_time(t2, sizeof(t2), nl50);
        snprintf(base, sizeof(base), "`ip monitor address` %s; raw listener (floor) %s", t1, t2);
        fmt_ratio(ratio, sizeof(ratio), (double) w50, (double) mon50);
        row_add(b, figure, value, base, ratio, targets ? "≤ 2× ip monitor" : "—",
                targets ? verdict(w50 <= 2 * mon50) : "");

        snprintf(figure, sizeof(figure), "event latency p99: %s → `watch` line", what);
        fmt_time(value, sizeof(value), w99);
        fmt_time(t1, sizeof(t1), mon99);
        fmt_time(t2, sizeof(t2), nl99);
        snprintf(base, sizeof(base), "`ip monitor address` %s; raw listener (floor) %s", t1, t2);
        fmt_ratio(ratio, sizeof(ratio), (double) w99, (double) mon99);
        row_add(b, figure, value, base, ratio, targets ? "< 1 ms" : "—",
                targets ? verdict(w99 < NSEC_PER_MSEC) : "");
}

/* Unlike the latencies, hardly disturbed by whatever else the machine runs */
static void latency_cpu_row(Bench *b, size_t changes, uint64_t daemon_ns, uint64_t monitor_ns) {
        char figure[128], value[64], base[128], ratio[24], t1[32];

        snprintf(figure, sizeof(figure), "CPU per address change (user + system, %zu changes)", changes);
        fmt_time(value, sizeof(value), daemon_ns / changes);
        fmt_time(t1, sizeof(t1), monitor_ns / changes);
        snprintf(base, sizeof(base), "`ip monitor address` %s", t1);
        fmt_ratio(ratio, sizeof(ratio), (double) daemon_ns, (double) monitor_ns);
        row_add(b, figure, value, base, ratio, "≤ 2× ip monitor", verdict(daemon_ns <= 2 * monitor_ns));
}

static int samples_alloc(LatencySamples *s, size_t n) {
        *s = (LatencySamples) {};
        s->nl = calloc(n, sizeof(uint64_t));
        s->mon = calloc(n, sizeof(uint64_t));
        s->watch = calloc(n, sizeof(uint64_t));
        return s->nl && s->mon && s->watch ? 0 : -ENOMEM;
}

static void samples_free(LatencySamples *s) {
        free(s->nl);
        free(s->mon);
        free(s->watch);
}

static int phase_latency(Bench *b) {
        /* a change for the worse (the address removed) is held for the settle time on purpose
         * (DESIGN.md §7): without the hold, this measures the way from the kernel to the line */
        static char *const no_settle[] = { (char *) "--settle", (char *) "0", NULL };
        static const char *const anchor = "169.254.7.1", *const watch_request = "watch " BENCH_PORT_STRING "\n";
        size_t changes = bench_env_ulong("BENCH_LATENCY_CHANGES", 1000), warmup = 20;
        Lines mon = { .fd = -1 }, watch = { .fd = -1 };
        BenchNl *listener = NULL, *req = NULL;
        LatencySamples adds = {}, dels = {};
        BenchProcStat d0, d1, m0, m1;
        Daemon d = { .notify_fd = -1 };
        pid_t mon_pid = -1;
        int tcp = -1, ep = -1, p[2] = { -1, -1 }, r;
        unsigned ifindex;

        note("event latency: %zu address changes on the default-route interface", changes);
        r = bench_netns_fresh(false, true);
        if (r < 0)
                return r;
        r = bench_sh("ip link add lan0 type veth peer name peer0 && ip link set lan0 up && ip link set peer0 up && "
                     "ip addr add %s/16 dev lan0 && ip route add default dev lan0", anchor);
        if (r < 0)
                return r;
        ifindex = if_nametoindex("lan0");
        r = bench_tcp_listen(BENCH_PORT, &tcp);
        if (r < 0)
                goto finish;
        r = daemon_start(b, &d, "latency", no_settle);
        if (r < 0)
                goto finish;
        if (pipe2(p, O_CLOEXEC) < 0) {
                r = -errno;
                goto finish;
        }
        mon.fd = p[0];
        r = spawn_ip_monitor(p[1], &mon_pid);
        close(p[1]);
        if (r < 0)
                goto finish;
        (void) fcntl(mon.fd, F_SETFL, O_NONBLOCK);
        r = bench_nl_open(RTMGRP_IPV4_IFADDR, 0, &listener);
        if (r >= 0)
                r = bench_nl_open(0, 0, &req);
        if (r >= 0)
                r = bench_unix_connect(d.sock, &watch.fd);
        if (r < 0)
                goto finish;
        if (write(watch.fd, watch_request, strlen(watch_request)) != (ssize_t) strlen(watch_request)) {
                r = -EIO;
                goto finish;
        }
        (void) fcntl(watch.fd, F_SETFL, O_NONBLOCK);
        mon.buf = malloc(LINE_BUFFER);
        watch.buf = malloc(LINE_BUFFER);
        r = samples_alloc(&adds, changes);
        if (r >= 0)
                r = samples_alloc(&dels, changes);
        ep = epoll_create1(EPOLL_CLOEXEC);
        if (!mon.buf || !watch.buf || r < 0 || ep < 0) {
                r = -ENOMEM;
                goto finish;
        }
        {
                int fds[] = { bench_nl_fd(listener), mon.fd, watch.fd };

                for (size_t i = 0; i < 3; i++) {
                        struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t) i };

                        (void) epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
                }
        }

        for (size_t i = 0; i < 2 * (warmup + changes); i++) {
                bool add = i % 2 == 0, measured = i >= 2 * warmup;
                /* alternate between two addresses so that each addition changes the share URL */
                const char *addr = (i / 2) % 2 == 0 ? "10.0.0.1" : "10.0.0.2";
                LatencySamples *s = add ? &adds : &dels;
                uint64_t t0, deadline, t_nl = 0, t_mon = 0, t_watch = 0;
                Round round = { .add = add };

                if (i == 2 * warmup && (bench_proc_stat(d.pid, &d0) < 0 || bench_proc_stat(mon_pid, &m0) < 0)) {
                        r = -ESRCH;
                        goto finish;
                }
                (void) bench_addr_parse(addr, ifindex, &round.addr);
                round.addr.prefixlen = 24;
                snprintf(round.addr_text, sizeof(round.addr_text), " inet %s/24 ", addr);
                snprintf(round.share, sizeof(round.share), "\"share_url\":\"http://%s:%d/\"",
                         add ? addr : anchor, BENCH_PORT);
                t0 = bench_now_ns();
                r = bench_nl_addr_send(req, add, &round.addr);
                if (r < 0)
                        goto finish;
                deadline = t0 + 2 * NSEC_PER_SEC * b->scale;
                while (!(round.got_nl && round.got_mon && round.got_watch)) {
                        struct epoll_event evs[3];
                        uint64_t now = bench_now_ns();
                        int n;

                        if (now >= deadline)
                                break;
                        n = epoll_wait(ep, evs, 3, (int) ((deadline - now) / NSEC_PER_MSEC) + 1);
                        /* one clock reading for all that became ready together: handling one fd
                         * must not add to the time of the next */
                        now = bench_now_ns();
                        for (int k = 0; k < n; k++)
                                switch (evs[k].data.u32) {
                                case 0:
                                        (void) bench_nl_drain(listener, on_listener_addr, &round);
                                        if (round.got_nl && !t_nl)
                                                t_nl = now;
                                        break;
                                case 1:
                                        if (lines_read(&mon, match_monitor, &round) && !round.got_mon) {
                                                round.got_mon = true;
                                                t_mon = now;
                                        }
                                        break;
                                case 2:
                                        if (lines_read(&watch, match_watch, &round) && !round.got_watch) {
                                                round.got_watch = true;
                                                t_watch = now;
                                        }
                                        break;
                                }
                        if (watch.eof) {
                                note("the watch stream ended (log: %s)", d.log);
                                r = -EPIPE;
                                goto finish;
                        }
                }
                r = bench_nl_read_acks(req, 1, NULL);
                if (r < 0)
                        goto finish;
                if (!measured)
                        continue;
                if (!(round.got_nl && round.got_mon && round.got_watch)) {
                        s->missed++;
                        continue;
                }
                s->nl[s->n] = t_nl - t0;
                s->mon[s->n] = t_mon - t0;
                s->watch[s->n] = t_watch - t0;
                s->n++;
        }
        if (bench_proc_stat(d.pid, &d1) < 0 || bench_proc_stat(mon_pid, &m1) < 0) {
                r = -ESRCH;
                goto finish;
        }
        if (adds.missed || dels.missed)
                note("changes not seen by all three within 2 s: %zu additions, %zu removals", adds.missed, dels.missed);
        latency_rows(b, "address added", &adds, true);
        latency_rows(b, "address removed", &dels, false);
        latency_cpu_row(b, 2 * changes, d1.run_ns - d0.run_ns, m1.run_ns - m0.run_ns);
        r = 0;
finish:
        if (ep >= 0)
                close(ep);
        if (watch.fd >= 0)
                close(watch.fd);
        if (mon_pid > 0)
                (void) bench_stop(mon_pid, 2000);
        if (mon.fd >= 0)
                close(mon.fd);
        free(mon.buf);
        free(watch.buf);
        bench_nl_free(listener);
        bench_nl_free(req);
        daemon_stop(&d);
        if (tcp >= 0)
                close(tcp);
        samples_free(&adds);
        samples_free(&dels);
        return r;
}

/* ---- scale ---- */

static unsigned long count_addresses(void) {
        unsigned long n = 0;
        char line[1024];
        FILE *f;

        f = popen("ip -o addr show", "r");
        if (!f)
                return 0;
        while (fgets(line, sizeof(line), f))
                n++;
        pclose(f);
        return n;
}

static int phase_scale(Bench *b) {
        char *ip_argv[] = { (char *) "ip", (char *) "-j", (char *) "addr", (char *) "show", NULL };
        unsigned long pairs = bench_env_ulong("BENCH_PAIRS", 1000);
        size_t runs = bench_env_ulong("BENCH_SCALE_RUNS", 5), jsons = 10, json_len = 0;
        uint64_t *ready = NULL, *ip_ns = NULL, *json_ns = NULL, t0;
        long ip_rss = 0;
        Daemon d = { .notify_fd = -1 };
        BenchProcStat st_ready = {}, st_json = {};
        char path[PATH_MAX], figure[128], value[64], base[128], ratio[24], t1[32];
        unsigned long n_addr;
        bool exact;
        int tcp = -1, r;
        FILE *f;

        note("scale: %lu veth pairs with IPv4 and IPv6 addresses", pairs);
        r = bench_netns_fresh(true, false);
        if (r < 0)
                return r;
        snprintf(path, sizeof(path), "%s/scale.batch", b->tmp);
        f = fopen(path, "we");
        if (!f)
                return -errno;
        for (unsigned long i = 0; i < pairs; i++)
                fprintf(f, "link add sa%lu type veth peer name sb%lu\n", i, i);
        for (unsigned long i = 0; i < pairs; i++) {
                fprintf(f, "link set sa%lu up\nlink set sb%lu up\n", i, i);
                fprintf(f, "addr add 10.%lu.%lu.1/24 dev sa%lu\n", i >> 8, i & 255, i);
                fprintf(f, "addr add 10.%lu.%lu.2/24 dev sb%lu\n", i >> 8, i & 255, i);
                fprintf(f, "addr add fd00:%lx::1/64 dev sa%lu nodad\n", i, i);
                fprintf(f, "addr add fd00:%lx::2/64 dev sb%lu nodad\n", i, i);
        }
        fprintf(f, "route add default via 10.0.0.254 dev sa0\n");
        fclose(f);
        t0 = bench_now_ns();
        r = bench_sh("ip -batch '%s'", path);
        if (r < 0)
                return r;
        n_addr = count_addresses();
        note("scale: %lu interfaces, %lu addresses set up in %.1f s", 2 * pairs + 1, n_addr,
             (double) (bench_now_ns() - t0) / NSEC_PER_SEC);
        r = bench_tcp_listen(BENCH_PORT, &tcp);
        if (r < 0)
                return r;
        ready = calloc(runs, sizeof(uint64_t));
        ip_ns = calloc(runs, sizeof(uint64_t));
        json_ns = calloc(jsons, sizeof(uint64_t));
        if (!ready || !ip_ns || !json_ns) {
                r = -ENOMEM;
                goto finish;
        }
        /* interleaved, so that a slow moment of the machine hits both */
        for (size_t i = 0; i < runs; i++) {
                int status = 0;
                long rss = 0;

                r = bench_run_timed(ip_argv, &ip_ns[i], &status, &rss);
                if (r < 0)
                        goto finish;
                if (rss > ip_rss)
                        ip_rss = rss;
                r = daemon_start(b, &d, "scale", NULL);
                if (r < 0)
                        goto finish;
                ready[i] = d.ready_ns;
                if (i + 1 < runs)
                        daemon_stop(&d);
        }
        r = bench_proc_stat(d.pid, &st_ready);
        if (r < 0)
                goto finish;
        for (size_t i = 0; i < jsons; i++) {
                char *json = NULL;

                t0 = bench_now_ns();
                r = bench_unix_request_alloc(d.sock, "json\n", &json, &json_len);
                json_ns[i] = bench_now_ns() - t0;
                free(json);
                if (r < 0)
                        goto finish;
        }
        r = bench_proc_stat(d.pid, &st_json);
        if (r < 0)
                goto finish;
        exact = daemon_view_exact(b, &d, "http://10.0.0.1:" BENCH_PORT_STRING "/\n");

        snprintf(figure, sizeof(figure), "start → READY=1, %lu veth pairs, %lu addresses (median of %zu)",
                 pairs, n_addr, runs);
        fmt_time(value, sizeof(value), bench_median(ready, runs));
        fmt_time(t1, sizeof(t1), bench_median(ip_ns, runs));
        snprintf(base, sizeof(base), "`ip -j addr show` %s", t1);
        fmt_ratio(ratio, sizeof(ratio), (double) bench_median(ready, runs), (double) bench_median(ip_ns, runs));
        row_add(b, figure, value, base, ratio, "≤ ip -j addr show",
                verdict(bench_median(ready, runs) <= bench_median(ip_ns, runs)));

        snprintf(figure, sizeof(figure), "RSS after READY, %lu veth pairs", pairs);
        fmt_rss(value, sizeof(value), &st_ready, false);
        fmt_kib(t1, sizeof(t1), (uint64_t) ip_rss);
        snprintf(base, sizeof(base), "`ip -j addr show` peak %s", t1);
        fmt_ratio(ratio, sizeof(ratio), (double) st_ready.rss_kib, (double) ip_rss);
        row_add(b, figure, value, base, ratio, "< 8 MiB", verdict(st_ready.rss_kib < 8 * 1024));

        snprintf(figure, sizeof(figure), "RSS after %zu `json` answers (peak VmHWM), %lu veth pairs", jsons, pairs);
        fmt_rss(value, sizeof(value), &st_json, true);
        fmt_ratio(ratio, sizeof(ratio), (double) st_json.hwm_kib, (double) ip_rss);
        row_add(b, figure, value, base, ratio, "< 8 MiB", verdict(st_json.hwm_kib < 8 * 1024));

        snprintf(figure, sizeof(figure), "`json` answer, %lu veth pairs (%.1f MB; median of %zu)%s",
                 pairs, (double) json_len / 1e6, jsons, exact ? "" : " — VIEW NOT EXACT");
        fmt_time(value, sizeof(value), bench_median(json_ns, jsons));
        fmt_time(t1, sizeof(t1), bench_median(ip_ns, runs));
        snprintf(base, sizeof(base), "`ip -j addr show` %s", t1);
        fmt_ratio(ratio, sizeof(ratio), (double) bench_median(json_ns, jsons), (double) bench_median(ip_ns, runs));
        row_add(b, figure, value, base, ratio, "—", exact ? "" : "**view not exact**");
        r = 0;
finish:
        daemon_stop(&d);
        if (tcp >= 0)
                close(tcp);
        free(ready);
        free(ip_ns);
        free(json_ns);
        return r;
}

/* ---- big routing tables: a router, a host with a full BGP table ---- */

/* n routes (10.x.y.z/32 via the gateway) into table (254: main) */
static int routes_add(const Bench *b, unsigned long n, unsigned table) {
        char path[PATH_MAX];
        FILE *f;

        snprintf(path, sizeof(path), "%s/routes-%u.batch", b->tmp, table);
        f = fopen(path, "we");
        if (!f)
                return -errno;
        for (unsigned long i = 0; i < n; i++)
                fprintf(f, "route add 10.%lu.%lu.%lu/32 via 192.168.90.1 table %u\n",
                        100 + (i >> 16), (i >> 8) & 255, i & 255, table);
        fclose(f);
        return bench_sh("ip -batch '%s'", path);
}

/* start → READY=1 beside `ip -j route show default`, medians of interleaved runs */
static int routes_row(Bench *b, const char *where, unsigned long n) {
        char *ip_argv[] = { (char *) "ip", (char *) "-j", (char *) "route", (char *) "show", (char *) "default", NULL };
        size_t runs = bench_env_ulong("BENCH_SCALE_RUNS", 5);
        uint64_t *ready = NULL, *ip_ns = NULL;
        Daemon d = { .notify_fd = -1 };
        char figure[160], value[32], base[96], ratio[24], t1[32];
        int r = 0;

        ready = calloc(runs, sizeof(uint64_t));
        ip_ns = calloc(runs, sizeof(uint64_t));
        if (!ready || !ip_ns) {
                r = -ENOMEM;
                goto finish;
        }
        for (size_t i = 0; i < runs; i++) {
                int status = 0;
                long rss = 0;

                r = bench_run_timed(ip_argv, &ip_ns[i], &status, &rss);
                if (r < 0)
                        goto finish;
                r = daemon_start(b, &d, "routes", NULL);
                if (r < 0)
                        goto finish;
                ready[i] = d.ready_ns;
                daemon_stop(&d);
        }
        snprintf(figure, sizeof(figure), "start → READY=1, %lu routes in %s (median of %zu)", n, where, runs);
        fmt_time(value, sizeof(value), bench_median(ready, runs));
        fmt_time(t1, sizeof(t1), bench_median(ip_ns, runs));
        snprintf(base, sizeof(base), "`ip -j route show default` %s", t1);
        fmt_ratio(ratio, sizeof(ratio), (double) bench_median(ready, runs), (double) bench_median(ip_ns, runs));
        row_add(b, figure, value, base, ratio, "—", "");
finish:
        daemon_stop(&d);
        free(ready);
        free(ip_ns);
        return r;
}

static int phase_routes(Bench *b) {
        unsigned long n = bench_env_ulong("BENCH_ROUTES", 100000);
        uint64_t t0;
        int tcp = -1, r;

        r = bench_netns_fresh(true, false);
        if (r < 0)
                return r;
        r = bench_sh("ip link add ra type veth peer name rb && ip link set ra up && ip link set rb up && "
                     "ip addr add 192.168.90.10/24 dev ra && ip route add default via 192.168.90.1");
        if (r < 0)
                return r;
        r = bench_tcp_listen(BENCH_PORT, &tcp);
        if (r < 0)
                return r;
        t0 = bench_now_ns();
        r = routes_add(b, n, 100);
        if (r < 0)
                goto finish;
        note("routes: %lu routes in table 100 set up in %.1f s", n, (double) (bench_now_ns() - t0) / NSEC_PER_SEC);
        r = routes_row(b, "another table", n);
        if (r < 0)
                goto finish;
        r = bench_sh("ip route flush table 100");
        if (r < 0)
                goto finish;
        r = routes_add(b, n, 254);
        if (r < 0)
                goto finish;
        r = routes_row(b, "the main table", n);
finish:
        if (tcp >= 0)
                close(tcp);
        return r;
}

/* ---- laptop-sized network: RSS, queries, idle ---- */

typedef struct QueryResult {
        size_t total;
        size_t errors;
        uint64_t wall_ns;
        uint64_t p50, p99;
} QueryResult;

static int run_query_clients(const char *path, const char *request, const char *expect, size_t per_client,
                             QueryResult *ret) {
        const unsigned clients = QUERY_CLIENTS;
        size_t total = (size_t) clients * per_client;
        size_t map_size = total * sizeof(uint64_t) + clients * sizeof(size_t);
        pid_t pids[QUERY_CLIENTS];
        uint64_t *lat, t0;
        size_t *errors;
        int start[2], r = 0;

        lat = mmap(NULL, map_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (lat == MAP_FAILED)
                return -errno;
        errors = (size_t *) (lat + total);
        if (pipe2(start, O_CLOEXEC) < 0) {
                r = -errno;
                goto finish;
        }
        fflush(NULL);
        for (unsigned c = 0; c < clients; c++) {
                pids[c] = fork();
                if (pids[c] == 0) {
                        char buf[1024], dummy;
                        size_t len;

                        close(start[1]);
                        (void) read(start[0], &dummy, 1);
                        for (size_t i = 0; i < per_client; i++) {
                                uint64_t t = bench_now_ns();

                                if (bench_unix_request(path, request, buf, sizeof(buf), &len) < 0 ||
                                    strcmp(buf, expect) != 0)
                                        errors[c]++;
                                lat[c * per_client + i] = bench_now_ns() - t;
                        }
                        _exit(0);
                }
        }
        close(start[0]);
        t0 = bench_now_ns();
        close(start[1]);
        for (unsigned c = 0; c < clients; c++)
                if (pids[c] > 0)
                        (void) bench_wait(pids[c], -1, NULL, NULL);
        *ret = (QueryResult) { .total = total, .wall_ns = bench_now_ns() - t0 };
        for (unsigned c = 0; c < clients; c++)
                ret->errors += errors[c];
        ret->p50 = bench_percentile(lat, total, 50);
        ret->p99 = bench_percentile(lat, total, 99);
finish:
        munmap(lat, map_size);
        return r;
}

/* The floor of connection-per-request on a Unix socket: accept, read a line, write a constant */
static int floor_server_start(const char *path, const char *answer, pid_t *ret_pid) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int fd, r;
        pid_t pid;

        if (strlen(path) >= sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        memcpy(sa.sun_path, path, strlen(path));
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        (void) unlink(path);
        if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 || listen(fd, 128) < 0) {
                r = -errno;
                close(fd);
                return r;
        }
        fflush(NULL);
        pid = fork();
        if (pid == 0) {
                size_t len = strlen(answer);

                for (;;) {
                        char buf[1024];
                        size_t got = 0;
                        int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

                        if (c < 0)
                                continue;
                        while (got < sizeof(buf)) {
                                ssize_t n = read(c, buf + got, sizeof(buf) - got);

                                if (n <= 0)
                                        break;
                                got += (size_t) n;
                                if (memchr(buf, '\n', got))
                                        break;
                        }
                        (void) send(c, answer, len, MSG_NOSIGNAL);
                        close(c);
                }
        }
        close(fd);
        if (pid < 0)
                return -errno;
        *ret_pid = pid;
        return 0;
}

static int peer_netns_start(pid_t *ret_pid) {
        int p[2];
        pid_t pid;

        if (pipe2(p, O_CLOEXEC) < 0)
                return -errno;
        fflush(NULL);
        pid = fork();
        if (pid == 0) {
                close(p[0]);
                if (unshare(CLONE_NEWNET) < 0)
                        _exit(1);
                (void) write(p[1], "x", 1);
                for (;;)
                        pause();
        }
        close(p[1]);
        if (pid < 0) {
                close(p[0]);
                return -errno;
        }
        {
                char c;

                if (read(p[0], &c, 1) != 1) {
                        close(p[0]);
                        return -EIO;
                }
        }
        close(p[0]);
        *ret_pid = pid;
        return 0;
}

static void laptop_rss_row(Bench *b, const char *when, const BenchProcStat *st, bool peak, long ip_rss) {
        uint64_t kib = peak ? st->hwm_kib : st->rss_kib;
        char figure[128], value[64], base[128], ratio[24], t1[32];

        snprintf(figure, sizeof(figure), "RSS %s, laptop-sized network (lo + 3 interfaces)", when);
        fmt_rss(value, sizeof(value), st, peak);
        fmt_kib(t1, sizeof(t1), (uint64_t) ip_rss);
        snprintf(base, sizeof(base), "`ip -j addr show` peak %s", t1);
        fmt_ratio(ratio, sizeof(ratio), (double) kib, (double) ip_rss);
        row_add(b, figure, value, base, ratio, "< 2.5 MiB", verdict(kib < 2560));
}

static int laptop_queries(Bench *b, const Daemon *d, const char *url) {
        unsigned clients = QUERY_CLIENTS;
        size_t per_client = bench_env_ulong("BENCH_QUERIES", 20000) / clients;
        size_t proc_runs = bench_env_ulong("BENCH_PROC_RUNS", 300);
        char *ctl_argv[] = { (char *) b->reachctl, (char *) "-s", (char *) d->sock, (char *) "url", NULL };
        char *host_argv[] = { (char *) "hostname", (char *) "-I", NULL };
        char floor_path[PATH_MAX], figure[128], value[96], base[128], ratio[24], t1[32], t2[32];
        uint64_t *ctl_ns = NULL, *host_ns = NULL;
        BenchProcStat d0, d1, f0, f1;
        QueryResult qd, qf, warm;
        double rps_d, rps_f;
        size_t ctl_fail = 0;
        pid_t floor_pid = -1;
        int r;

        note("queries: %u clients × %zu `url` requests, connection per request", clients, per_client);
        snprintf(floor_path, sizeof(floor_path), "%s/floor.sock", b->tmp);
        r = floor_server_start(floor_path, url, &floor_pid);
        if (r < 0)
                return r;
        r = run_query_clients(d->sock, "url\n", url, 200, &warm);
        if (r >= 0)
                r = bench_proc_stat(d->pid, &d0);
        if (r >= 0)
                r = run_query_clients(d->sock, "url\n", url, per_client, &qd);
        if (r >= 0)
                r = bench_proc_stat(d->pid, &d1);
        if (r >= 0)
                r = run_query_clients(floor_path, "url\n", url, 200, &warm);
        if (r >= 0)
                r = bench_proc_stat(floor_pid, &f0);
        if (r >= 0)
                r = run_query_clients(floor_path, "url\n", url, per_client, &qf);
        if (r >= 0)
                r = bench_proc_stat(floor_pid, &f1);
        (void) bench_stop(floor_pid, 1000);
        if (r < 0)
                return r;
        rps_d = (double) qd.total * NSEC_PER_SEC / (double) qd.wall_ns;
        rps_f = (double) qf.total * NSEC_PER_SEC / (double) qf.wall_ns;
        snprintf(figure, sizeof(figure), "`url` answers per second, %u concurrent clients, connection per request%s",
                 clients, qd.errors ? " — WRONG ANSWERS" : "");
        snprintf(value, sizeof(value), "%.0f/s", rps_d);
        snprintf(base, sizeof(base), "trivial server (floor) %.0f/s", rps_f);
        fmt_ratio(ratio, sizeof(ratio), rps_d, rps_f);
        row_add(b, figure, value, base, ratio, "≥ 20,000/s", verdict(rps_d >= 20000 && qd.errors == 0));

        snprintf(figure, sizeof(figure), "`url` answer p99 (p50), %u concurrent clients", clients);
        fmt_time(t1, sizeof(t1), qd.p99);
        fmt_time(t2, sizeof(t2), qd.p50);
        snprintf(value, sizeof(value), "%s (%s)", t1, t2);
        fmt_time(t1, sizeof(t1), qf.p99);
        fmt_time(t2, sizeof(t2), qf.p50);
        snprintf(base, sizeof(base), "trivial server (floor) %s (%s)", t1, t2);
        fmt_ratio(ratio, sizeof(ratio), (double) qd.p99, (double) qf.p99);
        row_add(b, figure, value, base, ratio, "p99 < 1 ms", verdict(qd.p99 < NSEC_PER_MSEC));

        /* unlike the rate, hardly disturbed by whatever else the machine runs */
        snprintf(figure, sizeof(figure), "reachd CPU per `url` answer (user + system)");
        fmt_time(value, sizeof(value), (d1.run_ns - d0.run_ns) / qd.total);
        fmt_time(t1, sizeof(t1), (f1.run_ns - f0.run_ns) / qf.total);
        snprintf(base, sizeof(base), "trivial server (floor) %s", t1);
        fmt_ratio(ratio, sizeof(ratio), (double) (d1.run_ns - d0.run_ns) / (double) qd.total,
                  (double) (f1.run_ns - f0.run_ns) / (double) qf.total);
        row_add(b, figure, value, base, ratio, "—", "");

        note("queries: `reachctl url` and `hostname -I`, %zu runs each, interleaved", proc_runs);
        ctl_ns = calloc(proc_runs, sizeof(uint64_t));
        host_ns = calloc(proc_runs, sizeof(uint64_t));
        if (!ctl_ns || !host_ns) {
                r = -ENOMEM;
                goto finish;
        }
        for (size_t i = 0; i < proc_runs + 20; i++) {
                size_t k = i < 20 ? 0 : i - 20;
                int status = 0;

                r = bench_run_timed(ctl_argv, &ctl_ns[k], &status, NULL);
                if (r < 0)
                        goto finish;
                if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                        ctl_fail++;
                r = bench_run_timed(host_argv, &host_ns[k], &status, NULL);
                if (r < 0)
                        goto finish;
        }
        snprintf(figure, sizeof(figure), "`reachctl url` as a whole process (median of %zu)%s", proc_runs,
                 ctl_fail ? " — FAILED RUNS" : "");
        fmt_time(value, sizeof(value), bench_median(ctl_ns, proc_runs));
        fmt_time(t1, sizeof(t1), bench_median(host_ns, proc_runs));
        snprintf(base, sizeof(base), "`hostname -I` %s", t1);
        fmt_ratio(ratio, sizeof(ratio), (double) bench_median(ctl_ns, proc_runs), (double) bench_median(host_ns, proc_runs));
        row_add(b, figure, value, base, ratio, "≤ hostname -I",
                verdict(ctl_fail == 0 && bench_median(ctl_ns, proc_runs) <= bench_median(host_ns, proc_runs)));
        r = 0;
finish:
        free(ctl_ns);
        free(host_ns);
        return r;
}

static int laptop_idle(Bench *b, const Daemon *d, pid_t mon_pid) {
        unsigned long secs = bench_env_ulong("BENCH_IDLE_SECONDS", 60);
        BenchProcStat d0, d1, m0, m1;
        char figure[128], value[64], base[128], target[48], ratio[24];
        double wake_d, wake_m, cpu_d, cpu_m, timer;
        uint64_t t0, wall;
        int r;

        note("idle: %lu s", secs);
        /* let start-up and the previous phase settle */
        sleep(1);
        t0 = bench_now_ns();
        r = bench_proc_stat(d->pid, &d0);
        if (r >= 0)
                r = bench_proc_stat(mon_pid, &m0);
        if (r < 0)
                return r;
        sleep((unsigned) secs);
        r = bench_proc_stat(d->pid, &d1);
        if (r >= 0)
                r = bench_proc_stat(mon_pid, &m1);
        if (r < 0)
                return r;
        wall = bench_now_ns() - t0;
        wake_d = (double) (d1.ctxt_voluntary + d1.ctxt_nonvoluntary - d0.ctxt_voluntary - d0.ctxt_nonvoluntary);
        wake_m = (double) (m1.ctxt_voluntary + m1.ctxt_nonvoluntary - m0.ctxt_voluntary - m0.ctxt_nonvoluntary);
        cpu_d = (double) (d1.run_ns - d0.run_ns) / (double) wall * 100.0;
        cpu_m = (double) (m1.run_ns - m0.run_ns) / (double) wall * 100.0;
        timer = (double) wall / NSEC_PER_SEC / RESCAN_DEFAULT_SEC;

        snprintf(figure, sizeof(figure), "idle wake-ups per minute (over %lu s)", secs);
        snprintf(value, sizeof(value), "%.1f", wake_d * 60.0 * NSEC_PER_SEC / (double) wall);
        snprintf(base, sizeof(base), "re-scan timer alone %.1f; `ip monitor address` %.1f",
                 timer * 60.0 * NSEC_PER_SEC / (double) wall, wake_m * 60.0 * NSEC_PER_SEC / (double) wall);
        snprintf(target, sizeof(target), "only the re-scan timer (every %d s)", RESCAN_DEFAULT_SEC);
        /* the window may cut one timer period at either end */
        fmt_ratio(ratio, sizeof(ratio), wake_d, timer);
        row_add(b, figure, value, base, ratio, target, verdict(wake_d <= timer + 2));

        snprintf(figure, sizeof(figure), "idle CPU (over %lu s)", secs);
        snprintf(value, sizeof(value), "%.3f%% (%.1f ms)", cpu_d, (double) (d1.run_ns - d0.run_ns) / NSEC_PER_MSEC);
        snprintf(base, sizeof(base), "`ip monitor address` %.3f%%", cpu_m);
        row_add(b, figure, value, base, "—", "0.0%", verdict(cpu_d < 0.05));
        return 0;
}

#define LAPTOP_RUNS 5

static int phase_laptop(Bench *b, bool memory, bool queries, bool idle) {
        char *ip_argv[] = { (char *) "ip", (char *) "-j", (char *) "addr", (char *) "show", NULL };
        uint64_t ready[LAPTOP_RUNS] = {}, ip_ns[LAPTOP_RUNS] = {};
        Daemon d = { .notify_fd = -1 };
        BenchProcStat st;
        pid_t peer = -1, mon_pid = -1;
        char url[512];
        long ip_rss = 0;
        size_t len;
        int tcp = -1, r;

        note("laptop-sized network: lo, eth0, wlan0, docker0");
        r = bench_netns_fresh(true, false);
        if (r < 0)
                return r;
        r = peer_netns_start(&peer);
        if (r < 0)
                return r;
        r = bench_sh("ip link add eth0 type veth peer name peth0 netns %d && "
                     "ip link add wlan0 type veth peer name pwlan0 netns %d && "
                     "nsenter -t %d -n sh -c 'ip link set peth0 up && ip link set pwlan0 up' && "
                     "ip link add docker0 type bridge && "
                     "ip link set eth0 up && ip link set wlan0 up && ip link set docker0 up && "
                     "ip addr add 192.168.1.23/24 dev eth0 && ip addr add 2001:db8:1::23/64 dev eth0 && "
                     "ip addr add 10.1.2.3/24 dev wlan0 && ip addr add 172.17.0.1/16 dev docker0 && "
                     "ip route add default via 192.168.1.1 dev eth0 metric 100 && "
                     "ip route add default via 10.1.2.1 dev wlan0 metric 600 && "
                     "ip -6 route add default via 2001:db8:1::1 dev eth0 metric 100",
                     (int) peer, (int) peer, (int) peer);
        if (r < 0)
                goto finish;
        r = bench_tcp_listen(BENCH_PORT, &tcp);
        if (r < 0)
                goto finish;
        r = spawn_ip_monitor(-1, &mon_pid);
        if (r < 0)
                goto finish;
        /* interleaved, as in the scale phase; the last daemon stays for the rest of the phase */
        for (int i = 0; i < LAPTOP_RUNS; i++) {
                long rss = 0;

                r = bench_run_timed(ip_argv, &ip_ns[i], NULL, &rss);
                if (r < 0)
                        goto finish;
                if (rss > ip_rss)
                        ip_rss = rss;
                r = daemon_start(b, &d, "laptop", NULL);
                if (r < 0)
                        goto finish;
                ready[i] = d.ready_ns;
                if (i + 1 < LAPTOP_RUNS)
                        daemon_stop(&d);
        }
        r = bench_unix_request(d.sock, "url\n", url, sizeof(url), &len);
        if (r < 0)
                goto finish;
        if (strcmp(url, "http://192.168.1.23:" BENCH_PORT_STRING "/\n") != 0)
                note("laptop: unexpected share URL %s", url);
        if (memory) {
                char figure[128], value[64], base[128], ratio[24], t1[32];

                snprintf(figure, sizeof(figure), "start → READY=1, laptop-sized network (median of %d)", LAPTOP_RUNS);
                fmt_time(value, sizeof(value), bench_median(ready, LAPTOP_RUNS));
                fmt_time(t1, sizeof(t1), bench_median(ip_ns, LAPTOP_RUNS));
                snprintf(base, sizeof(base), "`ip -j addr show` %s", t1);
                fmt_ratio(ratio, sizeof(ratio), (double) bench_median(ready, LAPTOP_RUNS),
                          (double) bench_median(ip_ns, LAPTOP_RUNS));
                row_add(b, figure, value, base, ratio, "≤ ip -j addr show",
                        verdict(bench_median(ready, LAPTOP_RUNS) <= bench_median(ip_ns, LAPTOP_RUNS)));
        }
        if (memory) {
                r = bench_proc_stat(d.pid, &st);
                if (r < 0)
                        goto finish;
                laptop_rss_row(b, "after READY", &st, false, ip_rss);
        }
        if (idle) {
                r = laptop_idle(b, &d, mon_pid);
                if (r < 0)
                        goto finish;
        }
        if (queries) {
                r = laptop_queries(b, &d, url);
                if (r < 0)
                        goto finish;
        }
        if (memory) {
                char *json = NULL;

                r = bench_unix_request_alloc(d.sock, "json\n", &json, &len);
                free(json);
                if (r >= 0)
                        r = bench_proc_stat(d.pid, &st);
                if (r < 0)
                        goto finish;
                laptop_rss_row(b, queries ? "after the queries and a `json` (peak VmHWM)" : "after a `json` (peak VmHWM)",
                               &st, true, ip_rss);
        }
        r = 0;
finish:
        daemon_stop(&d);
        if (mon_pid > 0)
                (void) bench_stop(mon_pid, 2000);
        if (peer > 0) {
                (void) kill(peer, SIGKILL);
                (void) bench_wait(peer, -1, NULL, NULL);
        }
        if (tcp >= 0)
                close(tcp);
        return r;
}

/* ---- storm ---- */

#define STORM_DEVICES 100
#define STORM_WINDOW 1000

typedef struct FloorCounts {
        uint64_t addr_events;
        uint64_t overflows;
} FloorCounts;

static void floor_count(void *userdata, bool add, const BenchAddr *a) {
        ((FloorCounts *) userdata)->addr_events++;
}

/* A process that only receives what reachd subscribes to, with the same buffer: the floor */
static int floor_listener_start(FloorCounts *shared, pid_t *ret_pid) {
        int p[2];
        pid_t pid;

        if (pipe2(p, O_CLOEXEC) < 0)
                return -errno;
        fflush(NULL);
        pid = fork();
        if (pid == 0) {
                BenchNl *nl = NULL;

                close(p[0]);
                if (bench_nl_open(RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_ROUTE |
                                  RTMGRP_IPV6_ROUTE, DAEMON_RCVBUF, &nl) < 0)
                        _exit(1);
                (void) write(p[1], "x", 1);
                for (;;) {
                        struct pollfd pf = { .fd = bench_nl_fd(nl), .events = POLLIN };

                        (void) poll(&pf, 1, -1);
                        if (bench_nl_drain(nl, floor_count, shared) == -ENOBUFS)
                                shared->overflows++;
                }
        }
        close(p[1]);
        if (pid < 0) {
                close(p[0]);
                return -errno;
        }
        {
                char c;
                ssize_t n = read(p[0], &c, 1);

                close(p[0]);
                if (n != 1)
                        return -EIO;
        }
        *ret_pid = pid;
        return 0;
}

/* Step k of the sliding window: address k is added, address k - STORM_WINDOW removed. One in ten
 * is IPv6 (the kernel removes those about 100 times slower than IPv4 ones). */
static void storm_addr(size_t k, const unsigned *ifindex, BenchAddr *ret) {
        size_t dev = k % STORM_DEVICES;

        *ret = (BenchAddr) { .ifindex = ifindex[dev] };
        if (k % 10 == 9) {
                ret->family = AF_INET6;
                ret->prefixlen = 128;
                ret->bytes[0] = 0x20;
                ret->bytes[1] = 0x01;
                ret->bytes[2] = 0x0d;
                ret->bytes[3] = 0xb8;
                ret->bytes[5] = (uint8_t) (dev + 1);
                ret->bytes[13] = (uint8_t) (k >> 16);
                ret->bytes[14] = (uint8_t) (k >> 8);
                ret->bytes[15] = (uint8_t) k;
        } else {
                ret->family = AF_INET;
                ret->prefixlen = 32;
                ret->bytes[0] = 172;
                ret->bytes[1] = (uint8_t) (16 + (k >> 16));
                ret->bytes[2] = (uint8_t) (k >> 8);
                ret->bytes[3] = (uint8_t) k;
        }
}

/* events, starting at step *k: an add per step, and a removal once the window is full */
static size_t storm_build(size_t *k, size_t events, const unsigned *ifindex, bool *add, BenchAddr *a) {
        size_t n = 0;

        while (n < events) {
                storm_addr(*k, ifindex, &a[n]);
                add[n++] = true;
                if (*k >= STORM_WINDOW && n < events) {
                        storm_addr(*k - STORM_WINDOW, ifindex, &a[n]);
                        add[n++] = false;
                }
                (*k)++;
        }
        return n;
}

static int storm_run(Bench *b, const char *what, Daemon *d, bool paused, size_t *k, size_t events,
                     const unsigned *ifindex, pid_t floor_pid, FloorCounts *floor, pid_t mon_pid) {
        static const char *const url = "http://192.168.50.10:" BENCH_PORT_STRING "/\n";
        BenchProcStat d0, d1, f0, f1, m0, m1;
        unsigned long redumps0, redumps1, drops0, drops1;
        uint64_t t0, t_sent, t_exact = 0, overflows0;
        char figure[128], value[64], base[128], ratio[24], t1[32], t2[32];
        size_t errors = 0, n;
        BenchAddr *a = NULL;
        BenchNl *req = NULL;
        bool *add = NULL, exact = false;
        double secs;
        int r;

        note("storm %s: %zu address events", what, events);
        add = calloc(events, sizeof(bool));
        a = calloc(events, sizeof(BenchAddr));
        if (!add || !a) {
                r = -ENOMEM;
                goto finish;
        }
        n = storm_build(k, events, ifindex, add, a);
        r = bench_nl_open(0, 0, &req);
        if (r < 0)
                goto finish;
        redumps0 = daemon_redumps(d, &drops0);
        overflows0 = floor->overflows;
        r = bench_proc_stat(d->pid, &d0);
        if (r >= 0)
                r = bench_proc_stat(floor_pid, &f0);
        if (r >= 0)
                r = bench_proc_stat(mon_pid, &m0);
        if (r < 0)
                goto finish;
        if (paused)
                (void) kill(d->pid, SIGSTOP);
        t0 = bench_now_ns();
        r = bench_nl_addr_batch(req, add, a, n, 64, &errors);
        t_sent = bench_now_ns();
        if (paused)
                (void) kill(d->pid, SIGCONT);
        if (r < 0)
                goto finish;
        if (errors)
                note("storm %s: the kernel refused %zu of the requests", what, errors);
        while (bench_now_ns() < t_sent + 60 * NSEC_PER_SEC * b->scale) {
                if (daemon_view_exact(b, d, url)) {
                        t_exact = bench_now_ns();
                        exact = true;
                        break;
                }
                usleep(50 * 1000);
        }
        r = bench_proc_stat(d->pid, &d1);
        if (r >= 0)
                r = bench_proc_stat(floor_pid, &f1);
        if (r >= 0)
                r = bench_proc_stat(mon_pid, &m1);
        if (r < 0)
                goto finish;
        redumps1 = daemon_redumps(d, &drops1);
        secs = (double) ((exact ? t_exact : bench_now_ns()) - t0) / NSEC_PER_SEC;
        note("storm %s: sent in %.2f s, view exact after %.2f s more; reachd re-read %lu times, "
             "logged %lu overflow lines; floor listener: %llu address events, %llu overflows",
             what, (double) (t_sent - t0) / NSEC_PER_SEC,
             exact ? (double) (t_exact - t_sent) / NSEC_PER_SEC : -1.0, redumps1 - redumps0, drops1 - drops0,
             (unsigned long long) floor->addr_events, (unsigned long long) (floor->overflows - overflows0));
        floor->addr_events = 0;

        snprintf(figure, sizeof(figure), "storm %s: reachd CPU for %zu address events (kernel took %.1f s)",
                 what, n, (double) (t_sent - t0) / NSEC_PER_SEC);
        fmt_time(value, sizeof(value), d1.run_ns - d0.run_ns);
        fmt_time(t1, sizeof(t1), f1.run_ns - f0.run_ns);
        fmt_time(t2, sizeof(t2), m1.run_ns - m0.run_ns);
        snprintf(base, sizeof(base), "`ip monitor address` %s; raw listener %s", t2, t1);
        fmt_ratio(ratio, sizeof(ratio), (double) (d1.run_ns - d0.run_ns), (double) (m1.run_ns - m0.run_ns));
        /* stopped, reachd reads none of the events: only the running storm is held to ip monitor */
        if (paused)
                row_add(b, figure, value, base, ratio, "< 2 s", verdict(d1.run_ns - d0.run_ns < 2 * NSEC_PER_SEC));
        else
                row_add(b, figure, value, base, ratio, "< 2 s, ≤ 1.5× ip monitor",
                        verdict(d1.run_ns - d0.run_ns < 2 * NSEC_PER_SEC &&
                                2 * (d1.run_ns - d0.run_ns) <= 3 * (m1.run_ns - m0.run_ns)));

        snprintf(figure, sizeof(figure), "storm %s: full re-reads of the kernel state", what);
        snprintf(value, sizeof(value), "%lu in %.1f s", redumps1 - redumps0, secs);
        snprintf(base, sizeof(base), "raw listener overflowed %llu times",
                 (unsigned long long) (floor->overflows - overflows0));
        /* one at once, then at most one per second */
        row_add(b, figure, value, base, "—", "≤ 1/s", verdict((double) (redumps1 - redumps0) <= secs + 1));

        snprintf(figure, sizeof(figure), "storm %s: view equals `ip -j addr show` afterwards", what);
        if (exact) {
                fmt_time(t1, sizeof(t1), t_exact - t_sent);
                snprintf(value, sizeof(value), "exact %s after the last event", t1);
        } else
                snprintf(value, sizeof(value), "NOT exact after 60 s");
        row_add(b, figure, value, "the kernel's own dump", "—", "exact", verdict(exact));
        r = 0;
finish:
        bench_nl_free(req);
        free(add);
        free(a);
        return r;
}

static int phase_storm(Bench *b) {
        size_t events = bench_env_ulong("BENCH_STORM_EVENTS", 100000), k = 0;
        unsigned ifindex[STORM_DEVICES];
        Daemon d = { .notify_fd = -1 };
        FloorCounts *floor;
        pid_t floor_pid = -1, mon_pid = -1;
        char path[PATH_MAX];
        int tcp = -1, r;
        FILE *f;

        note("storm: setting up %d veth pairs", STORM_DEVICES);
        r = bench_netns_fresh(true, false);
        if (r < 0)
                return r;
        snprintf(path, sizeof(path), "%s/storm.batch", b->tmp);
        f = fopen(path, "we");
        if (!f)
                return -errno;
        fprintf(f, "link add lan0 type veth peer name plan0\nlink set lan0 up\nlink set plan0 up\n"
                   "addr add 192.168.50.10/24 dev lan0\nroute add default via 192.168.50.1 dev lan0\n");
        for (int i = 0; i < STORM_DEVICES; i++)
                fprintf(f, "link add st%d type veth peer name su%d\nlink set st%d up\nlink set su%d up\n", i, i, i, i);
        fclose(f);
        r = bench_sh("ip -batch '%s'", path);
        if (r < 0)
                return r;
        for (int i = 0; i < STORM_DEVICES; i++) {
                char name[IFNAMSIZ];

                snprintf(name, sizeof(name), "st%d", i);
                ifindex[i] = if_nametoindex(name);
                if (ifindex[i] == 0)
                        return -ENODEV;
        }
        floor = mmap(NULL, sizeof(*floor), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (floor == MAP_FAILED)
                return -errno;
        *floor = (FloorCounts) {};
        r = bench_tcp_listen(BENCH_PORT, &tcp);
        if (r < 0)
                goto finish;
        r = daemon_start(b, &d, "storm", NULL);
        if (r < 0)
                goto finish;
        r = floor_listener_start(floor, &floor_pid);
        if (r < 0)
                goto finish;
        r = spawn_ip_monitor(-1, &mon_pid);
        if (r < 0)
                goto finish;
        usleep(300 * 1000);
        r = storm_run(b, "while reachd runs", &d, false, &k, events, ifindex, floor_pid, floor, mon_pid);
        if (r < 0)
                goto finish;
        r = storm_run(b, "while reachd is stopped (SIGSTOP)", &d, true, &k, events, ifindex, floor_pid, floor,
                      mon_pid);
finish:
        daemon_stop(&d);
        if (floor_pid > 0) {
                (void) kill(floor_pid, SIGKILL);
                (void) bench_wait(floor_pid, -1, NULL, NULL);
        }
        if (mon_pid > 0)
                (void) bench_stop(mon_pid, 2000);
        if (tcp >= 0)
                close(tcp);
        munmap(floor, sizeof(*floor));
        return r;
}

/* ---- listen → wait ---- */

#define WAIT_POLL_MSEC 100

/* The baseline: what a script does without reachd, `ss -Hltn` every 100 ms until the port
 * listens; then it writes a line to out_fd and exits */
static int ss_poller_start(int out_fd, pid_t *ret_pid) {
        pid_t pid;

        fflush(NULL);
        pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                char *argv[] = { (char *) "ss", (char *) "-Hltn", (char *) "sport = :" BENCH_PORT_STRING, NULL };
                const struct timespec period = { .tv_nsec = WAIT_POLL_MSEC * NSEC_PER_MSEC };

                for (;;) {
                        BenchSpawn s = { .argv = argv, .stdin_fd = -1, .stderr_fd = -1 };
                        char buf[4096];
                        size_t got = 0;
                        pid_t ss;
                        int p[2];

                        if (pipe2(p, O_CLOEXEC) < 0)
                                _exit(1);
                        s.stdout_fd = p[1];
                        if (bench_spawn(&s, &ss) < 0)
                                _exit(1);
                        close(p[1]);
                        for (;;) {
                                ssize_t n = read(p[0], buf, sizeof(buf));

                                if (n < 0 && errno == EINTR)
                                        continue;
                                if (n <= 0)
                                        break;
                                got += (size_t) n;
                        }
                        close(p[0]);
                        (void) bench_wait(ss, -1, NULL, NULL);
                        if (got > 0) {
                                (void) write(out_fd, "up\n", 3);
                                _exit(0);
                        }
                        (void) nanosleep(&period, NULL);
                }
        }
        *ret_pid = pid;
        return 0;
}

typedef struct WaitRound {
        uint64_t wait_ns, ss_ns;              /* listen() → the answer; 0: none within the deadline */
        uint64_t waiting_ns;                  /* the clients' start → the last answer */
        uint64_t poller_cpu_ns;               /* the poller's and its ss runs' */
        bool wrong;                           /* reachctl printed something else than the URL */
} WaitRound;

/* Reads what fd has; false at EOF (or an error) */
static bool wait_read(int fd, char *buf, size_t size, size_t *len) {
        for (;;) {
                ssize_t n = read(fd, buf + *len, size - 1 - *len);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return errno == EAGAIN;
                if (n == 0)
                        return false;
                *len += (size_t) n;
                buf[*len] = 0;
                if (*len >= size - 1)
                        return true;
        }
}

/* reachctl wait and the poller start, the server listens 100–300 ms later (a random phase
 * against both 100 ms periods), each client's answer is timed from the listen() call */
static int wait_round(Bench *b, const Daemon *d, const char *url, unsigned *seed, WaitRound *ret) {
        char *ctl_argv[] = { (char *) b->reachctl, (char *) "-s", (char *) d->sock, (char *) "wait",
                             (char *) "--timeout", (char *) "10", (char *) BENCH_PORT_STRING, NULL };
        BenchSpawn s = { .argv = ctl_argv, .stdin_fd = -1, .stderr_fd = -1 };
        int pc[2] = { -1, -1 }, ps[2] = { -1, -1 }, ep = -1, tcp = -1, open_fds = 2, r;
        char out[512], poll_out[64];
        size_t out_len = 0, poll_len = 0;
        pid_t ctl = -1, poller = -1;
        uint64_t t_start, t0, now, deadline;

        *ret = (WaitRound) {};
        if (pipe2(pc, O_CLOEXEC) < 0 || pipe2(ps, O_CLOEXEC) < 0) {
                r = -errno;
                goto finish;
        }
        s.stdout_fd = pc[1];
        t_start = bench_now_ns();
        r = bench_spawn(&s, &ctl);
        if (r >= 0)
                r = ss_poller_start(ps[1], &poller);
        close(pc[1]);
        close(ps[1]);
        pc[1] = ps[1] = -1;
        if (r < 0)
                goto finish;
        (void) fcntl(pc[0], F_SETFL, O_NONBLOCK);
        (void) fcntl(ps[0], F_SETFL, O_NONBLOCK);
        ep = epoll_create1(EPOLL_CLOEXEC);
        if (ep < 0) {
                r = -errno;
                goto finish;
        }
        for (int i = 0; i < 2; i++) {
                struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t) i };

                (void) epoll_ctl(ep, EPOLL_CTL_ADD, i == 0 ? pc[0] : ps[0], &ev);
        }
        usleep((useconds_t) (100 + rand_r(seed) % 200) * 1000);
        t0 = bench_now_ns();
        r = bench_tcp_listen(BENCH_PORT, &tcp);
        if (r < 0)
                goto finish;
        deadline = t0 + 5 * NSEC_PER_SEC * b->scale;
        for (now = t0; open_fds > 0 && now < deadline;) {
                struct epoll_event evs[2];
                int n = epoll_wait(ep, evs, 2, (int) ((deadline - now) / NSEC_PER_MSEC) + 1);

                now = bench_now_ns();
                for (int k = 0; k < n; k++) {
                        bool wait_fd = evs[k].data.u32 == 0;
                        int fd = wait_fd ? pc[0] : ps[0];
                        bool more = wait_fd ? wait_read(fd, out, sizeof(out), &out_len) :
                                              wait_read(fd, poll_out, sizeof(poll_out), &poll_len);

                        if (wait_fd && !ret->wait_ns && strchr(out, '\n')) {
                                ret->wait_ns = now - t0;
                                ret->wrong = strcmp(out, url) != 0;
                        } else if (!wait_fd && !ret->ss_ns && poll_len > 0)
                                ret->ss_ns = now - t0;
                        if (!more || (wait_fd ? ret->wait_ns : ret->ss_ns)) {
                                (void) epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
                                open_fds--;
                        }
                }
        }
        ret->waiting_ns = now - t_start;
        r = 0;
finish:
        if (ctl > 0)
                (void) bench_stop(ctl, 2000);
        if (poller > 0) {
                (void) kill(poller, SIGKILL);
                (void) bench_wait_cpu(poller, -1, NULL, &ret->poller_cpu_ns);
        }
        if (tcp >= 0)
                close(tcp);
        if (ep >= 0)
                close(ep);
        for (int i = 0; i < 2; i++) {
                if (pc[i] >= 0)
                        close(pc[i]);
                if (ps[i] >= 0)
                        close(ps[i]);
        }
        return r;
}

static int phase_wait(Bench *b) {
        static const char *const url = "http://192.168.60.10:" BENCH_PORT_STRING "/\n";
        size_t rounds = bench_env_ulong("BENCH_WAIT_ROUNDS", 100), n = 0, missed = 0, wrong = 0;
        char figure[128], value[96], base[128], ratio[24], t1[32], t2[32];
        uint64_t *lat_wait = NULL, *lat_ss = NULL, waiting = 0, poller_cpu = 0;
        unsigned seed = (unsigned) bench_now_ns();
        Daemon d = { .notify_fd = -1 };
        BenchProcStat d0, d1;
        uint64_t w50, w99, s50, s99;
        int r;

        note("listen → wait: %zu rounds", rounds);
        r = bench_netns_fresh(false, true);
        if (r < 0)
                return r;
        r = bench_sh("ip link add lan0 type veth peer name peer0 && ip link set lan0 up && ip link set peer0 up && "
                     "ip addr add 192.168.60.10/24 dev lan0 && ip route add default via 192.168.60.1 dev lan0");
        if (r < 0)
                return r;
        lat_wait = calloc(rounds, sizeof(uint64_t));
        lat_ss = calloc(rounds, sizeof(uint64_t));
        if (!lat_wait || !lat_ss) {
                r = -ENOMEM;
                goto finish;
        }
        r = daemon_start(b, &d, "wait", NULL);
        if (r >= 0)
                r = bench_proc_stat(d.pid, &d0);
        if (r < 0)
                goto finish;
        for (size_t i = 0; i < rounds; i++) {
                char answer[512];
                size_t len;
                WaitRound w;

                r = wait_round(b, &d, url, &seed, &w);
                if (r < 0)
                        goto finish;
                waiting += w.waiting_ns;
                poller_cpu += w.poller_cpu_ns;
                if (w.wrong)
                        wrong++;
                if (!w.wait_ns || !w.ss_ns)
                        missed++;
                else {
                        lat_wait[n] = w.wait_ns;
                        lat_ss[n++] = w.ss_ns;
                }
                /* a query re-scans: the daemon knows the server is gone before the next round */
                r = bench_unix_request(d.sock, "url " BENCH_PORT_STRING "\n", answer, sizeof(answer), &len);
                if (r < 0)
                        goto finish;
        }
        r = bench_proc_stat(d.pid, &d1);
        if (r < 0)
                goto finish;
        if (missed)
                note("listen → wait: %zu rounds without both answers within 5 s", missed);
        w50 = bench_percentile(lat_wait, n, 50);
        w99 = bench_percentile(lat_wait, n, 99);
        s50 = bench_percentile(lat_ss, n, 50);
        s99 = bench_percentile(lat_ss, n, 99);
        snprintf(figure, sizeof(figure), "server listening → `reachctl wait PORT` prints its URL, p99 (p50), "
                 "%zu rounds%s%s", n, missed ? ", some missed" : "", wrong ? " — WRONG ANSWERS" : "");
        fmt_time(t1, sizeof(t1), w99);
        fmt_time(t2, sizeof(t2), w50);
        snprintf(value, sizeof(value), "%s (%s)", t1, t2);
        fmt_time(t1, sizeof(t1), s99);
        fmt_time(t2, sizeof(t2), s50);
        snprintf(base, sizeof(base), "a client running `ss -Hltn` every %d ms: %s (%s)", WAIT_POLL_MSEC, t1, t2);
        fmt_ratio(ratio, sizeof(ratio), (double) w99, (double) s99);
        row_add(b, figure, value, base, ratio, "p99 ≤ 150 ms",
                verdict(n > 0 && wrong == 0 && missed == 0 && w99 <= 150 * NSEC_PER_MSEC));

        /* the price of the fast re-scans, against the poller's */
        snprintf(figure, sizeof(figure), "CPU while a client waits (%.1f s of waiting)", (double) waiting / NSEC_PER_SEC);
        snprintf(value, sizeof(value), "%.3f%%", (double) (d1.run_ns - d0.run_ns) / (double) waiting * 100.0);
        snprintf(base, sizeof(base), "the `ss` poller %.3f%%", (double) poller_cpu / (double) waiting * 100.0);
        fmt_ratio(ratio, sizeof(ratio), (double) (d1.run_ns - d0.run_ns), (double) poller_cpu);
        row_add(b, figure, value, base, ratio, "—", "");
        r = 0;
finish:
        daemon_stop(&d);
        free(lat_wait);
        free(lat_ss);
        return r;
}

/* ---- main ---- */

/* Other work on the machine shows in every figure: say how busy it was */
static void print_load(const char *when) {
        double l1, l5, l15;
        FILE *f;

        f = fopen("/proc/loadavg", "re");
        if (!f)
                return;
        if (fscanf(f, "%lf %lf %lf", &l1, &l5, &l15) == 3)
                printf("Load average at the %s: %.2f, %.2f, %.2f (1, 5, 15 min)\n", when, l1, l5, l15);
        fclose(f);
}

static void print_header(const Bench *b) {
        char model[256] = "unknown CPU", line[512], version[128] = "";
        struct utsname u = {};
        time_t now = time(NULL);
        FILE *f;

        f = fopen("/proc/cpuinfo", "re");
        while (f && fgets(line, sizeof(line), f))
                if (strncmp(line, "model name", 10) == 0 && strchr(line, ':')) {
                        snprintf(model, sizeof(model), "%s", strchr(line, ':') + 2);
                        model[strcspn(model, "\n")] = 0;
                        break;
                }
        if (f)
                fclose(f);
        snprintf(line, sizeof(line), "'%s' --version 2>/dev/null", b->reachd);
        f = popen(line, "r");
        if (f) {
                if (!fgets(version, sizeof(version), f))
                        version[0] = 0;
                version[strcspn(version, "\n")] = 0;
                pclose(f);
        }
        (void) uname(&u);
        printf("%s, Linux %s, %ld CPUs (%s), %s", version, u.release, sysconf(_SC_NPROCESSORS_ONLN), model,
               ctime(&now));
        print_load("start");
        if (b->n_wrapper > 0)
                printf("(reachd run under a wrapper: %s …; times are not representative)\n", b->wrapper[0]);
        printf("\n");
}

static bool selected(const char *only, const char *phase) {
        size_t n = strlen(phase);

        if (!only)
                return true;
        for (const char *p = only; (p = strstr(p, phase)); p += n)
                if ((p == only || p[-1] == ',') && (p[n] == 0 || p[n] == ','))
                        return true;
        return false;
}

static void help(void) {
        printf("Usage: reachd-bench --reachd PATH --reachctl PATH [--only PHASE,...]\n"
               "Measures reachd next to ip monitor, ip -j addr show and hostname -I, in private network\n"
               "namespaces; prints a Markdown table. Phases: latency, laptop, queries, idle, scale, routes,\n"
               "storm, wait. Environment: BENCH_LATENCY_CHANGES (1000), BENCH_PAIRS (1000), BENCH_SCALE_RUNS (5),\n"
               "BENCH_ROUTES (100000), BENCH_WAIT_ROUNDS (100),\n"
               "BENCH_STORM_EVENTS (100000), BENCH_QUERIES (20000), BENCH_PROC_RUNS (300),\n"
               "BENCH_IDLE_SECONDS (60), BENCH_DAEMON_WRAPPER (e.g. \"valgrind --tool=callgrind\"),\n"
               "BENCH_TIMEOUT_SCALE (1, or 20 with a wrapper).\n");
}

int main(int argc, char *argv[]) {
        static const struct option options[] = {
                { "reachd", required_argument, NULL, 'd' },
                { "reachctl", required_argument, NULL, 'c' },
                { "only", required_argument, NULL, 'o' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        Bench b = { .scale = 1 };
        const char *only = NULL, *wrapper;
        char config[PATH_MAX], *words = NULL;
        int c, r = 0, failed = 0;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'd':
                        b.reachd = optarg;
                        break;
                case 'c':
                        b.reachctl = optarg;
                        break;
                case 'o':
                        only = optarg;
                        break;
                case 'h':
                        help();
                        return 0;
                default:
                        return 2;
                }
        if (!b.reachd || !b.reachctl) {
                help();
                return 2;
        }
        b.reachd = realpath(b.reachd, NULL);
        b.reachctl = realpath(b.reachctl, NULL);
        if (!b.reachd || !b.reachctl) {
                fprintf(stderr, "reachd-bench: cannot find the reachd or reachctl binary\n");
                return 2;
        }
        wrapper = getenv("BENCH_DAEMON_WRAPPER");
        if (wrapper && *wrapper) {
                words = strdup(wrapper);
                b.wrapper = calloc(8, sizeof(char *));
                if (!words || !b.wrapper)
                        return 1;
                for (char *w = strtok(words, " "); w && b.n_wrapper < 8; w = strtok(NULL, " "))
                        b.wrapper[b.n_wrapper++] = w;
                b.scale = 20;
        }
        b.scale = (unsigned) bench_env_ulong("BENCH_TIMEOUT_SCALE", b.scale);

        r = bench_isolate();
        if (r < 0) {
                fprintf(stderr, "reachd-bench: SKIP: cannot get private namespaces (%s); run as root, or where "
                                "unprivileged user namespaces are allowed\n", strerror(-r));
                return 77;
        }
        snprintf(b.tmp, sizeof(b.tmp), "/tmp/reachd-bench.XXXXXX");
        if (!mkdtemp(b.tmp)) {
                perror("reachd-bench: mkdtemp");
                return 1;
        }
        /* no configuration file of the user running the benchmark */
        snprintf(config, sizeof(config), "%s/config", b.tmp);
        setenv("XDG_CONFIG_HOME", config, 1);
        signal(SIGPIPE, SIG_IGN);
        print_header(&b);

        if (selected(only, "latency") && (r = phase_latency(&b)) < 0) {
                fprintf(stderr, "reachd-bench: latency: %s\n", strerror(-r));
                failed++;
        }
        if ((selected(only, "laptop") || selected(only, "queries") || selected(only, "idle")) &&
            (r = phase_laptop(&b, selected(only, "laptop"), selected(only, "queries"), selected(only, "idle"))) < 0) {
                fprintf(stderr, "reachd-bench: laptop: %s\n", strerror(-r));
                failed++;
        }
        if (selected(only, "scale") && (r = phase_scale(&b)) < 0) {
                fprintf(stderr, "reachd-bench: scale: %s\n", strerror(-r));
                failed++;
        }
        if (selected(only, "routes") && (r = phase_routes(&b)) < 0) {
                fprintf(stderr, "reachd-bench: routes: %s\n", strerror(-r));
                failed++;
        }
        if (selected(only, "storm") && (r = phase_storm(&b)) < 0) {
                fprintf(stderr, "reachd-bench: storm: %s\n", strerror(-r));
                failed++;
        }
        if (selected(only, "wait") && (r = phase_wait(&b)) < 0) {
                fprintf(stderr, "reachd-bench: wait: %s\n", strerror(-r));
                failed++;
        }
        print_table(&b);
        printf("\n");
        print_load("end");
        /* the daemons' logs tell why a phase failed */
        if (failed)
                fprintf(stderr, "reachd-bench: keeping %s\n", b.tmp);
        else
                (void) bench_sh("rm -rf '%s'", b.tmp);
        free(words);
        free(b.wrapper);
        return failed ? 1 : 0;
}
