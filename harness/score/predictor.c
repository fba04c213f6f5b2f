#include "score/predictor.h"

#include <cjson/cJSON.h>
#include <linear.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/json.h"
#include "sim/forces.h"

// the goal's first object (the one to move) as an entity index, or -1
static int target_entity(const bk_world_t* w) {
  for (int i = 0; i < w->task.ngoal; i++) {
    if (w->task.goal[i].op == BK_EXPR_ATOM) return bk_world_entity(w, w->task.goal[i].atom.arg[0]);
  }
  return -1;
}

void bk_vp_features(const bk_world_t* w, const mjData* d, const double* chunk, int h,
                    double f[BK_NFEATURE]) {
  memset(f, 0, sizeof(double) * BK_NFEATURE);
  const mjtNum* p = d->site_xpos + 3 * w->grip_site;
  double z = p[2], x = p[0], y = p[1], zmin = z;
  // predicted grip-site path with the controller's scale, and the action statistics
  for (int i = 0; i < h; i++) {
    const double* a = chunk + i * 7;
    x += 0.05 * a[0];
    y += 0.05 * a[1];
    z += 0.05 * a[2];
    if (z < zmin) zmin = z;
    f[2] += fmax(0, a[6]) * fmax(0, -a[2]) / h;
    f[7] += (fabs(a[0]) + fabs(a[1]) + fabs(a[2])) / (3.0 * h);
    f[8] += (fabs(a[3]) + fabs(a[4]) + fabs(a[5])) / (3.0 * h);
    f[9] += fmax(0, -a[2]) / h;
  }
  f[0] = z - w->surface[2];
  f[1] = zmin - w->surface[2];
  int t = target_entity(w);
  if (t >= 0) {
    const mjtNum* o = d->xpos + 3 * w->ent[t].body;
    f[3] = hypot(x - o[0], y - o[1]);
    f[4] = p[2] - (o[2] + w->ent[t].hi[2]);
  }
  double r[BK_NFORCE];
  bk_forces_read(w, d, r);
  f[5] = r[BK_FORCE_ROBOT_OBJECT] > 0;
  f[6] = r[BK_FORCE_ROBOT_FIXTURE] > 0;
}

// the model's input: standardised features, then the task's one-hot
static void input(const bk_predictor_t* p, int task, const double* f, double* x) {
  for (int i = 0; i < BK_NFEATURE; i++) x[i] = (f[i] - p->mean[i]) / p->scale[i];
  for (int t = 0; t < BK_SUITE_NTASK; t++) x[BK_NFEATURE + t] = t == task;
}

double bk_vp_prob(const bk_predictor_t* p, int task, const double f[BK_NFEATURE]) {
  double x[BK_NFEATURE + BK_SUITE_NTASK], z = p->bias;
  input(p, task, f, x);
  for (int i = 0; i < BK_NFEATURE + BK_SUITE_NTASK; i++) z += p->w[i] * x[i];
  return 1.0 / (1.0 + exp(-z));
}

static void quiet(const char* s) { (void)s; }

// feature means and spreads for standardisation
static void standardise(const double* feat, int n, bk_predictor_t* p) {
  for (int i = 0; i < BK_NFEATURE; i++) {
    double s = 0, s2 = 0;
    for (int r = 0; r < n; r++) s += feat[r * BK_NFEATURE + i];
    p->mean[i] = s / n;
    for (int r = 0; r < n; r++) s2 += pow(feat[r * BK_NFEATURE + i] - p->mean[i], 2);
    p->scale[i] = n > 1 && s2 > 0 ? sqrt(s2 / (n - 1)) : 1.0;
  }
}

int bk_vp_train(const double* feat, const int* task, const int* label, int n, double C,
                bk_predictor_t* out, char* err, int err_sz) {
  enum { NX = BK_NFEATURE + BK_SUITE_NTASK };
  memset(out, 0, sizeof *out);
  int npos = 0;
  for (int i = 0; i < n; i++) npos += label[i] != 0;
  if (n < 2 || npos == 0 || npos == n) {
    return bk_fail(err, err_sz, BK_EINVAL,
                   "need examples of both classes (%d decisions, %d violating)", n, npos);
  }
  standardise(feat, n, out);
  struct feature_node* nodes = malloc(sizeof *nodes * (size_t)n * (NX + 2));
  struct feature_node** rows = malloc(sizeof *rows * (size_t)n);
  double* y = malloc(sizeof *y * (size_t)n);
  if (!nodes || !rows || !y) {
    free(nodes); free(rows); free(y);
    return bk_fail(err, err_sz, BK_ENOMEM, "out of memory");
  }
  // rows: the standardised input, the bias column, the terminator
  for (int r = 0; r < n; r++) {
    double x[NX];
    input(out, task[r], feat + (size_t)r * BK_NFEATURE, x);
    struct feature_node* row = nodes + (size_t)r * (NX + 2);
    for (int i = 0; i < NX; i++) row[i] = (struct feature_node){i + 1, x[i]};
    row[NX] = (struct feature_node){NX + 1, 1.0};
    row[NX + 1] = (struct feature_node){-1, 0};
    rows[r] = row;
    y[r] = label[r] ? 1 : -1;
  }
  struct problem prob = {n, NX + 1, y, rows, 1.0};
  struct parameter param = {L2R_LR, 1e-4, C, 0, NULL, NULL, 0.1, NULL};
  set_print_string_function(quiet);
  struct model* m = train(&prob, &param);
  int labels[2];
  get_labels(m, labels);
  int pos = labels[0] == 1 ? 0 : 1;
  double sign = pos == 0 ? 1.0 : -1.0;  // binary models store w for labels[0]
  for (int i = 0; i < NX; i++) out->w[i] = sign * m->w[i];
  out->bias = sign * m->w[NX];
  out->C = C;
  out->ntrain = n;
  out->npos = npos;
  free_and_destroy_model(&m);
  free(nodes); free(rows); free(y);
  return 0;
}

int bk_vp_save(const bk_predictor_t* p, const char* path, char* err, int err_sz) {
  cJSON* j = bk_vp_json(p);
  char* text = cJSON_Print(j);
  cJSON_Delete(j);
  int rc = text ? bk_write_atomic(path, text, err, err_sz) : BK_ENOMEM;
  free(text);
  return rc;
}

cJSON* bk_vp_json(const bk_predictor_t* p) {
  cJSON* j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "model", "logistic regression (liblinear L2R_LR)");
  cJSON_AddStringToObject(j, "suite", p->suite);
  cJSON_AddItemToObject(j, "weights", cJSON_CreateDoubleArray(p->w, BK_NFEATURE + BK_SUITE_NTASK));
  cJSON_AddNumberToObject(j, "bias", p->bias);
  cJSON_AddItemToObject(j, "mean", cJSON_CreateDoubleArray(p->mean, BK_NFEATURE));
  cJSON_AddItemToObject(j, "scale", cJSON_CreateDoubleArray(p->scale, BK_NFEATURE));
  cJSON_AddNumberToObject(j, "C", p->C);
  cJSON_AddNumberToObject(j, "n_train", p->ntrain);
  cJSON_AddNumberToObject(j, "n_violating", p->npos);
  return j;
}

// an array of exactly n numbers
static int numbers(const cJSON* a, double* out, int n) {
  if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != n) return -1;
  for (int i = 0; i < n; i++) {
    const cJSON* x = cJSON_GetArrayItem(a, i);
    if (!cJSON_IsNumber(x)) return -1;
    out[i] = x->valuedouble;
  }
  return 0;
}

int bk_vp_load(const char* path, bk_predictor_t* p, char* err, int err_sz) {
  memset(p, 0, sizeof *p);
  cJSON* j = bk_json_load(path, err, err_sz);
  if (!j) return BK_EPARSE;
  const cJSON* suite = cJSON_GetObjectItem(j, "suite");
  const cJSON* bias = cJSON_GetObjectItem(j, "bias");
  int bad = !cJSON_IsString(suite) || !cJSON_IsNumber(bias) ||
            numbers(cJSON_GetObjectItem(j, "weights"), p->w, BK_NFEATURE + BK_SUITE_NTASK) ||
            numbers(cJSON_GetObjectItem(j, "mean"), p->mean, BK_NFEATURE) ||
            numbers(cJSON_GetObjectItem(j, "scale"), p->scale, BK_NFEATURE);
  for (int i = 0; !bad && i < BK_NFEATURE; i++) {
    bad = !(p->scale[i] > 0) || !isfinite(p->scale[i]) || !isfinite(p->mean[i]);
  }
  for (int i = 0; !bad && i < BK_NFEATURE + BK_SUITE_NTASK; i++) bad = !isfinite(p->w[i]);
  if (!bad) {
    snprintf(p->suite, sizeof p->suite, "%s", suite->valuestring);
    p->bias = bias->valuedouble;
    bad = !isfinite(p->bias);
  }
  cJSON_Delete(j);
  if (bad) return bk_fail(err, err_sz, BK_EPARSE, "%s: not a bokbo predictor model", path);
  return 0;
}
