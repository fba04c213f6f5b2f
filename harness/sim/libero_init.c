#include "sim/libero_init.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/rng.h"
#include "sim/torchnp.h"

typedef struct {
  bk_torchnp_t states;
  char path[2200];
  char hash[17];
} states_t;

static void states_free(void* p) {
  states_t* s = p;
  if (!s) return;
  bk_torchnp_free(&s->states);
  free(s);
}

// FNV-1a 64 of a file's bytes
static int hash_file(const char* path, char out[17], char* err, int err_sz) {
  long n = 0;
  char* b = bk_read_file(path, &n, err, err_sz);
  if (!b) return BK_EIO;
  uint64_t h = 14695981039346656037ULL;
  for (long i = 0; i < n; i++) h = (h ^ (unsigned char)b[i]) * 1099511628211ULL;
  free(b);
  snprintf(out, 17, "%016llx", (unsigned long long)h);
  return 0;
}

static const states_t* states_of(const bk_world_t* w) {
  return w && w->src_free == states_free ? w->src_data : NULL;
}

// a fixture at a uniform draw of its region, resting on the work surface (its mocap pose)
static int place_fixture(const bk_world_t* w, bk_rng_t* rng, int e, const char* ref, mjData* d,
                         char* err, int err_sz) {
  const bk_region_t* r = bk_world_surface_region(w, ref);
  if (!r || r->nrange < 1) {
    return bk_fail(err, err_sz, BK_ENOENT, "%s: fixture %s: unknown region '%s'", w->ref.path,
                   w->ent[e].name, ref);
  }
  const bk_rect_t* q = &r->range[0];
  double yaw = r->has_yaw ? bk_rng_range(rng, r->yaw[0], r->yaw[1]) : 0.0;
  mjtNum* pos = d->mocap_pos + 3 * w->ent[e].mocap;
  mjtNum* quat = d->mocap_quat + 4 * w->ent[e].mocap;
  pos[0] = w->surface[0] + bk_rng_range(rng, q->x0, q->x1);
  pos[1] = w->surface[1] + bk_rng_range(rng, q->y0, q->y1);
  pos[2] = w->surface[2] - w->ent[e].lo[2] + 0.001;
  quat[0] = cos(0.5 * yaw);
  quat[1] = quat[2] = 0;
  quat[3] = sin(0.5 * yaw);
  return 0;
}

// LIBERO's set_init_state: time, qpos, qvel of one row; fixtures drawn in their regions
static int init_state(const bk_world_t* w, int init_id, const bk_shift_t* shift, mjData* d,
                      char* err, int err_sz) {
  const states_t* s = states_of(w);
  if (shift && shift->axis >= 0 && shift->delta != 0) {
    return bk_fail(err, err_sz, BK_EINVAL, "--shift needs --scenes builtin (LIBERO's init "
                   "states are fixed)");
  }
  if (init_id < 0 || init_id >= s->states.rows) {
    return bk_fail(err, err_sz, BK_ERANGE, "%s: init %d out of range (0-%d)", s->path, init_id,
                   s->states.rows - 1);
  }
  const mjModel* m = w->m;
  const double* row = s->states.data + (size_t)init_id * (size_t)s->states.cols;
  mj_resetData(m, d);
  bk_rng_t rng;
  uint64_t key[3] = {bk_rng_hash(w->suite), (uint64_t)w->ref.id, (uint64_t)init_id};
  bk_rng_seed(&rng, key, 3);
  const bk_task_t* t = &w->task;
  for (int i = 0; i < t->ninit; i++) {
    const bk_atom_t* a = &t->init[i];
    int e = bk_world_entity(w, a->arg[0]);
    if (a->pred != BK_PRED_ON || e < 0 || !w->ent[e].fixture) continue;
    int rc = place_fixture(w, &rng, e, a->arg[1], d, err, err_sz);
    if (rc) return rc;
  }
  d->time = row[0];
  memcpy(d->qpos, row + 1, sizeof(mjtNum) * (size_t)m->nq);
  memcpy(d->qvel, row + 1 + m->nq, sizeof(mjtNum) * (size_t)m->nv);
  mj_forward(m, d);
  return 0;
}

int bk_libero_init_file(const bk_libero_paths_t* p, const char* suite, const char* task_name,
                        char* path, int path_sz, char hash[17], char* err, int err_sz) {
  int n = snprintf(path, (size_t)path_sz, "%s/" BK_LIBERO_INITS "/%s/%s.pruned_init", p->libero,
                   suite, task_name);
  if (n >= path_sz) return bk_fail(err, err_sz, BK_EINVAL, "%s: path too long", path);
  return hash_file(path, hash, err, err_sz);
}

int bk_libero_init_attach(bk_world_t* w, const bk_libero_paths_t* p, char* err, int err_sz) {
  states_t* s = calloc(1, sizeof *s);
  if (!s) return bk_fail(err, err_sz, BK_ENOMEM, "out of memory");
  int rc = bk_libero_init_file(p, w->suite, w->ref.name, s->path, sizeof s->path, s->hash, err,
                               err_sz);
  if (!rc) rc = bk_torchnp_load(s->path, &s->states, err, err_sz);
  int want = 1 + w->m->nq + w->m->nv;
  if (!rc && s->states.cols != want) {
    rc = bk_fail(err, err_sz, BK_EPARSE,
                 "%s: rows hold %d numbers but the scene has 1 + nq + nv = 1 + %d + %d = %d: "
                 "its qpos layout is not LIBERO's", s->path, s->states.cols, w->m->nq, w->m->nv,
                 want);
  }
  if (rc) {
    states_free(s);
    return rc;
  }
  w->src_data = s;
  w->src_free = states_free;
  w->init_state = init_state;
  return 0;
}

int bk_libero_init_count(const bk_world_t* w) {
  const states_t* s = states_of(w);
  return s ? s->states.rows : 0;
}

const char* bk_libero_init_path(const bk_world_t* w) {
  const states_t* s = states_of(w);
  return s ? s->path : NULL;
}

const char* bk_libero_init_hash(const bk_world_t* w) {
  const states_t* s = states_of(w);
  return s ? s->hash : NULL;
}

const double* bk_libero_init_row(const bk_world_t* w, int init_id) {
  const states_t* s = states_of(w);
  if (!s || init_id < 0 || init_id >= s->states.rows) return NULL;
  return s->states.data + (size_t)init_id * (size_t)s->states.cols;
}
