#include "report/findings.h"
#include "report/markdown.h"
#include "report/select.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* one column of a table: header, row key, format ('f' 3 decimals, 'g' %g, 'i' integer,
 * 's' string, 'b' yes/no, 't' tau, 'p' pooled / mondrian pair of a rate) */
typedef struct {
  const char* head;
  const char* key;
  char fmt;
} col_t;

// one cell
static void cell(bk_sb_t* sb, const cJSON* r, const col_t* c) {
  const cJSON* v = cJSON_GetObjectItem(r, c->key);
  bk_sb_puts(sb, " ");
  if (!v || cJSON_IsNull(v)) {
    bk_sb_puts(sb, "–");
  } else if (cJSON_IsString(v)) {
    bk_sb_puts(sb, v->valuestring);
  } else if (cJSON_IsBool(v)) {
    bk_sb_puts(sb, cJSON_IsTrue(v) ? "yes" : "no");
  } else if (c->fmt == 'i') {
    bk_sb_printf(sb, "%.0f", v->valuedouble);
  } else if (c->fmt == 'g' || c->fmt == 't') {
    bk_sb_printf(sb, "%.4g", v->valuedouble);
  } else {
    bk_sb_printf(sb, "%.3f", v->valuedouble);
  }
  bk_sb_puts(sb, " |");
}

// does row r belong to suite (NULL: any) and pass the extra filter key = null?
static int keep(const cJSON* r, const char* suite, const char* null_key) {
  const char* s = cJSON_GetStringValue(cJSON_GetObjectItem(r, "suite"));
  if (suite && (!s || strcmp(s, suite))) return 0;
  if (null_key && !cJSON_IsNull(cJSON_GetObjectItem(r, null_key))) return 0;
  return 1;
}

// a markdown table of the rows of arr in suite
static void table(bk_sb_t* sb, const cJSON* arr, const char* suite, const char* null_key,
                  const col_t* cols, int ncol) {
  int any = 0;
  const cJSON* r;
  cJSON_ArrayForEach(r, arr) any |= keep(r, suite, null_key);
  if (!any) {
    bk_sb_puts(sb, "(no rows)\n\n");
    return;
  }
  bk_sb_puts(sb, "|");
  for (int c = 0; c < ncol; c++) bk_sb_printf(sb, " %s |", cols[c].head);
  bk_sb_puts(sb, "\n|");
  for (int c = 0; c < ncol; c++) bk_sb_puts(sb, cols[c].fmt == 's' ? " --- |" : " ---: |");
  bk_sb_puts(sb, "\n");
  cJSON_ArrayForEach(r, arr) {
    if (!keep(r, suite, null_key)) continue;
    bk_sb_puts(sb, "|");
    for (int c = 0; c < ncol; c++) cell(sb, r, &cols[c]);
    bk_sb_puts(sb, "\n");
  }
  bk_sb_puts(sb, "\n");
}

#define NCOL(a) ((int)(sizeof(a) / sizeof(*(a))))

// the pooled/mondrian tables of the bootstrap, joined row by row (same order in each)
static void crc_table(bk_sb_t* sb, const cJSON* doc, const char* suite) {
  static const char* const kKey[5] = {"coverage", "net_success", "executed_violation_rate",
                                      "hold_rate", "min_task_hold"};
  const cJSON* t[5];
  for (int k = 0; k < 5; k++) t[k] = cJSON_GetObjectItem(doc, kKey[k]);
  int n = cJSON_GetArraySize(t[0]);
  if (!n) {
    bk_sb_puts(sb, "(no CRC figures: no violation verdicts)\n\n");
    return;
  }
  bk_sb_puts(sb, "| sampling | value | epsilon | coverage P / M | net success P / M | "
                 "exec. violation P / M | hold P / M | min task hold P (task) / M (task) |\n"
                 "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  for (int i = 0; i < n; i++) {
    const cJSON* r = cJSON_GetArrayItem(t[0], i);
    if (!keep(r, suite, NULL)) continue;
    bk_sb_printf(sb, "| %s | %g | %g |", cJSON_GetStringValue(cJSON_GetObjectItem(r, "sampling")),
                 cJSON_GetNumberValue(cJSON_GetObjectItem(r, "value")),
                 cJSON_GetNumberValue(cJSON_GetObjectItem(r, "epsilon")));
    for (int k = 0; k < 5; k++) {
      const cJSON* q = cJSON_GetArrayItem(t[k], i);
      const cJSON* a = cJSON_GetObjectItem(q, "pooled");
      const cJSON* b = cJSON_GetObjectItem(q, "mondrian");
      char sa[32] = "–", sbuf[32] = "–";
      if (cJSON_IsNumber(a)) snprintf(sa, sizeof sa, "%.3f", a->valuedouble);
      if (cJSON_IsNumber(b)) snprintf(sbuf, sizeof sbuf, "%.3f", b->valuedouble);
      if (k == 4) {
        bk_sb_printf(sb, " %s (%d) / %s (%d) |", sa, (int)cJSON_GetNumberValue(cJSON_GetObjectItem(q, "pooled_task")),
                     sbuf, (int)cJSON_GetNumberValue(cJSON_GetObjectItem(q, "mondrian_task")));
      } else {
        bk_sb_printf(sb, " %s / %s |", sa, sbuf);
      }
    }
    bk_sb_puts(sb, "\n");
  }
  bk_sb_printf(sb, "\nP = pooled tau, M = Mondrian (per-task) tau; means over %d random 50/50 "
                   "calibration/test splits stratified by task.\n\n",
               (int)cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "config"), "splits")));
}

// per task: the task summary joined with its hold rates at the first epsilon
static void task_table(bk_sb_t* sb, const cJSON* doc, const char* suite) {
  static const col_t cols[] = {
    {"sampling", "sampling", 's'}, {"value", "value", 'g'}, {"task", "task", 'i'},
    {"episodes", "episodes", 'i'}, {"success", "success_rate", 'f'},
    {"decisions", "decisions", 'i'}, {"viol. rate (expert)", "violation_rate_expert", 'f'},
    {"viol. rate (global)", "violation_rate_global", 'f'},
    {"confidence", "mean_confidence", 'g'}, {"disagreement", "mean_disagreement", 'g'}};
  table(sb, cJSON_GetObjectItem(doc, "per_task"), suite, NULL, cols, NCOL(cols));
  static const col_t hold[] = {
    {"sampling", "sampling", 's'}, {"value", "value", 'g'}, {"epsilon", "epsilon", 'g'},
    {"task", "task", 'i'}, {"n cal", "n_cal", 'i'}, {"n test", "n_test", 'i'},
    {"small", "small", 'b'}, {"hold (pooled)", "pooled", 'f'}, {"hold (Mondrian)", "mondrian", 'f'}};
  bk_sb_puts(sb, "Hold rate per task:\n\n");
  table(sb, cJSON_GetObjectItem(doc, "task_hold"), suite, NULL, hold, NCOL(hold));
}

// the suite's groups and its CRC figures (bootstrap, then thresholds on all episodes)
static void groups_section(bk_sb_t* sb, const cJSON* doc, const char* suite) {
  bk_sb_printf(sb, "## %s\n\n### Groups\n\n", suite);
  static const col_t groups[] = {
    {"sampling", "sampling", 's'}, {"value", "value", 'g'}, {"runs", "runs", 'i'},
    {"episodes", "episodes", 'i'}, {"decisions", "decisions", 'i'}, {"tasks", "tasks", 'i'},
    {"success", "success_rate", 'f'}, {"violating decisions", "violation_rate", 'f'},
    {"predictor scorer", "predictor", 'b'}};
  table(sb, cJSON_GetObjectItem(doc, "groups"), suite, NULL, groups, NCOL(groups));
  bk_sb_puts(sb, "### Conformal abstention (bootstrap)\n\n");
  crc_table(sb, doc, suite);
  bk_sb_puts(sb, "Thresholds calibrated on all episodes (in-sample metrics at that tau):\n\n");
  static const col_t tau[] = {
    {"sampling", "sampling", 's'}, {"value", "value", 'g'}, {"epsilon", "epsilon", 'g'},
    {"method", "method", 's'}, {"tau", "tau", 't'}, {"n", "n", 'i'},
    {"always abstain", "always_abstain", 'b'}, {"small", "small", 'b'},
    {"corrected risk", "corrected_risk", 'f'}, {"coverage", "coverage", 'f'},
    {"net success", "net_success", 'f'}, {"exec. violation", "executed_violation_rate", 'f'}};
  table(sb, cJSON_GetObjectItem(doc, "tau"), suite, "task", tau, NCOL(tau));
}

// reference figures beside ours
static void paper_section(bk_sb_t* sb, const cJSON* doc, const char* suite) {
  bk_sb_puts(sb, "### The paper's figures beside ours\n\n");
  static const col_t paper[] = {
    {"figure", "key", 's'}, {"column", "column", 's'}, {"unit", "unit", 's'}, {"sampling", "sampling", 's'},
    {"epsilon", "epsilon", 'g'}, {"paper", "paper", 'g'}, {"ours", "ours", 'g'},
    {"our sigma / T", "our_value", 'g'}, {"paper setting", "setting", 's'}, {"source", "file", 's'}};
  table(sb, cJSON_GetObjectItem(doc, "paper"), suite, NULL, paper, NCOL(paper));
}

// correlations of the free signals and their AUROC
static void signals_section(bk_sb_t* sb, const cJSON* doc, const char* suite) {
  bk_sb_puts(sb, "### Free signals: correlations and AUROC\n\n");
  const cJSON* corr = cJSON_GetObjectItem(doc, "corr");
  static const col_t sig[] = {{"sampling", "sampling", 's'}, {"level", "level", 's'},
                              {"n", "n", 'i'}, {"Pearson", "pearson", 'f'},
                              {"Spearman", "spearman", 'f'}};
  static const col_t viol[] = {{"sampling", "sampling", 's'}, {"value (– = all)", "value", 'g'},
                               {"n", "n", 'i'}, {"violating", "positives", 'i'},
                               {"point-biserial", "point_biserial", 'f'},
                               {"Spearman", "spearman", 'f'}, {"AUROC", "auroc", 'f'}};
  static const char* const kKeys[4][2] = {
    {"confidence_sigma", "Confidence against sigma / T"},
    {"disagreement_sigma", "Disagreement against sigma / T"},
    {"confidence_violation", "Confidence against violations (AUROC of -confidence)"},
    {"disagreement_violation", "Disagreement against violations"}};
  for (int k = 0; k < 4; k++) {
    bk_sb_printf(sb, "%s:\n\n", kKeys[k][1]);
    if (k < 2) table(sb, cJSON_GetObjectItem(corr, kKeys[k][0]), suite, NULL, sig, NCOL(sig));
    else table(sb, cJSON_GetObjectItem(corr, kKeys[k][0]), suite, NULL, viol, NCOL(viol));
  }
  static const col_t auc[] = {{"sampling", "sampling", 's'}, {"value (– = all)", "value", 'g'},
                              {"signal", "signal", 's'}, {"n", "n", 'i'},
                              {"violating", "positives", 'i'}, {"AUROC", "auroc", 'f'}};
  bk_sb_puts(sb, "AUROC for predicting a violating decision:\n\n");
  table(sb, cJSON_GetObjectItem(doc, "auroc"), suite, NULL, auc, NCOL(auc));
}

// violation inflation and the per-task table
static void inflation_section(bk_sb_t* sb, const cJSON* doc, const char* suite) {
  bk_sb_puts(sb, "### Violation inflation (global / expert-calibrated thresholds)\n\n");
  static const col_t infl[] = {{"sampling", "sampling", 's'}, {"value", "value", 'g'},
                               {"unit", "unit", 's'}, {"n", "n", 'i'},
                               {"rate (global)", "rate_global", 'f'},
                               {"rate (expert)", "rate_expert", 'f'},
                               {"inflation", "inflation", 'g'}};
  table(sb, cJSON_GetObjectItem(doc, "violation_inflation"), suite, NULL, infl, NCOL(infl));
  bk_sb_puts(sb, "### Per task\n\n");
  task_table(sb, doc, suite);
}

// per-group action error and whether the rankings agree
static void mse_section(bk_sb_t* sb, const cJSON* doc, const char* suite) {
  bk_sb_puts(sb, "### Per-group action error (MSE against the expert)\n\n");
  static const col_t mse[] = {
    {"run", "run", 's'}, {"sampling", "sampling", 's'}, {"value", "value", 'g'},
    {"decisions", "n", 'i'}, {"translation", "translation", 'g'}, {"rotation", "rotation", 'g'},
    {"gripper", "gripper", 'g'}, {"total", "total", 'g'}, {"rank total", "rank_total", 'g'},
    {"rank trans.", "rank_translation", 'g'}, {"rank rot.", "rank_rotation", 'g'},
    {"rank grip.", "rank_gripper", 'g'}, {"discordant", "discordant", 'b'}};
  table(sb, cJSON_GetObjectItem(doc, "per_group_mse"), suite, "task", mse, NCOL(mse));
  static const col_t order[] = {{"compared", "compared", 'i'}, {"orders disagree", "disagree", 'b'},
                                {"discordant pairs (trans.)", "discordant_translation", 'i'},
                                {"(rot.)", "discordant_rotation", 'i'},
                                {"(grip.)", "discordant_gripper", 'i'}};
  table(sb, cJSON_GetObjectItem(doc, "per_group_order"), suite, NULL, order, NCOL(order));
}

static void suite_section(bk_sb_t* sb, const cJSON* doc, const char* suite) {
  groups_section(sb, doc, suite);
  paper_section(sb, doc, suite);
  signals_section(sb, doc, suite);
  inflation_section(sb, doc, suite);
  mse_section(sb, doc, suite);
}

void bk_md_write(const cJSON* doc, bk_sb_t* sb) {
  const cJSON* cfg = cJSON_GetObjectItem(doc, "config");
  bk_sb_printf(sb, "# bokbo report\n\n%.0f episodes, %.0f decisions from %d run(s); "
                   "violations: %s thresholds; %.0f bootstrap splits (seed %.0f); epsilon",
               cJSON_GetNumberValue(cJSON_GetObjectItem(cfg, "episodes")),
               cJSON_GetNumberValue(cJSON_GetObjectItem(cfg, "decisions")),
               cJSON_GetArraySize(cJSON_GetObjectItem(cfg, "runs")),
               cJSON_GetStringValue(cJSON_GetObjectItem(cfg, "violation")),
               cJSON_GetNumberValue(cJSON_GetObjectItem(cfg, "splits")),
               cJSON_GetNumberValue(cJSON_GetObjectItem(cfg, "seed")));
  const cJSON* e;
  cJSON_ArrayForEach(e, cJSON_GetObjectItem(cfg, "epsilon")) bk_sb_printf(sb, " %g", e->valuedouble);
  bk_sb_puts(sb, ". Definitions: docs/metrics.md; keys of report.json: docs/report.md.\n\n");
  static const col_t runs[] = {{"run", "id", 's'}, {"directory", "dir", 's'},
                               {"policy", "policy", 's'}, {"expert thresholds", "thresholds", 's'},
                               {"global threshold (N)", "global_threshold", 'g'}};
  table(sb, cJSON_GetObjectItem(cfg, "runs"), NULL, NULL, runs, NCOL(runs));
  // one section per suite, in order of first appearance
  const cJSON* g;
  cJSON_ArrayForEach(g, cJSON_GetObjectItem(doc, "groups")) {
    const char* suite = cJSON_GetStringValue(cJSON_GetObjectItem(g, "suite"));
    int first = 1;
    for (const cJSON* h = cJSON_GetObjectItem(doc, "groups")->child; h != g; h = h->next) {
      first &= strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(h, "suite")), suite) != 0;
    }
    if (first) suite_section(sb, doc, suite);
  }
  bk_find_write(doc, sb);
  bk_select_write(doc, sb);
  bk_sb_puts(sb, "## Notes\n\n");
  const cJSON* n;
  cJSON_ArrayForEach(n, cJSON_GetObjectItem(doc, "notes")) bk_sb_printf(sb, "- %s\n", n->valuestring);
  const cJSON* checks = cJSON_GetObjectItem(doc, "checks");
  if (checks) {
    bk_sb_printf(sb, "\n## Consistency checks\n\n%s: %.0f checks (rates in [0, 1], coverage >= net "
                     "success, hold rates counted over the stated splits).\n",
                 cJSON_IsTrue(cJSON_GetObjectItem(checks, "passed")) ? "passed" : "FAILED",
                 cJSON_GetNumberValue(cJSON_GetObjectItem(checks, "checked")));
    cJSON_ArrayForEach(n, cJSON_GetObjectItem(checks, "failures")) bk_sb_printf(sb, "- %s\n", n->valuestring);
  }
  bk_sb_puts(sb, "\n## Plots\n\n");
  cJSON_ArrayForEach(n, cJSON_GetObjectItem(doc, "plots")) {
    const char* f = cJSON_GetStringValue(cJSON_GetObjectItem(n, "file"));
    bk_sb_printf(sb, "![%s](plots/%s)\n\n", f, f);
  }
}
