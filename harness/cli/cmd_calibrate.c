/* bokbo calibrate: CRC / Mondrian abstention thresholds tau from a run's logs */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/err.h"
#include "report/load.h"
#include "report/report.h"
#include "core/json.h"
#include "stats/crc.h"

static void usage(FILE* f) {
  fprintf(f,
          "usage: bokbo calibrate --run DIR --epsilon 0.05 [--mondrian] [--unit episode|decision]\n"
          "                       [--violation expert|global] [--exclude-train MODEL.json]\n"
          "                       --out tau.json\n"
          "\n"
          "Conformal risk control on DIR/episodes.jsonl, per (suite, sampling, value) group:\n"
          "tau = the largest calibration score s with (n/(n+1)) mean L(tau) + 1/(n+1) <= epsilon\n"
          "(docs/metrics.md); none qualifies -> always abstain. The score of a decision is its\n"
          "record's \"s\" (null -> +inf: abstain), its violation the record's violation.<kind>.\n"
          "--mondrian calibrates each task separately as well. --exclude-train leaves out the\n"
          "episodes a predictor model was trained on. Writes tau.json (keys in docs/report.md),\n"
          "read by 'bokbo run --abstain tau.json'.\n");
}

typedef struct {
  const char *run, *out, *exclude;
  double epsilon;
  int mondrian;
  bk_crc_unit_t unit;
  int kind;
} opts_t;

// -1 usage error, 1 help, 0 go
static int parse(int argc, char** argv, opts_t* o) {
  static const struct option opts[] = {
    {"run", required_argument, NULL, 'r'}, {"epsilon", required_argument, NULL, 'e'},
    {"mondrian", no_argument, NULL, 'm'}, {"unit", required_argument, NULL, 'u'},
    {"violation", required_argument, NULL, 'v'}, {"exclude-train", required_argument, NULL, 'x'},
    {"out", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
  };
  int c;
  char* end;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
      case 'r': o->run = optarg; break;
      case 'o': o->out = optarg; break;
      case 'x': o->exclude = optarg; break;
      case 'm': o->mondrian = 1; break;
      case 'e': o->epsilon = strtod(optarg, &end); if (*end || !(o->epsilon > 0 && o->epsilon < 1)) goto bad; break;
      case 'u':
        if (!strcmp(optarg, "episode")) o->unit = BK_CRC_UNIT_EPISODE;
        else if (!strcmp(optarg, "decision")) o->unit = BK_CRC_UNIT_DECISION;
        else goto bad;
        break;
      case 'v':
        if (!strcmp(optarg, "expert")) o->kind = BK_REP_VIOL_EXPERT;
        else if (!strcmp(optarg, "global")) o->kind = BK_REP_VIOL_GLOBAL;
        else goto bad;
        break;
      case 'h': usage(stdout); return 1;
      default: usage(stderr); return -1;
    }
  }
  if (o->run && o->out && o->epsilon > 0 && optind == argc) return 0;
  bk_cli_error("calibrate", "--run, --epsilon and --out are required (and nothing else)");
  return -1;

bad:
  bk_cli_error("calibrate", "bad value '%s' (--epsilon in (0, 1), --unit episode|decision, "
               "--violation expert|global)", optarg);
  return -1;
}

// one threshold's fields
static void put_tau(cJSON* o, const bk_crc_tau_t* t) {
  cJSON_AddItemToObject(o, "tau", bk_rep_tau_json(t->tau));
  cJSON_AddNumberToObject(o, "n", t->n);
  cJSON_AddBoolToObject(o, "always_abstain", t->always_abstain);
  cJSON_AddBoolToObject(o, "small", t->small);
  cJSON_AddNumberToObject(o, "risk", t->risk);
  cJSON_AddNumberToObject(o, "corrected_risk", (t->n * t->risk + 1.0) / (t->n + 1.0));
}

// has task t any episode in the group?
static int task_present(const bk_rep_group_t* G, int t) {
  for (int e = 0; e < G->n_episodes; e++) {
    if (G->task[e] == t) return 1;
  }
  return 0;
}

// one group's entry: pooled tau, and per task with --mondrian
static int calibrate_group(const opts_t* o, const bk_load_t* L, const bk_rep_group_t* G, cJSON* arr) {
  const bk_load_group_t* grp = &L->groups[G->g];
  bk_crc_tau_t pooled, *per = calloc((size_t)G->n_tasks + 1, sizeof *per);
  int rc = per ? bk_crc_calibrate(&G->d, NULL, o->unit, 0, o->epsilon, &pooled) : BK_ENOMEM;
  if (!rc && o->mondrian) rc = bk_crc_calibrate(&G->d, NULL, o->unit, 1, o->epsilon, per);
  if (!rc) {
    cJSON* g = cJSON_CreateObject();
    cJSON_AddStringToObject(g, "suite", grp->suite);
    cJSON_AddStringToObject(g, "sampling", grp->sampling);
    cJSON_AddNumberToObject(g, "value", grp->value);
    cJSON_AddNumberToObject(g, "episodes", G->n_episodes);
    cJSON_AddNumberToObject(g, "decisions", G->n_decisions);
    put_tau(g, &pooled);
    printf("%-16s %-11s %-8g pooled  tau=%-12.6g n=%-6d%s%s corrected risk %.4f\n", grp->suite,
           grp->sampling, grp->value, pooled.tau, pooled.n, pooled.always_abstain ? " ALWAYS-ABSTAIN" : "",
           pooled.small ? " (small)" : "", (pooled.n * pooled.risk + 1.0) / (pooled.n + 1.0));
    if (o->mondrian) {
      cJSON* map = cJSON_AddObjectToObject(g, "tau_per_task");
      cJSON* tasks = cJSON_AddArrayToObject(g, "tasks");
      for (int t = 0; t < G->n_tasks; t++) {
        if (!task_present(G, t)) continue;
        char key[16];
        snprintf(key, sizeof key, "%d", t);
        cJSON_AddItemToObject(map, key, bk_rep_tau_json(per[t].tau));
        cJSON* r = cJSON_CreateObject();
        cJSON_AddNumberToObject(r, "task", t);
        put_tau(r, &per[t]);
        cJSON_AddItemToArray(tasks, r);
        printf("%-16s %-11s %-8g task %-2d tau=%-12.6g n=%-6d%s%s\n", grp->suite, grp->sampling,
               grp->value, t, per[t].tau, per[t].n, per[t].always_abstain ? " ALWAYS-ABSTAIN" : "",
               per[t].small ? " (small)" : "");
      }
    }
    cJSON_AddItemToArray(arr, g);
  }
  free(per);
  return rc;
}

// the document's header
static cJSON* header(const opts_t* o, const bk_load_t* L) {
  cJSON* j = cJSON_CreateObject();
  cJSON_AddNumberToObject(j, "epsilon", o->epsilon);
  cJSON_AddStringToObject(j, "unit", o->unit == BK_CRC_UNIT_DECISION ? "decision" : "episode");
  cJSON_AddBoolToObject(j, "mondrian", o->mondrian);
  cJSON_AddStringToObject(j, "violation", o->kind ? "global" : "expert");
  cJSON_AddStringToObject(j, "score", "s");
  cJSON_AddStringToObject(j, "source", o->run);
  cJSON_AddStringToObject(j, "exclude_train", o->exclude ? o->exclude : "");
  cJSON_AddNumberToObject(j, "excluded", L->n_excluded);
  return j;
}

// every group; an error when no decision of the run has a verdict of the kind
static int calibrate_all(const opts_t* o, const bk_load_t* L, cJSON* doc, char* err, int err_sz) {
  cJSON* arr = cJSON_AddArrayToObject(doc, "groups");
  int labelled = 0, rc = 0;
  for (int j = 0; j < L->n_decisions; j++) labelled += bk_load_verdict(L, j, o->kind) >= 0;
  if (!labelled) {
    return bk_fail(err, err_sz, BK_EINVAL, "%s: no decision has a violation.%s verdict (run with %s)",
                   o->run, o->kind ? "global" : "expert",
                   o->kind ? "--global-threshold" : "--thresholds");
  }
  for (int g = 0; !rc && g < L->n_groups; g++) {
    bk_rep_group_t G;
    if (bk_rep_group_build(L, g, o->kind, &G)) return bk_fail(err, err_sz, BK_ENOMEM, "out of memory");
    if (G.unlabelled) {
      fprintf(stderr, "bokbo: calibrate: warning: %d decisions of %s/%s/%g have no verdict (counted as "
              "not violating)\n", G.unlabelled, L->groups[g].suite, L->groups[g].sampling, L->groups[g].value);
    }
    rc = calibrate_group(o, L, &G, arr);
    if (rc) bk_fail(err, err_sz, rc, "calibration failed: %s", bk_strerror(rc));
    bk_rep_group_free(&G);
  }
  return rc;
}

int bk_cmd_calibrate(int argc, char** argv) {
  opts_t o = {NULL, NULL, NULL, 0, 0, BK_CRC_UNIT_EPISODE, BK_REP_VIOL_EXPERT};
  int rc = parse(argc, argv, &o);
  if (rc) return rc > 0 ? BK_EXIT_OK : BK_EXIT_USAGE;
  char err[2048];
  bk_load_exclude_t ex = {0, NULL};
  if (o.exclude && bk_load_exclude_read(o.exclude, &ex, err, sizeof err)) {
    bk_cli_error("calibrate", "%s", err);
    return BK_EXIT_USAGE;
  }
  const char* dirs[1] = {o.run};
  bk_load_t* L = bk_load_runs(dirs, 1, o.exclude ? &ex : NULL, err, sizeof err);
  bk_load_exclude_free(&ex);
  if (!L) {
    bk_cli_error("calibrate", "%s", err);
    return BK_EXIT_USAGE;
  }
  if (L->n_partial) {
    fprintf(stderr, "bokbo: calibrate: warning: %s/episodes.jsonl ends in a cut-off line (a run "
            "still writing, or interrupted: finish it with 'bokbo run --resume'); that record is "
            "left out\n", o.run);
  }
  cJSON* doc = header(&o, L);
  rc = calibrate_all(&o, L, doc, err, sizeof err);
  if (!rc) {
    char* text = cJSON_Print(doc);
    rc = text ? bk_write_atomic(o.out, text, err, sizeof err) : bk_fail(err, sizeof err, BK_ENOMEM, "out of memory");
    free(text);
  }
  if (rc) bk_cli_error("calibrate", "%s", err);
  else printf("epsilon %g, %s unit, %s verdicts, %d episodes (%d excluded) -> %s\n", o.epsilon,
              o.unit == BK_CRC_UNIT_DECISION ? "decision" : "episode", o.kind ? "global" : "expert",
              L->n_episodes, L->n_excluded, o.out);
  cJSON_Delete(doc);
  bk_load_free(L);
  return bk_cli_exit(rc);
}
