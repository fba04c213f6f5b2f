/* bk_overlay: the episode's status drawn over a rendered frame (video frames and the
 * viewer's window): task prompt, step, decision, chosen candidate's risk, success, and
 * the current force reading per contact class against its threshold, green below and
 * red above; a red border while the current decision violates. Drawn with MuJoCo's own
 * text and rectangle calls, so it needs a current GL context with an mjrContext. */
#ifndef BK_RENDER_OVERLAY_H
#define BK_RENDER_OVERLAY_H

#include <mujoco/mujoco.h>

#include "sim/forces.h"

typedef struct {
  const char* prompt;          /* task prompt, or NULL */
  int step, max_steps;         /* control steps so far, episode limit (0: unknown) */
  int decision;                /* decision index, or -1 */
  double risk;                 /* chosen candidate's risk score, NaN when unknown */
  double force[BK_NFORCE];     /* the current control step's reading per class (N) */
  double thr[BK_NFORCE];       /* threshold per class (N), <= 0 where none */
  int success;                 /* goal reached */
  int violation;               /* the current decision exceeds a threshold */
  const char* note;            /* a warning line shown in red (e.g. replay mismatch), or NULL */
  const char* status;          /* a grey status line at the bottom (camera, paused...), or NULL */
} bk_overlay_t;

/* An overlay with nothing set: decision -1, risk NaN, no thresholds. */
void bk_overlay_init(bk_overlay_t* ov);

/* 1 when any class's reading exceeds its (positive) threshold. */
int bk_overlay_over(const bk_overlay_t* ov);

/* Draws ov into viewport of the current framebuffer. */
void bk_overlay_draw(const bk_overlay_t* ov, mjrRect viewport, const mjrContext* con);

/* Draws a block of help text (lines separated by '\n', "key\tmeaning") at the top right. */
void bk_overlay_help(const char* text, mjrRect viewport, const mjrContext* con);

#endif
