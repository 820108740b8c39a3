/* SPDX-License-Identifier: GPL-2.0-or-later */

/* Writes what the kernel sends, one file per datagram, as seed corpus for the harnesses. Run it
 * in a network namespace (tests/fuzz/capture.sh sets one up):
 *     capture DIR            dumps links, addresses and routes (DIR/rtnl/dump-*) and the TCP
 *                            listeners of each family and of both at once, as the scan asks
 *                            (DIR/sockdiag/dump-*); the generic netlink families and the
 *                            answer to reachd's question for nl80211 (DIR/nl80211/families-*,
 *                            get-nl80211-*), and nl80211 answers and events as the kernel
 *                            words them (DIR/nl80211/written-*: a namespace has no Wi-Fi)
 *     capture --events DIR   joins the groups reachd joins, prints "ready", and writes every
 *                            datagram (DIR/rtnl/event-*) until its standard input is closed
 * The requests are the daemon's: the same flags, socket options and headers. */

#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/nl80211.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nl80211.h"
#include "sockdiag.h"

/* the kernel fills dump datagrams up to 32 KiB when the reader offers that much */
#define DATAGRAM_MAX (32 * 1024)

static int write_datagram(const char *dir, const char *name, unsigned n, const void *buf, size_t len) {
        char path[4096];
        FILE *f;

        snprintf(path, sizeof(path), "%s/%s-%03u", dir, name, n);
        f = fopen(path, "we");
        if (!f)
                return -errno;
        if (fwrite(buf, 1, len, f) != len) {
                fclose(f);
                return -EIO;
        }
        if (fclose(f) != 0)
                return -errno;
        return 0;
}

static int open_socket(int bus, struct mnl_socket **ret) {
        struct mnl_socket *nl;
        int one = 1;

        nl = mnl_socket_open2(bus, SOCK_CLOEXEC);
        if (!nl)
                return -errno;
        if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
                mnl_socket_close(nl);
                return -errno;
        }
        /* as reachd does, so the kernel answers what it answers reachd */
        if (bus == NETLINK_ROUTE &&
            (setsockopt(mnl_socket_get_fd(nl), SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof(one)) < 0 ||
             setsockopt(mnl_socket_get_fd(nl), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) < 0)) {
                int r = -errno;

                mnl_socket_close(nl);
                return r;
        }
        *ret = nl;
        return 0;
}

/* Reads the replies to the request up to NLMSG_DONE or an error, one file per datagram */
static int dump(struct mnl_socket *nl, const void *req, size_t req_len, const char *dir, const char *name) {
        static uint8_t buf[DATAGRAM_MAX];
        unsigned n = 0;
        bool done = false;

        if (mnl_socket_sendto(nl, req, req_len) < 0)
                return -errno;
        while (!done) {
                const struct nlmsghdr *nlh;
                int r, left;
                ssize_t len = recv(mnl_socket_get_fd(nl), buf, sizeof(buf), MSG_TRUNC);

                if (len < 0)
                        return -errno;
                if ((size_t) len > sizeof(buf))
                        return -EMSGSIZE;
                r = write_datagram(dir, name, ++n, buf, (size_t) len);
                if (r < 0)
                        return r;
                left = (int) len;
                for (nlh = (const void *) buf; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left))
                        if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR)
                                done = true;
        }
        return (int) n;
}

static int dump_rtnl(const char *dir) {
        static const struct {
                uint16_t type;
                size_t header;
                const char *name;
        } dumps[] = {
                { RTM_GETLINK, sizeof(struct ifinfomsg), "dump-links" },
                { RTM_GETADDR, sizeof(struct ifaddrmsg), "dump-addresses" },
                { RTM_GETROUTE, sizeof(struct rtmsg), "dump-routes" },
        };
        struct mnl_socket *nl;
        int r = 0;

        r = open_socket(NETLINK_ROUTE, &nl);
        if (r < 0)
                return r;
        for (size_t i = 0; i < sizeof(dumps) / sizeof(dumps[0]) && r >= 0; i++) {
                uint32_t req[(NLMSG_HDRLEN + 32) / sizeof(uint32_t)] = {};
                struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);

                nlh->nlmsg_type = dumps[i].type;
                nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
                nlh->nlmsg_seq = (uint32_t) i + 1;
                mnl_nlmsg_put_extra_header(nlh, dumps[i].header);
                r = dump(nl, nlh, nlh->nlmsg_len, dir, dumps[i].name);
        }
        mnl_socket_close(nl);
        return r;
}

static int dump_sockdiag(const char *dir) {
        static const struct {
                int family;
                const char *name;
        } families[] = {
                { AF_INET, "dump-inet" },
                { AF_INET6, "dump-inet6" },
                { AF_UNSPEC, "dump-both" },     /* the scan's request */
        };
        struct mnl_socket *nl;
        int r;

        r = open_socket(NETLINK_SOCK_DIAG, &nl);
        if (r < 0)
                return r;
        for (size_t i = 0; i < sizeof(families) / sizeof(families[0]) && r >= 0; i++) {
                uint8_t req[128];
                int len = sockdiag_build_request(req, sizeof(req), families[i].family, (uint32_t) i + 1);

                r = len < 0 ? len : dump(nl, req, (size_t) len, dir, families[i].name);
        }
        mnl_socket_close(nl);
        return r;
}

static int dump_genl(const char *dir) {
        uint32_t req[64 / sizeof(uint32_t)] = {};
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
        struct genlmsghdr *genl;
        struct mnl_socket *nl;
        int r;

        r = open_socket(NETLINK_GENERIC, &nl);
        if (r < 0)
                return r;
        nlh->nlmsg_type = GENL_ID_CTRL;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        nlh->nlmsg_seq = 1;
        genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
        genl->cmd = CTRL_CMD_GETFAMILY;
        genl->version = 1;
        r = dump(nl, nlh, nlh->nlmsg_len, dir, "families");
        if (r >= 0) {
                r = nl80211_build_get_family(req, sizeof(req), 2);
                if (r >= 0)
                        r = dump(nl, req, (size_t) r, dir, "get-nl80211");
        }
        mnl_socket_close(nl);
        return r;
}

/* ---- nl80211 as the kernel words it (net/wireless/nl80211.c), for a namespace has no Wi-Fi ---- */

#define NL80211_ID 0x1e

static struct nlmsghdr *genl_msg(uint8_t *buf, uint16_t type, uint8_t cmd, uint32_t seq, uint32_t portid) {
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct genlmsghdr *genl;

        nlh->nlmsg_type = type;
        nlh->nlmsg_seq = seq;
        nlh->nlmsg_pid = portid;
        genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
        genl->cmd = cmd;
        genl->version = 1;
        return nlh;
}

static void put_nl80211_family(uint8_t *buf) {
        static const char *const groups[] = { "config", "scan", "regulatory", "mlme", "vendor", "nan", "testmode" };
        struct nlmsghdr *nlh = genl_msg(buf, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY, 2, 4242);
        struct nlattr *list;

        mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, NL80211_GENL_NAME);
        mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, NL80211_ID);
        mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, 1);
        mnl_attr_put_u32(nlh, CTRL_ATTR_HDRSIZE, 0);
        mnl_attr_put_u32(nlh, CTRL_ATTR_MAXATTR, NL80211_ATTR_MAX);
        list = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
        for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
                struct nlattr *entry = mnl_attr_nest_start(nlh, (uint16_t) (i + 1));

                mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, (uint32_t) (5 + i));
                mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, groups[i]);
                mnl_attr_nest_end(nlh, entry);
        }
        mnl_attr_nest_end(nlh, list);
}

/* The answer to GET_INTERFACE (nl80211_send_iface), SSID last; ssid NULL: none */
static void put_interface(uint8_t *buf, uint32_t ifindex, uint32_t iftype, const void *ssid, size_t ssid_len) {
        static const uint8_t mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x01, 0x00 };
        struct nlmsghdr *nlh = genl_msg(buf, NL80211_ID, NL80211_CMD_NEW_INTERFACE, 3, 4242);

        mnl_attr_put_u32(nlh, NL80211_ATTR_IFINDEX, ifindex);
        mnl_attr_put_strz(nlh, NL80211_ATTR_IFNAME, "wlan0");
        mnl_attr_put_u32(nlh, NL80211_ATTR_WIPHY, 0);
        mnl_attr_put_u32(nlh, NL80211_ATTR_IFTYPE, iftype);
        mnl_attr_put_u64(nlh, NL80211_ATTR_WDEV, 1);
        mnl_attr_put(nlh, NL80211_ATTR_MAC, sizeof(mac), mac);
        mnl_attr_put_u8(nlh, NL80211_ATTR_4ADDR, 0);
        mnl_attr_put_u32(nlh, NL80211_ATTR_GENERATION, 7);
        mnl_attr_put_u32(nlh, NL80211_ATTR_WIPHY_FREQ, 5180);
        mnl_attr_put_u32(nlh, NL80211_ATTR_CHANNEL_WIDTH, NL80211_CHAN_WIDTH_80);
        mnl_attr_put_u32(nlh, NL80211_ATTR_CENTER_FREQ1, 5210);
        mnl_attr_put_u32(nlh, NL80211_ATTR_WIPHY_TX_POWER_LEVEL, 2000);
        if (ssid)
                mnl_attr_put(nlh, NL80211_ATTR_SSID, ssid_len, ssid);
}

/* An event of the mlme group */
static void put_event(uint8_t *buf, uint8_t cmd, uint32_t ifindex) {
        static const uint8_t bssid[6] = { 0x02, 0x00, 0x00, 0x00, 0x02, 0x00 };
        struct nlmsghdr *nlh = genl_msg(buf, NL80211_ID, cmd, 0, 0);

        mnl_attr_put_u32(nlh, NL80211_ATTR_WIPHY, 0);
        mnl_attr_put_u32(nlh, NL80211_ATTR_IFINDEX, ifindex);
        mnl_attr_put(nlh, NL80211_ATTR_MAC, sizeof(bssid), bssid);
        if (cmd == NL80211_CMD_CONNECT)
                mnl_attr_put_u16(nlh, NL80211_ATTR_STATUS_CODE, 0);
        if (cmd == NL80211_CMD_DISCONNECT) {
                mnl_attr_put_u16(nlh, NL80211_ATTR_REASON_CODE, 3);
                mnl_attr_put(nlh, NL80211_ATTR_DISCONNECTED_BY_AP, 0, NULL);
        }
}

static int write_nl80211(const char *dir) {
        static uint8_t buf[4096] __attribute__((aligned(8)));
        static const uint8_t blank[7] = {};
        unsigned n = 0;
        int r;

#define WRITE(put)                                                                              \
        do {                                                                                    \
                memset(buf, 0, sizeof(buf));                                                    \
                put;                                                                            \
                r = write_datagram(dir, "written", ++n, buf, ((struct nlmsghdr *) buf)->nlmsg_len); \
                if (r < 0)                                                                      \
                        return r;                                                               \
        } while (0)
        WRITE(put_nl80211_family(buf));
        WRITE(put_interface(buf, 3, NL80211_IFTYPE_STATION, "office", 6));
        WRITE(put_interface(buf, 3, NL80211_IFTYPE_STATION, blank, sizeof(blank)));
        WRITE(put_interface(buf, 3, NL80211_IFTYPE_STATION, NULL, 0));
        WRITE(put_interface(buf, 4, NL80211_IFTYPE_AP, "caf\xc3\xa9 \x01guest", 12));
        WRITE(put_event(buf, NL80211_CMD_CONNECT, 3));
        WRITE(put_event(buf, NL80211_CMD_ROAM, 3));
        WRITE(put_event(buf, NL80211_CMD_DISCONNECT, 3));
        WRITE(put_event(buf, NL80211_CMD_NEW_STATION, 4));
#undef WRITE
        return (int) n;
}

static int capture_events(const char *dir) {
        static const unsigned groups[] = {
                RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE,
        };
        static uint8_t buf[DATAGRAM_MAX];
        struct mnl_socket *nl;
        unsigned n = 0;
        int r;

        r = open_socket(NETLINK_ROUTE, &nl);
        if (r < 0)
                return r;
        for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
                if (setsockopt(mnl_socket_get_fd(nl), SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
                               &groups[i], sizeof(groups[i])) < 0) {
                        r = -errno;
                        goto finish;
                }
        printf("ready\n");
        fflush(stdout);

        for (;;) {
                struct pollfd p[2] = {
                        { .fd = mnl_socket_get_fd(nl), .events = POLLIN },
                        { .fd = STDIN_FILENO, .events = POLLIN },
                };
                ssize_t len;

                if (poll(p, 2, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        r = -errno;
                        break;
                }
                if (p[0].revents & POLLIN) {
                        len = recv(p[0].fd, buf, sizeof(buf), MSG_DONTWAIT);
                        if (len < 0 && errno != EAGAIN && errno != ENOBUFS) {
                                r = -errno;
                                break;
                        }
                        if (len > 0 && (r = write_datagram(dir, "event", ++n, buf, (size_t) len)) < 0)
                                break;
                        continue;
                }
                /* the caller closed our input: everything it did has been read */
                if (p[1].revents) {
                        char c;

                        if (read(STDIN_FILENO, &c, 1) <= 0) {
                                r = (int) n;
                                break;
                        }
                }
        }
finish:
        mnl_socket_close(nl);
        return r;
}

static int make_dir(const char *dir, const char *sub, char *buf, size_t size) {
        snprintf(buf, size, "%s/%s", dir, sub);
        if (mkdir(buf, 0755) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

int main(int argc, char *argv[]) {
        char rtnl_dir[4096], sockdiag_dir[4096], nl80211_dir[4096];
        bool events = argc == 3 && strcmp(argv[1], "--events") == 0;
        const char *dir = argv[argc - 1];
        int r;

        if (argc != 2 && !events) {
                fprintf(stderr, "usage: %s [--events] DIRECTORY\n", argv[0]);
                return EXIT_FAILURE;
        }
        r = make_dir(dir, "rtnl", rtnl_dir, sizeof(rtnl_dir));
        if (r >= 0 && !events)
                r = make_dir(dir, "sockdiag", sockdiag_dir, sizeof(sockdiag_dir));
        if (r >= 0)
                r = events ? capture_events(rtnl_dir) : dump_rtnl(rtnl_dir);
        if (r >= 0 && !events)
                r = dump_sockdiag(sockdiag_dir);
        if (r >= 0 && !events)
                r = make_dir(dir, "nl80211", nl80211_dir, sizeof(nl80211_dir));
        if (r >= 0 && !events)
                r = dump_genl(nl80211_dir);
        if (r >= 0 && !events)
                r = write_nl80211(nl80211_dir);
        if (r < 0) {
                fprintf(stderr, "%s: %s\n", argv[0], strerror(-r));
                return EXIT_FAILURE;
        }
        return EXIT_SUCCESS;
}
