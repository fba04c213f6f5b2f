/* bk_load: logged runs (DIR/run.json + DIR/episodes.jsonl) as flat arrays for the
 * statistics of harness/stats.
 *
 * Episodes are grouped by (suite, sampling, value): a run directory holding a sweep of
 * sampling values gives one group per value, and the same group in several directories
 * is pooled. Per decision the loader keeps what the report needs (risk score, verdicts,
 * peaks, candidate signals, per-group error), not the per-step forces.
 *
 * Order: groups are sorted by (suite, sampling, value) and episodes by (group, task,
 * init, seed, run directory), so every figure is the same whatever order the workers
 * wrote the records in (a run's file is in completion order).
 *
 * Conventions: a null risk score s becomes +inf (the decision always abstains); a null
 * verdict is -1; a missing confidence, disagreement or error is NaN. */
#ifndef BK_REPORT_LOAD_H
#define BK_REPORT_LOAD_H

#include "run/epkey.h"
#include "sim/forces.h"

/* a (suite, sampling, value) group */
typedef struct {
  char suite[64];
  char sampling[16];     /* "greedy", "perturb", "temperature" */
  double value;          /* sigma or T (0 for greedy) */
} bk_load_group_t;

/* one run directory */
typedef struct {
  char dir[1024];
  char id[128];               /* the records' "run", else the directory's base name */
  char policy[64];
  char thresholds[1024];      /* run.json "thresholds" (path of the expert thresholds), or "" */
  double global_threshold;    /* run.json "global_threshold"; NaN when absent or 0 */
} bk_load_run_t;

typedef struct {
  int n_runs, n_groups, n_episodes, n_decisions;
  int n_excluded;               /* episodes left out as training episodes */
  int n_partial;                /* runs whose episodes.jsonl ends in a cut-off line (left out) */
  bk_load_run_t* runs;          /* [n_runs] */
  bk_load_group_t* groups;      /* [n_groups], sorted by (suite, sampling, value) */
  /* per episode */
  int* ep_run;                  /* index into runs */
  int* ep_group;                /* index into groups */
  int* ep_task, *ep_init, *ep_seed;
  unsigned char* ep_success;
  unsigned char* ep_predictor;  /* 1 when the episode's scorer is "predictor" */
  int* ep_offset;               /* [n_episodes + 1] into the decision arrays */
  /* per decision */
  double* s;                    /* chosen candidate's risk, +inf when null */
  signed char* v_expert;        /* 1, 0, or -1 (null) */
  signed char* v_global;
  double* peak;                 /* [3 n_decisions] robot_object, robot_fixture, object_object */
  double* conf_mean;            /* mean of cand.confidence over finite entries, NaN if none */
  double* dis_mean;             /* mean of cand.disagreement over finite entries */
  double* err;                  /* [3 n_decisions] trans, rot, grip MSE; NaN when null */
  bk_epkey_set_t seen;          /* (internal) every episode read, to refuse duplicates */
  /* capacities (internal) */
  int cap_runs, cap_groups, cap_episodes, cap_decisions;
} bk_load_t;

/* Episode keys excluded by bk_load_runs (a predictor's training episodes). */
typedef struct {
  int n;
  int* key;                     /* [3 n]: task, init, seed */
} bk_load_exclude_t;

/* Reads the run directories dirs[0 .. ndir-1] into a new dataset. exclude may be NULL.
 * Returns NULL on error with err naming the file and line ("dir/episodes.jsonl:12: ...");
 * nothing is kept. A run without any episode is an error. */
bk_load_t* bk_load_runs(const char* const* dirs, int ndir, const bk_load_exclude_t* exclude,
                        char* err, int err_sz);

/* NULL-safe. */
void bk_load_free(bk_load_t* L);

/* Reads the "train_episodes" ([[task, init, seed], ...]) of a predictor model file into
 * ex (its array allocated here, released by bk_load_exclude_free). Returns 0 or a
 * negative code with "file: ..." in err. */
int bk_load_exclude_read(const char* path, bk_load_exclude_t* ex, char* err, int err_sz);
void bk_load_exclude_free(bk_load_exclude_t* ex);

/* Verdict of decision j under kind ("expert" = 0, "global" = 1). */
static inline int bk_load_verdict(const bk_load_t* L, int j, int kind) {
  return kind ? L->v_global[j] : L->v_expert[j];
}

#endif
