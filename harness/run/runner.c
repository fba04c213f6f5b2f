#include "run/runner.h"

#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "control/step.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "run/guard.h"
#include "run/jsonl.h"
#include "run/progress.h"
#include "run/abstain.h"
#include "run/record.h"
#include "run/recorder.h"
#include "run/shard.h"

typedef struct {
  int task, init, seed, vi;    /* vi: index of the sampling value */
} job_t;

/* shared by the workers; everything mutable is under `lock` */
typedef struct {
  const bk_run_cfg_t* cfg;
  bk_world_t* worlds[BK_SUITE_NTASK];
  char suite_name[96];
  char run_id[256];
  job_t* jobs;
  int njob;
  int next;                    /* next job index */
  int fd, trace_fd;
  int failed;                  /* a write failed: stop */
  char err[512];
  bk_progress_t progress;
  bk_run_summary_t* sum;
  pthread_mutex_t lock;
} run_t;

/* one worker's own resources */
typedef struct {
  run_t* run;
  void* policy;
  bk_episode_ctx_t* ctx;       /* for the task it is on */
  int ctx_task;
  bk_episode_t ep;
  bk_sb_t line, trace;
  double value;                /* sampling value of the episode in hand */
  bk_recorder_t* rec;          /* videos or frames, or NULL */
} worker_t;

// write all of buf at the end of fd; on a short write, cut the file back
static int append_whole(int fd, const char* buf, size_t n) {
  off_t end = lseek(fd, 0, SEEK_END);
  size_t done = 0;
  while (done < n) {
    ssize_t w = write(fd, buf + done, n - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      if (end >= 0 && ftruncate(fd, end) != 0) return BK_EIO;
      return BK_EIO;
    }
    done += (size_t)w;
  }
  return 0;
}

// the per-physics-step trace of one episode as CSV rows
static void trace_rows(const run_t* r, const bk_episode_t* e, bk_sb_t* sb) {
  for (int s = 0; s < e->steps; s++) {
    for (int k = 0; k < BK_SUBSTEPS; k++) {
      const double* f = e->trace + ((size_t)s * BK_SUBSTEPS + k) * BK_NFORCE;
      bk_sb_printf(sb, "%s,%d,%d,%d,%d,%d,%.6g,%.6g,%.6g\n", r->suite_name, e->task, e->init,
                   e->seed, s, k, f[0], f[1], f[2]);
    }
  }
}

// record one finished episode: line to the file, counters, progress
static void finish_episode(worker_t* wk) {
  run_t* r = wk->run;
  const bk_run_cfg_t* c = r->cfg;
  bk_record_ctx_t rc = {r->run_id, r->suite_name, c->policy->name, c->ep.k, c->ep.chunk,
                        c->ep.open_loop, c->ep.max_steps,
                        bk_sample_mode_name(c->ep.sampling.mode), wk->value,
                        bk_score_name(c->ep.scorer)};
  wk->line.len = 0;
  bk_record_write(&rc, &wk->ep, &wk->line);
  wk->trace.len = 0;
  if (r->trace_fd >= 0) trace_rows(r, &wk->ep, &wk->trace);
  pthread_mutex_lock(&r->lock);
  // the trace first: an episode whose record line is written is complete everywhere
  int bad = wk->line.failed || wk->trace.failed;
  if (!bad && r->trace_fd >= 0 && wk->trace.len) {
    bad = append_whole(r->trace_fd, wk->trace.s, wk->trace.len);
  }
  if (!bad) bad = append_whole(r->fd, wk->line.s, wk->line.len);
  if (bad && !r->failed) {
    r->failed = 1;
    snprintf(r->err, sizeof r->err, "%s/episodes.jsonl: write failed (%s); records so far kept",
             c->out_dir, strerror(errno));
  }
  r->sum->done++;
  r->sum->success += wk->ep.success;
  r->sum->errors += wk->ep.error[0] != 0;
  bk_progress_update(&r->progress, r->sum->done, r->sum->success);
  pthread_mutex_unlock(&r->lock);
}

// the context for a task; jobs come sorted by task, so a worker holds one at a time
static bk_episode_ctx_t* ctx_for(worker_t* wk, int task) {
  if (wk->ctx && wk->ctx_task == task) return wk->ctx;
  bk_episode_ctx_free(wk->ctx);
  wk->ctx = bk_episode_ctx_create(wk->run->worlds[task], &wk->run->cfg->ep);
  wk->ctx_task = task;
  return wk->ctx;
}

// take the next job index, or -1 when done or stopped
static int take_job(run_t* r) {
  pthread_mutex_lock(&r->lock);
  int i = (r->failed || r->next >= r->njob) ? -1 : r->next++;
  pthread_mutex_unlock(&r->lock);
  return i;
}

static void* worker_main(void* arg) {
  worker_t* wk = arg;
  run_t* r = wk->run;
  const bk_run_cfg_t* c = r->cfg;
  for (int i; (i = take_job(r)) >= 0;) {
    const job_t* j = &r->jobs[i];
    bk_episode_ctx_t* ctx = ctx_for(wk, j->task);
    if (!ctx) {
      pthread_mutex_lock(&r->lock);
      r->failed = 1;
      snprintf(r->err, sizeof r->err, "out of memory");
      pthread_mutex_unlock(&r->lock);
      break;
    }
    bk_episode_cfg_t ecfg = c->ep;
    wk->value = c->nvalues ? c->values[j->vi] : c->ep.sampling.value;
    ecfg.sampling.value = wk->value;
    ecfg.shift = c->shift.axis >= 0 ? &c->shift : NULL;
    ecfg.thr_expert = (c->thr && c->thr->have[j->task]) ? c->thr->thr[j->task] : NULL;
    ecfg.gl = c->gl;
    ecfg.egl_device = c->egl_device;
    if (c->tau) {
      ecfg.abstain = 1;
      if (bk_tau_lookup(c->tau, r->suite_name, bk_sample_mode_name(c->ep.sampling.mode), wk->value,
                        j->task, &ecfg.tau)) {
        ecfg.tau = -INFINITY;  // checked by the command before the run starts
      }
    }
    if (wk->rec) {
      ecfg.on_step = bk_recorder_step;
      ecfg.on_step_arg = wk->rec;
    }
    bk_episode_run(ctx, &ecfg, c->policy, wk->policy, j->init, j->seed, &wk->ep);
    if (wk->rec) {
      char err[300];
      if (bk_recorder_finish(wk->rec, r->suite_name, wk->value, c->nvalues > 0, &wk->ep, err, sizeof err)) {
        pthread_mutex_lock(&r->lock);
        fprintf(stderr, "bokbo run: task %d init %d seed %d: %s\n", j->task, j->init, j->seed, err);
        pthread_mutex_unlock(&r->lock);
      }
    }
    finish_episode(wk);
  }
  return NULL;
}

/* keys of episodes already in the file, for --resume */
typedef struct {
  unsigned char* done;         /* [task][init][seed] flags over the requested ids */
  const bk_run_cfg_t* cfg;
  int count;
} done_t;

static int nval(const bk_run_cfg_t* c) {
  return c->nvalues ? c->nvalues : 1;
}

static int id_index(const int* ids, int n, int v) {
  for (int i = 0; i < n; i++) {
    if (ids[i] == v) return i;
  }
  return -1;
}

static int mark_done(const cJSON* rec, int lineno, void* arg) {
  (void)lineno;
  done_t* dn = arg;
  const bk_run_cfg_t* c = dn->cfg;
  int t = cJSON_GetObjectItem(rec, "task") ? cJSON_GetObjectItem(rec, "task")->valueint : -1;
  int i = cJSON_GetObjectItem(rec, "init") ? cJSON_GetObjectItem(rec, "init")->valueint : -1;
  int s = cJSON_GetObjectItem(rec, "seed") ? cJSON_GetObjectItem(rec, "seed")->valueint : -1;
  int ti = id_index(c->tasks, c->ntask, t), ii = id_index(c->inits, c->ninit, i);
  int si = id_index(c->seeds, c->nseed, s), vi = 0;
  const cJSON* val = cJSON_GetObjectItem(rec, "value");
  if (c->nvalues) {
    for (vi = 0; vi < c->nvalues; vi++) {
      if (cJSON_IsNumber(val) && fabs(val->valuedouble - c->values[vi]) < 1e-9) break;
    }
    if (vi == c->nvalues) return 0;
  }
  if (ti < 0 || ii < 0 || si < 0) return 0;
  size_t k = (((size_t)ti * nval(c) + vi) * c->ninit + ii) * c->nseed + si;
  if (!dn->done[k]) dn->count++;
  dn->done[k] = 1;
  return 0;
}

// the job list in (task, init, seed) order, minus what a resumed run already has
static int make_jobs(run_t* r, const char* path, char* err, int err_sz) {
  const bk_run_cfg_t* c = r->cfg;
  size_t total = (size_t)c->ntask * nval(c) * c->ninit * c->nseed;
  done_t dn = {calloc(total ? total : 1, 1), c, 0};
  r->jobs = malloc(sizeof(job_t) * (total ? total : 1));
  if (!dn.done || !r->jobs) {
    free(dn.done);
    return bk_fail(err, err_sz, BK_ENOMEM, "out of memory");
  }
  if (c->resume && access(path, F_OK) == 0) {
    int partial = 0, rc = bk_jsonl_each(path, mark_done, &dn, &partial, err, err_sz);
    if (rc) {
      free(dn.done);
      return rc;
    }
  }
  int* owner = NULL;  // the shard of each episode (bk_shard), or NULL for the whole run
  if (c->nshard > 1 && bk_shard_run_owners(c, r->worlds, total, &owner)) {
    free(dn.done);
    free(owner);
    return bk_fail(err, err_sz, BK_ENOMEM, "out of memory");
  }
  int mine = 0;
  for (size_t k = 0; k < total; k++) {
    if (owner && owner[k] != c->shard) continue;
    mine++;
    if (dn.done[k]) continue;
    size_t q = k;
    int si = (int)(q % c->nseed);
    q /= c->nseed;
    int ii = (int)(q % c->ninit);
    q /= c->ninit;
    int vi = (int)(q % nval(c)), ti = (int)(q / nval(c));
    r->jobs[r->njob++] = (job_t){c->tasks[ti], c->inits[ii], c->seeds[si], vi};
  }
  r->sum->total = mine;
  free(owner);
  r->sum->skipped = dn.count;
  free(dn.done);
  return 0;
}

// drop an unterminated last line (a run cut off mid-write) before appending
static int trim_partial(int fd) {
  off_t end = lseek(fd, 0, SEEK_END), pos = end;
  char ch;
  while (pos > 0) {
    if (pread(fd, &ch, 1, pos - 1) != 1) return BK_EIO;
    if (ch == '\n') break;
    pos--;
  }
  return (pos < end && ftruncate(fd, pos) != 0) ? BK_EIO : 0;
}

// episodes.jsonl (and the trace) opened for appending
static int open_outputs(run_t* r, const char* path, char* err, int err_sz) {
  const bk_run_cfg_t* c = r->cfg;
  r->fd = open(path, O_RDWR | O_CREAT | O_APPEND, 0644);
  if (r->fd < 0 || trim_partial(r->fd)) {
    return bk_fail(err, err_sz, BK_EIO, "%s: %s", path, strerror(errno));
  }
  r->trace_fd = -1;
  if (c->force_trace) {
    char tp[1024];
    snprintf(tp, sizeof tp, "%s/force_trace.csv", c->out_dir);
    int fresh = access(tp, F_OK) != 0;
    r->trace_fd = open(tp, O_RDWR | O_CREAT | O_APPEND, 0644);
    if (r->trace_fd < 0 || trim_partial(r->trace_fd)) {
      return bk_fail(err, err_sz, BK_EIO, "%s: %s", tp, strerror(errno));
    }
    const char* head = "suite,task,init,seed,step,substep,robot_object,robot_fixture,object_object\n";
    if (fresh && append_whole(r->trace_fd, head, strlen(head))) {
      return bk_fail(err, err_sz, BK_EIO, "%s: write failed", tp);
    }
  }
  return 0;
}

// one world per requested task, compiled from this thread before any worker starts
static int build_worlds(run_t* r, char* err, int err_sz) {
  const bk_run_cfg_t* c = r->cfg;
  for (int i = 0; i < c->ntask; i++) {
    int t = c->tasks[i];
    if (r->worlds[t]) continue;
    r->worlds[t] = bk_world_create(bk_catalog_scenes_dir(), c->suite, t, err, err_sz);
    if (!r->worlds[t]) return BK_ENOENT;
  }
  return 0;
}

// start the workers, wait for them, free their resources
static int run_workers(run_t* r, char* err, int err_sz) {
  const bk_run_cfg_t* c = r->cfg;
  int n = c->threads < 1 ? 1 : c->threads;
  worker_t* wk = calloc((size_t)n, sizeof *wk);
  pthread_t* th = calloc((size_t)n, sizeof *th);
  int rc = (!wk || !th) ? BK_ENOMEM : 0, started = 0;
  for (int i = 0; !rc && i < n; i++) {
    wk[i].run = r;
    wk[i].ctx_task = -1;
    wk[i].policy = c->policy->create(c->policy_opts, err, err_sz);
    if (!wk[i].policy) rc = BK_EINVAL;
    if (!rc) rc = bk_episode_alloc(&wk[i].ep, c->ep.max_steps, c->force_trace);
    if (!rc && c->video_dir) {
      wk[i].rec = bk_recorder_create(c->video_dir, c->video_camera, c->video_every, c->frames, c->gl,
                                     c->egl_device, i);
      if (!wk[i].rec) rc = BK_ENOMEM;
    }
  }
  for (int i = 0; !rc && i < n; i++, started++) {
    if (pthread_create(&th[i], NULL, worker_main, &wk[i])) rc = BK_ENOMEM;
  }
  for (int i = 0; i < started; i++) pthread_join(th[i], NULL);
  for (int i = 0; wk && i < n; i++) {
    if (wk[i].policy) c->policy->destroy(wk[i].policy);
    bk_episode_ctx_free(wk[i].ctx);
    bk_recorder_free(wk[i].rec);
    bk_episode_release(&wk[i].ep);
    bk_sb_free(&wk[i].line);
    bk_sb_free(&wk[i].trace);
  }
  free(wk);
  free(th);
  return rc;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

int bk_run(const bk_run_cfg_t* cfg, bk_run_summary_t* sum, char* err, int err_sz) {
  run_t r;
  memset(&r, 0, sizeof r);
  memset(sum, 0, sizeof *sum);
  r.cfg = cfg;
  r.sum = sum;
  r.fd = r.trace_fd = -1;
  pthread_mutex_init(&r.lock, NULL);
  bk_init_suite_name(cfg->suite, &cfg->shift, r.suite_name, sizeof r.suite_name);
  const char* base = strrchr(cfg->out_dir, '/');
  snprintf(r.run_id, sizeof r.run_id, "%s", base && base[1] ? base + 1 : cfg->out_dir);
  char path[1024];
  snprintf(path, sizeof path, "%s/episodes.jsonl", cfg->out_dir);
  double t0 = now_s();
  int rc = build_worlds(&r, err, err_sz);
  if (!rc) rc = make_jobs(&r, path, err, err_sz);
  if (!rc) rc = open_outputs(&r, path, err, err_sz);
  if (!rc) {
    bk_guard_install();
    bk_progress_start(&r.progress, cfg->progress, sum->total, sum->skipped);
    sum->done = sum->skipped;
    rc = run_workers(&r, err, err_sz);
    bk_progress_finish(&r.progress, sum->done, sum->success);
  }
  if (!rc && r.failed) rc = bk_fail(err, err_sz, BK_EIO, "%s", r.err);
  sum->seconds = now_s() - t0;
  if (r.fd >= 0) close(r.fd);
  if (r.trace_fd >= 0) close(r.trace_fd);
  for (int t = 0; t < BK_SUITE_NTASK; t++) bk_world_free(r.worlds[t]);
  free(r.jobs);
  pthread_mutex_destroy(&r.lock);
  return rc;
}
