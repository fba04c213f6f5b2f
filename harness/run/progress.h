/* bk_progress: a progress bar on a terminal (episodes done/total, success so far, rate,
 * ETA), plain lines at every 5% when stderr is not a terminal, or nothing. */
#ifndef BK_RUN_PROGRESS_H
#define BK_RUN_PROGRESS_H

typedef struct {
  int mode;                    /* 1 bar, 0 lines, -1 silent */
  int total, skipped, last_pct;
  double t0;
} bk_progress_t;

/* mode: 1 bar, 0 lines, -1 silent; skipped episodes count as done but not in the rate */
void bk_progress_start(bk_progress_t* p, int mode, int total, int skipped);
void bk_progress_update(bk_progress_t* p, int done, int success);
void bk_progress_finish(bk_progress_t* p, int done, int success);

/* A caller that runs several runs in one process (bokbo repro) sets a prefix shown before
 * the bar (copied; NULL or "" for none); bk_progress_episodes() is the number of episodes
 * finished runs of this process ran (skipped ones excluded). */
void bk_progress_prefix(const char* prefix);
long bk_progress_episodes(void);

#endif
