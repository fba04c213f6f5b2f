/* bk_remote: what every remote policy (openpi, oft, openvla) shares: its options and
 * the checks on a server's actions.
 *
 * Options (from --policy-opt; `bokbo run --server/--timeout` prepend theirs):
 *   server=URL        the policy server (required)
 *   timeout=S         seconds to wait for each reply (default 30)
 *   first_timeout=S   for the first reply of a connection, which may carry a JIT
 *                     warm-up (default 300)
 *   wait=S            how long to wait for the server to come up before the first
 *                     episode (default 60)
 *   gripper=raw|libero  OFT/OpenVLA gripper post-processing (default libero)
 *   sampling=temperature  (set by `bokbo run --sampling temperature`) the server must
 *                     sample: openpi checks its metadata when created */
#ifndef BK_POLICIES_REMOTE_H
#define BK_POLICIES_REMOTE_H

#include "net/url.h"

typedef struct {
  bk_url_t url;
  char shown[300];           /* the address with the key redacted, for messages */
  double timeout, first_timeout, wait;
  int gripper_raw;
  int temperature;           /* sampling=temperature: the run samples at a temperature */
} bk_remote_opts_t;

/* Parses the option string (NULL: none) with defaults; the scheme must be `scheme`.
 * 0, or BK_EINVAL with err filled (the key never appears in err). */
int bk_remote_parse(const char* opts, const char* scheme, bk_remote_opts_t* o, char* err,
                    int err_sz);

/* Checks n actions of a reply: every number finite. 0, or BK_ERANGE with err naming the
 * first bad one. */
int bk_remote_check(const double* a, int n, char* err, int err_sz);

#endif
