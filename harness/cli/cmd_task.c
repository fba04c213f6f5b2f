/* bokbo task: check task files (form and meaning) and summarise each */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/err.h"
#include "task/catalog.h"
#include "task/check.h"

static void usage(FILE* f) {
  fprintf(f,
          "usage: bokbo task FILE...\n"
          "\n"
          "Checks LIBERO task files (BDDL): the form (parse), then the meaning: every\n"
          "object, fixture and region named in :init, :goal, :obj_of_interest and as a\n"
          "region's :target is declared (region names are unique per target). Prints one\n"
          "summary per file; stops at the first invalid file with file:line:col and exit\n"
          "status 2. Run a checked file with 'bokbo run|scene|view --task-file FILE'.\n");
}

// categories the built-in scenes have no model for, as "a, b" (empty when none)
static void missing_categories(const bk_task_t* t, char* buf, size_t sz) {
  size_t used = 0;
  buf[0] = '\0';
  for (int pass = 0; pass < 2; pass++) {
    int n = pass ? t->nobject : t->nfixture;
    for (int i = 0; i < n; i++) {
      const char* cat = pass ? t->object[i].category : t->fixture[i].category;
      if (!strcmp(cat, "table") || !strcmp(cat, "floor") || bk_catalog_category(cat)) continue;
      if (strstr(buf, cat)) continue;
      int k = snprintf(buf + used, sz - used, "%s%s", used ? ", " : "", cat);
      if (k < 0 || (size_t)k >= sz - used) return;
      used += (size_t)k;
    }
  }
}

// one summary line of a valid file
static void summarise(const char* path, const bk_task_t* t) {
  char missing[512];
  missing_categories(t, missing, sizeof missing);
  printf("%s: ok: problem %s, %d fixtures, %d objects, %d regions, %d init atoms, "
         "goal of %d atoms", path, t->problem, t->nfixture, t->nobject, t->nregion, t->ninit,
         bk_task_goal_atoms(t));
  if (missing[0]) printf("; not in the built-in scenes: %s", missing);
  printf("\n");
}

int bk_cmd_task(int argc, char** argv) {
  static const struct option opts[] = {
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
  };
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    if (c == 'h') {
      usage(stdout);
      return BK_EXIT_OK;
    }
    usage(stderr);
    return BK_EXIT_USAGE;
  }
  if (optind >= argc) {
    bk_cli_error("task", "no task file given (see 'bokbo task --help')");
    return BK_EXIT_USAGE;
  }
  for (int i = optind; i < argc; i++) {
    static bk_task_t task;
    char err[1024];
    if (bk_task_load_checked(argv[i], &task, err, sizeof err)) {
      bk_cli_error("task", "%s", err);
      return BK_EXIT_USAGE;
    }
    summarise(argv[i], &task);
  }
  return BK_EXIT_OK;
}
