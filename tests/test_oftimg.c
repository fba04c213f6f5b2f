/* OFT's image preparation: Lanczos-3 antialiased resize and the JPEG round trip, against
 * Pillow (python3-pil) and against invariants worked by hand */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "obs/oftimg.h"

#define REF "/usr/bin/python3 " BOKBO_SOURCE_DIR "/tests/py/oftimg_ref.py"
#define S 256
#define D 224

static char err[256];

// a smooth picture with edges: gradients, a disc, stripes
static void picture(unsigned char* img) {
  for (int y = 0; y < S; y++) {
    for (int x = 0; x < S; x++) {
      unsigned char* p = img + (y * S + x) * 3;
      int disc = (x - 100) * (x - 100) + (y - 140) * (y - 140) < 50 * 50;
      p[0] = (unsigned char)(disc ? 230 : x);
      p[1] = (unsigned char)(y * 255 / (S - 1));
      p[2] = (unsigned char)((x / 16 + y / 16) % 2 ? 200 : 40);
    }
  }
}

// Pillow's answer for mode (lanczos to D x D, or jpeg) of img
static void pillow(const char* mode, const unsigned char* img, unsigned char* out, size_t n) {
  char src[] = "/tmp/bk_oft_XXXXXX", dst[] = "/tmp/bk_oft_XXXXXX", cmd[512];
  FILE* f = fdopen(mkstemp(src), "wb");
  fwrite(img, 1, S * S * 3, f);
  fclose(f);
  fclose(fdopen(mkstemp(dst), "wb"));
  snprintf(cmd, sizeof cmd, REF " %s %s %d %d %s %d %d", mode, src, S, S, dst, D, D);
  cr_assert_eq(system(cmd), 0);
  f = fopen(dst, "rb");
  cr_assert_eq(fread(out, 1, n, f), n);
  fclose(f);
  remove(src);
  remove(dst);
}

Test(oftimg, lanczos_matches_pillow) {
  unsigned char* img = malloc(S * S * 3), *ours = malloc(D * D * 3), *ref = malloc(D * D * 3);
  double* scratch = malloc(sizeof(double) * D * S * 3);
  picture(img);
  cr_assert_eq(bk_oftimg_lanczos(img, S, S, ours, D, D, scratch), 0);
  pillow("lanczos", img, ref, D * D * 3);
  int worst = 0;
  for (int i = 0; i < D * D * 3; i++) worst = abs(ours[i] - ref[i]) > worst ? abs(ours[i] - ref[i]) : worst;
  // Pillow rounds to 8 bits between its two passes; bokbo (like TensorFlow) once at the end
  cr_expect_leq(worst, 2, "largest difference from Pillow: %d", worst);
  free(img), free(ours), free(ref), free(scratch);
}

Test(oftimg, lanczos_keeps_a_flat_image_flat) {
  unsigned char* img = malloc(S * S * 3), *out = malloc(D * D * 3);
  double* scratch = malloc(sizeof(double) * D * S * 3);
  memset(img, 77, S * S * 3);
  cr_assert_eq(bk_oftimg_lanczos(img, S, S, out, D, D, scratch), 0);
  for (int i = 0; i < D * D * 3; i++) cr_assert_eq(out[i], 77);  // weights sum to 1
  free(img), free(out), free(scratch);
}

Test(oftimg, jpeg_round_trip_is_close_to_pillows) {
  unsigned char* img = malloc(S * S * 3), *ref = malloc(S * S * 3), *orig = malloc(S * S * 3);
  picture(img);
  memcpy(orig, img, S * S * 3);
  pillow("jpeg", img, ref, S * S * 3);
  cr_assert_eq(bk_oftimg_jpeg_roundtrip(img, S, S, 95, err, sizeof err), 0, "%s", err);
  double diff = 0, loss = 0;
  for (int i = 0; i < S * S * 3; i++) {
    diff += abs(img[i] - ref[i]);
    loss += abs(img[i] - orig[i]);
  }
  diff /= S * S * 3;
  loss /= S * S * 3;
  // lossy, but only just at quality 95; the same encoder as Pillow's, with TensorFlow's
  // fast integer IDCT where Pillow decodes with the accurate one (about one level apart)
  cr_expect_gt(loss, 0.05, "the round trip changed nothing (%g)", loss);
  cr_expect_lt(loss, 8.0, "mean change %g", loss);  // sharp 16-pixel stripes ring
  cr_expect_lt(diff, 1.5, "mean difference from Pillow %g", diff);
  cr_log_info("jpeg: mean change %g, mean difference from Pillow %g", loss, diff);
  free(img), free(ref), free(orig);
}
