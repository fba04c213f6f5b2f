#include "run/thresholds.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/json.h"
#include "run/record.h"

static int cmp_double(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

double bk_thr_quantile(double* v, long n, double q) {
  if (n <= 0) return NAN;
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  double pos = q * (double)(n - 1);
  long i = (long)floor(pos);
  if (i >= n - 1) return v[n - 1];
  double frac = pos - (double)i;
  return v[i] + frac * (v[i + 1] - v[i]);
}

/* readings gathered per task and class while reading the records */
typedef struct {
  double* v[BK_SUITE_NTASK][BK_NFORCE];
  long n[BK_SUITE_NTASK], cap[BK_SUITE_NTASK];
  long nsucc[BK_SUITE_NTASK], nfail[BK_SUITE_NTASK];  /* episodes per task, by outcome */
  int counting;                  /* 1: the first pass, which only counts episodes */
  char suite[64];
  const char* path;
  char* err;
  int err_sz;
} gather_t;

// append one step's readings of a task
static int push(gather_t* g, int task, const double* f) {
  if (g->n[task] == g->cap[task]) {
    long cap = g->cap[task] ? 2 * g->cap[task] : 4096;
    for (int k = 0; k < BK_NFORCE; k++) {
      double* p = realloc(g->v[task][k], sizeof(double) * cap);
      if (!p) return BK_ENOMEM;
      g->v[task][k] = p;
    }
    g->cap[task] = cap;
  }
  for (int k = 0; k < BK_NFORCE; k++) g->v[task][k][g->n[task]] = f[k];
  g->n[task]++;
  return 0;
}

// one record (checked by the shared reader): the expert's, of one suite; every step's readings
static int gather_line(const bk_record_t* rec, int lineno, void* arg) {
  gather_t* g = arg;
  if (strcmp(rec->policy, "expert") != 0) {
    return bk_fail(g->err, g->err_sz, BK_EINVAL,
                   "%s:%d: policy '%s': thresholds come from expert runs only", g->path,
                   lineno, rec->policy);
  }
  if (g->suite[0] && strcmp(g->suite, rec->suite) != 0) {
    return bk_fail(g->err, g->err_sz, BK_EINVAL,
                   "%s:%d: suite '%s' after records of '%s': thresholds are per suite (one run "
                   "per suite)", g->path, lineno, rec->suite, g->suite);
  }
  snprintf(g->suite, sizeof g->suite, "%.63s", rec->suite);
  if (g->counting) {
    if (rec->success) g->nsucc[rec->task]++;
    else g->nfail[rec->task]++;
    return 0;
  }
  // a failed attempt is not the behaviour thresholds describe (it may press on a fixture
  // for the rest of the episode): a task's successful episodes only, when it has any
  if (!rec->success && g->nsucc[rec->task] > 0) return 0;
  for (int s = 0; s < rec->steps; s++) {
    if (push(g, rec->task, rec->step_force + (size_t)s * BK_NFORCE)) {
      return bk_fail(g->err, g->err_sz, BK_ENOMEM, "out of memory");
    }
  }
  return 0;
}

int bk_thr_from_run(const char* run_dir, double q, double margin, double floor, bk_thr_t* out, char* err,
                    int err_sz) {
  char path[1024];
  snprintf(path, sizeof path, "%s/episodes.jsonl", run_dir);
  gather_t g;
  memset(&g, 0, sizeof g);
  g.path = path;
  g.err = err;
  g.err_sz = err_sz;
  if (!(isfinite(margin) && margin > 0) || !(isfinite(floor) && floor >= 0) || !(q >= 0 && q <= 1)) {
    return bk_fail(err, err_sz, BK_EINVAL,
                   "quantile %g, margin %g, floor %g: expected q in [0, 1], a finite margin > 0 "
                   "and a finite floor >= 0", q, margin, floor);
  }
  g.counting = 1;
  int rc = bk_record_each(path, NULL, gather_line, &g, NULL, err, err_sz);
  g.counting = 0;
  g.suite[0] = '\0';
  if (!rc) rc = bk_record_each(path, NULL, gather_line, &g, NULL, err, err_sz);
  memset(out, 0, sizeof *out);
  snprintf(out->suite, sizeof out->suite, "%s", g.suite);
  snprintf(out->source, sizeof out->source, "%s", run_dir);
  out->quantile = q;
  out->margin = margin;
  out->floor = floor;
  int any = 0;
  for (int t = 0; t < BK_SUITE_NTASK; t++) {
    out->nsteps[t] = g.n[t];
    out->nepisodes[t] = g.nsucc[t] > 0 ? g.nsucc[t] : g.nfail[t];
    out->nexcluded[t] = g.nsucc[t] > 0 ? g.nfail[t] : 0;
    out->have[t] = g.n[t] > 0;
    any |= out->have[t];
    for (int k = 0; k < BK_NFORCE; k++) {
      if (!rc && g.n[t]) out->thr[t][k] = fmax(floor, margin * bk_thr_quantile(g.v[t][k], g.n[t], q));
      free(g.v[t][k]);
    }
  }
  if (!rc && !any) rc = bk_fail(err, err_sz, BK_EINVAL, "%s: no expert steps", path);
  return rc;
}

int bk_thr_save(const bk_thr_t* t, const char* path, char* err, int err_sz) {
  cJSON* root = cJSON_CreateObject();
  cJSON_AddStringToObject(root, "suite", t->suite);
  cJSON_AddStringToObject(root, "source", t->source);
  cJSON_AddNumberToObject(root, "quantile", t->quantile);
  cJSON_AddNumberToObject(root, "margin", t->margin);
  cJSON_AddNumberToObject(root, "floor", t->floor);
  cJSON* tasks = cJSON_AddObjectToObject(root, "tasks");
  for (int i = 0; i < BK_SUITE_NTASK; i++) {
    if (!t->have[i]) continue;
    char key[16];
    snprintf(key, sizeof key, "%d", i);
    cJSON* jt = cJSON_AddObjectToObject(tasks, key);
    for (int k = 0; k < BK_NFORCE; k++) cJSON_AddNumberToObject(jt, bk_force_names[k], t->thr[i][k]);
    cJSON_AddNumberToObject(jt, "n_steps", (double)t->nsteps[i]);
    cJSON_AddNumberToObject(jt, "n_episodes", (double)t->nepisodes[i]);
    cJSON_AddNumberToObject(jt, "n_failed_excluded", (double)t->nexcluded[i]);
  }
  char* text = cJSON_Print(root);
  cJSON_Delete(root);
  if (!text) return bk_fail(err, err_sz, BK_ENOMEM, "out of memory");
  size_t n = strlen(text);
  char* withnl = realloc(text, n + 2);
  if (withnl) {
    text = withnl;
    strcpy(text + n, "\n");
  }
  int rc = bk_write_atomic(path, text, err, err_sz);
  free(text);
  return rc;
}

// one task's three numbers
static int load_task(const cJSON* jt, const char* path, const char* key, double thr[BK_NFORCE],
                     char* err, int err_sz) {
  for (int k = 0; k < BK_NFORCE; k++) {
    const cJSON* x = cJSON_GetObjectItem(jt, bk_force_names[k]);
    if (!cJSON_IsNumber(x) || !isfinite(x->valuedouble) || x->valuedouble < 0) {
      return bk_fail(err, err_sz, BK_EPARSE, "%s: task %s: expected a number >= 0 for '%s'",
                     path, key, bk_force_names[k]);
    }
    thr[k] = x->valuedouble;
  }
  return 0;
}

int bk_thr_load(const char* path, bk_thr_t* t, char* err, int err_sz) {
  memset(t, 0, sizeof *t);
  cJSON* root = bk_json_load(path, err, err_sz);
  if (!root) return BK_EPARSE;
  const cJSON* suite = cJSON_GetObjectItem(root, "suite");
  const cJSON* tasks = cJSON_GetObjectItem(root, "tasks");
  int rc = 0;
  if (!cJSON_IsString(suite) || !cJSON_IsObject(tasks)) {
    rc = bk_fail(err, err_sz, BK_EPARSE, "%s: expected \"suite\" and \"tasks\"", path);
  } else {
    snprintf(t->suite, sizeof t->suite, "%s", suite->valuestring);
    const cJSON* jt;
    cJSON_ArrayForEach(jt, tasks) {
      char* end;
      long id = strtol(jt->string, &end, 10);
      if (end == jt->string || *end || id < 0 || id >= BK_SUITE_NTASK) {
        rc = bk_fail(err, err_sz, BK_EPARSE, "%s: task key '%s': expected 0-%d", path, jt->string,
                     BK_SUITE_NTASK - 1);
        break;
      }
      if ((rc = load_task(jt, path, jt->string, t->thr[id], err, err_sz))) break;
      t->have[id] = 1;
    }
  }
  cJSON_Delete(root);
  return rc;
}
