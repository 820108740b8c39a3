/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "notify.h"

struct Notifier {
        int fd;
        struct sockaddr_un address;
        socklen_t address_len;
};

int notifier_new(Notifier **ret) {
        const char *e = getenv("NOTIFY_SOCKET");
        Notifier *n;
        size_t len;

        *ret = NULL;
        if (!e || !*e)
                return 0;
        len = strlen(e);
        if ((e[0] != '/' && e[0] != '@') || len >= sizeof(n->address.sun_path))
                return -EINVAL;
        n = calloc(1, sizeof(*n));
        if (!n)
                return -ENOMEM;
        n->address.sun_family = AF_UNIX;
        memcpy(n->address.sun_path, e, len);
        n->address_len = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + len);
        if (e[0] == '@')
                n->address.sun_path[0] = 0;
        else
                n->address_len++;
        n->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (n->fd < 0) {
                int r = -errno;

                free(n);
                return r;
        }
        *ret = n;
        return 0;
}

Notifier *notifier_free(Notifier *n) {
        if (!n)
                return NULL;
        close(n->fd);
        free(n);
        return NULL;
}

void notifier_freep(Notifier **n) {
        *n = notifier_free(*n);
}

int notifier_send(Notifier *n, const char *text) {
        ssize_t k;

        if (!n)
                return 0;
        do
                k = sendto(n->fd, text, strlen(text), MSG_NOSIGNAL, (const struct sockaddr *) &n->address,
                           n->address_len);
        while (k < 0 && errno == EINTR);
        if (k < 0)
                return errno == EWOULDBLOCK ? -EAGAIN : -errno;
        return 0;
}
