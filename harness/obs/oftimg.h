/* bk_oftimg: observation images as OpenVLA-OFT's LIBERO evaluation prepares them.
 *
 * OFT's client takes the 256 x 256 camera image turned 180 degrees (what bk_render_obs
 * returns at the render size), encodes it as JPEG and decodes it again (TensorFlow's
 * encode_jpeg at quality 95 with 4:2:0 chroma, decode with the fast integer DCT, as its
 * RLDS training data went through), then resizes it to 224 x 224 with a Lanczos-3 filter
 * widened for the reduction (antialiased), computed in floating point and rounded once. */
#ifndef BK_OBS_OFTIMG_H
#define BK_OBS_OFTIMG_H

#include <stddef.h>

/* JPEG round trip of an RGB image (width x height x 3) in place, at quality 1..100.
 * 0, or BK_EIO with err filled when libjpeg fails. */
int bk_oftimg_jpeg_roundtrip(unsigned char* rgb, int width, int height, int quality, char* err,
                             int err_sz);

/* Lanczos-3 antialiased resize of src (sw x sh) into dst (dw x dh), separable, in double,
 * rounded and clipped once at the end. scratch holds dw * sh * 3 doubles. Returns 0, or
 * BK_EINVAL for sizes below 1. */
int bk_oftimg_lanczos(const unsigned char* src, int sw, int sh, unsigned char* dst, int dw,
                      int dh, double* scratch);

/* The whole preparation: JPEG round trip of src (size x size, modified in place), then
 * Lanczos to out_size. scratch: out_size * size * 3 doubles. */
int bk_oftimg_prepare(unsigned char* src, int size, unsigned char* dst, int out_size,
                      double* scratch, char* err, int err_sz);

#endif
