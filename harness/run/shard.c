#include "run/shard.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/err.h"
#include "core/json.h"

/* a shard and its cost so far, kept in a binary min-heap on (load, shard) */
typedef struct {
  uint64_t load;
  int shard;
} slot_t;

typedef struct {
  const uint32_t* cost;
  size_t i;
} item_t;

static int slot_less(const slot_t* a, const slot_t* b) {
  return a->load < b->load || (a->load == b->load && a->shard < b->shard);
}

// restore the heap below position p
static void sift_down(slot_t* h, int n, int p) {
  for (;;) {
    int l = 2 * p + 1, r = l + 1, m = p;
    if (l < n && slot_less(&h[l], &h[m])) m = l;
    if (r < n && slot_less(&h[r], &h[m])) m = r;
    if (m == p) return;
    slot_t t = h[p];
    h[p] = h[m];
    h[m] = t;
    p = m;
  }
}

// decreasing cost, then canonical order
static int by_cost(const void* a, const void* b) {
  const item_t *x = a, *y = b;
  uint32_t cx = x->cost[x->i], cy = y->cost[y->i];
  if (cx != cy) return cx > cy ? -1 : 1;
  return x->i < y->i ? -1 : x->i > y->i;
}

int bk_shard_plan(const uint32_t* cost, size_t n, int nshard, int* owner) {
  if (nshard < 1 || (n && (!cost || !owner))) return BK_EINVAL;
  item_t* items = malloc(sizeof *items * (n ? n : 1));
  slot_t* heap = malloc(sizeof *heap * (size_t)nshard);
  if (!items || !heap) {
    free(items);
    free(heap);
    return BK_ENOMEM;
  }
  for (size_t i = 0; i < n; i++) items[i] = (item_t){cost, i};
  qsort(items, n, sizeof *items, by_cost);
  // shards in index order already form a heap (all loads zero)
  for (int s = 0; s < nshard; s++) heap[s] = (slot_t){0, s};
  for (size_t k = 0; k < n; k++) {
    owner[items[k].i] = heap[0].shard;
    heap[0].load += cost[items[k].i];
    sift_down(heap, nshard, 0);
  }
  free(items);
  free(heap);
  return 0;
}

uint32_t bk_shard_scene_cost(int ngeom_collidable, int nv) {
  uint64_t g = ngeom_collidable > 0 ? (uint64_t)ngeom_collidable : 0;
  uint64_t c = g * (g > 0 ? g - 1 : 0) / 2 + (nv > 0 ? (uint64_t)nv : 0);
  return c < 1 ? 1 : c > UINT32_MAX ? UINT32_MAX : (uint32_t)c;
}

uint32_t bk_shard_world_cost(const bk_world_t* w) {
  const mjModel* m = w->m;
  int g = 0;
  for (int i = 0; i < m->ngeom; i++) g += m->geom_contype[i] != 0 || m->geom_conaffinity[i] != 0;
  return bk_shard_scene_cost(g, m->nv);
}

// the plan's cost of one episode of each task of the run: the given costs scaled so the
// largest is 1e6 (never below 1), or the scene proxy
static void task_costs(const bk_run_cfg_t* cfg, bk_world_t* const* worlds, uint32_t* out) {
  double top = 0;
  for (int i = 0; cfg->shard_costs && i < cfg->ntask; i++) top = fmax(top, cfg->shard_costs[cfg->tasks[i]]);
  for (int i = 0; i < cfg->ntask; i++) {
    double c = cfg->shard_costs && top > 0 ? round(1e6 * cfg->shard_costs[cfg->tasks[i]] / top) : 0;
    out[i] = cfg->shard_costs ? (c < 1 ? 1 : (uint32_t)c) : bk_shard_world_cost(worlds[cfg->tasks[i]]);
  }
}

int bk_shard_run_owners(const bk_run_cfg_t* cfg, bk_world_t* const* worlds, size_t total,
                        int** owner) {
  size_t per_task = cfg->ntask > 0 ? total / (size_t)cfg->ntask : 0;
  uint32_t* cost = malloc(sizeof *cost * (total ? total : 1)), per[BK_SUITE_NTASK];
  *owner = malloc(sizeof **owner * (total ? total : 1));
  int rc = cost && *owner ? 0 : BK_ENOMEM;
  task_costs(cfg, worlds, per);
  for (size_t k = 0; !rc && k < total; k++) cost[k] = per[k / per_task];
  if (!rc) rc = bk_shard_plan(cost, total, cfg->nshard, *owner);
  free(cost);
  return rc;
}

int bk_shard_costs_load(const char* path, double cost[BK_SUITE_NTASK], int have[BK_SUITE_NTASK],
                        char* err, int err_sz) {
  for (int t = 0; t < BK_SUITE_NTASK; t++) cost[t] = 0, have[t] = 0;
  cJSON* j = bk_json_load(path, err, err_sz);
  if (!j) return BK_EPARSE;
  const cJSON* tasks = cJSON_GetObjectItemCaseSensitive(j, "tasks");
  int rc = cJSON_IsObject(tasks) ? 0 : bk_fail(err, err_sz, BK_EPARSE, "%s: expected an object \"tasks\"", path);
  const cJSON *it, *list = rc ? NULL : tasks;
  cJSON_ArrayForEach(it, list) {
    char* end;
    long t = strtol(it->string, &end, 10);
    if (end == it->string || *end || t < 0 || t >= BK_SUITE_NTASK) {
      rc = bk_fail(err, err_sz, BK_EPARSE, "%s: \"tasks\": '%s' is not a task id 0-%d", path, it->string,
                   BK_SUITE_NTASK - 1);
    } else if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble) || it->valuedouble <= 0) {
      rc = bk_fail(err, err_sz, BK_EPARSE, "%s: task %ld: expected a finite cost > 0", path, t);
    } else {
      cost[t] = it->valuedouble;
      have[t] = 1;
    }
    if (rc) break;
  }
  cJSON_Delete(j);
  return rc;
}
