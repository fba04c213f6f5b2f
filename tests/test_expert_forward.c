/* the expert's partial forward (bk_expert_forward): every quantity the expert reads is
 * bit for bit what a full mj_forward gives from the same primary state, on states along
 * an expert episode (approach, grasp, carry, place: contacts with the object included) */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "policies/expert.h"
#include "policies/policy.h"
#include "run/episode.h"
#include "run/guard.h"
#include "sim/world.h"

extern const bk_policy_ops_t bk_expert_policy;

static char err[1024];

typedef struct {
  mjData *full, *part;
  int states, contacts, differ;
  char what[128];
} check_t;

// the primary state of src into a fresh-looking d (what the expert's observe copies)
static void load(const mjModel* m, const mjData* src, mjData* d) {
  mj_resetData(m, d);
  d->time = src->time;
  mju_copy(d->qpos, src->qpos, m->nq);
  mju_copy(d->qvel, src->qvel, m->nv);
  mju_copy(d->act, src->act, m->na);
  mju_copy(d->ctrl, src->ctrl, m->nu);
  mju_copy(d->mocap_pos, src->mocap_pos, 3 * m->nmocap);
  mju_copy(d->mocap_quat, src->mocap_quat, 4 * m->nmocap);
}

static void same(check_t* c, const char* name, const void* a, const void* b, size_t n) {
  if (!c->differ && memcmp(a, b, n)) {
    c->differ = 1;
    snprintf(c->what, sizeof c->what, "%s differs at state %d", name, c->states);
  }
}

static void compare(void* arg, const struct bk_episode_ctx* ctx, const struct bk_episode* ep,
                    const bk_decision_t* dec) {
  (void)ep, (void)dec;
  check_t* c = arg;
  const mjModel* m = ctx->w->m;
  load(m, ctx->d, c->full);
  load(m, ctx->d, c->part);
  mj_forward(m, c->full);
  bk_expert_forward(m, c->part);
  const mjData *f = c->full, *p = c->part;
  size_t D = sizeof(mjtNum);
  same(c, "qpos", f->qpos, p->qpos, D * m->nq);
  same(c, "xpos", f->xpos, p->xpos, D * 3 * m->nbody);
  same(c, "xquat", f->xquat, p->xquat, D * 4 * m->nbody);
  same(c, "xmat", f->xmat, p->xmat, D * 9 * m->nbody);
  same(c, "xanchor", f->xanchor, p->xanchor, D * 3 * m->njnt);
  same(c, "xaxis", f->xaxis, p->xaxis, D * 3 * m->njnt);
  same(c, "geom_xpos", f->geom_xpos, p->geom_xpos, D * 3 * m->ngeom);
  same(c, "geom_xmat", f->geom_xmat, p->geom_xmat, D * 9 * m->ngeom);
  same(c, "site_xpos", f->site_xpos, p->site_xpos, D * 3 * m->nsite);
  same(c, "site_xmat", f->site_xmat, p->site_xmat, D * 9 * m->nsite);
  same(c, "subtree_com", f->subtree_com, p->subtree_com, D * 3 * m->nbody);
  same(c, "cdof", f->cdof, p->cdof, D * 6 * m->nv);
  same(c, "cvel", f->cvel, p->cvel, D * 6 * m->nbody);
  same(c, "qM", f->qM, p->qM, D * m->nM);
  same(c, "ncon", &f->ncon, &p->ncon, sizeof f->ncon);
  for (int i = 0; !c->differ && i < f->ncon; i++) {
    same(c, "contact geoms", &f->contact[i].geom1, &p->contact[i].geom1, sizeof(int));
    same(c, "contact geoms", &f->contact[i].geom2, &p->contact[i].geom2, sizeof(int));
    same(c, "contact pos", f->contact[i].pos, p->contact[i].pos, D * 3);
    same(c, "contact dist", &f->contact[i].dist, &p->contact[i].dist, D);
  }
  c->contacts += f->ncon;
  c->states++;
}

Test(expert_forward, reads_what_mj_forward_gives_bit_for_bit) {
  bk_guard_install();
  bk_world_t* w = bk_world_create(BOKBO_SOURCE_DIR "/scenes", "libero_object", 0, err, sizeof err);
  cr_assert_not_null(w, "%s", err);
  check_t c = {mj_makeData(w->m), mj_makeData(w->m), 0, 0, 0, ""};
  bk_episode_cfg_t cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.max_steps = 280;
  cfg.chunk = cfg.open_loop = 8;
  cfg.k = 1;
  cfg.on_step = compare;
  cfg.on_step_arg = &c;
  bk_episode_ctx_t* ctx = bk_episode_ctx_create(w, &cfg);
  void* self = bk_expert_policy.create(NULL, err, sizeof err);
  cr_assert(ctx && self, "%s", err);
  bk_episode_t ep;
  cr_assert_eq(bk_episode_alloc(&ep, cfg.max_steps, 0), 0);
  cr_assert_eq(bk_episode_run(ctx, &cfg, &bk_expert_policy, self, 0, 0, &ep), 0);
  cr_expect(ep.success, "the episode (grasp and place) should succeed: %s", ep.error);
  cr_expect_eq(c.differ, 0, "%s", c.what);
  cr_expect_gt(c.states, 50);
  cr_expect_gt(c.contacts, 10 * c.states, "contacts %d over %d states", c.contacts, c.states);
  bk_episode_release(&ep);
  bk_expert_policy.destroy(self);
  bk_episode_ctx_free(ctx);
  mj_deleteData(c.full);
  mj_deleteData(c.part);
  bk_world_free(w);
}
