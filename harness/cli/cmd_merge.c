/* bokbo merge: join the shards of a run into one run directory */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "core/json.h"
#include "sample/sample.h"

/* the configuration keys every part must share */
static const char* const kSame[] = {
  "suite", "policy", "policy_opts", "k", "sampling", "scorer", "predictor", "reference",
  "run_seed", "chunk", "open_loop", "max_steps", "thresholds", "global_threshold", "abstain",
  "tasks", "inits", "seeds", "nshard",
};

typedef struct {
  int task, vi, init, seed;
  char* line;                  /* the record, its run id rewritten */
} rec_t;

typedef struct {
  rec_t* rec;
  int n, cap;
  double values[BK_SAMPLE_MAX_VALUES];
  int nvalues;
  const char* out_id;
  const char* path;
  char err[512];
} merge_t;

static void usage(FILE* f) {
  fprintf(f,
          "usage: bokbo merge DIR... --out OUT [--force]\n"
          "\n"
          "Joins the parts of a run made with 'bokbo run --shard I/N' (same configuration)\n"
          "into one run directory: OUT/run.json and OUT/episodes.jsonl, sorted by task,\n"
          "sampling value, init and seed, with the records' run id set to OUT's name. Fails\n"
          "(nothing written) when a configuration differs, an episode is missing or appears\n"
          "twice. The result equals an unsharded run into a folder of the same name, byte for\n"
          "byte after sorting.\n");
}

// the value index of a record's sampling value
static int value_index(const merge_t* m, double v) {
  for (int i = 0; i < m->nvalues; i++) {
    if (fabs(m->values[i] - v) < 1e-12) return i;
  }
  return -1;
}

// a record line with its run id replaced: the writer starts every line {"run":"<id>",
static char* retag(const char* line, const char* out_id) {
  const char* head = "{\"run\":\"";
  size_t hl = strlen(head);
  if (strncmp(line, head, hl) != 0) return NULL;
  const char* end = strchr(line + hl, '"');
  if (!end) return NULL;
  bk_sb_t sb = {0};
  bk_sb_puts(&sb, head);
  bk_sb_puts(&sb, out_id);
  bk_sb_puts(&sb, end);
  return sb.failed ? NULL : sb.s;
}

// one record line: its key from the parsed object, the text kept as written
static int take(merge_t* m, const char* line, int lineno) {
  cJSON* rec = cJSON_Parse(line);
  const cJSON* v = cJSON_GetObjectItem(rec, "value");
  const cJSON *t = cJSON_GetObjectItem(rec, "task"), *i = cJSON_GetObjectItem(rec, "init");
  const cJSON* sd = cJSON_GetObjectItem(rec, "seed");
  rec_t r = {cJSON_IsNumber(t) ? t->valueint : -1,
             value_index(m, cJSON_IsNumber(v) ? v->valuedouble : 0.0),
             cJSON_IsNumber(i) ? i->valueint : -1, cJSON_IsNumber(sd) ? sd->valueint : -1, NULL};
  cJSON_Delete(rec);
  if (r.task < 0 || r.vi < 0 || r.init < 0 || r.seed < 0 || !(r.line = retag(line, m->out_id))) {
    return bk_fail(m->err, sizeof m->err, BK_EPARSE, "%s:%d: not a record of this run", m->path, lineno);
  }
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
  FILE* f = fopen(path, "r");
  if (!f) return bk_fail(m->err, sizeof m->err, BK_EIO, "%s: %s", path, strerror(errno));
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
      rc = take(m, line, lineno);
    }
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
    for (size_t k = 0; first && k < sizeof kSame / sizeof kSame[0]; k++) {
      if (!cJSON_Compare(cJSON_GetObjectItem(first, kSame[k]), cJSON_GetObjectItem(c, kSame[k]), 1)) {
        bk_fail(err, err_sz, BK_EINVAL, "%s: '%s' differs from %s/run.json", path, kSame[k], dirs[0]);
        cJSON_Delete(c);
        goto fail;
      }
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

// every expected (task, value, init, seed) exactly once, given the sorted records
static int check_complete(const merge_t* m, const cJSON* cfg, char* err, int err_sz) {
  int nt = cJSON_GetArraySize(cJSON_GetObjectItem(cfg, "tasks"));
  int ni = cJSON_GetArraySize(cJSON_GetObjectItem(cfg, "inits"));
  int ns = cJSON_GetArraySize(cJSON_GetObjectItem(cfg, "seeds"));
  for (int i = 1; i < m->n; i++) {
    if (cmp_rec(&m->rec[i - 1], &m->rec[i]) == 0) {
      return bk_fail(err, err_sz, BK_EINVAL, "task %d init %d seed %d appears twice", m->rec[i].task,
                     m->rec[i].init, m->rec[i].seed);
    }
  }
  long want = (long)nt * ni * ns * m->nvalues;
  if (m->n != want) {
    return bk_fail(err, err_sz, BK_EINVAL, "%ld of %ld episodes present: a part is missing or unfinished",
                   (long)m->n, want);
  }
  return 0;
}

// OUT/run.json (the shared configuration as one part) and OUT/episodes.jsonl
static int write_out(const merge_t* m, cJSON* cfg, const char* out, char** dirs, int n, char* err,
                     int err_sz) {
  if (mkdir(out, 0755) != 0 && errno != EEXIST) {
    return bk_fail(err, err_sz, BK_EIO, "%s: %s", out, strerror(errno));
  }
  cJSON_ReplaceItemInObject(cfg, "shard", cJSON_CreateNumber(0));
  cJSON_ReplaceItemInObject(cfg, "nshard", cJSON_CreateNumber(1));
  cJSON* from = cJSON_AddArrayToObject(cfg, "merged_from");
  for (int i = 0; i < n; i++) cJSON_AddItemToArray(from, cJSON_CreateString(dirs[i]));
  bk_sb_t sb = {0};
  for (int i = 0; i < m->n; i++) bk_sb_puts(&sb, m->rec[i].line);
  char path[1100];
  snprintf(path, sizeof path, "%s/episodes.jsonl", out);
  int rc = sb.failed ? BK_ENOMEM : bk_write_atomic(path, sb.s ? sb.s : "", err, err_sz);
  bk_sb_free(&sb);
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
  for (int i = 0; !rc && i < n; i++) {
    if ((rc = read_part(&m, dirs[i]))) snprintf(err, sizeof err, "%s", m.err);
  }
  if (!rc) qsort(m.rec, (size_t)m.n, sizeof *m.rec, cmp_rec);
  if (!rc) rc = check_complete(&m, cfg, err, sizeof err);
  if (!rc) rc = write_out(&m, cfg, out, dirs, n, err, sizeof err);
  if (rc) bk_cli_error("merge", "%s", err);
  else fprintf(stderr, "bokbo merge: %d episodes from %d part(s) -> %s\n", m.n, n, out);
  for (int i = 0; i < m.n; i++) free(m.rec[i].line);
  free(m.rec);
  cJSON_Delete(cfg);
  return rc ? (rc == BK_EIO || rc == BK_ENOMEM ? BK_EXIT_FAIL : BK_EXIT_USAGE) : BK_EXIT_OK;
}
