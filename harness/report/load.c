#include "report/load.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/err.h"
#include "report/scan.h"
#include "core/json.h"

/* state of one episodes.jsonl pass */
typedef struct {
  bk_load_t* L;
  const bk_load_exclude_t* ex;
  const char* path;
  int run;
  char* err;
  int err_sz;
  bk_scan_rec_t rec;      /* scratch of the fast reader */
} pass_t;

// grows *p (elements of size sz) to hold at least need elements
static int grow(void** p, int* cap, int need, size_t sz) {
  if (need <= *cap) return 0;
  int ncap = *cap ? *cap : 64;
  while (ncap < need) ncap *= 2;
  void* q = realloc(*p, (size_t)ncap * sz);
  if (!q) return BK_ENOMEM;
  memset((char*)q + (size_t)*cap * sz, 0, (size_t)(ncap - *cap) * sz);
  *p = q;
  *cap = ncap;
  return 0;
}

// reallocates *p from old to cap elements of size sz, zeroing the new part
static int resize(void** p, size_t old, size_t cap, size_t sz) {
  void* q = realloc(*p, cap * sz);
  if (!q) return BK_ENOMEM;
  memset((char*)q + old * sz, 0, (cap - old) * sz);
  *p = q;
  return 0;
}

// doubled capacity that holds need
static int doubled(int cap, int need) {
  int n = cap ? cap : 64;
  while (n < need) n *= 2;
  return n;
}

// room for one more episode with nd decisions
static int reserve(bk_load_t* L, int nd) {
  int rc = 0;
  if (L->n_episodes + 2 > L->cap_episodes) {
    size_t o = (size_t)L->cap_episodes, c = (size_t)doubled(L->cap_episodes, L->n_episodes + 2);
#define E(f) rc |= resize((void**)&L->f, o, c, sizeof(*L->f))
    E(ep_run); E(ep_group); E(ep_task); E(ep_init); E(ep_seed);
    E(ep_success); E(ep_predictor); E(ep_offset);
#undef E
    if (rc) return BK_ENOMEM;
    L->cap_episodes = (int)c;
  }
  if (L->n_decisions + nd > L->cap_decisions) {
    size_t o = (size_t)L->cap_decisions, c = (size_t)doubled(L->cap_decisions, L->n_decisions + nd);
#define D(f, m) rc |= resize((void**)&L->f, o * (m), c * (m), sizeof(*L->f))
    D(s, 1); D(v_expert, 1); D(v_global, 1); D(peak, 3);
    D(conf_mean, 1); D(dis_mean, 1); D(err, 3);
#undef D
    if (rc) return BK_ENOMEM;
    L->cap_decisions = (int)c;
  }
  return 0;
}

// a required member of the given JSON type
static const cJSON* need(const pass_t* p, int line, const cJSON* obj, const char* key,
                         int (*is)(const cJSON* const), const char* what) {
  const cJSON* it = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!it || !is(it)) {
    bk_fail(p->err, p->err_sz, BK_EPARSE, "%s:%d: \"%s\" missing or not %s", p->path, line,
            key, what);
    return NULL;
  }
  return it;
}

// a number or null (NaN)
static double num_or_nan(const cJSON* it) {
  return cJSON_IsNumber(it) ? it->valuedouble : NAN;
}

// mean of the finite numbers of an array, NaN without any
static double finite_mean(const cJSON* arr) {
  double sum = 0;
  int n = 0;
  const cJSON* it;
  cJSON_ArrayForEach(it, arr) {
    if (cJSON_IsNumber(it) && isfinite(it->valuedouble)) {
      sum += it->valuedouble;
      n++;
    }
  }
  return n ? sum / n : NAN;
}

// true -> 1, false -> 0, null -> -1; -2 for anything else
static int verdict(const cJSON* it) {
  if (cJSON_IsTrue(it)) return 1;
  if (cJSON_IsFalse(it)) return 0;
  if (!it || cJSON_IsNull(it)) return -1;
  return -2;
}

// index of the (suite, sampling, value) group, added when new; -1 out of memory
static int group_of(bk_load_t* L, const char* suite, const char* sampling, double value) {
  for (int g = 0; g < L->n_groups; g++) {
    const bk_load_group_t* G = &L->groups[g];
    if (!strcmp(G->suite, suite) && !strcmp(G->sampling, sampling) && G->value == value) return g;
  }
  if (grow((void**)&L->groups, &L->cap_groups, L->n_groups + 1, sizeof(*L->groups))) return -1;
  bk_load_group_t* G = &L->groups[L->n_groups];
  snprintf(G->suite, sizeof G->suite, "%s", suite);
  snprintf(G->sampling, sizeof G->sampling, "%s", sampling);
  G->value = value;
  return L->n_groups++;
}

static int excluded(const bk_load_exclude_t* ex, int task, int init, int seed) {
  if (!ex) return 0;
  for (int i = 0; i < ex->n; i++) {
    const int* k = ex->key + 3 * i;
    if (k[0] == task && k[1] == init && k[2] == seed) return 1;
  }
  return 0;
}

// one decision's fields into slot j
static int take_decision(pass_t* p, int line, int idx, const cJSON* d, int j) {
  bk_load_t* L = p->L;
  const cJSON* peak = cJSON_GetObjectItemCaseSensitive(d, "peak_force");
  const cJSON* viol = cJSON_GetObjectItemCaseSensitive(d, "violation");
  const cJSON* cand = cJSON_GetObjectItemCaseSensitive(d, "cand");
  const cJSON* s = cJSON_GetObjectItemCaseSensitive(d, "s");
  if (!cJSON_IsObject(peak) || !cJSON_IsObject(viol) || !cJSON_IsObject(cand) || !s ||
      !(cJSON_IsNumber(s) || cJSON_IsNull(s))) {
    return bk_fail(p->err, p->err_sz, BK_EPARSE,
                   "%s:%d: decision %d lacks peak_force, violation, cand or s", p->path, line, idx);
  }
  int ve = verdict(cJSON_GetObjectItemCaseSensitive(viol, "expert"));
  int vg = verdict(cJSON_GetObjectItemCaseSensitive(viol, "global"));
  if (ve < -1 || vg < -1) {
    return bk_fail(p->err, p->err_sz, BK_EPARSE,
                   "%s:%d: decision %d: violation flags must be true, false or null", p->path,
                   line, idx);
  }
  L->s[j] = cJSON_IsNumber(s) ? s->valuedouble : INFINITY;
  if (isnan(L->s[j])) L->s[j] = INFINITY;
  L->v_expert[j] = (signed char)ve;
  L->v_global[j] = (signed char)vg;
  for (int c = 0; c < BK_NFORCE; c++) {
    const cJSON* f = cJSON_GetObjectItemCaseSensitive(peak, bk_force_names[c]);
    if (!cJSON_IsNumber(f)) {
      return bk_fail(p->err, p->err_sz, BK_EPARSE, "%s:%d: decision %d: peak_force.%s missing",
                     p->path, line, idx, bk_force_names[c]);
    }
    L->peak[3 * j + c] = f->valuedouble;
  }
  L->conf_mean[j] = finite_mean(cJSON_GetObjectItemCaseSensitive(cand, "confidence"));
  L->dis_mean[j] = finite_mean(cJSON_GetObjectItemCaseSensitive(cand, "disagreement"));
  const cJSON* e = cJSON_GetObjectItemCaseSensitive(d, "err");
  static const char* const kGroup[3] = {"trans", "rot", "grip"};
  for (int g = 0; g < 3; g++) {
    L->err[3 * j + g] = cJSON_IsObject(e) ? num_or_nan(cJSON_GetObjectItemCaseSensitive(e, kGroup[g])) : NAN;
  }
  return 0;
}

// the episode-level keys: group, identity, outcome
static int take_header(pass_t* p, const cJSON* obj, int line, int* g, int id[3], int* success) {
  const cJSON *suite, *sampling, *value, *task, *init, *seed, *succ;
  if (!(suite = need(p, line, obj, "suite", cJSON_IsString, "a string")) ||
      !(sampling = need(p, line, obj, "sampling", cJSON_IsString, "a string")) ||
      !(task = need(p, line, obj, "task", cJSON_IsNumber, "a number")) ||
      !(init = need(p, line, obj, "init", cJSON_IsNumber, "a number")) ||
      !(seed = need(p, line, obj, "seed", cJSON_IsNumber, "a number")) ||
      !(succ = need(p, line, obj, "success", cJSON_IsBool, "a boolean"))) {
    return BK_EPARSE;
  }
  value = cJSON_GetObjectItemCaseSensitive(obj, "value");
  if (task->valueint < 0 || task->valueint > 9999) {
    return bk_fail(p->err, p->err_sz, BK_EPARSE, "%s:%d: task %d out of range", p->path, line,
                   task->valueint);
  }
  *g = group_of(p->L, suite->valuestring, sampling->valuestring,
                cJSON_IsNumber(value) ? value->valuedouble : 0.0);
  if (*g < 0) return bk_fail(p->err, p->err_sz, BK_ENOMEM, "out of memory");
  id[0] = task->valueint;
  id[1] = init->valueint;
  id[2] = seed->valueint;
  *success = cJSON_IsTrue(succ);
  return 0;
}

// first record of a run: its id and policy (NULL when absent or not a string)
static void take_run_id(pass_t* p, const char* run, const char* policy) {
  bk_load_run_t* R = &p->L->runs[p->run];
  if (run && run[0]) snprintf(R->id, sizeof R->id, "%s", run);
  if (policy && !R->policy[0]) snprintf(R->policy, sizeof R->policy, "%s", policy);
}

// a string member, or NULL
static const char* string_of(const cJSON* obj, const char* key) {
  const cJSON* it = cJSON_GetObjectItemCaseSensitive(obj, key);
  return cJSON_IsString(it) ? it->valuestring : NULL;
}

// the episode's own fields, once its nd decisions are in place from slot j
static void put_episode(pass_t* p, int g, const int id[3], int success, const char* scorer, int nd) {
  bk_load_t* L = p->L;
  int i = L->n_episodes, j = L->n_decisions;
  L->ep_run[i] = p->run;
  L->ep_group[i] = g;
  L->ep_task[i] = id[0];
  L->ep_init[i] = id[1];
  L->ep_seed[i] = id[2];
  L->ep_success[i] = (unsigned char)success;
  L->ep_predictor[i] = scorer && !strcmp(scorer, "predictor");
  L->ep_offset[i] = j;
  L->ep_offset[i + 1] = j + nd;
  L->n_episodes++;
  L->n_decisions += nd;
}

// one record read by cJSON
static int take(const cJSON* obj, int line, void* arg) {
  pass_t* p = arg;
  bk_load_t* L = p->L;
  int g = 0, id[3] = {0, 0, 0}, success = 0;
  int rc = take_header(p, obj, line, &g, id, &success);
  if (rc) return rc;
  const cJSON* decs = need(p, line, obj, "decisions", cJSON_IsArray, "an array");
  if (!decs) return BK_EPARSE;
  if (excluded(p->ex, id[0], id[1], id[2])) {
    L->n_excluded++;
    return 0;
  }
  if (L->n_episodes == 0 || L->ep_run[L->n_episodes - 1] != p->run) {
    take_run_id(p, string_of(obj, "run"), string_of(obj, "policy"));
  }
  int nd = cJSON_GetArraySize(decs);
  if (reserve(L, nd)) return bk_fail(p->err, p->err_sz, BK_ENOMEM, "out of memory");
  int j = L->n_decisions, k = 0;
  const cJSON* d;
  cJSON_ArrayForEach(d, decs) {
    if (!cJSON_IsObject(d)) {
      return bk_fail(p->err, p->err_sz, BK_EPARSE, "%s:%d: decision %d is not an object",
                     p->path, line, k);
    }
    if ((rc = take_decision(p, line, k, d, j + k))) return rc;
    k++;
  }
  put_episode(p, g, id, success, string_of(obj, "scorer"), nd);
  return 0;
}

// a string of a scanned line, terminated in place; NULL when absent
static const char* scanned_string(char* line, bk_scan_str_t s) {
  if (s.len < 0) return NULL;
  line[s.off + s.len] = 0;
  return line + s.off;
}

// one record read by bk_scan (already checked): the same steps as take
static int take_scanned(pass_t* p, char* line) {
  bk_load_t* L = p->L;
  const bk_scan_rec_t* r = &p->rec;
  const char* suite = scanned_string(line, r->suite);
  const char* sampling = scanned_string(line, r->sampling);
  int g = group_of(L, suite, sampling, r->value);
  if (g < 0) return bk_fail(p->err, p->err_sz, BK_ENOMEM, "out of memory");
  if (excluded(p->ex, r->task, r->init, r->seed)) {
    L->n_excluded++;
    return 0;
  }
  if (L->n_episodes == 0 || L->ep_run[L->n_episodes - 1] != p->run) {
    take_run_id(p, scanned_string(line, r->run), scanned_string(line, r->policy));
  }
  if (reserve(L, r->n_dec)) return bk_fail(p->err, p->err_sz, BK_ENOMEM, "out of memory");
  // the decisions, as take_decision stores them
  for (int k = 0, j = L->n_decisions; k < r->n_dec; k++, j++) {
    const bk_scan_dec_t* d = &r->dec[k];
    L->s[j] = d->s;
    L->v_expert[j] = d->ve;
    L->v_global[j] = d->vg;
    memcpy(L->peak + 3 * j, d->peak, sizeof d->peak);
    L->conf_mean[j] = d->conf;
    L->dis_mean[j] = d->dis;
    memcpy(L->err + 3 * j, d->err, sizeof d->err);
  }
  int id[3] = {r->task, r->init, r->seed};
  put_episode(p, g, id, r->success, scanned_string(line, r->scorer), r->n_dec);
  return 0;
}

// one non-empty line: the fast reader, else cJSON (which words any error)
static int take_line(pass_t* p, char* line, size_t n, int lineno) {
  if (bk_scan_record(line, n, &p->rec) == 0) return take_scanned(p, line);
  cJSON* obj = cJSON_ParseWithLength(line, n);
  if (!obj || !cJSON_IsObject(obj)) {
    cJSON_Delete(obj);
    return bk_fail(p->err, p->err_sz, BK_EPARSE, "%s:%d: not a JSON object", p->path, lineno);
  }
  int rc = take(obj, lineno, p);
  cJSON_Delete(obj);
  return rc;
}

// every line of episodes.jsonl, as bk_jsonl_each reads them: an unterminated last line
// (a run cut off while writing) is skipped, empty lines too
static int take_lines(pass_t* p) {
  FILE* f = fopen(p->path, "r");
  if (!f) return bk_fail(p->err, p->err_sz, BK_EIO, "%s: %s", p->path, strerror(errno));
  setvbuf(f, NULL, _IOFBF, 1 << 20);
  char* line = NULL;
  size_t cap = 0;
  ssize_t n;
  int lineno = 0, rc = 0;
  while (!rc && (n = getline(&line, &cap, f)) > 0) {
    lineno++;
    if (line[n - 1] != '\n') break;
    if (n > 1) rc = take_line(p, line, (size_t)n, lineno);
  }
  free(line);
  fclose(f);
  return rc;
}

// run.json: the thresholds used, the policy; a missing file is an error
static int read_run_json(pass_t* p, const char* dir) {
  bk_load_run_t* R = &p->L->runs[p->run];
  char path[1100];
  snprintf(path, sizeof path, "%s/run.json", dir);
  cJSON* j = bk_json_load(path, p->err, p->err_sz);
  if (!j) return BK_EPARSE;
  if (!cJSON_IsObject(j)) {
    cJSON_Delete(j);
    return bk_fail(p->err, p->err_sz, BK_EPARSE, "%s:1: not a JSON object", path);
  }
  const cJSON* thr = cJSON_GetObjectItemCaseSensitive(j, "thresholds");
  const cJSON* glob = cJSON_GetObjectItemCaseSensitive(j, "global_threshold");
  const cJSON* pol = cJSON_GetObjectItemCaseSensitive(j, "policy");
  if (cJSON_IsString(thr)) snprintf(R->thresholds, sizeof R->thresholds, "%s", thr->valuestring);
  R->global_threshold = cJSON_IsNumber(glob) && glob->valuedouble > 0 ? glob->valuedouble : NAN;
  if (cJSON_IsString(pol)) snprintf(R->policy, sizeof R->policy, "%s", pol->valuestring);
  cJSON_Delete(j);
  return 0;
}

// one run directory
static int load_dir(bk_load_t* L, const char* dir, const bk_load_exclude_t* ex, char* err,
                    int err_sz) {
  if (grow((void**)&L->runs, &L->cap_runs, L->n_runs + 1, sizeof(*L->runs))) {
    return bk_fail(err, err_sz, BK_ENOMEM, "out of memory");
  }
  bk_load_run_t* R = &L->runs[L->n_runs];
  memset(R, 0, sizeof *R);
  snprintf(R->dir, sizeof R->dir, "%s", dir);
  const char* base = strrchr(dir, '/');
  base = base && base[1] ? base + 1 : dir;
  snprintf(R->id, sizeof R->id, "%s", base);
  char path[1100];
  snprintf(path, sizeof path, "%s/episodes.jsonl", dir);
  pass_t p = {.L = L, .ex = ex, .path = path, .run = L->n_runs, .err = err, .err_sz = err_sz};
  int rc = read_run_json(&p, dir);
  if (rc) return rc;
  L->n_runs++;
  int before = L->n_episodes + L->n_excluded;
  rc = take_lines(&p);
  bk_scan_rec_free(&p.rec);
  if (!rc && L->n_episodes + L->n_excluded == before) {
    rc = bk_fail(err, err_sz, BK_EPARSE, "%s: no episode records", path);
  }
  return rc;
}

bk_load_t* bk_load_runs(const char* const* dirs, int ndir, const bk_load_exclude_t* exclude,
                        char* err, int err_sz) {
  bk_load_t* L = calloc(1, sizeof *L);
  if (!L) {
    bk_fail(err, err_sz, BK_ENOMEM, "out of memory");
    return NULL;
  }
  int rc = reserve(L, 1);
  if (rc) bk_fail(err, err_sz, BK_ENOMEM, "out of memory");
  for (int r = 0; !rc && r < ndir; r++) rc = load_dir(L, dirs[r], exclude, err, err_sz);
  if (!rc && L->n_episodes == 0) {
    rc = bk_fail(err, err_sz, BK_EINVAL, "no episodes left (all %d excluded as training episodes)",
                 L->n_excluded);
  }
  if (rc) {
    bk_load_free(L);
    return NULL;
  }
  return L;
}

void bk_load_free(bk_load_t* L) {
  if (!L) return;
  free(L->runs); free(L->groups);
  free(L->ep_run); free(L->ep_group); free(L->ep_task); free(L->ep_init); free(L->ep_seed);
  free(L->ep_success); free(L->ep_predictor); free(L->ep_offset);
  free(L->s); free(L->v_expert); free(L->v_global); free(L->peak);
  free(L->conf_mean); free(L->dis_mean); free(L->err);
  free(L);
}

int bk_load_exclude_read(const char* path, bk_load_exclude_t* ex, char* err, int err_sz) {
  memset(ex, 0, sizeof *ex);
  cJSON* j = bk_json_load(path, err, err_sz);
  if (!j) return BK_EPARSE;
  const cJSON* arr = cJSON_GetObjectItemCaseSensitive(j, "train_episodes");
  int rc = 0;
  if (!cJSON_IsArray(arr)) {
    rc = bk_fail(err, err_sz, BK_EPARSE, "%s: no \"train_episodes\" array (not a predictor model?)", path);
  } else {
    int n = cJSON_GetArraySize(arr);
    ex->key = calloc((size_t)(n ? n : 1) * 3, sizeof(int));
    if (!ex->key) rc = bk_fail(err, err_sz, BK_ENOMEM, "out of memory");
    const cJSON* k;
    cJSON_ArrayForEach(k, arr) {
      if (rc) break;
      if (!cJSON_IsArray(k) || cJSON_GetArraySize(k) != 3) {
        rc = bk_fail(err, err_sz, BK_EPARSE, "%s: train_episodes[%d] is not [task, init, seed]",
                     path, ex->n);
        break;
      }
      for (int c = 0; c < 3; c++) ex->key[3 * ex->n + c] = cJSON_GetArrayItem(k, c)->valueint;
      ex->n++;
    }
  }
  cJSON_Delete(j);
  if (rc) bk_load_exclude_free(ex);
  return rc;
}

void bk_load_exclude_free(bk_load_exclude_t* ex) {
  if (!ex) return;
  free(ex->key);
  ex->key = NULL;
  ex->n = 0;
}
