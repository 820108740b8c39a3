/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "strbuf.h"
#include "tool.h"

enum {
        RULE_EQUALS = 1 << 0,                 /* a new option is written OPT=VALUE */
        RULE_OPTIONAL_VALUE = 1 << 1,         /* the option may stand alone: `vite --host` */
        RULE_POSITIONAL = 1 << 2,             /* the bind is the word after the subcommand (Django) */
        RULE_VERSIONED = 1 << 3,              /* the program name may carry a version: php8.2 */
        RULE_NEEDS_OPTION = 1 << 4,           /* only with one of its options: `php -S`, `ruby app.rb -o` */
        RULE_SUFFIX = 1 << 5,                 /* programs are name endings: ".rb" */
        RULE_ANY_WORD = 1 << 6,               /* programs are words anywhere: `… mix phx.server` */
        RULE_LAUNCHER_DASHES = 1 << 7,        /* a `--` right after the program is the launcher's:
                                               * `ruby -run -e httpd -- --bind-address=…` */
};

/* Lists are NUL-separated, ending in an empty string. In values, "{port}" becomes the port. */
typedef struct Rule {
        const char *name;                     /* what the process is called in the view */
        const char *programs;
        const char *subs;                     /* one of these words must follow; NULL for any */
        const char *options;                  /* options carrying the bind; the first is added */
        const char *any;                      /* value for every interface; "" the bare option */
        const char *any6;                     /* value for IPv6 as well; NULL when none is known */
        unsigned flags;
        const char *drop;                     /* options without value that the bind replaces */
        const char *title;                    /* the process title it sets; "*" ending: a prefix */
        const char *rebuild;                  /* the command when no ancestor holds it */
        const char *config;                   /* a config file (name start) that can set the bind */
        const char *config_key;
        const char *config_value;
        const char *runs;                     /* rules whose server it starts in a process of its
                                               * own or under that server's title: artisan runs
                                               * `php -S`; its command is then the one to repeat */
} Rule;

#define L(...) __VA_ARGS__ "\0"
#define R(name_, programs_, subs_, options_, any_, any6_, ...) \
        { .name = name_, .programs = programs_, .subs = subs_, .options = options_, .any = any_, \
          .any6 = any6_, .flags = __VA_ARGS__ }

/* First match wins: a rule with subcommands goes before the same program's catch-all. Each was
 * checked against the tool's --help, documentation or argument parser, and the values run (the
 * sources table in DESIGN.md §7, *Hints*). An IPv6 value is given only where it listens on IPv4
 * as well (WEBrick, Tornado and asyncio make `::` IPv6-only: none there). */
static const Rule rules[] = {
        R("vite", L("vite"), L("preview"), L("--host"), "", "::", RULE_OPTIONAL_VALUE,
          .config = "vite.config", .config_key = "preview.host", .config_value = "true"),
        R("vite", L("vite"), NULL, L("--host"), "", "::", RULE_OPTIONAL_VALUE,
          .config = "vite.config", .config_key = "server.host", .config_value = "true"),
        R("astro", L("astro"), NULL, L("--host"), "", "::", RULE_OPTIONAL_VALUE),
        R("remix", L("remix"), L("vite:dev"), L("--host"), "", "::", RULE_OPTIONAL_VALUE),
        /* `nuxi preview` takes no --host */
        R("nuxt", L("nuxi" "\0" "nuxt"), L("dev"), L("--host"), "0.0.0.0", "::", 0),
        R("storybook", L("storybook" "\0" "sb"), L("dev"), L("--host" "\0" "-h"), "0.0.0.0", "::", 0),
        R("next", L("next"), NULL, L("-H" "\0" "--hostname"), "0.0.0.0", "::", 0,
          .title = "next-server (*", .rebuild = "next dev -p {port}"),
        R("webpack-dev-server", L("webpack" "\0" "webpack-cli"), L("serve" "\0" "server" "\0" "s"),
          L("--host"), "0.0.0.0", "::", 0, .title = "webpack",
          .rebuild = "webpack serve --port {port}",
          .config = "webpack.config", .config_key = "devServer.host", .config_value = "'0.0.0.0'"),
        R("webpack-dev-server", L("webpack-dev-server"), NULL, L("--host"), "0.0.0.0", "::", 0,
          .config = "webpack.config", .config_key = "devServer.host", .config_value = "'0.0.0.0'"),
        R("ng", L("ng"), L("serve" "\0" "s" "\0" "dev"), L("--host"), "0.0.0.0", "::", 0),
        R("parcel", L("parcel"), NULL, L("--host"), "0.0.0.0", "::", 0),
        /* a bare port listens on :: (IPv4 too) */
        R("serve", L("serve"), NULL, L("-l" "\0" "--listen"), "{port}", "{port}", 0),
        R("http-server", L("http-server" "\0" "hs"), NULL, L("-a"), "0.0.0.0", "::", 0,
          .title = "http-server", .rebuild = "http-server -p {port}"),
        R("live-server", L("live-server"), NULL, L("--host"), "0.0.0.0", "::", RULE_EQUALS),
        R("browser-sync", L("browser-sync"), NULL, L("--listen"), "0.0.0.0", "::", 0),
        R("gatsby", L("gatsby"), L("develop" "\0" "serve"), L("-H" "\0" "--host"), "0.0.0.0", "::", 0),
        /* --host localhost binds Metro to 127.0.0.1; lan leaves the host unset: :: and IPv4 */
        R("expo", L("expo"), L("start"), L("--host" "\0" "-m"), "lan", "lan", 0, .drop = L("--localhost")),
        R("metro", L("react-native"), L("start"), L("--host"), "0.0.0.0", "::", 0),
        R("http.server", L("http.server"), NULL, L("--bind" "\0" "-b"), "0.0.0.0", "::", 0),
        R("flask", L("flask"), L("run"), L("--host" "\0" "-h"), "0.0.0.0", "::", RULE_EQUALS),
        R("django", L("manage.py" "\0" "django-admin"), L("runserver"), NULL,
          "0.0.0.0:{port}", "[::]:{port}", RULE_POSITIONAL),
        R("uvicorn", L("uvicorn"), NULL, L("--host"), "0.0.0.0", NULL, 0),
        R("gunicorn", L("gunicorn"), NULL, L("-b" "\0" "--bind"), "0.0.0.0:{port}", "[::]:{port}", 0),
        R("jupyter", L("jupyter-lab" "\0" "jupyter-notebook" "\0" "jupyter-server" "\0" "jupyter"),
          NULL, L("--ip"), "0.0.0.0", "*", RULE_EQUALS),
        R("mkdocs", L("mkdocs"), L("serve"), L("-a" "\0" "--dev-addr"), "0.0.0.0:{port}", "[::]:{port}", 0,
          .config = "mkdocs.yml", .config_key = "dev_addr", .config_value = "0.0.0.0:{port}"),
        /* Rails, rackup and Sinatra serve in Puma, which titles their process "puma 6.4.2 (…)":
         * a command line of their own means another server, whose :: may be IPv6-only */
        R("rails", L("rails"), L("server" "\0" "s"), L("-b" "\0" "--binding"), "0.0.0.0", NULL, 0,
          .runs = L("puma")),
        /* -p would bind the port a second time */
        R("puma", L("puma"), NULL, L("-b" "\0" "--bind"), "tcp://0.0.0.0:{port}", "tcp://[::]:{port}", 0,
          .title = "puma *", .rebuild = "puma"),
        R("rackup", L("rackup"), NULL, L("-o" "\0" "--host"), "0.0.0.0", NULL, 0, .runs = L("puma")),
        R("ruby -run httpd", L("httpd"), NULL, L("--bind-address"), "0.0.0.0", NULL,
          RULE_EQUALS | RULE_LAUNCHER_DASHES),
        R("sinatra", L(".rb"), NULL, L("-o"), "0.0.0.0", NULL, RULE_SUFFIX | RULE_NEEDS_OPTION,
          .runs = L("puma")),
        R("hugo", L("hugo"), L("server" "\0" "serve"), L("--bind"), "0.0.0.0", "::", 0),
        R("jekyll", L("jekyll"), L("serve" "\0" "server" "\0" "s"), L("-H" "\0" "--host"), "0.0.0.0", NULL, 0),
        R("zola", L("zola"), L("serve"), L("-i" "\0" "--interface"), "0.0.0.0", "::", 0),
        R("php", L("php"), NULL, L("-S"), "0.0.0.0:{port}", "[::]:{port}", RULE_VERSIONED | RULE_NEEDS_OPTION),
        /* runs `php -S HOST:PORT`: a bare :: would make that :::8000 */
        R("artisan", L("artisan"), L("serve"), L("--host"), "0.0.0.0", "[::]", RULE_EQUALS,
          .runs = L("php")),
        R("dotnet", L("dotnet"), L("run" "\0" "watch"), L("--urls"), "http://0.0.0.0:{port}",
          "http://[::]:{port}", 0),
        R("trunk", L("trunk"), L("serve"), L("-a" "\0" "--address"), "0.0.0.0", "::", 0),
        /* Phoenix takes its bind from config/dev.exs only */
        R("phoenix", L("phx.server"), NULL, NULL, NULL, NULL, RULE_ANY_WORD,
          .config = "config/dev.exs", .config_key = "http: [ip: ...]",
          .config_value = "{0, 0, 0, 0, 0, 0, 0, 0}"),
};

/* Programs that run the program we are after: "node …/vite", "bundle exec jekyll" */
static const char *const launchers[] = {
        "node", "nodejs", "bun", "deno", "tsx", "ts-node", "python", "pypy", "ruby", "bundle", "uv",
        "poetry", "pipenv", "env", "php",
};

/* What a launcher says before the program: "bundle exec jekyll", "deno run -A npm:vite" */
static const char *const launcher_verbs[] = { "exec", "x", "run" };

/* Launcher options whose value is a separate word */
static const char *const options_with_value[] = {
        "-r", "--require", "--import", "--loader", "--experimental-loader", "-W", "-X", "-C",
        "--cwd", "--dir", "--filter", "-S", "-c",
};

static const char *const shells[] = { "sh", "bash", "dash", "zsh", "ash", "busybox" };

#define WORDS_MAX 64

typedef struct Words {
        char *v[WORDS_MAX];
        size_t n;
} Words;

static void words_done(Words *w) {
        for (size_t i = 0; i < w->n; i++)
                free(w->v[i]);
        w->n = 0;
}

static int words_push(Words *w, const char *s, size_t n) {
        if (w->n >= WORDS_MAX)
                return -E2BIG;
        w->v[w->n] = strndup(s, n);
        if (!w->v[w->n])
                return -ENOMEM;
        w->n++;
        return 0;
}

static bool list_has(const char *list, const char *s, size_t n) {
        for (; list && *list; list += strlen(list) + 1)
                if (strlen(list) == n && memcmp(list, s, n) == 0)
                        return true;
        return false;
}

static bool array_has(const char *const *a, size_t n, const char *s) {
        for (size_t i = 0; i < n; i++)
                if (strcmp(a[i], s) == 0)
                        return true;
        return false;
}

/* "php", "php8.2", "python3.12" for base "php" or "python"; not "phpunit" */
static bool is_versioned(const char *s, const char *base) {
        size_t n = strlen(base);

        return strncmp(s, base, n) == 0 && strspn(s + n, "0123456789.") == strlen(s + n);
}

static bool array_has_versioned(const char *const *a, size_t n, const char *s) {
        for (size_t i = 0; i < n; i++)
                if (is_versioned(s, a[i]))
                        return true;
        return false;
}

/* A shell's -c string as words: blanks separate, '…' and "…" quote, \ escapes. Anything beyond
 * (variables, pipes, &&) is taken literally: such scripts are not commands we can repeat. */
static int words_split_shell(Words *w, const char *s) {
        StrBuf b = STRBUF_INIT;
        bool in_word = false;
        int r = 0;

        for (; *s && r >= 0; s++) {
                if (*s == ' ' || *s == '\t' || *s == '\n') {
                        if (in_word)
                                r = words_push(w, b.data ?: "", b.len);
                        strbuf_reset(&b);
                        in_word = false;
                        continue;
                }
                in_word = true;
                if (*s == '\'') {
                        const char *end = strchr(s + 1, '\'');

                        if (!end)
                                end = s + strlen(s);
                        strbuf_append_len(&b, s + 1, (size_t) (end - s - 1));
                        s = *end ? end : end - 1;
                } else if (*s == '"') {
                        for (s++; *s && *s != '"'; s++) {
                                if (*s == '\\' && s[1])
                                        s++;
                                strbuf_append_len(&b, s, 1);
                        }
                        if (!*s)
                                s--;
                } else if (*s == '\\' && s[1]) {
                        s++;
                        strbuf_append_len(&b, s, 1);
                } else
                        strbuf_append_len(&b, s, 1);
        }
        if (r >= 0 && in_word)
                r = words_push(w, b.data ?: "", b.len);
        if (r >= 0 && b.error < 0)
                r = b.error;
        strbuf_done(&b);
        return r;
}

/* The name a word calls the program by. Paths count by their last component, except inside a
 * package ("/usr/lib/node_modules/serve/build/main.js" is serve), so that a directory that
 * happens to be called "vite" never makes a program Vite. */
static void program_name(const char *w, char *buf, size_t size) {
        static const char *const extensions[] = { ".js", ".mjs", ".cjs", ".ts" };
        static const char nm[] = "node_modules/";
        const char *pkg = NULL, *p, *end, *at;
        size_t n;

        if (strncmp(w, "npm:", 4) == 0)
                w += 4;
        for (p = w; (p = strstr(p, nm)); p += strlen(nm))
                if (p == w || p[-1] == '/')
                        pkg = p + strlen(nm);
        /* .bin holds links named after the program; a scope (@angular/cli) is no program name */
        if (pkg && *pkg && *pkg != '.' && *pkg != '@') {
                end = strchr(pkg, '/');
                p = pkg;
                n = end ? (size_t) (end - pkg) : strlen(pkg);
        } else {
                end = strrchr(w, '/');
                p = end ? end + 1 : w;
                n = strlen(p);
        }
        for (size_t i = 0; i < ELEMENTSOF(extensions); i++) {
                size_t e = strlen(extensions[i]);

                if (n > e && memcmp(p + n - e, extensions[i], e) == 0) {
                        n -= e;
                        break;
                }
        }
        /* npx vite@5.2.0 */
        at = n > 1 ? memchr(p + 1, '@', n - 1) : NULL;
        if (at)
                n = (size_t) (at - p);
        if (n >= size)
                n = size - 1;
        memcpy(buf, p, n);
        buf[n] = 0;
}

/* One process's command: its words, and which of them is the program */
typedef struct Cmd {
        Words w;
        size_t prog;                          /* w.n when there is none */
        char name[64];                        /* the program's name, or the -m module */
        bool launched;                        /* an interpreter runs it */
} Cmd;

static void cmd_done(Cmd *c) {
        words_done(&c->w);
}

static void cmd_find_program(Cmd *c) {
        char name[64];
        size_t i = 0;

        c->prog = c->w.n;
        c->launched = false;
        while (i < c->w.n) {
                const char *w = c->w.v[i];

                program_name(w, name, sizeof(name));
                if (strcmp(w, "-m") == 0 && i + 1 < c->w.n) {
                        c->prog = i + 1;
                        snprintf(c->name, sizeof(c->name), "%s", c->w.v[i + 1]);
                        return;
                }
                /* ruby -run -e httpd: un.rb's commands */
                if (strcmp(w, "-e") == 0 && i > 0 && strcmp(c->w.v[i - 1], "-run") == 0 && i + 1 < c->w.n) {
                        c->prog = i + 1;
                        snprintf(c->name, sizeof(c->name), "%s", c->w.v[i + 1]);
                        return;
                }
                if (w[0] == '-')
                        i += array_has(options_with_value, ELEMENTSOF(options_with_value), w) ? 2 : 1;
                else if (strchr(w, '=') && !strchr(w, '/') && !c->launched)
                        i++;                  /* FOO=1 vite */
                else if (array_has_versioned(launchers, ELEMENTSOF(launchers), name)) {
                        c->launched = true;
                        /* php -S runs no other program */
                        if (is_versioned(name, "php") && (i + 1 >= c->w.n || c->w.v[i + 1][0] == '-')) {
                                c->prog = i;
                                snprintf(c->name, sizeof(c->name), "%s", name);
                                return;
                        }
                        i++;
                } else if (c->launched && array_has(launcher_verbs, ELEMENTSOF(launcher_verbs), w))
                        i++;
                else {
                        c->prog = i;
                        snprintf(c->name, sizeof(c->name), "%s", name);
                        return;
                }
        }
}

/* argv as words: a title set with spaces ("npm run dev") is split, `sh -c STRING` gives the
 * string's words */
static int cmd_from_process(Cmd *c, const ProcChainProcess *p) {
        char name[64];
        int r = 0;

        *c = (Cmd) {};
        if (p->argc == 0)
                return -ENODATA;
        program_name(p->argv[0], name, sizeof(name));
        if (p->argc >= 3 && array_has(shells, ELEMENTSOF(shells), name) && strcmp(p->argv[1], "-c") == 0)
                r = words_split_shell(&c->w, p->argv[2]);
        else if (p->argc == 1)
                r = words_split_shell(&c->w, p->argv[0]);
        else
                for (size_t i = 0; i < p->argc && r >= 0; i++)
                        r = words_push(&c->w, p->argv[i], strlen(p->argv[i]));
        if (r < 0) {
                cmd_done(c);
                return r;
        }
        cmd_find_program(c);
        return 0;
}

static bool cmd_is_shell(const Cmd *c) {
        return c->prog < c->w.n && array_has(shells, ELEMENTSOF(shells), c->name);
}

static bool option_matches(const char *word, const char *opt) {
        size_t n = strlen(opt);

        return strncmp(word, opt, n) == 0 && (word[n] == 0 || word[n] == '=');
}

static const char *word_option(const Rule *rule, const char *word) {
        for (const char *o = rule->options; o && *o; o += strlen(o) + 1)
                if (option_matches(word, o))
                        return o;
        return NULL;
}

static bool rule_matches(const Rule *rule, const Cmd *c) {
        bool found = false;

        if (rule->flags & RULE_ANY_WORD) {
                for (size_t i = 0; i < c->w.n; i++)
                        if (list_has(rule->programs, c->w.v[i], strlen(c->w.v[i])))
                                return true;
                return false;
        }
        if (c->prog >= c->w.n)
                return false;
        for (const char *p = rule->programs; *p && !found; p += strlen(p) + 1) {
                size_t n = strlen(c->name), pn = strlen(p);

                if (rule->flags & RULE_SUFFIX)
                        found = n > pn && strcmp(c->name + n - pn, p) == 0;
                else if (rule->flags & RULE_VERSIONED)
                        found = is_versioned(c->name, p);
                else
                        found = strcmp(c->name, p) == 0;
        }
        if (!found)
                return false;
        if (rule->subs) {
                found = false;
                for (size_t i = c->prog + 1; i < c->w.n && !found; i++)
                        found = list_has(rule->subs, c->w.v[i], strlen(c->w.v[i]));
                if (!found)
                        return false;
        }
        if (rule->flags & RULE_NEEDS_OPTION) {
                found = false;
                for (size_t i = c->prog + 1; i < c->w.n && !found; i++)
                        found = word_option(rule, c->w.v[i]);
                return found;
        }
        return true;
}

static const Rule *rule_for_cmd(const Cmd *c) {
        for (size_t i = 0; i < ELEMENTSOF(rules); i++)
                if (rule_matches(&rules[i], c))
                        return &rules[i];
        return NULL;
}

static const Rule *rule_for_title(const ProcChainProcess *p) {
        if (p->argc != 1)
                return NULL;
        for (size_t i = 0; i < ELEMENTSOF(rules); i++) {
                const char *t = rules[i].title;
                size_t n;

                if (!t)
                        continue;
                n = strlen(t);
                if (t[n - 1] == '*' ? strncmp(p->argv[0], t, n - 1) == 0 : strcmp(p->argv[0], t) == 0)
                        return &rules[i];
        }
        return NULL;
}

typedef enum RunnerKind {
        RUNNER_NONE,
        RUNNER_SCRIPT,                        /* npm run dev, pnpm dev, yarn dev: a package.json script */
        RUNNER_EXEC,                          /* npx vite, npm exec vite, pnpm dlx vite */
} RunnerKind;

/* The process that ran the server's command: npm, npx, pnpm, yarn */
typedef struct Runner {
        RunnerKind kind;
        char tool[64];                        /* "npm", "pnpm", "yarn", "bunx", … */
        Cmd cmd;
        size_t verb;                          /* the word after the runner: "run", "exec", the script */
        size_t target;                        /* EXEC: the program word; SCRIPT: the script name */
} Runner;

static size_t next_positional(const Cmd *c, size_t i) {
        while (i < c->w.n && c->w.v[i][0] == '-')
                i++;
        return i;
}

/* -ENOENT when the command runs no runner */
static int runner_parse(Runner *run) {
        static const char *const npm_scripts[] = { "run", "run-script", "rum", "urn" };
        static const char *const npm_lifecycle[] = { "start", "test", "restart", "stop" };
        Cmd *c = &run->cmd;
        const char *verb;

        if (c->prog >= c->w.n)
                return -ENOENT;
        snprintf(run->tool, sizeof(run->tool), "%s", c->name);
        run->verb = next_positional(c, c->prog + 1);
        verb = run->verb < c->w.n ? c->w.v[run->verb] : "";
        if (list_has(L("npx" "\0" "pnpx" "\0" "bunx"), c->name, strlen(c->name))) {
                run->kind = RUNNER_EXEC;
                run->target = run->verb;
        } else if (list_has(L("npm" "\0" "pnpm" "\0" "yarn"), c->name, strlen(c->name))) {
                if (array_has(npm_scripts, ELEMENTSOF(npm_scripts), verb)) {
                        run->kind = RUNNER_SCRIPT;
                        run->target = next_positional(c, run->verb + 1);
                } else if (list_has(L("exec" "\0" "x" "\0" "dlx"), verb, strlen(verb))) {
                        run->kind = RUNNER_EXEC;
                        run->target = next_positional(c, run->verb + 1);
                } else if (strcmp(c->name, "npm") == 0 &&
                           !array_has(npm_lifecycle, ELEMENTSOF(npm_lifecycle), verb))
                        return -ENOENT;     /* npm install, npm ci, … */
                else {
                        /* npm start; pnpm dev and yarn dev run a script or a program alike */
                        run->kind = RUNNER_SCRIPT;
                        run->target = run->verb;
                }
        } else
                return -ENOENT;
        if (run->target >= c->w.n)
                return -ENOENT;
        return 0;
}

/* What the chain runs: the rule, the command that holds the tool's arguments, the runner */
typedef struct Found {
        const Rule *rule;
        Cmd origin;                           /* .w.n == 0: only the title is known */
        Runner runner;
} Found;

static void found_done(Found *f) {
        cmd_done(&f->origin);
        cmd_done(&f->runner.cmd);
}

/* The runner's own words after the target form a command: npx vite --port 5180 */
static int origin_from_runner(Found *f) {
        Runner *run = &f->runner;
        Cmd *o = &f->origin;
        int r = 0;

        cmd_done(o);
        for (size_t i = run->target; i < run->cmd.w.n && r >= 0; i++)
                r = words_push(&o->w, run->cmd.w.v[i], strlen(run->cmd.w.v[i]));
        if (r < 0)
                return r;
        cmd_find_program(o);
        return 0;
}

static int origin_from_script(Found *f, const char *script) {
        int r;

        cmd_done(&f->origin);
        r = words_split_shell(&f->origin.w, script);
        if (r < 0)
                return r;
        cmd_find_program(&f->origin);
        return 0;
}

/* The tool the chain runs (-ENOENT when none), the nearest command that holds its arguments,
 * and the runner above it. A program that rewrote its command line (webpack, Next) is known by
 * its title; so is its rule, and the command is an ancestor's. */
static int find(const ProcChain *chain, Found *f) {
        size_t i, last = 0;
        int r;

        *f = (Found) {};
        if (!chain || chain->n == 0)
                return -ENOENT;
        f->rule = rule_for_title(&chain->procs[0]);
        for (i = f->rule ? 1 : 0; i < chain->n; i++) {
                Cmd c;
                const Rule *rule;

                r = cmd_from_process(&c, &chain->procs[i]);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        continue;     /* no command line, or too long to repeat */
                {
                        Runner run = { .cmd = c };

                        if (runner_parse(&run) >= 0) {
                                f->runner = run;
                                break;
                        }
                }

                rule = rule_for_cmd(&c);
                if (rule && (!f->rule || strcmp(rule->name, f->rule->name) == 0 ||
                             list_has(rule->runs, f->rule->name, strlen(f->rule->name))) &&
                    (!f->origin.w.n || last + 1 == i || last + 2 == i)) {
                        /* the highest of a run of the same tool: `gatsby develop` over its worker */
                        cmd_done(&f->origin);
                        f->origin = c;
                        f->rule = rule;
                        last = i;
                        continue;
                }
                /* a process without a rule: at most a shell between the tool and its runner */
                bool stop = (f->origin.w.n > 0 || f->rule) && !cmd_is_shell(&c);
                bool interactive = cmd_is_shell(&c) && chain->procs[i].argc < 3;

                cmd_done(&c);
                if (stop || interactive || i >= 3)
                        break;
        }
        if (f->runner.kind != RUNNER_NONE && f->origin.w.n == 0) {
                const Rule *rule = NULL;

                /* npx webpack serve …: the runner holds the command; npm run: the script does */
                r = origin_from_runner(f);
                if (r >= 0 && f->runner.kind == RUNNER_SCRIPT) {
                        cmd_done(&f->origin);
                        if (chain->npm_script)
                                r = origin_from_script(f, chain->npm_script);
                }
                if (r == -ENOMEM)
                        return r;
                if (r >= 0 && f->origin.w.n > 0)
                        rule = rule_for_cmd(&f->origin);
                if (rule && (!f->rule || strcmp(rule->name, f->rule->name) == 0))
                        f->rule = rule;
                else
                        cmd_done(&f->origin);
        }
        return f->rule ? 0 : -ENOENT;
}

int tool_name(const ProcChain *c, char *buf, size_t size) {
        Found f;
        Cmd own = {};
        int r;

        r = find(c, &f);
        if (r >= 0) {
                snprintf(buf, size, "%s", f.rule->name);
                found_done(&f);
                return 0;
        }
        found_done(&f);
        if (!c || c->n == 0 || cmd_from_process(&own, &c->procs[0]) < 0)
                return -ENOENT;
        /* node server.js is "server", python3 -m mymod is "mymod" */
        r = -ENOENT;
        if (own.launched && own.prog < own.w.n && own.name[0]) {
                snprintf(buf, size, "%s", own.name);
                r = 0;
        }
        cmd_done(&own);
        return r;
}

static void append_value(StrBuf *b, const char *tmpl, uint16_t port) {
        for (const char *p = tmpl; *p;) {
                if (strncmp(p, "{port}", 6) == 0) {
                        strbuf_appendf(b, "%u", (unsigned) port);
                        p += 6;
                } else
                        strbuf_append_len(b, p++, 1);
        }
}

static bool word_needs_quotes(const char *w) {
        return !*w || strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                             "_@%+=:,./-[]") != strlen(w);
}

static void append_word(StrBuf *b, const char *w) {
        if (b->len > 0)
                strbuf_append(b, " ");
        if (!word_needs_quotes(w)) {
                strbuf_append(b, w);
                return;
        }
        strbuf_append(b, "'");
        for (; *w; w++)
                if (*w == '\'')
                        strbuf_append(b, "'\\''");
                else
                        strbuf_append_len(b, w, 1);
        strbuf_append(b, "'");
}

/* The arguments after the program with the bind changed. *ret_replaced: the command had a bind
 * of its own (which appending cannot override everywhere), and old holds it */
typedef struct Edit {
        StrBuf args;                          /* all arguments, edited */
        StrBuf added;                         /* what appending to the unedited command adds */
        StrBuf old;                           /* the bind the command had, as written */
        bool replaced;
} Edit;

static void edit_done(Edit *e) {
        strbuf_done(&e->args);
        strbuf_done(&e->added);
        strbuf_done(&e->old);
}

/* OPT VALUE, or OPT=VALUE where the rule or the user writes it so */
static void append_bind(StrBuf *b, bool equals, const char *opt, const char *value, uint16_t port) {
        StrBuf v = STRBUF_INIT;

        append_value(&v, value, port);
        if (!*value)
                append_word(b, opt);
        else if (equals) {
                StrBuf w = STRBUF_INIT;

                strbuf_appendf(&w, "%s=%s", opt, v.data ?: "");
                append_word(b, w.data ?: "");
                strbuf_done(&w);
        } else {
                append_word(b, opt);
                append_word(b, v.data ?: "");
        }
        strbuf_done(&v);
}

static bool looks_like_addrport(const char *w) {
        return w[0] != '-' && (strchr(w, ':') || strspn(w, "0123456789") == strlen(w));
}

static int edit_args(Edit *e, const Rule *rule, const Cmd *c, uint16_t port, const char *value) {
        size_t start = c->prog + 1, first = SIZE_MAX, pos = SIZE_MAX, end = c->w.n;
        size_t dashes_from = start;
        const char *opt = rule->options;
        bool done = false;

        *e = (Edit) {};
        if ((rule->flags & RULE_LAUNCHER_DASHES) && start < c->w.n && strcmp(c->w.v[start], "--") == 0)
                dashes_from++;
        for (size_t i = dashes_from; i < c->w.n; i++)
                if (strcmp(c->w.v[i], "--") == 0) {
                        end = i;
                        break;
                }
        if (rule->flags & RULE_POSITIONAL) {
                for (size_t i = start; i < end && pos == SIZE_MAX; i++)
                        if (list_has(rule->subs, c->w.v[i], strlen(c->w.v[i])))
                                pos = i + 1;
                if (pos == SIZE_MAX)
                        pos = end;
        }
        for (size_t i = start; i < c->w.n; i++) {
                const char *w = c->w.v[i], *o = i < end ? word_option(rule, w) : NULL;

                if (i == pos && !done) {
                        StrBuf v = STRBUF_INIT;

                        append_value(&v, value, port);
                        append_word(&e->args, v.data ?: "");
                        strbuf_done(&v);
                        done = true;
                        e->replaced = true;
                        if (looks_like_addrport(w)) {
                                append_word(&e->old, w);
                                e->replaced = true;
                                continue;
                        }
                }
                if (i < end && list_has(rule->drop, w, strlen(w))) {
                        append_word(&e->old, w);
                        e->replaced = true;
                        if (!done)
                                append_bind(&e->args, rule->flags & RULE_EQUALS, rule->options, value, port);
                        done = true;
                        continue;
                }
                if (!o) {
                        if (i == end && !done) {
                                append_bind(&e->args, rule->flags & RULE_EQUALS, opt, value, port);
                                append_bind(&e->added, rule->flags & RULE_EQUALS, opt, value, port);
                                done = true;
                        }
                        append_word(&e->args, w);
                        continue;
                }
                /* the bind option, with its value when it has one */
                append_word(&e->old, w);
                if (w[strlen(o)] == 0 && i + 1 < end &&
                    !((rule->flags & RULE_OPTIONAL_VALUE) && c->w.v[i + 1][0] == '-')) {
                        append_word(&e->old, c->w.v[i + 1]);
                        i++;
                }
                e->replaced = true;
                if (first == SIZE_MAX) {
                        first = i;
                        if (!done)
                                append_bind(&e->args, w[strlen(o)] == '=', o, value, port);
                        done = true;
                }
        }
        if (!done) {
                if (pos != SIZE_MAX) {
                        StrBuf v = STRBUF_INIT;

                        append_value(&v, value, port);
                        append_word(&e->args, v.data ?: "");
                        append_word(&e->added, v.data ?: "");
                        strbuf_done(&v);
                } else {
                        append_bind(&e->args, rule->flags & RULE_EQUALS, opt, value, port);
                        append_bind(&e->added, rule->flags & RULE_EQUALS, opt, value, port);
                }
        }
        if (e->args.error < 0 || e->added.error < 0 || e->old.error < 0)
                return -ENOMEM;
        return 0;
}

/* "/usr/local/bin" is on PATH "/usr/local/bin:/usr/bin" */
static bool dir_on_path(const char *path, const char *dir, size_t n) {
        while (path && *path) {
                size_t l = strcspn(path, ":");

                if (l == n && memcmp(path, dir, n) == 0)
                        return true;
                path += l;
                path += *path == ':';
        }
        return false;
}

static void append_words(StrBuf *b, const Cmd *c, size_t from, size_t to) {
        for (size_t i = from; i < to && i < c->w.n; i++)
                append_word(b, c->w.v[i]);
}

static void append_text(StrBuf *b, const StrBuf *t) {
        if (t->len > 0) {
                if (b->len > 0)
                        strbuf_append(b, " ");
                strbuf_append(b, t->data);
        }
}

/* The program word as the runner was given it: "vite@5" in `npx vite@5`, else its name */
static const char *runner_program(const Found *f) {
        const Cmd *rc = &f->runner.cmd;

        if (f->runner.kind == RUNNER_EXEC && f->runner.target < rc->w.n) {
                char name[64];

                program_name(rc->w.v[f->runner.target], name, sizeof(name));
                if (strcmp(name, f->origin.name) == 0)
                        return rc->w.v[f->runner.target];
        }
        return f->origin.name;
}

/* npx, pnpm exec, yarn: how the runner runs a program of the project */
static const char *runner_exec(const Runner *run) {
        if (strcmp(run->tool, "npm") == 0 || strcmp(run->tool, "npx") == 0)
                return "npx";
        if (strcmp(run->tool, "pnpm") == 0 && run->kind == RUNNER_EXEC)
                return run->cmd.w.v[run->verb];       /* exec or dlx */
        if (strcmp(run->tool, "pnpm") == 0)
                return "pnpm exec";
        if (strcmp(run->tool, "yarn") == 0)
                return run->kind == RUNNER_EXEC && strcmp(run->cmd.w.v[run->verb], "dlx") == 0 ?
                        "yarn dlx" : "yarn";
        return run->tool;
}

static void append_config_note(StrBuf *note, const Rule *rule, const ProcChain *chain, uint16_t port) {
        if (!rule->config || !chain->config.name ||
            strncmp(chain->config.name, rule->config, strlen(rule->config)) != 0 ||
            !chain->config.text || !strstr(chain->config.text, "host"))
                return;
        strbuf_appendf(note, "%s may set `%s`, which the option overrides; to keep it, set it to ",
                       chain->config.name, rule->config_key);
        append_value(note, rule->config_value, port);
        strbuf_append(note, " there");
}

int tool_command(const ProcChain *chain, uint16_t port, ToolBind bind, char **ret_command, char **ret_note) {
        StrBuf cmd = STRBUF_INIT, note = STRBUF_INIT;
        const char *value;
        Found f;
        Edit e = {};
        int r;

        r = find(chain, &f);
        if (r < 0)
                goto finish;
        value = bind == TOOL_BIND_ANY6 ? f.rule->any6 : f.rule->any;
        if (!f.rule->options && !(f.rule->flags & RULE_POSITIONAL)) {
                /* only a config file sets the bind */
                strbuf_appendf(&note, "set `%s` to ", f.rule->config_key);
                append_value(&note, f.rule->config_value, port);
                strbuf_appendf(&note, " in %s", f.rule->config);
                r = 0;
                goto finish;
        }
        if (!value) {
                r = -EOPNOTSUPP;
                goto finish;
        }
        if (f.origin.w.n == 0) {
                /* the title is all we know: the rule's own command, on the same port */
                StrBuf t = STRBUF_INIT;

                append_value(&t, f.rule->rebuild ?: "", port);
                r = t.error < 0 ? t.error : words_split_shell(&f.origin.w, t.data ?: "");
                strbuf_done(&t);
                if (r < 0)
                        goto finish;
                cmd_find_program(&f.origin);
        }
        r = edit_args(&e, f.rule, &f.origin, port, value);
        if (r < 0)
                goto finish;

        if (f.runner.kind == RUNNER_SCRIPT && !e.replaced) {
                /* npm run dev -- --host: the script's own words stay as they are */
                const Cmd *rc = &f.runner.cmd;
                bool dashes = false;

                for (size_t i = f.runner.target; i < rc->w.n; i++)
                        dashes = dashes || strcmp(rc->w.v[i], "--") == 0;
                append_word(&cmd, f.runner.tool);
                append_words(&cmd, rc, rc->prog + 1, rc->w.n);
                if (strcmp(f.runner.tool, "npm") == 0 && !dashes)
                        append_word(&cmd, "--");
                append_text(&cmd, &e.added);
        } else if (f.runner.kind != RUNNER_NONE) {
                strbuf_append(&cmd, runner_exec(&f.runner));
                append_word(&cmd, runner_program(&f));
                append_text(&cmd, &e.args);
                if (f.runner.kind == RUNNER_SCRIPT)
                        strbuf_appendf(&note, "or change `%s` in the `%s` script of package.json",
                                       e.old.data ?: "", f.runner.cmd.w.v[f.runner.target]);
        } else {
                const char *w = f.origin.prog < f.origin.w.n ? f.origin.w.v[f.origin.prog] : "";
                const char *slash = strrchr(w, '/');

                /* node /usr/local/bin/vite was found on PATH: typed as vite */
                if (slash && dir_on_path(chain->path, w, (size_t) (slash - w)))
                        append_word(&cmd, slash + 1);
                else
                        append_words(&cmd, &f.origin, 0, f.origin.prog + 1);
                append_text(&cmd, &e.args);
        }
        if (note.len == 0)
                append_config_note(&note, f.rule, chain, port);
        r = cmd.error < 0 ? cmd.error : note.error;
finish:
        if (r >= 0) {
                char *c = NULL, *n = NULL;

                if (cmd.len > 0)
                        r = strbuf_steal(&cmd, &c);
                if (r >= 0 && note.len > 0)
                        r = strbuf_steal(&note, &n);
                if (r >= 0) {
                        *ret_command = c;
                        *ret_note = n;
                } else {
                        free(c);
                        free(n);
                }
        }
        edit_done(&e);
        found_done(&f);
        strbuf_done(&cmd);
        strbuf_done(&note);
        return r;
}
