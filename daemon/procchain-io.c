/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "macro.h"
#include "procchain.h"
#include "procinfo.h"
#include "tool.h"

/* Command lines and stat lines fit; environments and config files are cut there */
#define CHAIN_FILE_MAX 4096
#define CHAIN_ENVIRON_MAX 65536
#define CHAIN_CONFIG_MAX 16384

/* The first configuration file of procchain_config_names[] in the owner's working directory */
static int read_config(int proc_fd, pid_t pid, ProcChain *c) {
        _cleanup_free_ char *buf = malloc(CHAIN_CONFIG_MAX + 1);
        char path[128];
        size_t len;

        if (!buf)
                return -ENOMEM;
        for (size_t i = 0; procchain_config_names[i]; i++) {
                snprintf(path, sizeof(path), "%d/cwd/%s", (int) pid, procchain_config_names[i]);
                if (procinfo_read_file_at(proc_fd, path, buf, CHAIN_CONFIG_MAX, &len) < 0)
                        continue;
                buf[len] = 0;
                c->config.name = strdup(procchain_config_names[i]);
                c->config.text = strdup(buf);
                if (!c->config.name || !c->config.text)
                        return -ENOMEM;
                return 0;
        }
        return 0;
}

int procchain_read(int proc_fd, pid_t pid, ProcChain **ret) {
        _cleanup_(procchain_unrefp) ProcChain *c = NULL;
        _cleanup_free_ char *env = NULL;
        char path[64], buf[CHAIN_FILE_MAX + 1];
        size_t len;
        int r;

        r = procchain_new(&c);
        if (r < 0)
                return r;
        while (pid > 1 && c->n < PROCCHAIN_MAX) {
                pid_t ppid;

                snprintf(path, sizeof(path), "%d/cmdline", (int) pid);
                r = procinfo_read_file_at(proc_fd, path, buf, CHAIN_FILE_MAX, &len);
                if (r < 0)
                        break;
                /* a command line cut short cannot be repeated: kept without arguments */
                r = procchain_add_process(c, pid, buf, len < CHAIN_FILE_MAX ? len : 0);
                if (r < 0)
                        return r;
                snprintf(path, sizeof(path), "%d/stat", (int) pid);
                if (procinfo_read_file_at(proc_fd, path, buf, CHAIN_FILE_MAX, &len) < 0)
                        break;
                buf[len] = 0;
                if (procchain_parse_ppid(buf, &ppid) < 0)
                        break;
                pid = ppid;
        }
        if (c->n == 0)
                return r < 0 ? r : -ENOENT;

        /* another user's environment is not ours to read: the hint does without */
        env = malloc(CHAIN_ENVIRON_MAX);
        if (!env)
                return -ENOMEM;
        snprintf(path, sizeof(path), "%d/environ", (int) c->procs[0].pid);
        if (procinfo_read_file_at(proc_fd, path, env, CHAIN_ENVIRON_MAX, &len) >= 0) {
                r = procchain_set_environ(c, env, len);
                if (r < 0)
                        return r;
        }
        r = read_config(proc_fd, c->procs[0].pid, c);
        if (r < 0)
                return r;
        *ret = c;
        c = NULL;
        return 0;
}

int procchain_attach(int proc_fd, ProcInfo *p) {
        ProcChain *c = NULL;
        int r;

        r = procchain_read(proc_fd, p->pid, &c);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return 0;
        procchain_unref(p->chain);
        p->chain = c;
        (void) tool_name(c, p->name, sizeof(p->name));
        return 0;
}
