/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procchain.h"
#include "procinfo.h"

/* Enough for any stat line; command lines are cut there */
#define PROC_FILE_MAX 4096
/* TASK_COMM_LEN: a comm file never holds more, whatever name the tool gets later */
#define COMM_MAX 16

typedef struct InodeSlot {
        uint64_t inode;
        size_t index;
} InodeSlot;

typedef struct Lookup {
        InodeSlot *slots;                     /* sorted by inode */
        size_t n;
        ProcInfo *ret;
        pid_t *last_hit;                      /* per index: the pid that last matched it */
        size_t *hits;                         /* indices matched by the current process */
        size_t n_hits;
} Lookup;

static int slot_compare(const void *a, const void *b) {
        const InodeSlot *x = a, *y = b;

        return x->inode < y->inode ? -1 : x->inode > y->inode;
}

/* Processes and their files vanish or hide while we look: not an error, just nothing there */
static bool error_is_gone(int r) {
        return r == -ENOENT || r == -ESRCH || r == -EACCES || r == -EPERM || r == -ENOTDIR;
}

static bool name_is_pid(const char *s, pid_t *ret) {
        long v = 0;

        if (*s == 0 || *s == '0')
                return false;
        for (; *s; s++) {
                if (*s < '0' || *s > '9' || v > INT_MAX / 10)
                        return false;
                v = v * 10 + (*s - '0');
        }
        if (v > INT_MAX)
                return false;
        *ret = (pid_t) v;
        return true;
}

int procinfo_read_file_at(int dir_fd, const char *path, char *buf, size_t max, size_t *ret_len) {
        size_t len = 0;
        int fd, r = 0;

        /* O_NONBLOCK: a FIFO in a process's working directory must not hang the daemon */
        fd = openat(dir_fd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0)
                return -errno;
        while (len < max) {
                ssize_t n = read(fd, buf + len, max - len);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        r = -errno;
                        break;
                }
                if (n == 0)
                        break;
                len += (size_t) n;
        }
        close(fd);
        if (r < 0)
                return r;
        *ret_len = len;
        return 0;
}

void (*procinfo_between_reads)(pid_t pid) = NULL;

static int read_start_time(int pid_fd, uint64_t *ret) {
        char buf[PROC_FILE_MAX + 1];
        size_t len;
        int r;

        r = procinfo_read_file_at(pid_fd, "stat", buf, PROC_FILE_MAX, &len);
        if (r < 0)
                return r;
        buf[len] = 0;
        return procinfo_parse_stat_start_time(buf, ret);
}

/* /proc/PID, opened once: what is read through it is that process's even if the PID is reused
 * meanwhile (then reads fail with ESRCH) */
static int open_process(int proc_fd, pid_t pid) {
        char name[16];
        int fd;

        snprintf(name, sizeof(name), "%d", (int) pid);
        fd = openat(proc_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

/* Fills p from the process directory pid_fd; -ENOENT and friends when the process went away
 * meanwhile */
static int read_process(int pid_fd, pid_t pid, ProcInfo *p) {
        char buf[PROC_FILE_MAX + 1], *cmdline = NULL;
        uint64_t start_time;
        size_t len;
        int r;

        r = read_start_time(pid_fd, &start_time);
        if (r < 0)
                return r;

        *p = (ProcInfo) { .pid = pid, .start_time = start_time };

        r = procinfo_read_file_at(pid_fd, "comm", buf, COMM_MAX + 1, &len);
        if (r < 0 && !error_is_gone(r))
                return r;
        if (r >= 0) {
                while (len > 0 && buf[len - 1] == '\n')
                        len--;
                if (len >= COMM_MAX)
                        len = COMM_MAX - 1;
                memcpy(p->name, buf, len);
        }

        r = procinfo_read_file_at(pid_fd, "cmdline", buf, PROC_FILE_MAX, &len);
        if (r < 0 && !error_is_gone(r))
                return r;
        if (r >= 0) {
                r = procinfo_format_cmdline(buf, len, &cmdline);
                if (r < 0 && r != -ENODATA)
                        return r;
        }
        p->cmdline = cmdline;
        return 0;
}

static void lookup_hit(Lookup *l, pid_t pid, uint64_t inode) {
        InodeSlot key = { .inode = inode }, *s;

        s = bsearch(&key, l->slots, l->n, sizeof(*s), slot_compare);
        if (!s)
                return;
        while (s > l->slots && s[-1].inode == inode)
                s--;
        for (; s < l->slots + l->n && s->inode == inode; s++) {
                if (l->last_hit[s->index] == pid)
                        continue;
                l->last_hit[s->index] = pid;
                l->hits[l->n_hits++] = s->index;
        }
}

/* Several processes may hold the same socket (a server and the workers it forked): the one
 * started first, the parent, owns it. */
static bool procinfo_is_better(const ProcInfo *candidate, const ProcInfo *current) {
        if (current->pid == 0)
                return true;
        if (candidate->start_time != current->start_time)
                return candidate->start_time < current->start_time;
        return candidate->pid < current->pid;
}

/* The owner of the sockets found in its fd/: read through the same directory descriptor, and
 * only if its start time is the same at the end (a PID reused meanwhile is another process) */
static int read_owner(int proc_fd, int pid_fd, pid_t pid, ProcInfo *ret) {
        ProcInfo info = {};
        uint64_t before, after;
        int r;

        r = read_start_time(pid_fd, &before);
        if (r < 0)
                return r;
        if (procinfo_between_reads)
                procinfo_between_reads(pid);
        r = read_process(pid_fd, pid, &info);
        if (r >= 0)
                r = procchain_attach(proc_fd, &info);
        if (r >= 0)
                r = read_start_time(pid_fd, &after);
        if (r >= 0 && (after != before || info.start_time != before))
                r = -ESRCH;
        if (r < 0) {
                procinfo_done(&info);
                return r;
        }
        *ret = info;
        return 0;
}

static int lookup_process(Lookup *l, int proc_fd, pid_t pid) {
        char target[64];
        struct dirent *de;
        ProcInfo info;
        DIR *fd_dir;
        int pid_fd, fd, r;

        l->n_hits = 0;
        pid_fd = open_process(proc_fd, pid);
        if (pid_fd < 0)
                return error_is_gone(pid_fd) ? 0 : pid_fd;
        fd = openat(pid_fd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
                r = -errno;
                close(pid_fd);
                return error_is_gone(r) ? 0 : r;
        }
        fd_dir = fdopendir(fd);
        if (!fd_dir) {
                r = -errno;
                close(fd);
                close(pid_fd);
                return r;
        }
        for (;;) {
                uint64_t inode;
                ssize_t n;

                errno = 0;
                de = readdir(fd_dir);
                if (!de)
                        break;
                if (de->d_name[0] == '.')
                        continue;
                n = readlinkat(dirfd(fd_dir), de->d_name, target, sizeof(target));
                if (n < 0 || (size_t) n >= sizeof(target))
                        continue;
                target[n] = 0;
                if (procinfo_parse_socket_link(target, &inode) < 0)
                        continue;
                lookup_hit(l, pid, inode);
        }
        r = errno == 0 || error_is_gone(-errno) ? 0 : -errno;
        closedir(fd_dir);
        if (r >= 0 && l->n_hits > 0)
                r = read_owner(proc_fd, pid_fd, pid, &info);
        close(pid_fd);
        if (r < 0)
                return error_is_gone(r) || r == -EBADMSG ? 0 : r;
        if (l->n_hits == 0)
                return 0;
        for (size_t i = 0; i < l->n_hits; i++) {
                ProcInfo *p = &l->ret[l->hits[i]];
                uint64_t inode = p->inode;

                if (!procinfo_is_better(&info, p))
                        continue;
                procinfo_done(p);
                r = procinfo_copy(&info, p);
                p->inode = inode;
                if (r < 0) {
                        procinfo_done(&info);
                        return r;
                }
        }
        procinfo_done(&info);
        return 0;
}

int procinfo_lookup(const char *proc_root, const uint64_t *inodes, size_t n, ProcInfo *ret) {
        Lookup l = { .n = n, .ret = ret };
        struct dirent *de;
        DIR *proc = NULL;
        int r = 0;

        for (size_t i = 0; i < n; i++)
                ret[i] = (ProcInfo) { .inode = inodes[i] };
        if (n == 0)
                return 0;

        l.slots = calloc(n, sizeof(*l.slots));
        l.last_hit = calloc(n, sizeof(*l.last_hit));
        l.hits = calloc(n, sizeof(*l.hits));
        if (!l.slots || !l.last_hit || !l.hits) {
                r = -ENOMEM;
                goto cleanup;
        }
        for (size_t i = 0; i < n; i++)
                l.slots[i] = (InodeSlot) { .inode = inodes[i], .index = i };
        qsort(l.slots, n, sizeof(*l.slots), slot_compare);

        proc = opendir(proc_root);
        if (!proc) {
                r = -errno;
                goto cleanup;
        }
        for (;;) {
                pid_t pid;

                errno = 0;
                de = readdir(proc);
                if (!de) {
                        r = -errno;
                        break;
                }
                if (!name_is_pid(de->d_name, &pid))
                        continue;
                r = lookup_process(&l, dirfd(proc), pid);
                if (r < 0)
                        break;
        }

cleanup:
        if (proc)
                closedir(proc);
        free(l.slots);
        free(l.last_hit);
        free(l.hits);
        if (r < 0)
                for (size_t i = 0; i < n; i++) {
                        procinfo_done(&ret[i]);
                        ret[i].inode = inodes[i];
                }
        return r;
}

int procinfo_read(const char *proc_root, pid_t pid, ProcInfo *ret) {
        ProcInfo p;
        int fd, pid_fd, r;

        fd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        pid_fd = open_process(fd, pid);
        close(fd);
        if (pid_fd < 0)
                return pid_fd;
        r = read_process(pid_fd, pid, &p);
        close(pid_fd);
        if (r < 0)
                return r;
        *ret = p;
        return 0;
}
