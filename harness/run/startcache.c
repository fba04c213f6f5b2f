#include "run/startcache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "run/episode.h"

typedef struct {
  int used, init, axis;
  double delta;
  double time;
  mjtNum* state;               /* qpos, qvel, act, ctrl, mocap pos and quat, warm start */
  mjWarningStat warning[mjNWARNING];
  bk_osc_t* osc;
} entry_t;

struct bk_startcache {
  const bk_world_t* w;
  int nstate, next;
  long computed, copied;
  pthread_mutex_t lock;        /* the workers of a run share one cache per world */
  entry_t e[BK_STARTCACHE_CAP];
};

bk_startcache_t* bk_startcache_create(const bk_world_t* w) {
  bk_startcache_t* c = calloc(1, sizeof *c);
  if (!c) return NULL;
  const mjModel* m = w->m;
  c->w = w;
  c->nstate = m->nq + 2 * m->nv + m->na + m->nu + 7 * m->nmocap;
  pthread_mutex_init(&c->lock, NULL);
  return c;
}

void bk_startcache_free(bk_startcache_t* c) {
  if (!c) return;
  for (int i = 0; i < BK_STARTCACHE_CAP; i++) {
    free(c->e[i].state);
    bk_osc_free(c->e[i].osc);
  }
  pthread_mutex_destroy(&c->lock);
  free(c);
}

void bk_startcache_counts(bk_startcache_t* c, long* computed, long* copied) {
  pthread_mutex_lock(&c->lock);
  *computed = c->computed;
  *copied = c->copied;
  pthread_mutex_unlock(&c->lock);
}

// copies the primary state between d and a flat buffer (to_d: buffer -> d)
static void transfer(const mjModel* m, mjData* d, mjtNum* s, int to_d) {
  mjtNum* f[6] = {d->qpos, d->qvel, d->act, d->ctrl, d->mocap_pos, d->mocap_quat};
  int n[6] = {m->nq, m->nv, m->na, m->nu, 3 * m->nmocap, 4 * m->nmocap};
  for (int i = 0; i < 6; i++) {
    if (to_d) mju_copy(f[i], s, n[i]);
    else mju_copy(s, f[i], n[i]);
    s += n[i];
  }
  if (to_d) mju_copy(d->qacc_warmstart, s, m->nv);
  else mju_copy(s, d->qacc_warmstart, m->nv);
}

static entry_t* find(bk_startcache_t* c, int init, const bk_shift_t* shift) {
  int axis = shift ? shift->axis : -1;
  double delta = shift && shift->axis >= 0 ? shift->delta : 0;
  for (int i = 0; i < BK_STARTCACHE_CAP; i++) {
    entry_t* e = &c->e[i];
    if (e->used && e->init == init && e->axis == axis && e->delta == delta) return e;
  }
  return NULL;
}

// keeps the start in d and osc in a slot (the oldest is replaced); NULL when out of memory
static entry_t* keep(bk_startcache_t* c, const bk_osc_t* osc, mjData* d, int init,
                     const bk_shift_t* shift) {
  entry_t* e = &c->e[c->next];
  if (!e->state) e->state = malloc(sizeof(mjtNum) * c->nstate);
  if (!e->osc) e->osc = bk_osc_create(c->w);
  if (!e->state || !e->osc) return NULL;
  c->next = (c->next + 1) % BK_STARTCACHE_CAP;
  e->used = 1;
  e->init = init;
  e->axis = shift ? shift->axis : -1;
  e->delta = shift && shift->axis >= 0 ? shift->delta : 0;
  e->time = d->time;
  transfer(c->w->m, d, e->state, 0);
  memcpy(e->warning, d->warning, sizeof e->warning);
  bk_osc_copy(e->osc, osc);
  return e;
}

// the kept start's primary state into d and osc (under the lock: a slot may be reused)
static void restore_state(const bk_startcache_t* c, const entry_t* e, bk_osc_t* osc, mjData* d) {
  const mjModel* m = c->w->m;
  d->pstack = 0;  // nothing lives on the stack between steps (an engine error may have left it)
  d->time = e->time;
  transfer(m, d, e->state, 1);
  mju_zero(d->qfrc_applied, m->nv);
  mju_zero(d->xfrc_applied, 6 * m->nbody);
  memcpy(d->warning, e->warning, sizeof d->warning);
  bk_osc_copy(osc, e->osc);
}

int bk_startcache_start(bk_startcache_t* c, bk_osc_t* osc, mjData* d, int init,
                        const bk_shift_t* shift, char* err, int err_sz) {
  pthread_mutex_lock(&c->lock);
  entry_t* e = find(c, init, shift);
  if (e) {
    c->copied++;
  } else {
    // computed outside the lock; a worker that computed the same start meanwhile got the
    // same bits, and the one kept first is what both restore
    pthread_mutex_unlock(&c->lock);
    int rc = bk_episode_start(c->w, osc, d, init, shift, err, err_sz);
    if (rc) return rc;
    pthread_mutex_lock(&c->lock);
    c->computed++;
    if (!(e = find(c, init, shift))) e = keep(c, osc, d, init, shift);
  }
  if (e) restore_state(c, e, osc, d);
  pthread_mutex_unlock(&c->lock);
  if (!e) return bk_fail(err, err_sz, BK_ENOMEM, "start cache: out of memory");
  // derived quantities recomputed outside the lock
  bk_episode_forward(c->w->m, d);
  return 0;
}
