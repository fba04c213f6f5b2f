/* bk_rep: every figure of the report, computed from a loaded dataset with the pure
 * functions of harness/stats, as one JSON document (report.json).
 *
 * Each top-level key is a table: a list of flat rows with the columns suite, sampling,
 * value (sigma or T) and, where it applies, epsilon, so `pandas.DataFrame(doc[key])`
 * loads it. `corr` is an object of four such tables. docs/report.md documents every key
 * and column. Numbers that are undefined (NaN, +-inf) are JSON null, except thresholds
 * tau, written as a number or the strings "-inf" (always abstain) and "inf". */
#ifndef BK_REPORT_REPORT_H
#define BK_REPORT_REPORT_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "report/load.h"
#include "stats/crc.h"

#define BK_REP_MAX_EPSILON 8

enum { BK_REP_VIOL_EXPERT = 0, BK_REP_VIOL_GLOBAL = 1 };

typedef struct {
  double epsilon[BK_REP_MAX_EPSILON];
  int n_epsilon;
  int splits;            /* bootstrap splits B */
  uint64_t seed;         /* bootstrap seed */
  double cal_fraction;   /* calibration share of each task's episodes (0.5) */
  int violation;         /* BK_REP_VIOL_EXPERT or BK_REP_VIOL_GLOBAL: the v of CRC */
  int threads;           /* bootstrap worker threads */
} bk_rep_config_t;

/* epsilon {0.05}, 1000 splits, seed 0, 50/50, expert verdicts, 2 threads */
bk_rep_config_t bk_rep_default_config(void);

/* One group's episodes as CRC arrays. v is the decision's verdict of the configured kind;
 * a null verdict counts as 0 and is counted in `unlabelled`. */
typedef struct {
  int g;                 /* group index in the dataset */
  int n_tasks;           /* max task id + 1 */
  int n_episodes, n_decisions;
  int unlabelled;        /* decisions with a null verdict */
  int* ep;               /* [n_episodes] dataset episode index */
  int* task;
  unsigned char* success;
  int* offset;           /* [n_episodes + 1] */
  double* score;
  unsigned char* viol;
  bk_crc_data_t d;       /* views of the arrays above */
} bk_rep_group_t;

/* Builds group g's arrays with verdicts of kind (BK_REP_VIOL_*). Returns 0 or BK_ENOMEM
 * (out zeroed). */
int bk_rep_group_build(const bk_load_t* L, int g, int kind, bk_rep_group_t* out);

/* NULL-safe; zeroes the group. */
void bk_rep_group_free(bk_rep_group_t* G);

/* tau as JSON: a number, or "-inf" / "inf" */
cJSON* bk_rep_tau_json(double tau);

/* Reads every results/paper JSON file (name ending .json) in dir into one array of reference rows
 * (each row gets "file" and "source"). A missing dir gives an empty array. NULL with
 * "file: ..." in err on a malformed file. */
cJSON* bk_rep_paper_load(const char* dir, char* err, int err_sz);

/* Computes the report. paper (may be NULL) is the array of bk_rep_paper_load. Returns
 * the document, or NULL with err filled (bad config, out of memory). */
cJSON* bk_rep_build(const bk_load_t* L, const bk_rep_config_t* cfg, const cJSON* paper,
                    char* err, int err_sz);

/* Internal consistency of a report document: every rate in [0, 1] (or null), coverage
 * >= net success, hold rates a multiple of 1/splits with the configured split count.
 * Adds {"passed", "checked", "failures": [...]} as doc["checks"] and returns the number
 * of failures; msg (may be NULL) receives the first few, one per line. */
int bk_rep_check(cJSON* doc, char* msg, int msg_sz);

#endif
