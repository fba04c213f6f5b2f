/* the catalog: suites, LIBERO's task order and prompts, categories */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "task/catalog.h"

#define SCENES BOKBO_SOURCE_DIR "/scenes"

Test(catalog, suites_have_libero_horizons) {
  cr_expect_eq(bk_catalog_suite("libero_object")->max_steps, 280);
  cr_expect_eq(bk_catalog_suite("libero_spatial")->max_steps, 220);
  cr_expect_null(bk_catalog_suite("libero_10"));
}

Test(catalog, task_order_follows_the_suite_map_not_the_file_listing) {
  bk_taskref_t t[BK_SUITE_NTASK];
  char err[512];
  cr_assert_eq(bk_catalog_tasks(SCENES, "libero_spatial", t, err, sizeof err), 0, "%s", err);
  cr_expect_str_eq(t[0].prompt,
                   "pick up the black bowl between the plate and the ramekin and place it on "
                   "the plate");
  cr_expect_str_eq(t[4].prompt,
                   "pick up the black bowl in the top drawer of the wooden cabinet and place it "
                   "on the plate");
  cr_expect_str_eq(t[9].prompt,
                   "pick up the black bowl on the wooden cabinet and place it on the plate");
  cr_assert_eq(bk_catalog_tasks(SCENES, "libero_object", t, err, sizeof err), 0, "%s", err);
  const char* items[] = {"alphabet soup", "cream cheese", "salad dressing", "bbq sauce",
                         "ketchup", "tomato sauce", "butter", "milk", "chocolate pudding",
                         "orange juice"};
  for (int i = 0; i < BK_SUITE_NTASK; i++) {
    char want[256];
    snprintf(want, sizeof want, "pick up the %s and place it in the basket", items[i]);
    cr_expect_str_eq(t[i].prompt, want);
    cr_expect_eq(t[i].id, i);
  }
}

Test(catalog, unknown_suite_lists_valid_names) {
  bk_taskref_t t[BK_SUITE_NTASK];
  char err[512];
  cr_expect_eq(bk_catalog_tasks(SCENES, "libero_goal", t, err, sizeof err), BK_ENOENT);
  cr_expect(strstr(err, "libero_object, libero_spatial") != NULL, "%s", err);
}

Test(catalog, every_category_has_a_model_file) {
  for (const bk_category_t* c = bk_catalog_categories; c->name; c++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/objects/%s.xml", SCENES, c->name);
    FILE* f = fopen(path, "r");
    cr_expect_not_null(f, "missing %s", path);
    if (f) fclose(f);
  }
  cr_expect_null(bk_catalog_category("mustard"));
  cr_expect_eq(bk_catalog_category("wooden_cabinet")->fixture, 1);
}
