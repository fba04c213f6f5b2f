#include "run/recscan.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "sim/forces.h"
#include "task/catalog.h"

/* the cursor of one line; the line ends with '\0', which matches nothing expected below,
 * so every loop stops there and the line is declined */
typedef struct {
  const char* p;
} cur_t;

/* numbers longer than cJSON reads in one piece are declined; an exponent above
 * BIG_EXPONENT may overflow, so such a number is converted to see that it is finite */
enum { MAX_NUMBER = 63, BIG_EXPONENT = 200 };

/* the decision fields the checks need (the INT and BOOL keys of BK_DECISION_FIELDS) */
typedef struct {
  int t, chunk, abstain, k, chosen;
} dec_t;

static int is_digit(char ch) {
  return ch >= '0' && ch <= '9';
}

// the bytes s[0 .. n-1] next (s holds no '\0')
static int lit(cur_t* c, const char* s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (c->p[i] != s[i]) return -1;
  }
  c->p += n;
  return 0;
}

// sep (none when 0), then "name": next
static int member(cur_t* c, char sep, const char* name, size_t n) {
  if (sep && *c->p++ != sep) return -1;
  if (*c->p++ != '"' || lit(c, name, n)) return -1;
  if (c->p[0] != '"' || c->p[1] != ':') return -1;
  c->p += 2;
  return 0;
}

// 1 when ,"name": comes next (nothing consumed)
static int at_member(const cur_t* c, const char* name, size_t n) {
  const char* p = c->p;
  return p[0] == ',' && p[1] == '"' && strncmp(p + 2, name, n) == 0 && p[2 + n] == '"';
}

// a number's text converted as cJSON converts it (strtod on the same characters)
static double to_double(const char* s, size_t n) {
  char buf[MAX_NUMBER + 1];
  memcpy(buf, s, n);
  buf[n] = '\0';
  return strtod(buf, NULL);
}

// a strict JSON number that the reader converts to a finite value
static int num(cur_t* c) {
  const char* s = c->p;
  const char* q = s + (*s == '-');
  if (*q == '0') {
    q++;
  } else if (is_digit(*q)) {
    do q++; while (is_digit(*q));
  } else {
    return -1;
  }
  if (*q == '.') {
    if (!is_digit(*++q)) return -1;
    do q++; while (is_digit(*q));
  }
  int big = 0;
  if (*q == 'e' || *q == 'E') {
    int neg = *++q == '-';
    if (*q == '+' || *q == '-') q++;
    if (!is_digit(*q)) return -1;
    int e = 0;
    for (; is_digit(*q); q++) e = e <= BIG_EXPONENT ? e * 10 + (*q - '0') : e;
    big = !neg && e > BIG_EXPONENT;
  }
  if (q - s > MAX_NUMBER) return -1;
  if (big && !isfinite(to_double(s, (size_t)(q - s)))) return -1;
  c->p = q;
  return 0;
}

static int num_or_null(cur_t* c) {
  return *c->p == 'n' ? lit(c, "null", 4) : num(c);
}

// a finite number or null (NaN), converted
static int exact(cur_t* c, double* v) {
  if (*c->p == 'n') return *v = NAN, lit(c, "null", 4);
  const char* s = c->p;
  if (num(c)) return -1;
  *v = to_double(s, (size_t)(c->p - s));
  return 0;
}

// an integer written as one (no fraction, no exponent) within int's range (+-(2^31-1))
static int integer(cur_t* c, int* v) {
  const char* q = c->p;
  int neg = *q == '-';
  long long x = 0;
  q += neg;
  if (*q == '0') {
    q++;
  } else if (*q >= '1' && *q <= '9') {
    const char* s = q;
    do x = x * 10 + (*q++ - '0'); while (is_digit(*q) && q - s < 10);
    if (is_digit(*q)) return -1;
  } else {
    return -1;
  }
  if (x > INT_MAX) return -1;
  *v = (int)(neg ? -x : x);
  c->p = q;
  return 0;
}

static int boolean(cur_t* c, int* v) {
  if (*c->p == 't') return *v = 1, lit(c, "true", 4);
  return *v = 0, lit(c, "false", 5);
}

// a string without escapes or control characters, shorter than the reader's buffers
static int string(cur_t* c, bk_recscan_str_t* v) {
  if (*c->p != '"') return -1;
  const char* s = ++c->p;
  const char* q = s;
  while ((unsigned char)*q >= 0x20 && *q != '"' && *q != '\\') q++;
  if (*q != '"' || q - s >= BK_RECORD_STR) return -1;
  *v = (bk_recscan_str_t){s, (int)(q - s)};
  c->p = q + 1;
  return 0;
}

// '[' n numbers ']', null allowed where nullable
static int numbers(cur_t* c, int n, int nullable) {
  if (*c->p++ != '[') return -1;
  for (int i = 0; i < n; i++) {
    if (i && *c->p++ != ',') return -1;
    if (nullable ? num_or_null(c) : num(c)) return -1;
  }
  return *c->p++ == ']' ? 0 : -1;
}

// {"names[0]": number, ...} in that order (n >= 1)
static int named(cur_t* c, const char* const* names, int n) {
  for (int i = 0; i < n; i++) {
    if (member(c, i ? ',' : '{', names[i], strlen(names[i])) || num(c)) return -1;
  }
  return *c->p++ == '}' ? 0 : -1;
}

// MuJoCo's warning counters: mjNWARNING counts
static int warnings(cur_t* c, int* w) {
  if (*c->p++ != '[') return -1;
  for (int i = 0; i < mjNWARNING; i++) {
    if (i && *c->p++ != ',') return -1;
    if (integer(c, &w[i]) || w[i] < 0) return -1;
  }
  return *c->p++ == ']' ? 0 : -1;
}

/* ------------------------------------------------------------- decisions */

// true, false or null
static int verdict(cur_t* c) {
  int v;
  return *c->p == 'n' ? lit(c, "null", 4) : boolean(c, &v);
}

static int verdicts(cur_t* c) {
  if (member(c, '{', "expert", 6) || verdict(c)) return -1;
  if (member(c, ',', "global", 6) || verdict(c)) return -1;
  return *c->p++ == '}' ? 0 : -1;
}

// the k candidates' risks, confidences and disagreements
static int cand(cur_t* c, const dec_t* d) {
  if (member(c, '{', "risk", 4) || numbers(c, d->k, 1)) return -1;
  if (member(c, ',', "confidence", 10) || numbers(c, d->k, 1)) return -1;
  if (member(c, ',', "disagreement", 12) || numbers(c, d->k, 1)) return -1;
  return *c->p++ == '}' ? 0 : -1;
}

// null, or the error per group
static int error_groups(cur_t* c) {
  static const char* const kGroups[BK_NGROUP] = {"trans", "rot", "grip", "total"};
  return *c->p == 'n' ? lit(c, "null", 4) : named(c, kGroups, BK_NGROUP);
}

// n rows of m finite numbers
static int rows(cur_t* c, int n, int m) {
  if (*c->p++ != '[') return -1;
  for (int i = 0; i < n; i++) {
    if (i && *c->p++ != ',') return -1;
    if (numbers(c, m, 0)) return -1;
  }
  return *c->p++ == ']' ? 0 : -1;
}

// each decision kind of BK_DECISION_FIELDS
#define SCAN_DEC_INT(c, d, key) integer(c, &(d)->key)
#define SCAN_DEC_BOOL(c, d, key) boolean(c, &(d)->key)
#define SCAN_DEC_EXACT(c, d, key) num_or_null(c)
#define SCAN_DEC_FORCES(c, d, key) named(c, bk_force_names, BK_NFORCE)
#define SCAN_DEC_VERDICTS(c, d, key) verdicts(c)
#define SCAN_DEC_CAND(c, d, key) cand(c, d)
#define SCAN_DEC_ERR(c, d, key) error_groups(c)
#define SCAN_DEC_FEATURES(c, d, key) numbers(c, BK_NFEATURE, 1)
#define SCAN_DEC_STEPS(c, d, key) rows(c, (d)->chunk, BK_NFORCE)

// one decision starting at step t0, with the reader's range checks
static int decision(cur_t* c, const bk_recscan_t* o, int t0, dec_t* d) {
  char sep = '{';
#define X(key, kind, expr)                                                     \
  if (member(c, sep, #key, sizeof #key - 1) || SCAN_DEC_##kind(c, d, key)) return -1; \
  sep = ',';
  BK_DECISION_FIELDS(X)
#undef X
  if (d->t != t0) return -1;
  if (d->chunk < 0 || d->chunk > o->open_loop || (long long)d->t + d->chunk > o->steps) return -1;
  if (d->k < 1 || d->k > BK_MAX_K || d->chosen < 0 || d->chosen >= d->k) return -1;
  if (at_member(c, "calls", 5)) {  // a remote policy's: "calls" >= 1, then "infer_ms"
    int calls;
    if (member(c, ',', "calls", 5) || integer(c, &calls) || calls < 1) return -1;
    if (member(c, ',', "infer_ms", 8) || num_or_null(c)) return -1;
  }
  return *c->p++ == '}' ? 0 : -1;
}

// "decisions": contiguous from step 0, covering the steps, only the last one empty
static int decisions(cur_t* c, bk_recscan_t* o) {
  if (member(c, ',', "decisions", 9) || *c->p++ != '[') return -1;
  int t = 0, j = 0;
  if (*c->p == ']') {
    c->p++;
  } else {
    for (;;) {
      dec_t d;
      if (j > o->steps || decision(c, o, t, &d)) return -1;
      j++;
      t += d.chunk;
      if (*c->p == ']') break;
      if (*c->p++ != ',' || d.chunk == 0) return -1;
    }
    c->p++;
  }
  o->ndecision = j;
  return t == o->steps ? 0 : -1;
}

/* ------------------------------------------------------------- the episode */

// each episode kind of BK_EPISODE_FIELDS
#define SCAN_STR(c, v) string(c, &(v))
#define SCAN_INT(c, v) integer(c, &(v))
#define SCAN_BOOL(c, v) boolean(c, &(v))
#define SCAN_EXACT(c, v) exact(c, &(v))
#define SCAN_WARNINGS(c, v) warnings(c, v)
#define SCAN_WTOTAL(c, v) integer(c, &(v))

// the reader's range checks of the episode fields
static int episode_ok(const bk_recscan_t* o, const bk_record_expect_t* x) {
  int ntask = x && x->ntask > 0 ? x->ntask : BK_SUITE_NTASK;
  if (x && x->suite && (strlen(x->suite) != (size_t)o->suite.len ||
                        memcmp(x->suite, o->suite.s, (size_t)o->suite.len))) {
    return -1;
  }
  if (o->task < 0 || o->task >= ntask || o->init < 0 || o->k < 1 || o->k > BK_MAX_K) return -1;
  if (o->chunk < 1 || o->open_loop < 1 || o->open_loop > o->chunk) return -1;
  if (o->max_steps < 1 || o->steps < 0 || o->steps > o->max_steps) return -1;
  long long total = 0;
  for (int i = 0; i < mjNWARNING; i++) total += o->warnings[i];
  return total == o->warnings_total ? 0 : -1;
}

// the optional "attempts" (>= 1) and "actions" (steps rows of BK_ACTION_DIM numbers)
static int episode_extra(cur_t* c, bk_recscan_t* o) {
  o->attempts = 0;
  o->has_actions = 0;
  if (at_member(c, "attempts", 8)) {
    if (member(c, ',', "attempts", 8) || integer(c, &o->attempts) || o->attempts < 1) return -1;
  }
  if (at_member(c, "actions", 7)) {
    o->has_actions = 1;
    if (member(c, ',', "actions", 7) || rows(c, o->steps, BK_ACTION_DIM)) return -1;
  }
  return 0;
}

int bk_recscan(const char* line, size_t n, const bk_record_expect_t* x, bk_recscan_t* out) {
  if (line[n] != '\0') return -1;
  cur_t c = {line};
  char sep = '{';
#define X(key, kind, expr)                                                    \
  if (member(&c, sep, #key, sizeof #key - 1) || SCAN_##kind(&c, out->key)) return -1; \
  sep = ',';
  BK_EPISODE_FIELDS(X)
#undef X
  if (episode_ok(out, x) || decisions(&c, out) || episode_extra(&c, out)) return -1;
  if (*c.p++ != '}') return -1;
  if (*c.p == '\n') c.p++;
  return c.p == line + n ? 0 : -1;
}

// each episode kind copied from a bk_record_t
#define FROM_STR(o, r, key) o->key = (bk_recscan_str_t){r->key, (int)strlen(r->key)};
#define FROM_INT(o, r, key) o->key = r->key;
#define FROM_BOOL(o, r, key) o->key = r->key;
#define FROM_EXACT(o, r, key) o->key = r->key;
#define FROM_WARNINGS(o, r, key) memcpy(o->key, r->key, sizeof o->key);
#define FROM_WTOTAL(o, r, key) o->key = r->key;

void bk_recscan_from_record(const bk_record_t* r, bk_recscan_t* out) {
#define X(key, kind, expr) FROM_##kind(out, r, key)
  BK_EPISODE_FIELDS(X)
#undef X
  out->ndecision = r->ndecision;
  out->attempts = r->attempts;
  out->has_actions = r->actions != NULL;
}

int bk_recscan_read(const char* line, size_t n, const bk_record_expect_t* x,
                    bk_record_t* scratch, bk_recscan_t* out, char* why, int why_sz) {
  if (bk_recscan(line, n, x, out) == 0) return 0;
  int rc = bk_record_read(line, n, x, scratch, why, why_sz);
  if (!rc) bk_recscan_from_record(scratch, out);
  return rc;
}
