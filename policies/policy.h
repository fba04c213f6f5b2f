/* bk_policy: the one interface every policy sits behind.
 *
 * Each decision the episode loop hands the policy an observation and a query (K
 * candidates of H actions, a temperature, a seeded generator) and receives K chunks of
 * H seven-number actions, plus per-candidate log-probabilities where the policy has a
 * distribution. One policy instance belongs to one worker thread. */
#ifndef BK_POLICY_H
#define BK_POLICY_H

#include <mujoco/mujoco.h>
#include <stdint.h>

#include "core/rng.h"
#include "sim/world.h"

#define BK_STATE_DIM 8

/* what a policy sees */
typedef struct {
  const bk_world_t* w;       /* privileged: the task's world (read-only) */
  const mjData* d;           /* privileged: the full simulation state (read-only) */
  double state[BK_STATE_DIM];/* eef position (3), eef axis-angle (3), finger qpos (2) */
  const char* prompt;        /* the task file's name with spaces */
  const unsigned char* image;       /* agentview RGB, NULL unless the policy wants images */
  const unsigned char* wrist_image; /* robot0_eye_in_hand RGB, or NULL */
  int image_size;            /* width = height of the images */
  int step;                  /* control steps executed so far in this episode */
} bk_obs_t;

/* what the loop asks for */
typedef struct {
  int k;                     /* number of candidate chunks */
  int h;                     /* actions per chunk */
  double temperature;        /* 0 = greedy; > 0 samples the policy's own distribution */
  bk_rng_t* rng;             /* seeded per (run, task, init, seed, decision) */
} bk_query_t;

/* where the answer goes (caller-allocated) */
typedef struct {
  double* actions;           /* k * h * 7 numbers, candidate-major */
  double* logp;              /* k mean log-probabilities, or NULL; NaN where unknown */
} bk_chunk_t;

enum {
  BK_POLICY_PRIVILEGED = 1u << 0,   /* reads the simulation state (expert, simvla) */
  BK_POLICY_IMAGES = 1u << 1,       /* wants camera images in the observation */
  BK_POLICY_DISTRIBUTION = 1u << 2, /* can sample at a temperature and give log-probs */
  BK_POLICY_RAW_IMAGES = 1u << 3,   /* with IMAGES: the 256 x 256 rotated renders, unresized
                                       (the policy prepares them itself, e.g. OFT's JPEG +
                                       Lanczos) */
};

typedef struct {
  const char* name;
  const char* help;          /* one line for `bokbo list` and --help */
  unsigned flags;
  /* options: "key=value,key=value" or NULL. Returns NULL with err filled on error. */
  void* (*create)(const char* options, char* err, int err_sz);
  /* start of an episode: the settled init state, an episode seed */
  int (*reset)(void* self, const bk_world_t* w, const mjData* d, uint64_t seed);
  /* one decision; returns 0 or a negative code (the episode ends with the error) */
  int (*act)(void* self, const bk_obs_t* obs, const bk_query_t* q, bk_chunk_t* out);
  void (*destroy)(void* self);
  /* optional (NULL when the policy has no distribution): the mean log-probability, under
   * the policy's own distribution at T = 1, of a given chunk of h actions in this state */
  double (*logprob)(void* self, const bk_obs_t* obs, const double* chunk, int h);
  /* optional (remote policies): the message of the last failed reset or act (a server's
   * traceback line, "connection refused", ...); an episode that fails this way is retried
   * up to the run's --retries times, the policy reconnecting in its reset */
  const char* (*error)(void* self);
  /* optional (remote policies): what the last act cost: server-side inference time in ms
   * (NaN when the server does not say) and the number of server calls it made */
  void (*cost)(void* self, double* infer_ms, int* calls);
} bk_policy_ops_t;

/* The built-in policies, NULL-terminated. */
extern const bk_policy_ops_t* const bk_policies[];

/* Lookup by name; NULL when unknown. */
const bk_policy_ops_t* bk_policy_find(const char* name);

/* "a, b, c" of the policy names, for error messages. */
void bk_policy_names(char* buf, int sz);

/* Fills obs->state from d as LIBERO's evaluators hand it to policies: the grip site's
 * position (3); robosuite's quat2axisangle of the hand body's orientation (3: the body
 * robot0_right_hand, or robot0_hand of the built-in robot; identity when neither exists);
 * the two finger joints' qpos (2). */
void bk_policy_state(const bk_world_t* w, const mjData* d, double state[BK_STATE_DIM]);

/* robosuite's quat2axisangle of a unit quaternion q = (w, x, y, z) (MuJoCo's order):
 * angle = 2 acos(w) with w clipped to [-1, 1], axis = (x, y, z) / sqrt(1 - w^2), the
 * zero vector when that is 0; no flip to w >= 0, so angles run up to 2 pi. */
void bk_policy_axisangle(const double q[4], double v[3]);

#endif
