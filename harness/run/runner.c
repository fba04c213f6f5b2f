#include "run/runner.h"

#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "control/step.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "run/guard.h"
#include "run/progress.h"
#include "run/abstain.h"
#include "run/record.h"
#include "run/recorder.h"
#include "run/shard.h"
#include "run/startcache.h"
#include "sim/scenes.h"

typedef struct {
  int task, init, seed, vi;    /* vi: index of the sampling value */
} job_t;

/* shared by the workers; everything mutable is under `lock` */
typedef struct {
  const bk_run_cfg_t* cfg;
  bk_world_t* worlds[BK_SUITE_NTASK];
  bk_startcache_t* starts[BK_SUITE_NTASK]; /* per task, shared by the workers */
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

// what the records of this run say about it
static bk_record_ctx_t record_ctx(const run_t* r, double value) {
  const bk_run_cfg_t* c = r->cfg;
  return (bk_record_ctx_t){r->run_id, r->suite_name, c->policy->name, c->ep.k, c->ep.chunk,
                           c->ep.open_loop, c->ep.max_steps,
                           bk_sample_mode_name(c->ep.sampling.mode), value,
                           bk_score_name(c->ep.scorer), NULL, 0};
}

// record one finished episode: line to the file, counters, progress
static void finish_episode(worker_t* wk) {
  run_t* r = wk->run;
  const bk_run_cfg_t* c = r->cfg;
  bk_record_ctx_t rc = record_ctx(r, wk->value);
  wk->line.len = 0;
  bk_record_write(&rc, &wk->ep, &wk->line);
  wk->trace.len = 0;
  if (r->trace_fd >= 0) trace_rows(r, &wk->ep, &wk->trace);
  pthread_mutex_lock(&r->lock);
  // the trace first: an episode whose record line is written is complete everywhere;
  // when the record cannot be written, the trace rows go too (a resumed run writes both
  // again), so no row is ever doubled
  const char* failed = wk->line.failed || wk->trace.failed ? "out of memory" : NULL;
  const char* which = "episodes.jsonl";
  off_t trace_end = r->trace_fd >= 0 ? lseek(r->trace_fd, 0, SEEK_END) : -1;
  if (!failed && r->trace_fd >= 0 && wk->trace.len &&
      append_whole(r->trace_fd, wk->trace.s, wk->trace.len)) {
    failed = strerror(errno);
    which = "force_trace.csv";
  }
  if (!failed && append_whole(r->fd, wk->line.s, wk->line.len)) {
    failed = strerror(errno);
    if (trace_end >= 0 && ftruncate(r->trace_fd, trace_end) != 0) {
      which = "episodes.jsonl (and force_trace.csv could not be cut back)";
    }
  }
  if (failed && !r->failed) {
    r->failed = 1;
    snprintf(r->err, sizeof r->err, "%s/%s: write failed (%s); records so far kept (--resume continues)",
             c->out_dir, which, failed);
  }
  r->sum->done++;
  r->sum->success += wk->ep.success;
  r->sum->errors += wk->ep.error[0] != 0;
  bk_progress_update(&r->progress, r->sum->done, r->sum->success);
  pthread_mutex_unlock(&r->lock);
}

// a context without the run's shared start cache of its task (which the run frees)
static void ctx_free(bk_episode_ctx_t* ctx) {
  if (ctx) ctx->start = NULL;
  bk_episode_ctx_free(ctx);
}

// the context for a task; jobs come sorted by task, so a worker holds one at a time. Its
// episodes start from the run's start cache of the task: a (task, init) the other worker
// already started (another sampling value, another seed) is a copy, not a recomputation
static bk_episode_ctx_t* ctx_for(worker_t* wk, int task) {
  if (wk->ctx && wk->ctx_task == task) return wk->ctx;
  ctx_free(wk->ctx);
  wk->ctx = bk_episode_ctx_create(wk->run->worlds[task], &wk->run->cfg->ep);
  wk->ctx_task = task;
  if (wk->ctx) {
    bk_startcache_free(wk->ctx->start);
    wk->ctx->start = wk->run->starts[task];
  }
  return wk->ctx;
}

/* SIGINT / SIGTERM during a run: workers take no new episode, the ones in flight finish
 * and are recorded, and the run ends with a hint that --resume continues it. A signal
 * flag is the one process-wide state a handler can set (an atomic, lock-free int). */
static atomic_int g_stop;

static void on_stop_signal(int sig) {
  static const char hint[] =
      "\nbokbo: run: interrupted: finishing the episodes in flight (interrupt again to stop "
      "now); the same command with --resume continues the run\n";
  atomic_store(&g_stop, 1);
  signal(sig, SIG_DFL);  // a second interrupt stops at once
  ssize_t w = write(STDERR_FILENO, hint, sizeof hint - 1);
  (void)w;
}

// take the next job index, or -1 when done or stopped
static int take_job(run_t* r) {
  pthread_mutex_lock(&r->lock);
  int i = (r->failed || atomic_load(&g_stop) || r->next >= r->njob) ? -1 : r->next++;
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
  const run_t* run;
  const char* path;
  int count;
  char* err;
  int err_sz;
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

// a record written with other settings than this run's: resuming would mix two runs
static const char* foreign_setting(const bk_record_ctx_t* c, const bk_record_t* rec) {
  if (strcmp(rec->policy, c->policy)) return "policy";
  if (strcmp(rec->sampling, c->sampling)) return "sampling";
  if (strcmp(rec->scorer, c->scorer)) return "scorer";
  if (rec->k != c->k) return "k";
  if (rec->chunk != c->chunk) return "chunk";
  if (rec->open_loop != c->open_loop) return "open_loop";
  if (rec->max_steps != c->max_steps) return "max_steps";
  return NULL;
}

static int mark_done(const bk_record_t* rec, int lineno, void* arg) {
  done_t* dn = arg;
  const bk_run_cfg_t* c = dn->run->cfg;
  bk_record_ctx_t mine = record_ctx(dn->run, 0);
  const char* what = foreign_setting(&mine, rec);
  if (what) {
    return bk_fail(dn->err, dn->err_sz, BK_EINVAL,
                   "%s:%d: a record of another configuration (\"%s\" differs); resume with the "
                   "same settings or use another --out", dn->path, lineno, what);
  }
  int vi = 0;
  const double* vals = c->nvalues ? c->values : &c->ep.sampling.value;
  while (vi < nval(c) && !bk_sample_same_value(rec->value, vals[vi])) vi++;
  if (vi == nval(c)) {
    return bk_fail(dn->err, dn->err_sz, BK_EINVAL,
                   "%s:%d: a record of sampling value %.17g, which this run does not have",
                   dn->path, lineno, rec->value);
  }
  int ti = id_index(c->tasks, c->ntask, rec->task), ii = id_index(c->inits, c->ninit, rec->init);
  int si = id_index(c->seeds, c->nseed, rec->seed);
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
  done_t dn = {calloc(total ? total : 1, 1), r, path, 0, err, err_sz};
  r->jobs = malloc(sizeof(job_t) * (total ? total : 1));
  if (!dn.done || !r->jobs) {
    free(dn.done);
    return bk_fail(err, err_sz, BK_ENOMEM, "out of memory");
  }
  if (c->resume && access(path, F_OK) == 0) {
    // every record checked by the shared reader, of this suite
    bk_record_expect_t x = {.suite = r->suite_name};
    int partial = 0, rc = bk_record_each(path, &x, mark_done, &dn, &partial, err, err_sz);
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
    r->worlds[t] = bk_scenes_world_file(c->scenes, c->suite, t, c->task_file, err, err_sz);
    if (!r->worlds[t]) return BK_ENOENT;
    r->starts[t] = bk_startcache_create(r->worlds[t]);
    if (!r->starts[t]) return bk_fail(err, err_sz, BK_ENOMEM, "out of memory");
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
    ctx_free(wk[i].ctx);
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
    struct sigaction sa = {.sa_handler = on_stop_signal}, old_int, old_term;
    sigemptyset(&sa.sa_mask);
    atomic_store(&g_stop, 0);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    rc = run_workers(&r, err, err_sz);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    bk_progress_finish(&r.progress, sum->done, sum->success);
  }
  if (!rc && r.failed) rc = bk_fail(err, err_sz, BK_EIO, "%s", r.err);
  if (!rc && atomic_load(&g_stop)) {
    rc = bk_fail(err, err_sz, BK_EINTR,
                 "interrupted with %d of %d episodes recorded in %s/episodes.jsonl; run the same "
                 "command with --resume to continue", sum->done, sum->total, cfg->out_dir);
  }
  sum->seconds = now_s() - t0;
  if (r.fd >= 0) close(r.fd);
  if (r.trace_fd >= 0) close(r.trace_fd);
  for (int t = 0; t < BK_SUITE_NTASK; t++) {
    bk_startcache_free(r.starts[t]);
    bk_world_free(r.worlds[t]);
  }
  free(r.jobs);
  pthread_mutex_destroy(&r.lock);
  return rc;
}
