#include "arg_walk.h"

#include <stdarg.h>
#include <string.h>

#include "sw_utf8.h"

void sw_arg_errors_init(struct sw_arg_errors *e)
{
  sw_buf_init(&e->text, 0);
  e->nomem = SW_E_OK;
}

void sw_arg_errors_free(struct sw_arg_errors *e)
{
  sw_buf_free(&e->text);
}

void sw_arg_fail(struct sw_arg_errors *e, const char *fmt, ...)
{
  enum sw_error err = SW_E_OK;
  if (e->text.len)
    err = sw_buf_appends(&e->text, "\n");
  va_list ap;
  va_start(ap, fmt);
  if (!err)
    err = sw_buf_vprintf(&e->text, fmt, ap);
  va_end(ap);
  if (err)
    e->nomem = err;
}

enum sw_error sw_arg_errors_report(struct sw_arg_errors *e, struct sw_buf *errors)
{
  if (e->nomem)
    return e->nomem;
  if (!e->text.len)
    return SW_E_OK;
  enum sw_error err = sw_buf_append(errors, e->text.data, e->text.len);
  return err ? err : SW_E_INVALID_ARGUMENT;
}

struct sw_arg_quoted sw_arg_quote(const char *s)
{
  struct sw_arg_quoted q;
  size_t len = strlen(s), i = 0, o = 0;
  while (i < len) {
    uint32_t cp;
    size_t n = sw_utf8_next(s + i, len - i, &cp);
    if (o + n + 4 >= sizeof q.text) {
      memcpy(q.text + o, "...", 3);
      o += 3;
      break;
    }
    if (cp == SW_UTF8_INVALID || sw_utf8_is_control(cp)) {
      q.text[o++] = '?';
    } else {
      memcpy(q.text + o, s + i, n);
      o += n;
    }
    i += n;
  }
  q.text[o] = '\0';
  return q;
}

bool sw_arg_number(const char *s, uint64_t *out)
{
  if (!*s)
    return false;
  uint64_t v = 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9')
      return false;
    v = v > UINT32_MAX ? v : v * 10 + (uint64_t)(*s - '0');
  }
  *out = v;
  return true;
}

static const struct sw_arg_opt *find_long(const struct sw_arg_opt *const *tables,
                                          const char *name, size_t len)
{
  for (; *tables; tables++)
    for (const struct sw_arg_opt *o = *tables; o->long_name; o++)
      if (strlen(o->long_name) == len && memcmp(o->long_name, name, len) == 0)
        return o;
  return NULL;
}

static const struct sw_arg_opt *find_short(const struct sw_arg_opt *const *tables, char c)
{
  for (; *tables; tables++)
    for (const struct sw_arg_opt *o = *tables; o->long_name; o++)
      if (o->short_name && o->short_name == c)
        return o;
  return NULL;
}

/* Handles argv[*i], an option; may consume the next word as its value. */
static void walk_option(int argc, char **argv, int *i,
                        const struct sw_arg_opt *const *tables, sw_arg_fn fn, void *ctx,
                        struct sw_arg_errors *errors)
{
  const char *arg = argv[*i];
  const struct sw_arg_opt *o;
  const char *value = NULL;
  if (arg[1] == '-') {
    const char *name = arg + 2;
    const char *eq = strchr(name, '=');
    size_t name_len = eq ? (size_t)(eq - name) : strlen(name);
    o = find_long(tables, name, name_len);
    if (!o) {
      sw_arg_fail(errors, "Unknown option '--%s'.", sw_arg_quote(name).text);
      return;
    }
    if (eq && !o->has_value) {
      sw_arg_fail(errors, "--%s does not take a value.", o->long_name);
      return;
    }
    if (eq)
      value = eq + 1;
  } else {
    o = find_short(tables, arg[1]);
    if (!o || (arg[2] && !o->has_value)) {
      sw_arg_fail(errors, "Unknown option '%s'.", sw_arg_quote(arg).text);
      return;
    }
    if (arg[2])
      value = arg + 2;
  }
  if (o->has_value && !value) {
    if (*i + 1 >= argc) {
      sw_arg_fail(errors, "--%s needs a value.", o->long_name);
      return;
    }
    value = argv[++*i];
  }
  fn(ctx, o, value);
}

void sw_arg_walk(int argc, char **argv, int first, const struct sw_arg_opt *const *tables,
                 sw_arg_fn fn, void *ctx, struct sw_arg_errors *errors)
{
  bool options_done = false;
  for (int i = first; i < argc; i++) {
    const char *arg = argv[i];
    if (!options_done && strcmp(arg, "--") == 0)
      options_done = true;
    else if (!options_done && arg[0] == '-' && arg[1] != '\0')
      walk_option(argc, argv, &i, tables, fn, ctx, errors);
    else
      fn(ctx, NULL, arg);
  }
}
