/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>

#include "config.h"
#include "fuzz.h"
#include "strbuf.h"

/* The input is the text of a config file. */

static bool is_blank(char c) {
        return c == ' ' || c == '\t';
}

static size_t count_lines(const char *text, size_t len) {
        size_t n = 1;

        for (size_t i = 0; i < len; i++)
                if (text[i] == '\n')
                        n++;
        return n;
}

/* Outside comments ('#' at the start of a line or after a blank) there is no control
 * character but the tab, and a carriage return just before the newline. */
static bool settings_printable(const char *text, size_t len) {
        size_t i = 0;

        while (i < len) {
                const char *s = text + i, *nl = memchr(s, '\n', len - i);
                size_t n = nl ? (size_t) (nl - s) : len - i;

                i += n + 1;
                if (n > 0 && s[n - 1] == '\r')
                        n--;
                for (size_t k = 0; k < n; k++) {
                        if (s[k] == '#' && (k == 0 || is_blank(s[k - 1])))
                                break;
                        if ((unsigned char) s[k] < 0x20 && s[k] != '\t')
                                return false;
                }
        }
        return true;
}

static void check_config(const Config *c) {
        fuzz_assert(c->n_ports <= OPTIONS_MAX_PORTS);
        for (size_t i = 0; i < c->n_ports; i++) {
                fuzz_assert(c->ports[i] >= 1);
                for (size_t j = 0; j < i; j++)
                        fuzz_assert(c->ports[i] != c->ports[j]);
        }
        fuzz_assert(!c->scheme || strcmp(c->scheme, "http") == 0 || strcmp(c->scheme, "https") == 0);
        fuzz_assert(c->rescan_sec <= 3600);
        fuzz_assert(c->n_ignore <= CONFIG_IGNORE_MAX);
        for (size_t i = 0; i < c->n_ignore; i++) {
                const char *g = c->ignore[i];

                fuzz_assert(g && g[0] != 0);
                for (; *g; g++)
                        fuzz_assert(!is_blank(*g) && (unsigned char) *g >= 0x20);
        }
}

static bool config_equal(const Config *a, const Config *b) {
        if (a->n_ports != b->n_ports || a->n_ignore != b->n_ignore || a->rescan_sec != b->rescan_sec)
                return false;
        if (memcmp(a->ports, b->ports, a->n_ports * sizeof(a->ports[0])) != 0)
                return false;
        if (!a->scheme != !b->scheme || (a->scheme && strcmp(a->scheme, b->scheme) != 0))
                return false;
        for (size_t i = 0; i < a->n_ignore; i++)
                if (strcmp(a->ignore[i], b->ignore[i]) != 0)
                        return false;
        return true;
}

/* The file that says the same, one setting per line */
static int write_config(const Config *c, StrBuf *b) {
        for (size_t i = 0; i < c->n_ports; i++)
                strbuf_appendf(b, "port = %u\n", c->ports[i]);
        if (c->scheme)
                strbuf_appendf(b, "scheme = %s\n", c->scheme);
        if (c->rescan_sec > 0)
                strbuf_appendf(b, "rescan = %u\n", c->rescan_sec);
        for (size_t i = 0; i < c->n_ignore; i++)
                /* no blank before the value: a pattern may start with '#' */
                strbuf_appendf(b, "# pattern %zu\nignore-interface =%s\n", i, c->ignore[i]);
        return b->error;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *text = fuzz_memdup(data, size);
        Config c, again = {};
        ConfigError error, error2;
        StrBuf b = STRBUF_INIT;
        Options o;
        ReachConfig merged;
        int r;

        if (size > CONFIG_FILE_MAX)
                goto cleanup;

        memset(&c, FUZZ_SENTINEL, sizeof(c));
        memset(&error, 0, sizeof(error));
        r = config_parse(text, size, &c, &error);
        fuzz_assert(r == 0 || r == -EINVAL || r == -ENOMEM);
        if (r < 0) {
                fuzz_assert(fuzz_untouched(&c, sizeof(c)));
                if (r == -EINVAL) {
                        fuzz_assert(error.line >= 1 && error.line <= count_lines(text, size));
                        fuzz_assert(memchr(error.message, 0, sizeof(error.message)));
                        fuzz_assert(error.message[0] != 0);
                }
                goto cleanup;
        }
        fuzz_assert(settings_printable(text, size));
        check_config(&c);

        r = write_config(&c, &b);
        if (r == 0) {
                r = config_parse(b.data ?: "", b.len, &again, &error2);
                fuzz_assert(r == 0 || r == -ENOMEM);
                fuzz_assert(r < 0 || config_equal(&c, &again));
                config_done(&again);
        }

        options_init(&o);
        merged = config_merge(&o, &c, 1000);
        fuzz_assert(merged.ports == c.ports && merged.n_ports == c.n_ports);
        fuzz_assert(merged.scheme == c.scheme && merged.n_ignore == c.n_ignore);
        fuzz_assert(config_rescan_sec(&o, &c) == (c.rescan_sec ?: OPTIONS_RESCAN_DEFAULT));
        options_done(&o);

        config_done(&c);
        fuzz_assert(c.n_ports == 0 && c.n_ignore == 0 && !c.scheme && c.rescan_sec == 0);
cleanup:
        strbuf_done(&b);
        free(text);
        return 0;
}
