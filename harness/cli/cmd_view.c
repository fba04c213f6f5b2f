/* bokbo view: a live episode or the replay of a logged one in a GLFW window */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/scenes_opt.h"
#include "task/check.h"
#include "core/err.h"
#include "sim/initstate.h"
#include "task/catalog.h"
#include "viewer/viewer.h"

static void usage(FILE* f) {
  fprintf(f,
          "usage: bokbo view --suite S --task N [--init I] [--seed S] [--policy P] [options]\n"
          "       bokbo view --replay DIR [--episode ID] [options]\n"
          "\n"
          "Runs one episode live in a window (20 control steps per second), or re-simulates\n"
          "a logged episode of run directory DIR and checks its per-step forces against the\n"
          "log (a red warning on any difference). Needs a display (under CI: xvfb-run).\n"
          "\n"
          "  --suite S               libero_object or libero_spatial\n"
          "  --task N                task id 0-9\n"
          "  --task-file F           your own task file (checked as 'bokbo task' does), in\n"
          "                          the scenes of --suite (slot of --task, default 0)\n"
          "  --init I                init state 0-49 (default 0)\n"
          "  --seed S                episode seed (default 0)\n"
          "  --policy P              policy (default expert)\n"
          "  --policy-opt K=V,...    options passed to the policy\n"
          "  --k N                   candidates per decision (default 1)\n"
          "  --chunk H               actions per chunk (default 8)\n"
          "  --open-loop N           actions executed per decision (default 8)\n"
          "  --max-steps N           control steps (default: the suite's)\n"
          "  --sampling M            greedy (default), perturb:sigma=0.1, temperature:T=1.0\n"
          "  --scorer S              none (default), confidence, disagreement, lookahead\n"
          "  --run-seed N            run seed mixed into the episode seed (default 0)\n"
          "  --thresholds FILE       expert force thresholds to show against\n"
          "  --global-threshold N    one threshold in newtons for every class\n"
          "  --shift x:M | y:M       shifted init states\n"
          "  --replay DIR            a run directory (run.json, episodes.jsonl)\n"
          "  --episode ID            line of episodes.jsonl from 0, or task:init:seed (default 0)\n"
          "  --size WxH              window size (default 1024x768)\n"
          "  --paused                start paused\n"
          "  --script \"KEYS\"         drive the viewer: key names (space right c f r k [ ] s h\n"
          "                          backspace q), wait:N frames, shot:FILE, play; exits at the end\n"
          "  --screenshot FILE       where the s key writes its PNG\n"
          BK_SCENES_HELP
          "\n"
          "Keys: space pause, right one step, c camera, f contact forces, r regions, k candidate\n"
          "paths, [ ] previous/next episode, s screenshot, h help, backspace restart, q quit.\n"
          "Mouse: left drag rotate, right drag pan, scroll zoom (free camera).\n");
}

static const struct option kOpts[] = {
  {"suite", required_argument, NULL, 's'},      {"task", required_argument, NULL, 't'},
  {"init", required_argument, NULL, 'i'},       {"seed", required_argument, NULL, 'e'},
  {"policy", required_argument, NULL, 'p'},     {"policy-opt", required_argument, NULL, 'P'},
  {"k", required_argument, NULL, 'k'},          {"chunk", required_argument, NULL, 'c'},
  {"open-loop", required_argument, NULL, 'l'},  {"max-steps", required_argument, NULL, 'm'},
  {"thresholds", required_argument, NULL, 'T'}, {"global-threshold", required_argument, NULL, 'g'},
  {"shift", required_argument, NULL, 'S'},      {"replay", required_argument, NULL, 'R'},
  {"episode", required_argument, NULL, 'E'},    {"size", required_argument, NULL, 'z'},
  {"paused", no_argument, NULL, 'w'},           {"script", required_argument, NULL, 'x'},
  {"screenshot", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'},
  {"sampling", required_argument, NULL, 'a'},   {"scorer", required_argument, NULL, 'b'},
  {"run-seed", required_argument, NULL, 'd'},
  BK_SCENES_OPTIONS('W', 'X', 'Y'),
  {"run-seed", required_argument, NULL, 'd'},   {"task-file", required_argument, NULL, 'F'},
  {NULL, 0, NULL, 0},
};

// an integer option in [lo, hi]
static int opt_int(const char* name, int lo, int hi, int* out) {
  if (bk_cli_int(optarg, lo, hi, out) == 0) return 0;
  bk_cli_error("view", "--%s '%s': expected an integer in %d-%d", name, optarg, lo, hi);
  return -1;
}

// one option into c; -1 usage error, 1 help
// sc: --scenes, --libero, --robosuite as given (resolved in bk_cmd_view)
static int take(int opt, bk_viewer_cfg_t* c, const char* sc[3]) {
  char err[256];
  switch (opt) {
    case 's': c->suite = optarg; return 0;
    case 't': return opt_int("task", 0, BK_SUITE_NTASK - 1, &c->task);
    case 'i': return opt_int("init", 0, BK_NINIT - 1, &c->init);
    case 'e': return opt_int("seed", 0, 1000000, &c->seed);
    case 'p': c->policy = optarg; return 0;
    case 'P': c->policy_opts = optarg; return 0;
    case 'k': return opt_int("k", 1, 64, &c->k);
    case 'c': return opt_int("chunk", 1, 1000, &c->chunk);
    case 'l': return opt_int("open-loop", 1, 1000, &c->open_loop);
    case 'm': return opt_int("max-steps", 1, 100000, &c->max_steps);
    case 'T': c->thresholds = optarg; return 0;
    case 'g': {
      char* end;
      c->thr_global = strtod(optarg, &end);
      if (end != optarg && !*end && c->thr_global > 0) return 0;
      bk_cli_error("view", "--global-threshold '%s': expected newtons > 0", optarg);
      return -1;
    }
    case 'S':
      if (bk_init_parse_shift(optarg, &c->shift, err, sizeof err) == 0) return 0;
      bk_cli_error("view", "%s", err);
      return -1;
    case 'R': c->replay_dir = optarg; return 0;
    case 'E': c->episode = optarg; return 0;
    case 'z':
      if (sscanf(optarg, "%dx%d", &c->width, &c->height) == 2 && c->width >= 64 &&
          c->height >= 64 && c->width <= 8192 && c->height <= 8192) return 0;
      bk_cli_error("view", "--size '%s': expected WxH, e.g. 1024x768", optarg);
      return -1;
    case 'a': c->sampling = optarg; return 0;
    case 'b': c->scorer = optarg; return 0;
    case 'd': {
      char* end;
      c->run_seed = strtoull(optarg, &end, 10);
      if (end != optarg && !*end) return 0;
      bk_cli_error("view", "--run-seed '%s': expected an unsigned integer", optarg);
      return -1;
    }
    case 'w': c->paused = 1; return 0;
    case 'W': sc[0] = optarg; return 0;
    case 'X': sc[1] = optarg; return 0;
    case 'Y': sc[2] = optarg; return 0;
    case 'F': c->task_file = optarg; return 0;
    case 'x': c->script = optarg; return 0;
    case 'o': c->screenshot = optarg; return 0;
    case 'h': usage(stdout); return 1;
    default: usage(stderr); return -1;
  }
}

// cross-option checks: a live episode needs a known suite and a task
static int check(const bk_viewer_cfg_t* c) {
  if (c->replay_dir) return 0;
  char names[256], err[1024];
  static bk_task_t task;
  if (c->task_file && bk_task_load_checked(c->task_file, &task, err, sizeof err)) {
    bk_cli_error("view", "%s", err);
    return -1;
  }
  if (!c->suite || !bk_catalog_suite(c->suite) || c->task < 0) {
    bk_catalog_suite_names(names, sizeof names);
    bk_cli_error("view", "--suite (%s) and --task are required, or --replay DIR", names);
    return -1;
  }
  if (c->open_loop > c->chunk) {
    bk_cli_error("view", "--open-loop %d exceeds --chunk %d", c->open_loop, c->chunk);
    return -1;
  }
  return 0;
}

int bk_cmd_view(int argc, char** argv) {
  bk_viewer_cfg_t c = {0};
  c.task = -1;
  c.k = 1;
  c.chunk = c.open_loop = 8;
  c.shift.axis = -1;
  c.width = 1024;
  c.height = 768;
  int opt, rc = 0;
  const char* sc[3] = {NULL, NULL, NULL};
  optind = 1;
  while (!rc && (opt = getopt_long(argc, argv, "h", kOpts, NULL)) != -1) rc = take(opt, &c, sc);
  if (rc) return rc > 0 ? BK_EXIT_OK : BK_EXIT_USAGE;
  if (optind < argc) {
    bk_cli_error("view", "unexpected argument '%s'", argv[optind]);
    return BK_EXIT_USAGE;
  }
  if (c.task_file && c.task < 0) c.task = 0;
  if (check(&c)) return BK_EXIT_USAGE;
  char err[1024];
  bk_scenes_t scenes;
  if (bk_scenes_init(&scenes, sc[0], sc[1], sc[2], err, sizeof err)) {
    bk_cli_error("view", "%s", err);
    return BK_EXIT_USAGE;
  }
  c.scenes = &scenes;
  rc = bk_viewer_run(&c, err, sizeof err);
  if (rc) bk_cli_error("view", "%s", err);
  return bk_cli_exit(rc);
}
