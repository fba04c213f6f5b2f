/* plugin: a user policy in a shared library behind the C ABI of policies/bokbo_policy.h.
 *
 * Options: "path=LIB.so[,the plugin's own options]" (`--policy plugin:LIB.so` writes the
 * path). The library is opened once per instance (dlopen counts), its table checked for
 * BOKBO_POLICY_ABI, and the rest of the options handed to its create. */
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "policies/bokbo_policy.h"
#include "policies/policy.h"

#define BK_PLUGIN_MAX_K 64

typedef struct {
  void* lib;
  const bokbo_policy_api* api;
  void* inner;
  char err[512];
} plugin_t;

static void destroy(void* self) {
  plugin_t* x = self;
  if (!x) return;
  if (x->inner) x->api->destroy(x->inner);
  if (x->lib) dlclose(x->lib);
  free(x);
}

// the library's table, version-checked
static int load(plugin_t* x, const char* path, char* err, int err_sz) {
  x->lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!x->lib) return bk_fail(err, err_sz, BK_ENOENT, "plugin %s: %s", path, dlerror());
  bokbo_policy_entry_fn entry;
  *(void**)&entry = dlsym(x->lib, "bokbo_policy_entry");
  if (!entry) return bk_fail(err, err_sz, BK_ENOENT, "plugin %s: no bokbo_policy_entry function", path);
  x->api = entry();
  if (!x->api || x->api->abi_version != BOKBO_POLICY_ABI) {
    return bk_fail(err, err_sz, BK_EINVAL, "plugin %s: ABI version %d, bokbo speaks %d", path,
                   x->api ? x->api->abi_version : -1, BOKBO_POLICY_ABI);
  }
  if (!x->api->create || !x->api->reset || !x->api->act || !x->api->destroy) {
    return bk_fail(err, err_sz, BK_EINVAL, "plugin %s: the table lacks create, reset, act or destroy", path);
  }
  return 0;
}

static void* create(const char* opts, char* err, int err_sz) {
  if (!opts || strncmp(opts, "path=", 5)) {
    bk_fail(err, err_sz, BK_EINVAL, "use --policy plugin:path/to/policy.so");
    return NULL;
  }
  plugin_t* x = calloc(1, sizeof *x);
  if (!x) return NULL;
  char path[1024];
  size_t n = strcspn(opts + 5, ",");
  snprintf(path, sizeof path, "%.*s", (int)n, opts + 5);
  const char* rest = opts[5 + n] ? opts + 5 + n + 1 : "";
  char inner_err[256] = "";
  if (load(x, path, err, err_sz) == 0 &&
      !(x->inner = x->api->create(rest, inner_err, sizeof inner_err))) {
    bk_fail(err, err_sz, BK_EINVAL, "plugin %s: %s", x->api->name ? x->api->name : path,
            inner_err[0] ? inner_err : "create failed");
  }
  if (!x->inner) {
    destroy(x);
    return NULL;
  }
  return x;
}

static int reset(void* self, const bk_world_t* w, const mjData* d, uint64_t seed) {
  plugin_t* x = self;
  x->err[0] = '\0';
  int rc = x->api->reset(x->inner, seed);
  if (rc) snprintf(x->err, sizeof x->err, "plugin reset failed (%d)", rc);
  return rc ? BK_EINVAL : 0;
}

static int act(void* self, const bk_obs_t* obs, const bk_query_t* q, bk_chunk_t* out) {
  plugin_t* x = self;
  bokbo_obs o = {obs->state, obs->image, obs->wrist_image, obs->image_size, obs->prompt, obs->step};
  double logp[BK_PLUGIN_MAX_K];
  int k = q->k < BK_PLUGIN_MAX_K ? q->k : BK_PLUGIN_MAX_K;
  for (int c = 0; c < k; c++) logp[c] = NAN;
  int rc = x->api->act(x->inner, &o, k, q->h, q->temperature, bk_rng_next(q->rng), out->actions, logp);
  if (rc) {
    const char* why = x->api->error ? x->api->error(x->inner) : NULL;
    snprintf(x->err, sizeof x->err, "plugin: %s", why && why[0] ? why : "act failed");
    return BK_EINVAL;
  }
  if (out->logp) memcpy(out->logp, logp, sizeof(double) * (size_t)k);
  return 0;
}

static const char* error(void* self) { return ((plugin_t*)self)->err; }

const bk_policy_ops_t bk_plugin_policy = {
  .name = "plugin",
  .help = "a user policy in a shared library (--policy plugin:path.so; policies/bokbo_policy.h)",
  .flags = BK_POLICY_IMAGES | BK_POLICY_DISTRIBUTION,
  .create = create,
  .reset = reset,
  .act = act,
  .destroy = destroy,
  .error = error,
};
