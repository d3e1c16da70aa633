#include "json_writer.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sw_utf8.h"

void sw_json_init(struct sw_json *j, struct sw_buf *out)
{
  memset(j, 0, sizeof *j);
  j->out = out;
}

static void put(struct sw_json *j, const char *s, size_t len)
{
  if (!j->err)
    j->err = sw_buf_append(j->out, s, len);
}

/* Writes what must come before a value (or a key) at this point, or records
 * misuse. Returns false if nothing may be written. */
static bool before_value(struct sw_json *j)
{
  if (j->err)
    return false;
  if (j->done) {
    j->err = SW_E_INVALID_ARGUMENT; /* a second top-level value */
    return false;
  }
  if (j->depth == 0)
    return true;
  if (j->stack[j->depth - 1].is_object) {
    if (!j->after_key) {
      j->err = SW_E_INVALID_ARGUMENT; /* a member needs its key */
      return false;
    }
    j->after_key = false;
    return true;
  }
  if (j->stack[j->depth - 1].has_items)
    put(j, ",", 1);
  j->stack[j->depth - 1].has_items = true;
  return !j->err;
}

/* Called after a scalar or a container's end. */
static void after_value(struct sw_json *j)
{
  if (j->depth == 0)
    j->done = true;
}

static void begin(struct sw_json *j, bool is_object)
{
  if (!before_value(j))
    return;
  if (j->depth == SW_JSON_MAX_DEPTH) {
    j->err = SW_E_INVALID_ARGUMENT;
    return;
  }
  j->stack[j->depth].is_object = is_object;
  j->stack[j->depth].has_items = false;
  j->depth++;
  put(j, is_object ? "{" : "[", 1);
}

static void end(struct sw_json *j, bool is_object)
{
  if (j->err)
    return;
  if (j->depth == 0 || j->stack[j->depth - 1].is_object != is_object || j->after_key) {
    j->err = SW_E_INVALID_ARGUMENT;
    return;
  }
  j->depth--;
  put(j, is_object ? "}" : "]", 1);
  after_value(j);
}

void sw_json_begin_object(struct sw_json *j)
{
  begin(j, true);
}

void sw_json_end_object(struct sw_json *j)
{
  end(j, true);
}

void sw_json_begin_array(struct sw_json *j)
{
  begin(j, false);
}

void sw_json_end_array(struct sw_json *j)
{
  end(j, false);
}

void sw_json_key(struct sw_json *j, const char *key)
{
  if (j->err)
    return;
  if (j->depth == 0 || !j->stack[j->depth - 1].is_object || j->after_key) {
    j->err = SW_E_INVALID_ARGUMENT;
    return;
  }
  if (j->stack[j->depth - 1].has_items)
    put(j, ",", 1);
  j->stack[j->depth - 1].has_items = true;
  if (!j->err)
    j->err = sw_json_append_string(j->out, key, strlen(key));
  put(j, ":", 1);
  j->after_key = true;
}

void sw_json_string_n(struct sw_json *j, const char *s, size_t len)
{
  if (!before_value(j))
    return;
  j->err = sw_json_append_string(j->out, s, len);
  after_value(j);
}

void sw_json_string(struct sw_json *j, const char *s)
{
  if (s)
    sw_json_string_n(j, s, strlen(s));
  else
    sw_json_null(j);
}

void sw_json_int(struct sw_json *j, int64_t v)
{
  if (!before_value(j))
    return;
  char text[24];
  int n = snprintf(text, sizeof text, "%" PRId64, v);
  put(j, text, (size_t)n);
  after_value(j);
}

void sw_json_decimal(struct sw_json *j, double v, int decimals)
{
  /* v != v: NaN; the range test catches the infinities, without libm. */
  if (v != v || v > 1e300 || v < -1e300) {
    sw_json_null(j);
    return;
  }
  if (!before_value(j))
    return;
  char text[400];
  int n = snprintf(text, sizeof text, "%.*f",
                   decimals < 0   ? 0
                   : decimals > 9 ? 9
                                  : decimals,
                   v);
  put(j, text, (size_t)n);
  after_value(j);
}

void sw_json_bool(struct sw_json *j, bool v)
{
  if (!before_value(j))
    return;
  put(j, v ? "true" : "false", v ? 4 : 5);
  after_value(j);
}

void sw_json_null(struct sw_json *j)
{
  if (!before_value(j))
    return;
  put(j, "null", 4);
  after_value(j);
}

void sw_json_member_string(struct sw_json *j, const char *key, const char *s)
{
  sw_json_key(j, key);
  sw_json_string(j, s);
}

void sw_json_member_int(struct sw_json *j, const char *key, int64_t v)
{
  sw_json_key(j, key);
  sw_json_int(j, v);
}

void sw_json_member_bool(struct sw_json *j, const char *key, bool v)
{
  sw_json_key(j, key);
  sw_json_bool(j, v);
}

enum sw_error sw_json_finish(struct sw_json *j)
{
  /* Recorded, so that the writer stays closed after a failed finish. */
  if (!j->err && !j->done)
    j->err = SW_E_INVALID_ARGUMENT;
  if (!j->err && j->out->truncated)
    j->err = SW_E_NOMEM;
  return j->err;
}

enum sw_error sw_json_append_string(struct sw_buf *out, const char *s, size_t len)
{
  static const char hex[] = "0123456789abcdef";
  enum sw_error err = sw_buf_append(out, "\"", 1);
  size_t run = 0; /* start of bytes that can be copied as they are */
  size_t i = 0;
  while (!err && i < len) {
    uint32_t cp;
    size_t n = sw_utf8_next(s + i, len - i, &cp);
    char esc[8];
    const char *rep = NULL;
    size_t rep_len = 2;
    if (cp == SW_UTF8_INVALID) {
      rep = "\xEF\xBF\xBD"; /* U+FFFD REPLACEMENT CHARACTER */
      rep_len = 3;
    } else if (cp == '"') {
      rep = "\\\"";
    } else if (cp == '\\') {
      rep = "\\\\";
    } else if (cp < 0x20) {
      switch (cp) {
      case '\b':
        rep = "\\b";
        break;
      case '\f':
        rep = "\\f";
        break;
      case '\n':
        rep = "\\n";
        break;
      case '\r':
        rep = "\\r";
        break;
      case '\t':
        rep = "\\t";
        break;
      default:
        memcpy(esc, "\\u00", 4);
        esc[4] = hex[cp >> 4];
        esc[5] = hex[cp & 15];
        rep = esc;
        rep_len = 6;
      }
    }
    if (rep) {
      err = sw_buf_append(out, s + run, i - run);
      if (!err)
        err = sw_buf_append(out, rep, rep_len);
      run = i + n;
    }
    i += n;
  }
  if (!err)
    err = sw_buf_append(out, s + run, len - run);
  if (!err)
    err = sw_buf_append(out, "\"", 1);
  return err;
}
