#include "obs/oftimg.h"

#include <math.h>
#include <setjmp.h>
#include <stdio.h>  // before jpeglib.h, which uses FILE
#include <jpeglib.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

// libjpeg reports errors through a longjmp back to the caller
typedef struct {
  struct jpeg_error_mgr pub;
  jmp_buf back;
  char msg[JMSG_LENGTH_MAX];
} jerr_t;

static void on_error(j_common_ptr cinfo) {
  jerr_t* e = (jerr_t*)cinfo->err;
  (*cinfo->err->format_message)(cinfo, e->msg);
  longjmp(e->back, 1);
}

static int encode(const unsigned char* rgb, int w, int h, int quality, unsigned char** buf,
                  unsigned long* n, jerr_t* je) {
  struct jpeg_compress_struct c;
  c.err = jpeg_std_error(&je->pub);
  je->pub.error_exit = on_error;
  if (setjmp(je->back)) {
    jpeg_destroy_compress(&c);
    return -1;
  }
  jpeg_create_compress(&c);
  jpeg_mem_dest(&c, buf, n);
  c.image_width = (JDIMENSION)w;
  c.image_height = (JDIMENSION)h;
  c.input_components = 3;
  c.in_color_space = JCS_RGB;
  jpeg_set_defaults(&c);  // 4:2:0 chroma, the accurate integer DCT
  jpeg_set_quality(&c, quality, TRUE);
  jpeg_start_compress(&c, TRUE);
  while (c.next_scanline < c.image_height) {
    JSAMPROW row = (JSAMPROW)(rgb + (size_t)c.next_scanline * w * 3);
    jpeg_write_scanlines(&c, &row, 1);
  }
  jpeg_finish_compress(&c);
  jpeg_destroy_compress(&c);
  return 0;
}

static int decode(const unsigned char* buf, unsigned long n, unsigned char* rgb, int w, int h,
                  jerr_t* je) {
  struct jpeg_decompress_struct d;
  d.err = jpeg_std_error(&je->pub);
  je->pub.error_exit = on_error;
  if (setjmp(je->back)) {
    jpeg_destroy_decompress(&d);
    return -1;
  }
  jpeg_create_decompress(&d);
  jpeg_mem_src(&d, buf, n);
  jpeg_read_header(&d, TRUE);
  d.out_color_space = JCS_RGB;
  d.dct_method = JDCT_IFAST;  // TensorFlow's decoder default
  jpeg_start_decompress(&d);
  if ((int)d.output_width != w || (int)d.output_height != h || d.output_components != 3) {
    snprintf(je->msg, sizeof je->msg, "decoded size differs");
    jpeg_destroy_decompress(&d);
    return -1;
  }
  while (d.output_scanline < d.output_height) {
    JSAMPROW row = rgb + (size_t)d.output_scanline * w * 3;
    jpeg_read_scanlines(&d, &row, 1);
  }
  jpeg_finish_decompress(&d);
  jpeg_destroy_decompress(&d);
  return 0;
}

int bk_oftimg_jpeg_roundtrip(unsigned char* rgb, int width, int height, int quality, char* err,
                             int err_sz) {
  jerr_t je;
  unsigned char* buf = NULL;
  unsigned long n = 0;
  int rc = encode(rgb, width, height, quality, &buf, &n, &je);
  if (!rc) rc = decode(buf, n, rgb, width, height, &je);
  free(buf);
  return rc ? bk_fail(err, err_sz, BK_EIO, "jpeg: %s", je.msg) : 0;
}

static double lanczos3(double x) {
  x = fabs(x);
  if (x < 1e-12) return 1.0;
  if (x >= 3.0) return 0.0;
  double px = M_PI * x;
  return 3.0 * sin(px) * sin(px / 3.0) / (px * px);
}

// one output sample along an axis: the normalised window of Lanczos weights around its
// centre in source coordinates (half-pixel centres), widened by the reduction factor
static int window(int i, int sn, int dn, int* first, double* w, int cap) {
  double scale = (double)dn / sn, support = scale < 1 ? 3.0 / scale : 3.0;
  double fs = scale < 1 ? scale : 1.0;
  double centre = (i + 0.5) / scale;
  int lo = (int)floor(centre - support), hi = (int)ceil(centre + support), n = 0;
  double sum = 0;
  if (lo < 0) lo = 0;
  if (hi > sn) hi = sn;
  for (int j = lo; j < hi && n < cap; j++, n++) {
    w[n] = lanczos3((j + 0.5 - centre) * fs);
    sum += w[n];
  }
  for (int k = 0; k < n; k++) w[k] /= sum;
  *first = lo;
  return n;
}

#define BK_LANCZOS_TAPS 64

int bk_oftimg_lanczos(const unsigned char* src, int sw, int sh, unsigned char* dst, int dw,
                      int dh, double* scratch) {
  if (sw < 1 || sh < 1 || dw < 1 || dh < 1 || 6.0 * sw / dw > BK_LANCZOS_TAPS - 2 ||
      6.0 * sh / dh > BK_LANCZOS_TAPS - 2) {
    return BK_EINVAL;
  }
  double w[BK_LANCZOS_TAPS];
  // rows: sh x dw, kept in double
  for (int x = 0; x < dw; x++) {
    int first, n = window(x, sw, dw, &first, w, BK_LANCZOS_TAPS);
    for (int y = 0; y < sh; y++) {
      for (int c = 0; c < 3; c++) {
        double acc = 0;
        for (int k = 0; k < n; k++) acc += w[k] * src[((size_t)y * sw + first + k) * 3 + c];
        scratch[((size_t)y * dw + x) * 3 + c] = acc;
      }
    }
  }
  // columns, then one rounding
  for (int y = 0; y < dh; y++) {
    int first, n = window(y, sh, dh, &first, w, BK_LANCZOS_TAPS);
    for (int x = 0; x < dw; x++) {
      for (int c = 0; c < 3; c++) {
        double acc = 0;
        for (int k = 0; k < n; k++) acc += w[k] * scratch[((size_t)(first + k) * dw + x) * 3 + c];
        double r = round(acc);
        dst[((size_t)y * dw + x) * 3 + c] = (unsigned char)(r < 0 ? 0 : (r > 255 ? 255 : r));
      }
    }
  }
  return 0;
}

int bk_oftimg_prepare(unsigned char* src, int size, unsigned char* dst, int out_size,
                      double* scratch, char* err, int err_sz) {
  int rc = bk_oftimg_jpeg_roundtrip(src, size, size, 95, err, err_sz);
  if (rc) return rc;
  rc = bk_oftimg_lanczos(src, size, size, dst, out_size, out_size, scratch);
  return rc ? bk_fail(err, err_sz, rc, "lanczos: bad sizes %d -> %d", size, out_size) : 0;
}
