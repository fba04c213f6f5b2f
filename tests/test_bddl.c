/* tests for harness/task/bddl.c: LIBERO's own files, hand-checked values,
 * goal trees, and the exact position and wording of parse errors. */
#include "core/err.h"
#include "task/bddl.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define LIBERO_DIR BOKBO_SOURCE_DIR "/tests/data/libero-bddl"
#define SPATIAL(name) LIBERO_DIR "/libero_spatial/pick_up_the_black_bowl_" name "_and_place_it_on_the_plate.bddl"
#define OBJECT(name) LIBERO_DIR "/libero_object/pick_up_the_" name "_and_place_it_in_the_basket.bddl"

/* a task is ~40 KB: keep one per test process off the stack */
static bk_task_t task;
static char err[512];

static void load_ok(const char* path) {
  int rc = bk_task_load(path, &task, err, sizeof err);
  cr_assert_eq(rc, 0, "%s: %s", path, err);
}

static void parse_ok(const char* text) {
  int rc = bk_task_parse(text, "t.bddl", &task, err, sizeof err);
  cr_assert_eq(rc, 0, "%s", err);
}

/* parse must fail with BK_EPARSE and exactly this message */
static void parse_fails(const char* text, const char* message) {
  int rc = bk_task_parse(text, "t.bddl", &task, err, sizeof err);
  cr_assert_eq(rc, BK_EPARSE, "rc %d for %s", rc, text);
  cr_assert_str_eq(err, message);
}

static int count_dir(const char* dir) {
  DIR* d = opendir(dir);
  cr_assert_not_null(d, "%s", dir);
  int n = 0;
  char path[1024];
  for (struct dirent* e; (e = readdir(d));) {
    size_t len = strlen(e->d_name);
    if (len < 5 || strcmp(e->d_name + len - 5, ".bddl") != 0) continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    load_ok(path);
    cr_expect_gt(task.nregion, 0, "%s", path);
    cr_expect_gt(task.nobject, 0, "%s", path);
    cr_expect_gt(task.ngoal, 0, "%s", path);
    n++;
  }
  closedir(d);
  return n;
}

/* a tiny task around one section, for error tests */
#define WRAP(sections) "(define (problem p)\n" sections "\n)\n"

/* ------------------------------------------------------------ LIBERO files */

Test(bddl, reads_every_libero_file) {
  cr_expect_eq(count_dir(LIBERO_DIR "/libero_spatial"), 10);
  cr_expect_eq(count_dir(LIBERO_DIR "/libero_object"), 10);
}

Test(bddl, reads_spatial_on_the_wooden_cabinet) {
  load_ok(SPATIAL("on_the_wooden_cabinet"));
  cr_expect_str_eq(task.problem, "LIBERO_Tabletop_Manipulation");
  cr_expect_str_eq(task.domain, "robosuite");
  cr_expect_str_eq(task.language,
                   "Pick the akita black bowl on the wooden cabinet and place it on the plate");
  cr_expect_eq(task.nregion, 16);
  int cab = bk_task_find_region(&task, "cabinet_region");
  cr_assert_geq(cab, 0);
  const bk_region_t* r = &task.region[cab];
  cr_expect_str_eq(r->target, "main_table");
  cr_expect_eq(r->nrange, 1);
  cr_expect_float_eq(r->range[0].x0, 0.02, 1e-12);
  cr_expect_float_eq(r->range[0].y0, -0.28, 1e-12);
  cr_expect_float_eq(r->range[0].x1, 0.04, 1e-12);
  cr_expect_float_eq(r->range[0].y1, -0.26, 1e-12);
  cr_expect(r->has_yaw);
  cr_expect_float_eq(r->yaw[0], 2.6613777765410678, 1e-15);
  cr_expect_float_eq(r->yaw[1], 2.7242096296128633, 1e-15);
  cr_expect_not(task.region[bk_task_find_region(&task, "plate_region")].has_yaw);
}

Test(bddl, reads_spatial_entities_init_and_goal) {
  load_ok(SPATIAL("on_the_wooden_cabinet"));
  cr_expect_eq(task.nfixture, 3);
  cr_expect_str_eq(task.fixture[1].name, "wooden_cabinet_1");
  cr_expect_str_eq(task.fixture[1].category, "wooden_cabinet");
  cr_expect_eq(task.nobject, 5);
  cr_expect_str_eq(task.object[1].name, "akita_black_bowl_2");
  cr_expect_str_eq(task.object[1].category, "akita_black_bowl");
  cr_expect_eq(task.ninterest, 2);
  cr_expect_str_eq(task.interest[1], "plate_1");
  cr_expect_eq(task.ninit, 7);
  cr_expect_eq(task.init[0].pred, BK_PRED_ON);
  cr_expect_eq(task.init[0].nargs, 2);
  cr_expect_str_eq(task.init[0].arg[0], "akita_black_bowl_1");
  cr_expect_str_eq(task.init[0].arg[1], "wooden_cabinet_1_top_side");
  cr_expect_eq(task.ngoal, 2);
  cr_expect_eq(task.goal[0].op, BK_EXPR_AND);
  cr_expect_eq(task.goal[0].nchild, 1);
  const bk_expr_t* on = &task.goal[task.goal[0].child[0]];
  cr_expect_eq(on->op, BK_EXPR_ATOM);
  cr_expect_eq(on->atom.pred, BK_PRED_ON);
  cr_expect_str_eq(on->atom.arg[0], "akita_black_bowl_1");
  cr_expect_str_eq(on->atom.arg[1], "plate_1");
}

Test(bddl, reads_site_regions_without_ranges) {
  load_ok(SPATIAL("on_the_wooden_cabinet"));
  const bk_region_t* r = &task.region[bk_task_find_region(&task, "top_side")];
  cr_expect_str_eq(r->target, "wooden_cabinet_1");
  cr_expect_eq(r->nrange, 0);
  cr_expect_not(r->has_yaw);
}

Test(bddl, reads_open_and_in_atoms_of_the_top_drawer_task) {
  load_ok(SPATIAL("in_the_top_drawer_of_the_wooden_cabinet"));
  cr_expect_eq(task.ninit, 8);
  cr_expect_eq(task.init[0].pred, BK_PRED_IN);
  cr_expect_str_eq(task.init[0].arg[1], "wooden_cabinet_1_top_region");
  cr_expect_eq(task.init[2].pred, BK_PRED_OPEN);
  cr_expect_eq(task.init[2].nargs, 1);
  cr_expect_str_eq(task.init[2].arg[0], "wooden_cabinet_1_top_region");
}

Test(bddl, reads_object_suite_floor_task) {
  load_ok(OBJECT("alphabet_soup"));
  cr_expect_str_eq(task.problem, "LIBERO_Floor_Manipulation");
  cr_expect_eq(task.nregion, 8);
  cr_expect_eq(task.nfixture, 1);
  cr_expect_str_eq(task.fixture[0].name, "floor");
  cr_expect_str_eq(task.fixture[0].category, "floor");
  cr_expect_eq(task.nobject, 7);
  cr_expect_geq(bk_task_find_object(&task, "basket_1"), 0);
  const bk_region_t* r = &task.region[bk_task_find_region(&task, "other_object_region_0")];
  cr_expect_float_eq(r->range[0].x1, 0.075, 1e-12);
  cr_expect_str_eq(task.region[7].name, "contain_region");
  cr_expect_str_eq(task.region[7].target, "basket_1");
  const bk_expr_t* in = &task.goal[task.goal[0].child[0]];
  cr_expect_eq(in->atom.pred, BK_PRED_IN);
  cr_expect_str_eq(in->atom.arg[0], "alphabet_soup_1");
  cr_expect_str_eq(in->atom.arg[1], "basket_1_contain_region");
}

/* ------------------------------------------------------------- inline text */

Test(bddl, goal_with_or_and_not_builds_a_tree) {
  parse_ok(WRAP("(:goal (And (Or (On a b) (In a r)) (Not (Open d)) (TurnOff s)))"));
  cr_assert_eq(task.ngoal, 7);
  const bk_expr_t* g = task.goal;
  cr_expect_eq(g[0].op, BK_EXPR_AND);
  cr_assert_eq(g[0].nchild, 3);
  const bk_expr_t* or = &g[g[0].child[0]];
  cr_expect_eq(or->op, BK_EXPR_OR);
  cr_assert_eq(or->nchild, 2);
  cr_expect_eq(g[or->child[0]].atom.pred, BK_PRED_ON);
  cr_expect_eq(g[or->child[1]].atom.pred, BK_PRED_IN);
  cr_expect_str_eq(g[or->child[1]].atom.arg[1], "r");
  const bk_expr_t* not = &g[g[0].child[1]];
  cr_expect_eq(not->op, BK_EXPR_NOT);
  cr_assert_eq(not->nchild, 1);
  cr_expect_eq(g[not->child[0]].atom.pred, BK_PRED_OPEN);
  cr_expect_str_eq(g[not->child[0]].atom.arg[0], "d");
  cr_expect_eq(g[g[0].child[2]].atom.pred, BK_PRED_TURNOFF);
}

Test(bddl, goal_may_be_a_single_atom_or_empty) {
  parse_ok(WRAP("(:goal (TurnOn s))"));
  cr_expect_eq(task.ngoal, 1);
  cr_expect_eq(task.goal[0].op, BK_EXPR_ATOM);
  cr_expect_eq(task.goal[0].atom.pred, BK_PRED_TURNON);
  parse_ok(WRAP("(:goal)"));
  cr_expect_eq(task.ngoal, 0);
}

Test(bddl, range_with_two_rectangles) {
  parse_ok(WRAP("(:regions (r (:target t) (:ranges ((0 1 2 3) (-0.5 -1e-2 4.25 5)))))"));
  cr_assert_eq(task.nregion, 1);
  const bk_region_t* r = &task.region[0];
  cr_assert_eq(r->nrange, 2);
  cr_expect_float_eq(r->range[0].y1, 3.0, 1e-15);
  cr_expect_float_eq(r->range[1].x0, -0.5, 1e-15);
  cr_expect_float_eq(r->range[1].y0, -0.01, 1e-15);
  cr_expect_float_eq(r->range[1].x1, 4.25, 1e-15);
}

Test(bddl, keywords_and_predicates_are_case_insensitive) {
  parse_ok("(DEFINE (Problem p) (:GOAL (aNd (on a b) (turnoff c) (NOT (close d)))))");
  cr_assert_eq(task.ngoal, 5);
  cr_expect_eq(task.goal[0].op, BK_EXPR_AND);
  cr_expect_eq(task.goal[1].atom.pred, BK_PRED_ON);
  cr_expect_eq(task.goal[2].atom.pred, BK_PRED_TURNOFF);
  cr_expect_eq(task.goal[3].op, BK_EXPR_NOT);
  cr_expect_eq(task.goal[4].atom.pred, BK_PRED_CLOSE);
}

Test(bddl, language_words_are_joined_by_single_spaces) {
  parse_ok(WRAP("(:language  pick up\n\tthe   bowl )"));
  cr_expect_str_eq(task.language, "pick up the bowl");
}

Test(bddl, entity_lists_take_several_categories) {
  parse_ok(WRAP("(:objects a_1 a_2 - a b_1 - b c_1 c_2 c_3 - c)"));
  cr_assert_eq(task.nobject, 6);
  cr_expect_str_eq(task.object[1].category, "a");
  cr_expect_str_eq(task.object[2].category, "b");
  cr_expect_str_eq(task.object[5].name, "c_3");
  cr_expect_str_eq(task.object[5].category, "c");
  cr_expect_eq(bk_task_find_object(&task, "b_1"), 2);
  cr_expect_eq(bk_task_find_object(&task, "nope"), -1);
  cr_expect_eq(bk_task_find_fixture(&task, "a_1"), -1);
}

Test(bddl, semicolon_comments_are_ignored) {
  parse_ok("; header line\n(define (problem p) ; trailing\n"
           "  (:objects a_1 - a) ; more\n;(:goal (Onn x))\n)\n; end");
  cr_expect_eq(task.nobject, 1);
  cr_expect_eq(task.ngoal, 0);
}

Test(bddl, predicate_names_round_trip) {
  cr_expect_str_eq(bk_task_predname(BK_PRED_ON), "On");
  cr_expect_str_eq(bk_task_predname(BK_PRED_TURNOFF), "TurnOff");
  cr_expect_str_eq(bk_task_predname((bk_pred_t)99), "?");
}

/* ------------------------------------------------------------------ errors */

Test(bddl, unclosed_regions_point_at_the_stray_token) {
  parse_fails("(define (problem p)\n  (:regions\n    (r (:target t))\n    stray)\n)",
              "t.bddl:4:5: expected ')' to close (:regions, got 'stray'");
}

Test(bddl, non_number_in_ranges_is_reported) {
  parse_fails(WRAP("(:regions (r (:target t) (:ranges ((0 1 x 3)))))"),
              "t.bddl:2:41: expected a number in :ranges, got 'x'");
}

Test(bddl, short_rectangle_is_reported) {
  parse_fails(WRAP("(:regions (r (:target t) (:ranges ((0 1 2)))))"),
              "t.bddl:2:42: expected a number in :ranges, got ')'");
}

Test(bddl, unknown_predicate_is_reported) {
  parse_fails(WRAP("(:init\n  (On a b)\n  (Onn a b))"),
              "t.bddl:4:4: expected a predicate (On, In, Open, Close, TurnOn, TurnOff), "
              "got 'Onn'");
}

Test(bddl, unknown_section_is_reported) {
  parse_fails(WRAP("(:domain robosuite)\n(:colour red)"),
              "t.bddl:3:2: expected a section (:domain :language :regions :fixtures "
              ":objects :obj_of_interest :init :goal), got ':colour'");
}

Test(bddl, repeated_section_is_reported) {
  parse_fails(WRAP("(:domain a) (:domain b)"),
              "t.bddl:2:14: expected each section once, got :domain again");
}

Test(bddl, unterminated_list_reports_end_of_file) {
  parse_fails("(define (problem p)\n  (:objects a - b\n",
              "t.bddl:3:1: expected ')' to close (:objects, got end of file");
}

Test(bddl, empty_input_reports_end_of_file) {
  parse_fails("", "t.bddl:1:1: expected '(' to start (define, got end of file");
  parse_fails("  ; only a comment\n", "t.bddl:2:1: expected '(' to start (define, got end of file");
}

Test(bddl, text_after_define_is_reported) {
  parse_fails("(define (problem p))\n(x)", "t.bddl:2:1: expected end of file after (define ...), "
              "got '('");
}

Test(bddl, missing_define_is_reported) {
  parse_fails("(domain (problem p))", "t.bddl:1:2: expected 'define', got 'domain'");
}

Test(bddl, too_few_predicate_arguments_are_reported) {
  parse_fails(WRAP("(:init (On a))"), "t.bddl:2:13: expected 2 arguments to On, got ')'");
}

Test(bddl, too_many_predicate_arguments_are_reported) {
  parse_fails(WRAP("(:init (Open a b))"),
              "t.bddl:2:16: expected ')' after 1 argument of Open, got 'b'");
}

Test(bddl, too_many_objects_are_reported) {
  char text[1024] = "(define (problem p) (:objects";
  for (int i = 0; i < BK_TASK_MAX_ENTITIES + 1; i++)
    snprintf(text + strlen(text), sizeof text - strlen(text), " o%02d", i);
  strcat(text, " - o))");
  /* "(define (problem p) (:objects" is 29 characters; each name takes 4 */
  char want[128];
  snprintf(want, sizeof want, "t.bddl:1:%d: expected at most %d names in (:objects",
           29 + 4 * BK_TASK_MAX_ENTITIES + 2, BK_TASK_MAX_ENTITIES);
  parse_fails(text, want);
}

Test(bddl, too_many_rectangles_are_reported) {
  char text[1024] = "(define (problem p) (:regions (r (:target t) (:ranges (";
  for (int i = 0; i < BK_TASK_MAX_RANGES + 1; i++) strcat(text, "(0 0 1 1)");
  strcat(text, ")))))");
  char want[128];
  snprintf(want, sizeof want, "t.bddl:1:%d: expected at most %d rectangles in :ranges",
           56 + 9 * BK_TASK_MAX_RANGES, BK_TASK_MAX_RANGES);
  parse_fails(text, want);
}

Test(bddl, not_with_two_operands_is_reported) {
  parse_fails(WRAP("(:goal (Not (On a b) (On c d)))"),
              "t.bddl:2:22: expected at most 1 operand in (Not");
}

Test(bddl, empty_and_is_reported) {
  parse_fails(WRAP("(:goal (And))"), "t.bddl:2:12: expected an operand in (And");
}

Test(bddl, name_without_category_is_reported) {
  parse_fails(WRAP("(:fixtures table - table stove)"),
              "t.bddl:2:31: expected '- category' after the last name, got ')'");
}

Test(bddl, duplicate_object_is_reported) {
  parse_fails(WRAP("(:fixtures a - t)\n(:objects b a - o)"),
              "t.bddl:3:13: expected a new name in (:objects, got 'a' a second time");
}

Test(bddl, region_without_target_is_reported) {
  parse_fails(WRAP("(:regions (r (:ranges ((0 0 1 1)))))"),
              "t.bddl:2:35: expected (:target ...) in region 'r'");
}

Test(bddl, overlong_name_is_reported) {
  char text[256] = "(define (problem ";
  memset(text + strlen(text), 'n', BK_NAME_MAX);
  strcat(text, "))");
  char want[128];
  snprintf(want, sizeof want, "t.bddl:1:18: expected a problem name of at most %d characters, got %d",
           BK_NAME_MAX - 1, BK_NAME_MAX);
  parse_fails(text, want);
}

Test(bddl, failed_parse_leaves_the_task_zeroed) {
  memset(&task, 0x5a, sizeof task);
  parse_fails(WRAP("(:objects a - b)\n(:init (On a))"),
              "t.bddl:3:13: expected 2 arguments to On, got ')'");
  static const bk_task_t zero;
  cr_expect_eq(memcmp(&task, &zero, sizeof task), 0);
}

Test(bddl, missing_file_fails_with_eio) {
  memset(&task, 0x5a, sizeof task);
  int rc = bk_task_load(LIBERO_DIR "/no_such_file.bddl", &task, err, sizeof err);
  cr_expect_eq(rc, BK_EIO);
  cr_expect(strstr(err, "no_such_file.bddl") != NULL, "%s", err);
  static const bk_task_t zero;
  cr_expect_eq(memcmp(&task, &zero, sizeof task), 0);
}

Test(bddl, load_reports_the_path_in_messages) {
  char path[] = "/tmp/bokbo_test_bddl_XXXXXX";
  int fd = mkstemp(path);
  cr_assert_geq(fd, 0);
  FILE* f = fdopen(fd, "w");
  fputs("(define (problem p)\n  (:goal (Onn a b)))\n", f);
  fclose(f);
  int rc = bk_task_load(path, &task, err, sizeof err);
  remove(path);
  char want[256];
  snprintf(want, sizeof want, "%s:2:11: expected a predicate (On, In, Open, Close, TurnOn, "
           "TurnOff), got 'Onn'", path);
  cr_expect_eq(rc, BK_EPARSE);
  cr_expect_str_eq(err, want);
}
