/* run directory locks: one holder at a time, the holder named, a dead holder's lock taken over */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/err.h"
#include "run/lock.h"

static char dir[] = "/tmp/bokbo_lock_XXXXXX";

static void make_dir(void) { cr_assert_not_null(mkdtemp(dir)); }

static void remove_dir(void) {
  char path[300];
  snprintf(path, sizeof path, "%s/run.lock", dir);
  unlink(path);
  rmdir(dir);
}

// the pid written in the lock file
static int file_pid(void) {
  char path[300];
  snprintf(path, sizeof path, "%s/run.lock", dir);
  FILE* f = fopen(path, "r");
  int pid = 0;
  if (f && fscanf(f, "%d", &pid) != 1) pid = 0;
  if (f) fclose(f);
  return pid;
}

// a child takes the lock, reports through a pipe and waits to be killed
static pid_t child_holding(void) {
  int fds[2];
  cr_assert_eq(pipe(fds), 0);
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    bk_lock_t* l;
    int holder;
    char ok = bk_lock_take(dir, &l, &holder, NULL, 0) == 0 ? 'y' : 'n';
    if (write(fds[1], &ok, 1) != 1) _exit(3);
    pause();
    _exit(0);
  }
  char ok = 0;
  cr_assert_eq(read(fds[0], &ok, 1), 1);
  cr_assert_eq(ok, 'y', "the child could not take the lock");
  close(fds[0]);
  close(fds[1]);
  return pid;
}

TestSuite(lock, .init = make_dir, .fini = remove_dir);

Test(lock, second_taker_is_refused_and_told_the_holder) {
  pid_t holder_pid = child_holding();
  bk_lock_t* l = (bk_lock_t*)1;
  int holder = -1;
  char err[512] = "";
  cr_expect_eq(bk_lock_take(dir, &l, &holder, err, sizeof err), BK_EINVAL);
  cr_expect_null(l);
  cr_expect_eq(holder, holder_pid);
  char want[32];
  snprintf(want, sizeof want, "process %d", (int)holder_pid);
  cr_expect(strstr(err, want) != NULL, "'%s' does not name %s", err, want);
  cr_expect(strstr(err, dir) != NULL, "'%s' does not name the directory", err);
  kill(holder_pid, SIGKILL);
  waitpid(holder_pid, NULL, 0);
}

Test(lock, dead_holders_lock_is_taken_over) {
  pid_t holder_pid = child_holding();
  kill(holder_pid, SIGKILL);
  waitpid(holder_pid, NULL, 0);
  cr_expect_eq(file_pid(), holder_pid, "the dead holder's pid stays in the file");
  bk_lock_t* l = NULL;
  int holder = -1;
  char err[512] = "";
  cr_assert_eq(bk_lock_take(dir, &l, &holder, err, sizeof err), 0, "%s", err);
  cr_expect_eq(file_pid(), getpid(), "the new holder's pid replaces it");
  bk_lock_release(l);
}

Test(lock, released_lock_can_be_taken_again) {
  bk_lock_t *a = NULL, *b = NULL;
  int holder;
  char err[512] = "";
  cr_assert_eq(bk_lock_take(dir, &a, &holder, err, sizeof err), 0, "%s", err);
  bk_lock_release(a);
  cr_expect_eq(bk_lock_take(dir, &b, &holder, err, sizeof err), 0, "%s", err);
  bk_lock_release(b);
  bk_lock_release(NULL);
}

Test(lock, missing_directory_is_an_io_error) {
  bk_lock_t* l = (bk_lock_t*)1;
  int holder;
  char err[512] = "";
  cr_expect_eq(bk_lock_take("/nonexistent/bokbo/dir", &l, &holder, err, sizeof err), BK_EIO);
  cr_expect_null(l);
  cr_expect(strstr(err, "/nonexistent/bokbo/dir/run.lock") != NULL, "%s", err);
}
