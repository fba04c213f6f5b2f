/* Reading records back: one JSON line into a bk_record_t, strictly (exact keys, types and
 * sizes, with the line's decision named in every error), and every record of a file. */
#include "run/record.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/file.h"
#include "task/catalog.h"

/* one record being read */
typedef struct {
  bk_record_t* r;
  const bk_record_expect_t* x;
  char* why;
  int why_sz;
  char at[48];               /* "" or "decision 3: " */
} rd_t;

__attribute__((format(printf, 2, 3))) static int bad(rd_t* q, const char* fmt, ...) {
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return bk_fail(q->why, q->why_sz, BK_EPARSE, "%s%s", q->at, msg);
}

// every member of obj is one of keys[0 .. n-1] with its exact case, each at most once,
// and keys[0 .. nreq-1] each exactly once; out[i] gets the member named keys[i] or NULL
static int members_opt(rd_t* q, const char* what, const cJSON* obj, const char* const* keys,
                       int nreq, int n, const cJSON** out);

static int members(rd_t* q, const char* what, const cJSON* obj, const char* const* keys, int n,
                   const cJSON** out) {
  return members_opt(q, what, obj, keys, n, n, out);
}

static int members_opt(rd_t* q, const char* what, const cJSON* obj, const char* const* keys,
                       int nreq, int n, const cJSON** out) {
  if (!cJSON_IsObject(obj)) return bad(q, "%s: expected an object", what);
  for (int i = 0; i < n; i++) out[i] = NULL;
  const cJSON* it;
  cJSON_ArrayForEach(it, obj) {
    int i = 0;
    while (i < n && strcmp(it->string, keys[i])) i++;
    if (i == n) {
      for (i = 0; i < n && strcasecmp(it->string, keys[i]); i++) continue;
      if (i < n) return bad(q, "%s: key \"%.40s\" should be \"%s\"", what, it->string, keys[i]);
      return bad(q, "%s: unknown key \"%.40s\"", what, it->string);
    }
    if (out[i]) return bad(q, "%s: key \"%s\" given twice", what, keys[i]);
    out[i] = it;
  }
  for (int i = 0; i < nreq; i++) {
    if (!out[i]) return bad(q, "%s: missing \"%s\"", what, keys[i]);
  }
  return 0;
}

// a finite number; null gives NaN where nullable
static int get_num(rd_t* q, const char* key, const cJSON* it, int nullable, double* v) {
  if (nullable && cJSON_IsNull(it)) {
    *v = NAN;
    return 0;
  }
  if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble)) {
    return bad(q, "\"%s\": expected a finite number%s", key, nullable ? " or null" : "");
  }
  *v = it->valuedouble;
  return 0;
}

static int get_int(rd_t* q, const char* key, const cJSON* it, int* v) {
  double x = cJSON_IsNumber(it) ? it->valuedouble : NAN;
  if (!(x == floor(x) && fabs(x) <= 2147483647.0)) return bad(q, "\"%s\": expected an integer", key);
  *v = (int)x;
  return 0;
}

static int get_bool(rd_t* q, const char* key, const cJSON* it, int* v) {
  if (!cJSON_IsBool(it)) return bad(q, "\"%s\": expected true or false", key);
  *v = cJSON_IsTrue(it);
  return 0;
}

static int get_str(rd_t* q, const char* key, const cJSON* it, char* buf, size_t sz) {
  if (!cJSON_IsString(it)) return bad(q, "\"%s\": expected a string", key);
  if (strlen(it->valuestring) >= sz) return bad(q, "\"%s\": longer than %zu bytes", key, sz - 1);
  memcpy(buf, it->valuestring, strlen(it->valuestring) + 1);
  return 0;
}

// an array of exactly n numbers (null allowed as NaN where nullable)
static int get_nums(rd_t* q, const char* key, const cJSON* it, int n, int nullable, double* v) {
  if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) != n) {
    return bad(q, "\"%s\": expected an array of %d numbers", key, n);
  }
  int i = 0;
  const cJSON* x;
  cJSON_ArrayForEach(x, it) {
    if (get_num(q, key, x, nullable, &v[i++])) return BK_EPARSE;
  }
  return 0;
}

static int get_warnings(rd_t* q, const char* key, const cJSON* it, int* w) {
  double v[mjNWARNING];
  if (get_nums(q, key, it, mjNWARNING, 0, v)) return BK_EPARSE;
  for (int i = 0; i < mjNWARNING; i++) {
    if (!(v[i] >= 0 && v[i] == floor(v[i]) && v[i] <= 2147483647.0)) {
      return bad(q, "\"%s\": expected counts", key);
    }
    w[i] = (int)v[i];
  }
  return 0;
}

static int get_forces(rd_t* q, const char* key, const cJSON* it, double* f) {
  const cJSON* m[BK_NFORCE];
  if (members(q, key, it, bk_force_names, BK_NFORCE, m)) return BK_EPARSE;
  for (int k = 0; k < BK_NFORCE; k++) {
    if (get_num(q, bk_force_names[k], m[k], 0, &f[k])) return BK_EPARSE;
  }
  return 0;
}

// true 1, false 0, null -1
static int get_verdict(rd_t* q, const char* key, const cJSON* it, int* v) {
  if (cJSON_IsNull(it)) return *v = -1, 0;
  return get_bool(q, key, it, v);
}

static int get_verdicts(rd_t* q, const char* key, const cJSON* it, bk_decision_t* d) {
  static const char* const kKeys[2] = {"expert", "global"};
  const cJSON* m[2];
  if (members(q, key, it, kKeys, 2, m)) return BK_EPARSE;
  if (get_verdict(q, "expert", m[0], &d->viol_expert)) return BK_EPARSE;
  return get_verdict(q, "global", m[1], &d->viol_global);
}

static int get_cand(rd_t* q, const char* key, const cJSON* it, bk_decision_t* d) {
  static const char* const kKeys[3] = {"risk", "confidence", "disagreement"};
  const cJSON* m[3];
  // k is range-checked with the decision, after this: the lists must not outgrow d's arrays
  if (d->k < 1 || d->k > BK_MAX_K) return bad(q, "\"k\" %d: expected 1-%d", d->k, BK_MAX_K);
  if (members(q, key, it, kKeys, 3, m)) return BK_EPARSE;
  if (get_nums(q, "risk", m[0], d->k, 1, d->risk)) return BK_EPARSE;
  if (get_nums(q, "confidence", m[1], d->k, 1, d->conf)) return BK_EPARSE;
  return get_nums(q, "disagreement", m[2], d->k, 1, d->dis);
}

static int get_err(rd_t* q, const char* key, const cJSON* it, bk_decision_t* d) {
  static const char* const kKeys[BK_NGROUP] = {"trans", "rot", "grip", "total"};
  d->has_err = !cJSON_IsNull(it);
  if (!d->has_err) {
    for (int g = 0; g < BK_NGROUP; g++) d->err[g] = NAN;
    return 0;
  }
  const cJSON* m[BK_NGROUP];
  if (members(q, key, it, kKeys, BK_NGROUP, m)) return BK_EPARSE;
  for (int g = 0; g < BK_NGROUP; g++) {
    if (get_num(q, kKeys[g], m[g], 0, &d->err[g])) return BK_EPARSE;
  }
  return 0;
}

// chunk rows of BK_NFORCE readings, at steps t .. t + chunk - 1 of the episode
static int get_steps(rd_t* q, const char* key, const cJSON* it, const bk_decision_t* d) {
  if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) != d->chunk) {
    return bad(q, "\"%s\": expected %d rows (the decision's chunk)", key, d->chunk);
  }
  int s = 0;
  const cJSON* row;
  cJSON_ArrayForEach(row, it) {
    double* f = q->r->step_force + (size_t)(d->t + s++) * BK_NFORCE;
    if (get_nums(q, key, row, BK_NFORCE, 0, f)) return BK_EPARSE;
  }
  return 0;
}

// what the reader does per kind: the expression is the field to fill
#define GET_STR(q, key, it, m) get_str(q, key, it, m, sizeof(m))
#define GET_INT(q, key, it, m) get_int(q, key, it, &(m))
#define GET_BOOL(q, key, it, m) get_bool(q, key, it, &(m))
#define GET_EXACT(q, key, it, m) get_num(q, key, it, 1, &(m))
#define GET_WARNINGS(q, key, it, m) get_warnings(q, key, it, m)
#define GET_WTOTAL(q, key, it, m) get_int(q, key, it, &(m))
#define GET_FORCES(q, key, it, m) get_forces(q, key, it, m)
#define GET_VERDICTS(q, key, it, m) get_verdicts(q, key, it, m)
#define GET_CAND(q, key, it, m) get_cand(q, key, it, m)
#define GET_ERR(q, key, it, m) get_err(q, key, it, m)
#define GET_FEATURES(q, key, it, m) get_nums(q, key, it, BK_NFEATURE, 1, m)
#define GET_STEPS(q, key, it, m) get_steps(q, key, it, m)

#define KEY_NAME(key, kind, expr) #key,
static const char* const kDecisionKeys[] = {BK_DECISION_FIELDS(KEY_NAME) "calls", "infer_ms"};
static const char* const kEpisodeKeys[] = {BK_EPISODE_FIELDS(KEY_NAME) "decisions", "attempts",
                                           "actions"};
#undef KEY_NAME
enum {
  NDECKEY = (int)(sizeof kDecisionKeys / sizeof *kDecisionKeys) - 2,  /* required keys */
  NEPKEY = (int)(sizeof kEpisodeKeys / sizeof *kEpisodeKeys) - 2
};

// ranges of a decision read so far, before its step rows are placed
static int check_decision(rd_t* q, const bk_decision_t* d, int t0, int last) {
  const bk_record_t* r = q->r;
  if (d->t != t0) return bad(q, "\"t\" is %d, expected %d (the steps before it)", d->t, t0);
  if (d->chunk < 0 || d->chunk > r->open_loop || d->t + d->chunk > r->steps) {
    return bad(q, "\"chunk\" %d: expected 0-%d within the episode's %d steps", d->chunk,
               r->open_loop, r->steps);
  }
  if (d->chunk == 0 && !last) return bad(q, "an empty decision before the last");
  if (d->k < 1 || d->k > BK_MAX_K) return bad(q, "\"k\" %d: expected 1-%d", d->k, BK_MAX_K);
  if (d->chosen < 0 || d->chosen >= d->k) {
    return bad(q, "\"chosen\" %d: expected 0-%d", d->chosen, d->k - 1);
  }
  return 0;
}

// the optional "calls" (> 0) and "infer_ms" (a number or null), both or neither
static int read_decision_extra(rd_t* q, const cJSON* calls, const cJSON* ms, bk_decision_t* d) {
  d->infer_ms = NAN;
  if (!calls && !ms) return 0;
  if (!calls || !ms) return bad(q, "\"calls\" and \"infer_ms\" come together");
  if (get_int(q, "calls", calls, &d->calls)) return BK_EPARSE;
  if (d->calls < 1) return bad(q, "\"calls\" %d: expected >= 1", d->calls);
  return get_num(q, "infer_ms", ms, 1, &d->infer_ms);
}

// one element of "decisions", field by field in table order
static int read_decision(rd_t* q, const cJSON* obj, bk_decision_t* d, int t0, int last) {
  const cJSON* m[NDECKEY + 2];
  memset(d, 0, sizeof *d);
  if (members_opt(q, "decision", obj, kDecisionKeys, NDECKEY, NDECKEY + 2, m)) return BK_EPARSE;
  int i = 0;
#define X(key, kind, expr)                                           \
  if (i == NDECKEY - 1 && check_decision(q, d, t0, last)) return BK_EPARSE; \
  if (GET_##kind(q, #key, m[i], expr)) return BK_EPARSE;             \
  i++;
  BK_DECISION_FIELDS(X)
#undef X
  return read_decision_extra(q, m[NDECKEY], m[NDECKEY + 1], d);
}

// room for nd decisions and the episode's step rows
static int reserve(rd_t* q, int nd) {
  bk_record_t* r = q->r;
  if (nd > r->cap_dec) {
    bk_decision_t* p = realloc(r->dec, sizeof *p * (size_t)nd);
    if (!p) return bk_fail(q->why, q->why_sz, BK_ENOMEM, "out of memory");
    r->dec = p;
    r->cap_dec = nd;
  }
  int ns = r->steps > 0 ? r->steps : 1;
  if (ns > r->cap_steps) {
    double* p = realloc(r->step_force, sizeof *p * (size_t)ns * BK_NFORCE);
    if (!p) return bk_fail(q->why, q->why_sz, BK_ENOMEM, "out of memory");
    r->step_force = p;
    r->cap_steps = ns;
  }
  return 0;
}

static int read_decisions(rd_t* q, const cJSON* arr) {
  bk_record_t* r = q->r;
  if (!cJSON_IsArray(arr)) return bad(q, "\"decisions\": expected an array");
  int nd = cJSON_GetArraySize(arr);
  if (nd > r->steps + 1) return bad(q, "%d decisions in %d steps", nd, r->steps);
  int rc = reserve(q, nd);
  if (rc) return rc;
  int j = 0, t = 0;
  const cJSON* it;
  cJSON_ArrayForEach(it, arr) {
    snprintf(q->at, sizeof q->at, "decision %d: ", j);
    if ((rc = read_decision(q, it, &r->dec[j], t, j == nd - 1))) return rc;
    t += r->dec[j++].chunk;
  }
  q->at[0] = 0;
  r->ndecision = nd;
  if (t != r->steps) return bad(q, "the decisions cover %d steps, the record says %d", t, r->steps);
  return 0;
}

// ranges of the episode fields
static int check_episode(rd_t* q) {
  const bk_record_t* r = q->r;
  int ntask = q->x && q->x->ntask > 0 ? q->x->ntask : BK_SUITE_NTASK;
  if (q->x && q->x->suite && strcmp(r->suite, q->x->suite)) {
    return bad(q, "\"suite\" is \"%.64s\", expected \"%.64s\"", r->suite, q->x->suite);
  }
  if (r->task < 0 || r->task >= ntask) return bad(q, "\"task\" %d: expected 0-%d", r->task, ntask - 1);
  if (r->init < 0) return bad(q, "\"init\" %d: expected >= 0", r->init);
  if (r->k < 1 || r->k > BK_MAX_K) return bad(q, "\"k\" %d: expected 1-%d", r->k, BK_MAX_K);
  if (r->chunk < 1 || r->open_loop < 1 || r->open_loop > r->chunk) {
    return bad(q, "\"chunk\" %d, \"open_loop\" %d: expected 1 <= open_loop <= chunk", r->chunk,
               r->open_loop);
  }
  if (r->max_steps < 1 || r->steps < 0 || r->steps > r->max_steps) {
    return bad(q, "\"steps\" %d, \"max_steps\" %d: expected 0 <= steps <= max_steps", r->steps,
               r->max_steps);
  }
  long long total = 0;  // counts up to INT_MAX each: no overflow
  for (int i = 0; i < mjNWARNING; i++) total += r->warnings[i];
  if (total != r->warnings_total) return bad(q, "\"warnings_total\" is not the sum of \"warnings\"");
  return 0;
}

// the optional "attempts" (> 0) and "actions" (steps rows of BK_ACTION_DIM numbers)
static int read_episode_extra(rd_t* q, const cJSON* attempts, const cJSON* actions) {
  bk_record_t* r = q->r;
  r->attempts = 0;
  if (attempts) {
    if (get_int(q, "attempts", attempts, &r->attempts)) return BK_EPARSE;
    if (r->attempts < 1) return bad(q, "\"attempts\" %d: expected >= 1", r->attempts);
  }
  if (!actions) {
    free(r->actions);
    r->actions = NULL;
    r->cap_actions = 0;
    return 0;
  }
  if (!cJSON_IsArray(actions) || cJSON_GetArraySize(actions) != r->steps) {
    return bad(q, "\"actions\": expected %d rows (the steps)", r->steps);
  }
  if (r->steps > r->cap_actions || !r->actions) {
    int cap = r->steps > 0 ? r->steps : 1;
    double* p = realloc(r->actions, sizeof *p * (size_t)cap * BK_ACTION_DIM);
    if (!p) return bk_fail(q->why, q->why_sz, BK_ENOMEM, "out of memory");
    r->actions = p;
    r->cap_actions = cap;
  }
  int s = 0;
  const cJSON* row;
  cJSON_ArrayForEach(row, actions) {
    if (get_nums(q, "actions", row, BK_ACTION_DIM, 0, r->actions + (size_t)s++ * BK_ACTION_DIM)) {
      return BK_EPARSE;
    }
  }
  return 0;
}

// the parsed object, field by field in table order
static int read_object(rd_t* q, const cJSON* obj) {
  bk_record_t* r = q->r;
  const cJSON* m[NEPKEY + 2];
  if (members_opt(q, "record", obj, kEpisodeKeys, NEPKEY, NEPKEY + 2, m)) return BK_EPARSE;
  int i = 0;
#define X(key, kind, expr) \
  if (GET_##kind(q, #key, m[i], r->key)) return BK_EPARSE; \
  i++;
  BK_EPISODE_FIELDS(X)
#undef X
  if (check_episode(q)) return BK_EPARSE;
  if (read_decisions(q, m[NEPKEY - 1])) return BK_EPARSE;
  return read_episode_extra(q, m[NEPKEY], m[NEPKEY + 1]);
}

int bk_record_read(const char* line, size_t n, const bk_record_expect_t* x, bk_record_t* r,
                   char* why, int why_sz) {
  rd_t q = {.r = r, .x = x, .why = why, .why_sz = why_sz};
  r->ndecision = 0;
  const char* end = NULL;
  cJSON* obj = cJSON_ParseWithLengthOpts(line, n, &end, 0);
  if (!obj) return bad(&q, "not JSON (at byte %ld)", end ? (long)(end - line) : 0L);
  // one record per line: only white space after the object
  for (const char* p = end; p < line + n; p++) {
    if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') {
      cJSON_Delete(obj);
      return bad(&q, "text after the record (at byte %ld)", (long)(p - line));
    }
  }
  int rc = read_object(&q, obj);
  cJSON_Delete(obj);
  return rc;
}

void bk_record_free(bk_record_t* r) {
  if (!r) return;
  free(r->dec);
  free(r->step_force);
  free(r->actions);
  r->dec = NULL;
  r->step_force = NULL;
  r->actions = NULL;
  r->cap_dec = r->cap_steps = r->cap_actions = r->ndecision = 0;
}

int bk_record_each(const char* path, const bk_record_expect_t* x, bk_record_fn fn, void* arg,
                   int* partial, char* err, int err_sz) {
  int rc = 0;
  FILE* f = bk_file_open_read(path, &rc, err, err_sz);
  if (!f) return rc;
  bk_record_t* r = calloc(1, sizeof *r);
  char* line = NULL;
  size_t cap = 0;
  ssize_t n;
  int lineno = 0;
  if (!r) rc = bk_fail(err, err_sz, BK_ENOMEM, "out of memory");
  if (partial) *partial = 0;
  while (!rc && (n = getline(&line, &cap, f)) > 0) {
    lineno++;
    if (line[n - 1] != '\n') {  // cut off mid-write: not a record
      if (partial) (*partial)++;
      break;
    }
    if (n == 1) continue;
    char why[300];
    rc = bk_record_read(line, (size_t)n, x, r, why, sizeof why);
    if (rc) {
      bk_fail(err, err_sz, rc, "%s:%d: %s", path, lineno, why);
    } else {
      rc = fn(r, lineno, arg);
    }
  }
  if (!rc && ferror(f)) rc = bk_fail(err, err_sz, BK_EIO, "%s: %s", path, strerror(errno));
  bk_record_free(r);
  free(r);
  free(line);
  fclose(f);
  return rc;
}
