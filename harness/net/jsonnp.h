/* bk_jsonnp: numpy arrays in JSON as json_numpy writes them (OpenVLA and OpenVLA-OFT
 * deploy servers): {"__numpy__": base64 of the C-order bytes (standard alphabet,
 * padded), "dtype": numpy descr ("|u1", "<f8"), "shape": [...]}. */
#ifndef BK_NET_JSONNP_H
#define BK_NET_JSONNP_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "core/strbuf.h"

/* Appends base64 of n bytes to sb. */
void bk_jsonnp_base64(bk_sb_t* sb, const unsigned char* data, size_t n);

/* Decodes base64 text into out (cap bytes); the byte count, or -1 on a bad character,
 * bad padding or too small a buffer. */
long bk_jsonnp_unbase64(const char* text, unsigned char* out, size_t cap);

/* Appends one array object. */
void bk_jsonnp_array(bk_sb_t* sb, const char* dtype, const void* data, size_t nbytes,
                     const long* shape, int ndim);

/* Reads an array object holding n numbers ("<f8" or "<f4", any shape with n elements)
 * into out. 0, or BK_EPARSE with err saying why. */
int bk_jsonnp_doubles(const cJSON* o, double* out, int n, char* err, int err_sz);

#endif
