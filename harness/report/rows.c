#include "report/rows.h"

#include <math.h>

// a number, or null when not finite
void bk_row_put(cJSON* o, const char* key, double v) {
  if (isfinite(v)) {
    cJSON_AddNumberToObject(o, key, v);
  } else {
    cJSON_AddNullToObject(o, key);
  }
}

// a new row of table arr with the group's columns
cJSON* bk_row_new(cJSON* arr, const bk_load_group_t* G) {
  cJSON* r = cJSON_CreateObject();
  cJSON_AddStringToObject(r, "suite", G->suite);
  cJSON_AddStringToObject(r, "sampling", G->sampling);
  cJSON_AddNumberToObject(r, "value", G->value);
  cJSON_AddItemToArray(arr, r);
  return r;
}

// as row, with epsilon
cJSON* bk_row_new_eps(cJSON* arr, const bk_load_group_t* G, double eps) {
  cJSON* r = bk_row_new(arr, G);
  cJSON_AddNumberToObject(r, "epsilon", eps);
  return r;
}

// a task column: a number, or null for "all tasks"
void bk_row_put_task(cJSON* r, int task) {
  if (task < 0) {
    cJSON_AddNullToObject(r, "task");
  } else {
    cJSON_AddNumberToObject(r, "task", task);
  }
}
