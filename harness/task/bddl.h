/* bk_task: reader for LIBERO's BDDL task files.
 *
 * A task file is an s-expression:
 *   (define (problem NAME) (:domain D) (:language words...)
 *     (:regions (REGION (:target T) (:ranges ((x0 y0 x1 y1) ...)) (:yaw_rotation ((a b))))...)
 *     (:fixtures name... - category ...) (:objects name... - category ...)
 *     (:obj_of_interest name...) (:init atom...) (:goal expr))
 * Atoms are (On a b), (In a b), (Open a), (Close a), (TurnOn a), (TurnOff a);
 * goal expressions combine them with (And ...), (Or ...), (Not ...).
 * Keywords and predicate names are matched case-insensitively. */
#ifndef BK_TASK_BDDL_H
#define BK_TASK_BDDL_H

#define BK_NAME_MAX 80
#define BK_TASK_MAX_REGIONS 32
#define BK_TASK_MAX_RANGES 8
#define BK_TASK_MAX_ENTITIES 24
#define BK_TASK_MAX_ATOMS 48
#define BK_TASK_MAX_EXPR 64
#define BK_TASK_MAX_CHILD 16

typedef struct {
  double x0, y0, x1, y1;  /* x_min y_min x_max y_max, relative to the target */
} bk_rect_t;

/* where a name was written: 1-based line and column (bytes) */
typedef struct {
  int line, col;
} bk_pos_t;

typedef struct {
  char name[BK_NAME_MAX];    /* as written, e.g. "plate_region" or "contain_region" */
  char target[BK_NAME_MAX];  /* fixture or object the region belongs to */
  int nrange;                /* 0 for regions defined by the target's model (sites) */
  bk_rect_t range[BK_TASK_MAX_RANGES];
  int has_yaw;
  double yaw[2];             /* yaw_rotation (min, max) in radians when has_yaw */
  bk_pos_t at, target_at;    /* where the name and the target were written */
} bk_region_t;

typedef struct {
  char name[BK_NAME_MAX];      /* instance, e.g. "akita_black_bowl_1" */
  char category[BK_NAME_MAX];  /* e.g. "akita_black_bowl" */
  bk_pos_t at;                 /* where the name was written */
} bk_entity_t;

typedef enum {
  BK_PRED_ON = 0, BK_PRED_IN, BK_PRED_OPEN, BK_PRED_CLOSE, BK_PRED_TURNON, BK_PRED_TURNOFF
} bk_pred_t;

typedef struct {
  bk_pred_t pred;
  int nargs;                       /* 2 for On/In, 1 otherwise */
  char arg[2][BK_NAME_MAX];        /* e.g. "plate_1", "main_table_plate_region" */
  bk_pos_t at[2];                  /* where each argument was written */
} bk_atom_t;

typedef enum { BK_EXPR_ATOM = 0, BK_EXPR_AND, BK_EXPR_OR, BK_EXPR_NOT } bk_exprop_t;

/* goal expression nodes live in one flat array; node 0 is the root */
typedef struct {
  bk_exprop_t op;
  bk_atom_t atom;                  /* when op == BK_EXPR_ATOM */
  int nchild;
  int child[BK_TASK_MAX_CHILD];    /* indices into bk_task_t.goal */
} bk_expr_t;

typedef struct {
  char problem[BK_NAME_MAX];
  char domain[BK_NAME_MAX];
  char language[512];              /* words of (:language ...) joined by single spaces */
  int nregion;
  bk_region_t region[BK_TASK_MAX_REGIONS];
  int nfixture;
  bk_entity_t fixture[BK_TASK_MAX_ENTITIES];
  int nobject;
  bk_entity_t object[BK_TASK_MAX_ENTITIES];
  int ninterest;
  char interest[BK_TASK_MAX_ENTITIES][BK_NAME_MAX];
  bk_pos_t interest_at[BK_TASK_MAX_ENTITIES];
  int ninit;
  bk_atom_t init[BK_TASK_MAX_ATOMS];
  int ngoal;                       /* number of nodes; 0 when there is no goal */
  bk_expr_t goal[BK_TASK_MAX_EXPR];
} bk_task_t;

/* Parses BDDL text. `filename` is used only in messages. Returns 0 on success.
 * On error returns a negative bk_errno_t, fills err with
 * "file:line:col: expected ..." and leaves *task zeroed. */
int bk_task_parse(const char* text, const char* filename, bk_task_t* task,
                  char* err, int err_sz);

/* Reads and parses a file; same contract as bk_task_parse. A path that is not a regular
 * file (a FIFO, a device, a directory) is refused with BK_EINVAL before it is opened. */
int bk_task_load(const char* path, bk_task_t* task, char* err, int err_sz);

/* Lookups; return the index or -1. Region names are unique per target only (LIBERO's
 * libero_goal files have top_region on two fixtures): bk_task_find_region returns the
 * first region of that name, bk_task_find_region_of the one of a target, and
 * bk_task_find_region_ref the region a reference "<target>_<name>" (as atoms write it,
 * e.g. "wooden_cabinet_1_top_region") names. */
int bk_task_find_region(const bk_task_t* task, const char* name);
int bk_task_find_region_of(const bk_task_t* task, const char* target, const char* name);
int bk_task_find_region_ref(const bk_task_t* task, const char* ref);
int bk_task_find_object(const bk_task_t* task, const char* name);
int bk_task_find_fixture(const bk_task_t* task, const char* name);

/* Name of a predicate as written in files ("On", "In", ...). */
const char* bk_task_predname(bk_pred_t pred);

#endif
