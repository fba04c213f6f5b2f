/* json_numpy arrays: base64 worked by hand (RFC 4648's vectors), arrays both ways */
#include <criterion/criterion.h>
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
