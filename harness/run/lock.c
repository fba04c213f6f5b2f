#include "run/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"

struct bk_lock {
  int fd;
};

// the holder's "PID HOST" line; a holder between flock and write gets a moment to write it
static int read_holder(int fd, char* host, int host_sz) {
  char buf[300];
  for (int attempt = 0; attempt < 50; attempt++) {
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n > 0) {
      buf[n] = '\0';
      int pid = 0;
      if (sscanf(buf, "%d %255s", &pid, host) >= 1 && pid > 0) return pid;
    }
    nanosleep(&(struct timespec){0, 2000000}, NULL);
  }
  snprintf(host, (size_t)host_sz, "?");
  return 0;
}

// our "PID HOST" line, replacing whatever a dead holder left
static int write_holder(int fd) {
  char host[256] = "?", line[300];
  gethostname(host, sizeof host - 1);
  int n = snprintf(line, sizeof line, "%d %s\n", (int)getpid(), host);
  if (ftruncate(fd, 0) != 0) return -1;
  return pwrite(fd, line, (size_t)n, 0) == n ? 0 : -1;
}

int bk_lock_take(const char* dir, bk_lock_t** out, int* holder, char* err, int err_sz) {
  char path[1100];
  *out = NULL;
  *holder = 0;
  snprintf(path, sizeof path, "%s/run.lock", dir);
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return bk_fail(err, err_sz, BK_EIO, "%s: %s", path, strerror(errno));
  // a lock held by a live process refuses us; one of a dead process is gone already
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int busy = errno == EWOULDBLOCK;
    char host[256] = "?";
    if (busy) *holder = read_holder(fd, host, sizeof host);
    int rc = busy ? bk_fail(err, err_sz, BK_EINVAL,
                            "%s: in use by process %d on %s (another bokbo run writes it; "
                            "wait for it or stop it)", dir, *holder, host)
                  : bk_fail(err, err_sz, BK_EIO, "%s: flock: %s", path, strerror(errno));
    close(fd);
    return rc;
  }
  bk_lock_t* l = malloc(sizeof *l);
  if (!l || write_holder(fd) != 0) {
    int rc = bk_fail(err, err_sz, l ? BK_EIO : BK_ENOMEM, "%s: %s", path,
                     l ? strerror(errno) : "out of memory");
    free(l);
    close(fd);
    return rc;
  }
  l->fd = fd;
  *out = l;
  return 0;
}

void bk_lock_release(bk_lock_t* lock) {
  if (!lock) return;
  close(lock->fd);  // closing the last descriptor drops the flock
  free(lock);
}
