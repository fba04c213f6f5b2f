/* the episode record: the writer and the validating reader share one schema */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "report/scan.h"
#include "run/record.h"
#include "tests/lib/edit.h"

/* a small episode of 3 decisions (8 + 8 + 4 steps), filled with recognisable values */
static bk_decision_t g_dec[4];
static double g_force[20 * BK_NFORCE];

static bk_episode_t sample_episode(void) {
  bk_episode_t e;
  memset(&e, 0, sizeof e);
  e.task = 3, e.init = 7, e.seed = 2, e.steps = 20, e.ndecision = 3;
  e.warnings[1] = 2;
  snprintf(e.error, sizeof e.error, "a \"quoted\" \\ error\n");
  for (int s = 0; s < 20 * BK_NFORCE; s++) g_force[s] = 0.5 * s;
  e.step_force = g_force;
  int chunk[3] = {8, 8, 4};
  for (int j = 0, t = 0; j < 3; t += chunk[j++]) {
    bk_decision_t* d = &g_dec[j];
    memset(d, 0, sizeof *d);
    d->t = t, d->chunk = chunk[j], d->k = 2, d->chosen = j % 2;
    d->viol_expert = j == 1, d->viol_global = j == 2 ? -1 : 0;
    for (int c = 0; c < 2; c++) d->risk[c] = 0.1 * (j + c) + 1e-17, d->conf[c] = -c, d->dis[c] = c;
    d->risk[1] = j == 2 ? NAN : d->risk[1];
    d->s = d->risk[d->chosen];
    d->has_err = j != 0;
    for (int g = 0; g < BK_NGROUP; g++) d->err[g] = 0.25 * g;
    for (int f = 0; f < BK_NFEATURE; f++) d->feat[f] = f - 3;
    for (int k = 0; k < BK_NFORCE; k++) d->peak[k] = 10 * j + k;
  }
  e.dec = g_dec;
  return e;
}

static const bk_record_ctx_t kCtx = {"r1", "libero_object", "simvla", 2, 8, 8, 40,
                                     "perturb", 0.1, "disagreement", NULL, 0};

static char* sample_line(void) {
  bk_episode_t e = sample_episode();
  bk_sb_t sb = {0};
  bk_record_write(&kCtx, &e, &sb);
  return sb.s;
}

Test(record, reading_back_gives_the_same_bytes) {
  char* line = sample_line();
  bk_record_t r = {0};
  char why[300];
  cr_assert_eq(bk_record_read(line, strlen(line), NULL, &r, why, sizeof why), 0, "%s", why);
  cr_assert_eq(r.task, 3);
  cr_assert_eq(r.steps, 20);
  cr_assert_str_eq(r.error, "a \"quoted\" \\ error\n");
  cr_assert_eq(r.value, 0.1);
  cr_assert_eq(r.ndecision, 3);
  cr_assert(isnan(r.dec[2].risk[1]));
  cr_assert_eq(r.dec[1].viol_expert, 1);
  cr_assert_eq(r.dec[2].viol_global, -1);
  cr_assert_eq(r.step_force[19 * BK_NFORCE + 2], 0.5 * (19 * BK_NFORCE + 2));
  // written again from what was read: the same bytes
  bk_episode_t e = {.task = r.task, .init = r.init, .seed = r.seed, .success = r.success,
                    .abstained = r.abstained, .steps = r.steps, .ndecision = r.ndecision,
                    .dec = r.dec, .step_force = r.step_force};
  memcpy(e.warnings, r.warnings, sizeof e.warnings);
  snprintf(e.error, sizeof e.error, "%s", r.error);
  bk_record_ctx_t c = {r.run, r.suite, r.policy, r.k, r.chunk, r.open_loop, r.max_steps,
                       r.sampling, r.value, r.scorer, r.bokbo, r.mujoco};
  bk_sb_t sb = {0};
  bk_record_write(&c, &e, &sb);
  cr_assert_str_eq(sb.s, line);
  bk_sb_free(&sb);
  bk_record_free(&r);
  free(line);
}


/* each edit of a good record, and a word of the reason it must give */
static const char* const kHostile[][3] = {
  {"\"task\":3", "\"task\":\"x\"", "integer"},
  {"\"task\":3", "\"task\":10", "task"},
  {"\"task\":3", "\"task\":-1", "task"},
  {"\"task\":3", "\"task\":3.5", "integer"},
  {"\"task\":3", "\"Task\":3", "should be \"task\""},
  {"\"task\":3", "\"task\":3,\"task\":3", "twice"},
  {"\"task\":3,", "", "missing \"task\""},
  {"\"task\":3", "\"task\":3,\"extra\":1", "unknown key"},
  {"\"task\":3", "\"task\":1e999", "integer"},
  {"\"value\":0.10000000000000001", "\"value\":1e999", "finite"},
  {"\"steps\":20", "\"steps\":41", "steps"},
  {"\"steps\":20", "\"steps\":21", "cover"},
  {"\"t\":8", "\"t\":-1", "\"t\""},
  {"\"t\":8", "\"t\":99", "\"t\""},
  {"\"chosen\":1", "\"chosen\":2", "chosen"},
  {"\"chunk\":4", "\"chunk\":5", "chunk"},
  {"\"success\":false", "\"success\":0", "true or false"},
  {"\"robot_object\":0", "\"robot_object\":null", "finite"},
  {"\"features\":[-3,", "\"features\":[", "features"},
  {"\"warnings_total\":2", "\"warnings_total\":3", "sum"},
  {"\"suite\":\"libero_object\"", "\"suite\":5", "string"},
  {"]}\n", "]} {}\n", "text after"},
  {"]}\n", "]}x\n", "text after"},
  {"\"decisions\":[{", "\"decisions\":[5,{", "object"},
};

Test(record, hostile_records_are_refused_with_a_reason) {
  char* line = sample_line();
  bk_record_t r = {0};
  for (size_t i = 0; i < sizeof kHostile / sizeof *kHostile; i++) {
    char* bad = test_edit(line, kHostile[i][0], kHostile[i][1]);
    char why[300] = "";
    int rc = bk_record_read(bad, strlen(bad), NULL, &r, why, sizeof why);
    cr_expect_eq(rc, BK_EPARSE, "case %zu accepted: %s", i, bad);
    cr_expect(strstr(why, kHostile[i][2]) != NULL, "case %zu: '%s' lacks '%s'", i, why,
              kHostile[i][2]);
    free(bad);
  }
  bk_record_free(&r);
  free(line);
}

Test(record, the_suite_and_its_size_are_checked_when_given) {
  char* line = sample_line();
  bk_record_t r = {0};
  char why[300];
  bk_record_expect_t x = {.ntask = 3};
  cr_assert_eq(bk_record_read(line, strlen(line), &x, &r, why, sizeof why), BK_EPARSE);
  x = (bk_record_expect_t){.suite = "libero_spatial"};
  cr_assert_eq(bk_record_read(line, strlen(line), &x, &r, why, sizeof why), BK_EPARSE);
  cr_assert(strstr(why, "libero_spatial") != NULL, "%s", why);
  x.suite = "libero_object";
  cr_assert_eq(bk_record_read(line, strlen(line), &x, &r, why, sizeof why), 0, "%s", why);
  bk_record_free(&r);
  free(line);
}

/* report/scan.c is the loader's fast path: it must take no line the reader refuses, and
 * read the lines it takes as the reader does */
Test(record, fast_scanner_agrees_with_the_reader) {
  // the sample without its escaped error text (escapes send a line to the reader)
  char* full = sample_line();
  char* from = strstr(full, "\"error\":\"");
  char* to = strstr(full, "\",\"bokbo\"");
  cr_assert(from && to);
  char* line = malloc(strlen(full) + 1);
  snprintf(line, strlen(full) + 1, "%.*s\"error\":\"\"%s", (int)(from - full), full, to + 1);
  free(full);
  bk_record_t r = {0};
  bk_scan_rec_t sr = {0};
  char why[300];
  cr_assert_eq(bk_record_read(line, strlen(line), NULL, &r, why, sizeof why), 0, "%s", why);
  cr_assert_eq(bk_scan_record(line, strlen(line), &sr), 0);
  cr_assert_eq(sr.task, r.task);
  cr_assert_eq(sr.init, r.init);
  cr_assert_eq(sr.seed, r.seed);
  cr_assert_eq(sr.k, r.k);
  cr_assert_eq(sr.max_steps, r.max_steps);
  cr_assert_eq(sr.value, r.value);
  cr_assert_eq(sr.success, r.success);
  cr_assert_eq(sr.n_dec, r.ndecision);
  for (int j = 0; j < r.ndecision; j++) {
    const bk_decision_t* d = &r.dec[j];
    cr_assert_eq(sr.dec[j].s, isnan(d->s) ? INFINITY : d->s);
    cr_assert_eq(sr.dec[j].ve, d->viol_expert);
    cr_assert_eq(sr.dec[j].vg, d->viol_global);
    cr_assert_eq(memcmp(sr.dec[j].peak, d->peak, sizeof d->peak), 0);
    if (d->has_err) cr_assert_eq(sr.dec[j].err[0], d->err[0]);
    else cr_assert(isnan(sr.dec[j].err[0]));
  }
  // every hostile edit: the reader refuses it, so the scanner must decline it
  for (size_t i = 0; i < sizeof kHostile / sizeof *kHostile; i++) {
    char* bad = test_edit(line, kHostile[i][0], kHostile[i][1]);
    cr_expect_neq(bk_scan_record(bad, strlen(bad), &sr), 0, "case %zu taken: %s", i, bad);
    free(bad);
  }
  // and every single-character cut of the line: both refuse, or both take the same task
  size_t n = strlen(line);
  char* cut = malloc(n + 1);
  for (size_t at = 0; at + 1 < n; at++) {
    memcpy(cut, line, at);
    memcpy(cut + at, line + at + 1, n - at);
    int a = bk_record_read(cut, n - 1, NULL, &r, why, sizeof why);
    int b = bk_scan_record(cut, n - 1, &sr);
    cr_expect(b != 0 || a == 0, "byte %zu: the scanner takes what the reader refuses (%s)", at, why);
  }
  free(cut);
  bk_scan_rec_free(&sr);
  bk_record_free(&r);
  free(line);
}
