/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* reachd's journal events: the REACHD_EVENT names and their fixed MESSAGE_IDs, explained in
 * systemd/reachd.catalog (`journalctl -x`). Filter with e.g.
 *   journalctl --user -u reachd MESSAGE_ID=6c29cbc4e06b4788b9ce051c4138840b */

#define REACHD_MESSAGE_ID_SHARE_URL_CHANGED    "6c29cbc4e06b4788b9ce051c4138840b"
#define REACHD_MESSAGE_ID_SHARE_URL_LOST       "58000de10c754bce9713bd7ad748c30b"
#define REACHD_MESSAGE_ID_SERVER_LISTENING     "f69c515e95dc413095aab728bd8aeca4"
#define REACHD_MESSAGE_ID_SERVER_STOPPED       "bfbe1b2ef7cb403fa3fac0704aaecc89"
#define REACHD_MESSAGE_ID_SERVER_LOOPBACK_ONLY "cfedb218087e4bbb866ad35b193a295f"
#define REACHD_MESSAGE_ID_BOUND_ADDRESS_GONE   "6fa97615ccbd446e8a25b7be1bf363bb"
#define REACHD_MESSAGE_ID_NETWORK_CHANGED      "39c098d66fa74c9999f9ae3e7355c9f0"
#define REACHD_MESSAGE_ID_RESYNC               "626b31b2a61049fe8ca109274041069e"
#define REACHD_MESSAGE_ID_SERVER_UNWATCHED     "587448387db24628924ac5f9bbb585b4"
