/* bk_plot: small line, scatter and bar charts drawn with Cairo into PNG files.
 *
 * A figure holds one or more panels side by side; each panel has its own axes (linear,
 * "nice" ticks, or categorical labels), title and axis labels. Data are drawn in data
 * coordinates of the current panel and clipped to it. Colours come from a fixed
 * palette indexed 0..7 (colour-blind friendly). */
#ifndef BK_REPORT_PLOT_H
#define BK_REPORT_PLOT_H

typedef struct bk_plot bk_plot_t;

#define BK_PLOT_NCOLOR 8

/* A white figure of width x height pixels with npanel panels in a row and a figure
 * title (may be NULL). Returns NULL when out of memory. */
bk_plot_t* bk_plot_create(int width, int height, int npanel, const char* title);

/* NULL-safe. */
void bk_plot_free(bk_plot_t* p);

/* Selects panel k and draws its frame, grid, ticks and labels for the data range
 * [x0, x1] x [y0, y1] (a degenerate range is widened). xlog10 = 1 labels the x axis as
 * 10^x (data given as log10 values). */
void bk_plot_axes(bk_plot_t* p, int panel, const char* title, const char* xlabel,
                  const char* ylabel, double x0, double x1, double y0, double y1, int xlog10);

/* As bk_plot_axes with categorical x ticks labels[0..n-1] at x = 0 .. n-1. */
void bk_plot_axes_cat(bk_plot_t* p, int panel, const char* title, const char* xlabel,
                      const char* ylabel, const char* const* labels, int n, double y0, double y1);

/* Polyline through the finite points; dashed draws a dashed line. */
void bk_plot_line(bk_plot_t* p, const double* x, const double* y, int n, int color, double width,
                  int dashed);

/* Step function: y[i] holds from x[i] to x[i+1]. */
void bk_plot_steps(bk_plot_t* p, const double* x, const double* y, int n, int color, double width);

/* Filled circles of radius r pixels; alpha in (0, 1]. */
void bk_plot_points(bk_plot_t* p, const double* x, const double* y, int n, int color, double r,
                    double alpha);

/* Bars centred at x[i] of width w (data units) from 0 to h[i]. */
void bk_plot_bars(bk_plot_t* p, const double* x, const double* h, int n, double w, int color);

/* Vertical / horizontal reference line across the panel with a small label (may be NULL). */
void bk_plot_vline(bk_plot_t* p, double x, int color, int dashed, const char* label);
void bk_plot_hline(bk_plot_t* p, double y, int color, int dashed, const char* label);

/* Legend box in the panel's top-right (corner 0) or top-left (corner 1). */
void bk_plot_legend(bk_plot_t* p, const char* const* labels, const int* colors, int n, int corner);

/* Text in the panel at fractions (fx, fy) of its width and height from the top left. */
void bk_plot_note(bk_plot_t* p, double fx, double fy, const char* text);

/* Writes the figure as PNG. Returns 0 or BK_EIO with err filled. */
int bk_plot_save(bk_plot_t* p, const char* path, char* err, int err_sz);

/* "Nice" tick step for a range (1, 2 or 5 times a power of ten, about n ticks). */
double bk_plot_tick_step(double range, int n);

#endif
