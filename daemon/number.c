/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdbool.h>

#include "number.h"

int number_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *ret) {
        uint64_t v = 0;
        bool big = false;

        if (len == 0)
                return -EINVAL;
        for (size_t i = 0; i < len; i++) {
                unsigned d;

                if (s[i] < '0' || s[i] > '9')
                        return -EINVAL;
                d = (unsigned) (s[i] - '0');
                /* every digit is still checked: "99999999999999999999x" is no number at all */
                if (big || d > max || v > (max - d) / 10)
                        big = true;
                else
                        v = v * 10 + d;
        }
        if (big)
                return -ERANGE;
        *ret = v;
        return 0;
}
