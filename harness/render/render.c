#include "render/render.h"

#include <GL/osmesa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

struct bk_render {
  OSMesaContext ctx;
  unsigned char* glbuf;      /* OSMesa's colour buffer */
  int width, height;
  mjvScene scn;
  mjrContext con;
  mjvOption opt;
  mjvPerturb pert;
  unsigned char* flip;       /* one row, for turning the image the right way up */
};

bk_render_t* bk_render_create(const mjModel* m, int width, int height, bk_gl_t gl,
                              char* err, int err_sz) {
  if (gl != BK_GL_OSMESA) {
    bk_fail(err, err_sz, BK_EGL, "EGL rendering is not built in; use OSMesa (--gl osmesa)");
    return NULL;
  }
  if (width < 1 || height < 1 || width > m->vis.global.offwidth ||
      height > m->vis.global.offheight) {
    bk_fail(err, err_sz, BK_EINVAL, "image size %dx%d outside 1..%dx%d", width, height,
            m->vis.global.offwidth, m->vis.global.offheight);
    return NULL;
  }
  bk_render_t* r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->width = width;
  r->height = height;
  int ow = m->vis.global.offwidth, oh = m->vis.global.offheight;
  r->glbuf = malloc((size_t)ow * oh * 4);
  r->flip = malloc((size_t)width * 3);
  r->ctx = OSMesaCreateContextExt(OSMESA_RGBA, 24, 8, 0, NULL);
  if (!r->glbuf || !r->flip || !r->ctx) {
    bk_fail(err, err_sz, BK_EGL, "OSMesa context failed (install libosmesa6)");
    goto fail;
  }
  if (!OSMesaMakeCurrent(r->ctx, r->glbuf, GL_UNSIGNED_BYTE, ow, oh)) {
    bk_fail(err, err_sz, BK_EGL, "OSMesaMakeCurrent failed");
    goto fail;
  }
  mjv_defaultScene(&r->scn);
  mjr_defaultContext(&r->con);
  mjv_defaultOption(&r->opt);
  mjv_defaultPerturb(&r->pert);
  mjv_makeScene(m, &r->scn, 4000);
  mjr_makeContext(m, &r->con, mjFONTSCALE_100);
  mjr_setBuffer(mjFB_OFFSCREEN, &r->con);
  if (r->con.currentBuffer != mjFB_OFFSCREEN) {
    bk_fail(err, err_sz, BK_EGL, "offscreen framebuffer not available");
    goto fail;
  }
  return r;

fail:
  bk_render_free(r);
  return NULL;
}

// a fixed camera by name, or the free camera looking at the scene centre
static int set_camera(const mjModel* m, const char* name, mjvCamera* cam, char* err,
                      int err_sz) {
  mjv_defaultCamera(cam);
  if (strcmp(name, "free") == 0) {
    cam->type = mjCAMERA_FREE;
    cam->lookat[0] = -0.1;
    cam->lookat[2] = 0.6;
    cam->distance = 2.2;
    cam->azimuth = 180;
    cam->elevation = -30;
    return 0;
  }
  int id = mj_name2id(m, mjOBJ_CAMERA, name);
  if (id < 0) {
    char names[512] = "free";
    for (int i = 0; i < m->ncam; i++) {
      size_t n = strlen(names);
      snprintf(names + n, sizeof names - n, ", %s", mj_id2name(m, mjOBJ_CAMERA, i));
    }
    return bk_fail(err, err_sz, BK_ENOENT, "unknown camera '%s' (valid: %s)", name, names);
  }
  cam->type = mjCAMERA_FIXED;
  cam->fixedcamid = id;
  return 0;
}

int bk_render_camera(bk_render_t* r, const mjModel* m, mjData* d, const char* camera,
                     int show_regions, unsigned char* rgb, char* err, int err_sz) {
  mjvCamera cam;
  int rc = set_camera(m, camera, &cam, err, err_sz);
  if (rc) return rc;
  r->opt.sitegroup[4] = (mjtByte)(show_regions ? 1 : 0);
  mjrRect vp = {0, 0, r->width, r->height};
  mjv_updateScene(m, d, &r->opt, &r->pert, &cam, mjCAT_ALL, &r->scn);
  mjr_render(vp, &r->scn, &r->con);
  mjr_readPixels(rgb, NULL, vp, &r->con);
  // OpenGL rows run bottom-up; turn them top-down
  size_t row = (size_t)r->width * 3;
  for (int y = 0; y < r->height / 2; y++) {
    unsigned char* a = rgb + (size_t)y * row;
    unsigned char* b = rgb + (size_t)(r->height - 1 - y) * row;
    memcpy(r->flip, a, row);
    memcpy(a, b, row);
    memcpy(b, r->flip, row);
  }
  return 0;
}

void bk_render_free(bk_render_t* r) {
  if (!r) return;
  if (r->ctx) {
    mjr_freeContext(&r->con);
    mjv_freeScene(&r->scn);
    OSMesaDestroyContext(r->ctx);
  }
  free(r->glbuf);
  free(r->flip);
  free(r);
}
