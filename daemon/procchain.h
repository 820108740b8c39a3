/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The process that owns a listening socket and its ancestors, as /proc shows them: what a hint
 * needs to repeat the command the user typed (DESIGN.md §4). Read by procchain-io.c, parsed and
 * kept here (pure). Shared by reference: a server in several views holds one chain. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "listener.h"

#define PROCCHAIN_MAX 8                       /* the server and up to 7 ancestors */

typedef struct ProcChainProcess {
        pid_t pid;
        char **argv;                          /* NULL-terminated; argv[0] may be a process title */
        size_t argc;
} ProcChainProcess;

/* The configuration files a tool reads from its working directory, where they can fix the bind */
typedef struct ProcChainConfig {
        char *name;                           /* "vite.config.ts" */
        char *text;                           /* its start, NUL-terminated */
} ProcChainConfig;

typedef struct ProcChain {
        unsigned n_ref;
        ProcChainProcess procs[PROCCHAIN_MAX]; /* [0] the socket's owner, then its parent, … */
        size_t n;
        /* from the owner's environment, NULL when absent or unreadable */
        char *path;                           /* PATH */
        char *npm_script;                     /* npm_lifecycle_script: the package.json script */
        char *npm_event;                      /* npm_lifecycle_event: its name */
        char *npm_agent;                      /* npm_config_user_agent: "npm/…", "pnpm/…", "yarn/…" */
        ProcChainConfig config;               /* the first of procchain_config_names[] found */
} ProcChain;

/* The files looked for in the owner's working directory, in this order */
extern const char *const procchain_config_names[];

int procchain_new(ProcChain **ret);
ProcChain *procchain_ref(ProcChain *c);
ProcChain *procchain_unref(ProcChain *c);
void procchain_unrefp(ProcChain **c);

/* Appends a process from its raw /proc/PID/cmdline (NUL-separated); -ENOBUFS when full */
int procchain_add_process(ProcChain *c, pid_t pid, const char *raw, size_t len);
/* The parent pid from /proc/PID/stat (field 4, after the last ')') */
int procchain_parse_ppid(const char *stat, pid_t *ret);
/* The value of NAME in a raw /proc/PID/environ; -ENOENT when it has none */
int procchain_environ_get(const char *raw, size_t len, const char *name, char **ret);
/* Keeps the variables of ProcChain from a raw /proc/PID/environ */
int procchain_set_environ(ProcChain *c, const char *raw, size_t len);

/* Reads the chain of pid from proc_fd (an open /proc): the pure parts above do the parsing.
 * -ENOENT and friends when the process is gone. */
int procchain_read(int proc_fd, pid_t pid, ProcChain **ret);
/* Reads the chain of p's process into p->chain and names p after the tool it runs (tool.h); a
 * process that is gone or hidden keeps its comm and no chain */
int procchain_attach(int proc_fd, ProcInfo *p);
