/* libFuzzer target: the task-file (BDDL) parser on arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "task/bddl.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  char* text = malloc(size + 1);
  if (!text) return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  bk_task_t* task = calloc(1, sizeof *task);
  char err[512];
  if (task) bk_task_parse(text, "fuzz.bddl", task, err, sizeof err);
  free(task);
  free(text);
  return 0;
}
