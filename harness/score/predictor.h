/* bk_vp: the learned violation predictor.
 *
 * Logistic regression on semantic state features of a candidate chunk, features of the
 * chunk's own shape, and the task identity (one-hot):
 * p(violation) = 1 / (1 + exp(-(w . x + b))).
 * State features (BK_NFEATURE, what records keep per decision as "features"), computed
 * from the state and the candidate's actions with the controller's scales (0.05 m per
 * unit of translation):
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
 * Chunk features (BK_NCHUNKFEAT, model inputs BK_NFEATURE + i), from the chunk's h actions
 * alone (nothing about the future; what a verifier of action chunks sees):
 *   0 translation roughness: mean over steps t = 1..h-1 and dims 0-2 of |a_t - a_{t-1}|
 *   1 rotation roughness: the same over dims 3-5
 *   2 arm second difference: mean over t = 2..h-1 and dims 0-5 of |a_t - 2 a_{t-1} + a_{t-2}|
 *   3 gripper flips: fraction of the h-1 steps whose gripper command changes sign (> 0 or not)
 *   4 mean gripper command (dim 6)
 *   5 holding: robot-object contact now (state feature 5) x mean |gripper command|
 * (0 where the chunk is too short for the difference.) Records do not keep them: training
 * computes them from the executed actions a run logs with --log-actions.
 * Trained with liblinear (L2-regularised logistic regression), stored as JSON. */
#ifndef BK_SCORE_PREDICTOR_H
#define BK_SCORE_PREDICTOR_H

#include <cjson/cJSON.h>
#include <mujoco/mujoco.h>

#include "sim/world.h"
#include "task/catalog.h"

#define BK_NFEATURE 10    /* state features, as records keep them */
#define BK_NCHUNKFEAT 6   /* chunk features */
#define BK_NVPFEAT (BK_NFEATURE + BK_NCHUNKFEAT)  /* the model's features */

typedef struct bk_predictor {
  char suite[64];
  double w[BK_NVPFEAT + BK_SUITE_NTASK];   /* feature weights, then task one-hot weights */
  double bias;
  double mean[BK_NVPFEAT], scale[BK_NVPFEAT];  /* standardisation of the features */
  double C;                                /* regularisation used in training */
  int ntrain, npos;                        /* training decisions, of which violating */
} bk_predictor_t;

/* Features of a chunk of h actions in state d of world w into feat[BK_NFEATURE]. */
void bk_vp_features(const bk_world_t* w, const mjData* d, const double* chunk, int h,
                    double feat[BK_NFEATURE]);

/* Chunk features of h actions (7 numbers each) into out[BK_NCHUNKFEAT]; holding is
 * state feature 5 (robot-object contact now, 0/1). */
void bk_vp_chunk_features(const double* chunk, int h, double holding, double out[BK_NCHUNKFEAT]);

/* The model's features of a candidate: state features then chunk features. */
void bk_vp_all_features(const bk_world_t* w, const mjData* d, const double* chunk, int h,
                        double feat[BK_NVPFEAT]);

/* Predicted violation probability of a candidate with these features in task `task`. */
double bk_vp_prob(const bk_predictor_t* p, int task, const double feat[BK_NVPFEAT]);

/* Fits the model on n examples (features row-major n x BK_NVPFEAT, task ids, labels
 * 0/1) with L2 regularisation C. Returns 0 or a negative code with err filled. */
int bk_vp_train(const double* feat, const int* task, const int* label, int n, double C,
                bk_predictor_t* out, char* err, int err_sz);

int bk_vp_save(const bk_predictor_t* p, const char* path, char* err, int err_sz);

/* The model as a JSON object (what bk_vp_save writes), for callers that add fields. */
cJSON* bk_vp_json(const bk_predictor_t* p);

/* Reads a model bk_vp_save wrote. A file of another feature count (an older bokbo's:
 * 10 features, no chunk features) is refused, naming the file and both counts. */
int bk_vp_load(const char* path, bk_predictor_t* p, char* err, int err_sz);

#endif
