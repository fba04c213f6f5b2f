/* bk_record: the episode record, one JSON object per line of episodes.jsonl.
 *
 * Fields are defined once in BK_EPISODE_FIELDS (name, JSON kind, value expression) and
 * the writer walks that table, so the keys, their order and their formatting are the same
 * everywhere. The line is a pure function of the episode: no times, no thread ids, so the
 * same (task, init, seed, settings) always gives the same bytes. */
#ifndef BK_RUN_RECORD_H
#define BK_RUN_RECORD_H

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
} bk_record_ctx_t;

/* episode-level scalar fields: X(key, kind, expression over `c` and `e`) */
#define BK_EPISODE_FIELDS(X)                         \
  X(run, STR, c->run_id)                             \
  X(suite, STR, c->suite)                            \
  X(task, INT, e->task)                              \
  X(init, INT, e->init)                              \
  X(seed, INT, e->seed)                              \
  X(policy, STR, c->policy)                          \
  X(sampling, STR, c->sampling)                      \
  X(value, EXACT, c->value)                            \
  X(scorer, STR, c->scorer)                          \
  X(k, INT, c->k)                                    \
  X(chunk, INT, c->chunk)                            \
  X(open_loop, INT, c->open_loop)                    \
  X(max_steps, INT, c->max_steps)                    \
  X(success, BOOL, e->success)                       \
  X(abstained, BOOL, e->abstained)                   \
  X(steps, INT, e->steps)                            \
  X(error, STR, e->error)                            \
  X(bokbo, STR, BOKBO_VERSION)                       \
  X(mujoco, INT, mj_version())

/* Appends the record of episode e as one JSON line (with the newline) to sb. */
void bk_record_write(const bk_record_ctx_t* c, const bk_episode_t* e, bk_sb_t* sb);

/* Appends s as a JSON string literal (quotes and escapes). */
void bk_record_json_string(bk_sb_t* sb, const char* s);

#endif
