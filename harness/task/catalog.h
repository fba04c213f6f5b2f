/* bk_catalog: the suites, their task order and prompts, and the object categories.
 * Task order follows LIBERO's suite task map, read from scenes/<suite>/tasks.txt. */
#ifndef BK_TASK_CATALOG_H
#define BK_TASK_CATALOG_H

#include "task/bddl.h"

#define BK_SUITE_NTASK 10

typedef enum { BK_ARENA_TABLE = 0, BK_ARENA_FLOOR } bk_arena_t;

typedef struct {
  const char* name;      /* "libero_object" */
  int max_steps;         /* LIBERO's evaluation horizon */
  bk_arena_t arena;      /* table (mounted robot) or floor (robot on the ground) */
} bk_suite_t;

typedef struct {
  const char* name;      /* BDDL category, also scenes/objects/<name>.xml */
  int fixture;           /* 1 for fixtures (placed through mocap), 0 for movable objects */
  const char* suites;    /* which suites use it, for `bokbo list` */
} bk_category_t;

/* The suites and object categories; arrays end with a NULL name. */
extern const bk_suite_t bk_catalog_suites[];
extern const bk_category_t bk_catalog_categories[];

/* Lookup by name; NULL when unknown. */
const bk_suite_t* bk_catalog_suite(const char* name);
const bk_category_t* bk_catalog_category(const char* name);

/* Writes "a, b, c" of all valid suite / category names into buf (for error messages). */
void bk_catalog_suite_names(char* buf, int sz);
void bk_catalog_category_names(char* buf, int sz);

/* One task of a suite as listed in tasks.txt. */
typedef struct {
  int id;
  char name[BK_NAME_MAX * 2];    /* file base name, e.g. pick_up_the_ketchup_and_... */
  char prompt[BK_NAME_MAX * 2];  /* name with '_' -> ' ', what peer harnesses send */
  char path[1024];               /* the task file */
} bk_taskref_t;

/* Reads scenes_dir/<suite>/tasks.txt into out[BK_SUITE_NTASK]. Returns 0, or a negative
 * code with err filled (unknown suite lists the valid ones). */
int bk_catalog_tasks(const char* scenes_dir, const char* suite, bk_taskref_t* out,
                     char* err, int err_sz);

/* The scenes directory: $BOKBO_SCENES if set, else the build-time source path. */
const char* bk_catalog_scenes_dir(void);

#endif
