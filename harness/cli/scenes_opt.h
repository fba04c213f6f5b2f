/* the --scenes / --libero / --robosuite options every world-building command shares,
 * and what a run's configuration records about them */
#ifndef BK_CLI_SCENES_OPT_H
#define BK_CLI_SCENES_OPT_H

#include <cjson/cJSON.h>

#include "sim/scenes.h"

/* getopt_long entries: pass the three codes used by the command */
#define BK_SCENES_OPTIONS(cs, cl, cr)                                                   \
  {"scenes", required_argument, NULL, cs}, {"libero", required_argument, NULL, cl},     \
  {"robosuite", required_argument, NULL, cr}

#define BK_SCENES_HELP                                                                   \
  "  --scenes K              builtin (bokbo's own scenes, default) or libero (LIBERO's\n" \
  "                          scenes and its 50 init states per task, from your install)\n" \
  "  --libero DIR            LIBERO repository root (default $BOKBO_LIBERO)\n"              \
  "  --robosuite DIR         robosuite repository root (default $BOKBO_ROBOSUITE)\n"

/* Adds "scenes" and, for libero, "init_files" ([{task, file, fnv1a64}] of the tasks) to a
 * run configuration. Returns 0, or a negative code with err naming the missing file. */
int bk_cli_scenes_json(const bk_scenes_t* s, const char* suite, const int* tasks, int ntask,
                       cJSON* j, char* err, int err_sz);

/* --resume: 1 when two configurations name the same scenes and init files (a
 * configuration without "scenes" is a builtin one). */
int bk_cli_scenes_same(const cJSON* old, const cJSON* now);

#endif
