/* bk_record: the episode record, one JSON object per line of episodes.jsonl.
 *
 * The schema is defined once: BK_EPISODE_FIELDS (episode-level keys) and
 * BK_DECISION_FIELDS (the keys of each element of "decisions"), each row
 * (key, kind, value expression). The writer walks both tables, so keys, their order and
 * their formatting are the same everywhere; the reader (bk_record_read) walks the same
 * tables, so every key the writer puts is checked by type and range on the way back.
 * The line is a pure function of the episode: no times, no thread ids, so the same
 * (task, init, seed, settings) always gives the same bytes.
 *
 * Every program that reads records (report, resume, thresholds, train-predictor, merge,
 * replay) reads them with bk_record_read or bk_record_each; report/scan.c is a fast path
 * of the loader that tests/test_record.c checks against this reader. */
#ifndef BK_RUN_RECORD_H
#define BK_RUN_RECORD_H

#include <stddef.h>

#include "core/strbuf.h"
#include "run/episode.h"

/* what a record says about the run it belongs to */
typedef struct {
  const char* run_id;        /* the run directory's base name */
  const char* suite;         /* suite name as records carry it (with a shift suffix) */
  const char* policy;
  int k, chunk, open_loop, max_steps;
  const char* sampling;      /* "greedy", "perturb", "temperature" */
  double value;              /* sigma or T (0 for greedy) */
  const char* scorer;
  const char* bokbo;         /* NULL: this build's version */
  int mujoco;                /* 0: the linked MuJoCo's version */
} bk_record_ctx_t;

/* episode-level fields: X(key, kind, expression over `c` and `e`) */
#define BK_EPISODE_FIELDS(X)                         \
  X(run, STR, c->run_id)                             \
  X(suite, STR, c->suite)                            \
  X(task, INT, e->task)                              \
  X(init, INT, e->init)                              \
  X(seed, INT, e->seed)                              \
  X(policy, STR, c->policy)                          \
  X(sampling, STR, c->sampling)                      \
  X(value, EXACT, c->value)                          \
  X(scorer, STR, c->scorer)                          \
  X(k, INT, c->k)                                    \
  X(chunk, INT, c->chunk)                            \
  X(open_loop, INT, c->open_loop)                    \
  X(max_steps, INT, c->max_steps)                    \
  X(success, BOOL, e->success)                       \
  X(abstained, BOOL, e->abstained)                   \
  X(steps, INT, e->steps)                            \
  X(error, STR, e->error)                            \
  X(bokbo, STR, c->bokbo)                            \
  X(mujoco, INT, c->mujoco)                          \
  X(warnings, WARNINGS, e->warnings)                 \
  X(warnings_total, WTOTAL, e->warnings)

/* decision fields: X(key, kind, expression over `d`, the bk_decision_t) */
#define BK_DECISION_FIELDS(X)                        \
  X(t, INT, d->t)                                    \
  X(chunk, INT, d->chunk)                            \
  X(peak_force, FORCES, d->peak)                     \
  X(violation, VERDICTS, d)                          \
  X(abstain, BOOL, d->abstain)                       \
  X(k, INT, d->k)                                    \
  X(chosen, INT, d->chosen)                          \
  X(s, EXACT, d->s)                                  \
  X(cand, CAND, d)                                   \
  X(err, ERR, d)                                     \
  X(features, FEATURES, d->feat)                     \
  X(step_force, STEPS, d)

/* Optional keys, written only where they apply (so records of in-process policies are
 * unchanged) and read back when present: per decision, "calls" (server calls, > 0) with
 * "infer_ms" (the server's inference time, or null); per episode, after "decisions",
 * "attempts" (tries of a remote policy, > 0) and "actions" (--log-actions: steps rows of
 * 7 executed actions, exact). */

/* Appends the record of episode e as one JSON line (with the newline) to sb. */
void bk_record_write(const bk_record_ctx_t* c, const bk_episode_t* e, bk_sb_t* sb);

/* Appends s as a JSON string literal (quotes and escapes). */
void bk_record_json_string(bk_sb_t* sb, const char* s);

/* ------------------------------------------------------------------ reading */

#define BK_RECORD_STR 256

/* one record as read back: the episode fields (generated from BK_EPISODE_FIELDS; strings
 * are copies, nulls in number lists are NaN, a null risk score s is NaN) and the
 * decisions with their per-control-step forces */
#define BK_RECORD_MEMBER_STR(key) char key[BK_RECORD_STR];
#define BK_RECORD_MEMBER_INT(key) int key;
#define BK_RECORD_MEMBER_BOOL(key) int key;
#define BK_RECORD_MEMBER_EXACT(key) double key;
#define BK_RECORD_MEMBER_WARNINGS(key) int key[mjNWARNING];
#define BK_RECORD_MEMBER_WTOTAL(key) int key;
typedef struct {
#define X(key, kind, expr) BK_RECORD_MEMBER_##kind(key)
  BK_EPISODE_FIELDS(X)
#undef X
  int ndecision;
  bk_decision_t* dec;          /* [ndecision] */
  double* step_force;          /* [steps x BK_NFORCE], from decisions[].step_force */
  int attempts;                /* optional "attempts" (0 when absent) */
  double* actions;             /* optional "actions" [steps x 7], NULL when absent */
  int cap_dec, cap_steps, cap_actions; /* (internal) */
} bk_record_t;

/* what the reader checks beyond the schema */
typedef struct {
  int ntask;                   /* task must lie in [0, ntask); 0: BK_SUITE_NTASK */
  const char* suite;           /* the record's suite must be this one; NULL: any */
} bk_record_expect_t;

/* Reads line[0 .. n-1] (one line, its '\n' optional) into r (zeroed or reused from an
 * earlier call; its arrays grow as needed). Checks: one JSON object and nothing after
 * it; every key of the schema exactly once, with its exact case, and no other key;
 * types; integers in range; numbers finite (null where the writer writes null); task in
 * the suite; decisions contiguous from t = 0 with t + chunk within steps and steps within
 * max_steps; chosen within k; list lengths (k candidates, BK_NFEATURE features, chunk
 * rows of BK_NFORCE). Returns 0, or BK_EPARSE with the reason in why (no file name).
 * x may be NULL. */
int bk_record_read(const char* line, size_t n, const bk_record_expect_t* x, bk_record_t* r,
                   char* why, int why_sz);

/* Writes a record read by bk_record_read again (the same bytes the writer gave it), with
 * its run id replaced by run_id (NULL: kept). */
void bk_record_rewrite(const bk_record_t* r, const char* run_id, bk_sb_t* sb);

/* Releases r's arrays (NULL-safe); r may be reused afterwards. */
void bk_record_free(bk_record_t* r);

/* Called per record with its 1-based line number; return 0 to go on, non-zero to stop
 * (that value is returned by bk_record_each). */
typedef int (*bk_record_fn)(const bk_record_t* r, int lineno, void* arg);

/* Reads every record of path with bk_record_read. A bad line is an error
 * "path:line: why" (BK_EPARSE); an empty line is skipped; an unterminated last line (a
 * run cut off while writing) is skipped and counted in *partial (may be NULL). */
int bk_record_each(const char* path, const bk_record_expect_t* x, bk_record_fn fn, void* arg,
                   int* partial, char* err, int err_sz);

#endif
