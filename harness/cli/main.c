/* bokbo: a benchmark harness for VLA robot policies on MuJoCo LIBERO scenes */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mujoco/mujoco.h>

#include "cli/cli.h"
#include "core/err.h"

typedef struct {
  const char* name;
  int (*fn)(int argc, char** argv);
  const char* help;
} command_t;

static const command_t kCommands[] = {
  {"list", bk_cmd_list, "suites, tasks (id, name, prompt, max steps), object categories"},
  {"scene", bk_cmd_scene, "write one task's compiled MJCF and a PNG of an init state"},
  {"run", bk_cmd_run, "roll out episodes of a policy into a run directory"},
  {"thresholds", bk_cmd_thresholds, "expert force thresholds per task from an expert run"},
  {"train-predictor", bk_cmd_train, "fit the learned violation predictor on a run's decisions"},
  {"merge", bk_cmd_merge, "join the shards of a run (run --shard I/N) into one run"},
  {"calibrate", bk_cmd_calibrate, "CRC / Mondrian abstention threshold tau from a run's logs"},
  {"report", bk_cmd_report, "statistics, tables and plots for one or more runs"},
  {"repro", bk_cmd_repro, "the paper's protocol end to end (--quick: minutes, what CI runs)"},
  {"view", bk_cmd_view, "GLFW window: a live episode or the replay of a logged one"},
  {"task", bk_cmd_task, "check task files (form and meaning) and summarise each"},
  {NULL, NULL, NULL},
};

int bk_cli_exit(int rc) {
  switch (rc) {
    case 0: return BK_EXIT_OK;
    case BK_EINVAL:
    case BK_EPARSE:
    case BK_ENOENT:
    case BK_ERANGE: return BK_EXIT_USAGE;
    default: return BK_EXIT_FAIL;
  }
}

void bk_cli_error(const char* what, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "bokbo: %s: ", what);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

int bk_cli_int(const char* text, int lo, int hi, int* out) {
  char* end = NULL;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (errno || end == text || *end || v < lo || v > hi) return -1;
  *out = (int)v;
  return 0;
}

static void usage(FILE* f) {
  fprintf(f,
          "usage: bokbo <command> [options]\n"
          "\n"
          "A benchmark harness for vision-language-action robot policies on MuJoCo\n"
          "LIBERO-object and LIBERO-spatial scenes.\n"
          "\n"
          "commands:\n");
  for (const command_t* c = kCommands; c->name; c++) {
    fprintf(f, "  %-16s %s\n", c->name, c->help);
  }
  fprintf(f,
          "\n"
          "Run 'bokbo <command> --help' for the options of a command.\n"
          "Exit status: 0 success, 1 failure (I/O, engine), 2 bad usage or bad input.\n");
}

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(stderr);
    return BK_EXIT_USAGE;
  }
  const char* cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    usage(stdout);
    return BK_EXIT_OK;
  }
  if (!strcmp(cmd, "--version")) {
    printf("bokbo %s (git %s), MuJoCo %d\n", BOKBO_VERSION, BOKBO_GIT, mj_version());
    return BK_EXIT_OK;
  }
  for (const command_t* c = kCommands; c->name; c++) {
    if (!strcmp(c->name, cmd)) return c->fn(argc - 1, argv + 1);
  }
  bk_cli_error(cmd, "unknown command (run 'bokbo --help')");
  return BK_EXIT_USAGE;
}
