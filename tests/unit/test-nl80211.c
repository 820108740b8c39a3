/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <net/if.h>          /* before linux/if.h, which then skips what glibc defines */
#include <linux/genetlink.h>
#include <linux/if_arp.h>
#include <linux/nl80211.h>
#include <stdio.h>
#include <string.h>

#include "format.h"
#include "nl80211.h"
#include "testutil.h"

#define FAMILY 0x1e
#define PORTID 4242u

typedef struct Msg {
        uint8_t data[4096] __attribute__((aligned(8)));
} Msg;

static struct nlmsghdr *msg_new(Msg *m, uint16_t type, uint8_t cmd) {
        struct nlmsghdr *nlh;
        struct genlmsghdr *genl;

        memset(m, 0, sizeof(*m));
        nlh = mnl_nlmsg_put_header(m->data);
        nlh->nlmsg_type = type;
        nlh->nlmsg_seq = 9;
        nlh->nlmsg_pid = PORTID;
        genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
        genl->cmd = cmd;
        genl->version = 1;
        return nlh;
}

/* Bytes as the kernel (Linux 6.18) sent them, read with a plain netlink socket. */

/* CTRL_CMD_GETFAMILY "VFS_DQUOT": name, id, version, hdrsize, maxattr, one multicast group */
static const uint8_t captured_family[] __attribute__((aligned(8))) = {
        0x60, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0xe3, 0x73, 0x00, 0x00,
        0x01, 0x02, 0x00, 0x00,
        0x0e, 0x00, 0x02, 0x00, 'V', 'F', 'S', '_', 'D', 'Q', 'U', 'O', 'T', 0x00, 0x00, 0x00,
        0x06, 0x00, 0x01, 0x00, 0x11, 0x00, 0x00, 0x00,
        0x08, 0x00, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00,
        0x08, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x08, 0x00, 0x05, 0x00, 0x07, 0x00, 0x00, 0x00,
        0x1c, 0x00, 0x07, 0x00,
        0x18, 0x00, 0x01, 0x00,
        0x08, 0x00, 0x02, 0x00, 0x11, 0x00, 0x00, 0x00,
        0x0b, 0x00, 0x01, 0x00, 'e', 'v', 'e', 'n', 't', 's', 0x00, 0x00,
};

/* CTRL_CMD_GETFAMILY "nl80211" on a machine without cfg80211: -ENOENT, our request echoed */
static const uint8_t captured_no_nl80211[] __attribute__((aligned(8))) = {
        0x34, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0xba, 0x73, 0x00, 0x00,
        0xfe, 0xff, 0xff, 0xff,
        0x20, 0x00, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x03, 0x01, 0x00, 0x00,
        0x0c, 0x00, 0x02, 0x00, 'n', 'l', '8', '0', '2', '1', '1', 0x00,
};

START_TEST(test_build_get_family) {
        uint32_t buf[64 / sizeof(uint32_t)];
        int len;

        len = nl80211_build_get_family(buf, sizeof(buf), 7);
        ck_assert_int_eq(len, 32);
        /* exactly the request the kernel echoed in its answer */
        ck_assert_int_eq(memcmp(buf, captured_no_nl80211 + 20, 32), 0);
        ck_assert_int_eq(nl80211_build_get_family(buf, 31, 7), -ENOBUFS);
}
END_TEST

START_TEST(test_build_get_interface) {
        uint32_t buf[64 / sizeof(uint32_t)];
        const struct nlmsghdr *nlh = (const struct nlmsghdr *) buf;
        const struct genlmsghdr *genl;
        const struct nlattr *attr;

        ck_assert_int_eq(nl80211_build_get_interface(buf, sizeof(buf), FAMILY, 12, 3), 28);
        ck_assert_uint_eq(nlh->nlmsg_len, 28);
        ck_assert_uint_eq(nlh->nlmsg_type, FAMILY);
        ck_assert_uint_eq(nlh->nlmsg_flags, NLM_F_REQUEST);
        ck_assert_uint_eq(nlh->nlmsg_seq, 12);
        ck_assert_uint_eq(nlh->nlmsg_pid, 0);
        genl = mnl_nlmsg_get_payload(nlh);
        ck_assert_uint_eq(genl->cmd, NL80211_CMD_GET_INTERFACE);
        attr = mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN);
        ck_assert_uint_eq(mnl_attr_get_type(attr), NL80211_ATTR_IFINDEX);
        ck_assert_uint_eq(mnl_attr_get_len(attr), 8);
        ck_assert_uint_eq(mnl_attr_get_u32(attr), 3);

        ck_assert_int_eq(nl80211_build_get_interface(buf, 27, FAMILY, 12, 3), -ENOBUFS);
        ck_assert_int_eq(nl80211_build_get_interface(buf, sizeof(buf), FAMILY, 12, 0), -EINVAL);
        ck_assert_int_eq(nl80211_build_get_interface(buf, sizeof(buf), NLMSG_ERROR, 12, 3), -EINVAL);
}
END_TEST

START_TEST(test_family_captured) {
        const struct nlmsghdr *nlh = (const struct nlmsghdr *) captured_family;
        Nl80211Family f;

        ck_assert_uint_eq(nlh->nlmsg_len, sizeof(captured_family));
        ck_assert_int_eq(nl80211_parse_family(nlh, &f), 0);
        ck_assert_str_eq(f.name, "VFS_DQUOT");
        ck_assert_uint_eq(f.id, 0x11);
        ck_assert_uint_eq(f.n_groups, 1);
        ck_assert_str_eq(f.groups[0].name, "events");
        ck_assert_uint_eq(f.groups[0].id, 0x11);
        ck_assert_uint_eq(nl80211_family_group(&f, "events"), 0x11);
        ck_assert_uint_eq(nl80211_family_group(&f, "mlme"), 0);
        ck_assert_int_eq(nl80211_parse_error(nlh), -EOPNOTSUPP);
}
END_TEST

START_TEST(test_family_absent) {
        const struct nlmsghdr *nlh = (const struct nlmsghdr *) captured_no_nl80211;
        Nl80211Family f = { .id = 77 };

        ck_assert_int_eq(nl80211_parse_error(nlh), -ENOENT);
        ck_assert_int_eq(nl80211_parse_family(nlh, &f), -EOPNOTSUPP);
        ck_assert_uint_eq(f.id, 77);
}
END_TEST

static void put_group(struct nlmsghdr *nlh, uint16_t index, const char *name, uint32_t id) {
        struct nlattr *entry = mnl_attr_nest_start(nlh, index);

        if (id)
                mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, id);
        if (name)
                mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, name);
        mnl_attr_nest_end(nlh, entry);
}

/* As nl80211 answers, in the kernel's order, with a shortened list of operations */
static struct nlmsghdr *nl80211_family_msg(Msg *m) {
        static const char *const names[] = { "config", "scan", "regulatory", "mlme", "vendor", "nan" };
        struct nlmsghdr *nlh = msg_new(m, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
        struct nlattr *ops, *op, *groups;

        mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "nl80211");
        mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, FAMILY);
        mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, 1);
        mnl_attr_put_u32(nlh, CTRL_ATTR_HDRSIZE, 0);
        mnl_attr_put_u32(nlh, CTRL_ATTR_MAXATTR, NL80211_ATTR_MAX);
        ops = mnl_attr_nest_start(nlh, CTRL_ATTR_OPS);
        for (uint16_t i = 1; i <= 3; i++) {
                op = mnl_attr_nest_start(nlh, i);
                mnl_attr_put_u32(nlh, CTRL_ATTR_OP_ID, i);
                mnl_attr_put_u32(nlh, CTRL_ATTR_OP_FLAGS, 0x1e);
                mnl_attr_nest_end(nlh, op);
        }
        mnl_attr_nest_end(nlh, ops);
        groups = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
        for (uint16_t i = 0; i < 6; i++)
                put_group(nlh, i + 1, names[i], 5 + i);
        mnl_attr_nest_end(nlh, groups);
        return nlh;
}

START_TEST(test_family_nl80211) {
        Msg m;
        struct nlmsghdr *nlh = nl80211_family_msg(&m);
        Nl80211Family f;

        ck_assert_int_eq(nl80211_parse_family(nlh, &f), 0);
        ck_assert_str_eq(f.name, "nl80211");
        ck_assert_uint_eq(f.id, FAMILY);
        ck_assert_uint_eq(f.n_groups, 6);
        ck_assert_uint_eq(nl80211_family_group(&f, NL80211_MULTICAST_GROUP_MLME), 8);
        ck_assert_uint_eq(nl80211_family_group(&f, NL80211_MULTICAST_GROUP_CONFIG), 5);
        ck_assert_uint_eq(nl80211_family_group(&f, NL80211_MULTICAST_GROUP_NAN), 10);
        ck_assert_uint_eq(nl80211_family_group(&f, "mlm"), 0);
}
END_TEST

START_TEST(test_family_many_groups) {
        Msg m;
        struct nlmsghdr *nlh = msg_new(&m, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
        struct nlattr *groups;
        Nl80211Family f;
        char name[16];

        mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, FAMILY);
        mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "nl80211");
        groups = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
        for (uint16_t i = 0; i < 20; i++) {
                snprintf(name, sizeof(name), "g%u", i);
                put_group(nlh, i + 1, name, 100 + i);
        }
        mnl_attr_nest_end(nlh, groups);
        /* the first ones are kept, the rest ignored, not an error */
        ck_assert_int_eq(nl80211_parse_family(nlh, &f), 0);
        ck_assert_uint_eq(f.n_groups, NL80211_FAMILY_GROUPS_MAX);
        ck_assert_uint_eq(nl80211_family_group(&f, "g15"), 115);
        ck_assert_uint_eq(nl80211_family_group(&f, "g16"), 0);
}
END_TEST

/* One broken thing at a time, each the only difference from a good message */
typedef enum FamilyFault {
        FAULT_NO_ID,
        FAULT_NO_NAME,
        FAULT_ID_U8,
        FAULT_ID_U32,
        FAULT_NAME_UNTERMINATED,
        FAULT_NAME_LONG,
        FAULT_GROUP_NO_ID,
        FAULT_GROUP_NO_NAME,
        FAULT_GROUP_ID_ZERO,
        FAULT_GROUP_NAME_LONG,
        FAULT_GROUP_ID_U16,
        FAULT_GROUPS_NOT_NESTED,
        FAULT_CONTROL_ID,
        _FAULT_MAX,
} FamilyFault;

static struct nlmsghdr *family_with_fault(Msg *m, FamilyFault fault) {
        struct nlmsghdr *nlh = msg_new(m, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
        struct nlattr *groups, *entry;

        switch (fault) {
        case FAULT_NO_ID:
                break;
        case FAULT_ID_U8:
                mnl_attr_put_u8(nlh, CTRL_ATTR_FAMILY_ID, FAMILY);
                break;
        case FAULT_ID_U32:
                mnl_attr_put_u32(nlh, CTRL_ATTR_FAMILY_ID, FAMILY);
                break;
        case FAULT_CONTROL_ID:
                mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, NLMSG_DONE);
                break;
        case FAULT_NO_NAME:
        case FAULT_NAME_UNTERMINATED:
        case FAULT_NAME_LONG:
        case FAULT_GROUP_NO_ID:
        case FAULT_GROUP_NO_NAME:
        case FAULT_GROUP_ID_ZERO:
        case FAULT_GROUP_NAME_LONG:
        case FAULT_GROUP_ID_U16:
        case FAULT_GROUPS_NOT_NESTED:
        case _FAULT_MAX:
                mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, FAMILY);
                break;
        }
        if (fault == FAULT_NAME_UNTERMINATED)
                mnl_attr_put(nlh, CTRL_ATTR_FAMILY_NAME, 7, "nl80211");
        else if (fault == FAULT_NAME_LONG)
                mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "nl80211-and-more!");
        else if (fault != FAULT_NO_NAME)
                mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "nl80211");

        if (fault == FAULT_GROUPS_NOT_NESTED) {
                mnl_attr_put_u16(nlh, CTRL_ATTR_MCAST_GROUPS, 1);
                return nlh;
        }
        groups = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
        put_group(nlh, 1, "config", 5);
        entry = mnl_attr_nest_start(nlh, 2);
        if (fault == FAULT_GROUP_ID_ZERO)
                mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 0);
        else if (fault == FAULT_GROUP_ID_U16)
                mnl_attr_put_u16(nlh, CTRL_ATTR_MCAST_GRP_ID, 8);
        else if (fault != FAULT_GROUP_NO_ID)
                mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 8);
        if (fault == FAULT_GROUP_NAME_LONG)
                mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "mlme-mlme-mlme-m");
        else if (fault != FAULT_GROUP_NO_NAME)
                mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "mlme");
        mnl_attr_nest_end(nlh, entry);
        mnl_attr_nest_end(nlh, groups);
        return nlh;
}

START_TEST(test_family_faults) {
        Msg m;
        Nl80211Family f;

        /* the control: the same message without a fault parses */
        ck_assert_int_eq(nl80211_parse_family(family_with_fault(&m, _FAULT_MAX), &f), 0);
        ck_assert_uint_eq(nl80211_family_group(&f, "mlme"), 8);
        for (int i = 0; i < _FAULT_MAX; i++) {
                f = (Nl80211Family) { .id = 1 };
                ck_assert_msg(nl80211_parse_family(family_with_fault(&m, (FamilyFault) i), &f) == -EBADMSG,
                              "fault %d was not rejected", i);
                ck_assert_uint_eq(f.id, 1);
        }
}
END_TEST

START_TEST(test_family_truncated) {
        Msg m;
        struct nlmsghdr *nlh = nl80211_family_msg(&m);
        uint32_t full = nlh->nlmsg_len;
        const struct genlmsghdr *genl;
        Nl80211Family f;

        /* every cut that is not at the end of a top-level attribute leaves one that does not fit */
        for (uint32_t len = NLMSG_HDRLEN + GENL_HDRLEN + 1; len < full; len++) {
                const struct nlattr *attr;
                bool boundary = false;

                mnl_attr_for_each(attr, nlh, GENL_HDRLEN)
                        if ((uint32_t) ((const uint8_t *) attr - m.data) == len)
                                boundary = true;
                if (boundary)
                        continue;
                nlh->nlmsg_len = len;
                ck_assert_msg(nl80211_parse_family(nlh, &f) == -EBADMSG, "cut at %u was accepted", len);
                nlh->nlmsg_len = full;
        }
        nlh->nlmsg_len = NLMSG_HDRLEN + 3;
        ck_assert_int_eq(nl80211_parse_family(nlh, &f), -EBADMSG);
        nlh->nlmsg_len = NLMSG_HDRLEN - 1;
        ck_assert_int_eq(nl80211_parse_family(nlh, &f), -EBADMSG);
        nlh->nlmsg_len = full;
        genl = mnl_nlmsg_get_payload(nlh);
        ((struct genlmsghdr *) genl)->cmd = CTRL_CMD_NEWMCAST_GRP;
        ck_assert_int_eq(nl80211_parse_family(nlh, &f), -EOPNOTSUPP);
}
END_TEST

START_TEST(test_family_nested_overrun) {
        Msg m;
        struct nlmsghdr *nlh = nl80211_family_msg(&m);
        struct nlattr *attr, *groups = NULL, *last = NULL, *entry;
        Nl80211Family f;

        mnl_attr_for_each(attr, nlh, GENL_HDRLEN)
                if (mnl_attr_get_type(attr) == CTRL_ATTR_MCAST_GROUPS)
                        groups = attr;
        ck_assert_ptr_nonnull(groups);
        mnl_attr_for_each_nested(entry, groups)
                last = entry;
        ck_assert_ptr_nonnull(last);
        /* the last group claims 4 bytes more than its nest holds */
        last->nla_len += 4;
        ck_assert_int_eq(nl80211_parse_family(nlh, &f), -EBADMSG);
}
END_TEST

START_TEST(test_family_group_overrun) {
        Msg m;
        struct nlmsghdr *nlh = msg_new(&m, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
        struct nlattr *groups, *entry, *extra;
        Nl80211Family f;

        mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, FAMILY);
        mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "nl80211");
        groups = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
        entry = mnl_attr_nest_start(nlh, 1);
        mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 8);
        mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "mlme");
        extra = (struct nlattr *) mnl_nlmsg_get_payload_tail(nlh);
        mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_MAX + 1, 0);
        mnl_attr_nest_end(nlh, entry);
        mnl_attr_nest_end(nlh, groups);
        /* an attribute of a newer kernel is skipped */
        ck_assert_int_eq(nl80211_parse_family(nlh, &f), 0);
        ck_assert_uint_eq(nl80211_family_group(&f, "mlme"), 8);
        /* but not one that runs out of its group */
        extra->nla_len += 4;
        ck_assert_int_eq(nl80211_parse_family(nlh, &f), -EBADMSG);
}
END_TEST

/* A GET_INTERFACE answer as cfg80211 builds it (nl80211_send_iface), SSID last */
static struct nlmsghdr *interface_msg(Msg *m, int ifindex, uint32_t iftype, const void *ssid, size_t ssid_len) {
        static const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
        struct nlmsghdr *nlh = msg_new(m, FAMILY, NL80211_CMD_NEW_INTERFACE);

        if (ifindex >= 0)
                mnl_attr_put_u32(nlh, NL80211_ATTR_IFINDEX, (uint32_t) ifindex);
        mnl_attr_put_strz(nlh, NL80211_ATTR_IFNAME, "wlan0");
        mnl_attr_put_u32(nlh, NL80211_ATTR_WIPHY, 0);
        mnl_attr_put_u32(nlh, NL80211_ATTR_IFTYPE, iftype);
        mnl_attr_put_u64(nlh, NL80211_ATTR_WDEV, 1);
        mnl_attr_put(nlh, NL80211_ATTR_MAC, sizeof(mac), mac);
        mnl_attr_put_u32(nlh, NL80211_ATTR_GENERATION, 5);
        mnl_attr_put_u8(nlh, NL80211_ATTR_4ADDR, 0);
        mnl_attr_put_u32(nlh, NL80211_ATTR_WIPHY_FREQ, 5180);
        if (ssid)
                mnl_attr_put(nlh, NL80211_ATTR_SSID, ssid_len, ssid);
        return nlh;
}

START_TEST(test_interface_ssid) {
        Msg m;
        Nl80211Interface i;

        ck_assert_int_eq(nl80211_parse_interface(interface_msg(&m, 3, NL80211_IFTYPE_STATION, "CoffeeShop", 10),
                                                 FAMILY, &i), 0);
        ck_assert_int_eq(i.ifindex, 3);
        ck_assert_uint_eq(i.iftype, NL80211_IFTYPE_STATION);
        ck_assert_uint_eq(i.ssid_len, 10);
        ck_assert_str_eq(i.ssid, "CoffeeShop");
        ck_assert_int_eq(memcmp(i.ssid, "CoffeeShop\0\0\0", 13), 0);
}
END_TEST

START_TEST(test_interface_not_connected) {
        Msg m;
        Nl80211Interface i;
        static const char zeros[LINK_SSID_MAX + 1];

        ck_assert_int_eq(nl80211_parse_interface(interface_msg(&m, 7, NL80211_IFTYPE_STATION, NULL, 0), FAMILY, &i), 0);
        ck_assert_int_eq(i.ifindex, 7);
        ck_assert_uint_eq(i.ssid_len, 0);
        ck_assert_int_eq(memcmp(i.ssid, zeros, sizeof(zeros)), 0);
        /* an empty attribute is no name either */
        ck_assert_int_eq(nl80211_parse_interface(interface_msg(&m, 7, NL80211_IFTYPE_STATION, "", 0), FAMILY, &i), 0);
        ck_assert_uint_eq(i.ssid_len, 0);
        /* a hidden network: the beacon's blank name */
        ck_assert_int_eq(nl80211_parse_interface(interface_msg(&m, 7, NL80211_IFTYPE_STATION, zeros, 9), FAMILY, &i), 0);
        ck_assert_uint_eq(i.ssid_len, 0);
        ck_assert_int_eq(memcmp(i.ssid, zeros, sizeof(zeros)), 0);
}
END_TEST

START_TEST(test_interface_ssid_bytes) {
        static const char longest[] = "0123456789abcdefghijklmnopqrstuv";
        static const char odd[] = "Caf\xc3\xa9 \"Bar\"\xff\xfe\x00x";      /* 15 bytes */
        Msg m;
        Nl80211Interface i;

        ck_assert_uint_eq(strlen(longest), LINK_SSID_MAX);
        ck_assert_int_eq(nl80211_parse_interface(interface_msg(&m, 3, NL80211_IFTYPE_AP, longest, 32), FAMILY, &i), 0);
        ck_assert_uint_eq(i.iftype, NL80211_IFTYPE_AP);
        ck_assert_uint_eq(i.ssid_len, 32);
        ck_assert_str_eq(i.ssid, longest);
        ck_assert_int_eq(nl80211_parse_interface(interface_msg(&m, 3, NL80211_IFTYPE_STATION, longest, 33), FAMILY, &i),
                         -EBADMSG);

        /* any bytes, kept as they are: a quote, bytes that are not UTF-8, a NUL */
        ck_assert_int_eq(nl80211_parse_interface(interface_msg(&m, 3, NL80211_IFTYPE_STATION, odd, 15), FAMILY, &i), 0);
        ck_assert_uint_eq(i.ssid_len, 15);
        ck_assert_int_eq(memcmp(i.ssid, odd, 15), 0);
        ck_assert_int_eq(i.ssid[15], 0);
}
END_TEST

START_TEST(test_interface_faults) {
        Msg m;
        struct nlmsghdr *nlh;
        const struct nlattr *attr;
        Nl80211Interface i = { .ifindex = 99 };

        /* no ifindex, ifindex 0, ifindex beyond int */
        ck_assert_int_eq(nl80211_parse_interface(interface_msg(&m, -1, NL80211_IFTYPE_STATION, "x", 1), FAMILY, &i),
                         -EBADMSG);
        ck_assert_int_eq(nl80211_parse_interface(interface_msg(&m, 0, NL80211_IFTYPE_STATION, "x", 1), FAMILY, &i),
                         -EBADMSG);
        nlh = msg_new(&m, FAMILY, NL80211_CMD_NEW_INTERFACE);
        mnl_attr_put_u32(nlh, NL80211_ATTR_IFINDEX, 0x80000000u);
        ck_assert_int_eq(nl80211_parse_interface(nlh, FAMILY, &i), -EBADMSG);
        /* attributes of the wrong size */
        nlh = msg_new(&m, FAMILY, NL80211_CMD_NEW_INTERFACE);
        mnl_attr_put_u16(nlh, NL80211_ATTR_IFINDEX, 3);
        ck_assert_int_eq(nl80211_parse_interface(nlh, FAMILY, &i), -EBADMSG);
        nlh = msg_new(&m, FAMILY, NL80211_CMD_NEW_INTERFACE);
        mnl_attr_put_u32(nlh, NL80211_ATTR_IFINDEX, 3);
        mnl_attr_put_u8(nlh, NL80211_ATTR_IFTYPE, NL80211_IFTYPE_STATION);
        ck_assert_int_eq(nl80211_parse_interface(nlh, FAMILY, &i), -EBADMSG);
        ck_assert_int_eq(i.ifindex, 99);

        /* the SSID attribute cut short by the message's length */
        nlh = interface_msg(&m, 3, NL80211_IFTYPE_STATION, "CoffeeShop", 10);
        nlh->nlmsg_len -= 8;
        ck_assert_int_eq(nl80211_parse_interface(nlh, FAMILY, &i), -EBADMSG);
        nlh->nlmsg_len += 8;
        /* an attribute whose length runs past the message */
        attr = mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN);
        ((struct nlattr *) attr)->nla_len = (uint16_t) (nlh->nlmsg_len + 4);
        ck_assert_int_eq(nl80211_parse_interface(nlh, FAMILY, &i), -EBADMSG);
        /* or shorter than its own header */
        ((struct nlattr *) attr)->nla_len = 2;
        ck_assert_int_eq(nl80211_parse_interface(nlh, FAMILY, &i), -EBADMSG);
        ck_assert_int_eq(i.ifindex, 99);

        /* no room for the generic netlink header */
        nlh = interface_msg(&m, 3, NL80211_IFTYPE_STATION, "CoffeeShop", 10);
        nlh->nlmsg_len = NLMSG_HDRLEN + 2;
        ck_assert_int_eq(nl80211_parse_interface(nlh, FAMILY, &i), -EBADMSG);

        /* other families and commands are not ours; family ids are never control message types */
        nlh = interface_msg(&m, 3, NL80211_IFTYPE_STATION, "CoffeeShop", 10);
        ck_assert_int_eq(nl80211_parse_interface(nlh, FAMILY + 1, &i), -EOPNOTSUPP);
        ck_assert_int_eq(nl80211_parse_interface(nlh, NLMSG_ERROR, &i), -EINVAL);
        nlh = msg_new(&m, FAMILY, NL80211_CMD_NEW_WIPHY);
        mnl_attr_put_u32(nlh, NL80211_ATTR_IFINDEX, 3);
        ck_assert_int_eq(nl80211_parse_interface(nlh, FAMILY, &i), -EOPNOTSUPP);
        ck_assert_int_eq(i.ifindex, 99);
}
END_TEST

static struct nlmsghdr *event_msg(Msg *m, uint8_t cmd, int ifindex) {
        static const uint8_t bssid[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
        static const uint8_t ie[] = { 0x00, 0x04, 'C', 'a', 'f', 'e', 0x01, 0x02, 0x82, 0x84 };
        struct nlmsghdr *nlh = msg_new(m, FAMILY, cmd);

        nlh->nlmsg_pid = 0;
        nlh->nlmsg_seq = 0;
        mnl_attr_put_u32(nlh, NL80211_ATTR_WIPHY, 0);
        if (ifindex >= 0)
                mnl_attr_put_u32(nlh, NL80211_ATTR_IFINDEX, (uint32_t) ifindex);
        mnl_attr_put(nlh, NL80211_ATTR_MAC, sizeof(bssid), bssid);
        switch (cmd) {
        case NL80211_CMD_CONNECT:
                mnl_attr_put_u16(nlh, NL80211_ATTR_STATUS_CODE, 0);
                mnl_attr_put(nlh, NL80211_ATTR_REQ_IE, sizeof(ie), ie);
                mnl_attr_put(nlh, NL80211_ATTR_RESP_IE, sizeof(ie) - 6, ie + 6);
                break;
        case NL80211_CMD_DISCONNECT:
                mnl_attr_put_u16(nlh, NL80211_ATTR_REASON_CODE, 3);
                mnl_attr_put(nlh, NL80211_ATTR_DISCONNECTED_BY_AP, 0, "");
                break;
        }
        return nlh;
}

START_TEST(test_events) {
        static const uint8_t asks_again[] = {
                NL80211_CMD_CONNECT, NL80211_CMD_ROAM, NL80211_CMD_DISCONNECT,
                NL80211_CMD_START_AP, NL80211_CMD_STOP_AP,
        };
        static const uint8_t others[] = {
                NL80211_CMD_AUTHENTICATE, NL80211_CMD_ASSOCIATE, NL80211_CMD_PORT_AUTHORIZED,
                NL80211_CMD_CH_SWITCH_NOTIFY, NL80211_CMD_NEW_STATION, NL80211_CMD_FRAME_TX_STATUS,
        };
        Msg m;
        Nl80211Event e;

        for (size_t k = 0; k < sizeof(asks_again); k++) {
                ck_assert_int_eq(nl80211_parse_event(event_msg(&m, asks_again[k], 3), FAMILY, &e), 0);
                ck_assert_uint_eq(e.cmd, asks_again[k]);
                ck_assert_int_eq(e.ifindex, 3);
                ck_assert(e.ssid_changed);
        }
        for (size_t k = 0; k < sizeof(others); k++) {
                ck_assert_int_eq(nl80211_parse_event(event_msg(&m, others[k], 4), FAMILY, &e), 0);
                ck_assert_uint_eq(e.cmd, others[k]);
                ck_assert_int_eq(e.ifindex, 4);
                ck_assert(!e.ssid_changed);
        }
        /* a wireless device without network interface (P2P device) names none */
        ck_assert_int_eq(nl80211_parse_event(event_msg(&m, NL80211_CMD_DISCONNECT, -1), FAMILY, &e), 0);
        ck_assert_int_eq(e.ifindex, 0);
        ck_assert(e.ssid_changed);
}
END_TEST

START_TEST(test_event_faults) {
        Msg m;
        struct nlmsghdr *nlh;
        Nl80211Event e = { .ifindex = 99 };

        ck_assert_int_eq(nl80211_parse_event(event_msg(&m, NL80211_CMD_CONNECT, 0), FAMILY, &e), -EBADMSG);
        nlh = msg_new(&m, FAMILY, NL80211_CMD_CONNECT);
        mnl_attr_put_u8(nlh, NL80211_ATTR_IFINDEX, 3);
        ck_assert_int_eq(nl80211_parse_event(nlh, FAMILY, &e), -EBADMSG);
        nlh = event_msg(&m, NL80211_CMD_CONNECT, 3);
        nlh->nlmsg_len -= 4;
        ck_assert_int_eq(nl80211_parse_event(nlh, FAMILY, &e), -EBADMSG);
        nlh->nlmsg_len = NLMSG_HDRLEN;
        ck_assert_int_eq(nl80211_parse_event(nlh, FAMILY, &e), -EBADMSG);
        nlh = event_msg(&m, NL80211_CMD_CONNECT, 3);
        ck_assert_int_eq(nl80211_parse_event(nlh, FAMILY - 1, &e), -EOPNOTSUPP);
        ck_assert_int_eq(nl80211_parse_event(nlh, 0, &e), -EINVAL);
        ck_assert_int_eq(e.ifindex, 99);
}
END_TEST

START_TEST(test_error_messages) {
        Msg m;
        struct nlmsghdr *nlh;
        struct nlmsgerr *err;

        memset(&m, 0, sizeof(m));
        nlh = mnl_nlmsg_put_header(m.data);
        nlh->nlmsg_type = NLMSG_ERROR;
        err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err));
        ck_assert_int_eq(nl80211_parse_error(nlh), 0);
        err->error = -ENODEV;
        ck_assert_int_eq(nl80211_parse_error(nlh), -ENODEV);
        err->error = 5;
        ck_assert_int_eq(nl80211_parse_error(nlh), -EBADMSG);
        err->error = -ENODEV;
        nlh->nlmsg_len = NLMSG_HDRLEN + sizeof(int);
        ck_assert_int_eq(nl80211_parse_error(nlh), -EBADMSG);
        nlh->nlmsg_len = 8;
        ck_assert_int_eq(nl80211_parse_error(nlh), -EBADMSG);
}
END_TEST

/* ---- into the state, and out as JSON ---- */

static State *wifi_state(void) {
        State *s;
        Link l = { .ifindex = 3, .name = "wlan0", .arphrd = ARPHRD_ETHER, .operstate = 6, .wireless = true,
                   .wireless_probed = true };

        ck_assert_int_eq(state_new(&s), 0);
        ck_assert_int_eq(state_link_update(s, &l), 1);
        return s;
}

START_TEST(test_state_ssid) {
        State *s = wifi_state();
        Link l = *state_get_link(s, 3);
        Msg m;
        Nl80211Interface i;

        ck_assert_uint_eq(state_get_link(s, 3)->ssid_len, 0);
        ck_assert_int_eq(nl80211_parse_interface(interface_msg(&m, 3, NL80211_IFTYPE_STATION, "CoffeeShop", 10),
                                                 FAMILY, &i), 0);
        ck_assert_int_eq(state_link_set_ssid(s, i.ifindex, i.ssid, i.ssid_len), 1);
        ck_assert_str_eq(state_get_link(s, 3)->ssid, "CoffeeShop");
        ck_assert_uint_eq(state_get_link(s, 3)->ssid_len, 10);
        /* the same answer again changes nothing */
        ck_assert_int_eq(state_link_set_ssid(s, 3, "CoffeeShop", 10), 0);
        /* rtnetlink's updates of the link keep it: it is not theirs */
        l.operstate = 5;
        ck_assert_int_eq(state_link_update(s, &l), 1);
        ck_assert_int_eq(state_link_update(s, &l), 0);
        ck_assert_str_eq(state_get_link(s, 3)->ssid, "CoffeeShop");
        /* a shorter name leaves no bytes of the longer one */
        ck_assert_int_eq(state_link_set_ssid(s, 3, "Cafe", 4), 1);
        ck_assert_int_eq(memcmp(state_get_link(s, 3)->ssid, "Cafe\0\0\0\0\0\0\0", 11), 0);
        ck_assert_int_eq(state_link_set_ssid(s, 3, "Cafe\0", 5), 1);
        ck_assert_uint_eq(state_get_link(s, 3)->ssid_len, 5);
        ck_assert_int_eq(state_link_set_ssid(s, 3, NULL, 0), 1);
        ck_assert_uint_eq(state_get_link(s, 3)->ssid_len, 0);
        ck_assert_int_eq(state_get_link(s, 3)->ssid[0], 0);
        ck_assert_int_eq(state_link_set_ssid(s, 3, NULL, 0), 0);
        ck_assert_int_eq(state_link_set_ssid(s, 3, "0123456789abcdefghijklmnopqrstuvw", 33), -EINVAL);
        ck_assert_int_eq(state_link_set_ssid(s, 4, "x", 1), -ENOENT);

        /* a new link has none, whatever the caller's copy says */
        l.ifindex = 5;
        memcpy(l.ssid, "Stale", 6);
        l.ssid_len = 5;
        ck_assert_int_eq(state_link_update(s, &l), 1);
        ck_assert_uint_eq(state_get_link(s, 5)->ssid_len, 0);
        ck_assert_int_eq(state_get_link(s, 5)->ssid[0], 0);
        state_free(s);
}
END_TEST

START_TEST(test_state_json) {
        static const char odd[] = "Caf\xc3\xa9 \"Bar\"\xff\x00x\n";    /* 15 bytes */
        State *s = wifi_state();
        StrBuf b = STRBUF_INIT;

        ck_assert_int_eq(state_link_set_ssid(s, 3, "CoffeeShop", 10), 1);
        ck_assert_int_eq(format_interface_json(&b, s, state_get_link(s, 3)), 0);
        ck_assert_str_eq(b.data, "{\"index\":3,\"name\":\"wlan0\",\"kind\":\"wifi\",\"ssid\":\"CoffeeShop\",\"up\":false,"
                                 "\"carrier\":true,\"operstate\":\"up\",\"default_route\":false,\"addresses\":[]}");
        strbuf_reset(&b);
        ck_assert_int_eq(state_link_set_ssid(s, 3, odd, 15), 1);
        ck_assert_int_eq(format_interface_json(&b, s, state_get_link(s, 3)), 0);
        ck_assert_ptr_nonnull(strstr(b.data, ",\"ssid\":\"Caf\xc3\xa9 \\\"Bar\\\"\\ufffd\\ufffdx\\n\","));
        strbuf_reset(&b);
        ck_assert_int_eq(state_link_set_ssid(s, 3, NULL, 0), 1);
        ck_assert_int_eq(format_interface_json(&b, s, state_get_link(s, 3)), 0);
        ck_assert_ptr_nonnull(strstr(b.data, "\"kind\":\"wifi\",\"ssid\":null,\"up\""));
        strbuf_done(&b);
        state_free(s);
}
END_TEST

static Suite *nl80211_suite(void) {
        Suite *s = suite_create("nl80211");
        TCase *build = tcase_create("build");
        TCase *family = tcase_create("family");
        TCase *iface = tcase_create("interface");
        TCase *events = tcase_create("events");
        TCase *state = tcase_create("state");

        tcase_add_test(build, test_build_get_family);
        tcase_add_test(build, test_build_get_interface);
        suite_add_tcase(s, build);
        tcase_add_test(family, test_family_captured);
        tcase_add_test(family, test_family_absent);
        tcase_add_test(family, test_family_nl80211);
        tcase_add_test(family, test_family_many_groups);
        tcase_add_test(family, test_family_faults);
        tcase_add_test(family, test_family_truncated);
        tcase_add_test(family, test_family_nested_overrun);
        tcase_add_test(family, test_family_group_overrun);
        suite_add_tcase(s, family);
        tcase_add_test(iface, test_interface_ssid);
        tcase_add_test(iface, test_interface_not_connected);
        tcase_add_test(iface, test_interface_ssid_bytes);
        tcase_add_test(iface, test_interface_faults);
        suite_add_tcase(s, iface);
        tcase_add_test(events, test_events);
        tcase_add_test(events, test_event_faults);
        tcase_add_test(events, test_error_messages);
        suite_add_tcase(s, events);
        tcase_add_test(state, test_state_ssid);
        tcase_add_test(state, test_state_json);
        suite_add_tcase(s, state);
        return s;
}

TEST_MAIN(nl80211_suite)
