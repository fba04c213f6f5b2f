#include "report/scan.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "run/record.h"
#include "sim/forces.h"
#include "task/catalog.h"

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
  if (*c->p != '"' || c->p - s >= BK_RECORD_STR) return -1;  // the reader's limit
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

// a finite number (the reader refuses 1e999 and friends)
static int scan_finite(cur_t* c, double* out) {
  double v;
  if (scan_number(c, &v) || !isfinite(v)) return -1;
  if (out) *out = v;
  return 0;
}

// a finite number, or null as NaN
static int scan_num_or_null(cur_t* c, double* out) {
  if (*c->p == 'n') return *out = NAN, scan_word(c, "null");
  return scan_finite(c, out);
}

// an integer in int's range
static int scan_int(cur_t* c, int* out) {
  double v;
  if (scan_finite(c, &v) || v != floor(v) || fabs(v) > 2147483647.0) return -1;
  *out = (int)v;
  return 0;
}

static int scan_bool(cur_t* c, int* out) {
  if (*c->p == 't') return *out = 1, scan_word(c, "true");
  return *out = 0, scan_word(c, "false");
}

// true 1, false 0, null -1
static int scan_verdict(cur_t* c, signed char* out) {
  if (*c->p == 'n') return *out = -1, scan_word(c, "null");
  int v;
  if (scan_bool(c, &v)) return -1;
  *out = (signed char)v;
  return 0;
}

// the index of key in names[0 .. n-1], or -1
static int scan_index(const char* key, int klen, const char* const* names, int n) {
  for (int i = 0; i < n; i++) {
    if (scan_key_is(key, klen, names[i])) return i;
  }
  return -1;
}

/* an array of numbers (null allowed as NaN): their count and the mean of the finite ones */
typedef struct {
  double sum;
  int n, count, nullable;
  double* out;             /* the values, when wanted (room for `cap`) */
  int cap;
} list_t;

static int scan_list_item(cur_t* c, const char* key, int klen, void* arg) {
  (void)key, (void)klen;
  list_t* m = arg;
  double v;
  if (m->nullable ? scan_num_or_null(c, &v) : scan_finite(c, &v)) return -1;
  if (m->out && m->count < m->cap) m->out[m->count] = v;
  m->count++;
  if (isfinite(v)) m->sum += v, m->n++;
  return 0;
}

// a list of exactly n numbers; *mean (may be NULL) gets the mean of the finite ones
static int scan_list(cur_t* c, int n, int nullable, double* mean, double* out) {
  list_t m = {0, 0, 0, nullable, out, n};
  if (scan_array(c, 3, scan_list_item, &m) || m.count != n) return -1;
  if (mean) *mean = m.n ? m.sum / m.n : NAN;
  return 0;
}

/* ---------------------------------------------------------------- decisions */

#define KEY_NAME(key, kind, expr) #key,
#define KEY_INDEX(key, kind, expr) D_##key,
static const char* const kDecKeys[] = {BK_DECISION_FIELDS(KEY_NAME)};
enum { BK_DECISION_FIELDS(KEY_INDEX) NDEC };
static const char* const kCandKeys[3] = {"risk", "confidence", "disagreement"};
static const char* const kViolKeys[2] = {"expert", "global"};
static const char* const kErrKeys[4] = {"trans", "rot", "grip", "total"};

/* one decision being read: which keys were seen, the counts checked at its end */
typedef struct {
  bk_scan_dec_t* d;
  unsigned seen, sub;      /* keys of the decision; keys of its nested objects */
  int t, chunk, k, chosen, abstain, ncand[3], rows;
} dec_t;

// once per key: 0 the first time the bit is seen, -1 (decline) after
static int scan_once(unsigned* seen, unsigned bit) {
  if (*seen & bit) return -1;
  *seen |= bit;
  return 0;
}

static int scan_viol_member(cur_t* c, const char* key, int klen, void* arg) {
  dec_t* x = arg;
  int i = scan_index(key, klen, kViolKeys, 2);
  if (i < 0 || scan_once(&x->sub, 1u << i)) return -1;
  return scan_verdict(c, i ? &x->d->vg : &x->d->ve);
}

static int scan_peak_member(cur_t* c, const char* key, int klen, void* arg) {
  dec_t* x = arg;
  int f = scan_index(key, klen, bk_force_names, BK_NFORCE);
  if (f < 0 || scan_once(&x->sub, 4u << f)) return -1;
  return scan_finite(c, &x->d->peak[f]);
}

// counting list items of a candidate list: k is checked when the decision ends
static int scan_count(cur_t* c, int* count, double* mean) {
  list_t m = {0, 0, 0, 1, NULL, 0};
  if (scan_array(c, 3, scan_list_item, &m)) return -1;
  *count = m.count;
  if (mean) *mean = m.n ? m.sum / m.n : NAN;
  return 0;
}

static int scan_cand_member(cur_t* c, const char* key, int klen, void* arg) {
  dec_t* x = arg;
  int i = scan_index(key, klen, kCandKeys, 3);
  if (i < 0 || scan_once(&x->sub, 32u << i)) return -1;
  return scan_count(c, &x->ncand[i], i == 1 ? &x->d->conf : (i == 2 ? &x->d->dis : NULL));
}

static int scan_err_member(cur_t* c, const char* key, int klen, void* arg) {
  dec_t* x = arg;
  int g = scan_index(key, klen, kErrKeys, 4);
  if (g < 0 || scan_once(&x->sub, 256u << g)) return -1;
  double v;
  if (scan_finite(c, &v)) return -1;
  if (g < 3) x->d->err[g] = v;
  return 0;
}

// "err": null, or all four groups
static int scan_err(cur_t* c, dec_t* x) {
  if (*c->p == 'n') return scan_word(c, "null");
  if (scan_object(c, 2, scan_err_member, x)) return -1;
  return (x->sub & (15u << 8)) == (15u << 8) ? 0 : -1;
}

// "s": a finite number, or null (+inf)
static int scan_score(cur_t* c, double* s) {
  if (scan_num_or_null(c, s)) return -1;
  if (isnan(*s)) *s = INFINITY;
  return 0;
}

/* one row of step_force */
static int scan_row(cur_t* c, const char* key, int klen, void* arg) {
  (void)key, (void)klen;
  int* rows = arg;
  (*rows)++;
  return scan_list(c, BK_NFORCE, 0, NULL, NULL);
}

static int scan_dec_member(cur_t* c, const char* key, int klen, void* arg) {
  dec_t* x = arg;
  int i = scan_index(key, klen, kDecKeys, NDEC);
  if (i < 0 || scan_once(&x->seen, 1u << i)) return -1;
  switch (i) {
    case D_t: return scan_int(c, &x->t);
    case D_chunk: return scan_int(c, &x->chunk);
    case D_k: return scan_int(c, &x->k);
    case D_chosen: return scan_int(c, &x->chosen);
    case D_abstain: return scan_bool(c, &x->abstain);
    case D_s: return scan_score(c, &x->d->s);
    case D_violation:
      if (scan_object(c, 2, scan_viol_member, x)) return -1;
      return (x->sub & 3u) == 3u ? 0 : -1;
    case D_peak_force:
      if (scan_object(c, 2, scan_peak_member, x)) return -1;
      return (x->sub & 28u) == 28u ? 0 : -1;
    case D_cand:
      if (scan_object(c, 2, scan_cand_member, x)) return -1;
      return (x->sub & 224u) == 224u ? 0 : -1;
    case D_err: return scan_err(c, x);
    case D_features: return scan_list(c, BK_NFEATURE, 1, NULL, NULL);
    case D_step_force: {
      x->rows = 0;  // checked against chunk at the end
      return scan_array(c, 2, scan_row, &x->rows);
    }
    default: return -1;
  }
}

/* the record being read: which keys were seen, and what the decisions are checked against */
#define KEY_INDEX_E(key, kind, expr) E_##key,
static const char* const kRecKeys[] = {BK_EPISODE_FIELDS(KEY_NAME) "decisions"};
enum { BK_EPISODE_FIELDS(KEY_INDEX_E) E_decisions, NREC };
#undef KEY_NAME
#undef KEY_INDEX
#undef KEY_INDEX_E

typedef struct {
  bk_scan_rec_t* r;
  unsigned seen;
  int open_loop, steps, t, last_empty, wsum, wtotal, abstained, mujoco;
} rec_t;

// one element of "decisions", with the reader's checks (contiguous, within the steps)
static int scan_decision(cur_t* c, const char* key, int klen, void* arg) {
  (void)key, (void)klen;
  rec_t* y = arg;
  bk_scan_rec_t* r = y->r;
  if (r->n_dec == r->cap_dec) {
    int cap = r->cap_dec ? 2 * r->cap_dec : 64;
    bk_scan_dec_t* d = realloc(r->dec, sizeof *d * (size_t)cap);
    if (!d) return -1;
    r->dec = d;
    r->cap_dec = cap;
  }
  bk_scan_dec_t* d = &r->dec[r->n_dec];
  *d = (bk_scan_dec_t){.ve = -1, .vg = -1, .conf = NAN, .dis = NAN, .err = {NAN, NAN, NAN}};
  dec_t x = {.d = d};
  if (scan_object(c, 2, scan_dec_member, &x)) return -1;
  int rows = x.rows;
  if (x.seen != (1u << NDEC) - 1 || y->last_empty || x.t != y->t || x.chunk < 0 ||
      x.chunk > y->open_loop || x.t + x.chunk > y->steps || rows != x.chunk || x.k < 1 ||
      x.k > BK_MAX_K || x.chosen < 0 || x.chosen >= x.k || x.ncand[0] != x.k ||
      x.ncand[1] != x.k || x.ncand[2] != x.k) {
    return -1;
  }
  y->t += x.chunk;
  y->last_empty = x.chunk == 0;
  r->n_dec++;
  return 0;
}

/* ---------------------------------------------------------------- the record */

static int scan_warnings_item(cur_t* c, const char* key, int klen, void* arg) {
  (void)key, (void)klen;
  int* w = arg;  // [count, sum]
  int v;
  if (scan_int(c, &v) || v < 0) return -1;
  w[0]++;
  w[1] += v;
  return 0;
}

static int scan_rec_member(cur_t* c, const char* key, int klen, void* arg) {
  rec_t* x = arg;
  bk_scan_rec_t* r = x->r;
  int i = scan_index(key, klen, kRecKeys, NREC);
  if (i < 0 || scan_once(&x->seen, 1u << i)) return -1;
  switch (i) {
    case E_run: return scan_string(c, &r->run);
    case E_suite: return scan_string(c, &r->suite);
    case E_policy: return scan_string(c, &r->policy);
    case E_sampling: return scan_string(c, &r->sampling);
    case E_scorer: return scan_string(c, &r->scorer);
    case E_error: return scan_string(c, NULL);
    case E_bokbo: return scan_string(c, NULL);
    case E_task: return scan_int(c, &r->task);
    case E_init: return scan_int(c, &r->init);
    case E_seed: return scan_int(c, &r->seed);
    case E_k: return scan_int(c, &r->k);
    case E_chunk: return scan_int(c, &r->chunk);
    case E_open_loop: return scan_int(c, &x->open_loop);
    case E_max_steps: return scan_int(c, &r->max_steps);
    case E_steps: return scan_int(c, &x->steps);
    case E_mujoco: return scan_int(c, &x->mujoco);
    case E_success: return scan_bool(c, &r->success);
    case E_abstained: return scan_bool(c, &x->abstained);
    case E_warnings_total: return scan_int(c, &x->wtotal);
    case E_value: {
      double v;
      if (scan_num_or_null(c, &v)) return -1;
      r->value = isnan(v) ? 0.0 : v;
      return 0;
    }
    case E_warnings: {
      int w[2] = {0, 0};
      if (scan_array(c, 1, scan_warnings_item, w) || w[0] != mjNWARNING) return -1;
      x->wsum = w[1];
      return 0;
    }
    case E_decisions:
      // the decisions are checked against open_loop and steps: these come first
      if (!(x->seen & (1u << E_open_loop)) || !(x->seen & (1u << E_steps))) return -1;
      return scan_array(c, 1, scan_decision, x);
    default: return -1;
  }
}

// the reader's checks of the episode fields (run/record_read.c check_episode)
static int scan_check(const rec_t* x) {
  const bk_scan_rec_t* r = x->r;
  return x->seen == (1u << NREC) - 1 && r->task >= 0 && r->task < BK_SUITE_NTASK &&
                 r->init >= 0 && r->k >= 1 && r->k <= BK_MAX_K && x->open_loop >= 1 &&
                 x->open_loop <= r->chunk && r->max_steps >= 1 && x->steps >= 0 &&
                 x->steps <= r->max_steps && x->wsum == x->wtotal && x->t == x->steps &&
                 r->n_dec <= x->steps + 1
             ? 0
             : -1;
}

int bk_scan_record(const char* line, size_t n, bk_scan_rec_t* r) {
  cur_t c = {line, line};
  rec_t x = {.r = r};
  bk_scan_str_t none = {0, -1};
  r->suite = r->sampling = r->run = r->policy = r->scorer = none;
  r->value = 0;
  r->n_dec = 0;
  scan_ws(&c);
  if (scan_object(&c, 0, scan_rec_member, &x)) return -1;
  scan_ws(&c);
  // the whole line, and nothing but the object
  if (c.p != line + n) return -1;
  r->open_loop = x.open_loop;
  return scan_check(&x);
}

void bk_scan_rec_free(bk_scan_rec_t* r) {
  if (!r) return;
  free(r->dec);
  r->dec = NULL;
  r->n_dec = r->cap_dec = 0;
}
