/* json_numpy arrays: base64 worked by hand (RFC 4648's vectors), arrays both ways */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/jsonnp.h"

static char err[256];

Test(jsonnp, base64_matches_rfc4648_vectors) {
  const char* in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char* out[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  for (int i = 0; i < 7; i++) {
    bk_sb_t sb = {0};
    bk_sb_puts(&sb, "");
    bk_jsonnp_base64(&sb, (const unsigned char*)in[i], strlen(in[i]));
    cr_expect_str_eq(sb.s, out[i]);
    unsigned char back[16];
    long n = bk_jsonnp_unbase64(out[i], back, sizeof back);
    cr_expect_eq(n, (long)strlen(in[i]));
    cr_expect_arr_eq(back, in[i], (size_t)n);
    bk_sb_free(&sb);
  }
  unsigned char b[8];
  cr_expect_eq(bk_jsonnp_unbase64("Zm9", b, sizeof b), -1);    // not a multiple of 4
  cr_expect_eq(bk_jsonnp_unbase64("Z=9v", b, sizeof b), -1);   // padding inside
  cr_expect_eq(bk_jsonnp_unbase64("Zm9v!A==", b, sizeof b), -1);
}

Test(jsonnp, array_round_trip_and_checks) {
  double a[7] = {0.5, -1, 0.25, 1e-3, 0, 3, -0.125};
  long shape[1] = {7};
  bk_sb_t sb = {0};
  bk_jsonnp_array(&sb, "<f8", a, sizeof a, shape, 1);
  cr_expect(strstr(sb.s, "\"dtype\":\"<f8\",\"shape\":[7]}") != NULL, "%s", sb.s);
  cJSON* j = cJSON_Parse(sb.s);
  double back[7];
  cr_assert_eq(bk_jsonnp_doubles(j, back, 7, err, sizeof err), 0, "%s", err);
  cr_expect_arr_eq(back, a, sizeof a);
  cr_expect_lt(bk_jsonnp_doubles(j, back, 6, err, sizeof err), 0);
  cr_expect(strstr(err, "shape (7)") != NULL, "%s", err);
  cJSON_Delete(j);
  // float32 [1.5, -2] is 0000c03f 000000c0 little-endian
  j = cJSON_Parse("{\"__numpy__\":\"AADAPwAAAMA=\",\"dtype\":\"<f4\",\"shape\":[2]}");
  cr_assert_eq(bk_jsonnp_doubles(j, back, 2, err, sizeof err), 0, "%s", err);
  cr_expect(back[0] == 1.5 && back[1] == -2);
  cJSON_Delete(j);
  bk_sb_free(&sb);
}

Test(jsonnp, python_decodes_the_arrays_exactly) {
  unsigned char img[2 * 3 * 3];
  double st[8];
  for (int i = 0; i < 18; i++) img[i] = (unsigned char)(i * 13 + 1);
  for (int i = 0; i < 8; i++) st[i] = i * 0.1 - 0.35;  // not exact in binary: must round-trip bitwise
  long ishape[3] = {2, 3, 3}, sshape[1] = {8};
  bk_sb_t sb = {0};
  bk_sb_puts(&sb, "{\"full_image\":");
  bk_jsonnp_array(&sb, "|u1", img, sizeof img, ishape, 3);
  bk_sb_puts(&sb, ",\"state\":");
  bk_jsonnp_array(&sb, "<f8", st, sizeof st, sshape, 1);
  bk_sb_puts(&sb, "}");
  char path[] = "/tmp/bk_jsonnp_XXXXXX";
  FILE* f = fdopen(mkstemp(path), "w");
  fputs(sb.s, f);
  fclose(f);
  char cmd[1024];
  snprintf(cmd, sizeof cmd,
           "/usr/bin/python3 -c 'import base64, json, sys; import numpy as np\n"
           "d = json.load(open(sys.argv[1]))\n"
           "a = lambda o: np.frombuffer(base64.b64decode(o[\"__numpy__\"], validate=True), dtype=o[\"dtype\"]).reshape(o[\"shape\"])\n"
           "i, s = a(d[\"full_image\"]), a(d[\"state\"])\n"
           "assert i.dtype == np.uint8 and (i.ravel() == (np.arange(18) * 13 + 1)).all(), i\n"
           "assert s.dtype == np.float64 and (s == np.arange(8) * 0.1 - 0.35).all(), s' %s", path);
  cr_expect_eq(system(cmd), 0, "Python's json + base64 + numpy disagree with bokbo's arrays");
  remove(path);
  bk_sb_free(&sb);
}
