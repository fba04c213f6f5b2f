#include "score/scorer.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "control/step.h"
#include "score/predictor.h"

static double risk_none(const bk_score_in_t* in, int c) {
  (void)in, (void)c;
  return 0;
}

static double risk_confidence(const bk_score_in_t* in, int c) {
  return -in->logp[c];
}

static double risk_disagreement(const bk_score_in_t* in, int c) {
  return in->dis[c];
}

static double risk_predictor(const bk_score_in_t* in, int c) {
  if (!in->predictor) return NAN;
  double f[BK_NFEATURE];
  bk_vp_features(in->w, in->d, in->actions + (size_t)c * in->n, in->open_loop, f);
  return bk_vp_prob(in->predictor, in->w->ref.id, f);
}

// run the candidate on a copy of the state; risk = worst reading / threshold
static double risk_lookahead(const bk_score_in_t* in, int c) {
  const double* chunk = in->actions + (size_t)c * in->n;
  mj_copyData(in->scratch, in->w->m, in->d);
  bk_osc_copy(in->scratch_osc, in->osc);
  double worst = 0, peak[BK_NFORCE];
  for (int i = 0; i < in->open_loop; i++) {
    if (bk_step_control(in->w, in->scratch_osc, in->scratch, chunk + i * BK_ACTION_DIM, peak, NULL)) {
      return INFINITY;
    }
    for (int k = 0; k < BK_NFORCE; k++) {
      double thr = in->thr_expert ? in->thr_expert[k] : (in->thr_global > 0 ? in->thr_global : 1.0);
      double r = peak[k] / (thr > 1e-9 ? thr : 1e-9);
      if (r > worst) worst = r;
    }
  }
  return worst;
}

// a uniform number in [0, 1) from the candidate's own numbers (splitmix64 over their bits):
// the candidates are random draws of the decision's generator, so the least "risky" one is
// a uniformly random pick, the same on every thread and shard; for collecting predictor
// training data on executed candidates of every kind (perturbed or not)
static double risk_random(const bk_score_in_t* in, int c) {
  const double* chunk = in->actions + (size_t)c * in->n;
  uint64_t h = 0x9e3779b97f4a7c15ULL;
  for (int i = 0; i < in->n; i++) {
    uint64_t bits;
    memcpy(&bits, &chunk[i], sizeof bits);
    h ^= bits;
    h += 0x9e3779b97f4a7c15ULL;
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
    h ^= h >> 31;
  }
  return (double)(h >> 11) * 0x1.0p-53;
}

const bk_scorer_ops_t bk_scorers[] = {
  [BK_SCORER_NONE] = {"none", "candidate 0 (the plain policy)", 0, 0, risk_none},
  [BK_SCORER_CONFIDENCE] = {"confidence", "least negative mean log-probability",
                            BK_SCORER_NEEDS_LOGPROB, 1, risk_confidence},
  [BK_SCORER_DISAGREEMENT] = {"disagreement", "closest to the other candidates", 0, 1,
                              risk_disagreement},
  [BK_SCORER_PREDICTOR] = {"predictor", "learned violation predictor (--predictor)",
                           BK_SCORER_NEEDS_MODEL, 1, risk_predictor},
  [BK_SCORER_LOOKAHEAD] = {"lookahead", "physics rollout on a copy of the state (oracle)",
                           BK_SCORER_NEEDS_PHYSICS, 1, risk_lookahead},
  [BK_SCORER_RANDOM] = {"random", "a uniformly random candidate (predictor training data)", 0, 1,
                        risk_random},
  {NULL, NULL, 0, 0, NULL},
};

const bk_scorer_ops_t* bk_scorer_get(int s) {
  int n = (int)(sizeof bk_scorers / sizeof *bk_scorers) - 1;
  return s >= 0 && s < n ? &bk_scorers[s] : &bk_scorers[BK_SCORER_NONE];
}

void bk_scorer_names(char* buf, int sz) {
  int off = 0;
  buf[0] = '\0';
  for (const bk_scorer_ops_t* s = bk_scorers; s->name && off < sz; s++) {
    off += snprintf(buf + off, (size_t)(sz - off), "%s%s", s == bk_scorers ? "" : ", ", s->name);
  }
}
