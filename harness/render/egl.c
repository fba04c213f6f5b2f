#include "render/egl.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/err.h"

#if BOKBO_HAVE_EGL

#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <dlfcn.h>

#define BK_EGL_PACKAGES "install libegl1 with a vendor: libegl-mesa0, or the NVIDIA driver's libnvidia-egl"
#define BK_EGL_MAXDEV 32

/* entry points, resolved once per process (they never change after loading) */
typedef struct {
  PFNEGLGETPROCADDRESSPROC getproc;
  PFNEGLQUERYDEVICESEXTPROC query_devices;
  PFNEGLGETPLATFORMDISPLAYEXTPROC platform_display;
  PFNEGLINITIALIZEPROC initialize;
  PFNEGLTERMINATEPROC terminate;
  PFNEGLCHOOSECONFIGPROC choose_config;
  PFNEGLBINDAPIPROC bind_api;
  PFNEGLCREATECONTEXTPROC create_context;
  PFNEGLDESTROYCONTEXTPROC destroy_context;
  PFNEGLMAKECURRENTPROC make_current;
  PFNEGLGETCURRENTCONTEXTPROC current_context;
  PFNEGLCREATEPBUFFERSURFACEPROC create_pbuffer;
  PFNEGLDESTROYSURFACEPROC destroy_surface;
  PFNEGLGETERRORPROC get_error;
} egl_api_t;

static egl_api_t api;           /* written under `once`, read-only afterwards */
static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[256];

struct bk_egl {
  EGLDisplay dpy;
  EGLContext ctx;
  EGLSurface surf;              /* a 1x1 pbuffer where surfaceless contexts are refused */
};

static void load_once(void) {
  void* h = dlopen("libEGL.so.1", RTLD_NOW | RTLD_GLOBAL);
  if (!h) {
    snprintf(load_error, sizeof load_error, "EGL backend: cannot load libEGL.so.1 (%s)",
             BK_EGL_PACKAGES);
    return;
  }
  api.getproc = (PFNEGLGETPROCADDRESSPROC)dlsym(h, "eglGetProcAddress");
  if (!api.getproc) {
    snprintf(load_error, sizeof load_error, "EGL backend: libEGL.so.1 lacks eglGetProcAddress");
    return;
  }
#define GET(field, name) api.field = (void*)api.getproc(name)
  GET(query_devices, "eglQueryDevicesEXT");
  GET(platform_display, "eglGetPlatformDisplayEXT");
  GET(initialize, "eglInitialize");
  GET(terminate, "eglTerminate");
  GET(choose_config, "eglChooseConfig");
  GET(bind_api, "eglBindAPI");
  GET(create_context, "eglCreateContext");
  GET(destroy_context, "eglDestroyContext");
  GET(make_current, "eglMakeCurrent");
  GET(current_context, "eglGetCurrentContext");
  GET(create_pbuffer, "eglCreatePbufferSurface");
  GET(destroy_surface, "eglDestroySurface");
  GET(get_error, "eglGetError");
#undef GET
  if (!api.query_devices || !api.platform_display) {
    snprintf(load_error, sizeof load_error,
             "EGL backend: the driver lacks EGL_EXT_device_enumeration/platform_device (%s)",
             BK_EGL_PACKAGES);
  }
}

int bk_egl_load(char* err, int err_sz) {
  pthread_once(&once, load_once);
  if (load_error[0]) return bk_fail(err, err_sz, BK_EGL, "%s", load_error);
  return 0;
}

int bk_egl_device_count(char* err, int err_sz) {
  int rc = bk_egl_load(err, err_sz);
  if (rc) return rc;
  EGLDeviceEXT dev[BK_EGL_MAXDEV];
  EGLint n = 0;
  if (!api.query_devices(BK_EGL_MAXDEV, dev, &n)) {
    return bk_fail(err, err_sz, BK_EGL, "eglQueryDevicesEXT failed (0x%x)", api.get_error());
  }
  return n;
}

// the display of device `device`, initialised
static EGLDisplay open_display(int device, char* err, int err_sz) {
  EGLDeviceEXT dev[BK_EGL_MAXDEV];
  EGLint n = 0;
  if (!api.query_devices(BK_EGL_MAXDEV, dev, &n) || device < 0 || device >= n) {
    bk_fail(err, err_sz, BK_EGL, "EGL device %d does not exist (%d device%s found; --egl-device 0-%d)",
            device, n, n == 1 ? "" : "s", n - 1);
    return EGL_NO_DISPLAY;
  }
  EGLDisplay dpy = api.platform_display(EGL_PLATFORM_DEVICE_EXT, dev[device], NULL);
  EGLint major, minor;
  if (dpy == EGL_NO_DISPLAY || !api.initialize(dpy, &major, &minor)) {
    bk_fail(err, err_sz, BK_EGL, "EGL device %d: eglInitialize failed (0x%x)", device,
            api.get_error());
    return EGL_NO_DISPLAY;
  }
  return dpy;
}

bk_egl_t* bk_egl_create(int device, char* err, int err_sz) {
  if (bk_egl_load(err, err_sz)) return NULL;
  bk_egl_t* e = calloc(1, sizeof *e);
  if (!e) return NULL;
  e->dpy = open_display(device, err, err_sz);
  if (e->dpy == EGL_NO_DISPLAY) goto fail;
  // a plain RGBA8 / depth 24 / stencil 8 desktop GL config
  static const EGLint attrs[] = {
    EGL_SURFACE_TYPE, EGL_PBUFFER_BIT, EGL_RED_SIZE, 8, EGL_GREEN_SIZE, 8, EGL_BLUE_SIZE, 8,
    EGL_ALPHA_SIZE, 8, EGL_DEPTH_SIZE, 24, EGL_STENCIL_SIZE, 8,
    EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_NONE};
  EGLConfig cfg;
  EGLint ncfg = 0;
  if (!api.choose_config(e->dpy, attrs, &cfg, 1, &ncfg) || ncfg < 1 || !api.bind_api(EGL_OPENGL_API)) {
    bk_fail(err, err_sz, BK_EGL, "EGL device %d: no desktop OpenGL config (0x%x)", device,
            api.get_error());
    goto fail;
  }
  e->ctx = api.create_context(e->dpy, cfg, EGL_NO_CONTEXT, NULL);
  if (e->ctx == EGL_NO_CONTEXT) {
    bk_fail(err, err_sz, BK_EGL, "EGL device %d: eglCreateContext failed (0x%x)", device,
            api.get_error());
    goto fail;
  }
  // surfaceless first; a 1x1 pbuffer for drivers without EGL_KHR_surfaceless_context
  e->surf = EGL_NO_SURFACE;
  if (!api.make_current(e->dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, e->ctx)) {
    static const EGLint pb[] = {EGL_WIDTH, 1, EGL_HEIGHT, 1, EGL_NONE};
    e->surf = api.create_pbuffer(e->dpy, cfg, pb);
    if (e->surf == EGL_NO_SURFACE || !api.make_current(e->dpy, e->surf, e->surf, e->ctx)) {
      bk_fail(err, err_sz, BK_EGL, "EGL device %d: eglMakeCurrent failed (0x%x)", device,
              api.get_error());
      goto fail;
    }
  }
  return e;

fail:
  bk_egl_free(e);
  return NULL;
}

int bk_egl_make_current(bk_egl_t* e) {
  if (api.current_context() == e->ctx) return 0;
  return api.make_current(e->dpy, e->surf, e->surf, e->ctx) ? 0 : BK_EGL;
}

void bk_egl_free(bk_egl_t* e) {
  if (!e) return;
  if (e->dpy != EGL_NO_DISPLAY) {
    if (api.current_context() == e->ctx) {
      api.make_current(e->dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
    }
    if (e->ctx != EGL_NO_CONTEXT) api.destroy_context(e->dpy, e->ctx);
    if (e->surf != EGL_NO_SURFACE) api.destroy_surface(e->dpy, e->surf);
    // the display is shared by every context of the device: it is not terminated here
  }
  free(e);
}

#else  /* built without EGL headers */

int bk_egl_load(char* err, int err_sz) {
  return bk_fail(err, err_sz, BK_EGL,
                 "EGL backend not built in (install libegl-dev and rebuild with -DBOKBO_EGL=ON)");
}

int bk_egl_device_count(char* err, int err_sz) { return bk_egl_load(err, err_sz); }

bk_egl_t* bk_egl_create(int device, char* err, int err_sz) {
  (void)device;
  bk_egl_load(err, err_sz);
  return NULL;
}

int bk_egl_make_current(bk_egl_t* e) {
  (void)e;
  return BK_EGL;
}

void bk_egl_free(bk_egl_t* e) { (void)e; }

#endif
