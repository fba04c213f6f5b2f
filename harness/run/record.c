/* Writing records: one episode as one JSON line (exact risk scores, nulls for missing values). */
#include "run/record.h"

#include <math.h>
#include <mujoco/mujoco.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "task/catalog.h"

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
static void put_list(bk_sb_t* sb, const double* v, int n) {
  bk_sb_puts(sb, "[");
  for (int i = 0; i < n; i++) {
    if (i) bk_sb_puts(sb, ",");
    put_number(sb, v[i]);
  }
  bk_sb_puts(sb, "]");
}

// MuJoCo's warning counters by kind, and their total
static void put_warnings(bk_sb_t* sb, const int* w) {
  bk_sb_puts(sb, "[");
  for (int i = 0; i < mjNWARNING; i++) bk_sb_printf(sb, "%s%d", i ? "," : "", w[i]);
  bk_sb_puts(sb, "]");
}

static void put_wtotal(bk_sb_t* sb, const int* w) {
  int total = 0;
  for (int i = 0; i < mjNWARNING; i++) total += w[i];
  bk_sb_printf(sb, "%d", total);
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

static void put_verdicts(bk_sb_t* sb, const bk_decision_t* d) {
  bk_sb_puts(sb, "{\"expert\":");
  put_verdict(sb, d->viol_expert);
  bk_sb_puts(sb, ",\"global\":");
  put_verdict(sb, d->viol_global);
  bk_sb_puts(sb, "}");
}

// the candidates' risks (exact), confidences and disagreements
static void put_cand(bk_sb_t* sb, const bk_decision_t* d) {
  bk_sb_puts(sb, "{\"risk\":[");
  for (int c = 0; c < d->k; c++) {
    if (c) bk_sb_puts(sb, ",");
    put_exact(sb, d->risk[c]);
  }
  bk_sb_puts(sb, "],\"confidence\":");
  put_list(sb, d->conf, d->k);
  bk_sb_puts(sb, ",\"disagreement\":");
  put_list(sb, d->dis, d->k);
  bk_sb_puts(sb, "}");
}

// the chosen action's error against the reference, or null without one
static void put_err(bk_sb_t* sb, const bk_decision_t* d) {
  if (d->has_err) {
    bk_sb_printf(sb, "{\"trans\":%.6g,\"rot\":%.6g,\"grip\":%.6g,\"total\":%.6g}",
                 d->err[BK_GROUP_TRANS], d->err[BK_GROUP_ROT], d->err[BK_GROUP_GRIP],
                 d->err[BK_GROUP_TOTAL]);
  } else {
    bk_sb_puts(sb, "null");
  }
}

// the decision's per-control-step readings
static void put_steps(bk_sb_t* sb, const bk_episode_t* e, const bk_decision_t* d) {
  bk_sb_puts(sb, "[");
  for (int s = 0; s < d->chunk; s++) {
    const double* f = e->step_force + (size_t)(d->t + s) * BK_NFORCE;
    bk_sb_printf(sb, "%s[%.6g,%.6g,%.6g]", s ? "," : "", f[0], f[1], f[2]);
  }
  bk_sb_puts(sb, "]");
}

// one value of the tables by kind
#define PUT_STR(sb, v) bk_record_json_string(sb, v)
#define PUT_INT(sb, v) bk_sb_printf(sb, "%d", (int)(v))
#define PUT_BOOL(sb, v) bk_sb_puts(sb, (v) ? "true" : "false")
#define PUT_EXACT(sb, v) put_exact(sb, v)
#define PUT_WARNINGS(sb, v) put_warnings(sb, v)
#define PUT_WTOTAL(sb, v) put_wtotal(sb, v)
#define PUT_FORCES(sb, v) put_forces(sb, v)
#define PUT_VERDICTS(sb, v) put_verdicts(sb, v)
#define PUT_CAND(sb, v) put_cand(sb, v)
#define PUT_ERR(sb, v) put_err(sb, v)
#define PUT_FEATURES(sb, v) put_list(sb, v, BK_NFEATURE)
#define PUT_STEPS(sb, v) put_steps(sb, e, v)

// one decision, field by field
static void put_decision(bk_sb_t* sb, const bk_episode_t* e, const bk_decision_t* d) {
  const char* sep = "{";
#define X(key, kind, expr)              \
  bk_sb_printf(sb, "%s\"" #key "\":", sep); \
  sep = ",";                            \
  PUT_##kind(sb, expr);
  BK_DECISION_FIELDS(X)
#undef X
  if (d->calls > 0) {  // remote policies only
    bk_sb_printf(sb, ",\"calls\":%d,\"infer_ms\":", d->calls);
    put_number(sb, d->infer_ms);
  }
  bk_sb_puts(sb, "}");
}

// the optional episode keys: a remote policy's tries, the executed actions
static void put_episode_extra(bk_sb_t* sb, const bk_episode_t* e) {
  if (e->attempts > 0) bk_sb_printf(sb, ",\"attempts\":%d", e->attempts);
  if (!e->actions) return;
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

void bk_record_write(const bk_record_ctx_t* c0, const bk_episode_t* e, bk_sb_t* sb) {
  bk_record_ctx_t cc = *c0;
  if (!cc.bokbo) cc.bokbo = BOKBO_VERSION;
  if (!cc.mujoco) cc.mujoco = mj_version();
  const bk_record_ctx_t* c = &cc;
  const char* sep = "{";
#define X(key, kind, expr)              \
  bk_sb_printf(sb, "%s\"" #key "\":", sep); \
  sep = ",";                            \
  PUT_##kind(sb, expr);
  BK_EPISODE_FIELDS(X)
#undef X
  bk_sb_puts(sb, ",\"decisions\":[");
  for (int j = 0; j < e->ndecision; j++) {
    if (j) bk_sb_puts(sb, ",");
    put_decision(sb, e, &e->dec[j]);
  }
  bk_sb_puts(sb, "]");
  put_episode_extra(sb, e);
  bk_sb_puts(sb, "}\n");
}

void bk_record_rewrite(const bk_record_t* r, const char* run_id, bk_sb_t* sb) {
  bk_episode_t e;
  memset(&e, 0, sizeof e);
  e.task = r->task, e.init = r->init, e.seed = r->seed;
  e.success = r->success, e.abstained = r->abstained, e.steps = r->steps;
  e.ndecision = r->ndecision;
  e.dec = r->dec;
  e.step_force = r->step_force;
  e.attempts = r->attempts;
  e.actions = r->actions;
  memcpy(e.warnings, r->warnings, sizeof e.warnings);
  snprintf(e.error, sizeof e.error, "%s", r->error);
  bk_record_ctx_t c = {run_id ? run_id : r->run, r->suite, r->policy, r->k, r->chunk,
                       r->open_loop, r->max_steps, r->sampling, r->value, r->scorer,
                       r->bokbo, r->mujoco};
  bk_record_write(&c, &e, sb);
}
