/* bokbo calibrate: placeholder until the command lands */
#include "cli/cli.h"

int bk_cmd_calibrate(int argc, char** argv) {
  (void)argc;
  (void)argv;
  bk_cli_error("calibrate", "not built yet");
  return BK_EXIT_FAIL;
}
