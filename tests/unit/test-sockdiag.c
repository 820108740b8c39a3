/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "macro.h"
#include "sockdiag.h"
#include "testutil.h"

/* Big enough for any message below, aligned for struct nlmsghdr */
typedef union MsgBuf {
        struct nlmsghdr nlh;
        uint8_t bytes[512];
} MsgBuf;

static union in_addr_union addr(int family, const char *s) {
        union in_addr_union a;

        memset(&a, 0, sizeof(a));
        ck_assert_msg(inet_pton(family, s, &a) == 1, "bad test address %s", s);
        return a;
}

/* A SOCK_DIAG_BY_FAMILY reply as the kernel sends it for a listening TCP socket */
static struct nlmsghdr *put_reply(MsgBuf *b, int family, const char *address, uint16_t port,
                                  uint32_t uid, uint32_t inode, uint32_t ifindex) {
        struct nlmsghdr *nlh;
        struct inet_diag_msg *m;
        union in_addr_union a = addr(family, address);

        memset(b, 0, sizeof(*b));
        nlh = mnl_nlmsg_put_header(b->bytes);
        nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
        nlh->nlmsg_flags = NLM_F_MULTI;
        nlh->nlmsg_seq = 7;
        nlh->nlmsg_pid = 1234;
        m = mnl_nlmsg_put_extra_header(nlh, sizeof(*m));
        m->idiag_family = (uint8_t) family;
        m->idiag_state = TCP_LISTEN;
        m->id.idiag_sport = htons(port);
        memcpy(m->id.idiag_src, a.bytes, inaddr_size(family));
        m->id.idiag_if = ifindex;
        m->id.idiag_cookie[0] = 0x11223344;
        m->idiag_rqueue = 0;
        m->idiag_wqueue = 511;
        m->idiag_uid = uid;
        m->idiag_inode = inode;
        return nlh;
}

static struct inet_diag_msg *payload(struct nlmsghdr *nlh) {
        return mnl_nlmsg_get_payload(nlh);
}

START_TEST(test_parse_ipv4_any) {
        MsgBuf b;
        struct nlmsghdr *nlh = put_reply(&b, AF_INET, "0.0.0.0", 5173, 1000, 4242, 0);
        union in_addr_union any = {};
        Listener l;

        /* What the kernel adds to every reply */
        mnl_attr_put_u8(nlh, INET_DIAG_SHUTDOWN, 0);
        memset(&l, 0xaa, sizeof(l));
        ck_assert_int_eq(sockdiag_parse(nlh, &l), 0);
        ck_assert_int_eq(l.family, AF_INET);
        ck_assert_mem_eq(l.address.bytes, any.bytes, sizeof(any.bytes));
        ck_assert_uint_eq(l.port, 5173);
        ck_assert_uint_eq(l.uid, 1000);
        ck_assert_uint_eq(l.inode, 4242);
        ck_assert_int_eq(l.ifindex, 0);
        ck_assert(!l.v6only);
        ck_assert(!l.socket_is_v6);
}
END_TEST

START_TEST(test_parse_ipv4_loopback_bound_to_device) {
        MsgBuf b;
        struct nlmsghdr *nlh = put_reply(&b, AF_INET, "127.0.0.1", 8000, 0, 99, 1);
        union in_addr_union lo = addr(AF_INET, "127.0.0.1");
        Listener l;

        ck_assert_int_eq(sockdiag_parse(nlh, &l), 0);
        ck_assert_int_eq(l.family, AF_INET);
        ck_assert_mem_eq(l.address.bytes, lo.bytes, sizeof(lo.bytes));
        ck_assert_uint_eq(l.port, 8000);
        ck_assert_uint_eq(l.uid, 0);
        ck_assert_uint_eq(l.inode, 99);
        ck_assert_int_eq(l.ifindex, 1);
        ck_assert(!l.socket_is_v6);
}
END_TEST

START_TEST(test_parse_port_byte_order) {
        MsgBuf b;
        struct nlmsghdr *nlh = put_reply(&b, AF_INET, "0.0.0.0", 0, 1000, 1, 0);
        uint8_t *sport = (uint8_t *) &payload(nlh)->id.idiag_sport;
        Listener l;

        /* 0x1435 = 5173, most significant byte first on the wire, whatever the host */
        sport[0] = 0x14;
        sport[1] = 0x35;
        ck_assert_int_eq(sockdiag_parse(nlh, &l), 0);
        ck_assert_uint_eq(l.port, 5173);

        sport[0] = 0xff;
        sport[1] = 0x01;
        ck_assert_int_eq(sockdiag_parse(nlh, &l), 0);
        ck_assert_uint_eq(l.port, 65281);
}
END_TEST

START_TEST(test_parse_ipv6_any_v6only) {
        MsgBuf b;
        struct nlmsghdr *nlh = put_reply(&b, AF_INET6, "::", 5173, 1000, 5000, 0);
        union in_addr_union any = {};
        Listener l;

        mnl_attr_put_u8(nlh, INET_DIAG_SHUTDOWN, 0);
        mnl_attr_put_u8(nlh, INET_DIAG_SKV6ONLY, 1);
        ck_assert_int_eq(sockdiag_parse(nlh, &l), 0);
        ck_assert_int_eq(l.family, AF_INET6);
        ck_assert_mem_eq(l.address.bytes, any.bytes, sizeof(any.bytes));
        ck_assert_uint_eq(l.port, 5173);
        ck_assert_uint_eq(l.inode, 5000);
        ck_assert(l.v6only);
        ck_assert(l.socket_is_v6);
}
END_TEST

START_TEST(test_parse_ipv6_any_dual_stack) {
        MsgBuf b;
        struct nlmsghdr *nlh = put_reply(&b, AF_INET6, "::", 8080, 1000, 5001, 0);
        Listener l;

        mnl_attr_put_u8(nlh, INET_DIAG_SKV6ONLY, 0);
        ck_assert_int_eq(sockdiag_parse(nlh, &l), 0);
        ck_assert_int_eq(l.family, AF_INET6);
        ck_assert(!l.v6only);
        ck_assert(l.socket_is_v6);
}
END_TEST

START_TEST(test_parse_ipv6_without_v6only_attribute) {
        MsgBuf b;
        struct nlmsghdr *nlh = put_reply(&b, AF_INET6, "2001:db8::5", 3000, 1000, 5002, 0);
        union in_addr_union a = addr(AF_INET6, "2001:db8::5");
        Listener l;

        ck_assert_int_eq(sockdiag_parse(nlh, &l), 0);
        ck_assert_int_eq(l.family, AF_INET6);
        ck_assert_mem_eq(l.address.bytes, a.bytes, sizeof(a.bytes));
        ck_assert_uint_eq(l.port, 3000);
        ck_assert(!l.v6only);
        ck_assert(l.socket_is_v6);
}
END_TEST

START_TEST(test_parse_ipv6_mapped) {
        MsgBuf b;
        struct nlmsghdr *nlh = put_reply(&b, AF_INET6, "::ffff:10.0.0.1", 4000, 1000, 5003, 0);
        union in_addr_union a = addr(AF_INET, "10.0.0.1");
        Listener l;

        mnl_attr_put_u8(nlh, INET_DIAG_SKV6ONLY, 0);
        ck_assert_int_eq(sockdiag_parse(nlh, &l), 0);
        ck_assert_int_eq(l.family, AF_INET);
        ck_assert_mem_eq(l.address.bytes, a.bytes, sizeof(a.bytes));
        ck_assert_uint_eq(l.port, 4000);
        ck_assert(l.socket_is_v6);
        ck_assert(!l.v6only);
}
END_TEST

START_TEST(test_parse_ipv4_ignores_stale_address_bytes) {
        MsgBuf b;
        struct nlmsghdr *nlh = put_reply(&b, AF_INET, "192.168.1.23", 5173, 1000, 1, 0);
        union in_addr_union a = addr(AF_INET, "192.168.1.23");
        Listener l;

        /* Only the first 4 bytes of idiag_src belong to an IPv4 socket */
        payload(nlh)->id.idiag_src[3] = htonl(0xdeadbeef);
        ck_assert_int_eq(sockdiag_parse(nlh, &l), 0);
        ck_assert_mem_eq(l.address.bytes, a.bytes, sizeof(a.bytes));
}
END_TEST

START_TEST(test_parse_unknown_attributes) {
        static const uint8_t junk[7] = { 1, 2, 3, 4, 5, 6, 7 };
        MsgBuf b;
        struct nlmsghdr *nlh = put_reply(&b, AF_INET6, "::1", 9000, 1000, 6000, 0);
        Listener l;

        mnl_attr_put_u64(nlh, INET_DIAG_CGROUP_ID, 12345);
        mnl_attr_put(nlh, 200, sizeof(junk), junk);
        mnl_attr_put_u8(nlh, INET_DIAG_SKV6ONLY, 1);
        mnl_attr_put(nlh, 201, 0, NULL);
        ck_assert_int_eq(sockdiag_parse(nlh, &l), 0);
        ck_assert_uint_eq(l.port, 9000);
        ck_assert(l.v6only);
}
END_TEST

START_TEST(test_parse_bad_v6only_length) {
        MsgBuf b;
        struct nlmsghdr *nlh;
        Listener l, untouched;

        memset(&l, 0x5a, sizeof(l));
        untouched = l;

        nlh = put_reply(&b, AF_INET6, "::", 5173, 1000, 1, 0);
        mnl_attr_put_u32(nlh, INET_DIAG_SKV6ONLY, 1);
        ck_assert_int_eq(sockdiag_parse(nlh, &l), -EBADMSG);

        nlh = put_reply(&b, AF_INET6, "::", 5173, 1000, 1, 0);
        mnl_attr_put(nlh, INET_DIAG_SKV6ONLY, 0, NULL);
        ck_assert_int_eq(sockdiag_parse(nlh, &l), -EBADMSG);

        ck_assert_mem_eq(&l, &untouched, sizeof(l));
}
END_TEST

START_TEST(test_parse_truncated) {
        MsgBuf b;
        struct nlmsghdr *nlh = put_reply(&b, AF_INET, "0.0.0.0", 5173, 1000, 1, 0);
        Listener l;

        nlh->nlmsg_len = NLMSG_HDRLEN + sizeof(struct inet_diag_msg) - 4;
        ck_assert_int_eq(sockdiag_parse(nlh, &l), -EBADMSG);
        nlh->nlmsg_len = NLMSG_HDRLEN;
        ck_assert_int_eq(sockdiag_parse(nlh, &l), -EBADMSG);
        nlh->nlmsg_len = NLMSG_HDRLEN - 1;
        ck_assert_int_eq(sockdiag_parse(nlh, &l), -EBADMSG);
        nlh->nlmsg_len = 0;
        ck_assert_int_eq(sockdiag_parse(nlh, &l), -EBADMSG);
}
END_TEST

START_TEST(test_parse_truncated_attribute) {
        MsgBuf b;
        struct nlmsghdr *nlh = put_reply(&b, AF_INET6, "::", 5173, 1000, 1, 0);
        Listener l;

        mnl_attr_put_u8(nlh, INET_DIAG_SKV6ONLY, 1);
        ck_assert_int_eq(sockdiag_parse(nlh, &l), 0);
        /* The attribute claims more than the message holds */
        nlh->nlmsg_len -= 4;
        ck_assert_int_eq(sockdiag_parse(nlh, &l), -EBADMSG);
        /* Three bytes of an attribute header dangling at the end */
        nlh->nlmsg_len = NLMSG_HDRLEN + sizeof(struct inet_diag_msg) + 3;
        ck_assert_int_eq(sockdiag_parse(nlh, &l), -EBADMSG);
}
END_TEST

/* An odd nlmsg_len: the walk ends there, whatever the buffer holds after it. libmnl's
 * mnl_attr_for_each() went on to the aligned end: the header of a phantom attribute at byte 92
 * was read from the three bytes after a 93-byte message. */
START_TEST(test_parse_walk_ends_at_nlmsg_len) {
        static const uint8_t after[][3] = { { 0, 0, 0 }, { 0xff, 0xff, 0xff } };
        MsgBuf b;
        struct nlmsghdr *nlh = put_reply(&b, AF_INET6, "::", 5173, 1000, 1, 0);
        uint8_t *exact;
        Listener l;

        mnl_attr_put(nlh, INET_DIAG_SHUTDOWN, 0, NULL);
        ck_assert_uint_eq(nlh->nlmsg_len, 92);
        /* one byte of an attribute header: 4, the length of an empty attribute */
        b.bytes[92] = 4;
        nlh->nlmsg_len = 93;
        /* exactly 93 bytes: valgrind sees a read past them (make check-valgrind) */
        exact = malloc(93);
        ck_assert_ptr_nonnull(exact);
        memcpy(exact, b.bytes, 93);
        ck_assert_int_eq(sockdiag_parse((const struct nlmsghdr *) exact, &l), -EBADMSG);
        free(exact);
        for (size_t i = 0; i < ELEMENTSOF(after); i++) {
                memcpy(b.bytes + 93, after[i], sizeof(after[i]));
                ck_assert_msg(sockdiag_parse(nlh, &l) == -EBADMSG, "accepted with %zu after it", i);
        }

        /* a last attribute without its padding still counts */
        nlh = put_reply(&b, AF_INET6, "::", 5173, 1000, 1, 0);
        mnl_attr_put_u8(nlh, INET_DIAG_SKV6ONLY, 1);
        nlh->nlmsg_len -= 3;
        memset(b.bytes + nlh->nlmsg_len, 0xff, 3);
        ck_assert_int_eq(sockdiag_parse(nlh, &l), 0);
        ck_assert(l.v6only);
}
END_TEST

START_TEST(test_parse_other_messages) {
        MsgBuf b;
        struct nlmsghdr *nlh;
        Listener l;

        nlh = put_reply(&b, AF_INET, "0.0.0.0", 5173, 1000, 1, 0);
        nlh->nlmsg_type = NLMSG_DONE;
        ck_assert_int_eq(sockdiag_parse(nlh, &l), -EOPNOTSUPP);

        nlh = put_reply(&b, AF_INET, "0.0.0.0", 5173, 1000, 1, 0);
        payload(nlh)->idiag_family = AF_UNIX;
        ck_assert_int_eq(sockdiag_parse(nlh, &l), -EOPNOTSUPP);

        nlh = put_reply(&b, AF_INET, "0.0.0.0", 5173, 1000, 1, 0);
        payload(nlh)->idiag_state = TCP_ESTABLISHED;
        ck_assert_int_eq(sockdiag_parse(nlh, &l), -EOPNOTSUPP);
}
END_TEST

static void put32(uint8_t *p, uint32_t v) {
        memcpy(p, &v, sizeof(v));
}

static void put16(uint8_t *p, uint16_t v) {
        memcpy(p, &v, sizeof(v));
}

START_TEST(test_build_request) {
        static const int families[] = { AF_INET, AF_INET6 };

        for (size_t i = 0; i < ELEMENTSOF(families); i++) {
                uint8_t buf[128] __attribute__((aligned(4))), expected[72] = {};

                /* nlmsghdr, in host byte order like all of netlink */
                put32(expected + 0, 72);
                put16(expected + 4, 20);                  /* SOCK_DIAG_BY_FAMILY */
                put16(expected + 6, 0x0001 | 0x0300);     /* NLM_F_REQUEST | NLM_F_DUMP */
                put32(expected + 8, 0x01020304);
                put32(expected + 12, 0);
                /* inet_diag_req_v2 */
                expected[16] = (uint8_t) families[i];
                expected[17] = 6;                         /* IPPROTO_TCP */
                expected[18] = 0;                         /* no extensions */
                expected[19] = 0;
                put32(expected + 20, 1U << 10);           /* TCP_LISTEN */
                /* the socket id stays zero: every socket */

                memset(buf, 0xee, sizeof(buf));
                ck_assert_int_eq(sockdiag_build_request(buf, sizeof(buf), families[i], 0x01020304), 72);
                ck_assert_mem_eq(buf, expected, sizeof(expected));
        }
}
END_TEST

START_TEST(test_build_request_errors) {
        uint8_t buf[128] __attribute__((aligned(4)));

        ck_assert_int_eq(sockdiag_build_request(buf, 71, AF_INET, 1), -ENOBUFS);
        ck_assert_int_eq(sockdiag_build_request(buf, 72, AF_INET, 1), 72);
        ck_assert_int_eq(sockdiag_build_request(buf, sizeof(buf), AF_UNIX, 1), -EAFNOSUPPORT);
}
END_TEST

/* AF_UNSPEC: the old TCPDIAG_GETSOCK request, which reports both families in one walk */
START_TEST(test_build_request_both_families) {
        uint8_t buf[128] __attribute__((aligned(4))), expected[76] = {};

        put32(expected + 0, 76);
        put16(expected + 4, 18);                          /* TCPDIAG_GETSOCK */
        put16(expected + 6, 0x0001 | 0x0300);             /* NLM_F_REQUEST | NLM_F_DUMP */
        put32(expected + 8, 0x0a0b0c0d);
        /* inet_diag_req: the kernel ignores the family of this request and dumps both */
        expected[16] = AF_INET;
        put32(expected + 16 + 4 + 48, 1U << 10);          /* idiag_states: TCP_LISTEN */
        memset(buf, 0xee, sizeof(buf));
        ck_assert_int_eq(sockdiag_build_request(buf, sizeof(buf), AF_UNSPEC, 0x0a0b0c0d), 76);
        ck_assert_mem_eq(buf, expected, sizeof(expected));
        ck_assert_int_eq(sockdiag_build_request(buf, 75, AF_UNSPEC, 1), -ENOBUFS);
}
END_TEST

START_TEST(test_parse_reply_to_the_old_request) {
        MsgBuf b;
        struct nlmsghdr *nlh = put_reply(&b, AF_INET6, "::", 8080, 1000, 77, 0);
        Listener l;

        nlh->nlmsg_type = 18;                             /* TCPDIAG_GETSOCK */
        mnl_attr_put_u8(nlh, INET_DIAG_SKV6ONLY, 1);
        ck_assert_int_eq(sockdiag_parse(nlh, &l), 0);
        ck_assert_int_eq(l.family, AF_INET6);
        ck_assert_uint_eq(l.port, 8080);
        ck_assert(l.v6only);
}
END_TEST

START_TEST(test_build_request_parses_as_its_own_kind) {
        uint8_t buf[128] __attribute__((aligned(4)));
        const struct nlmsghdr *nlh = (const struct nlmsghdr *) buf;
        const struct inet_diag_req_v2 *req;

        ck_assert_int_eq(sockdiag_build_request(buf, sizeof(buf), AF_INET6, 9), 72);
        ck_assert_uint_eq(nlh->nlmsg_len, NLMSG_LENGTH(sizeof(*req)));
        req = mnl_nlmsg_get_payload(nlh);
        ck_assert_uint_eq(req->sdiag_family, AF_INET6);
        ck_assert_uint_eq(req->sdiag_protocol, IPPROTO_TCP);
        ck_assert_uint_eq(req->idiag_states, 1U << TCP_LISTEN);
        ck_assert_uint_eq(nlh->nlmsg_seq, 9);
}
END_TEST

static Suite *sockdiag_suite(void) {
        Suite *s = suite_create("sockdiag");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, test_parse_ipv4_any);
        tcase_add_test(tc, test_parse_ipv4_loopback_bound_to_device);
        tcase_add_test(tc, test_parse_port_byte_order);
        tcase_add_test(tc, test_parse_ipv6_any_v6only);
        tcase_add_test(tc, test_parse_ipv6_any_dual_stack);
        tcase_add_test(tc, test_parse_ipv6_without_v6only_attribute);
        tcase_add_test(tc, test_parse_ipv6_mapped);
        tcase_add_test(tc, test_parse_ipv4_ignores_stale_address_bytes);
        tcase_add_test(tc, test_parse_unknown_attributes);
        tcase_add_test(tc, test_parse_bad_v6only_length);
        tcase_add_test(tc, test_parse_truncated);
        tcase_add_test(tc, test_parse_truncated_attribute);
        tcase_add_test(tc, test_parse_walk_ends_at_nlmsg_len);
        tcase_add_test(tc, test_parse_other_messages);
        tcase_add_test(tc, test_build_request);
        tcase_add_test(tc, test_build_request_errors);
        tcase_add_test(tc, test_build_request_both_families);
        tcase_add_test(tc, test_parse_reply_to_the_old_request);
        tcase_add_test(tc, test_build_request_parses_as_its_own_kind);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(sockdiag_suite)
