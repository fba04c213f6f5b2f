#include "sim/torchnp.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/err.h"

#define MAXVAL 512     /* values a pickle may create */
#define MAXITEMS 1024  /* tuple items in all */
#define MAXSTACK 64
#define MAXMEMO 256

/* ---- zip: find data.pkl through the central directory ---- */

static uint32_t le16(const unsigned char* p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const unsigned char* p) { return le16(p) | le16(p + 2) << 16; }

// the end-of-central-directory record, searched backwards over a possible comment
static long find_eocd(const unsigned char* b, size_t n) {
  if (n < 22) return -1;
  long stop = (long)n - 22 - 65535;
  for (long i = (long)n - 22; i >= 0 && i >= stop; i--) {
    if (le32(b + i) == 0x06054b50) return i;
  }
  return -1;
}

// inflate a raw deflate stream of known output size
static int inflate_raw(const unsigned char* src, size_t csize, unsigned char* dst, size_t usize) {
  z_stream z;
  memset(&z, 0, sizeof z);
  if (inflateInit2(&z, -15) != Z_OK) return -1;
  z.next_in = (unsigned char*)src;
  z.avail_in = (uInt)csize;
  z.next_out = dst;
  z.avail_out = (uInt)usize;
  int rc = inflate(&z, Z_FINISH);
  size_t got = z.total_out;
  inflateEnd(&z);
  return rc == Z_STREAM_END && got == usize ? 0 : -1;
}

// the bytes of the archive member whose name ends in "/data.pkl" (or is "data.pkl")
static int zip_member(const unsigned char* b, size_t n, const char* name, unsigned char** out,
                      size_t* out_len, char* err, int err_sz) {
  long e = find_eocd(b, n);
  if (e < 0) return bk_fail(err, err_sz, BK_EPARSE, "%s: not a zip archive (no end record)", name);
  uint32_t count = le16(b + e + 10), cd = le32(b + e + 16);
  for (uint32_t k = 0, p = cd; k < count; k++) {
    if ((size_t)p + 46 > n || le32(b + p) != 0x02014b50) break;
    uint32_t method = le16(b + p + 10), crc = le32(b + p + 16), csize = le32(b + p + 20);
    uint32_t usize = le32(b + p + 24), nlen = le16(b + p + 28), xlen = le16(b + p + 30);
    uint32_t clen = le16(b + p + 32), loff = le32(b + p + 42);
    const char* fn = (const char*)b + p + 46;
    p += 46 + nlen + xlen + clen;
    if ((size_t)p > n) break;
    int match = (nlen == 8 && memcmp(fn, "data.pkl", 8) == 0) ||
                (nlen > 9 && memcmp(fn + nlen - 9, "/data.pkl", 9) == 0);
    if (!match) continue;
    if ((size_t)loff + 30 > n || le32(b + loff) != 0x04034b50) break;
    size_t start = (size_t)loff + 30 + le16(b + loff + 26) + le16(b + loff + 28);
    if (start + csize > n) break;
    if (method != 0 && method != 8) {
      return bk_fail(err, err_sz, BK_EPARSE, "%s: data.pkl uses zip method %u (want 0 or 8)",
                     name, method);
    }
    unsigned char* data = malloc(usize ? usize : 1);
    if (!data) return bk_fail(err, err_sz, BK_ENOMEM, "out of memory");
    int bad = method == 0 ? (csize != usize) : inflate_raw(b + start, csize, data, usize);
    if (method == 0 && !bad) memcpy(data, b + start, usize);
    if (bad || (uint32_t)crc32(0L, data, usize) != crc) {
      free(data);
      return bk_fail(err, err_sz, BK_EPARSE, "%s: data.pkl is corrupt (size or CRC mismatch)",
                     name);
    }
    *out = data;
    *out_len = usize;
    return 0;
  }
  return bk_fail(err, err_sz, BK_EPARSE, "%s: no data.pkl in the zip archive", name);
}

/* ---- pickle: a small stack machine for the opcodes numpy arrays use ---- */

typedef enum { V_MARK, V_NONE, V_BOOL, V_INT, V_STR, V_BYTES, V_TUPLE, V_GLOBAL, V_CALL } vtype_t;

typedef struct {
  vtype_t t;
  long long i;                 /* V_INT, V_BOOL */
  const unsigned char* s;      /* V_STR (UTF-8), V_BYTES, V_GLOBAL ("module name") */
  size_t n;
  int item0, nitem;            /* V_TUPLE: items[item0 .. item0 + nitem) */
  int func, args, state;       /* V_CALL: REDUCE(func, args), BUILD(state) or -1 */
} val_t;

typedef struct {
  const unsigned char *p, *end;
  const char* name;
  val_t v[MAXVAL];
  int nv;
  int items[MAXITEMS], nitems;
  int stack[MAXSTACK], sp;
  int memo[MAXMEMO];
  char gbuf[8][128];           /* GLOBAL names */
  int ng;
} pk_t;

static int new_val(pk_t* k, vtype_t t) {
  if (k->nv >= MAXVAL) return -1;
  val_t* v = &k->v[k->nv];
  memset(v, 0, sizeof *v);
  v->t = t;
  v->func = v->args = v->state = -1;
  return k->nv++;
}

static int push(pk_t* k, int v) {
  if (v < 0 || k->sp >= MAXSTACK) return -1;
  k->stack[k->sp++] = v;
  return 0;
}

static int pop(pk_t* k) { return k->sp > 0 ? k->stack[--k->sp] : -1; }

// n bytes of operand, or NULL when the pickle ends early
static const unsigned char* take(pk_t* k, size_t n) {
  if ((size_t)(k->end - k->p) < n) return NULL;
  const unsigned char* q = k->p;
  k->p += n;
  return q;
}

// a tuple of the top n stack values (n < 0: everything above the last mark)
static int make_tuple(pk_t* k, int n) {
  if (n < 0) {
    int m = k->sp - 1;
    while (m >= 0 && k->v[k->stack[m]].t != V_MARK) m--;
    if (m < 0) return -1;
    n = k->sp - m - 1;
  }
  if (n > k->sp || k->nitems + n > MAXITEMS) return -1;
  int t = new_val(k, V_TUPLE);
  if (t < 0) return -1;
  k->v[t].item0 = k->nitems;
  k->v[t].nitem = n;
  for (int i = 0; i < n; i++) k->items[k->nitems++] = k->stack[k->sp - n + i];
  k->sp -= n;
  return t;
}

// "module\nname\n" -> "module name"
static int op_global(pk_t* k) {
  if (k->ng >= 8) return -1;
  char* g = k->gbuf[k->ng++];
  int len = 0;
  for (int line = 0; line < 2; line++) {
    while (k->p < k->end && *k->p != '\n' && len < 126) g[len++] = (char)*k->p++;
    if (k->p >= k->end || *k->p != '\n') return -1;
    k->p++;
    g[len++] = line ? '\0' : ' ';
  }
  int v = new_val(k, V_GLOBAL);
  if (v < 0) return -1;
  k->v[v].s = (const unsigned char*)g;
  k->v[v].n = strlen(g);
  return push(k, v);
}

static int op_string(pk_t* k, vtype_t t, size_t lenbytes) {
  const unsigned char* q = take(k, lenbytes);
  if (!q) return -1;
  size_t n = lenbytes == 1 ? q[0] : (lenbytes == 4 ? le32(q) : (size_t)le32(q) | (size_t)le32(q + 4) << 32);
  const unsigned char* s = take(k, n);
  int v = s ? new_val(k, t) : -1;
  if (v < 0) return -1;
  k->v[v].s = s;
  k->v[v].n = n;
  return push(k, v);
}

static int op_int(pk_t* k, int nbytes) {
  const unsigned char* q = take(k, (size_t)nbytes);
  int v = q ? new_val(k, V_INT) : -1;
  if (v < 0) return -1;
  long long x = nbytes == 1 ? q[0] : (nbytes == 2 ? (long long)le16(q) : (long long)(int32_t)le32(q));
  k->v[v].i = x;
  return push(k, v);
}

static int op_memo(pk_t* k, int put, int nbytes) {
  const unsigned char* q = take(k, (size_t)nbytes);
  if (!q) return -1;
  uint32_t idx = nbytes == 1 ? q[0] : le32(q);
  if (idx >= MAXMEMO) return -1;
  if (put) {
    if (k->sp < 1) return -1;
    k->memo[idx] = k->stack[k->sp - 1];
    return 0;
  }
  return k->memo[idx] < 0 ? -1 : push(k, k->memo[idx]);
}

static int op_reduce(pk_t* k) {
  int args = pop(k), func = pop(k);
  if (args < 0 || func < 0 || k->v[args].t != V_TUPLE || k->v[func].t != V_GLOBAL) return -1;
  int v = new_val(k, V_CALL);
  if (v < 0) return -1;
  k->v[v].func = func;
  k->v[v].args = args;
  return push(k, v);
}

static int op_build(pk_t* k) {
  int state = pop(k);
  if (state < 0 || k->sp < 1) return -1;
  val_t* obj = &k->v[k->stack[k->sp - 1]];
  if (obj->t != V_CALL || obj->state >= 0) return -1;
  obj->state = state;
  return 0;
}

static int simple(pk_t* k, vtype_t t, long long i) {
  int v = new_val(k, t);
  if (v < 0) return -1;
  k->v[v].i = i;
  return push(k, v);
}

// one opcode; 1 at STOP, 0 to go on, -1 on error
static int step(pk_t* k) {
  const unsigned char* q = take(k, 1);
  if (!q) return -1;
  switch (*q) {
    case 0x80: return take(k, 1) ? 0 : -1;                       /* PROTO */
    case 0x95: return take(k, 8) ? 0 : -1;                       /* FRAME */
    case '.': return 1;                                          /* STOP */
    case 'c': return op_global(k);
    case 'q': return op_memo(k, 1, 1);                           /* BINPUT */
    case 'r': return op_memo(k, 1, 4);                           /* LONG_BINPUT */
    case 'h': return op_memo(k, 0, 1);                           /* BINGET */
    case 'j': return op_memo(k, 0, 4);                           /* LONG_BINGET */
    case 'K': return op_int(k, 1);
    case 'M': return op_int(k, 2);
    case 'J': return op_int(k, 4);
    case 'X': return op_string(k, V_STR, 4);                     /* BINUNICODE */
    case 0x8c: return op_string(k, V_STR, 1);                    /* SHORT_BINUNICODE */
    case 'C': return op_string(k, V_BYTES, 1);                   /* SHORT_BINBYTES */
    case 'B': return op_string(k, V_BYTES, 4);                   /* BINBYTES */
    case 0x8e: return op_string(k, V_BYTES, 8);                  /* BINBYTES8 */
    case 'N': return simple(k, V_NONE, 0);
    case 0x88: return simple(k, V_BOOL, 1);
    case 0x89: return simple(k, V_BOOL, 0);
    case '(': return simple(k, V_MARK, 0);
    case ')': return push(k, make_tuple(k, 0));
    case 0x85: return push(k, make_tuple(k, 1));
    case 0x86: return push(k, make_tuple(k, 2));
    case 0x87: return push(k, make_tuple(k, 3));
    case 't': {
      int t = make_tuple(k, -1);
      if (t < 0 || pop(k) < 0) return -1;                        /* drop the mark */
      return push(k, t);
    }
    case 'R': return op_reduce(k);
    case 'b': return op_build(k);
    default: return -2;
  }
}

/* ---- interpretation: numpy's _reconstruct + __setstate__ ---- */

static int is_global(const pk_t* k, int v, const char* name) {
  return v >= 0 && k->v[v].t == V_GLOBAL && strcmp((const char*)k->v[v].s, name) == 0;
}

// item i of a tuple, or 0 (the placeholder value, which matches no expected type)
static int item(const pk_t* k, int tuple, int i) {
  if (tuple <= 0) return 0;
  const val_t* t = &k->v[tuple];
  return t->t == V_TUPLE && i < t->nitem ? k->items[t->item0 + i] : 0;
}

static int is_str(const pk_t* k, int v, const char* s) {
  return v >= 0 && k->v[v].t == V_STR && k->v[v].n == strlen(s) &&
         memcmp(k->v[v].s, s, k->v[v].n) == 0;
}

// dtype state: ('f8', False, True) with state (3, '<', None, None, None, -1, -1, 0)
static const char* check_dtype(const pk_t* k, int dt) {
  if (dt < 0 || k->v[dt].t != V_CALL || !is_global(k, k->v[dt].func, "numpy dtype")) {
    return "expected a numpy dtype";
  }
  if (!is_str(k, item(k, k->v[dt].args, 0), "f8")) return "dtype is not float64 ('f8')";
  int st = k->v[dt].state;
  if (st <= 0 || k->v[st].t != V_TUPLE) return "dtype without state";
  int order = item(k, st, 1);
  if (!is_str(k, order, "<") && !is_str(k, order, "=")) return "dtype is not little-endian";
  return NULL;
}

// the raw bytes of the array: bytes, or _codecs.encode(str, 'latin1')
static const char* array_bytes(const pk_t* k, int v, unsigned char* dst, size_t want) {
  if (v >= 0 && k->v[v].t == V_BYTES) {
    if (k->v[v].n != want) return "data size does not match the shape";
    memcpy(dst, k->v[v].s, want);
    return NULL;
  }
  if (v < 0 || k->v[v].t != V_CALL || !is_global(k, k->v[v].func, "_codecs encode") ||
      !is_str(k, item(k, k->v[v].args, 1), "latin1")) {
    return "array data is neither bytes nor a latin1-encoded string";
  }
  int s = item(k, k->v[v].args, 0);
  if (s < 0 || k->v[s].t != V_STR) return "array data is not a string";
  const unsigned char *p = k->v[s].s, *end = p + k->v[s].n;
  size_t n = 0;
  while (p < end) {  // UTF-8 of code points below 256: one or two bytes each
    unsigned c = *p++;
    if (c >= 0x80) {
      if ((c & 0xE0) != 0xC0 || p >= end || (*p & 0xC0) != 0x80) return "bad UTF-8 in data";
      c = ((c & 0x1F) << 6) | (*p++ & 0x3F);
      if (c > 0xFF || c < 0x80) return "data string is not latin1";
    }
    if (n >= want) return "data size does not match the shape";
    dst[n++] = (unsigned char)c;
  }
  return n == want ? NULL : "data size does not match the shape";
}

// the final object: _reconstruct(ndarray, (0,), b'b') with state (1, shape, dtype, F, data)
static const char* interpret(const pk_t* k, int root, bk_torchnp_t* out) {
  const val_t* r = &k->v[root];
  if (r->t != V_CALL || !is_global(k, r->func, "numpy.core.multiarray _reconstruct") ||
      !is_global(k, item(k, r->args, 0), "numpy ndarray")) {
    return "not a numpy array (numpy.core.multiarray._reconstruct of ndarray)";
  }
  int st = r->state;
  if (st <= 0 || k->v[st].t != V_TUPLE || k->v[st].nitem != 5) return "array without its state";
  int shape = item(k, st, 1), fortran = item(k, st, 3);
  if (k->v[shape].t != V_TUPLE || k->v[shape].nitem != 2) return "array is not 2-D";
  int r0 = item(k, shape, 0), c0 = item(k, shape, 1);
  if (k->v[r0].t != V_INT || k->v[c0].t != V_INT) return "bad array shape";
  long long rows = k->v[r0].i, cols = k->v[c0].i;
  if (rows <= 0 || cols <= 0 || rows * cols > (1LL << 26)) return "bad array shape";
  if (k->v[fortran].t != V_BOOL || k->v[fortran].i) return "array is not C-ordered";
  const char* why = check_dtype(k, item(k, st, 2));
  if (why) return why;
  size_t want = (size_t)(rows * cols) * 8;
  unsigned char* bytes = malloc(want);
  if (!bytes) return "out of memory";
  why = array_bytes(k, item(k, st, 4), bytes, want);
  if (why) {
    free(bytes);
    return why;
  }
  out->rows = (int)rows;
  out->cols = (int)cols;
  out->data = (double*)bytes;  /* little-endian float64 on the hosts bokbo builds for */
  return NULL;
}

int bk_torchnp_unpickle(const unsigned char* buf, size_t len, const char* name,
                        bk_torchnp_t* out, char* err, int err_sz) {
  memset(out, 0, sizeof *out);
  pk_t* k = calloc(1, sizeof *k);
  if (!k) return bk_fail(err, err_sz, BK_ENOMEM, "out of memory");
  k->p = buf;
  k->end = buf + len;
  k->name = name;
  for (int i = 0; i < MAXMEMO; i++) k->memo[i] = -1;
  new_val(k, V_MARK);  /* value 0: the placeholder for a missing item */
  int rc = 0;
  for (;;) {
    long at = (long)(k->p - buf);
    int s = step(k);
    if (s == 1) break;
    if (s < 0) {
      rc = bk_fail(err, err_sz, BK_EPARSE, "%s: pickle: %s at byte %ld", name,
                   s == -2 ? "unsupported opcode" : "malformed or truncated", at);
      goto done;
    }
  }
  if (k->sp != 1) {
    rc = bk_fail(err, err_sz, BK_EPARSE, "%s: pickle: %d values left at STOP (want 1)", name,
                 k->sp);
    goto done;
  }
  const char* why = interpret(k, k->stack[0], out);
  if (why) rc = bk_fail(err, err_sz, BK_EPARSE, "%s: %s", name, why);

done:
  free(k);
  return rc;
}

int bk_torchnp_parse(const unsigned char* buf, size_t len, const char* name, bk_torchnp_t* out,
                     char* err, int err_sz) {
  memset(out, 0, sizeof *out);
  unsigned char* pkl = NULL;
  size_t plen = 0;
  int rc = zip_member(buf, len, name, &pkl, &plen, err, err_sz);
  if (rc) return rc;
  rc = bk_torchnp_unpickle(pkl, plen, name, out, err, err_sz);
  free(pkl);
  return rc;
}

int bk_torchnp_load(const char* path, bk_torchnp_t* out, char* err, int err_sz) {
  memset(out, 0, sizeof *out);
  long len = 0;
  char* buf = bk_read_file(path, &len, err, err_sz);
  if (!buf) return BK_EIO;
  int rc = bk_torchnp_parse((const unsigned char*)buf, (size_t)len, path, out, err, err_sz);
  free(buf);
  return rc;
}

void bk_torchnp_free(bk_torchnp_t* a) {
  if (!a) return;
  free(a->data);
  a->data = NULL;
  a->rows = a->cols = 0;
}
