/* bokbo_policy.h: the C ABI of a policy plugin (`bokbo run --policy plugin:path.so`).
 *
 * A plugin is a shared library that exports one function,
 *
 *     const bokbo_policy_api* bokbo_policy_entry(void);
 *
 * returning a table whose abi_version is BOKBO_POLICY_ABI; bokbo refuses a table of
 * another version at load. This header is self-contained (C99, no bokbo headers): copy it
 * next to your code, put your model (an ONNX or TorchScript runtime, a hand-written
 * controller, ...) behind the four functions, build with -shared -fPIC.
 *
 * Threads: bokbo creates one instance per worker thread and calls each instance from its
 * thread only. Options: the text after `--policy-opt`, "key=value,...", or "" when none.
 * Actions: 7 numbers each (dx dy dz, axis-angle delta, gripper; -1 open, +1 close) in
 * [-1, 1], as robosuite's OSC_POSE controller takes them in LIBERO. */
#ifndef BOKBO_POLICY_H
#define BOKBO_POLICY_H

#include <stdint.h>

#define BOKBO_POLICY_ABI 1

#if defined(__GNUC__)
#define BOKBO_POLICY_EXPORT __attribute__((visibility("default")))
#else
#define BOKBO_POLICY_EXPORT
#endif

/* what the policy sees at a decision (all pointers valid for the call only) */
typedef struct {
  const double* state;               /* 8: eef position, eef axis-angle, finger qpos */
  const unsigned char* image;        /* agentview, image_size^2 x 3 RGB, rows top first,
                                        rotated 180 degrees as LIBERO's evaluators hand it */
  const unsigned char* wrist_image;  /* robot0_eye_in_hand, the same layout */
  int image_size;                    /* 224 */
  const char* prompt;                /* the task's instruction */
  int step;                          /* control steps executed so far in the episode */
} bokbo_obs;

typedef struct {
  int abi_version;                   /* BOKBO_POLICY_ABI */
  const char* name;                  /* for messages */
  /* a new instance; NULL with err (err_sz bytes) filled on failure */
  void* (*create)(const char* options, char* err, int err_sz);
  /* the start of an episode; seed is the episode's seed. 0, or non-zero on failure */
  int (*reset)(void* self, uint64_t seed);
  /* one decision: k candidate chunks of h actions into actions (k * h * 7 doubles,
   * candidate-major); temperature 0 asks for the greedy chunk, > 0 for samples; seed
   * is the decision's seed. logp (k doubles) may be filled with each candidate's mean
   * log-probability; it is prefilled with NaN. 0, or non-zero on failure */
  int (*act)(void* self, const bokbo_obs* obs, int k, int h, double temperature,
             uint64_t seed, double* actions, double* logp);
  /* frees the instance (NULL is never passed) */
  void (*destroy)(void* self);
  /* optional (may be NULL): the message of the last failure */
  const char* (*error)(void* self);
} bokbo_policy_api;

typedef const bokbo_policy_api* (*bokbo_policy_entry_fn)(void);

#endif
