/* shared pieces of the bokbo command line: exit codes, messages, number parsing */
#ifndef BK_CLI_H
#define BK_CLI_H

#define BK_EXIT_OK 0
#define BK_EXIT_FAIL 1
#define BK_EXIT_USAGE 2

/* Prints "bokbo: <what>: <why>" to stderr. */
void bk_cli_error(const char* what, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parses a whole string as an int in [lo, hi]; 0 on success. */
int bk_cli_int(const char* text, int lo, int hi, int* out);

int bk_cmd_list(int argc, char** argv);
int bk_cmd_scene(int argc, char** argv);

#endif
