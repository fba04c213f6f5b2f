#include "run/progress.h"

#include <stdio.h>
#include <time.h>

static char g_prefix[128];     /* set by the one thread that starts runs (repro) */
static long g_episodes;

void bk_progress_prefix(const char* prefix) {
  snprintf(g_prefix, sizeof g_prefix, "%s", prefix ? prefix : "");
}

long bk_progress_episodes(void) { return g_episodes; }

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

void bk_progress_start(bk_progress_t* p, int mode, int total, int skipped) {
  p->mode = mode;
  p->total = total;
  p->skipped = skipped;
  p->last_pct = -1;
  p->t0 = now_s();
  if (mode == 0 && skipped) fprintf(stderr, "bokbo run: resuming, %d of %d done\n", skipped, total);
}

// "37/100 episodes  success 95.0%  3.2 ep/s  ETA 0:20"
static void status(const bk_progress_t* p, int done, int success, char* buf, int sz) {
  double dt = now_s() - p->t0;
  int ran = done - p->skipped;
  double rate = dt > 0 ? ran / dt : 0;
  int eta = rate > 0 ? (int)((p->total - done) / rate) : 0;
  double succ = ran > 0 ? 100.0 * success / ran : 0;
  snprintf(buf, (size_t)sz, "%d/%d episodes  success %.1f%%  %.2f ep/s  ETA %d:%02d", done,
           p->total, succ, rate, eta / 60, eta % 60);
}

void bk_progress_update(bk_progress_t* p, int done, int success) {
  if (p->mode < 0 || p->total <= 0) return;
  char line[160];
  status(p, done, success, line, sizeof line);
  if (p->mode == 1) {
    int width = g_prefix[0] ? 10 : 30, fill = width * done / p->total;  // room for the prefix
    char bar[64];
    for (int i = 0; i < width; i++) bar[i] = i < fill ? '#' : '.';
    bar[width] = '\0';
    fprintf(stderr, "\r%s[%s] %s ", g_prefix, bar, line);
    fflush(stderr);
    return;
  }
  int pct = 100 * done / p->total;
  if (pct / 5 != p->last_pct / 5 || done == p->total) {
    p->last_pct = pct;
    fprintf(stderr, "bokbo run: %s\n", line);
  }
}

void bk_progress_finish(bk_progress_t* p, int done, int success) {
  g_episodes += done - p->skipped;
  if (p->mode == 1) {
    bk_progress_update(p, done, success);
    fputc('\n', stderr);
  }
}
