/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forwarder.h"
#include "procinfo.h"

#define ARGS_MAX 32

static bool name_is_pid(const char *s) {
        return *s >= '1' && *s <= '9' && strspn(s, "0123456789") == strlen(s) && strlen(s) < 10;
}

static bool listener_matches(const Listener *l, uint16_t port, int family, const union in_addr_union *a) {
        if (l->port != port)
                return false;
        if (family == AF_UNSPEC || (l->family == family && inaddr_equal(family, &l->address, a)))
                return true;
        /* 0.0.0.0 served by a dual-stack :: socket */
        return family == AF_INET && inaddr_is_any(family, a) && l->family == AF_INET6 &&
                inaddr_is_any(AF_INET6, &l->address) && !l->v6only;
}

/* A docker-proxy's process, when it publishes one of the listeners without a known owner */
static int lookup_proxy(const char *proc_root, int proc_fd, pid_t pid, const Listener *listeners,
                        size_t n, ProcInfo *procs) {
        char path[64], buf[4096], comm[32];
        const char *argv[ARGS_MAX];
        union in_addr_union address;
        size_t len, argc = 0;
        uint16_t port;
        int family, r;

        snprintf(path, sizeof(path), "%d/comm", (int) pid);
        if (procinfo_read_file_at(proc_fd, path, comm, sizeof(comm) - 1, &len) < 0)
                return 0;
        comm[len] = 0;
        comm[strcspn(comm, "\n")] = 0;
        if (strcmp(comm, "docker-proxy") != 0)
                return 0;
        snprintf(path, sizeof(path), "%d/cmdline", (int) pid);
        if (procinfo_read_file_at(proc_fd, path, buf, sizeof(buf) - 1, &len) < 0)
                return 0;
        buf[len] = 0;
        for (size_t i = 0; i < len && argc < ARGS_MAX; i += strlen(buf + i) + 1)
                argv[argc++] = buf + i;
        if (forwarder_parse_docker_proxy(argv, argc, &family, &address, &port) < 0)
                return 0;
        for (size_t i = 0; i < n; i++) {
                ProcInfo p;

                if (procs[i].pid > 0 || !listener_matches(&listeners[i], port, family, &address))
                        continue;
                r = procinfo_read(proc_root, pid, &p);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        return 0;
                p.inode = procs[i].inode;
                memcpy(p.via, "docker-proxy", sizeof("docker-proxy"));
                procinfo_done(&procs[i]);
                procs[i] = p;
        }
        return 0;
}

int forwarder_lookup(const char *proc_root, const Listener *listeners, size_t n, ProcInfo *procs) {
        bool missing = false;
        struct dirent *de;
        DIR *proc;
        int r = 0;

        for (size_t i = 0; i < n; i++) {
                if (procs[i].pid > 0 && forwarder_is(procs[i].name))
                        memcpy(procs[i].via, procs[i].name, strlen(procs[i].name) + 1);
                missing = missing || procs[i].pid == 0;
        }
        if (!missing)
                return 0;

        proc = opendir(proc_root);
        if (!proc)
                return -errno;
        for (;;) {
                errno = 0;
                de = readdir(proc);
                if (!de) {
                        r = -errno;
                        break;
                }
                if (!name_is_pid(de->d_name))
                        continue;
                r = lookup_proxy(proc_root, dirfd(proc), (pid_t) atoi(de->d_name), listeners, n, procs);
                if (r < 0)
                        break;
        }
        closedir(proc);
        return r;
}
