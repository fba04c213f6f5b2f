#include "render/render.h"

#include <GL/osmesa.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "render/egl.h"
#include "render/image.h"

struct bk_render {
  bk_gl_t gl;
  OSMesaContext osmesa;      /* BK_GL_OSMESA */
  unsigned char* glbuf;      /* OSMesa's colour buffer, bufw x bufh */
  int bufw, bufh;
  bk_egl_t* egl;             /* BK_GL_EGL */
  int width, height;
  mjvScene scn;
  mjrContext con;
  int have_con;
  mjvOption opt;
  mjvPerturb pert;
  unsigned char* raw;        /* one full frame, for observations */
  unsigned char* scratch;    /* resize scratch, width * height * 3 */
};

/* MuJoCo binds its GL entry points once per process (see render.h): the one platform
 * this process renders with, -1 until the first context */
static atomic_int g_platform = -1;

static const char* const kGlNames[] = {"osmesa", "egl", "window"};

const char* bk_gl_name(bk_gl_t gl) {
  return (unsigned)gl < 3 ? kGlNames[gl] : "?";
}

int bk_gl_parse(const char* name, bk_gl_t* gl, char* err, int err_sz) {
  for (int i = 0; i < 2; i++) {
    if (strcmp(name, kGlNames[i]) == 0) {
      *gl = (bk_gl_t)i;
      return 0;
    }
  }
  return bk_fail(err, err_sz, BK_EINVAL, "unknown GL backend '%s' (valid: osmesa, egl)", name);
}

int bk_gl_claim(bk_gl_t gl, char* err, int err_sz) {
  int want = -1;
  if (atomic_compare_exchange_strong(&g_platform, &want, (int)gl) || want == (int)gl) return 0;
  return bk_fail(err, err_sz, BK_EGL,
                 "this process already renders with %s; MuJoCo 2.2.2 binds one GL platform "
                 "per process, so %s cannot be used as well",
                 bk_gl_name((bk_gl_t)want), bk_gl_name(gl));
}

// an OSMesa context on a buffer of the model's offscreen size
static int make_osmesa(bk_render_t* r, const mjModel* m, char* err, int err_sz) {
  int ow = r->bufw = m->vis.global.offwidth, oh = r->bufh = m->vis.global.offheight;
  r->glbuf = malloc((size_t)ow * oh * 4);
  r->osmesa = OSMesaCreateContextExt(OSMESA_RGBA, 24, 8, 0, NULL);
  if (!r->glbuf || !r->osmesa) {
    return bk_fail(err, err_sz, BK_EGL, "OSMesa context failed (install libosmesa6)");
  }
  if (!OSMesaMakeCurrent(r->osmesa, r->glbuf, GL_UNSIGNED_BYTE, ow, oh)) {
    return bk_fail(err, err_sz, BK_EGL, "OSMesaMakeCurrent failed");
  }
  return 0;
}

// makes r's context current on this thread if another one is
static int make_current(bk_render_t* r) {
  if (r->gl == BK_GL_EGL) return bk_egl_make_current(r->egl);
  if (OSMesaGetCurrentContext() == r->osmesa) return 0;
  return OSMesaMakeCurrent(r->osmesa, r->glbuf, GL_UNSIGNED_BYTE, r->bufw, r->bufh) ? 0 : BK_EGL;
}

// MuJoCo's scene and context on the current GL context
static int make_mujoco(bk_render_t* r, const mjModel* m, char* err, int err_sz) {
  mjv_defaultScene(&r->scn);
  mjr_defaultContext(&r->con);
  mjv_defaultOption(&r->opt);
  // scenes that ask for it (LIBERO's) draw no collision geoms, as robosuite's renderer
  if (mj_name2id(m, mjOBJ_NUMERIC, "bokbo_hide_collision") >= 0) r->opt.geomgroup[0] = 0;
  mjv_defaultPerturb(&r->pert);
  mjv_makeScene(m, &r->scn, 4000);
  mjr_makeContext(m, &r->con, r->width < 400 ? mjFONTSCALE_50 : mjFONTSCALE_100);
  r->have_con = 1;
  mjr_setBuffer(mjFB_OFFSCREEN, &r->con);
  if (r->con.currentBuffer != mjFB_OFFSCREEN) {
    return bk_fail(err, err_sz, BK_EGL, "offscreen framebuffer not available");
  }
  return 0;
}

bk_render_t* bk_render_create_on(const mjModel* m, int width, int height, bk_gl_t gl,
                                 int egl_device, char* err, int err_sz) {
  if (gl != BK_GL_OSMESA && gl != BK_GL_EGL) {
    bk_fail(err, err_sz, BK_EINVAL, "offscreen rendering needs osmesa or egl");
    return NULL;
  }
  if (width < 1 || height < 1 || width > m->vis.global.offwidth ||
      height > m->vis.global.offheight) {
    bk_fail(err, err_sz, BK_EINVAL, "image size %dx%d outside 1..%dx%d", width, height,
            m->vis.global.offwidth, m->vis.global.offheight);
    return NULL;
  }
  // EGL must be loaded (globally) before MuJoCo's loader runs, so load it before claiming
  if (gl == BK_GL_EGL && bk_egl_load(err, err_sz)) return NULL;
  if (bk_gl_claim(gl, err, err_sz)) return NULL;
  bk_render_t* r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->gl = gl;
  r->width = width;
  r->height = height;
  r->raw = malloc((size_t)width * height * 3);
  r->scratch = malloc((size_t)width * height * 3);
  int rc = (!r->raw || !r->scratch) ? bk_fail(err, err_sz, BK_ENOMEM, "out of memory") : 0;
  if (!rc && gl == BK_GL_OSMESA) rc = make_osmesa(r, m, err, err_sz);
  if (!rc && gl == BK_GL_EGL) {
    r->egl = bk_egl_create(egl_device, err, err_sz);
    rc = r->egl ? 0 : BK_EGL;
  }
  if (!rc) rc = make_mujoco(r, m, err, err_sz);
  if (rc) {
    bk_render_free(r);
    return NULL;
  }
  return r;
}

bk_render_t* bk_render_create(const mjModel* m, int width, int height, bk_gl_t gl,
                              char* err, int err_sz) {
  return bk_render_create_on(m, width, height, gl, 0, err, err_sz);
}

bk_gl_t bk_render_gl(const bk_render_t* r) { return r->gl; }

void bk_render_size(const bk_render_t* r, int* width, int* height) {
  *width = r->width;
  *height = r->height;
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

// renders v into the offscreen buffer and reads it back in OpenGL row order
static int render_raw(bk_render_t* r, const mjModel* m, mjData* d, const bk_view_t* v,
                      unsigned char* rgb, char* err, int err_sz) {
  mjvCamera cam;
  int rc = set_camera(m, v->camera, &cam, err, err_sz);
  if (rc) return rc;
  if (make_current(r)) return bk_fail(err, err_sz, BK_EGL, "cannot make the GL context current");
  r->opt.sitegroup[4] = (mjtByte)(v->regions ? 1 : 0);
  r->opt.flags[mjVIS_CONTACTPOINT] = (mjtByte)(v->contact_forces ? 1 : 0);
  r->opt.flags[mjVIS_CONTACTFORCE] = (mjtByte)(v->contact_forces ? 1 : 0);
  mjrRect vp = {0, 0, r->width, r->height};
  mjv_updateScene(m, d, &r->opt, &r->pert, &cam, mjCAT_ALL, &r->scn);
  mjr_render(vp, &r->scn, &r->con);
  if (v->overlay) bk_overlay_draw(v->overlay, vp, &r->con);
  mjr_readPixels(rgb, NULL, vp, &r->con);
  return 0;
}

int bk_render_view(bk_render_t* r, const mjModel* m, mjData* d, const bk_view_t* v,
                   unsigned char* rgb, char* err, int err_sz) {
  int rc = render_raw(r, m, d, v, rgb, err, err_sz);
  if (rc == 0) bk_image_vflip(rgb, r->width, r->height);  // OpenGL rows run bottom-up
  return rc;
}

int bk_render_camera(bk_render_t* r, const mjModel* m, mjData* d, const char* camera,
                     int show_regions, unsigned char* rgb, char* err, int err_sz) {
  bk_view_t v = {camera, show_regions, 0, NULL};
  return bk_render_view(r, m, d, &v, rgb, err, err_sz);
}

int bk_render_obs(bk_render_t* r, const mjModel* m, mjData* d, const char* camera,
                  int out_size, unsigned char* rgb, char* err, int err_sz) {
  if (r->width != r->height || out_size < 1 || out_size > r->width) {
    return bk_fail(err, err_sz, BK_EINVAL, "observation size %d needs a square renderer of at least that size (have %dx%d)",
                   out_size, r->width, r->height);
  }
  bk_view_t v = {camera, 0, 0, NULL};
  unsigned char* full = out_size == r->width ? rgb : r->raw;
  int rc = render_raw(r, m, d, &v, full, err, err_sz);
  if (rc) return rc;
  // robosuite's image is the OpenGL readback; LIBERO's evaluators turn it by 180 degrees
  bk_image_rot180(full, r->width, r->height);
  if (full != rgb) bk_image_resize(full, r->width, r->height, rgb, out_size, out_size, r->scratch);
  return 0;
}

int bk_render_obs_pair(bk_render_t* r, const mjModel* m, mjData* d, int out_size,
                       unsigned char* image, unsigned char* wrist, char* err, int err_sz) {
  int rc = bk_render_obs(r, m, d, BK_CAM_AGENTVIEW, out_size, image, err, err_sz);
  if (rc == 0) rc = bk_render_obs(r, m, d, BK_CAM_WRIST, out_size, wrist, err, err_sz);
  return rc;
}

void bk_render_free(bk_render_t* r) {
  if (!r) return;
  if (r->have_con && make_current(r) == 0) {
    mjr_freeContext(&r->con);
    mjv_freeScene(&r->scn);
  }
  if (r->osmesa) OSMesaDestroyContext(r->osmesa);
  bk_egl_free(r->egl);
  free(r->glbuf);
  free(r->raw);
  free(r->scratch);
  free(r);
}
