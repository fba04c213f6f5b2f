#include "run/shard.h"

#include <stdlib.h>

#include "core/err.h"

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

int bk_shard_run_owners(const bk_run_cfg_t* cfg, bk_world_t* const* worlds, size_t total,
                        int** owner) {
  size_t per_task = cfg->ntask > 0 ? total / (size_t)cfg->ntask : 0;
  uint32_t* cost = malloc(sizeof *cost * (total ? total : 1));
  *owner = malloc(sizeof **owner * (total ? total : 1));
  int rc = cost && *owner ? 0 : BK_ENOMEM;
  for (size_t k = 0; !rc && k < total; k++) cost[k] = bk_shard_world_cost(worlds[cfg->tasks[k / per_task]]);
  if (!rc) rc = bk_shard_plan(cost, total, cfg->nshard, *owner);
  free(cost);
  return rc;
}
