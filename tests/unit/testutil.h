/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <check.h>
#include <stdlib.h>

/* Every unit test binary: one suite, run with Check's defaults (CK_FORK honoured). */
#define TEST_MAIN(suite_fn)                                                     \
        int main(void) {                                                        \
                SRunner *sr = srunner_create(suite_fn());                       \
                int failed;                                                     \
                srunner_run_all(sr, CK_ENV);                                    \
                failed = srunner_ntests_failed(sr);                             \
                srunner_free(sr);                                               \
                return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;               \
        }
