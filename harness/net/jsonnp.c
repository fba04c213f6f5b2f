#include "net/jsonnp.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

static const char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void bk_jsonnp_base64(bk_sb_t* sb, const unsigned char* p, size_t n) {
  char q[4];
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
                 (i + 2 < n ? p[i + 2] : 0);
    q[0] = kB64[v >> 18 & 63];
    q[1] = kB64[v >> 12 & 63];
    q[2] = i + 1 < n ? kB64[v >> 6 & 63] : '=';
    q[3] = i + 2 < n ? kB64[v & 63] : '=';
    bk_sb_append(sb, q, 4);
  }
}

static int b64_value(char c) {
  const char* p = c ? strchr(kB64, c) : NULL;
  return p ? (int)(p - kB64) : -1;
}

long bk_jsonnp_unbase64(const char* t, unsigned char* out, size_t cap) {
  size_t len = strlen(t), n = 0;
  if (len % 4) return -1;
  for (size_t i = 0; i < len; i += 4) {
    int pad = (t[i + 2] == '=') + (t[i + 3] == '=');
    if (pad && i + 4 != len) return -1;
    if (t[i + 3] != '=' && t[i + 2] == '=') return -1;
    int a = b64_value(t[i]), b = b64_value(t[i + 1]);
    int c = pad >= 2 ? 0 : b64_value(t[i + 2]), d = pad >= 1 ? 0 : b64_value(t[i + 3]);
    if (a < 0 || b < 0 || c < 0 || d < 0 || n + 3 - (size_t)pad > cap) return -1;
    uint32_t v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | (uint32_t)d;
    out[n++] = (unsigned char)(v >> 16);
    if (pad < 2) out[n++] = (unsigned char)(v >> 8);
    if (pad < 1) out[n++] = (unsigned char)v;
  }
  return (long)n;
}

void bk_jsonnp_array(bk_sb_t* sb, const char* dtype, const void* data, size_t nbytes,
                     const long* shape, int ndim) {
  bk_sb_puts(sb, "{\"__numpy__\":\"");
  bk_jsonnp_base64(sb, data, nbytes);
  bk_sb_printf(sb, "\",\"dtype\":\"%s\",\"shape\":[", dtype);
  for (int i = 0; i < ndim; i++) bk_sb_printf(sb, "%s%ld", i ? "," : "", shape[i]);
  bk_sb_puts(sb, "]}");
}

int bk_jsonnp_doubles(const cJSON* o, double* out, int n, char* err, int err_sz) {
  const cJSON* b = cJSON_GetObjectItemCaseSensitive(o, "__numpy__");
  const cJSON* dt = cJSON_GetObjectItemCaseSensitive(o, "dtype");
  const cJSON* sh = cJSON_GetObjectItemCaseSensitive(o, "shape");
  if (!cJSON_IsString(b) || !cJSON_IsString(dt) || !cJSON_IsArray(sh)) {
    return bk_fail(err, err_sz, BK_EPARSE, "expected a json_numpy array ({\"__numpy__\", \"dtype\", \"shape\"})");
  }
  long count = 1;
  char shape[64] = "";
  int m = 0;
  for (const cJSON* s = sh->child; s; s = s->next) {
    if (!cJSON_IsNumber(s) || s->valuedouble < 0) return bk_fail(err, err_sz, BK_EPARSE, "bad array shape");
    count *= (long)s->valuedouble;
    m += snprintf(shape + m, sizeof shape - (size_t)m, "%s%ld", m ? ", " : "", (long)s->valuedouble);
    if (m >= (int)sizeof shape) m = (int)sizeof shape - 1;
  }
  int es = !strcmp(dt->valuestring, "<f8") ? 8 : !strcmp(dt->valuestring, "<f4") ? 4 : 0;
  if (!es) return bk_fail(err, err_sz, BK_EPARSE, "expected <f4 or <f8 numbers, got '%s'", dt->valuestring);
  if (count != n) return bk_fail(err, err_sz, BK_EPARSE, "array of shape (%s), expected %d numbers", shape, n);
  unsigned char buf[8 * 512];
  if ((size_t)n * es > sizeof buf) return bk_fail(err, err_sz, BK_EPARSE, "array too large");
  long got = bk_jsonnp_unbase64(b->valuestring, buf, sizeof buf);
  if (got != (long)n * es) return bk_fail(err, err_sz, BK_EPARSE, "array data is not base64 of %d numbers", n);
  for (int i = 0; i < n; i++) {
    if (es == 8) {
      memcpy(&out[i], buf + 8 * i, 8);
    } else {
      float f;
      memcpy(&f, buf + 4 * i, 4);
      out[i] = f;
    }
  }
  return 0;
}
