#include "stats/bootstrap.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/rng.h"

/* read-only state shared by the workers */
typedef struct {
  const bk_boot_config_t* cfg;
  const bk_crc_data_t* d;
  const bk_crc_index_t* ix;
  const int* by_task;     /* episode ids grouped by task */
  const int* task_start;  /* [n_tasks + 1] into by_task */
  bk_boot_result_t* r;
} boot_ctx_t;

/* one worker: splits first, first + step, ... with its own scratch */
typedef struct {
  const boot_ctx_t* c;
  int first, step;
  int rc;
} boot_worker_t;

/* per-worker scratch */
typedef struct {
  unsigned char* cal;
  unsigned char* test;
  int* perm;
  double* tau;
  bk_crc_tau_t* ctau;
  bk_crc_metrics_t* per_task;
} boot_scratch_t;

bk_boot_config_t bk_boot_default_config(void) {
  return (bk_boot_config_t){.epsilon = 0.05, .splits = BK_BOOT_DEFAULT_SPLITS,
                            .cal_fraction = 0.5, .seed = 0,
                            .unit = BK_CRC_UNIT_EPISODE, .threads = 1};
}

static int boot_check_config(const bk_boot_config_t* cfg, char* err, int err_sz) {
  if (!cfg) return bk_fail(err, err_sz, BK_EINVAL, "bootstrap: no config");
  if (!(cfg->epsilon > 0.0 && cfg->epsilon <= 1.0))
    return bk_fail(err, err_sz, BK_EINVAL, "bootstrap: epsilon %g not in (0, 1]",
                   cfg->epsilon);
  if (cfg->splits < 1)
    return bk_fail(err, err_sz, BK_EINVAL, "bootstrap: %d splits", cfg->splits);
  if (!(cfg->cal_fraction > 0.0 && cfg->cal_fraction < 1.0))
    return bk_fail(err, err_sz, BK_EINVAL, "bootstrap: calibration fraction %g not in (0, 1)",
                   cfg->cal_fraction);
  return 0;
}

/* episode ids grouped by task, in id order inside each task */
static int boot_group_tasks(const bk_crc_data_t* d, int** by_task, int** start) {
  *by_task = malloc(sizeof(int) * (size_t)(d->n_episodes + 1));
  *start = calloc((size_t)d->n_tasks + 1, sizeof(int));
  if (!*by_task || !*start) return BK_ENOMEM;
  for (int i = 0; i < d->n_episodes; i++) (*start)[d->task[i] + 1]++;
  for (int t = 0; t < d->n_tasks; t++) (*start)[t + 1] += (*start)[t];
  int* fill = calloc((size_t)d->n_tasks, sizeof(int));
  if (!fill) return BK_ENOMEM;
  for (int i = 0; i < d->n_episodes; i++) {
    int t = d->task[i];
    (*by_task)[(*start)[t] + fill[t]++] = i;
  }
  free(fill);
  return 0;
}

static int boot_cal_count(int n, double frac) {
  return (int)floor((double)n * frac);
}

/* draws split b into cal: per task, a partial Fisher-Yates shuffle picks the calibration
 * episodes; perm is scratch of n_episodes ints */
static void boot_draw(const boot_ctx_t* c, int b, unsigned char* cal, int* perm) {
  const bk_crc_data_t* d = c->d;
  bk_rng_t rng;
  uint64_t key[2] = {c->cfg->seed, (uint64_t)b};
  bk_rng_seed(&rng, key, 2);
  memset(cal, 0, (size_t)d->n_episodes);
  for (int t = 0; t < d->n_tasks; t++) {
    int a = c->task_start[t], n = c->task_start[t + 1] - a;
    int ncal = boot_cal_count(n, c->cfg->cal_fraction);
    memcpy(perm, c->by_task + a, sizeof(int) * (size_t)n);
    for (int k = 0; k < ncal; k++) {
      int j = k + (int)(bk_rng_uniform(&rng) * (double)(n - k));
      int tmp = perm[k];
      perm[k] = perm[j];
      perm[j] = tmp;
      cal[perm[k]] = 1;
    }
  }
}

/* stores one side's calibration and test metrics of split b */
static void boot_store(bk_boot_side_t* s, int n_tasks, int b, const bk_crc_tau_t* ctau,
                       const bk_crc_metrics_t* all, const bk_crc_metrics_t* per_task) {
  for (int g = 0; g < s->ntau; g++) s->tau[(size_t)b * s->ntau + g] = ctau[g].tau;
  s->coverage[b] = all->coverage;
  s->net_success[b] = all->net_success;
  s->violation_rate[b] = all->violation_rate;
  s->risk[b] = all->risk;
  s->executed[b] = all->executed;
  s->hold[b] = (unsigned char)all->hold;
  for (int t = 0; t < n_tasks; t++)
    s->task_hold[(size_t)b * n_tasks + t] = per_task[t].episodes > 0 && per_task[t].hold;
}

/* calibrates one side on cal and evaluates it on test */
static int boot_side(const boot_ctx_t* c, boot_scratch_t* w, int mondrian, int b,
                     bk_boot_side_t* s) {
  const bk_crc_data_t* d = c->d;
  int rc = bk_crc_index_calibrate(c->ix, w->cal, mondrian, c->cfg->epsilon, w->ctau);
  if (rc != 0) return rc;
  for (int g = 0; g < s->ntau; g++) w->tau[g] = w->ctau[g].tau;
  bk_crc_metrics_t all;
  rc = bk_crc_evaluate(d, w->test, w->tau, s->ntau, c->cfg->epsilon, &all, w->per_task);
  if (rc != 0) return rc;
  boot_store(s, d->n_tasks, b, w->ctau, &all, w->per_task);
  return 0;
}

static int boot_scratch_init(boot_scratch_t* w, const bk_crc_data_t* d) {
  size_t ne = (size_t)d->n_episodes + 1, nt = (size_t)d->n_tasks;
  w->cal = malloc(ne);
  w->test = malloc(ne);
  w->perm = malloc(sizeof(int) * ne);
  w->tau = malloc(sizeof(double) * nt);
  w->ctau = malloc(sizeof(bk_crc_tau_t) * nt);
  w->per_task = malloc(sizeof(bk_crc_metrics_t) * nt);
  if (!w->cal || !w->test || !w->perm || !w->tau || !w->ctau || !w->per_task)
    return BK_ENOMEM;
  return 0;
}

static void boot_scratch_free(boot_scratch_t* w) {
  free(w->cal);
  free(w->test);
  free(w->perm);
  free(w->tau);
  free(w->ctau);
  free(w->per_task);
}

static void* boot_worker_main(void* arg) {
  boot_worker_t* wk = arg;
  const boot_ctx_t* c = wk->c;
  boot_scratch_t w = {0};
  wk->rc = boot_scratch_init(&w, c->d);
  // each split: draw, then pooled and Mondrian
  for (int b = wk->first; wk->rc == 0 && b < c->cfg->splits; b += wk->step) {
    boot_draw(c, b, w.cal, w.perm);
    for (int i = 0; i < c->d->n_episodes; i++) w.test[i] = !w.cal[i];
    wk->rc = boot_side(c, &w, 0, b, &c->r->pooled);
    if (wk->rc == 0) wk->rc = boot_side(c, &w, 1, b, &c->r->mondrian);
  }
  boot_scratch_free(&w);
  return NULL;
}

/* runs the workers; the caller's thread is worker 0 */
static int boot_run_workers(const boot_ctx_t* c, int nthreads) {
  boot_worker_t wk[64];
  pthread_t th[64];
  int started = 0, rc = 0;
  if (nthreads < 1) nthreads = 1;
  if (nthreads > 64) nthreads = 64;
  for (int k = 0; k < nthreads; k++) wk[k] = (boot_worker_t){c, k, nthreads, 0};
  for (int k = 1; k < nthreads; k++) {
    if (pthread_create(&th[k], NULL, boot_worker_main, &wk[k]) != 0) break;
    started = k;
  }
  // this thread is worker 0, and any worker whose thread failed to start
  boot_worker_main(&wk[0]);
  for (int k = started + 1; k < nthreads; k++) boot_worker_main(&wk[k]);
  for (int k = 1; k <= started; k++) pthread_join(th[k], NULL);
  for (int k = 0; k < nthreads; k++)
    if (wk[k].rc != 0) rc = wk[k].rc;
  return rc;
}

/* --- results --- */

static int boot_side_alloc(bk_boot_side_t* s, int ntau, int splits, int n_tasks) {
  size_t b = (size_t)splits;
  s->ntau = ntau;
  s->tau = malloc(sizeof(double) * b * (size_t)ntau);
  s->coverage = malloc(sizeof(double) * b);
  s->net_success = malloc(sizeof(double) * b);
  s->violation_rate = malloc(sizeof(double) * b);
  s->risk = malloc(sizeof(double) * b);
  s->executed = malloc(sizeof(long) * b);
  s->hold = malloc(b);
  s->task_hold = malloc(b * (size_t)n_tasks);
  s->task_hold_rate = malloc(sizeof(double) * (size_t)n_tasks);
  if (!s->tau || !s->coverage || !s->net_success || !s->violation_rate || !s->risk ||
      !s->executed || !s->hold || !s->task_hold || !s->task_hold_rate)
    return BK_ENOMEM;
  return 0;
}

static void boot_side_free(bk_boot_side_t* s) {
  free(s->tau);
  free(s->coverage);
  free(s->net_success);
  free(s->violation_rate);
  free(s->risk);
  free(s->executed);
  free(s->hold);
  free(s->task_hold);
  free(s->task_hold_rate);
}

void bk_boot_result_free(bk_boot_result_t* r) {
  if (!r) return;
  free(r->task_cal);
  free(r->task_test);
  free(r->task_small);
  boot_side_free(&r->pooled);
  boot_side_free(&r->mondrian);
  memset(r, 0, sizeof(*r));
}

/* result arrays and the per-task split sizes, which every split shares */
static int boot_result_init(bk_boot_result_t* r, const bk_boot_config_t* cfg,
                            const bk_crc_data_t* d, const int* task_start) {
  int nt = d->n_tasks;
  memset(r, 0, sizeof(*r));
  r->splits = cfg->splits;
  r->n_tasks = nt;
  r->task_cal = malloc(sizeof(int) * (size_t)nt);
  r->task_test = malloc(sizeof(int) * (size_t)nt);
  r->task_small = malloc((size_t)nt);
  if (!r->task_cal || !r->task_test || !r->task_small) return BK_ENOMEM;
  if (boot_side_alloc(&r->pooled, 1, cfg->splits, nt) != 0) return BK_ENOMEM;
  if (boot_side_alloc(&r->mondrian, nt, cfg->splits, nt) != 0) return BK_ENOMEM;
  for (int t = 0; t < nt; t++) {
    int n = task_start[t + 1] - task_start[t];
    r->task_cal[t] = boot_cal_count(n, cfg->cal_fraction);
    r->task_test[t] = n - r->task_cal[t];
    // the same rule as bk_crc: 1/(n+1) <= epsilon needs n >= 1/epsilon - 1
    r->task_small[t] = !(1.0 <= cfg->epsilon * (r->task_cal[t] + 1) * (1.0 + BK_CRC_REL_TOL));
  }
  return 0;
}

static double boot_mean(const double* x, int n) {
  double s = 0.0;
  for (int i = 0; i < n; i++) s += x[i];
  return s / (double)n;
}

/* aggregates over splits, in split order */
static void boot_aggregate(bk_boot_side_t* s, const bk_boot_result_t* r) {
  int B = r->splits, nt = r->n_tasks;
  long holds = 0;
  for (int b = 0; b < B; b++) {
    holds += s->hold[b];
    s->nothing_executed += s->executed[b] == 0;
  }
  // groups that always abstain; task ids without episodes are not groups
  for (long k = 0; k < (long)B * s->ntau; k++) {
    int t = (int)(k % s->ntau);
    int empty = s->ntau > 1 && r->task_cal[t] + r->task_test[t] == 0;
    s->abstain_all += !empty && s->tau[k] == -INFINITY;
  }
  s->hold_rate = (double)holds / (double)B;
  s->mean_coverage = boot_mean(s->coverage, B);
  s->mean_net_success = boot_mean(s->net_success, B);
  s->mean_violation_rate = boot_mean(s->violation_rate, B);
  s->mean_risk = boot_mean(s->risk, B);
  // per task, and the worst task
  s->min_task_hold = NAN;
  s->min_task = -1;
  for (int t = 0; t < nt; t++) {
    long h = 0;
    for (int b = 0; b < B; b++) h += s->task_hold[(size_t)b * nt + t];
    s->task_hold_rate[t] = r->task_test[t] > 0 ? (double)h / (double)B : NAN;
    if (r->task_test[t] > 0 && (s->min_task < 0 || s->task_hold_rate[t] < s->min_task_hold)) {
      s->min_task_hold = s->task_hold_rate[t];
      s->min_task = t;
    }
  }
}

int bk_boot_run(const bk_boot_config_t* cfg, const bk_crc_data_t* d, bk_boot_result_t* r,
                char* err, int err_sz) {
  if (!r) return bk_fail(err, err_sz, BK_EINVAL, "bootstrap: no result");
  memset(r, 0, sizeof(*r));
  int rc = boot_check_config(cfg, err, err_sz);
  if (rc != 0) return rc;
  bk_crc_index_t* ix = bk_crc_index_create(d, cfg->unit, err, err_sz);
  if (!ix) return bk_crc_check(d, NULL, 0) != 0 ? BK_EINVAL : BK_ENOMEM;
  int *by_task = NULL, *task_start = NULL;
  // groups, result arrays, then the splits
  rc = boot_group_tasks(d, &by_task, &task_start);
  if (rc == 0) rc = boot_result_init(r, cfg, d, task_start);
  if (rc == 0) {
    boot_ctx_t c = {cfg, d, ix, by_task, task_start, r};
    rc = boot_run_workers(&c, cfg->threads);
  }
  if (rc == 0) {
    boot_aggregate(&r->pooled, r);
    boot_aggregate(&r->mondrian, r);
  } else {
    bk_boot_result_free(r);
    bk_fail(err, err_sz, rc, "bootstrap: %s", bk_strerror(rc));
  }
  free(by_task);
  free(task_start);
  bk_crc_index_free(ix);
  return rc;
}

int bk_boot_split(const bk_boot_config_t* cfg, const bk_crc_data_t* d, int b,
                  unsigned char* cal) {
  if (boot_check_config(cfg, NULL, 0) != 0 || bk_crc_check(d, NULL, 0) != 0 || !cal || b < 0)
    return BK_EINVAL;
  int *by_task = NULL, *task_start = NULL;
  int* perm = malloc(sizeof(int) * ((size_t)d->n_episodes + 1));
  int rc = perm ? boot_group_tasks(d, &by_task, &task_start) : BK_ENOMEM;
  if (rc == 0) {
    boot_ctx_t c = {cfg, d, NULL, by_task, task_start, NULL};
    boot_draw(&c, b, cal, perm);
  }
  free(perm);
  free(by_task);
  free(task_start);
  return rc;
}
