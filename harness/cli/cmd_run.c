/* bokbo run: roll out episodes into a run directory */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/err.h"
#include "run/abstain.h"
#include "score/scorer.h"
#include "run/lock.h"
#include "run/resume.h"
#include "run/shard.h"
#include "render/render.h"
#include "render/video.h"
#include "run/runner.h"
#include "cli/run_dir.h"
#include "cli/scenes_opt.h"
#include "task/check.h"

static void usage(FILE* f) {
  fprintf(f,
          "usage: bokbo run --suite S [--tasks 0-9] [--inits 0-49] [--seeds 0] [--policy expert]\n"
          "                 [--out DIR] [--threads N] [options]\n"
          "\n"
          "Rolls out one episode per (task, init, seed) and writes DIR/run.json (the whole\n"
          "configuration, versions) and DIR/episodes.jsonl (one JSON record per episode,\n"
          "appended whole as each finishes; pandas.read_json(path, lines=True) loads it).\n"
          "\n"
          "  --suite S               libero_object or libero_spatial\n"
          "  --tasks IDS             task ids, e.g. 0-9 or 0,4,9 (default 0-9)\n"
          "  --task-file F           your own task file (checked as 'bokbo task' does), run in\n"
          "                          the scenes of --suite in the slot of one task (default 0)\n"
          "  --inits IDS             init state ids 0-49 (default 0-49)\n"
          "  --seeds IDS             episode seeds (default 0)\n"
          "  --policy P              policy (default expert; see 'bokbo list'), or plugin:LIB.so\n"
          "  --policy-opt K=V,...    options passed to the policy\n"
          "  --server URL            remote policy server: ws://[key@]host:8000 (openpi)\n"
          "  --timeout S             seconds to wait for each server reply (default 30)\n"
          "  --retries N             reruns of an episode a remote policy failed (default 2)\n"
          "  --log-actions           records keep every executed action (\"actions\")\n"
          "  --out DIR               run directory (default results/runs/<suite>_<policy>)\n"
          "  --threads N             worker threads (default: number of cores)\n"
          "  --max-steps N           control steps per episode (default 280 object, 220 spatial)\n"
          "  --chunk H               actions per policy chunk (default 8)\n"
          "  --sampling M            greedy (default), repeat (K calls to a remote policy),\n"
          "                          perturb:sigma=S[,S2..][:keep=0] or\n"
          "                          temperature:T=T[,T2..]; a list is a sweep, one record set per value\n"
          "  --k K                   candidates per decision (default 1 greedy, 8 when sampling)\n"
          "  --scorer S              how one candidate is chosen (default none; scorers below)\n"
          "  --predictor FILE        the violation predictor (from 'bokbo train-predictor')\n"
          "  --reference P|none      policy whose action in the same state gives the per-group\n"
          "                          action error (default expert)\n"
          "  --run-seed N            mixed into every episode's seed (default 0)\n"
          "  --abstain TAU.json      online abstention with thresholds from 'bokbo calibrate':\n"
          "                          a decision whose risk s exceeds tau hands over and ends the episode\n"
          "  --open-loop N           actions executed per decision, <= H (default 8)\n"
          "  --thresholds FILE       expert force thresholds (from 'bokbo thresholds')\n"
          "  --global-threshold N    one force threshold in newtons for every task and class\n"
          "  --shift x:M | y:M       shift sampled object positions (suite becomes S_xM)\n"
          "  --force-trace           also write DIR/force_trace.csv, every physics step\n"
          "  --video VDIR            one MP4 per episode (20 fps, overlay), named by suite, task,\n"
          "                          init, seed and outcome\n"
          "  --video-camera C        agentview (default), robot0_eye_in_hand, free\n"
          "  --video-every N         a frame every N control steps (default 1)\n"
          "  --frames                PNG frames in a folder per episode instead of MP4\n"
          "  --gl osmesa|egl         rendering backend for videos and image policies (default osmesa)\n"
          "  --egl-device N          EGL device index on GPU nodes (default 0)\n"
          "  --shard I/N             run only the I-th of N parts of the episodes, balanced\n"
          "                          by expected cost, every episode in exactly one part\n"
          "                          (cluster array jobs; join the parts with 'bokbo merge')\n"
          "  --shard-costs FILE      plan the shards with measured per-task episode costs,\n"
          "                          {\"tasks\": {\"0\": cost, ...}} (tools/shard_costs.py makes one\n"
          "                          from an earlier run); every part must get the same file\n"
          BK_SCENES_HELP
          "  --resume                continue a run directory, skipping recorded episodes; the\n"
          "                          settings, --tasks/--inits/--seeds and the contents of the\n"
          "                          --thresholds/--abstain/--predictor files must be the run's\n"
          "  --extend                --resume with more --tasks/--inits/--seeds than the run has:\n"
          "                          run.json takes the larger lists, only missing episodes run\n"
          "                          (ids are never dropped; not for one shard of a sharded run)\n"
          "  --force                 replace an existing run directory's records\n"
          "  --quiet                 no progress output\n"
          "\n"
          "Exit status: 0 all episodes ran, 1 failure (e.g. disk full; records kept), 2 bad usage.\n"
          "\nscorers:\n");
  for (const bk_scorer_ops_t* s = bk_scorers; s->name; s++) fprintf(f, "  %-22s %s\n", s->name, s->help);
}

// an option value as an int in [lo, hi], or a usage error
static int opt_int(const char* name, int lo, int hi, int* out) {
  if (bk_cli_int(optarg, lo, hi, out) == 0) return 0;
  bk_cli_error("run", "--%s '%s': expected an integer in %d-%d", name, optarg, lo, hi);
  return -1;
}

// an id list option
static int opt_ids(const char* name, int lo, int hi, int* out, int cap, int* n) {
  char err[256];
  if (bk_cli_ids(optarg, lo, hi, out, cap, n, err, sizeof err) == 0) return 0;
  bk_cli_error("run", "--%s %s", name, err);
  return -1;
}

enum { OPT_EXTEND = 1001, OPT_SHARD_COSTS };  /* long-only options */

static const struct option kOpts[] = {
  {"suite", required_argument, NULL, 's'},     {"tasks", required_argument, NULL, 't'},
  {"inits", required_argument, NULL, 'i'},     {"seeds", required_argument, NULL, 'e'},
  {"policy", required_argument, NULL, 'p'},    {"policy-opt", required_argument, NULL, 'P'},
  {"out", required_argument, NULL, 'o'},       {"threads", required_argument, NULL, 'j'},
  {"max-steps", required_argument, NULL, 'm'}, {"chunk", required_argument, NULL, 'c'},
  {"open-loop", required_argument, NULL, 'l'}, {"thresholds", required_argument, NULL, 'T'},
  {"global-threshold", required_argument, NULL, 'g'},
  {"shift", required_argument, NULL, 'S'},     {"force-trace", no_argument, NULL, 'F'},
  {"resume", no_argument, NULL, 'r'},          {"force", no_argument, NULL, 'f'},
  {"quiet", no_argument, NULL, 'q'},           {"help", no_argument, NULL, 'h'},
  {"sampling", required_argument, NULL, 'M'},  {"k", required_argument, NULL, 'K'},
  {"scorer", required_argument, NULL, 'R'},    {"predictor", required_argument, NULL, 'D'},
  {"reference", required_argument, NULL, 'E'}, {"run-seed", required_argument, NULL, 'N'},
  {"video", required_argument, NULL, 'V'},     {"video-camera", required_argument, NULL, 'A'},
  {"video-every", required_argument, NULL, 'Y'}, {"frames", no_argument, NULL, 'G'},
  {"gl", required_argument, NULL, 'L'},        {"abstain", required_argument, NULL, 'B'},
  {"egl-device", required_argument, NULL, 'U'}, {"shard", required_argument, NULL, 'H'},
  BK_SCENES_OPTIONS('W', 'x', 'y'),
  {"task-file", required_argument, NULL, 'X'},
  {"server", required_argument, NULL, 'v'},    {"timeout", required_argument, NULL, 'O'},
  {"retries", required_argument, NULL, 'Q'},   {"log-actions", no_argument, NULL, 'Z'},
  {"extend", no_argument, NULL, OPT_EXTEND},  {"shard-costs", required_argument, NULL, OPT_SHARD_COSTS},
  {NULL, 0, NULL, 0},
};

// a video or rendering option into o; -1 on a usage error
static int take_render_option(int c, bk_cli_run_opts_t* o) {
  bk_run_cfg_t* r = &o->run;
  char err[256];
  switch (c) {
    case 'V': r->video_dir = optarg; return 0;
    case 'A': r->video_camera = optarg; return 0;
    case 'Y': return opt_int("video-every", 1, 1000, &r->video_every);
    case 'G': r->frames = 1; return 0;
    case 'L': {
      bk_gl_t gl;
      if (bk_gl_parse(optarg, &gl, err, sizeof err)) {
        bk_cli_error("run", "--gl %s", err);
        return -1;
      }
      r->gl = (int)gl;
      return 0;
    }
    case 'U': return opt_int("egl-device", 0, 64, &r->egl_device);
    default: usage(stderr); return -1;
  }
}

// a policy, sampling, scoring or remote option into o; else the rendering ones
static int take_policy_option(int c, bk_cli_run_opts_t* o) {
  bk_run_cfg_t* r = &o->run;
  char err[256];
  switch (c) {
    case 'p':
      if (!strncmp(optarg, "plugin:", 7)) o->plugin = optarg + 7;
      if ((r->policy = bk_policy_find(o->plugin ? "plugin" : optarg))) return 0;
      bk_policy_names(err, sizeof err);
      bk_cli_error("run", "unknown policy '%s' (valid: %s)", optarg, err);
      return -1;
    case 'P': r->policy_opts = optarg; return 0;
    case 'T': o->thresholds_path = optarg; return 0;
    case 'g': {
      char* end;
      r->ep.thr_global = strtod(optarg, &end);
      if (end != optarg && !*end && r->ep.thr_global > 0) return 0;
      bk_cli_error("run", "--global-threshold '%s': expected newtons > 0", optarg);
      return -1;
    }
    case 'M': o->sampling_text = optarg; return 0;
    case 'B': o->abstain_path = optarg; return 0;
    case 'K': o->have_k = 1; return opt_int("k", 1, BK_MAX_K, &r->ep.k);
    case 'R':
      if ((int)(r->ep.scorer = bk_score_parse(optarg)) >= 0) return 0;
      char names[256];
      bk_scorer_names(names, sizeof names);
      bk_cli_error("run", "unknown scorer '%s' (valid: %s)", optarg, names);
      return -1;
    case 'D': o->predictor_path = optarg; return 0;
    case 'E':
      if (strcmp(optarg, "none") == 0) { r->ep.ref = NULL; return 0; }
      if ((r->ep.ref = bk_policy_find(optarg))) return 0;
      bk_cli_error("run", "unknown reference policy '%s'", optarg);
      return -1;
    case 'N': {
      int v;
      if (opt_int("run-seed", 0, 2000000000, &v)) return -1;
      r->ep.run_seed = (uint64_t)v;
      return 0;
    }
    case 'v': o->server = optarg; return 0;
    case 'O': {
      int v;
      if (opt_int("timeout", 1, 86400, &v)) return -1;
      o->timeout = v;
      return 0;
    }
    case 'Q': return opt_int("retries", 0, 100, &r->ep.retries);
    case 'Z': r->ep.log_actions = 1; return 0;
    default: return take_render_option(c, o);
  }
}

// one option into o; -1 on a usage error, 1 for --help
static int take_option(int c, bk_cli_run_opts_t* o, int* have_tasks, int* have_inits) {
  bk_run_cfg_t* r = &o->run;
  char err[256];
  switch (c) {
    case 's': snprintf(r->suite, sizeof r->suite, "%s", optarg); return 0;
    case 'X': r->task_file = optarg; return 0;
    case 't': *have_tasks = 1;
      return opt_ids("tasks", 0, BK_SUITE_NTASK - 1, r->tasks, BK_SUITE_NTASK, &r->ntask);
    case 'i': *have_inits = 1;
      return opt_ids("inits", 0, BK_NINIT - 1, r->inits, BK_RUN_MAX_IDS, &r->ninit);
    case 'e': return opt_ids("seeds", 0, 1000000, r->seeds, BK_RUN_MAX_IDS, &r->nseed);
    case 'o': snprintf(o->out, sizeof o->out, "%s", optarg); return 0;
    case 'j': return opt_int("threads", 1, 256, &r->threads);
    case 'm': return opt_int("max-steps", 1, 100000, &r->ep.max_steps);
    case 'c': return opt_int("chunk", 1, 1000, &r->ep.chunk);
    case 'l': return opt_int("open-loop", 1, 1000, &r->ep.open_loop);
    case 'S':
      if (bk_init_parse_shift(optarg, &r->shift, err, sizeof err) == 0) return 0;
      bk_cli_error("run", "%s", err);
      return -1;
    case 'F': r->force_trace = 1; return 0;
    case 'W': o->scenes_name = optarg; return 0;
    case 'x': o->libero = optarg; return 0;
    case 'y': o->robosuite = optarg; return 0;
    case 'H': {
      int n = 0;
      if (sscanf(optarg, "%d/%d%n", &r->shard, &r->nshard, &n) == 2 && !optarg[n] && r->nshard >= 1 &&
          r->nshard <= 100000 && r->shard >= 0 && r->shard < r->nshard) {
        return 0;
      }
      bk_cli_error("run", "--shard '%s': expected I/N with 0 <= I < N", optarg);
      return -1;
    }
    case 'r': r->resume = 1; return 0;
    case OPT_EXTEND: o->extend = r->resume = 1; return 0;
    case OPT_SHARD_COSTS: o->shard_costs_path = optarg; return 0;
    case 'f': o->force = 1; return 0;
    case 'q': o->quiet = 1; return 0;
    case 'h': usage(stdout); return 1;
    default: return take_policy_option(c, o);
  }
}

// --sampling, --k, --scorer, --predictor together
static int sampling_options(bk_cli_run_opts_t* o) {
  bk_run_cfg_t* r = &o->run;
  char err[512];
  int n = 0;
  if (o->sampling_text &&
      bk_sample_parse(o->sampling_text, &r->ep.sampling, r->values, &n, err, sizeof err)) {
    bk_cli_error("run", "--sampling %s", err);
    return -1;
  }
  r->nvalues = n > 1 ? n : 0;
  if (!o->have_k && r->ep.sampling.mode != BK_SAMPLE_GREEDY) r->ep.k = 8;
  // a remote policy samples at a temperature when its server says it does (checked as the
  // policy is created)
  o->remote_temperature = r->ep.sampling.mode == BK_SAMPLE_TEMPERATURE && r->policy->cost;
  if (r->ep.sampling.mode == BK_SAMPLE_TEMPERATURE && !(r->policy->flags & BK_POLICY_DISTRIBUTION) &&
      !o->remote_temperature) {
    bk_cli_error("run", "policy '%s' has no distribution to sample at a temperature", r->policy->name);
    return -1;
  }
  if (r->ep.sampling.mode == BK_SAMPLE_PERTURB && r->ep.k == 1 && r->ep.sampling.keep_greedy) {
    bk_cli_error("run", "--sampling perturb with --k 1 keeps only the unperturbed chunk: use --k > 1 or :keep=0");
    return -1;
  }
  const bk_scorer_ops_t* sc = bk_scorer_get(r->ep.scorer);
  if ((sc->needs & BK_SCORER_NEEDS_LOGPROB) && !(r->policy->flags & BK_POLICY_DISTRIBUTION) &&
      !r->policy->logprob) {
    bk_cli_error("run", "--scorer %s: policy '%s' gives no log-probabilities", sc->name, r->policy->name);
    return -1;
  }
  if ((sc->needs & BK_SCORER_NEEDS_MODEL) && !o->predictor_path) {
    bk_cli_error("run", "--scorer %s needs --predictor FILE", sc->name);
    return -1;
  }
  if (o->predictor_path) {
    if (bk_vp_load(o->predictor_path, &o->predictor, err, sizeof err)) {
      bk_cli_error("run", "%s", err);
      return -1;
    }
    if (strncmp(o->predictor.suite, r->suite, strlen(r->suite)) != 0) {
      bk_cli_error("run", "%s: the predictor was trained on %s, not %s", o->predictor_path,
                   o->predictor.suite, r->suite);
      return -1;
    }
    r->ep.predictor = &o->predictor;
  }
  return 0;
}

// --video / --frames: the folder must be creatable, the encoder present, the camera known
static int video_options(bk_cli_run_opts_t* o) {
  bk_run_cfg_t* r = &o->run;
  if (!r->video_dir) {
    if (r->frames || r->video_camera) bk_cli_error("run", "--frames and --video-camera need --video DIR");
    return (r->frames || r->video_camera) ? -1 : 0;
  }
  if (!r->frames && !bk_video_available()) {
    bk_cli_error("run", "--video: built without FFmpeg (install libavcodec-dev libavformat-dev); use --frames");
    return -1;
  }
  const char* cams[] = {"agentview", "robot0_eye_in_hand", "free"};
  int ok = !r->video_camera;
  for (int i = 0; i < 3 && !ok; i++) ok = strcmp(r->video_camera, cams[i]) == 0;
  if (!ok) {
    bk_cli_error("run", "unknown --video-camera '%s' (valid: agentview, robot0_eye_in_hand, free)", r->video_camera);
    return -1;
  }
  if (mkdir(r->video_dir, 0755) != 0 && errno != EEXIST) {
    bk_cli_error("run", "--video %s: %s", r->video_dir, strerror(errno));
    return -1;
  }
  return 0;
}

// --abstain: the file must hold a threshold for every (value, task) of this run
static int abstain_options(bk_cli_run_opts_t* o) {
  bk_run_cfg_t* r = &o->run;
  if (!o->abstain_path) return 0;
  char err[1024], name[96];
  if (bk_tau_load(o->abstain_path, &o->tau, err, sizeof err)) {
    bk_cli_error("run", "%s", err);
    return -1;
  }
  bk_init_suite_name(r->suite, &r->shift, name, sizeof name);
  int nv = r->nvalues ? r->nvalues : 1;
  for (int v = 0; v < nv; v++) {
    double value = r->nvalues ? r->values[v] : r->ep.sampling.value, tau;
    const char* mode = bk_sample_mode_name(r->ep.sampling.mode);
    if (bk_tau_lookup(&o->tau, name, mode, value, 0, &tau)) {
      bk_cli_error("run", "%s: no threshold for %s, %s %g", o->abstain_path, name, mode, value);
      return -1;
    }
  }
  r->tau = &o->tau;
  return 0;
}

// defaults that depend on the suite, and checks across options
// --task-file: checked up front (exit 2 when invalid), run in the slot of one task
static int task_file_options(bk_run_cfg_t* r, int have_tasks) {
  static bk_task_t task;
  char err[1024];
  if (!r->task_file) return 0;
  if (bk_task_load_checked(r->task_file, &task, err, sizeof err)) {
    bk_cli_error("run", "%s", err);
    return -1;
  }
  if (have_tasks && r->ntask != 1) {
    bk_cli_error("run", "--task-file runs in the slot of one task: give one id to --tasks");
    return -1;
  }
  if (!have_tasks) r->tasks[r->ntask++] = 0;
  return 0;
}

// the policy's options: a remote policy gets --server and --timeout ahead of its own,
// a plugin its library's path first; checked by creating the policy once
static int policy_options(bk_cli_run_opts_t* o) {
  bk_run_cfg_t* r = &o->run;
  char err[1024];
  o->user_opts = r->policy_opts;
  if (o->server && !r->policy->cost) {
    bk_cli_error("run", "--server is for the remote policies (openpi, oft, openvla), not '%s'", r->policy->name);
    return -1;
  }
  if (o->server || o->plugin) {
    size_t n = 0, sz = sizeof o->popts;
    if (o->plugin) n += (size_t)snprintf(o->popts + n, sz - n, "path=%s,", o->plugin);
    if (o->server && n < sz) n += (size_t)snprintf(o->popts + n, sz - n, "server=%s,", o->server);
    if (o->server && o->timeout > 0 && n < sz) n += (size_t)snprintf(o->popts + n, sz - n, "timeout=%g,", o->timeout);
    if (o->remote_temperature && n < sz) n += (size_t)snprintf(o->popts + n, sz - n, "sampling=temperature,");
    if (r->policy_opts && n < sz) n += (size_t)snprintf(o->popts + n, sz - n, "%s,", r->policy_opts);
    if (n >= sz) {
      bk_cli_error("run", "--server, --policy-opt: too long");
      return -1;
    }
    o->popts[n - 1] = '\0';  // the last comma
    r->policy_opts = o->popts;
  }
  // the policy's options are checked now, before anything is written
  void* probe = r->policy->create(r->policy_opts, err, sizeof err);
  if (!probe) {
    bk_cli_error("run", "--policy-opt: %s", err);
    return -1;
  }
  r->policy->destroy(probe);
  return 0;
}

static int finish_options(bk_cli_run_opts_t* o, int have_tasks, int have_inits) {
  bk_run_cfg_t* r = &o->run;
  const bk_suite_t* s = bk_catalog_suite(r->suite);
  char names[256], err[1024];
  if (!r->suite[0] || !s) {
    bk_catalog_suite_names(names, sizeof names);
    bk_cli_error("run", r->suite[0] ? "unknown suite '%s' (valid: %s)" : "--suite is required%s (valid: %s)",
                 r->suite, names);
    return -1;
  }
  if (task_file_options(r, have_tasks)) return -1;
  if (!have_tasks && !r->task_file) for (r->ntask = 0; r->ntask < BK_SUITE_NTASK; r->ntask++) r->tasks[r->ntask] = r->ntask;
  if (!have_inits) for (r->ninit = 0; r->ninit < BK_NINIT; r->ninit++) r->inits[r->ninit] = r->ninit;
  if (!r->nseed) r->seeds[r->nseed++] = 0;
  if (!r->ep.max_steps) r->ep.max_steps = s->max_steps;
  if (!r->ep.open_loop) r->ep.open_loop = r->ep.chunk < 8 ? r->ep.chunk : 8;
  if (r->ep.open_loop > r->ep.chunk) {
    bk_cli_error("run", "--open-loop %d exceeds --chunk %d", r->ep.open_loop, r->ep.chunk);
    return -1;
  }
  if (bk_scenes_init(&o->scenes, o->scenes_name, o->libero, o->robosuite, err, sizeof err)) {
    bk_cli_error("run", "%s", err);
    return -1;
  }
  if (o->scenes.source != bk_scenes_builtin()->source && r->shift.axis >= 0) {
    bk_cli_error("run", "--shift needs --scenes builtin (LIBERO's init states are fixed)");
    return -1;
  }
  r->scenes = &o->scenes;
  if (sampling_options(o)) return -1;
  if (video_options(o)) return -1;
  if (abstain_options(o)) return -1;
  if (r->resume && o->force) {
    bk_cli_error("run", "--resume and --force exclude each other");
    return -1;
  }
  if (!o->out[0]) snprintf(o->out, sizeof o->out, "results/runs/%s_%s", r->suite, r->policy->name);
  return policy_options(o);
}

static int parse(int argc, char** argv, bk_cli_run_opts_t* o) {
  bk_run_cfg_t* r = &o->run;
  r->policy = bk_policy_find("expert");
  r->ep.chunk = 8;  // open_loop defaults to min(8, chunk) once --chunk is known
  r->ep.k = 1;
  r->ep.ref = bk_policy_find("expert");
  r->ep.retries = 2;
  r->shift.axis = -1;
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  r->threads = ncpu > 0 ? (int)ncpu : 1;
  int c, have_tasks = 0, have_inits = 0;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", kOpts, NULL)) != -1) {
    int rc = take_option(c, o, &have_tasks, &have_inits);
    if (rc) return rc;
  }
  if (optind < argc) {
    bk_cli_error("run", "unexpected argument '%s'", argv[optind]);
    return -1;
  }
  return finish_options(o, have_tasks, have_inits);
}

// --thresholds: load and check they are for this suite and cover the tasks
static int load_thresholds(bk_cli_run_opts_t* o) {
  if (!o->thresholds_path) return 0;
  char err[1024];
  if (bk_thr_load(o->thresholds_path, &o->thr, err, sizeof err)) {
    bk_cli_error("run", "%s", err);
    return -1;
  }
  if (strncmp(o->thr.suite, o->run.suite, strlen(o->run.suite)) != 0) {
    bk_cli_error("run", "%s: thresholds are for %s, not %s", o->thresholds_path, o->thr.suite,
                 o->run.suite);
    return -1;
  }
  for (int i = 0; i < o->run.ntask; i++) {
    if (!o->thr.have[o->run.tasks[i]]) {
      bk_cli_error("run", "%s: no thresholds for task %d", o->thresholds_path, o->run.tasks[i]);
      return -1;
    }
  }
  o->run.thr = &o->thr;
  return 0;
}

// --shard-costs: a cost for every task of the run, and only for a sharded run
static int load_shard_costs(bk_cli_run_opts_t* o) {
  bk_run_cfg_t* r = &o->run;
  if (!o->shard_costs_path) return 0;
  char err[1100];
  int have[BK_SUITE_NTASK];
  if (r->nshard < 2) {
    bk_cli_error("run", "--shard-costs plans shards: give --shard I/N with N > 1");
    return -1;
  }
  if (bk_shard_costs_load(o->shard_costs_path, o->shard_costs, have, err, sizeof err)) {
    bk_cli_error("run", "--shard-costs %s", err);
    return -1;
  }
  for (int i = 0; i < r->ntask; i++) {
    if (have[r->tasks[i]]) continue;
    bk_cli_error("run", "--shard-costs %s: no cost for task %d", o->shard_costs_path, r->tasks[i]);
    return -1;
  }
  r->shard_costs = o->shard_costs;
  return 0;
}

int bk_cmd_run(int argc, char** argv) {
  bk_cli_run_opts_t* o = calloc(1, sizeof *o);
  if (!o) return BK_EXIT_FAIL;
  int rc = parse(argc, argv, o);
  if (rc == 0) rc = load_thresholds(o);
  cJSON* cfg = rc == 0 ? bk_cli_run_config(o, argc, argv) : NULL;
  char serr[1024];
  if (cfg && bk_cli_scenes_json(&o->scenes, o->run.suite, o->run.tasks, o->run.ntask, cfg, serr,
                                sizeof serr)) {
    bk_cli_error("run", "%s", serr);
    rc = -1;
  }
  // the input files by their contents, which --resume compares (run/resume.h)
  if (cfg && !rc && bk_resume_add_inputs(cfg, o->thresholds_path, o->abstain_path, o->predictor_path,
                                         o->shard_costs_path, serr, sizeof serr)) {
    bk_cli_error("run", "%s", serr);
    rc = -1;
  }
  if (rc == 0) rc = load_shard_costs(o);
  bk_lock_t* lock = NULL;
  if (rc == 0) rc = bk_cli_run_lock(o, &lock);
  if (rc == 0) rc = bk_cli_run_prepare(o, cfg);
  if (rc) {
    bk_lock_release(lock);
    cJSON_Delete(cfg);
    free(o);
    return rc > 0 ? BK_EXIT_OK : BK_EXIT_USAGE;
  }
  o->run.out_dir = o->out;
  o->run.progress = o->quiet ? -1 : (isatty(STDERR_FILENO) ? 1 : 0);
  bk_run_summary_t sum;
  char err[1024];
  rc = bk_run(&o->run, &sum, err, sizeof err);
  if (rc) {
    bk_cli_error("run", "%s", err);
  } else if (!o->quiet) {
    int ran = sum.done - sum.skipped;
    fprintf(stderr, "bokbo run: %d episodes in %.1f s (%d skipped), success %d/%d, errors %d -> %s\n",
            ran, sum.seconds, sum.skipped, sum.success, ran, sum.errors, o->out);
  }
  bk_lock_release(lock);
  cJSON_Delete(cfg);
  free(o);
  return bk_cli_exit(rc);
}
