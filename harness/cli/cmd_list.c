/* bokbo list: suites, tasks and object categories */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "score/scorer.h"
#include "policies/policy.h"
#include "score/score.h"
#include "task/catalog.h"

static void usage(FILE* f) {
  fprintf(f,
          "usage: bokbo list [--json] [--suite S]\n"
          "\n"
          "Lists the suites, their tasks in LIBERO's order (id, task name, the prompt\n"
          "policies receive, max steps), the policies, the scorers and the object categories.\n"
          "\n"
          "  --json      one JSON document on stdout (loads with pandas.json_normalize)\n"
          "  --suite S   only this suite\n"
          "  -h, --help  this text\n");
}

// the suites and their tasks as JSON
static cJSON* suites_json(const char* only, int* rc) {
  cJSON* arr = cJSON_CreateArray();
  char err[512];
  for (const bk_suite_t* s = bk_catalog_suites; s->name; s++) {
    if (only && strcmp(only, s->name)) continue;
    bk_taskref_t t[BK_SUITE_NTASK];
    if ((*rc = bk_catalog_tasks(bk_catalog_scenes_dir(), s->name, t, err, sizeof err))) {
      bk_cli_error("list", "%s", err);
      break;
    }
    cJSON* js = cJSON_CreateObject();
    cJSON_AddStringToObject(js, "name", s->name);
    cJSON_AddNumberToObject(js, "max_steps", s->max_steps);
    cJSON_AddStringToObject(js, "arena", s->arena == BK_ARENA_TABLE ? "table" : "floor");
    cJSON* tasks = cJSON_AddArrayToObject(js, "tasks");
    for (int i = 0; i < BK_SUITE_NTASK; i++) {
      cJSON* jt = cJSON_CreateObject();
      cJSON_AddNumberToObject(jt, "id", t[i].id);
      cJSON_AddStringToObject(jt, "name", t[i].name);
      cJSON_AddStringToObject(jt, "prompt", t[i].prompt);
      cJSON_AddNumberToObject(jt, "max_steps", s->max_steps);
      cJSON_AddItemToArray(tasks, jt);
    }
    cJSON_AddItemToArray(arr, js);
  }
  return arr;
}

static int print_json(const char* only) {
  int rc = 0;
  cJSON* root = cJSON_CreateObject();
  cJSON_AddItemToObject(root, "suites", suites_json(only, &rc));
  cJSON* cats = cJSON_AddArrayToObject(root, "categories");
  for (const bk_category_t* c = bk_catalog_categories; c->name; c++) {
    cJSON* jc = cJSON_CreateObject();
    cJSON_AddStringToObject(jc, "name", c->name);
    cJSON_AddStringToObject(jc, "kind", c->fixture ? "fixture" : "object");
    cJSON_AddStringToObject(jc, "suites", c->suites);
    cJSON_AddItemToArray(cats, jc);
  }
  cJSON* pols = cJSON_AddArrayToObject(root, "policies");
  for (int i = 0; bk_policies[i]; i++) {
    cJSON* jp = cJSON_CreateObject();
    cJSON_AddStringToObject(jp, "name", bk_policies[i]->name);
    cJSON_AddStringToObject(jp, "help", bk_policies[i]->help);
    cJSON_AddBoolToObject(jp, "distribution", (bk_policies[i]->flags & BK_POLICY_DISTRIBUTION) != 0);
    cJSON_AddBoolToObject(jp, "images", (bk_policies[i]->flags & BK_POLICY_IMAGES) != 0);
    cJSON_AddItemToArray(pols, jp);
  }
  cJSON* scorers = cJSON_AddArrayToObject(root, "scorers");
  for (const bk_scorer_ops_t* s = bk_scorers; s->name; s++) {
    cJSON_AddItemToArray(scorers, cJSON_CreateString(s->name));
  }
  char* text = cJSON_Print(root);
  if (!rc) printf("%s\n", text);
  free(text);
  cJSON_Delete(root);
  return rc ? BK_EXIT_FAIL : BK_EXIT_OK;
}

static int print_text(const char* only) {
  char err[512];
  for (const bk_suite_t* s = bk_catalog_suites; s->name; s++) {
    if (only && strcmp(only, s->name)) continue;
    bk_taskref_t t[BK_SUITE_NTASK];
    if (bk_catalog_tasks(bk_catalog_scenes_dir(), s->name, t, err, sizeof err)) {
      bk_cli_error("list", "%s", err);
      return BK_EXIT_FAIL;
    }
    printf("%s (%s scene, max %d steps)\n", s->name,
           s->arena == BK_ARENA_TABLE ? "table" : "floor", s->max_steps);
    for (int i = 0; i < BK_SUITE_NTASK; i++) printf("  %d  %s\n", t[i].id, t[i].prompt);
    printf("\n");
  }
  printf("policies:\n");
  for (int i = 0; bk_policies[i]; i++) printf("  %-10s %s\n", bk_policies[i]->name, bk_policies[i]->help);
  printf("\nscorers:\n");
  for (const bk_scorer_ops_t* s = bk_scorers; s->name; s++) printf("  %-12s %s\n", s->name, s->help);
  printf("\n");
  printf("object categories:\n");
  for (const bk_category_t* c = bk_catalog_categories; c->name; c++) {
    printf("  %-30s %-8s %s\n", c->name, c->fixture ? "fixture" : "object", c->suites);
  }
  return BK_EXIT_OK;
}

int bk_cmd_list(int argc, char** argv) {
  static const struct option opts[] = {
    {"json", no_argument, NULL, 'j'},
    {"suite", required_argument, NULL, 's'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
  };
  int json = 0, c;
  const char* only = NULL;
  optind = 1;
  while ((c = getopt_long(argc, argv, "js:h", opts, NULL)) != -1) {
    switch (c) {
      case 'j': json = 1; break;
      case 's': only = optarg; break;
      case 'h': usage(stdout); return BK_EXIT_OK;
      default: usage(stderr); return BK_EXIT_USAGE;
    }
  }
  if (optind < argc) {
    bk_cli_error("list", "unexpected argument '%s'", argv[optind]);
    return BK_EXIT_USAGE;
  }
  if (only && !bk_catalog_suite(only)) {
    char names[256];
    bk_catalog_suite_names(names, sizeof names);
    bk_cli_error("list", "unknown suite '%s' (valid: %s)", only, names);
    return BK_EXIT_USAGE;
  }
  return json ? print_json(only) : print_text(only);
}
