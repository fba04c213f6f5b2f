#include "report/check.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  int checked, failed;
  cJSON* failures;
} checks_t;

static void fail(checks_t* c, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(checks_t* c, const char* fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  c->failed++;
  cJSON_AddItemToArray(c->failures, cJSON_CreateString(buf));
}

// a row's name in messages
static void where(const cJSON* r, char* buf, int sz) {
  const cJSON* e = cJSON_GetObjectItem(r, "epsilon");
  snprintf(buf, (size_t)sz, "%s/%s/%g%s%g", cJSON_GetStringValue(cJSON_GetObjectItem(r, "suite")),
           cJSON_GetStringValue(cJSON_GetObjectItem(r, "sampling")),
           cJSON_GetNumberValue(cJSON_GetObjectItem(r, "value")), e ? " eps=" : "",
           e ? e->valuedouble : 0.0);
}

// every listed column of every row of a table lies in [0, 1] (or is null)
static void check_rates(checks_t* c, const cJSON* tab, const char* name, const char* const* cols,
                        int ncol) {
  const cJSON* r;
  cJSON_ArrayForEach(r, tab) {
    for (int k = 0; k < ncol; k++) {
      const cJSON* v = cJSON_GetObjectItem(r, cols[k]);
      if (!v || cJSON_IsNull(v)) continue;
      c->checked++;
      if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0 && v->valuedouble <= 1)) {
        char w[256];
        where(r, w, sizeof w);
        fail(c, "%s.%s = %g outside [0, 1] (%s)", name, cols[k], cJSON_GetNumberValue(v), w);
      }
    }
  }
}

// coverage >= net success, row by row (the tables list groups in the same order)
static void check_cover(checks_t* c, const cJSON* cov, const cJSON* net, const char* name,
                        const char* const* cols, int ncol) {
  int n = cJSON_GetArraySize(cov);
  if (n != cJSON_GetArraySize(net)) {
    fail(c, "%s: coverage and net_success have different row counts", name);
    return;
  }
  for (int i = 0; i < n; i++) {
    const cJSON* a = cJSON_GetArrayItem(cov, i);
    const cJSON* b = cJSON_GetArrayItem(net, i);
    for (int k = 0; k < ncol; k++) {
      const cJSON* x = cJSON_GetObjectItem(a, cols[k]);
      const cJSON* y = cJSON_GetObjectItem(b, cols[k]);
      if (!cJSON_IsNumber(x) || !cJSON_IsNumber(y)) continue;
      c->checked++;
      if (x->valuedouble < y->valuedouble - 1e-12) {
        char w[256];
        where(a, w, sizeof w);
        fail(c, "%s: %s coverage %g < net success %g (%s)", name, cols[k], x->valuedouble,
             y->valuedouble, w);
      }
    }
  }
}

// hold rates are counts of splits over the configured split count
static void check_splits(checks_t* c, const cJSON* tab, const char* name, int splits) {
  static const char* const kCols[2] = {"pooled", "mondrian"};
  const cJSON* r;
  cJSON_ArrayForEach(r, tab) {
    char w[256];
    where(r, w, sizeof w);
    c->checked++;
    const cJSON* s = cJSON_GetObjectItem(r, "splits");
    if (!cJSON_IsNumber(s) || s->valueint != splits) {
      fail(c, "%s: %g splits, configured %d (%s)", name, cJSON_GetNumberValue(s), splits, w);
    }
    for (int k = 0; k < 2; k++) {
      const cJSON* v = cJSON_GetObjectItem(r, kCols[k]);
      if (!cJSON_IsNumber(v)) continue;
      c->checked++;
      double m = v->valuedouble * splits;
      if (fabs(m - floor(m + 0.5)) > 1e-6) {
        fail(c, "%s.%s = %g is not a count of %d splits (%s)", name, kCols[k], v->valuedouble,
             splits, w);
      }
    }
  }
}

int bk_check_doc(cJSON* doc, char* msg, int msg_sz) {
  checks_t c = {0, 0, cJSON_CreateArray()};
  static const char* const kPM[2] = {"pooled", "mondrian"};
  static const char* const kRates[] = {"coverage", "net_success", "executed_violation_rate",
                                       "hold_rate", "min_task_hold", "task_hold"};
  for (size_t k = 0; k < sizeof kRates / sizeof *kRates; k++) {
    check_rates(&c, cJSON_GetObjectItem(doc, kRates[k]), kRates[k], kPM, 2);
  }
  static const char* const kTau[] = {"coverage", "net_success", "executed_violation_rate", "risk",
                                     "calib_risk"};
  check_rates(&c, cJSON_GetObjectItem(doc, "tau"), "tau", kTau, 5);
  static const char* const kInfl[] = {"rate_global", "rate_expert"};
  check_rates(&c, cJSON_GetObjectItem(doc, "violation_inflation"), "violation_inflation", kInfl, 2);
  static const char* const kGrp[] = {"success_rate", "violation_rate"};
  check_rates(&c, cJSON_GetObjectItem(doc, "groups"), "groups", kGrp, 2);
  check_cover(&c, cJSON_GetObjectItem(doc, "coverage"), cJSON_GetObjectItem(doc, "net_success"),
              "bootstrap means", kPM, 2);
  // in-sample rows: coverage >= net success within each row
  const cJSON* r;
  cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "tau")) {
    const cJSON* x = cJSON_GetObjectItem(r, "coverage");
    const cJSON* y = cJSON_GetObjectItem(r, "net_success");
    if (!cJSON_IsNumber(x) || !cJSON_IsNumber(y)) continue;
    c.checked++;
    if (x->valuedouble < y->valuedouble - 1e-12) {
      char w[256];
      where(r, w, sizeof w);
      fail(&c, "tau: coverage %g < net success %g (%s)", x->valuedouble, y->valuedouble, w);
    }
  }
  int splits = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "config"), "splits"));
  check_splits(&c, cJSON_GetObjectItem(doc, "hold_rate"), "hold_rate", splits);
  check_splits(&c, cJSON_GetObjectItem(doc, "task_hold"), "task_hold", splits);
  check_splits(&c, cJSON_GetObjectItem(doc, "min_task_hold"), "min_task_hold", splits);
  // messages
  if (msg && msg_sz > 0) {
    msg[0] = 0;
    int k = 0;
    cJSON_ArrayForEach(r, c.failures) {
      if (k++ == 8) break;
      size_t len = strlen(msg);
      snprintf(msg + len, (size_t)msg_sz - len, "%s%s", len ? "\n" : "", r->valuestring);
    }
  }
  cJSON* o = cJSON_CreateObject();
  cJSON_AddBoolToObject(o, "passed", c.failed == 0);
  cJSON_AddNumberToObject(o, "checked", c.checked);
  cJSON_AddItemToObject(o, "failures", c.failures);
  cJSON_DeleteItemFromObject(doc, "checks");
  cJSON_AddItemToObject(doc, "checks", o);
  return c.failed;
}
