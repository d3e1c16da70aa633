/* `smtpwatch rules export` and `rules import` (docs/import-export.md):
 * the service's rules as a file, and a file made the service's rules, all
 * or nothing. The file is read and checked here, row by row, before
 * anything is sent; the service checks every row again against what it
 * keeps (secrets, names), and carries the import out in one transaction. */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_pipe.h"
#include "console_out.h"
#include "rule_import.h"
#include "secret_file.h"
#include "win_error.h"
#include "win_text.h"

/* How long the service may take to commit an import: a transaction of
 * 100,000 rules takes seconds, more on a slow disk. */
#define IMPORT_TIMEOUT_MS 300000u
/* Problems of a file listed before "... and N more". */
#define FILE_ERRORS_SHOWN 50

static int export_rules(struct sw_cli_conn *c, const struct sw_manage_args *a)
{
  struct sw_manage_rules rules = {0};
  struct sw_manage_page page = {0};
  enum sw_error err = SW_E_OK;
  int code;
  do {
    code = sw_cli_pipe_page(c, SW_PIPE_MSG_RULE_LIST, SW_PIPE_MSG_RULE_LIST_OK,
                            page.last_key);
    int64_t after = page.last_key;
    if (!code)
      err = sw_manage_rules_page(c->reply.frame.body, c->reply.frame.body_len, &rules,
                                 &page);
    if (!code && !err && page.more && page.last_key <= after)
      err = SW_E_INVALID_ARGUMENT; /* a page that does not move on */
  } while (!code && !err && page.more);
  struct sw_buf out;
  sw_buf_init(&out, 0);
  if (!code && !err)
    err = sw_rule_file_write(rules.items, rules.count, a->format == SW_TABLE_JSON, &out);
  if (!code && err == SW_E_INVALID_ARGUMENT)
    code = sw_cli_not_understood(c);
  else if (!code && err) {
    sw_cli_say(c, "%s.", sw_error_text(err));
    code = SW_MANAGE_EXIT_UNREACHABLE;
  }
  if (!code)
    code = sw_cli_print(&out, a->format);
  sw_buf_free(&out);
  sw_manage_rules_free(&rules);
  return code;
}

/* The whole of file `path` into *out; false after a sentence on stderr. */
static bool read_file(struct sw_cli_conn *c, const char *path, struct sw_buf *out)
{
  char why[600];
  HANDLE h = sw_cli_open_file(path, "", why, sizeof why);
  if (!h) {
    sw_cli_say(c, "%s", why);
    return false;
  }
  char chunk[65536];
  DWORD got = 0;
  bool ok = true;
  while (ok && (ok = ReadFile(h, chunk, sizeof chunk, &got, NULL)) && got) {
    if (out->len + got > SW_RULE_FILE_MAX_BYTES || sw_buf_append(out, chunk, got)) {
      sw_cli_say(c, "%s is larger than %u MiB, or memory ran out reading it.", path,
                 SW_RULE_FILE_MAX_BYTES >> 20);
      CloseHandle(h);
      return false;
    }
  }
  DWORD err = GetLastError();
  CloseHandle(h);
  if (!ok) {
    sw_win_error_sentence(why, sizeof why, err, "could not read %s", path);
    sw_cli_say(c, "%s", why);
  }
  return ok;
}

/* Reads and checks the file; false after its problems, each on a line of
 * its own naming the file and the line. */
static bool read_rules(struct sw_cli_conn *c, const char *path, struct sw_rule_file *f)
{
  struct sw_buf data, errors;
  sw_buf_init(&data, 0);
  sw_buf_init(&errors, 0);
  bool ok = read_file(c, path, &data);
  enum sw_error err = SW_E_OK;
  if (ok)
    err = sw_rule_file_read(data.data ? data.data : "", data.len, FILE_ERRORS_SHOWN, f,
                            &errors);
  if (ok && err == SW_E_NOMEM) {
    sw_cli_say(c, "%s.", sw_error_text(err));
    ok = false;
  } else if (ok && err) {
    sw_cli_say(c, "%s is not imported, nothing was changed:", path);
    const char *line = sw_buf_str(&errors);
    while (*line) {
      const char *end = strchr(line, '\n');
      size_t n = end ? (size_t)(end - line) : strlen(line);
      sw_console_printf(stderr, "%s: %.*s\n", path, (int)n, line);
      line += n + (end != NULL);
    }
    ok = false;
  }
  sw_buf_free(&data);
  sw_buf_free(&errors);
  return ok;
}

/* IMPORT_ROWS until every row is staged, then IMPORT_COMMIT. */
static int send_import(struct sw_cli_conn *c, const struct sw_manage_args *a,
                       const struct sw_rule_file *f)
{
  struct sw_buf fields;
  sw_buf_init(&fields, 0);
  int code = SW_MANAGE_EXIT_OK;
  size_t next = 0;
  do {
    fields.len = 0;
    sw_manage_import_rows(f, &next, &fields);
    code =
        sw_cli_pipe_call(c, SW_PIPE_MSG_IMPORT_ROWS, &fields, SW_PIPE_MSG_IMPORT_ROWS_OK);
  } while (!code && next < f->count);
  if (!code) {
    fields.len = 0;
    sw_tlv_put_bool(&fields, SW_PIPE_TAG_IMPORT_DRY_RUN, a->dry_run);
    sw_tlv_put_bool(&fields, SW_PIPE_TAG_IMPORT_REPLACE, a->replace);
    code = sw_cli_pipe_call(c, SW_PIPE_MSG_IMPORT_COMMIT, &fields, SW_PIPE_MSG_IMPORT_OK);
  }
  sw_buf_free(&fields);
  return code;
}

static int import_rules(struct sw_cli_conn *c0, const struct sw_manage_args *a)
{
  struct sw_rule_file f;
  if (!read_rules(c0, a->file, &f))
    return SW_MANAGE_EXIT_REFUSED;
  /* The commit may take minutes: a connection of its own with a timeout
   * to match; the import is staged on it and dropped if it breaks. */
  struct sw_cli_conn c;
  int code = sw_cli_pipe_open(&c, c0->command, 0, IMPORT_TIMEOUT_MS);
  if (!code)
    code = send_import(&c, a, &f);
  struct sw_manage_import_result r;
  enum sw_error err = SW_E_OK;
  if (!code && (err = sw_manage_import_read(c.reply.frame.body, c.reply.frame.body_len,
                                            &r)) != SW_E_OK)
    code = sw_cli_not_understood(&c);
  if (!code) {
    struct sw_buf out;
    sw_buf_init(&out, 0);
    err = sw_manage_import_text(&f, &r, a->format == SW_TABLE_JSON, a->dry_run, &out);
    code = err ? SW_MANAGE_EXIT_UNREACHABLE : sw_cli_print(&out, a->format);
    sw_buf_free(&out);
    sw_manage_import_result_free(&r);
  }
  sw_cli_pipe_close(&c);
  sw_rule_file_free(&f);
  return code;
}

const struct sw_cli_command sw_cli_rules_io_commands[] = {
    {SW_MANAGE_RULES_EXPORT, false, export_rules},
    {SW_MANAGE_RULES_IMPORT, false, import_rules},
    {0, false, NULL},
};
