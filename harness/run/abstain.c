#include "run/abstain.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/json.h"
#include "sample/sample.h"

// a threshold: a finite number, or exactly "-inf" / "inf"
static int tau_value(const cJSON* x, double* out) {
  if (cJSON_IsNumber(x) && isfinite(x->valuedouble)) {
    *out = x->valuedouble;
    return 0;
  }
  const char* s = cJSON_GetStringValue(x);
  if (s && (!strcmp(s, "inf") || !strcmp(s, "-inf"))) {
    *out = s[0] == '-' ? -INFINITY : INFINITY;
    return 0;
  }
  return -1;
}

// a task key: a whole decimal number in range, or -1
static int task_key(const char* key) {
  if (!key) return -1;  // an array element has no key
  char* end;
  long t = strtol(key, &end, 10);
  return (end != key && !*end && t >= 0 && t < BK_SUITE_NTASK) ? (int)t : -1;
}

// one group of the file
static int load_group(const cJSON* g, bk_tau_group_t* out) {
  const cJSON* suite = cJSON_GetObjectItemCaseSensitive(g, "suite");
  const cJSON* samp = cJSON_GetObjectItemCaseSensitive(g, "sampling");
  const cJSON* value = cJSON_GetObjectItemCaseSensitive(g, "value");
  if (!cJSON_IsObject(g) || !cJSON_IsString(suite) || !cJSON_IsString(samp) ||
      !cJSON_IsNumber(value) || !isfinite(value->valuedouble)) {
    return -1;
  }
  snprintf(out->suite, sizeof out->suite, "%s", suite->valuestring);
  snprintf(out->sampling, sizeof out->sampling, "%s", samp->valuestring);
  out->value = value->valuedouble;
  if (tau_value(cJSON_GetObjectItemCaseSensitive(g, "tau"), &out->tau)) return -1;
  const cJSON* per = cJSON_GetObjectItemCaseSensitive(g, "tau_per_task");
  if (per && !cJSON_IsObject(per)) return -1;  // {"task id": tau, ...} or absent
  const cJSON* x;
  cJSON_ArrayForEach(x, per) {
    int t = task_key(x->string);
    if (t < 0 || tau_value(x, &out->tau_task[t])) return -1;
    out->have_task[t] = 1;
  }
  return 0;
}

int bk_tau_load(const char* path, bk_tau_t* t, char* err, int err_sz) {
  memset(t, 0, sizeof *t);
  cJSON* j = bk_json_load(path, err, err_sz);
  if (!j) return BK_EPARSE;
  const cJSON* groups = cJSON_GetObjectItem(j, "groups");
  const cJSON* eps = cJSON_GetObjectItem(j, "epsilon");
  int rc = 0;
  t->mondrian = cJSON_IsTrue(cJSON_GetObjectItem(j, "mondrian"));
  t->epsilon = cJSON_IsNumber(eps) ? eps->valuedouble : NAN;
  if (!cJSON_IsArray(groups) || cJSON_GetArraySize(groups) > BK_TAU_MAX_GROUPS) {
    rc = bk_fail(err, err_sz, BK_EPARSE, "%s: expected \"groups\" (from 'bokbo calibrate')", path);
  }
  const cJSON* g;
  cJSON_ArrayForEach(g, groups) {
    if (rc) break;
    if (load_group(g, &t->group[t->ngroup])) {
      rc = bk_fail(err, err_sz, BK_EPARSE,
                   "%s: group %d: expected suite, sampling, value, tau and optionally "
                   "tau_per_task {\"task\": tau, ...}", path, t->ngroup);
    }
    t->ngroup++;
  }
  cJSON_Delete(j);
  return rc;
}

int bk_tau_lookup(const bk_tau_t* t, const char* suite, const char* sampling, double value,
                  int task, double* tau) {
  for (int i = 0; i < t->ngroup; i++) {
    const bk_tau_group_t* g = &t->group[i];
    if (strcmp(g->suite, suite) || strcmp(g->sampling, sampling) || !bk_sample_same_value(g->value, value)) {
      continue;
    }
    if (!t->mondrian) {
      *tau = g->tau;
    } else {
      *tau = g->have_task[task] ? g->tau_task[task] : -INFINITY;
    }
    return 0;
  }
  return BK_ENOENT;
}
