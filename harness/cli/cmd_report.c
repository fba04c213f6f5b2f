/* bokbo report: placeholder until the command lands */
#include "cli/cli.h"

int bk_cmd_report(int argc, char** argv) {
  (void)argc;
  (void)argv;
  bk_cli_error("report", "not built yet");
  return BK_EXIT_FAIL;
}
