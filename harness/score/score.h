/* bk_score: what scorers compute about K candidate chunks, as pure functions.
 *
 * disagreement(c) = 1/(K-1) sum_{c' != c} || x_c - x_c' ||_2  over the flattened chunk
 *                   (0 when K = 1): the consistency RoboMonkey-style aggregation uses;
 * confidence(c)   = the policy's mean log-probability of candidate c (NaN if none);
 * group error     = per-group mean squared error of an action against a reference action:
 *                   translation (dims 0-2), rotation (3-5), gripper (6), total (all 7). */
#ifndef BK_SCORE_SCORE_H
#define BK_SCORE_SCORE_H

typedef enum {
  BK_SCORER_NONE = 0,          /* take candidate 0 */
  BK_SCORER_CONFIDENCE,        /* risk = -confidence */
  BK_SCORER_DISAGREEMENT,      /* risk = disagreement */
  BK_SCORER_PREDICTOR,         /* risk = predicted violation probability */
  BK_SCORER_LOOKAHEAD,         /* risk = simulated peak force / threshold */
  BK_SCORER_RANDOM             /* risk = a hash of the candidate: a uniform pick */
} bk_scorer_t;

enum { BK_GROUP_TRANS = 0, BK_GROUP_ROT, BK_GROUP_GRIP, BK_GROUP_TOTAL, BK_NGROUP };

/* Scorer by name ("none", "confidence", "disagreement", "predictor", "lookahead"), or -1. */
int bk_score_parse(const char* name);
const char* bk_score_name(bk_scorer_t s);

/* disagreement of each of k candidates of n numbers into out[k] */
void bk_score_disagreement(const double* cands, int k, int n, double* out);

/* per-group squared error of action a against ref (7 numbers each) into out[BK_NGROUP] */
void bk_score_group_error(const double* a, const double* ref, double out[BK_NGROUP]);

/* index of the smallest risk (first on ties; NaN risks lose) */
int bk_score_argmin(const double* risk, int k);

#endif
