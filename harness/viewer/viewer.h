/* bk_viewer: a GLFW window that runs one episode live or re-simulates a logged one.
 *
 * Keys: space pause, right arrow one control step, c cycle cameras (free, agentview,
 * eye-in-hand), f contact forces, r region sites, k the K candidates' end-effector
 * paths coloured by risk, [ ] previous/next episode of a replay, s screenshot, h help,
 * backspace restart, q/esc quit. Mouse as MuJoCo's simulate: left drag rotates, right
 * drag pans, scroll or middle drag zooms (free camera); shift makes moves horizontal.
 *
 * A script (--script) drives it without a person: tokens separated by spaces, each one
 * a key name (space right c f r k [ ] s h backspace q), "wait:N" (N frames; one control
 * step per frame while running), "shot:FILE" (screenshot) or "play" (run to the end).
 * Under a script the viewer starts paused, steps one control step per frame while
 * running, never sleeps, and exits at the end of the script. */
#ifndef BK_VIEWER_VIEWER_H
#define BK_VIEWER_VIEWER_H

#include "sim/initstate.h"

typedef struct {
  /* live episode */
  const char* suite;           /* base suite */
  int task, init, seed;
  const char* task_file;       /* a user's task file in the slot of `task`, or NULL */
  const char* policy;          /* policy name (default expert) */
  const char* policy_opts;     /* may be NULL */
  int k, chunk, open_loop, max_steps;  /* max_steps 0: the suite's */
  const char* sampling;        /* "greedy" (NULL), "perturb:sigma=0.1", "temperature:T=1" */
  const char* scorer;          /* "none" (NULL), confidence, disagreement, lookahead */
  unsigned long long run_seed;
  bk_shift_t shift;
  const char* thresholds;      /* expert thresholds file, or NULL */
  double thr_global;           /* <= 0: none */
  /* replay: when replay_dir is set, the run's settings replace the live ones */
  const char* replay_dir;
  const char* episode;         /* "N" or "task:init:seed" */
  /* window and automation */
  int width, height;
  const char* script;          /* NULL: interactive */
  const char* screenshot;      /* where `s` writes, or NULL for an automatic name */
  int paused;                  /* start paused */
  const struct bk_scenes* scenes; /* world source (sim/scenes.h); NULL: builtin */
} bk_viewer_cfg_t;

/* 1 when bokbo was built with GLFW. */
int bk_viewer_available(void);

/* Opens the window and runs until the user quits or the script ends. 0, or an error
 * with err filled (no display, unknown task or policy, unreadable run, a failed
 * screenshot). A replay whose re-simulated forces differ from the log is not an error:
 * the viewer shows a red warning and prints it on stderr. */
int bk_viewer_run(const bk_viewer_cfg_t* cfg, char* err, int err_sz);

#endif
