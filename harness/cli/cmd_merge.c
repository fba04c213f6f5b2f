/* bokbo merge: join the shards of a run into one run directory */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/scenes_opt.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "core/json.h"
#include "run/config.h"
#include "run/recscan.h"
#include "run/record.h"
#include "sample/sample.h"

enum { IO_BUFFER = 1 << 20 };  /* stdio buffer of the parts and the output */

/* where one record lies; the records themselves are read again when OUT is written, so
 * memory stays at sizeof(rec_t) per record however long the records are */
typedef struct {
  int task, vi, init, seed;
  int part;                    /* index of the part directory */
  uint32_t len;                /* bytes of the line, its newline included */
  off_t off;                   /* where the line starts in the part's episodes.jsonl */
  uint64_t sum;                /* line_sum of the line, to find it unchanged when copied */
} rec_t;

/* a list of the configuration (tasks, inits, seeds): its numbers, sorted */
typedef struct {
  double* v;
  int n;
} list_t;

typedef struct {
  rec_t* rec;
  int n, cap;
  double values[BK_SAMPLE_MAX_VALUES];
  int nvalues;
  const char* out_id;
  bk_sb_t out_id_json;         /* out_id as a JSON string literal */
  const cJSON* cfg;            /* the parts' shared configuration */
  const char *policy, *scorer; /* its values that every record must carry */
  double k, chunk, open_loop, max_steps;
  list_t tasks, inits, seeds;
  bk_sample_mode_t mode;
  char suite[96];              /* the records' suite name */
  bk_record_expect_t expect;
  bk_record_t scratch;         /* the record being copied (a line not in the writer's order) */
} merge_t;

/* one part as it is read (by one thread; the merge_t is read-only meanwhile) */
typedef struct {
  const merge_t* m;
  const char* dir;
  int index;
  char path[1100];             /* its episodes.jsonl */
  off_t off;                   /* offset of the line being read */
  rec_t* rec;
  int n, cap;
  bk_record_t scratch;
  int rc;
  char err[512];
} part_t;

static void usage(FILE* f) {
  fprintf(f,
          "usage: bokbo merge DIR... --out OUT [--force]\n"
          "\n"
          "Joins the parts of a run made with 'bokbo run --shard I/N' (same configuration)\n"
          "into one run directory (created with its parents when missing): OUT/run.json and\n"
          "OUT/episodes.jsonl, sorted by task, sampling value, init and seed, with the\n"
          "records' run id set to OUT's name. The result equals an unsharded run into a folder\n"
          "of the same name, byte for byte after sorting. Nothing is written on failure: exit 2\n"
          "when a configuration differs or a record is malformed or foreign; exit 1, listing\n"
          "them, when episodes are missing (a shard unfinished) or appear twice.\n");
}

// the value index of a record's sampling value
static int value_index(const merge_t* m, double v) {
  for (int i = 0; i < m->nvalues; i++) {
    if (bk_sample_same_value(m->values[i], v)) return i;
  }
  return -1;
}

static int cmp_double(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

// the numbers of a JSON array (NaN left out: it equals nothing), sorted
static int list_make(const cJSON* arr, list_t* l) {
  const cJSON* it;
  l->n = 0;
  l->v = malloc(sizeof *l->v * (size_t)(cJSON_GetArraySize(arr) + 1));
  if (!l->v) return BK_ENOMEM;
  cJSON_ArrayForEach(it, arr) {
    if (cJSON_IsNumber(it) && !isnan(it->valuedouble)) l->v[l->n++] = it->valuedouble;
  }
  qsort(l->v, (size_t)l->n, sizeof *l->v, cmp_double);
  return 0;
}

// 1 when v is one of the list's numbers
static int listed(const list_t* l, int v) {
  double x = v;
  return bsearch(&x, l->v, (size_t)l->n, sizeof *l->v, cmp_double) != NULL;
}

// 1 when the C string a (NULL: no) equals s
static int same_str(const char* a, bk_recscan_str_t s) {
  return a && strlen(a) == (size_t)s.len && memcmp(a, s.s, (size_t)s.len) == 0;
}

// the configuration's values that every record must carry, looked up once
static int expect_config(merge_t* m, const cJSON* cfg) {
  m->cfg = cfg;
  m->policy = cJSON_GetStringValue(cJSON_GetObjectItem(cfg, "policy"));
  m->scorer = cJSON_GetStringValue(cJSON_GetObjectItem(cfg, "scorer"));
  m->k = cJSON_GetNumberValue(cJSON_GetObjectItem(cfg, "k"));
  m->chunk = cJSON_GetNumberValue(cJSON_GetObjectItem(cfg, "chunk"));
  m->open_loop = cJSON_GetNumberValue(cJSON_GetObjectItem(cfg, "open_loop"));
  m->max_steps = cJSON_GetNumberValue(cJSON_GetObjectItem(cfg, "max_steps"));
  if (list_make(cJSON_GetObjectItem(cfg, "tasks"), &m->tasks) ||
      list_make(cJSON_GetObjectItem(cfg, "inits"), &m->inits) ||
      list_make(cJSON_GetObjectItem(cfg, "seeds"), &m->seeds)) {
    return BK_ENOMEM;
  }
  return 0;
}

// a record (checked against the schema) against the parts' configuration
static const char* foreign(const merge_t* m, const bk_recscan_t* r) {
  if (!same_str(m->policy, r->policy)) return "policy";
  if (m->scorer && !same_str(m->scorer, r->scorer)) return "scorer";
  if (!same_str(bk_sample_mode_name(m->mode), r->sampling)) return "sampling";
  if (m->k != r->k) return "k";
  if (m->chunk != r->chunk) return "chunk";
  if (m->open_loop != r->open_loop) return "open_loop";
  if (m->max_steps != r->max_steps) return "max_steps";
  if (!listed(&m->tasks, r->task)) return "task";
  if (!listed(&m->inits, r->init)) return "init";
  if (!listed(&m->seeds, r->seed)) return "seed";
  return NULL;
}

// a 64-bit check sum of a line, eight bytes at a step (FNV-1a's constants over words, each
// folded by a shift): it finds a line changed between reading and copying, not an attack
static uint64_t line_sum(const char* s, size_t n) {
  uint64_t h = 14695981039346656037ULL ^ n;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, s + i, 8);
    h = (h ^ w) * 1099511628211ULL;
    h ^= h >> 29;
  }
  for (; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
  return h;
}

// one record line, checked against the schema (run/recscan: the shared reader's checks in
// one pass, the reader itself for a line not in the writer's form) and against the
// configuration; its key and place are kept
static int take(part_t* p, const char* line, size_t n, int lineno) {
  char why[300];
  bk_recscan_t rs;
  int rc = bk_recscan_read(line, n, &p->m->expect, &p->scratch, &rs, why, sizeof why);
  if (rc) return bk_fail(p->err, sizeof p->err, rc, "%s:%d: %s", p->path, lineno, why);
  const bk_recscan_t* x = &rs;
  const char* what = foreign(p->m, x);
  if (what) {
    return bk_fail(p->err, sizeof p->err, BK_EINVAL, "%s:%d: not a record of this run ('%s' differs)",
                   p->path, lineno, what);
  }
  rec_t r = {x->task, value_index(p->m, x->value), x->init, x->seed, p->index, (uint32_t)n, p->off,
             line_sum(line, n)};
  if (r.vi < 0) {
    return bk_fail(p->err, sizeof p->err, BK_EINVAL, "%s:%d: sampling value %.17g is not in the run",
                   p->path, lineno, x->value);
  }
  if (n > UINT32_MAX) return bk_fail(p->err, sizeof p->err, BK_EPARSE, "%s:%d: line too long", p->path, lineno);
  if (p->n == p->cap) {
    p->cap = p->cap ? 2 * p->cap : 256;
    rec_t* nr = realloc(p->rec, sizeof *nr * p->cap);
    if (!nr) return bk_fail(p->err, sizeof p->err, BK_ENOMEM, "out of memory");
    p->rec = nr;
  }
  p->rec[p->n++] = r;
  return 0;
}

// every complete line of one part's episodes.jsonl
static int read_part(part_t* p) {
  snprintf(p->path, sizeof p->path, "%s/episodes.jsonl", p->dir);
  int code = 0;
  FILE* f = bk_file_open_read(p->path, &code, p->err, sizeof p->err);
  if (!f) return code;
  setvbuf(f, NULL, _IOFBF, IO_BUFFER);  // fewer, larger reads
  char* line = NULL;
  size_t cap = 0;
  ssize_t n;
  int lineno = 0, rc = 0;
  while (!rc && (n = getline(&line, &cap, f)) > 0) {
    lineno++;
    if (line[n - 1] != '\n') {
      rc = bk_fail(p->err, sizeof p->err, BK_EPARSE, "%s:%d: a cut-off record (finish the part with --resume)",
                   p->path, lineno);
    } else if (n > 1) {
      rc = take(p, line, (size_t)n, lineno);
    }
    p->off += n;
  }
  free(line);
  fclose(f);
  return rc;
}

/* the parts, read by a few threads: each takes the next unread part */
typedef struct {
  part_t* parts;
  int n;
  atomic_int next;
} readers_t;

static void* reader_main(void* arg) {
  readers_t* rd = arg;
  for (int i; (i = atomic_fetch_add(&rd->next, 1)) < rd->n;) {
    rd->parts[i].rc = read_part(&rd->parts[i]);
    bk_record_free(&rd->parts[i].scratch);
  }
  return NULL;
}

// every part read (the first error in part order reported), their records in m->rec
static int read_parts(merge_t* m, char** dirs, int n, char* err, int err_sz) {
  readers_t rd = {calloc((size_t)n, sizeof(part_t)), n, 0};
  if (!rd.parts) return bk_fail(err, err_sz, BK_ENOMEM, "out of memory");
  for (int i = 0; i < n; i++) rd.parts[i] = (part_t){.m = m, .dir = dirs[i], .index = i};
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  int nth = ncpu < 1 ? 1 : ncpu > 16 ? 16 : (int)ncpu, started = 0;
  pthread_t th[16];
  if (nth > n) nth = n;
  for (; started < nth - 1; started++) {
    if (pthread_create(&th[started], NULL, reader_main, &rd)) break;
  }
  reader_main(&rd);  // this thread reads too
  for (int i = 0; i < started; i++) pthread_join(th[i], NULL);
  int rc = 0;
  size_t total = 0;
  for (int i = 0; i < n; i++) total += (size_t)rd.parts[i].n;
  for (int i = 0; i < n && !rc; i++) {
    if ((rc = rd.parts[i].rc)) snprintf(err, (size_t)err_sz, "%s", rd.parts[i].err);
  }
  if (!rc && total > INT_MAX) rc = bk_fail(err, err_sz, BK_EINVAL, "more than %d records", INT_MAX);
  if (!rc && !(m->rec = malloc(sizeof *m->rec * (total ? total : 1)))) {
    rc = bk_fail(err, err_sz, BK_ENOMEM, "out of memory");
  }
  for (int i = 0; i < n; i++) {
    if (!rc) memcpy(m->rec + m->n, rd.parts[i].rec, sizeof *m->rec * (size_t)rd.parts[i].n);
    if (!rc) m->n += rd.parts[i].n;
    free(rd.parts[i].rec);
  }
  free(rd.parts);
  return rc;
}

static int cmp_rec(const void* a, const void* b) {
  const rec_t *x = a, *y = b;
  if (x->task != y->task) return x->task - y->task;
  if (x->vi != y->vi) return x->vi - y->vi;
  if (x->init != y->init) return x->init - y->init;
  return x->seed - y->seed;
}

// every part's configuration must equal the first's on the keys that shape records
static cJSON* check_configs(char** dirs, int n, char* err, int err_sz) {
  cJSON* first = NULL;
  unsigned char seen[4096] = {0};
  for (int i = 0; i < n; i++) {
    char path[1100];
    snprintf(path, sizeof path, "%s/run.json", dirs[i]);
    cJSON* c = bk_json_load(path, err, err_sz);
    if (!c) goto fail;
    // the parts of one run: the same records' settings and episode lists (run/config)
    const char* key = first ? bk_config_differs(first, c, BK_CONFIG_RECORD | BK_CONFIG_EPISODES | BK_CONFIG_SHARDS) : NULL;
    if (!key && first && !bk_cli_scenes_same(first, c)) key = "scenes";
    if (key) {
      bk_fail(err, err_sz, BK_EINVAL, "%s: '%s' differs from %s/run.json", path, key, dirs[0]);
      cJSON_Delete(c);
      goto fail;
    }
    int shard = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(c, "shard"));
    if (shard >= 0 && shard < 4096 && seen[shard]++) {
      bk_fail(err, err_sz, BK_EINVAL, "%s: shard %d given twice", path, shard);
      cJSON_Delete(c);
      goto fail;
    }
    if (first) cJSON_Delete(c); else first = c;
  }
  return first;

fail:
  cJSON_Delete(first);
  return NULL;
}

// the expected episodes that no part holds, named (at most 5), into sb
static int list_missing(const merge_t* m, const cJSON* cfg, bk_sb_t* sb) {
  int missing = 0;
  const cJSON *t, *i, *s;
  cJSON_ArrayForEach(t, cJSON_GetObjectItem(cfg, "tasks")) {
    for (int v = 0; v < m->nvalues; v++) {
      cJSON_ArrayForEach(i, cJSON_GetObjectItem(cfg, "inits")) {
        cJSON_ArrayForEach(s, cJSON_GetObjectItem(cfg, "seeds")) {
          rec_t key = {t->valueint, v, i->valueint, s->valueint, 0, 0, 0, 0};
          if (bsearch(&key, m->rec, (size_t)m->n, sizeof *m->rec, cmp_rec)) continue;
          if (missing++ < 5) {
            bk_sb_printf(sb, "%stask %d init %d seed %d", missing > 1 ? ", " : "", key.task,
                         key.init, key.seed);
            if (m->nvalues > 1) bk_sb_printf(sb, " value %g", m->values[v]);
          }
        }
      }
    }
  }
  return missing;
}

// every expected (task, value, init, seed) exactly once, given the sorted records
static int check_complete(const merge_t* m, const cJSON* cfg, char* err, int err_sz) {
  for (int i = 1; i < m->n; i++) {
    if (cmp_rec(&m->rec[i - 1], &m->rec[i]) == 0) {
      return bk_fail(err, err_sz, BK_EINCOMPLETE, "task %d init %d seed %d appears twice", m->rec[i].task,
                     m->rec[i].init, m->rec[i].seed);
    }
  }
  bk_sb_t sb = {0};
  int missing = list_missing(m, cfg, &sb);
  int rc = 0;
  if (missing) {
    rc = bk_fail(err, err_sz, BK_EINCOMPLETE, "%d episode(s) missing (%s%s): a part is missing or unfinished",
                 missing, sb.s ? sb.s : "", missing > 5 ? ", ..." : "");
  }
  bk_sb_free(&sb);
  return rc;
}

// the end of the JSON string literal that starts at s[0] == '"' (within n bytes), or NULL
static const char* string_end(const char* s, size_t n) {
  for (size_t i = 1; i < n; i++) {
    if (s[i] == '\\') i++;
    else if (s[i] == '"') return s + i + 1;
  }
  return NULL;
}

// a record line with OUT's name as its run id: the writer puts "run" first, so the rest of
// the line is kept byte for byte; a line in another key order (not the writer's) is read
// and written again by the writer
static int rename_run(merge_t* m, const char* line, size_t n, bk_sb_t* out, char* why, int why_sz) {
  static const char head[] = "{\"run\":";
  const size_t nh = sizeof head - 1;
  const char* end = n > nh && memcmp(line, head, nh) == 0 ? string_end(line + nh, n - nh) : NULL;
  out->len = 0;
  if (end) {
    bk_sb_append(out, head, nh);
    bk_sb_append(out, m->out_id_json.s, m->out_id_json.len);
    bk_sb_append(out, end, (size_t)(line + n - end));
    return 0;
  }
  int rc = bk_record_read(line, n, &m->expect, &m->scratch, why, why_sz);
  if (!rc) bk_record_rewrite(&m->scratch, m->out_id, out);
  return rc;
}

// the record r read again from its part (unchanged since it was checked: parts are
// append-only) and written to f with OUT's name as the run id
static int copy_record(merge_t* m, const rec_t* r, const int* fds, char** dirs, bk_sb_t* buf,
                       bk_sb_t* line, FILE* f, char* err, int err_sz) {
  if (r->len + 1 > buf->cap) {
    char* nb = realloc(buf->s, r->len + 1);
    if (!nb) return bk_fail(err, err_sz, BK_ENOMEM, "out of memory");
    buf->s = nb;
    buf->cap = r->len + 1;
  }
  char why[300] = "";
  ssize_t got = pread(fds[r->part], buf->s, r->len, r->off);
  int same = got == (ssize_t)r->len && line_sum(buf->s, r->len) == r->sum;
  if (same) buf->s[r->len] = '\0';
  if (!same || rename_run(m, buf->s, r->len, line, why, sizeof why)) {
    return bk_fail(err, err_sz, BK_EIO, "%s/episodes.jsonl: changed while merging (offset %lld)%s%s",
                   dirs[r->part], (long long)r->off, why[0] ? ": " : "", why);
  }
  if (line->failed) return bk_fail(err, err_sz, BK_ENOMEM, "out of memory");
  if (fwrite(line->s, 1, line->len, f) != line->len) return BK_EIO;  // bk_atomic_commit names it
  return 0;
}

/* every WRITE_BEHIND bytes of output the disk is set to work (the final fsync then waits
 * for the last stretch only, not for the whole file) */
enum { WRITE_BEHIND = 32 << 20 };

// the output written so far handed to the disk without waiting for it (on Linux,
// POSIX_FADV_DONTNEED starts the write-back of [from, to)); returns to
static off_t write_behind(FILE* f, off_t from, off_t to) {
  if (fflush(f) == 0) (void)posix_fadvise(fileno(f), from, to - from, POSIX_FADV_DONTNEED);
  return to;
}

// OUT/episodes.jsonl: the sorted records streamed from the parts into a temporary file
// that replaces the target only when whole
static int write_records(merge_t* m, char** dirs, int n, const char* path, char* err, int err_sz) {
  int* fds = malloc(sizeof *fds * (size_t)n);
  if (!fds) return bk_fail(err, err_sz, BK_ENOMEM, "out of memory");
  int rc = 0, opened = 0;
  for (; !rc && opened < n; opened++) {
    char part[1100];
    snprintf(part, sizeof part, "%s/episodes.jsonl", dirs[opened]);
    fds[opened] = open(part, O_RDONLY | O_CLOEXEC);
    if (fds[opened] < 0) rc = bk_fail(err, err_sz, BK_EIO, "%s: %s", part, strerror(errno));
  }
  if (rc) opened--;
  char tmp[4096];
  FILE* f = rc ? NULL : bk_atomic_open(path, tmp, sizeof tmp, err, err_sz);
  if (!rc && !f) rc = BK_EIO;
  if (f) setvbuf(f, NULL, _IOFBF, IO_BUFFER);
  bk_sb_t buf = {0}, line = {0};
  off_t done = 0, flushed = 0;
  for (int i = 0; !rc && i < m->n; i++) {
    rc = copy_record(m, &m->rec[i], fds, dirs, &buf, &line, f, err, err_sz);
    done += (off_t)line.len;
    if (!rc && done - flushed >= WRITE_BEHIND) flushed = write_behind(f, flushed, done);
  }
  if (f) {
    char cerr[512];
    int crc = bk_atomic_commit(f, tmp, path, rc != 0, cerr, sizeof cerr);
    if (!rc && crc) rc = bk_fail(err, err_sz, crc, "%s", cerr);
  }
  for (int i = 0; i < opened; i++) close(fds[i]);
  free(fds);
  bk_sb_free(&buf);
  bk_sb_free(&line);
  return rc;
}

// OUT (and its missing parents), OUT/episodes.jsonl, then OUT/run.json (the shared
// configuration as one part)
static int write_out(merge_t* m, cJSON* cfg, const char* out, char** dirs, int n, char* err,
                     int err_sz) {
  if (bk_file_make_dirs(out, err, err_sz)) return BK_EINVAL;
  cJSON_ReplaceItemInObject(cfg, "shard", cJSON_CreateNumber(0));
  cJSON_ReplaceItemInObject(cfg, "nshard", cJSON_CreateNumber(1));
  // one unsharded run: no shard plan (so it resumes and extends without --shard-costs)
  cJSON_ReplaceItemInObject(cfg, "shard_costs", cJSON_CreateString(""));
  cJSON_ReplaceItemInObject(cfg, "shard_costs_fnv1a64", cJSON_CreateString(""));
  cJSON* from = cJSON_AddArrayToObject(cfg, "merged_from");
  for (int i = 0; i < n; i++) cJSON_AddItemToArray(from, cJSON_CreateString(dirs[i]));
  char path[1100];
  snprintf(path, sizeof path, "%s/episodes.jsonl", out);
  int rc = write_records(m, dirs, n, path, err, err_sz);
  char* text = rc ? NULL : cJSON_Print(cfg);
  snprintf(path, sizeof path, "%s/run.json", out);
  if (!rc) rc = text ? bk_write_atomic(path, text, err, err_sz) : BK_ENOMEM;
  free(text);
  return rc;
}

int bk_cmd_merge(int argc, char** argv) {
  static const struct option opts[] = {
    {"out", required_argument, NULL, 'o'}, {"force", no_argument, NULL, 'f'},
    {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
  };
  const char* out = NULL;
  int force = 0, c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    if (c == 'o') out = optarg;
    else if (c == 'f') force = 1;
    else if (c == 'h') { usage(stdout); return BK_EXIT_OK; }
    else { usage(stderr); return BK_EXIT_USAGE; }
  }
  char** dirs = argv + optind;
  int n = argc - optind;
  if (!out || n < 1) {
    bk_cli_error("merge", "one or more run directories and --out are required");
    return BK_EXIT_USAGE;
  }
  char probe[1100], err[1024];
  snprintf(probe, sizeof probe, "%s/episodes.jsonl", out);
  if (!force && access(probe, F_OK) == 0) {
    bk_cli_error("merge", "%s: already holds a run (use --force to replace it)", out);
    return BK_EXIT_USAGE;
  }
  merge_t m;
  memset(&m, 0, sizeof m);
  const char* base = strrchr(out, '/');
  m.out_id = base && base[1] ? base + 1 : out;
  bk_record_json_string(&m.out_id_json, m.out_id);
  cJSON* cfg = check_configs(dirs, n, err, sizeof err);
  bk_sampling_t smp;
  int rc = cfg ? 0 : BK_EINVAL;
  if (!rc && bk_sample_parse(cJSON_GetStringValue(cJSON_GetObjectItem(cfg, "sampling")), &smp, m.values,
                             &m.nvalues, err, sizeof err)) {
    rc = BK_EINVAL;
  }
  if (!rc && expect_config(&m, cfg)) rc = bk_fail(err, sizeof err, BK_ENOMEM, "out of memory");
  if (!rc) {
    m.mode = smp.mode;
    const char* suite = cJSON_GetStringValue(cJSON_GetObjectItem(cfg, "suite"));
    snprintf(m.suite, sizeof m.suite, "%s", suite ? suite : "");
    m.expect.suite = m.suite;
  }
  if (!rc) rc = read_parts(&m, dirs, n, err, sizeof err);
  if (!rc) qsort(m.rec, (size_t)m.n, sizeof *m.rec, cmp_rec);
  if (!rc) rc = check_complete(&m, cfg, err, sizeof err);
  if (!rc) rc = write_out(&m, cfg, out, dirs, n, err, sizeof err);
  bk_record_free(&m.scratch);
  if (rc) bk_cli_error("merge", "%s", err);
  else fprintf(stderr, "bokbo merge: %d episodes from %d part(s) -> %s\n", m.n, n, out);
  free(m.rec);
  free(m.tasks.v);
  free(m.inits.v);
  free(m.seeds.v);
  bk_sb_free(&m.out_id_json);
  cJSON_Delete(cfg);
  return bk_cli_exit(rc);
}
