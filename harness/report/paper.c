#include "report/paper.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "report/rows.h"
#include "run/jsonl.h"

cJSON* bk_paper_load(const char* dir, char* err, int err_sz) {
  cJSON* out = cJSON_CreateArray();
  DIR* d = opendir(dir);
  if (!d) return out;
  struct dirent* de;
  char* names[64];
  int nn = 0;
  while ((de = readdir(d)) && nn < 64) {
    size_t len = strlen(de->d_name);
    if (len > 5 && !strcmp(de->d_name + len - 5, ".json")) names[nn++] = strdup(de->d_name);
  }
  closedir(d);
  // sorted, so the rows come in a stable order
  for (int a = 0; a < nn; a++) {
    for (int b = a + 1; b < nn; b++) {
      if (strcmp(names[a], names[b]) > 0) {
        char* t = names[a];
        names[a] = names[b];
        names[b] = t;
      }
    }
  }
  for (int k = 0; k < nn && out; k++) {
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, names[k]);
    cJSON* j = bk_json_load(path, err, err_sz);
    const cJSON* figs = j ? cJSON_GetObjectItem(j, "figures") : NULL;
    const cJSON* src = j ? cJSON_GetObjectItem(j, "source") : NULL;
    if (!cJSON_IsArray(figs) || !cJSON_IsString(src)) {
      if (j) bk_fail(err, err_sz, BK_EPARSE, "%s: needs \"source\" and a \"figures\" array", path);
      cJSON_Delete(out);
      out = NULL;
    } else {
      const cJSON* f;
      cJSON_ArrayForEach(f, figs) {
        cJSON* c = cJSON_Duplicate(f, 1);
        cJSON_AddStringToObject(c, "file", names[k]);
        cJSON_AddStringToObject(c, "source", src->valuestring);
        cJSON_AddItemToArray(out, c);
      }
    }
    cJSON_Delete(j);
  }
  for (int k = 0; k < nn; k++) free(names[k]);
  return out;
}

// a field of a reference row matches ours (absent = any; null = ours null or absent)
static int field_match(const cJSON* ref, const cJSON* ours, const char* key) {
  const cJSON* a = cJSON_GetObjectItem(ref, key);
  if (!a) return 1;
  const cJSON* b = cJSON_GetObjectItem(ours, key);
  if (cJSON_IsNull(a)) return !b || cJSON_IsNull(b);
  if (!b) return 0;
  if (cJSON_IsString(a)) return cJSON_IsString(b) && !strcmp(a->valuestring, b->valuestring);
  if (cJSON_IsNumber(a)) return cJSON_IsNumber(b) && fabs(a->valuedouble - b->valuedouble) < 1e-9;
  return 0;
}

// the table a reference's "key" lives in ("corr.confidence_sigma" looks inside corr)
static const cJSON* table_of(const cJSON* doc, const char* key) {
  const char* dot = strchr(key, '.');
  if (!dot) return cJSON_GetObjectItem(doc, key);
  char head[64];
  snprintf(head, sizeof head, "%.*s", (int)(dot - key), key);
  return cJSON_GetObjectItem(cJSON_GetObjectItem(doc, head), dot + 1);
}

// every reference figure beside each of our rows that matches it
void bk_paper_match(cJSON* doc, const cJSON* paper) {
  cJSON* out = cJSON_GetObjectItem(doc, "paper");
  const cJSON* ref;
  static const char* const kMatch[] = {"suite", "sampling", "value", "epsilon", "level", "unit",
                                       "task", "signal"};
  cJSON_ArrayForEach(ref, paper) {
    const cJSON* key = cJSON_GetObjectItem(ref, "key");
    const cJSON* col = cJSON_GetObjectItem(ref, "column");
    const cJSON* tab = cJSON_IsString(key) ? table_of(doc, key->valuestring) : NULL;
    int matched = 0;
    const cJSON* ours;
    cJSON_ArrayForEach(ours, tab) {
      int ok = 1;
      for (size_t m = 0; m < sizeof kMatch / sizeof *kMatch; m++) ok &= field_match(ref, ours, kMatch[m]);
      if (!ok) continue;
      cJSON* r = cJSON_Duplicate(ref, 1);
      const cJSON* v = cJSON_GetObjectItem(ours, cJSON_IsString(col) ? col->valuestring : "");
      cJSON_AddItemToObject(r, "ours", v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
      const cJSON* val = cJSON_GetObjectItem(ours, "value");
      bk_row_put(r, "our_value", cJSON_IsNumber(val) ? val->valuedouble : NAN);
      const cJSON* unit = cJSON_GetObjectItem(ours, "unit");
      if (cJSON_IsString(unit) && !cJSON_GetObjectItem(r, "unit")) cJSON_AddStringToObject(r, "unit", unit->valuestring);
      cJSON_AddItemToArray(out, r);
      matched = 1;
    }
    if (!matched) {
      cJSON* r = cJSON_Duplicate(ref, 1);
      cJSON_AddNullToObject(r, "ours");
      cJSON_AddItemToArray(out, r);
    }
  }
}
