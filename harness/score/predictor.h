/* bk_vp: the learned violation predictor.
 *
 * Logistic regression on semantic state features of a candidate chunk plus the task
 * identity (one-hot):  p(violation) = 1 / (1 + exp(-(w . x + b))).
 * Features (BK_NFEATURE), computed from the state and the candidate's actions with the
 * controller's scales (0.05 m per unit of translation):
 *   0 predicted grip-site height over the work surface after the chunk (m)
 *   1 lowest predicted height over the chunk (m)
 *   2 closing while descending: mean over actions of max(0, grip) * max(0, -dz)
 *   3 x-y distance from the predicted grip site to the target object (m)
 *   4 height of the grip site above the target object's top (m)
 *   5 robot-object contact now (0/1)
 *   6 robot-fixture contact now (0/1)
 *   7 mean |translation action|
 *   8 mean |rotation action|
 *   9 mean downward command: mean of max(0, -dz)
 * Trained with liblinear (L2-regularised logistic regression), stored as JSON. */
#ifndef BK_SCORE_PREDICTOR_H
#define BK_SCORE_PREDICTOR_H

#include <cjson/cJSON.h>
#include <mujoco/mujoco.h>

#include "sim/world.h"
#include "task/catalog.h"

#define BK_NFEATURE 10

typedef struct bk_predictor {
  char suite[64];
  double w[BK_NFEATURE + BK_SUITE_NTASK];  /* feature weights, then task one-hot weights */
  double bias;
  double mean[BK_NFEATURE], scale[BK_NFEATURE];  /* standardisation of the features */
  double C;                                /* regularisation used in training */
  int ntrain, npos;                        /* training decisions, of which violating */
} bk_predictor_t;

/* Features of a chunk of h actions in state d of world w into feat[BK_NFEATURE]. */
void bk_vp_features(const bk_world_t* w, const mjData* d, const double* chunk, int h,
                    double feat[BK_NFEATURE]);

/* Predicted violation probability of a candidate with these features in task `task`. */
double bk_vp_prob(const bk_predictor_t* p, int task, const double feat[BK_NFEATURE]);

/* Fits the model on n examples (features row-major n x BK_NFEATURE, task ids, labels
 * 0/1) with L2 regularisation C. Returns 0 or a negative code with err filled. */
int bk_vp_train(const double* feat, const int* task, const int* label, int n, double C,
                bk_predictor_t* out, char* err, int err_sz);

int bk_vp_save(const bk_predictor_t* p, const char* path, char* err, int err_sz);

/* The model as a JSON object (what bk_vp_save writes), for callers that add fields. */
cJSON* bk_vp_json(const bk_predictor_t* p);
int bk_vp_load(const char* path, bk_predictor_t* p, char* err, int err_sz);

#endif
