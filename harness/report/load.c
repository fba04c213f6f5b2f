#include "report/load.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/err.h"
#include "report/scan.h"
#include "run/epkey.h"
#include "run/record.h"
#include "sample/sample.h"
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
  bk_record_t full;       /* scratch of the validating reader */
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

static int excluded(const bk_load_exclude_t* ex, int task, int init, int seed) {
  if (!ex) return 0;
  for (int i = 0; i < ex->n; i++) {
    const int* k = ex->key + 3 * i;
    if (k[0] == task && k[1] == init && k[2] == seed) return 1;
  }
  return 0;
}

// first record of a run: its id and policy (NULL when absent or not a string)
static void take_run_id(pass_t* p, const char* run, const char* policy) {
  bk_load_run_t* R = &p->L->runs[p->run];
  if (run && run[0]) snprintf(R->id, sizeof R->id, "%s", run);
  if (policy && !R->policy[0]) snprintf(R->policy, sizeof R->policy, "%s", policy);
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

// index of the (suite, sampling, value) group, added when new; -1 out of memory
static int group_of(bk_load_t* L, const char* suite, const char* sampling, double value) {
  for (int g = 0; g < L->n_groups; g++) {
    const bk_load_group_t* G = &L->groups[g];
    if (!strcmp(G->suite, suite) && !strcmp(G->sampling, sampling) &&
        bk_sample_same_value(G->value, value)) {
      return g;
    }
  }
  if (grow((void**)&L->groups, &L->cap_groups, L->n_groups + 1, sizeof(*L->groups))) return -1;
  bk_load_group_t* G = &L->groups[L->n_groups];
  snprintf(G->suite, sizeof G->suite, "%s", suite);
  snprintf(G->sampling, sizeof G->sampling, "%s", sampling);
  G->value = value;
  return L->n_groups++;
}

// mean of the finite numbers of v[0 .. n-1], NaN without any
static double finite_mean(const double* v, int n) {
  double sum = 0;
  int m = 0;
  for (int i = 0; i < n; i++) {
    if (isfinite(v[i])) sum += v[i], m++;
  }
  return m ? sum / m : NAN;
}

// a second copy of an episode (in this run or an earlier one) is refused, naming both
static int check_new(pass_t* p, int line, const char* suite, const char* policy,
                     const char* sampling, const char* scorer, const int cfg[4], int task,
                     int init, int seed, double value) {
  bk_epkey_t key = bk_epkey_make(suite, policy, sampling, scorer, cfg[0], cfg[1], cfg[2], cfg[3],
                                 task, init, seed, value);
  int src = 0, where = 0, dup = bk_epkey_add(&p->L->seen, &key, p->run, line, &src, &where);
  if (dup < 0) return bk_fail(p->err, p->err_sz, BK_ENOMEM, "out of memory");
  if (!dup) return 0;
  return bk_fail(p->err, p->err_sz, BK_EINVAL,
                 "%s:%d: task %d init %d seed %d (%s %.17g) again: first in %s/episodes.jsonl:%d "
                 "(the same episode twice would inflate n)", p->path, line, task, init, seed,
                 sampling, value, p->L->runs[src].dir, where);
}

// one record read by the validating reader (a line the fast reader declined)
static int take(pass_t* p, int line, const bk_record_t* r) {
  bk_load_t* L = p->L;
  int cfg[4] = {r->k, r->chunk, r->open_loop, r->max_steps};
  int rc = check_new(p, line, r->suite, r->policy, r->sampling, r->scorer, cfg, r->task, r->init,
                     r->seed, r->value);
  if (rc) return rc;
  int g = group_of(L, r->suite, r->sampling, r->value);
  if (g < 0) return bk_fail(p->err, p->err_sz, BK_ENOMEM, "out of memory");
  if (excluded(p->ex, r->task, r->init, r->seed)) {
    L->n_excluded++;
    return 0;
  }
  if (L->n_episodes == 0 || L->ep_run[L->n_episodes - 1] != p->run) take_run_id(p, r->run, r->policy);
  if (reserve(L, r->ndecision)) return bk_fail(p->err, p->err_sz, BK_ENOMEM, "out of memory");
  for (int k = 0, j = L->n_decisions; k < r->ndecision; k++, j++) {
    const bk_decision_t* d = &r->dec[k];
    L->s[j] = isnan(d->s) ? INFINITY : d->s;
    L->v_expert[j] = (signed char)d->viol_expert;
    L->v_global[j] = (signed char)d->viol_global;
    memcpy(L->peak + 3 * j, d->peak, sizeof d->peak);
    L->conf_mean[j] = finite_mean(d->conf, d->k);
    L->dis_mean[j] = finite_mean(d->dis, d->k);
    for (int e = 0; e < 3; e++) L->err[3 * j + e] = d->has_err ? d->err[e] : NAN;
  }
  int id[3] = {r->task, r->init, r->seed};
  put_episode(p, g, id, r->success, r->scorer, r->ndecision);
  return 0;
}

// a string of a scanned line, terminated in place; NULL when absent
static const char* scanned_string(char* line, bk_scan_str_t s) {
  if (s.len < 0) return NULL;
  line[s.off + s.len] = 0;
  return line + s.off;
}

// one record read by bk_scan (already checked): the same steps as take
static int take_scanned(pass_t* p, char* line, int lineno) {
  bk_load_t* L = p->L;
  const bk_scan_rec_t* r = &p->rec;
  const char* suite = scanned_string(line, r->suite);
  const char* sampling = scanned_string(line, r->sampling);
  const char* run = scanned_string(line, r->run);
  const char* policy = scanned_string(line, r->policy);
  const char* scorer = scanned_string(line, r->scorer);
  int cfg[4] = {r->k, r->chunk, r->open_loop, r->max_steps};
  int rc = check_new(p, lineno, suite, policy, sampling, scorer, cfg, r->task, r->init, r->seed,
                     r->value);
  if (rc) return rc;
  int g = group_of(L, suite, sampling, r->value);
  if (g < 0) return bk_fail(p->err, p->err_sz, BK_ENOMEM, "out of memory");
  if (excluded(p->ex, r->task, r->init, r->seed)) {
    L->n_excluded++;
    return 0;
  }
  if (L->n_episodes == 0 || L->ep_run[L->n_episodes - 1] != p->run) {
    take_run_id(p, run, policy);
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
  put_episode(p, g, id, r->success, scorer, r->n_dec);
  return 0;
}

// one non-empty line: the fast reader, else the validating reader (which words any error)
static int take_line(char* line, size_t n, int lineno, void* arg) {
  pass_t* p = arg;
  if (bk_scan_record(line, n, &p->rec) == 0) return take_scanned(p, line, lineno);
  char why[300];
  int rc = bk_record_read(line, n, NULL, &p->full, why, sizeof why);
  if (rc) return bk_fail(p->err, p->err_sz, rc, "%s:%d: %s", p->path, lineno, why);
  return take(p, lineno, &p->full);
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
  int partial = 0;
  rc = bk_file_lines(path, take_line, &p, &partial, err, err_sz);
  if (partial) L->n_partial++;
  bk_scan_rec_free(&p.rec);
  bk_record_free(&p.full);
  if (!rc && L->n_episodes + L->n_excluded == before) {
    rc = bk_fail(err, err_sz, BK_EPARSE, "%s: no episode records", path);
  }
  return rc;
}

/* ---- canonical order: the report must not depend on the order workers wrote records ---- */

typedef struct { const bk_load_group_t* g; int old; } gkey_t;
typedef struct { int g, task, init, seed, run, old; } ekey_t;

static int cmp_group(const void* a, const void* b) {
  const bk_load_group_t* x = ((const gkey_t*)a)->g, *y = ((const gkey_t*)b)->g;
  int c = strcmp(x->suite, y->suite);
  if (!c) c = strcmp(x->sampling, y->sampling);
  if (!c && !bk_sample_same_value(x->value, y->value)) c = x->value < y->value ? -1 : 1;
  return c;
}

static int cmp_episode(const void* a, const void* b) {
  const ekey_t* x = a, *y = b;
  const int kx[5] = {x->g, x->task, x->init, x->seed, x->run};
  const int ky[5] = {y->g, y->task, y->init, y->seed, y->run};
  for (int i = 0; i < 5; i++) {
    if (kx[i] != ky[i]) return kx[i] < ky[i] ? -1 : 1;
  }
  return 0;
}

// groups sorted by (suite, sampling, value); ep_group renumbered
static int sort_groups(bk_load_t* L) {
  int n = L->n_groups;
  gkey_t* k = malloc((size_t)(n ? n : 1) * sizeof *k);
  bk_load_group_t* g = malloc((size_t)(n ? n : 1) * sizeof *g);
  int* to = malloc((size_t)(n ? n : 1) * sizeof *to);
  int rc = k && g && to ? 0 : BK_ENOMEM;
  if (!rc) {
    for (int i = 0; i < n; i++) k[i] = (gkey_t){&L->groups[i], i};
    qsort(k, (size_t)n, sizeof *k, cmp_group);
    for (int i = 0; i < n; i++) g[i] = *k[i].g, to[k[i].old] = i;
    memcpy(L->groups, g, (size_t)n * sizeof *g);
    for (int e = 0; e < L->n_episodes; e++) L->ep_group[e] = to[L->ep_group[e]];
  }
  free(k); free(g); free(to);
  return rc;
}

// dst[i] = src[perm[i]] for n items of sz bytes each, in place through a scratch copy
static int permute(void* base, const int* perm, int n, size_t sz) {
  char* tmp = malloc((size_t)(n ? n : 1) * sz);
  if (!tmp) return BK_ENOMEM;
  for (int i = 0; i < n; i++) memcpy(tmp + (size_t)i * sz, (char*)base + (size_t)perm[i] * sz, sz);
  memcpy(base, tmp, (size_t)n * sz);
  free(tmp);
  return 0;
}

// one per-decision array (m values per decision) reordered episode by episode
static int permute_decisions(const bk_load_t* L, const int* perm, void* base, size_t sz, int m) {
  char* tmp = malloc((size_t)(L->n_decisions ? L->n_decisions : 1) * m * sz);
  if (!tmp) return BK_ENOMEM;
  size_t at = 0;
  for (int i = 0; i < L->n_episodes; i++) {
    int o = perm[i];
    size_t from = (size_t)L->ep_offset[o] * m * sz, len = (size_t)(L->ep_offset[o + 1] - L->ep_offset[o]) * m * sz;
    memcpy(tmp + at, (char*)base + from, len);
    at += len;
  }
  memcpy(base, tmp, at);
  free(tmp);
  return 0;
}

// episodes sorted by (group, task, init, seed, run), their decisions with them
static int sort_episodes(bk_load_t* L) {
  int n = L->n_episodes, rc = 0;
  ekey_t* k = malloc((size_t)(n ? n : 1) * sizeof *k);
  int* perm = malloc((size_t)(n ? n : 1) * sizeof *perm);
  if (!k || !perm) rc = BK_ENOMEM;
  for (int i = 0; !rc && i < n; i++) {
    k[i] = (ekey_t){L->ep_group[i], L->ep_task[i], L->ep_init[i], L->ep_seed[i], L->ep_run[i], i};
  }
  if (!rc) {
    qsort(k, (size_t)n, sizeof *k, cmp_episode);
    for (int i = 0; i < n; i++) perm[i] = k[i].old;
  }
#define D(f, m) if (!rc) rc = permute_decisions(L, perm, L->f, sizeof(*L->f), m)
  D(s, 1); D(v_expert, 1); D(v_global, 1); D(peak, 3); D(conf_mean, 1); D(dis_mean, 1); D(err, 3);
#undef D
#define E(f) if (!rc) rc = permute(L->f, perm, n, sizeof(*L->f))
  E(ep_run); E(ep_group); E(ep_task); E(ep_init); E(ep_seed); E(ep_success); E(ep_predictor);
#undef E
  if (!rc) {  // offsets last: the decision moves above read the old ones
    int* len = malloc((size_t)(n ? n : 1) * sizeof *len);
    if (!len) rc = BK_ENOMEM;
    for (int i = 0; !rc && i < n; i++) len[i] = L->ep_offset[perm[i] + 1] - L->ep_offset[perm[i]];
    for (int i = 0; !rc && i < n; i++) L->ep_offset[i + 1] = L->ep_offset[i] + len[i];
    free(len);
  }
  free(k); free(perm);
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
  if (!rc) rc = sort_groups(L);
  if (!rc) rc = sort_episodes(L);
  if (rc == BK_ENOMEM) bk_fail(err, err_sz, BK_ENOMEM, "out of memory");
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
  bk_epkey_free(&L->seen);
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
