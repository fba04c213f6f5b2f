#include "report/select.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/file.h"
#include "stats/corr.h"

#define MAX_CRIT 6
#define NAME_SZ 160

/* one set of entities scored by several criteria (see select.h) */
typedef struct {
  const char* set;
  const char* suite;           /* NULL for the paper's sets */
  const char* source;
  int n, nc;
  char (*name)[NAME_SZ];       /* [n] */
  const bk_load_group_t** group;  /* [n] bokbo's entities' groups (NULL: a paper entity) */
  const char* crit[MAX_CRIT];
  int higher[MAX_CRIT];        /* 1: higher is better (an outcome), 0: an error */
  double* v[MAX_CRIT];         /* [n] per criterion */
} set_t;

static void set_free(set_t* s) {
  free(s->name);
  free(s->group);
  for (int c = 0; c < MAX_CRIT; c++) free(s->v[c]);
}

static int set_alloc(set_t* s, int n, int nc) {
  s->n = n;
  s->nc = nc;
  s->name = calloc((size_t)n + 1, sizeof *s->name);
  s->group = calloc((size_t)n + 1, sizeof *s->group);
  int ok = s->name && s->group;
  for (int c = 0; c < nc; c++) ok &= (s->v[c] = calloc((size_t)n + 1, sizeof(double))) != NULL;
  return ok ? 0 : BK_ENOMEM;
}

// the criterion's values oriented so that smaller is better
static void badness(const set_t* s, int c, double* out) {
  for (int i = 0; i < s->n; i++) out[i] = s->higher[c] ? -s->v[c][i] : s->v[c][i];
}

// the entity a criterion picks: the best, the first in the set's order on a tie; -1: none
static int pick(const set_t* s, int c) {
  int best = -1;
  for (int i = 0; i < s->n; i++) {
    double b = s->higher[c] ? -s->v[c][i] : s->v[c][i];
    double bb = best < 0 ? 0 : (s->higher[c] ? -s->v[c][best] : s->v[c][best]);
    if (isfinite(b) && (best < 0 || b < bb)) best = i;
  }
  return best;
}

static void put_str(cJSON* r, const char* key, const char* v) {
  if (v) cJSON_AddStringToObject(r, key, v);
  else cJSON_AddNullToObject(r, key);
}

// the rows of every entity under every criterion
static int ranks(cJSON* arr, const set_t* s) {
  double* bad = malloc(sizeof(double) * ((size_t)s->n + 1));
  double* rk = malloc(sizeof(double) * ((size_t)s->n + 1));
  int rc = bad && rk ? 0 : BK_ENOMEM;
  for (int c = 0; !rc && c < s->nc; c++) {
    badness(s, c, bad);
    int ranked = bk_corr_rank(bad, s->n, rk) == 0;
    for (int i = 0; i < s->n; i++) {
      cJSON* r = cJSON_CreateObject();
      cJSON_AddStringToObject(r, "set", s->set);
      put_str(r, "suite", s->suite);
      cJSON_AddStringToObject(r, "entity", s->name[i]);
      const bk_load_group_t* G = s->group[i];  // NULL for the paper's entities
      put_str(r, "sampling", G ? G->sampling : NULL);
      if (G) cJSON_AddNumberToObject(r, "value", G->value);
      else cJSON_AddNullToObject(r, "value");
      cJSON_AddStringToObject(r, "criterion", s->crit[c]);
      if (isfinite(s->v[c][i])) cJSON_AddNumberToObject(r, "score", s->v[c][i]);
      else cJSON_AddNullToObject(r, "score");
      if (ranked) cJSON_AddNumberToObject(r, "rank", rk[i]);
      else cJSON_AddNullToObject(r, "rank");
      cJSON_AddItemToArray(arr, r);
    }
  }
  free(bad);
  free(rk);
  return rc;
}

// one comparison of criterion a against the reference criterion b
static int compare(cJSON* arr, const set_t* s, int a, int b) {
  double* x = malloc(sizeof(double) * ((size_t)s->n + 1));
  double* y = malloc(sizeof(double) * ((size_t)s->n + 1));
  if (!x || !y) {
    free(x);
    free(y);
    return BK_ENOMEM;
  }
  badness(s, a, x);
  badness(s, b, y);
  double rho = NAN;
  bk_corr_spearman(x, y, s->n, &rho);
  int pa = pick(s, a), pb = pick(s, b);
  cJSON* r = cJSON_CreateObject();
  cJSON_AddStringToObject(r, "set", s->set);
  put_str(r, "suite", s->suite);
  cJSON_AddStringToObject(r, "criterion", s->crit[a]);
  cJSON_AddStringToObject(r, "reference", s->crit[b]);
  cJSON_AddNumberToObject(r, "n", s->n);
  if (isfinite(rho)) cJSON_AddNumberToObject(r, "spearman", rho);
  else cJSON_AddNullToObject(r, "spearman");
  put_str(r, "pick", pa >= 0 ? s->name[pa] : NULL);
  put_str(r, "reference_pick", pb >= 0 ? s->name[pb] : NULL);
  cJSON_AddBoolToObject(r, "agree", pa >= 0 && pa == pb);
  cJSON_AddStringToObject(r, "source", s->source);
  cJSON_AddItemToArray(arr, r);
  free(x);
  free(y);
  return 0;
}

// a paper table {"columns": [...], "rows": [[name, numbers...]]} into s
static int paper_set(const cJSON* t, set_t* s, const char* what, char* err, int err_sz) {
  const cJSON* cols = cJSON_GetObjectItem(t, "columns");
  const cJSON* rows = cJSON_GetObjectItem(t, "rows");
  int nc = cJSON_GetArraySize(cols), n = cJSON_GetArraySize(rows);
  if (!cJSON_IsArray(cols) || !cJSON_IsArray(rows) || nc < 2 || nc > MAX_CRIT || n < 1) {
    return bk_fail(err, err_sz, BK_EINVAL, "%s: expected columns (2-%d names) and rows", what, MAX_CRIT);
  }
  if (set_alloc(s, n, nc)) return BK_ENOMEM;
  for (int c = 0; c < nc; c++) {
    s->crit[c] = cJSON_GetStringValue(cJSON_GetArrayItem(cols, c));
    if (!s->crit[c]) return bk_fail(err, err_sz, BK_EINVAL, "%s: column %d is not a name", what, c);
    s->higher[c] = strstr(s->crit[c], "score") != NULL;
  }
  for (int i = 0; i < n; i++) {
    const cJSON* row = cJSON_GetArrayItem(rows, i);
    const char* name = cJSON_GetStringValue(cJSON_GetArrayItem(row, 0));
    if (!name || cJSON_GetArraySize(row) != nc + 1) {
      return bk_fail(err, err_sz, BK_EINVAL, "%s: row %d: expected a name and %d numbers", what, i + 1, nc);
    }
    snprintf(s->name[i], NAME_SZ, "%s", name);
    for (int c = 0; c < nc; c++) {
      const cJSON* v = cJSON_GetArrayItem(row, c + 1);
      if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) {
        return bk_fail(err, err_sz, BK_EINVAL, "%s: row %d: column %s is not a number", what, i + 1, s->crit[c]);
      }
      s->v[c][i] = v->valuedouble;
    }
  }
  return 0;
}

static int column(const set_t* s, const char* name) {
  for (int c = 0; c < s->nc; c++) {
    if (!strcmp(s->crit[c], name)) return c;
  }
  return -1;
}

// the paper's checkpoint table (each group vs total) and Table I (total and arm vs robot
// score, arm vs total)
static int paper_sets(cJSON* sel, cJSON* rank, const cJSON* ref, char* err, int err_sz) {
  const char* source = cJSON_GetStringValue(cJSON_GetObjectItem(ref, "source"));
  set_t ck = {.set = "paper: SmolVLA checkpoints", .source = source ? source : "arXiv 2606.00253"};
  set_t t1 = {.set = "paper: Table I", .source = ck.source};
  int rc = paper_set(cJSON_GetObjectItem(ref, "smolvla_checkpoints"), &ck, "smolvla_checkpoints", err, err_sz);
  if (!rc) rc = paper_set(cJSON_GetObjectItem(ref, "table_1"), &t1, "table_1", err, err_sz);
  int total = column(&ck, "total"), ttot = column(&t1, "total"), arm = column(&t1, "arm"),
      score = column(&t1, "robot_score");
  if (!rc && (total < 0 || ttot < 0 || arm < 0 || score < 0)) {
    rc = bk_fail(err, err_sz, BK_EINVAL, "expected a total column in both tables, arm and robot_score in table_1");
  }
  if (!rc) rc = ranks(rank, &ck);
  for (int c = 0; !rc && c < ck.nc; c++) {
    if (c != total) rc = compare(sel, &ck, c, total);
  }
  if (!rc) rc = ranks(rank, &t1);
  if (!rc) rc = compare(sel, &t1, ttot, score);
  if (!rc) rc = compare(sel, &t1, arm, score);
  if (!rc) rc = compare(sel, &t1, arm, ttot);
  set_free(&ck);
  set_free(&t1);
  return rc;
}

// the (run, group) of L a per_group_mse row describes, and its success rate; NAN: none
static double success_of(const bk_load_t* L, const cJSON* row, const bk_load_group_t** G) {
  const char* run = cJSON_GetStringValue(cJSON_GetObjectItem(row, "run"));
  const char* suite = cJSON_GetStringValue(cJSON_GetObjectItem(row, "suite"));
  const char* sampling = cJSON_GetStringValue(cJSON_GetObjectItem(row, "sampling"));
  double value = cJSON_GetNumberValue(cJSON_GetObjectItem(row, "value"));
  long n = 0, ok = 0;
  for (int i = 0; run && suite && sampling && i < L->n_episodes; i++) {
    const bk_load_group_t* g = &L->groups[L->ep_group[i]];
    if (strcmp(L->runs[L->ep_run[i]].id, run) || strcmp(g->suite, suite) ||
        strcmp(g->sampling, sampling) || g->value != value) {
      continue;
    }
    *G = g;
    n++;
    ok += L->ep_success[i] != 0;
  }
  return n ? (double)ok / (double)n : NAN;
}

// one suite's runs x groups: action error per group and success
static int bokbo_suite(cJSON* sel, cJSON* rank, const cJSON* mse, const bk_load_t* L, const char* suite) {
  static const char* const kCrit[5] = {"translation", "rotation", "gripper", "total", "success"};
  char name[96];
  snprintf(name, sizeof name, "bokbo: %s", suite);
  set_t s = {.set = name, .suite = suite,
             .source = "bokbo's runs: per-group action error against the expert (per_group_mse) and success"};
  int n = 0, rc = set_alloc(&s, cJSON_GetArraySize(mse), 5);
  for (int c = 0; c < 5; c++) {
    s.crit[c] = kCrit[c];
    s.higher[c] = c == 4;
  }
  const cJSON* r;
  cJSON_ArrayForEach(r, mse) {
    if (rc) break;
    const char* rs = cJSON_GetStringValue(cJSON_GetObjectItem(r, "suite"));
    if (!rs || strcmp(rs, suite) || !cJSON_IsNull(cJSON_GetObjectItem(r, "task"))) continue;
    const bk_load_group_t* G = NULL;
    double succ = success_of(L, r, &G);
    if (!G || !isfinite(succ)) continue;
    for (int c = 0; c < 4; c++) s.v[c][n] = cJSON_GetNumberValue(cJSON_GetObjectItem(r, kCrit[c]));
    s.v[4][n] = succ;
    s.group[n] = G;
    snprintf(s.name[n], NAME_SZ, "%s %s %g", cJSON_GetStringValue(cJSON_GetObjectItem(r, "run")),
             G->sampling, G->value);
    n++;
  }
  s.n = n;
  if (!rc && n > 0) rc = ranks(rank, &s);
  for (int c = 0; !rc && n > 0 && c < 4; c++) rc = compare(sel, &s, c, 4);
  for (int c = 0; !rc && n > 0 && c < 3; c++) rc = compare(sel, &s, c, 3);
  set_free(&s);
  return rc;
}

cJSON* bk_select_load(const char* path, char* err, int err_sz) {
  int code = 0;
  FILE* f = bk_file_open_read(path, &code, err, err_sz);
  if (!f) {
    if (code == BK_ENOENT && err_sz > 0) err[0] = '\0';
    return NULL;
  }
  fclose(f);
  long len = 0;
  char* text = bk_read_file(path, &len, err, err_sz);
  if (!text) return NULL;
  cJSON* doc = cJSON_ParseWithLength(text, (size_t)len);
  free(text);
  if (!cJSON_IsObject(doc)) {
    cJSON_Delete(doc);
    bk_fail(err, err_sz, BK_EINVAL, "%s: not a JSON object", path);
    return NULL;
  }
  return doc;
}

int bk_select_add(cJSON* doc, const cJSON* ref, const bk_load_t* L, char* err, int err_sz) {
  cJSON* sel = cJSON_AddArrayToObject(doc, "selection");
  cJSON* rank = cJSON_AddArrayToObject(doc, "selection_rank");
  if (!sel || !rank) return BK_ENOMEM;
  int rc = ref ? paper_sets(sel, rank, ref, err, err_sz) : 0;
  const cJSON* mse = cJSON_GetObjectItem(doc, "per_group_mse");
  for (int g = 0; !rc && L && g < L->n_groups; g++) {
    int seen = 0;  // once per suite, in order of first appearance
    for (int h = 0; h < g; h++) seen |= !strcmp(L->groups[h].suite, L->groups[g].suite);
    if (!seen) rc = bokbo_suite(sel, rank, mse, L, L->groups[g].suite);
  }
  if (rc == BK_ENOMEM) bk_fail(err, err_sz, rc, "selection: out of memory");
  return rc;
}

// a row's number as text ("–" when null)
static void num(bk_sb_t* sb, const cJSON* r, const char* key) {
  const cJSON* v = cJSON_GetObjectItem(r, key);
  if (cJSON_IsNumber(v)) bk_sb_printf(sb, " %.3f |", v->valuedouble);
  else bk_sb_puts(sb, " – |");
}

static const char* str(const cJSON* r, const char* key) {
  const char* s = cJSON_GetStringValue(cJSON_GetObjectItem(r, key));
  return s ? s : "–";
}

void bk_select_write(const cJSON* doc, bk_sb_t* sb) {
  const cJSON* sel = cJSON_GetObjectItem(doc, "selection");
  if (cJSON_GetArraySize(sel) == 0) return;
  bk_sb_puts(sb,
             "## Checkpoint selection by per-group action error (arXiv 2606.00253)\n\n"
             "The per-group MSE paper asks whether ranking checkpoints by total action MSE picks "
             "the one that works on the robot, or whether a group's error (its arm) does. Its own "
             "data first (results/paper/data/per_group_mse.json: 14 SmolVLA checkpoints, Table I's "
             "three models with their robot scores), then bokbo's runs x sampling settings per "
             "suite (error against the expert's action in the same state, success rate). Rank 1 "
             "is the best entity (lowest error, highest score or success); Spearman's rho compares "
             "two criteria's orders (1: the same order); \"picks\" is each criterion's rank 1. "
             "Every rank: report.json `selection_rank`.\n\n"
             "| set | criterion | reference | n | Spearman | picks | reference picks | same pick |\n"
             "| --- | --- | --- | ---: | ---: | --- | --- | --- |\n");
  const cJSON* r;
  cJSON_ArrayForEach(r, sel) {
    bk_sb_printf(sb, "| %s | %s | %s | %.0f |", str(r, "set"), str(r, "criterion"), str(r, "reference"),
                 cJSON_GetNumberValue(cJSON_GetObjectItem(r, "n")));
    num(sb, r, "spearman");
    bk_sb_printf(sb, " %s | %s | %s |\n", str(r, "pick"), str(r, "reference_pick"),
                 cJSON_IsTrue(cJSON_GetObjectItem(r, "agree")) ? "yes" : "no");
  }
  bk_sb_puts(sb, "\nWhere the criteria disagree:\n\n");
  int any = 0;
  cJSON_ArrayForEach(r, sel) {
    if (cJSON_IsTrue(cJSON_GetObjectItem(r, "agree"))) continue;
    const cJSON* rho = cJSON_GetObjectItem(r, "spearman");
    bk_sb_printf(sb, "- %s: ranking by %s picks %s, by %s picks %s", str(r, "set"), str(r, "criterion"),
                 str(r, "pick"), str(r, "reference"), str(r, "reference_pick"));
    if (cJSON_IsNumber(rho)) bk_sb_printf(sb, " (Spearman %.3f)", rho->valuedouble);
    bk_sb_puts(sb, ".\n");
    any = 1;
  }
  if (!any) bk_sb_puts(sb, "- nowhere: every criterion picks its reference's choice.\n");
  bk_sb_puts(sb, "\n");
}
