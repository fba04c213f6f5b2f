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

/* ---- the eye-in-hand camera sees the gripper (robosuite's znear 0.001) ---- */

// pixels that change when one body's geoms are hidden (moved to geom group 3, not drawn)
static long pixels_of_body(const char* body, const char* camera, const char* png) {
  static unsigned char a[PX * PX * 3], b[PX * PX * 3];
  int id = mj_name2id(w->m, mjOBJ_BODY, body);
  cr_assert_geq(id, 0, "no body %s", body);
  mjModel* hidden = mj_copyModel(NULL, w->m);
  cr_assert_not_null(hidden);
  for (int g = 0; g < hidden->ngeom; g++) {
    if (hidden->geom_bodyid[g] == id) hidden->geom_group[g] = 3;
  }
  cr_assert_eq(bk_render_camera(r, w->m, d, camera, 0, a, err, sizeof err), 0, "%s", err);
  cr_assert_eq(bk_render_camera(r, hidden, d, camera, 0, b, err, sizeof err), 0, "%s", err);
  mj_deleteModel(hidden);
  if (png) bk_png_write(png, a, PX, PX, err, sizeof err);
  long n = 0;
  for (int i = 0; i < PX * PX; i++) {
    if (memcmp(a + 3 * i, b + 3 * i, 3) != 0) n++;
  }
  return n;
}

Test(render, wrist_camera_shows_both_fingers) {
  // each finger pad covers a visible patch of the wrist image (at least 1% of it)
  long left = pixels_of_body("robot0_left_finger", BK_CAM_WRIST, "render_wrist.png");
  long right = pixels_of_body("robot0_right_finger", BK_CAM_WRIST, NULL);
  cr_expect_gt(left, PX * PX / 100, "left finger covers %ld pixels", left);
  cr_expect_gt(right, PX * PX / 100, "right finger covers %ld pixels", right);
}

Test(render, scene_clips_near_at_robosuites_fraction_of_the_extent) {
  cr_expect_float_eq(w->m->vis.map.znear, 0.001, 1e-7);
  // the near plane sits closer than the pads' tips to the camera (under 2 cm)
  cr_expect_lt(w->m->vis.map.znear * w->m->stat.extent, 0.02);
}

/* ---- observation images (LIBERO orientation, resize) ---- */

#include "render/image.h"

Test(render, obs_image_is_the_180_degree_rotation_of_the_opengl_readback) {
  static unsigned char plain[PX * PX * 3], obs[PX * PX * 3];
  cr_assert_eq(bk_render_camera(r, w->m, d, "agentview", 0, plain, err, sizeof err), 0, "%s", err);
  cr_assert_eq(bk_render_obs(r, w->m, d, "agentview", PX, obs, err, sizeof err), 0, "%s", err);
  // robosuite's image is the OpenGL readback (bottom row first); LIBERO turns it 180 degrees
  bk_image_vflip(plain, PX, PX);
  bk_image_rot180(plain, PX, PX);
  cr_expect_eq(memcmp(plain, obs, sizeof obs), 0);
}

Test(render, obs_image_resized_is_deterministic_and_sized) {
  enum { OUT = PX * 7 / 8 };  /* 256 -> 224 in LIBERO's sizes */
  static unsigned char a[OUT * OUT * 3 + 16], b[OUT * OUT * 3 + 16];
  memset(a, 0xAB, sizeof a);
  cr_assert_eq(bk_render_obs(r, w->m, d, "robot0_eye_in_hand", OUT, a, err, sizeof err), 0, "%s", err);
  cr_assert_eq(bk_render_obs(r, w->m, d, "robot0_eye_in_hand", OUT, b, err, sizeof err), 0);
  cr_expect_eq(memcmp(a, b, OUT * OUT * 3), 0);
  cr_expect_eq(a[OUT * OUT * 3], 0xAB, "wrote past out_size^2 * 3 bytes");
  cr_expect_gt(variance(a, OUT * OUT * 3), 10.0);
  cr_expect_lt(bk_render_obs(r, w->m, d, "agentview", PX + 1, a, err, sizeof err), 0);
}

Test(render, obs_pair_gives_both_cameras) {
  static unsigned char a[PX * PX * 3], b[PX * PX * 3], c[PX * PX * 3];
  cr_assert_eq(bk_render_obs_pair(r, w->m, d, PX, a, b, err, sizeof err), 0, "%s", err);
  cr_assert_eq(bk_render_obs(r, w->m, d, "robot0_eye_in_hand", PX, c, err, sizeof err), 0);
  cr_expect_eq(memcmp(b, c, sizeof c), 0);
  cr_expect_neq(memcmp(a, b, sizeof a), 0);
}

Test(render, a_second_gl_backend_in_one_process_is_refused) {
  bk_render_t* e = bk_render_create(w->m, PX, PX, BK_GL_EGL, err, sizeof err);
  cr_expect_null(e);
  cr_expect(strstr(err, "egl") || strstr(err, "EGL"), "%s", err);
  bk_render_free(e);
}

Test(render, overlay_draws_over_the_frame) {
  static unsigned char a[PX * PX * 3], b[PX * PX * 3];
  bk_overlay_t ov;
  bk_overlay_init(&ov);
  ov.step = 12;
  ov.force[0] = 30;
  ov.thr[0] = 20;
  bk_view_t v = {"agentview", 0, 0, NULL};
  cr_assert_eq(bk_render_view(r, w->m, d, &v, a, err, sizeof err), 0, "%s", err);
  v.overlay = &ov;
  cr_assert_eq(bk_render_view(r, w->m, d, &v, b, err, sizeof err), 0, "%s", err);
  cr_expect_neq(memcmp(a, b, sizeof a), 0);
  cr_expect(bk_overlay_over(&ov));
  // a violation draws a red border: the top-left pixel is red
  cr_expect(b[0] > 200 && b[1] < 60 && b[2] < 60, "pixel %d %d %d", b[0], b[1], b[2]);
}

/* ---- pure image operations ---- */

Test(image, rot180_twice_is_the_identity_and_reverses_both_axes) {
  unsigned char img[2 * 3 * 3], ref[2 * 3 * 3];
  for (int i = 0; i < (int)sizeof img; i++) img[i] = ref[i] = (unsigned char)i;
  bk_image_rot180(img, 3, 2);
  cr_expect_eq(memcmp(img, ref + 15, 3), 0, "first pixel is the last one");
  bk_image_rot180(img, 3, 2);
  cr_expect_eq(memcmp(img, ref, sizeof img), 0);
}

Test(image, resize_keeps_a_flat_image_flat_and_averages_a_checkerboard) {
  static unsigned char src[256 * 256 * 3], dst[224 * 224 * 3], scratch[224 * 256 * 3];
  memset(src, 77, sizeof src);
  cr_assert_eq(bk_image_resize(src, 256, 256, dst, 224, 224, scratch), 0);
  for (size_t i = 0; i < sizeof dst; i++) cr_assert_eq(dst[i], 77);
  for (int y = 0; y < 256; y++)
    for (int x = 0; x < 256; x++) memset(src + (y * 256 + x) * 3, ((x + y) & 1) ? 255 : 0, 3);
  static unsigned char half[128 * 128 * 3];
  cr_assert_eq(bk_image_resize(src, 256, 256, half, 128, 128, scratch), 0);
  // away from the border (where the filter is cut off) every pixel is the mean grey
  for (int y = 1; y < 127; y++)
    for (int x = 1; x < 127; x++) {
      int g = half[(y * 128 + x) * 3];
      cr_assert(g >= 126 && g <= 129, "(%d, %d): %d", x, y, g);
    }
  cr_expect_lt(bk_image_resize(src, 0, 256, half, 128, 128, scratch), 0);
}

/* ---- EGL: its own process (Criterion runs each test in one), skipped without a device ---- */

Test(render_egl, same_state_renders_the_same_bytes_on_egl) {
  bk_world_t* ww = bk_world_create(BOKBO_SOURCE_DIR "/scenes", "libero_spatial", 0, err, sizeof err);
  cr_assert_not_null(ww, "%s", err);
  mjData* dd = mj_makeData(ww->m);
  cr_assert_eq(bk_init_state(ww, 0, NULL, dd, err, sizeof err), 0, "%s", err);
  bk_render_t* e = bk_render_create(ww->m, PX, PX, BK_GL_EGL, err, sizeof err);
  if (!e) {
    mj_deleteData(dd);
    bk_world_free(ww);
    cr_skip_test("no EGL device here: %s", err);
  }
  static unsigned char a[PX * PX * 3], b[PX * PX * 3];
  cr_assert_eq(bk_render_camera(e, ww->m, dd, "agentview", 0, a, err, sizeof err), 0, "%s", err);
  cr_assert_eq(bk_render_camera(e, ww->m, dd, "robot0_eye_in_hand", 0, b, err, sizeof err), 0);
  cr_assert_eq(bk_render_camera(e, ww->m, dd, "agentview", 0, b, err, sizeof err), 0);
  cr_expect_eq(memcmp(a, b, sizeof a), 0);
  cr_expect_gt(variance(a, sizeof a), 100.0);
  bk_render_free(e);
  mj_deleteData(dd);
  bk_world_free(ww);
}

Test(render_egl, a_device_past_the_last_is_an_error_giving_the_count) {
  bk_world_t* ww = bk_world_create(BOKBO_SOURCE_DIR "/scenes", "libero_spatial", 0, err, sizeof err);
  cr_assert_not_null(ww, "%s", err);
  bk_render_t* e = bk_render_create_on(ww->m, PX, PX, BK_GL_EGL, 999, err, sizeof err);
  cr_expect_null(e);
  cr_expect(strstr(err, "999") || strstr(err, "libEGL"), "%s", err);
  bk_world_free(ww);
}
