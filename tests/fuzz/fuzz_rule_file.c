/* libFuzzer target for the rules files of `smtpwatch rules import`
 * (common/manage/rule_file*.c): any bytes, read as JSON or CSV as the
 * reader decides. Invariants: no crash, no leak, no read outside the input
 * (ASan); a refused file yields no rows and at least one problem; an
 * accepted file, written again in either form, reads back to the same
 * rules in the same order. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rule_file.h"

/* Checked whatever NDEBUG says. */
#define CHECK(x)                                                                         \
  do {                                                                                   \
    if (!(x))                                                                            \
      abort();                                                                           \
  } while (0)

static void write_and_read_back(const struct sw_rule_file *f, bool json)
{
  struct sw_rule *rules = malloc((f->count ? f->count : 1) * sizeof *rules);
  CHECK(rules);
  for (size_t i = 0; i < f->count; i++)
    rules[i] = f->rows[i].rule; /* borrowed */
  struct sw_buf out, errors;
  sw_buf_init(&out, 0);
  sw_buf_init(&errors, 0);
  CHECK(sw_rule_file_write(rules, f->count, json, &out) == SW_E_OK);
  struct sw_rule_file again;
  CHECK(sw_rule_file_read(out.data ? out.data : "", out.len, 10, &again, &errors) ==
        SW_E_OK);
  CHECK(again.count == f->count);
  for (size_t i = 0; i < f->count; i++)
    CHECK(sw_rule_diff(&again.rows[i].rule, &rules[i]) == 0);
  sw_rule_file_free(&again);
  sw_buf_free(&out);
  sw_buf_free(&errors);
  free(rules);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct sw_rule_file f;
  struct sw_buf errors;
  sw_buf_init(&errors, 0);
  enum sw_error err = sw_rule_file_read((const char *)data, size, 10, &f, &errors);
  if (err == SW_E_INVALID_ARGUMENT) {
    CHECK(f.count == 0 && f.rows == NULL);
    CHECK(errors.len > 0);
  } else if (err == SW_E_OK) {
    write_and_read_back(&f, true);
    write_and_read_back(&f, false);
  }
  sw_rule_file_free(&f);
  sw_buf_free(&errors);
  return 0;
}
