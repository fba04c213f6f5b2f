#include "policies/remote.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

// a positive number of seconds
static int seconds(const char* key, const char* v, double* out, char* err, int err_sz) {
  char* end;
  double x = strtod(v, &end);
  if (*v == '\0' || *end != '\0' || !(x > 0) || x > 86400) {
    return bk_fail(err, err_sz, BK_EINVAL, "%s: '%s' is not a number of seconds in (0, 86400]", key, v);
  }
  *out = x;
  return 0;
}

static int one_option(const char* key, const char* v, const char* scheme, bk_remote_opts_t* o,
                      char* err, int err_sz) {
  if (!strcmp(key, "server")) {
    int rc = bk_url_parse(v, &o->url, err, err_sz);
    if (rc) return rc;
    if (strcmp(o->url.scheme, scheme)) {
      return bk_fail(err, err_sz, BK_EINVAL, "this policy speaks %s://, not %s://", scheme, o->url.scheme);
    }
    bk_url_redacted(&o->url, o->shown, sizeof o->shown);
    return 0;
  }
  if (!strcmp(key, "timeout")) return seconds(key, v, &o->timeout, err, err_sz);
  if (!strcmp(key, "first_timeout")) return seconds(key, v, &o->first_timeout, err, err_sz);
  if (!strcmp(key, "wait")) return seconds(key, v, &o->wait, err, err_sz);
  if (!strcmp(key, "gripper") && (!strcmp(v, "raw") || !strcmp(v, "libero"))) {
    o->gripper_raw = !strcmp(v, "raw");
    return 0;
  }
  if (!strcmp(key, "sampling") && !strcmp(v, "temperature")) {
    o->temperature = 1;
    return 0;
  }
  return bk_fail(err, err_sz, BK_EINVAL,
                 "unknown option '%s' (valid: server, timeout, first_timeout, wait, gripper=raw|libero)", key);
}

int bk_remote_parse(const char* opts, const char* scheme, bk_remote_opts_t* o, char* err,
                    int err_sz) {
  memset(o, 0, sizeof *o);
  o->timeout = 30;
  o->first_timeout = 300;
  o->wait = 60;
  char buf[1024];
  if (opts && strlen(opts) >= sizeof buf) return bk_fail(err, err_sz, BK_EINVAL, "options too long");
  snprintf(buf, sizeof buf, "%s", opts ? opts : "");
  char* save = NULL;
  for (char* kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
    char* eq = strchr(kv, '=');
    if (!eq) return bk_fail(err, err_sz, BK_EINVAL, "option '%.40s' needs key=value", kv);
    *eq = '\0';
    int rc = one_option(kv, eq + 1, scheme, o, err, err_sz);
    if (rc) return rc;
  }
  if (!o->url.host[0]) {
    return bk_fail(err, err_sz, BK_EINVAL, "a remote policy needs --server %s://host:port", scheme);
  }
  return 0;
}

int bk_remote_check(const double* a, int n, char* err, int err_sz) {
  for (int i = 0; i < n; i++) {
    if (!isfinite(a[i])) {
      return bk_fail(err, err_sz, BK_ERANGE, "server action %d, dimension %d is not finite", i / 7, i % 7);
    }
  }
  return 0;
}
