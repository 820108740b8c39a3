/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"
#include "procchain.h"
#include "procinfo.h"

void procinfo_done(ProcInfo *p) {
        free(p->cmdline);
        procchain_unref(p->chain);
        *p = (ProcInfo) {};
}

int procinfo_copy(const ProcInfo *p, ProcInfo *ret) {
        char *cmdline = NULL;

        if (p->cmdline && !(cmdline = strdup(p->cmdline)))
                return -ENOMEM;
        *ret = *p;
        ret->cmdline = cmdline;
        ret->chain = procchain_ref(p->chain);
        return 0;
}

/* Digits only, no sign, no blanks: strtoull would accept " -1" */
static int parse_u64(const char *s, size_t len, uint64_t *ret) {
        return number_parse_u64(s, len, UINT64_MAX, ret);
}

int procinfo_parse_socket_link(const char *target, uint64_t *ret_inode) {
        static const char prefix[] = "socket:[";
        size_t len;

        if (strncmp(target, prefix, sizeof(prefix) - 1) != 0)
                return -EINVAL;
        target += sizeof(prefix) - 1;
        len = strlen(target);
        if (len < 2 || target[len - 1] != ']')
                return -EINVAL;
        return parse_u64(target, len - 1, ret_inode);
}

int procinfo_format_cmdline(const char *raw, size_t len, char **ret) {
        char *s;

        while (len > 0 && raw[len - 1] == 0)
                len--;
        if (len == 0)
                return -ENODATA;
        s = malloc(len + 1);
        if (!s)
                return -ENOMEM;
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char) raw[i];

                s[i] = c < 0x20 || c == 0x7f ? ' ' : (char) c;
        }
        s[len] = 0;
        *ret = s;
        return 0;
}

int procinfo_parse_stat_start_time(const char *stat, uint64_t *ret_start_time) {
        const char *p = strrchr(stat, ')');

        if (!p)
                return -EBADMSG;
        p++;
        /* After "(comm)" come field 3 (state) ... field 22 (starttime), one space before each */
        for (unsigned field = 3; field <= 22; field++) {
                size_t len;

                if (*p != ' ')
                        return -EBADMSG;
                p++;
                len = strcspn(p, " \n");
                if (len == 0)
                        return -EBADMSG;
                if (field == 22)
                        return parse_u64(p, len, ret_start_time) < 0 ? -EBADMSG : 0;
                p += len;
        }
        return -EBADMSG;
}
