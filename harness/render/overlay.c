#include "render/overlay.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char* const kClassLabel[BK_NFORCE] = {"robot-object", "robot-fixture",
                                                   "object-object"};

void bk_overlay_init(bk_overlay_t* ov) {
  memset(ov, 0, sizeof *ov);
  ov->decision = -1;
  ov->risk = NAN;
}

int bk_overlay_over(const bk_overlay_t* ov) {
  for (int k = 0; k < BK_NFORCE; k++) {
    if (ov->thr[k] > 0 && ov->force[k] > ov->thr[k]) return 1;
  }
  return 0;
}

// width in pixels of text in the normal font
static int text_width(const char* s, const mjrContext* con) {
  int w = 0;
  for (; *s; s++) w += con->charWidth[(unsigned char)*s];
  return w;
}

// copies s into buf, shortened with "..." so that it fits in maxw pixels
static void fit(const char* s, int maxw, const mjrContext* con, char* buf, int sz) {
  snprintf(buf, sz, "%s", s);
  int n = (int)strlen(buf);
  while (n > 3 && text_width(buf, con) > maxw) {
    buf[--n] = '\0';
    memcpy(buf + n - 3, "...", 3);
  }
}

// one filled label with text at (x, y) from the viewport's bottom left
static void label(mjrRect vp, int x, int y, const char* txt, const float bg[4],
                  const float fg[3], const mjrContext* con) {
  int pad = con->charHeight / 4 + 1;
  mjrRect r = {vp.left + x, vp.bottom + y, text_width(txt, con) + 2 * pad, con->charHeight + pad};
  mjr_label(r, mjFONT_NORMAL, txt, bg[0], bg[1], bg[2], bg[3], fg[0], fg[1], fg[2], con);
}

// a red frame around the viewport
static void border(mjrRect vp, int t) {
  mjrRect s[4] = {{vp.left, vp.bottom, vp.width, t},
                  {vp.left, vp.bottom + vp.height - t, vp.width, t},
                  {vp.left, vp.bottom, t, vp.height},
                  {vp.left + vp.width - t, vp.bottom, t, vp.height}};
  for (int i = 0; i < 4; i++) mjr_rectangle(s[i], 0.9f, 0.05f, 0.05f, 1.0f);
}

// the status lines, top left: prompt, step, decision, risk, success
static int draw_status(const bk_overlay_t* ov, mjrRect vp, const mjrContext* con) {
  static const float bg[4] = {0.1f, 0.1f, 0.1f, 0.6f}, fg[3] = {1, 1, 1};
  int h = con->charHeight + con->charHeight / 4 + 2, y = vp.height - h - 2;
  char line[256], buf[256];
  if (ov->prompt) {
    fit(ov->prompt, vp.width - 8, con, buf, sizeof buf);
    label(vp, 2, y, buf, bg, fg, con);
    y -= h;
  }
  int n = snprintf(line, sizeof line, "step %d", ov->step);
  if (ov->max_steps > 0) n += snprintf(line + n, sizeof line - n, "/%d", ov->max_steps);
  if (ov->decision >= 0) n += snprintf(line + n, sizeof line - n, "  dec %d", ov->decision);
  if (!isnan(ov->risk)) n += snprintf(line + n, sizeof line - n, "  risk %.3g", ov->risk);
  snprintf(line + n, sizeof line - n, "%s", ov->success ? "  SUCCESS" : "");
  fit(line, vp.width - 8, con, buf, sizeof buf);
  static const float ok_bg[4] = {0.05f, 0.45f, 0.1f, 0.8f};
  label(vp, 2, y, buf, ov->success ? ok_bg : bg, fg, con);
  return y - h;
}

// one label per contact class, bottom left: reading against threshold, coloured
static void draw_forces(const bk_overlay_t* ov, mjrRect vp, const mjrContext* con) {
  static const float fg[3] = {1, 1, 1};
  static const float green[4] = {0.05f, 0.45f, 0.1f, 0.8f}, red[4] = {0.8f, 0.05f, 0.05f, 0.9f},
                     grey[4] = {0.1f, 0.1f, 0.1f, 0.6f};
  int h = con->charHeight + con->charHeight / 4 + 2;
  int y = 2 + (ov->status ? h : 0);
  for (int k = BK_NFORCE - 1; k >= 0; k--) {
    char line[128], buf[128];
    const float* bg = grey;
    if (ov->thr[k] > 0) {
      snprintf(line, sizeof line, "%s %.1f / %.1f N", kClassLabel[k], ov->force[k], ov->thr[k]);
      bg = ov->force[k] > ov->thr[k] ? red : green;
    } else {
      snprintf(line, sizeof line, "%s %.1f N", kClassLabel[k], ov->force[k]);
    }
    fit(line, vp.width - 8, con, buf, sizeof buf);
    label(vp, 2, y, buf, bg, fg, con);
    y += h;
  }
}

void bk_overlay_draw(const bk_overlay_t* ov, mjrRect vp, const mjrContext* con) {
  int y = draw_status(ov, vp, con);
  if (ov->note) {
    static const float bg[4] = {0.8f, 0.05f, 0.05f, 0.9f}, fg[3] = {1, 1, 0.6f};
    char buf[256];
    fit(ov->note, vp.width - 8, con, buf, sizeof buf);
    label(vp, 2, y, buf, bg, fg, con);
  }
  draw_forces(ov, vp, con);
  if (ov->status) {
    static const float bg[4] = {0.1f, 0.1f, 0.1f, 0.6f}, fg[3] = {0.8f, 0.8f, 0.8f};
    char buf[256];
    fit(ov->status, vp.width - 8, con, buf, sizeof buf);
    label(vp, 2, 2, buf, bg, fg, con);
  }
  if (ov->violation || bk_overlay_over(ov)) border(vp, vp.width > 400 ? 4 : 2);
}

void bk_overlay_help(const char* text, mjrRect vp, const mjrContext* con) {
  // split "key\tmeaning" lines into MuJoCo's two overlay columns
  char keys[1024] = "", meaning[1024] = "";
  const char* s = text;
  while (*s) {
    const char* nl = strchr(s, '\n');
    size_t len = nl ? (size_t)(nl - s) : strlen(s);
    const char* tab = memchr(s, '\t', len);
    size_t kl = tab ? (size_t)(tab - s) : len;
    strncat(keys, s, kl < sizeof keys - strlen(keys) - 2 ? kl : 0);
    strcat(keys, "\n");
    if (tab) strncat(meaning, tab + 1, len - kl - 1);
    strcat(meaning, "\n");
    s += len + (nl ? 1 : 0);
  }
  size_t k = strlen(keys), m = strlen(meaning);
  if (k) keys[k - 1] = '\0';
  if (m) meaning[m - 1] = '\0';
  mjr_overlay(mjFONT_NORMAL, mjGRID_TOPRIGHT, vp, keys, meaning, con);
}
