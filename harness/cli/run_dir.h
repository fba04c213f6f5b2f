/* the run directory of `bokbo run`: the run's configuration (run.json), the checks of
 * --resume / --extend / --force against the directory, and its lock. The options the
 * command parsed (cli/cmd_run.c) come in as a bk_cli_run_opts_t. */
#ifndef BK_CLI_RUN_DIR_H
#define BK_CLI_RUN_DIR_H

#include <cjson/cJSON.h>

#include "run/abstain.h"
#include "run/lock.h"
#include "run/runner.h"
#include "run/thresholds.h"
#include "score/predictor.h"
#include "sim/scenes.h"
#include "task/catalog.h"

/* what `bokbo run` was given, parsed */
typedef struct {
  bk_run_cfg_t run;
  const char* thresholds_path;
  const char* predictor_path;
  const char* abstain_path;
  bk_tau_t tau;
  const char* sampling_text;
  int have_k;
  bk_predictor_t predictor;
  int force, quiet;
  int extend;                  /* --extend: the episode lists may grow on --resume */
  const char* shard_costs_path;  /* --shard-costs FILE */
  double shard_costs[BK_SUITE_NTASK];
  char out[1024];
  bk_thr_t thr;
  const char *scenes_name, *libero, *robosuite;  /* --scenes, --libero, --robosuite */
  bk_scenes_t scenes;
  const char* plugin;          /* --policy plugin:PATH */
  const char* server;          /* --server URL (may carry a key: never written in full) */
  const char* user_opts;       /* --policy-opt as given (run.json) */
  double timeout;              /* --timeout S, 0 for the policy's default */
  int remote_temperature;      /* --sampling temperature with a remote policy */
  char popts[2048];            /* what the policy is created with: server, timeout, options */
} bk_cli_run_opts_t;

/* The run's configuration as JSON: what run.json stores and --resume compares (argv is
 * recorded with any server key cut short). Returns NULL when out of memory. */
cJSON* bk_cli_run_config(const bk_cli_run_opts_t* o, int argc, char** argv);

/* Checks o->out against --resume / --force and writes run.json for a new run (replaces
 * it, atomically, with the larger lists for --extend). Returns 0, or -1 after printing
 * the error (bokbo: run: ...). */
int bk_cli_run_prepare(const bk_cli_run_opts_t* o, const cJSON* cfg);

/* Creates o->out when missing and locks it against a second writer until
 * bk_lock_release(*lock). Returns 0, or -1 after printing the error (which names the
 * holder's pid). */
int bk_cli_run_lock(const bk_cli_run_opts_t* o, bk_lock_t** lock);

#endif
