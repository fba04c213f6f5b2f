/* bokbo thresholds: expert force thresholds per task and contact class */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "run/thresholds.h"

static void usage(FILE* f) {
  fprintf(f,
          "usage: bokbo thresholds --run DIR [--quantile 0.99] [--margin 1.0] [--floor 1.0] --out FILE\n"
          "\n"
          "Per task and contact class (robot_object, robot_fixture, object_object): the\n"
          "q-quantile of the expert's per-control-step force readings in DIR/episodes.jsonl,\n"
          "times the margin, and never below the floor (newtons; default 1.0: a class the\n"
          "expert never loads would otherwise get 0 and flag any touch, even an object resting\n"
          "on another; --floor 0 gives the bare quantile). Writes FILE (JSON, atomically) and\n"
          "prints a table.\n");
}

int bk_cmd_thresholds(int argc, char** argv) {
  static const struct option opts[] = {
    {"run", required_argument, NULL, 'r'}, {"quantile", required_argument, NULL, 'q'},
    {"margin", required_argument, NULL, 'm'}, {"out", required_argument, NULL, 'o'},
    {"floor", required_argument, NULL, 'f'},
    {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
  };
  const char *run = NULL, *out = NULL;
  double q = 0.99, margin = 1.0, floor = 1.0;
  char* end;
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
      case 'r': run = optarg; break;
      case 'o': out = optarg; break;
      case 'q': q = strtod(optarg, &end); if (*end || !(q > 0 && q <= 1)) goto bad; break;
      case 'm': margin = strtod(optarg, &end); if (*end || !(margin > 0) || !isfinite(margin)) goto bad; break;
      case 'f': floor = strtod(optarg, &end); if (*end || !(floor >= 0) || !isfinite(floor)) goto bad; break;
      case 'h': usage(stdout); return BK_EXIT_OK;
      default: usage(stderr); return BK_EXIT_USAGE;
    }
  }
  if (!run || !out) {
    bk_cli_error("thresholds", "--run and --out are required");
    return BK_EXIT_USAGE;
  }
  bk_thr_t t;
  char err[1024];
  int rc = bk_thr_from_run(run, q, margin, floor, &t, err, sizeof err);
  if (!rc) rc = bk_thr_save(&t, out, err, sizeof err);
  if (rc) {
    bk_cli_error("thresholds", "%s", err);
    return bk_cli_exit(rc);
  }
  printf("%s: q=%.3g margin=%.3g floor=%.3g (newtons)\n task  robot_object  robot_fixture  object_object  steps\n",
         t.suite, q, margin, floor);
  for (int i = 0; i < BK_SUITE_NTASK; i++) {
    if (!t.have[i]) continue;
    printf(" %4d  %12.3f  %13.3f  %13.3f  %5ld\n", i, t.thr[i][0], t.thr[i][1], t.thr[i][2],
           t.nsteps[i]);
  }
  return BK_EXIT_OK;

bad:
  bk_cli_error("thresholds", "bad value '%s' (--quantile in (0, 1], a finite --margin > 0, a finite --floor >= 0)", optarg);
  return BK_EXIT_USAGE;
}
