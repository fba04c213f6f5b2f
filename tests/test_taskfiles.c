/* tests for scenes/libero_{spatial,object}: the project's own task files say the
 * same as LIBERO's originals (tests/data/libero-bddl), carry the peer-harness
 * prompt, and tasks.txt lists them in LIBERO's task order. */
#include "core/err.h"
#include "task/bddl.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define NTASK 10

static const char* const suites[2] = {"libero_spatial", "libero_object"};

/* LIBERO's suite task map (LIBERO-FACTS.md "Task order and prompts") */
static const char* const order[2][NTASK] = {
  {"pick_up_the_black_bowl_between_the_plate_and_the_ramekin_and_place_it_on_the_plate",
   "pick_up_the_black_bowl_next_to_the_ramekin_and_place_it_on_the_plate",
   "pick_up_the_black_bowl_from_table_center_and_place_it_on_the_plate",
   "pick_up_the_black_bowl_on_the_cookie_box_and_place_it_on_the_plate",
   "pick_up_the_black_bowl_in_the_top_drawer_of_the_wooden_cabinet_and_place_it_on_the_plate",
   "pick_up_the_black_bowl_on_the_ramekin_and_place_it_on_the_plate",
   "pick_up_the_black_bowl_next_to_the_cookie_box_and_place_it_on_the_plate",
   "pick_up_the_black_bowl_on_the_stove_and_place_it_on_the_plate",
   "pick_up_the_black_bowl_next_to_the_plate_and_place_it_on_the_plate",
   "pick_up_the_black_bowl_on_the_wooden_cabinet_and_place_it_on_the_plate"},
  {"pick_up_the_alphabet_soup_and_place_it_in_the_basket",
   "pick_up_the_cream_cheese_and_place_it_in_the_basket",
   "pick_up_the_salad_dressing_and_place_it_in_the_basket",
   "pick_up_the_bbq_sauce_and_place_it_in_the_basket",
   "pick_up_the_ketchup_and_place_it_in_the_basket",
   "pick_up_the_tomato_sauce_and_place_it_in_the_basket",
   "pick_up_the_butter_and_place_it_in_the_basket",
   "pick_up_the_milk_and_place_it_in_the_basket",
   "pick_up_the_chocolate_pudding_and_place_it_in_the_basket",
   "pick_up_the_orange_juice_and_place_it_in_the_basket"},
};

/* one test process holds one pair at a time; ~80 KB, so not on the stack */
static bk_task_t own, libero;

static void own_path(int s, int t, char* out, size_t sz) {
  snprintf(out, sz, "%s/scenes/%s/%s.bddl", BOKBO_SOURCE_DIR, suites[s], order[s][t]);
}

/* parse our file and LIBERO's file of the same name */
static void load_pair(int s, int t) {
  char path[512], err[512];
  own_path(s, t, path, sizeof path);
  cr_assert_eq(bk_task_load(path, &own, err, sizeof err), 0, "%s", err);
  snprintf(path, sizeof path, "%s/tests/data/libero-bddl/%s/%s.bddl", BOKBO_SOURCE_DIR,
           suites[s], order[s][t]);
  cr_assert_eq(bk_task_load(path, &libero, err, sizeof err), 0, "%s", err);
}

/* run body for each of the 20 (suite, task) pairs */
#define FOR_EACH_TASK(s, t) \
  for (int s = 0; s < 2; s++) \
    for (int t = 0; t < NTASK; t++)

static int atom_eq(const bk_atom_t* a, const bk_atom_t* b) {
  if (a->pred != b->pred || a->nargs != b->nargs) return 0;
  for (int i = 0; i < a->nargs; i++)
    if (strcmp(a->arg[i], b->arg[i]) != 0) return 0;
  return 1;
}

static int count_atom(const bk_atom_t* list, int n, const bk_atom_t* a) {
  int k = 0;
  for (int i = 0; i < n; i++) k += atom_eq(&list[i], a);
  return k;
}

static int expr_eq(const bk_task_t* a, int i, const bk_task_t* b, int j) {
  const bk_expr_t* x = &a->goal[i];
  const bk_expr_t* y = &b->goal[j];
  if (x->op != y->op || x->nchild != y->nchild) return 0;
  if (x->op == BK_EXPR_ATOM) return atom_eq(&x->atom, &y->atom);
  for (int c = 0; c < x->nchild; c++)
    if (!expr_eq(a, x->child[c], b, y->child[c])) return 0;
  return 1;
}

static void expect_entities_eq(const bk_entity_t* a, int na, const bk_entity_t* b, int nb,
                               const char* what, const char* base) {
  cr_assert_eq(na, nb, "%s: number of %s", base, what);
  for (int i = 0; i < na; i++) {
    cr_expect_str_eq(a[i].name, b[i].name, "%s: %s %d", base, what, i);
    cr_expect_str_eq(a[i].category, b[i].category, "%s: %s %d", base, what, i);
  }
}

static void expect_region_eq(const bk_region_t* a, const bk_region_t* b, const char* base) {
  cr_expect_str_eq(a->name, b->name, "%s", base);
  cr_expect_str_eq(a->target, b->target, "%s: %s", base, a->name);
  cr_assert_eq(a->nrange, b->nrange, "%s: %s", base, a->name);
  for (int k = 0; k < a->nrange; k++) {
    const double* x = &a->range[k].x0;
    const double* y = &b->range[k].x0;
    for (int c = 0; c < 4; c++)
      cr_expect(fabs(x[c] - y[c]) <= 1e-9, "%s: %s range %d[%d]: %.17g vs %.17g", base,
                a->name, k, c, x[c], y[c]);
  }
  cr_expect_eq(a->has_yaw, b->has_yaw, "%s: %s", base, a->name);
  for (int c = 0; c < 2 && a->has_yaw; c++)
    cr_expect(fabs(a->yaw[c] - b->yaw[c]) <= 1e-9, "%s: %s yaw", base, a->name);
}

/* ---------------------------------------------------------------- tests */

Test(taskfiles, tasks_txt_lists_libero_task_order) {
  for (int s = 0; s < 2; s++) {
    char path[512], line[256];
    snprintf(path, sizeof path, "%s/scenes/%s/tasks.txt", BOKBO_SOURCE_DIR, suites[s]);
    FILE* f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    int n = 0;
    while (fgets(line, sizeof line, f)) {
      line[strcspn(line, "\r\n")] = '\0';
      cr_assert_lt(n, NTASK, "%s: more than %d lines", path, NTASK);
      cr_expect_str_eq(line, order[s][n], "%s line %d", path, n + 1);
      n++;
    }
    fclose(f);
    cr_expect_eq(n, NTASK, "%s", path);
  }
}

Test(taskfiles, every_listed_file_exists_and_parses) {
  FOR_EACH_TASK(s, t) {
    char path[512], err[512];
    own_path(s, t, path, sizeof path);
    cr_expect_eq(bk_task_load(path, &own, err, sizeof err), 0, "%s", err);
  }
}

Test(taskfiles, first_line_names_suite_and_task_id) {
  FOR_EACH_TASK(s, t) {
    char path[512], line[256], want[256];
    own_path(s, t, path, sizeof path);
    FILE* f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    cr_assert_not_null(fgets(line, sizeof line, f), "%s", path);
    fclose(f);
    line[strcspn(line, "\r\n")] = '\0';
    snprintf(want, sizeof want, "; bokbo task file: %s task %d", suites[s], t);
    cr_expect_str_eq(line, want, "%s", path);
  }
}

Test(taskfiles, language_is_the_peer_harness_prompt) {
  FOR_EACH_TASK(s, t) {
    load_pair(s, t);
    char prompt[256];
    snprintf(prompt, sizeof prompt, "%s", order[s][t]);
    for (char* c = prompt; *c; c++)
      if (*c == '_') *c = ' ';
    cr_expect_str_eq(own.language, prompt);
  }
}

Test(taskfiles, problem_and_domain_match_libero) {
  FOR_EACH_TASK(s, t) {
    load_pair(s, t);
    cr_expect_str_eq(own.problem, libero.problem, "%s", order[s][t]);
    cr_expect_str_eq(own.domain, libero.domain, "%s", order[s][t]);
  }
}

/* same names, categories and order: the order fixes the layout of the state */
Test(taskfiles, fixtures_objects_and_interest_match_libero_in_order) {
  FOR_EACH_TASK(s, t) {
    load_pair(s, t);
    const char* base = order[s][t];
    expect_entities_eq(own.fixture, own.nfixture, libero.fixture, libero.nfixture,
                       "fixtures", base);
    expect_entities_eq(own.object, own.nobject, libero.object, libero.nobject, "objects",
                       base);
    cr_assert_eq(own.ninterest, libero.ninterest, "%s", base);
    for (int i = 0; i < own.ninterest; i++)
      cr_expect_str_eq(own.interest[i], libero.interest[i], "%s", base);
  }
}

Test(taskfiles, regions_match_libero_within_1e9th) {
  FOR_EACH_TASK(s, t) {
    load_pair(s, t);
    cr_assert_eq(own.nregion, libero.nregion, "%s", order[s][t]);
    for (int i = 0; i < own.nregion; i++)
      expect_region_eq(&own.region[i], &libero.region[i], order[s][t]);
  }
}

Test(taskfiles, init_atoms_match_libero_as_sets) {
  FOR_EACH_TASK(s, t) {
    load_pair(s, t);
    cr_assert_eq(own.ninit, libero.ninit, "%s", order[s][t]);
    for (int i = 0; i < own.ninit; i++) {
      const bk_atom_t* a = &own.init[i];
      cr_expect_eq(count_atom(own.init, own.ninit, a),
                   count_atom(libero.init, libero.ninit, a), "%s: init (%s %s ...)",
                   order[s][t], bk_task_predname(a->pred), a->arg[0]);
    }
  }
}

Test(taskfiles, goal_trees_match_libero) {
  FOR_EACH_TASK(s, t) {
    load_pair(s, t);
    cr_assert_gt(libero.ngoal, 0);
    cr_expect_eq(own.ngoal, libero.ngoal, "%s", order[s][t]);
    cr_expect(expr_eq(&own, 0, &libero, 0), "%s: goal differs", order[s][t]);
  }
}
