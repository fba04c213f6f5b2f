/* bk_http: a blocking HTTP client (libcurl) for JSON policy servers (OpenVLA, OFT).
 *
 * One handle per policy instance, reused so that the connection stays open between
 * decisions. POST with a JSON body, `Authorization: Api-Key` when the address has a key,
 * no `Expect: 100-continue` (Python's http.server does not answer it), every request
 * bounded by a timeout. */
#ifndef BK_NET_HTTP_H
#define BK_NET_HTTP_H

#include <stddef.h>

#include "net/url.h"

typedef struct bk_http bk_http_t;

/* NULL with err filled when curl cannot start. */
bk_http_t* bk_http_create(const bk_url_t* u, char* err, int err_sz);

/* POSTs body (n bytes of JSON) to the address's host and port at `path`; the reply body
 * (NUL-terminated, valid until the next call) in *reply. 0, or BK_EIO with err saying
 * why ("connection refused", "timed out after S s", "HTTP 500"). */
int bk_http_post(bk_http_t* h, const char* path, const char* body, size_t n, double timeout_s,
                 const char** reply, char* err, int err_sz);

/* Closes and frees; NULL is fine. */
void bk_http_free(bk_http_t* h);

#endif
