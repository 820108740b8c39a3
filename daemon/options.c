/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"
#include "options.h"

enum {
        ARG_ONCE = 0x100,
        ARG_RESCAN,
        ARG_SCHEME,
        ARG_SETTLE,
        ARG_VERSION,
};

void options_init(Options *o) {
        *o = (Options) {};
}

void options_done(Options *o) {
        free(o->socket_path);
        free(o->scheme);
        free(o->config_path);
        options_init(o);
}

static int parse_uint(const char *s, unsigned long max, unsigned long *ret) {
        uint64_t v;
        int r;

        if (!s)
                return -EINVAL;
        r = number_parse_u64(s, strlen(s), max, &v);
        if (r < 0)
                return r;
        *ret = (unsigned long) v;
        return 0;
}

int options_parse_port(const char *s, uint16_t *ret) {
        unsigned long v;
        int r = parse_uint(s, 65535, &v);

        if (r < 0)
                return r;
        if (v == 0)
                return -ERANGE;
        *ret = (uint16_t) v;
        return 0;
}

int options_add_port(Options *o, uint16_t port) {
        for (size_t i = 0; i < o->n_ports; i++)
                if (o->ports[i] == port)
                        return 0;
        if (o->n_ports >= OPTIONS_MAX_PORTS)
                return -E2BIG;
        o->ports[o->n_ports++] = port;
        return 1;
}

int options_parse_seconds(const char *s, unsigned max_sec, uint64_t *ret_usec) {
        const char *dot = s ? strchr(s, '.') : NULL;
        unsigned long sec = 0;
        uint64_t usec = 0, scale = 100000;
        char whole[16];
        int r;

        if (!s || !*s)
                return -EINVAL;
        if (!dot)
                r = parse_uint(s, max_sec, &sec);
        else if (dot == s)
                r = 0;  /* ".5" */
        else if ((size_t) (dot - s) >= sizeof(whole))
                r = -ERANGE;
        else {
                memcpy(whole, s, (size_t) (dot - s));
                whole[dot - s] = 0;
                r = parse_uint(whole, max_sec, &sec);
        }
        if (r < 0)
                return r;
        if (dot) {
                if (!dot[1] || strlen(dot + 1) > 6)
                        return -EINVAL;
                for (const char *p = dot + 1; *p; p++) {
                        if (*p < '0' || *p > '9')
                                return -EINVAL;
                        usec += (uint64_t) (*p - '0') * scale;
                        scale /= 10;
                }
        }
        if (sec == max_sec && usec > 0)
                return -ERANGE;
        *ret_usec = (uint64_t) sec * 1000000 + usec;
        return 0;
}

static int set_string(char **dst, const char *src) {
        char *p = strdup(src);

        if (!p)
                return -ENOMEM;
        free(*dst);
        *dst = p;
        return 0;
}

static int usage_error(char **ret_error, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage_error(char **ret_error, const char *fmt, ...) {
        va_list ap;
        char *m;
        int n;

        va_start(ap, fmt);
        n = vasprintf(&m, fmt, ap);
        va_end(ap);
        if (n < 0)
                return -ENOMEM;
        *ret_error = m;
        return -EINVAL;
}

int options_parse(Options *o, int argc, char *argv[], char **ret_error) {
        static const struct option longopts[] = {
                { "port", required_argument, NULL, 'p' },
                { "socket", required_argument, NULL, 's' },
                { "config", required_argument, NULL, 'c' },
                { "once", no_argument, NULL, ARG_ONCE },
                { "rescan", required_argument, NULL, ARG_RESCAN },
                { "scheme", required_argument, NULL, ARG_SCHEME },
                { "settle", required_argument, NULL, ARG_SETTLE },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                {}
        };
        unsigned long v;
        uint16_t port;
        int c, r;

        opterr = 0;
        optind = 0;
        while ((c = getopt_long(argc, argv, ":p:s:c:h", longopts, NULL)) >= 0) {
                switch (c) {
                case 'p':
                        if (options_parse_port(optarg, &port) < 0)
                                return usage_error(ret_error, "invalid port '%s': expected a number from 1 to 65535", optarg);
                        if (options_add_port(o, port) < 0)
                                return usage_error(ret_error, "too many ports (at most %d)", OPTIONS_MAX_PORTS);
                        break;
                case 's':
                        if (optarg[0] == 0)
                                return usage_error(ret_error, "--socket needs a path");
                        r = set_string(&o->socket_path, optarg);
                        if (r < 0)
                                return r;
                        break;
                case 'c':
                        if (optarg[0] == 0)
                                return usage_error(ret_error, "--config needs a path");
                        r = set_string(&o->config_path, optarg);
                        if (r < 0)
                                return r;
                        break;
                case ARG_ONCE:
                        o->once = true;
                        break;
                case ARG_RESCAN:
                        if (parse_uint(optarg, 3600, &v) < 0 || v == 0)
                                return usage_error(ret_error, "invalid --rescan '%s': expected seconds from 1 to 3600", optarg);
                        o->rescan_sec = (unsigned) v;
                        break;
                case ARG_SETTLE:
                        if (options_parse_seconds(optarg, OPTIONS_SETTLE_MAX_SEC, &o->settle_usec) < 0)
                                return usage_error(ret_error, "invalid --settle '%s': expected seconds from 0 to %d, "
                                                   "such as 0.5", optarg, OPTIONS_SETTLE_MAX_SEC);
                        o->has_settle = true;
                        break;
                case ARG_SCHEME:
                        if (strcmp(optarg, "http") != 0 && strcmp(optarg, "https") != 0)
                                return usage_error(ret_error, "invalid --scheme '%s': expected http or https", optarg);
                        r = set_string(&o->scheme, optarg);
                        if (r < 0)
                                return r;
                        break;
                case 'h':
                        o->help = true;
                        break;
                case ARG_VERSION:
                        o->version = true;
                        break;
                case ':':
                        return usage_error(ret_error, "option '%s' needs an argument", argv[optind - 1]);
                case '?':
                default:
                        return usage_error(ret_error, "unknown option '%s'", argv[optind - 1]);
                }
        }
        if (optind < argc)
                return usage_error(ret_error, "unexpected argument '%s'", argv[optind]);
        return 0;
}
