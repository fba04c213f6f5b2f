/* bk_egl: headless EGL contexts on a chosen device (GPU nodes), loaded at run time.
 *
 * libEGL.so.1 is opened with dlopen (RTLD_GLOBAL, so that MuJoCo's GL loader finds
 * eglGetProcAddress first); nothing links against it, so a machine without EGL still
 * runs the OSMesa backend. Devices come from EGL_EXT_device_enumeration in the order
 * the driver lists them (index 0 = first GPU, or Mesa's software device without one).
 * A context belongs to the thread that made it current. */
#ifndef BK_RENDER_EGL_H
#define BK_RENDER_EGL_H

typedef struct bk_egl bk_egl_t;

/* Opens libEGL if needed and makes it visible to MuJoCo's loader. 0, or BK_EGL with err
 * naming the Debian package when the library is missing. */
int bk_egl_load(char* err, int err_sz);

/* Number of EGL devices (>= 0), or a negative code with err filled. */
int bk_egl_device_count(char* err, int err_sz);

/* Creates an OpenGL (compatibility) context on device `device` and makes it current on
 * the calling thread without a surface (MuJoCo renders into its own framebuffer).
 * NULL with err filled: no libEGL, no such device (err gives the count), or a driver
 * without the needed extensions. */
bk_egl_t* bk_egl_create(int device, char* err, int err_sz);

/* Makes e current on the calling thread if it is not already; 0 or BK_EGL. */
int bk_egl_make_current(bk_egl_t* e);

/* Releases and destroys the context; NULL is fine. */
void bk_egl_free(bk_egl_t* e);

#endif
