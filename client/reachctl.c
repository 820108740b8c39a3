/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "advice.h"
#include "macro.h"
#include "options.h"
#ifdef HAVE_QRENCODE
#include "qr.h"
#endif
#include "reachd/protocol.h"
#include "sockpath.h"
#include "strbuf.h"
#include "mirror.h"
#include "watchline.h"

typedef uint64_t usec_t;

#define USEC_INFINITY UINT64_MAX
#define USEC_PER_SEC UINT64_C(1000000)
/* How long a daemon may take to accept, read the request and answer it (not watch and wait) */
#define ANSWER_TIMEOUT_USEC (10 * USEC_PER_SEC)
/* Far above any real answer: the whole view of a thousand interfaces is a few MiB */
#define ANSWER_MAX ((size_t) 64 * 1024 * 1024)
#define READ_CHUNK ((size_t) 64 * 1024)
/* A bound for --timeout, so that deadlines cannot overflow: about 31 years */
#define TIMEOUT_MAX_SEC UINT64_C(1000000000)
/* qr --interface asks twice (url, then list); a server that comes or goes in between makes it ask
 * again, this many times at most */
#define QR_ATTEMPTS 3

typedef enum Command {
        COMMAND_URL,
        COMMAND_LIST,
        COMMAND_STATUS,
        COMMAND_JSON,
        COMMAND_WATCH,
        COMMAND_WAIT,
        COMMAND_QR,
        _COMMAND_MAX,
} Command;

static const char *const command_names[_COMMAND_MAX] = {
        [COMMAND_URL] = "url",
        [COMMAND_LIST] = "list",
        [COMMAND_STATUS] = "status",
        [COMMAND_JSON] = "json",
        [COMMAND_WATCH] = "watch",
        [COMMAND_WAIT] = "wait",
        [COMMAND_QR] = "qr",
};

typedef enum ColorMode {
        COLOR_AUTO,
        COLOR_ALWAYS,
        COLOR_NEVER,
} ColorMode;

typedef struct Args {
        const char *socket_path;        /* NULL: the default */
        Command command;
        bool has_port;
        uint16_t port;
        bool json;
        const char *timeout_text;       /* as given, for the message when it expires */
        usec_t timeout;                 /* USEC_INFINITY: none */
        const char *interface;          /* qr: NULL for the share URL */
        const char *audience;           /* url, qr: "lan" (NULL), "vpn" or "host" */
        ColorMode color;
        bool color_given;
        bool invert;
        bool help;
        bool version;
} Args;

/* The daemon's errors that mean "there is no shareable URL" rather than "something broke" */
static const char *const no_url_codes[] = {
        "not-listening",
        "loopback-only",
        "bound-address-gone",
        "bound-link-down",
        "family-mismatch",
        "no-network",
        "no-server",
};

#ifdef HAVE_QRENCODE
#define HELP_QR_NOTE ""
#else
#define HELP_QR_NOTE "                      (not in this build: it needs libqrencode)\n"
#endif

static void help(void) {
        printf("Usage: reachctl [OPTIONS] [COMMAND] [PORT]\n"
               "Asks reachd at which URL other machines can open the dev servers running here.\n\n"
               "Commands:\n"
               "  url [PORT]          print the share URL (the default command)\n"
               "  list [PORT]         print every candidate URL, shareable first\n"
               "  status [PORT]       print a short summary with problems and hints\n"
               "  json                print the whole view as one JSON document\n"
               "  watch [PORT]        print a line for each server, then one per change\n"
               "  wait [PORT]         wait until there is a share URL, print it\n"
               "  qr [PORT]           print the share URL, then draw it as a QR code for a phone\n"
               HELP_QR_NOTE "\n"
               "Options:\n"
               "  -s, --socket PATH   reachd's socket (default: $XDG_RUNTIME_DIR/%s,\n"
               "                      else /tmp/reachd-UID/%s)\n"
               "      --json          url, list, status: print the whole view as JSON instead;\n"
               "                      watch: the JSON lines; wait: the JSON line of the server\n"
               "      --timeout SECS  wait: give up after SECS seconds (decimals allowed)\n"
               "      --audience WHO  url, qr: the best URL for WHO: lan (the default: the\n"
               "                      local network), vpn (peers over a VPN tunnel) or host\n"
               "                      (containers and VMs on this machine)\n"
               "      --interface NAME\n"
               "                      qr: the best shareable URL on interface NAME instead\n"
               "      --color[=WHEN]  qr: draw black on white with ANSI colours, readable on\n"
               "                      dark and light terminals alike: auto (the default: when\n"
               "                      stdout is a terminal, $NO_COLOR is unset and $TERM is not\n"
               "                      dumb), always (--color alone), never. Without colours the\n"
               "                      light modules are drawn as blocks, for a dark background\n"
               "                      (as qrencode -t UTF8 does)\n"
               "      --invert        qr: no colours, and the dark modules are drawn as blocks,\n"
               "                      for a light background or paper\n"
               "  -h, --help          show this help\n"
               "      --version       show the version\n\n"
               "Exit status: 0 success, 1 no shareable URL (the reason on stderr),\n"
               "2 usage error, 3 reachd is not reachable, 4 reachd did not answer or answered\n"
               "nonsense. qr exits with 1 also when NAME has no shareable URL, and with 2 when\n"
               "reachctl was built without libqrencode.\n",
               REACHD_SOCKET_NAME, REACHD_SOCKET_NAME);
}

/* Says what is wrong and returns -EINVAL */
static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...) {
        va_list ap;

        fputs("reachctl: ", stderr);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputs("\nTry 'reachctl --help'.\n", stderr);
        return -EINVAL;
}

static int fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(int status, const char *fmt, ...) {
        va_list ap;

        fputs("reachctl: ", stderr);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
        return status;
}

/* Decimal seconds, "5", "0.5": no sign, exponent, hex, inf or nan, which strtod would take */
static int parse_timeout(const char *s, usec_t *ret) {
        uint64_t sec = 0, usec = 0, scale = USEC_PER_SEC / 10;
        const char *p = s;
        bool round_up = false;

        if (*p < '0' || *p > '9')
                return -EINVAL;
        for (; *p >= '0' && *p <= '9'; p++) {
                sec = sec * 10 + (uint64_t) (*p - '0');
                if (sec > TIMEOUT_MAX_SEC)
                        return -ERANGE;
        }
        if (*p == '.') {
                p++;
                if (*p < '0' || *p > '9')
                        return -EINVAL;
                for (; *p >= '0' && *p <= '9'; p++) {
                        if (scale > 0)
                                usec += (uint64_t) (*p - '0') * scale;
                        else if (*p != '0')
                                round_up = true;
                        scale /= 10;
                }
        }
        if (*p != 0)
                return -EINVAL;
        usec += sec * USEC_PER_SEC + round_up;
        if (usec == 0)
                return -ERANGE;
        *ret = usec;
        return 0;
}

/* NULL is --color alone */
static int parse_color(const char *s, ColorMode *ret) {
        if (!s || strcmp(s, "always") == 0)
                *ret = COLOR_ALWAYS;
        else if (strcmp(s, "auto") == 0)
                *ret = COLOR_AUTO;
        else if (strcmp(s, "never") == 0)
                *ret = COLOR_NEVER;
        else
                return -EINVAL;
        return 0;
}

/* What the kernel accepts as a name (dev_valid_name()), printable */
static bool interface_name_ok(const char *s) {
        if (!s[0] || strlen(s) >= IFNAMSIZ || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
                return false;
        for (const char *p = s; *p; p++)
                if ((unsigned char) *p <= ' ' || *p == 0x7f || *p == '/' || *p == ':')
                        return false;
        return true;
}

static int parse_command(const char *s, Command *ret) {
        for (size_t i = 0; i < ELEMENTSOF(command_names); i++)
                if (strcmp(s, command_names[i]) == 0) {
                        *ret = (Command) i;
                        return 0;
                }
        return -EINVAL;
}

/* -EINVAL after saying what is wrong */
static int parse_args(int argc, char *argv[], Args *ret) {
        enum {
                ARG_JSON = 0x100,
                ARG_TIMEOUT,
                ARG_VERSION,
                ARG_INTERFACE,
                ARG_COLOR,
                ARG_INVERT,
                ARG_AUDIENCE,
        };
        static const struct option long_options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "socket", required_argument, NULL, 's' },
                { "json", no_argument, NULL, ARG_JSON },
                { "timeout", required_argument, NULL, ARG_TIMEOUT },
                { "interface", required_argument, NULL, ARG_INTERFACE },
                { "color", optional_argument, NULL, ARG_COLOR },
                { "invert", no_argument, NULL, ARG_INVERT },
                { "audience", required_argument, NULL, ARG_AUDIENCE },
                {}
        };
        Args a = { .command = COMMAND_URL, .timeout = USEC_INFINITY };
        int c, n_args;

        opterr = 0;
        /* GNU getopt permutes, so options may follow the command: `reachctl wait --timeout 5` */
        while ((c = getopt_long(argc, argv, ":hs:", long_options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        a.help = true;
                        break;
                case ARG_VERSION:
                        a.version = true;
                        break;
                case 's':
                        if (!optarg[0])
                                return usage_error("the socket path is empty");
                        a.socket_path = optarg;
                        break;
                case ARG_JSON:
                        a.json = true;
                        break;
                case ARG_TIMEOUT:
                        if (parse_timeout(optarg, &a.timeout) < 0)
                                return usage_error("invalid timeout '%s': expected a positive number of seconds",
                                                   optarg);
                        a.timeout_text = optarg;
                        break;
                case ARG_INTERFACE:
                        if (!interface_name_ok(optarg))
                                return usage_error("invalid interface name '%s'", optarg);
                        a.interface = optarg;
                        break;
                case ARG_COLOR:
                        if (parse_color(optarg, &a.color) < 0)
                                return usage_error("invalid --color '%s': expected auto, always or never", optarg);
                        a.color_given = true;
                        break;
                case ARG_INVERT:
                        a.invert = true;
                        break;
                case ARG_AUDIENCE:
                        if (strcmp(optarg, "lan") != 0 && strcmp(optarg, "vpn") != 0 && strcmp(optarg, "host") != 0)
                                return usage_error("invalid audience '%s': expected lan, vpn or host", optarg);
                        a.audience = optarg;
                        break;
                case ':':
                        return usage_error("option '%s' needs an argument", argv[optind - 1]);
                case '?':
                        if (optopt > 0 && optopt < 0x100)
                                return usage_error("unknown option '-%c'", optopt);
                        if (optopt > 0)
                                return usage_error("option '%s' takes no argument", argv[optind - 1]);
                        return usage_error("unknown option '%s'", argv[optind - 1]);
                }
        if (a.help || a.version) {
                *ret = a;
                return 0;
        }

        n_args = argc - optind;
        if (n_args > 2)
                return usage_error("too many arguments: '%s'", argv[optind + 2]);
        if (n_args >= 1 && parse_command(argv[optind], &a.command) < 0)
                return usage_error("unknown command '%s'", argv[optind]);
        if (n_args == 2) {
                if (a.command == COMMAND_JSON)
                        return usage_error("json takes no PORT; select a server with jq, e.g. "
                                           "jq '.servers[] | select(.port == %s)'", argv[optind + 1]);
                if (options_parse_port(argv[optind + 1], &a.port) < 0)
                        return usage_error("invalid port '%s': expected 1..65535", argv[optind + 1]);
                a.has_port = true;
        }
        if (a.json && a.has_port && a.command != COMMAND_WATCH && a.command != COMMAND_WAIT)
                return usage_error("--json prints the whole view and takes no PORT; select a server with "
                                   "jq, e.g. jq '.servers[] | select(.port == %u)'", a.port);
        if (a.timeout_text && a.command != COMMAND_WAIT)
                return usage_error("--timeout is only for wait");
        if (a.interface && a.command != COMMAND_QR)
                return usage_error("--interface is only for qr; list shows the URLs of every interface");
        if (a.audience && a.command != COMMAND_URL && a.command != COMMAND_QR)
                return usage_error("--audience is only for url and qr");
        if (a.audience && a.interface)
                return usage_error("--audience and --interface both choose the URL: give one");
        if ((a.color_given || a.invert) && a.command != COMMAND_QR)
                return usage_error("--%s is only for qr", a.invert ? "invert" : "color");
        if (a.json && a.command == COMMAND_QR)
                return usage_error("qr takes no --json: the URL is in url --json");
        if (a.invert && a.color == COLOR_ALWAYS)
                return usage_error("--invert is for drawing without colours; colours read on any background");
        *ret = a;
        return 0;
}

static usec_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000;
}

static usec_t deadline_after(usec_t timeout) {
        return timeout == USEC_INFINITY ? USEC_INFINITY : now_usec() + timeout;
}

/* Until fd is ready for events or deadline passes (-ETIMEDOUT) */
static int wait_fd(int fd, short events, usec_t deadline) {
        for (;;) {
                struct pollfd p = { .fd = fd, .events = events };
                int timeout_ms = -1, n;

                if (deadline != USEC_INFINITY) {
                        usec_t now = now_usec(), ms;

                        if (now >= deadline)
                                return -ETIMEDOUT;
                        /* rounded up: waking a little early would only poll again */
                        ms = (deadline - now + 999) / 1000;
                        timeout_ms = ms > INT_MAX ? INT_MAX : (int) ms;
                }
                n = poll(&p, 1, timeout_ms);
                if (n < 0 && errno != EINTR)
                        return -errno;
                /* POLLHUP and POLLERR too: the next read or send tells what happened */
                if (n > 0)
                        return 0;
        }
}

static int connect_daemon(const char *path, int *ret_fd) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        /* connect() to a listener whose backlog is full sleeps, up to SO_SNDTIMEO (AF_UNIX) */
        struct timeval tv = { .tv_sec = ANSWER_TIMEOUT_USEC / USEC_PER_SEC };
        int fd, r;

        if (strlen(path) >= sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        memcpy(sa.sun_path, path, strlen(path));

        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
                goto fail;
        /* an interrupted AF_UNIX connect has not connected yet (it waits before linking the
         * sockets), so it may simply be repeated */
        while (connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0)
                if (errno != EINTR)
                        goto fail;
        if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
                goto fail;
        *ret_fd = fd;
        return 0;

fail:
        r = -errno;
        close(fd);
        return r;
}

static int send_all(int fd, const char *data, size_t len, usec_t deadline) {
        while (len > 0) {
                ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
                int r;

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno != EAGAIN)
                                return -errno;
                        r = wait_fd(fd, POLLOUT, deadline);
                        if (r < 0)
                                return r;
                        continue;
                }
                data += n;
                len -= (size_t) n;
        }
        return 0;
}

/* Appends what can be read to b: 1 with more bytes, 0 at end of stream */
static int read_some(int fd, StrBuf *b, usec_t deadline) {
        char chunk[READ_CHUNK];

        for (;;) {
                ssize_t n = read(fd, chunk, sizeof(chunk));
                int r;

                if (n > 0) {
                        if (b->len + (size_t) n > ANSWER_MAX)
                                return -EMSGSIZE;
                        r = strbuf_append_len(b, chunk, (size_t) n);
                        return r < 0 ? r : 1;
                }
                if (n == 0)
                        return 0;
                if (errno == EINTR)
                        continue;
                /* AF_UNIX: the daemon closed without reading all we sent; what it wrote before
                 * was read already */
                if (errno == ECONNRESET)
                        return 0;
                if (errno != EAGAIN)
                        return -errno;
                r = wait_fd(fd, POLLIN, deadline);
                if (r < 0)
                        return r;
        }
}

/* Lines of a stream, split however the bytes arrive */
typedef struct LineReader {
        int fd;
        StrBuf buf;
        size_t start;                   /* where the next line begins in buf */
        size_t scanned;                 /* bytes after start known to hold no '\n' */
} LineReader;

/* The next line without '\n', valid until the next call: 1 with a line, 0 at the end of the
 * stream after a whole line, -EPROTO when it ends inside a line */
static int line_reader_next(LineReader *lr, usec_t deadline, const char **ret_line, size_t *ret_len) {
        for (;;) {
                const char *nl;
                int r;

                nl = lr->buf.len > lr->start + lr->scanned ?
                        memchr(lr->buf.data + lr->start + lr->scanned, '\n',
                               lr->buf.len - lr->start - lr->scanned) : NULL;
                if (nl) {
                        *ret_line = lr->buf.data + lr->start;
                        *ret_len = (size_t) (nl - *ret_line);
                        lr->start += *ret_len + 1;
                        lr->scanned = 0;
                        return 1;
                }
                lr->scanned = lr->buf.len - lr->start;

                /* drop the lines handed out, so a long watch does not grow the buffer */
                if (lr->start > 0) {
                        memmove(lr->buf.data, lr->buf.data + lr->start, lr->buf.len - lr->start);
                        lr->buf.len -= lr->start;
                        lr->buf.data[lr->buf.len] = 0;
                        lr->start = 0;
                }
                r = read_some(lr->fd, &lr->buf, deadline);
                if (r < 0)
                        return r;
                if (r == 0)
                        return lr->buf.len > 0 ? -EPROTO : 0;
        }
}

static bool starts_with(const char *s, size_t len, const char *prefix) {
        size_t n = strlen(prefix);

        return len >= n && memcmp(s, prefix, n) == 0;
}

/* Bytes of the daemon's text on a terminal: no control characters, which could move the cursor
 * or recolour it */
static void put_text(FILE *f, const char *s, size_t len) {
        for (size_t i = 0; i < len; i++) {
                unsigned char ch = (unsigned char) s[i];

                fputc(ch < 0x20 || ch == 0x7f ? '?' : ch, f);
        }
}

static bool is_protocol_error_line(const char *line, size_t len) {
        return starts_with(line, len, "ERR ") || (len == 3 && memcmp(line, "ERR", 3) == 0);
}

/* "ERR <code> <text>": the exit status it means, after telling the user */
static int handle_error_line(const char *line, size_t len) {
        const char *end = line + len, *code = line + 3, *text;
        size_t code_len;

        while (code < end && *code == ' ')
                code++;
        for (text = code; text < end && *text != ' '; text++)
                ;
        code_len = (size_t) (text - code);
        while (text < end && *text == ' ')
                text++;
        if (code_len == 0)
                return fail(REACHCTL_EXIT_PROTOCOL, "reachd answered an error without a code");

        for (size_t i = 0; i < ELEMENTSOF(no_url_codes); i++)
                if (strlen(no_url_codes[i]) == code_len && memcmp(code, no_url_codes[i], code_len) == 0) {
                        fputs("reachctl: ", stderr);
                        if (text < end)
                                put_text(stderr, text, (size_t) (end - text));
                        else
                                put_text(stderr, code, code_len);
                        fputc('\n', stderr);
                        return REACHCTL_EXIT_NO_URL;
                }

        fputs("reachctl: reachd answered: ", stderr);
        put_text(stderr, code, (size_t) (end - code));
        fputc('\n', stderr);
        /* the daemon refusing us is the same situation as the socket refusing us */
        if (code_len == strlen("permission-denied") && memcmp(code, "permission-denied", code_len) == 0)
                return REACHCTL_EXIT_UNREACHABLE;
        return REACHCTL_EXIT_PROTOCOL;
}

/* systemctl --user start reachd can work: a user manager runs and has reachd's unit */
static bool systemd_has_unit(void) {
        static const char *const units[] = { "reachd.service", "reachd.socket" };
        AdviceEnv env = {
                .systemd_unit_path = getenv("SYSTEMD_UNIT_PATH"),
                .home = getenv("HOME"),
                .xdg_config_home = getenv("XDG_CONFIG_HOME"),
                .xdg_config_dirs = getenv("XDG_CONFIG_DIRS"),
                .xdg_runtime_dir = getenv("XDG_RUNTIME_DIR"),
                .xdg_data_home = getenv("XDG_DATA_HOME"),
                .xdg_data_dirs = getenv("XDG_DATA_DIRS"),
        };
        _cleanup_free_ char *manager = NULL;
        UnitDirs d = {};
        struct stat st;
        bool found = false;

        if (!env.xdg_runtime_dir || env.xdg_runtime_dir[0] != '/')
                return false;
        if (asprintf(&manager, "%s/systemd/private", env.xdg_runtime_dir) < 0) {
                manager = NULL;
                return false;
        }
        if (stat(manager, &st) < 0 || !S_ISSOCK(st.st_mode) || advice_unit_dirs(&env, &d) < 0)
                return false;
        for (size_t i = 0; i < d.n && !found; i++)
                for (size_t j = 0; j < ELEMENTSOF(units) && !found; j++) {
                        _cleanup_free_ char *f = NULL;

                        if (asprintf(&f, "%s/%s", d.dirs[i], units[j]) < 0)
                                f = NULL;
                        else
                                found = access(f, F_OK) == 0;
                }
        advice_unit_dirs_done(&d);
        return found;
}

/* How to type the reachd that came with this reachctl; NULL when it cannot tell */
static char *daemon_command(void) {
        char exe[PATH_MAX], cwd[PATH_MAX], *candidates[2] = {}, *cmd = NULL;
        ssize_t n;

        n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
        if (n <= 0)
                return NULL;
        exe[n] = 0;
        if (advice_daemon_candidates(exe, candidates) < 0)
                return NULL;
        for (size_t i = 0; i < ELEMENTSOF(candidates) && !cmd; i++)
                if (candidates[i] && access(candidates[i], X_OK) == 0 &&
                    advice_daemon_command(candidates[i], getcwd(cwd, sizeof(cwd)), getenv("PATH"), &cmd) < 0)
                        cmd = NULL;
        free(candidates[0]);
        free(candidates[1]);
        return cmd;
}

/* The exit status, after saying how to start reachd: with systemctl where that can work, else
 * by hand (with --socket when the user named another socket than the default) */
static int not_running(const char *path) {
        _cleanup_free_ char *def = NULL, *cmd = NULL;
        bool default_path;

        default_path = sockpath_default(getenv("XDG_RUNTIME_DIR"), getuid(), &def) >= 0 && strcmp(def, path) == 0;
        if (default_path && systemd_has_unit())
                return fail(REACHCTL_EXIT_UNREACHABLE,
                            "reachd is not running: start it with `systemctl --user start reachd` (socket: %s)",
                            path);
        cmd = daemon_command();
        return fail(REACHCTL_EXIT_UNREACHABLE,
                    "reachd is not running (socket: %s): start `%s%s%s` in another terminal (Ctrl-C stops it)",
                    path, cmd ?: "reachd", default_path ? "" : " --socket ", default_path ? "" : path);
}

/* 0, or the exit status after telling the user */
static int resolve_socket(const Args *a, char **ret) {
        _cleanup_free_ char *path = NULL;
        int r;

        if (a->socket_path) {
                path = strdup(a->socket_path);
                if (!path)
                        return fail(REACHCTL_EXIT_UNREACHABLE, "out of memory");
        } else {
                r = sockpath_default(getenv("XDG_RUNTIME_DIR"), getuid(), &path);
                if (r == -ENAMETOOLONG)
                        return fail(REACHCTL_EXIT_UNREACHABLE, "$XDG_RUNTIME_DIR is too long for a Unix socket path");
                if (r < 0)
                        return fail(REACHCTL_EXIT_UNREACHABLE, "cannot find reachd's socket: %s", strerror(-r));
        }

        r = sockpath_check(path, getuid());
        if (r == -ENOENT)
                return not_running(path);
        if (r == -EPERM || r == -ENOTDIR)
                return fail(REACHCTL_EXIT_UNREACHABLE, "refusing %s: its directory must be a real directory "
                            "of this user, closed to others (mode 0700)", path);
        if (r < 0)
                return fail(REACHCTL_EXIT_UNREACHABLE, "refusing %s: %s", path, strerror(-r));
        *ret = path;
        path = NULL;
        return 0;
}

/* Connects and sends the request: 0, or the exit status after telling the user */
static int open_request(const char *path, const char *request, int *ret_fd) {
        int fd = -1, r;

        r = connect_daemon(path, &fd);
        switch (r) {
        case 0:
                break;
        case -ENOENT:
        case -ECONNREFUSED:
                return not_running(path);
        case -EACCES:
        case -EPERM:
                return fail(REACHCTL_EXIT_UNREACHABLE, "permission denied on reachd's socket %s", path);
        case -EAGAIN:
                return fail(REACHCTL_EXIT_PROTOCOL, "reachd did not answer (socket: %s)", path);
        case -ENAMETOOLONG:
                return fail(REACHCTL_EXIT_UNREACHABLE, "the socket path is too long for a Unix socket: %s", path);
        default:
                return fail(REACHCTL_EXIT_UNREACHABLE, "cannot connect to reachd at %s: %s", path, strerror(-r));
        }

        r = send_all(fd, request, strlen(request), deadline_after(ANSWER_TIMEOUT_USEC));
        /* the daemon may have answered and closed before reading (ERR busy): read that answer */
        if (r < 0 && r != -EPIPE && r != -ECONNRESET) {
                close(fd);
                if (r == -ETIMEDOUT)
                        return fail(REACHCTL_EXIT_PROTOCOL, "reachd did not answer (socket: %s)", path);
                return fail(REACHCTL_EXIT_PROTOCOL, "cannot send the request to reachd: %s", strerror(-r));
        }
        *ret_fd = fd;
        return 0;
}

/* The exit status for a failed read, after telling the user */
static int read_failed(int r) {
        switch (r) {
        case -ETIMEDOUT:
                return fail(REACHCTL_EXIT_PROTOCOL, "reachd did not answer");
        case -EPROTO:
                return fail(REACHCTL_EXIT_PROTOCOL, "reachd closed the connection in the middle of its answer");
        case -EMSGSIZE:
                return fail(REACHCTL_EXIT_PROTOCOL, "reachd's answer is too long");
        }
        return fail(REACHCTL_EXIT_PROTOCOL, "cannot read reachd's answer: %s", strerror(-r));
}

/* The exit status: 0 when everything is written; the reader going away (`| head -1`) is no failure */
static int finish_output(void) {
        if (fflush(stdout) == 0 && !ferror(stdout))
                return REACHCTL_EXIT_OK;
        if (errno == EPIPE)
                return REACHCTL_EXIT_OK;
        return fail(REACHCTL_EXIT_PROTOCOL, "cannot write the answer: %s", strerror(errno));
}

/* Printable, tabs allowed (the list separator), UTF-8 bytes allowed (interface names) */
static bool text_is_clean(const char *s, size_t len) {
        for (size_t i = 0; i < len; i++) {
                unsigned char ch = (unsigned char) s[i];

                if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
                        return false;
        }
        return true;
}

#define LIST_COLUMNS 5

/* One line of `list`: PORT URL INTERFACE KIND STATE, tab-separated, none empty */
static bool list_line_ok(const char *line, size_t len) {
        size_t tabs = 0;

        if (len == 0 || line[0] == '\t' || line[len - 1] == '\t')
                return false;
        for (size_t i = 0; i < len; i++)
                if (line[i] == '\t') {
                        if (line[i + 1] == '\t')
                                return false;
                        tabs++;
                }
        return tabs == LIST_COLUMNS - 1;
}

/* answer: list_line_ok lines; split in place */
static int print_list_table(char *answer, size_t n_lines) {
        static const char *const header[LIST_COLUMNS] = { "PORT", "URL", "INTERFACE", "KIND", "STATE" };
        _cleanup_free_ char **cells = NULL;
        size_t width[LIST_COLUMNS];
        char *line = answer;

        cells = calloc(n_lines * LIST_COLUMNS, sizeof(char *));
        if (!cells)
                return fail(REACHCTL_EXIT_PROTOCOL, "out of memory");
        for (size_t c = 0; c < LIST_COLUMNS; c++)
                width[c] = strlen(header[c]);
        for (size_t i = 0; i < n_lines; i++) {
                char *nl = strchr(line, '\n');

                *nl = 0;
                for (size_t c = 0; c < LIST_COLUMNS; c++) {
                        char *tab = strchr(line, '\t');

                        cells[i * LIST_COLUMNS + c] = line;
                        if (tab) {
                                *tab = 0;
                                line = tab + 1;
                        }
                }
                for (size_t c = 0; c < LIST_COLUMNS; c++) {
                        size_t w = strlen(cells[i * LIST_COLUMNS + c]);

                        if (w > width[c])
                                width[c] = w;
                }
                line = nl + 1;
        }

        for (size_t i = 0; i <= n_lines; i++) {
                const char *const *row = i == 0 ? header : (const char *const *) cells + (i - 1) * LIST_COLUMNS;

                for (size_t c = 0; c < LIST_COLUMNS - 1; c++)
                        printf("%-*s  ", (int) width[c], row[c]);
                printf("%s\n", row[LIST_COLUMNS - 1]);
        }
        return REACHCTL_EXIT_OK;
}

static size_t count_lines(const char *s, size_t len) {
        size_t n = 0;

        for (size_t i = 0; i < len; i++)
                if (s[i] == '\n')
                        n++;
        return n;
}

/* url's answer: one line, a URL */
static bool url_answer_ok(const char *answer, size_t len) {
        return count_lines(answer, len) == 1 && strstr(answer, "://") && !strpbrk(answer, " \t") &&
                text_is_clean(answer, len - 1);
}

/* list's answer: lines of PORT URL INTERFACE KIND STATE */
static bool list_answer_ok(const char *answer) {
        for (const char *line = answer, *nl; (nl = strchr(line, '\n')); line = nl + 1)
                if (!text_is_clean(line, (size_t) (nl - line)) || !list_line_ok(line, (size_t) (nl - line)))
                        return false;
        return true;
}

/* The answer checked against what the request asks for, then printed; returns the exit status */
static int print_answer(Command command, bool json, char *answer, size_t len) {
        size_t n_lines = count_lines(answer, len);
        WatchLine w;
        int r;

        if (json) {
                if (n_lines != 1 || watchline_parse(answer, len, &w) < 0)
                        return fail(REACHCTL_EXIT_PROTOCOL, "reachd answered json with something that is not JSON");
                watchline_done(&w);
                fwrite(answer, 1, len, stdout);
                return finish_output();
        }

        switch (command) {
        case COMMAND_URL:
                if (!url_answer_ok(answer, len))
                        return fail(REACHCTL_EXIT_PROTOCOL, "reachd answered url with something that is not a URL");
                break;
        case COMMAND_LIST:
                if (!list_answer_ok(answer))
                        return fail(REACHCTL_EXIT_PROTOCOL, "reachd answered list with a line that is "
                                    "not PORT, URL, INTERFACE, KIND, STATE");
                if (isatty(STDOUT_FILENO)) {
                        r = print_list_table(answer, n_lines);
                        return r != REACHCTL_EXIT_OK ? r : finish_output();
                }
                break;
        case COMMAND_STATUS:
                break;
        case COMMAND_JSON:
        case COMMAND_WATCH:
        case COMMAND_WAIT:
        case COMMAND_QR:
        case _COMMAND_MAX:
                return fail(REACHCTL_EXIT_PROTOCOL, "internal error: no answer expected");
        }
        fwrite(answer, 1, len, stdout);
        return finish_output();
}

/* One request, the whole answer up to the daemon's close, into answer (the caller frees it either
 * way): 0 for an answer that is not an ERR line, else the exit status after telling the user */
static int fetch_answer(const char *path, const char *request, StrBuf *answer) {
        usec_t deadline;
        int fd, r;

        r = open_request(path, request, &fd);
        if (r != 0)
                return r;
        deadline = deadline_after(ANSWER_TIMEOUT_USEC);
        do
                r = read_some(fd, answer, deadline);
        while (r > 0);
        close(fd);

        if (r < 0)
                return read_failed(r);
        if (answer->len == 0)
                return fail(REACHCTL_EXIT_PROTOCOL, "reachd closed the connection without answering");
        if (answer->data[answer->len - 1] != '\n')
                return read_failed(-EPROTO);
        if (memchr(answer->data, 0, answer->len))
                return fail(REACHCTL_EXIT_PROTOCOL, "reachd answered with NUL bytes");
        if (is_protocol_error_line(answer->data, strcspn(answer->data, "\n")))
                return handle_error_line(answer->data, strcspn(answer->data, "\n"));
        return REACHCTL_EXIT_OK;
}

/* url, list, status, json: one request, the whole answer up to the daemon's close; returns the
 * exit status, as run_watch() does */
/* "url", "url 5173", "url vpn 5173" */
static int build_url_request(const Args *a, char **ret) {
        char port[sizeof(" 65535")] = "";
        int r;

        if (a->has_port)
                snprintf(port, sizeof(port), " %u", a->port);
        r = asprintf(ret, "url%s%s%s\n", a->audience ? " " : "", a->audience ?: "", port);
        if (r < 0) {
                *ret = NULL;
                return -ENOMEM;
        }
        return 0;
}

static int run_query(const Args *a, const char *path) {
        _cleanup_free_ char *request = NULL;
        StrBuf answer = STRBUF_INIT;
        bool json = a->json || a->command == COMMAND_JSON;
        int r;

        if (json)
                r = asprintf(&request, "json\n");
        else if (a->command == COMMAND_URL)
                r = build_url_request(a, &request);
        else if (a->has_port)
                r = asprintf(&request, "%s %u\n", command_names[a->command], a->port);
        else
                r = asprintf(&request, "%s\n", command_names[a->command]);
        if (r < 0) {
                request = NULL;
                return fail(REACHCTL_EXIT_PROTOCOL, "out of memory");
        }

        r = fetch_answer(path, request, &answer);
        if (r == REACHCTL_EXIT_OK)
                r = print_answer(a->command, json, answer.data, answer.len);
        strbuf_done(&answer);
        return r;
}

#ifdef HAVE_QRENCODE
/* One line of list's answer, split in place */
typedef struct ListLine {
        const char *port;
        const char *url;
        const char *interface;
        const char *kind;
        const char *state;
} ListLine;

/* answer: n_lines lines that passed list_answer_ok(); *ret is new */
static int list_split(char *answer, size_t n_lines, ListLine **ret) {
        ListLine *lines;
        char *line = answer;

        lines = calloc(n_lines, sizeof(ListLine));
        if (!lines)
                return -ENOMEM;
        for (size_t i = 0; i < n_lines; i++) {
                const char **field[LIST_COLUMNS] = {
                        &lines[i].port, &lines[i].url, &lines[i].interface, &lines[i].kind, &lines[i].state,
                };
                char *nl = strchr(line, '\n');

                *nl = 0;
                for (size_t c = 0; c < LIST_COLUMNS; c++) {
                        char *tab = strchr(line, '\t');

                        *field[c] = line;
                        if (tab) {
                                *tab = 0;
                                line = tab + 1;
                        }
                }
                line = nl + 1;
        }
        *ret = lines;
        return 0;
}

static QrStyle qr_style(const Args *a) {
        const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM");
        bool color = false;

        switch (a->color) {
        case COLOR_AUTO:
                /* --invert asks for blocks without colours */
                color = !a->invert && isatty(STDOUT_FILENO) && !(no_color && no_color[0]) &&
                        !(term && strcmp(term, "dumb") == 0);
                break;
        case COLOR_ALWAYS:
                color = true;
                break;
        case COLOR_NEVER:
                break;
        }
        if (color)
                return QR_STYLE_COLOR;
        return a->invert ? QR_STYLE_DARK_BLOCKS : QR_STYLE_LIGHT_BLOCKS;
}

/* The URL on a line, then its QR code; returns the exit status */
static int print_qr(const Args *a, const char *url) {
        StrBuf out = STRBUF_INIT;
        int r;

        strbuf_append(&out, url);
        strbuf_append(&out, "\n");
        r = qr_render_text(&out, url, qr_style(a));
        if (r == -ERANGE)
                r = fail(REACHCTL_EXIT_PROTOCOL, "the URL is too long for a QR code: %s", url);
        else if (r == -ELIBACC || r == -ELIBBAD)
                r = fail(REACHCTL_EXIT_USAGE, "cannot load %s: install Debian's libqrencode4", QRENCODE_SONAME);
        else if (r < 0)
                r = fail(REACHCTL_EXIT_PROTOCOL, "cannot draw the QR code: %s", strerror(-r));
        else {
                fwrite(out.data, 1, out.len, stdout);
                r = finish_output();
        }
        strbuf_done(&out);
        return r;
}

/* Why the server of port has no shareable URL on a->interface; returns the exit status */
static int no_url_on_interface(const Args *a, const ListLine *lines, size_t n_lines, const char *port) {
        StrBuf why = STRBUF_INIT, elsewhere = STRBUF_INIT;
        int r;

        for (size_t i = 0; i < n_lines; i++) {
                if (strcmp(lines[i].port, port) != 0)
                        continue;
                if (strcmp(lines[i].interface, a->interface) == 0)
                        strbuf_appendf(&why, "%s%s (%s)", why.len > 0 ? ", " : "", lines[i].url, lines[i].state);
                else if (strcmp(lines[i].state, "shareable") == 0) {
                        bool seen = false;

                        /* the interface once, though it may have several addresses */
                        for (size_t j = 0; j < i && !seen; j++)
                                seen = strcmp(lines[j].port, port) == 0 &&
                                        strcmp(lines[j].state, "shareable") == 0 &&
                                        strcmp(lines[j].interface, lines[i].interface) == 0;
                        if (!seen)
                                strbuf_appendf(&elsewhere, "%s%s", elsewhere.len > 0 ? ", " : "",
                                               lines[i].interface);
                }
        }
        if (why.error < 0 || elsewhere.error < 0)
                r = fail(REACHCTL_EXIT_PROTOCOL, "out of memory");
        else if (why.len > 0)
                r = fail(REACHCTL_EXIT_NO_URL, "port %s has no shareable URL on %s: %s%s%s", port, a->interface,
                         why.data, elsewhere.len > 0 ? "; shareable on " : "", elsewhere.data ?: "");
        else
                r = fail(REACHCTL_EXIT_NO_URL, "port %s has no URL on %s%s%s", port, a->interface,
                         elsewhere.len > 0 ? "; shareable on " : "", elsewhere.data ?: "");
        strbuf_done(&why);
        strbuf_done(&elsewhere);
        return r;
}

/* One round of qr: the exit status, or -EAGAIN when the servers changed between the two
 * requests */
static int qr_once(const Args *a, const char *path) {
        char *url_request = NULL, *list_request = NULL;
        StrBuf url = STRBUF_INIT, list = STRBUF_INIT;
        ListLine *lines = NULL;
        const ListLine *share = NULL, *pick = NULL;
        size_t n_lines;
        int r;

        r = build_url_request(a, &url_request);
        if (r < 0) {
                r = fail(REACHCTL_EXIT_PROTOCOL, "out of memory");
                goto finish;
        }
        /* url first, for the same server and the same answer when it has no URL: the problem and
         * its hint (loopback-only: how to bind to 0.0.0.0) */
        r = fetch_answer(path, url_request, &url);
        if (r != REACHCTL_EXIT_OK)
                goto finish;
        if (!url_answer_ok(url.data, url.len)) {
                r = fail(REACHCTL_EXIT_PROTOCOL, "reachd answered url with something that is not a URL");
                goto finish;
        }
        url.data[--url.len] = 0;
        if (!a->interface) {
                r = print_qr(a, url.data);
                goto finish;
        }

        if (a->has_port)
                r = asprintf(&list_request, "list %u\n", a->port);
        else
                r = asprintf(&list_request, "list\n");
        if (r < 0) {
                list_request = NULL;
                r = fail(REACHCTL_EXIT_PROTOCOL, "out of memory");
                goto finish;
        }
        r = fetch_answer(path, list_request, &list);
        if (r != REACHCTL_EXIT_OK)
                goto finish;
        if (!list_answer_ok(list.data)) {
                r = fail(REACHCTL_EXIT_PROTOCOL, "reachd answered list with a line that is "
                         "not PORT, URL, INTERFACE, KIND, STATE");
                goto finish;
        }
        n_lines = count_lines(list.data, list.len);
        if (list_split(list.data, n_lines, &lines) < 0) {
                r = fail(REACHCTL_EXIT_PROTOCOL, "out of memory");
                goto finish;
        }

        /* the share URL's line names the server url chose */
        for (size_t i = 0; i < n_lines && !share; i++)
                if (strcmp(lines[i].url, url.data) == 0)
                        share = &lines[i];
        if (!share) {
                r = -EAGAIN;
                goto finish;
        }
        /* the daemon lists a server's URLs best first */
        for (size_t i = 0; i < n_lines && !pick; i++)
                if (strcmp(lines[i].port, share->port) == 0 && strcmp(lines[i].interface, a->interface) == 0 &&
                    strcmp(lines[i].state, "shareable") == 0)
                        pick = &lines[i];
        if (pick)
                r = print_qr(a, pick->url);
        else
                r = no_url_on_interface(a, lines, n_lines, share->port);

finish:
        free(url_request);
        free(list_request);
        free(lines);
        strbuf_done(&url);
        strbuf_done(&list);
        return r;
}

/* qr: the share URL, or the best one on an interface, drawn; returns the exit status */
static int run_qr(const Args *a, const char *path) {
        for (unsigned i = 0; i < QR_ATTEMPTS; i++) {
                int r = qr_once(a, path);

                if (r != -EAGAIN)
                        return r;
        }
        return fail(REACHCTL_EXIT_PROTOCOL, "the servers kept changing while reachctl asked reachd; try again");
}
#endif

/* "5173  changed  http://10.0.0.2:5173/", "8000  snapshot  loopback-only: <hint>", "5173  removed" */
static void print_watch_human(const WatchLine *w) {
        const char *event = w->event ?: "-";

        /* the stream's own lines: a person needs the servers */
        if (!w->has_port)
                return;

        if (w->has_port)
                printf("%u  ", w->port);
        else
                fputs("-  ", stdout);
        put_text(stdout, event, strlen(event));
        if (w->event && strcmp(w->event, "removed") == 0) {
                putchar('\n');
                return;
        }
        fputs("  ", stdout);
        if (w->share_url)
                put_text(stdout, w->share_url, strlen(w->share_url));
        else if (w->problem) {
                put_text(stdout, w->problem, strlen(w->problem));
                if (w->hint) {
                        fputs(": ", stdout);
                        put_text(stdout, w->hint, strlen(w->hint));
                }
        } else
                putchar('-');
        putchar('\n');
}

/* wait --timeout ran out: which port, how long, and why, from the last line about it */
static int wait_expired(const Args *a, const WatchLine *last) {
        const char *unit = strcmp(a->timeout_text, "1") == 0 ? "second" : "seconds";

        if (last->has_port)
                return fail(REACHCTL_EXIT_NO_URL, "port %u has no share URL after %s %s (%s): %s", last->port,
                            a->timeout_text, unit, last->problem ?: "no problem named",
                            last->hint ?: "`reachctl status` tells more");
        if (a->has_port)
                return fail(REACHCTL_EXIT_NO_URL, "port %u has no share URL after %s %s: nothing listens on it; "
                            "start the dev server, bound to 0.0.0.0", a->port, a->timeout_text, unit);
        return fail(REACHCTL_EXIT_NO_URL, "no share URL after %s %s: no dev server listens; start one, "
                    "bound to 0.0.0.0", a->timeout_text, unit);
}

/* wait's answer: the share URL, or with --json the server's line */
static int print_wait_answer(const Args *a, const MirrorServer *s) {
        WatchLine w;

        if (a->json) {
                fwrite(s->line, 1, s->len, stdout);
                putchar('\n');
                return finish_output();
        }
        if (watchline_parse(s->line, s->len, &w) < 0)
                return fail(REACHCTL_EXIT_PROTOCOL, "reachd sent a watch line that is not JSON");
        printf("%s\n", w.share_url);
        watchline_done(&w);
        return finish_output();
}

/* watch and wait: the stream of server objects until the daemon goes away or wait has its URL */
static int run_watch(const Args *a, const char *path) {
        _cleanup_free_ char *request = NULL;
        LineReader lr = { .fd = -1, .buf = STRBUF_INIT };
        WatchLine last = {};
        Mirror mirror = {};
        usec_t deadline = a->command == COMMAND_WAIT ? deadline_after(a->timeout) : USEC_INFINITY;
        int r;

        if (a->has_port)
                r = asprintf(&request, "watch %u\n", a->port);
        else
                r = asprintf(&request, "watch\n");
        if (r < 0) {
                request = NULL;
                return fail(REACHCTL_EXIT_PROTOCOL, "out of memory");
        }
        r = open_request(path, request, &lr.fd);
        if (r != 0)
                return r;

        for (;;) {
                const char *line;
                size_t len;
                WatchLine w;

                r = line_reader_next(&lr, deadline, &line, &len);
                if (r == -ETIMEDOUT && a->command == COMMAND_WAIT) {
                        r = wait_expired(a, &last);
                        break;
                }
                if (r < 0) {
                        r = read_failed(r);
                        break;
                }
                if (r == 0) {
                        r = fail(REACHCTL_EXIT_UNREACHABLE, "reachd closed the connection (was it stopped?)");
                        break;
                }
                if (is_protocol_error_line(line, len)) {
                        r = handle_error_line(line, len);
                        break;
                }
                if (watchline_parse(line, len, &w) < 0) {
                        r = fail(REACHCTL_EXIT_PROTOCOL, "reachd sent a watch line that is not JSON");
                        break;
                }
                if (w.event && strcmp(w.event, "dropped") == 0) {
                        if (a->json && a->command == COMMAND_WATCH) {
                                fwrite(line, 1, len, stdout);
                                putchar('\n');
                                (void) fflush(stdout);
                        }
                        r = fail(REACHCTL_EXIT_UNREACHABLE, "reachd ended the stream: %s",
                                 w.reason && strcmp(w.reason, "too-slow") == 0 ?
                                 "this client did not read fast enough" :
                                 w.reason && strcmp(w.reason, "stopping") == 0 ? "reachd is stopping" :
                                 w.reason ?: "no reason given");
                        watchline_done(&w);
                        break;
                }

                if (a->command == COMMAND_WAIT) {
                        const MirrorServer *found;
                        bool removed = w.event && strcmp(w.event, "removed") == 0;

                        /* the server `url` answers for, as the daemon marks it */
                        r = mirror_update(&mirror, &w, line, len);
                        /* what to say should the time run out: the last word on that server */
                        if (!removed && w.has_port && (a->has_port || w.is_default)) {
                                watchline_done(&last);
                                last = w;
                                w = (WatchLine) {};
                        }
                        watchline_done(&w);
                        if (r < 0) {
                                r = fail(REACHCTL_EXIT_PROTOCOL, "out of memory");
                                break;
                        }
                        found = a->has_port ? mirror_find_port(&mirror, a->port) : mirror_default_shared(&mirror);
                        if (found && found->has_share_url) {
                                r = print_wait_answer(a, found);
                                break;
                        }
                        continue;
                }

                if (a->json) {
                        fwrite(line, 1, len, stdout);
                        putchar('\n');
                } else
                        print_watch_human(&w);
                watchline_done(&w);
                /* flushed per line, so that `reachctl watch --json | jq` streams */
                if (fflush(stdout) != 0 || ferror(stdout)) {
                        r = finish_output();
                        break;
                }
        }
        close(lr.fd);
        strbuf_done(&lr.buf);
        watchline_done(&last);
        mirror_done(&mirror);
        return r;
}

int main(int argc, char *argv[]) {
        _cleanup_free_ char *path = NULL;
        Args a = {};
        int r;

        /* the socket uses MSG_NOSIGNAL; this is for stdout, whose reader may go away */
        signal(SIGPIPE, SIG_IGN);

        r = parse_args(argc, argv, &a);
        if (r < 0)
                return REACHCTL_EXIT_USAGE;
        if (a.help) {
                help();
                return finish_output();
        }
        if (a.version) {
                printf("reachctl %s\n", PACKAGE_VERSION);
                return finish_output();
        }

#ifndef HAVE_QRENCODE
        if (a.command == COMMAND_QR) {
                fputs("reachctl was built without libqrencode: install libqrencode-dev and rebuild "
                      "(./configure && make)\n", stderr);
                return REACHCTL_EXIT_USAGE;
        }
#endif

        r = resolve_socket(&a, &path);
        if (r != 0)
                return r;

        switch (a.command) {
        case COMMAND_URL:
        case COMMAND_LIST:
        case COMMAND_STATUS:
        case COMMAND_JSON:
                return run_query(&a, path);
        case COMMAND_WATCH:
        case COMMAND_WAIT:
                return run_watch(&a, path);
        case COMMAND_QR:
#ifdef HAVE_QRENCODE
                return run_qr(&a, path);
#else
                break;
#endif
        case _COMMAND_MAX:
                break;
        }
        return REACHCTL_EXIT_USAGE;
}
