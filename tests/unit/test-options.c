/* SPDX-License-Identifier: GPL-2.0-or-later */
/* placeholder: being written */
#include "testutil.h"

static Suite *placeholder_suite(void) {
        return suite_create("options");
}

TEST_MAIN(placeholder_suite)
