/* placeholder: the scripted expert is being written; holds still */
#include <stdlib.h>
#include <string.h>

#include "control/osc.h"
#include "policies/policy.h"

static void* create(const char* options, char* err, int err_sz) {
  (void)options; (void)err; (void)err_sz;
  return calloc(1, 1);
}
static int reset(void* self, const bk_world_t* w, const mjData* d, uint64_t seed) {
  (void)self; (void)w; (void)d; (void)seed;
  return 0;
}
static int act(void* self, const bk_obs_t* obs, const bk_query_t* q, bk_chunk_t* out) {
  (void)self; (void)obs;
  memset(out->actions, 0, sizeof(double) * q->k * q->h * BK_ACTION_DIM);
  return 0;
}
static void destroy(void* self) { free(self); }

const bk_policy_ops_t bk_expert_policy = {
  "expert", "scripted expert from privileged state", BK_POLICY_PRIVILEGED,
  create, reset, act, destroy,
};
