/* bokbo train-predictor: fit the violation predictor on a run's decisions */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/err.h"
#include "core/rng.h"
#include "core/json.h"
#include "run/epkey.h"
#include "run/record.h"
#include "score/predictor.h"

// an example's episode and decision: examples are fitted in this order, not in the order
// the records were written (workers finish episodes in any order)
typedef struct {
  int task, init, seed, j;
  double value;
} bk_ex_key_t;

typedef struct {
  double fraction;
  uint64_t split_seed;
  int n, cap;
  double* feat;
  int *task, *label;
  bk_ex_key_t* key;            /* where each example comes from: the order it is fitted in */
  cJSON* train_keys;           /* [[task, init, seed], ...] of the training episodes */
  bk_epkey_set_t seen;         /* every episode read, to refuse duplicates */
  char suite[64];
  int unlabelled;
  const char* path;
  char err[512];
} train_t;

static void usage(FILE* f) {
  fprintf(f,
          "usage: bokbo train-predictor --run DIR --out MODEL.json [--fraction 0.5]\n"
          "                             [--split-seed 0] [--C 1.0]\n"
          "\n"
          "Fits the learned violation predictor (L2-regularised logistic regression,\n"
          "liblinear) on the executed decisions of a run: features of the chosen candidate\n"
          "(records' \"features\") and the task, label = the decision violated under the\n"
          "expert thresholds (the run needs --thresholds). Only a seeded fraction of the\n"
          "episodes is used; their keys are stored in the model so that calibration and\n"
          "reports evaluate on the other episodes only.\n");
}

// a pure function of the episode: is it in the training part?
static int in_train(const train_t* t, int task, int init, int seed) {
  uint64_t key[4] = {t->split_seed, (uint64_t)task, (uint64_t)init, (uint64_t)seed};
  bk_rng_t r;
  bk_rng_seed(&r, key, 4);
  return bk_rng_uniform(&r) < t->fraction;
}

// append one example
static int push(train_t* t, const double* f, const bk_record_t* rec, int j, int label) {
  if (t->n == t->cap) {
    t->cap = t->cap ? 2 * t->cap : 1024;
    double* nf = realloc(t->feat, sizeof(double) * BK_NFEATURE * t->cap);
    int* nt = realloc(t->task, sizeof(int) * t->cap);
    int* nl = realloc(t->label, sizeof(int) * t->cap);
    bk_ex_key_t* nk = realloc(t->key, sizeof(bk_ex_key_t) * t->cap);
    if (nf) t->feat = nf;
    if (nt) t->task = nt;
    if (nl) t->label = nl;
    if (nk) t->key = nk;
    if (!nf || !nt || !nl || !nk) return BK_ENOMEM;
  }
  memcpy(t->feat + (size_t)t->n * BK_NFEATURE, f, sizeof(double) * BK_NFEATURE);
  t->task[t->n] = rec->task;
  t->label[t->n] = label;
  t->key[t->n] = (bk_ex_key_t){rec->task, rec->init, rec->seed, j, rec->value};
  t->n++;
  return 0;
}

static int cmp_key(const bk_ex_key_t* a, const bk_ex_key_t* b) {
  if (a->task != b->task) return a->task < b->task ? -1 : 1;
  if (a->value != b->value) return a->value < b->value ? -1 : 1;
  if (a->init != b->init) return a->init < b->init ? -1 : 1;
  if (a->seed != b->seed) return a->seed < b->seed ? -1 : 1;
  return (a->j > b->j) - (a->j < b->j);
}

static const bk_ex_key_t* g_keys;  // qsort's comparator has no context argument
static int cmp_index(const void* a, const void* b) {
  return cmp_key(&g_keys[*(const int*)a], &g_keys[*(const int*)b]);
}

static int cmp_triple(const void* a, const void* b) {
  const int *x = a, *y = b;
  for (int i = 0; i < 3; i++) {
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return 0;
}

// examples in episode order (task, value, init, seed, decision) and the training keys
// sorted, so the model is the same whatever order the run's workers wrote the records in
static int order(train_t* t) {
  int n = t->n, m = cJSON_GetArraySize(t->train_keys);
  int* idx = malloc(sizeof(int) * (size_t)(n + 1));
  double* f = malloc(sizeof(double) * BK_NFEATURE * (size_t)(n + 1));
  int* tl = malloc(sizeof(int) * 2 * (size_t)(n + 1));
  int* tri = malloc(sizeof(int) * 3 * (size_t)(m + 1));
  int rc = idx && f && tl && tri ? 0 : BK_ENOMEM;
  for (int i = 0; !rc && i < n; i++) idx[i] = i;
  g_keys = t->key;
  if (!rc) qsort(idx, (size_t)n, sizeof(int), cmp_index);
  for (int i = 0; !rc && i < n; i++) {
    memcpy(f + (size_t)i * BK_NFEATURE, t->feat + (size_t)idx[i] * BK_NFEATURE, sizeof(double) * BK_NFEATURE);
    tl[i] = t->task[idx[i]], tl[n + i] = t->label[idx[i]];
  }
  for (int i = 0; !rc && i < n; i++) t->task[i] = tl[i], t->label[i] = tl[n + i];
  if (!rc) memcpy(t->feat, f, sizeof(double) * BK_NFEATURE * (size_t)n);
  for (int i = 0; !rc && i < m; i++) {
    const cJSON* k = cJSON_GetArrayItem(t->train_keys, i);
    for (int c = 0; c < 3; c++) tri[3 * i + c] = cJSON_GetArrayItem(k, c)->valueint;
  }
  if (!rc) qsort(tri, (size_t)m, 3 * sizeof(int), cmp_triple);
  for (int i = 0; !rc && i < m; i++) {
    cJSON* k = cJSON_GetArrayItem(t->train_keys, i);
    for (int c = 0; c < 3; c++) cJSON_SetNumberValue(cJSON_GetArrayItem(k, c), tri[3 * i + c]);
  }
  free(idx);
  free(f);
  free(tl);
  free(tri);
  return rc ? bk_fail(t->err, sizeof t->err, rc, "out of memory") : 0;
}

// one episode record (checked by the shared reader): its decisions become examples if it
// is in the training part; a second copy of an episode or a second suite is refused
static int take(const bk_record_t* rec, int lineno, void* arg) {
  train_t* t = arg;
  if (t->suite[0] && strcmp(t->suite, rec->suite)) {
    return bk_fail(t->err, sizeof t->err, BK_EINVAL, "%s:%d: suite '%.64s' after '%s'", t->path,
                   lineno, rec->suite, t->suite);
  }
  snprintf(t->suite, sizeof t->suite, "%.63s", rec->suite);
  bk_epkey_t key = bk_epkey_make(rec->suite, rec->policy, rec->sampling, rec->scorer, rec->k,
                                 rec->chunk, rec->open_loop, rec->max_steps, rec->task,
                                 rec->init, rec->seed, rec->value);
  int first = 0, dup = bk_epkey_add(&t->seen, &key, 0, lineno, NULL, &first);
  if (dup < 0) return bk_fail(t->err, sizeof t->err, BK_ENOMEM, "out of memory");
  if (dup) {
    return bk_fail(t->err, sizeof t->err, BK_EINVAL,
                   "%s:%d: task %d init %d seed %d (value %.17g) again, first on line %d", t->path,
                   lineno, rec->task, rec->init, rec->seed, rec->value, first);
  }
  if (!in_train(t, rec->task, rec->init, rec->seed)) return 0;
  int ids[3] = {rec->task, rec->init, rec->seed};
  cJSON_AddItemToArray(t->train_keys, cJSON_CreateIntArray(ids, 3));
  for (int j = 0; j < rec->ndecision; j++) {
    const bk_decision_t* d = &rec->dec[j];
    double f[BK_NFEATURE];
    if (d->viol_expert < 0) {
      t->unlabelled++;
      continue;
    }
    for (int i = 0; i < BK_NFEATURE; i++) f[i] = isnan(d->feat[i]) ? 0.0 : d->feat[i];
    if (push(t, f, rec, j, d->viol_expert)) {
      return bk_fail(t->err, sizeof t->err, BK_ENOMEM, "out of memory");
    }
  }
  return 0;
}

// parse options into t; -1 usage error, 1 help
static int parse(int argc, char** argv, train_t* t, const char** run, const char** out, double* C) {
  static const struct option opts[] = {
    {"run", required_argument, NULL, 'r'}, {"out", required_argument, NULL, 'o'},
    {"fraction", required_argument, NULL, 'f'}, {"split-seed", required_argument, NULL, 's'},
    {"C", required_argument, NULL, 'C'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
  };
  int c, v;
  char* end;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
      case 'r': *run = optarg; break;
      case 'o': *out = optarg; break;
      case 'f': t->fraction = strtod(optarg, &end); if (*end || !(t->fraction > 0 && t->fraction <= 1)) goto bad; break;
      case 's': if (bk_cli_int(optarg, 0, 2000000000, &v)) goto bad; t->split_seed = (uint64_t)v; break;
      case 'C': *C = strtod(optarg, &end); if (*end || !(*C > 0)) goto bad; break;
      case 'h': usage(stdout); return 1;
      default: usage(stderr); return -1;
    }
  }
  if (*run && *out) return 0;
  bk_cli_error("train-predictor", "--run and --out are required");
  return -1;

bad:
  bk_cli_error("train-predictor", "bad value '%s' (--fraction in (0, 1], --C > 0)", optarg);
  return -1;
}

// write the model plus what it was trained on
static int save(const train_t* t, const bk_predictor_t* p, const char* run, const char* out) {
  char err[512];
  cJSON* j = bk_vp_json(p);
  cJSON_AddStringToObject(j, "source", run);
  cJSON_AddNumberToObject(j, "fraction", t->fraction);
  cJSON_AddNumberToObject(j, "split_seed", (double)t->split_seed);
  cJSON_AddItemReferenceToObject(j, "train_episodes", t->train_keys);
  char* text = cJSON_Print(j);
  int rc = text ? bk_write_atomic(out, text, err, sizeof err)
                : bk_fail(err, sizeof err, BK_ENOMEM, "out of memory");
  free(text);
  cJSON_Delete(j);
  if (rc) bk_cli_error("train-predictor", "%s", err);
  return rc;
}

int bk_cmd_train(int argc, char** argv) {
  train_t t;
  memset(&t, 0, sizeof t);
  t.fraction = 0.5;
  const char *run = NULL, *out = NULL;
  double C = 1.0;
  int rc = parse(argc, argv, &t, &run, &out, &C);
  if (rc) return rc > 0 ? BK_EXIT_OK : BK_EXIT_USAGE;
  char path[1024];
  snprintf(path, sizeof path, "%s/episodes.jsonl", run);
  t.path = path;
  t.train_keys = cJSON_CreateArray();
  bk_predictor_t p;
  rc = bk_record_each(path, NULL, take, &t, NULL, t.err, sizeof t.err);
  if (!rc && t.n == 0 && t.unlabelled) {
    rc = bk_fail(t.err, sizeof t.err, BK_EINVAL, "%s: no labelled decisions (run with --thresholds)", path);
  }
  if (!rc) rc = order(&t);
  if (!rc) rc = bk_vp_train(t.feat, t.task, t.label, t.n, C, &p, t.err, sizeof t.err);
  if (!rc) {
    snprintf(p.suite, sizeof p.suite, "%s", t.suite);
    rc = save(&t, &p, run, out);
    if (!rc) printf("trained on %d decisions (%d violating) of %d episodes -> %s\n", p.ntrain,
                    p.npos, cJSON_GetArraySize(t.train_keys), out);
  } else {
    bk_cli_error("train-predictor", "%s", t.err);
  }
  cJSON_Delete(t.train_keys);
  bk_epkey_free(&t.seen);
  free(t.feat);
  free(t.task);
  free(t.label);
  free(t.key);
  return bk_cli_exit(rc);
}
