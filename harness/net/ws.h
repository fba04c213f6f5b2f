/* bk_ws: a blocking websocket client (libwebsockets) for lockstep policy servers.
 *
 * One connection, one lws context, one thread: bk_ws_send one message, bk_ws_recv the
 * whole next message. No permessage-deflate, no size limit, no pings from this side
 * (openpi's server blocks its event loop during inference), every wait bounded by the
 * caller's timeout. Errors return a negative code and fill err; after an error the
 * connection is unusable and is closed with bk_ws_close. */
#ifndef BK_NET_WS_H
#define BK_NET_WS_H

#include <stddef.h>

#include "net/url.h"

typedef struct bk_ws bk_ws_t;

/* Opens ws://host:port/path (with `Authorization: Api-Key` when u has a key), waiting at
 * most timeout_s. NULL with err filled ("connection refused", "timed out") on failure. */
bk_ws_t* bk_ws_connect(const bk_url_t* u, double timeout_s, char* err, int err_sz);

/* Sends n bytes as one binary message. 0 or BK_EIO. */
int bk_ws_send(bk_ws_t* ws, const void* data, size_t n, double timeout_s, char* err, int err_sz);

/* Waits at most timeout_s for the next whole message: *data (valid until the next call),
 * *n, *binary (0 for a text frame). BK_EIO when the server closes first or the wait runs
 * out: err then holds the close code and the last line of a text frame received just
 * before (openpi's traceback), or "timed out after S s". */
int bk_ws_recv(bk_ws_t* ws, const unsigned char** data, size_t* n, int* binary,
               double timeout_s, char* err, int err_sz);

/* Closes and frees; NULL is fine. */
void bk_ws_close(bk_ws_t* ws);

/* GET /healthz on the server's port until it answers 200 or timeout_s passes (one try a
 * second). 0, or BK_EIO with err saying what the last try got. */
int bk_ws_healthz(const bk_url_t* u, double timeout_s, char* err, int err_sz);

#endif
