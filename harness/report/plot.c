#include "report/plot.h"

#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

/* one panel's placement (pixels) and data range */
typedef struct {
  double px, py, pw, ph;  /* plot area inside the frame */
  double x0, x1, y0, y1;
} panel_t;

struct bk_plot {
  cairo_surface_t* surf;
  cairo_t* cr;
  int width, height, npanel;
  double top;             /* pixels taken by the figure title */
  int nlabel;             /* vertical-line labels drawn in the current panel */
  panel_t cur;
};

/* Okabe-Ito colours plus grey */
static const double kColor[BK_PLOT_NCOLOR][3] = {
  {0.00, 0.45, 0.70}, {0.90, 0.62, 0.00}, {0.00, 0.62, 0.45}, {0.80, 0.40, 0.00},
  {0.80, 0.47, 0.65}, {0.34, 0.71, 0.91}, {0.60, 0.60, 0.60}, {0.10, 0.10, 0.10},
};

static const char* kFont = "DejaVu Sans";

static void color(cairo_t* cr, int c, double alpha) {
  const double* k = kColor[((c % BK_PLOT_NCOLOR) + BK_PLOT_NCOLOR) % BK_PLOT_NCOLOR];
  cairo_set_source_rgba(cr, k[0], k[1], k[2], alpha);
}

// text anchored at (x, y): ax, ay in {0, 0.5, 1} of its width / height; rotated by angle
static void text(cairo_t* cr, double x, double y, const char* s, double size, double ax, double ay,
                 double angle, int bold) {
  cairo_select_font_face(cr, kFont, CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  cairo_text_extents_t e;
  cairo_text_extents(cr, s, &e);
  cairo_save(cr);
  cairo_translate(cr, x, y);
  cairo_rotate(cr, angle);
  cairo_move_to(cr, -e.x_bearing - ax * e.width, -e.y_bearing - ay * e.height);
  cairo_show_text(cr, s);
  cairo_restore(cr);
}

bk_plot_t* bk_plot_create(int width, int height, int npanel, const char* title) {
  bk_plot_t* p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
  p->cr = cairo_create(p->surf);
  if (cairo_status(p->cr) != CAIRO_STATUS_SUCCESS) {
    bk_plot_free(p);
    return NULL;
  }
  p->width = width;
  p->height = height;
  p->npanel = npanel > 0 ? npanel : 1;
  cairo_set_source_rgb(p->cr, 1, 1, 1);
  cairo_paint(p->cr);
  p->top = 8;
  if (title && *title) {
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    text(p->cr, width / 2.0, 10, title, 17, 0.5, 0, 0, 1);
    p->top = 36;
  }
  return p;
}

void bk_plot_free(bk_plot_t* p) {
  if (!p) return;
  if (p->cr) cairo_destroy(p->cr);
  if (p->surf) cairo_surface_destroy(p->surf);
  free(p);
}

double bk_plot_tick_step(double range, int n) {
  if (!(range > 0) || !isfinite(range)) return 1;
  double raw = range / (n > 0 ? n : 5);
  double mag = pow(10, floor(log10(raw)));
  double f = raw / mag;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

// data -> pixels
static double X(const bk_plot_t* p, double x) {
  return p->cur.px + (x - p->cur.x0) / (p->cur.x1 - p->cur.x0) * p->cur.pw;
}
static double Y(const bk_plot_t* p, double y) {
  return p->cur.py + p->cur.ph - (y - p->cur.y0) / (p->cur.y1 - p->cur.y0) * p->cur.ph;
}

// widens a degenerate or non-finite range
static void fix_range(double* a, double* b) {
  if (!isfinite(*a) || !isfinite(*b)) *a = 0, *b = 1;
  if (*b < *a) {
    double t = *a;
    *a = *b;
    *b = t;
  }
  if (*b - *a < 1e-12) {
    double d = fabs(*a) > 1e-9 ? 0.1 * fabs(*a) : 0.5;
    *a -= d;
    *b += d;
  }
}

// frame, panel title and axis labels of panel k
static void frame(bk_plot_t* p, int k, const char* title, const char* xlabel, const char* ylabel,
                  double x0, double x1, double y0, double y1) {
  double w = (double)p->width / p->npanel;
  fix_range(&x0, &x1);
  fix_range(&y0, &y1);
  p->nlabel = 0;
  p->cur = (panel_t){k * w + 78, p->top + 30, w - 78 - 24, p->height - p->top - 30 - 62,
                     x0, x1, y0, y1};
  cairo_t* cr = p->cr;
  cairo_set_source_rgb(cr, 0, 0, 0);
  if (title) text(cr, p->cur.px + p->cur.pw / 2, p->top + 4, title, 14, 0.5, 0, 0, 0);
  if (xlabel) text(cr, p->cur.px + p->cur.pw / 2, p->height - 8, xlabel, 13, 0.5, 1, 0, 0);
  if (ylabel) text(cr, k * w + 8, p->cur.py + p->cur.ph / 2, ylabel, 13, 0.5, 0, -M_PI / 2, 0);
}

// formats a tick value without float noise
static void tick_label(char* buf, size_t n, double v, double step, int log10x) {
  if (fabs(v) < 1e-9 * step) v = 0;
  if (log10x) {
    snprintf(buf, n, "%g", pow(10, v));
  } else if (step < 1e-3 || step >= 1e5) {
    snprintf(buf, n, "%.3g", v);
  } else {
    snprintf(buf, n, "%.*f", step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9), v);
  }
}

// the frame's outline
static void outline(bk_plot_t* p) {
  cairo_t* cr = p->cr;
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_line_width(cr, 1.2);
  cairo_rectangle(cr, p->cur.px, p->cur.py, p->cur.pw, p->cur.ph);
  cairo_stroke(cr);
}

// y ticks and horizontal grid lines
static void y_ticks(bk_plot_t* p) {
  cairo_t* cr = p->cr;
  double step = bk_plot_tick_step(p->cur.y1 - p->cur.y0, 5);
  for (double v = ceil(p->cur.y0 / step - 1e-9) * step; v <= p->cur.y1 + 1e-9 * step; v += step) {
    char buf[32];
    tick_label(buf, sizeof buf, v, step, 0);
    cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, p->cur.px, Y(p, v));
    cairo_line_to(cr, p->cur.px + p->cur.pw, Y(p, v));
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    text(cr, p->cur.px - 6, Y(p, v), buf, 12, 1, 0.5, 0, 0);
  }
}

void bk_plot_axes(bk_plot_t* p, int panel, const char* title, const char* xlabel,
                  const char* ylabel, double x0, double x1, double y0, double y1, int xlog10) {
  frame(p, panel, title, xlabel, ylabel, x0, x1, y0, y1);
  y_ticks(p);
  cairo_t* cr = p->cr;
  double step = xlog10 ? 1 : bk_plot_tick_step(p->cur.x1 - p->cur.x0, 6);
  if (xlog10 && p->cur.x1 - p->cur.x0 < 2) step = bk_plot_tick_step(p->cur.x1 - p->cur.x0, 4), xlog10 = 2;
  for (double v = ceil(p->cur.x0 / step - 1e-9) * step; v <= p->cur.x1 + 1e-9 * step; v += step) {
    char buf[32];
    if (xlog10 == 2) {
      snprintf(buf, sizeof buf, "%.3g", pow(10, v));
    } else {
      tick_label(buf, sizeof buf, v, step, xlog10);
    }
    cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, X(p, v), p->cur.py);
    cairo_line_to(cr, X(p, v), p->cur.py + p->cur.ph);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    text(cr, X(p, v), p->cur.py + p->cur.ph + 6, buf, 12, 0.5, 0, 0, 0);
  }
  outline(p);
}

void bk_plot_axes_cat(bk_plot_t* p, int panel, const char* title, const char* xlabel,
                      const char* ylabel, const char* const* labels, int n, double y0, double y1) {
  frame(p, panel, title, xlabel, ylabel, -0.6, n - 0.4, y0, y1);
  y_ticks(p);
  cairo_set_source_rgb(p->cr, 0, 0, 0);
  double size = n > 12 ? 10 : 12;
  for (int i = 0; i < n; i++) {
    text(p->cr, X(p, i), p->cur.py + p->cur.ph + 6, labels[i], size, 0.5, 0, 0, 0);
  }
  outline(p);
}

// clips drawing to the current panel
static void clip(bk_plot_t* p) {
  cairo_save(p->cr);
  cairo_rectangle(p->cr, p->cur.px, p->cur.py, p->cur.pw, p->cur.ph);
  cairo_clip(p->cr);
}

void bk_plot_line(bk_plot_t* p, const double* x, const double* y, int n, int c, double width,
                  int dashed) {
  cairo_t* cr = p->cr;
  clip(p);
  color(cr, c, 1);
  cairo_set_line_width(cr, width);
  double dash[2] = {7, 4};
  cairo_set_dash(cr, dash, dashed ? 2 : 0, 0);
  int pen = 0;
  for (int i = 0; i < n; i++) {
    if (!isfinite(x[i]) || !isfinite(y[i])) {
      pen = 0;
      continue;
    }
    if (pen) {
      cairo_line_to(cr, X(p, x[i]), Y(p, y[i]));
    } else {
      cairo_move_to(cr, X(p, x[i]), Y(p, y[i]));
    }
    pen = 1;
  }
  cairo_stroke(cr);
  cairo_restore(cr);
}

void bk_plot_steps(bk_plot_t* p, const double* x, const double* y, int n, int c, double width) {
  cairo_t* cr = p->cr;
  clip(p);
  color(cr, c, 1);
  cairo_set_line_width(cr, width);
  for (int i = 0; i + 1 < n; i++) {
    if (!isfinite(y[i])) continue;
    cairo_move_to(cr, X(p, x[i]), Y(p, y[i]));
    cairo_line_to(cr, X(p, x[i + 1]), Y(p, y[i]));
    if (isfinite(y[i + 1])) cairo_line_to(cr, X(p, x[i + 1]), Y(p, y[i + 1]));
  }
  cairo_stroke(cr);
  cairo_restore(cr);
}

void bk_plot_points(bk_plot_t* p, const double* x, const double* y, int n, int c, double r,
                    double alpha) {
  cairo_t* cr = p->cr;
  clip(p);
  color(cr, c, alpha);
  for (int i = 0; i < n; i++) {
    if (!isfinite(x[i]) || !isfinite(y[i])) continue;
    cairo_new_sub_path(cr);
    cairo_arc(cr, X(p, x[i]), Y(p, y[i]), r, 0, 2 * M_PI);
  }
  cairo_fill(cr);
  cairo_restore(cr);
}

void bk_plot_bars(bk_plot_t* p, const double* x, const double* h, int n, double w, int c) {
  cairo_t* cr = p->cr;
  clip(p);
  for (int i = 0; i < n; i++) {
    if (!isfinite(x[i]) || !isfinite(h[i])) continue;
    double base = p->cur.y0 > 0 ? p->cur.y0 : 0;
    double a = X(p, x[i] - w / 2), b = X(p, x[i] + w / 2);
    cairo_rectangle(cr, a, Y(p, h[i]), b - a, Y(p, base) - Y(p, h[i]));
    color(cr, c, 1);
    cairo_fill_preserve(cr);
    cairo_set_source_rgba(cr, 0, 0, 0, 0.5);
    cairo_set_line_width(cr, 0.6);
    cairo_stroke(cr);
  }
  cairo_restore(cr);
}

// a reference line from (ax, ay) to (bx, by) in pixels
static void ref_line(bk_plot_t* p, double ax, double ay, double bx, double by, int c, int dashed) {
  cairo_t* cr = p->cr;
  clip(p);
  color(cr, c, 1);
  cairo_set_line_width(cr, 2);
  double dash[2] = {6, 4};
  cairo_set_dash(cr, dash, dashed ? 2 : 0, 0);
  cairo_move_to(cr, ax, ay);
  cairo_line_to(cr, bx, by);
  cairo_stroke(cr);
  cairo_restore(cr);
}

// a label with a white backing box at (x, y), left-aligned (or right-aligned when right)
static void boxed(bk_plot_t* p, double x, double y, const char* label, int c, int right) {
  cairo_t* cr = p->cr;
  cairo_select_font_face(cr, kFont, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, 11);
  cairo_text_extents_t e;
  cairo_text_extents(cr, label, &e);
  if (right) x -= e.x_advance + 4;
  cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
  cairo_rectangle(cr, x - 2, y - 2, e.x_advance + 4, 15);
  cairo_fill(cr);
  color(cr, c, 1);
  text(cr, x, y, label, 11, 0, 0, 0, 0);
}

void bk_plot_vline(bk_plot_t* p, double x, int c, int dashed, const char* label) {
  if (!isfinite(x) || x < p->cur.x0 || x > p->cur.x1) return;
  ref_line(p, X(p, x), p->cur.py, X(p, x), p->cur.py + p->cur.ph, c, dashed);
  if (label) {
    // labels stack down the panel so that neighbouring lines stay readable
    int right = X(p, x) > p->cur.px + 0.7 * p->cur.pw;
    boxed(p, X(p, x) + (right ? -4 : 4), p->cur.py + p->cur.ph * 0.35 + 18 * (p->nlabel++ % 6), label,
          c, right);
  }
}

void bk_plot_hline(bk_plot_t* p, double y, int c, int dashed, const char* label) {
  if (!isfinite(y) || y < p->cur.y0 || y > p->cur.y1) return;
  ref_line(p, p->cur.px, Y(p, y), p->cur.px + p->cur.pw, Y(p, y), c, dashed);
  if (label) {
    color(p->cr, c, 1);
    text(p->cr, p->cur.px + 6, Y(p, y) - 3, label, 11, 0, 1, 0, 0);
  }
}

void bk_plot_legend(bk_plot_t* p, const char* const* labels, const int* colors, int n, int corner) {
  cairo_t* cr = p->cr;
  double wmax = 0;
  cairo_select_font_face(cr, kFont, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, 12);
  for (int i = 0; i < n; i++) {
    cairo_text_extents_t e;
    cairo_text_extents(cr, labels[i], &e);
    if (e.x_advance > wmax) wmax = e.x_advance;
  }
  double bw = wmax + 40, bh = 18.0 * n + 8;
  double x = corner ? p->cur.px + 8 : p->cur.px + p->cur.pw - bw - 8, y = p->cur.py + 8;
  cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
  cairo_rectangle(cr, x, y, bw, bh);
  cairo_fill_preserve(cr);
  cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
  cairo_set_line_width(cr, 1);
  cairo_stroke(cr);
  for (int i = 0; i < n; i++) {
    color(cr, colors[i], 1);
    cairo_rectangle(cr, x + 8, y + 8 + 18 * i, 20, 10);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    text(cr, x + 34, y + 13 + 18 * i, labels[i], 12, 0, 0.5, 0, 0);
  }
}

void bk_plot_note(bk_plot_t* p, double fx, double fy, const char* s) {
  cairo_set_source_rgb(p->cr, 0.2, 0.2, 0.2);
  text(p->cr, p->cur.px + fx * p->cur.pw, p->cur.py + fy * p->cur.ph, s, 12, 0, 0, 0, 0);
}

int bk_plot_save(bk_plot_t* p, const char* path, char* err, int err_sz) {
  cairo_surface_flush(p->surf);
  if (cairo_surface_write_to_png(p->surf, path) != CAIRO_STATUS_SUCCESS) {
    return bk_fail(err, err_sz, BK_EIO, "%s: could not write PNG", path);
  }
  return 0;
}
