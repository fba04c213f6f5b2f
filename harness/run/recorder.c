#include "run/recorder.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"
#include "render/overlay.h"
#include "render/render.h"
#include "render/video.h"

#define REC_SIZE 256

struct bk_recorder {
  char dir[1024], camera[64], partial[1100];
  int every, frames, gl, egl_device, worker, nframe;
  bk_render_t* render;
  bk_video_t* video;
  unsigned char* rgb;
  char err[256];               /* first error of this episode, reported at the end */
};

bk_recorder_t* bk_recorder_create(const char* dir, const char* camera, int every, int frames,
                                  int gl, int egl_device, int worker) {
  bk_recorder_t* r = calloc(1, sizeof *r);
  if (!r) return NULL;
  snprintf(r->dir, sizeof r->dir, "%s", dir);
  snprintf(r->camera, sizeof r->camera, "%s", camera ? camera : "agentview");
  r->every = every > 0 ? every : 1;
  r->frames = frames;
  r->gl = gl;
  r->egl_device = egl_device;
  r->worker = worker;
  r->rgb = malloc((size_t)REC_SIZE * REC_SIZE * 3);
  if (!r->rgb) {
    free(r);
    return NULL;
  }
  return r;
}

void bk_recorder_free(bk_recorder_t* r) {
  if (!r) return;
  bk_video_abort(r->video);
  bk_render_free(r->render);
  free(r->rgb);
  free(r);
}

// the overlay of the current control step
static void overlay(const struct bk_episode_ctx* ctx, const bk_episode_t* ep,
                    const bk_decision_t* dec, bk_overlay_t* ov) {
  bk_overlay_init(ov);
  ov->prompt = ctx->w->ref.prompt;
  ov->step = ep->steps;
  ov->decision = dec ? ep->ndecision : -1;
  ov->risk = dec ? dec->risk[dec->chosen] : NAN;
  if (ep->steps > 0) {
    memcpy(ov->force, ep->step_force + (size_t)(ep->steps - 1) * BK_NFORCE, sizeof ov->force);
  }
  ov->success = ep->success;
}

// start the episode's output: a temporary video or frame folder
static int start(bk_recorder_t* r, const struct bk_episode_ctx* ctx) {
  if (!r->render) {
    r->render = bk_render_create_on(ctx->w->m, REC_SIZE, REC_SIZE, (bk_gl_t)r->gl, r->egl_device,
                                    r->err, sizeof r->err);
    if (!r->render) return -1;
  }
  r->nframe = 0;
  // a retried episode (remote policies) starts its video again
  if (r->video) bk_video_abort(r->video);
  r->video = NULL;
  snprintf(r->partial, sizeof r->partial, "%s/.partial-w%d%s", r->dir, r->worker, r->frames ? "" : ".mp4");
  if (r->frames) return mkdir(r->partial, 0755) != 0 && errno != EEXIST ? -1 : 0;
  r->video = bk_video_open(r->partial, REC_SIZE, REC_SIZE, BK_VIDEO_FPS, r->err, sizeof r->err);
  return r->video ? 0 : -1;
}

void bk_recorder_step(void* arg, const struct bk_episode_ctx* ctx, const struct bk_episode* ep,
                      const bk_decision_t* dec) {
  bk_recorder_t* r = arg;
  if (!dec) {  // the episode starts
    r->err[0] = '\0';
    if (start(r, ctx)) return;
  } else if (ep->steps % r->every) {
    return;
  }
  if (r->err[0] || (!r->video && !r->frames)) return;
  bk_overlay_t ov;
  overlay(ctx, ep, dec, &ov);
  bk_view_t v = {r->camera, 0, 0, &ov};
  if (bk_render_view(r->render, ctx->w->m, ctx->d, &v, r->rgb, r->err, sizeof r->err)) return;
  if (r->frames) {
    char path[1300];
    snprintf(path, sizeof path, "%s/frame_%04d.png", r->partial, r->nframe);
    bk_png_write(path, r->rgb, REC_SIZE, REC_SIZE, r->err, sizeof r->err);
  } else {
    bk_video_write(r->video, r->rgb, r->err, sizeof r->err);
  }
  r->nframe++;
}

int bk_recorder_finish(bk_recorder_t* r, const char* suite, double value, int has_value,
                       const bk_episode_t* ep, char* err, int err_sz) {
  char name[512], tagged[600], final[1700];
  bk_video_name(name, sizeof name, suite, ep->task, ep->init, ep->seed, ep->success, NULL);
  if (has_value) {
    // a sweep: the sampling value goes into the name too
    char* outcome = strrchr(name, '_');
    snprintf(tagged, sizeof tagged, "%.*s_v%g%s", (int)(outcome - name), name, value, outcome);
  } else {
    snprintf(tagged, sizeof tagged, "%s", name);
  }
  snprintf(final, sizeof final, "%s/%s%s", r->dir, tagged, r->frames ? "" : ".mp4");
  int rc = 0;
  if (r->frames) {
    rc = r->err[0] || rename(r->partial, final) != 0;
  } else if (r->video && r->err[0]) {
    bk_video_abort(r->video);
  } else if (r->video) {
    rc = bk_video_close(r->video, final, err, err_sz);
  }
  r->video = NULL;
  if (r->err[0]) rc = bk_fail(err, err_sz, BK_EIO, "video: %s", r->err);
  return rc;
}
