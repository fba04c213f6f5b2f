#include "stats/crc.h"

#include <math.h>
#include <stdlib.h>

#include "core/err.h"

/* one entry of the sorted index: a candidate threshold, or a loss event. An event at key
 * k adds w to the group's summed loss for every tau >= k; a candidate is a calibration
 * score. Events sort before candidates of equal key, since the loss at tau counts k <= tau. */
enum { ITEM_EVENT = 0, ITEM_CANDIDATE = 1 };

typedef struct {
  double key;
  double w;
  int ep;
  int kind;
} crc_item_t;

struct bk_crc_index {
  const bk_crc_data_t* d;
  bk_crc_unit_t unit;
  crc_item_t* item;
  long nitem;
};

/* per-group state of one calibration pass */
typedef struct {
  double sum;    /* summed loss of events with key <= current candidate */
  double risk;   /* sum at the accepted tau */
  double tau;
  int n;
  int done;
} crc_group_t;

int bk_crc_check(const bk_crc_data_t* d, char* err, int err_sz) {
  if (!d || d->n_episodes < 0 || d->n_tasks < 1)
    return bk_fail(err, err_sz, BK_EINVAL, "crc: no data or no tasks");
  if (d->n_episodes > 0 && (!d->task || !d->success || !d->offset))
    return bk_fail(err, err_sz, BK_EINVAL, "crc: missing episode arrays");
  if (d->offset && d->offset[0] != 0)
    return bk_fail(err, err_sz, BK_EINVAL, "crc: offset[0] is %d, not 0", d->offset[0]);
  // episodes: task range and offsets
  for (int i = 0; i < d->n_episodes; i++) {
    if (d->task[i] < 0 || d->task[i] >= d->n_tasks)
      return bk_fail(err, err_sz, BK_EINVAL, "crc: episode %d: task %d not in [0, %d)", i,
                     d->task[i], d->n_tasks);
    if (d->offset[i + 1] < d->offset[i])
      return bk_fail(err, err_sz, BK_EINVAL, "crc: episode %d: offsets decrease", i);
  }
  int nd = d->n_episodes > 0 ? d->offset[d->n_episodes] : 0;
  if (nd > 0 && (!d->score || !d->violation))
    return bk_fail(err, err_sz, BK_EINVAL, "crc: missing decision arrays");
  // decisions: no NaN score
  for (int k = 0; k < nd; k++) {
    if (isnan(d->score[k]))
      return bk_fail(err, err_sz, BK_EINVAL, "crc: decision %d: risk score is NaN", k);
  }
  return 0;
}

double bk_crc_episode_loss(const bk_crc_data_t* d, int i, double tau) {
  int a = d->offset[i], b = d->offset[i + 1];
  if (b == a) return 0.0;
  // executed decisions are a prefix: stop at the first abstention
  int viol = 0;
  for (int k = a; k < b && d->score[k] <= tau; k++) viol += d->violation[k] != 0;
  return (double)viol / (double)(b - a);
}

/* the finite-sample rule: (n/(n+1)) mean L + 1/(n+1) <= eps, i.e. S + 1 <= eps (n+1) */
static int crc_qualifies(double sum, int n, double eps) {
  double bound = eps * (double)(n + 1);
  return sum + 1.0 <= bound * (1.0 + BK_CRC_REL_TOL);
}

static int crc_item_cmp(const void* pa, const void* pb) {
  const crc_item_t* a = pa;
  const crc_item_t* b = pb;
  if (a->key != b->key) return a->key < b->key ? -1 : 1;
  if (a->kind != b->kind) return a->kind - b->kind;
  return a->ep - b->ep;
}

/* items of one episode: candidates at its scores, events at the key where a violating
 * decision starts to execute (the running maximum of scores for episodes, the score
 * itself for decisions) */
static long crc_episode_items(const bk_crc_data_t* d, bk_crc_unit_t unit, int i,
                              crc_item_t* out) {
  int a = d->offset[i], b = d->offset[i + 1];
  double w = unit == BK_CRC_UNIT_EPISODE ? 1.0 / (double)(b - a) : 1.0;
  double runmax = -INFINITY;
  long m = 0;
  for (int k = a; k < b; k++) {
    double s = d->score[k];
    runmax = s > runmax ? s : runmax;
    out[m++] = (crc_item_t){s, 0.0, i, ITEM_CANDIDATE};
    if (d->violation[k]) {
      double key = unit == BK_CRC_UNIT_EPISODE ? runmax : s;
      out[m++] = (crc_item_t){key, w, i, ITEM_EVENT};
    }
  }
  return m;
}

bk_crc_index_t* bk_crc_index_create(const bk_crc_data_t* d, bk_crc_unit_t unit, char* err,
                                    int err_sz) {
  if (bk_crc_check(d, err, err_sz) != 0) return NULL;
  if (unit != BK_CRC_UNIT_EPISODE && unit != BK_CRC_UNIT_DECISION) {
    bk_fail(err, err_sz, BK_EINVAL, "crc: unknown unit %d", (int)unit);
    return NULL;
  }
  bk_crc_index_t* ix = calloc(1, sizeof(*ix));
  long nd = d->n_episodes > 0 ? d->offset[d->n_episodes] : 0;
  if (ix) ix->item = malloc(sizeof(crc_item_t) * (size_t)(2 * nd + 1));
  if (!ix || !ix->item) {
    free(ix);
    bk_fail(err, err_sz, BK_ENOMEM, "crc: out of memory for %ld decisions", nd);
    return NULL;
  }
  // gather and sort once
  ix->d = d;
  ix->unit = unit;
  for (int i = 0; i < d->n_episodes; i++)
    ix->nitem += crc_episode_items(d, unit, i, ix->item + ix->nitem);
  qsort(ix->item, (size_t)ix->nitem, sizeof(crc_item_t), crc_item_cmp);
  return ix;
}

void bk_crc_index_free(bk_crc_index_t* ix) {
  if (!ix) return;
  free(ix->item);
  free(ix);
}

/* calibration units per group: episodes, or decisions */
static void crc_count_units(const bk_crc_index_t* ix, const unsigned char* cal, int mondrian,
                            crc_group_t* g) {
  const bk_crc_data_t* d = ix->d;
  for (int i = 0; i < d->n_episodes; i++) {
    if (cal && !cal[i]) continue;
    int units = ix->unit == BK_CRC_UNIT_EPISODE ? 1 : d->offset[i + 1] - d->offset[i];
    g[mondrian ? d->task[i] : 0].n += units;
  }
}

/* one ascending pass: events add to their group's loss, each candidate is accepted while
 * the group's rule holds; the loss only grows, so the first refusal ends the group */
static void crc_walk(const bk_crc_index_t* ix, const unsigned char* cal, int mondrian,
                     double eps, crc_group_t* g, int ngroup) {
  const int* task = ix->d->task;
  int open = ngroup;
  for (long k = 0; k < ix->nitem && open > 0; k++) {
    const crc_item_t* it = &ix->item[k];
    if (cal && !cal[it->ep]) continue;
    crc_group_t* gr = &g[mondrian ? task[it->ep] : 0];
    if (gr->done) continue;
    if (it->kind == ITEM_EVENT) {
      gr->sum += it->w;
    } else if (crc_qualifies(gr->sum, gr->n, eps)) {
      gr->tau = it->key;
      gr->risk = gr->sum;
    } else {
      gr->done = 1;
      open--;
    }
  }
}

int bk_crc_index_calibrate(const bk_crc_index_t* ix, const unsigned char* cal, int mondrian,
                           double epsilon, bk_crc_tau_t* tau) {
  if (!ix || !tau || !(epsilon > 0.0 && epsilon <= 1.0)) return BK_EINVAL;
  int ngroup = mondrian ? ix->d->n_tasks : 1;
  crc_group_t* g = calloc((size_t)ngroup, sizeof(*g));
  if (!g) return BK_ENOMEM;
  for (int t = 0; t < ngroup; t++) g[t].tau = -INFINITY;
  // count units, then one pass over the sorted items
  crc_count_units(ix, cal, mondrian, g);
  crc_walk(ix, cal, mondrian, epsilon, g, ngroup);
  for (int t = 0; t < ngroup; t++) {
    tau[t].tau = g[t].tau;
    tau[t].n = g[t].n;
    tau[t].always_abstain = g[t].tau == -INFINITY;
    tau[t].small = !crc_qualifies(0.0, g[t].n, epsilon);
    tau[t].risk = g[t].n > 0 ? g[t].risk / (double)g[t].n : 0.0;
  }
  free(g);
  return 0;
}

int bk_crc_calibrate(const bk_crc_data_t* d, const unsigned char* cal, bk_crc_unit_t unit,
                     int mondrian, double epsilon, bk_crc_tau_t* tau) {
  if (!tau || !(epsilon > 0.0 && epsilon <= 1.0)) return BK_EINVAL;
  if (bk_crc_check(d, NULL, 0) != 0) return BK_EINVAL;
  if (unit != BK_CRC_UNIT_EPISODE && unit != BK_CRC_UNIT_DECISION) return BK_EINVAL;
  // data and unit are valid, so only memory can fail here
  bk_crc_index_t* ix = bk_crc_index_create(d, unit, NULL, 0);
  if (!ix) return BK_ENOMEM;
  int rc = bk_crc_index_calibrate(ix, cal, mondrian, epsilon, tau);
  bk_crc_index_free(ix);
  return rc;
}

/* --- evaluation --- */

/* accumulates one episode at threshold tau into m */
static void crc_add_episode(const bk_crc_data_t* d, int i, double tau, bk_crc_metrics_t* m) {
  int a = d->offset[i], b = d->offset[i + 1];
  long executed = 0, viol = 0, indep = 0;
  int abstained = 0;
  for (int k = a; k < b; k++) {
    int v = d->violation[k] != 0;
    int ok = d->score[k] <= tau;
    indep += ok && v;
    // episode semantics: the first abstention ends the episode
    if (!abstained && ok) {
      executed++;
      viol += v;
    } else {
      abstained = 1;
    }
  }
  m->episodes++;
  m->decisions += b - a;
  m->executed += executed;
  m->executed_violating += viol;
  m->indep_violating += indep;
  m->covered += !abstained;
  m->net_succeeded += !abstained && d->success[i];
  m->risk += b > a ? (double)viol / (double)(b - a) : 0.0;
}

/* adds the counts of b into a */
static void crc_merge(bk_crc_metrics_t* a, const bk_crc_metrics_t* b) {
  a->episodes += b->episodes;
  a->covered += b->covered;
  a->net_succeeded += b->net_succeeded;
  a->decisions += b->decisions;
  a->executed += b->executed;
  a->executed_violating += b->executed_violating;
  a->indep_violating += b->indep_violating;
  a->risk += b->risk;
}

/* turns counts into rates; m->risk holds the summed loss on entry */
static void crc_finish(bk_crc_metrics_t* m, double eps) {
  double ne = (double)m->episodes;
  m->coverage = m->episodes ? (double)m->covered / ne : NAN;
  m->net_success = m->episodes ? (double)m->net_succeeded / ne : NAN;
  m->risk = m->episodes ? m->risk / ne : NAN;
  m->decision_risk = m->decisions ? (double)m->indep_violating / (double)m->decisions : NAN;
  m->violation_rate = m->executed ? (double)m->executed_violating / (double)m->executed : 0.0;
  m->hold = m->violation_rate <= eps;
}

int bk_crc_evaluate(const bk_crc_data_t* d, const unsigned char* test, const double* tau,
                    int ntau, double epsilon, bk_crc_metrics_t* all,
                    bk_crc_metrics_t* per_task) {
  if (bk_crc_check(d, NULL, 0) != 0 || !tau || !all) return BK_EINVAL;
  if (ntau != 1 && ntau != d->n_tasks) return BK_EINVAL;
  if (isnan(epsilon)) return BK_EINVAL;
  for (int t = 0; t < ntau; t++)
    if (isnan(tau[t])) return BK_EINVAL;
  *all = (bk_crc_metrics_t){0};
  if (per_task)
    for (int t = 0; t < d->n_tasks; t++) per_task[t] = (bk_crc_metrics_t){0};
  // accumulate counts (per task when asked, then summed), then rates
  for (int i = 0; i < d->n_episodes; i++) {
    if (test && !test[i]) continue;
    double ti = tau[ntau == 1 ? 0 : d->task[i]];
    crc_add_episode(d, i, ti, per_task ? &per_task[d->task[i]] : all);
  }
  if (per_task)
    for (int t = 0; t < d->n_tasks; t++) crc_merge(all, &per_task[t]);
  crc_finish(all, epsilon);
  if (per_task)
    for (int t = 0; t < d->n_tasks; t++) crc_finish(&per_task[t], epsilon);
  return 0;
}
