/* bk_guard: MuJoCo engine errors become failed episodes, never an exit().
 *
 * MuJoCo 2.2.2 reports errors through the process-wide hook mju_user_error, whose
 * default handler exits. bk_guard_install() sets one handler for the process; each
 * worker marks a recovery point with BK_GUARD_TRY before an episode, and an engine error
 * inside it longjmps there with the message. Warnings are not printed: they are counted
 * by MuJoCo in d->warning and copied into the records. */
#ifndef BK_RUN_GUARD_H
#define BK_RUN_GUARD_H

#include <setjmp.h>

/* Installs the handlers; idempotent, call once from the main thread before workers. */
void bk_guard_install(void);

/* The calling thread's recovery point and message (thread-local). */
jmp_buf* bk_guard_point(void);
const char* bk_guard_message(void);

/* Arms / disarms the calling thread's recovery point. Outside an armed region an engine
 * error prints its message and aborts (it is a bug, not an episode failure). */
void bk_guard_arm(void);
void bk_guard_disarm(void);

/* Usage:  if (setjmp(*bk_guard_point()) == 0) { bk_guard_arm(); ...; bk_guard_disarm(); }
 *         else { error: bk_guard_message() } */

#endif
