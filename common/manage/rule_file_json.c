/* A rules file as JSON: {"format": "smtpwatch-rules", "version": 1,
 * "rules": [{...}, ...]}, or only the array. cJSON reads it; since cJSON
 * keeps no positions, a scan of the text (aware of strings and their
 * escapes) finds the line each element of the rules array starts on, so
 * that every problem names the line of its rule. */
#include "rule_file.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "sw_array.h"

/* The lines the elements of the rules array start on, in order. */
struct lines {
  unsigned *at;
  size_t n, cap;
};

static bool add_line(struct lines *l, unsigned line)
{
  unsigned *at = sw_array_grow(l->at, &l->cap, l->n, sizeof *at, 64);
  if (!at)
    return false;
  l->at = at;
  l->at[l->n++] = line;
  return true;
}

/* Scans JSON that cJSON has accepted: the rules array is the top value
 * (`top_array`) or the value of the top object's key "rules". */
static bool scan_lines(const char *s, size_t len, bool top_array, struct lines *out)
{
  int depth = 0, rules_depth = top_array ? 1 : -1;
  unsigned line = 1;
  bool in_element = false;
  const char *key = "";
  size_t key_len = 0;
  for (size_t i = 0; i < len; i++) {
    char ch = s[i];
    if (ch == '\n')
      line++;
    if (strchr(" \t\r\n", ch))
      continue;
    if (depth == rules_depth && !in_element && ch != ']' && ch != ',') {
      in_element = true;
      if (!add_line(out, line))
        return false;
    }
    if (ch == '"') {
      size_t start = ++i;
      while (i < len && s[i] != '"')
        i += s[i] == '\\' ? 2 : 1; /* valid JSON has no raw line break in a string */
      if (depth == 1) {
        key = s + start;
        key_len = i - start;
      }
    } else if (ch == '{' || ch == '[') {
      depth++;
      if (ch == '[' && depth == 2 && rules_depth == -1 && key_len == 5 &&
          !memcmp(key, "rules", 5))
        rules_depth = 2;
    } else if (ch == '}' || ch == ']') {
      if (depth == rules_depth)
        rules_depth = -2; /* the array ended: nothing after it is a rule */
      depth--;
    } else if (ch == ',' && depth == rules_depth) {
      in_element = false;
    }
  }
  return true;
}

static const char *json_type(const cJSON *v)
{
  return cJSON_IsString(v)   ? "a string"
         : cJSON_IsNumber(v) ? "a number"
         : cJSON_IsBool(v)   ? "true or false"
         : cJSON_IsNull(v)   ? "null"
         : cJSON_IsArray(v)  ? "an array"
                             : "an object";
}

/* One member of a rule object, checked for its type and set. */
static void read_member(struct sw__rule_file_reader *r, struct sw_rule_file_row *row,
                        enum sw_rule_field f, const cJSON *v)
{
  const char *key = sw_rule_file_key(f), *want = NULL;
  char num[32];
  switch (sw__rule_file_kind(f)) {
  case SW__RULE_FILE_NUMBER:
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
        fabs(v->valuedouble) > 9e15)
      want = "a whole number";
    else
      snprintf(num, sizeof num, "%.0f", v->valuedouble);
    break;
  case SW__RULE_FILE_BOOL:
    if (!cJSON_IsBool(v))
      want = "true or false";
    else
      snprintf(num, sizeof num, "%s", cJSON_IsTrue(v) ? "true" : "false");
    break;
  default:
    if (!cJSON_IsString(v) && !cJSON_IsNull(v))
      want = "a string";
    break;
  }
  if (want)
    sw__rule_file_fail(r, row->line, "rule \"%s\": \"%s\" must be %s, not %s.",
                       row->rule.name ? row->rule.name : "", key, want, json_type(v));
  else
    sw__rule_file_set(r, row, f,
                      cJSON_IsString(v) ? v->valuestring
                      : cJSON_IsNull(v) ? ""
                                        : num);
}

/* One element of the rules array, which starts on `line`. */
static void read_rule(struct sw__rule_file_reader *r, const cJSON *obj, unsigned line)
{
  if (!cJSON_IsObject(obj)) {
    sw__rule_file_fail(r, line, "a rule must be a JSON object ({\"name\": ...}), not %s.",
                       json_type(obj));
    return;
  }
  struct sw_rule_file_row *row = sw__rule_file_row(r, line);
  if (!row)
    return;
  /* The name first, so that every sentence about this rule can name it. */
  const cJSON *name = cJSON_GetObjectItemCaseSensitive(obj, "name");
  if (name)
    read_member(r, row, SW_RULE_FIELD_NAME, name);
  uint64_t seen = 0;
  for (const cJSON *m = obj->child; m; m = m->next) {
    enum sw_rule_field f;
    if (!sw_rule_file_field(m->string, &f)) {
      sw__rule_file_fail(
          r, line,
          "\"%s\" is not a key of a rules file (see docs/import-export.md; "
          "'smtpwatch rules export' writes them all).",
          m->string);
      continue;
    }
    if (seen & SW_RULE_FIELD_BIT(f))
      sw__rule_file_fail(r, line, "\"%s\" is given twice in one rule.", m->string);
    else if (f != SW_RULE_FIELD_NAME)
      read_member(r, row, f, m);
    seen |= SW_RULE_FIELD_BIT(f);
  }
}

/* The top object's members besides "rules": its format and version. */
static const cJSON *rules_of(struct sw__rule_file_reader *r, const cJSON *top)
{
  if (cJSON_IsArray(top))
    return top;
  const cJSON *rules = NULL;
  for (const cJSON *m = top->child; m; m = m->next) {
    if (!strcmp(m->string, "rules") && cJSON_IsArray(m) && !rules)
      rules = m;
    else if (!strcmp(m->string, "format") && cJSON_IsString(m) &&
             !strcmp(m->valuestring, SW_RULE_FILE_FORMAT))
      continue;
    else if (!strcmp(m->string, "version") && cJSON_IsNumber(m) &&
             m->valuedouble == floor(m->valuedouble) && m->valuedouble >= 1 &&
             m->valuedouble <= SW_RULE_FILE_VERSION)
      continue;
    else if (!strcmp(m->string, "version") && cJSON_IsNumber(m))
      sw__rule_file_fail(r, 0,
                         "The file is of version %g, which this SMTP Watch does not read "
                         "(it reads version %d): export it again with this version, or "
                         "update SMTP Watch.",
                         m->valuedouble, SW_RULE_FILE_VERSION);
    else
      sw__rule_file_fail(r, 0,
                         "\"%s\" at the top of the file is not what a rules file holds: "
                         "\"format\": \"" SW_RULE_FILE_FORMAT "\", \"version\": %d and "
                         "\"rules\": [...].",
                         m->string, SW_RULE_FILE_VERSION);
  }
  if (!rules && !r->nerrors)
    sw__rule_file_fail(r, 0, "The file has no \"rules\": [...] array.");
  return rules;
}

/* Line of s[pos], from 1. */
static unsigned line_at(const char *s, size_t pos)
{
  unsigned line = 1;
  for (size_t i = 0; i < pos; i++)
    line += s[i] == '\n';
  return line;
}

void sw__rule_file_read_json(struct sw__rule_file_reader *r, const char *data, size_t len)
{
  const char *end = NULL;
  cJSON *top = cJSON_ParseWithLengthOpts(data, len, &end, false);
  if (!top) {
    size_t pos = end && end >= data && end <= data + len ? (size_t)(end - data) : 0;
    sw__rule_file_fail(r, line_at(data, pos),
                       "the file is not valid JSON here (a missing comma, quote or "
                       "bracket?).");
    return;
  }
  for (const char *p = end; p && p < data + len; p++)
    if (!strchr(" \t\r\n", *p) || !*p) {
      sw__rule_file_fail(r, line_at(data, (size_t)(p - data)),
                         "there is more after the end of the JSON document.");
      break;
    }
  const cJSON *rules = r->nerrors ? NULL : rules_of(r, top);
  struct lines lines = {0};
  if (rules && !scan_lines(data, len, cJSON_IsArray(top), &lines))
    r->nomem = SW_E_NOMEM;
  size_t i = 0;
  for (const cJSON *e = rules ? rules->child : NULL; e && !r->nomem; e = e->next, i++)
    read_rule(r, e, i < lines.n ? lines.at[i] : 0);
  free(lines.at);
  cJSON_Delete(top);
}
