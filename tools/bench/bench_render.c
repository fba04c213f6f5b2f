/* bench_render: two-camera 256x256 observation rendering (agentview + eye-in-hand,
 * rotated and resized to 224 as policies get them) and the cost of a control step with
 * images against one without, in one run, on one backend.
 * usage: bench_render [osmesa|egl] [frames] [egl-device]   (prints a markdown table)
 * Writes bench_obs_agentview.png / bench_obs_wrist.png (the 224 observations) to look at. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "control/osc.h"
#include "control/step.h"
#include "render/render.h"
#include "sim/initstate.h"
#include "sim/world.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

// control steps per second holding the arm still, rendering both observations every
// `every` steps (0: never)
static double control_rate(const bk_world_t* w, bk_render_t* r, mjData* d, bk_osc_t* osc,
                           int nstep, int every, unsigned char* a, unsigned char* b) {
  const double hold[BK_ACTION_DIM] = {0, 0, 0, 0, 0, 0, -1};
  double peak[BK_NFORCE];
  char err[256];
  double t0 = now();
  for (int i = 0; i < nstep; i++) {
    if (every && i % every == 0) bk_render_obs_pair(r, w->m, d, BK_OBS_POLICY_SIZE, a, b, err, sizeof err);
    bk_step_control(w, osc, d, hold, peak, NULL);
  }
  return nstep / (now() - t0);
}

int main(int argc, char** argv) {
  bk_gl_t gl = BK_GL_OSMESA;
  char err[1024];
  if (argc > 1 && bk_gl_parse(argv[1], &gl, err, sizeof err)) return fprintf(stderr, "%s\n", err), 2;
  int frames = argc > 2 ? atoi(argv[2]) : 100;
  int device = argc > 3 ? atoi(argv[3]) : 0;
  bk_world_t* w = bk_world_create(BOKBO_SCENES_DIR, "libero_spatial", 0, err, sizeof err);
  if (!w) return fprintf(stderr, "%s\n", err), 1;
  mjData* d = mj_makeData(w->m);
  bk_osc_t* osc = bk_osc_create(w);
  bk_init_state(w, 0, NULL, d, err, sizeof err);
  mj_forward(w->m, d);
  bk_osc_reset(osc, d);
  bk_render_t* r = bk_render_create_on(w->m, BK_OBS_RENDER_SIZE, BK_OBS_RENDER_SIZE, gl, device,
                                       err, sizeof err);
  if (!r) return fprintf(stderr, "bench_render: %s\n", err), 1;
  static unsigned char a[256 * 256 * 3], b[256 * 256 * 3];
  // warm-up, and the pictures to look at
  bk_render_obs_pair(r, w->m, d, BK_OBS_POLICY_SIZE, a, b, err, sizeof err);
  bk_png_write("bench_obs_agentview.png", a, BK_OBS_POLICY_SIZE, BK_OBS_POLICY_SIZE, err, sizeof err);
  bk_png_write("bench_obs_wrist.png", b, BK_OBS_POLICY_SIZE, BK_OBS_POLICY_SIZE, err, sizeof err);
  // two-camera observations: 256 render + readback, rotate, resize to 224
  double t0 = now();
  for (int i = 0; i < frames; i++) bk_render_obs_pair(r, w->m, d, BK_OBS_POLICY_SIZE, a, b, err, sizeof err);
  double pair_s = (now() - t0) / frames;
  // one 256 camera without the resize
  t0 = now();
  for (int i = 0; i < frames; i++) bk_render_obs(r, w->m, d, "agentview", BK_OBS_RENDER_SIZE, a, err, sizeof err);
  double one_s = (now() - t0) / frames;
  mjData* init = mj_makeData(w->m);
  mj_copyData(init, w->m, d);
  double plain = control_rate(w, r, d, osc, frames, 0, a, b);
  mj_copyData(d, w->m, init);
  double every = control_rate(w, r, d, osc, frames, 1, a, b);
  mj_copyData(d, w->m, init);
  double chunk8 = control_rate(w, r, d, osc, frames, 8, a, b);
  printf("backend %s, libero_spatial task 0, %d frames, MuJoCo %d\n\n", bk_gl_name(gl), frames, mj_version());
  printf("| measure | value |\n| --- | ---: |\n");
  printf("| two-camera observation (2 x 256 render+readback, rot180, resize 224) | %.2f ms = %.1f obs/s |\n",
         1e3 * pair_s, 1 / pair_s);
  printf("| one camera 256x256 render+readback+rot180 | %.2f ms = %.1f frames/s |\n", 1e3 * one_s, 1 / one_s);
  printf("| control step without images | %.1f steps/s |\n", plain);
  printf("| control step with images every step | %.1f steps/s (ratio %.3f) |\n", every, every / plain);
  printf("| control step with images every 8 steps (one decision per chunk of 8) | %.1f steps/s (ratio %.3f) |\n",
         chunk8, chunk8 / plain);
  bk_render_free(r);
  bk_osc_free(osc);
  mj_deleteData(init);
  mj_deleteData(d);
  bk_world_free(w);
  return 0;
}
