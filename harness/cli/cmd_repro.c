/* bokbo repro: the paper's protocol end to end, by running the other commands */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/scenes_opt.h"

typedef struct {
  int quick;
  const char* out;
  char threads[24];
  const char* inits;       /* init ids per task */
  const char* seeds;       /* episode seeds */
  const char* sigmas;
  const char* temps;
  const char* splits;
  const char* train_sigma;     /* sampling of the predictor's training run */
  char scenes[2600];           /* " --scenes libero --libero DIR --robosuite DIR" or "" */
} repro_t;

static void usage(FILE* f) {
  fprintf(f,
          "usage: bokbo repro [--quick] [--out DIR] [--threads N] [--scenes builtin|libero\n"
          "                   [--libero DIR] [--robosuite DIR]]\n"
          "\n"
          "Runs the whole protocol on both suites:\n"
          "  1. the expert on every task -> expert force thresholds per task (p99 x 1.25: at\n"
          "     margin 1 the expert itself exceeds its own per-step p99 in ~half its episodes);\n"
          "  2. the simulated VLA (simvla) with K = 8 perturbation candidates, scored by\n"
          "     disagreement, on a training split -> the learned violation predictor;\n"
          "  3. simvla under a perturbation sweep (sigma) and a temperature sweep (T), K = 8,\n"
          "     scored by the predictor, judged by expert thresholds and by a global 5 N\n"
          "     threshold (below normal expert grasp forces: the paper's pitfall);\n"
          "  4. CRC / Mondrian calibration and the report (report.md, report.json, plots).\n"
          "--quick: 2 inits per task, one seed, 3 sigmas, 2 temperatures, 200 splits\n"
          "(minutes on 2 cores; what CI runs). Default: 50 inits x 5 seeds, 4 sigmas,\n"
          "3 temperatures, 1000 splits (a cluster job). Output: DIR (default\n"
          "results/runs/repro or results/runs/repro-quick), report in DIR/report.\n");
}

// run one bokbo command from a printf-built argument line; 0 on success
static int step(const repro_t* r, const char* what, int (*cmd)(int, char**), const char* fmt,
                ...) {
  char line[8192];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  // every run builds its worlds from the same scenes
  if (cmd == bk_cmd_run && n > 0 && n < (int)sizeof line) {
    snprintf(line + n, sizeof line - (size_t)n, "%s", r->scenes);
  }
  fprintf(stderr, "bokbo repro: %s: bokbo %s\n", what, line);
  char* argv[64];
  int argc = 0;
  for (char* tok = strtok(line, " "); tok && argc < 63; tok = strtok(NULL, " ")) argv[argc++] = tok;
  argv[argc] = NULL;
  int rc = cmd(argc, argv);
  if (rc) bk_cli_error("repro", "%s failed (exit %d)", what, rc);
  return rc;
}

// one suite: expert, thresholds, training run, predictor, sweeps
static int suite(const repro_t* r, const char* s) {
  const char* o = r->out;
  int rc = step(r, "expert", bk_cmd_run,
                "run --suite %s --policy expert --inits %s --seeds 0 --threads %s --quiet --force --out %s/%s/expert",
                s, r->inits, r->threads, o, s);
  if (!rc) rc = step(r, "thresholds", bk_cmd_thresholds, "thresholds --run %s/%s/expert --margin 1.25 --out %s/%s/thresholds.json",
                     o, s, o, s);
  if (!rc) rc = step(r, "training run", bk_cmd_run,
                     "run --suite %s --policy simvla --sampling perturb:sigma=%s --k 8 --scorer disagreement "
                     "--inits %s --seeds 100 --threads %s --thresholds %s/%s/thresholds.json "
                     "--global-threshold 5 --quiet --force --out %s/%s/train",
                     s, r->train_sigma, r->inits, r->threads, o, s, o, s);
  if (!rc) rc = step(r, "predictor", bk_cmd_train, "train-predictor --run %s/%s/train --fraction 1 --out %s/%s/predictor.json",
                     o, s, o, s);
  if (!rc) rc = step(r, "perturbation sweep", bk_cmd_run,
                     "run --suite %s --policy simvla --sampling perturb:sigma=%s --k 8 --scorer predictor "
                     "--predictor %s/%s/predictor.json --inits %s --seeds %s --threads %s "
                     "--thresholds %s/%s/thresholds.json --global-threshold 5 --quiet --force --out %s/%s/perturb",
                     s, r->sigmas, o, s, r->inits, r->seeds, r->threads, o, s, o, s);
  if (!rc) rc = step(r, "temperature sweep", bk_cmd_run,
                     "run --suite %s --policy simvla --sampling temperature:T=%s --k 8 --scorer predictor "
                     "--predictor %s/%s/predictor.json --inits %s --seeds %s --threads %s "
                     "--thresholds %s/%s/thresholds.json --global-threshold 5 --quiet --force --out %s/%s/temperature",
                     s, r->temps, o, s, r->inits, r->seeds, r->threads, o, s, o, s);
  return rc;
}

// --scenes: checked once here, then handed to every run as resolved paths
static int repro_scenes(repro_t* r, const char* name, const char* libero, const char* robosuite) {
  bk_scenes_t s;
  char err[1024];
  if (bk_scenes_init(&s, name, libero, robosuite, err, sizeof err)) {
    bk_cli_error("repro", "%s", err);
    return -1;
  }
  if (s.source == bk_scenes_builtin()->source) return 0;
  if (strchr(s.libero.libero, ' ') || strchr(s.libero.robosuite, ' ')) {
    bk_cli_error("repro", "--libero / --robosuite: paths without spaces, please");
    return -1;
  }
  snprintf(r->scenes, sizeof r->scenes, " --scenes libero --libero %s --robosuite %s",
           s.libero.libero, s.libero.robosuite);
  return 0;
}

int bk_cmd_repro(int argc, char** argv) {
  static const struct option opts[] = {
    {"quick", no_argument, NULL, 'q'}, {"out", required_argument, NULL, 'o'},
    {"threads", required_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'},
    BK_SCENES_OPTIONS('W', 'x', 'y'), {NULL, 0, NULL, 0},
  };
  const char *scenes = NULL, *libero = NULL, *robosuite = NULL;
  repro_t r = {0, NULL, "", "0-49", "0-4", "0.02,0.05,0.1,0.2", "0.5,1.0,1.5", "1000", "0.02,0.1,0.2", ""};
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  snprintf(r.threads, sizeof r.threads, "%d", ncpu > 0 && ncpu < 256 ? (int)ncpu : 1);
  int c, n;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
      case 'q': r.quick = 1; break;
      case 'o': r.out = optarg; break;
      case 'j':
        if (bk_cli_int(optarg, 1, 256, &n)) {
          bk_cli_error("repro", "--threads '%s': expected 1-256", optarg);
          return BK_EXIT_USAGE;
        }
        snprintf(r.threads, sizeof r.threads, "%d", n);
        break;
      case 'W': scenes = optarg; break;
      case 'x': libero = optarg; break;
      case 'y': robosuite = optarg; break;
      case 'h': usage(stdout); return BK_EXIT_OK;
      default: usage(stderr); return BK_EXIT_USAGE;
    }
  }
  if (repro_scenes(&r, scenes, libero, robosuite)) return BK_EXIT_USAGE;
  if (r.quick) {
    r.inits = "0-1";
    r.seeds = "0";
    r.sigmas = "0.02,0.1,0.2";
    r.temps = "0.5,1.0";
    r.splits = "200";
    r.train_sigma = "0.1";
  }
  if (!r.out) r.out = r.quick ? "results/runs/repro-quick" : "results/runs/repro";
  if (strchr(r.out, ' ')) {
    bk_cli_error("repro", "--out '%s': a path without spaces, please", r.out);
    return BK_EXIT_USAGE;
  }
  const char* suites[2] = {"libero_object", "libero_spatial"};
  int rc = 0;
  for (int i = 0; i < 2 && !rc; i++) rc = suite(&r, suites[i]);
  if (!rc) {
    rc = step(&r, "report", bk_cmd_report,
              "report %s/libero_object/perturb %s/libero_object/temperature %s/libero_spatial/perturb "
              "%s/libero_spatial/temperature --epsilon 0.05,0.1 --splits %s --out %s/report",
              r.out, r.out, r.out, r.out, r.splits, r.out);
  }
  if (!rc) fprintf(stderr, "bokbo repro: done -> %s/report/report.md\n", r.out);
  return rc ? BK_EXIT_FAIL : BK_EXIT_OK;
}
