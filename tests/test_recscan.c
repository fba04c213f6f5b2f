/* run/recscan: the one-pass record check against the validating reader (run/record), the
 * reference: on every line, valid or hostile, the pair bk_recscan_read accepts exactly
 * what bk_record_read accepts, with the same fields and the same reason, and bk_recscan
 * alone never takes a line the reader refuses */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "report/scan.h"
#include "run/recscan.h"
#include "run/record.h"
#include "tests/lib/edit.h"

/* a small episode of 3 decisions (8 + 8 + 4 steps) of 2 candidates, the second decision
 * a remote call, with tries and logged actions: every optional key is present */
static bk_decision_t g_dec[3];
static double g_force[20 * BK_NFORCE];
static double g_actions[20 * BK_ACTION_DIM];

static bk_episode_t sample_episode(int extras) {
  bk_episode_t e;
  memset(&e, 0, sizeof e);
  e.task = 3, e.init = 7, e.seed = -2, e.steps = 20, e.ndecision = 3;
  e.warnings[1] = 2, e.warnings[4] = 5;
  for (int s = 0; s < 20 * BK_NFORCE; s++) g_force[s] = 0.37 * s - 1e-7 * s * s;
  for (int s = 0; s < 20 * BK_ACTION_DIM; s++) g_actions[s] = 0.25 * (s % 9) - 1;
  e.step_force = g_force;
  int chunk[3] = {8, 8, 4};
  for (int j = 0, t = 0; j < 3; t += chunk[j++]) {
    bk_decision_t* d = &g_dec[j];
    memset(d, 0, sizeof *d);
    d->t = t, d->chunk = chunk[j], d->k = 2, d->chosen = j % 2, d->abstain = j == 2;
    d->viol_expert = j == 1, d->viol_global = j == 2 ? -1 : 0;
    for (int c = 0; c < 2; c++) d->risk[c] = 0.1 * (j + c) + 1e-17, d->conf[c] = -c, d->dis[c] = c;
    d->risk[1] = j == 2 ? NAN : d->risk[1];
    d->s = d->risk[d->chosen];
    d->has_err = j != 0;
    for (int g = 0; g < BK_NGROUP; g++) d->err[g] = 0.25 * g;
    for (int f = 0; f < BK_NFEATURE; f++) d->feat[f] = f == 4 ? NAN : 1e30 * (f - 3);
    for (int k = 0; k < BK_NFORCE; k++) d->peak[k] = 10 * j + k;
    d->calls = extras && j == 1 ? 3 : 0;
    d->infer_ms = j == 1 ? 12.5 : NAN;
  }
  e.dec = g_dec;
  e.success = 1;
  e.attempts = extras ? 2 : 0;
  e.actions = extras ? g_actions : NULL;
  return e;
}

static const bk_record_ctx_t kCtx = {"r1", "libero_object", "simvla", 2, 8, 8, 40,
                                     "perturb", 0.1, "disagreement", "0.9", 3002};

static char* sample_line(int extras) {
  bk_episode_t e = sample_episode(extras);
  bk_sb_t sb = {0};
  bk_record_write(&kCtx, &e, &sb);
  cr_assert(!sb.failed);
  return sb.s;
}

/* the fields of a bk_recscan_t equal those of a bk_record_t */
#define SAME_STR(o, r, key) (o->key.len == (int)strlen(r->key) && !memcmp(o->key.s, r->key, (size_t)o->key.len))
#define SAME_INT(o, r, key) (o->key == r->key)
#define SAME_BOOL(o, r, key) (o->key == r->key)
#define SAME_EXACT(o, r, key) (!memcmp(&o->key, &r->key, sizeof(double)))
#define SAME_WARNINGS(o, r, key) (!memcmp(o->key, r->key, sizeof o->key))
#define SAME_WTOTAL(o, r, key) (o->key == r->key)

static int same_fields(const bk_recscan_t* o, const bk_record_t* r) {
  int same = o->ndecision == r->ndecision && o->attempts == r->attempts &&
             o->has_actions == (r->actions != NULL);
#define X(key, kind, expr) same = same && SAME_##kind(o, r, key);
  BK_EPISODE_FIELDS(X)
#undef X
  return same;
}

/* counts of the lines checked */
typedef struct {
  int lines, taken_fast, accepted;
} tally_t;

/* line[0 .. n-1] (line[n] == '\0') by the reader and by recscan: the contract holds */
static void agree(const char* line, size_t n, const bk_record_expect_t* x, tally_t* t) {
  static bk_record_t r, scratch;
  bk_recscan_t fast, pair;
  char why[300] = "", why2[300] = "";
  int ref = bk_record_read(line, n, x, &r, why, sizeof why);
  int quick = bk_recscan(line, n, x, &fast);
  cr_assert(quick != 0 || ref == 0, "recscan took a line the reader refuses (%s): %.*s", why, (int)n, line);
  if (quick == 0) cr_assert(same_fields(&fast, &r), "recscan's fields differ: %.*s", (int)n, line);
  int both = bk_recscan_read(line, n, x, &scratch, &pair, why2, sizeof why2);
  cr_assert_eq(both, ref, "decisions differ (%s): %.*s", why, (int)n, line);
  if (ref == 0) cr_assert(same_fields(&pair, &r), "fields differ: %.*s", (int)n, line);
  else cr_assert_str_eq(why2, why);
  t->lines++;
  t->taken_fast += quick == 0;
  t->accepted += ref == 0;
}


Test(recscan, takes_the_writers_lines_with_the_readers_values) {
  static const bk_record_expect_t x = {.suite = "libero_object"};
  tally_t t = {0};
  for (int extras = 0; extras < 2; extras++) {
    char* line = sample_line(extras);
    agree(line, strlen(line), &x, &t);
    line[strlen(line) - 1] = '\0';  // without its newline
    agree(line, strlen(line), NULL, &t);
    bk_recscan_t o;
    cr_assert_eq(bk_recscan(line, strlen(line), &x, &o), 0, "%s", line);
    cr_assert_eq(o.task, 3);
    cr_assert_eq(o.seed, -2);
    cr_assert_eq(o.value, 0.1);
    cr_assert_eq(o.warnings_total, 7);
    cr_assert_eq(o.ndecision, 3);
    cr_assert_eq(o.attempts, extras ? 2 : 0);
    cr_assert_eq(o.has_actions, extras);
    cr_assert_eq(o.policy.len, 6);
    cr_assert_eq(memcmp(o.policy.s, "simvla", 6), 0);
    free(line);
  }
  cr_assert_eq(t.taken_fast, 4);
  cr_assert_eq(t.accepted, 4);
}

/* edits of the sample: {from, to, 1 when the reader accepts the result} */
static const char* const kEdits[][3] = {
  // types, ranges, the suite's task range
  {"\"task\":3", "\"task\":\"3\"", "0"}, {"\"task\":3", "\"task\":10", "0"},
  {"\"task\":3", "\"task\":-1", "0"}, {"\"task\":3", "\"task\":3.5", "0"},
  {"\"task\":3", "\"task\":3.0", "1"}, {"\"task\":3", "\"task\":3e0", "1"},
  {"\"task\":3", "\"task\":-0", "1"}, {"\"init\":7", "\"init\":-0", "1"},
  {"\"init\":7", "\"init\":-7", "0"}, {"\"init\":7", "\"init\":2147483647", "1"},
  {"\"init\":7", "\"init\":2147483648", "0"}, {"\"seed\":-2", "\"seed\":-2147483647", "1"},
  {"\"seed\":-2", "\"seed\":-2147483648", "0"}, {"\"seed\":-2", "\"seed\":99999999999", "0"},
  {"\"task\":3", "\"task\":true", "0"}, {"\"task\":3", "\"task\":null", "0"},
  {"\"success\":true", "\"success\":1", "0"}, {"\"success\":true", "\"success\":tru", "0"},
  {"\"k\":2,\"chunk\":8", "\"k\":0,\"chunk\":8", "0"}, {"\"k\":2,\"chunk\":8", "\"k\":65,\"chunk\":8", "0"},
  {"\"open_loop\":8", "\"open_loop\":9", "0"}, {"\"steps\":20", "\"steps\":41", "0"},
  {"\"steps\":20", "\"steps\":19", "0"}, {"\"max_steps\":40", "\"max_steps\":20", "1"},
  {"\"warnings_total\":7", "\"warnings_total\":8", "0"},
  {"\"warnings\":[0,2,0,0,5", "\"warnings\":[0,2,0,0,-5", "0"},
  {"\"warnings\":[0,2,0,0,5", "\"warnings\":[0,2,0,0,5.0", "1"},
  {"\"warnings\":[0,2,0,0,5,0,0,0]", "\"warnings\":[0,2,0,0,5,0,0]", "0"},
  {"\"warnings\":[0,2", "\"warnings\":[2147483647,2", "0"},
  // the suite: foreign, escaped, a string of another type
  {"\"suite\":\"libero_object\"", "\"suite\":\"libero_spatial\"", "0"},
  {"\"suite\":\"libero_object\"", "\"suite\":\"libero_\\u006fbject\"", "1"},
  {"\"suite\":\"libero_object\"", "\"suite\":[\"libero_object\"]", "0"},
  {"\"policy\":\"simvla\"", "\"policy\":\"sim\\u0000vla\"", "1"},
  {"\"policy\":\"simvla\"", "\"policy\":\"sim\\qvla\"", "0"},
  {"\"policy\":\"simvla\"", "\"policy\":\"sim\tvla\"", "1"},
  {"\"policy\":\"simvla\"", "\"policy\":\"sim\xc3\xa9vla\"", "1"},
  {"\"run\":\"r1\"", "\"run\":\"r1\\\"\"", "1"},
  // keys: case, order, doubled, unknown, missing
  {"\"task\":3", "\"Task\":3", "0"}, {"\"task\":3", "\"task\":3,\"task\":3", "0"},
  {"\"task\":3", "\"task\":3,\"extra\":1", "0"}, {"\"task\":3,", "", "0"},
  {"\"task\":3,\"init\":7", "\"init\":7,\"task\":3", "1"},
  {"\"t\":8", "\"t\":8,\"t\":8", "0"}, {"\"attempts\":2", "\"attempts\":2,\"attempts\":2", "0"},
  {"\"attempts\":2", "\"attempts\":0", "0"}, {",\"attempts\":2", "", "1"},
  {"\"calls\":3", "\"calls\":0", "0"}, {",\"calls\":3", "", "0"},
  {"\"calls\":3,\"infer_ms\":12.5", "\"infer_ms\":12.5,\"calls\":3", "1"},
  // numbers: NaN, Inf, huge, long, lax forms
  {"\"value\":0.10000000000000001", "\"value\":NaN", "0"},
  {"\"value\":0.10000000000000001", "\"value\":1e999", "0"},
  {"\"value\":0.10000000000000001", "\"value\":-1e309", "0"},
  {"\"value\":0.10000000000000001", "\"value\":1e308", "1"},
  {"\"value\":0.10000000000000001", "\"value\":1.7976931348623157e308", "1"},
  {"\"value\":0.10000000000000001", "\"value\":1.7976931348623159e308", "0"},
  {"\"value\":0.10000000000000001", "\"value\":1e-400", "1"},
  {"\"value\":0.10000000000000001", "\"value\":null", "1"},
  {"\"value\":0.10000000000000001", "\"value\":Infinity", "0"},
  {"\"value\":0.10000000000000001", "\"value\":01", "1"},
  {"\"value\":0.10000000000000001", "\"value\":.1", "0"},
  {"\"value\":0.10000000000000001", "\"value\":+0.1", "0"},
  {"\"value\":0.10000000000000001", "\"value\":0.1e", "0"},
  {"\"value\":0.10000000000000001", "\"value\":1.", "1"},
  {"\"value\":0.10000000000000001", "\"value\":0.1000000000000000100000000000000000000000000000000000000000000000001", "1"},
  {"\"value\":0.10000000000000001", "\"value\":1000000000000000000000000000000000000000000000000000000000000", "1"},
  {"\"robot_object\":0", "\"robot_object\":null", "0"},
  {"\"robot_object\":0", "\"robot_object\":1e400", "0"},
  {"\"s\":1.0000000000000001e-17", "\"s\":1e999", "0"},
  {"\"features\":[-3e+30", "\"features\":[1E+308", "1"},
  {"\"features\":[-3e+30", "\"features\":[1E+309", "0"},
  {"\"features\":[-3e+30,", "\"features\":[", "0"},
  {"\"infer_ms\":12.5", "\"infer_ms\":null", "1"},
  {"\"infer_ms\":12.5", "\"infer_ms\":\"12.5\"", "0"},
  // decisions: coverage, chunks, candidates (the reader's buffers hold BK_MAX_K)
  {"\"t\":8", "\"t\":7", "0"}, {"\"chosen\":1", "\"chosen\":2", "0"},
  {"\"chunk\":4", "\"chunk\":5", "0"}, {"\"abstain\":false", "\"abstain\":null", "0"},
  {"\"expert\":true", "\"expert\":null", "1"}, {"\"expert\":true", "\"expert\":1", "0"},
  {"\"err\":null", "\"err\":{}", "0"}, {"\"err\":null", "\"err\":{\"trans\":0,\"rot\":0,\"grip\":0,\"total\":0}", "1"},
  {"\"decisions\":[{", "\"decisions\":[5,{", "0"}, {"\"decisions\":[{", "\"decisions\":[[],{", "0"},
  {"\"step_force\":[[0,", "\"step_force\":[[0,0,0],[0,", "0"},
  // white space, text after, nesting
  {"\"task\":3", "\"task\": 3", "1"}, {"{\"run\"", " {\"run\"", "1"}, {"}\n", "} \n", "1"},
  {"}\n", "}}\n", "0"}, {"}\n", "} {}\n", "0"}, {"}\n", "}\r\n", "1"},
  {"\"error\":\"\"", "\"error\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", "0"},
};

Test(recscan, hostile_edits_get_the_readers_decision) {
  static const bk_record_expect_t x = {.suite = "libero_object"};
  char* line = sample_line(1);
  tally_t t = {0};
  for (size_t i = 0; i < sizeof kEdits / sizeof *kEdits; i++) {
    char* bad = test_edit(line, kEdits[i][0], kEdits[i][1]);
    tally_t before = t;
    agree(bad, strlen(bad), &x, &t);
    cr_expect_eq(t.accepted - before.accepted, kEdits[i][2][0] == '1', "case %zu: the reader %s it: %s", i,
                 kEdits[i][2][0] == '1' ? "refuses" : "accepts", bad);
    free(bad);
  }
  cr_assert_gt(t.accepted, 20);
  free(line);
}

/* a decision of k candidates, each list k long: a k beyond BK_MAX_K is refused (and the
 * reader must not write past its candidate arrays on the way) */
static char* with_k(const char* line, int k) {
  bk_sb_t cand = {0}, kk = {0};
  bk_sb_printf(&kk, "\"k\":%d,\"chosen\":", k);
  bk_sb_puts(&cand, "\"cand\":{");
  const char* names[3] = {"risk", "confidence", "disagreement"};
  for (int l = 0; l < 3; l++) {
    bk_sb_printf(&cand, "%s\"%s\":[", l ? "," : "", names[l]);
    for (int c = 0; c < k; c++) bk_sb_printf(&cand, "%s%d", c ? "," : "", c);
    bk_sb_puts(&cand, "]");
  }
  bk_sb_puts(&cand, "},\"err\"");
  // the last decision's k and candidates
  const char* last = strstr(line, "{\"t\":16,");
  cr_assert_not_null(last);
  char* a = test_edit(last, "\"k\":2,\"chosen\":", kk.s);
  const char* from = strstr(a, "\"cand\":{");
  const char* to = strstr(a, "},\"err\"") + 7;
  size_t n = strlen(line) + cand.len + 64;
  char* out = malloc(n);
  snprintf(out, n, "%.*s%.*s%s%s", (int)(last - line), line, (int)(from - a), a, cand.s, to);
  free(a);
  bk_sb_free(&cand);
  bk_sb_free(&kk);
  return out;
}

Test(recscan, candidate_counts_beyond_the_limit_are_refused) {
  char* line = sample_line(0);
  tally_t t = {0};
  int ks[] = {1, BK_MAX_K, BK_MAX_K + 1, 1000};
  for (int i = 0; i < 4; i++) {
    char* l = with_k(line, ks[i]);
    agree(l, strlen(l), NULL, &t);
    cr_expect_eq(t.accepted, i < 2 ? i + 1 : 2, "k %d: %s", ks[i], l);
    free(l);
  }
  cr_assert_eq(t.taken_fast, 2);
  free(line);
}

Test(recscan, every_cut_and_single_byte_change_gets_the_readers_decision) {
  static const char kBytes[] = "9-.e\",:]}n \\";
  char* line = sample_line(1);
  size_t n = strlen(line);
  char* buf = malloc(n + 2);
  tally_t t = {0};
  for (size_t at = 0; at < n; at++) {
    // cut after `at` bytes (a line cut off mid-write)
    memcpy(buf, line, at);
    buf[at] = '\0';
    agree(buf, at, NULL, &t);
    // the byte at `at` dropped
    memcpy(buf, line, n + 1);
    memmove(buf + at, buf + at + 1, n - at);
    agree(buf, n - 1, NULL, &t);
    // the byte at `at` replaced
    for (const char* b = kBytes; *b; b++) {
      memcpy(buf, line, n + 1);
      if (buf[at] == *b) continue;
      buf[at] = *b;
      agree(buf, n, NULL, &t);
    }
  }
  // the fast path took a share of the valid variants, and many were refused
  cr_assert_gt(t.taken_fast, 100);
  cr_assert_gt(t.lines - t.accepted, t.lines / 2);
  free(buf);
  free(line);
}

/* a string longer than the reader's buffers is refused by the reader; neither fast path
 * (merge's recscan, the report loader's scan) may take it */
Test(recscan, strings_beyond_the_readers_buffers_are_declined) {
  char* line = sample_line(0);
  char name[BK_RECORD_STR + 8];
  tally_t t = {0};
  for (int len = BK_RECORD_STR - 1; len <= BK_RECORD_STR; len++) {
    bk_sb_t to = {0};
    memset(name, 'a', (size_t)len);
    name[len] = '\0';
    bk_sb_printf(&to, "\"suite\":\"%s\"", name);
    char* l = test_edit(line, "\"suite\":\"libero_object\"", to.s);
    agree(l, strlen(l), NULL, &t);
    bk_scan_rec_t sr = {0};
    int scanned = bk_scan_record(l, strlen(l), &sr) == 0;
    cr_expect_eq(scanned, len < BK_RECORD_STR, "report/scan with a %d-byte suite", len);
    bk_scan_rec_free(&sr);
    bk_sb_free(&to);
    free(l);
  }
  cr_assert_eq(t.accepted, 1);
  cr_assert_eq(t.taken_fast, 1);
  free(line);
}
