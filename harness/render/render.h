/* bk_render: offscreen rendering of a model's cameras into RGB buffers.
 *
 * One renderer per thread: it owns a GL context (OSMesa on any machine) bound to the
 * thread that created it. Images are returned top row first (as a PNG stores them). */
#ifndef BK_RENDER_RENDER_H
#define BK_RENDER_RENDER_H

#include <mujoco/mujoco.h>

typedef enum { BK_GL_OSMESA = 0, BK_GL_EGL } bk_gl_t;

typedef struct bk_render bk_render_t;

/* Creates a renderer for images up to width x height (at most the model's offscreen
 * size). Returns NULL with err filled when the backend is missing (naming the Debian
 * package to install) or the context cannot be made. */
bk_render_t* bk_render_create(const mjModel* m, int width, int height, bk_gl_t gl,
                              char* err, int err_sz);

/* Renders camera `camera` ("free" for a default overview) of state d into rgb
 * (width*height*3 bytes). show_regions draws the task's region sites.
 * Returns 0, or BK_ENOENT when the model has no such camera (err lists the cameras). */
int bk_render_camera(bk_render_t* r, const mjModel* m, mjData* d, const char* camera,
                     int show_regions, unsigned char* rgb, char* err, int err_sz);

/* Frees the renderer and its context; NULL is fine. Call from the creating thread. */
void bk_render_free(bk_render_t* r);

/* Writes an 8-bit RGB PNG atomically (temporary file, then rename). 0 or BK_EIO. */
int bk_png_write(const char* path, const unsigned char* rgb, int width, int height,
                 char* err, int err_sz);

#endif
