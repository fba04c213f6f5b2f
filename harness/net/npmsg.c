#include "net/npmsg.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"

void bk_npmsg_str(msgpack_packer* pk, const char* s) {
  size_t n = strlen(s);
  msgpack_pack_str(pk, n);
  msgpack_pack_str_body(pk, s, n);
}

// a bin key (openpi packs the array map's keys as Python bytes)
static void bin_key(msgpack_packer* pk, const char* s) {
  size_t n = strlen(s);
  msgpack_pack_bin(pk, n);
  msgpack_pack_bin_body(pk, s, n);
}

void bk_npmsg_array(msgpack_packer* pk, const char* dtype, const void* data, size_t nbytes,
                    const long* shape, int ndim) {
  msgpack_pack_map(pk, 4);
  bin_key(pk, "__ndarray__");
  msgpack_pack_true(pk);
  bin_key(pk, "data");
  msgpack_pack_bin(pk, nbytes);
  msgpack_pack_bin_body(pk, data, nbytes);
  bin_key(pk, "dtype");
  bk_npmsg_str(pk, dtype);
  bin_key(pk, "shape");
  msgpack_pack_array(pk, (size_t)ndim);
  for (int i = 0; i < ndim; i++) msgpack_pack_int64(pk, shape[i]);
}

// does msgpack object k (str or bin, as asked) spell s?
static int key_is(const msgpack_object* k, msgpack_object_type type, const char* s) {
  size_t n = strlen(s);
  if (k->type != type) return 0;
  const msgpack_object_str* v = type == MSGPACK_OBJECT_STR ? &k->via.str : (const msgpack_object_str*)&k->via.bin;
  return v->size == n && memcmp(v->ptr, s, n) == 0;
}

static const msgpack_object* get_typed(const msgpack_object* o, msgpack_object_type type, const char* key) {
  if (o->type != MSGPACK_OBJECT_MAP) return NULL;
  for (uint32_t i = 0; i < o->via.map.size; i++) {
    if (key_is(&o->via.map.ptr[i].key, type, key)) return &o->via.map.ptr[i].val;
  }
  return NULL;
}

const msgpack_object* bk_npmsg_get(const msgpack_object* o, const char* key) {
  return get_typed(o, MSGPACK_OBJECT_STR, key);
}

static int elem_size(const char* dtype) {
  if (!strcmp(dtype, "|u1") || !strcmp(dtype, "|b1") || !strcmp(dtype, "|i1")) return 1;
  if (!strcmp(dtype, "<f4") || !strcmp(dtype, "<i4") || !strcmp(dtype, "<u4")) return 4;
  if (!strcmp(dtype, "<f8") || !strcmp(dtype, "<i8") || !strcmp(dtype, "<u8")) return 8;
  return 0;
}

int bk_npmsg_read(const msgpack_object* o, bk_ndarray_t* a, char* err, int err_sz) {
  memset(a, 0, sizeof *a);
  if (o->type != MSGPACK_OBJECT_MAP) return bk_fail(err, err_sz, BK_EPARSE, "expected an array map");
  const msgpack_object* tag = get_typed(o, MSGPACK_OBJECT_BIN, "__ndarray__");
  if (!tag) {
    return bk_fail(err, err_sz, BK_EPARSE, get_typed(o, MSGPACK_OBJECT_STR, "__ndarray__")
                   ? "array map keys are str, openpi packs them as bin" : "not a numpy array map");
  }
  const msgpack_object* data = get_typed(o, MSGPACK_OBJECT_BIN, "data");
  const msgpack_object* dtype = get_typed(o, MSGPACK_OBJECT_BIN, "dtype");
  const msgpack_object* shape = get_typed(o, MSGPACK_OBJECT_BIN, "shape");
  if (!data || data->type != MSGPACK_OBJECT_BIN || !dtype || dtype->type != MSGPACK_OBJECT_STR ||
      dtype->via.str.size >= sizeof a->dtype || !shape || shape->type != MSGPACK_OBJECT_ARRAY ||
      shape->via.array.size > BK_NPMSG_MAXDIM) {
    return bk_fail(err, err_sz, BK_EPARSE, "array map lacks data (bin), dtype (str) or shape (<= %d ints)",
                   BK_NPMSG_MAXDIM);
  }
  memcpy(a->dtype, dtype->via.str.ptr, dtype->via.str.size);
  a->dtype[dtype->via.str.size] = '\0';
  int es = elem_size(a->dtype);
  if (!es) return bk_fail(err, err_sz, BK_EPARSE, "array dtype '%s' not supported", a->dtype);
  size_t count = 1;
  a->ndim = (int)shape->via.array.size;
  for (int i = 0; i < a->ndim; i++) {
    const msgpack_object* s = &shape->via.array.ptr[i];
    if (s->type != MSGPACK_OBJECT_POSITIVE_INTEGER || s->via.u64 > (1u << 30)) {
      return bk_fail(err, err_sz, BK_EPARSE, "array shape holds a non-size");
    }
    a->shape[i] = (long)s->via.u64;
    count *= (size_t)s->via.u64;
  }
  a->data = (const unsigned char*)data->via.bin.ptr;
  a->nbytes = data->via.bin.size;
  if (count * (size_t)es != a->nbytes) {
    return bk_fail(err, err_sz, BK_EPARSE, "array of %zu bytes does not match shape and dtype '%s'",
                   a->nbytes, a->dtype);
  }
  return 0;
}

int bk_npmsg_doubles(const bk_ndarray_t* a, double* out, size_t n, char* err, int err_sz) {
  if (!strcmp(a->dtype, "<f8") && a->nbytes >= n * 8) {
    memcpy(out, a->data, n * 8);  // little-endian hosts only (x86-64, aarch64)
    return 0;
  }
  if (!strcmp(a->dtype, "<f4") && a->nbytes >= n * 4) {
    for (size_t i = 0; i < n; i++) {
      float f;
      memcpy(&f, a->data + 4 * i, 4);
      out[i] = f;
    }
    return 0;
  }
  return bk_fail(err, err_sz, BK_EPARSE, "expected <f4 or <f8 numbers, got '%s'", a->dtype);
}
