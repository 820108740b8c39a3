/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/nl80211.h>
#include <string.h>

#include "fuzz.h"
#include "nl80211.h"

/* The input is one datagram as recv() on the generic netlink socket returns it: the family
 * resolution (nlctrl), GET_INTERFACE answers and mlme events. Each message goes through every
 * parser, as nl80211 with the id the written corpus uses and with its own type as the id. */

#define FAMILY 0x1e

static bool all_zero(const char *p, size_t size) {
        for (size_t i = 0; i < size; i++)
                if (p[i] != 0)
                        return false;
        return true;
}

/* What every parser requires of a message it accepts */
static void check_accepted(const struct nlmsghdr *nlh, uint16_t type, uint8_t cmd) {
        const struct genlmsghdr *genl = NLMSG_DATA(nlh);

        fuzz_assert(nlh->nlmsg_type == type);
        fuzz_assert(nlh->nlmsg_len >= NLMSG_LENGTH(GENL_HDRLEN) && nlh->nlmsg_len % 4 == 0);
        fuzz_assert(genl->cmd == cmd);
}

static void check_family(const struct nlmsghdr *nlh) {
        Nl80211Family f;
        int r;

        memset(&f, FUZZ_SENTINEL, sizeof(f));
        r = nl80211_parse_family(nlh, &f);
        fuzz_assert(r == 0 || r == -EBADMSG || r == -EOPNOTSUPP);
        if (r < 0) {
                fuzz_assert(fuzz_untouched(&f, sizeof(f)));
                return;
        }
        check_accepted(nlh, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
        fuzz_assert(f.id >= NLMSG_MIN_TYPE);
        fuzz_assert(f.name[0] != 0 && memchr(f.name, 0, sizeof(f.name)));
        fuzz_assert(f.n_groups <= NL80211_FAMILY_GROUPS_MAX);
        for (size_t i = 0; i < f.n_groups; i++) {
                const char *name = f.groups[i].name;
                uint32_t first = 0;

                fuzz_assert(name[0] != 0 && memchr(name, 0, GENL_NAMSIZ));
                fuzz_assert(f.groups[i].id != 0);
                /* a name given twice: the first one counts */
                for (size_t j = 0; j <= i && first == 0; j++)
                        if (strcmp(f.groups[j].name, name) == 0)
                                first = f.groups[j].id;
                fuzz_assert(nl80211_family_group(&f, name) == first);
        }
        fuzz_assert(nl80211_family_group(&f, "") == 0);
}

static void check_interface(const struct nlmsghdr *nlh, uint16_t family) {
        Nl80211Interface i;
        int r;

        memset(&i, FUZZ_SENTINEL, sizeof(i));
        r = nl80211_parse_interface(nlh, family, &i);
        fuzz_assert(r == 0 || r == -EBADMSG || r == -EOPNOTSUPP);
        if (r < 0) {
                fuzz_assert(fuzz_untouched(&i, sizeof(i)));
                return;
        }
        check_accepted(nlh, family, NL80211_CMD_NEW_INTERFACE);
        fuzz_assert(i.ifindex > 0);
        fuzz_assert(i.ssid_len <= LINK_SSID_MAX);
        /* the name, then zeros; a blank (hidden) name is no name */
        fuzz_assert(all_zero(i.ssid + i.ssid_len, sizeof(i.ssid) - i.ssid_len));
        fuzz_assert(i.ssid_len == 0 || !all_zero(i.ssid, i.ssid_len));
}

static void check_event(const struct nlmsghdr *nlh, uint16_t family) {
        const struct genlmsghdr *genl = NLMSG_DATA(nlh);
        Nl80211Event e;
        int r;

        memset(&e, FUZZ_SENTINEL, sizeof(e));
        r = nl80211_parse_event(nlh, family, &e);
        fuzz_assert(r == 0 || r == -EBADMSG || r == -EOPNOTSUPP);
        if (r < 0) {
                fuzz_assert(fuzz_untouched(&e, sizeof(e)));
                return;
        }
        check_accepted(nlh, family, genl->cmd);
        fuzz_assert(e.cmd == genl->cmd);
        fuzz_assert(e.ifindex >= 0);
        fuzz_assert(e.ssid_changed == (e.cmd == NL80211_CMD_CONNECT || e.cmd == NL80211_CMD_ROAM ||
                                       e.cmd == NL80211_CMD_DISCONNECT || e.cmd == NL80211_CMD_START_AP ||
                                       e.cmd == NL80211_CMD_STOP_AP));
}

static void check_error(const struct nlmsghdr *nlh) {
        int r = nl80211_parse_error(nlh);

        fuzz_assert(r <= 0);
        if (nlh->nlmsg_type != NLMSG_ERROR)
                fuzz_assert(r == -EOPNOTSUPP);
        else
                fuzz_assert(r != -EOPNOTSUPP || ((const struct nlmsgerr *) NLMSG_DATA(nlh))->error == -EOPNOTSUPP);
}

/* Our request for the interface, answered with the same attribute, parses back to it */
static void check_request(uint16_t family, uint32_t ifindex) {
        uint32_t buf[64 / sizeof(uint32_t)];
        struct nlmsghdr *nlh = (struct nlmsghdr *) buf;
        Nl80211Interface i;
        int len;

        len = nl80211_build_get_interface(buf, sizeof(buf), family, 1, (int) ifindex);
        if (family < NLMSG_MIN_TYPE || ifindex == 0 || ifindex > INT32_MAX) {
                fuzz_assert(len == -EINVAL);
                return;
        }
        fuzz_assert(len > 0 && (uint32_t) len == nlh->nlmsg_len);
        ((struct genlmsghdr *) NLMSG_DATA(nlh))->cmd = NL80211_CMD_NEW_INTERFACE;
        fuzz_assert(nl80211_parse_interface(nlh, family, &i) == 0);
        fuzz_assert((uint32_t) i.ifindex == ifindex && i.ssid_len == 0);
        fuzz_assert(i.iftype == NL80211_IFTYPE_UNSPECIFIED);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const struct nlmsghdr *nlh;
        uint8_t *buf = fuzz_memdup(data, size);
        Nl80211Event e;
        size_t off = 0;

        while ((nlh = fuzz_nlmsg_next(buf, size, &off))) {
                check_family(nlh);
                check_error(nlh);
                check_interface(nlh, FAMILY);
                check_event(nlh, FAMILY);
                if (nlh->nlmsg_type >= NLMSG_MIN_TYPE && nlh->nlmsg_type != FAMILY) {
                        check_interface(nlh, nlh->nlmsg_type);
                        check_event(nlh, nlh->nlmsg_type);
                }
                fuzz_assert(nl80211_parse_event(nlh, NLMSG_ERROR, &e) == -EINVAL);
                check_request(nlh->nlmsg_type, nlh->nlmsg_seq);
        }
        free(buf);
        return 0;
}
