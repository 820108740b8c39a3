/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "procchain.h"

const char *const procchain_config_names[] = {
        "vite.config.js", "vite.config.ts", "vite.config.mjs", "vite.config.mts",
        "vite.config.cjs", "vite.config.cts",
        "webpack.config.js", "webpack.config.ts", "webpack.config.mjs", "webpack.config.cjs",
        NULL,
};

int procchain_new(ProcChain **ret) {
        ProcChain *c = calloc(1, sizeof(*c));

        if (!c)
                return -ENOMEM;
        c->n_ref = 1;
        *ret = c;
        return 0;
}

ProcChain *procchain_ref(ProcChain *c) {
        if (c)
                c->n_ref++;
        return c;
}

ProcChain *procchain_unref(ProcChain *c) {
        if (!c || --c->n_ref > 0)
                return NULL;
        for (size_t i = 0; i < c->n; i++) {
                for (size_t j = 0; j < c->procs[i].argc; j++)
                        free(c->procs[i].argv[j]);
                free(c->procs[i].argv);
        }
        free(c->path);
        free(c->npm_script);
        free(c->npm_event);
        free(c->npm_agent);
        free(c->config.name);
        free(c->config.text);
        free(c);
        return NULL;
}

void procchain_unrefp(ProcChain **c) {
        *c = procchain_unref(*c);
}

int procchain_add_process(ProcChain *c, pid_t pid, const char *raw, size_t len) {
        ProcChainProcess *p;
        size_t n = 0;

        if (c->n >= PROCCHAIN_MAX)
                return -ENOBUFS;
        /* a process title set by the program pads argv with NULs: those are no arguments */
        while (len > 0 && raw[len - 1] == 0)
                len--;
        for (size_t i = 0; i < len; i++)
                if (raw[i] == 0)
                        n++;
        p = &c->procs[c->n];
        *p = (ProcChainProcess) { .pid = pid };
        p->argv = calloc(len > 0 ? n + 2 : 1, sizeof(*p->argv));
        if (!p->argv)
                return -ENOMEM;
        for (size_t i = 0; i < len;) {
                size_t l = strnlen(raw + i, len - i);

                p->argv[p->argc] = strndup(raw + i, l);
                if (!p->argv[p->argc]) {
                        for (size_t j = 0; j < p->argc; j++)
                                free(p->argv[j]);
                        free(p->argv);
                        *p = (ProcChainProcess) {};
                        return -ENOMEM;
                }
                p->argc++;
                i += l + 1;
        }
        c->n++;
        return 0;
}

int procchain_parse_ppid(const char *stat, pid_t *ret) {
        const char *p = strrchr(stat, ')');
        long v = 0;

        /* ") S 1234 " */
        if (!p || strncmp(p, ") ", 2) != 0 || !p[2] || p[3] != ' ')
                return -EBADMSG;
        p += 4;
        if (*p < '0' || *p > '9')
                return -EBADMSG;
        for (; *p >= '0' && *p <= '9'; p++) {
                v = v * 10 + (*p - '0');
                if (v > 0x3fffffff)
                        return -EBADMSG;
        }
        if (*p != ' ')
                return -EBADMSG;
        *ret = (pid_t) v;
        return 0;
}

int procchain_environ_get(const char *raw, size_t len, const char *name, char **ret) {
        size_t name_len = strlen(name);
        char *v;

        for (size_t i = 0; i < len;) {
                size_t l = strnlen(raw + i, len - i);

                if (l > name_len && raw[i + name_len] == '=' && memcmp(raw + i, name, name_len) == 0) {
                        v = strndup(raw + i + name_len + 1, l - name_len - 1);
                        if (!v)
                                return -ENOMEM;
                        *ret = v;
                        return 0;
                }
                i += l + 1;
        }
        return -ENOENT;
}

int procchain_set_environ(ProcChain *c, const char *raw, size_t len) {
        const struct {
                const char *name;
                char **slot;
        } vars[] = {
                { "PATH", &c->path },
                { "npm_lifecycle_script", &c->npm_script },
                { "npm_lifecycle_event", &c->npm_event },
                { "npm_config_user_agent", &c->npm_agent },
        };

        for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
                char *v = NULL;
                int r = procchain_environ_get(raw, len, vars[i].name, &v);

                if (r == -ENOENT)
                        continue;
                if (r < 0)
                        return r;
                free(*vars[i].slot);
                *vars[i].slot = v;
        }
        return 0;
}
