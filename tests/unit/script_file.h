/* Transcript files of a sans-IO dialogue, for the tests that run them:
 * the SMTP dialogue's (tests/data/smtp, smtp_script.h) and the mailbox
 * sessions' (tests/data/imap, tests/data/pop3). The format (the SMTP
 * folder's README.md) is the same for all: "S:"/"S>" server bytes, "C:"
 * client lines, "! event args", "= key value" expectations and "@key
 * value" settings; each dialogue names its own events and settings.
 * And the one way they are run: fed whole, with every server turn split at
 * every offset (http-parser's test_scan), and byte by byte.
 * Static functions in a header, so that each test program stays one source
 * file (as rule_fixture.h). A malformed file fails the test with cmocka's
 * fail_msg: include <cmocka.h> first. */
#ifndef SW_SCRIPT_FILE_H
#define SW_SCRIPT_FILE_H

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_buf.h"

struct script_action {
  bool is_turn;
  struct sw_buf bytes; /* a turn's server bytes */
  int ev;              /* an event: its index in the format's names */
  long ms;             /* the event's first word as a number ("! wait 5") */
  /* What the format's event hook reads from the words after the name: a
   * value of its own (an outcome), a flag, a number, and the rest as a
   * detail (malloc'd; the words themselves when there is no hook). */
  int code;
  bool flag;
  double number;
  char *detail;
  int line;                 /* where it is in the file */
  struct sw_buf expect_out; /* the C: lines after it */
};

struct script_expectation {
  char key[32];
  char *value;
  int line;
};

struct script_file {
  const char *path;
  struct script_action start; /* what must be said before the first server byte */
  struct script_action *actions;
  int nactions;
  struct script_expectation *exps;
  int nexps;
};

/* What a dialogue's files add to the common lines. */
struct script_format {
  const char *const *events;
  int nevents;
  /* "@key value": false for a key it does not know. */
  bool (*setting)(void *ctx, const char *path, int line, const char *key,
                  const char *value);
  /* Reads an event's words (`rest`) into a's code, flag, number, detail;
   * NULL: the words are the detail. */
  void (*event)(void *ctx, const char *path, struct script_action *a, const char *rest);
  /* A line the common format does not know (SMTP's "C= message"): appends
   * the client bytes it stands for to `out`; false if unknown. NULL: none. */
  bool (*other_line)(void *ctx, const char *path, int line, const char *text,
                     struct sw_buf *out);
  void *ctx;
};

/* Decodes the escapes of the README into `out`. */
static void unescape(const char *path, int lineno, const char *s, struct sw_buf *out)
{
  while (*s) {
    if (*s != '\\') {
      sw_buf_append(out, s++, 1);
      continue;
    }
    s++;
    char c = *s ? *s++ : '\\';
    if (c == 'r') {
      sw_buf_append(out, "\r", 1);
    } else if (c == 'n') {
      sw_buf_append(out, "\n", 1);
    } else if (c == 't') {
      sw_buf_append(out, "\t", 1);
    } else if (c == '\\') {
      sw_buf_append(out, "\\", 1);
    } else if (c == 'x' && s[0] && s[1]) {
      char hex[3] = {s[0], s[1], 0};
      char byte = (char)strtol(hex, NULL, 16);
      sw_buf_append(out, &byte, 1);
      s += 2;
    } else if (c >= '0' && c <= '9') {
      char *end;
      long n = strtol(s - 1, &end, 10);
      if (*end != '*' || !end[1])
        fail_msg("%s:%d: bad repeat escape", path, lineno);
      for (long i = 0; i < n; i++)
        sw_buf_append(out, end + 1, 1);
      s = end + 2;
    } else {
      fail_msg("%s:%d: unknown escape \\%c", path, lineno, c);
    }
  }
}

/* Copies the first word of s to word[size]; returns what follows, past spaces. */
static const char *first_word(const char *s, char *word, size_t size)
{
  size_t n = strcspn(s, " ");
  snprintf(word, size, "%.*s", (int)n, s);
  s += n;
  while (*s == ' ')
    s++;
  return s;
}

static char *copy_text(const char *s)
{
  char *c = malloc(strlen(s) + 1); /* no strdup in C11 */
  assert_non_null(c);
  strcpy(c, s);
  return c;
}

static struct script_action *new_action(struct script_file *f, bool is_turn, int lineno)
{
  f->actions = realloc(f->actions, (size_t)(f->nactions + 1) * sizeof *f->actions);
  assert_non_null(f->actions);
  struct script_action *a = &f->actions[f->nactions++];
  memset(a, 0, sizeof *a);
  a->is_turn = is_turn;
  a->line = lineno;
  sw_buf_init(&a->bytes, 0);
  sw_buf_init(&a->expect_out, 0);
  return a;
}

static void read_event(struct script_file *f, const struct script_format *fmt,
                       struct script_action *a, const char *text)
{
  char word[32];
  const char *rest = first_word(text, word, sizeof word);
  int ev = 0;
  while (ev < fmt->nevents && strcmp(word, fmt->events[ev]) != 0)
    ev++;
  if (ev == fmt->nevents)
    fail_msg("%s:%d: unknown event %s", f->path, a->line, word);
  a->ev = ev;
  a->ms = atol(rest);
  if (fmt->event)
    fmt->event(fmt->ctx, f->path, a, rest);
  else
    a->detail = copy_text(rest);
}

static void read_expectation(struct script_file *f, int lineno, const char *text)
{
  f->exps = realloc(f->exps, (size_t)(f->nexps + 1) * sizeof *f->exps);
  assert_non_null(f->exps);
  struct script_expectation *e = &f->exps[f->nexps++];
  e->line = lineno;
  const char *v = first_word(text, e->key, sizeof e->key);
  struct sw_buf val;
  sw_buf_init(&val, 0);
  unescape(f->path, lineno, v, &val);
  e->value = sw_buf_take(&val);
  if (!e->value)
    e->value = copy_text("");
}

static void script_load(struct script_file *f, const char *path,
                        const struct script_format *fmt)
{
  memset(f, 0, sizeof *f);
  f->path = path;
  sw_buf_init(&f->start.expect_out, 0);
  FILE *fp = fopen(path, "rb");
  if (!fp)
    fail_msg("cannot open %s", path);
  char buf[4096];
  int lineno = 0;
  struct script_action *last = NULL; /* C: lines belong to it (NULL: the start) */
  bool in_turn = false;
  while (fgets(buf, sizeof buf, fp)) {
    lineno++;
    size_t n = strlen(buf);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
      buf[--n] = '\0';
    if (n == 0 || buf[0] == '#')
      continue;
    const char *arg = n > 2 ? buf + 3 : "";
    struct sw_buf *out = last ? &last->expect_out : &f->start.expect_out;
    if (buf[0] == 'S' && (buf[1] == ':' || buf[1] == '>')) {
      if (!in_turn) {
        last = new_action(f, true, lineno);
        in_turn = true;
      }
      unescape(path, lineno, arg, &last->bytes);
      if (buf[1] == ':')
        sw_buf_append(&last->bytes, "\r\n", 2);
    } else if (buf[0] == 'C' && buf[1] == ':') {
      in_turn = false;
      unescape(path, lineno, arg, out);
      sw_buf_append(out, "\r\n", 2);
    } else if (buf[0] == '!' && buf[1] == ' ') {
      in_turn = false;
      last = new_action(f, false, lineno);
      read_event(f, fmt, last, buf + 2);
    } else if (buf[0] == '=' && buf[1] == ' ') {
      read_expectation(f, lineno, buf + 2);
    } else if (buf[0] == '@') {
      char key[32];
      const char *v = first_word(buf + 1, key, sizeof key);
      if (!fmt->setting(fmt->ctx, path, lineno, key, v))
        fail_msg("%s:%d: unknown setting @%s", path, lineno, key);
    } else if (fmt->other_line && fmt->other_line(fmt->ctx, path, lineno, buf, out)) {
      in_turn = false;
    } else {
      fail_msg("%s:%d: cannot read \"%s\"", path, lineno, buf);
    }
  }
  fclose(fp);
}

static void script_free(struct script_file *f)
{
  for (int i = 0; i < f->nactions; i++) {
    sw_buf_free(&f->actions[i].bytes);
    sw_buf_free(&f->actions[i].expect_out);
    free(f->actions[i].detail);
  }
  for (int i = 0; i < f->nexps; i++)
    free(f->exps[i].value);
  free(f->actions);
  free(f->exps);
  sw_buf_free(&f->start.expect_out);
}

/* ---- running at every split point --------------------------------------- */

struct run_mode {
  int split_action; /* -1: none */
  size_t split_at;
  bool bytewise;
  char text[64];
};

/* Hands turn `i`'s bytes to `receive` as the mode says: whole, in two
 * pieces, or one byte at a time. */
static void script_feed_turn(const struct script_file *f, int i, const struct run_mode *m,
                             void (*receive)(void *ctx, const char *p, size_t n),
                             void *ctx)
{
  const struct script_action *a = &f->actions[i];
  const char *p = sw_buf_str(&a->bytes);
  size_t len = a->bytes.len;
  if (m->bytewise) {
    for (size_t k = 0; k < len; k++)
      receive(ctx, p + k, 1);
  } else if (m->split_action == i) {
    receive(ctx, p, m->split_at);
    receive(ctx, p + m->split_at, len - m->split_at);
  } else {
    receive(ctx, p, len);
  }
}

/* Runs the file with `run`: fed whole first (the run whose result the
 * others must equal), then each turn split at every offset inside it, then
 * byte by byte. Returns how many runs there were. */
static int script_every_split(const struct script_file *f,
                              void (*run)(void *ctx, const struct run_mode *m), void *ctx)
{
  struct run_mode whole = {.split_action = -1};
  snprintf(whole.text, sizeof whole.text, "fed whole");
  run(ctx, &whole);
  int runs = 1;
  for (int i = 0; i < f->nactions; i++) {
    if (!f->actions[i].is_turn)
      continue;
    for (size_t at = 1; at < f->actions[i].bytes.len; at++) {
      struct run_mode m = {.split_action = i, .split_at = at};
      snprintf(m.text, sizeof m.text, "turn at line %d split at %zu", f->actions[i].line,
               at);
      run(ctx, &m);
      runs++;
    }
  }
  struct run_mode bytewise = {.split_action = -1, .bytewise = true};
  snprintf(bytewise.text, sizeof bytewise.text, "byte by byte");
  run(ctx, &bytewise);
  return runs + 1;
}

/* What a test gives the suite: how to read its files and run them, and
 * its results' type. The script a load returns starts with its struct
 * script_file, and is the `ctx` of every other call. */
struct script_runs {
  void *(*load)(const char *path);
  void (*unload)(void *ctx);
  size_t result_size;
  /* One run in mode `m`, its result into `result`. */
  void (*run)(void *ctx, const struct run_mode *m, void *result);
  /* One of the file's expectations against the first result (fed whole). */
  void (*expect)(void *ctx, const struct script_expectation *e, const void *first);
  /* Fails unless `other` (from mode `m`) equals the first. */
  void (*same)(void *ctx, const struct run_mode *m, const void *first, const void *other);
  void (*free_result)(void *result);
};

/* Defines `name`, the struct script_runs of a test whose scripts are
 * `script_type`s read by load_fn(sc, path) and freed by free_fn(sc), and
 * whose results are `result_type`s freed by result_free(r); run_fn,
 * expect_fn and same_fn as in struct script_runs. */
#define SCRIPT_RUNS(name, script_type, load_fn, free_fn, result_type, result_free,       \
                    run_fn, expect_fn, same_fn)                                          \
  static void *name##_load(const char *path)                                             \
  {                                                                                      \
    script_type *sc = malloc(sizeof *sc);                                                \
    assert_non_null(sc);                                                                 \
    load_fn(sc, path);                                                                   \
    return sc;                                                                           \
  }                                                                                      \
  static void name##_unload(void *ctx)                                                   \
  {                                                                                      \
    free_fn(ctx);                                                                        \
    free(ctx);                                                                           \
  }                                                                                      \
  static void name##_free_result(void *result)                                           \
  {                                                                                      \
    result_free(result);                                                                 \
  }                                                                                      \
  static const struct script_runs name = {.load = name##_load,                           \
                                          .unload = name##_unload,                       \
                                          .result_size = sizeof(result_type),            \
                                          .run = run_fn,                                 \
                                          .expect = expect_fn,                           \
                                          .same = same_fn,                               \
                                          .free_result = name##_free_result}

struct script_runs_state {
  const struct script_file *f;
  const struct script_runs *r;
  void *ctx, *first, *other;
  bool have_first;
};

static void script_run_one(void *state, const struct run_mode *m)
{
  struct script_runs_state *st = state;
  if (!st->have_first) {
    st->r->run(st->ctx, m, st->first);
    st->have_first = true;
    for (int i = 0; i < st->f->nexps; i++)
      st->r->expect(st->ctx, &st->f->exps[i], st->first);
    return;
  }
  st->r->run(st->ctx, m, st->other);
  st->r->same(st->ctx, m, st->first, st->other);
  st->r->free_result(st->other);
}

/* One file, a cmocka test: its runs in every mode (script_every_split);
 * the first run's result meets the expectations, every other run gives the
 * same result. */
struct script_case {
  char *path;
  const struct script_runs *runs;
};

static void script_test(void **state)
{
  const struct script_case *c = *state;
  const struct script_runs *r = c->runs;
  void *ctx = r->load(c->path);
  struct script_runs_state st = {.f = ctx,
                                 .r = r,
                                 .ctx = ctx,
                                 .first = calloc(1, r->result_size),
                                 .other = calloc(1, r->result_size)};
  assert_non_null(st.first);
  assert_non_null(st.other);
  script_every_split(st.f, script_run_one, &st);
  r->free_result(st.first);
  free(st.first);
  free(st.other);
  r->unload(ctx);
}

/* The transcript files of some folders, one test each. */
struct script_suite {
  struct CMUnitTest *tests;
  struct script_case *cases;
  size_t n;
};

static int by_name(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds a test for each *.txt of `dir`, in name order, named "folder/file".
 * False, said on stderr, when there are fewer than `at_least` (a guard
 * against a folder that went missing: too few runs pass too easily). */
static bool script_suite_add(struct script_suite *suite, const char *dir, size_t at_least,
                             const struct script_runs *runs)
{
  DIR *dp = opendir(dir);
  if (!dp) {
    fprintf(stderr, "cannot list %s\n", dir);
    return false;
  }
  char **paths = NULL;
  size_t n = 0;
  struct dirent *de;
  while ((de = readdir(dp)) != NULL) {
    size_t len = strlen(de->d_name);
    if (len < 5 || strcmp(de->d_name + len - 4, ".txt") != 0)
      continue;
    paths = realloc(paths, (n + 1) * sizeof *paths);
    paths[n] = malloc(strlen(dir) + len + 2);
    sprintf(paths[n], "%s/%s", dir, de->d_name);
    n++;
  }
  closedir(dp);
  qsort(paths, n, sizeof *paths, by_name);
  if (n < at_least)
    fprintf(stderr, "only %zu transcripts in %s; expected at least %zu\n", n, dir,
            at_least);
  /* Each test's state points into `cases`: size it for all first. */
  suite->cases = realloc(suite->cases, (suite->n + n) * sizeof *suite->cases);
  suite->tests = realloc(suite->tests, (suite->n + n) * sizeof *suite->tests);
  for (size_t i = 0; i < n; i++) {
    struct script_case *c = &suite->cases[suite->n + i];
    c->path = paths[i];
    c->runs = runs;
    const char *name = paths[i] + strlen(dir) - 1;
    while (name > paths[i] && name[-1] != '/')
      name--; /* "smtp/auth_535.txt" */
    suite->tests[suite->n + i] = (struct CMUnitTest){
        .name = name, .test_func = script_test, .initial_state = NULL};
  }
  suite->n += n;
  for (size_t i = 0; i < suite->n; i++)
    suite->tests[i].initial_state = &suite->cases[i];
  free(paths);
  return n >= at_least;
}

/* Runs the suite's tests as a cmocka group and frees it; the number of
 * tests that failed. */
static int script_suite_run(struct script_suite *suite)
{
  int failed = _cmocka_run_group_tests("transcripts", suite->tests, suite->n, NULL, NULL);
  for (size_t i = 0; i < suite->n; i++)
    free(suite->cases[i].path);
  free(suite->cases);
  free(suite->tests);
  return failed;
}

#endif
