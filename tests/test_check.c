/* meaning checks of task files: every name declared, regions unique per target,
 * positions in messages, non-regular files refused, names escaped into MJCF */
#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"
#include "sim/world.h"
#include "task/check.h"

static bk_task_t task;
static char err[1024];

/* a small valid file; each test breaks one name of it */
#define HEAD                                                                   \
  "(define (problem p)\n"                                                      \
  "  (:regions\n"                                                              \
  "    (plate_region (:target main_table) (:ranges ((0 0 0.1 0.1))))\n"        \
  "    (top_region (:target wooden_cabinet_1)))\n"                             \
  "  (:fixtures main_table - table wooden_cabinet_1 - wooden_cabinet)\n"       \
  "  (:objects bowl_1 - akita_black_bowl plate_1 - plate)\n"

static int check_text(const char* text) {
  int rc = bk_task_parse(text, "t.bddl", &task, err, sizeof err);
  cr_assert_eq(rc, 0, "parse: %s", err);
  return bk_task_check(&task, "t.bddl", err, sizeof err);
}

static void fails_with(const char* text, const char* msg) {
  cr_expect_lt(check_text(text), 0, "accepted: %s", text);
  cr_expect_str_eq(err, msg);
}

Test(check, a_consistent_file_passes) {
  cr_expect_eq(check_text(HEAD
                          "  (:obj_of_interest bowl_1 plate_1)\n"
                          "  (:init (On plate_1 main_table_plate_region)\n"
                          "         (In bowl_1 wooden_cabinet_1_top_region)\n"
                          "         (Open wooden_cabinet_1_top_region))\n"
                          "  (:goal (And (On bowl_1 plate_1) (Close wooden_cabinet_1_top_region))))"),
               0, "%s", err);
  cr_expect_eq(bk_task_goal_atoms(&task), 2);
}

Test(check, undeclared_object_in_the_goal_names_its_position) {
  fails_with(HEAD "  (:goal (And (On mustard_1 plate_1))))",
             "t.bddl:7:19: (:goal ...): 'mustard_1' is not a declared object or fixture");
}

Test(check, undeclared_region_in_init) {
  fails_with(HEAD "  (:init (On plate_1 main_table_stove_region)))",
             "t.bddl:7:22: (:init ...): 'main_table_stove_region' is not a declared object, "
             "fixture or region (<target>_<region>)");
}

Test(check, region_of_another_target_is_not_a_reference) {
  // top_region belongs to the cabinet, not to the table
  fails_with(HEAD "  (:init (In bowl_1 main_table_top_region)))",
             "t.bddl:7:21: (:init ...): 'main_table_top_region' is not a declared object, "
             "fixture or region (<target>_<region>)");
}

Test(check, undeclared_drawer_in_open) {
  fails_with(HEAD "  (:init (Open wooden_cabinet_2_top_region)))",
             "t.bddl:7:16: (:init ...): 'wooden_cabinet_2_top_region' is not a declared "
             "region (<target>_<region>), fixture or object");
}

Test(check, undeclared_object_of_interest) {
  fails_with(HEAD "  (:obj_of_interest bowl_1 cup_1))",
             "t.bddl:7:28: (:obj_of_interest ...): 'cup_1' is not a declared object or fixture");
}

Test(check, region_target_must_be_declared) {
  fails_with("(define (problem p)\n  (:regions (r (:target nowhere))))",
             "t.bddl:2:25: (:regions ...): 'nowhere' is not a declared fixture or object");
}

Test(check, region_names_are_unique_per_target_not_globally) {
  // LIBERO's libero_goal files: top_region on the cabinet and on the stove
  cr_expect_eq(check_text("(define (problem p)\n"
                          "  (:regions (top_region (:target cab_1)) (top_region (:target stove_1)))\n"
                          "  (:fixtures cab_1 - wooden_cabinet stove_1 - flat_stove)\n"
                          "  (:objects b - plate)\n"
                          "  (:init (On b stove_1_top_region))\n"
                          "  (:goal (In b cab_1_top_region)))"),
               0, "%s", err);
  cr_expect_eq(bk_task_find_region_ref(&task, "stove_1_top_region"), 1);
  cr_expect_eq(bk_task_find_region_ref(&task, "cab_1_top_region"), 0);
  cr_expect_eq(bk_task_find_region_of(&task, "stove_1", "top_region"), 1);
  // the same name twice on one target is still an error, at the second name
  cr_expect_lt(bk_task_parse("(define (problem p)\n"
                             "  (:regions (r (:target a)) (r (:target a))))",
                             "t.bddl", &task, err, sizeof err), 0);
  cr_expect_str_eq(err, "t.bddl:2:30: expected a new region name for target 'a', got 'r' a "
                        "second time");
}

// every task file of the project and of LIBERO's installation passes
static void all_pass(const char* pattern, size_t want) {
  glob_t g;
  cr_assert_eq(glob(pattern, 0, NULL, &g), 0, "%s", pattern);
  cr_expect_eq(g.gl_pathc, want, "%s", pattern);
  for (size_t i = 0; i < g.gl_pathc; i++) {
    cr_expect_eq(bk_task_load_checked(g.gl_pathv[i], &task, err, sizeof err), 0, "%s", err);
  }
  globfree(&g);
}

Test(check, every_built_in_and_libero_task_file_passes) {
  all_pass(BOKBO_SOURCE_DIR "/scenes/*/*.bddl", 20);
  all_pass(BOKBO_SHARED_DIR "/libero/LIBERO/libero/libero/bddl_files/*/*.bddl", 20);
}

Test(check, a_fifo_or_directory_is_refused_without_blocking) {
  char path[] = "/tmp/bokbo_check_fifoXXXXXX";
  cr_assert_not_null(mkdtemp(path));
  char fifo[64];
  snprintf(fifo, sizeof fifo, "%s/f.bddl", path);
  cr_assert_eq(mkfifo(fifo, 0600), 0);
  // no writer ever opens the FIFO: reading it would block forever
  cr_expect_eq(bk_task_load(fifo, &task, err, sizeof err), BK_EINVAL);
  cr_expect(strstr(err, "not a regular file") != NULL, "%s", err);
  cr_expect_eq(bk_task_load(path, &task, err, sizeof err), BK_EINVAL);
  unlink(fifo);
  rmdir(path);
}

Test(check, world_refuses_an_invalid_user_file_and_escapes_names_into_mjcf) {
  char dir[] = "/tmp/bokbo_check_XXXXXX", path[64];
  cr_assert_not_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/user_task.bddl", dir);
  FILE* f = fopen(path, "w");
  cr_assert_not_null(f);
  // a name with XML's special characters, declared and used consistently
  fputs("(define (problem a\"b<c>&d)\n"
        "  (:regions (r (:target floor) (:ranges ((0.1 -0.1 0.12 -0.08))))\n"
        "            (contain_region (:target basket_1)))\n"
        "  (:fixtures floor - floor)\n"
        "  (:objects k\"e&t<1> - ketchup basket_1 - basket)\n"
        "  (:init (On k\"e&t<1> floor_r) (On basket_1 floor_r))\n"
        "  (:goal (In k\"e&t<1> basket_1_contain_region)))\n",
        f);
  fclose(f);
  bk_world_t* w = bk_world_create_file(BOKBO_SOURCE_DIR "/scenes", "libero_object", 3, path,
                                       err, sizeof err);
  cr_assert_not_null(w, "%s", err);
  cr_expect_geq(mj_name2id(w->m, mjOBJ_BODY, "k\"e&t<1>"), 0, "the body keeps its name");
  cr_expect_geq(bk_world_entity(w, "k\"e&t<1>"), 0);
  cr_expect_eq(w->ref.id, 3);
  cr_expect_str_eq(w->ref.path, path);
  bk_world_free(w);
  // an undeclared name in the goal: no world, the checker's message
  f = fopen(path, "w");
  fputs("(define (problem p)\n  (:fixtures floor - floor)\n  (:objects k - ketchup)\n"
        "  (:goal (In mustard_1 basket_1_contain_region)))\n", f);
  fclose(f);
  w = bk_world_create_file(BOKBO_SOURCE_DIR "/scenes", "libero_object", 0, path, err,
                           sizeof err);
  cr_expect_null(w);
  cr_expect(strstr(err, ":4:14: (:goal ...): 'mustard_1' is not a declared") != NULL, "%s", err);
  unlink(path);
  rmdir(dir);
}
