#include "viewer/replay.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "run/jsonl.h"

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
  char suite[64];
  get_str(j, "base_suite", r->suite, sizeof r->suite);
  get_str(j, "suite", suite, sizeof suite);
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

// the per-step forces of one record, in step order
static int load_forces(const cJSON* rec, bk_replay_ep_t* e) {
  e->force = calloc((size_t)(e->steps + 1) * BK_NFORCE, sizeof(double));
  if (!e->force) return BK_ENOMEM;
  const cJSON* dec;
  cJSON_ArrayForEach(dec, cJSON_GetObjectItemCaseSensitive(rec, "decisions")) {
    int t = get_int(dec, "t", 0);
    const cJSON* row;
    int s = 0;
    cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(dec, "step_force")) {
      if (t + s > e->steps) break;
      for (int k = 0; k < BK_NFORCE; k++) {
        const cJSON* v = cJSON_GetArrayItem(row, k);
        e->force[(size_t)(t + s) * BK_NFORCE + k] = cJSON_IsNumber(v) ? v->valuedouble : NAN;
      }
      s++;
    }
    if (t + s > e->nforce) e->nforce = t + s;
  }
  return 0;
}

static int on_record(const cJSON* rec, int lineno, void* arg) {
  bk_replay_t* r = arg;
  bk_replay_ep_t* grown = realloc(r->ep, sizeof *r->ep * (r->n + 1));
  if (!grown) return BK_ENOMEM;
  r->ep = grown;
  bk_replay_ep_t* e = &r->ep[r->n++];
  memset(e, 0, sizeof *e);
  e->task = get_int(rec, "task", -1);
  e->init = get_int(rec, "init", -1);
  e->seed = get_int(rec, "seed", 0);
  e->steps = get_int(rec, "steps", 0);
  e->success = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(rec, "success"));
  (void)lineno;
  return load_forces(rec, e);
}

int bk_replay_load(const char* dir, bk_replay_t* r, char* err, int err_sz) {
  memset(r, 0, sizeof *r);
  int rc = load_config(dir, r, err, err_sz);
  if (rc) return rc;
  char path[1100];
  snprintf(path, sizeof path, "%s/episodes.jsonl", dir);
  rc = bk_jsonl_each(path, on_record, r, NULL, err, err_sz);
  if (rc == BK_ENOMEM) bk_fail(err, err_sz, rc, "%s: out of memory", path);
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
