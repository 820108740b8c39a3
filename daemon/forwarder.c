/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "forwarder.h"

static const char *const forwarders[] = {
        "docker-proxy", "rootlessport", "rootlessport-ch", "pasta", "pasta.avx2", "slirp4netns",
};

bool forwarder_is(const char *comm) {
        for (size_t i = 0; i < sizeof(forwarders) / sizeof(forwarders[0]); i++)
                if (strcmp(comm, forwarders[i]) == 0)
                        return true;
        return false;
}

static int parse_port(const char *s, uint16_t *ret) {
        unsigned long v = 0;

        if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 5)
                return -EINVAL;
        for (; *s; s++)
                v = v * 10 + (unsigned long) (*s - '0');
        if (v == 0 || v > 65535)
                return -EINVAL;
        *ret = (uint16_t) v;
        return 0;
}

int forwarder_parse_docker_proxy(const char *const *argv, size_t argc, int *ret_family,
                                 union in_addr_union *ret_address, uint16_t *ret_port) {
        union in_addr_union address = {};
        int family = AF_UNSPEC;
        uint16_t port = 0;
        bool tcp = true;

        for (size_t i = 0; i + 1 < argc; i++) {
                /* Go's flag package takes -flag and --flag alike */
                const char *o = argv[i] + (strncmp(argv[i], "--", 2) == 0);

                if (strcmp(o, "-proto") == 0)
                        tcp = strcmp(argv[i + 1], "tcp") == 0 || strcmp(argv[i + 1], "tcp4") == 0 ||
                              strcmp(argv[i + 1], "tcp6") == 0;
                else if (strcmp(o, "-host-port") == 0) {
                        if (parse_port(argv[i + 1], &port) < 0)
                                return -EINVAL;
                } else if (strcmp(o, "-host-ip") == 0) {
                        if (inet_pton(AF_INET, argv[i + 1], &address.in) == 1)
                                family = AF_INET;
                        else if (inet_pton(AF_INET6, argv[i + 1], &address.in6) == 1)
                                family = AF_INET6;
                        else
                                return -EINVAL;
                } else
                        continue;
                i++;
        }
        if (!tcp || port == 0)
                return -EINVAL;
        *ret_family = family;
        *ret_address = address;
        *ret_port = port;
        return 0;
}
