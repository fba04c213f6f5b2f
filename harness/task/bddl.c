/* bk_task: reader for LIBERO's BDDL task files.
 *
 * A tokenizer turns the text into '(' ')' and words, keeping the line and
 * column (1-based, counted in bytes) of every token; a recursive parser reads
 * the sections into a fixed-size bk_task_t. ';' starts a comment that runs to
 * the end of the line. Every error message reads "file:line:col: expected ...",
 * pointing at the token that did not fit. */
#include "task/bddl.h"

#include "core/err.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef enum { TOK_EOF = 0, TOK_OPEN, TOK_CLOSE, TOK_WORD } tok_kind_t;

typedef struct {
  tok_kind_t kind;
  const char* s;  /* first character; not NUL-terminated */
  int len;
  int line, col;
} tok_t;

typedef struct {
  const char* p;     /* next unread character */
  int line, col;     /* position of p */
  tok_t tok;         /* current token (one token of lookahead) */
  const char* file;
  char* err;
  int err_sz;
} parser_t;

typedef int (*section_fn)(parser_t* ps, bk_task_t* task);

static const char* const pred_names[] = {"On", "In", "Open", "Close", "TurnOn", "TurnOff"};
static const int pred_arity[] = {2, 2, 1, 1, 1, 1};

/* ---------------------------------------------------------------- tokenizer */

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_delim(char c) {
  return c == '\0' || c == '(' || c == ')' || c == ';' || is_space(c);
}

static void advance_char(parser_t* ps) {
  if (*ps->p == '\n') {
    ps->line++;
    ps->col = 1;
  } else {
    ps->col++;
  }
  ps->p++;
}

static void skip_space_and_comments(parser_t* ps) {
  for (;;) {
    if (is_space(*ps->p)) {
      advance_char(ps);
    } else if (*ps->p == ';') {
      while (*ps->p && *ps->p != '\n') advance_char(ps);
    } else {
      return;
    }
  }
}

/* read the next token into ps->tok */
static void next(parser_t* ps) {
  skip_space_and_comments(ps);
  tok_t* t = &ps->tok;
  t->s = ps->p;
  t->line = ps->line;
  t->col = ps->col;
  t->len = 0;
  if (*ps->p == '\0') {
    t->kind = TOK_EOF;
    return;
  }
  if (*ps->p == '(' || *ps->p == ')') {
    t->kind = *ps->p == '(' ? TOK_OPEN : TOK_CLOSE;
    t->len = 1;
    advance_char(ps);
    return;
  }
  t->kind = TOK_WORD;
  while (!is_delim(*ps->p)) {
    advance_char(ps);
    t->len++;
  }
}

/* -------------------------------------------------------------- small helpers */

/* case-insensitive comparison of the current word with a keyword */
static int word_is(const parser_t* ps, const char* kw) {
  const tok_t* t = &ps->tok;
  if (t->kind != TOK_WORD || (size_t)t->len != strlen(kw)) return 0;
  for (int i = 0; i < t->len; i++) {
    char a = t->s[i], b = kw[i];
    if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
    if (b >= 'A' && b <= 'Z') b = (char)(b - 'A' + 'a');
    if (a != b) return 0;
  }
  return 1;
}

/* describe the current token for "got ..." */
static void describe(const tok_t* t, char* buf, int sz) {
  switch (t->kind) {
    case TOK_EOF: snprintf(buf, (size_t)sz, "end of file"); break;
    case TOK_OPEN: snprintf(buf, (size_t)sz, "'('"); break;
    case TOK_CLOSE: snprintf(buf, (size_t)sz, "')'"); break;
    case TOK_WORD:
      snprintf(buf, (size_t)sz, "'%.*s%s'", t->len > 40 ? 40 : t->len, t->s,
               t->len > 40 ? "..." : "");
      break;
  }
}

/* fail at token t: "file:line:col: expected <what>" */
static int vfail_at(const parser_t* ps, const tok_t* t, const char* fmt, va_list ap) {
  char what[384];
  vsnprintf(what, sizeof what, fmt, ap);
  return bk_fail(ps->err, ps->err_sz, BK_EPARSE, "%s:%d:%d: expected %s", ps->file,
                 t->line, t->col, what);
}

static int fail_at(const parser_t* ps, const tok_t* t, const char* fmt, ...)
  __attribute__((format(printf, 3, 4)));

static int fail_at(const parser_t* ps, const tok_t* t, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = vfail_at(ps, t, fmt, ap);
  va_end(ap);
  return rc;
}

/* fail at the current token */
static int fail(const parser_t* ps, const char* fmt, ...)
  __attribute__((format(printf, 2, 3)));

static int fail(const parser_t* ps, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = vfail_at(ps, &ps->tok, fmt, ap);
  va_end(ap);
  return rc;
}

/* fail at the current token with ", got <token>" appended */
static int fail_got(const parser_t* ps, const char* what) {
  char got[64];
  describe(&ps->tok, got, sizeof got);
  return fail(ps, "%s, got %s", what, got);
}

static int expect_open(parser_t* ps, const char* what) {
  if (ps->tok.kind != TOK_OPEN) return fail_got(ps, what);
  next(ps);
  return 0;
}

/* a ')'; `what` says which, e.g. "')' to close (:regions" */
static int expect_close(parser_t* ps, const char* what) {
  if (ps->tok.kind != TOK_CLOSE) return fail_got(ps, what);
  next(ps);
  return 0;
}

/* copy the current word into out (BK_NAME_MAX bytes) and move on */
static int read_name_at(parser_t* ps, char* out, bk_pos_t* at, const char* what) {
  if (ps->tok.kind != TOK_WORD) return fail_got(ps, what);
  if (at) {
    at->line = ps->tok.line;
    at->col = ps->tok.col;
  }
  if (ps->tok.len >= BK_NAME_MAX)
    return fail(ps, "%s of at most %d characters, got %d", what, BK_NAME_MAX - 1,
                ps->tok.len);
  memcpy(out, ps->tok.s, (size_t)ps->tok.len);
  out[ps->tok.len] = '\0';
  next(ps);
  return 0;
}

static int read_name(parser_t* ps, char* out, const char* what) {
  return read_name_at(ps, out, NULL, what);
}

/* parse the current word as a finite number and move on */
static int read_number(parser_t* ps, double* out, const char* what) {
  char buf[64];
  char* end = NULL;
  if (ps->tok.kind != TOK_WORD || ps->tok.len >= (int)sizeof buf) return fail_got(ps, what);
  memcpy(buf, ps->tok.s, (size_t)ps->tok.len);
  buf[ps->tok.len] = '\0';
  double v = strtod(buf, &end);
  if (end != buf + ps->tok.len || !isfinite(v)) return fail_got(ps, what);
  *out = v;
  next(ps);
  return 0;
}

/* ------------------------------------------------------------------- atoms */

static int find_pred(const parser_t* ps) {
  for (int i = 0; i < (int)(sizeof pred_names / sizeof pred_names[0]); i++)
    if (word_is(ps, pred_names[i])) return i;
  return -1;
}

/* atom after its '(': predicate name, arguments, ')' */
static int parse_atom(parser_t* ps, bk_atom_t* atom) {
  int p = find_pred(ps);
  if (p < 0) return fail_got(ps, "a predicate (On, In, Open, Close, TurnOn, TurnOff)");
  atom->pred = (bk_pred_t)p;
  atom->nargs = pred_arity[p];
  next(ps);
  char what[64];
  snprintf(what, sizeof what, "%d argument%s to %s", atom->nargs,
           atom->nargs > 1 ? "s" : "", pred_names[p]);
  for (int i = 0; i < atom->nargs; i++) {
    int rc = read_name_at(ps, atom->arg[i], &atom->at[i], what);
    if (rc) return rc;
  }
  snprintf(what, sizeof what, "')' after %d argument%s of %s", atom->nargs,
           atom->nargs > 1 ? "s" : "", pred_names[p]);
  return expect_close(ps, what);
}

/* ------------------------------------------------------------ goal trees */

static int parse_expr(parser_t* ps, bk_task_t* task, int* index);

static int expr_op(const parser_t* ps) {
  if (word_is(ps, "and")) return BK_EXPR_AND;
  if (word_is(ps, "or")) return BK_EXPR_OR;
  if (word_is(ps, "not")) return BK_EXPR_NOT;
  return BK_EXPR_ATOM;
}

/* children of And/Or/Not up to the closing ')' */
static int parse_children(parser_t* ps, bk_task_t* task, int node, const char* opname) {
  char opener[32];
  snprintf(opener, sizeof opener, "(%s", opname);
  while (ps->tok.kind == TOK_OPEN) {
    int max = task->goal[node].op == BK_EXPR_NOT ? 1 : BK_TASK_MAX_CHILD;
    if (task->goal[node].nchild >= max)
      return fail(ps, "at most %d operand%s in %s", max, max > 1 ? "s" : "", opener);
    int child, rc = parse_expr(ps, task, &child);
    if (rc) return rc;
    bk_expr_t* e = &task->goal[node];
    e->child[e->nchild++] = child;
  }
  if (ps->tok.kind == TOK_CLOSE && task->goal[node].nchild == 0)
    return fail(ps, "an operand in %s", opener);
  char what[48];
  snprintf(what, sizeof what, "')' to close %s", opener);
  return expect_close(ps, what);
}

/* one goal expression starting at its '('; *index receives its node */
static int parse_expr(parser_t* ps, bk_task_t* task, int* index) {
  int rc = expect_open(ps, "'(' to start a goal expression");
  if (rc) return rc;
  if (task->ngoal >= BK_TASK_MAX_EXPR)
    return fail(ps, "at most %d nodes in (:goal", BK_TASK_MAX_EXPR);
  *index = task->ngoal++;
  bk_expr_t* e = &task->goal[*index];
  e->op = (bk_exprop_t)expr_op(ps);
  if (e->op == BK_EXPR_ATOM) return parse_atom(ps, &e->atom);
  char opname[8];
  snprintf(opname, sizeof opname, "%.*s", ps->tok.len, ps->tok.s);
  next(ps);
  return parse_children(ps, task, *index, opname);
}

/* ---------------------------------------------------------------- regions */

static int parse_rect(parser_t* ps, bk_rect_t* r) {
  int rc = expect_open(ps, "'(' to start a rectangle (x0 y0 x1 y1) in :ranges");
  double* v[4] = {&r->x0, &r->y0, &r->x1, &r->y1};
  for (int i = 0; i < 4 && !rc; i++) rc = read_number(ps, v[i], "a number in :ranges");
  if (!rc) rc = expect_close(ps, "')' after the 4 numbers of a rectangle");
  return rc;
}

/* (:ranges ((x0 y0 x1 y1) ...)) after the keyword */
static int parse_ranges(parser_t* ps, bk_region_t* reg) {
  int rc = expect_open(ps, "'(' to start the list of :ranges");
  while (!rc && ps->tok.kind == TOK_OPEN) {
    if (reg->nrange >= BK_TASK_MAX_RANGES)
      return fail(ps, "at most %d rectangles in :ranges", BK_TASK_MAX_RANGES);
    rc = parse_rect(ps, &reg->range[reg->nrange++]);
  }
  if (!rc) rc = expect_close(ps, "')' to close the list of :ranges");
  if (!rc) rc = expect_close(ps, "')' to close (:ranges");
  return rc;
}

/* (:yaw_rotation ((min max))) after the keyword */
static int parse_yaw(parser_t* ps, bk_region_t* reg) {
  int rc = expect_open(ps, "'(' to start the list of :yaw_rotation");
  if (!rc) rc = expect_open(ps, "'(' to start a (min max) pair in :yaw_rotation");
  if (!rc) rc = read_number(ps, &reg->yaw[0], "a number in :yaw_rotation");
  if (!rc) rc = read_number(ps, &reg->yaw[1], "a number in :yaw_rotation");
  if (!rc) rc = expect_close(ps, "')' after the 2 numbers of a :yaw_rotation pair");
  if (!rc) rc = expect_close(ps, "')' to close the list of :yaw_rotation");
  if (!rc) rc = expect_close(ps, "')' to close (:yaw_rotation");
  reg->has_yaw = !rc;
  return rc;
}

/* one (:key ...) entry inside a region */
static int parse_region_key(parser_t* ps, bk_region_t* reg) {
  if (word_is(ps, ":target")) {
    next(ps);
    int rc = read_name_at(ps, reg->target, &reg->target_at, "a name after :target");
    return rc ? rc : expect_close(ps, "')' to close (:target");
  }
  if (word_is(ps, ":ranges")) {
    next(ps);
    return parse_ranges(ps, reg);
  }
  if (word_is(ps, ":yaw_rotation")) {
    next(ps);
    return parse_yaw(ps, reg);
  }
  return fail_got(ps, ":target, :ranges or :yaw_rotation in a region");
}

/* a region of the same name and target before index upto */
static int region_exists(const bk_task_t* task, const bk_region_t* reg, int upto) {
  for (int i = 0; i < upto; i++)
    if (strcmp(task->region[i].name, reg->name) == 0 &&
        strcmp(task->region[i].target, reg->target) == 0)
      return 1;
  return 0;
}

/* (NAME (:target T) (:ranges ...) (:yaw_rotation ...)) starting at its '(' */
static int parse_region(parser_t* ps, bk_task_t* task) {
  if (task->nregion >= BK_TASK_MAX_REGIONS)
    return fail(ps, "at most %d regions in (:regions", BK_TASK_MAX_REGIONS);
  bk_region_t* reg = &task->region[task->nregion];
  next(ps);
  tok_t at = ps->tok;
  int rc = read_name_at(ps, reg->name, &reg->at, "a region name");
  if (rc) return rc;
  task->nregion++;
  while (ps->tok.kind == TOK_OPEN) {
    next(ps);
    if ((rc = parse_region_key(ps, reg))) return rc;
  }
  if (ps->tok.kind == TOK_CLOSE && reg->target[0] == '\0')
    return fail(ps, "(:target ...) in region '%s'", reg->name);
  if (region_exists(task, reg, task->nregion - 1))
    return fail_at(ps, &at, "a new region name for target '%s', got '%s' a second time",
                   reg->target, reg->name);
  return expect_close(ps, "')' to close a region");
}

static int parse_regions(parser_t* ps, bk_task_t* task) {
  while (ps->tok.kind == TOK_OPEN) {
    int rc = parse_region(ps, task);
    if (rc) return rc;
  }
  return expect_close(ps, "')' to close (:regions");
}

/* ------------------------------------------------- fixtures and objects */

static int entity_exists(const bk_task_t* task, const char* name) {
  for (int i = 0; i < task->nfixture; i++)
    if (strcmp(task->fixture[i].name, name) == 0) return 1;
  for (int i = 0; i < task->nobject; i++)
    if (strcmp(task->object[i].name, name) == 0) return 1;
  return 0;
}

/* one instance name, appended without a category yet */
static int add_entity(parser_t* ps, bk_task_t* task, bk_entity_t* list, int* n,
                      const char* section) {
  if (*n >= BK_TASK_MAX_ENTITIES)
    return fail(ps, "at most %d names in %s", BK_TASK_MAX_ENTITIES, section);
  tok_t at = ps->tok;
  int rc = read_name_at(ps, list[*n].name, &list[*n].at, "a name");
  if (rc) return rc;
  if (entity_exists(task, list[*n].name))
    return fail_at(ps, &at, "a new name in %s, got '%s' a second time", section,
                   list[*n].name);
  (*n)++;
  return 0;
}

/* "a b - category c - category2 ..." up to the closing ')' */
static int parse_entities(parser_t* ps, bk_task_t* task, bk_entity_t* list, int* n,
                          const char* section) {
  int pending = *n;  /* first name still waiting for its category */
  while (ps->tok.kind == TOK_WORD) {
    int rc;
    if (ps->tok.len == 1 && ps->tok.s[0] == '-') {
      if (pending == *n) return fail(ps, "a name before '-' in %s", section);
      next(ps);
      char category[BK_NAME_MAX];
      if ((rc = read_name(ps, category, "a category after '-'"))) return rc;
      for (; pending < *n; pending++) memcpy(list[pending].category, category, BK_NAME_MAX);
    } else if ((rc = add_entity(ps, task, list, n, section))) {
      return rc;
    }
  }
  if (pending < *n) return fail_got(ps, "'- category' after the last name");
  char what[48];
  snprintf(what, sizeof what, "')' to close %s", section);
  return expect_close(ps, what);
}

static int parse_fixtures(parser_t* ps, bk_task_t* task) {
  return parse_entities(ps, task, task->fixture, &task->nfixture, "(:fixtures");
}

static int parse_objects(parser_t* ps, bk_task_t* task) {
  return parse_entities(ps, task, task->object, &task->nobject, "(:objects");
}

/* ------------------------------------------------------ remaining sections */

static int parse_domain(parser_t* ps, bk_task_t* task) {
  int rc = read_name(ps, task->domain, "a domain name");
  return rc ? rc : expect_close(ps, "')' to close (:domain");
}

/* words joined by single spaces */
static int parse_language(parser_t* ps, bk_task_t* task) {
  size_t used = 0, cap = sizeof task->language;
  while (ps->tok.kind == TOK_WORD) {
    size_t need = (size_t)ps->tok.len + (used ? 1 : 0);
    if (used + need >= cap) return fail(ps, "at most %zu characters in :language", cap - 1);
    if (used) task->language[used++] = ' ';
    memcpy(task->language + used, ps->tok.s, (size_t)ps->tok.len);
    used += (size_t)ps->tok.len;
    task->language[used] = '\0';
    next(ps);
  }
  return expect_close(ps, "')' to close (:language");
}

static int parse_interest(parser_t* ps, bk_task_t* task) {
  while (ps->tok.kind == TOK_WORD) {
    if (task->ninterest >= BK_TASK_MAX_ENTITIES)
      return fail(ps, "at most %d names in (:obj_of_interest", BK_TASK_MAX_ENTITIES);
    int k = task->ninterest++;
    int rc = read_name_at(ps, task->interest[k], &task->interest_at[k], "a name");
    if (rc) return rc;
  }
  return expect_close(ps, "')' to close (:obj_of_interest");
}

static int parse_init(parser_t* ps, bk_task_t* task) {
  while (ps->tok.kind == TOK_OPEN) {
    if (task->ninit >= BK_TASK_MAX_ATOMS)
      return fail(ps, "at most %d atoms in (:init", BK_TASK_MAX_ATOMS);
    next(ps);
    int rc = parse_atom(ps, &task->init[task->ninit++]);
    if (rc) return rc;
  }
  return expect_close(ps, "')' to close (:init");
}

/* one expression, or none */
static int parse_goal(parser_t* ps, bk_task_t* task) {
  if (ps->tok.kind == TOK_OPEN) {
    int root, rc = parse_expr(ps, task, &root);
    if (rc) return rc;
  }
  return expect_close(ps, "')' to close (:goal");
}

/* --------------------------------------------------------------- top level */

typedef struct {
  const char* name;
  section_fn fn;
} section_t;

static const section_t sections[] = {
  {":domain", parse_domain},     {":language", parse_language},
  {":regions", parse_regions},   {":fixtures", parse_fixtures},
  {":objects", parse_objects},   {":obj_of_interest", parse_interest},
  {":init", parse_init},         {":goal", parse_goal},
};
enum { NSECTION = sizeof sections / sizeof sections[0] };

/* one (:section ...) starting at its '('; each section may appear once */
static int parse_section(parser_t* ps, bk_task_t* task, unsigned* seen) {
  next(ps);
  for (int i = 0; i < NSECTION; i++) {
    if (!word_is(ps, sections[i].name)) continue;
    if (*seen & (1u << i)) return fail(ps, "each section once, got %s again", sections[i].name);
    *seen |= 1u << i;
    next(ps);
    return sections[i].fn(ps, task);
  }
  return fail_got(ps, "a section (:domain :language :regions :fixtures :objects "
                      ":obj_of_interest :init :goal)");
}

/* (define (problem NAME) sections...) then end of file */
static int parse_define(parser_t* ps, bk_task_t* task) {
  int rc = expect_open(ps, "'(' to start (define");
  if (rc) return rc;
  if (!word_is(ps, "define")) return fail_got(ps, "'define'");
  next(ps);
  if ((rc = expect_open(ps, "'(' to start (problem NAME)"))) return rc;
  if (!word_is(ps, "problem")) return fail_got(ps, "'problem'");
  next(ps);
  if ((rc = read_name(ps, task->problem, "a problem name"))) return rc;
  if ((rc = expect_close(ps, "')' to close (problem"))) return rc;
  unsigned seen = 0;
  while (ps->tok.kind == TOK_OPEN)
    if ((rc = parse_section(ps, task, &seen))) return rc;
  if ((rc = expect_close(ps, "')' to close (define"))) return rc;
  return ps->tok.kind == TOK_EOF ? 0 : fail_got(ps, "end of file after (define ...)");
}

int bk_task_parse(const char* text, const char* filename, bk_task_t* task, char* err,
                  int err_sz) {
  if (!task) return bk_fail(err, err_sz, BK_EINVAL, "bk_task_parse: task is NULL");
  memset(task, 0, sizeof *task);
  if (!text) return bk_fail(err, err_sz, BK_EINVAL, "bk_task_parse: text is NULL");
  parser_t ps = {.p = text, .line = 1, .col = 1, .file = filename ? filename : "<bddl>",
                 .err = err, .err_sz = err_sz};
  next(&ps);
  int rc = parse_define(&ps, task);
  if (rc) memset(task, 0, sizeof *task);
  return rc;
}

int bk_task_load(const char* path, bk_task_t* task, char* err, int err_sz) {
  if (!task || !path) return bk_fail(err, err_sz, BK_EINVAL, "bk_task_load: NULL argument");
  memset(task, 0, sizeof *task);
  // a FIFO or device would block or never end: only regular files are task files
  struct stat st;
  if (stat(path, &st) != 0) return bk_fail(err, err_sz, BK_EIO, "%s: %s", path, strerror(errno));
  if (!S_ISREG(st.st_mode)) return bk_fail(err, err_sz, BK_EINVAL, "%s: not a regular file", path);
  char* text = bk_read_file(path, NULL, err, err_sz);
  if (!text) return BK_EIO;
  int rc = bk_task_parse(text, path, task, err, err_sz);
  free(text);
  return rc;
}

/* ----------------------------------------------------------------- lookups */

int bk_task_find_region(const bk_task_t* task, const char* name) {
  for (int i = 0; i < task->nregion; i++)
    if (strcmp(task->region[i].name, name) == 0) return i;
  return -1;
}

int bk_task_find_region_of(const bk_task_t* task, const char* target, const char* name) {
  for (int i = 0; i < task->nregion; i++)
    if (strcmp(task->region[i].target, target) == 0 && strcmp(task->region[i].name, name) == 0)
      return i;
  return -1;
}

int bk_task_find_region_ref(const bk_task_t* task, const char* ref) {
  size_t n = strlen(ref);
  for (int i = 0; i < task->nregion; i++) {
    const bk_region_t* r = &task->region[i];
    size_t nt = strlen(r->target), nn = strlen(r->name);
    if (nt + 1 + nn == n && strncmp(ref, r->target, nt) == 0 && ref[nt] == '_' &&
        strcmp(ref + nt + 1, r->name) == 0)
      return i;
  }
  return -1;
}

int bk_task_find_object(const bk_task_t* task, const char* name) {
  for (int i = 0; i < task->nobject; i++)
    if (strcmp(task->object[i].name, name) == 0) return i;
  return -1;
}

int bk_task_find_fixture(const bk_task_t* task, const char* name) {
  for (int i = 0; i < task->nfixture; i++)
    if (strcmp(task->fixture[i].name, name) == 0) return i;
  return -1;
}

const char* bk_task_predname(bk_pred_t pred) {
  if ((int)pred < 0 || (int)pred >= (int)(sizeof pred_names / sizeof pred_names[0]))
    return "?";
  return pred_names[pred];
}
