/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What the harnesses share. Each harness is built twice: with libFuzzer (clang, --enable-fuzzing)
 * and with replay.c, which feeds it the committed corpus in `make check`. */

#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "reach.h"
#include "state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A violated invariant is a finding: stop right there, so libFuzzer keeps the input */
#define fuzz_assert(expr)                                                               \
        do {                                                                            \
                if (!(expr)) {                                                          \
                        fprintf(stderr, "%s:%d: invariant violated: %s\n",              \
                                __FILE__, __LINE__, #expr);                             \
                        abort();                                                        \
                }                                                                       \
        } while (0)

/* Parsers write their result only on success: fill it with FUZZ_SENTINEL, check it after a failure */
#define FUZZ_SENTINEL 0xa5
bool fuzz_untouched(const void *p, size_t size);

/* A private copy of exactly size bytes, so AddressSanitizer sees a read one byte too far */
void *fuzz_memdup(const void *data, size_t size);

/* The next whole netlink message at *offset, advancing *offset past it; NULL at the end of the
 * buffer or where it is cut (then *offset < len). */
const struct nlmsghdr *fuzz_nlmsg_next(const void *buf, size_t len, size_t *offset);

/* One JSON text (RFC 8259), in valid UTF-8 */
bool fuzz_json_valid(const char *s, size_t len);
/* Every line of the text, up to and including its final newline, is one JSON text */
bool fuzz_json_lines_valid(const char *s, size_t len);
/* Only printable ASCII, newlines and, when allowed, tabs */
bool fuzz_text_printable(const char *s, size_t len, bool allow_tab);

/* Sorted and unique by key, every field in range (state.h) */
void fuzz_check_state(const State *s);
/* A view is consistent with the state it was computed from (reach.h) */
void fuzz_check_view(const State *s, const ReachView *v);
/* lo; lan0 (ifindex 2) with the default routes of both families; wan0 without carrier; a
 * container bridge. Built on first use, lives as long as the process. */
const State *fuzz_network(void);
/* Byte i of the address is zero for i >= the family's size */
bool fuzz_inaddr_tail_zero(int family, const union in_addr_union *a);
