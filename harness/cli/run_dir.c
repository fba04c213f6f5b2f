#include "cli/run_dir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <mujoco/mujoco.h>

#include "cli/cli.h"
#include "cli/scenes_opt.h"
#include "core/err.h"
#include "run/config.h"
#include "run/jsonl.h"
#include "run/resume.h"
#include "score/scorer.h"

// an argument with a server key ("ws://KEY@host") cut to the key's first two characters
static void redact(const char* arg, char* out, int sz) {
  const char* sep = strstr(arg, "://");
  const char* at = sep ? strchr(sep + 3, '@') : NULL;
  const char* slash = sep ? strchr(sep + 3, '/') : NULL;
  if (!at || (slash && slash < at)) {
    snprintf(out, (size_t)sz, "%s", arg);
    return;
  }
  snprintf(out, (size_t)sz, "%.*s%.2s***%s", (int)(sep + 3 - arg), arg, sep + 3, at);
}

cJSON* bk_cli_run_config(const bk_cli_run_opts_t* o, int argc, char** argv) {
  const bk_run_cfg_t* r = &o->run;
  char name[96];
  bk_init_suite_name(r->suite, &r->shift, name, sizeof name);
  cJSON* j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "bokbo", BOKBO_VERSION);
  cJSON_AddStringToObject(j, "git", BOKBO_GIT);
  cJSON_AddNumberToObject(j, "mujoco", mj_version());
  cJSON_AddStringToObject(j, "suite", name);
  cJSON_AddStringToObject(j, "base_suite", r->suite);
  if (r->task_file) cJSON_AddStringToObject(j, "task_file", r->task_file);
  cJSON_AddStringToObject(j, "policy", r->policy->name);
  cJSON_AddStringToObject(j, "policy_opts", o->user_opts ? o->user_opts : "");
  if (o->plugin) cJSON_AddStringToObject(j, "plugin", o->plugin);
  if (o->server) {
    char shown[600];
    redact(o->server, shown, sizeof shown);
    cJSON_AddStringToObject(j, "server", shown);
  }
  cJSON_AddNumberToObject(j, "k", r->ep.k);
  cJSON_AddStringToObject(j, "sampling", o->sampling_text ? o->sampling_text : "greedy");
  cJSON_AddStringToObject(j, "scorer", bk_score_name(r->ep.scorer));
  cJSON_AddStringToObject(j, "predictor", o->predictor_path ? o->predictor_path : "");
  cJSON_AddStringToObject(j, "reference", r->ep.ref ? r->ep.ref->name : "none");
  cJSON_AddNumberToObject(j, "run_seed", (double)r->ep.run_seed);
  cJSON_AddStringToObject(j, "abstain", o->abstain_path ? o->abstain_path : "");
  cJSON_AddNumberToObject(j, "chunk", r->ep.chunk);
  cJSON_AddNumberToObject(j, "open_loop", r->ep.open_loop);
  cJSON_AddNumberToObject(j, "max_steps", r->ep.max_steps);
  cJSON_AddStringToObject(j, "thresholds", o->thresholds_path ? o->thresholds_path : "");
  cJSON_AddNumberToObject(j, "global_threshold", r->ep.thr_global);
  cJSON_AddItemToObject(j, "tasks", cJSON_CreateIntArray(r->tasks, r->ntask));
  cJSON_AddItemToObject(j, "inits", cJSON_CreateIntArray(r->inits, r->ninit));
  cJSON_AddItemToObject(j, "seeds", cJSON_CreateIntArray(r->seeds, r->nseed));
  cJSON_AddNumberToObject(j, "threads", r->threads);
  cJSON_AddBoolToObject(j, "force_trace", r->force_trace);
  cJSON_AddNumberToObject(j, "shard", r->shard);
  cJSON_AddNumberToObject(j, "nshard", r->nshard ? r->nshard : 1);
  cJSON_AddStringToObject(j, "shard_costs", o->shard_costs_path ? o->shard_costs_path : "");
  cJSON* cmd = cJSON_AddArrayToObject(j, "command");
  for (int i = 0; i < argc; i++) {
    char shown[600];
    redact(argv[i], shown, sizeof shown);
    cJSON_AddItemToArray(cmd, cJSON_CreateString(shown));
  }
  time_t now = time(NULL);
  char stamp[32];
  strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
  cJSON_AddStringToObject(j, "started", stamp);
  return j;
}

// --resume: the stored configuration must match on everything that shapes a record and
// on the part of the run the directory holds (run/config's list)
static int same_config(const cJSON* old, const cJSON* now, const char* path) {
  const char* key = bk_config_differs(old, now, BK_CONFIG_RECORD | BK_CONFIG_SHARDS | BK_CONFIG_PART);
  if (!key) return 1;
  const cJSON* a = cJSON_GetObjectItemCaseSensitive(old, key);
  char* want = a ? cJSON_PrintUnformatted(a) : NULL;
  bk_cli_error("run", "%s: cannot resume: '%s' was %s, now differs", path, key, want ? want : "missing");
  free(want);
  return 0;
}

// mkdir -p
static int make_dirs(const char* path) {
  char buf[1024];
  snprintf(buf, sizeof buf, "%s", path);
  for (char* p = buf + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    if (mkdir(buf, 0755) != 0 && errno != EEXIST) return -1;
    *p = '/';
  }
  return (mkdir(buf, 0755) != 0 && errno != EEXIST) ? -1 : 0;
}

// the "scenes" of a configuration (builtin when absent) are the same in a and b
static int same_scenes_name(const cJSON* a, const cJSON* b) {
  const char* x = cJSON_GetStringValue(cJSON_GetObjectItem(a, "scenes"));
  const char* y = cJSON_GetStringValue(cJSON_GetObjectItem(b, "scenes"));
  return strcmp(x ? x : "builtin", y ? y : "builtin") == 0;
}

// --resume (--extend): the run.json of the directory against this command's configuration;
// an extended run's run.json is replaced (atomically) by one with the larger lists
static int resume_dir(const bk_cli_run_opts_t* o, const cJSON* cfg, const char* runjson) {
  char err[1024];
  int grows = 0;
  cJSON* old = bk_json_load(runjson, err, sizeof err);
  int rc = old ? bk_resume_check_inputs(old, cfg, err, sizeof err) : BK_EINVAL;
  if (!rc) rc = bk_resume_check_episodes(old, cfg, o->extend, &grows, err, sizeof err);
  if (rc) bk_cli_error("run", "%s: %s", old ? runjson : "cannot resume", err);
  if (!rc && !same_config(old, cfg, runjson)) rc = BK_EINVAL;
  // the same scenes (and, unless extended, the same init files: resume checked the old tasks')
  if (!rc && !(grows ? same_scenes_name(old, cfg) : bk_cli_scenes_same(old, cfg))) {
    bk_cli_error("run", "%s: cannot resume: other scenes or init files", runjson);
    rc = BK_EINVAL;
  }
  if (!rc && grows) {
    // the enlarged run: this configuration, started when the run first started
    cJSON* next = cJSON_Duplicate(cfg, 1);
    const cJSON* started = cJSON_GetObjectItem(old, "started");
    if (next && started) cJSON_ReplaceItemInObject(next, "started", cJSON_Duplicate(started, 1));
    char* text = next ? cJSON_Print(next) : NULL;
    rc = text ? bk_write_atomic(runjson, text, err, sizeof err) : BK_ENOMEM;
    if (rc) bk_cli_error("run", "%s", rc == BK_ENOMEM ? "out of memory" : err);
    free(text);
    cJSON_Delete(next);
  }
  cJSON_Delete(old);
  return rc ? -1 : 0;
}

int bk_cli_run_prepare(const bk_cli_run_opts_t* o, const cJSON* cfg) {
  char runjson[1100], episodes[1100], trace[1100], err[512];
  snprintf(runjson, sizeof runjson, "%s/run.json", o->out);
  snprintf(episodes, sizeof episodes, "%s/episodes.jsonl", o->out);
  snprintf(trace, sizeof trace, "%s/force_trace.csv", o->out);
  int exists = access(runjson, F_OK) == 0 || access(episodes, F_OK) == 0;
  if (exists && !o->run.resume && !o->force) {
    bk_cli_error("run", "%s: already holds a run (use --resume to continue it or --force to replace it)",
                 o->out);
    return -1;
  }
  if (make_dirs(o->out) != 0 || access(o->out, W_OK) != 0) {
    bk_cli_error("run", "%s: cannot create or write the run directory: %s", o->out, strerror(errno));
    return -1;
  }
  if (exists && o->run.resume) return resume_dir(o, cfg, runjson);
  if (o->force) {
    unlink(episodes);
    unlink(trace);
  }
  char* text = cJSON_Print(cfg);
  int rc = text ? bk_write_atomic(runjson, text, err, sizeof err) : BK_ENOMEM;
  free(text);
  if (rc) bk_cli_error("run", "%s", err);
  return rc ? -1 : 0;
}

int bk_cli_run_lock(const bk_cli_run_opts_t* o, bk_lock_t** lock) {
  char err[1400];
  int holder;
  if (make_dirs(o->out) != 0) {
    bk_cli_error("run", "%s: cannot create the run directory: %s", o->out, strerror(errno));
    return -1;
  }
  if (bk_lock_take(o->out, lock, &holder, err, sizeof err) == 0) return 0;
  bk_cli_error("run", "%s", err);
  return -1;
}
