/* meaning checks of a parsed task file: every name it uses is declared */
#include "task/check.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"

typedef struct {
  const bk_task_t* task;
  const char* file;
  char* err;
  int err_sz;
} checker_t;

static int is_entity(const bk_task_t* t, const char* name) {
  return bk_task_find_object(t, name) >= 0 || bk_task_find_fixture(t, name) >= 0;
}

static int is_region_ref(const bk_task_t* t, const char* name) {
  return bk_task_find_region_ref(t, name) >= 0;
}

// the error for one name at its position
static int bad_name(const checker_t* C, bk_pos_t at, const char* section, const char* name,
                    const char* expected) {
  return bk_fail(C->err, C->err_sz, BK_ENOENT, "%s:%d:%d: (%s ...): '%s' is not %s", C->file,
                 at.line, at.col, section, name, expected);
}

// region targets are declared fixtures or objects
static int check_regions(const checker_t* C) {
  const bk_task_t* t = C->task;
  for (int i = 0; i < t->nregion; i++) {
    const bk_region_t* r = &t->region[i];
    if (!is_entity(t, r->target)) {
      return bad_name(C, r->target_at, ":regions", r->target, "a declared fixture or object");
    }
  }
  return 0;
}

static int check_interest(const checker_t* C) {
  const bk_task_t* t = C->task;
  for (int i = 0; i < t->ninterest; i++) {
    if (!is_entity(t, t->interest[i])) {
      return bad_name(C, t->interest_at[i], ":obj_of_interest", t->interest[i],
                      "a declared object or fixture");
    }
  }
  return 0;
}

// one atom: what each argument may name depends on the predicate
static int check_atom(const checker_t* C, const bk_atom_t* a, const char* section) {
  const bk_task_t* t = C->task;
  if (a->pred == BK_PRED_ON || a->pred == BK_PRED_IN) {
    if (!is_entity(t, a->arg[0])) {
      return bad_name(C, a->at[0], section, a->arg[0], "a declared object or fixture");
    }
    if (!is_entity(t, a->arg[1]) && !is_region_ref(t, a->arg[1])) {
      return bad_name(C, a->at[1], section, a->arg[1],
                      "a declared object, fixture or region (<target>_<region>)");
    }
    return 0;
  }
  if (!is_entity(t, a->arg[0]) && !is_region_ref(t, a->arg[0])) {
    return bad_name(C, a->at[0], section, a->arg[0],
                    "a declared region (<target>_<region>), fixture or object");
  }
  return 0;
}

static int check_init(const checker_t* C) {
  for (int i = 0; i < C->task->ninit; i++) {
    int rc = check_atom(C, &C->task->init[i], ":init");
    if (rc) return rc;
  }
  return 0;
}

// goal nodes are stored in the order they were written
static int check_goal(const checker_t* C) {
  for (int i = 0; i < C->task->ngoal; i++) {
    const bk_expr_t* x = &C->task->goal[i];
    if (x->op != BK_EXPR_ATOM) continue;
    int rc = check_atom(C, &x->atom, ":goal");
    if (rc) return rc;
  }
  return 0;
}

int bk_task_check(const bk_task_t* task, const char* filename, char* err, int err_sz) {
  checker_t C = {task, filename ? filename : "<bddl>", err, err_sz};
  int rc = check_regions(&C);
  if (!rc) rc = check_interest(&C);
  if (!rc) rc = check_init(&C);
  if (!rc) rc = check_goal(&C);
  return rc;
}

int bk_task_load_checked(const char* path, bk_task_t* task, char* err, int err_sz) {
  int rc = bk_task_load(path, task, err, err_sz);
  return rc ? rc : bk_task_check(task, path, err, err_sz);
}

int bk_task_goal_atoms(const bk_task_t* task) {
  int n = 0;
  for (int i = 0; i < task->ngoal; i++) n += task->goal[i].op == BK_EXPR_ATOM;
  return n;
}
