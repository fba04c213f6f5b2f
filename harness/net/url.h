/* bk_url: a policy server's address, "scheme://[key@]host[:port][/path]".
 *
 * The optional key (the URL's user part) is sent as `Authorization: Api-Key <key>`; it
 * is never written anywhere in full: bk_url_redacted gives the address with the key cut
 * to its first two characters. Schemes: ws (openpi) and http (OFT, OpenVLA). */
#ifndef BK_NET_URL_H
#define BK_NET_URL_H

typedef struct {
  char scheme[8];            /* "ws" or "http" */
  char host[256];
  int port;                  /* default 8000 for ws, 80 for http */
  char path[256];            /* "/" when none */
  char key[256];             /* "" when none */
} bk_url_t;

/* Parses text into u. Returns 0, or BK_EINVAL with err naming what is wrong (the key is
 * never quoted in err). */
int bk_url_parse(const char* text, bk_url_t* u, char* err, int err_sz);

/* "scheme://ab***@host:port/path" (no key part when there is no key) into buf. */
void bk_url_redacted(const bk_url_t* u, char* buf, int sz);

#endif
