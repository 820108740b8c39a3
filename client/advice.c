/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advice.h"

void advice_unit_dirs_done(UnitDirs *d) {
        for (size_t i = 0; i < d->n; i++)
                free(d->dirs[i]);
        free(d->dirs);
        *d = (UnitDirs) {};
}

static int dirs_add(UnitDirs *d, const char *base, const char *suffix) {
        char **dirs, *s;

        if (!base || base[0] != '/')
                return 0;
        if (asprintf(&s, "%s%s", base, suffix) < 0)
                return -ENOMEM;
        dirs = realloc(d->dirs, (d->n + 1) * sizeof(*dirs));
        if (!dirs) {
                free(s);
                return -ENOMEM;
        }
        d->dirs = dirs;
        d->dirs[d->n++] = s;
        return 0;
}

/* Each absolute entry of a ':'-separated list */
static int dirs_add_list(UnitDirs *d, const char *list, const char *suffix) {
        while (list && *list) {
                size_t len = strcspn(list, ":");
                char *one = strndup(list, len);
                int r;

                if (!one)
                        return -ENOMEM;
                r = dirs_add(d, one, suffix);
                free(one);
                if (r < 0)
                        return r;
                list += len;
                if (*list == ':')
                        list++;
        }
        return 0;
}

static const char *nonempty(const char *s) {
        return s && s[0] ? s : NULL;
}

static int dirs_add_defaults(UnitDirs *d, const AdviceEnv *env) {
        int r = 0;

        if (nonempty(env->xdg_config_home))
                r = dirs_add(d, env->xdg_config_home, "/systemd/user");
        else
                r = dirs_add(d, env->home, "/.config/systemd/user");
        if (r >= 0)
                r = dirs_add_list(d, nonempty(env->xdg_config_dirs) ?: "/etc/xdg", "/systemd/user");
        if (r >= 0)
                r = dirs_add(d, "/etc/systemd/user", "");
        if (r >= 0)
                r = dirs_add(d, env->xdg_runtime_dir, "/systemd/user");
        if (r >= 0)
                r = dirs_add(d, "/run/systemd/user", "");
        if (r >= 0) {
                if (nonempty(env->xdg_data_home))
                        r = dirs_add(d, env->xdg_data_home, "/systemd/user");
                else
                        r = dirs_add(d, env->home, "/.local/share/systemd/user");
        }
        if (r >= 0)
                r = dirs_add_list(d, nonempty(env->xdg_data_dirs) ?: "/usr/local/share:/usr/share", "/systemd/user");
        if (r >= 0)
                r = dirs_add(d, "/usr/local/lib/systemd/user", "");
        if (r >= 0)
                r = dirs_add(d, "/usr/lib/systemd/user", "");
        if (r >= 0)
                r = dirs_add(d, "/lib/systemd/user", "");
        return r;
}

int advice_unit_dirs(const AdviceEnv *env, UnitDirs *ret) {
        const char *path = nonempty(env->systemd_unit_path);
        UnitDirs d = {};
        int r = 0;

        if (path)
                r = dirs_add_list(&d, path, "");
        if (r >= 0 && (!path || path[strlen(path) - 1] == ':'))
                r = dirs_add_defaults(&d, env);
        if (r < 0) {
                advice_unit_dirs_done(&d);
                return r;
        }
        *ret = d;
        return 0;
}

/* True when dir (length len) is one of the ':'-separated entries of list, trailing '/' aside */
static bool list_has_dir(const char *list, const char *dir, size_t len) {
        while (len > 1 && dir[len - 1] == '/')
                len--;
        while (list && *list) {
                size_t n = strcspn(list, ":");
                size_t m = n;

                while (m > 1 && list[m - 1] == '/')
                        m--;
                if (m == len && strncmp(list, dir, len) == 0)
                        return true;
                list += n;
                if (*list == ':')
                        list++;
        }
        return false;
}

/* The length of dir when path is below it (dir not "/"), else 0 */
static size_t below_dir(const char *path, const char *dir) {
        size_t n = dir ? strlen(dir) : 0;

        while (n > 1 && dir[n - 1] == '/')
                n--;
        if (n <= 1 || dir[0] != '/' || strncmp(path, dir, n) != 0 || path[n] != '/')
                return 0;
        return n;
}

int advice_daemon_command(const char *daemon_path, const char *cwd, const char *path_env, char **ret) {
        const char *slash = strrchr(daemon_path, '/');
        size_t n_cwd = below_dir(daemon_path, cwd);
        char *s;

        if (slash && list_has_dir(path_env, daemon_path, slash == daemon_path ? 1 : (size_t) (slash - daemon_path)))
                s = strdup(slash + 1);
        else if (n_cwd > 0) {
                if (asprintf(&s, ".%s", daemon_path + n_cwd) < 0)
                        s = NULL;
        } else
                s = strdup(daemon_path);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int advice_daemon_candidates(const char *client_path, char *ret[2]) {
        const char *slash = strrchr(client_path, '/');
        size_t dir_len;
        char *tree = NULL, *beside = NULL;

        if (!slash)
                return -EINVAL;
        dir_len = (size_t) (slash - client_path);
        /* a build tree: .../client/reachctl next to .../daemon/reachd */
        if (dir_len >= 7 && strncmp(slash - 7, "/client", 7) == 0 &&
            asprintf(&tree, "%.*s/daemon/reachd", (int) (dir_len - 7), client_path) < 0)
                return -ENOMEM;
        if (asprintf(&beside, "%.*s/reachd", (int) dir_len, client_path) < 0) {
                free(tree);
                return -ENOMEM;
        }
        ret[0] = tree ?: beside;
        ret[1] = tree ? beside : NULL;
        return 0;
}
