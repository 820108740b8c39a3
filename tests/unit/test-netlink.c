/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include "macro.h"
#include "netlink.h"
#include "testutil.h"

typedef union Buf {
        struct nlmsghdr nlh;
        uint8_t bytes[256];
} Buf;

/* RTM_NEWADDR with IFA_ADDRESS, IFA_LABEL "lan0" and a u8 (IFA_PROTO), in the kernel's layout */
static struct nlmsghdr *put_msg(Buf *b) {
        static const uint8_t addr[4] = { 10, 0, 0, 2 };
        struct nlmsghdr *nlh;

        memset(b, 0xee, sizeof(*b));
        memset(b, 0, NLMSG_HDRLEN + sizeof(struct ifaddrmsg));
        nlh = mnl_nlmsg_put_header(b->bytes);
        nlh->nlmsg_type = RTM_NEWADDR;
        mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifaddrmsg));
        mnl_attr_put(nlh, IFA_ADDRESS, sizeof(addr), addr);
        mnl_attr_put_strz(nlh, IFA_LABEL, "lan0");
        mnl_attr_put_u8(nlh, IFA_PROTO, 3);
        return nlh;
}

/* Walks to the end: the number of attributes, or the error */
static int count(NetlinkAttrs *a) {
        const struct nlattr *attr;
        int n = 0, r;

        while ((r = netlink_attrs_next(a, &attr)) > 0)
                n++;
        return r < 0 ? r : n;
}

START_TEST(test_walk_message) {
        Buf b;
        struct nlmsghdr *nlh = put_msg(&b);
        const struct nlattr *attr;
        NetlinkAttrs a;

        ck_assert_int_eq(netlink_attrs_init(nlh, sizeof(struct ifaddrmsg), &a), 0);
        ck_assert_int_eq(netlink_attrs_next(&a, &attr), 1);
        ck_assert_uint_eq(mnl_attr_get_type(attr), IFA_ADDRESS);
        ck_assert_ptr_eq(attr, b.bytes + NLMSG_HDRLEN + sizeof(struct ifaddrmsg));
        ck_assert_int_eq(netlink_attrs_next(&a, &attr), 1);
        ck_assert_str_eq(mnl_attr_get_str(attr), "lan0");
        ck_assert_int_eq(netlink_attrs_next(&a, &attr), 1);
        ck_assert_uint_eq(mnl_attr_get_u8(attr), 3);
        ck_assert_int_eq(netlink_attrs_next(&a, &attr), 0);
        ck_assert_int_eq(netlink_attrs_next(&a, &attr), 0);

        /* the header alone: no attributes */
        nlh->nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
        ck_assert_int_eq(netlink_attrs_init(nlh, sizeof(struct ifaddrmsg), &a), 0);
        ck_assert_int_eq(count(&a), 0);
        /* shorter than the header */
        nlh->nlmsg_len--;
        ck_assert_int_eq(netlink_attrs_init(nlh, sizeof(struct ifaddrmsg), &a), -EBADMSG);
        nlh->nlmsg_len = NLMSG_HDRLEN - 1;
        ck_assert_int_eq(netlink_attrs_init(nlh, 0, &a), -EBADMSG);
}
END_TEST

START_TEST(test_walk_ends_at_nlmsg_len) {
        Buf b;
        struct nlmsghdr *nlh = put_msg(&b);
        uint32_t full = nlh->nlmsg_len;
        NetlinkAttrs a;

        /* the last attribute without its padding */
        nlh->nlmsg_len = full - 3;
        ck_assert_int_eq(netlink_attrs_init(nlh, sizeof(struct ifaddrmsg), &a), 0);
        ck_assert_int_eq(count(&a), 3);
        /* Every other cut leaves an attribute that does not fit, whatever follows the message.
         * The layout: headers up to 24, IFA_ADDRESS to 32, IFA_LABEL to 41 and its padding to 44,
         * IFA_PROTO to 49 and its padding to 52. */
        ck_assert_uint_eq(full, 52);
        for (uint32_t len = 25; len < 49; len++) {
                if (len == 32 || (len >= 41 && len <= 44))
                        continue;
                nlh->nlmsg_len = len;
                memset(b.bytes + len, 0, full - len);
                ck_assert_int_eq(netlink_attrs_init(nlh, sizeof(struct ifaddrmsg), &a), 0);
                ck_assert_msg(count(&a) == -EBADMSG, "cut at %u accepted", len);
                nlh = put_msg(&b);
        }
}
END_TEST

START_TEST(test_walk_bad_lengths) {
        uint8_t bytes[16] __attribute__((aligned(4))) = {};
        struct nlattr *attr = (struct nlattr *) bytes;
        const struct nlattr *got;
        NetlinkAttrs a;

        /* nla_len below the header: the walk would never move */
        attr->nla_len = 3;
        netlink_attrs_init_payload(bytes, sizeof(bytes), &a);
        ck_assert_int_eq(netlink_attrs_next(&a, &got), -EBADMSG);
        ck_assert_int_eq(netlink_attrs_next(&a, &got), -EBADMSG);
        /* running past the end */
        attr->nla_len = 17;
        netlink_attrs_init_payload(bytes, sizeof(bytes), &a);
        ck_assert_int_eq(netlink_attrs_next(&a, &got), -EBADMSG);
        /* fitting exactly, then three bytes that are no header */
        attr->nla_len = 13;
        netlink_attrs_init_payload(bytes, sizeof(bytes), &a);
        ck_assert_int_eq(count(&a), 1);
        attr->nla_len = 12;
        netlink_attrs_init_payload(bytes, 15, &a);
        ck_assert_int_eq(count(&a), -EBADMSG);
        netlink_attrs_init_payload(bytes, 0, &a);
        ck_assert_int_eq(count(&a), 0);
}
END_TEST

START_TEST(test_walk_nested) {
        Buf b;
        struct nlmsghdr *nlh = put_msg(&b);
        struct nlattr *nest, *inner;
        NetlinkAttrs a;

        nest = mnl_attr_nest_start(nlh, IFA_CACHEINFO);
        mnl_attr_put_u32(nlh, 1, 7);
        inner = mnl_attr_nest_start(nlh, 2);
        mnl_attr_nest_end(nlh, inner);
        mnl_attr_nest_end(nlh, nest);
        netlink_attrs_init_nested(nest, &a);
        ck_assert_int_eq(count(&a), 2);
        netlink_attrs_init_nested(inner, &a);
        ck_assert_int_eq(count(&a), 0);
        /* the nest ends inside its first attribute */
        nest->nla_len -= 6;
        netlink_attrs_init_nested(nest, &a);
        ck_assert_int_eq(count(&a), -EBADMSG);
}
END_TEST

START_TEST(test_table) {
        Buf b;
        struct nlmsghdr *nlh = put_msg(&b);
        const struct nlattr *tb[IFA_MAX + 1], *small[IFA_LABEL + 1];
        NetlinkAttrs a;

        /* a second IFA_ADDRESS: the last one counts; NLA_F_NESTED is no part of the type */
        mnl_attr_put_u32(nlh, IFA_ADDRESS, 0x0100007f);
        mnl_attr_put_u32(nlh, IFA_FLAGS | NLA_F_NESTED, 0);
        ck_assert_int_eq(netlink_attrs_init(nlh, sizeof(struct ifaddrmsg), &a), 0);
        memset(tb, 0xee, sizeof(tb));
        ck_assert_int_eq(netlink_attrs_table(&a, tb, IFA_MAX), 0);
        ck_assert_uint_eq(mnl_attr_get_u32(tb[IFA_ADDRESS]), 0x0100007f);
        ck_assert_str_eq(mnl_attr_get_str(tb[IFA_LABEL]), "lan0");
        ck_assert_ptr_nonnull(tb[IFA_PROTO]);
        ck_assert_ptr_nonnull(tb[IFA_FLAGS]);
        ck_assert_ptr_null(tb[IFA_LOCAL]);
        ck_assert_ptr_null(tb[IFA_UNSPEC]);

        /* types above max are left out */
        ck_assert_int_eq(netlink_attrs_init(nlh, sizeof(struct ifaddrmsg), &a), 0);
        ck_assert_int_eq(netlink_attrs_table(&a, small, IFA_LABEL), 0);
        ck_assert_ptr_nonnull(small[IFA_LABEL]);

        nlh->nlmsg_len -= 2;
        ck_assert_int_eq(netlink_attrs_init(nlh, sizeof(struct ifaddrmsg), &a), 0);
        ck_assert_int_eq(netlink_attrs_table(&a, tb, IFA_MAX), -EBADMSG);
}
END_TEST

static Suite *netlink_suite(void) {
        Suite *s = suite_create("netlink");
        TCase *tc = tcase_create("attributes");

        tcase_add_test(tc, test_walk_message);
        tcase_add_test(tc, test_walk_ends_at_nlmsg_len);
        tcase_add_test(tc, test_walk_bad_lengths);
        tcase_add_test(tc, test_walk_nested);
        tcase_add_test(tc, test_table);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(netlink_suite)
