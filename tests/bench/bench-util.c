/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

uint64_t bench_now_ns(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * NSEC_PER_SEC + (uint64_t) ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b) {
        uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;

        return x < y ? -1 : x > y;
}

uint64_t bench_percentile(uint64_t *values, size_t n, double p) {
        size_t rank;

        if (n == 0)
                return 0;
        qsort(values, n, sizeof(*values), cmp_u64);
        rank = (size_t) (p / 100.0 * (double) n + 0.999999);
        if (rank < 1)
                rank = 1;
        if (rank > n)
                rank = n;
        return values[rank - 1];
}

uint64_t bench_median(uint64_t *values, size_t n) {
        return bench_percentile(values, n, 50.0);
}

unsigned long bench_env_ulong(const char *name, unsigned long def) {
        const char *s = getenv(name);
        unsigned long v;
        char *end;

        if (!s || !*s)
                return def;
        errno = 0;
        v = strtoul(s, &end, 10);
        if (errno != 0 || *end || v == 0)
                return def;
        return v;
}

/* ---- processes ---- */

static void child_fd(int fd, int target) {
        if (fd < 0)
                fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (fd >= 0 && fd != target)
                (void) dup2(fd, target);
        else if (fd == target)
                (void) fcntl(fd, F_SETFD, 0);
}

int bench_spawn(const BenchSpawn *s, pid_t *ret_pid) {
        pid_t pid;

        fflush(NULL);
        pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                sigset_t all;

                sigemptyset(&all);
                sigprocmask(SIG_SETMASK, &all, NULL);
                child_fd(s->stdin_fd, STDIN_FILENO);
                child_fd(s->stdout_fd, STDOUT_FILENO);
                child_fd(s->stderr_fd, STDERR_FILENO);
                if (s->notify_socket)
                        setenv("NOTIFY_SOCKET", s->notify_socket, 1);
                else
                        unsetenv("NOTIFY_SOCKET");
                execvp(s->argv[0], s->argv);
                _exit(127);
        }
        *ret_pid = pid;
        return 0;
}

static int wait_rusage(pid_t pid, int timeout_ms, int *ret_status, struct rusage *ret_ru) {
        int status = 0, fd;
        pid_t r;

        fd = pidfd_open(pid, 0);
        if (fd >= 0) {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                int n = poll(&p, 1, timeout_ms);

                close(fd);
                if (n == 0)
                        return -ETIMEDOUT;
        }
        do
                r = wait4(pid, &status, 0, ret_ru);
        while (r < 0 && errno == EINTR);
        if (r < 0)
                return -errno;
        if (ret_status)
                *ret_status = status;
        return 0;
}

int bench_wait(pid_t pid, int timeout_ms, int *ret_status, long *ret_maxrss_kib) {
        struct rusage ru = {};
        int r;

        r = wait_rusage(pid, timeout_ms, ret_status, &ru);
        if (r < 0)
                return r;
        if (ret_maxrss_kib)
                *ret_maxrss_kib = ru.ru_maxrss;
        return 0;
}

static uint64_t timeval_ns(const struct timeval *tv) {
        return (uint64_t) tv->tv_sec * NSEC_PER_SEC + (uint64_t) tv->tv_usec * NSEC_PER_USEC;
}

int bench_wait_cpu(pid_t pid, int timeout_ms, int *ret_status, uint64_t *ret_cpu_ns) {
        struct rusage ru = {};
        int r;

        r = wait_rusage(pid, timeout_ms, ret_status, &ru);
        if (r < 0)
                return r;
        *ret_cpu_ns = timeval_ns(&ru.ru_utime) + timeval_ns(&ru.ru_stime);
        return 0;
}

int bench_stop(pid_t pid, int timeout_ms) {
        int r;

        if (pid <= 0)
                return 0;
        (void) kill(pid, SIGCONT);
        (void) kill(pid, SIGTERM);
        r = bench_wait(pid, timeout_ms, NULL, NULL);
        if (r == -ETIMEDOUT) {
                (void) kill(pid, SIGKILL);
                r = bench_wait(pid, -1, NULL, NULL);
        }
        return r;
}

int bench_run_timed(char **argv, uint64_t *ret_ns, int *ret_status, long *ret_maxrss_kib) {
        BenchSpawn s = { .argv = argv, .stdin_fd = -1, .stderr_fd = -1 };
        char buf[65536];
        uint64_t t0, t1;
        pid_t pid = -1;
        int p[2], r;

        /* the output is read, as a user's terminal or script would, not thrown away by the kernel */
        if (pipe2(p, O_CLOEXEC) < 0)
                return -errno;
        s.stdout_fd = p[1];
        t0 = bench_now_ns();
        r = bench_spawn(&s, &pid);
        close(p[1]);
        if (r < 0) {
                close(p[0]);
                return r;
        }
        for (;;) {
                ssize_t n = read(p[0], buf, sizeof(buf));

                if (n > 0)
                        continue;
                if (n < 0 && errno == EINTR)
                        continue;
                break;
        }
        close(p[0]);
        r = bench_wait(pid, -1, ret_status, ret_maxrss_kib);
        t1 = bench_now_ns();
        if (r < 0)
                return r;
        *ret_ns = t1 - t0;
        return 0;
}

int bench_sh(const char *fmt, ...) {
        char *cmd = NULL;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&cmd, fmt, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        fflush(NULL);
        r = system(cmd);
        free(cmd);
        if (r < 0)
                return -errno;
        return WIFEXITED(r) && WEXITSTATUS(r) == 0 ? 0 : -EIO;
}

static int read_file(const char *path, char *buf, size_t size) {
        ssize_t n;
        int fd;

        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        n = read(fd, buf, size - 1);
        close(fd);
        if (n < 0)
                return -errno;
        buf[n] = 0;
        return 0;
}

static uint64_t status_field(const char *status, const char *key) {
        const char *p = strstr(status, key);

        return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

int bench_proc_stat(pid_t pid, BenchProcStat *ret) {
        char path[64], buf[4096];
        unsigned long long utime = 0, stime = 0;
        BenchProcStat st = {};
        const char *p;
        long hz = sysconf(_SC_CLK_TCK);
        int r;

        snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
        r = read_file(path, buf, sizeof(buf));
        if (r < 0)
                return r;
        /* the command name may hold spaces and parentheses: fields start after the last ')' */
        p = strrchr(buf, ')');
        if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2)
                return -EBADMSG;
        st.cpu_ns = (uint64_t) (utime + stime) * NSEC_PER_SEC / (uint64_t) (hz > 0 ? hz : 100);
        st.run_ns = st.cpu_ns;
        snprintf(path, sizeof(path), "/proc/%d/schedstat", (int) pid);
        if (read_file(path, buf, sizeof(buf)) >= 0)
                st.run_ns = strtoull(buf, NULL, 10);
        snprintf(path, sizeof(path), "/proc/%d/status", (int) pid);
        r = read_file(path, buf, sizeof(buf));
        if (r < 0)
                return r;
        st.rss_kib = status_field(buf, "\nVmRSS:");
        st.hwm_kib = status_field(buf, "\nVmHWM:");
        st.ctxt_voluntary = status_field(buf, "\nvoluntary_ctxt_switches:");
        st.ctxt_nonvoluntary = status_field(buf, "\nnonvoluntary_ctxt_switches:");
        st.anon_kib = status_field(buf, "\nRssAnon:");
        snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int) pid);
        if (read_file(path, buf, sizeof(buf)) >= 0)
                st.pss_kib = status_field(buf, "\nPss:");
        *ret = st;
        return 0;
}

/* ---- sockets ---- */

static int unix_address(const char *path, struct sockaddr_un *ret, socklen_t *ret_len) {
        size_t n = strlen(path);

        if (n >= sizeof(ret->sun_path))
                return -ENAMETOOLONG;
        memset(ret, 0, sizeof(*ret));
        ret->sun_family = AF_UNIX;
        memcpy(ret->sun_path, path, n);
        *ret_len = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + n + 1);
        return 0;
}

int bench_unix_connect(const char *path, int *ret_fd) {
        struct sockaddr_un sa;
        socklen_t len;
        int fd, r;

        r = unix_address(path, &sa, &len);
        if (r < 0)
                return r;
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        if (connect(fd, (struct sockaddr *) &sa, len) < 0) {
                r = -errno;
                close(fd);
                return r;
        }
        *ret_fd = fd;
        return 0;
}

static int send_all(int fd, const char *data, size_t len) {
        while (len > 0) {
                ssize_t n = send(fd, data, len, MSG_NOSIGNAL);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                data += n;
                len -= (size_t) n;
        }
        return 0;
}

int bench_unix_request(const char *path, const char *request, char *buf, size_t size, size_t *ret_len) {
        size_t total = 0;
        int fd, r;

        r = bench_unix_connect(path, &fd);
        if (r < 0)
                return r;
        r = send_all(fd, request, strlen(request));
        while (r >= 0) {
                char scratch[4096];
                char *dst = total + 1 < size ? buf + total : scratch;
                size_t room = total + 1 < size ? size - 1 - total : sizeof(scratch);
                ssize_t n = read(fd, dst, room);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        r = -errno;
                else if (n == 0)
                        break;
                else
                        total += (size_t) n;
        }
        close(fd);
        if (r < 0)
                return r;
        buf[total < size ? total : size - 1] = 0;
        *ret_len = total;
        return 0;
}

int bench_unix_request_alloc(const char *path, const char *request, char **ret, size_t *ret_len) {
        size_t total = 0, size = 65536;
        int fd = -1, r;
        char *buf;

        buf = malloc(size);
        if (!buf)
                return -ENOMEM;
        r = bench_unix_connect(path, &fd);
        if (r >= 0)
                r = send_all(fd, request, strlen(request));
        while (r >= 0) {
                ssize_t n;

                if (size - total < 4096) {
                        char *p = realloc(buf, size * 2);

                        if (!p) {
                                r = -ENOMEM;
                                break;
                        }
                        buf = p;
                        size *= 2;
                }
                n = read(fd, buf + total, size - 1 - total);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        r = -errno;
                else if (n == 0)
                        break;
                else
                        total += (size_t) n;
        }
        if (fd >= 0)
                close(fd);
        if (r < 0) {
                free(buf);
                return r;
        }
        buf[total] = 0;
        *ret = buf;
        *ret_len = total;
        return 0;
}

int bench_tcp_listen(uint16_t port, int *ret_fd) {
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
        int fd, one = 1, r;

        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        (void) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 || listen(fd, 16) < 0) {
                r = -errno;
                close(fd);
                return r;
        }
        *ret_fd = fd;
        return 0;
}

int bench_notify_open(const char *path, int *ret_fd) {
        struct sockaddr_un sa;
        socklen_t len;
        int fd, size = 1 << 20, r;

        r = unix_address(path, &sa, &len);
        if (r < 0)
                return r;
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        (void) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
        (void) unlink(path);
        if (bind(fd, (struct sockaddr *) &sa, len) < 0) {
                r = -errno;
                close(fd);
                return r;
        }
        *ret_fd = fd;
        return 0;
}

int bench_notify_wait_ready(int fd, int timeout_ms) {
        uint64_t deadline = bench_now_ns() + (uint64_t) timeout_ms * NSEC_PER_MSEC;

        for (;;) {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                uint64_t now = bench_now_ns();
                char buf[4096];
                ssize_t n;

                if (now >= deadline)
                        return -ETIMEDOUT;
                if (poll(&p, 1, (int) ((deadline - now) / NSEC_PER_MSEC) + 1) < 0 && errno != EINTR)
                        return -errno;
                n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
                if (n < 0 && (errno == EAGAIN || errno == EINTR))
                        continue;
                if (n < 0)
                        return -errno;
                buf[n] = 0;
                /* one datagram holds newline-separated assignments */
                for (char *line = buf, *next; line; line = next) {
                        next = strchr(line, '\n');
                        if (next)
                                *next++ = 0;
                        if (strcmp(line, "READY=1") == 0)
                                return 0;
                }
        }
}

/* ---- network namespaces ---- */

static int write_string(const char *path, const char *s) {
        ssize_t n;
        int fd, r = 0;

        fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        n = write(fd, s, strlen(s));
        if (n < 0)
                r = -errno;
        close(fd);
        return r;
}

int bench_isolate(void) {
        if (geteuid() != 0) {
                uid_t uid = geteuid();
                gid_t gid = getegid();
                char map[64];

                if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
                        return -errno;
                (void) write_string("/proc/self/setgroups", "deny");
                snprintf(map, sizeof(map), "0 %u 1", (unsigned) uid);
                if (write_string("/proc/self/uid_map", map) < 0)
                        return -EPERM;
                snprintf(map, sizeof(map), "0 %u 1", (unsigned) gid);
                if (write_string("/proc/self/gid_map", map) < 0)
                        return -EPERM;
        } else if (unshare(CLONE_NEWNS) < 0)
                return -errno;
        /* our sysfs mounts must not show up in the host's mount table */
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                return -errno;
        return 0;
}

static int link_up(const char *name) {
        struct ifreq ifr = {};
        int fd, r = 0;

        fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
        if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
                r = -errno;
        else {
                ifr.ifr_flags |= IFF_UP;
                if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
                        r = -errno;
        }
        close(fd);
        return r;
}

int bench_netns_fresh(bool ipv6, bool accept_dad) {
        static bool sysfs_mounted;
        int r;

        if (unshare(CLONE_NEWNET) < 0)
                return -errno;
        /* sysfs shows the namespace of whoever mounted it; the daemon reads /sys/class/net */
        if (sysfs_mounted)
                (void) umount2("/sys", MNT_DETACH);
        if (mount("sysfs", "/sys", "sysfs", 0, NULL) < 0)
                return -errno;
        sysfs_mounted = true;
        if (!ipv6) {
                (void) write_string("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
                (void) write_string("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
        }
        if (!accept_dad) {
                (void) write_string("/proc/sys/net/ipv6/conf/all/accept_dad", "0");
                (void) write_string("/proc/sys/net/ipv6/conf/default/accept_dad", "0");
        }
        r = link_up("lo");
        if (r < 0)
                return r;
        return 0;
}
