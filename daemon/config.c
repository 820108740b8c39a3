/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "number.h"
#include "config.h"
#include "macro.h"

void config_done(Config *c) {
        free(c->scheme);
        for (size_t i = 0; i < c->n_ignore; i++)
                free(c->ignore[i]);
        *c = (Config) {};
}

static int fail(ConfigError *error, unsigned line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(ConfigError *error, unsigned line, const char *fmt, ...) {
        va_list ap;

        error->line = line;
        va_start(ap, fmt);
        vsnprintf(error->message, sizeof(error->message), fmt, ap);
        va_end(ap);
        return -EINVAL;
}

static bool is_blank(char c) {
        return c == ' ' || c == '\t';
}

/* Trims blanks around [*s, *s + *n) */
static void trim(const char **s, size_t *n) {
        while (*n > 0 && is_blank(**s)) {
                (*s)++;
                (*n)--;
        }
        while (*n > 0 && is_blank((*s)[*n - 1]))
                (*n)--;
}

static bool key_is(const char *key, size_t n, const char *name) {
        return strlen(name) == n && memcmp(key, name, n) == 0;
}

/* Calls fn for each blank-separated word of the value; stops at the first error */
static int for_each_word(const char *v, size_t n, Config *c, unsigned line, ConfigError *error,
                         int (*fn)(Config *, const char *, unsigned, ConfigError *)) {
        size_t i = 0;

        while (i < n) {
                char word[256];
                size_t start;
                int r;

                while (i < n && is_blank(v[i]))
                        i++;
                start = i;
                while (i < n && !is_blank(v[i]))
                        i++;
                if (i == start)
                        break;
                if (i - start >= sizeof(word))
                        return fail(error, line, "value too long");
                memcpy(word, v + start, i - start);
                word[i - start] = 0;
                r = fn(c, word, line, error);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int add_port(Config *c, const char *word, unsigned line, ConfigError *error) {
        uint16_t port;

        if (options_parse_port(word, &port) < 0)
                return fail(error, line, "invalid port '%s': expected a number from 1 to 65535", word);
        for (size_t i = 0; i < c->n_ports; i++)
                if (c->ports[i] == port)
                        return 0;
        if (c->n_ports >= OPTIONS_MAX_PORTS)
                return fail(error, line, "too many ports (at most %d)", OPTIONS_MAX_PORTS);
        c->ports[c->n_ports++] = port;
        return 0;
}

static int add_ignore(Config *c, const char *word, unsigned line, ConfigError *error) {
        if (c->n_ignore >= CONFIG_IGNORE_MAX)
                return fail(error, line, "too many interface patterns (at most %d)", CONFIG_IGNORE_MAX);
        c->ignore[c->n_ignore] = strdup(word);
        if (!c->ignore[c->n_ignore])
                return -ENOMEM;
        c->n_ignore++;
        return 0;
}

static int parse_line(Config *c, const char *s, size_t n, unsigned line, ConfigError *error) {
        const char *eq = memchr(s, '=', n), *key = s, *value;
        size_t n_key, n_value;
        char word[16];

        for (size_t i = 0; i < n; i++)
                if ((unsigned char) s[i] < 0x20 && s[i] != '\t')
                        return fail(error, line, "control character in the line");
        if (!eq)
                return fail(error, line, "expected 'key = value'");
        n_key = (size_t) (eq - s);
        value = eq + 1;
        n_value = n - n_key - 1;
        trim(&key, &n_key);
        trim(&value, &n_value);
        if (n_value == 0)
                return fail(error, line, "'%.*s' needs a value", (int) (n_key < 32 ? n_key : 32), key);

        if (key_is(key, n_key, "port"))
                return for_each_word(value, n_value, c, line, error, add_port);
        if (key_is(key, n_key, "ignore-interface"))
                return for_each_word(value, n_value, c, line, error, add_ignore);
        if (n_value >= sizeof(word))
                return fail(error, line, "invalid value for '%.*s'", (int) (n_key < 32 ? n_key : 32), key);
        memcpy(word, value, n_value);
        word[n_value] = 0;
        if (key_is(key, n_key, "scheme")) {
                if (strcmp(word, "http") != 0 && strcmp(word, "https") != 0)
                        return fail(error, line, "invalid scheme '%s': expected http or https", word);
                free(c->scheme);
                c->scheme = strdup(word);
                return c->scheme ? 0 : -ENOMEM;
        }
        if (key_is(key, n_key, "rescan")) {
                uint64_t v;

                if (number_parse_u64(word, strlen(word), 3600, &v) < 0 || v < 1)
                        return fail(error, line, "invalid rescan '%s': expected seconds from 1 to 3600", word);
                c->rescan_sec = (unsigned) v;
                return 0;
        }
        if (key_is(key, n_key, "settle")) {
                if (options_parse_seconds(word, OPTIONS_SETTLE_MAX_SEC, &c->settle_usec) < 0)
                        return fail(error, line, "invalid settle '%s': expected seconds from 0 to %d, such as 0.5",
                                    word, OPTIONS_SETTLE_MAX_SEC);
                c->has_settle = true;
                return 0;
        }
        return fail(error, line, "unknown setting '%.*s': expected port, scheme, rescan, settle or ignore-interface",
                    (int) (n_key < 32 ? n_key : 32), key);
}

int config_parse(const char *text, size_t len, Config *ret, ConfigError *error) {
        Config c = {};
        unsigned line = 0;
        size_t i = 0;
        int r;

        while (i < len) {
                const char *s = text + i, *nl = memchr(s, '\n', len - i), *hash;
                size_t n = nl ? (size_t) (nl - s) : len - i;

                i += n + 1;
                line++;
                if (n > 0 && s[n - 1] == '\r')
                        n--;
                /* a comment starts with '#' at the start of the line or after a blank */
                for (hash = s; (hash = memchr(hash, '#', n - (size_t) (hash - s))); hash++)
                        if (hash == s || is_blank(hash[-1])) {
                                n = (size_t) (hash - s);
                                break;
                        }
                trim(&s, &n);
                if (n == 0)
                        continue;
                r = parse_line(&c, s, n, line, error);
                if (r < 0) {
                        config_done(&c);
                        return r;
                }
        }
        *ret = c;
        return 0;
}

int config_load(const char *path, Config *ret, ConfigError *error) {
        _cleanup_free_ char *buf = NULL;
        struct stat st;
        size_t len = 0;
        int fd, r = 0;

        *error = (ConfigError) {};
        /* O_NONBLOCK: a FIFO put in the file's place must not hang the daemon in open() or read() */
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0) {
                if (errno == ENOENT) {
                        *ret = (Config) {};
                        return 0;
                }
                return -errno;
        }
        if (fstat(fd, &st) < 0) {
                r = -errno;
                close(fd);
                return r;
        }
        /* a character device is allowed, so the file can be masked with a link to /dev/null */
        if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)) {
                close(fd);
                if (S_ISDIR(st.st_mode))
                        return -EISDIR;
                return fail(error, 0, "not a regular file");
        }
        buf = malloc(CONFIG_FILE_MAX + 1);
        if (!buf) {
                close(fd);
                return -ENOMEM;
        }
        for (;;) {
                ssize_t n = read(fd, buf + len, CONFIG_FILE_MAX + 1 - len);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        r = -errno;
                        break;
                }
                if (n == 0)
                        break;
                len += (size_t) n;
                if (len > CONFIG_FILE_MAX) {
                        r = -EFBIG;
                        break;
                }
        }
        close(fd);
        if (r < 0)
                return r;
        if (memchr(buf, 0, len))
                return fail(error, 0, "the file holds a NUL byte");
        return config_parse(buf, len, ret, error);
}

int config_default_path(const char *xdg_config_home, const char *home, char **ret) {
        char *p;
        int n;

        /* the XDG base directory spec ignores relative paths */
        if (xdg_config_home && xdg_config_home[0] == '/')
                n = asprintf(&p, "%s/reachd/reachd.conf", xdg_config_home);
        else if (home && home[0] == '/')
                n = asprintf(&p, "%s/.config/reachd/reachd.conf", home);
        else
                return -ENOENT;
        if (n < 0)
                return -ENOMEM;
        *ret = p;
        return 0;
}

ReachConfig config_merge(const Options *o, const Config *c, uint32_t uid) {
        return (ReachConfig) {
                .ports = o->n_ports > 0 ? o->ports : c->ports,
                .n_ports = o->n_ports > 0 ? o->n_ports : c->n_ports,
                .uid = uid,
                .scheme = o->scheme ?: c->scheme,
                .ignore = c->ignore,
                .n_ignore = c->n_ignore,
        };
}

unsigned config_rescan_sec(const Options *o, const Config *c) {
        return o->rescan_sec ?: c->rescan_sec ?: OPTIONS_RESCAN_DEFAULT;
}

uint64_t config_settle_usec(const Options *o, const Config *c) {
        return o->has_settle ? o->settle_usec : c->has_settle ? c->settle_usec : OPTIONS_SETTLE_DEFAULT_USEC;
}
