/* bk_file: reading whole files and lines, and replacing files atomically.
 *
 * Inputs are regular files only: a FIFO, a device or a directory given as an input is an
 * error (never a hang). Outputs are replaced atomically (Redis's rdbSave habit): a
 * temporary file with an unpredictable name is created beside the target with O_EXCL,
 * written, fsynced and renamed over the target, and the directory is fsynced after the
 * rename. A target that exists and is not a regular file (/dev/null, a FIFO, a directory,
 * a symbolic link) is refused, never replaced. Readers see the old file or the whole new
 * one, never a part. */
#ifndef BK_CORE_FILE_H
#define BK_CORE_FILE_H

#include <stddef.h>
#include <stdio.h>

/* Opens a regular file for reading ("rb"); NULL with "path: why" in err otherwise and the
 * code in *code (may be NULL): BK_ENOENT (no such file), BK_EINVAL (not a regular file)
 * or BK_EIO. */
FILE* bk_file_open_read(const char* path, int* code, char* err, int err_sz);

/* Reads a whole regular file into a NUL-terminated heap buffer (*len its length, len may
 * be NULL); NULL on error with err filled. */
char* bk_read_file(const char* path, long* len, char* err, int err_sz);

/* Called per whole line (line[n - 1] == '\n', line[n] == '\0'; the callee may change the
 * line's bytes) with its 1-based number; return 0 to go on, non-zero to stop. */
typedef int (*bk_line_fn)(char* line, size_t n, int lineno, void* arg);

/* Calls fn for every non-empty line of path. An unterminated last line (a file cut off
 * while being written) is not handed over; it is counted in *partial (may be NULL).
 * Returns 0, fn's non-zero value, or a negative code with err filled. */
int bk_file_lines(const char* path, bk_line_fn fn, void* arg, int* partial, char* err,
                  int err_sz);

/* 0 when path may be written by bk_atomic_*: it does not exist or is a regular file;
 * BK_EINVAL with err filled otherwise. */
int bk_file_check_output(const char* path, char* err, int err_sz);

/* bk_atomic_open creates the temporary file beside `path` (its name goes into tmp);
 * bk_atomic_commit flushes, fsyncs, closes and renames it over `path` and fsyncs the
 * directory, or removes it when `bad` is set or any step fails (BK_EIO). */
FILE* bk_atomic_open(const char* path, char* tmp, int tmp_sz, char* err, int err_sz);
int bk_atomic_commit(FILE* f, const char* tmp, const char* path, int bad, char* err, int err_sz);

/* Writes text to path atomically. 0, BK_EINVAL (not a regular file) or BK_EIO. */
int bk_write_atomic(const char* path, const char* text, char* err, int err_sz);

/* Creates the directory path and any missing parents (mkdir -p, mode 0755). Returns 0,
 * BK_EINVAL (a part of the path exists and is not a directory, or the path is too long)
 * or BK_EIO (cannot create), with err naming the path. */
int bk_file_make_dirs(const char* path, char* err, int err_sz);

/* fsyncs the directory that holds path (after a rename or a new file). 0 or BK_EIO. */
int bk_file_sync_dir(const char* path);

#endif
