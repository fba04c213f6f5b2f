#include "run/guard.h"

#include <mujoco/mujoco.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local jmp_buf tls_point;
static _Thread_local int tls_armed;
static _Thread_local char tls_message[512];

jmp_buf* bk_guard_point(void) { return &tls_point; }
const char* bk_guard_message(void) { return tls_message; }
void bk_guard_arm(void) { tls_armed = 1; }
void bk_guard_disarm(void) { tls_armed = 0; }

// engine error: back to the worker's recovery point
static void on_error(const char* msg) {
  snprintf(tls_message, sizeof tls_message, "%s", msg);
  if (tls_armed) {
    tls_armed = 0;
    longjmp(tls_point, 1);
  }
  fprintf(stderr, "bokbo: MuJoCo error outside an episode: %s\n", msg);
  abort();
}

// warnings are counted in d->warning; keep stderr clean
static void on_warning(const char* msg) {
  (void)msg;
}

void bk_guard_install(void) {
  mju_user_error = on_error;
  mju_user_warning = on_warning;
}
