/* oft / openvla: clients of the OpenVLA-OFT and OpenVLA deploy servers (HTTP + JSON).
 *
 *   oft:     POST /act {"full_image": uint8 224x224x3, "wrist_image": the same,
 *                       "state": float64 (8,), "instruction": str}
 *            -> a list of H arrays of shape (7,) (8 for LIBERO), executed open loop
 *   openvla: POST /act {"image": uint8 224x224x3, "instruction": str[, "unnorm_key"]}
 *            -> one array of shape (7,): use --chunk 1
 * Arrays are json_numpy objects. Images as OFT's LIBERO evaluation prepares them: the
 * 256 x 256 render turned 180 degrees, JPEG encoded and decoded, Lanczos-resized to 224
 * (bk_oftimg). Gripper as OFT's LIBERO evaluation post-processes it for the openvla
 * family: g = sign(2 g - 1), then g = -g (option gripper=raw keeps the server's value).
 * A reply that is the JSON string "error" (the servers' answer to any exception) is an
 * episode error. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "net/http.h"
#include "net/jsonnp.h"
#include "obs/oftimg.h"
#include "policies/policy.h"
#include "policies/remote.h"
#include "render/render.h"

#define OFT_SIZE 224

typedef struct {
  bk_remote_opts_t o;
  int single;                  /* openvla: one action per reply */
  char unnorm_key[128];
  bk_http_t* http;
  bk_sb_t body;
  unsigned char* raw;          /* a 256 x 256 render, prepared in place */
  unsigned char* img[2];       /* 224 x 224 x 3: agentview, wrist */
  double* scratch;             /* Lanczos: 224 x 256 x 3 */
  int replies;
  char err[512];
  double infer_ms;
  int calls;
} oft_t;

static void destroy(void* self) {
  oft_t* x = self;
  if (!x) return;
  bk_http_free(x->http);
  bk_sb_free(&x->body);
  free(x->raw);
  free(x->img[0]);
  free(x->img[1]);
  free(x->scratch);
  free(x);
}

// unnorm_key=... belongs to openvla; the rest to bk_remote
static void* create_any(const char* opts, int single, char* err, int err_sz) {
  oft_t* x = calloc(1, sizeof *x);
  if (!x) return NULL;
  char rest[1024] = "";
  const char* k = opts ? strstr(opts, "unnorm_key=") : NULL;
  if (k && single) {
    snprintf(x->unnorm_key, sizeof x->unnorm_key, "%.*s", (int)strcspn(k + 11, ","), k + 11);
    snprintf(rest, sizeof rest, "%.*s%s", (int)(k - opts), opts, k[11 + strcspn(k + 11, ",")] ? k + 12 + strcspn(k + 11, ",") : "");
  } else if (opts) {
    snprintf(rest, sizeof rest, "%s", opts);
  }
  size_t n = (size_t)BK_OBS_RENDER_SIZE * BK_OBS_RENDER_SIZE * 3;
  x->single = single;
  x->raw = malloc(n);
  x->img[0] = malloc(n);
  x->img[1] = malloc(n);
  x->scratch = malloc(sizeof(double) * OFT_SIZE * BK_OBS_RENDER_SIZE * 3);
  if (bk_remote_parse(rest, "http", &x->o, err, err_sz) ||
      (x->o.temperature && bk_fail(err, err_sz, BK_EINVAL, "the %s deploy server has no sampling API: use "
                                   "--sampling perturb or repeat", single ? "OpenVLA" : "OFT")) || !x->raw || !x->img[0] || !x->img[1] ||
      !x->scratch || !(x->http = bk_http_create(&x->o.url, err, err_sz))) {
    destroy(x);
    return NULL;
  }
  return x;
}

static void* create_oft(const char* opts, char* err, int err_sz) { return create_any(opts, 0, err, err_sz); }
static void* create_openvla(const char* opts, char* err, int err_sz) { return create_any(opts, 1, err, err_sz); }

static int reset(void* self, const bk_world_t* w, const mjData* d, uint64_t seed) {
  ((oft_t*)self)->err[0] = '\0';
  return 0;
}

// one image as OFT prepares it, into x->img[i]
static int prepare(oft_t* x, const unsigned char* src, int size, int i) {
  if (size == OFT_SIZE) {  // already at the policy size (not the LIBERO path)
    memcpy(x->img[i], src, (size_t)size * size * 3);
    return 0;
  }
  memcpy(x->raw, src, (size_t)size * size * 3);
  return bk_oftimg_prepare(x->raw, size, x->img[i], OFT_SIZE, x->scratch, x->err, sizeof x->err);
}

// the request body of one decision
static int build_body(oft_t* x, const bk_obs_t* obs) {
  long ishape[3] = {OFT_SIZE, OFT_SIZE, 3}, sshape[1] = {BK_STATE_DIM};
  size_t nimg = (size_t)OFT_SIZE * OFT_SIZE * 3;
  int rc = prepare(x, obs->image, obs->image_size, 0);
  if (!rc && !x->single) rc = prepare(x, obs->wrist_image, obs->image_size, 1);
  if (rc) return rc;
  bk_sb_t* sb = &x->body;
  sb->len = 0;
  bk_sb_puts(sb, x->single ? "{\"image\":" : "{\"full_image\":");
  bk_jsonnp_array(sb, "|u1", x->img[0], nimg, ishape, 3);
  if (!x->single) {
    bk_sb_puts(sb, ",\"wrist_image\":");
    bk_jsonnp_array(sb, "|u1", x->img[1], nimg, ishape, 3);
    bk_sb_puts(sb, ",\"state\":");
    bk_jsonnp_array(sb, "<f8", obs->state, sizeof obs->state, sshape, 1);
  }
  bk_sb_puts(sb, ",\"instruction\":");
  cJSON* s = cJSON_CreateString(obs->prompt);
  char* q = cJSON_PrintUnformatted(s);
  bk_sb_puts(sb, q ? q : "\"\"");
  free(q);
  cJSON_Delete(s);
  if (x->single && x->unnorm_key[0]) bk_sb_printf(sb, ",\"unnorm_key\":\"%s\"", x->unnorm_key);
  bk_sb_puts(sb, "}");
  return sb->failed ? bk_fail(x->err, sizeof x->err, BK_ENOMEM, "out of memory") : 0;
}

// the reply's h actions into out
static int read_reply(oft_t* x, const char* text, int h, double* out) {
  cJSON* j = cJSON_Parse(text);
  int rc = 0;
  if (!j) {
    rc = bk_fail(x->err, sizeof x->err, BK_EPARSE, "server reply is not JSON");
  } else if (cJSON_IsString(j)) {
    rc = bk_fail(x->err, sizeof x->err, BK_EIO, "server error: \"%.200s\"", j->valuestring);
  } else if (x->single) {
    rc = h != 1 ? bk_fail(x->err, sizeof x->err, BK_EINVAL, "openvla answers one action: use --chunk 1")
                : bk_jsonnp_doubles(j, out, 7, x->err, sizeof x->err);
  } else if (!cJSON_IsArray(j) || cJSON_GetArraySize(j) < h) {
    rc = bk_fail(x->err, sizeof x->err, BK_EPARSE, "server reply is not a list of >= %d actions", h);
  } else {
    const cJSON* a = j->child;
    for (int i = 0; i < h && !rc; i++, a = a->next) rc = bk_jsonnp_doubles(a, out + 7 * i, 7, x->err, sizeof x->err);
  }
  cJSON_Delete(j);
  return rc ? rc : bk_remote_check(out, 7 * h, x->err, sizeof x->err);
}

static int act(void* self, const bk_obs_t* obs, const bk_query_t* q, bk_chunk_t* out) {
  oft_t* x = self;
  x->calls = 0;
  x->infer_ms = NAN;
  const char* reply;
  int rc = build_body(x, obs);
  double timeout = x->replies ? x->o.timeout : x->o.first_timeout;
  if (!rc) rc = bk_http_post(x->http, "/act", x->body.s, x->body.len, timeout, &reply, x->err, sizeof x->err);
  if (!rc) rc = read_reply(x, reply, q->h, out->actions);
  if (rc) return rc;
  x->replies++;
  x->calls = 1;
  for (int i = 0; i < q->h && !x->o.gripper_raw; i++) {
    double* g = out->actions + 7 * i + 6;
    double s = 2 * *g - 1;
    *g = -(s > 0 ? 1.0 : (s < 0 ? -1.0 : 0.0));
  }
  for (int c = 1; c < q->k; c++) {
    memcpy(out->actions + (size_t)c * q->h * 7, out->actions, sizeof(double) * q->h * 7);
  }
  return 0;
}

static const char* error(void* self) { return ((oft_t*)self)->err; }

static void cost(void* self, double* infer_ms, int* calls) {
  *infer_ms = ((oft_t*)self)->infer_ms;
  *calls = ((oft_t*)self)->calls;
}

const bk_policy_ops_t bk_oft_policy = {
  .name = "oft",
  .help = "OpenVLA-OFT deploy server (--server http://host:8777; 8 actions a call)",
  .flags = BK_POLICY_IMAGES | BK_POLICY_RAW_IMAGES,
  .create = create_oft,
  .reset = reset,
  .act = act,
  .destroy = destroy,
  .error = error,
  .cost = cost,
};

const bk_policy_ops_t bk_openvla_policy = {
  .name = "openvla",
  .help = "OpenVLA deploy server (--server http://host:8000 --chunk 1; one action a call)",
  .flags = BK_POLICY_IMAGES | BK_POLICY_RAW_IMAGES,
  .create = create_openvla,
  .reset = reset,
  .act = act,
  .destroy = destroy,
  .error = error,
  .cost = cost,
};
