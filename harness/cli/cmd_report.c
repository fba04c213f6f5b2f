/* bokbo report: every statistic, table and plot of one or more runs */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/err.h"
#include "report/figures.h"
#include "report/load.h"
#include "report/markdown.h"
#include "report/report.h"
#include "report/select.h"
#include "core/json.h"

static void usage(FILE* f) {
  fprintf(f,
          "usage: bokbo report DIR... [--epsilon 0.05,0.1] [--splits 1000] [--seed 0]\n"
          "                    [--violation expert|global] [--threads 2] [--paper DIR]\n"
          "                    [--exclude-train MODEL.json] --out REPORT_DIR\n"
          "\n"
          "Reads the runs' episodes.jsonl, groups episodes by (suite, sampling, value) and\n"
          "writes REPORT_DIR/report.json (every figure; keys in docs/report.md),\n"
          "REPORT_DIR/report.md (tables per suite and task, the paper's numbers beside ours,\n"
          "read from --paper, default results/paper) and REPORT_DIR/plots/*.png.\n"
          "The output appears whole or not at all (written to a temporary directory, then\n"
          "renamed); an existing REPORT_DIR is replaced only if it holds a report.\n"
          "\n"
          "Exit status: 0 success; 1 a consistency check failed (coverage >= net success,\n"
          "rates in [0, 1], hold rates counted over the stated splits: the report is written\n"
          "and the failures listed) or a write failed; 2 bad usage or unreadable runs.\n");
}

/* parsed options */
typedef struct {
  bk_rep_config_t cfg;
  const char* out;
  const char* paper;
  const char* exclude;
  const char* const* dirs;
  int ndir;
} opts_t;

// a comma-separated list of epsilons in (0, 1)
static int parse_eps(const char* text, bk_rep_config_t* cfg) {
  cfg->n_epsilon = 0;
  const char* p = text;
  while (*p) {
    char* end;
    double e = strtod(p, &end);
    if (end == p || !(e > 0 && e < 1) || cfg->n_epsilon == BK_REP_MAX_EPSILON) return -1;
    cfg->epsilon[cfg->n_epsilon++] = e;
    if (*end == ',') end++;
    else if (*end) return -1;
    p = end;
  }
  return cfg->n_epsilon ? 0 : -1;
}

// -1 usage error, 1 help, 0 go
static int parse(int argc, char** argv, opts_t* o) {
  static const struct option opts[] = {
    {"epsilon", required_argument, NULL, 'e'}, {"splits", required_argument, NULL, 'B'},
    {"seed", required_argument, NULL, 's'}, {"violation", required_argument, NULL, 'v'},
    {"threads", required_argument, NULL, 't'}, {"paper", required_argument, NULL, 'p'},
    {"exclude-train", required_argument, NULL, 'x'}, {"out", required_argument, NULL, 'o'},
    {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
  };
  int c, v;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
      case 'e': if (parse_eps(optarg, &o->cfg)) goto bad; break;
      case 'B': if (bk_cli_int(optarg, 1, 1000000, &o->cfg.splits)) goto bad; break;
      case 's': if (bk_cli_int(optarg, 0, 2000000000, &v)) goto bad; o->cfg.seed = (uint64_t)v; break;
      case 't': if (bk_cli_int(optarg, 1, 64, &o->cfg.threads)) goto bad; break;
      case 'v':
        if (!strcmp(optarg, "expert")) o->cfg.violation = BK_REP_VIOL_EXPERT;
        else if (!strcmp(optarg, "global")) o->cfg.violation = BK_REP_VIOL_GLOBAL;
        else goto bad;
        break;
      case 'p': o->paper = optarg; break;
      case 'x': o->exclude = optarg; break;
      case 'o': o->out = optarg; break;
      case 'h': usage(stdout); return 1;
      default: usage(stderr); return -1;
    }
  }
  o->dirs = (const char* const*)argv + optind;
  o->ndir = argc - optind;
  if (o->ndir > 0 && o->out) return 0;
  bk_cli_error("report", "one or more run directories and --out are required");
  return -1;

bad:
  bk_cli_error("report", "bad value '%s' (--epsilon e1,e2 in (0, 1), --splits >= 1, "
               "--violation expert|global, --threads 1-64)", optarg);
  return -1;
}

/* A report directory carries a marker file, MARKER, that lists every file and folder
 * bokbo wrote into it. An existing --out is replaced only when it is such a directory and
 * holds nothing else: never a folder with other files (a run, the working directory). */
#define MARKER ".bokbo-report"
#define MARKER_HEAD "bokbo report directory; written entries:\n"

// the entries under dir/rel (rel "" at the top) as "relative/path\n" lines into sb;
// symbolic links are listed, not followed
static int walk(const char* dir, const char* rel, int depth, bk_sb_t* sb) {
  char path[8192];
  snprintf(path, sizeof path, "%s%s%s", dir, rel[0] ? "/" : "", rel);
  DIR* d = depth < 16 ? opendir(path) : NULL;
  if (!d) return -1;
  int rc = 0;
  struct dirent* e;
  while (!rc && (e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char sub[2048];
    if (snprintf(sub, sizeof sub, "%s%s%s", rel, rel[0] ? "/" : "", e->d_name) >= (int)sizeof sub) {
      rc = -1;
      break;
    }
    bk_sb_printf(sb, "%s\n", sub);
    struct stat st;
    if (snprintf(path, sizeof path, "%s/%s", dir, sub) >= (int)sizeof path) rc = -1;
    if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) rc = walk(dir, sub, depth + 1, sb);
  }
  closedir(d);
  return rc;
}

// the entries under dir, one per line (NULL when the walk fails)
static char* list_tree(const char* dir) {
  bk_sb_t sb = {0};
  bk_sb_puts(&sb, "");
  if (walk(dir, "", 0, &sb) != 0 || sb.failed) {
    bk_sb_free(&sb);
    return NULL;
  }
  return sb.s;
}

// 1 when line (without its newline) is one of the lines of list
static int has_line(const char* list, const char* line, size_t n) {
  for (const char* p = list; *p;) {
    const char* e = strchr(p, '\n');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len == n && !memcmp(p, line, n)) return 1;
    p += len + (e != NULL);
  }
  return 0;
}

// an existing output directory may be replaced only when bokbo wrote all of it
static int out_replaceable(const char* out, char* why, int why_sz) {
  struct stat st;
  if (lstat(out, &st) != 0) {
    if (errno == ENOENT) return 1;
    return bk_fail(why, why_sz, 0, "%s: %s", out, strerror(errno)), 0;
  }
  if (!S_ISDIR(st.st_mode)) return bk_fail(why, why_sz, 0, "%s exists and is not a directory", out), 0;
  char path[4200];
  snprintf(path, sizeof path, "%s/" MARKER, out);
  char* marker = bk_read_file(path, NULL, NULL, 0);
  if (!marker || strncmp(marker, MARKER_HEAD, strlen(MARKER_HEAD))) {
    free(marker);
    return bk_fail(why, why_sz, 0, "%s exists and is not a report directory bokbo wrote (no %s)",
                   out, MARKER), 0;
  }
  char* tree = list_tree(out);
  int ok = tree != NULL;
  const char* listed = marker + strlen(MARKER_HEAD);
  for (const char* p = tree; ok && *p;) {
    const char* e = strchr(p, '\n');
    size_t n = (size_t)(e - p);
    if (!(n == strlen(MARKER) && !memcmp(p, MARKER, n)) && !has_line(listed, p, n)) {
      bk_fail(why, why_sz, 0, "%s holds '%.*s', which bokbo did not write: not replacing it", out,
              (int)n, p);
      ok = 0;
    }
    p = e + 1;
  }
  if (!tree) bk_fail(why, why_sz, 0, "%s: cannot list it", out);
  free(tree);
  free(marker);
  return ok;
}

static int rm_entry(const char* path, const struct stat* st, int flag, struct FTW* ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

// removes a directory tree we created (or checked to hold only what we wrote)
static void rm_tree(const char* dir) {
  nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

// the marker: what dir holds now, all of it written by this report
static int write_marker(const char* dir, char* err, int err_sz) {
  char* tree = list_tree(dir);
  if (!tree) return bk_fail(err, err_sz, BK_EIO, "%s: cannot list it", dir);
  bk_sb_t sb = {0};
  bk_sb_puts(&sb, MARKER_HEAD);
  bk_sb_puts(&sb, tree);
  free(tree);
  char path[4200];
  snprintf(path, sizeof path, "%s/" MARKER, dir);
  int rc = sb.failed ? bk_fail(err, err_sz, BK_ENOMEM, "out of memory")
                     : bk_write_atomic(path, sb.s, err, err_sz);
  bk_sb_free(&sb);
  return rc;
}

// report.json, report.md and the plots into dir
static int write_all(const bk_load_t* L, const opts_t* o, cJSON* doc, const char* dir, char* err,
                     int err_sz) {
  char path[4200];
  snprintf(path, sizeof path, "%s/plots", dir);
  if (mkdir(path, 0755) != 0) return bk_fail(err, err_sz, BK_EIO, "%s: %s", path, strerror(errno));
  int rc = bk_fig_all(L, &o->cfg, doc, path, err, err_sz);
  if (rc) return rc;
  char* text = cJSON_Print(doc);
  if (!text) return bk_fail(err, err_sz, BK_ENOMEM, "out of memory");
  snprintf(path, sizeof path, "%s/report.json", dir);
  rc = bk_write_atomic(path, text, err, err_sz);
  free(text);
  if (rc) return rc;
  bk_sb_t md = {0};
  bk_md_write(doc, &md);
  snprintf(path, sizeof path, "%s/report.md", dir);
  rc = md.failed ? bk_fail(err, err_sz, BK_ENOMEM, "out of memory")
                 : bk_write_atomic(path, md.s ? md.s : "", err, err_sz);
  bk_sb_free(&md);
  return rc ? rc : write_marker(dir, err, err_sz);
}

// writes into a sibling temporary directory (unpredictable name), then swaps it in
static int publish(const bk_load_t* L, const opts_t* o, cJSON* doc, char* err, int err_sz) {
  char tmp[4000], old[4100];
  snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", o->out);
  if (!mkdtemp(tmp)) return bk_fail(err, err_sz, BK_EIO, "%s: %s", tmp, strerror(errno));
  chmod(tmp, 0755);
  snprintf(old, sizeof old, "%s.old", tmp);
  int rc = write_all(L, o, doc, tmp, err, err_sz);
  // checked again just before the swap: the directory may have changed meanwhile
  char why[1024];
  if (!rc && !out_replaceable(o->out, why, sizeof why)) rc = bk_fail(err, err_sz, BK_EINVAL, "%s", why);
  int had = !rc && access(o->out, F_OK) == 0;
  if (!rc && had && rename(o->out, old) != 0) rc = bk_fail(err, err_sz, BK_EIO, "%s: %s", o->out, strerror(errno));
  if (!rc && rename(tmp, o->out) != 0) {
    rc = bk_fail(err, err_sz, BK_EIO, "%s: %s", o->out, strerror(errno));
    if (had) rename(old, o->out);
  }
  if (!rc) bk_file_sync_dir(o->out);
  if (rc) rm_tree(tmp);
  else if (had) rm_tree(old);
  return rc;
}

// the default reference figures: results/paper of the source tree
static const char* default_paper(char* buf, size_t n) {
  snprintf(buf, n, "%s/../results/paper", BOKBO_SCENES_DIR);
  return buf;
}

// the run directories, less a predictor's training episodes
static bk_load_t* load(const opts_t* o, char* err, int err_sz) {
  bk_load_exclude_t ex = {0, NULL};
  if (o->exclude && bk_load_exclude_read(o->exclude, &ex, err, err_sz)) return NULL;
  bk_load_t* L = bk_load_runs(o->dirs, o->ndir, o->exclude ? &ex : NULL, err, err_sz);
  bk_load_exclude_free(&ex);
  if (L && L->n_partial) {
    fprintf(stderr, "bokbo: report: warning: %d run(s) end in a cut-off line (a run still "
            "writing, or interrupted: finish it with 'bokbo run --resume'); that record is left "
            "out\n", L->n_partial);
  }
  return L;
}

// the per-group MSE paper's checkpoint-selection analysis on its data (DIR/data/
// per_group_mse.json, when present) and on these runs
static int selection(cJSON* doc, const bk_load_t* L, const char* paper_dir, char* err, int err_sz) {
  char path[2300];
  snprintf(path, sizeof path, "%s/data/per_group_mse.json", paper_dir);
  cJSON* ref = bk_select_load(path, err, err_sz);
  if (!ref && err[0]) return BK_EINVAL;
  int rc = bk_select_add(doc, ref, L, err, err_sz);
  if (rc == BK_EINVAL) {
    char why[1024];
    snprintf(why, sizeof why, "%.1000s", err);
    snprintf(err, (size_t)err_sz, "%.900s: %.1000s", path, why);
  }
  cJSON_Delete(ref);
  return rc;
}

int bk_cmd_report(int argc, char** argv) {
  opts_t o = {bk_rep_default_config(), NULL, NULL, NULL, NULL, 0};
  int rc = parse(argc, argv, &o);
  if (rc) return rc > 0 ? BK_EXIT_OK : BK_EXIT_USAGE;
  char why[1024];
  if (!out_replaceable(o.out, why, sizeof why)) {
    bk_cli_error("report", "%s", why);
    return BK_EXIT_USAGE;
  }
  char err[2048], pbuf[2048], msg[4096];
  bk_load_t* L = load(&o, err, sizeof err);
  if (!L) {
    bk_cli_error("report", "%s", err);
    return BK_EXIT_USAGE;
  }
  cJSON* paper = bk_rep_paper_load(o.paper ? o.paper : default_paper(pbuf, sizeof pbuf), err, sizeof err);
  if (!paper) {
    bk_cli_error("report", "%s", err);
    bk_load_free(L);
    return BK_EXIT_USAGE;
  }
  const char* paper_dir = o.paper ? o.paper : default_paper(pbuf, sizeof pbuf);
  cJSON* doc = bk_rep_build(L, &o.cfg, paper, err, sizeof err);
  int failed = 0;
  rc = doc ? 0 : BK_EIO;
  if (doc && (rc = selection(doc, L, paper_dir, err, sizeof err))) {
    bk_cli_error("report", "%s", err);
    cJSON_Delete(doc);
    cJSON_Delete(paper);
    bk_load_free(L);
    return bk_cli_exit(rc);
  }
  if (doc) failed = bk_rep_check(doc, msg, sizeof msg);
  if (doc) rc = publish(L, &o, doc, err, sizeof err);
  if (rc) {
    bk_cli_error("report", "%s", err);
  } else {
    printf("report: %d episodes, %d decisions, %d groups -> %s/report.json, report.md, plots/ (%d files)\n",
           L->n_episodes, L->n_decisions, L->n_groups, o.out,
           cJSON_GetArraySize(cJSON_GetObjectItem(doc, "plots")));
  }
  if (!rc && failed) {
    bk_cli_error("report", "%d consistency check(s) failed:\n%s", failed, msg);
  }
  cJSON_Delete(doc);
  cJSON_Delete(paper);
  bk_load_free(L);
  return rc ? bk_cli_exit(rc) : (failed ? BK_EXIT_FAIL : BK_EXIT_OK);
}
