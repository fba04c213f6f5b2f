/* openpi: a client of openpi's websocket policy server (serving/websocket_policy_server.py).
 *
 * On connect the server sends its metadata (a msgpack map); then, in lockstep, one msgpack
 * observation and one msgpack reply per decision:
 *   {"observation/image": uint8 224x224x3, "observation/wrist_image": uint8 224x224x3,
 *    "observation/state": float64 (8,), "prompt": str}
 *   -> {"actions": (H, 7) <f4 or <f8, "server_timing": {"infer_ms": ...}, ...}
 * Images are LIBERO's: rotated 180 degrees, 256 -> 224 with Pillow's bilinear filter (a
 * square picture, so openpi's resize_with_pad adds no letterbox). The first H' <= H actions
 * fill the chunk bokbo asked for. A failure closes the connection; the next episode's reset
 * opens a fresh one. */
#include <math.h>
#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "net/npmsg.h"
#include "net/ws.h"
#include "policies/policy.h"
#include "policies/remote.h"

typedef struct {
  bk_remote_opts_t o;
  bk_ws_t* ws;                 /* NULL until connected, and after a failure */
  int replies;                 /* replies on this connection */
  int ever_connected;
  int samples;                 /* metadata "sampling" lists "num_samples" (see tools/serve) */
  int temperature;             /* ... and "temperature" */
  msgpack_sbuffer tx;
  msgpack_unpacked rx;
  char err[512];
  double infer_ms;
  int calls;
} openpi_t;

static void* create(const char* opts, char* err, int err_sz) {
  openpi_t* x = calloc(1, sizeof *x);
  if (!x) return NULL;
  if (bk_remote_parse(opts, "ws", &x->o, err, err_sz)) {
    free(x);
    return NULL;
  }
  msgpack_sbuffer_init(&x->tx);
  msgpack_unpacked_init(&x->rx);
  return x;
}

static void destroy(void* self);
static int connect_server(openpi_t* x);

// create, and with sampling=temperature check now that the server samples
static void* create_checked(const char* opts, char* err, int err_sz) {
  openpi_t* x = create(opts, err, err_sz);
  if (!x || !x->o.temperature) return x;
  if (connect_server(x)) {
    bk_fail(err, err_sz, BK_EIO, "%s", x->err);
  } else if (!x->samples || !x->temperature) {
    bk_fail(err, err_sz, BK_EINVAL, "server %s does not sample at a temperature (its metadata lacks "
            "\"sampling\": [\"num_samples\", \"temperature\"]; see tools/serve/bokbo_shim.py): "
            "use --sampling repeat or perturb", x->o.shown);
  } else {
    return x;
  }
  destroy(x);
  return NULL;
}

static void destroy(void* self) {
  openpi_t* x = self;
  if (!x) return;
  bk_ws_close(x->ws);
  msgpack_sbuffer_destroy(&x->tx);
  msgpack_unpacked_destroy(&x->rx);
  free(x);
}

// a failure: keep the message, drop the connection
static int fail(openpi_t* x, int rc) {
  bk_ws_close(x->ws);
  x->ws = NULL;
  return rc;
}

// receive one binary message and unpack it into x->rx
static int receive(openpi_t* x, double timeout) {
  const unsigned char* data;
  size_t n, off = 0;
  int binary, rc = bk_ws_recv(x->ws, &data, &n, &binary, timeout, x->err, sizeof x->err);
  if (rc) return rc;
  if (msgpack_unpack_next(&x->rx, (const char*)data, n, &off) != MSGPACK_UNPACK_SUCCESS || off != n) {
    return bk_fail(x->err, sizeof x->err, BK_EPARSE, "server sent %zu bytes that are not one msgpack message", n);
  }
  return 0;
}

// the metadata frame: does the server answer K samples in one call, at a temperature?
// (tools/serve/bokbo_shim.py: {"sampling": ["num_samples", "temperature"]})
static void metadata(openpi_t* x) {
  const msgpack_object* s = bk_npmsg_get(&x->rx.data, "sampling");
  x->samples = x->temperature = 0;
  for (uint32_t i = 0; s && s->type == MSGPACK_OBJECT_ARRAY && i < s->via.array.size; i++) {
    const msgpack_object* e = &s->via.array.ptr[i];
    if (e->type != MSGPACK_OBJECT_STR) continue;
    if (e->via.str.size == 11 && !memcmp(e->via.str.ptr, "num_samples", 11)) x->samples = 1;
    if (e->via.str.size == 11 && !memcmp(e->via.str.ptr, "temperature", 11)) x->temperature = 1;
  }
}

// a fresh connection: wait for the server the first time, then read its metadata
static int connect_server(openpi_t* x) {
  if (!x->ever_connected && bk_ws_healthz(&x->o.url, x->o.wait, x->err, sizeof x->err)) return BK_EIO;
  x->ws = bk_ws_connect(&x->o.url, x->o.timeout, x->err, sizeof x->err);
  if (!x->ws) return BK_EIO;
  x->ever_connected = 1;
  x->replies = 0;
  int rc = receive(x, x->o.timeout);
  if (rc) return fail(x, rc);
  if (x->rx.data.type != MSGPACK_OBJECT_MAP) {
    bk_fail(x->err, sizeof x->err, BK_EPARSE, "server metadata is not a map");
    return fail(x, BK_EPARSE);
  }
  metadata(x);
  return 0;
}

static int reset(void* self, const bk_world_t* w, const mjData* d, uint64_t seed) {
  openpi_t* x = self;
  x->err[0] = '\0';
  return x->ws ? 0 : connect_server(x);
}

// the observation map of one decision (num_samples / temperature for a sampling server)
static void pack_obs(openpi_t* x, const bk_obs_t* obs, int k, double temperature) {
  msgpack_packer pk;
  msgpack_sbuffer_clear(&x->tx);
  msgpack_packer_init(&pk, &x->tx, msgpack_sbuffer_write);
  long img[3] = {obs->image_size, obs->image_size, 3}, st[1] = {BK_STATE_DIM};
  size_t nimg = (size_t)obs->image_size * obs->image_size * 3;
  msgpack_pack_map(&pk, 4 + (k > 1) + (temperature > 0));
  bk_npmsg_str(&pk, "observation/image");
  bk_npmsg_array(&pk, "|u1", obs->image, nimg, img, 3);
  bk_npmsg_str(&pk, "observation/wrist_image");
  bk_npmsg_array(&pk, "|u1", obs->wrist_image, nimg, img, 3);
  bk_npmsg_str(&pk, "observation/state");
  bk_npmsg_array(&pk, "<f8", obs->state, sizeof obs->state, st, 1);
  bk_npmsg_str(&pk, "prompt");
  bk_npmsg_str(&pk, obs->prompt);
  if (k > 1) {
    bk_npmsg_str(&pk, "num_samples");
    msgpack_pack_int(&pk, k);
  }
  if (temperature > 0) {
    bk_npmsg_str(&pk, "temperature");
    msgpack_pack_double(&pk, temperature);
  }
}

// the reply's actions, (H, 7) or for k samples (k, H, 7), into out (k chunks of h), and
// the server's inference time
static int read_reply(openpi_t* x, int k, int h, double* out) {
  const msgpack_object* a = bk_npmsg_get(&x->rx.data, "actions");
  bk_ndarray_t arr;
  if (!a) return bk_fail(x->err, sizeof x->err, BK_EPARSE, "server reply has no 'actions'");
  int rc = bk_npmsg_read(a, &arr, x->err, sizeof x->err);
  if (rc) return rc;
  int d = k > 1;  // the leading sample axis
  if (arr.ndim != 2 + d || (d && arr.shape[0] != k) || arr.shape[1 + d] != 7 || arr.shape[d] < h) {
    return bk_fail(x->err, sizeof x->err, BK_EPARSE, "server actions of shape (%ld, %ld%s), expected (%sH >= %d, 7)",
                   arr.shape[0], arr.ndim > 1 ? arr.shape[1] : 0L, arr.ndim > 2 ? ", ..." : "",
                   d ? "K, " : "", h);
  }
  long hs = arr.shape[d];
  size_t es = arr.dtype[2] == '8' ? 8 : 4;
  for (int c = 0; c < k && !rc; c++) {
    bk_ndarray_t one = arr;
    one.data = arr.data + (size_t)c * hs * 7 * es;
    rc = bk_npmsg_doubles(&one, out + (size_t)c * h * 7, (size_t)h * 7, x->err, sizeof x->err);
  }
  if (rc) return rc;
  const msgpack_object* t = bk_npmsg_get(&x->rx.data, "server_timing");
  const msgpack_object* ms = t ? bk_npmsg_get(t, "infer_ms") : NULL;
  double v = ms && (ms->type == MSGPACK_OBJECT_FLOAT64 || ms->type == MSGPACK_OBJECT_FLOAT32) ? ms->via.f64
           : ms && ms->type == MSGPACK_OBJECT_POSITIVE_INTEGER ? (double)ms->via.u64 : NAN;
  x->infer_ms = isnan(x->infer_ms) ? v : x->infer_ms + v;
  return bk_remote_check(out, k * h * 7, x->err, sizeof x->err);
}

// one round trip: k chunks of h into out
static int call(openpi_t* x, const bk_obs_t* obs, int k, int h, double temperature, double* out) {
  pack_obs(x, obs, k, temperature);
  int rc = bk_ws_send(x->ws, x->tx.data, x->tx.size, x->o.timeout, x->err, sizeof x->err);
  if (!rc) rc = receive(x, x->replies ? x->o.timeout : x->o.first_timeout);
  if (!rc) rc = read_reply(x, k, h, out);
  if (rc) return fail(x, rc);
  x->replies++;
  x->calls++;
  return 0;
}

// K candidates: one call to a server that samples, else K calls (stock servers: pi0's flow
// noise gives a different chunk each call)
static int act(void* self, const bk_obs_t* obs, const bk_query_t* q, bk_chunk_t* out) {
  openpi_t* x = self;
  x->calls = 0;
  x->infer_ms = NAN;
  if (!x->ws && connect_server(x)) return BK_EIO;
  if (!obs->image || !obs->wrist_image) return bk_fail(x->err, sizeof x->err, BK_EINVAL, "no images");
  if (q->temperature > 0 && !x->temperature) {
    return bk_fail(x->err, sizeof x->err, BK_EINVAL, "server stopped advertising temperature sampling");
  }
  if (q->k > 1 && x->samples) return call(x, obs, q->k, q->h, q->temperature, out->actions);
  for (int c = 0; c < q->k; c++) {
    int rc = call(x, obs, 1, q->h, 0.0, out->actions + (size_t)c * q->h * 7);
    if (rc) return rc;
  }
  return 0;
}

static const char* error(void* self) { return ((openpi_t*)self)->err; }

static void cost(void* self, double* infer_ms, int* calls) {
  *infer_ms = ((openpi_t*)self)->infer_ms;
  *calls = ((openpi_t*)self)->calls;
}

const bk_policy_ops_t bk_openpi_policy = {
  .name = "openpi",
  .help = "openpi websocket policy server (--server ws://host:8000)",
  .flags = BK_POLICY_IMAGES,
  .create = create_checked,
  .reset = reset,
  .act = act,
  .destroy = destroy,
  .error = error,
  .cost = cost,
};
