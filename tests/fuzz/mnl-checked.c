/* SPDX-License-Identifier: GPL-2.0-or-later */

/* libmnl's message and attribute readers, written again from their documented behaviour (and
 * checked against libmnl 1.0.4, quirks included, errno aside) and linked into the harnesses ahead of the
 * shared library. Debian's libmnl is not instrumented: a parser that makes libmnl read past a
 * message (mnl_attr_ok() on a header cut by the end, mnl_attr_validate() on a string whose
 * length wraps) goes unseen by AddressSanitizer unless the reads happen in code compiled here.
 * The writers (mnl_nlmsg_put_*, mnl_attr_put_*) and the sockets stay libmnl's. */

#include <libmnl/libmnl.h>
#include <string.h>

/* ---- messages ---- */

size_t mnl_nlmsg_get_payload_len(const struct nlmsghdr *nlh) {
        return nlh->nlmsg_len - MNL_NLMSG_HDRLEN;
}

/* int, as in libmnl 1.0.4: a nlmsg_len of 2 GiB or more compares as negative */
bool mnl_nlmsg_ok(const struct nlmsghdr *nlh, int len) {
        return len >= (int) sizeof(struct nlmsghdr) && nlh->nlmsg_len >= sizeof(struct nlmsghdr) &&
               (int) nlh->nlmsg_len <= len;
}

struct nlmsghdr *mnl_nlmsg_next(const struct nlmsghdr *nlh, int *len) {
        *len -= (int) MNL_ALIGN(nlh->nlmsg_len);
        return (void *) ((const char *) nlh + MNL_ALIGN(nlh->nlmsg_len));
}

void *mnl_nlmsg_get_payload(const struct nlmsghdr *nlh) {
        return (char *) nlh + MNL_NLMSG_HDRLEN;
}

void *mnl_nlmsg_get_payload_offset(const struct nlmsghdr *nlh, size_t offset) {
        return (char *) nlh + MNL_NLMSG_HDRLEN + MNL_ALIGN(offset);
}

void *mnl_nlmsg_get_payload_tail(const struct nlmsghdr *nlh) {
        return (char *) nlh + MNL_ALIGN(nlh->nlmsg_len);
}

/* ---- attributes ---- */

uint16_t mnl_attr_get_type(const struct nlattr *attr) {
        return attr->nla_type & NLA_TYPE_MASK;
}

uint16_t mnl_attr_get_len(const struct nlattr *attr) {
        return attr->nla_len;
}

/* uint16_t: a nla_len below the header's 4 bytes wraps to some 65,000 */
uint16_t mnl_attr_get_payload_len(const struct nlattr *attr) {
        return (uint16_t) (attr->nla_len - MNL_ATTR_HDRLEN);
}

void *mnl_attr_get_payload(const struct nlattr *attr) {
        return (char *) attr + MNL_ATTR_HDRLEN;
}

uint8_t mnl_attr_get_u8(const struct nlattr *attr) {
        return *(const uint8_t *) mnl_attr_get_payload(attr);
}

uint16_t mnl_attr_get_u16(const struct nlattr *attr) {
        return *(const uint16_t *) mnl_attr_get_payload(attr);
}

uint32_t mnl_attr_get_u32(const struct nlattr *attr) {
        return *(const uint32_t *) mnl_attr_get_payload(attr);
}

uint64_t mnl_attr_get_u64(const struct nlattr *attr) {
        uint64_t v;

        memcpy(&v, mnl_attr_get_payload(attr), sizeof(v));
        return v;
}

const char *mnl_attr_get_str(const struct nlattr *attr) {
        return mnl_attr_get_payload(attr);
}

/* The header of the attribute is read whenever len leaves room for it */
bool mnl_attr_ok(const struct nlattr *attr, int len) {
        return len >= (int) sizeof(struct nlattr) && attr->nla_len >= sizeof(struct nlattr) &&
               (int) attr->nla_len <= len;
}

struct nlattr *mnl_attr_next(const struct nlattr *attr) {
        return (void *) ((const char *) attr + MNL_ALIGN(attr->nla_len));
}

static int validate(const struct nlattr *attr, enum mnl_attr_data_type type, size_t exp_len) {
        uint16_t len = mnl_attr_get_payload_len(attr);
        const char *p = mnl_attr_get_payload(attr);

        if (len < exp_len)
                return -1;
        if (type == MNL_TYPE_FLAG && len > 0)
                return -1;
        if ((type == MNL_TYPE_STRING || type == MNL_TYPE_NUL_STRING) && len == 0)
                return -1;
        if (type == MNL_TYPE_NUL_STRING && p[len - 1] != 0)
                return -1;
        /* empty, or at least one attribute header */
        if (type == MNL_TYPE_NESTED && len > 0 && len < MNL_ATTR_HDRLEN)
                return -1;
        return exp_len > 0 && len > exp_len ? -1 : 0;
}

int mnl_attr_validate(const struct nlattr *attr, enum mnl_attr_data_type type) {
        static const size_t fixed_len[MNL_TYPE_MAX] = {
                [MNL_TYPE_U8] = 1, [MNL_TYPE_U16] = 2, [MNL_TYPE_U32] = 4,
                [MNL_TYPE_U64] = 8, [MNL_TYPE_MSECS] = 8,
        };

        if (type >= MNL_TYPE_MAX)
                return -1;
        return validate(attr, type, fixed_len[type]);
}

int mnl_attr_validate2(const struct nlattr *attr, enum mnl_attr_data_type type, size_t exp_len) {
        if (type >= MNL_TYPE_MAX)
                return -1;
        return validate(attr, type, exp_len);
}

int mnl_attr_parse_payload(const void *payload, size_t payload_len, mnl_attr_cb_t cb, void *data) {
        const struct nlattr *attr;
        int r = MNL_CB_OK;

        mnl_attr_for_each_payload(payload, payload_len)
                if ((r = cb(attr, data)) <= MNL_CB_STOP)
                        return r;
        return r;
}

int mnl_attr_parse(const struct nlmsghdr *nlh, unsigned int offset, mnl_attr_cb_t cb, void *data) {
        const struct nlattr *attr;
        int r = MNL_CB_OK;

        mnl_attr_for_each(attr, nlh, offset)
                if ((r = cb(attr, data)) <= MNL_CB_STOP)
                        return r;
        return r;
}

int mnl_attr_parse_nested(const struct nlattr *nest, mnl_attr_cb_t cb, void *data) {
        return mnl_attr_parse_payload(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest), cb, data);
}
