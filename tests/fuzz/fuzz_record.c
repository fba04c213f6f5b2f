/* libFuzzer target: the episode record reader (run/record) and the loader's fast scanner
 * (report/scan) on arbitrary bytes. Besides crashes and sanitizer reports it checks the
 * contract between the two: the scanner never takes a line the reader refuses, and a
 * record the reader takes is written back (bk_record_rewrite) to a line it takes again.
 * Merge's one-pass check (run/recscan) is held to the same: it takes no line the reader
 * refuses, and the episode fields of a line it takes equal the reader's. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/scan.h"
#include "run/recscan.h"
#include "run/record.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  char* line = malloc(size + 1);
  if (!line) return 0;
  memcpy(line, data, size);
  line[size] = '\0';
  bk_record_t r = {0};
  bk_scan_rec_t s = {0};
  char why[300];
  int refused = bk_record_read(line, size, NULL, &r, why, sizeof why) != 0;
  // the scanner needs the text to end where the reader sees it end
  int taken = strlen(line) == size && bk_scan_record(line, size, &s) == 0;
  if (refused && taken) abort();  // the fast path took what the reader refuses
  bk_recscan_t rs;
  int quick = strlen(line) == size && bk_recscan(line, size, NULL, &rs) == 0;
  if (refused && quick) abort();
  if (quick) {
    bk_recscan_t ref;
    bk_recscan_from_record(&r, &ref);
    if (rs.task != ref.task || rs.init != ref.init || rs.seed != ref.seed || rs.k != ref.k ||
        rs.chunk != ref.chunk || rs.open_loop != ref.open_loop || rs.max_steps != ref.max_steps ||
        rs.steps != ref.steps || rs.ndecision != ref.ndecision || rs.attempts != ref.attempts ||
        rs.has_actions != ref.has_actions || memcmp(&rs.value, &ref.value, sizeof rs.value) ||
        rs.policy.len != ref.policy.len || memcmp(rs.policy.s, ref.policy.s, (size_t)rs.policy.len) ||
        rs.suite.len != ref.suite.len || memcmp(rs.suite.s, ref.suite.s, (size_t)rs.suite.len)) {
      abort();  // the fast path read another record than the reader
    }
  }
  if (!refused) {
    bk_sb_t sb = {0};
    bk_record_rewrite(&r, NULL, &sb);
    bk_record_t back = {0};
    if (!sb.failed && bk_record_read(sb.s, sb.len, NULL, &back, why, sizeof why) != 0) abort();
    bk_record_free(&back);
    bk_sb_free(&sb);
  }
  bk_scan_rec_free(&s);
  bk_record_free(&r);
  free(line);
  return 0;
}
