#include "net/url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

// copies [s, e) into dst of size sz; -1 when it does not fit
static int copy_span(char* dst, int sz, const char* s, const char* e) {
  if (e - s >= sz) return -1;
  memcpy(dst, s, (size_t)(e - s));
  dst[e - s] = '\0';
  return 0;
}

int bk_url_parse(const char* text, bk_url_t* u, char* err, int err_sz) {
  memset(u, 0, sizeof *u);
  const char* sep = strstr(text, "://");
  if (!sep || copy_span(u->scheme, sizeof u->scheme, text, sep)) {
    return bk_fail(err, err_sz, BK_EINVAL, "server address needs scheme://host[:port]");
  }
  if (strcmp(u->scheme, "ws") && strcmp(u->scheme, "http")) {
    return bk_fail(err, err_sz, BK_EINVAL, "server scheme '%s' (valid: ws, http)", u->scheme);
  }
  const char* p = sep + 3;
  const char* slash = p + strcspn(p, "/");
  // the key: everything before the last '@' of the authority
  const char* at = NULL;
  for (const char* c = p; c < slash; c++) if (*c == '@') at = c;
  if (at) {
    if (copy_span(u->key, sizeof u->key, p, at)) {
      return bk_fail(err, err_sz, BK_EINVAL, "server key longer than %d characters", (int)sizeof u->key - 1);
    }
    p = at + 1;
  }
  const char* colon = memchr(p, ':', (size_t)(slash - p));
  const char* hend = colon ? colon : slash;
  if (hend == p || copy_span(u->host, sizeof u->host, p, hend)) {
    return bk_fail(err, err_sz, BK_EINVAL, "server address has no host");
  }
  u->port = strcmp(u->scheme, "ws") == 0 ? 8000 : 80;
  if (colon) {
    char* end;
    long port = strtol(colon + 1, &end, 10);
    if (end != slash || port < 1 || port > 65535) {
      return bk_fail(err, err_sz, BK_EINVAL, "server port must be 1..65535");
    }
    u->port = (int)port;
  }
  static const char kRoot[] = "/";
  const char* path = *slash ? slash : kRoot;
  if (copy_span(u->path, sizeof u->path, path, path + strlen(path))) {
    return bk_fail(err, err_sz, BK_EINVAL, "server path too long");
  }
  return 0;
}

void bk_url_redacted(const bk_url_t* u, char* buf, int sz) {
  char key[8] = "";
  if (u->key[0]) snprintf(key, sizeof key, "%.2s***@", u->key);
  snprintf(buf, (size_t)sz, "%s://%s%s:%d%s", u->scheme, key, u->host, u->port,
           strcmp(u->path, "/") ? u->path : "");
}
