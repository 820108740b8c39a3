/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

union in_addr_union {
        struct in_addr in;
        struct in6_addr in6;
        unsigned char bytes[16];
};

/* "255.255.255.255" or a full IPv6 address, NUL included */
#define INADDR_STRLEN INET6_ADDRSTRLEN

size_t inaddr_size(int family);
int inaddr_from_bytes(int family, const void *bytes, size_t len, union in_addr_union *ret);
int inaddr_to_string(int family, const union in_addr_union *a, char *buf, size_t size);
int inaddr_compare(int family, const union in_addr_union *a, const union in_addr_union *b);
bool inaddr_equal(int family, const union in_addr_union *a, const union in_addr_union *b);
bool inaddr_is_any(int family, const union in_addr_union *a);
bool inaddr_is_loopback(int family, const union in_addr_union *a);
/* fe80::/10 for IPv6, 169.254.0.0/16 for IPv4 */
bool inaddr_is_link_local(int family, const union in_addr_union *a);
/* fc00::/7 */
bool inaddr_is_ula(int family, const union in_addr_union *a);
/* ::ffff:a.b.c.d is turned into AF_INET a.b.c.d; returns the new family */
int inaddr_unmap_v4(int family, union in_addr_union *a);
