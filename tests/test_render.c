/* offscreen rendering: deterministic, not blank, camera-dependent, PNG round trip */
#include <criterion/criterion.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "render/render.h"
#include "sim/initstate.h"
#include "sim/world.h"

#define PX 128

static bk_world_t* w;
static mjData* d;
static bk_render_t* r;
static char err[1024];

static void setup(void) {
  w = bk_world_create(BOKBO_SOURCE_DIR "/scenes", "libero_spatial", 0, err, sizeof err);
  cr_assert_not_null(w, "%s", err);
  d = mj_makeData(w->m);
  cr_assert_eq(bk_init_state(w, 0, NULL, d, err, sizeof err), 0, "%s", err);
  r = bk_render_create(w->m, PX, PX, BK_GL_OSMESA, err, sizeof err);
  cr_assert_not_null(r, "%s", err);
}

static void teardown(void) {
  bk_render_free(r);
  mj_deleteData(d);
  bk_world_free(w);
}

// sample variance of all bytes: a blank image has none
static double variance(const unsigned char* img, int n) {
  double s = 0, s2 = 0;
  for (int i = 0; i < n; i++) {
    s += img[i];
    s2 += (double)img[i] * img[i];
  }
  return s2 / n - (s / n) * (s / n);
}

TestSuite(render, .init = setup, .fini = teardown);

Test(render, same_state_renders_the_same_bytes) {
  static unsigned char a[PX * PX * 3], b[PX * PX * 3];
  cr_assert_eq(bk_render_camera(r, w->m, d, "agentview", 0, a, err, sizeof err), 0, "%s", err);
  cr_assert_eq(bk_render_camera(r, w->m, d, "robot0_eye_in_hand", 0, b, err, sizeof err), 0);
  cr_assert_eq(bk_render_camera(r, w->m, d, "agentview", 0, b, err, sizeof err), 0);
  cr_expect_eq(memcmp(a, b, sizeof a), 0);
}

Test(render, image_is_not_blank_and_depends_on_the_camera) {
  static unsigned char a[PX * PX * 3], b[PX * PX * 3];
  cr_assert_eq(bk_render_camera(r, w->m, d, "agentview", 0, a, err, sizeof err), 0);
  cr_assert_eq(bk_render_camera(r, w->m, d, "robot0_eye_in_hand", 0, b, err, sizeof err), 0);
  cr_expect_gt(variance(a, sizeof a), 100.0);
  cr_expect_gt(variance(b, sizeof b), 10.0);
  long diff = 0;
  for (size_t i = 0; i < sizeof a; i++) diff += abs(a[i] - b[i]);
  cr_expect_gt(diff / (double)sizeof a, 5.0, "the two cameras give nearly the same image");
}

Test(render, region_sites_change_the_picture) {
  static unsigned char a[PX * PX * 3], b[PX * PX * 3];
  cr_assert_eq(bk_render_camera(r, w->m, d, "agentview", 0, a, err, sizeof err), 0);
  cr_assert_eq(bk_render_camera(r, w->m, d, "agentview", 1, b, err, sizeof err), 0);
  cr_expect_neq(memcmp(a, b, sizeof a), 0);
}

Test(render, unknown_camera_lists_the_valid_ones) {
  static unsigned char a[PX * PX * 3];
  cr_expect_lt(bk_render_camera(r, w->m, d, "wristcam", 0, a, err, sizeof err), 0);
  cr_expect(strstr(err, "agentview") && strstr(err, "robot0_eye_in_hand"), "%s", err);
}

Test(render, png_round_trip) {
  static unsigned char a[PX * PX * 3];
  cr_assert_eq(bk_render_camera(r, w->m, d, "agentview", 0, a, err, sizeof err), 0);
  char path[] = "/tmp/bokbo_test_render_XXXXXX";
  int fd = mkstemp(path);
  cr_assert_geq(fd, 0);
  close(fd);
  cr_assert_eq(bk_png_write(path, a, PX, PX, err, sizeof err), 0, "%s", err);
  png_image img;
  memset(&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  cr_assert(png_image_begin_read_from_file(&img, path));
  img.format = PNG_FORMAT_RGB;
  cr_expect_eq(img.width, PX);
  cr_expect_eq(img.height, PX);
  unsigned char* back = malloc(PNG_IMAGE_SIZE(img));
  cr_assert(png_image_finish_read(&img, NULL, back, 0, NULL));
  cr_expect_eq(memcmp(a, back, sizeof a), 0);
  free(back);
  unlink(path);
}

Test(render, unwritable_png_path_is_an_error) {
  static unsigned char a[PX * PX * 3];
  cr_expect_lt(bk_png_write("/nonexistent/dir/x.png", a, PX, PX, err, sizeof err), 0);
  cr_expect(strstr(err, "/nonexistent/dir/x.png") != NULL, "%s", err);
}
