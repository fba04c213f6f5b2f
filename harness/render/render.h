/* bk_render: offscreen rendering of a model's cameras into RGB buffers.
 *
 * One renderer per thread: it owns a GL context bound to the thread that created it
 * (several renderers may share a thread; each call makes its own context current).
 * Backends: OSMesa (CPU, any machine, the default) and EGL (GPU nodes, a device chosen
 * by index), picked at run time; EGL is loaded with dlopen, so a machine without it
 * builds and runs OSMesa.
 *
 * MuJoCo 2.2.2 resolves its GL entry points once per process from the first context it
 * sees, so a process renders with one backend only: the first renderer created fixes it
 * and a renderer of the other backend is refused with BK_EGL (create them all with the
 * same --gl). Rendering is deterministic for a given backend and machine: the same state
 * renders the same bytes.
 *
 * Image orientation: bk_render_camera / bk_render_view return the picture upright, top
 * row first (as a PNG stores it). bk_render_obs returns what LIBERO's evaluators hand a
 * policy: robosuite's camera image (OpenGL row order, i.e. upside down) rotated by 180
 * degrees (img[::-1, ::-1]), which is the upright picture mirrored left-right. */
#ifndef BK_RENDER_RENDER_H
#define BK_RENDER_RENDER_H

#include <mujoco/mujoco.h>

#include "render/overlay.h"

typedef enum { BK_GL_OSMESA = 0, BK_GL_EGL, BK_GL_WINDOW } bk_gl_t;

#define BK_OBS_RENDER_SIZE 256  /* LIBERO's evaluators render 256 x 256 ... */
#define BK_OBS_POLICY_SIZE 224  /* ... and hand many policies 224 x 224 */
#define BK_CAM_AGENTVIEW "agentview"
#define BK_CAM_WRIST "robot0_eye_in_hand"

typedef struct bk_render bk_render_t;

/* "osmesa" or "egl" into *gl; 0, or BK_EINVAL with err naming the valid ones. */
int bk_gl_parse(const char* name, bk_gl_t* gl, char* err, int err_sz);

/* "osmesa", "egl" or "window". */
const char* bk_gl_name(bk_gl_t gl);

/* Claims the process's GL platform for gl (see above); 0, or BK_EGL when another one
 * was claimed first. The renderer and the viewer call it; exposed for them. */
int bk_gl_claim(bk_gl_t gl, char* err, int err_sz);

/* Creates a renderer for images up to width x height (at most the model's offscreen
 * size) on backend gl; EGL uses device 0. Returns NULL with err filled when the
 * backend is missing (naming the Debian package to install) or the context cannot be
 * made; nothing else is changed. */
bk_render_t* bk_render_create(const mjModel* m, int width, int height, bk_gl_t gl,
                              char* err, int err_sz);

/* The same with the EGL device index (--egl-device; ignored for OSMesa). An index past
 * the last device is an error that gives the number of devices. */
bk_render_t* bk_render_create_on(const mjModel* m, int width, int height, bk_gl_t gl,
                                 int egl_device, char* err, int err_sz);

/* The backend a renderer uses, and its image size. */
bk_gl_t bk_render_gl(const bk_render_t* r);
void bk_render_size(const bk_render_t* r, int* width, int* height);

/* What to draw: a camera and optional decorations. */
typedef struct {
  const char* camera;          /* "agentview", "robot0_eye_in_hand", ... or "free" */
  int regions;                 /* draw the task's region sites (site group 4) */
  int contact_forces;          /* MuJoCo's contact points and force arrows */
  const bk_overlay_t* overlay; /* status text drawn over the frame, or NULL */
} bk_view_t;

/* Renders view v of state d into rgb (width*height*3 bytes, upright). d is only read
 * (MuJoCo's API takes it non-const). Returns 0, or BK_ENOENT when the model has no such
 * camera (err lists the cameras), or BK_EGL when the context cannot be made current. */
int bk_render_view(bk_render_t* r, const mjModel* m, mjData* d, const bk_view_t* v,
                   unsigned char* rgb, char* err, int err_sz);

/* bk_render_view of one camera, region sites on or off. */
int bk_render_camera(bk_render_t* r, const mjModel* m, mjData* d, const char* camera,
                     int show_regions, unsigned char* rgb, char* err, int err_sz);

/* A policy observation image: camera rendered at the renderer's (square) size, rotated
 * 180 degrees from OpenGL row order as LIBERO's evaluators do, then resized to
 * out_size x out_size (bk_image_resize: antialiased bilinear) unless out_size equals
 * the render size. rgb holds out_size*out_size*3 bytes. No allocation. Returns 0,
 * BK_EINVAL (renderer not square, out_size outside 1..size), or bk_render_view's codes. */
int bk_render_obs(bk_render_t* r, const mjModel* m, mjData* d, const char* camera,
                  int out_size, unsigned char* rgb, char* err, int err_sz);

/* Both observation images of a decision: agentview into image, robot0_eye_in_hand into
 * wrist (each out_size^2 * 3 bytes); what bk_obs_t.image / wrist_image point at. */
int bk_render_obs_pair(bk_render_t* r, const mjModel* m, mjData* d, int out_size,
                       unsigned char* image, unsigned char* wrist, char* err, int err_sz);

/* Frees the renderer and its context; NULL is fine. Call from the creating thread. */
void bk_render_free(bk_render_t* r);

/* Writes an 8-bit RGB PNG atomically (temporary file, then rename). 0 or BK_EIO. */
int bk_png_write(const char* path, const unsigned char* rgb, int width, int height,
                 char* err, int err_sz);

#endif
