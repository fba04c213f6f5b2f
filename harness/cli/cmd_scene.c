/* bokbo scene: one task's compiled MJCF and a render of one of its init states */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/err.h"
#include "render/render.h"
#include "sim/initstate.h"
#include "sim/scenes.h"
#include "sim/world.h"

typedef struct {
  const char* suite;
  int task, init, size, regions;
  const char* xml;
  const char* png;
  const char* camera;
  bk_shift_t shift;
  const char* scenes;   /* builtin (NULL) or libero */
  const char* libero;
  const char* robosuite;
  const char* task_file;
} scene_opts_t;

static void usage(FILE* f) {
  fprintf(f,
          "usage: bokbo scene --suite S (--task N | --task-file F) [--init I] [--xml OUT.xml]\n"
          "                   [--png OUT.png [--camera C] [--size PX] [--regions]]\n"
          "                   [--shift x:M|y:M] [--scenes builtin|libero [--libero DIR]\n"
          "                   [--robosuite DIR]]\n"
          "\n"
          "Builds one task's scene, places init state I (0-49, default 0) and writes the\n"
          "compiled MJCF (with the state as keyframe 'init'; open it in mujoco-simulate)\n"
          "and/or an offscreen render (OSMesa, no display needed). Without --xml or --png\n"
          "it prints where every object was placed.\n"
          "\n"
          "  --suite S       libero_object or libero_spatial\n"
          "  --task N        task id 0-9 (see 'bokbo list')\n"
          "  --task-file F   your own task file (checked as 'bokbo task' does), built in the\n"
          "                  scenes of --suite (in the slot of --task, default 0)\n"
          "  --init I        init state id 0-49 (default 0)\n"
          "  --xml FILE      write the scene MJCF\n"
          "  --png FILE      write a PNG render\n"
          "  --camera C      agentview (default), robot0_eye_in_hand, or free\n"
          "  --size PX       image width and height (default 256, at most 1024)\n"
          "  --regions       draw the task's region sites\n"
          "  --shift x:M     translate sampled object positions by M metres along x (or y)\n"
          "  --scenes K      builtin (bokbo's own, default) or libero (LIBERO's scenes and\n"
          "                  init states from your installation; the keyframe's qpos is\n"
          "                  exactly the init file's row)\n"
          "  --libero DIR    LIBERO repository root (default $BOKBO_LIBERO)\n"
          "  --robosuite DIR robosuite repository root (default $BOKBO_ROBOSUITE)\n");
}

// parse the command line into o; returns -1 to exit OK (help), >0 usage error
static int parse(int argc, char** argv, scene_opts_t* o) {
  static const struct option opts[] = {
    {"suite", required_argument, NULL, 's'}, {"task", required_argument, NULL, 't'},
    {"init", required_argument, NULL, 'i'},  {"xml", required_argument, NULL, 'x'},
    {"png", required_argument, NULL, 'p'},   {"camera", required_argument, NULL, 'c'},
    {"size", required_argument, NULL, 'z'},  {"regions", no_argument, NULL, 'r'},
    {"shift", required_argument, NULL, 'S'}, {"help", no_argument, NULL, 'h'},
    {"scenes", required_argument, NULL, 'W'}, {"libero", required_argument, NULL, 'L'},
    {"robosuite", required_argument, NULL, 'R'},
    {"task-file", required_argument, NULL, 'T'},
    {NULL, 0, NULL, 0},
  };
  char err[256];
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
      case 's': o->suite = optarg; break;
      case 't': if (bk_cli_int(optarg, 0, BK_SUITE_NTASK - 1, &o->task)) goto bad; break;
      case 'i': if (bk_cli_int(optarg, 0, BK_NINIT - 1, &o->init)) goto bad; break;
      case 'x': o->xml = optarg; break;
      case 'p': o->png = optarg; break;
      case 'c': o->camera = optarg; break;
      case 'z': if (bk_cli_int(optarg, 16, 1024, &o->size)) goto bad; break;
      case 'r': o->regions = 1; break;
      case 'W': o->scenes = optarg; break;
      case 'L': o->libero = optarg; break;
      case 'R': o->robosuite = optarg; break;
      case 'T': o->task_file = optarg; break;
      case 'S':
        if (bk_init_parse_shift(optarg, &o->shift, err, sizeof err)) {
          bk_cli_error("scene", "%s", err);
          return 1;
        }
        break;
      case 'h': usage(stdout); return -1;
      default: usage(stderr); return 1;
    }
  }
  if (o->task_file && o->task < 0) o->task = 0;
  if (!o->suite || o->task < 0) {
    bk_cli_error("scene", "--suite and --task are required (see 'bokbo scene --help')");
    return 1;
  }
  return 0;

bad:
  bk_cli_error("scene", "bad value '%s' (--task 0-9, --init 0-49, --size 16-1024)", optarg);
  return 1;
}

// print where everything went
static void print_state(const bk_world_t* w, const mjData* d, const scene_opts_t* o) {
  char suite[64];
  bk_init_suite_name(w->suite, &o->shift, suite, sizeof suite);
  printf("%s task %d init %d: %s\n", suite, w->ref.id, o->init, w->ref.prompt);
  for (int i = 0; i < w->nent; i++) {
    const mjtNum* p = d->xpos + 3 * w->ent[i].body;
    printf("  %-34s %-8s x %+.4f  y %+.4f  z %+.4f\n", w->ent[i].name,
           w->ent[i].fixture ? "fixture" : "object", p[0], p[1], p[2]);
  }
}

static int write_xml(const bk_world_t* w, const mjData* d, const char* path) {
  char* text = bk_world_xml_with_state(w, d);
  FILE* f = text ? fopen(path, "w") : NULL;
  int bad = !f || fputs(text, f) < 0;
  if (f) bad |= fclose(f) != 0;
  free(text);
  if (bad) bk_cli_error("scene", "%s: cannot write", path);
  return bad;
}

static int write_png(const bk_world_t* w, mjData* d, const scene_opts_t* o) {
  char err[1024];
  bk_render_t* r = bk_render_create(w->m, o->size, o->size, BK_GL_OSMESA, err, sizeof err);
  unsigned char* rgb = malloc((size_t)o->size * o->size * 3);
  int rc = (!r || !rgb) ? BK_EGL : 0;
  if (!rc) rc = bk_render_camera(r, w->m, d, o->camera, o->regions, rgb, err, sizeof err);
  if (!rc) rc = bk_png_write(o->png, rgb, o->size, o->size, err, sizeof err);
  if (rc) bk_cli_error("scene", "%s", err);
  free(rgb);
  bk_render_free(r);
  return rc;
}

int bk_cmd_scene(int argc, char** argv) {
  scene_opts_t o = {NULL, -1, 0, 256, 0, NULL, NULL, "agentview", {-1, 0}, NULL, NULL, NULL, NULL};
  int rc = parse(argc, argv, &o);
  if (rc) return rc < 0 ? BK_EXIT_OK : BK_EXIT_USAGE;
  char err[1024];
  bk_scenes_t scenes;
  if (bk_scenes_init(&scenes, o.scenes, o.libero, o.robosuite, err, sizeof err)) {
    bk_cli_error("scene", "%s", err);
    return BK_EXIT_USAGE;
  }
  bk_world_t* w = bk_scenes_world_file(&scenes, o.suite, o.task, o.task_file, err, sizeof err);
  if (!w) {
    bk_cli_error("scene", "%s", err);
    return BK_EXIT_USAGE;
  }
  mjData* d = mj_makeData(w->m);
  rc = bk_init_state(w, o.init, &o.shift, d, err, sizeof err);
  if (rc) bk_cli_error("scene", "%s", err);
  if (!rc && !o.xml && !o.png) print_state(w, d, &o);
  if (!rc && o.xml) rc = write_xml(w, d, o.xml);
  if (!rc && o.png) rc = write_png(w, d, &o);
  mj_deleteData(d);
  bk_world_free(w);
  return rc ? BK_EXIT_FAIL : BK_EXIT_OK;
}
