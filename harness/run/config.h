/* bk_config: the run settings that shape records, as run.json stores them.
 *
 * One list, BK_CONFIG_FIELDS (key, scope), says which run.json keys decide what the
 * records of a run are; resume and merge compare configurations through it instead of
 * keeping their own lists. Scopes: BK_CONFIG_RECORD keys shape every record (two runs
 * that differ in one cannot share records); BK_CONFIG_EPISODES keys list the episodes
 * (the shards of one run share them; `run --extend` may add to them); BK_CONFIG_SHARDS is
 * the split into parts (shared by the parts, kept by a resumed part); BK_CONFIG_PART keys
 * differ between the parts of one run but not within one directory.
 * Resume compares RECORD | SHARDS | PART (and the episode lists through run/resume.h, which
 * `--extend` lets grow); merge compares RECORD | EPISODES | SHARDS. Input files count by
 * their contents ("<option>_fnv1a64", run/resume.h), not by their paths. */
#ifndef BK_RUN_CONFIG_H
#define BK_RUN_CONFIG_H

#include <cjson/cJSON.h>

enum { BK_CONFIG_RECORD = 1, BK_CONFIG_EPISODES = 2, BK_CONFIG_SHARDS = 4, BK_CONFIG_PART = 8 };

#define BK_CONFIG_FIELDS(X)              \
  X(suite, BK_CONFIG_RECORD)             \
  X(policy, BK_CONFIG_RECORD)            \
  X(policy_opts, BK_CONFIG_RECORD)       \
  X(k, BK_CONFIG_RECORD)                 \
  X(chunk, BK_CONFIG_RECORD)             \
  X(open_loop, BK_CONFIG_RECORD)         \
  X(max_steps, BK_CONFIG_RECORD)         \
  X(thresholds_fnv1a64, BK_CONFIG_RECORD) \
  X(global_threshold, BK_CONFIG_RECORD)  \
  X(sampling, BK_CONFIG_RECORD)          \
  X(scorer, BK_CONFIG_RECORD)            \
  X(predictor_fnv1a64, BK_CONFIG_RECORD)  \
  X(reference, BK_CONFIG_RECORD)         \
  X(run_seed, BK_CONFIG_RECORD)          \
  X(abstain_fnv1a64, BK_CONFIG_RECORD)    \
  X(tasks, BK_CONFIG_EPISODES)           \
  X(inits, BK_CONFIG_EPISODES)           \
  X(seeds, BK_CONFIG_EPISODES)           \
  X(nshard, BK_CONFIG_SHARDS)            \
  X(shard_costs_fnv1a64, BK_CONFIG_SHARDS) \
  X(shard, BK_CONFIG_PART)               \
  X(force_trace, BK_CONFIG_PART)

/* Compares a and b (run.json objects) on every key whose scope is in `scopes`. Returns
 * NULL when they agree, else the first key that differs (missing on either side counts
 * as different). */
const char* bk_config_differs(const cJSON* a, const cJSON* b, unsigned scopes);

#endif
