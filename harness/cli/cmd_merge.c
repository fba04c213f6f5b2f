/* bokbo merge: join the shards of a run into one run directory */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
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
#include "run/record.h"
#include "sample/sample.h"

/* where one record lies; the records themselves are read again when OUT is written, so
 * memory stays at sizeof(rec_t) per record however long the records are */
typedef struct {
  int task, vi, init, seed;
  int part;                    /* index of the part directory */
  uint32_t len;                /* bytes of the line, its newline included */
  off_t off;                   /* where the line starts in the part's episodes.jsonl */
} rec_t;

typedef struct {
  rec_t* rec;
  int n, cap;
  double values[BK_SAMPLE_MAX_VALUES];
  int nvalues;
  const char* out_id;
  const char* path;
  int part;                    /* the part being read */
  off_t off;                   /* offset of the line being read */
  const cJSON* cfg;            /* the parts' shared configuration */
  bk_sample_mode_t mode;
  char suite[96];              /* the records' suite name */
  bk_record_expect_t expect;
  bk_record_t scratch;         /* the record being read */
  char err[512];
} merge_t;

static void usage(FILE* f) {
  fprintf(f,
          "usage: bokbo merge DIR... --out OUT [--force]\n"
          "\n"
          "Joins the parts of a run made with 'bokbo run --shard I/N' (same configuration)\n"
          "into one run directory (created with its parents when missing): OUT/run.json and\n"
          "OUT/episodes.jsonl, sorted by task,\n"
          "sampling value, init and seed, with the records' run id set to OUT's name. Fails\n"
          "(nothing written) when a configuration differs, an episode is missing or appears\n"
          "twice. The result equals an unsharded run into a folder of the same name, byte for\n"
          "byte after sorting.\n");
}

// the value index of a record's sampling value
static int value_index(const merge_t* m, double v) {
  for (int i = 0; i < m->nvalues; i++) {
    if (bk_sample_same_value(m->values[i], v)) return i;
  }
  return -1;
}

// 1 when v is one of the JSON array's numbers
static int listed(const cJSON* arr, int v) {
  const cJSON* it;
  cJSON_ArrayForEach(it, arr) {
    if (cJSON_IsNumber(it) && it->valuedouble == v) return 1;
  }
  return 0;
}

// a record (read by the shared reader) against the parts' configuration
static const char* foreign(const merge_t* m, const bk_record_t* r) {
  const cJSON* cfg = m->cfg;
  const char* pol = cJSON_GetStringValue(cJSON_GetObjectItem(cfg, "policy"));
  const char* scorer = cJSON_GetStringValue(cJSON_GetObjectItem(cfg, "scorer"));
  if (!pol || strcmp(pol, r->policy)) return "policy";
  if (scorer && strcmp(scorer, r->scorer)) return "scorer";
  if (strcmp(bk_sample_mode_name(m->mode), r->sampling)) return "sampling";
  if (cJSON_GetNumberValue(cJSON_GetObjectItem(cfg, "k")) != r->k) return "k";
  if (cJSON_GetNumberValue(cJSON_GetObjectItem(cfg, "chunk")) != r->chunk) return "chunk";
  if (cJSON_GetNumberValue(cJSON_GetObjectItem(cfg, "open_loop")) != r->open_loop) return "open_loop";
  if (cJSON_GetNumberValue(cJSON_GetObjectItem(cfg, "max_steps")) != r->max_steps) return "max_steps";
  if (!listed(cJSON_GetObjectItem(cfg, "tasks"), r->task)) return "task";
  if (!listed(cJSON_GetObjectItem(cfg, "inits"), r->init)) return "init";
  if (!listed(cJSON_GetObjectItem(cfg, "seeds"), r->seed)) return "seed";
  return NULL;
}

// one record line, checked by the shared reader and against the configuration; its key
// and place are kept
static int take(merge_t* m, const char* line, size_t n, int lineno) {
  char why[300];
  int rc = bk_record_read(line, n, &m->expect, &m->scratch, why, sizeof why);
  if (rc) return bk_fail(m->err, sizeof m->err, rc, "%s:%d: %s", m->path, lineno, why);
  const bk_record_t* x = &m->scratch;
  const char* what = foreign(m, x);
  if (what) {
    return bk_fail(m->err, sizeof m->err, BK_EINVAL, "%s:%d: not a record of this run ('%s' differs)",
                   m->path, lineno, what);
  }
  rec_t r = {x->task, value_index(m, x->value), x->init, x->seed, m->part, (uint32_t)n, m->off};
  if (r.vi < 0) {
    return bk_fail(m->err, sizeof m->err, BK_EINVAL, "%s:%d: sampling value %.17g is not in the run",
                   m->path, lineno, x->value);
  }
  if (n > UINT32_MAX) return bk_fail(m->err, sizeof m->err, BK_EPARSE, "%s:%d: line too long", m->path, lineno);
  if (m->n == m->cap) {
    m->cap = m->cap ? 2 * m->cap : 256;
    rec_t* nr = realloc(m->rec, sizeof *nr * m->cap);
    if (!nr) return bk_fail(m->err, sizeof m->err, BK_ENOMEM, "out of memory");
    m->rec = nr;
  }
  m->rec[m->n++] = r;
  return 0;
}

// every complete line of one part's episodes.jsonl
static int read_part(merge_t* m, const char* dir) {
  char path[1100];
  snprintf(path, sizeof path, "%s/episodes.jsonl", dir);
  m->path = path;
  m->off = 0;
  int code = 0;
  FILE* f = bk_file_open_read(path, &code, m->err, sizeof m->err);
  if (!f) return code;
  char* line = NULL;
  size_t cap = 0;
  ssize_t n;
  int lineno = 0, rc = 0;
  while (!rc && (n = getline(&line, &cap, f)) > 0) {
    lineno++;
    if (line[n - 1] != '\n') {
      rc = bk_fail(m->err, sizeof m->err, BK_EPARSE, "%s:%d: a cut-off record (finish the part with --resume)",
                   path, lineno);
    } else if (n > 1) {
      rc = take(m, line, (size_t)n, lineno);
    }
    m->off += n;
  }
  free(line);
  fclose(f);
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
          rec_t key = {t->valueint, v, i->valueint, s->valueint, 0, 0, 0};
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
      return bk_fail(err, err_sz, BK_EINVAL, "task %d init %d seed %d appears twice", m->rec[i].task,
                     m->rec[i].init, m->rec[i].seed);
    }
  }
  bk_sb_t sb = {0};
  int missing = list_missing(m, cfg, &sb);
  int rc = 0;
  if (missing) {
    rc = bk_fail(err, err_sz, BK_EINVAL, "%d episode(s) missing (%s%s): a part is missing or unfinished",
                 missing, sb.s ? sb.s : "", missing > 5 ? ", ..." : "");
  }
  bk_sb_free(&sb);
  return rc;
}

// the record r read again from its part (it must be the one read before: parts are
// append-only), written to f with OUT's name as the run id (escaped like any string)
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
  int same = got == (ssize_t)r->len;
  if (same) buf->s[r->len] = '\0';
  same = same && bk_record_read(buf->s, r->len, &m->expect, &m->scratch, why, sizeof why) == 0;
  const bk_record_t* x = &m->scratch;
  if (!same || x->task != r->task || x->init != r->init || x->seed != r->seed) {
    return bk_fail(err, err_sz, BK_EIO, "%s/episodes.jsonl: changed while merging (offset %lld)%s%s",
                   dirs[r->part], (long long)r->off, why[0] ? ": " : "", why);
  }
  line->len = 0;
  bk_record_rewrite(x, m->out_id, line);
  if (line->failed) return bk_fail(err, err_sz, BK_ENOMEM, "out of memory");
  if (fwrite(line->s, 1, line->len, f) != line->len) return BK_EIO;  // bk_atomic_commit names it
  return 0;
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
  bk_sb_t buf = {0}, line = {0};
  for (int i = 0; !rc && i < m->n; i++) rc = copy_record(m, &m->rec[i], fds, dirs, &buf, &line, f, err, err_sz);
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
  cJSON* cfg = check_configs(dirs, n, err, sizeof err);
  bk_sampling_t smp;
  int rc = cfg ? 0 : BK_EINVAL;
  if (!rc && bk_sample_parse(cJSON_GetStringValue(cJSON_GetObjectItem(cfg, "sampling")), &smp, m.values,
                             &m.nvalues, err, sizeof err)) {
    rc = BK_EINVAL;
  }
  if (!rc) {
    m.cfg = cfg;
    m.mode = smp.mode;
    const char* suite = cJSON_GetStringValue(cJSON_GetObjectItem(cfg, "suite"));
    snprintf(m.suite, sizeof m.suite, "%s", suite ? suite : "");
    m.expect.suite = m.suite;
  }
  for (int i = 0; !rc && i < n; i++) {
    m.part = i;
    if ((rc = read_part(&m, dirs[i]))) snprintf(err, sizeof err, "%s", m.err);
  }
  if (!rc) qsort(m.rec, (size_t)m.n, sizeof *m.rec, cmp_rec);
  if (!rc) rc = check_complete(&m, cfg, err, sizeof err);
  if (!rc) rc = write_out(&m, cfg, out, dirs, n, err, sizeof err);
  bk_record_free(&m.scratch);
  if (rc) bk_cli_error("merge", "%s", err);
  else fprintf(stderr, "bokbo merge: %d episodes from %d part(s) -> %s\n", m.n, n, out);
  free(m.rec);
  cJSON_Delete(cfg);
  return bk_cli_exit(rc);
}
