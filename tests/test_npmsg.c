/* openpi's msgpack numpy maps, byte for byte and against Python's msgpack + numpy */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/npmsg.h"

#define REF "/usr/bin/python3 " BOKBO_SOURCE_DIR "/tests/py/npmsg_ref.py"

static char err[256];

Test(npmsg, array_map_bytes_match_hand_worked_encoding) {
  msgpack_sbuffer sb;
  msgpack_sbuffer_init(&sb);
  msgpack_packer pk;
  msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
  double one = 1.0;
  long shape[1] = {1};
  bk_npmsg_array(&pk, "<f8", &one, 8, shape, 1);
  // fixmap 4; bin8 keys; true; bin8 of 8 bytes (1.0 little-endian); fixstr "<f8"; [1]
  const unsigned char want[] = {
    0x84, 0xc4, 11, '_', '_', 'n', 'd', 'a', 'r', 'r', 'a', 'y', '_', '_', 0xc3,
    0xc4, 4, 'd', 'a', 't', 'a', 0xc4, 8, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f,
    0xc4, 5, 'd', 't', 'y', 'p', 'e', 0xa3, '<', 'f', '8',
    0xc4, 5, 's', 'h', 'a', 'p', 'e', 0x91, 0x01};
  cr_assert_eq(sb.size, sizeof want);
  cr_expect_arr_eq(sb.data, want, sizeof want);
  msgpack_sbuffer_destroy(&sb);
}

Test(npmsg, python_decodes_the_observation) {
  unsigned char img[48], wrist[48];
  double st[8];
  for (int i = 0; i < 48; i++) img[i] = (unsigned char)(i * 7 % 256), wrist[i] = (unsigned char)(255 - img[i]);
  for (int i = 0; i < 8; i++) st[i] = i * 0.25 - 1;
  msgpack_sbuffer sb;
  msgpack_sbuffer_init(&sb);
  msgpack_packer pk;
  msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
  long ishape[3] = {4, 4, 3}, sshape[1] = {8};
  msgpack_pack_map(&pk, 4);
  bk_npmsg_str(&pk, "observation/image");
  bk_npmsg_array(&pk, "|u1", img, 48, ishape, 3);
  bk_npmsg_str(&pk, "observation/wrist_image");
  bk_npmsg_array(&pk, "|u1", wrist, 48, ishape, 3);
  bk_npmsg_str(&pk, "observation/state");
  bk_npmsg_array(&pk, "<f8", st, sizeof st, sshape, 1);
  bk_npmsg_str(&pk, "prompt");
  bk_npmsg_str(&pk, "put the bowl on the plate");
  char path[] = "/tmp/bk_npmsg_XXXXXX";
  int fd = mkstemp(path);
  cr_assert_geq(fd, 0);
  FILE* f = fdopen(fd, "wb");
  fwrite(sb.data, 1, sb.size, f);
  fclose(f);
  char cmd[512];
  snprintf(cmd, sizeof cmd, REF " check %s", path);
  cr_expect_eq(system(cmd), 0, "Python's decoder rejected bokbo's observation");
  remove(path);
  msgpack_sbuffer_destroy(&sb);
}

// decodes Python's reply of h actions in dtype; action[i][j] must be i - j / 8
static void decode_python_reply(const char* dtype, int h) {
  char path[] = "/tmp/bk_npmsg_XXXXXX", cmd[512];
  int fd = mkstemp(path);
  cr_assert_geq(fd, 0);
  close(fd);
  snprintf(cmd, sizeof cmd, REF " reply '%s' %d %s", dtype, h, path);
  cr_assert_eq(system(cmd), 0);
  long n;
  FILE* f = fopen(path, "rb");
  cr_assert_not_null(f);
  char buf[4096];
  n = (long)fread(buf, 1, sizeof buf, f);
  fclose(f);
  remove(path);
  msgpack_unpacked up;
  msgpack_unpacked_init(&up);
  size_t off = 0;
  cr_assert_eq(msgpack_unpack_next(&up, buf, (size_t)n, &off), MSGPACK_UNPACK_SUCCESS);
  const msgpack_object* a = bk_npmsg_get(&up.data, "actions");
  cr_assert_not_null(a);
  bk_ndarray_t arr;
  cr_assert_eq(bk_npmsg_read(a, &arr, err, sizeof err), 0, "%s", err);
  cr_expect_str_eq(arr.dtype, dtype);
  cr_assert(arr.ndim == 2 && arr.shape[0] == h && arr.shape[1] == 7);
  double out[70];
  cr_assert_eq(bk_npmsg_doubles(&arr, out, (size_t)h * 7, err, sizeof err), 0, "%s", err);
  for (int i = 0; i < h; i++) {
    for (int j = 0; j < 7; j++) cr_expect_eq(out[i * 7 + j], i - j / 8.0);  // exact in f4 too
  }
  const msgpack_object* t = bk_npmsg_get(&up.data, "server_timing");
  cr_assert_not_null(t);
  cr_expect_eq(bk_npmsg_get(t, "infer_ms")->via.f64, 12.5);
  msgpack_unpacked_destroy(&up);
}

Test(npmsg, decodes_python_f8_and_f4_replies_of_any_length) {
  decode_python_reply("<f8", 10);
  decode_python_reply("<f4", 10);
  decode_python_reply("<f8", 1);
  decode_python_reply("<f4", 7);
}

Test(npmsg, rejects_str_keys_and_sizes_that_do_not_match) {
  msgpack_sbuffer sb;
  msgpack_sbuffer_init(&sb);
  msgpack_packer pk;
  msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
  // str keys (what a decoder must not take for an array)
  msgpack_pack_map(&pk, 1);
  bk_npmsg_str(&pk, "__ndarray__");
  msgpack_pack_true(&pk);
  // a (2,) <f8 array with 8 bytes of data
  double x = 1;
  long shape[1] = {2};
  bk_npmsg_array(&pk, "<f8", &x, 8, shape, 1);
  msgpack_unpacked up;
  msgpack_unpacked_init(&up);
  size_t off = 0;
  bk_ndarray_t arr;
  cr_assert_eq(msgpack_unpack_next(&up, sb.data, sb.size, &off), MSGPACK_UNPACK_SUCCESS);
  cr_expect_lt(bk_npmsg_read(&up.data, &arr, err, sizeof err), 0);
  cr_expect(strstr(err, "str") != NULL, "%s", err);
  cr_assert_eq(msgpack_unpack_next(&up, sb.data, sb.size, &off), MSGPACK_UNPACK_SUCCESS);
  cr_expect_lt(bk_npmsg_read(&up.data, &arr, err, sizeof err), 0);
  cr_expect(strstr(err, "does not match") != NULL, "%s", err);
  msgpack_unpacked_destroy(&up);
  msgpack_sbuffer_destroy(&sb);
}
