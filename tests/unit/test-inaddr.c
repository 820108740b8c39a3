/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "inaddr.h"
#include "macro.h"
#include "testutil.h"

static union in_addr_union addr(int family, const char *s) {
        union in_addr_union a;

        memset(&a, 0, sizeof(a));
        ck_assert_msg(inet_pton(family, s, &a) == 1, "bad test address %s", s);
        return a;
}

static int family_of(const char *s) {
        return strchr(s, ':') ? AF_INET6 : AF_INET;
}

START_TEST(test_size) {
        ck_assert_uint_eq(inaddr_size(AF_INET), 4);
        ck_assert_uint_eq(inaddr_size(AF_INET6), 16);
        ck_assert_uint_eq(inaddr_size(AF_UNIX), 0);
        ck_assert_uint_eq(inaddr_size(AF_UNSPEC), 0);
}
END_TEST

START_TEST(test_from_bytes) {
        static const unsigned char v4[4] = { 192, 168, 1, 23 };
        static const unsigned char v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 5 };
        union in_addr_union a, expected;

        memset(&a, 0xff, sizeof(a));
        ck_assert_int_eq(inaddr_from_bytes(AF_INET, v4, sizeof(v4), &a), 0);
        expected = addr(AF_INET, "192.168.1.23");
        ck_assert_mem_eq(a.bytes, expected.bytes, sizeof(a.bytes));

        memset(&a, 0xff, sizeof(a));
        ck_assert_int_eq(inaddr_from_bytes(AF_INET6, v6, sizeof(v6), &a), 0);
        expected = addr(AF_INET6, "2001:db8::5");
        ck_assert_mem_eq(a.bytes, expected.bytes, sizeof(a.bytes));
}
END_TEST

START_TEST(test_from_bytes_wrong_length) {
        static const unsigned char bytes[17] = {
                1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
        };
        union in_addr_union a, untouched;

        memset(&a, 0xaa, sizeof(a));
        untouched = a;
        ck_assert_int_eq(inaddr_from_bytes(AF_INET, bytes, 16, &a), -EBADMSG);
        ck_assert_int_eq(inaddr_from_bytes(AF_INET, bytes, 3, &a), -EBADMSG);
        ck_assert_int_eq(inaddr_from_bytes(AF_INET, bytes, 5, &a), -EBADMSG);
        ck_assert_int_eq(inaddr_from_bytes(AF_INET, bytes, 0, &a), -EBADMSG);
        ck_assert_int_eq(inaddr_from_bytes(AF_INET6, bytes, 4, &a), -EBADMSG);
        ck_assert_int_eq(inaddr_from_bytes(AF_INET6, bytes, 15, &a), -EBADMSG);
        ck_assert_int_eq(inaddr_from_bytes(AF_INET6, bytes, 17, &a), -EBADMSG);
        ck_assert_int_eq(inaddr_from_bytes(AF_UNIX, bytes, 4, &a), -EAFNOSUPPORT);
        ck_assert_int_eq(inaddr_from_bytes(AF_UNSPEC, bytes, 16, &a), -EAFNOSUPPORT);
        ck_assert_mem_eq(a.bytes, untouched.bytes, sizeof(a.bytes));
}
END_TEST

static const char *const to_string_cases[] = {
        "0.0.0.0",
        "127.0.0.1",
        "192.168.1.23",
        "10.100.99.9",
        "1.20.200.255",
        "255.255.255.255",
        "::",
        "::1",
        "fe80::1",
        "2001:db8::5",
        "2001:db8:1:2:3:4:5:6",
        "::ffff:192.168.1.1",
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
};

START_TEST(test_to_string) {
        const char *s = to_string_cases[_i];
        union in_addr_union a = addr(family_of(s), s);
        char buf[INADDR_STRLEN];

        memset(buf, 'x', sizeof(buf));
        ck_assert_int_eq(inaddr_to_string(family_of(s), &a, buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, s);
}
END_TEST

START_TEST(test_to_string_compresses) {
        union in_addr_union a = addr(AF_INET6, "2001:0db8:0000:0000:0000:0000:0000:0005");
        char buf[INADDR_STRLEN];

        ck_assert_int_eq(inaddr_to_string(AF_INET6, &a, buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "2001:db8::5");
}
END_TEST

START_TEST(test_to_string_small_buffer) {
        union in_addr_union a4 = addr(AF_INET, "192.168.1.23");
        union in_addr_union a6 = addr(AF_INET6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
        char buf[INADDR_STRLEN];

        /* exactly enough, NUL included */
        ck_assert_int_eq(inaddr_to_string(AF_INET, &a4, buf, strlen("192.168.1.23") + 1), 0);
        ck_assert_str_eq(buf, "192.168.1.23");
        ck_assert_int_eq(inaddr_to_string(AF_INET, &a4, buf, strlen("192.168.1.23")), -ENOSPC);
        ck_assert_int_eq(inaddr_to_string(AF_INET6, &a6, buf, 39), -ENOSPC);
        ck_assert_int_eq(inaddr_to_string(AF_INET6, &a6, buf, 40), 0);
        ck_assert_str_eq(buf, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
        ck_assert_int_eq(inaddr_to_string(AF_UNIX, &a4, buf, sizeof(buf)), -EAFNOSUPPORT);
}
END_TEST

START_TEST(test_compare) {
        union in_addr_union a, b;

        a = addr(AF_INET, "10.0.0.1");
        b = addr(AF_INET, "10.0.0.2");
        ck_assert_int_lt(inaddr_compare(AF_INET, &a, &b), 0);
        ck_assert_int_gt(inaddr_compare(AF_INET, &b, &a), 0);
        ck_assert_int_eq(inaddr_compare(AF_INET, &a, &a), 0);

        /* network byte order: the first octet counts most */
        a = addr(AF_INET, "9.255.255.255");
        b = addr(AF_INET, "10.0.0.0");
        ck_assert_int_lt(inaddr_compare(AF_INET, &a, &b), 0);

        a = addr(AF_INET6, "::1");
        b = addr(AF_INET6, "::2");
        ck_assert_int_lt(inaddr_compare(AF_INET6, &a, &b), 0);
        a = addr(AF_INET6, "2001:db8::");
        b = addr(AF_INET6, "fe80::");
        ck_assert_int_lt(inaddr_compare(AF_INET6, &a, &b), 0);
        ck_assert_int_gt(inaddr_compare(AF_INET6, &b, &a), 0);
        b = addr(AF_INET6, "2001:db8::");
        ck_assert_int_eq(inaddr_compare(AF_INET6, &a, &b), 0);
}
END_TEST

START_TEST(test_compare_ignores_unused_bytes) {
        union in_addr_union a = addr(AF_INET, "192.168.1.1"), b = a;

        b.bytes[4] = 1;
        b.bytes[15] = 9;
        ck_assert_int_eq(inaddr_compare(AF_INET, &a, &b), 0);
        ck_assert(inaddr_equal(AF_INET, &a, &b));
        ck_assert(!inaddr_equal(AF_INET6, &a, &b));
}
END_TEST

START_TEST(test_equal) {
        union in_addr_union a = addr(AF_INET6, "2001:db8::5"), b = addr(AF_INET6, "2001:db8::5");

        ck_assert(inaddr_equal(AF_INET6, &a, &b));
        b = addr(AF_INET6, "2001:db8::6");
        ck_assert(!inaddr_equal(AF_INET6, &a, &b));
        a = addr(AF_INET, "10.1.2.3");
        b = addr(AF_INET, "10.1.2.3");
        ck_assert(inaddr_equal(AF_INET, &a, &b));
        b = addr(AF_INET, "10.1.2.4");
        ck_assert(!inaddr_equal(AF_INET, &a, &b));
}
END_TEST

START_TEST(test_is_any) {
        union in_addr_union a;

        a = addr(AF_INET, "0.0.0.0");
        ck_assert(inaddr_is_any(AF_INET, &a));
        a = addr(AF_INET6, "::");
        ck_assert(inaddr_is_any(AF_INET6, &a));
        a = addr(AF_INET, "0.0.0.1");
        ck_assert(!inaddr_is_any(AF_INET, &a));
        a = addr(AF_INET, "128.0.0.0");
        ck_assert(!inaddr_is_any(AF_INET, &a));
        a = addr(AF_INET6, "::1");
        ck_assert(!inaddr_is_any(AF_INET6, &a));
        a = addr(AF_INET6, "8000::");
        ck_assert(!inaddr_is_any(AF_INET6, &a));

        /* an IPv4 address ends after 4 bytes */
        a = addr(AF_INET, "0.0.0.0");
        a.bytes[4] = 1;
        ck_assert(inaddr_is_any(AF_INET, &a));
        ck_assert(!inaddr_is_any(AF_INET6, &a));
}
END_TEST

typedef struct PredicateCase {
        const char *address;
        bool loopback;
        bool link_local;
        bool ula;
} PredicateCase;

static const PredicateCase predicate_cases[] = {
        { "127.0.0.1",       true,  false, false },
        { "127.0.0.0",       true,  false, false },
        { "127.255.255.254", true,  false, false },
        { "127.0.1.1",       true,  false, false },
        { "126.255.255.255", false, false, false },
        { "128.0.0.1",       false, false, false },
        { "0.0.0.0",         false, false, false },
        { "192.168.1.23",    false, false, false },
        { "169.254.0.1",     false, true,  false },
        { "169.254.255.255", false, true,  false },
        { "169.253.255.255", false, false, false },
        { "169.255.0.0",     false, false, false },
        { "254.169.0.1",     false, false, false },
        /* 252.x is not ULA: fc00::/7 is IPv6 only */
        { "252.0.0.1",       false, false, false },
        { "253.1.2.3",       false, false, false },
        { "::1",             true,  false, false },
        { "::",              false, false, false },
        { "::2",             false, false, false },
        { "1::1",            false, false, false },
        /* mapped addresses are unmapped before they are judged */
        { "::ffff:127.0.0.1", false, false, false },
        { "fe80::1",         false, true,  false },
        { "fe80::1:2:3:4",   false, true,  false },
        { "febf:ffff::1",    false, true,  false },
        { "fec0::1",         false, false, false },
        { "fe7f::1",         false, false, false },
        { "fc00::1",         false, false, true  },
        { "fd12:3456:789a::1", false, false, true },
        { "fdff:ffff::",     false, false, true  },
        { "fbff:ffff::1",    false, false, false },
        { "fe00::1",         false, false, false },
        { "2001:db8::5",     false, false, false },
};

START_TEST(test_predicates) {
        const PredicateCase *c = &predicate_cases[_i];
        int family = family_of(c->address);
        union in_addr_union a = addr(family, c->address);

        ck_assert_msg(inaddr_is_loopback(family, &a) == c->loopback, "%s: loopback", c->address);
        ck_assert_msg(inaddr_is_link_local(family, &a) == c->link_local, "%s: link-local",
                      c->address);
        ck_assert_msg(inaddr_is_ula(family, &a) == c->ula, "%s: ula", c->address);
}
END_TEST

START_TEST(test_predicates_unknown_family) {
        union in_addr_union a = addr(AF_INET, "127.0.0.1");

        ck_assert(!inaddr_is_loopback(AF_UNIX, &a));
        a = addr(AF_INET, "169.254.1.1");
        ck_assert(!inaddr_is_link_local(AF_UNIX, &a));
        a = addr(AF_INET6, "fd00::1");
        ck_assert(!inaddr_is_ula(AF_UNIX, &a));
}
END_TEST

START_TEST(test_unmap_v4) {
        union in_addr_union a = addr(AF_INET6, "::ffff:192.168.1.2");
        union in_addr_union expected = addr(AF_INET, "192.168.1.2");

        ck_assert_int_eq(inaddr_unmap_v4(AF_INET6, &a), AF_INET);
        ck_assert_mem_eq(a.bytes, expected.bytes, sizeof(a.bytes));

        a = addr(AF_INET6, "::ffff:0.0.0.0");
        expected = addr(AF_INET, "0.0.0.0");
        ck_assert_int_eq(inaddr_unmap_v4(AF_INET6, &a), AF_INET);
        ck_assert_mem_eq(a.bytes, expected.bytes, sizeof(a.bytes));
        ck_assert(inaddr_is_any(AF_INET, &a));

        a = addr(AF_INET6, "::ffff:127.0.0.1");
        ck_assert_int_eq(inaddr_unmap_v4(AF_INET6, &a), AF_INET);
        ck_assert(inaddr_is_loopback(AF_INET, &a));
}
END_TEST

START_TEST(test_unmap_v4_leaves_others) {
        static const char *const v6[] = {
                "::1", "::", "2001:db8::5", "::192.168.1.2", "::fffe:192.168.1.2",
                "64:ff9b::192.168.1.2",
        };
        union in_addr_union a, before;

        for (size_t i = 0; i < ELEMENTSOF(v6); i++) {
                a = before = addr(AF_INET6, v6[i]);
                ck_assert_int_eq(inaddr_unmap_v4(AF_INET6, &a), AF_INET6);
                ck_assert_mem_eq(a.bytes, before.bytes, sizeof(a.bytes));
        }

        a = before = addr(AF_INET, "10.0.0.1");
        ck_assert_int_eq(inaddr_unmap_v4(AF_INET, &a), AF_INET);
        ck_assert_mem_eq(a.bytes, before.bytes, sizeof(a.bytes));
}
END_TEST

static Suite *inaddr_suite(void) {
        Suite *s = suite_create("inaddr");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, test_size);
        tcase_add_test(tc, test_from_bytes);
        tcase_add_test(tc, test_from_bytes_wrong_length);
        tcase_add_loop_test(tc, test_to_string, 0, (int) ELEMENTSOF(to_string_cases));
        tcase_add_test(tc, test_to_string_compresses);
        tcase_add_test(tc, test_to_string_small_buffer);
        tcase_add_test(tc, test_compare);
        tcase_add_test(tc, test_compare_ignores_unused_bytes);
        tcase_add_test(tc, test_equal);
        tcase_add_test(tc, test_is_any);
        tcase_add_loop_test(tc, test_predicates, 0, (int) ELEMENTSOF(predicate_cases));
        tcase_add_test(tc, test_predicates_unknown_family);
        tcase_add_test(tc, test_unmap_v4);
        tcase_add_test(tc, test_unmap_v4_leaves_others);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(inaddr_suite)
