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

#include <string.h>

#include "procchain.h"

/* A process chain as `tr '\0' '|' </proc/PID/cmdline` shows each process, the owner first;
 * NULL ends the list. PIDs count from 100. */
static inline ProcChain *test_chain(const char *const *procs) {
        ProcChain *c = NULL;

        ck_assert_int_eq(procchain_new(&c), 0);
        for (size_t i = 0; procs[i]; i++) {
                size_t len = strlen(procs[i]);
                char *raw = strdup(procs[i]);

                ck_assert_ptr_nonnull(raw);
                for (size_t j = 0; j < len; j++)
                        if (raw[j] == '|')
                                raw[j] = 0;
                ck_assert_int_eq(procchain_add_process(c, (pid_t) (100 + i), raw, len), 0);
                free(raw);
        }
        return c;
}
