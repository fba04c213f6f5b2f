#include "viewer/replay.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/json.h"
#include "run/record.h"

static int get_int(const cJSON* o, const char* key, int def) {
  const cJSON* v = cJSON_GetObjectItemCaseSensitive(o, key);
  return cJSON_IsNumber(v) ? v->valueint : def;
}

static void get_str(const cJSON* o, const char* key, char* buf, int sz) {
  const cJSON* v = cJSON_GetObjectItemCaseSensitive(o, key);
  snprintf(buf, sz, "%s", cJSON_IsString(v) ? v->valuestring : "");
}

// run.json: what shapes the episodes
static int load_config(const char* dir, bk_replay_t* r, char* err, int err_sz) {
  char path[1100];
  snprintf(path, sizeof path, "%s/run.json", dir);
  cJSON* j = bk_json_load(path, err, err_sz);
  if (!j) return BK_EPARSE;
  char* suite = r->suite_name;
  get_str(j, "base_suite", r->suite, sizeof r->suite);
  get_str(j, "suite", suite, sizeof r->suite_name);
  get_str(j, "policy", r->policy, sizeof r->policy);
  get_str(j, "policy_opts", r->policy_opts, sizeof r->policy_opts);
  get_str(j, "thresholds", r->thresholds, sizeof r->thresholds);
  get_str(j, "sampling", r->sampling, sizeof r->sampling);
  get_str(j, "scorer", r->scorer, sizeof r->scorer);
  get_str(j, "predictor", r->predictor, sizeof r->predictor);
  const cJSON* rs = cJSON_GetObjectItemCaseSensitive(j, "run_seed");
  r->run_seed = cJSON_IsNumber(rs) ? (unsigned long long)rs->valuedouble : 0;
  r->k = get_int(j, "k", 1);
  r->chunk = get_int(j, "chunk", 8);
  r->open_loop = get_int(j, "open_loop", 8);
  r->max_steps = get_int(j, "max_steps", 0);
  const cJSON* g = cJSON_GetObjectItemCaseSensitive(j, "global_threshold");
  r->thr_global = cJSON_IsNumber(g) ? g->valuedouble : 0;
  cJSON_Delete(j);
  // a shifted suite is named <base>_x0.1: the shift is "x:0.1"
  r->shift.axis = -1;
  size_t n = strlen(r->suite);
  if (strncmp(suite, r->suite, n) == 0 && suite[n] == '_' && suite[n + 1]) {
    char spec[32];
    snprintf(spec, sizeof spec, "%c:%s", suite[n + 1], suite + n + 2);
    if (bk_init_parse_shift(spec, &r->shift, err, err_sz)) return BK_EPARSE;
  }
  if (!r->suite[0] || !r->policy[0] || r->max_steps < 1) {
    return bk_fail(err, err_sz, BK_EPARSE, "%s: missing base_suite, policy or max_steps", path);
  }
  return 0;
}

/* loading state: the run and the configuration the records must match */
typedef struct {
  bk_replay_t* r;
  const char* path;
  char* err;
  int err_sz;
} load_t;

// one record, checked by the shared reader: its identity, outcome and per-step forces
static int on_record(const bk_record_t* rec, int lineno, void* arg) {
  load_t* L = arg;
  bk_replay_t* r = L->r;
  if (rec->max_steps != r->max_steps) {
    return bk_fail(L->err, L->err_sz, BK_EPARSE, "%s:%d: max_steps %d, run.json says %d", L->path,
                   lineno, rec->max_steps, r->max_steps);
  }
  bk_replay_ep_t* grown = realloc(r->ep, sizeof *r->ep * (r->n + 1));
  if (!grown) return bk_fail(L->err, L->err_sz, BK_ENOMEM, "%s: out of memory", L->path);
  r->ep = grown;
  bk_replay_ep_t* e = &r->ep[r->n];
  memset(e, 0, sizeof *e);
  e->task = rec->task;
  e->init = rec->init;
  e->seed = rec->seed;
  e->steps = rec->steps;
  e->success = rec->success;
  e->nforce = rec->steps;  // the reader checked the decisions cover exactly these steps
  e->force = calloc((size_t)(e->steps + 1) * BK_NFORCE, sizeof(double));
  if (!e->force) return bk_fail(L->err, L->err_sz, BK_ENOMEM, "%s: out of memory", L->path);
  memcpy(e->force, rec->step_force, sizeof(double) * (size_t)e->steps * BK_NFORCE);
  r->n++;
  return 0;
}

int bk_replay_load(const char* dir, bk_replay_t* r, char* err, int err_sz) {
  memset(r, 0, sizeof *r);
  int rc = load_config(dir, r, err, err_sz);
  if (rc) return rc;
  char path[1100];
  snprintf(path, sizeof path, "%s/episodes.jsonl", dir);
  load_t L = {r, path, err, err_sz};
  bk_record_expect_t x = {.suite = r->suite_name};
  rc = bk_record_each(path, &x, on_record, &L, NULL, err, err_sz);
  if (!rc && r->n == 0) rc = bk_fail(err, err_sz, BK_ENOENT, "%s: no episodes", path);
  return rc;
}

void bk_replay_free(bk_replay_t* r) {
  for (int i = 0; i < r->n; i++) free(r->ep[i].force);
  free(r->ep);
  r->ep = NULL;
  r->n = 0;
}

int bk_replay_find(const bk_replay_t* r, const char* id, char* err, int err_sz) {
  int t, i, s, n;
  char tail;
  if (sscanf(id, "%d:%d:%d%c", &t, &i, &s, &tail) == 3) {
    for (int j = 0; j < r->n; j++) {
      if (r->ep[j].task == t && r->ep[j].init == i && r->ep[j].seed == s) return j;
    }
    bk_fail(err, err_sz, BK_ENOENT, "no episode task %d init %d seed %d in the run", t, i, s);
    return -1;
  }
  if (sscanf(id, "%d%c", &n, &tail) == 1 && n >= 0 && n < r->n) return n;
  bk_fail(err, err_sz, BK_ENOENT, "episode '%s': expected 0-%d (line of episodes.jsonl) or task:init:seed",
          id, r->n - 1);
  return -1;
}

int bk_replay_same_force(const double a[BK_NFORCE], const double b[BK_NFORCE]) {
  for (int k = 0; k < BK_NFORCE; k++) {
    double tol = 1e-5 * fmax(1.0, fmax(fabs(a[k]), fabs(b[k])));
    if (!(fabs(a[k] - b[k]) <= tol)) return 0;
  }
  return 1;
}
