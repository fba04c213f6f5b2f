/* shared pieces of the bokbo command line: exit codes, messages, number parsing */
#ifndef BK_CLI_H
#define BK_CLI_H

#define BK_EXIT_OK 0
#define BK_EXIT_FAIL 1
#define BK_EXIT_USAGE 2

/* The one mapping from an error code (core/err.h) to an exit status: 0 -> BK_EXIT_OK;
 * bad usage or bad input (BK_EINVAL, BK_EPARSE, BK_ENOENT, BK_ERANGE) -> BK_EXIT_USAGE;
 * every other failure (I/O, memory, an engine error, ...) -> BK_EXIT_FAIL. */
int bk_cli_exit(int rc);

/* Prints "bokbo: <what>: <why>" to stderr. */
void bk_cli_error(const char* what, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parses a whole string as an int in [lo, hi]; 0 on success. */
int bk_cli_int(const char* text, int lo, int hi, int* out);

/* Parses an id list ("0-9", "0,3,5-7") with every id in [lo, hi] into out (cap
 * entries); 0 on success, -1 with err filled (inverted range, duplicate, syntax). */
int bk_cli_ids(const char* text, int lo, int hi, int* out, int cap, int* n, char* err,
               int err_sz);

int bk_cmd_list(int argc, char** argv);
int bk_cmd_run(int argc, char** argv);
int bk_cmd_thresholds(int argc, char** argv);
int bk_cmd_view(int argc, char** argv);
int bk_cmd_train(int argc, char** argv);
int bk_cmd_calibrate(int argc, char** argv);
int bk_cmd_report(int argc, char** argv);
int bk_cmd_repro(int argc, char** argv);
int bk_cmd_merge(int argc, char** argv);
int bk_cmd_scene(int argc, char** argv);
int bk_cmd_task(int argc, char** argv);

#endif
