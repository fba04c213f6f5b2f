/* bk_step: one 20 Hz control step, the unit every policy action runs for. */
#ifndef BK_CONTROL_STEP_H
#define BK_CONTROL_STEP_H

#include "control/osc.h"
#include "sim/forces.h"

#define BK_SUBSTEPS 25   /* physics steps of 0.002 s per action */

/* Sets the OSC goal from `action` and runs 25 physics steps (mj_step1, torques,
 * mj_step2). peak[] receives, per contact class, the largest reading over the 25 steps;
 * trace (may be NULL) receives every physics step's readings (25 x BK_NFORCE).
 * Returns 0, or BK_EINVAL for a non-finite action (nothing is stepped). */
int bk_step_control(const bk_world_t* w, bk_osc_t* c, mjData* d, const double* action,
                    double peak[BK_NFORCE], double* trace);

#endif
