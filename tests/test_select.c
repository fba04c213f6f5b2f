/* checkpoint selection by per-group error: the paper's Table I by hand, ties, bad data */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "core/err.h"
#include "report/select.h"

#define DATA BOKBO_SOURCE_DIR "/results/paper/data/per_group_mse.json"

// the selection row of (set, criterion, reference)
static const cJSON* row(const cJSON* doc, const char* set, const char* crit, const char* ref) {
  const cJSON* r;
  cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "selection")) {
    if (!strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(r, "set")), set) &&
        !strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(r, "criterion")), crit) &&
        !strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(r, "reference")), ref)) {
      return r;
    }
  }
  return NULL;
}

static double num(const cJSON* r, const char* key) {
  return cJSON_GetNumberValue(cJSON_GetObjectItem(r, key));
}

static const char* str(const cJSON* r, const char* key) {
  return cJSON_GetStringValue(cJSON_GetObjectItem(r, key));
}

static cJSON* replay(const char* ref_text, int want_rc) {
  cJSON* ref = cJSON_Parse(ref_text);
  cr_assert_not_null(ref);
  cJSON* doc = cJSON_CreateObject();
  char err[256] = "";
  int rc = bk_select_add(doc, ref, NULL, err, sizeof err);
  cr_assert_eq(rc, want_rc, "rc %d (%s)", rc, err);
  if (want_rc) cr_assert(strlen(err) > 0);
  cJSON_Delete(ref);
  return doc;
}

/* Table I by hand (lower MSE better, higher score better): total ranks expert-only 1,
 * baseline 2, SmolVLA 3; the robot score baseline 1, expert-only 2, SmolVLA 3; d = (1, -1,
 * 0), rho = 1 - 6 * 2 / (3 * 8) = 0.5. Arm ranks 1, 2, 3 as the score: rho = 1. */
Test(select, table_one_by_hand) {
  char err[256];
  cJSON* ref = bk_select_load(DATA, err, sizeof err);
  cr_assert_not_null(ref, "%s", err);
  cJSON* doc = cJSON_CreateObject();
  cr_assert_eq(bk_select_add(doc, ref, NULL, err, sizeof err), 0, "%s", err);
  const cJSON* total = row(doc, "paper: Table I", "total", "robot_score");
  const cJSON* arm = row(doc, "paper: Table I", "arm", "robot_score");
  cr_assert_not_null(total);
  cr_assert_not_null(arm);
  cr_assert_float_eq(num(total, "spearman"), 0.5, 1e-12);
  cr_assert_float_eq(num(arm, "spearman"), 1.0, 1e-12);
  cr_assert_str_eq(str(total, "pick"), "pi0.5 expert-only 3k");
  cr_assert_str_eq(str(total, "reference_pick"), "pi0.5 baseline 80k");
  cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(total, "agree")));
  cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(arm, "agree")));
  // the checkpoint table: total picks B32 40k (1.611, the lowest); arm picks B32 30k (0.755)
  const cJSON* ck = row(doc, "paper: SmolVLA checkpoints", "arm", "total");
  cr_assert_not_null(ck);
  cr_assert_eq(num(ck, "n"), 14);
  cr_assert_str_eq(str(ck, "pick"), "B32 30k");
  cr_assert_str_eq(str(ck, "reference_pick"), "B32 40k");
  // 14 x 5 checkpoint ranks + 3 x 3 Table I ranks
  cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "selection_rank")), 14 * 5 + 3 * 3);
  cJSON_Delete(doc);
  cJSON_Delete(ref);
}

/* ties share their mean rank; an outcome column ranks highest first; a reversed order
 * gives rho = -1 */
Test(select, ties_and_orientation) {
  cJSON* doc = replay(
      "{\"smolvla_checkpoints\":{\"columns\":[\"a\",\"total\"],\"rows\":[[\"x\",1,3],[\"y\",1,2],[\"z\",2,1]]},"
      "\"table_1\":{\"columns\":[\"total\",\"arm\",\"robot_score\"],"
      "\"rows\":[[\"p\",1,3,1],[\"q\",2,2,2],[\"r\",3,1,3]]}}",
      0);
  const cJSON* r;
  int seen = 0;
  cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "selection_rank")) {
    if (strcmp(str(r, "set"), "paper: SmolVLA checkpoints") || strcmp(str(r, "criterion"), "a")) continue;
    double want = !strcmp(str(r, "entity"), "z") ? 3.0 : 1.5;
    cr_assert_float_eq(num(r, "rank"), want, 1e-12);
    seen++;
  }
  cr_assert_eq(seen, 3);
  // a vs total: ranks (1.5, 1.5, 3) vs (3, 2, 1): Pearson of the ranks = -0.866...
  cr_assert_float_eq(num(row(doc, "paper: SmolVLA checkpoints", "a", "total"), "spearman"),
                     -sqrt(3.0) / 2, 1e-12);
  cr_assert_str_eq(str(row(doc, "paper: SmolVLA checkpoints", "a", "total"), "pick"), "x");
  // the score is best for r (3): total's order (p best) is reversed, arm's (r best) equal
  cr_assert_float_eq(num(row(doc, "paper: Table I", "total", "robot_score"), "spearman"), -1.0, 1e-12);
  cr_assert_float_eq(num(row(doc, "paper: Table I", "arm", "robot_score"), "spearman"), 1.0, 1e-12);
  cr_assert_str_eq(str(row(doc, "paper: Table I", "arm", "robot_score"), "reference_pick"), "r");
  cJSON_Delete(doc);
}

Test(select, bad_data_is_refused) {
  cJSON_Delete(replay("{\"smolvla_checkpoints\":{\"columns\":[\"a\",\"total\"],\"rows\":[[\"x\",1]]},"
                      "\"table_1\":{\"columns\":[\"total\",\"arm\",\"robot_score\"],\"rows\":[[\"p\",1,2,3]]}}",
                      BK_EINVAL));
  cJSON_Delete(replay("{\"smolvla_checkpoints\":{\"columns\":[\"a\",\"total\"],\"rows\":[[\"x\",1,\"2\"]]},"
                      "\"table_1\":{\"columns\":[\"total\",\"arm\",\"robot_score\"],\"rows\":[[\"p\",1,2,3]]}}",
                      BK_EINVAL));
  cJSON_Delete(replay("{\"smolvla_checkpoints\":{\"columns\":[\"a\",\"b\"],\"rows\":[[\"x\",1,2]]},"
                      "\"table_1\":{\"columns\":[\"total\",\"arm\",\"robot_score\"],\"rows\":[[\"p\",1,2,3]]}}",
                      BK_EINVAL));
  char err[256];
  cr_assert_null(bk_select_load("/nonexistent/per_group_mse.json", err, sizeof err));
  cr_assert_str_eq(err, "");  // missing: no reference data, not an error
}
