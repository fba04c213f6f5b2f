/* bk_world: one task compiled into one mjModel, shared read-only by every worker.
 *
 * The model is assembled from scenes/ (arena, robot, one fragment per object instance)
 * and the task file, compiled through MuJoCo's VFS, then indexed: where each entity's
 * body, joint and mocap slot is, which contact class each geom belongs to, and the
 * robot's joints and actuators. Nothing in a bk_world_t changes after creation. */
#ifndef BK_SIM_WORLD_H
#define BK_SIM_WORLD_H

#include <mujoco/mujoco.h>

#include "task/bddl.h"
#include "task/catalog.h"

#define BK_ARM_NJ 7
#define BK_WORLD_MAX_ENT (2 * BK_TASK_MAX_ENTITIES)

/* contact class of a geom: who it belongs to */
typedef enum {
  BK_CLASS_NONE = 0,   /* purely visual or unclassified */
  BK_CLASS_ROBOT,      /* arm, hand, fingers */
  BK_CLASS_OBJECT,     /* movable task objects */
  BK_CLASS_FIXTURE     /* table, floor, cabinet, stove, mount */
} bk_class_t;

typedef struct {
  char name[BK_NAME_MAX];      /* instance name from the task file */
  char category[BK_NAME_MAX];
  int fixture;                 /* 1 for mocap-placed fixtures, 0 for free objects */
  int body;                    /* top body id */
  int mocap;                   /* mocap index (fixtures) or -1 */
  int qposadr, dofadr;         /* free joint addresses (objects) or -1 */
  double lo[3], hi[3];         /* box around its collision geoms, body frame */
  double foot_lo[2], foot_hi[2]; /* footprint of the geoms within 3 mm of its bottom */
} bk_ent_t;

struct bk_shift;

typedef struct bk_world {
  char suite[32];
  const bk_suite_t* suitedef;
  bk_taskref_t ref;            /* id, name, prompt, path */
  bk_task_t task;              /* the parsed task file */
  char* xml;                   /* the assembled MJCF (what `bokbo scene --xml` writes) */
  mjModel* m;                  /* compiled model; never modified after creation */

  char surface_name[BK_NAME_MAX]; /* "main_table" or "floor": target of surface regions */
  double surface[3];           /* origin of surface region coordinates */
  double base_pos[3];          /* robot base position */

  int nent;
  bk_ent_t ent[BK_WORLD_MAX_ENT];
  unsigned char* geom_class;   /* bk_class_t per geom, m->ngeom entries */

  int arm_jnt[BK_ARM_NJ], arm_qposadr[BK_ARM_NJ], arm_dofadr[BK_ARM_NJ], arm_act[BK_ARM_NJ];
  int ngrip_act;
  int grip_act[2];             /* gripper actuators; ctrl range gives open/closed */
  int grip_site;               /* robot0_grip_site */
  int finger_qposadr[2];
  double arm_init[BK_ARM_NJ];  /* LIBERO's init qpos */
  int pad_geom[2];             /* finger pad geoms (left, right) */
  int finger_body[2];          /* bodies of the finger joints (pads and finger meshes below) */
  int hand_body;               /* the hand: z approach axis, y the fingers' closing axis */
  double hand_above;           /* hand's lowest collision point above the grip site along the
                                  approach axis at qpos0 (0: not measured, bokbo's Panda) */

  /* where the scene came from: "builtin" or "libero" (sim/scenes.h) */
  const char* scenes;
  /* init states of the source; NULL: bokbo's own sampler (sim/initstate.c) */
  int (*init_state)(const struct bk_world* w, int init_id, const struct bk_shift* shift,
                    mjData* d,
                    char* err, int err_sz);
  void* src_data;              /* the source's own data (LIBERO's init states) */
  void (*src_free)(void* data);
} bk_world_t;

/* Builds the world of task `task_id` of `suite`. Compilation is not thread-safe in
 * MuJoCo 2.2.2: create worlds from one thread, then share them read-only.
 * Returns NULL on error with err filled (unknown suite, task or category names the
 * valid ones; a bad task file gives file:line:col; MuJoCo's compile error verbatim). */
bk_world_t* bk_world_create(const char* scenes_dir, const char* suite, int task_id,
                            char* err, int err_sz);

/* The same with a user's task file in the slot of task `task_id` (its id, suite, arena
 * and horizon; name and prompt from the file name). task_file NULL is bk_world_create.
 * The file is parsed and checked (bk_task_check) first: an invalid one gives
 * "file:line:col: ..." and BK_EPARSE or BK_ENOENT; a category the scenes lack gives
 * BK_ENOENT naming the valid ones; a path that is not a regular file BK_EINVAL. */
bk_world_t* bk_world_create_file(const char* scenes_dir, const char* suite, int task_id,
                                 const char* task_file, char* err, int err_sz);

/* Frees everything; NULL is fine. */
void bk_world_free(bk_world_t* w);

/* Entity index by instance name, or -1. */
int bk_world_entity(const bk_world_t* w, const char* name);

/* The task region a reference like "main_table_plate_region" names when it lies on
 * the work surface (table or floor); NULL otherwise (fixture sites, objects). */
const bk_region_t* bk_world_surface_region(const bk_world_t* w, const char* ref);

/* The robot's gripper command in ctrl units: open = -1, close = +1 (LIBERO's action
 * convention), mapped onto the gripper actuators' control range. */
void bk_world_set_gripper(const bk_world_t* w, mjData* d, double cmd);

/* Holds the arm at q_target with a joint-space PD plus gravity compensation; writes
 * d->ctrl for the arm actuators. Used for settling and for the "arm at rest" checks. */
void bk_world_hold_arm(const bk_world_t* w, mjData* d, const double* q_target);

/* Assembles the MJCF text without compiling (exposed for tests and `scene --xml`).
 * Returns a heap string or NULL with err filled. */
char* bk_world_assemble(const char* scenes_dir, const bk_suite_t* suite,
                        const bk_task_t* task, char* err, int err_sz);

/* The world's MJCF with a <keyframe> "init" holding state d (qpos, mocap poses), so
 * that `mujoco-simulate` opens the scene and can load that state. Heap string or NULL. */
char* bk_world_xml_with_state(const bk_world_t* w, const mjData* d);

#endif
