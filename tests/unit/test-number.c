/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "number.h"
#include "testutil.h"

START_TEST(test_parse) {
        static const struct {
                const char *s;
                uint64_t max;
                int r;
                uint64_t v;
        } cases[] = {
                { "0", 10, 0, 0 },
                { "7", 10, 0, 7 },
                { "10", 10, 0, 10 },
                { "11", 10, -ERANGE, 0 },
                { "0010", 10, 0, 10 },
                { "65535", 65535, 0, 65535 },
                { "65536", 65535, -ERANGE, 0 },
                { "18446744073709551615", UINT64_MAX, 0, UINT64_MAX },
                { "18446744073709551616", UINT64_MAX, -ERANGE, 0 },
                { "99999999999999999999999", UINT64_MAX, -ERANGE, 0 },
                { "99999999999999999999999x", UINT64_MAX, -EINVAL, 0 },
                { "", 10, -EINVAL, 0 },
                { " 1", 10, -EINVAL, 0 },
                { "1 ", 10, -EINVAL, 0 },
                { "-1", 10, -EINVAL, 0 },
                { "+1", 10, -EINVAL, 0 },
                { "0x10", 100, -EINVAL, 0 },
                { "1e3", 10000, -EINVAL, 0 },
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                uint64_t v = 4242;
                int r = number_parse_u64(cases[i].s, strlen(cases[i].s), cases[i].max, &v);

                ck_assert_msg(r == cases[i].r, "\"%s\": got %d, want %d", cases[i].s, r, cases[i].r);
                ck_assert_uint_eq(v, cases[i].r == 0 ? cases[i].v : 4242);
        }
        /* the length bounds it, not a NUL */
        {
                uint64_t v = 0;

                ck_assert_int_eq(number_parse_u64("123abc", 3, 1000, &v), 0);
                ck_assert_uint_eq(v, 123);
        }
}
END_TEST

static Suite *number_suite(void) {
        Suite *s = suite_create("number");
        TCase *tc = tcase_create("parse");

        tcase_add_test(tc, test_parse);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(number_suite)
