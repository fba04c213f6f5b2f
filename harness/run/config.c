#include "run/config.h"

#include <stddef.h>

static const struct {
  const char* key;
  unsigned scope;
} kFields[] = {
#define X(key, scope) {#key, scope},
  BK_CONFIG_FIELDS(X)
#undef X
};

const char* bk_config_differs(const cJSON* a, const cJSON* b, unsigned scopes) {
  for (size_t i = 0; i < sizeof kFields / sizeof *kFields; i++) {
    if (!(kFields[i].scope & scopes)) continue;
    const cJSON* x = cJSON_GetObjectItemCaseSensitive(a, kFields[i].key);
    const cJSON* y = cJSON_GetObjectItemCaseSensitive(b, kFields[i].key);
    if (!x || !y || !cJSON_Compare(x, y, 1)) return kFields[i].key;
  }
  return NULL;
}
