/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "reachd/protocol.h"
#include "sockpath.h"

#define SUN_PATH_MAX sizeof(((struct sockaddr_un *) NULL)->sun_path)

int sockpath_default(const char *xdg_runtime_dir, uid_t uid, char **ret) {
        char *p;
        int n;

        if (xdg_runtime_dir && xdg_runtime_dir[0] == '/') {
                size_t len = strlen(xdg_runtime_dir);

                while (len > 1 && xdg_runtime_dir[len - 1] == '/')
                        len--;
                if (len == 1)
                        len = 0;
                n = asprintf(&p, "%.*s/%s", (int) len, xdg_runtime_dir, REACHD_SOCKET_NAME);
        } else
                n = asprintf(&p, "%s/reachd-%u/%s", SOCKPATH_FALLBACK_BASE, (unsigned) uid,
                             REACHD_SOCKET_NAME);
        if (n < 0)
                return -ENOMEM;
        if ((size_t) n >= SUN_PATH_MAX) {
                free(p);
                return -ENAMETOOLONG;
        }
        *ret = p;
        return 0;
}

/* The fallback directory when path is inside it, else NULL in *ret */
static int fallback_dir(const char *base, const char *path, uid_t uid, char **ret) {
        char *dir;
        size_t len;

        if (asprintf(&dir, "%s/reachd-%u", base, (unsigned) uid) < 0)
                return -ENOMEM;
        len = strlen(dir);
        if (strncmp(path, dir, len) != 0 || path[len] != '/') {
                free(dir);
                dir = NULL;
        }
        *ret = dir;
        return 0;
}

/* /tmp is writable by everyone: anybody may have made the directory before us, so it must be a
 * real directory (not a symlink to theirs), ours, and closed to others. */
static int check_dir(const char *dir, uid_t uid) {
        struct stat st;

        if (lstat(dir, &st) < 0)
                return -errno;
        if (S_ISLNK(st.st_mode) || st.st_uid != uid)
                return -EPERM;
        if (!S_ISDIR(st.st_mode))
                return -ENOTDIR;
        if ((st.st_mode & 077) != 0)
                return -EPERM;
        return 0;
}

static int sockpath_verify(const char *base, const char *path, uid_t uid, bool create) {
        char *dir;
        int r;

        r = fallback_dir(base, path, uid, &dir);
        if (r < 0)
                return r;
        if (!dir)
                return 0;
        r = check_dir(dir, uid);
        if (r == -ENOENT && create) {
                if (mkdir(dir, 0700) < 0 && errno != EEXIST)
                        r = -errno;
                else
                        r = check_dir(dir, uid);
        }
        free(dir);
        return r;
}

int sockpath_prepare_in(const char *base, const char *path, uid_t uid) {
        return sockpath_verify(base, path, uid, true);
}

int sockpath_check_in(const char *base, const char *path, uid_t uid) {
        return sockpath_verify(base, path, uid, false);
}

int sockpath_prepare(const char *path, uid_t uid) {
        return sockpath_prepare_in(SOCKPATH_FALLBACK_BASE, path, uid);
}

int sockpath_check(const char *path, uid_t uid) {
        return sockpath_check_in(SOCKPATH_FALLBACK_BASE, path, uid);
}
