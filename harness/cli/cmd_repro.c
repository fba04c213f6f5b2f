/* bokbo repro: the paper's protocol end to end, by running the other commands */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/scenes_opt.h"
#include "run/progress.h"

/* how much of each part runs; the headline group is the x0.1-shifted libero_object under
 * perturbation sampling at sigma HEAD_SIGMA */
typedef struct {
  const char* expert_inits;    /* expert runs for the thresholds */
  const char* train_inits;     /* the predictor's training run */
  const char* train_seeds;     /* its seeds: never an evaluation seed (those are 0-4) */
  const char* head_inits[2];   /* per suite (object, spatial): the headline groups */
  const char* head_seeds[2];
  const char* sweep_inits;     /* sigma and T sweeps, within-suite shifts */
  const char* sigmas;          /* besides HEAD_SIGMA */
  const char* temps;
  int shifts;                  /* run the four within-suite shifts */
  const char* splits;
} repro_size_t;

typedef struct {
  int quick;
  const char* out;
  char threads[24];
  repro_size_t z;
  char scenes[2600];           /* " --scenes libero --libero DIR --robosuite DIR" or "" */
  int stage, nstage;           /* the command running now (1-based) and how many there are */
  int tty;                     /* stderr is a terminal: runs show their bars, prefixed */
  const char* suite;           /* the suite of the stage running now */
  double wall0, cpu0;          /* when the repro started: wall and process CPU seconds */
} repro_t;

#define HEAD_SHIFT "x:0.1"       /* LIBERO-PRO's temp_x0.1 (see docs/reproduction.md) */
#define HEAD_SIGMA "0.1"
#define TRAIN_SIGMAS "0.02,0.1,0.2"

static const char* const kShifts[4] = {"none", "y:0.1", "x:0.2", "y:0.2"};

static const repro_size_t kFull = {"0-49", "0-49", "100-101", {"0-49", "0-49"}, {"0-4", "0-4"}, "0-49",
                              "0.02,0.05,0.2", "0.5,1.0,1.5", 1, "1000"};
/* --quick: both headline groups at 40 episodes per task (the calibration pool the bootstrap
 * splits are drawn from, so each task's calibration half holds 20 >= 1/epsilon - 1 = 19),
 * everything else as small as its statistic allows: thresholds from 5 expert inits per task
 * (within 3% of 10 inits' but one task, 99.5% of the headline's verdicts the same), the
 * predictor from 2 inits x 3 sigmas (held-out AUROC 0.913 against 0.917 from 3 inits);
 * under 10 minutes on 2 idle cores (docs/reproduction.md) */
static const repro_size_t kQuick = {"0-4", "0-1", "100", {"0-39", "0-39"}, {"0", "0"}, "0",
                                   "0.02,0.2", "0.5,1.0", 0, "200"};

static void usage(FILE* f) {
  fprintf(f,
          "usage: bokbo repro [--quick] [--out DIR] [--threads N] [--scenes builtin|libero\n"
          "                   [--libero DIR] [--robosuite DIR]]\n"
          "\n"
          "Runs the BOKBO paper's setting on both suites with objects shifted along x by 0.1\n"
          "(LIBERO-PRO's libero_object_temp_x0.1 and libero_spatial_temp_x0.1, as bokbo's\n"
          "--shift x:0.1; see docs/reproduction.md):\n"
          "  1. the expert on every task -> expert force thresholds per task (p99 x 1.25: at\n"
          "     margin 1 the expert itself exceeds its own per-step p99 in ~half its episodes);\n"
          "  2. the simulated VLA (simvla), K = 8 perturbation candidates, a uniformly random one\n"
          "     executed (scorer 'random'), on training seeds (100 and up) -> the learned\n"
          "     violation predictor (it learns from executed candidates of every kind);\n"
          "  3. the headline: simvla, perturbation sigma " HEAD_SIGMA ", K = 8, scored by the predictor,\n"
          "     judged by expert thresholds and by a global 5 N threshold (below normal grasp\n"
          "     forces: the paper's pitfall); a sigma sweep and a temperature sweep beside it;\n"
          "  4. (full) the four within-suite shifts: unshifted, y0.1, x0.2, y0.2;\n"
          "  5. CRC / Mondrian calibration and the report (report.md, report.json, plots).\n"
          "--quick (what CI runs, under 10 minutes on 2 idle cores): the headline on both suites\n"
          "with 40 inits x 1 seed (40 episodes per task, so 20 per task in each calibration\n"
          "half, >= 1/epsilon - 1 = 19: epsilon 0.05 is meaningful pooled and per task),\n"
          "thresholds from 5 expert inits, the predictor trained on 2 inits, sweeps on 1 init, 200\n"
          "splits, no within-suite shifts (docs/reproduction.md). Default: 50 inits x 5 seeds,\n"
          "sweeps and shifts on 50 inits, 1000 splits (a cluster job). Output: DIR (default\n"
          "results/runs/repro or results/runs/repro-quick), report in DIR/report. On a\n"
          "terminal each run shows its progress bar after '[stage i/N]'.\n"
          "--scenes libero: LIBERO's own scenes and init states; these are fixed, so every\n"
          "run is unshifted (LIBERO-PRO's shifted init files are not public).\n");
}

// seconds of wall time (monotonic) and of CPU (user + system, all threads of the process)
static double wall_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static double cpu_s(void) {
  struct rusage u;
  if (getrusage(RUSAGE_SELF, &u)) return 0;
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + 1e-6 * (u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// the commands a repro runs: per suite expert, thresholds, training run, predictor, headline,
// two sweeps (and four shifts); then the report
static int stages(const repro_size_t* z) { return 2 * (7 + (z->shifts ? 4 : 0)) + 1; }

// run one bokbo command from a printf-built argument line; 0 on success
static int step(repro_t* r, const char* what, int (*cmd)(int, char**), const char* fmt, ...) {
  char line[8192];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  // every run builds its worlds from the same scenes
  if (cmd == bk_cmd_run && n > 0 && n < (int)sizeof line) {
    snprintf(line + n, sizeof line - (size_t)n, "%s", r->scenes);
  }
  r->stage++;
  long before = bk_progress_episodes();
  fprintf(stderr, "bokbo repro: [%d/%d] %s (%ld episodes run so far): bokbo %s\n", r->stage, r->nstage,
          what, before, line);
  char prefix[128];  // short: the bar must fit an 80-column terminal with it
  const char* s = r->suite ? r->suite : "";
  snprintf(prefix, sizeof prefix, "%d/%d %s %s ", r->stage, r->nstage,
           strncmp(s, "libero_", 7) ? s : s + 7, what);
  bk_progress_prefix(r->tty ? prefix : NULL);
  char* argv[64];
  int argc = 0;
  for (char* tok = strtok(line, " "); tok && argc < 63; tok = strtok(NULL, " ")) argv[argc++] = tok;
  argv[argc] = NULL;
  double w0 = wall_s(), c0 = cpu_s();
  int rc = cmd(argc, argv);
  bk_progress_prefix(NULL);
  // what the stage cost: CPU time is the figure on a shared machine (wall measures the load)
  double w1 = wall_s(), c1 = cpu_s();
  fprintf(stderr, "bokbo repro: [%d/%d] %s: %.1f s wall, %.1f CPU-s (%ld episodes); so far %.1f s wall, %.1f CPU-s\n",
          r->stage, r->nstage, what, w1 - w0, c1 - c0, bk_progress_episodes() - before,
          w1 - r->wall0, c1 - r->cpu0);
  if (rc) bk_cli_error("repro", "%s failed (exit %d)", what, rc);
  return rc;
}

// runs print their own progress bars on a terminal, nothing otherwise
static const char* quiet(const repro_t* r) { return r->tty ? "" : "--quiet "; }

// a simvla run of suite s into DIR/s/name, scored by the suite's predictor and judged by
// its thresholds
static int simvla(repro_t* r, const char* s, const char* name, const char* sampling,
                  const char* inits, const char* seeds, const char* shift) {
  const char* o = r->out;
  char sh[32] = "";
  if (strcmp(shift, "none") != 0 && !r->scenes[0]) snprintf(sh, sizeof sh, "--shift %s ", shift);
  return step(r, name, bk_cmd_run,
              "run --suite %s %s--policy simvla --sampling %s --k 8 --scorer predictor "
              "--predictor %s/%s/predictor.json --inits %s --seeds %s --threads %s "
              "--thresholds %s/%s/thresholds.json --global-threshold 5 %s--force --out %s/%s/%s",
              s, sh, sampling, o, s, inits, seeds, r->threads, o, s, quiet(r), o, s, name);
}

// one suite: expert, thresholds, training run, predictor, the headline and its sweeps
static int suite(repro_t* r, int si, const char* s) {
  const char* o = r->out;
  const repro_size_t* z = &r->z;
  const char* sh = r->scenes[0] ? "" : "--shift " HEAD_SHIFT " ";
  int rc = step(r, "expert", bk_cmd_run,
                "run --suite %s %s--policy expert --inits %s --seeds 0 --threads %s "
                "%s--force --out %s/%s/expert",
                s, sh, z->expert_inits, r->threads, quiet(r), o, s);
  if (!rc) rc = step(r, "thresholds", bk_cmd_thresholds, "thresholds --run %s/%s/expert --margin 1.25 --out %s/%s/thresholds.json",
                     o, s, o, s);
  if (!rc) rc = step(r, "training run", bk_cmd_run,
                     "run --suite %s %s--policy simvla --sampling perturb:sigma=" TRAIN_SIGMAS
                     " --k 8 --scorer random --inits %s --seeds %s --threads %s "
                     "--thresholds %s/%s/thresholds.json --global-threshold 5 %s--force --out %s/%s/train",
                     s, sh, z->train_inits, z->train_seeds, r->threads, o, s, quiet(r), o, s);
  if (!rc) rc = step(r, "predictor", bk_cmd_train, "train-predictor --run %s/%s/train --fraction 1 --out %s/%s/predictor.json",
                     o, s, o, s);
  char sampling[128];
  snprintf(sampling, sizeof sampling, "perturb:sigma=%s", HEAD_SIGMA);
  if (!rc) rc = simvla(r, s, "headline", sampling, z->head_inits[si], z->head_seeds[si], HEAD_SHIFT);
  snprintf(sampling, sizeof sampling, "perturb:sigma=%s", z->sigmas);
  if (!rc) rc = simvla(r, s, "perturb", sampling, z->sweep_inits, "0", HEAD_SHIFT);
  snprintf(sampling, sizeof sampling, "temperature:T=%s", z->temps);
  if (!rc) rc = simvla(r, s, "temperature", sampling, z->sweep_inits, "0", HEAD_SHIFT);
  snprintf(sampling, sizeof sampling, "perturb:sigma=%s", HEAD_SIGMA);
  for (int k = 0; k < 4 && z->shifts && !rc; k++) {
    char name[32];
    snprintf(name, sizeof name, "shift_%c%s", kShifts[k][0], k ? kShifts[k] + 2 : "");
    rc = simvla(r, s, name, sampling, z->sweep_inits, "0", kShifts[k]);
  }
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

// the report over every evaluation run of both suites
static int report(repro_t* r) {
  char runs[2048] = "";
  const char* suites[2] = {"libero_object", "libero_spatial"};
  const char* parts[7] = {"headline", "perturb", "temperature", "shift_n", "shift_y0.1", "shift_x0.2",
                          "shift_y0.2"};
  int nparts = r->z.shifts ? 7 : 3;
  for (int i = 0; i < 2; i++) {
    for (int k = 0; k < nparts; k++) {
      size_t n = strlen(runs);
      snprintf(runs + n, sizeof runs - n, "%s/%s/%s ", r->out, suites[i], parts[k]);
    }
  }
  return step(r, "report", bk_cmd_report, "report %s--epsilon 0.05,0.1 --splits %s --out %s/report", runs,
              r->z.splits, r->out);
}

int bk_cmd_repro(int argc, char** argv) {
  static const struct option opts[] = {
    {"quick", no_argument, NULL, 'q'}, {"out", required_argument, NULL, 'o'},
    {"threads", required_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'},
    BK_SCENES_OPTIONS('W', 'x', 'y'), {NULL, 0, NULL, 0},
  };
  const char *scenes = NULL, *libero = NULL, *robosuite = NULL;
  repro_t r = {0, NULL, "", kFull, ""};
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
  if (r.quick) r.z = kQuick;
  if (!r.out) r.out = r.quick ? "results/runs/repro-quick" : "results/runs/repro";
  if (strchr(r.out, ' ')) {
    bk_cli_error("repro", "--out '%s': a path without spaces, please", r.out);
    return BK_EXIT_USAGE;
  }
  const char* suites[2] = {"libero_object", "libero_spatial"};
  r.nstage = stages(&r.z);
  r.tty = isatty(STDERR_FILENO);
  r.wall0 = wall_s();
  r.cpu0 = cpu_s();
  int rc = 0;
  for (int i = 0; i < 2 && !rc; i++) {
    r.suite = suites[i];
    rc = suite(&r, i, suites[i]);
  }
  r.suite = NULL;
  if (!rc) rc = report(&r);
  if (!rc) fprintf(stderr, "bokbo repro: done -> %s/report/report.md\n", r.out);
  return rc ? BK_EXIT_FAIL : BK_EXIT_OK;
}
