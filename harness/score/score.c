#include "score/score.h"

#include "score/scorer.h"

#include <math.h>
#include <string.h>

int bk_score_parse(const char* name) {
  for (int i = 0; bk_scorers[i].name; i++) {
    if (strcmp(name, bk_scorers[i].name) == 0) return i;
  }
  return -1;
}

const char* bk_score_name(bk_scorer_t s) {
  return bk_scorer_get((int)s)->name;
}

void bk_score_disagreement(const double* cands, int k, int n, double* out) {
  for (int c = 0; c < k; c++) out[c] = 0;
  if (k < 2) return;
  // each pair once, credited to both
  for (int a = 0; a < k; a++) {
    for (int b = a + 1; b < k; b++) {
      double s = 0;
      for (int i = 0; i < n; i++) {
        double dlt = cands[(size_t)a * n + i] - cands[(size_t)b * n + i];
        s += dlt * dlt;
      }
      out[a] += sqrt(s);
      out[b] += sqrt(s);
    }
  }
  for (int c = 0; c < k; c++) out[c] /= (k - 1);
}

void bk_score_group_error(const double* a, const double* ref, double out[BK_NGROUP]) {
  double sq[7];
  for (int i = 0; i < 7; i++) sq[i] = (a[i] - ref[i]) * (a[i] - ref[i]);
  out[BK_GROUP_TRANS] = (sq[0] + sq[1] + sq[2]) / 3;
  out[BK_GROUP_ROT] = (sq[3] + sq[4] + sq[5]) / 3;
  out[BK_GROUP_GRIP] = sq[6];
  out[BK_GROUP_TOTAL] = (sq[0] + sq[1] + sq[2] + sq[3] + sq[4] + sq[5] + sq[6]) / 7;
}

int bk_score_argmin(const double* risk, int k) {
  int best = -1;
  for (int c = 0; c < k; c++) {
    if (!isnan(risk[c]) && (best < 0 || risk[c] < risk[best])) best = c;
  }
  return best < 0 ? 0 : best;  // all NaN: the first candidate
}
