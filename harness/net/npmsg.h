/* bk_npmsg: openpi's msgpack encoding of numpy arrays (openpi_client.msgpack_numpy).
 *
 * An array is a map of four entries whose keys are msgpack bin (Python bytes):
 * b"__ndarray__" -> true, b"data" -> bin of the C-order bytes, b"dtype" -> str of numpy's
 * dtype.str ("|u1", "<f4", "<f8"), b"shape" -> array of ints. Every other key is a str.
 * Writers append to a msgpack_sbuffer that the caller keeps between messages; readers
 * work on msgpack-c's unpacked objects and never copy the data. */
#ifndef BK_NET_NPMSG_H
#define BK_NET_NPMSG_H

#include <msgpack.h>
#include <stddef.h>

#define BK_NPMSG_MAXDIM 4

typedef struct {
  char dtype[8];             /* numpy dtype.str */
  int ndim;
  long shape[BK_NPMSG_MAXDIM];
  const unsigned char* data; /* raw bytes inside the unpacked message */
  size_t nbytes;
} bk_ndarray_t;

/* Packs a str key or value. */
void bk_npmsg_str(msgpack_packer* pk, const char* s);

/* Packs an ndarray map (bin keys) of ndim dimensions; data holds the product of shape
 * times the dtype's size bytes. */
void bk_npmsg_array(msgpack_packer* pk, const char* dtype, const void* data, size_t nbytes,
                    const long* shape, int ndim);

/* The value of str key `key` in map o, or NULL. */
const msgpack_object* bk_npmsg_get(const msgpack_object* o, const char* key);

/* Reads an ndarray map. 0, or BK_EPARSE with err saying why (not a map, keys that are
 * str instead of bin, a size that does not match the shape and dtype, ...). */
int bk_npmsg_read(const msgpack_object* o, bk_ndarray_t* a, char* err, int err_sz);

/* Converts n elements of a float array ("<f4" or "<f8") to doubles. 0, or BK_EPARSE for
 * another dtype. */
int bk_npmsg_doubles(const bk_ndarray_t* a, double* out, size_t n, char* err, int err_sz);

#endif
