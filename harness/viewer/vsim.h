/* bk_vsim: one episode shown a control step at a time, for the viewer.
 *
 * The episode is run once by the batch loop itself (bk_episode_run, same seeds, same
 * sampling and scorer), with the policy wrapped so that every decision's K candidates
 * and the chosen one are recorded; the viewer then re-simulates the executed actions from
 * the same reset with bk_step_control, one control step per call. So what the window
 * shows is exactly the batch run's episode, and its per-step forces are checked against
 * the record as they are replayed. */
#ifndef BK_VIEWER_VSIM_H
#define BK_VIEWER_VSIM_H

#include <mujoco/mujoco.h>

#include "run/episode.h"

typedef struct bk_vsim bk_vsim_t;

/* Creates the episode machinery and the policy (ops->create(opts)). cfg is copied (its
 * pointers must outlive the vsim). NULL with err filled. */
bk_vsim_t* bk_vsim_create(const bk_world_t* w, const bk_episode_cfg_t* cfg,
                          const bk_policy_ops_t* ops, const char* opts, char* err, int err_sz);
void bk_vsim_free(bk_vsim_t* s);

/* Runs episode (init, seed) through bk_episode_run and rewinds the playback to its
 * start. 0, or BK_ENOMEM; an episode that ended in an error is still shown up to it. */
int bk_vsim_reset(bk_vsim_t* s, int init, int seed, char* err, int err_sz);

/* The recorded episode (forces per step, decisions, outcome). */
const bk_episode_t* bk_vsim_episode(const bk_vsim_t* s);

/* Plays one control step. Returns 1 when the playback is at the end (then nothing is
 * stepped), 0 otherwise. reading gets the re-simulated step's forces. */
int bk_vsim_step(bk_vsim_t* s, double reading[BK_NFORCE]);

/* The playback state, for rendering. */
mjData* bk_vsim_data(bk_vsim_t* s);

typedef struct {
  int steps, success, done, decision;  /* decision: index of the one executing or next */
  double reading[BK_NFORCE];           /* last played step's forces */
  double dec_peak[BK_NFORCE];          /* peak of the current decision so far */
  int drift_step;                      /* first step whose playback force differs from the
                                          episode's record, or -1 */
  const char* error;                   /* the episode's error, "" when none */
} bk_vsim_status_t;

void bk_vsim_status(const bk_vsim_t* s, bk_vsim_status_t* st);

/* The current decision's candidates: end-effector paths from a physics lookahead of
 * each from the state where the decision was taken (path: k x (open_loop + 1) x 3),
 * their scorer risks (risk: k; the record's) and the chosen index. Returns k, 0 when
 * there is no decision. */
int bk_vsim_candidates(bk_vsim_t* s, double* path, double* risk, int* chosen, int* npoint);

/* Buffer sizes for bk_vsim_candidates. */
int bk_vsim_k(const bk_vsim_t* s);
int bk_vsim_points(const bk_vsim_t* s);

#endif
