/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <limits.h>
#include <linux/genetlink.h>
#include <linux/nl80211.h>
#include <string.h>

#include "netlink.h"
#include "nl80211.h"

#define GET_FAMILY_LEN (NLMSG_HDRLEN + GENL_HDRLEN + MNL_ATTR_HDRLEN + MNL_ALIGN(sizeof(NL80211_GENL_NAME)))
#define GET_INTERFACE_LEN (NLMSG_HDRLEN + GENL_HDRLEN + MNL_ATTR_HDRLEN + MNL_ALIGN(sizeof(uint32_t)))

static struct nlmsghdr *put_request(void *buf, uint16_t type, uint32_t seq, uint8_t cmd, uint8_t version) {
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct genlmsghdr *genl;

        nlh->nlmsg_type = type;
        nlh->nlmsg_flags = NLM_F_REQUEST;
        nlh->nlmsg_seq = seq;
        genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
        genl->cmd = cmd;
        genl->version = version;
        return nlh;
}

int nl80211_build_get_family(void *buf, size_t size, uint32_t seq) {
        struct nlmsghdr *nlh;

        if (size < GET_FAMILY_LEN)
                return -ENOBUFS;
        memset(buf, 0, GET_FAMILY_LEN);
        nlh = put_request(buf, GENL_ID_CTRL, seq, CTRL_CMD_GETFAMILY, 1);
        mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, NL80211_GENL_NAME);
        return (int) nlh->nlmsg_len;
}

int nl80211_build_get_interface(void *buf, size_t size, uint16_t family, uint32_t seq, int ifindex) {
        struct nlmsghdr *nlh;

        if (family < NLMSG_MIN_TYPE || ifindex <= 0)
                return -EINVAL;
        if (size < GET_INTERFACE_LEN)
                return -ENOBUFS;
        memset(buf, 0, GET_INTERFACE_LEN);
        nlh = put_request(buf, family, seq, NL80211_CMD_GET_INTERFACE, 0);
        mnl_attr_put_u32(nlh, NL80211_ATTR_IFINDEX, (uint32_t) ifindex);
        return (int) nlh->nlmsg_len;
}

/* The generic netlink header of a message of the type and the walk over its attributes;
 * -EOPNOTSUPP for another type. The kernel pads every message: a length that is not a multiple
 * of 4 is not the kernel's. */
static int get_genl_header(const struct nlmsghdr *nlh, uint16_t type,
                           const struct genlmsghdr **ret_genl, NetlinkAttrs *ret_attrs) {
        int r;

        if (nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len != NLMSG_ALIGN(nlh->nlmsg_len))
                return -EBADMSG;
        if (nlh->nlmsg_type != type)
                return -EOPNOTSUPP;
        r = netlink_attrs_init(nlh, GENL_HDRLEN, ret_attrs);
        if (r < 0)
                return r;
        *ret_genl = mnl_nlmsg_get_payload(nlh);
        return 0;
}

/* A NUL-terminated string attribute that fits in size bytes */
static int get_name(const struct nlattr *attr, char *buf, size_t size) {
        if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0 || mnl_attr_get_payload_len(attr) > size)
                return -EBADMSG;
        memset(buf, 0, size);
        memcpy(buf, mnl_attr_get_str(attr), mnl_attr_get_payload_len(attr));
        return 0;
}

static int get_ifindex(const struct nlattr *attr, int *ret) {
        uint32_t v;

        if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
                return -EBADMSG;
        v = mnl_attr_get_u32(attr);
        if (v == 0 || v > INT_MAX)
                return -EBADMSG;
        *ret = (int) v;
        return 0;
}

static int parse_group(const struct nlattr *entry, Nl80211Family *f) {
        const struct nlattr *attr;
        NetlinkAttrs attrs;
        char name[GENL_NAMSIZ] = "";
        uint32_t id = 0;
        int r;

        if (mnl_attr_validate(entry, MNL_TYPE_NESTED) < 0)
                return -EBADMSG;
        netlink_attrs_init_nested(entry, &attrs);
        while ((r = netlink_attrs_next(&attrs, &attr)) > 0) {
                switch (mnl_attr_get_type(attr)) {
                case CTRL_ATTR_MCAST_GRP_NAME:
                        if (get_name(attr, name, sizeof(name)) < 0)
                                return -EBADMSG;
                        break;
                case CTRL_ATTR_MCAST_GRP_ID:
                        if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
                                return -EBADMSG;
                        id = mnl_attr_get_u32(attr);
                        break;
                }
        }
        if (r < 0)
                return r;
        /* netlink group 0 means "no group": the kernel never hands it out */
        if (name[0] == 0 || id == 0)
                return -EBADMSG;
        if (f->n_groups < NL80211_FAMILY_GROUPS_MAX) {
                memcpy(f->groups[f->n_groups].name, name, sizeof(name));
                f->groups[f->n_groups].id = id;
                f->n_groups++;
        }
        return 0;
}

int nl80211_parse_family(const struct nlmsghdr *nlh, Nl80211Family *ret) {
        const struct genlmsghdr *genl;
        const struct nlattr *attr, *entry;
        NetlinkAttrs attrs, groups;
        Nl80211Family f = {};
        int r;

        r = get_genl_header(nlh, GENL_ID_CTRL, &genl, &attrs);
        if (r < 0)
                return r;
        if (genl->cmd != CTRL_CMD_NEWFAMILY)
                return -EOPNOTSUPP;

        while ((r = netlink_attrs_next(&attrs, &attr)) > 0) {
                switch (mnl_attr_get_type(attr)) {
                case CTRL_ATTR_FAMILY_ID:
                        if (mnl_attr_validate(attr, MNL_TYPE_U16) < 0)
                                return -EBADMSG;
                        f.id = mnl_attr_get_u16(attr);
                        break;
                case CTRL_ATTR_FAMILY_NAME:
                        if (get_name(attr, f.name, sizeof(f.name)) < 0)
                                return -EBADMSG;
                        break;
                case CTRL_ATTR_MCAST_GROUPS:
                        if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
                                return -EBADMSG;
                        netlink_attrs_init_nested(attr, &groups);
                        while ((r = netlink_attrs_next(&groups, &entry)) > 0) {
                                r = parse_group(entry, &f);
                                if (r < 0)
                                        return r;
                        }
                        if (r < 0)
                                return r;
                        break;
                }
        }
        if (r < 0)
                return r;
        /* ids below NLMSG_MIN_TYPE are netlink's own control messages */
        if (f.name[0] == 0 || f.id < NLMSG_MIN_TYPE)
                return -EBADMSG;
        *ret = f;
        return 0;
}

uint32_t nl80211_family_group(const Nl80211Family *f, const char *name) {
        for (size_t i = 0; i < f->n_groups; i++)
                if (strcmp(f->groups[i].name, name) == 0)
                        return f->groups[i].id;
        return 0;
}

static bool all_zero(const uint8_t *p, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (p[i] != 0)
                        return false;
        return true;
}

int nl80211_parse_interface(const struct nlmsghdr *nlh, uint16_t family, Nl80211Interface *ret) {
        const struct genlmsghdr *genl;
        const struct nlattr *attr;
        NetlinkAttrs attrs;
        Nl80211Interface i = { .iftype = NL80211_IFTYPE_UNSPECIFIED };
        int r;

        if (family < NLMSG_MIN_TYPE)
                return -EINVAL;
        r = get_genl_header(nlh, family, &genl, &attrs);
        if (r < 0)
                return r;
        if (genl->cmd != NL80211_CMD_NEW_INTERFACE)
                return -EOPNOTSUPP;

        while ((r = netlink_attrs_next(&attrs, &attr)) > 0) {
                switch (mnl_attr_get_type(attr)) {
                case NL80211_ATTR_IFINDEX:
                        if (get_ifindex(attr, &i.ifindex) < 0)
                                return -EBADMSG;
                        break;
                case NL80211_ATTR_IFTYPE:
                        if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
                                return -EBADMSG;
                        i.iftype = mnl_attr_get_u32(attr);
                        break;
                case NL80211_ATTR_SSID: {
                        uint16_t len = mnl_attr_get_payload_len(attr);

                        if (len > LINK_SSID_MAX)
                                return -EBADMSG;
                        memset(i.ssid, 0, sizeof(i.ssid));
                        memcpy(i.ssid, mnl_attr_get_payload(attr), len);
                        /* The station's SSID is the one in the access point's last beacon or probe
                         * response: a hidden network's beacons carry a blank one, all zeros. */
                        i.ssid_len = all_zero(mnl_attr_get_payload(attr), len) ? 0 : (uint8_t) len;
                        break;
                }
                }
        }
        if (r < 0)
                return r;
        if (i.ifindex == 0)
                return -EBADMSG;
        *ret = i;
        return 0;
}

int nl80211_parse_event(const struct nlmsghdr *nlh, uint16_t family, Nl80211Event *ret) {
        const struct genlmsghdr *genl;
        const struct nlattr *attr;
        NetlinkAttrs attrs;
        Nl80211Event e = {};
        int r;

        if (family < NLMSG_MIN_TYPE)
                return -EINVAL;
        r = get_genl_header(nlh, family, &genl, &attrs);
        if (r < 0)
                return r;
        e.cmd = genl->cmd;
        switch (e.cmd) {
        case NL80211_CMD_CONNECT:
        case NL80211_CMD_ROAM:
        case NL80211_CMD_DISCONNECT:
        case NL80211_CMD_START_AP:
        case NL80211_CMD_STOP_AP:
                e.ssid_changed = true;
                break;
        }

        while ((r = netlink_attrs_next(&attrs, &attr)) > 0)
                if (mnl_attr_get_type(attr) == NL80211_ATTR_IFINDEX && get_ifindex(attr, &e.ifindex) < 0)
                        return -EBADMSG;
        if (r < 0)
                return r;
        *ret = e;
        return 0;
}

int nl80211_parse_error(const struct nlmsghdr *nlh) {
        const struct nlmsgerr *e;

        if (nlh->nlmsg_len < NLMSG_HDRLEN)
                return -EBADMSG;
        if (nlh->nlmsg_type != NLMSG_ERROR)
                return -EOPNOTSUPP;
        if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
                return -EBADMSG;
        e = mnl_nlmsg_get_payload(nlh);
        return e->error <= 0 ? e->error : -EBADMSG;
}
