#include "render/image.h"

#include <math.h>
#include <string.h>

#include "core/err.h"

void bk_image_vflip(unsigned char* rgb, int width, int height) {
  size_t row = (size_t)width * 3;
  for (int y = 0; y < height / 2; y++) {
    unsigned char* a = rgb + (size_t)y * row;
    unsigned char* b = rgb + (size_t)(height - 1 - y) * row;
    for (size_t i = 0; i < row; i++) {
      unsigned char t = a[i];
      a[i] = b[i];
      b[i] = t;
    }
  }
}

void bk_image_rot180(unsigned char* rgb, int width, int height) {
  // reversing the pixel order of the whole buffer reverses rows and columns at once
  size_t n = (size_t)width * height;
  for (size_t i = 0, j = n - 1; i < j; i++, j--) {
    unsigned char* a = rgb + 3 * i;
    unsigned char* b = rgb + 3 * j;
    for (int c = 0; c < 3; c++) {
      unsigned char t = a[c];
      a[c] = b[c];
      b[c] = t;
    }
  }
}

long bk_image_resize_scratch(int sw, int sh, int dw, int dh) {
  (void)sw;
  (void)dh;
  return (long)dw * sh * 3;
}

// one output sample along an axis: the triangle filter over the source samples
// src[k * stride], k in [0, n), centred on output position o of out
static unsigned char sample(const unsigned char* src, long stride, int n, int out, int o) {
  double scale = (double)n / out;
  double support = scale > 1.0 ? scale : 1.0;
  double centre = (o + 0.5) * scale;
  int lo = (int)floor(centre - support + 0.5);
  int hi = (int)floor(centre + support + 0.5);
  if (lo < 0) lo = 0;
  if (hi > n) hi = n;
  double sum = 0.0, wsum = 0.0;
  for (int k = lo; k < hi; k++) {
    double x = (k - centre + 0.5) / support;
    double wt = 1.0 - fabs(x);
    if (wt <= 0.0) continue;
    sum += wt * src[(long)k * stride];
    wsum += wt;
  }
  double v = wsum > 0.0 ? sum / wsum : 0.0;
  v = floor(v + 0.5);
  return (unsigned char)(v < 0 ? 0 : (v > 255 ? 255 : v));
}

int bk_image_resize(const unsigned char* src, int sw, int sh, unsigned char* dst, int dw,
                    int dh, unsigned char* scratch) {
  if (sw < 1 || sh < 1 || dw < 1 || dh < 1) return BK_EINVAL;
  if (sw == dw && sh == dh) {
    memcpy(dst, src, (size_t)sw * sh * 3);
    return 0;
  }
  // rows: sw -> dw, into scratch (dw x sh)
  for (int y = 0; y < sh; y++) {
    for (int x = 0; x < dw; x++) {
      for (int c = 0; c < 3; c++) {
        scratch[((size_t)y * dw + x) * 3 + c] = sample(src + (size_t)y * sw * 3 + c, 3, sw, dw, x);
      }
    }
  }
  // columns: sh -> dh, into dst
  for (int y = 0; y < dh; y++) {
    for (int x = 0; x < dw; x++) {
      for (int c = 0; c < 3; c++) {
        dst[((size_t)y * dw + x) * 3 + c] = sample(scratch + (size_t)x * 3 + c, (long)dw * 3, sh, dh, y);
      }
    }
  }
  return 0;
}

void bk_image_fill(unsigned char* img, int width, int height, int x, int y, int w, int h,
                   const unsigned char color[3]) {
  int x0 = x < 0 ? 0 : x, y0 = y < 0 ? 0 : y;
  int x1 = x + w > width ? width : x + w, y1 = y + h > height ? height : y + h;
  for (int j = y0; j < y1; j++) {
    for (int i = x0; i < x1; i++) memcpy(img + ((size_t)j * width + i) * 3, color, 3);
  }
}
