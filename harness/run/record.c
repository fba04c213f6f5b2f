#include "run/record.h"

#include <math.h>
#include <mujoco/mujoco.h>
#include <stdio.h>

void bk_record_json_string(bk_sb_t* sb, const char* s) {
  bk_sb_puts(sb, "\"");
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\') {
      bk_sb_printf(sb, "\\%c", ch);
    } else if (ch < 0x20) {
      bk_sb_printf(sb, "\\u%04x", ch);
    } else {
      bk_sb_append(sb, s, 1);
    }
  }
  bk_sb_puts(sb, "\"");
}

// one "key": value pair of the scalar table
#define PUT_STR(sb, v) bk_record_json_string(sb, v)
#define PUT_INT(sb, v) bk_sb_printf(sb, "%d", (int)(v))
#define PUT_BOOL(sb, v) bk_sb_puts(sb, (v) ? "true" : "false")
#define PUT_NUM(sb, v) put_number(sb, v)
#define PUT_EXACT(sb, v) put_exact(sb, v)

// a number, or null when it is not finite (JSON has no NaN)
static void put_number(bk_sb_t* sb, double v) {
  if (isfinite(v)) {
    bk_sb_printf(sb, "%.6g", v);
  } else {
    bk_sb_puts(sb, "null");
  }
}

// a risk score exactly (17 digits round-trip), so that thresholds calibrated from the
// records compare with online scores the same way
static void put_exact(bk_sb_t* sb, double v) {
  if (isfinite(v)) {
    bk_sb_printf(sb, "%.17g", v);
  } else {
    bk_sb_puts(sb, "null");
  }
}

// a list of numbers
static void put_list(bk_sb_t* sb, const char* key, const double* v, int n) {
  bk_sb_printf(sb, ",\"%s\":[", key);
  for (int i = 0; i < n; i++) {
    if (i) bk_sb_puts(sb, ",");
    put_number(sb, v[i]);
  }
  bk_sb_puts(sb, "]");
}

// the candidates, the choice and the chosen action's error against the reference
static void put_candidates(bk_sb_t* sb, const bk_decision_t* d) {
  bk_sb_printf(sb, ",\"abstain\":%s,\"k\":%d,\"chosen\":%d,\"s\":", d->abstain ? "true" : "false",
               d->k, d->chosen);
  put_exact(sb, d->s);
  bk_sb_puts(sb, ",\"cand\":{\"risk\":[");
  for (int c = 0; c < d->k; c++) {
    if (c) bk_sb_puts(sb, ",");
    put_exact(sb, d->risk[c]);
  }
  bk_sb_puts(sb, "]");
  put_list(sb, "confidence", d->conf, d->k);
  put_list(sb, "disagreement", d->dis, d->k);
  bk_sb_puts(sb, "},\"err\":");
  if (d->has_err) {
    bk_sb_printf(sb, "{\"trans\":%.6g,\"rot\":%.6g,\"grip\":%.6g,\"total\":%.6g}",
                 d->err[BK_GROUP_TRANS], d->err[BK_GROUP_ROT], d->err[BK_GROUP_GRIP],
                 d->err[BK_GROUP_TOTAL]);
  } else {
    bk_sb_puts(sb, "null");
  }
  put_list(sb, "features", d->feat, BK_NFEATURE);
  if (d->calls) {  // remote policies only
    bk_sb_printf(sb, ",\"calls\":%d,\"infer_ms\":", d->calls);
    put_number(sb, d->infer_ms);
  }
}

// a force triple as {"robot_object": x, ...}
static void put_forces(bk_sb_t* sb, const double* f) {
  bk_sb_puts(sb, "{");
  for (int k = 0; k < BK_NFORCE; k++) {
    bk_sb_printf(sb, "%s\"%s\":%.6g", k ? "," : "", bk_force_names[k], f[k]);
  }
  bk_sb_puts(sb, "}");
}

// a verdict: true, false, or null when no threshold was given
static void put_verdict(bk_sb_t* sb, int v) {
  bk_sb_puts(sb, v < 0 ? "null" : (v ? "true" : "false"));
}

// one decision: when, how long, peaks, verdicts, and its per-step readings
static void put_decision(bk_sb_t* sb, const bk_episode_t* e, const bk_decision_t* d) {
  bk_sb_printf(sb, "{\"t\":%d,\"chunk\":%d,\"peak_force\":", d->t, d->chunk);
  put_forces(sb, d->peak);
  bk_sb_puts(sb, ",\"violation\":{\"expert\":");
  put_verdict(sb, d->viol_expert);
  bk_sb_puts(sb, ",\"global\":");
  put_verdict(sb, d->viol_global);
  bk_sb_puts(sb, "}");
  put_candidates(sb, d);
  bk_sb_puts(sb, ",\"step_force\":[");
  for (int s = 0; s < d->chunk; s++) {
    const double* f = e->step_force + (size_t)(d->t + s) * BK_NFORCE;
    bk_sb_printf(sb, "%s[%.6g,%.6g,%.6g]", s ? "," : "", f[0], f[1], f[2]);
  }
  bk_sb_puts(sb, "]}");
}

void bk_record_write(const bk_record_ctx_t* c, const bk_episode_t* e, bk_sb_t* sb) {
  int first = 1;
  bk_sb_puts(sb, "{");
#define X(key, kind, expr)                      \
  bk_sb_printf(sb, "%s\"" #key "\":", first ? "" : ","); \
  first = 0;                                    \
  PUT_##kind(sb, expr);
  BK_EPISODE_FIELDS(X)
#undef X
  // warnings: MuJoCo's counters by kind, and their total
  int total = 0;
  bk_sb_puts(sb, ",\"warnings\":[");
  for (int i = 0; i < mjNWARNING; i++) {
    bk_sb_printf(sb, "%s%d", i ? "," : "", e->warnings[i]);
    total += e->warnings[i];
  }
  bk_sb_printf(sb, "],\"warnings_total\":%d,\"decisions\":[", total);
  for (int j = 0; j < e->ndecision; j++) {
    if (j) bk_sb_puts(sb, ",");
    put_decision(sb, e, &e->dec[j]);
  }
  bk_sb_puts(sb, "]");
  if (e->attempts) bk_sb_printf(sb, ",\"attempts\":%d", e->attempts);  // remote policies only
  if (e->actions) {  // --log-actions: the executed actions, exactly
    bk_sb_puts(sb, ",\"actions\":[");
    for (int s = 0; s < e->steps; s++) {
      bk_sb_puts(sb, s ? ",[" : "[");
      for (int i = 0; i < BK_ACTION_DIM; i++) {
        if (i) bk_sb_puts(sb, ",");
        put_exact(sb, e->actions[(size_t)s * BK_ACTION_DIM + i]);
      }
      bk_sb_puts(sb, "]");
    }
    bk_sb_puts(sb, "]");
  }
  bk_sb_puts(sb, "}\n");
}
