/* bk_run: a batch of episodes over (task, init, seed), on N worker threads, into a run
 * directory: run.json (the configuration, written atomically) and episodes.jsonl (one
 * line per episode, each written whole with one write() and in completion order).
 *
 * Threads: each worker owns its mjData, controller and policy instance; worlds (one
 * read-only mjModel per task) are built before the workers start. Records do not depend
 * on the thread count: sorted, the lines of a 1-thread and a 2-thread run are identical. */
#ifndef BK_RUN_RUNNER_H
#define BK_RUN_RUNNER_H

#include "policies/policy.h"
#include "run/episode.h"
#include "run/thresholds.h"

#define BK_RUN_MAX_IDS 4096

typedef struct {
  char suite[64];              /* libero_object / libero_spatial */
  int ntask, ninit, nseed;
  int tasks[BK_SUITE_NTASK];
  int inits[BK_RUN_MAX_IDS];
  int seeds[BK_RUN_MAX_IDS];
  const bk_policy_ops_t* policy;
  const char* policy_opts;     /* may be NULL */
  bk_episode_cfg_t ep;         /* thr_expert is filled per task from `thr` */
  int nvalues;                 /* sampling sweep: one record set per value (0: ep's value) */
  double values[BK_SAMPLE_MAX_VALUES];
  bk_shift_t shift;
  const bk_thr_t* thr;         /* expert thresholds or NULL */
  int threads;
  const char* out_dir;
  int resume;                  /* skip episodes already in episodes.jsonl */
  int shard, nshard;           /* run only the shard-th of nshard parts (run/shard.h; 0: all) */
  const double* shard_costs;   /* per-task episode cost [BK_SUITE_NTASK] for the shard plan,
                                  or NULL for the scene proxy (run/shard.h) */
  int force_trace;             /* also write force_trace.csv (per physics step) */
  int progress;                /* 1: terminal bar, 0: plain lines, -1: silent */
  const char* config_json;     /* the command's configuration, stored in run.json */
  const char* video_dir;       /* one MP4 (or PNG frame folder) per episode, or NULL */
  const char* video_camera;    /* camera of the videos (default agentview) */
  int video_every;             /* a frame every N control steps (default 1) */
  int frames;                  /* PNG frames instead of MP4 */
  int gl;                      /* bk_gl_t of every renderer (0: OSMesa) */
  int egl_device;              /* EGL device index (--egl-device) */
  const struct bk_tau* tau;    /* online abstention thresholds, or NULL */
  const struct bk_scenes* scenes; /* world source (sim/scenes.h); NULL: builtin */
  const char* task_file;       /* a user's task file in the slot of the one task, or NULL */
} bk_run_cfg_t;

typedef struct {
  int total, done, skipped, success, errors;
  double seconds;
} bk_run_summary_t;

/* Runs the batch. The run directory must exist and be writable (the caller checks
 * usage first). Returns 0, or a negative code with err filled; records already written
 * are never modified. */
int bk_run(const bk_run_cfg_t* cfg, bk_run_summary_t* sum, char* err, int err_sz);

#endif
