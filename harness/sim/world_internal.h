/* facts about the two arenas shared by the world's assembly and indexing */
#ifndef BK_SIM_WORLD_INTERNAL_H
#define BK_SIM_WORLD_INTERNAL_H

#include "sim/world.h"
#include "task/catalog.h"

typedef struct {
  const char* file;          /* scenes/arena/<file>.xml */
  int mounted;               /* 1: robot on a pedestal (table scenes) */
  double base[3];            /* robot0_base position */
  const char* surface_name;  /* fixture name regions refer to: main_table / floor */
  double surface[3];         /* origin of the region coordinates */
} bk_arena_info_t;

const bk_arena_info_t* bk_world_arena(bk_arena_t arena);

/* 1 for the categories that are part of the arena (table, floor) */
int bk_world_is_surface(const char* category);

/* how a scene names the robot's parts (bokbo's scenes: robot0_*; robosuite: gripper0_*) */
typedef struct {
  const char* file;            /* the robot's file, for messages */
  const char* joint_fmt;       /* arm joint i+1, e.g. "robot0_joint%d" */
  const char* motor_fmt;       /* arm motor i+1, e.g. "robot0_torq_j%d" */
  const char* finger_fmt;      /* finger joint i+1 */
  const char* grip_act_prefix; /* gripper actuators start with this */
  const char* grip_site;
  const char* pad[2];          /* finger pad geoms (left, right) */
  const char* hand;            /* hand body (NULL: the grip site's body) */
} bk_robot_names_t;

/* Compiles MJCF text through MuJoCo's VFS; NULL with err filled. */
mjModel* bk_world_compile(const char* xml, char* err, int err_sz);

/* Indexes the robot, classifies geoms and measures entity bounds of w->m, once w->ent
 * is filled. Returns 0 or a negative code with err filled. */
int bk_world_index_rest(bk_world_t* w, const bk_robot_names_t* names, char* err, int err_sz);

#endif
