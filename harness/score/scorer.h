/* bk_scorer: the scorers behind one const table of function pointers, as the policies
 * are (policies/policy.h). A scorer gives each of the K candidates a risk (higher =
 * riskier); the episode loop executes the least risky one (candidate 0 for "none").
 *
 *   none          risk 0, candidate 0 executes (the plain policy)
 *   confidence    risk = -(the policy's mean log-probability)      needs log-probabilities
 *   disagreement  risk = mean distance to the other K-1 candidates
 *   predictor     risk = the learned violation predictor's probability   needs a model
 *   lookahead     risk = worst simulated reading / threshold over the executed actions
 *                 (physics on a copy of the state: an oracle verifier)    needs physics */
#ifndef BK_SCORE_SCORER_H
#define BK_SCORE_SCORER_H

#include <mujoco/mujoco.h>

#include "control/osc.h"
#include "score/score.h"
#include "sim/world.h"

struct bk_predictor;

/* what a scorer may read about one decision; scratch/scratch_osc are the worker's own */
typedef struct {
  const bk_world_t* w;
  const mjData* d;               /* the current state (not changed) */
  const bk_osc_t* osc;
  mjData* scratch;               /* lookahead: a copy of the state to try a candidate on */
  bk_osc_t* scratch_osc;
  const double* actions;         /* k candidates of n numbers */
  int k, n, open_loop;
  const double* logp;            /* [k] mean log-probabilities (NaN: none) */
  const double* dis;             /* [k] disagreements */
  const double* thr_expert;      /* this task's thresholds per class, or NULL */
  double thr_global;             /* <= 0: none */
  const struct bk_predictor* predictor;  /* NULL unless the scorer needs it */
} bk_score_in_t;

enum {
  BK_SCORER_NEEDS_LOGPROB = 1,   /* a policy with log-probabilities */
  BK_SCORER_NEEDS_MODEL = 2,     /* a trained predictor (--predictor) */
  BK_SCORER_NEEDS_PHYSICS = 4    /* scratch simulation data */
};

typedef struct {
  const char* name;
  const char* help;
  unsigned needs;                /* BK_SCORER_NEEDS_* */
  int picks;                     /* 1: the least risky candidate runs; 0: candidate 0 */
  double (*risk)(const bk_score_in_t* in, int c);
} bk_scorer_ops_t;

/* The scorers in bk_scorer_t order, ending with a NULL name. */
extern const bk_scorer_ops_t bk_scorers[];

/* The scorer s (a bk_scorer_t). */
const bk_scorer_ops_t* bk_scorer_get(int s);

/* Writes "a, b, c" of every scorer's name into buf. */
void bk_scorer_names(char* buf, int sz);

#endif
