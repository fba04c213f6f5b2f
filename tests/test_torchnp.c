/* bk_torchnp: LIBERO's init-state archives read in C equal numpy's reading of them, and
 * damaged or foreign files are refused with a reason */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "sim/torchnp.h"

#define INITS BOKBO_SHARED_DIR "/libero/LIBERO/libero/libero/init_files"
#define SPATIAL0 INITS "/libero_spatial/pick_up_the_black_bowl_between_the_plate_and_the_ramekin_and_place_it_on_the_plate.pruned_init"
#define OBJECT0 INITS "/libero_object/pick_up_the_alphabet_soup_and_place_it_in_the_basket.pruned_init"

// numpy's values of rows r0 and r1 through tests/py/torchnp_ref.py
static void numpy_rows(const char* path, int r0, int r1, int* rows, int* cols, double* a,
                       double* b) {
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/tests/py/torchnp_ref.py '%s' %d %d",
           BOKBO_SOURCE_DIR, path, r0, r1);
  FILE* p = popen(cmd, "r");
  cr_assert_not_null(p);
  cr_assert_eq(fscanf(p, "%d %d", rows, cols), 2);
  for (int i = 0; i < *cols; i++) cr_assert_eq(fscanf(p, "%lf", &a[i]), 1);
  for (int i = 0; i < *cols; i++) cr_assert_eq(fscanf(p, "%lf", &b[i]), 1);
  cr_assert_eq(pclose(p), 0, "the numpy reader failed");
}

static void same_as_numpy(const char* path, int r0, int r1) {
  char err[512] = "";
  bk_torchnp_t t;
  cr_assert_eq(bk_torchnp_load(path, &t, err, sizeof err), 0, "%s", err);
  int rows, cols;
  double a[512], b[512];
  numpy_rows(path, r0, r1, &rows, &cols, a, b);
  cr_assert_eq(t.rows, rows);
  cr_assert_eq(t.cols, cols);
  for (int i = 0; i < cols; i++) {
    cr_assert_eq(t.data[r0 * cols + i], a[i], "row %d col %d", r0, i);  // bit-exact
    cr_assert_eq(t.data[r1 * cols + i], b[i], "row %d col %d", r1, i);
  }
  bk_torchnp_free(&t);
}

Test(torchnp, spatial_file_equals_numpy) { same_as_numpy(SPATIAL0, 0, 49); }

Test(torchnp, object_file_equals_numpy) { same_as_numpy(OBJECT0, 7, 31); }

Test(torchnp, shape_is_fifty_rows_of_time_qpos_qvel) {
  char err[512] = "";
  bk_torchnp_t t;
  cr_assert_eq(bk_torchnp_load(SPATIAL0, &t, err, sizeof err), 0, "%s", err);
  // robot 9 + 5 objects x 7 + 4 fixture joints; velocities 9 + 5 x 6 + 4
  cr_expect_eq(t.rows, 50);
  cr_expect_eq(t.cols, 1 + 48 + 43);
  bk_torchnp_free(&t);
}

// the file's bytes, for damaging
static unsigned char* slurp(const char* path, long* n) {
  char err[256];
  return (unsigned char*)bk_read_file(path, n, err, sizeof err);
}

Test(torchnp, corrupt_byte_fails_the_crc) {
  long n;
  unsigned char* b = slurp(SPATIAL0, &n);
  cr_assert_not_null(b);
  b[n / 2] ^= 0x55;
  char err[512] = "";
  bk_torchnp_t t;
  cr_expect_eq(bk_torchnp_parse(b, (size_t)n, "x.pruned_init", &t, err, sizeof err), BK_EPARSE);
  cr_expect(strstr(err, "x.pruned_init") && strstr(err, "CRC"), "%s", err);
  cr_expect_null(t.data);
  free(b);
}

Test(torchnp, truncated_and_foreign_files_are_refused) {
  long n;
  unsigned char* b = slurp(SPATIAL0, &n);
  char err[512] = "";
  bk_torchnp_t t;
  cr_expect_eq(bk_torchnp_parse(b, (size_t)n - 30, "cut", &t, err, sizeof err), BK_EPARSE);
  cr_expect(strstr(err, "cut: not a zip") != NULL, "%s", err);
  const unsigned char junk[] = "PK\003\004 hello";
  cr_expect_eq(bk_torchnp_parse(junk, sizeof junk, "junk", &t, err, sizeof err), BK_EPARSE);
  free(b);
}

Test(torchnp, pickles_of_other_things_are_refused) {
  char err[512] = "";
  bk_torchnp_t t;
  // pickle.dumps((1, 2), protocol=2)
  const unsigned char tup[] = {0x80, 2, 'K', 1, 'K', 2, 0x86, 'q', 0, '.'};
  cr_expect_eq(bk_torchnp_unpickle(tup, sizeof tup, "tup", &t, err, sizeof err), BK_EPARSE);
  cr_expect(strstr(err, "not a numpy array") != NULL, "%s", err);
  // pickle.dumps([1], protocol=2): EMPTY_LIST is not an opcode such arrays use
  const unsigned char lst[] = {0x80, 2, ']', 'q', 0, 'K', 1, 'a', '.'};
  cr_expect_eq(bk_torchnp_unpickle(lst, sizeof lst, "lst", &t, err, sizeof err), BK_EPARSE);
  cr_expect(strstr(err, "unsupported opcode at byte 2") != NULL, "%s", err);
  // truncated: no STOP
  cr_expect_eq(bk_torchnp_unpickle(tup, 6, "cut", &t, err, sizeof err), BK_EPARSE);
  cr_expect(strstr(err, "truncated") != NULL, "%s", err);
}

Test(torchnp, float32_arrays_are_refused) {
  // the real pickle with its dtype string changed from 'f8' to 'f4'
  long n;
  unsigned char* b = slurp(SPATIAL0, &n);
  unsigned char* f8 = NULL;
  for (long i = 0; i + 7 < n; i++) {
    if (memcmp(b + i, "X\002\000\000\000f8", 7) == 0) f8 = b + i + 5;
  }
  cr_assert_not_null(f8);
  f8[1] = '4';  // zip CRC now fails; unpickle the member directly instead
  unsigned char* pkl = f8 - 143;  // data.pkl starts 143 bytes before the dtype string
  cr_assert_eq(pkl[0], 0x80);
  char err[512] = "";
  bk_torchnp_t t;
  cr_expect_eq(bk_torchnp_unpickle(pkl, 43859, "f4", &t, err, sizeof err), BK_EPARSE);
  cr_expect(strstr(err, "float64") != NULL, "%s", err);
  free(b);
}
