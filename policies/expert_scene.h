/* bk_expert_scene: what the scripted expert reads from the privileged state.
 *
 * One call per decision turns (world, mjData) into a summary: the goal's object and where
 * it goes, the end effector (grip site position and velocity, hand frame, gripper
 * command and finger opening), whether the object is held (both finger pads touch it and
 * the fingers squeeze), the grasp to make (grip-site position, yaw of the closing axis,
 * finger opening) and the heights that keep the hand and the carried object clear of
 * everything else. Everything is a function of the state alone: no history is kept.
 *
 * Grasps: an object narrower than the gripper is taken across its narrower horizontal
 * side at its centre; a wider one (the bowl) by its rim, one finger inside and one
 * outside the wall, the closing axis radial. Candidate grasps are scored by the
 * clearance between the fingers' and hand's swept volumes and every other collision box,
 * at the pick and (for rim grasps) the place pose. */
#ifndef BK_EXPERT_SCENE_H
#define BK_EXPERT_SCENE_H

#include <mujoco/mujoco.h>

#include "sim/world.h"

#define BK_EXPERT_MAX_BOX 256

/* gripper geometry (scenes/robot/panda.xml) */
#define BK_EXPERT_TIP_BELOW 0.0094   /* finger tips below the grip site */
#define BK_EXPERT_PAD_LEN 0.054      /* finger length along the approach axis */
#define BK_EXPERT_PAD_THICK 0.012    /* pad thickness along the closing axis */
#define BK_EXPERT_PAD_HALFW 0.0105   /* pad half-width across the closing axis */
#define BK_EXPERT_HAND_ABOVE 0.045   /* hand box bottom above the grip site */
#define BK_EXPERT_HAND_HALFLEN 0.1   /* hand box half-length along the closing axis */
#define BK_EXPERT_HAND_HALFW 0.028   /* hand box half-width across it */
#define BK_EXPERT_HAND_H 0.044       /* hand box height */
#define BK_EXPERT_OPEN_MAX 0.08      /* widest finger opening */

#define BK_EXPERT_MAX_CAND 32

/* a grasp pose: grip site over (o, z), closing axis at yaw, fingers `open` apart; the
 * descent onto it starts at sweep_z */
typedef struct {
  double o[2], yaw, z, open, sweep_z;
} bk_expert_pose_t;

typedef struct {
  bk_expert_pose_t pose;
  double clear;                /* smallest distance of fingers and hand to obstacles */
  double score;
} bk_expert_cand_t;

/* an oriented collision box */
typedef struct {
  double c[3], R[9], h[3];
  int ent;                     /* entity it belongs to */
} bk_expert_box_t;

typedef struct {
  /* end effector */
  double eef[3], eef_v[3];     /* grip-site position and linear velocity */
  double hand_R[9], hand_w[3]; /* hand frame (z: approach, y: closing axis), angular velocity */
  double grip_cmd;             /* finger opening the gripper servos are commanded to */
  double grip_q;               /* finger opening now */
  double hand_above;           /* hand's lowest point above the grip site (the world's) */
  double reach;                /* the arm's stretch now: shoulder to wrist */
  double wrist_off[3];         /* the wrist (joint 6's anchor) from the grip site, now */
  double shoulder[3];          /* joint 2's anchor (fixed in the world) */

  /* the goal's object */
  int obj;                     /* entity index */
  double obj_pos[3];           /* body origin */
  double obj_c[3];             /* centre of its box, world */
  double obj_low, obj_top;     /* lowest and highest point of its box */
  double obj_radius;           /* horizontal half-diagonal */
  int rim;                     /* 1: wider than the gripper, taken by the rim */
  int touch[2];                /* left / right pad touches it */
  int grasped;                 /* both pads touch it and the fingers squeeze */

  /* where it goes */
  int place_ent;               /* entity it goes on, or -1 (a site region) */
  double place_xy[2];          /* target of the object's origin */
  double place_z;              /* height the object's lowest point descends to */
  double carry_z;              /* height the lowest point clears while moving there */

  /* the grasp to make (valid when not grasped) */
  double grasp[3];             /* grip-site position to close at */
  double grasp_yaw;            /* angle of the closing axis in the x-y plane */
  double grasp_open;           /* finger opening for the approach */
  double grasp_clear;          /* clearance of the chosen grasp (m; < 0: overlap) */
  double hover_z;              /* grip-site height for moving over to the grasp */

  /* candidate grasps (scored only when not held) */
  int keep_candidates;         /* set by the caller: keep them while nothing moves */
  int ncand;                   /* -1 before the first scoring (the caller's reset) */
  double cand_at[7];           /* object pose they were scored for */
  int cand_nbox;               /* obstacles and place they were scored for */
  double cand_box[BK_EXPERT_MAX_BOX][3];
  double cand_place[3];
  double sweep_z;
  bk_expert_cand_t cand[BK_EXPERT_MAX_CAND];

  /* obstacles: every entity's collision boxes except the object's */
  int nbox;
  bk_expert_box_t box[BK_EXPERT_MAX_BOX];
} bk_expert_scene_t;

/* Fills s from the state d (kinematics, contacts and velocities current, e.g. after
 * mj_forward). Returns 0, or BK_EINVAL with err filled when the task's goal is not an
 * On(object, object) or In(object, site) atom under an And. */
int bk_expert_scene_read(const bk_world_t* w, const mjData* d, bk_expert_scene_t* s,
                         char* err, int err_sz);

/* Re-derives what depends on the hand and the carried object after the caller moved
 * s->eef, s->hand_R and, when held, the object's fields (obj_pos, obj_c, obj_low,
 * obj_top) to predicted values: the carry height when held, otherwise the grasp to make
 * among the candidates of the last read (not rescored). q7 is joint 7's (predicted)
 * angle. Obstacles and the place stay as read. */
void bk_expert_scene_update(const bk_world_t* w, bk_expert_scene_t* s, double q7);

/* Smallest signed distance from a grid of points (spacing about `step`) filling the box
 * [lo, hi] of the hand's frame at pose p (x along the closing axis at p->yaw, z up from
 * the grip site at p->z) to s's obstacles within reach, entity `skip` left out; 1 when
 * none is nearer. What grasp candidates are scored by (exposed for tests). */
double bk_expert_volume_clear(const bk_expert_scene_t* s, const bk_expert_pose_t* p,
                              const double lo[3], const double hi[3], double step, int skip);

/* Half-extents along world x and y of an oriented box. */
void bk_expert_box_half_xy(const bk_expert_box_t* b, double e[2]);

/* The yaw (angle of the hand's y axis in the x-y plane) of a hand frame. */
double bk_expert_yaw(const double hand_R[9]);

/* Hand frame pointing down with its closing axis at `yaw`. */
void bk_expert_down_frame(double yaw, double R[9]);

#endif
