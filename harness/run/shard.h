/* bk_shard: which episodes each shard of a run owns (`run --shard I/N`).
 *
 * Episodes differ in expected cost (a cluttered scene steps slower than a sparse one), so
 * interleaving by index can leave one shard with the expensive tail. The plan is
 * longest-processing-time first: episodes in decreasing cost (ties in canonical order) each
 * go to the shard with the least cost so far (ties to the lowest shard). Episodes of an
 * expensive task are therefore dealt round the shards first, and the cheap ones fill the
 * gaps. The plan depends only on the costs and N, so every shard process, on any node,
 * computes the same one; every episode lands in exactly one shard, and the most loaded
 * shard exceeds the least loaded one by at most one episode's cost. */
#ifndef BK_RUN_SHARD_H
#define BK_RUN_SHARD_H

#include <stddef.h>
#include <stdint.h>

#include "run/runner.h"
#include "sim/world.h"

/* Assigns each of n episodes (episode i costs cost[i] > 0, in the run's canonical order) to
 * one of nshard >= 1 shards: owner[i] in [0, nshard). Returns 0, BK_EINVAL for a bad
 * argument, BK_ENOMEM; on error owner is left unspecified. */
int bk_shard_plan(const uint32_t* cost, size_t n, int nshard, int* owner);

/* The expected cost of one step of a compiled scene, for bk_shard_plan: the number of
 * geometry pairs the collision phase may test among collidable geoms, plus the degrees of
 * freedom. A deterministic proxy, not a timing. */
uint32_t bk_shard_scene_cost(int ngeom_collidable, int nv);

/* bk_shard_scene_cost of a compiled world (geoms with a nonzero contype or conaffinity). */
uint32_t bk_shard_world_cost(const bk_world_t* w);

/* The owner of every episode of a run cut into cfg->nshard > 1 shards, in the runner's
 * canonical order (task, sampling value, init, seed); each episode costs its task's
 * cfg->shard_costs entry when given, else its scene cost (worlds[task], built for every
 * task of the run). *owner is a heap array of `total` entries for the caller to free.
 * Returns 0 or BK_ENOMEM. */
int bk_shard_run_owners(const bk_run_cfg_t* cfg, bk_world_t* const* worlds,
                        size_t total, int** owner);

/* Measured per-task episode costs (`run --shard-costs FILE`), so that every shard process
 * computes the same plan from the same file: a JSON object whose "tasks" maps task ids
 * ("0".."9") to a finite cost > 0 per episode, in any one unit (mean seconds, or mean
 * control steps as tools/shard_costs.py writes from an earlier run's records); other keys
 * are ignored. Fills cost[t] and have[t] (1) for each task listed, have[t] = 0 for the
 * rest. Returns 0, or a negative code with err ("path: why"). */
int bk_shard_costs_load(const char* path, double cost[BK_SUITE_NTASK], int have[BK_SUITE_NTASK],
                        char* err, int err_sz);

#endif
