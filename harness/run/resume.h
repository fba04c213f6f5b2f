/* bk_resume: what `run --resume` and `run --extend` check against the run.json a run
 * directory already holds, beyond the settings of run/config.h.
 *
 * Input files: the run records the FNV-1a 64 hash of the bytes of its --thresholds,
 * --abstain, --predictor and --shard-costs files ("<option>_fnv1a64", "" without the option). A resume
 * compares these contents, not the paths: the same file moved or copied elsewhere is
 * accepted, a file edited in place is refused.
 *
 * Episode lists: a resume must give the same --tasks, --inits and --seeds. `--extend`
 * lets them grow (every id of the run kept, new ones added), and then only the missing
 * episodes run; it refuses to drop an id (records would fall outside the configuration)
 * and refuses a shard of a sharded run (the shard plan depends on the whole episode list,
 * so the parts would no longer agree on who owns what). */
#ifndef BK_RUN_RESUME_H
#define BK_RUN_RESUME_H

#include <cjson/cJSON.h>

/* FNV-1a 64 of a regular file's bytes as 16 lowercase hex digits. Returns 0, or a
 * negative code with err ("path: why") filled. */
int bk_resume_hash_file(const char* path, char out[17], char* err, int err_sz);

/* Adds "thresholds_fnv1a64", "abstain_fnv1a64", "predictor_fnv1a64" and
 * "shard_costs_fnv1a64" to a run configuration: the hash of each file given, "" for each
 * NULL path. Returns 0, or a negative code with err filled (a file that cannot be read). */
int bk_resume_add_inputs(cJSON* cfg, const char* thresholds, const char* abstain,
                         const char* predictor, const char* shard_costs, char* err, int err_sz);

/* Compares the input files of the configuration a run started with (old) and of the
 * command now. A run.json written before the hashes existed is compared by path, and
 * on a match the hash of the file now is added to old so that later comparisons pass.
 * Returns 0, or BK_EINVAL with err naming the option, the file and what differs. */
int bk_resume_check_inputs(cJSON* old, const cJSON* now, char* err, int err_sz);

/* The episode lists and the scenes' init files of old and now. Without extend the lists
 * must be equal; with extend every id of old must be in now and the run unsharded, and
 * each task of old must keep its init file. *grows is set to 1 when now adds an id.
 * Returns 0, or BK_EINVAL with err naming the option ("--tasks", "--inits", "--seeds")
 * and what to do. */
int bk_resume_check_episodes(const cJSON* old, const cJSON* now, int extend, int* grows,
                             char* err, int err_sz);

#endif
