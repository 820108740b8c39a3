/* SPDX-License-Identifier: GPL-2.0-or-later */
/* LD_PRELOAD shim for the fault tests: sendto() and recvmsg() on a netlink socket fail when the
 * test says so.
 *
 * REACHD_FAULT_DIR=DIR: while the file DIR/sendto-PROTO exists (PROTO: the netlink protocol
 * number: 0 rtnetlink, 4 sock_diag), sendto() on a socket of that protocol fails with the errno
 * written in the file (a decimal number; EPERM when the file is empty), and appends the time
 * (CLOCK_MONOTONIC, ms) of each failure as one line to DIR/sendto-PROTO.log. DIR/recvmsg-PROTO
 * does the same to the next recvmsg() or recvmmsg() once (the file is removed), as a kernel that
 * dropped events (ENOBUFS) would. Every other call, and every call without REACHD_FAULT_DIR, goes to
 * libc's. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef ssize_t (*sendto_fn)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);

/* The errno to fail with, or 0 to let the call through; a one-shot fault's file is removed */
static int fault_for(int fd, const char *dir, const char *call, int once) {
        char path[4096], buf[32];
        int domain = 0, protocol = 0, file;
        socklen_t len = sizeof(int);
        ssize_t n;

        if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 || domain != AF_NETLINK)
                return 0;
        len = sizeof(int);
        if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &len) < 0)
                return 0;
        snprintf(path, sizeof(path), "%s/%s-%d", dir, call, protocol);
        file = open(path, O_RDONLY | O_CLOEXEC);
        if (file < 0)
                return 0;
        n = read(file, buf, sizeof(buf) - 1);
        close(file);
        if (once && unlink(path) < 0)
                return 0;
        buf[n > 0 ? n : 0] = 0;
        n = strtol(buf, NULL, 10);
        return n > 0 ? (int) n : EPERM;
}

static void fault_log(int fd, const char *dir, const char *call) {
        char path[4096], line[32];
        struct timespec ts;
        int protocol = 0, file;
        socklen_t len = sizeof(int);

        (void) getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &len);
        snprintf(path, sizeof(path), "%s/%s-%d.log", dir, call, protocol);
        file = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        if (file < 0)
                return;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        len = (socklen_t) snprintf(line, sizeof(line), "%lld\n",
                                   (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
        (void) !write(file, line, len);
        close(file);
}

/* The errno the call is to fail with (logged), or 0 with errno as it was */
static int fault_now(int fd, const char *call, int once) {
        const char *dir = getenv("REACHD_FAULT_DIR");
        int saved = errno, error;

        if (dir && (error = fault_for(fd, dir, call, once)) > 0) {
                fault_log(fd, dir, call);
                return error;
        }
        errno = saved;
        return 0;
}

ssize_t sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *to, socklen_t tolen) {
        static sendto_fn real;
        int error;

        if (!real)
                real = (sendto_fn) dlsym(RTLD_NEXT, "sendto");
        if ((error = fault_now(fd, "sendto", 0)) > 0) {
                errno = error;
                return -1;
        }
        return real(fd, buf, n, flags, to, tolen);
}

typedef ssize_t (*recvmsg_fn)(int, struct msghdr *, int);

ssize_t recvmsg(int fd, struct msghdr *msg, int flags) {
        static recvmsg_fn real;
        int error;

        if (!real)
                real = (recvmsg_fn) dlsym(RTLD_NEXT, "recvmsg");
        if ((error = fault_now(fd, "recvmsg", 1)) > 0) {
                errno = error;
                return -1;
        }
        return real(fd, msg, flags);
}

/* the daemon reads events with recvmmsg(): its fault is recvmsg's */
typedef int (*recvmmsg_fn)(int, struct mmsghdr *, unsigned, int, struct timespec *);

int recvmmsg(int fd, struct mmsghdr *msgs, unsigned n, int flags, struct timespec *timeout) {
        static recvmmsg_fn real;
        int error;

        if (!real)
                real = (recvmmsg_fn) dlsym(RTLD_NEXT, "recvmmsg");
        if ((error = fault_now(fd, "recvmsg", 1)) > 0) {
                errno = error;
                return -1;
        }
        return real(fd, msgs, n, flags, timeout);
}
