/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include "netlink.h"
#include "sockdiag.h"

/* The kernel walks its whole listening hash table (16384 buckets here, shared by every network
 * namespace) once per dump, however few sockets it finds. The old TCPDIAG_GETSOCK request reports
 * both families in a single walk, at half the cost of one SOCK_DIAG_BY_FAMILY dump per family;
 * its replies are the same inet_diag_msg with the same attributes (INET_DIAG_SKV6ONLY too). */
static int build_request_both(void *buf, size_t size, uint32_t seq) {
        struct nlmsghdr *nlh;
        struct inet_diag_req *req;
        size_t len = NLMSG_SPACE(sizeof(struct inet_diag_req));

        if (size < len)
                return -ENOBUFS;
        memset(buf, 0, len);
        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = TCPDIAG_GETSOCK;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        nlh->nlmsg_seq = seq;
        req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
        req->idiag_family = AF_INET;
        req->idiag_states = 1U << TCP_LISTEN;
        return (int) nlh->nlmsg_len;
}

int sockdiag_build_request(void *buf, size_t size, int family, uint32_t seq) {
        struct nlmsghdr *nlh;
        struct inet_diag_req_v2 *req;
        size_t len = NLMSG_SPACE(sizeof(struct inet_diag_req_v2));

        if (family == AF_UNSPEC)
                return build_request_both(buf, size, seq);
        if (family != AF_INET && family != AF_INET6)
                return -EAFNOSUPPORT;
        if (size < len)
                return -ENOBUFS;
        memset(buf, 0, len);
        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        nlh->nlmsg_seq = seq;
        req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
        req->sdiag_family = (uint8_t) family;
        req->sdiag_protocol = IPPROTO_TCP;
        req->idiag_states = 1U << TCP_LISTEN;
        return (int) nlh->nlmsg_len;
}

int sockdiag_parse(const struct nlmsghdr *nlh, Listener *ret) {
        const struct inet_diag_msg *m;
        const struct nlattr *attr;
        NetlinkAttrs attrs;
        union in_addr_union a;
        bool v6only = false;
        int family, r;

        if (nlh->nlmsg_len < NLMSG_HDRLEN)
                return -EBADMSG;
        if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY && nlh->nlmsg_type != TCPDIAG_GETSOCK)
                return -EOPNOTSUPP;
        r = netlink_attrs_init(nlh, sizeof(*m), &attrs);
        if (r < 0)
                return r;
        m = mnl_nlmsg_get_payload(nlh);
        if (m->idiag_family != AF_INET && m->idiag_family != AF_INET6)
                return -EOPNOTSUPP;
        if (m->idiag_state != TCP_LISTEN)
                return -EOPNOTSUPP;

        while ((r = netlink_attrs_next(&attrs, &attr)) > 0) {
                if (mnl_attr_get_type(attr) != INET_DIAG_SKV6ONLY || m->idiag_family != AF_INET6)
                        continue;
                if (mnl_attr_validate(attr, MNL_TYPE_U8) < 0)
                        return -EBADMSG;
                v6only = mnl_attr_get_u8(attr) != 0;
        }
        if (r < 0)
                return r;

        r = inaddr_from_bytes(m->idiag_family, m->id.idiag_src, inaddr_size(m->idiag_family), &a);
        if (r < 0)
                return r;
        family = inaddr_unmap_v4(m->idiag_family, &a);

        *ret = (Listener) {
                .family = family,
                .address = a,
                .port = ntohs(m->id.idiag_sport),
                .uid = m->idiag_uid,
                .inode = m->idiag_inode,
                .ifindex = (int) m->id.idiag_if,
                .v6only = v6only,
                .socket_is_v6 = m->idiag_family == AF_INET6,
        };
        return 0;
}
