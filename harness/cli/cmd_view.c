/* bokbo view: placeholder until the viewer lands */
#include "cli/cli.h"

int bk_cmd_view(int argc, char** argv) {
  (void)argc;
  (void)argv;
  bk_cli_error("view", "not built yet");
  return BK_EXIT_FAIL;
}
