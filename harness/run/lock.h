/* bk_lock: one writer per run directory. A run holds an exclusive flock(2) on DIR/run.lock
 * while it writes the directory, with "PID HOST" of the holder written in the file, so a
 * second `run`, `--resume` or `--force` on the same directory is refused with the holder's
 * pid instead of interleaving records. The kernel drops the lock when the holder exits,
 * however it exits: a lock file left by a dead process is taken over by the next run. On
 * NFS (cluster home directories) Linux maps flock to a byte-range lock the server sees. */
#ifndef BK_RUN_LOCK_H
#define BK_RUN_LOCK_H

typedef struct bk_lock bk_lock_t;

/* Takes the lock of the existing directory `dir` without waiting. On success returns 0
 * and *out holds the lock (release it with bk_lock_release). When another process holds
 * it, returns BK_EINVAL, sets *holder to its pid (0 when the file does not say) and fills
 * err naming it; on a system error returns BK_EIO with err filled. *out is NULL on error. */
int bk_lock_take(const char* dir, bk_lock_t** out, int* holder, char* err, int err_sz);

/* Releases the lock and frees it (the file stays: removing it would race a waiting
 * taker). NULL-safe. */
void bk_lock_release(bk_lock_t* lock);

#endif
