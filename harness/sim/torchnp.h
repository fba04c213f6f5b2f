/* bk_torchnp: a float64 numpy matrix as torch.save writes it (a zip archive holding
 * `<dir>/data.pkl`, a protocol-2+ pickle of numpy.core.multiarray._reconstruct).
 *
 * This is the format of LIBERO's `init_files/<suite>/<task>.pruned_init`. The reader is
 * strict: only the opcodes such a pickle uses, only a C-ordered little-endian float64
 * 2-D array; anything else is refused with a message naming the file and the reason.
 * No Python is involved. */
#ifndef BK_SIM_TORCHNP_H
#define BK_SIM_TORCHNP_H

#include <stddef.h>

typedef struct {
  int rows, cols;
  double* data;        /* rows x cols, row-major; owned */
} bk_torchnp_t;

/* Reads the matrix of the torch zip file `path` into out. Returns 0, or a negative
 * code with err filled ("<path>: <why>"); out is left empty on error. */
int bk_torchnp_load(const char* path, bk_torchnp_t* out, char* err, int err_sz);

/* The same from bytes in memory (name is used in messages only). */
int bk_torchnp_parse(const unsigned char* buf, size_t len, const char* name, bk_torchnp_t* out,
                     char* err, int err_sz);

/* Unpickles a bare pickle of the array (the archive member). */
int bk_torchnp_unpickle(const unsigned char* buf, size_t len, const char* name,
                        bk_torchnp_t* out, char* err, int err_sz);

/* Frees the data; NULL and empty are fine. */
void bk_torchnp_free(bk_torchnp_t* a);

#endif
