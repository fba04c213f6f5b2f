#include "viewer/viewer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "sim/scenes.h"

#if BOKBO_HAVE_VIEWER

#include <GLFW/glfw3.h>
#include <dlfcn.h>

#include "render/image.h"
#include "render/overlay.h"
#include "render/render.h"
#include "run/guard.h"
#include "run/thresholds.h"
#include "viewer/replay.h"
#include "sample/sample.h"
#include "score/predictor.h"
#include "score/score.h"
#include "viewer/vsim.h"

#define NCAM 3
#define STEP_PERIOD 0.05       /* s: control steps run at 20 Hz in real time */
#define MAXGEOM 6000

static const char* const kCams[NCAM] = {"free", "agentview", "robot0_eye_in_hand"};

static const char kHelp[] =
  "space\tpause / run\n"
  "right\tone control step\n"
  "c\tcamera: free, agentview, eye-in-hand\n"
  "f\tcontact forces\n"
  "r\tregion sites\n"
  "k\tcandidate paths (colour = risk)\n"
  "[ ]\tprevious / next episode (replay)\n"
  "s\tscreenshot\n"
  "backspace\trestart episode\n"
  "h\thelp\n"
  "q, esc\tquit\n"
  "mouse\tleft rotate, right pan, scroll zoom";

typedef struct {
  const bk_viewer_cfg_t* cfg;
  GLFWwindow* win;
  mjvScene scn;
  mjrContext con;
  mjvOption opt;
  mjvPerturb pert;
  mjvCamera free_cam;
  int have_gl;
  int gl_stale;  // the world changed since the GL scene and context were made
  /* display state */
  int cam_mode, paused, help, show_k, quit;
  int btn_left, btn_right, btn_middle;
  double lastx, lasty, next_step;
  /* the episode */
  bk_world_t* w;
  const bk_policy_ops_t* ops;
  const char* policy_opts;
  bk_vsim_t* sim;
  bk_episode_cfg_t ecfg;
  bk_shift_t shift;
  bk_predictor_t predictor;
  int task, init, seed;
  bk_thr_t thr;
  int have_thr;
  double thr_global;
  bk_replay_t rep;
  int replay, rep_index, mismatch;
  char note[256];
  char status[256];
  /* candidate paths of the current decision */
  double *kpath, *krisk;
  int kdecision, knpoint, kchosen, nk;
  /* script */
  const char* script_pos;
  int wait_frames, play;
  int shots;
  int key_shot;                /* `s` pressed: the next frame writes a screenshot */
  int rc;
  char* err;
  int err_sz;
} viewer_t;

int bk_viewer_available(void) { return 1; }

/* ---------------------------------------------------------------- episode set-up */

static void check_replay(viewer_t* v);

// the thresholds of the current task, per class (0 where none)
static void task_thresholds(const viewer_t* v, double thr[BK_NFORCE]) {
  for (int k = 0; k < BK_NFORCE; k++) {
    thr[k] = v->have_thr && v->thr.have[v->task] ? v->thr.thr[v->task][k]
                                                   : (v->thr_global > 0 ? v->thr_global : 0);
  }
}

// MuJoCo's scene and GL context for the current model
static void make_gl(viewer_t* v) {
  if (v->have_gl) {
    mjr_freeContext(&v->con);
    mjv_freeScene(&v->scn);
  }
  mjv_defaultScene(&v->scn);
  mjr_defaultContext(&v->con);
  mjv_makeScene(v->w->m, &v->scn, MAXGEOM);
  mjr_makeContext(v->w->m, &v->con, mjFONTSCALE_100);
  mjr_setBuffer(mjFB_WINDOW, &v->con);
  v->have_gl = 1;
}

// world and simulator for task `task` (kept when the task does not change)
static int load_world(viewer_t* v, const char* suite, int task) {
  if (v->w && v->task == task) return 0;
  bk_vsim_free(v->sim);
  v->sim = NULL;
  bk_world_free(v->w);
  v->w = bk_scenes_world_file(v->cfg->scenes, suite, task, v->cfg->task_file, v->err, v->err_sz);
  if (!v->w) return BK_EINVAL;
  // scenes that ask for it (LIBERO's) draw no collision geoms, as robosuite's renderer
  if (mj_name2id(v->w->m, mjOBJ_NUMERIC, "bokbo_hide_collision") >= 0) v->opt.geomgroup[0] = 0;
  v->task = task;
  if (v->ecfg.max_steps <= 0) v->ecfg.max_steps = v->w->suitedef->max_steps;
  v->ecfg.thr_expert = v->have_thr && v->thr.have[task] ? v->thr.thr[task] : NULL;
  v->gl_stale = 1;  // the GL scene is remade for this model once a window exists
  v->sim = bk_vsim_create(v->w, &v->ecfg, v->ops, v->policy_opts, v->err, v->err_sz);
  if (!v->sim) return BK_EINVAL;
  free(v->kpath);
  free(v->krisk);
  v->kpath = calloc((size_t)v->ecfg.k * (v->ecfg.open_loop + 1) * 3, sizeof(double));
  v->krisk = calloc((size_t)v->ecfg.k, sizeof(double));
  return v->kpath && v->krisk ? 0 : bk_fail(v->err, v->err_sz, BK_ENOMEM, "out of memory");
}

// (re)starts the current episode: live (task, init, seed) or replay record rep_index
static int load_episode(viewer_t* v) {
  const char* suite = v->cfg->suite;
  if (v->replay) {
    const bk_replay_ep_t* e = &v->rep.ep[v->rep_index];
    suite = v->rep.suite;
    v->init = e->init;
    v->seed = e->seed;
    if (load_world(v, suite, e->task)) return BK_EINVAL;
  } else if (load_world(v, suite, v->cfg->task)) {
    return BK_EINVAL;
  }
  if (v->gl_stale) make_gl(v);
  v->gl_stale = 0;
  v->mismatch = 0;
  v->note[0] = '\0';
  v->kdecision = -1;
  if (bk_vsim_reset(v->sim, v->init, v->seed, v->err, v->err_sz)) return BK_ENOMEM;
  const bk_episode_t* ep = bk_vsim_episode(v->sim);
  if (ep->error[0]) snprintf(v->note, sizeof v->note, "episode error: %.200s", ep->error);
  if (v->replay) check_replay(v);
  v->next_step = glfwGetTime();
  return 0;
}

/* ---------------------------------------------------------------- stepping */

// compares the re-simulated episode with the log; the first difference becomes the note
static void check_replay(viewer_t* v) {
  const bk_replay_ep_t* e = &v->rep.ep[v->rep_index];
  const bk_episode_t* ep = bk_vsim_episode(v->sim);
  int n = ep->steps < e->nforce ? ep->steps : e->nforce;
  for (int t = 0; t < n; t++) {
    const double* a = ep->step_force + (size_t)t * BK_NFORCE;
    const double* f = e->force + (size_t)t * BK_NFORCE;
    if (bk_replay_same_force(a, f)) continue;
    snprintf(v->note, sizeof v->note,
             "replay mismatch at step %d: forces %.4g %.4g %.4g, logged %.4g %.4g %.4g", t,
             a[0], a[1], a[2], f[0], f[1], f[2]);
    v->mismatch = 1;
    break;
  }
  if (!v->mismatch && (ep->success != e->success || ep->steps != e->steps || e->nforce != e->steps)) {
    snprintf(v->note, sizeof v->note, "replay mismatch: %d steps success %d, logged %d steps success %d",
             ep->steps, ep->success, e->steps, e->success);
    v->mismatch = 1;
  }
  if (v->mismatch) fprintf(stderr, "bokbo: view: %s\n", v->note);
  else fprintf(stderr, "bokbo: view: episode %d re-simulated: %d steps, forces match the log\n",
               v->rep_index, ep->steps);
}

static void step_once(viewer_t* v) {
  double reading[BK_NFORCE];
  bk_vsim_step(v->sim, reading);
  bk_vsim_status_t st;
  bk_vsim_status(v->sim, &st);
  if (st.drift_step >= 0 && !v->note[0]) {
    snprintf(v->note, sizeof v->note, "playback differs from the episode at step %d", st.drift_step);
  }
}

/* ---------------------------------------------------------------- drawing */

// the camera of the current mode
static void current_camera(const viewer_t* v, mjvCamera* cam) {
  if (v->cam_mode == 0) {
    *cam = v->free_cam;
    return;
  }
  mjv_defaultCamera(cam);
  cam->type = mjCAMERA_FIXED;
  cam->fixedcamid = mj_name2id(v->w->m, mjOBJ_CAMERA, kCams[v->cam_mode]);
}

// the K candidate paths as capsules, green (low risk) to red (high risk, relative to
// the decision's candidates); the chosen one is wider
static void add_paths(viewer_t* v) {
  bk_vsim_status_t st;
  bk_vsim_status(v->sim, &st);
  if (st.decision < 0) return;
  if (v->kdecision != st.decision) {
    v->nk = bk_vsim_candidates(v->sim, v->kpath, v->krisk, &v->kchosen, &v->knpoint);
    v->kdecision = st.decision;
  }
  double lo = INFINITY, hi = -INFINITY;
  for (int c = 0; c < v->nk; c++) {
    if (isfinite(v->krisk[c])) lo = fmin(lo, v->krisk[c]), hi = fmax(hi, v->krisk[c]);
  }
  for (int c = 0; c < v->nk; c++) {
    double r = hi > lo && isfinite(v->krisk[c]) ? (v->krisk[c] - lo) / (hi - lo) : 0.0;
    if (!isfinite(v->krisk[c])) r = 1.0;
    float rgba[4] = {(float)r, (float)(1.0 - r), 0.1f, 0.9f};
    const double* p = v->kpath + (size_t)c * v->knpoint * 3;
    for (int i = 0; i + 1 < v->knpoint && v->scn.ngeom < v->scn.maxgeom; i++) {
      mjvGeom* g = v->scn.geoms + v->scn.ngeom++;
      mjv_initGeom(g, mjGEOM_CAPSULE, NULL, NULL, NULL, rgba);
      mjv_makeConnector(g, mjGEOM_CAPSULE, c == v->kchosen ? 0.005 : 0.0025, p[3 * i],
                        p[3 * i + 1], p[3 * i + 2], p[3 * i + 3], p[3 * i + 4], p[3 * i + 5]);
      g->category = mjCAT_DECOR;
    }
  }
}

// the overlay of the current state
static void fill_overlay(viewer_t* v, bk_overlay_t* ov) {
  bk_vsim_status_t st;
  bk_vsim_status(v->sim, &st);
  bk_overlay_init(ov);
  ov->prompt = v->w->ref.prompt;
  ov->step = st.steps;
  ov->max_steps = v->ecfg.max_steps;
  ov->decision = st.decision;
  ov->success = st.success;
  task_thresholds(v, ov->thr);
  for (int j = 0; j < BK_NFORCE; j++) {
    ov->force[j] = st.reading[j];
    if (ov->thr[j] > 0 && st.dec_peak[j] > ov->thr[j]) ov->violation = 1;
  }
  const bk_episode_t* ep = bk_vsim_episode(v->sim);
  if (st.decision >= 0 && ep->dec[st.decision].k > 1) ov->risk = ep->dec[st.decision].s;
  ov->note = v->note[0] ? v->note : NULL;
  int n = snprintf(v->status, sizeof v->status, "%s | %s | %s task %d init %d seed %d | %s",
                   kCams[v->cam_mode], st.done ? "done" : (v->paused ? "paused" : "running"),
                   v->w->suite, v->task, v->init, v->seed, v->ops->name);
  if (v->replay) snprintf(v->status + n, sizeof v->status - n, " | replay %d/%d", v->rep_index + 1, v->rep.n);
  ov->status = v->status;
}

static void render(viewer_t* v, mjrRect* vp) {
  int w, h;
  glfwGetFramebufferSize(v->win, &w, &h);
  *vp = (mjrRect){0, 0, w, h};
  mjvCamera cam;
  current_camera(v, &cam);
  mjv_updateScene(v->w->m, bk_vsim_data(v->sim), &v->opt, &v->pert, &cam, mjCAT_ALL, &v->scn);
  if (v->show_k) add_paths(v);
  mjr_render(*vp, &v->scn, &v->con);
  bk_overlay_t ov;
  fill_overlay(v, &ov);
  bk_overlay_draw(&ov, *vp, &v->con);
  if (v->help) bk_overlay_help(kHelp, *vp, &v->con);
}

// reads the back buffer and writes it as a PNG (upright)
static int screenshot(viewer_t* v, mjrRect vp, const char* path) {
  char auto_name[256];
  if (!path) {
    snprintf(auto_name, sizeof auto_name, "bokbo_view_%s_t%d_i%d_s%d_%03d.png", v->w->suite,
             v->task, v->init, v->seed, v->shots);
    path = auto_name;
  }
  unsigned char* rgb = malloc((size_t)vp.width * vp.height * 3);
  if (!rgb) return bk_fail(v->err, v->err_sz, BK_ENOMEM, "out of memory");
  mjr_readPixels(rgb, NULL, vp, &v->con);
  bk_image_vflip(rgb, vp.width, vp.height);
  int rc = bk_png_write(path, rgb, vp.width, vp.height, v->err, v->err_sz);
  free(rgb);
  if (rc == 0) {
    v->shots++;
    fprintf(stderr, "bokbo: view: screenshot %s\n", path);
  }
  return rc;
}

/* ---------------------------------------------------------------- input */

static void handle_key(viewer_t* v, int key, int mods, int* want_shot) {
  (void)mods;
  switch (key) {
    case GLFW_KEY_SPACE: v->paused = !v->paused; v->next_step = glfwGetTime(); break;
    case GLFW_KEY_RIGHT: step_once(v); break;
    case GLFW_KEY_C: v->cam_mode = (v->cam_mode + 1) % NCAM; break;
    case GLFW_KEY_F:
      v->opt.flags[mjVIS_CONTACTFORCE] = !v->opt.flags[mjVIS_CONTACTFORCE];
      v->opt.flags[mjVIS_CONTACTPOINT] = v->opt.flags[mjVIS_CONTACTFORCE];
      break;
    case GLFW_KEY_R: v->opt.sitegroup[4] = !v->opt.sitegroup[4]; break;
    case GLFW_KEY_K: v->show_k = !v->show_k; break;
    case GLFW_KEY_H: v->help = !v->help; break;
    case GLFW_KEY_S: *want_shot = 1; break;
    case GLFW_KEY_BACKSPACE: v->rc = load_episode(v); break;
    case GLFW_KEY_LEFT_BRACKET:
    case GLFW_KEY_RIGHT_BRACKET:
      if (!v->replay) break;
      v->rep_index += key == GLFW_KEY_RIGHT_BRACKET ? 1 : -1;
      v->rep_index = v->rep_index < 0 ? 0 : (v->rep_index >= v->rep.n ? v->rep.n - 1 : v->rep_index);
      v->rc = load_episode(v);
      break;
    case GLFW_KEY_Q:
    case GLFW_KEY_ESCAPE: v->quit = 1; break;
    default: break;
  }
}

static void on_key(GLFWwindow* win, int key, int scancode, int act, int mods) {
  (void)scancode;
  if (act == GLFW_RELEASE) return;
  viewer_t* v = glfwGetWindowUserPointer(win);
  handle_key(v, key, mods, &v->key_shot);
}

static void on_button(GLFWwindow* win, int button, int act, int mods) {
  (void)button, (void)act, (void)mods;
  viewer_t* v = glfwGetWindowUserPointer(win);
  v->btn_left = glfwGetMouseButton(win, GLFW_MOUSE_BUTTON_LEFT) == GLFW_PRESS;
  v->btn_right = glfwGetMouseButton(win, GLFW_MOUSE_BUTTON_RIGHT) == GLFW_PRESS;
  v->btn_middle = glfwGetMouseButton(win, GLFW_MOUSE_BUTTON_MIDDLE) == GLFW_PRESS;
  glfwGetCursorPos(win, &v->lastx, &v->lasty);
}

// drags move the free camera as MuJoCo's simulate does
static void on_move(GLFWwindow* win, double x, double y) {
  viewer_t* v = glfwGetWindowUserPointer(win);
  double dx = x - v->lastx, dy = y - v->lasty;
  v->lastx = x;
  v->lasty = y;
  if (!(v->btn_left || v->btn_right || v->btn_middle) || v->cam_mode != 0) return;
  int w, h;
  glfwGetWindowSize(win, &w, &h);
  int shift = glfwGetKey(win, GLFW_KEY_LEFT_SHIFT) == GLFW_PRESS ||
              glfwGetKey(win, GLFW_KEY_RIGHT_SHIFT) == GLFW_PRESS;
  int action = v->btn_right ? (shift ? mjMOUSE_MOVE_H : mjMOUSE_MOVE_V)
             : v->btn_left  ? (shift ? mjMOUSE_ROTATE_H : mjMOUSE_ROTATE_V)
                            : mjMOUSE_ZOOM;
  mjv_moveCamera(v->w->m, action, dx / h, dy / h, &v->scn, &v->free_cam);
}

static void on_scroll(GLFWwindow* win, double xoff, double yoff) {
  (void)xoff;
  viewer_t* v = glfwGetWindowUserPointer(win);
  if (v->cam_mode == 0) mjv_moveCamera(v->w->m, mjMOUSE_ZOOM, 0, -0.05 * yoff, &v->scn, &v->free_cam);
}

/* ---------------------------------------------------------------- script */

static const struct { const char* name; int key; } kScriptKeys[] = {
  {"space", GLFW_KEY_SPACE}, {"right", GLFW_KEY_RIGHT}, {"c", GLFW_KEY_C}, {"f", GLFW_KEY_F},
  {"r", GLFW_KEY_R}, {"k", GLFW_KEY_K}, {"[", GLFW_KEY_LEFT_BRACKET},
  {"]", GLFW_KEY_RIGHT_BRACKET}, {"s", GLFW_KEY_S}, {"h", GLFW_KEY_H},
  {"backspace", GLFW_KEY_BACKSPACE}, {"q", GLFW_KEY_Q}, {"esc", GLFW_KEY_ESCAPE},
};

// runs the next script token; *shot_path gets a "shot:FILE" path (in tok)
static void script_next(viewer_t* v, char* tok, int toksz, int* want_shot, const char** shot_path) {
  const char* p = v->script_pos;
  while (*p == ' ') p++;
  if (!*p) {
    v->quit = 1;
    return;
  }
  int n = 0;
  while (p[n] && p[n] != ' ' && n < toksz - 1) n++;
  memcpy(tok, p, n);
  tok[n] = '\0';
  v->script_pos = p + n;
  if (strncmp(tok, "wait:", 5) == 0) {
    v->wait_frames = atoi(tok + 5);
  } else if (strncmp(tok, "shot:", 5) == 0) {
    *want_shot = 1;
    *shot_path = tok + 5;
  } else if (strcmp(tok, "play") == 0) {
    v->paused = 0;
    v->play = 1;
  } else {
    for (size_t i = 0; i < sizeof kScriptKeys / sizeof kScriptKeys[0]; i++) {
      if (strcmp(tok, kScriptKeys[i].name) == 0) {
        handle_key(v, kScriptKeys[i].key, 0, want_shot);
        return;
      }
    }
    fprintf(stderr, "bokbo: view: script: unknown token '%s' (ignored)\n", tok);
  }
}

/* ---------------------------------------------------------------- main loop */

// one frame: script or events, maybe a control step, render, maybe a screenshot, swap
static void frame(viewer_t* v) {
  int want_shot = 0;
  const char* shot_path = v->cfg->screenshot;
  char tok[1024];
  glfwPollEvents();
  bk_vsim_status_t st;
  bk_vsim_status(v->sim, &st);
  if (v->cfg->script) {
    if (v->play && st.done) v->play = 0;
    if (v->wait_frames > 0) v->wait_frames--;
    else if (!v->play) script_next(v, tok, sizeof tok, &want_shot, &shot_path);
    if (!v->paused) step_once(v);
  } else if (!v->paused && glfwGetTime() >= v->next_step) {
    step_once(v);
    v->next_step = fmax(v->next_step + STEP_PERIOD, glfwGetTime() - STEP_PERIOD);
  }
  if (v->key_shot) {
    want_shot = 1;
    v->key_shot = 0;
  }
  if (v->rc || v->quit) return;
  mjrRect vp;
  render(v, &vp);
  if (want_shot && screenshot(v, vp, shot_path)) v->rc = BK_EIO;
  glfwSwapBuffers(v->win);
}

// the window; GL entry points through EGL's loader when libEGL is present (see render.h)
static int open_window(viewer_t* v) {
  if (bk_gl_claim(BK_GL_WINDOW, v->err, v->err_sz)) return BK_EGL;
  dlopen("libEGL.so.1", RTLD_NOW | RTLD_GLOBAL);
  if (!glfwInit()) {
    return bk_fail(v->err, v->err_sz, BK_EGL, "cannot open a window: no display (set DISPLAY, or run under xvfb-run)");
  }
  glfwWindowHint(GLFW_SAMPLES, 4);
  glfwWindowHint(GLFW_VISIBLE, GLFW_TRUE);
  v->win = glfwCreateWindow(v->cfg->width, v->cfg->height, "bokbo view", NULL, NULL);
  if (!v->win) return bk_fail(v->err, v->err_sz, BK_EGL, "cannot create an OpenGL window");
  glfwMakeContextCurrent(v->win);
  glfwSwapInterval(v->cfg->script ? 0 : 1);
  glfwSetWindowUserPointer(v->win, v);
  glfwSetKeyCallback(v->win, on_key);
  glfwSetMouseButtonCallback(v->win, on_button);
  glfwSetCursorPosCallback(v->win, on_move);
  glfwSetScrollCallback(v->win, on_scroll);
  return 0;
}

// sampling and scorer by name into the episode configuration
static int set_policy_choice(viewer_t* v, const char* sampling, const char* scorer,
                             const char* predictor) {
  double values[BK_SAMPLE_MAX_VALUES];
  int nvalues = 0;
  if (bk_sample_parse(sampling && *sampling ? sampling : "greedy", &v->ecfg.sampling, values,
                      &nvalues, v->err, v->err_sz)) return BK_EINVAL;
  if (nvalues > 1) v->ecfg.sampling.value = values[0];
  int sc = bk_score_parse(scorer && *scorer ? scorer : "none");
  if (sc < 0) return bk_fail(v->err, v->err_sz, BK_EINVAL, "unknown scorer '%s'", scorer);
  v->ecfg.scorer = (bk_scorer_t)sc;
  if (predictor && *predictor) {
    if (bk_vp_load(predictor, &v->predictor, v->err, v->err_sz)) return BK_EINVAL;
    v->ecfg.predictor = &v->predictor;
  }
  return 0;
}

// settings of the live episode or of the replayed run
static int configure(viewer_t* v) {
  const bk_viewer_cfg_t* c = v->cfg;
  const char* policy = c->policy ? c->policy : "expert";
  const char* thr_path = c->thresholds;
  v->policy_opts = c->policy_opts;
  v->shift = c->shift;
  v->ecfg = (bk_episode_cfg_t){.max_steps = c->max_steps, .chunk = c->chunk,
                               .open_loop = c->open_loop, .k = c->k, .shift = &v->shift,
                               .thr_global = c->thr_global, .run_seed = c->run_seed};
  const char *sampling = c->sampling, *scorer = c->scorer, *predictor = NULL;
  v->thr_global = c->thr_global;
  v->init = c->init;
  v->seed = c->seed;
  if (c->replay_dir) {
    bk_replay_t* r = &v->rep;
    if (bk_replay_load(c->replay_dir, r, v->err, v->err_sz)) return BK_EINVAL;
    v->replay = 1;
    v->rep_index = bk_replay_find(r, c->episode ? c->episode : "0", v->err, v->err_sz);
    if (v->rep_index < 0) return BK_ENOENT;
    policy = r->policy;
    v->policy_opts = r->policy_opts[0] ? r->policy_opts : NULL;
    v->shift = r->shift;
    v->ecfg = (bk_episode_cfg_t){.max_steps = r->max_steps, .chunk = r->chunk,
                                 .open_loop = r->open_loop, .k = r->k, .shift = &v->shift,
                                 .thr_global = r->thr_global, .run_seed = r->run_seed};
    sampling = r->sampling;
    scorer = r->scorer;
    predictor = r->predictor;
    v->thr_global = r->thr_global;
    thr_path = r->thresholds[0] ? r->thresholds : NULL;
  }
  v->ops = bk_policy_find(policy);
  if (!v->ops) {
    char names[256];
    bk_policy_names(names, sizeof names);
    return bk_fail(v->err, v->err_sz, BK_ENOENT, "unknown policy '%s' (valid: %s)", policy, names);
  }
  if (set_policy_choice(v, sampling, scorer, predictor)) return BK_EINVAL;
  char err[512];
  if (thr_path && bk_thr_load(thr_path, &v->thr, err, sizeof err) == 0) v->have_thr = 1;
  else if (thr_path) fprintf(stderr, "bokbo: view: thresholds not shown: %s\n", err);
  return 0;
}

// display defaults: the free camera as `bokbo scene --camera free`
static void init_view(viewer_t* v) {
  mjv_defaultOption(&v->opt);
  mjv_defaultPerturb(&v->pert);
  mjv_defaultCamera(&v->free_cam);
  v->free_cam.type = mjCAMERA_FREE;
  v->free_cam.lookat[0] = -0.1;
  v->free_cam.lookat[2] = 0.6;
  v->free_cam.distance = 2.2;
  v->free_cam.azimuth = 180;
  v->free_cam.elevation = -30;
  v->cam_mode = 1;
  v->paused = v->cfg->paused || v->cfg->script;
  v->script_pos = v->cfg->script;
}

static void teardown(viewer_t* v) {
  if (v->have_gl) {
    mjr_freeContext(&v->con);
    mjv_freeScene(&v->scn);
  }
  bk_vsim_free(v->sim);
  bk_world_free(v->w);
  bk_replay_free(&v->rep);
  free(v->kpath);
  free(v->krisk);
  if (v->win) glfwDestroyWindow(v->win);
  glfwTerminate();
}

int bk_viewer_run(const bk_viewer_cfg_t* cfg, char* err, int err_sz) {
  viewer_t* v = calloc(1, sizeof *v);
  if (!v) return BK_ENOMEM;
  v->cfg = cfg;
  v->err = err;
  v->err_sz = err_sz;
  v->task = -1;
  bk_guard_install();
  init_view(v);
  int rc = configure(v);
  // the first world is built before any window: bad input fails without a display
  if (!rc) rc = load_world(v, v->replay ? v->rep.suite : cfg->suite,
                           v->replay ? v->rep.ep[v->rep_index].task : cfg->task);
  if (!rc) rc = open_window(v);
  if (!rc) rc = load_episode(v);
  while (!rc && !v->quit && !glfwWindowShouldClose(v->win)) {
    frame(v);
    rc = v->rc;
  }
  if (!rc && v->replay && v->mismatch) fprintf(stderr, "bokbo: view: the replay differed from the log\n");
  teardown(v);
  free(v);
  return rc;
}

#else  /* built without GLFW */

int bk_viewer_available(void) { return 0; }

int bk_viewer_run(const bk_viewer_cfg_t* cfg, char* err, int err_sz) {
  (void)cfg;
  return bk_fail(err, err_sz, BK_EGL,
                 "the viewer is not built in: install libglfw3-dev and rebuild with -DBOKBO_VIEWER=ON");
}

#endif
