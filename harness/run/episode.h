/* bk_episode: one rollout from init state I to success or max steps.
 *
 *   reset to I; 10 settle steps of (0,0,0,0,0,0,-1), not counted;
 *   loop { observe; ask the policy for K chunks of H; execute `open_loop` actions of the
 *          chosen one (one control step = 25 physics steps); read forces; check goal }
 * An engine error, a policy error or a non-finite action ends the episode with `error`
 * set; the run goes on. */
#ifndef BK_RUN_EPISODE_H
#define BK_RUN_EPISODE_H

#include <mujoco/mujoco.h>

#include "control/osc.h"
#include "policies/policy.h"
#include "sample/sample.h"
#include "score/predictor.h"
#include "score/score.h"
#include "sim/forces.h"
#include "sim/initstate.h"
#include "sim/world.h"

#define BK_SETTLE_STEPS 10

typedef struct bk_decision bk_decision_t;
struct bk_episode_ctx;
struct bk_episode;

typedef struct {
  int max_steps;               /* control steps (LIBERO: object 280, spatial 220) */
  int chunk;                   /* H: actions per chunk asked for */
  int open_loop;               /* actions executed per decision (<= chunk) */
  int k;                       /* candidates per decision */
  const bk_shift_t* shift;     /* init-state shift or NULL */
  const double* thr_expert;    /* this task's thresholds per class, or NULL */
  double thr_global;           /* one threshold for all classes, or <= 0 for none */
  bk_sampling_t sampling;      /* how the K candidates are drawn */
  bk_scorer_t scorer;          /* how one is chosen (BK_SCORER_NONE: candidate 0) */
  const struct bk_predictor* predictor; /* the learned violation predictor, or NULL */
  const bk_policy_ops_t* ref;  /* reference policy for per-group action error, or NULL */
  uint64_t run_seed;           /* mixed into every episode seed */
  /* optional: called after the reset and after every control step (videos, frames) */
  void (*on_step)(void* arg, const struct bk_episode_ctx* ctx, const struct bk_episode* ep,
                  const bk_decision_t* dec);
  void* on_step_arg;
  int gl;                      /* bk_gl_t for policy images (0: OSMesa) */
  int egl_device;              /* EGL device index when gl is EGL */
  int abstain;                 /* online abstention at threshold tau */
  double tau;
  int retries;                 /* remote policies: reruns of an episode the policy failed */
  int log_actions;             /* keep every executed action in ep->actions */
} bk_episode_cfg_t;

#define BK_MAX_K 64


struct bk_decision {
  int t;                       /* control step at which the decision started */
  int chunk;                   /* actions executed */
  double peak[BK_NFORCE];      /* largest per-step reading over the executed steps */
  int viol_expert;             /* 1/0, or -1 without expert thresholds */
  int viol_global;             /* 1/0, or -1 without a global threshold */
  int k;                       /* candidates */
  int chosen;                  /* index of the executed candidate */
  double risk[BK_MAX_K];       /* scorer risk per candidate (higher = riskier) */
  double conf[BK_MAX_K];       /* policy mean log-probability per candidate (NaN: none) */
  double dis[BK_MAX_K];        /* disagreement per candidate */
  double s;                    /* risk of the chosen candidate */
  int has_err;                 /* 1 when a reference action was available */
  double err[BK_NGROUP];       /* chosen first action vs reference, per group */
  double feat[BK_NFEATURE];    /* features of the chosen candidate (predictor training) */
  int abstain;                 /* online abstention: s > tau, nothing executed, episode ends */
  int calls;                   /* remote policies: server calls for this decision (0: local) */
  double infer_ms;             /* remote policies: the server's inference time (NaN: unknown) */
};

typedef struct bk_episode {
  int task, init, seed;
  int success;
  int abstained;               /* the episode ended by abstaining (online abstention) */
  int steps;                   /* control steps executed (settle excluded) */
  char error[256];             /* "" when none */
  int warnings[mjNWARNING];    /* MuJoCo's warning counters at the end */
  int ndecision;
  bk_decision_t* dec;          /* capacity max_steps */
  double* step_force;          /* per control step readings: capacity max_steps x BK_NFORCE */
  double* trace;               /* per physics step readings (max_steps x 25 x BK_NFORCE), or
                                  NULL when no trace is wanted */
  int attempts;                /* remote policies: tries this record took (0: local policy) */
  double* actions;             /* cfg.log_actions: steps x 7 executed actions, else NULL */
} bk_episode_t;

/* per-worker resources for one world: simulation data, controller, buffers */
typedef struct bk_episode_ctx {
  const bk_world_t* w;
  mjData* d;
  bk_osc_t* osc;
  mjData* scratch;             /* lookahead: a copy of the state to try a candidate on */
  bk_osc_t* scratch_osc;
  double* actions;             /* k * chunk * 7: the candidates */
  double* greedy;              /* chunk * 7 */
  double* logp;                /* k */
  const bk_policy_ops_t* ref;  /* reference policy (cfg->ref), or NULL */
  void* ref_self;              /* its instance */
  struct bk_render* render;    /* policy images (created on first use, this thread) */
  unsigned char* image;        /* agentview, 224 x 224 x 3 (256 x 256 for raw images) */
  unsigned char* wrist;        /* robot0_eye_in_hand, the same */
  struct bk_startcache* start; /* episode starts already computed (run/startcache.h) */
} bk_episode_ctx_t;

/* Allocates what one worker needs to run episodes of w (and a reference policy
 * instance when cfg->ref is set); NULL when out of memory. */
bk_episode_ctx_t* bk_episode_ctx_create(const bk_world_t* w, const bk_episode_cfg_t* cfg);
void bk_episode_ctx_free(bk_episode_ctx_t* ctx);

/* Allocates / frees an episode record with room for max_steps steps; with_trace also
 * allocates the per-physics-step trace. */
int bk_episode_alloc(bk_episode_t* ep, int max_steps, int with_trace);
void bk_episode_release(bk_episode_t* ep);

/* Runs one episode with policy `ops`/`self`; fills ep. Returns 0 when the episode ran
 * (successful or not, or ended by an error recorded in ep->error). */
int bk_episode_run(bk_episode_ctx_t* ctx, const bk_episode_cfg_t* cfg,
                   const bk_policy_ops_t* ops, void* self, int init, int seed,
                   bk_episode_t* ep);

/* mj_forward that leaves qacc_warmstart as it was, so that forwarding a restored state
 * gives exactly what forwarding the original gave (episode starts, the start cache). */
void bk_episode_forward(const mjModel* m, mjData* d);

/* The start of every episode: init state `init` (with the shift, may be NULL), the
 * controller reset, then 10 settle steps of (0,0,0,0,0,0,-1) that are not counted, as
 * the peer harnesses do. Kinematics of d are current on return. Returns 0 or the init
 * state's error (err filled). The viewer's re-simulation starts the same way. */
int bk_episode_start(const bk_world_t* w, bk_osc_t* osc, mjData* d, int init,
                     const bk_shift_t* shift, char* err, int err_sz);

/* The seed of an episode: a hash of (run seed, suite, task, init, seed). */
uint64_t bk_episode_seed(const bk_world_t* w, uint64_t run_seed, int init, int seed);

#endif
