/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The one number parser of requests, options, the configuration and /proc. Pure. */

#include <stddef.h>
#include <stdint.h>

/* The len bytes at s are decimal digits only (no sign, blank or base prefix; leading zeros are
 * fine) and their value is at most max: *ret. -EINVAL when s is empty or holds anything else,
 * -ERANGE when the value is above max. */
int number_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *ret);
