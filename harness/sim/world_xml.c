/* assembly of one task's MJCF from the scene fragments (see scenes/README.md) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "sim/world.h"
#include "sim/world_internal.h"

/* sections copied from fragments, in the order they are written */
static const char* const kSections[] = {
  "asset", "worldbody", "contact", "equality", "tendon", "actuator", "sensor",
};
#define NSECTION ((int)(sizeof kSections / sizeof kSections[0]))

typedef struct {
  bk_sb_t sec[NSECTION];
} assembly_t;

// find the inner text of <tag ...> ... </tag>; returns 0 and sets start/len, or -1
static int find_section(const char* text, const char* tag, const char** start, size_t* len) {
  char open[64], close[64];
  snprintf(open, sizeof open, "<%s", tag);
  snprintf(close, sizeof close, "</%s>", tag);
  const char* p = text;
  while ((p = strstr(p, open)) != NULL) {
    char c = p[strlen(open)];
    if (c == '>' || c == ' ' || c == '\n' || c == '\t' || c == '/') break;
    p += strlen(open);
  }
  if (!p) return -1;
  const char* gt = strchr(p, '>');
  if (!gt) return -1;
  if (gt[-1] == '/') {  // <tag/>: present but empty
    *start = gt + 1;
    *len = 0;
    return 0;
  }
  const char* end = strstr(gt + 1, close);
  if (!end) return -1;
  *start = gt + 1;
  *len = (size_t)(end - (gt + 1));
  return 0;
}

// a name as an XML attribute value: & < > " ' escaped (task files may hold any of them)
static void xml_escape(const char* in, char* out, size_t sz) {
  size_t k = 0;
  for (; *in && k + 7 < sz; in++) {
    const char* rep = NULL;
    switch (*in) {
      case '&': rep = "&amp;"; break;
      case '<': rep = "&lt;"; break;
      case '>': rep = "&gt;"; break;
      case '"': rep = "&quot;"; break;
      case '\'': rep = "&apos;"; break;
      default: break;
    }
    if (rep) {
      size_t n = strlen(rep);
      memcpy(out + k, rep, n);
      k += n;
    } else {
      out[k++] = *in;
    }
  }
  out[k] = '\0';
}

// append the sections of one fragment file; `name` (escaped) replaces the {name} token
static int add_fragment(assembly_t* a, const char* path, const char* name,
                        const char* wrap_open, char* err, int err_sz) {
  char* text = bk_read_file(path, NULL, err, err_sz);
  if (!text) return BK_EIO;
  char esc[6 * BK_NAME_MAX + 8];
  xml_escape(name ? name : "", esc, sizeof esc);
  for (int i = 0; i < NSECTION; i++) {
    const char* start;
    size_t len;
    if (find_section(text, kSections[i], &start, &len)) continue;
    bk_sb_t* sb = &a->sec[i];
    int is_world = (strcmp(kSections[i], "worldbody") == 0);
    if (is_world && wrap_open) bk_sb_puts(sb, wrap_open);
    bk_sb_printf(sb, "\n<!-- from %s -->\n", path);
    bk_sb_replace(sb, start, len, "{name}", esc);
    if (is_world && wrap_open) bk_sb_puts(sb, "</body>\n");
  }
  free(text);
  return 0;
}

// region sites of the work surface, so a viewer can show them
static void add_surface_regions(assembly_t* a, const bk_task_t* task, const char* surface,
                                const double* origin) {
  bk_sb_t* sb = &a->sec[1];
  for (int i = 0; i < task->nregion; i++) {
    const bk_region_t* r = &task->region[i];
    if (strcmp(r->target, surface) != 0) continue;
    for (int k = 0; k < r->nrange; k++) {
      const bk_rect_t* q = &r->range[k];
      char suffix[16] = "", esc[6 * BK_NAME_MAX + 8];
      if (k > 0) snprintf(suffix, sizeof suffix, "_%d", k);
      xml_escape(r->name, esc, sizeof esc);
      bk_sb_printf(sb,
                   "<site name=\"%s_%s%s\" class=\"region\" pos=\"%.6g %.6g %.6g\" "
                   "size=\"%.6g %.6g 0.001\"/>\n",
                   surface, esc, suffix, origin[0] + 0.5 * (q->x0 + q->x1),
                   origin[1] + 0.5 * (q->y0 + q->y1), origin[2] + 0.001,
                   0.5 * (q->x1 - q->x0), 0.5 * (q->y1 - q->y0));
    }
  }
}

// the fixed parts: arena, mount, robot
static int add_arena_and_robot(assembly_t* a, const char* dir, const bk_suite_t* suite,
                               char* err, int err_sz) {
  const bk_arena_info_t* ai = bk_world_arena(suite->arena);
  char path[1024], wrap[256];
  snprintf(path, sizeof path, "%s/arena/%s.xml", dir, ai->file);
  int rc = add_fragment(a, path, NULL, NULL, err, err_sz);
  if (rc) return rc;
  if (ai->mounted) {
    snprintf(path, sizeof path, "%s/robot/mount.xml", dir);
    snprintf(wrap, sizeof wrap, "<body name=\"robot0_mount_root\" pos=\"%.6g %.6g %.6g\">\n",
             ai->base[0], ai->base[1], ai->base[2]);
    if ((rc = add_fragment(a, path, NULL, wrap, err, err_sz))) return rc;
  }
  snprintf(path, sizeof path, "%s/robot/panda.xml", dir);
  snprintf(wrap, sizeof wrap, "<body name=\"robot0_root\" pos=\"%.6g %.6g %.6g\">\n",
           ai->base[0], ai->base[1], ai->base[2]);
  return add_fragment(a, path, NULL, wrap, err, err_sz);
}

// one fragment per object and fixture instance of the task
static int add_entities(assembly_t* a, const char* dir, const bk_task_t* task,
                        char* err, int err_sz) {
  for (int pass = 0; pass < 2; pass++) {
    int n = pass ? task->nobject : task->nfixture;
    for (int i = 0; i < n; i++) {
      const char* name = pass ? task->object[i].name : task->fixture[i].name;
      const char* cat = pass ? task->object[i].category : task->fixture[i].category;
      if (bk_world_is_surface(cat)) continue;  // table and floor come with the arena
      if (!bk_catalog_category(cat)) {
        char names[1024];
        bk_catalog_category_names(names, sizeof names);
        return bk_fail(err, err_sz, BK_ENOENT, "%s: unknown object category '%s' (valid: %s)",
                       task->problem, cat, names);
      }
      char path[1024];
      snprintf(path, sizeof path, "%s/objects/%s.xml", dir, cat);
      int rc = add_fragment(a, path, name, NULL, err, err_sz);
      if (rc) return rc;
    }
  }
  return 0;
}

// write header, sections and footer into one string
static char* finish(assembly_t* a, const char* model_name, const char* common) {
  bk_sb_t out = {0};
  char esc[6 * BK_NAME_MAX + 8];
  xml_escape(model_name, esc, sizeof esc);
  bk_sb_printf(&out, "<mujoco model=\"%s\">\n", esc);
  // <size>: buffers only, the physics does not depend on them. Every mjData holds njmax^2
  // doubles plus njmax^2 ints for the constraint matrix whatever the scene uses, so
  // njmax 2000 made a 51 MB mjData (50 ms to make, 4 ms per reset); the busiest episodes
  // use under 200 rows and 15,000 stack doubles (tests/test_world.c keeps 4x headroom)
  bk_sb_puts(&out,
             "  <!-- assembled by bokbo from scenes/; one model per task -->\n"
             "  <compiler angle=\"radian\" autolimits=\"true\"/>\n"
             "  <option timestep=\"0.002\" cone=\"elliptic\" impratio=\"20\" jacobian=\"sparse\"/>\n"
             "  <size nconmax=\"400\" njmax=\"1000\" nstack=\"200000\"/>\n"
             "  <visual>\n"
             "    <global offwidth=\"1024\" offheight=\"1024\"/>\n"
             "    <quality shadowsize=\"4096\"/>\n"
             "    <map znear=\"0.001\"/>\n"
             "  </visual>\n"
             "  <!-- scenes/common.xml -->\n");
  bk_sb_puts(&out, common);
  for (int i = 0; i < NSECTION; i++) {
    bk_sb_printf(&out, "  <%s>\n", kSections[i]);
    if (a->sec[i].s) bk_sb_puts(&out, a->sec[i].s);
    bk_sb_printf(&out, "  </%s>\n", kSections[i]);
  }
  bk_sb_puts(&out, "</mujoco>\n");
  for (int i = 0; i < NSECTION; i++) bk_sb_free(&a->sec[i]);
  if (out.failed) {
    bk_sb_free(&out);
    return NULL;
  }
  return out.s;
}

char* bk_world_assemble(const char* scenes_dir, const bk_suite_t* suite,
                        const bk_task_t* task, char* err, int err_sz) {
  assembly_t a;
  memset(&a, 0, sizeof a);
  const bk_arena_info_t* ai = bk_world_arena(suite->arena);
  int rc = add_arena_and_robot(&a, scenes_dir, suite, err, err_sz);
  if (!rc) rc = add_entities(&a, scenes_dir, task, err, err_sz);
  if (rc) {
    for (int i = 0; i < NSECTION; i++) bk_sb_free(&a.sec[i]);
    return NULL;
  }
  add_surface_regions(&a, task, ai->surface_name, ai->surface);
  // the shared classes are inlined so the written scene stands alone
  char path[1024];
  snprintf(path, sizeof path, "%s/common.xml", scenes_dir);
  char* common = bk_read_file(path, NULL, err, err_sz);
  const char* start = "";
  size_t len = 0;
  if (!common || find_section(common, "mujocoinclude", &start, &len)) {
    for (int i = 0; i < NSECTION; i++) bk_sb_free(&a.sec[i]);
    free(common);
    if (common) bk_fail(err, err_sz, BK_EPARSE, "%s: expected <mujocoinclude>", path);
    return NULL;
  }
  common[start - common + len] = '\0';
  char* xml = finish(&a, task->problem, start);
  free(common);
  if (!xml) bk_fail(err, err_sz, BK_ENOMEM, "out of memory assembling the scene");
  return xml;
}

// append n numbers as a space-separated attribute value
static void put_numbers(bk_sb_t* sb, const char* attr, const mjtNum* v, int n) {
  bk_sb_printf(sb, " %s=\"", attr);
  for (int i = 0; i < n; i++) bk_sb_printf(sb, "%s%.17g", i ? " " : "", v[i]);
  bk_sb_puts(sb, "\"");
}

char* bk_world_xml_with_state(const bk_world_t* w, const mjData* d) {
  const char* end = strstr(w->xml, "</mujoco>");
  if (!end) return NULL;
  bk_sb_t sb = {0};
  bk_sb_append(&sb, w->xml, (size_t)(end - w->xml));
  bk_sb_puts(&sb, "  <keyframe>\n    <key name=\"init\"");
  put_numbers(&sb, "qpos", d->qpos, w->m->nq);
  if (w->m->nmocap) {
    put_numbers(&sb, "mpos", d->mocap_pos, 3 * w->m->nmocap);
    put_numbers(&sb, "mquat", d->mocap_quat, 4 * w->m->nmocap);
  }
  bk_sb_puts(&sb, "/>\n  </keyframe>\n</mujoco>\n");
  if (sb.failed) {
    bk_sb_free(&sb);
    return NULL;
  }
  return sb.s;
}
