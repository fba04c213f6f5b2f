#include "core/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"

FILE* bk_file_open_read(const char* path, int* code, char* err, int err_sz) {
  int dummy;
  if (!code) code = &dummy;
  // O_NONBLOCK: opening a FIFO must not wait for a writer
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    *code = bk_fail(err, err_sz, errno == ENOENT ? BK_ENOENT : BK_EIO, "%s: %s", path,
                    strerror(errno));
    return NULL;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    *code = bk_fail(err, err_sz, BK_EINVAL, "%s: not a regular file", path);
    close(fd);
    return NULL;
  }
  int fl = fcntl(fd, F_GETFL);
  if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  FILE* f = fdopen(fd, "rb");
  if (!f) {
    *code = bk_fail(err, err_sz, BK_EIO, "%s: %s", path, strerror(errno));
    close(fd);
  }
  return f;
}

char* bk_read_file(const char* path, long* len, char* err, int err_sz) {
  FILE* f = bk_file_open_read(path, NULL, err, err_sz);
  if (!f) return NULL;
  char* buf = NULL;
  long n = -1;
  if (fseek(f, 0, SEEK_END) == 0) n = ftell(f);
  if (n < 0 || fseek(f, 0, SEEK_SET) != 0) goto fail;
  buf = malloc((size_t)n + 1);
  if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) goto fail;
  buf[n] = '\0';
  fclose(f);
  if (len) *len = n;
  return buf;

fail:
  bk_fail(err, err_sz, BK_EIO, "%s: could not read file", path);
  free(buf);
  fclose(f);
  return NULL;
}

int bk_file_lines(const char* path, bk_line_fn fn, void* arg, int* partial, char* err,
                  int err_sz) {
  if (partial) *partial = 0;
  int code = 0;
  FILE* f = bk_file_open_read(path, &code, err, err_sz);
  if (!f) return code;
  setvbuf(f, NULL, _IOFBF, 1 << 20);
  char* line = NULL;
  size_t cap = 0;
  ssize_t n;
  int lineno = 0, rc = 0;
  while (!rc && (n = getline(&line, &cap, f)) > 0) {
    lineno++;
    if (line[n - 1] != '\n') {  // cut off mid-write: not a line
      if (partial) (*partial)++;
      break;
    }
    if (n > 1) rc = fn(line, (size_t)n, lineno, arg);
  }
  if (!rc && ferror(f)) rc = bk_fail(err, err_sz, BK_EIO, "%s: %s", path, strerror(errno));
  free(line);
  fclose(f);
  return rc;
}

int bk_file_check_output(const char* path, char* err, int err_sz) {
  struct stat st;
  if (lstat(path, &st) != 0) return 0;
  if (S_ISREG(st.st_mode)) return 0;
  return bk_fail(err, err_sz, BK_EINVAL, "%s: exists and is not a regular file (refusing to replace it)",
                 path);
}

int bk_file_sync_dir(const char* path) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", path);
  char* slash = strrchr(dir, '/');
  if (!slash) snprintf(dir, sizeof dir, ".");
  else if (slash == dir) dir[1] = '\0';
  else *slash = '\0';
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return BK_EIO;
  int rc = fsync(fd) != 0 && errno != EINVAL ? BK_EIO : 0;
  close(fd);
  return rc;
}

FILE* bk_atomic_open(const char* path, char* tmp, int tmp_sz, char* err, int err_sz) {
  if (bk_file_check_output(path, err, err_sz)) return NULL;
  for (int attempt = 0; attempt < 8; attempt++) {
    uint64_t r = 0;
    if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r) {
      bk_fail(err, err_sz, BK_EIO, "%s: no random name for a temporary file", path);
      return NULL;
    }
    if (snprintf(tmp, (size_t)tmp_sz, "%s.tmp.%016llx", path, (unsigned long long)r) >= tmp_sz) {
      bk_fail(err, err_sz, BK_EINVAL, "%s: path too long", path);
      return NULL;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST) continue;
    FILE* f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f) {
      bk_fail(err, err_sz, BK_EIO, "%s: cannot create (%s)", path, strerror(errno));
      if (fd >= 0) close(fd), unlink(tmp);
    }
    return f;
  }
  bk_fail(err, err_sz, BK_EIO, "%s: cannot create a temporary file", path);
  return NULL;
}

int bk_atomic_commit(FILE* f, const char* tmp, const char* path, int bad, char* err, int err_sz) {
  bad |= fflush(f) != 0 || fsync(fileno(f)) != 0;
  bad |= fclose(f) != 0;
  // the target may have become something else since bk_atomic_open: check again
  if (!bad && bk_file_check_output(path, err, err_sz)) {
    unlink(tmp);
    return BK_EINVAL;
  }
  if (bad || rename(tmp, path) != 0) {
    int e = errno;
    unlink(tmp);
    return bk_fail(err, err_sz, BK_EIO, "%s: write failed (%s)", path, strerror(e));
  }
  if (bk_file_sync_dir(path)) return bk_fail(err, err_sz, BK_EIO, "%s: cannot sync its directory", path);
  return 0;
}

int bk_write_atomic(const char* path, const char* text, char* err, int err_sz) {
  char tmp[4096];
  FILE* f = bk_atomic_open(path, tmp, sizeof tmp, err, err_sz);
  if (!f) return bk_file_check_output(path, NULL, 0) ? BK_EINVAL : BK_EIO;
  return bk_atomic_commit(f, tmp, path, fputs(text, f) < 0, err, err_sz);
}

int bk_file_make_dirs(const char* path, char* err, int err_sz) {
  char buf[4096];
  if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
    return bk_fail(err, err_sz, BK_EINVAL, "%s: path too long", path);
  }
  // every prefix that ends at a '/', then the whole path
  for (char* p = buf + 1;; p++) {
    if (*p && *p != '/') continue;
    char end = *p;
    *p = '\0';
    struct stat st;
    if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
      return bk_fail(err, err_sz, BK_EIO, "%s: cannot create the directory %s (%s)", path, buf, strerror(errno));
    }
    if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode)) {
      return bk_fail(err, err_sz, BK_EINVAL, "%s: %s is not a directory", path, buf);
    }
    if (!end) return 0;
    *p = end;
  }
}
