#include "report/scan.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/forces.h"

/* the cursor of one line; the line ends with '\0', which stops every loop below */
typedef struct {
  const char* base;
  const char* p;
} cur_t;

/* called per member of an object with the key and the cursor on its value; the handler
 * consumes the value. Returns 0 or -1 (decline). */
typedef int (*member_fn)(cur_t* c, const char* key, int klen, void* arg);

enum { MAX_DEPTH = 32, MAX_NUMBER = 63 };

static const double kPow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                  1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                  1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static void scan_ws(cur_t* c) {
  while (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r') c->p++;
}

static int scan_is_digit(char ch) {
  return ch >= '0' && ch <= '9';
}

static int scan_key_is(const char* key, int klen, const char* name) {
  return (int)strlen(name) == klen && !memcmp(key, name, (size_t)klen);
}

// a string without escapes or control characters; out (may be NULL) gets its span
static int scan_string(cur_t* c, bk_scan_str_t* out) {
  if (*c->p != '"') return -1;
  const char* s = ++c->p;
  while ((unsigned char)*c->p >= 0x20 && *c->p != '"' && *c->p != '\\') c->p++;
  if (*c->p != '"') return -1;
  if (out) *out = (bk_scan_str_t){(int)(s - c->base), (int)(c->p - s)};
  c->p++;
  return 0;
}

// value of a number's text: exact when the digits fit 2^53 and |exponent| <= 22
static double scan_value(const char* s, int len, int neg, uint64_t m, int exact, int dexp) {
  if (exact && m <= (1ULL << 53) && dexp >= -22 && dexp <= 22) {
    double v = dexp < 0 ? (double)m / kPow10[-dexp] : (double)m * kPow10[dexp];
    return neg ? -v : v;
  }
  char buf[MAX_NUMBER + 1];
  memcpy(buf, s, (size_t)len);
  buf[len] = 0;
  return strtod(buf, NULL);
}

// digits into m while they fit 19 places; *exact drops when one does not
static const char* scan_digits(const char* q, uint64_t* m, int* nd, int* exact, int* dexp,
                               int frac) {
  for (; scan_is_digit(*q); q++) {
    if (*nd < 19) {
      *m = *m * 10 + (uint64_t)(*q - '0');
      (*nd)++;
      *dexp -= frac;
    } else {
      *exact = 0;
    }
  }
  return q;
}

// a strict JSON number; out (may be NULL) gets its value
static int scan_number(cur_t* c, double* out) {
  const char* s = c->p;
  const char* q = s;
  int neg = *q == '-', nd = 0, exact = 1, dexp = 0;
  uint64_t m = 0;
  q += neg;
  if (*q == '0') {
    q++;
  } else if (*q >= '1' && *q <= '9') {
    q = scan_digits(q, &m, &nd, &exact, &dexp, 0);
  } else {
    return -1;
  }
  if (*q == '.') {
    if (!scan_is_digit(*++q)) return -1;
    q = scan_digits(q, &m, &nd, &exact, &dexp, 1);
  }
  if (*q == 'e' || *q == 'E') {
    int sign = 1, e = 0;
    if (*++q == '+' || *q == '-') sign = *q++ == '-' ? -1 : 1;
    if (!scan_is_digit(*q)) return -1;
    for (; scan_is_digit(*q); q++) e = e < 100000 ? e * 10 + (*q - '0') : e;
    dexp += sign * e;
  }
  if (q - s > MAX_NUMBER) return -1;
  c->p = q;
  if (out) *out = scan_value(s, (int)(q - s), neg, m, exact, dexp);
  return 0;
}

// the literal word
static int scan_word(cur_t* c, const char* word) {
  size_t n = strlen(word);
  if (strncmp(c->p, word, n)) return -1;
  c->p += n;
  return 0;
}

static int scan_skip(cur_t* c, int depth);

// the members of an object, each handed to fn (fn NULL: skipped)
static int scan_object(cur_t* c, int depth, member_fn fn, void* arg) {
  if (*c->p != '{' || depth > MAX_DEPTH) return -1;
  c->p++;
  scan_ws(c);
  if (*c->p == '}') return c->p++, 0;
  for (;;) {
    bk_scan_str_t k;
    if (scan_string(c, &k)) return -1;
    scan_ws(c);
    if (*c->p != ':') return -1;
    c->p++;
    scan_ws(c);
    if (fn ? fn(c, c->base + k.off, k.len, arg) : scan_skip(c, depth + 1)) return -1;
    scan_ws(c);
    if (*c->p == '}') return c->p++, 0;
    if (*c->p != ',') return -1;
    c->p++;
    scan_ws(c);
  }
}

// the elements of an array, each handed to fn as key "" (fn NULL: skipped)
static int scan_array(cur_t* c, int depth, member_fn fn, void* arg) {
  if (*c->p != '[' || depth > MAX_DEPTH) return -1;
  c->p++;
  scan_ws(c);
  if (*c->p == ']') return c->p++, 0;
  for (;;) {
    if (fn ? fn(c, "", 0, arg) : scan_skip(c, depth + 1)) return -1;
    scan_ws(c);
    if (*c->p == ']') return c->p++, 0;
    if (*c->p != ',') return -1;
    c->p++;
    scan_ws(c);
  }
}

// any value, checked and passed over
static int scan_skip(cur_t* c, int depth) {
  switch (*c->p) {
    case '{': return scan_object(c, depth, NULL, NULL);
    case '[': return scan_array(c, depth, NULL, NULL);
    case '"': return scan_string(c, NULL);
    case 't': return scan_word(c, "true");
    case 'f': return scan_word(c, "false");
    case 'n': return scan_word(c, "null");
    default: return scan_number(c, NULL);
  }
}

/* ---------------------------------------------------------------- typed values */

// a number, or NaN for any other value (passed over)
static int scan_num_or_nan(cur_t* c, double* out) {
  if (*c->p == '-' || scan_is_digit(*c->p)) return scan_number(c, out);
  *out = NAN;
  return scan_skip(c, 1);
}

// true 1, false 0, null -1; anything else declines
static int scan_verdict(cur_t* c, signed char* out) {
  if (*c->p == 't') return *out = 1, scan_word(c, "true");
  if (*c->p == 'f') return *out = 0, scan_word(c, "false");
  if (*c->p == 'n') return *out = -1, scan_word(c, "null");
  return -1;
}

/* running mean of the finite numbers of an array */
typedef struct {
  double sum;
  int n;
} mean_t;

static int scan_mean_item(cur_t* c, const char* key, int klen, void* arg) {
  (void)key, (void)klen;
  mean_t* m = arg;
  if (*c->p != '-' && !scan_is_digit(*c->p)) return scan_skip(c, 2);
  double v;
  if (scan_number(c, &v)) return -1;
  if (isfinite(v)) m->sum += v, m->n++;
  return 0;
}

// mean of an array's finite numbers, NaN without any
static int scan_mean(cur_t* c, double* out) {
  mean_t m = {0, 0};
  if (scan_array(c, 2, scan_mean_item, &m)) return -1;
  *out = m.n ? m.sum / m.n : NAN;
  return 0;
}

/* ---------------------------------------------------------------- decisions */

/* one decision being read: which keys were seen (the first of duplicates wins) */
typedef struct {
  bk_scan_dec_t* d;
  unsigned seen;
} dec_t;

enum { SEEN_S = 1, SEEN_VIOL = 2, SEEN_PEAK = 4, SEEN_CAND = 8, SEEN_ERR = 16,
       SEEN_EXPERT = 32, SEEN_GLOBAL = 64, SEEN_CONF = 128, SEEN_DIS = 256,
       SEEN_F0 = 512, SEEN_ERR0 = 4096 };

// once per key: returns 1 the first time the bit is seen
static int scan_first(unsigned* seen, unsigned bit) {
  if (*seen & bit) return 0;
  *seen |= bit;
  return 1;
}

static int scan_viol_member(cur_t* c, const char* key, int klen, void* arg) {
  dec_t* x = arg;
  if (scan_key_is(key, klen, "expert") && scan_first(&x->seen, SEEN_EXPERT)) return scan_verdict(c, &x->d->ve);
  if (scan_key_is(key, klen, "global") && scan_first(&x->seen, SEEN_GLOBAL)) return scan_verdict(c, &x->d->vg);
  return scan_skip(c, 3);
}

static int scan_peak_member(cur_t* c, const char* key, int klen, void* arg) {
  dec_t* x = arg;
  for (int f = 0; f < BK_NFORCE; f++) {
    if (scan_key_is(key, klen, bk_force_names[f]) && scan_first(&x->seen, SEEN_F0 << f)) {
      return scan_number(c, &x->d->peak[f]);  // not a number: declined
    }
  }
  return scan_skip(c, 3);
}

static int scan_cand_member(cur_t* c, const char* key, int klen, void* arg) {
  dec_t* x = arg;
  if (scan_key_is(key, klen, "confidence") && scan_first(&x->seen, SEEN_CONF)) return scan_mean(c, &x->d->conf);
  if (scan_key_is(key, klen, "disagreement") && scan_first(&x->seen, SEEN_DIS)) return scan_mean(c, &x->d->dis);
  return scan_skip(c, 3);
}

static int scan_err_member(cur_t* c, const char* key, int klen, void* arg) {
  static const char* const kGroup[3] = {"trans", "rot", "grip"};
  dec_t* x = arg;
  for (int g = 0; g < 3; g++) {
    if (scan_key_is(key, klen, kGroup[g]) && scan_first(&x->seen, SEEN_ERR0 << g)) {
      return scan_num_or_nan(c, &x->d->err[g]);
    }
  }
  return scan_skip(c, 3);
}

// "s": a number or null (+inf)
static int scan_score(cur_t* c, double* s) {
  if (*c->p == 'n') return *s = INFINITY, scan_word(c, "null");
  if (scan_number(c, s)) return -1;
  if (isnan(*s)) *s = INFINITY;
  return 0;
}

static int scan_dec_member(cur_t* c, const char* key, int klen, void* arg) {
  dec_t* x = arg;
  if (scan_key_is(key, klen, "s") && scan_first(&x->seen, SEEN_S)) return scan_score(c, &x->d->s);
  if (scan_key_is(key, klen, "violation") && scan_first(&x->seen, SEEN_VIOL)) return scan_object(c, 2, scan_viol_member, x);
  if (scan_key_is(key, klen, "peak_force") && scan_first(&x->seen, SEEN_PEAK)) return scan_object(c, 2, scan_peak_member, x);
  if (scan_key_is(key, klen, "cand") && scan_first(&x->seen, SEEN_CAND)) return scan_object(c, 2, scan_cand_member, x);
  if (scan_key_is(key, klen, "err") && scan_first(&x->seen, SEEN_ERR)) {
    if (*c->p == '{') return scan_object(c, 2, scan_err_member, x);
    return scan_skip(c, 2);  // not an object: no error
  }
  return scan_skip(c, 2);
}

// one element of "decisions": an object with s, violation, peak_force and cand
static int scan_decision(cur_t* c, const char* key, int klen, void* arg) {
  (void)key, (void)klen;
  bk_scan_rec_t* r = arg;
  if (r->n_dec == r->cap_dec) {
    int cap = r->cap_dec ? 2 * r->cap_dec : 64;
    bk_scan_dec_t* d = realloc(r->dec, sizeof *d * (size_t)cap);
    if (!d) return -1;
    r->dec = d;
    r->cap_dec = cap;
  }
  bk_scan_dec_t* d = &r->dec[r->n_dec];
  *d = (bk_scan_dec_t){.ve = -1, .vg = -1, .conf = NAN, .dis = NAN, .err = {NAN, NAN, NAN}};
  dec_t x = {d, 0};
  if (scan_object(c, 2, scan_dec_member, &x)) return -1;
  unsigned need = SEEN_S | SEEN_VIOL | SEEN_PEAK | SEEN_CAND | SEEN_F0 | SEEN_F0 << 1 | SEEN_F0 << 2;
  if ((x.seen & need) != need) return -1;
  r->n_dec++;
  return 0;
}

/* ---------------------------------------------------------------- the record */

/* the record being read: which keys were seen */
typedef struct {
  bk_scan_rec_t* r;
  unsigned seen;
} rec_t;

enum { R_SUITE = 1, R_SAMPLING = 2, R_RUN = 4, R_POLICY = 8, R_SCORER = 16, R_VALUE = 32,
       R_TASK = 64, R_INIT = 128, R_SEED = 256, R_SUCCESS = 512, R_DECISIONS = 1024 };

// an optional string: absent (len -1) when the value is of another type
static int scan_opt_string(cur_t* c, bk_scan_str_t* s) {
  if (*c->p == '"') return scan_string(c, s);
  s->len = -1;
  return scan_skip(c, 1);
}

// cJSON's valueint of a number
static int scan_int(cur_t* c, int* out) {
  double v;
  if (scan_number(c, &v)) return -1;
  *out = v >= INT_MAX ? INT_MAX : v <= (double)INT_MIN ? INT_MIN : (int)v;
  return 0;
}

static int scan_success(cur_t* c, int* out) {
  if (*c->p == 't') return *out = 1, scan_word(c, "true");
  return *out = 0, scan_word(c, "false");
}

static int scan_rec_member(cur_t* c, const char* key, int klen, void* arg) {
  rec_t* x = arg;
  bk_scan_rec_t* r = x->r;
  if (scan_key_is(key, klen, "decisions") && scan_first(&x->seen, R_DECISIONS)) return scan_array(c, 1, scan_decision, r);
  if (scan_key_is(key, klen, "suite") && scan_first(&x->seen, R_SUITE)) return scan_string(c, &r->suite);
  if (scan_key_is(key, klen, "sampling") && scan_first(&x->seen, R_SAMPLING)) return scan_string(c, &r->sampling);
  if (scan_key_is(key, klen, "run") && scan_first(&x->seen, R_RUN)) return scan_opt_string(c, &r->run);
  if (scan_key_is(key, klen, "policy") && scan_first(&x->seen, R_POLICY)) return scan_opt_string(c, &r->policy);
  if (scan_key_is(key, klen, "scorer") && scan_first(&x->seen, R_SCORER)) return scan_opt_string(c, &r->scorer);
  if (scan_key_is(key, klen, "value") && scan_first(&x->seen, R_VALUE)) {
    double v = 0;
    if (scan_num_or_nan(c, &v)) return -1;
    r->value = isnan(v) ? 0.0 : v;
    return 0;
  }
  if (scan_key_is(key, klen, "task") && scan_first(&x->seen, R_TASK)) return scan_int(c, &r->task);
  if (scan_key_is(key, klen, "init") && scan_first(&x->seen, R_INIT)) return scan_int(c, &r->init);
  if (scan_key_is(key, klen, "seed") && scan_first(&x->seen, R_SEED)) return scan_int(c, &r->seed);
  if (scan_key_is(key, klen, "success") && scan_first(&x->seen, R_SUCCESS)) return scan_success(c, &r->success);
  return scan_skip(c, 1);
}

int bk_scan_record(const char* line, size_t n, bk_scan_rec_t* r) {
  cur_t c = {line, line};
  rec_t x = {r, 0};
  bk_scan_str_t none = {0, -1};
  r->suite = r->sampling = r->run = r->policy = r->scorer = none;
  r->value = 0;
  r->n_dec = 0;
  scan_ws(&c);
  if (scan_object(&c, 0, scan_rec_member, &x)) return -1;
  scan_ws(&c);
  // the whole line, and nothing but the object
  if (c.p != line + n) return -1;
  unsigned need = R_SUITE | R_SAMPLING | R_TASK | R_INIT | R_SEED | R_SUCCESS | R_DECISIONS;
  if ((x.seen & need) != need) return -1;
  return r->task < 0 || r->task > 9999 ? -1 : 0;
}

void bk_scan_rec_free(bk_scan_rec_t* r) {
  if (!r) return;
  free(r->dec);
  r->dec = NULL;
  r->n_dec = r->cap_dec = 0;
}
