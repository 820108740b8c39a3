/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <libmnl/libmnl.h>
#include <linux/filter.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rtnl.h"
#include "testutil.h"

#define PORTID 4242u
#define SEQ 77u

/* Each message gets a slot of its own, so a test can hold several and still append attributes;
 * buf_commit() packs the finished message against the previous one, as in a receive buffer. */
#define SLOT 1024

typedef struct Buf {
        uint8_t data[32 * SLOT] __attribute__((aligned(8)));
        size_t len;
} Buf;

static struct nlmsghdr *buf_add(Buf *b, uint16_t type, uint16_t flags, uint32_t seq, uint32_t pid) {
        struct nlmsghdr *nlh;

        ck_assert_uint_le(b->len + SLOT, sizeof(b->data));
        nlh = mnl_nlmsg_put_header(b->data + b->len);
        nlh->nlmsg_type = type;
        nlh->nlmsg_flags = flags;
        nlh->nlmsg_seq = seq;
        nlh->nlmsg_pid = pid;
        b->len += SLOT;
        return nlh;
}

/* Call on the last message from buf_add() once it is complete */
static void buf_commit(Buf *b, const struct nlmsghdr *nlh) {
        b->len = (size_t) ((const uint8_t *) nlh - b->data) + MNL_ALIGN(nlh->nlmsg_len);
}

static union in_addr_union ip(int family, const char *s) {
        union in_addr_union a = {};

        ck_assert_int_eq(inet_pton(family, s, &a), 1);
        return a;
}

static void put_ip(struct nlmsghdr *nlh, uint16_t type, int family, const char *s) {
        union in_addr_union a = ip(family, s);

        mnl_attr_put(nlh, type, inaddr_size(family), &a);
}

static void put_link(struct nlmsghdr *nlh, uint8_t family, int ifindex, uint16_t arphrd,
                     uint32_t flags, const char *name, int operstate, const char *kind) {
        struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

        ifi->ifi_family = family;
        ifi->ifi_index = ifindex;
        ifi->ifi_type = arphrd;
        ifi->ifi_flags = flags;
        if (name)
                mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
        if (operstate >= 0)
                mnl_attr_put_u8(nlh, IFLA_OPERSTATE, (uint8_t) operstate);
        if (kind) {
                struct nlattr *nest = mnl_attr_nest_start(nlh, IFLA_LINKINFO);

                mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
                mnl_attr_nest_end(nlh, nest);
        }
}

static struct nlmsghdr *link_msg(Buf *b, uint16_t type, int ifindex, uint32_t flags,
                                 const char *name, int operstate, const char *kind) {
        struct nlmsghdr *nlh = buf_add(b, type, 0, 0, 0);

        put_link(nlh, AF_UNSPEC, ifindex, ARPHRD_ETHER, flags, name, operstate, kind);
        return nlh;
}

static struct nlmsghdr *addr_msg(Buf *b, uint16_t type, int family, int ifindex, uint8_t prefixlen,
                                 uint8_t ifa_flags, const char *address, const char *local) {
        struct nlmsghdr *nlh = buf_add(b, type, 0, 0, 0);
        struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

        ifa->ifa_family = family;
        ifa->ifa_index = ifindex;
        ifa->ifa_prefixlen = prefixlen;
        ifa->ifa_flags = ifa_flags;
        ifa->ifa_scope = RT_SCOPE_UNIVERSE;
        if (address)
                put_ip(nlh, IFA_ADDRESS, family, address);
        if (local)
                put_ip(nlh, IFA_LOCAL, family, local);
        return nlh;
}

static struct nlmsghdr *route_msg(Buf *b, uint16_t type, int family, uint8_t dst_len,
                                  uint32_t metric, int oif, const char *gateway,
                                  const char *prefsrc) {
        struct nlmsghdr *nlh = buf_add(b, type, 0, 0, 0);
        struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

        rtm->rtm_family = family;
        rtm->rtm_dst_len = dst_len;
        rtm->rtm_table = RT_TABLE_MAIN;
        rtm->rtm_protocol = RTPROT_BOOT;
        rtm->rtm_type = RTN_UNICAST;
        mnl_attr_put_u32(nlh, RTA_TABLE, RT_TABLE_MAIN);
        if (metric)
                mnl_attr_put_u32(nlh, RTA_PRIORITY, metric);
        if (prefsrc)
                put_ip(nlh, RTA_PREFSRC, family, prefsrc);
        if (gateway)
                put_ip(nlh, RTA_GATEWAY, family, gateway);
        if (oif)
                mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t) oif);
        return nlh;
}

typedef struct Hop {
        int oif;
        const char *gateway;
} Hop;

/* flags: each hop's RTNH_F_*, or NULL */
static void put_multipath_flags(struct nlmsghdr *nlh, int family, const Hop *hops,
                                const uint8_t *flags, size_t n) {
        struct nlattr *nest = mnl_attr_nest_start(nlh, RTA_MULTIPATH);

        for (size_t i = 0; i < n; i++) {
                struct rtnexthop *nh = mnl_nlmsg_get_payload_tail(nlh);

                memset(nh, 0, sizeof(*nh));
                nh->rtnh_ifindex = hops[i].oif;
                nh->rtnh_flags = flags ? flags[i] : 0;
                nlh->nlmsg_len += RTNH_LENGTH(0);
                if (hops[i].gateway)
                        put_ip(nlh, RTA_GATEWAY, family, hops[i].gateway);
                nh->rtnh_len = (uint16_t) ((uint8_t *) mnl_nlmsg_get_payload_tail(nlh) -
                                           (uint8_t *) nh);
        }
        mnl_attr_nest_end(nlh, nest);
}

static void put_multipath(struct nlmsghdr *nlh, int family, const Hop *hops, size_t n) {
        put_multipath_flags(nlh, family, hops, NULL, n);
}

static struct nlattr *last_attr(const struct nlmsghdr *nlh, size_t hdrlen) {
        struct nlattr *attr, *last = NULL;

        mnl_attr_for_each(attr, nlh, hdrlen)
                last = attr;
        ck_assert_ptr_nonnull(last);
        return last;
}

static State *new_state(void) {
        State *s = NULL;

        ck_assert_int_eq(state_new(&s), 0);
        return s;
}

static int apply(State *s, const struct nlmsghdr *nlh) {
        return rtnl_apply(s, nlh);
}

#define LINK_UP (IFF_UP | IFF_RUNNING | IFF_LOWER_UP)

/* Build one message in a buffer of its own and apply it */
static int do_link(State *s, uint16_t type, int ifindex, uint32_t flags, const char *name,
                   int operstate) {
        Buf b = {};

        return rtnl_apply(s, link_msg(&b, type, ifindex, flags, name, operstate, NULL));
}

/* IPv4 with IFA_LOCAL and IFA_ADDRESS both, IPv6 with IFA_ADDRESS only, as the kernel sends them */
static int do_addr(State *s, uint16_t type, int family, int ifindex, uint8_t prefixlen,
                   const char *address) {
        Buf b = {};

        return rtnl_apply(s, addr_msg(&b, type, family, ifindex, prefixlen, 0, address,
                                      family == AF_INET ? address : NULL));
}

static int do_route(State *s, uint16_t type, int family, uint32_t metric, int oif,
                    const char *gateway, const char *prefsrc) {
        Buf b = {};

        return rtnl_apply(s, route_msg(&b, type, family, 0, metric, oif, gateway, prefsrc));
}

/* ---- links ---- */

START_TEST(test_parse_link) {
        Buf b = {};
        struct nlmsghdr *nlh = link_msg(&b, RTM_NEWLINK, 7, LINK_UP, "veth-a",
                                        IF_OPER_UP, "veth");
        Link l;

        memset(&l, 0xaa, sizeof(l));
        ck_assert_int_eq(rtnl_parse_link(nlh, &l), 0);
        ck_assert_int_eq(l.ifindex, 7);
        ck_assert_str_eq(l.name, "veth-a");
        ck_assert_uint_eq(l.arphrd, ARPHRD_ETHER);
        ck_assert_uint_eq(l.flags, LINK_UP);
        ck_assert_uint_eq(l.operstate, IF_OPER_UP);
        ck_assert_str_eq(l.info_kind, "veth");
        ck_assert(!l.wireless);
        ck_assert(!l.wireless_probed);
        ck_assert(!l.marked);

        nlh->nlmsg_type = RTM_DELLINK;
        ck_assert_int_eq(rtnl_parse_link(nlh, &l), 0);
        ck_assert_int_eq(l.ifindex, 7);
}
END_TEST

START_TEST(test_parse_link_minimal_and_unknown_attrs) {
        Buf b = {};
        struct nlmsghdr *nlh = buf_add(&b, RTM_NEWLINK, 0, 0, 0);
        struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
        struct nlattr *nest;
        Link l;

        ifi->ifi_index = 1;
        ifi->ifi_type = ARPHRD_LOOPBACK;
        ifi->ifi_flags = IFF_UP | IFF_LOOPBACK;
        mnl_attr_put_u32(nlh, IFLA_MTU, 65536);
        mnl_attr_put_u32(nlh, 0x3fff, 1);                 /* a type from the future */
        mnl_attr_put_strz(nlh, IFLA_IFNAME, "lo");
        nest = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
        mnl_attr_put_u32(nlh, IFLA_INFO_DATA, 1);
        mnl_attr_nest_end(nlh, nest);

        ck_assert_int_eq(rtnl_parse_link(nlh, &l), 0);
        ck_assert_int_eq(l.ifindex, 1);
        ck_assert_str_eq(l.name, "lo");
        ck_assert_uint_eq(l.operstate, IF_OPER_UNKNOWN);
        ck_assert_str_eq(l.info_kind, "");
        ck_assert_uint_eq(l.arphrd, ARPHRD_LOOPBACK);
}
END_TEST

START_TEST(test_parse_link_long_kind) {
        Buf b = {};
        struct nlmsghdr *nlh = link_msg(&b, RTM_NEWLINK, 7, 0, "x", -1,
                                        "a-kind-name-well-over-24-bytes");
        Link l;

        ck_assert_int_eq(rtnl_parse_link(nlh, &l), 0);
        ck_assert_str_eq(l.info_kind, "a-kind-name-well-over-2");
}
END_TEST

START_TEST(test_parse_link_unpadded_end) {
        Buf b = {};
        struct nlmsghdr *nlh = link_msg(&b, RTM_NEWLINK, 7, 0, NULL, IF_OPER_UP, NULL);
        Link l;

        /* as the kernel's nla_parse() does, the last attribute may go without its padding */
        mnl_attr_put_strz(nlh, IFLA_IFNAME, "wlan0");
        nlh->nlmsg_len -= 2;
        ck_assert_uint_eq(last_attr(nlh, sizeof(struct ifinfomsg))->nla_len, 10);
        ck_assert_int_eq(rtnl_parse_link(nlh, &l), 0);
        ck_assert_str_eq(l.name, "wlan0");
        ck_assert_uint_eq(l.operstate, IF_OPER_UP);
}
END_TEST

START_TEST(test_parse_link_malformed) {
        Buf b = {};
        struct nlmsghdr *nlh;
        struct ifinfomsg *ifi;
        struct nlattr *nest;
        Link l, sentinel;

        memset(&sentinel, 0x5a, sizeof(sentinel));
        l = sentinel;

        /* payload shorter than struct ifinfomsg */
        nlh = buf_add(&b, RTM_NEWLINK, 0, 0, 0);
        nlh->nlmsg_len += 8;
        ck_assert_int_eq(rtnl_parse_link(nlh, &l), -EBADMSG);

        /* nlmsg_len shorter than the netlink header itself */
        nlh = link_msg(&b, RTM_NEWLINK, 7, 0, "eth0", IF_OPER_UP, NULL);
        nlh->nlmsg_len = 4;
        ck_assert_int_eq(rtnl_parse_link(nlh, &l), -EBADMSG);
        ck_assert(!rtnl_link_is_wireless_noise(nlh));

        /* IFLA_OPERSTATE is a u8, not 4 bytes */
        nlh = link_msg(&b, RTM_NEWLINK, 7, 0, "eth0", -1, NULL);
        mnl_attr_put_u32(nlh, IFLA_OPERSTATE, IF_OPER_UP);
        ck_assert_int_eq(rtnl_parse_link(nlh, &l), -EBADMSG);

        /* IFLA_IFNAME without its NUL */
        nlh = link_msg(&b, RTM_NEWLINK, 7, 0, NULL, IF_OPER_UP, NULL);
        mnl_attr_put(nlh, IFLA_IFNAME, 4, "eth0");
        ck_assert_int_eq(rtnl_parse_link(nlh, &l), -EBADMSG);

        /* IFLA_IFNAME longer than IFNAMSIZ */
        nlh = link_msg(&b, RTM_NEWLINK, 7, 0, "abcdefghijklmnopq", IF_OPER_UP, NULL);
        ck_assert_int_eq(rtnl_parse_link(nlh, &l), -EBADMSG);
        /* 15 characters is the most that fits */
        nlh = link_msg(&b, RTM_NEWLINK, 7, 0, "abcdefghijklmno", IF_OPER_UP, NULL);
        ck_assert_int_eq(rtnl_parse_link(nlh, &l), 0);
        ck_assert_str_eq(l.name, "abcdefghijklmno");
        l = sentinel;

        /* no IFLA_IFNAME at all */
        nlh = link_msg(&b, RTM_NEWLINK, 7, 0, NULL, IF_OPER_UP, NULL);
        ck_assert_int_eq(rtnl_parse_link(nlh, &l), -EBADMSG);

        /* no ifindex */
        nlh = link_msg(&b, RTM_NEWLINK, 0, 0, "eth0", IF_OPER_UP, NULL);
        ck_assert_int_eq(rtnl_parse_link(nlh, &l), -EBADMSG);

        /* the last attribute claims more bytes than the message has */
        nlh = link_msg(&b, RTM_NEWLINK, 7, 0, "eth0", IF_OPER_UP, NULL);
        last_attr(nlh, sizeof(*ifi))->nla_len = 64;
        ck_assert_int_eq(rtnl_parse_link(nlh, &l), -EBADMSG);

        /* an attribute shorter than its own header */
        nlh = link_msg(&b, RTM_NEWLINK, 7, 0, "eth0", IF_OPER_UP, NULL);
        last_attr(nlh, sizeof(*ifi))->nla_len = 2;
        ck_assert_int_eq(rtnl_parse_link(nlh, &l), -EBADMSG);

        /* IFLA_INFO_KIND without NUL inside IFLA_LINKINFO */
        nlh = link_msg(&b, RTM_NEWLINK, 7, 0, "eth0", IF_OPER_UP, NULL);
        nest = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
        mnl_attr_put(nlh, IFLA_INFO_KIND, 4, "veth");
        mnl_attr_nest_end(nlh, nest);
        ck_assert_int_eq(rtnl_parse_link(nlh, &l), -EBADMSG);

        /* IFLA_LINKINFO holding a cut attribute */
        nlh = link_msg(&b, RTM_NEWLINK, 7, 0, "eth0", IF_OPER_UP, NULL);
        nest = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
        mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
        mnl_attr_nest_end(nlh, nest);
        ((struct nlattr *) mnl_attr_get_payload(nest))->nla_len = 40;
        ck_assert_int_eq(rtnl_parse_link(nlh, &l), -EBADMSG);

        ck_assert_mem_eq(&l, &sentinel, sizeof(l));
}
END_TEST

START_TEST(test_parse_link_other) {
        Buf b = {};
        struct nlmsghdr *nlh = buf_add(&b, RTM_DELLINK, 0, 0, 0);
        Link l;

        put_link(nlh, AF_BRIDGE, 3, ARPHRD_ETHER, 0, "v0", IF_OPER_DOWN, NULL);
        ck_assert_int_eq(rtnl_parse_link(nlh, &l), -EOPNOTSUPP);

        nlh = link_msg(&b, RTM_NEWLINK, 3, 0, "v0", IF_OPER_DOWN, NULL);
        nlh->nlmsg_type = RTM_NEWADDR;
        ck_assert_int_eq(rtnl_parse_link(nlh, &l), -EOPNOTSUPP);
}
END_TEST

START_TEST(test_wireless_noise) {
        Buf b = {};
        struct nlmsghdr *nlh;

        nlh = link_msg(&b, RTM_NEWLINK, 3, IFF_UP, "wlan0", -1, NULL);
        mnl_attr_put(nlh, IFLA_WIRELESS, 12, "\x0c\0\x15\x8b\0\0\0\0\0\0\0\0");
        ck_assert(rtnl_link_is_wireless_noise(nlh));
        /* cut inside IFLA_WIRELESS: malformed, not noise */
        nlh->nlmsg_len -= 2;
        ck_assert(!rtnl_link_is_wireless_noise(nlh));
        nlh->nlmsg_len += 2;
        nlh->nlmsg_type = RTM_DELLINK;
        ck_assert(!rtnl_link_is_wireless_noise(nlh));

        nlh = link_msg(&b, RTM_NEWLINK, 3, IFF_UP, "wlan0", IF_OPER_UP, NULL);
        mnl_attr_put(nlh, IFLA_WIRELESS, 4, "abcd");
        ck_assert(!rtnl_link_is_wireless_noise(nlh));

        nlh = link_msg(&b, RTM_NEWLINK, 3, IFF_UP, "wlan0", -1, NULL);
        ck_assert(!rtnl_link_is_wireless_noise(nlh));

        nlh = buf_add(&b, RTM_NEWLINK, 0, 0, 0);
        nlh->nlmsg_len += 4;
        ck_assert(!rtnl_link_is_wireless_noise(nlh));
}
END_TEST

/* ---- addresses ---- */

START_TEST(test_parse_address_ipv4_ptp) {
        Buf b = {};
        struct nlmsghdr *nlh = addr_msg(&b, RTM_NEWADDR, AF_INET, 5, 32, IFA_F_PERMANENT,
                                        "10.9.0.2", "10.9.0.1");
        Address a;

        mnl_attr_put_strz(nlh, IFA_LABEL, "ppp0");
        ck_assert_int_eq(rtnl_parse_address(nlh, &a), 0);
        ck_assert_int_eq(a.family, AF_INET);
        ck_assert_int_eq(a.ifindex, 5);
        ck_assert_uint_eq(a.prefixlen, 32);
        ck_assert_uint_eq(a.scope, RT_SCOPE_UNIVERSE);
        ck_assert_uint_eq(a.flags, IFA_F_PERMANENT);
        ck_assert_uint_eq(ntohl(a.address.in.s_addr), 0x0a090001);
        ck_assert(!a.marked);
}
END_TEST

START_TEST(test_parse_address_ipv6) {
        Buf b = {};
        struct nlmsghdr *nlh;
        union in_addr_union want;
        Address a;

        nlh = addr_msg(&b, RTM_NEWADDR, AF_INET6, 3, 64, IFA_F_PERMANENT, "2001:db8::1", NULL);
        mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_PERMANENT | IFA_F_NOPREFIXROUTE);
        ck_assert_int_eq(rtnl_parse_address(nlh, &a), 0);
        want = ip(AF_INET6, "2001:db8::1");
        ck_assert(inaddr_equal(AF_INET6, &a.address, &want));
        ck_assert_int_eq(a.family, AF_INET6);
        ck_assert_uint_eq(a.prefixlen, 64);
        ck_assert_uint_eq(a.flags, IFA_F_PERMANENT | IFA_F_NOPREFIXROUTE);

        /* with a peer the kernel sends IFA_LOCAL (ours) and IFA_ADDRESS (the peer) for IPv6 too */
        nlh = addr_msg(&b, RTM_NEWADDR, AF_INET6, 3, 128, 0, "2001:db8:1::2", "2001:db8:1::1");
        ck_assert_int_eq(rtnl_parse_address(nlh, &a), 0);
        want = ip(AF_INET6, "2001:db8:1::1");
        ck_assert(inaddr_equal(AF_INET6, &a.address, &want));
}
END_TEST

START_TEST(test_parse_address_flags) {
        Buf b = {};
        struct nlmsghdr *nlh;
        Address a;

        /* ifa_flags alone */
        nlh = addr_msg(&b, RTM_NEWADDR, AF_INET6, 3, 64, IFA_F_TENTATIVE, "2001:db8::1", NULL);
        ck_assert_int_eq(rtnl_parse_address(nlh, &a), 0);
        ck_assert_uint_eq(a.flags, IFA_F_TENTATIVE);

        /* IFA_FLAGS replaces the 8-bit field, even where they disagree */
        nlh = addr_msg(&b, RTM_NEWADDR, AF_INET6, 3, 64, IFA_F_TENTATIVE, "2001:db8::1", NULL);
        mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_MANAGETEMPADDR);
        ck_assert_int_eq(rtnl_parse_address(nlh, &a), 0);
        ck_assert_uint_eq(a.flags, IFA_F_MANAGETEMPADDR);
}
END_TEST

START_TEST(test_parse_address_malformed) {
        Buf b = {};
        struct nlmsghdr *nlh;
        Address a, sentinel;

        memset(&sentinel, 0x5a, sizeof(sentinel));
        a = sentinel;

        /* IFA_FLAGS of 2 bytes */
        nlh = addr_msg(&b, RTM_NEWADDR, AF_INET6, 3, 64, 0, "2001:db8::1", NULL);
        mnl_attr_put_u16(nlh, IFA_FLAGS, 0x80);
        ck_assert_int_eq(rtnl_parse_address(nlh, &a), -EBADMSG);

        /* an IPv4-sized address in an IPv6 message */
        nlh = addr_msg(&b, RTM_NEWADDR, AF_INET6, 3, 64, 0, NULL, NULL);
        put_ip(nlh, IFA_ADDRESS, AF_INET, "10.0.0.1");
        ck_assert_int_eq(rtnl_parse_address(nlh, &a), -EBADMSG);

        /* a bad IFA_LOCAL is not papered over by a good IFA_ADDRESS */
        nlh = addr_msg(&b, RTM_NEWADDR, AF_INET, 3, 24, 0, "10.0.0.1", NULL);
        mnl_attr_put_u16(nlh, IFA_LOCAL, 1);
        ck_assert_int_eq(rtnl_parse_address(nlh, &a), -EBADMSG);

        /* no address */
        nlh = addr_msg(&b, RTM_NEWADDR, AF_INET, 3, 24, 0, NULL, NULL);
        ck_assert_int_eq(rtnl_parse_address(nlh, &a), -EBADMSG);

        /* prefix longer than the address */
        nlh = addr_msg(&b, RTM_NEWADDR, AF_INET, 3, 33, 0, "10.0.0.1", "10.0.0.1");
        ck_assert_int_eq(rtnl_parse_address(nlh, &a), -EBADMSG);

        /* no link */
        nlh = addr_msg(&b, RTM_NEWADDR, AF_INET, 0, 24, 0, "10.0.0.1", "10.0.0.1");
        ck_assert_int_eq(rtnl_parse_address(nlh, &a), -EBADMSG);

        /* payload shorter than struct ifaddrmsg */
        nlh = buf_add(&b, RTM_NEWADDR, 0, 0, 0);
        nlh->nlmsg_len += 4;
        ck_assert_int_eq(rtnl_parse_address(nlh, &a), -EBADMSG);

        /* the message ends in the middle of an attribute */
        nlh = addr_msg(&b, RTM_NEWADDR, AF_INET, 3, 24, 0, "10.0.0.1", "10.0.0.1");
        nlh->nlmsg_len -= 2;
        ck_assert_int_eq(rtnl_parse_address(nlh, &a), -EBADMSG);

        ck_assert_mem_eq(&a, &sentinel, sizeof(a));

        /* not ours to parse */
        nlh = addr_msg(&b, RTM_NEWADDR, AF_UNSPEC, 3, 24, 0, NULL, NULL);
        ck_assert_int_eq(rtnl_parse_address(nlh, &a), -EOPNOTSUPP);
        nlh = addr_msg(&b, RTM_NEWADDR, AF_INET, 3, 24, 0, "10.0.0.1", "10.0.0.1");
        nlh->nlmsg_type = RTM_NEWROUTE;
        ck_assert_int_eq(rtnl_parse_address(nlh, &a), -EOPNOTSUPP);
}
END_TEST

/* ---- routes ---- */

START_TEST(test_parse_route) {
        Buf b = {};
        struct nlmsghdr *nlh = route_msg(&b, RTM_NEWROUTE, AF_INET, 0, 600, 3, "192.168.1.1",
                                         "192.168.1.23");
        union in_addr_union want;
        RtnlRoute rt;

        mnl_attr_put_u8(nlh, RTA_PREF, 0);               /* ignored */
        ck_assert_int_eq(rtnl_parse_route(nlh, &rt), 0);
        ck_assert_int_eq(rt.family, AF_INET);
        ck_assert_uint_eq(rt.dst_len, 0);
        ck_assert_uint_eq(rt.type, RTN_UNICAST);
        ck_assert_uint_eq(rt.table, RT_TABLE_MAIN);
        ck_assert_uint_eq(rt.metric, 600);
        ck_assert_uint_eq(rt.n_nexthops, 1);
        ck_assert_int_eq(rt.nexthops[0].oif, 3);
        ck_assert(rt.nexthops[0].has_gateway);
        want = ip(AF_INET, "192.168.1.1");
        ck_assert(inaddr_equal(AF_INET, &rt.nexthops[0].gateway, &want));
        ck_assert(rt.has_prefsrc);
        want = ip(AF_INET, "192.168.1.23");
        ck_assert(inaddr_equal(AF_INET, &rt.prefsrc, &want));
        ck_assert(rtnl_route_is_default(&rt));

        /* no RTA_PRIORITY: metric 0, as the kernel sends it for IPv4 */
        nlh = route_msg(&b, RTM_DELROUTE, AF_INET6, 0, 0, 4, NULL, NULL);
        ck_assert_int_eq(rtnl_parse_route(nlh, &rt), 0);
        ck_assert_uint_eq(rt.metric, 0);
        ck_assert_uint_eq(rt.n_nexthops, 1);
        ck_assert_int_eq(rt.nexthops[0].oif, 4);
        ck_assert(!rt.nexthops[0].has_gateway);
        ck_assert(!rt.has_prefsrc);
}
END_TEST

START_TEST(test_parse_route_table) {
        Buf b = {};
        struct nlmsghdr *nlh;
        struct rtmsg *rtm;
        RtnlRoute rt;

        /* tables above 255 only fit in RTA_TABLE; rtm_table then says RT_TABLE_COMPAT */
        nlh = buf_add(&b, RTM_NEWROUTE, 0, 0, 0);
        rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
        rtm->rtm_family = AF_INET;
        rtm->rtm_table = RT_TABLE_COMPAT;
        rtm->rtm_type = RTN_UNICAST;
        mnl_attr_put_u32(nlh, RTA_TABLE, 1000);
        mnl_attr_put_u32(nlh, RTA_OIF, 2);
        ck_assert_int_eq(rtnl_parse_route(nlh, &rt), 0);
        ck_assert_uint_eq(rt.table, 1000);
        ck_assert(!rtnl_route_is_default(&rt));

        /* RTA_TABLE wins over rtm_table */
        nlh = buf_add(&b, RTM_NEWROUTE, 0, 0, 0);
        rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
        rtm->rtm_family = AF_INET;
        rtm->rtm_table = RT_TABLE_LOCAL;
        rtm->rtm_type = RTN_UNICAST;
        mnl_attr_put_u32(nlh, RTA_TABLE, RT_TABLE_MAIN);
        ck_assert_int_eq(rtnl_parse_route(nlh, &rt), 0);
        ck_assert_uint_eq(rt.table, RT_TABLE_MAIN);
        ck_assert(rtnl_route_is_default(&rt));

        /* without RTA_TABLE, rtm_table counts */
        nlh = buf_add(&b, RTM_NEWROUTE, 0, 0, 0);
        rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
        rtm->rtm_family = AF_INET6;
        rtm->rtm_table = RT_TABLE_MAIN;
        rtm->rtm_type = RTN_UNICAST;
        ck_assert_int_eq(rtnl_parse_route(nlh, &rt), 0);
        ck_assert_uint_eq(rt.table, RT_TABLE_MAIN);
}
END_TEST

START_TEST(test_parse_route_multipath) {
        static const Hop hops[] = {
                { 3, "2001:db8::fe" },
                { 5, "2001:db8:1::fe" },
                { 6, NULL },
        };
        Buf b = {};
        struct nlmsghdr *nlh = route_msg(&b, RTM_NEWROUTE, AF_INET6, 0, 50, 0, NULL, NULL);
        union in_addr_union want;
        RtnlRoute rt;

        put_multipath(nlh, AF_INET6, hops, 3);
        mnl_attr_put_u8(nlh, RTA_PREF, 0);
        ck_assert_int_eq(rtnl_parse_route(nlh, &rt), 0);
        ck_assert_uint_eq(rt.metric, 50);
        ck_assert_uint_eq(rt.n_nexthops, 3);
        ck_assert_int_eq(rt.nexthops[0].oif, 3);
        want = ip(AF_INET6, "2001:db8::fe");
        ck_assert(rt.nexthops[0].has_gateway);
        ck_assert(inaddr_equal(AF_INET6, &rt.nexthops[0].gateway, &want));
        ck_assert_int_eq(rt.nexthops[1].oif, 5);
        want = ip(AF_INET6, "2001:db8:1::fe");
        ck_assert(inaddr_equal(AF_INET6, &rt.nexthops[1].gateway, &want));
        ck_assert_int_eq(rt.nexthops[2].oif, 6);
        ck_assert(!rt.nexthops[2].has_gateway);
}
END_TEST

START_TEST(test_parse_route_multipath_many) {
        Hop hops[RTNL_MAX_NEXTHOPS + 4];
        Buf b = {};
        struct nlmsghdr *nlh = route_msg(&b, RTM_NEWROUTE, AF_INET, 0, 0, 0, NULL, NULL);
        RtnlRoute rt;

        for (size_t i = 0; i < sizeof(hops) / sizeof(hops[0]); i++)
                hops[i] = (Hop) { (int) i + 1, "10.0.0.1" };
        put_multipath(nlh, AF_INET, hops, sizeof(hops) / sizeof(hops[0]));
        ck_assert_int_eq(rtnl_parse_route(nlh, &rt), 0);
        ck_assert_uint_eq(rt.n_nexthops, RTNL_MAX_NEXTHOPS);
        ck_assert_int_eq(rt.nexthops[RTNL_MAX_NEXTHOPS - 1].oif, RTNL_MAX_NEXTHOPS);
}
END_TEST

START_TEST(test_parse_route_malformed) {
        static const Hop hops[] = { { 3, "10.0.0.1" }, { 4, "10.1.0.1" } };
        Buf b = {};
        struct nlmsghdr *nlh;
        struct nlattr *mp;
        struct rtnexthop *nh;
        RtnlRoute rt, sentinel;

        memset(&sentinel, 0x5a, sizeof(sentinel));
        rt = sentinel;

        /* rtnh_len of the second hop runs past RTA_MULTIPATH */
        nlh = route_msg(&b, RTM_NEWROUTE, AF_INET, 0, 0, 0, NULL, NULL);
        put_multipath(nlh, AF_INET, hops, 2);
        mp = last_attr(nlh, sizeof(struct rtmsg));
        nh = mnl_attr_get_payload(mp);
        nh = (void *) ((uint8_t *) nh + RTNH_ALIGN(nh->rtnh_len));
        nh->rtnh_len = 64;
        ck_assert_int_eq(rtnl_parse_route(nlh, &rt), -EBADMSG);

        /* rtnh_len shorter than struct rtnexthop */
        nlh = route_msg(&b, RTM_NEWROUTE, AF_INET, 0, 0, 0, NULL, NULL);
        put_multipath(nlh, AF_INET, hops, 2);
        nh = mnl_attr_get_payload(last_attr(nlh, sizeof(struct rtmsg)));
        nh->rtnh_len = 4;
        ck_assert_int_eq(rtnl_parse_route(nlh, &rt), -EBADMSG);

        /* rtnh_len cutting the hop's gateway in half */
        nlh = route_msg(&b, RTM_NEWROUTE, AF_INET, 0, 0, 0, NULL, NULL);
        put_multipath(nlh, AF_INET, hops, 2);
        nh = mnl_attr_get_payload(last_attr(nlh, sizeof(struct rtmsg)));
        nh->rtnh_len = RTNH_LENGTH(6);
        ck_assert_int_eq(rtnl_parse_route(nlh, &rt), -EBADMSG);

        /* a hop's gateway of the wrong size */
        nlh = route_msg(&b, RTM_NEWROUTE, AF_INET6, 0, 0, 0, NULL, NULL);
        put_multipath(nlh, AF_INET, hops, 1);
        ck_assert_int_eq(rtnl_parse_route(nlh, &rt), -EBADMSG);

        /* an empty RTA_MULTIPATH */
        nlh = route_msg(&b, RTM_NEWROUTE, AF_INET, 0, 0, 0, NULL, NULL);
        mnl_attr_put(nlh, RTA_MULTIPATH, 0, "");
        ck_assert_int_eq(rtnl_parse_route(nlh, &rt), -EBADMSG);

        /* RTA_PRIORITY of 2 bytes */
        nlh = route_msg(&b, RTM_NEWROUTE, AF_INET, 0, 0, 3, NULL, NULL);
        mnl_attr_put_u16(nlh, RTA_PRIORITY, 100);
        ck_assert_int_eq(rtnl_parse_route(nlh, &rt), -EBADMSG);

        /* RTA_OIF of 8 bytes */
        nlh = route_msg(&b, RTM_NEWROUTE, AF_INET, 0, 0, 0, NULL, NULL);
        mnl_attr_put_u64(nlh, RTA_OIF, 3);
        ck_assert_int_eq(rtnl_parse_route(nlh, &rt), -EBADMSG);

        /* an IPv6 gateway on an IPv4 route */
        nlh = route_msg(&b, RTM_NEWROUTE, AF_INET, 0, 0, 3, NULL, NULL);
        put_ip(nlh, RTA_GATEWAY, AF_INET6, "fe80::1");
        ck_assert_int_eq(rtnl_parse_route(nlh, &rt), -EBADMSG);

        /* RTA_PREFSRC of the wrong size */
        nlh = route_msg(&b, RTM_NEWROUTE, AF_INET6, 0, 0, 3, NULL, NULL);
        put_ip(nlh, RTA_PREFSRC, AF_INET, "10.0.0.1");
        ck_assert_int_eq(rtnl_parse_route(nlh, &rt), -EBADMSG);

        /* dst_len beyond the family */
        nlh = route_msg(&b, RTM_NEWROUTE, AF_INET, 33, 0, 3, NULL, NULL);
        ck_assert_int_eq(rtnl_parse_route(nlh, &rt), -EBADMSG);

        /* payload shorter than struct rtmsg */
        nlh = buf_add(&b, RTM_NEWROUTE, 0, 0, 0);
        nlh->nlmsg_len += 8;
        ck_assert_int_eq(rtnl_parse_route(nlh, &rt), -EBADMSG);

        ck_assert_mem_eq(&rt, &sentinel, sizeof(rt));

        /* not ours to parse */
        nlh = route_msg(&b, RTM_NEWROUTE, AF_MPLS, 0, 0, 3, NULL, NULL);
        ck_assert_int_eq(rtnl_parse_route(nlh, &rt), -EOPNOTSUPP);
        nlh = route_msg(&b, RTM_NEWROUTE, AF_INET, 0, 0, 3, NULL, NULL);
        nlh->nlmsg_type = RTM_NEWRULE;
        ck_assert_int_eq(rtnl_parse_route(nlh, &rt), -EOPNOTSUPP);
}
END_TEST

START_TEST(test_route_is_default) {
        RtnlRoute base = {
                .family = AF_INET,
                .type = RTN_UNICAST,
                .table = RT_TABLE_MAIN,
                .n_nexthops = 1,
        };
        RtnlRoute r;

        ck_assert(rtnl_route_is_default(&base));
        r = base;
        r.dst_len = 24;
        ck_assert(!rtnl_route_is_default(&r));
        r = base;
        r.table = RT_TABLE_LOCAL;
        ck_assert(!rtnl_route_is_default(&r));
        r = base;
        r.table = 100;
        ck_assert(!rtnl_route_is_default(&r));
        r = base;
        r.type = RTN_UNREACHABLE;
        ck_assert(!rtnl_route_is_default(&r));
        r = base;
        r.type = RTN_LOCAL;
        ck_assert(!rtnl_route_is_default(&r));
        r = base;
        r.rtm_flags = RTM_F_CLONED;
        ck_assert(!rtnl_route_is_default(&r));
        r = base;
        r.rtm_flags = RTNH_F_ONLINK;
        ck_assert(rtnl_route_is_default(&r));
}
END_TEST

/* ---- rtnl_apply ---- */

START_TEST(test_apply_link) {
        __attribute__((cleanup(state_freep))) State *s = new_state();
        Buf b = {};
        struct nlmsghdr *nlh;

        ck_assert_int_eq(do_link(s, RTM_NEWLINK, 3, LINK_UP, "eth0", IF_OPER_UP), 1);
        ck_assert_int_eq(do_link(s, RTM_NEWLINK, 3, LINK_UP, "eth0", IF_OPER_UP), 0);
        ck_assert_int_eq(do_link(s, RTM_NEWLINK, 3, IFF_UP, "eth0", IF_OPER_DOWN), 1);
        ck_assert_int_eq(do_link(s, RTM_NEWLINK, 3, IFF_UP, "eth0", IF_OPER_DOWN), 0);
        ck_assert_uint_eq(state_get_link(s, 3)->operstate, IF_OPER_DOWN);

        /* a bridge port leaving its bridge: AF_BRIDGE RTM_DELLINK of a link that stays */
        nlh = buf_add(&b, RTM_DELLINK, 0, 0, 0);
        put_link(nlh, AF_BRIDGE, 3, ARPHRD_ETHER, IFF_UP, "eth0", IF_OPER_DOWN, NULL);
        ck_assert_int_eq(apply(s, nlh), 0);
        ck_assert_ptr_nonnull(state_get_link(s, 3));

        nlh = link_msg(&b, RTM_DELLINK, 3, IFF_UP, "eth0", IF_OPER_DOWN, NULL);
        ck_assert_int_eq(apply(s, nlh), 1);
        ck_assert_ptr_null(state_get_link(s, 3));
        ck_assert_int_eq(apply(s, nlh), 0);

        /* malformed: reported, state untouched */
        nlh = link_msg(&b, RTM_NEWLINK, 4, 0, NULL, IF_OPER_UP, NULL);
        mnl_attr_put(nlh, IFLA_IFNAME, 4, "eth1");
        ck_assert_int_eq(apply(s, nlh), -EBADMSG);
        ck_assert_uint_eq(s->n_links, 0);
}
END_TEST

START_TEST(test_apply_wireless_noise) {
        __attribute__((cleanup(state_freep))) State *s = new_state();
        Buf b = {};
        struct nlmsghdr *noise = link_msg(&b, RTM_NEWLINK, 3, 0, "wlan1", -1, NULL);
        struct nlmsghdr *nlh = link_msg(&b, RTM_NEWLINK, 3, LINK_UP, "wlan0",
                                        IF_OPER_UP, NULL);
        Link before;

        mnl_attr_put(noise, IFLA_WIRELESS, 8, "\x08\0\x15\x8b\0\0\0\0");

        /* noise about a link we do not know does not create it */
        ck_assert_int_eq(apply(s, noise), 0);
        ck_assert_uint_eq(s->n_links, 0);

        ck_assert_int_eq(apply(s, nlh), 1);
        state_get_link_mutable(s, 3)->wireless = true;
        state_get_link_mutable(s, 3)->wireless_probed = true;
        before = *state_get_link(s, 3);
        /* nor does it rename, or clear flags and operstate, of one we know */
        ck_assert_int_eq(apply(s, noise), 0);
        ck_assert_mem_eq(state_get_link(s, 3), &before, sizeof(before));
}
END_TEST

START_TEST(test_apply_rename) {
        __attribute__((cleanup(state_freep))) State *s = new_state();
        Link *l;

        ck_assert_int_eq(do_link(s, RTM_NEWLINK, 3, IFF_UP, "wlan0", IF_OPER_UP), 1);
        ck_assert_int_eq(do_addr(s, RTM_NEWADDR, AF_INET, 3, 24, "10.0.0.2"), 1);
        l = state_get_link_mutable(s, 3);
        l->wireless = true;
        l->wireless_probed = true;

        /* same name: what the I/O code probed stays */
        ck_assert_int_eq(do_link(s, RTM_NEWLINK, 3, IFF_UP, "wlan0", IF_OPER_DORMANT), 1);
        l = state_get_link_mutable(s, 3);
        ck_assert(l->wireless);
        ck_assert(l->wireless_probed);
        ck_assert_int_eq(do_link(s, RTM_NEWLINK, 3, IFF_UP, "wlan0", IF_OPER_DORMANT), 0);

        /* renamed: same link, same addresses, probed again */
        ck_assert_int_eq(do_link(s, RTM_NEWLINK, 3, IFF_UP, "wlp2s0", IF_OPER_UP), 1);
        ck_assert_uint_eq(s->n_links, 1);
        l = state_get_link_mutable(s, 3);
        ck_assert_str_eq(l->name, "wlp2s0");
        ck_assert(!l->wireless);
        ck_assert(!l->wireless_probed);
        ck_assert_uint_eq(state_link_count_addresses(s, 3, AF_INET), 1);
}
END_TEST

START_TEST(test_apply_address) {
        __attribute__((cleanup(state_freep))) State *s = new_state();
        Buf b = {};
        struct nlmsghdr *nlh;

        nlh = addr_msg(&b, RTM_NEWADDR, AF_INET6, 3, 64, 0, "2001:db8::5", NULL);
        mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_MANAGETEMPADDR);
        mnl_attr_put(nlh, IFA_CACHEINFO, sizeof(struct ifa_cacheinfo),
                     &(struct ifa_cacheinfo) { .ifa_prefered = 3600, .ifa_valid = 7200 });
        ck_assert_int_eq(apply(s, nlh), 1);
        ck_assert_uint_eq(s->n_addresses, 1);
        ck_assert_uint_eq(s->addresses[0].flags, IFA_F_MANAGETEMPADDR);

        /* a router advertisement refreshing lifetimes: nothing we keep changes */
        nlh = addr_msg(&b, RTM_NEWADDR, AF_INET6, 3, 64, 0, "2001:db8::5", NULL);
        mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_MANAGETEMPADDR);
        mnl_attr_put(nlh, IFA_CACHEINFO, sizeof(struct ifa_cacheinfo),
                     &(struct ifa_cacheinfo) { .ifa_prefered = 3500, .ifa_valid = 7100 });
        ck_assert_int_eq(apply(s, nlh), 0);

        /* preferred lifetime gone to 0 */
        nlh = addr_msg(&b, RTM_NEWADDR, AF_INET6, 3, 64, 0, "2001:db8::5", NULL);
        mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_MANAGETEMPADDR | IFA_F_DEPRECATED);
        ck_assert_int_eq(apply(s, nlh), 1);
        ck_assert_uint_eq(s->addresses[0].flags, IFA_F_MANAGETEMPADDR | IFA_F_DEPRECATED);
        ck_assert_uint_eq(s->n_addresses, 1);

        nlh = addr_msg(&b, RTM_DELADDR, AF_INET6, 3, 64, 0, "2001:db8::5", NULL);
        ck_assert_int_eq(apply(s, nlh), 1);
        ck_assert_uint_eq(s->n_addresses, 0);
        ck_assert_int_eq(apply(s, nlh), 0);

        /* malformed: reported, state untouched */
        nlh = addr_msg(&b, RTM_NEWADDR, AF_INET6, 3, 64, 0, "2001:db8::5", NULL);
        mnl_attr_put_u16(nlh, IFA_FLAGS, 0);
        ck_assert_int_eq(apply(s, nlh), -EBADMSG);
        ck_assert_uint_eq(s->n_addresses, 0);
}
END_TEST

/* Link 3 (IPv4 + IPv6 addresses, default routes of both families) and link 4 with 10.1.0.1 */
static void setup_two_links(State *s) {
        ck_assert_int_eq(do_link(s, RTM_NEWLINK, 3, LINK_UP, "eth0", IF_OPER_UP), 1);
        ck_assert_int_eq(do_link(s, RTM_NEWLINK, 4, LINK_UP, "eth1", IF_OPER_UP), 1);
        ck_assert_int_eq(do_addr(s, RTM_NEWADDR, AF_INET, 3, 24, "10.0.0.1"), 1);
        ck_assert_int_eq(do_addr(s, RTM_NEWADDR, AF_INET, 3, 24, "10.0.0.2"), 1);
        ck_assert_int_eq(do_addr(s, RTM_NEWADDR, AF_INET6, 3, 64, "2001:db8::1"), 1);
        ck_assert_int_eq(do_addr(s, RTM_NEWADDR, AF_INET, 4, 24, "10.1.0.1"), 1);
        ck_assert_int_eq(do_route(s, RTM_NEWROUTE, AF_INET, 100, 3, "10.0.0.254", NULL), 1);
        ck_assert_int_eq(do_route(s, RTM_NEWROUTE, AF_INET, 200, 3, "10.0.0.253", "10.0.0.2"), 1);
        ck_assert_int_eq(do_route(s, RTM_NEWROUTE, AF_INET, 300, 4, "10.1.0.254", "10.0.0.2"), 1);
        ck_assert_int_eq(do_route(s, RTM_NEWROUTE, AF_INET, 400, 4, "10.1.0.253", NULL), 1);
        ck_assert_int_eq(do_route(s, RTM_NEWROUTE, AF_INET6, 1024, 3, "fe80::1", "2001:db8::1"), 1);
        ck_assert_uint_eq(s->n_routes, 5);
}

static size_t count_routes(const State *s, int family, int oif) {
        size_t n = 0;

        for (size_t i = 0; i < s->n_routes; i++)
                if (s->routes[i].family == family && s->routes[i].oif == oif)
                        n++;
        return n;
}

START_TEST(test_apply_link_down_flushes_ipv4) {
        __attribute__((cleanup(state_freep))) State *s = new_state();

        setup_two_links(s);
        /* carrier lost, still IFF_UP: routes stay */
        ck_assert_int_eq(do_link(s, RTM_NEWLINK, 3, IFF_UP, "eth0", IF_OPER_LOWERLAYERDOWN), 1);
        ck_assert_uint_eq(s->n_routes, 5);

        ck_assert_int_eq(do_link(s, RTM_NEWLINK, 3, 0, "eth0", IF_OPER_DOWN), 1);
        ck_assert_uint_eq(count_routes(s, AF_INET, 3), 0);
        /* IPv6 routes are deleted by the kernel with an RTM_DELROUTE of their own */
        ck_assert_uint_eq(count_routes(s, AF_INET6, 3), 1);
        ck_assert_uint_eq(count_routes(s, AF_INET, 4), 2);
        ck_assert_uint_eq(s->n_addresses, 4);

        /* the flush alone is a change */
        ck_assert_int_eq(do_route(s, RTM_NEWROUTE, AF_INET, 100, 3, "10.0.0.254", NULL), 1);
        ck_assert_int_eq(do_link(s, RTM_NEWLINK, 3, 0, "eth0", IF_OPER_DOWN), 1);
        ck_assert_int_eq(do_link(s, RTM_NEWLINK, 3, 0, "eth0", IF_OPER_DOWN), 0);
}
END_TEST

START_TEST(test_apply_last_address_flushes_ipv4) {
        __attribute__((cleanup(state_freep))) State *s = new_state();

        setup_two_links(s);
        /* 10.1.0.1 is the last IPv4 address of link 4 */
        ck_assert_int_eq(do_addr(s, RTM_DELADDR, AF_INET, 4, 24, "10.1.0.1"), 1);
        ck_assert_uint_eq(count_routes(s, AF_INET, 4), 0);
        ck_assert_uint_eq(s->n_routes, 3);

        /* 10.0.0.1 is not the last one of link 3 */
        ck_assert_int_eq(do_addr(s, RTM_DELADDR, AF_INET, 3, 24, "10.0.0.1"), 1);
        ck_assert_uint_eq(count_routes(s, AF_INET, 3), 2);

        /* deleting an address we never had still flushes what the kernel flushes */
        ck_assert_int_eq(do_route(s, RTM_NEWROUTE, AF_INET, 500, 4, "10.1.0.254", NULL), 1);
        ck_assert_int_eq(do_addr(s, RTM_DELADDR, AF_INET, 4, 24, "10.1.0.9"), 1);
        ck_assert_uint_eq(count_routes(s, AF_INET, 4), 0);

        /* an IPv6 address going does nothing of the sort */
        ck_assert_int_eq(do_addr(s, RTM_DELADDR, AF_INET6, 3, 64, "2001:db8::7"), 0);
        ck_assert_uint_eq(s->n_routes, 3);
}
END_TEST

START_TEST(test_apply_prefsrc_delete) {
        __attribute__((cleanup(state_freep))) State *s = new_state();
        union in_addr_union src;

        setup_two_links(s);
        /* 10.0.0.2 is the preferred source of routes on both links */
        ck_assert_int_eq(do_addr(s, RTM_DELADDR, AF_INET, 3, 24, "10.0.0.2"), 1);
        ck_assert_uint_eq(s->n_routes, 3);
        for (size_t i = 0; i < s->n_routes; i++)
                ck_assert(s->routes[i].family == AF_INET6 || !s->routes[i].has_prefsrc);
        ck_assert_uint_eq(count_routes(s, AF_INET, 3), 1);
        ck_assert_uint_eq(count_routes(s, AF_INET, 4), 1);

        /* the same address still on another link keeps its routes */
        ck_assert_int_eq(do_addr(s, RTM_NEWADDR, AF_INET, 4, 32, "10.0.0.1"), 1);
        ck_assert_int_eq(do_route(s, RTM_NEWROUTE, AF_INET, 600, 4, "10.1.0.254", "10.0.0.1"), 1);
        ck_assert_int_eq(do_addr(s, RTM_DELADDR, AF_INET, 3, 24, "10.0.0.1"), 1);
        ck_assert_uint_eq(count_routes(s, AF_INET, 4), 2);

        /* IPv6: the route stays, without its preferred source */
        ck_assert_int_eq(do_addr(s, RTM_DELADDR, AF_INET6, 3, 64, "2001:db8::1"), 1);
        ck_assert_uint_eq(count_routes(s, AF_INET6, 3), 1);
        for (size_t i = 0; i < s->n_routes; i++)
                if (s->routes[i].family == AF_INET6)
                        ck_assert(!s->routes[i].has_prefsrc);

        /* ... unless the address is still on the route's link with another prefix */
        ck_assert_int_eq(do_addr(s, RTM_NEWADDR, AF_INET6, 3, 64, "2001:db8::1"), 1);
        ck_assert_int_eq(do_addr(s, RTM_NEWADDR, AF_INET6, 3, 128, "2001:db8::1"), 1);
        ck_assert_int_eq(do_route(s, RTM_NEWROUTE, AF_INET6, 1024, 3, "fe80::1", "2001:db8::1"), 1);
        ck_assert_int_eq(do_addr(s, RTM_DELADDR, AF_INET6, 3, 128, "2001:db8::1"), 1);
        src = ip(AF_INET6, "2001:db8::1");
        ck_assert(state_address_is_default_prefsrc(s, &(Address) { .family = AF_INET6,
                                                                   .address = src }));
}
END_TEST

START_TEST(test_apply_routes_ignored) {
        __attribute__((cleanup(state_freep))) State *s = new_state();
        Buf b = {};
        struct nlmsghdr *nlh;
        struct rtmsg *rtm;

        /* not a default route */
        nlh = route_msg(&b, RTM_NEWROUTE, AF_INET, 24, 0, 3, NULL, "10.0.0.1");
        ck_assert_int_eq(apply(s, nlh), 0);
        /* cloned */
        nlh = route_msg(&b, RTM_NEWROUTE, AF_INET6, 0, 0, 3, "fe80::1", NULL);
        rtm = mnl_nlmsg_get_payload(nlh);
        rtm->rtm_flags |= RTM_F_CLONED;
        ck_assert_int_eq(apply(s, nlh), 0);
        /* another table */
        nlh = route_msg(&b, RTM_NEWROUTE, AF_INET, 0, 0, 3, "10.0.0.254", NULL);
        rtm = mnl_nlmsg_get_payload(nlh);
        rtm->rtm_table = 100;
        mnl_attr_put_u32(nlh, RTA_TABLE, 100);
        ck_assert_int_eq(apply(s, nlh), 0);
        /* not unicast */
        nlh = route_msg(&b, RTM_NEWROUTE, AF_INET6, 0, 0, 1, NULL, NULL);
        rtm = mnl_nlmsg_get_payload(nlh);
        rtm->rtm_type = RTN_UNREACHABLE;
        ck_assert_int_eq(apply(s, nlh), 0);
        /* another family */
        ck_assert_int_eq(do_route(s, RTM_NEWROUTE, AF_MPLS, 0, 3, NULL, NULL), 0);

        ck_assert_uint_eq(s->n_routes, 0);

        /* and a message type we do not handle */
        nlh = route_msg(&b, RTM_NEWROUTE, AF_INET, 0, 0, 3, NULL, NULL);
        nlh->nlmsg_type = RTM_NEWNEIGH;
        ck_assert_int_eq(apply(s, nlh), -EOPNOTSUPP);
}
END_TEST

START_TEST(test_apply_route) {
        __attribute__((cleanup(state_freep))) State *s = new_state();
        Buf b = {};
        const struct nlmsghdr *add = route_msg(&b, RTM_NEWROUTE, AF_INET, 0, 100, 3, "10.0.0.254",
                                               "10.0.0.1");
        const struct nlmsghdr *del = route_msg(&b, RTM_DELROUTE, AF_INET, 0, 100, 3, "10.0.0.254",
                                               "10.0.0.1");
        const Route *r;

        ck_assert_int_eq(apply(s, add), 1);
        ck_assert_int_eq(apply(s, add), 0);
        ck_assert_uint_eq(s->n_routes, 1);
        r = &s->routes[0];
        ck_assert_int_eq(r->family, AF_INET);
        ck_assert_int_eq(r->oif, 3);
        ck_assert_uint_eq(r->metric, 100);
        ck_assert_uint_eq(r->table, RT_TABLE_MAIN);
        ck_assert(r->has_gateway);
        ck_assert_uint_eq(ntohl(r->gateway.in.s_addr), 0x0a0000fe);
        ck_assert(r->has_prefsrc);
        ck_assert_uint_eq(ntohl(r->prefsrc.in.s_addr), 0x0a000001);

        ck_assert_int_eq(apply(s, del), 1);
        ck_assert_uint_eq(s->n_routes, 0);
        ck_assert_int_eq(apply(s, del), 0);
}
END_TEST

START_TEST(test_apply_route_replace) {
        __attribute__((cleanup(state_freep))) State *s = new_state();
        Buf b = {};
        struct nlmsghdr *nlh;

        ck_assert_int_eq(do_route(s, RTM_NEWROUTE, AF_INET, 100, 3, "10.0.0.254", NULL), 1);
        ck_assert_int_eq(do_route(s, RTM_NEWROUTE, AF_INET, 200, 3, "10.0.0.254", NULL), 1);
        ck_assert_int_eq(do_route(s, RTM_NEWROUTE, AF_INET6, 100, 3, "fe80::1", NULL), 1);

        /* `ip route replace`: the old next hop goes without an RTM_DELROUTE */
        nlh = route_msg(&b, RTM_NEWROUTE, AF_INET, 0, 100, 4, "10.1.0.254", NULL);
        nlh->nlmsg_flags = NLM_F_REPLACE;
        ck_assert_int_eq(apply(s, nlh), 1);
        ck_assert_uint_eq(s->n_routes, 3);
        ck_assert_uint_eq(count_routes(s, AF_INET, 3), 1);
        ck_assert_uint_eq(count_routes(s, AF_INET, 4), 1);
        ck_assert_uint_eq(count_routes(s, AF_INET6, 3), 1);

        /* replacing a route by itself is no change */
        ck_assert_int_eq(apply(s, nlh), 0);
        ck_assert_uint_eq(s->n_routes, 3);

        /* without NLM_F_REPLACE both stay */
        nlh = route_msg(&b, RTM_NEWROUTE, AF_INET, 0, 100, 3, "10.0.0.254", NULL);
        ck_assert_int_eq(apply(s, nlh), 1);
        ck_assert_uint_eq(s->n_routes, 4);
}
END_TEST

START_TEST(test_apply_multipath) {
        static const Hop hops[] = { { 3, "10.0.0.254" }, { 4, "10.1.0.254" } };
        __attribute__((cleanup(state_freep))) State *s = new_state();
        Buf b = {};
        struct nlmsghdr *add = route_msg(&b, RTM_NEWROUTE, AF_INET, 0, 50, 0, NULL, NULL);
        struct nlmsghdr *del;

        put_multipath(add, AF_INET, hops, 2);
        ck_assert_int_eq(apply(s, add), 1);
        ck_assert_uint_eq(s->n_routes, 2);
        ck_assert(s->routes[0].multipath);
        ck_assert(s->routes[1].multipath);
        ck_assert_int_eq(s->routes[0].oif, 3);
        ck_assert_uint_eq(ntohl(s->routes[0].gateway.in.s_addr), 0x0a0000fe);
        ck_assert_int_eq(s->routes[1].oif, 4);
        ck_assert_uint_eq(ntohl(s->routes[1].gateway.in.s_addr), 0x0a0100fe);
        ck_assert_uint_eq(s->routes[0].metric, 50);
        ck_assert_uint_eq(s->routes[1].metric, 50);
        ck_assert_int_eq(apply(s, add), 0);

        del = route_msg(&b, RTM_DELROUTE, AF_INET, 0, 50, 0, NULL, NULL);
        put_multipath(del, AF_INET, hops, 2);
        ck_assert_int_eq(apply(s, del), 1);
        ck_assert_uint_eq(s->n_routes, 0);
}
END_TEST

START_TEST(test_apply_multipath_flag) {
        static const Hop hops6[] = { { 3, "2001:db8::fe" }, { 4, "2001:db8:1::fe" } };
        static const Hop one[] = { { 3, "10.0.0.254" } };
        __attribute__((cleanup(state_freep))) State *s = new_state();
        Buf b = {};
        struct nlmsghdr *nlh;

        /* IPv6 siblings become single routes without a word: the flag would go stale */
        nlh = route_msg(&b, RTM_NEWROUTE, AF_INET6, 0, 50, 0, NULL, NULL);
        put_multipath(nlh, AF_INET6, hops6, 2);
        ck_assert_int_eq(apply(s, nlh), 1);
        ck_assert_uint_eq(s->n_routes, 2);
        ck_assert(!s->routes[0].multipath);
        ck_assert(!s->routes[1].multipath);

        /* one hop in RTA_MULTIPATH is a single-path route to the kernel */
        nlh = route_msg(&b, RTM_NEWROUTE, AF_INET, 0, 50, 0, NULL, NULL);
        put_multipath(nlh, AF_INET, one, 1);
        ck_assert_int_eq(apply(s, nlh), 1);
        ck_assert_uint_eq(s->n_routes, 3);
        ck_assert_int_eq(s->routes[0].family, AF_INET);
        ck_assert(!s->routes[0].multipath);
}
END_TEST

/* Links 3 and 4, up, with 10.0.0.1 and 10.1.0.1; a multipath default route over both (metric 50),
 * one over 4 only (metric 60), a single-path one on 4 (metric 70); IPv6 siblings over both. */
static void setup_multipath(State *s) {
        static const Hop both[] = { { 3, "10.0.0.254" }, { 4, "10.1.0.254" } };
        static const Hop only4[] = { { 4, "10.1.0.253" }, { 4, "10.1.0.252" } };
        static const Hop both6[] = { { 3, "2001:db8::fe" }, { 4, "2001:db8:1::fe" } };
        Buf b = {};
        struct nlmsghdr *nlh;

        ck_assert_int_eq(do_link(s, RTM_NEWLINK, 3, IFF_UP, "eth0", IF_OPER_UP), 1);
        ck_assert_int_eq(do_link(s, RTM_NEWLINK, 4, IFF_UP, "eth1", IF_OPER_UP), 1);
        ck_assert_int_eq(do_addr(s, RTM_NEWADDR, AF_INET, 3, 24, "10.0.0.1"), 1);
        ck_assert_int_eq(do_addr(s, RTM_NEWADDR, AF_INET, 4, 24, "10.1.0.1"), 1);
        nlh = route_msg(&b, RTM_NEWROUTE, AF_INET, 0, 50, 0, NULL, NULL);
        put_multipath(nlh, AF_INET, both, 2);
        ck_assert_int_eq(apply(s, nlh), 1);
        nlh = route_msg(&b, RTM_NEWROUTE, AF_INET, 0, 60, 0, NULL, NULL);
        put_multipath(nlh, AF_INET, only4, 2);
        ck_assert_int_eq(apply(s, nlh), 1);
        ck_assert_int_eq(do_route(s, RTM_NEWROUTE, AF_INET, 70, 4, "10.1.0.254", NULL), 1);
        nlh = route_msg(&b, RTM_NEWROUTE, AF_INET6, 0, 50, 0, NULL, NULL);
        put_multipath(nlh, AF_INET6, both6, 2);
        ck_assert_int_eq(apply(s, nlh), 1);
        ck_assert_uint_eq(s->n_routes, 7);
}

static size_t count_metric(const State *s, int family, uint32_t metric) {
        size_t n = 0;

        for (size_t i = 0; i < s->n_routes; i++)
                if (s->routes[i].family == family && s->routes[i].metric == metric)
                        n++;
        return n;
}

START_TEST(test_apply_multipath_link_down) {
        __attribute__((cleanup(state_freep))) State *s = new_state();

        setup_multipath(s);
        /* the hop on 4 stays, dead, for the kernel revives it when 4 comes back */
        ck_assert_int_eq(do_link(s, RTM_NEWLINK, 4, 0, "eth1", IF_OPER_DOWN), 1);
        ck_assert_uint_eq(count_metric(s, AF_INET, 50), 2);
        ck_assert_uint_eq(count_metric(s, AF_INET, 60), 0);
        ck_assert_uint_eq(count_metric(s, AF_INET, 70), 0);
        ck_assert_uint_eq(count_metric(s, AF_INET6, 50), 2);

        /* now every hop of it is dead */
        ck_assert_int_eq(do_link(s, RTM_NEWLINK, 3, 0, "eth0", IF_OPER_DOWN), 1);
        ck_assert_uint_eq(count_metric(s, AF_INET, 50), 0);
        ck_assert_uint_eq(s->n_routes, 2);
}
END_TEST

START_TEST(test_apply_multipath_last_address) {
        __attribute__((cleanup(state_freep))) State *s = new_state();

        setup_multipath(s);
        ck_assert_int_eq(do_addr(s, RTM_DELADDR, AF_INET, 4, 24, "10.1.0.1"), 1);
        ck_assert_uint_eq(count_metric(s, AF_INET, 50), 2);
        ck_assert_uint_eq(count_metric(s, AF_INET, 60), 0);
        ck_assert_uint_eq(count_metric(s, AF_INET, 70), 0);

        /* link 4 counts as dead: it has no IPv4 address left */
        ck_assert_int_eq(do_addr(s, RTM_DELADDR, AF_INET, 3, 24, "10.0.0.1"), 1);
        ck_assert_uint_eq(count_metric(s, AF_INET, 50), 0);
        ck_assert_uint_eq(count_metric(s, AF_INET6, 50), 2);
}
END_TEST

START_TEST(test_apply_multipath_dellink) {
        __attribute__((cleanup(state_freep))) State *s = new_state();

        setup_multipath(s);
        /* a multipath IPv4 route dies whole with a link it uses; IPv6 loses that hop only */
        ck_assert_int_eq(do_link(s, RTM_DELLINK, 4, 0, "eth1", IF_OPER_DOWN), 1);
        ck_assert_uint_eq(count_metric(s, AF_INET, 50), 0);
        ck_assert_uint_eq(count_metric(s, AF_INET, 60), 0);
        ck_assert_uint_eq(count_metric(s, AF_INET, 70), 0);
        ck_assert_uint_eq(count_metric(s, AF_INET6, 50), 1);
        ck_assert_uint_eq(s->n_routes, 1);
        ck_assert_int_eq(s->routes[0].oif, 3);
}
END_TEST

/* ---- rtnl_process_buffer ---- */

static void add_done(Buf *b, uint32_t seq, uint32_t pid, uint16_t flags, bool with_error,
                     int error) {
        struct nlmsghdr *nlh = buf_add(b, NLMSG_DONE, NLM_F_MULTI | flags, seq, pid);

        if (with_error)
                *(int *) mnl_nlmsg_put_extra_header(nlh, sizeof(int)) = error;
        buf_commit(b, nlh);
}

static void add_error(Buf *b, uint32_t seq, uint32_t pid, int error) {
        struct nlmsghdr *nlh = buf_add(b, NLMSG_ERROR, 0, seq, pid);
        struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

        e->error = error;
        e->msg.nlmsg_type = RTM_GETADDR;
        e->msg.nlmsg_seq = seq;
        e->msg.nlmsg_pid = pid;
        buf_commit(b, nlh);
}

/* A dump reply (or event, pid 0) NEWLINK for ifindex */
static void add_link(Buf *b, uint32_t seq, uint32_t pid, uint16_t flags, int ifindex,
                     const char *name) {
        struct nlmsghdr *nlh = buf_add(b, RTM_NEWLINK, flags, seq, pid);

        put_link(nlh, AF_UNSPEC, ifindex, ARPHRD_ETHER, IFF_UP, name, IF_OPER_UP, NULL);
        buf_commit(b, nlh);
}

static RtnlDump dump_in_flight(void) {
        return (RtnlDump) { .portid = PORTID, .seq = SEQ };
}

START_TEST(test_process_dump_with_events) {
        __attribute__((cleanup(state_freep))) State *s = new_state();
        RtnlDump dump = dump_in_flight();
        unsigned malformed = 0;
        struct nlmsghdr *nlh;
        Buf b = {};

        add_link(&b, SEQ, PORTID, NLM_F_MULTI, 2, "eth0");
        /* an event from the kernel itself */
        add_link(&b, 0, 0, 0, 9, "tun0");
        /* an event caused by `ip`: its pid and seq, not ours */
        nlh = addr_msg(&b, RTM_NEWADDR, AF_INET, 2, 24, 0, "10.0.0.1", "10.0.0.1");
        nlh->nlmsg_pid = 31337;
        nlh->nlmsg_seq = 1795661697;
        buf_commit(&b, nlh);
        /* ... whose seq may happen to be ours */
        nlh = addr_msg(&b, RTM_NEWADDR, AF_INET6, 2, 64, 0, "2001:db8::1", NULL);
        nlh->nlmsg_pid = 31338;
        nlh->nlmsg_seq = SEQ;
        buf_commit(&b, nlh);
        add_link(&b, SEQ, PORTID, NLM_F_MULTI, 3, "eth1");
        nlh = buf_add(&b, NLMSG_NOOP, 0, SEQ, PORTID);
        buf_commit(&b, nlh);
        add_done(&b, SEQ, PORTID, 0, true, 0);

        ck_assert_int_eq(rtnl_process_buffer(s, &dump, b.data, b.len, &malformed), 1);
        ck_assert(dump.done);
        ck_assert(!dump.interrupted);
        ck_assert_int_eq(dump.error, 0);
        ck_assert_uint_eq(malformed, 0);
        ck_assert_uint_eq(s->n_links, 3);
        ck_assert_str_eq(state_get_link(s, 2)->name, "eth0");
        ck_assert_str_eq(state_get_link(s, 3)->name, "eth1");
        ck_assert_str_eq(state_get_link(s, 9)->name, "tun0");
        ck_assert_uint_eq(s->n_addresses, 2);

        /* the same again changes nothing; replies after NLMSG_DONE are no longer the dump's */
        ck_assert_int_eq(rtnl_process_buffer(s, &dump, b.data, b.len, NULL), 0);
        memset(&b, 0, sizeof(b));
        add_link(&b, SEQ, PORTID, NLM_F_MULTI, 4, "eth2");
        ck_assert_int_eq(rtnl_process_buffer(s, &dump, b.data, b.len, NULL), 0);
        ck_assert_ptr_null(state_get_link(s, 4));
}
END_TEST

START_TEST(test_process_stale_seq) {
        __attribute__((cleanup(state_freep))) State *s = new_state();
        RtnlDump dump = dump_in_flight(), none = {};
        Buf b = {};

        /* what is left of an earlier dump on our socket */
        add_link(&b, SEQ - 1, PORTID, NLM_F_MULTI, 2, "old0");
        add_error(&b, SEQ - 1, PORTID, -EBUSY);
        add_done(&b, SEQ - 1, PORTID, NLM_F_DUMP_INTR, true, -EINTR);
        /* and control messages that are nobody's */
        add_done(&b, 0, 0, 0, false, 0);
        add_error(&b, SEQ, 0, -EPERM);
        add_link(&b, SEQ, PORTID, NLM_F_MULTI, 3, "new0");

        ck_assert_int_eq(rtnl_process_buffer(s, &dump, b.data, b.len, NULL), 1);
        ck_assert_ptr_null(state_get_link(s, 2));
        ck_assert_ptr_nonnull(state_get_link(s, 3));
        ck_assert(!dump.done);
        ck_assert(!dump.interrupted);
        ck_assert_int_eq(dump.error, 0);

        /* a zeroed RtnlDump (no socket yet, no dump) still lets events through */
        memset(&b, 0, sizeof(b));
        add_link(&b, 0, 0, 0, 6, "ev0");
        ck_assert_int_eq(rtnl_process_buffer(s, &none, b.data, b.len, NULL), 1);
        ck_assert_ptr_nonnull(state_get_link(s, 6));
        ck_assert(!none.done);

        /* with no dump in flight, messages with our pid are all stale */
        dump.seq = 0;
        memset(&b, 0, sizeof(b));
        add_link(&b, 0, PORTID, 0, 5, "x0");
        ck_assert_int_eq(rtnl_process_buffer(s, &dump, b.data, b.len, NULL), 0);
        ck_assert_ptr_null(state_get_link(s, 5));
}
END_TEST

START_TEST(test_process_dump_intr) {
        __attribute__((cleanup(state_freep))) State *s = new_state();
        RtnlDump dump = dump_in_flight();
        Buf b = {};

        /* the flag on an event means nothing */
        add_link(&b, 0, 0, NLM_F_DUMP_INTR, 9, "tun0");
        ck_assert_int_eq(rtnl_process_buffer(s, &dump, b.data, b.len, NULL), 1);
        ck_assert(!dump.interrupted);

        memset(&b, 0, sizeof(b));
        add_link(&b, SEQ, PORTID, NLM_F_MULTI, 2, "eth0");
        add_link(&b, SEQ, PORTID, NLM_F_MULTI | NLM_F_DUMP_INTR, 3, "eth1");
        add_done(&b, SEQ, PORTID, 0, true, 0);
        ck_assert_int_eq(rtnl_process_buffer(s, &dump, b.data, b.len, NULL), 1);
        ck_assert(dump.interrupted);
        ck_assert(dump.done);
        ck_assert_int_eq(dump.error, 0);
        /* replies are applied all the same; the caller runs the dump again */
        ck_assert_uint_eq(s->n_links, 3);

        /* the kernel may set it on NLMSG_DONE only */
        dump = dump_in_flight();
        memset(&b, 0, sizeof(b));
        add_done(&b, SEQ, PORTID, NLM_F_DUMP_INTR, true, 0);
        ck_assert_int_eq(rtnl_process_buffer(s, &dump, b.data, b.len, NULL), 0);
        ck_assert(dump.interrupted);
        ck_assert(dump.done);
}
END_TEST

START_TEST(test_process_dump_errors) {
        __attribute__((cleanup(state_freep))) State *s = new_state();
        RtnlDump dump = dump_in_flight();
        Buf b = {};

        add_link(&b, SEQ, PORTID, NLM_F_MULTI, 2, "eth0");
        add_error(&b, SEQ, PORTID, -EBUSY);
        ck_assert_int_eq(rtnl_process_buffer(s, &dump, b.data, b.len, NULL), 1);
        ck_assert(dump.done);
        ck_assert_int_eq(dump.error, -EBUSY);

        /* NLMSG_DONE carrying a negative code */
        dump = dump_in_flight();
        memset(&b, 0, sizeof(b));
        add_done(&b, SEQ, PORTID, 0, true, -ENOBUFS);
        ck_assert_int_eq(rtnl_process_buffer(s, &dump, b.data, b.len, NULL), 0);
        ck_assert(dump.done);
        ck_assert_int_eq(dump.error, -ENOBUFS);

        /* NLMSG_DONE without payload */
        dump = dump_in_flight();
        memset(&b, 0, sizeof(b));
        add_done(&b, SEQ, PORTID, 0, false, 0);
        ck_assert_int_eq(rtnl_process_buffer(s, &dump, b.data, b.len, NULL), 0);
        ck_assert(dump.done);
        ck_assert_int_eq(dump.error, 0);

        /* an ACK (error 0) does not end the dump */
        dump = dump_in_flight();
        memset(&b, 0, sizeof(b));
        add_error(&b, SEQ, PORTID, 0);
        ck_assert_int_eq(rtnl_process_buffer(s, &dump, b.data, b.len, NULL), 0);
        ck_assert(!dump.done);
        ck_assert_int_eq(dump.error, 0);
}
END_TEST

START_TEST(test_process_malformed_message) {
        __attribute__((cleanup(state_freep))) State *s = new_state();
        RtnlDump dump = dump_in_flight();
        unsigned malformed = 0;
        struct nlmsghdr *nlh;
        Buf b = {};

        add_link(&b, 0, 0, 0, 2, "eth0");
        nlh = link_msg(&b, RTM_NEWLINK, 3, 0, "eth1", -1, NULL);
        mnl_attr_put_u32(nlh, IFLA_OPERSTATE, IF_OPER_UP);
        buf_commit(&b, nlh);
        /* of another family, or of a type we do not follow: not malformed */
        nlh = buf_add(&b, RTM_NEWLINK, 0, 0, 0);
        put_link(nlh, AF_BRIDGE, 2, ARPHRD_ETHER, 0, "eth0", IF_OPER_DOWN, NULL);
        buf_commit(&b, nlh);
        nlh = buf_add(&b, RTM_NEWNEIGH, 0, 0, 0);
        nlh->nlmsg_len += 12;
        buf_commit(&b, nlh);
        add_link(&b, 0, 0, 0, 4, "eth2");

        ck_assert_int_eq(rtnl_process_buffer(s, &dump, b.data, b.len, &malformed), 1);
        ck_assert_uint_eq(malformed, 1);
        ck_assert_uint_eq(s->n_links, 2);
        ck_assert_uint_eq(state_get_link(s, 2)->operstate, IF_OPER_UP);
        ck_assert_ptr_null(state_get_link(s, 3));
        ck_assert_ptr_nonnull(state_get_link(s, 4));
}
END_TEST

START_TEST(test_process_truncated) {
        __attribute__((cleanup(state_freep))) State *s = new_state();
        RtnlDump dump = dump_in_flight();
        struct nlmsghdr *nlh;
        size_t first;
        Buf b = {};

        add_link(&b, 0, 0, 0, 2, "eth0");
        first = b.len;
        add_link(&b, 0, 0, 0, 3, "eth1");

        /* cut inside the second message's header */
        ck_assert_int_eq(rtnl_process_buffer(s, &dump, b.data, first + 8, NULL), -EBADMSG);
        ck_assert_ptr_nonnull(state_get_link(s, 2));
        ck_assert_ptr_null(state_get_link(s, 3));

        /* cut inside its body: nlmsg_len beyond the buffer */
        ck_assert_int_eq(rtnl_process_buffer(s, &dump, b.data, b.len - 4, NULL), -EBADMSG);
        ck_assert_ptr_null(state_get_link(s, 3));

        /* nlmsg_len shorter than a header */
        nlh = (void *) (b.data + first);
        nlh->nlmsg_len = 8;
        ck_assert_int_eq(rtnl_process_buffer(s, &dump, b.data, b.len, NULL), -EBADMSG);
        ck_assert_ptr_null(state_get_link(s, 3));

        ck_assert_int_eq(rtnl_process_buffer(s, &dump, b.data, 0, NULL), 0);
}
END_TEST

/* Found by fuzzing: mnl_nlmsg_ok() of libmnl 1.0.4 compares (int) nlmsg_len with the length
 * left, so a message claiming 2 GiB or more passed as fitting and was read far past the buffer */
START_TEST(test_process_huge_length) {
        static const uint32_t lengths[] = { 0x80000000u, 0xfe00003cu, UINT32_MAX };
        __attribute__((cleanup(state_freep))) State *s = new_state();
        struct nlmsghdr *nlh;
        size_t first;
        Buf b = {};

        add_link(&b, 0, 0, 0, 2, "eth0");
        first = b.len;
        add_link(&b, 0, 0, 0, 3, "eth1");
        nlh = (void *) (b.data + first);

        for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
                RtnlDump dump = dump_in_flight();
                unsigned malformed = 0;

                nlh->nlmsg_len = lengths[i];
                ck_assert_int_eq(rtnl_process_buffer(s, &dump, b.data, b.len, &malformed), -EBADMSG);
                ck_assert_uint_eq(malformed, 0);
                ck_assert_uint_eq(s->n_links, 1);
                ck_assert_ptr_nonnull(state_get_link(s, 2));
        }
}
END_TEST

/* ---- linkdown: routes the kernel keeps on a link without carrier ---- */

START_TEST(test_parse_route_linkdown) {
        static const Hop hops[] = { { 3, "10.0.0.254" }, { 4, "10.1.0.254" }, { 5, "10.2.0.254" } };
        static const uint8_t flags[] = { RTNH_F_LINKDOWN, 0, RTNH_F_DEAD | RTNH_F_LINKDOWN };
        Buf b = {};
        struct nlmsghdr *nlh = route_msg(&b, RTM_NEWROUTE, AF_INET6, 0, 1024, 3, "fe80::1", NULL);
        RtnlRoute rt;

        /* a single hop's flags are in rtm_flags */
        ((struct rtmsg *) mnl_nlmsg_get_payload(nlh))->rtm_flags = RTNH_F_LINKDOWN;
        ck_assert_int_eq(rtnl_parse_route(nlh, &rt), 0);
        ck_assert(rt.nexthops[0].linkdown);
        ck_assert(rtnl_route_is_default(&rt));

        nlh = route_msg(&b, RTM_NEWROUTE, AF_INET, 0, 50, 0, NULL, NULL);
        put_multipath_flags(nlh, AF_INET, hops, flags, 3);
        ck_assert_int_eq(rtnl_parse_route(nlh, &rt), 0);
        ck_assert_uint_eq(rt.n_nexthops, 3);
        ck_assert(rt.nexthops[0].linkdown);
        ck_assert(!rt.nexthops[1].linkdown);
        ck_assert(rt.nexthops[2].linkdown);
}
END_TEST

/* eth0 with both families' default routes loses its carrier: the kernel keeps the routes, flags
 * them linkdown and sends no RTM_NEWROUTE (Linux 6.18, `ip monitor route` in a namespace) */
START_TEST(test_apply_carrier_loss_linkdown) {
        __attribute__((cleanup(state_freep))) State *s = new_state();
        Buf b = {};
        struct nlmsghdr *nlh;
        uint32_t m;

        setup_two_links(s);
        ck_assert_int_eq(state_link_default_route_metric(s, 3, &m), 0);
        ck_assert_uint_eq(m, 100);

        ck_assert_int_eq(do_link(s, RTM_NEWLINK, 3, IFF_UP, "eth0", IF_OPER_LOWERLAYERDOWN), 1);
        ck_assert_uint_eq(count_routes(s, AF_INET, 3), 2);
        ck_assert_uint_eq(count_routes(s, AF_INET6, 3), 1);
        for (size_t i = 0; i < s->n_routes; i++)
                ck_assert(s->routes[i].linkdown == (s->routes[i].oif == 3));
        ck_assert_int_eq(state_link_default_route_metric(s, 3, &m), -ENOENT);
        ck_assert_int_eq(state_link_default_route_metric(s, 4, &m), 0);
        ck_assert(!state_address_is_default_prefsrc(s, &(Address) {
                .family = AF_INET6, .address = ip(AF_INET6, "2001:db8::1") }));

        /* a dump of that moment says the same */
        nlh = route_msg(&b, RTM_NEWROUTE, AF_INET6, 0, 1024, 3, "fe80::1", "2001:db8::1");
        ((struct rtmsg *) mnl_nlmsg_get_payload(nlh))->rtm_flags = RTNH_F_LINKDOWN;
        ck_assert_int_eq(apply(s, nlh), 0);

        /* the carrier is back: the flags go, again without a word */
        ck_assert_int_eq(do_link(s, RTM_NEWLINK, 3, LINK_UP, "eth0", IF_OPER_UP), 1);
        for (size_t i = 0; i < s->n_routes; i++)
                ck_assert(!s->routes[i].linkdown);
        ck_assert_int_eq(state_link_default_route_metric(s, 3, &m), 0);
        ck_assert_uint_eq(m, 100);

        /* should a kernel send the route again with the flag, that is a change */
        ck_assert_int_eq(apply(s, nlh), 1);
        ck_assert_int_eq(state_link_default_route_metric(s, 3, &m), 0);
        ck_assert_uint_eq(m, 100);
        ((struct rtmsg *) mnl_nlmsg_get_payload(nlh))->rtm_flags = 0;
        ck_assert_int_eq(apply(s, nlh), 1);
}
END_TEST

/* ---- nexthop objects ---- */

static struct nlmsghdr *nexthop_msg(Buf *b, uint16_t type, uint32_t id, int family, int oif,
                                    const char *gateway, const uint32_t *group, size_t n_group) {
        struct nlmsghdr *nlh = buf_add(b, type, 0, 0, 0);
        struct nhmsg *nhm = mnl_nlmsg_put_extra_header(nlh, sizeof(*nhm));

        nhm->nh_family = (uint8_t) family;
        mnl_attr_put_u32(nlh, NHA_ID, id);
        if (n_group > 0) {
                struct nexthop_grp g[8] = {};

                ck_assert_uint_le(n_group, 8);
                for (size_t i = 0; i < n_group; i++)
                        g[i].id = group[i];
                mnl_attr_put(nlh, NHA_GROUP, n_group * sizeof(g[0]), g);
        }
        if (oif)
                mnl_attr_put_u32(nlh, NHA_OIF, (uint32_t) oif);
        if (gateway)
                put_ip(nlh, NHA_GATEWAY, family, gateway);
        return nlh;
}

static int do_nexthop(State *s, uint16_t type, uint32_t id, int family, int oif, const char *gateway) {
        Buf b = {};

        return rtnl_apply(s, nexthop_msg(&b, type, id, family, oif, gateway, NULL, 0));
}

static int do_group(State *s, uint16_t type, uint32_t id, const uint32_t *group, size_t n) {
        Buf b = {};

        return rtnl_apply(s, nexthop_msg(&b, type, id, AF_UNSPEC, 0, NULL, group, n));
}

/* a default route on nexthop object nhid, with the hop compat mode adds (oif, gateway) */
static int do_nh_route(State *s, uint16_t type, int family, uint32_t metric, uint32_t nhid, int oif,
                       const char *gateway) {
        Buf b = {};
        struct nlmsghdr *nlh = route_msg(&b, type, family, 0, metric, oif, gateway, NULL);

        mnl_attr_put_u32(nlh, RTA_NH_ID, nhid);
        return rtnl_apply(s, nlh);
}

START_TEST(test_parse_nexthop) {
        static const uint32_t group[] = { 10, 11 };
        Buf b = {};
        struct nlmsghdr *nlh;
        Nexthop nh;
        RtnlRoute rt;

        nlh = nexthop_msg(&b, RTM_NEWNEXTHOP, 10, AF_INET, 3, "192.168.1.1", NULL, 0);
        ck_assert_int_eq(rtnl_parse_nexthop(nlh, &nh), 0);
        ck_assert_uint_eq(nh.id, 10);
        ck_assert_int_eq(nh.family, AF_INET);
        ck_assert_int_eq(nh.oif, 3);
        ck_assert(nh.has_gateway);
        ck_assert_uint_eq(nh.n_group, 0);
        ck_assert(!nh.blackhole);

        nlh = nexthop_msg(&b, RTM_NEWNEXTHOP, 20, AF_UNSPEC, 0, NULL, group, 2);
        ck_assert_int_eq(rtnl_parse_nexthop(nlh, &nh), 0);
        ck_assert_uint_eq(nh.n_group, 2);
        ck_assert_uint_eq(nh.group[0], 10);
        ck_assert_uint_eq(nh.group[1], 11);
        ck_assert_int_eq(nh.oif, 0);

        nlh = nexthop_msg(&b, RTM_NEWNEXTHOP, 30, AF_INET6, 0, NULL, NULL, 0);
        mnl_attr_put(nlh, NHA_BLACKHOLE, 0, NULL);
        ck_assert_int_eq(rtnl_parse_nexthop(nlh, &nh), 0);
        ck_assert(nh.blackhole);

        /* malformed: no id, id 0, a group that is no whole number of entries */
        nlh = buf_add(&b, RTM_NEWNEXTHOP, 0, 0, 0);
        mnl_nlmsg_put_extra_header(nlh, sizeof(struct nhmsg));
        ck_assert_int_eq(rtnl_parse_nexthop(nlh, &nh), -EBADMSG);
        nlh = nexthop_msg(&b, RTM_NEWNEXTHOP, 0, AF_INET, 3, NULL, NULL, 0);
        ck_assert_int_eq(rtnl_parse_nexthop(nlh, &nh), -EBADMSG);
        nlh = nexthop_msg(&b, RTM_NEWNEXTHOP, 21, AF_UNSPEC, 0, NULL, NULL, 0);
        mnl_attr_put(nlh, NHA_GROUP, 5, "abcde");
        ck_assert_int_eq(rtnl_parse_nexthop(nlh, &nh), -EBADMSG);
        nlh = nexthop_msg(&b, RTM_NEWNEXTHOP, 22, AF_INET, 3, NULL, NULL, 0);
        mnl_attr_put_u16(nlh, NHA_GATEWAY, 1);
        ck_assert_int_eq(rtnl_parse_nexthop(nlh, &nh), -EBADMSG);
        nlh = route_msg(&b, RTM_NEWROUTE, AF_INET, 0, 0, 3, NULL, NULL);
        ck_assert_int_eq(rtnl_parse_nexthop(nlh, &nh), -EOPNOTSUPP);

        /* a route names its object */
        nlh = route_msg(&b, RTM_NEWROUTE, AF_INET, 0, 100, 3, "192.168.1.1", NULL);
        mnl_attr_put_u32(nlh, RTA_NH_ID, 10);
        ck_assert_int_eq(rtnl_parse_route(nlh, &rt), 0);
        ck_assert_uint_eq(rt.nhid, 10);
}
END_TEST

static bool has_route(const State *s, int family, uint32_t metric, int oif) {
        for (size_t i = 0; i < s->n_routes; i++)
                if (s->routes[i].family == family && s->routes[i].metric == metric && s->routes[i].oif == oif)
                        return true;
        return false;
}

/* `ip nexthop replace` and `ip nexthop del`: the kernel re-sends the route only in compat mode
 * after a replace, and never says the route is gone after a delete (IPv4) */
START_TEST(test_apply_nexthop_replace_delete) {
        __attribute__((cleanup(state_freep))) State *s = new_state();

        setup_two_links(s);
        ck_assert_int_eq(do_nexthop(s, RTM_NEWNEXTHOP, 10, AF_INET, 3, "10.0.0.254"), 1);
        ck_assert_int_eq(do_nexthop(s, RTM_NEWNEXTHOP, 10, AF_INET, 3, "10.0.0.254"), 0);
        ck_assert_int_eq(do_nh_route(s, RTM_NEWROUTE, AF_INET, 50, 10, 3, "10.0.0.254"), 1);
        ck_assert_int_eq(do_nh_route(s, RTM_NEWROUTE, AF_INET, 50, 10, 3, "10.0.0.254"), 0);
        ck_assert(has_route(s, AF_INET, 50, 3));
        ck_assert_uint_eq(s->n_routes, 6);

        /* replaced: the route leaves through link 4 now, without a route message */
        ck_assert_int_eq(do_nexthop(s, RTM_NEWNEXTHOP, 10, AF_INET, 4, "10.1.0.254"), 1);
        ck_assert(!has_route(s, AF_INET, 50, 3));
        ck_assert(has_route(s, AF_INET, 50, 4));
        ck_assert_uint_eq(s->n_routes, 6);
        /* compat mode's RTM_NEWROUTE after it is no news */
        ck_assert_int_eq(do_nh_route(s, RTM_NEWROUTE, AF_INET, 50, 10, 4, "10.1.0.254"), 0);
        /* a stale message does not undo the object's hops */
        ck_assert_int_eq(do_nh_route(s, RTM_NEWROUTE, AF_INET, 50, 10, 3, "10.0.0.254"), 0);
        ck_assert(has_route(s, AF_INET, 50, 4));

        /* deleted: the route goes too */
        ck_assert_int_eq(do_nexthop(s, RTM_DELNEXTHOP, 10, AF_INET, 4, "10.1.0.254"), 1);
        ck_assert(!has_route(s, AF_INET, 50, 4));
        ck_assert_uint_eq(s->n_routes, 5);
        ck_assert_ptr_null(state_get_nexthop(s, 10));
        ck_assert_int_eq(do_nexthop(s, RTM_DELNEXTHOP, 10, AF_INET, 4, NULL), 0);

        /* IPv6: its RTM_DELROUTE after the object's removal is no further change */
        ck_assert_int_eq(do_nexthop(s, RTM_NEWNEXTHOP, 30, AF_INET6, 3, "fe80::9"), 1);
        ck_assert_int_eq(do_nh_route(s, RTM_NEWROUTE, AF_INET6, 100, 30, 3, "fe80::9"), 1);
        ck_assert(has_route(s, AF_INET6, 100, 3));
        ck_assert_int_eq(do_nexthop(s, RTM_DELNEXTHOP, 30, AF_INET6, 3, "fe80::9"), 1);
        ck_assert(!has_route(s, AF_INET6, 100, 3));
        ck_assert_int_eq(do_nh_route(s, RTM_DELROUTE, AF_INET6, 100, 30, 3, "fe80::9"), 0);
        ck_assert_uint_eq(s->n_routes, 5);
}
END_TEST

/* setup_two_links(), objects 10 (link 3) and 11 (link 4), group 20 of both, and a default route
 * of the family on the group; the message's hops (compat mode) or none: the members count */
static void setup_group(State *s, int family, uint32_t metric) {
        static const uint32_t both[] = { 10, 11 };

        setup_two_links(s);
        ck_assert_int_eq(do_nexthop(s, RTM_NEWNEXTHOP, 10, AF_INET, 3, "10.0.0.254"), 1);
        ck_assert_int_eq(do_nexthop(s, RTM_NEWNEXTHOP, 11, AF_INET, 4, "10.1.0.254"), 1);
        ck_assert_int_eq(do_group(s, RTM_NEWNEXTHOP, 20, both, 2), 1);
        ck_assert_int_eq(do_nh_route(s, RTM_NEWROUTE, family, metric, 20, 0, NULL), 1);
        ck_assert(has_route(s, family, metric, 3));
        ck_assert(has_route(s, family, metric, 4));
}

START_TEST(test_apply_nexthop_group) {
        static const uint32_t one[] = { 10 };
        __attribute__((cleanup(state_freep))) State *s = new_state();
        uint32_t m;

        setup_group(s, AF_INET, 5);
        ck_assert_int_eq(state_link_default_route_metric(s, 4, &m), 0);
        ck_assert_uint_eq(m, 5);

        /* a member replaced: the group's route follows */
        ck_assert_int_eq(do_nexthop(s, RTM_NEWNEXTHOP, 11, AF_INET, 3, "10.0.0.253"), 1);
        ck_assert(!has_route(s, AF_INET, 5, 4));
        ck_assert_int_eq(do_nexthop(s, RTM_NEWNEXTHOP, 11, AF_INET, 4, "10.1.0.254"), 1);
        ck_assert(has_route(s, AF_INET, 5, 4));

        /* a member deleted: the kernel says so of the group, not of the route; either order */
        ck_assert_int_eq(do_nexthop(s, RTM_DELNEXTHOP, 11, AF_INET, 4, NULL), 1);
        ck_assert(!has_route(s, AF_INET, 5, 4));
        ck_assert(has_route(s, AF_INET, 5, 3));
        ck_assert_int_eq(do_group(s, RTM_NEWNEXTHOP, 20, one, 1), 0);

        /* the last member deleted: the group and its route go; the kernel's word on the
         * group after it is no news */
        ck_assert_int_eq(do_nexthop(s, RTM_DELNEXTHOP, 10, AF_INET, 3, NULL), 1);
        ck_assert(!has_route(s, AF_INET, 5, 3));
        ck_assert_ptr_null(state_get_nexthop(s, 20));
        ck_assert_int_eq(do_group(s, RTM_DELNEXTHOP, 20, NULL, 0), 0);
        ck_assert_uint_eq(s->n_routes, 5);
}
END_TEST

/* a link going down takes its objects with it, and their groups shrink, all silently */
START_TEST(test_apply_nexthop_link_down) {
        __attribute__((cleanup(state_freep))) State *s = new_state();

        setup_group(s, AF_INET6, 7);
        ck_assert_int_eq(do_link(s, RTM_NEWLINK, 3, 0, "eth0", IF_OPER_DOWN), 1);
        ck_assert_ptr_null(state_get_nexthop(s, 10));
        ck_assert_uint_eq(state_get_nexthop(s, 20)->n_group, 1);
        ck_assert(!has_route(s, AF_INET6, 7, 3));
        ck_assert(has_route(s, AF_INET6, 7, 4));
        /* the last member's link goes away: the group and the route go */
        ck_assert_int_eq(do_link(s, RTM_DELLINK, 4, 0, "eth1", IF_OPER_DOWN), 1);
        ck_assert_uint_eq(s->n_nexthops, 0);
        ck_assert(!has_route(s, AF_INET6, 7, 4));
}
END_TEST

/* an object we never heard of (no dump yet): the hops in the message */
START_TEST(test_apply_nexthop_unknown) {
        __attribute__((cleanup(state_freep))) State *s = new_state();

        setup_two_links(s);
        ck_assert_int_eq(do_nh_route(s, RTM_NEWROUTE, AF_INET, 50, 99, 4, "10.1.0.254"), 1);
        ck_assert(has_route(s, AF_INET, 50, 4));
        ck_assert_int_eq(do_nh_route(s, RTM_DELROUTE, AF_INET, 50, 99, 4, "10.1.0.254"), 1);
        ck_assert(!has_route(s, AF_INET, 50, 4));
        /* mark and sweep forgets objects as it forgets routes */
        ck_assert_int_eq(do_nexthop(s, RTM_NEWNEXTHOP, 10, AF_INET, 3, NULL), 1);
        state_mark_all(s);
        ck_assert_int_eq(state_sweep(s), 5 + 2 + 4 + 1);
        ck_assert_uint_eq(s->n_nexthops, 0);
}
END_TEST

/* ---- dump requests ---- */

START_TEST(test_dump_request) {
        uint32_t buf[RTNL_DUMP_REQUEST_MAX / sizeof(uint32_t)] = {};
        const struct nlmsghdr *nlh = (const struct nlmsghdr *) buf;
        const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
        const struct nlattr *attr;
        int len;

        /* under strict checking, the main table's unicast routes of one family only */
        len = rtnl_build_dump_request(buf, sizeof(buf), RTM_GETROUTE, AF_INET6, true, 7);
        ck_assert_int_eq(len, NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct rtmsg)) + 8);
        ck_assert_uint_eq(nlh->nlmsg_len, (unsigned) len);
        ck_assert_uint_eq(nlh->nlmsg_type, RTM_GETROUTE);
        ck_assert_uint_eq(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
        ck_assert_uint_eq(nlh->nlmsg_seq, 7);
        ck_assert_uint_eq(rtm->rtm_family, AF_INET6);
        ck_assert_uint_eq(rtm->rtm_table, RT_TABLE_MAIN);
        ck_assert_uint_eq(rtm->rtm_type, RTN_UNICAST);
        ck_assert_uint_eq(rtm->rtm_dst_len | rtm->rtm_src_len | rtm->rtm_tos | rtm->rtm_scope | rtm->rtm_flags, 0);
        attr = last_attr(nlh, sizeof(*rtm));
        ck_assert_uint_eq(mnl_attr_get_type(attr), RTA_TABLE);
        ck_assert_uint_eq(mnl_attr_get_u32(attr), RT_TABLE_MAIN);

        /* without strict checking (or for both families at once): no filter, a zeroed header */
        len = rtnl_build_dump_request(buf, sizeof(buf), RTM_GETROUTE, AF_UNSPEC, false, 8);
        ck_assert_int_eq(len, NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct rtmsg)));
        ck_assert_uint_eq(rtm->rtm_family | rtm->rtm_table | rtm->rtm_type, 0);
        len = rtnl_build_dump_request(buf, sizeof(buf), RTM_GETROUTE, AF_UNSPEC, true, 8);
        ck_assert_int_eq(len, NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct rtmsg)));

        /* the other dumps: their whole header, zeroed */
        len = rtnl_build_dump_request(buf, sizeof(buf), RTM_GETLINK, AF_UNSPEC, true, 9);
        ck_assert_int_eq(len, NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct ifinfomsg)));
        len = rtnl_build_dump_request(buf, sizeof(buf), RTM_GETADDR, AF_UNSPEC, true, 9);
        ck_assert_int_eq(len, NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct ifaddrmsg)));
        len = rtnl_build_dump_request(buf, sizeof(buf), RTM_GETNEXTHOP, AF_UNSPEC, true, 9);
        ck_assert_int_eq(len, NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nhmsg)));

        ck_assert_int_eq(rtnl_build_dump_request(buf, sizeof(buf), RTM_GETNEIGH, AF_UNSPEC, true, 9), -EINVAL);
        ck_assert_int_eq(rtnl_build_dump_request(buf, 16, RTM_GETLINK, AF_UNSPEC, true, 9), -EINVAL);
        ck_assert_int_eq(rtnl_build_dump_request(buf, sizeof(buf), RTM_GETROUTE, AF_MPLS, true, 9), -EINVAL);
}
END_TEST

/* The filter runs in the kernel: on a datagram socket pair, as it would on the rtnetlink socket */
static bool filter_passes(int fd[2], const struct nlmsghdr *nlh) {
        uint8_t buf[SLOT];

        ck_assert_int_eq(send(fd[0], nlh, nlh->nlmsg_len, 0), (ssize_t) nlh->nlmsg_len);
        return recv(fd[1], buf, sizeof(buf), MSG_DONTWAIT) == (ssize_t) nlh->nlmsg_len;
}

START_TEST(test_event_filter) {
        __attribute__((cleanup(state_freep))) State *s = new_state();
        struct sock_filter filter[RTNL_EVENT_FILTER_MAX];
        struct sock_fprog prog = { .filter = filter };
        Buf b = {};
        struct nlmsghdr *nlh;
        int fd[2];

        prog.len = (unsigned short) rtnl_event_filter(filter);
        ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, fd), 0);
        ck_assert_int_eq(setsockopt(fd[1], SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)), 0);
        ck_assert_int_eq(do_link(s, RTM_NEWLINK, 3, LINK_UP, "eth0", IF_OPER_UP), 1);
        ck_assert_int_eq(apply(s, addr_msg(&b, RTM_NEWADDR, AF_INET, 3, 24, 0, "10.0.0.1", "10.0.0.1")), 1);

        /* dropped: what an address brings besides itself, which rtnl_apply() throws away */
        nlh = route_msg(&b, RTM_NEWROUTE, AF_INET, 24, 0, 3, NULL, "10.0.0.1");
        ck_assert(!filter_passes(fd, nlh));
        ck_assert_int_eq(apply(s, nlh), 0);
        nlh = route_msg(&b, RTM_NEWROUTE, AF_INET, 32, 0, 3, NULL, "10.0.0.1");
        ((struct rtmsg *) mnl_nlmsg_get_payload(nlh))->rtm_table = RT_TABLE_LOCAL;
        ck_assert(!filter_passes(fd, nlh));
        ck_assert_int_eq(apply(s, nlh), 0);
        nlh = route_msg(&b, RTM_DELROUTE, AF_INET6, 64, 256, 3, NULL, NULL);
        ck_assert(!filter_passes(fd, nlh));
        ck_assert_int_eq(apply(s, nlh), 0);
        ck_assert_uint_eq(s->n_routes, 0);

        /* passed: default routes, the parts of a dump, and everything that is not a route */
        nlh = route_msg(&b, RTM_NEWROUTE, AF_INET, 0, 0, 3, "10.0.0.254", NULL);
        ck_assert(filter_passes(fd, nlh));
        ck_assert_int_eq(apply(s, nlh), 1);
        nlh = route_msg(&b, RTM_DELROUTE, AF_INET, 0, 0, 3, "10.0.0.254", NULL);
        ck_assert(filter_passes(fd, nlh));
        ck_assert_int_eq(apply(s, nlh), 1);
        nlh = route_msg(&b, RTM_NEWROUTE, AF_INET, 24, 0, 3, NULL, "10.0.0.1");
        nlh->nlmsg_flags |= NLM_F_MULTI;
        ck_assert(filter_passes(fd, nlh));
        ck_assert(filter_passes(fd, addr_msg(&b, RTM_DELADDR, AF_INET, 3, 24, 0, "10.0.0.1", "10.0.0.1")));
        ck_assert(filter_passes(fd, link_msg(&b, RTM_NEWLINK, 3, LINK_UP, "eth0", IF_OPER_UP, NULL)));
        ck_assert(filter_passes(fd, buf_add(&b, NLMSG_DONE, NLM_F_MULTI, SEQ, PORTID)));
        close(fd[0]);
        close(fd[1]);
}
END_TEST

static Suite *rtnl_suite(void) {
        Suite *s = suite_create("rtnl");
        TCase *parse = tcase_create("parse");
        TCase *apply_tc = tcase_create("apply");
        TCase *buffer = tcase_create("buffer");

        tcase_add_test(parse, test_parse_link);
        tcase_add_test(parse, test_parse_link_minimal_and_unknown_attrs);
        tcase_add_test(parse, test_parse_link_long_kind);
        tcase_add_test(parse, test_parse_link_unpadded_end);
        tcase_add_test(parse, test_parse_link_malformed);
        tcase_add_test(parse, test_parse_link_other);
        tcase_add_test(parse, test_wireless_noise);
        tcase_add_test(parse, test_parse_address_ipv4_ptp);
        tcase_add_test(parse, test_parse_address_ipv6);
        tcase_add_test(parse, test_parse_address_flags);
        tcase_add_test(parse, test_parse_address_malformed);
        tcase_add_test(parse, test_parse_route);
        tcase_add_test(parse, test_parse_route_table);
        tcase_add_test(parse, test_parse_route_multipath);
        tcase_add_test(parse, test_parse_route_multipath_many);
        tcase_add_test(parse, test_parse_route_malformed);
        tcase_add_test(parse, test_route_is_default);
        tcase_add_test(parse, test_parse_route_linkdown);
        tcase_add_test(parse, test_parse_nexthop);
        tcase_add_test(parse, test_dump_request);
        tcase_add_test(parse, test_event_filter);
        suite_add_tcase(s, parse);

        tcase_add_test(apply_tc, test_apply_link);
        tcase_add_test(apply_tc, test_apply_wireless_noise);
        tcase_add_test(apply_tc, test_apply_rename);
        tcase_add_test(apply_tc, test_apply_address);
        tcase_add_test(apply_tc, test_apply_link_down_flushes_ipv4);
        tcase_add_test(apply_tc, test_apply_last_address_flushes_ipv4);
        tcase_add_test(apply_tc, test_apply_prefsrc_delete);
        tcase_add_test(apply_tc, test_apply_routes_ignored);
        tcase_add_test(apply_tc, test_apply_route);
        tcase_add_test(apply_tc, test_apply_route_replace);
        tcase_add_test(apply_tc, test_apply_multipath);
        tcase_add_test(apply_tc, test_apply_multipath_flag);
        tcase_add_test(apply_tc, test_apply_multipath_link_down);
        tcase_add_test(apply_tc, test_apply_multipath_last_address);
        tcase_add_test(apply_tc, test_apply_multipath_dellink);
        tcase_add_test(apply_tc, test_apply_carrier_loss_linkdown);
        tcase_add_test(apply_tc, test_apply_nexthop_replace_delete);
        tcase_add_test(apply_tc, test_apply_nexthop_group);
        tcase_add_test(apply_tc, test_apply_nexthop_unknown);
        tcase_add_test(apply_tc, test_apply_nexthop_link_down);
        suite_add_tcase(s, apply_tc);

        tcase_add_test(buffer, test_process_dump_with_events);
        tcase_add_test(buffer, test_process_stale_seq);
        tcase_add_test(buffer, test_process_dump_intr);
        tcase_add_test(buffer, test_process_dump_errors);
        tcase_add_test(buffer, test_process_malformed_message);
        tcase_add_test(buffer, test_process_truncated);
        tcase_add_test(buffer, test_process_huge_length);
        suite_add_tcase(s, buffer);
        return s;
}

TEST_MAIN(rtnl_suite)
