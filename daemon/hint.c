/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "hint.h"
#include "inaddr.h"
#include "macro.h"
#include "strbuf.h"

/* A slice of the command line, not NUL-terminated */
typedef struct Word {
        const char *s;
        size_t n;
} Word;

/* In a command, "{port}" becomes the server's port and "{python}" the interpreter the server
 * runs under. */
typedef struct HintRule {
        const char *program;                  /* the program word, version suffix allowed */
        const char *arg;                      /* a later word it must have, NULL for any */
        const char *command;
} HintRule;

/* First match wins: a rule with an arg goes before the same program's catch-all. */
static const HintRule hint_rules[] = {
        { "vite",               "preview",  "vite preview --host" },
        { "vite",               NULL,       "vite --host" },
        { "next",               "start",    "next start -H 0.0.0.0" },
        { "next",               NULL,       "next dev -H 0.0.0.0" },
        /* Next.js renames its server process "next-server (v14.2.3)", dev and start alike */
        { "next-server",        NULL,       "next dev -H 0.0.0.0" },
        { "webpack",            NULL,       "webpack serve --host 0.0.0.0" },
        { "webpack-dev-server", NULL,       "webpack serve --host 0.0.0.0" },
        { "http.server",        NULL,       "{python} -m http.server {port} --bind 0.0.0.0" },
        { "flask",              NULL,       "flask run --host=0.0.0.0" },
        { "manage.py",          NULL,       "{python} manage.py runserver 0.0.0.0:{port}" },
        { "django-admin",       NULL,       "django-admin runserver 0.0.0.0:{port}" },
        { "rails",              NULL,       "rails server -b 0.0.0.0" },
        /* Puma replaces its command line with "puma 6.4.2 (tcp://127.0.0.1:3000) [app]" */
        { "puma",               NULL,       "puma -b tcp://0.0.0.0:{port}" },
        { "hugo",               NULL,       "hugo server --bind 0.0.0.0" },
        { "jekyll",             NULL,       "jekyll serve --host 0.0.0.0" },
        { "serve",              NULL,       "serve -l tcp://0.0.0.0:{port}" },
        { "ng",                 NULL,       "ng serve --host 0.0.0.0" },
        { "astro",              "preview",  "astro preview --host" },
        { "astro",              NULL,       "astro dev --host" },
        { "php",                "-S",       "php -S 0.0.0.0:{port}" },
        { "php",                "artisan",  "php artisan serve --host=0.0.0.0" },
        { "nuxt",               NULL,       "nuxt dev --host" },
        { "nuxi",               NULL,       "nuxt dev --host" },
        { "gatsby",             "serve",    "gatsby serve -H 0.0.0.0" },
        { "gatsby",             NULL,       "gatsby develop -H 0.0.0.0" },
        { "remix",              NULL,       "remix vite:dev --host" },
};

/* Programs that run the program we are after: "node .../vite", "bundle exec jekyll" */
static const char *const launchers[] = {
        "node", "nodejs", "bun", "deno", "tsx", "ts-node", "npx", "bunx", "pnpx", "npm", "pnpm",
        "yarn", "python", "pypy", "ruby", "bundle", "uv", "poetry", "pipenv",
};

/* What a launcher says before the program: "npm exec vite", "deno run -A npm:vite" */
static const char *const launcher_verbs[] = { "exec", "x", "dlx", "run" };

/* Launcher options whose value is a separate word */
static const char *const options_with_value[] = {
        "-r", "--require", "--import", "--loader", "--experimental-loader", "-W", "-X", "-C",
        "--cwd", "--dir", "--filter",
};

#define WORDS_MAX 64

static bool word_equal(Word w, const char *s) {
        return w.n == strlen(s) && memcmp(w.s, s, w.n) == 0;
}

static bool word_has_prefix(Word w, const char *s) {
        size_t n = strlen(s);

        return w.n >= n && memcmp(w.s, s, n) == 0;
}

static bool word_has_suffix(Word w, const char *s) {
        size_t n = strlen(s);

        return w.n >= n && memcmp(w.s + w.n - n, s, n) == 0;
}

/* "php", "php8.2", "python3.12" for base "php" or "python"; not "phpunit" */
static bool word_is_versioned(Word w, const char *base) {
        size_t i;

        if (!word_has_prefix(w, base))
                return false;
        for (i = strlen(base); i < w.n; i++)
                if (!strchr("0123456789.", w.s[i]))
                        return false;
        return true;
}

static bool word_in(Word w, const char *const *list, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (word_equal(w, list[i]))
                        return true;
        return false;
}

static bool word_in_versioned(Word w, const char *const *list, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (word_is_versioned(w, list[i]))
                        return true;
        return false;
}

static size_t split_words(const char *s, Word *words, size_t max) {
        size_t n = 0;

        while (s && *s && n < max) {
                size_t len = strcspn(s, " \t");

                if (len > 0)
                        words[n++] = (Word) { s, len };
                s += len;
                s += strspn(s, " \t");
        }
        return n;
}

/* The name a word calls the program by. Paths count by their last component, except inside a
 * package ("/usr/lib/node_modules/serve/build/main.js" is serve), so that a directory that
 * happens to be called "vite" never makes a program Vite. */
static Word program_name(Word w) {
        static const char *const extensions[] = { ".js", ".mjs", ".cjs", ".ts" };
        static const char nm[] = "node_modules/";
        const char *pkg = NULL, *slash, *at;
        size_t i;

        if (word_has_prefix(w, "npm:"))
                w = (Word) { w.s + 4, w.n - 4 };

        for (i = 0; i + strlen(nm) <= w.n; i++)
                if ((i == 0 || w.s[i - 1] == '/') && memcmp(w.s + i, nm, strlen(nm)) == 0)
                        pkg = w.s + i + strlen(nm);

        /* .bin holds links named after the program; a scope (@angular/cli) is no program name */
        if (pkg && pkg < w.s + w.n && *pkg != '.' && *pkg != '@') {
                slash = memchr(pkg, '/', (size_t) (w.s + w.n - pkg));
                w = (Word) { pkg, slash ? (size_t) (slash - pkg) : (size_t) (w.s + w.n - pkg) };
        } else {
                slash = memrchr(w.s, '/', w.n);
                if (slash)
                        w = (Word) { slash + 1, (size_t) (w.s + w.n - slash - 1) };
        }

        for (i = 0; i < ELEMENTSOF(extensions); i++)
                if (word_has_suffix(w, extensions[i])) {
                        w.n -= strlen(extensions[i]);
                        break;
                }

        /* npx vite@5.2.0 */
        at = w.n > 1 ? memchr(w.s + 1, '@', w.n - 1) : NULL;
        if (at)
                w.n = (size_t) (at - w.s);
        return w;
}

static bool is_python(Word name) {
        return word_is_versioned(name, "python") || word_is_versioned(name, "pypy");
}

/* The rule for the program the command runs, and the Python interpreter it runs under */
static const HintRule *rule_for_command(const char *command, Word *ret_python) {
        Word words[WORDS_MAX], program = { NULL, 0 }, python = { "python3", strlen("python3") };
        size_t n, i = 0, r;
        bool launched = false;

        n = split_words(command, words, WORDS_MAX);
        while (i < n && !program.s) {
                Word name = program_name(words[i]);

                if (word_equal(words[i], "-m")) {
                        if (i + 1 < n)
                                program = words[i + 1];
                        i += 2;
                } else if (words[i].s[0] == '-') {
                        bool has_value = word_in(words[i], options_with_value,
                                                 ELEMENTSOF(options_with_value));

                        i += has_value ? 2 : 1;
                } else if (word_in_versioned(name, launchers, ELEMENTSOF(launchers))) {
                        if (is_python(name))
                                python = name;
                        launched = true;
                        i++;
                } else if (launched &&
                           word_in(words[i], launcher_verbs, ELEMENTSOF(launcher_verbs)))
                        i++;
                else {
                        program = name;
                        i++;
                }
        }
        if (!program.s)
                return NULL;

        /* words[i..n) follow the program */
        for (r = 0; r < ELEMENTSOF(hint_rules); r++) {
                const HintRule *rule = &hint_rules[r];
                bool arg_found = !rule->arg;

                if (!word_is_versioned(program, rule->program))
                        continue;
                for (size_t j = i; j < n && !arg_found; j++)
                        arg_found = word_equal(words[j], rule->arg);
                if (arg_found) {
                        *ret_python = python;
                        return rule;
                }
        }
        return NULL;
}

static int append_command(StrBuf *b, const HintRule *rule, uint16_t port, Word python) {
        const char *p = rule->command;

        while (*p) {
                size_t len = strcspn(p, "{");

                strbuf_append_len(b, p, len);
                p += len;
                if (strncmp(p, "{port}", strlen("{port}")) == 0) {
                        strbuf_appendf(b, "%u", (unsigned) port);
                        p += strlen("{port}");
                } else if (strncmp(p, "{python}", strlen("{python}")) == 0) {
                        strbuf_append_len(b, python.s, python.n);
                        p += strlen("{python}");
                } else if (*p) {
                        strbuf_append_len(b, p, 1);
                        p++;
                }
        }
        return b->error;
}

/* "127.0.0.1", "127.0.0.1 and ::1", "a, b and c" */
static int append_binds(StrBuf *b, const ReachBind *binds, size_t n_binds) {
        for (size_t i = 0; i < n_binds; i++) {
                char buf[INADDR_STRLEN];
                int r;

                r = inaddr_to_string(binds[i].family, &binds[i].address, buf, sizeof(buf));
                if (r < 0)
                        return r;
                if (i > 0)
                        strbuf_append(b, i + 1 == n_binds ? " and " : ", ");
                strbuf_append(b, buf);
        }
        return b->error;
}

static bool has_wildcard(const ReachBind *binds, size_t n_binds) {
        for (size_t i = 0; i < n_binds; i++)
                if (inaddr_is_any(binds[i].family, &binds[i].address))
                        return true;
        return false;
}

/* The rule's command listening on :: instead of 0.0.0.0: "--bind 0.0.0.0" becomes "--bind ::",
 * "0.0.0.0:8000" becomes "[::]:8000", a bare "--host" takes "::" */
static int append_command_v6(StrBuf *b, const HintRule *rule, uint16_t port, Word python) {
        StrBuf cmd = STRBUF_INIT;
        const char *p;
        size_t len;
        int r;

        append_command(&cmd, rule, port, python);
        if (cmd.error < 0) {
                r = cmd.error;
                strbuf_done(&cmd);
                return r;
        }
        p = cmd.data ?: "";
        len = cmd.len;
        while (*p) {
                const char *any = strstr(p, "0.0.0.0");

                if (!any) {
                        strbuf_append(b, p);
                        break;
                }
                strbuf_append_len(b, p, (size_t) (any - p));
                strbuf_append(b, any[7] == ':' ? "[::]" : "::");
                p = any + 7;
        }
        if (len >= 6 && strcmp(cmd.data + len - 6, "--host") == 0)
                strbuf_append(b, " ::");
        strbuf_done(&cmd);
        return b->error;
}

/* The network has only the family the server does not take: IPv6 for a 0.0.0.0 server, IPv4 for
 * a v6only :: server */
static int append_family_fix(StrBuf *b, const HintRule *rule, uint16_t port, Word python,
                             const ReachBind *binds, size_t n_binds) {
        bool has_v6 = false;

        for (size_t i = 0; i < n_binds; i++)
                if (binds[i].family == AF_INET6)
                        has_v6 = true;
        if (has_v6) {
                if (rule) {
                        strbuf_append(b, "restart it with `");
                        append_command(b, rule, port, python);
                        return strbuf_append(b, "` so it takes IPv4 connections too");
                }
                return strbuf_append(b, "make it listen on 0.0.0.0 as well, or on :: without IPV6_V6ONLY, "
                                     "so it takes IPv4 connections too");
        }
        if (rule) {
                strbuf_append(b, "restart it with `");
                append_command_v6(b, rule, port, python);
                return strbuf_append(b, "` so it listens on IPv6 as well");
        }
        return strbuf_append(b, "make it listen on :: (every IPv6 and IPv4 address) instead of 0.0.0.0");
}

int hint_for_problem(ReachProblem problem, uint16_t port, const ReachBind *binds, size_t n_binds,
                     const char *name, const char *cmdline, char **ret) {
        StrBuf b = STRBUF_INIT;
        const HintRule *rule;
        Word python = { NULL, 0 };
        int r = -EINVAL;

        rule = rule_for_command(cmdline, &python);
        if (!rule)
                rule = rule_for_command(name, &python);

        switch (problem) {
        case REACH_PROBLEM_NONE:
                return -ENOENT;
        case REACH_PROBLEM_NOT_LISTENING:
                r = strbuf_appendf(&b, "start the server on port %u, or check that it did not "
                                   "exit", (unsigned) port);
                break;
        case REACH_PROBLEM_LOOPBACK_ONLY:
                if (rule) {
                        strbuf_append(&b, "restart it with `");
                        append_command(&b, rule, port, python);
                        r = strbuf_append(&b, "` so it listens on every interface");
                } else if (n_binds > 0) {
                        strbuf_append(&b, "make it listen on 0.0.0.0 or :: instead of ");
                        r = append_binds(&b, binds, n_binds);
                } else
                        r = strbuf_append(&b, "make it listen on 0.0.0.0 or :: instead of a "
                                          "loopback address");
                break;
        case REACH_PROBLEM_BOUND_ADDRESS_GONE:
                if (rule) {
                        strbuf_append(&b, "restart it bound to 0.0.0.0 (`");
                        append_command(&b, rule, port, python);
                        r = strbuf_append(&b, "`) so it follows network changes");
                } else if (n_binds > 0) {
                        strbuf_append(&b, "restart it bound to 0.0.0.0 or :: instead of ");
                        r = append_binds(&b, binds, n_binds);
                        if (r >= 0)
                                r = strbuf_append(&b, " so it follows network changes");
                } else
                        r = strbuf_append(&b, "restart it bound to 0.0.0.0 or :: so it follows "
                                          "network changes");
                break;
        case REACH_PROBLEM_BOUND_LINK_DOWN:
                strbuf_append(&b, "reconnect that interface (cable, Wi-Fi), or restart the server bound to ");
                if (rule) {
                        strbuf_append(&b, "0.0.0.0 (`");
                        append_command(&b, rule, port, python);
                        r = strbuf_append(&b, "`) so it follows network changes");
                } else
                        r = strbuf_append(&b, "0.0.0.0 or :: so it follows network changes");
                break;
        case REACH_PROBLEM_FAMILY_MISMATCH:
                r = append_family_fix(&b, rule, port, python, binds, n_binds);
                break;
        case REACH_PROBLEM_NO_NETWORK:
                if (has_wildcard(binds, n_binds))
                        r = strbuf_append(&b, "connect this machine to a local network (Wi-Fi or Ethernet); "
                                          "the server listens on every interface and will be reachable "
                                          "as soon as an address appears");
                else if (rule) {
                        strbuf_append(&b, "restart it with `");
                        append_command(&b, rule, port, python);
                        r = strbuf_append(&b, "` so it listens on every interface");
                } else {
                        strbuf_append(&b, "make it listen on 0.0.0.0 or :: instead of ");
                        r = append_binds(&b, binds, n_binds);
                }
                break;
        case _REACH_PROBLEM_MAX:
                break;
        }

        if (r >= 0)
                r = strbuf_steal(&b, ret);
        if (r < 0)
                strbuf_done(&b);
        return r;
}
