#include "task/catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

const bk_suite_t bk_catalog_suites[] = {
  {"libero_object", 280, BK_ARENA_FLOOR},
  {"libero_spatial", 220, BK_ARENA_TABLE},
  {NULL, 0, 0},
};

const bk_category_t bk_catalog_categories[] = {
  {"alphabet_soup", 0, "libero_object"},
  {"cream_cheese", 0, "libero_object"},
  {"salad_dressing", 0, "libero_object"},
  {"bbq_sauce", 0, "libero_object"},
  {"ketchup", 0, "libero_object"},
  {"tomato_sauce", 0, "libero_object"},
  {"butter", 0, "libero_object"},
  {"milk", 0, "libero_object"},
  {"chocolate_pudding", 0, "libero_object"},
  {"orange_juice", 0, "libero_object"},
  {"basket", 0, "libero_object"},
  {"akita_black_bowl", 0, "libero_spatial"},
  {"plate", 0, "libero_spatial"},
  {"glazed_rim_porcelain_ramekin", 0, "libero_spatial"},
  {"cookies", 0, "libero_spatial"},
  {"wooden_cabinet", 1, "libero_spatial"},
  {"flat_stove", 1, "libero_spatial"},
  {NULL, 0, NULL},
};

const bk_suite_t* bk_catalog_suite(const char* name) {
  for (const bk_suite_t* s = bk_catalog_suites; s->name; s++) {
    if (strcmp(s->name, name) == 0) return s;
  }
  return NULL;
}

const bk_category_t* bk_catalog_category(const char* name) {
  for (const bk_category_t* c = bk_catalog_categories; c->name; c++) {
    if (strcmp(c->name, name) == 0) return c;
  }
  return NULL;
}

void bk_catalog_suite_names(char* buf, int sz) {
  int n = 0;
  buf[0] = '\0';
  for (const bk_suite_t* s = bk_catalog_suites; s->name && n < sz; s++) {
    n += snprintf(buf + n, (size_t)(sz - n), "%s%s", n ? ", " : "", s->name);
  }
}

void bk_catalog_category_names(char* buf, int sz) {
  int n = 0;
  buf[0] = '\0';
  for (const bk_category_t* c = bk_catalog_categories; c->name && n < sz; c++) {
    n += snprintf(buf + n, (size_t)(sz - n), "%s%s", n ? ", " : "", c->name);
  }
}

const char* bk_catalog_scenes_dir(void) {
  const char* env = getenv("BOKBO_SCENES");
  return (env && env[0]) ? env : BOKBO_SCENES_DIR;
}

// strip trailing blanks and newline in place
static void chomp(char* s) {
  size_t n = strlen(s);
  while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ')) s[--n] = '\0';
}

int bk_catalog_tasks(const char* scenes_dir, const char* suite, bk_taskref_t* out,
                     char* err, int err_sz) {
  if (!bk_catalog_suite(suite)) {
    char names[256];
    bk_catalog_suite_names(names, sizeof names);
    return bk_fail(err, err_sz, BK_ENOENT, "unknown suite '%s' (valid: %s)", suite, names);
  }
  char path[1024];
  snprintf(path, sizeof path, "%s/%s/tasks.txt", scenes_dir, suite);
  FILE* f = fopen(path, "r");
  if (!f) return bk_fail(err, err_sz, BK_EIO, "%s: cannot open task list", path);

  // one base name per line, in LIBERO's task order
  char line[512];
  int n = 0, lineno = 0;
  while (fgets(line, sizeof line, f)) {
    lineno++;
    chomp(line);
    if (!line[0] || line[0] == '#') continue;
    if (n == BK_SUITE_NTASK || strlen(line) >= sizeof out[n].name) {
      fclose(f);
      return bk_fail(err, err_sz, BK_EPARSE, "%s:%d: too many tasks or name too long",
                     path, lineno);
    }
    bk_taskref_t* t = &out[n];
    t->id = n;
    snprintf(t->name, sizeof t->name, "%.*s", (int)sizeof t->name - 1, line);
    snprintf(t->prompt, sizeof t->prompt, "%.*s", (int)sizeof t->prompt - 1, line);
    for (char* p = t->prompt; *p; p++) if (*p == '_') *p = ' ';
    snprintf(t->path, sizeof t->path, "%s/%s/%s.bddl", scenes_dir, suite, line);
    n++;
  }
  fclose(f);
  if (n != BK_SUITE_NTASK) {
    return bk_fail(err, err_sz, BK_EPARSE, "%s: expected %d tasks, found %d", path,
                   BK_SUITE_NTASK, n);
  }
  return 0;
}
