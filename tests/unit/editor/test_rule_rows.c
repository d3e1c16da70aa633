/* The editor's rule list without a window: what a row keeps of a status,
 * what each cell of a row says, which icon its state gets, how every
 * column sorts (both ways, ties by rule id), finding a rule's row after a
 * refresh and a re-sort, what a refused refresh leaves, and 10,000 rows
 * in order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cert_expiry.h"
#include "pipe_protocol.h"
#include "rule_rows.h"
#include "rule_rows_ids.h"
#include "sw_buf.h"
#include "pipe_tlv.h"

/* 2024-05-01 12:03:22 UTC */
#define T0 INT64_C(1714565002000)

static char *dup_text(const char *s)
{
  if (!s)
    return NULL;
  size_t n = strlen(s) + 1;
  char *out = malloc(n);
  assert_non_null(out);
  memcpy(out, s, n);
  return out;
}

/* A time zone two hours east of UTC, as the editor's would be. */
static void local_plus_two(int64_t unix_ms, char *out, size_t size)
{
  char text[40];
  sw_utc_format(unix_ms / 1000 + 7200, text, sizeof text);
  text[19] = '\0'; /* drop " UTC" */
  snprintf(out, size, "%s", text);
}

struct spec {
  int64_t id;
  const char *name, *host;
  uint16_t port;
  bool enabled;
  const char *state; /* NULL: pending (no state yet) */
  uint32_t failures;
  int64_t total_us; /* < 0: no result */
  int64_t at_ms;
  const char *message;
};

static void fill(struct sw_pipe_status *s, const struct spec *sp)
{
  sw_pipe_status_init(s);
  s->rule_id = sp->id;
  s->name = dup_text(sp->name);
  s->host = dup_text(sp->host ? sp->host : "mail.example.com");
  s->port = sp->port ? sp->port : 25;
  s->enabled = sp->enabled;
  if (sp->state) {
    s->has_state = true;
    assert_true(sw_nagios_status_from_text(sp->state, strlen(sp->state), &s->state));
    s->failures = sp->failures;
    s->since_ms = sp->at_ms;
    s->last_result_at_ms = sp->at_ms;
  }
  if (sp->total_us >= 0 && sp->state) {
    s->has_result = true;
    s->last.rule_id = sp->id;
    s->last.started_at_ms = sp->at_ms;
    s->last.check.total_us = sp->total_us;
    snprintf(s->last.message, sizeof s->last.message, "%s",
             sp->message ? sp->message : "");
  }
}

/* Encodes `s` as the service does and decodes it as the editor does, in
 * place. */
static void through_the_wire(struct sw_pipe_status *s)
{
  struct sw_buf wire;
  sw_buf_init(&wire, SW_PIPE_FRAME_MAX);
  sw_pipe_put_status(&wire, s);
  sw_pipe_status_free(s);
  struct sw_tlv_reader rd;
  struct sw_tlv_field f;
  sw_tlv_reader_init(&rd, (const uint8_t *)wire.data, wire.len);
  assert_true(sw_tlv_next(&rd, &f));
  assert_int_equal(sw_pipe_get_status(&rd, s), SW_E_OK);
  sw_buf_free(&wire);
}

/* A row made as the editor makes it: from a whole status, which is
 * freed at once. */
static void make_row(struct sw_rule_row *row, const struct spec *sp)
{
  struct sw_pipe_status s;
  fill(&s, sp);
  assert_int_equal(sw_rule_row_from_status(row, &s), SW_E_OK);
  sw_pipe_status_free(&s);
}

/* New rows for replace (which takes them over). */
static struct sw_rule_row *rows_of(const struct spec *specs, size_t n)
{
  struct sw_rule_row *out = calloc(n ? n : 1, sizeof *out);
  assert_non_null(out);
  for (size_t i = 0; i < n; i++)
    make_row(&out[i], &specs[i]);
  return out;
}

static const struct spec five[] = {
    {1, "Relay", "mail.example.com", 587, true, "OK", 0, 153400, T0, "250 OK"},
    {2, "backup mx", "2001:db8::1", 25, true, "CRITICAL", 3, 7000000, T0 + 60000,
     "Connection refused"},
    {3, "Archive", "archive.example.com", 25, false, NULL, 0, -1, 0, NULL},
    {4, "Zeta", "zeta.example.com", 2525, true, NULL, 0, -1, 0, NULL},
    {5, "relay", "mail.example.com", 25, true, "WARNING", 0, 1999, T0 - 60000,
     "421 Try again later\r\nsecond line"},
};
#define FIVE (sizeof five / sizeof five[0])

static void load(struct sw_rule_rows *r, const struct spec *specs, size_t n)
{
  assert_int_equal(sw_rule_rows_replace(r, rows_of(specs, n), n), SW_E_OK);
}

static const char *cell(const struct sw_rule_rows *r, int64_t rule_id,
                        enum sw_rule_column column)
{
  static char text[600];
  size_t row;
  assert_true(sw_rule_rows_find(r, rule_id, &row));
  sw_rule_rows_cell(r, row, column, text, sizeof text);
  return text;
}

static void empty_list(void **state)
{
  (void)state;
  struct sw_rule_rows r;
  sw_rule_rows_init(&r, local_plus_two);
  char text[64] = "x";
  size_t row = 99;
  assert_int_equal(sw_rule_rows_count(&r), 0);
  assert_null(sw_rule_rows_at(&r, 0));
  assert_false(sw_rule_rows_find(&r, 1, &row));
  sw_rule_rows_cell(&r, 0, SW_RULE_COL_NAME, text, sizeof text);
  assert_string_equal(text, "");
  assert_int_equal(sw_rule_rows_icon(&r, 0), SW_RULE_ICON_UNKNOWN);
  sw_rule_rows_summary(&r, text, sizeof text);
  assert_string_equal(text, "No rules");
  /* An empty refresh empties a full list. */
  load(&r, five, FIVE);
  assert_int_equal(sw_rule_rows_replace(&r, NULL, 0), SW_E_OK);
  assert_int_equal(sw_rule_rows_count(&r), 0);
  sw_rule_rows_free(&r);
}

static void cells_say_what_a_user_reads(void **state)
{
  (void)state;
  struct sw_rule_rows r;
  sw_rule_rows_init(&r, local_plus_two);
  load(&r, five, FIVE);
  assert_int_equal(sw_rule_rows_count(&r), FIVE);

  assert_string_equal(cell(&r, 1, SW_RULE_COL_NAME), "Relay");
  assert_string_equal(cell(&r, 1, SW_RULE_COL_SERVER), "mail.example.com:587");
  assert_string_equal(cell(&r, 2, SW_RULE_COL_SERVER), "[2001:db8::1]:25");
  assert_string_equal(cell(&r, 1, SW_RULE_COL_STATE), "OK");
  assert_string_equal(cell(&r, 2, SW_RULE_COL_STATE), "CRITICAL");
  assert_string_equal(cell(&r, 3, SW_RULE_COL_STATE), "Disabled");
  assert_string_equal(cell(&r, 4, SW_RULE_COL_STATE), "Pending");
  assert_string_equal(cell(&r, 5, SW_RULE_COL_STATE), "WARNING");
  /* Rounded to the millisecond. */
  assert_string_equal(cell(&r, 1, SW_RULE_COL_RESPONSE), "153 ms");
  assert_string_equal(cell(&r, 2, SW_RULE_COL_RESPONSE), "7000 ms");
  assert_string_equal(cell(&r, 5, SW_RULE_COL_RESPONSE), "2 ms");
  assert_string_equal(cell(&r, 4, SW_RULE_COL_RESPONSE), "");
  /* Local time from the caller's function; nothing for never. */
  assert_string_equal(cell(&r, 1, SW_RULE_COL_LAST_CHECK), "2024-05-01 14:03:22");
  assert_string_equal(cell(&r, 2, SW_RULE_COL_LAST_CHECK), "2024-05-01 14:04:22");
  assert_string_equal(cell(&r, 3, SW_RULE_COL_LAST_CHECK), "");
  assert_string_equal(cell(&r, 1, SW_RULE_COL_MESSAGE), "250 OK");
  /* One line in a list: line breaks shown as " / ". */
  assert_string_equal(cell(&r, 5, SW_RULE_COL_MESSAGE),
                      "421 Try again later / second line");
  assert_string_equal(cell(&r, 4, SW_RULE_COL_MESSAGE), "");

  assert_int_equal(sw_rule_rows_icon(&r, 0),
                   sw_rule_rows_state_icon(sw_rule_rows_at(&r, 0)));
  size_t row;
  assert_true(sw_rule_rows_find(&r, 1, &row));
  assert_int_equal(sw_rule_rows_icon(&r, row), SW_RULE_ICON_OK);
  assert_true(sw_rule_rows_find(&r, 2, &row));
  assert_int_equal(sw_rule_rows_icon(&r, row), SW_RULE_ICON_CRITICAL);
  assert_true(sw_rule_rows_find(&r, 3, &row));
  assert_int_equal(sw_rule_rows_icon(&r, row), SW_RULE_ICON_DISABLED);
  assert_true(sw_rule_rows_find(&r, 4, &row));
  assert_int_equal(sw_rule_rows_icon(&r, row), SW_RULE_ICON_PENDING);
  assert_true(sw_rule_rows_find(&r, 5, &row));
  assert_int_equal(sw_rule_rows_icon(&r, row), SW_RULE_ICON_WARNING);
  sw_rule_rows_free(&r);
}

static void states_and_their_icons(void **state)
{
  (void)state;
  static const struct spec specs[] = {
      {1, "a", NULL, 0, true, "UNKNOWN", 0, 10, T0, "cancelled"},
      {2, "b", NULL, 0, true, "OK", 1, 10, T0, "Connection refused"},
      {3, "c", NULL, 0, true, "OK", 2, 10, T0, "Connection refused"},
      /* A disabled rule keeps its last state, but is shown as disabled. */
      {4, "d", NULL, 0, false, "CRITICAL", 5, 10, T0, "x"},
  };
  struct sw_rule_rows r;
  sw_rule_rows_init(&r, local_plus_two);
  load(&r, specs, 4);
  assert_string_equal(cell(&r, 1, SW_RULE_COL_STATE), "UNKNOWN");
  assert_string_equal(cell(&r, 2, SW_RULE_COL_STATE), "OK (1 failure)");
  assert_string_equal(cell(&r, 3, SW_RULE_COL_STATE), "OK (2 failures)");
  assert_string_equal(cell(&r, 4, SW_RULE_COL_STATE), "Disabled");
  size_t row;
  assert_true(sw_rule_rows_find(&r, 1, &row));
  assert_int_equal(sw_rule_rows_icon(&r, row), SW_RULE_ICON_UNKNOWN);
  assert_true(sw_rule_rows_find(&r, 3, &row));
  assert_int_equal(sw_rule_rows_icon(&r, row), SW_RULE_ICON_OK);
  assert_true(sw_rule_rows_find(&r, 4, &row));
  assert_int_equal(sw_rule_rows_icon(&r, row), SW_RULE_ICON_DISABLED);
  sw_rule_rows_free(&r);
}

/* What holds a rule's alerts follows its state, as the service reported
 * it in STATUS (protocol version 2), through the wire and into the row. */
static void held_and_acknowledged_states_say_so(void **state)
{
  (void)state;
  static const struct spec specs[] = {
      {1, "relay", NULL, 0, true, "CRITICAL", 3, 10, T0, "refused"},
      {2, "backup", NULL, 0, true, "OK", 0, 10, T0, "250 OK"},
      {3, "behind", NULL, 0, true, "WARNING", 0, 10, T0, "slow"},
      {4, "both", NULL, 0, true, "CRITICAL", 0, 10, T0, "x"},
      {5, "orphan", NULL, 0, true, "CRITICAL", 0, 10, T0, "x"},
  };
  struct sw_rule_row *rows = calloc(5, sizeof *rows);
  assert_non_null(rows);
  for (size_t i = 0; i < 5; i++) {
    struct sw_pipe_status s;
    fill(&s, &specs[i]);
    if (i == 0 || i == 3) {
      s.ack_at_ms = T0;
      s.ack_by = dup_text("HOST\\admin");
      s.ack_comment = dup_text("on it");
    }
    if (i == 1 || i == 3)
      s.held = SW_PIPE_HOLD_MAINTENANCE;
    if (i == 4) /* its server changed: Accept changes */
      s.drift = dup_text("STARTTLS is no longer offered");
    if (i == 2 || i == 4) {
      s.held = SW_PIPE_HOLD_UNREACHABLE;
      s.held_parent_id = 9;
      s.held_parent_name = i == 2 ? dup_text("Firewall proxy") : NULL;
    }
    through_the_wire(&s); /* what the editor decodes is what it shows */
    assert_int_equal(sw_rule_row_from_status(&rows[i], &s), SW_E_OK);
    sw_pipe_status_free(&s);
  }
  struct sw_rule_rows r;
  sw_rule_rows_init(&r, local_plus_two);
  assert_int_equal(sw_rule_rows_replace(&r, rows, 5), SW_E_OK);
  assert_string_equal(cell(&r, 1, SW_RULE_COL_STATE), "CRITICAL, acknowledged");
  assert_string_equal(cell(&r, 2, SW_RULE_COL_STATE), "OK, maintenance");
  assert_string_equal(cell(&r, 3, SW_RULE_COL_STATE),
                      "WARNING, unreachable (depends on Firewall proxy)");
  assert_string_equal(cell(&r, 4, SW_RULE_COL_STATE),
                      "CRITICAL, acknowledged, maintenance");
  assert_string_equal(cell(&r, 5, SW_RULE_COL_STATE), "CRITICAL, unreachable");
  size_t row;
  assert_true(sw_rule_rows_find(&r, 1, &row));
  assert_true(sw_rule_rows_at(&r, row)->acknowledged);
  assert_false(sw_rule_rows_at(&r, row)->drifted);
  assert_true(sw_rule_rows_find(&r, 5, &row));
  assert_true(sw_rule_rows_at(&r, row)->drifted);
  assert_true(sw_rule_rows_find(&r, 1, &row));
  /* The icon is still the state's: a held rule is still red. */
  assert_int_equal(sw_rule_rows_icon(&r, row), SW_RULE_ICON_CRITICAL);
  assert_true(sw_rule_rows_find(&r, 2, &row));
  assert_false(sw_rule_rows_at(&r, row)->acknowledged);
  /* Acknowledge takes an acknowledgement back, acknowledges a bad state,
   * and does nothing to an OK, pending or disabled rule. */
  assert_int_equal(sw_rule_rows_ack_action(sw_rule_rows_at(&r, row)), SW_RULE_ACK_NONE);
  assert_true(sw_rule_rows_find(&r, 1, &row));
  assert_int_equal(sw_rule_rows_ack_action(sw_rule_rows_at(&r, row)), SW_RULE_ACK_UNACK);
  assert_true(sw_rule_rows_find(&r, 3, &row));
  assert_int_equal(sw_rule_rows_ack_action(sw_rule_rows_at(&r, row)), SW_RULE_ACK_ACK);
  assert_int_equal(sw_rule_rows_ack_action(NULL), SW_RULE_ACK_NONE);
  assert_true(sw_rule_rows_find(&r, 2, &row));
  /* Cut short, the text still ends between characters. */
  char small[12];
  sw_rule_rows_cell(&r, row, SW_RULE_COL_STATE, small, sizeof small);
  assert_string_equal(small, "OK, mainten");
  sw_rule_rows_free(&r);
}

static void times_without_a_local_zone_are_utc(void **state)
{
  (void)state;
  struct sw_rule_rows r;
  sw_rule_rows_init(&r, NULL);
  load(&r, five, FIVE);
  assert_string_equal(cell(&r, 1, SW_RULE_COL_LAST_CHECK), "2024-05-01 12:03:22 UTC");
  sw_rule_rows_free(&r);
}

static void every_column_sorts_both_ways(void **state)
{
  (void)state;
  struct sw_rule_rows r;
  sw_rule_rows_init(&r, local_plus_two);
  load(&r, five, FIVE);
  /* The default: by name ascending, case-insensitive, ties by id
   * ("Relay" 1 and "relay" 5). */
  assert_string_equal(ids(&r), "3,2,1,5,4");
  sw_rule_rows_sort(&r, SW_RULE_COL_NAME, true);
  assert_string_equal(ids(&r), "4,1,5,2,3");
  /* Server: host, then port as a number. */
  sw_rule_rows_sort(&r, SW_RULE_COL_SERVER, false);
  assert_string_equal(ids(&r), "2,3,5,1,4");
  sw_rule_rows_sort(&r, SW_RULE_COL_SERVER, true);
  assert_string_equal(ids(&r), "4,1,5,3,2");
  /* State by severity; descending shows the worst first. */
  sw_rule_rows_sort(&r, SW_RULE_COL_STATE, false);
  assert_string_equal(ids(&r), "3,4,1,5,2");
  sw_rule_rows_sort(&r, SW_RULE_COL_STATE, true);
  assert_string_equal(ids(&r), "2,5,1,4,3");
  /* Never checked first (ties by id), then by time. */
  sw_rule_rows_sort(&r, SW_RULE_COL_RESPONSE, false);
  assert_string_equal(ids(&r), "3,4,5,1,2");
  sw_rule_rows_sort(&r, SW_RULE_COL_RESPONSE, true);
  assert_string_equal(ids(&r), "2,1,5,3,4");
  sw_rule_rows_sort(&r, SW_RULE_COL_LAST_CHECK, false);
  assert_string_equal(ids(&r), "3,4,5,1,2");
  sw_rule_rows_sort(&r, SW_RULE_COL_LAST_CHECK, true);
  assert_string_equal(ids(&r), "2,1,5,3,4");
  sw_rule_rows_sort(&r, SW_RULE_COL_MESSAGE, false);
  assert_string_equal(ids(&r), "3,4,1,5,2");
  sw_rule_rows_sort(&r, SW_RULE_COL_MESSAGE, true);
  assert_string_equal(ids(&r), "2,5,1,3,4");
  assert_int_equal(r.sort_column, SW_RULE_COL_MESSAGE);
  assert_true(r.descending);
  sw_rule_rows_free(&r);
}

static void numbers_in_text_sort_by_value(void **state)
{
  (void)state;
  static const struct spec specs[] = {
      {1, "relay 10", "10.0.0.10", 25, true, "OK", 0, 10, T0, "451 4.3.0 try 2"},
      {2, "relay 9", "10.0.0.9", 25, true, "OK", 0, 10, T0, "451 4.3.0 try 10"},
      {3, "Relay 009", "10.0.0.9", 587, true, "OK", 0, 10, T0, "451 4.3.0 try 1"},
      {4, "relay 100", "10.0.1.1", 25, true, "OK", 0, 10, T0, "451 4.3.0 try"},
      {5, "relay 9a", "mx2.example.com", 25, true, "OK", 0, 10, T0, "ok"},
      {6, "relay", "mx10.example.com", 25, true, "OK", 0, 10, T0, "OK"},
  };
  struct sw_rule_rows r;
  sw_rule_rows_init(&r, local_plus_two);
  load(&r, specs, 6);
  /* "relay 9" and "Relay 009" are equal: rule id decides. */
  assert_string_equal(ids(&r), "6,2,3,5,1,4");
  sw_rule_rows_sort(&r, SW_RULE_COL_SERVER, false);
  assert_string_equal(ids(&r), "2,3,1,4,5,6");
  sw_rule_rows_sort(&r, SW_RULE_COL_MESSAGE, false);
  assert_string_equal(ids(&r), "4,3,1,2,5,6");
  sw_rule_rows_free(&r);
}

static void ok_with_failures_sorts_after_plain_ok(void **state)
{
  (void)state;
  static const struct spec specs[] = {
      {1, "a", NULL, 0, true, "OK", 2, 10, T0, ""},
      {2, "b", NULL, 0, true, "OK", 0, 10, T0, ""},
      {3, "c", NULL, 0, true, "WARNING", 0, 10, T0, ""},
      {4, "d", NULL, 0, true, "OK", 1, 10, T0, ""},
  };
  struct sw_rule_rows r;
  sw_rule_rows_init(&r, local_plus_two);
  load(&r, specs, 4);
  sw_rule_rows_sort(&r, SW_RULE_COL_STATE, false);
  assert_string_equal(ids(&r), "2,4,1,3");
  sw_rule_rows_free(&r);
}

static void a_refresh_keeps_the_sort_and_find_follows_rows(void **state)
{
  (void)state;
  struct sw_rule_rows r;
  sw_rule_rows_init(&r, local_plus_two);
  load(&r, five, FIVE);
  sw_rule_rows_sort(&r, SW_RULE_COL_STATE, true);
  /* The next refresh: rule 2 recovered, rule 4 was deleted, rule 6 added,
   * and (whatever the service's habit) not in id order. */
  struct spec next[] = {five[4],
                        five[2],
                        five[1],
                        five[0],
                        {6, "New", NULL, 0, true, "CRITICAL", 2, 5, T0, "x"}};
  next[2].state = "OK";
  next[2].failures = 0;
  load(&r, next, 5);
  assert_int_equal(r.sort_column, SW_RULE_COL_STATE);
  assert_string_equal(ids(&r), "6,5,1,2,3");
  for (size_t row = 0; row < sw_rule_rows_count(&r); row++) {
    size_t found = 99;
    assert_true(sw_rule_rows_find(&r, sw_rule_rows_at(&r, row)->rule_id, &found));
    assert_int_equal(found, row);
  }
  size_t row;
  assert_false(sw_rule_rows_find(&r, 4, &row));
  assert_false(sw_rule_rows_find(&r, 0, &row));
  assert_false(sw_rule_rows_find(&r, 7, &row));
  sw_rule_rows_free(&r);
}

static void a_refresh_with_duplicate_ids_is_refused(void **state)
{
  (void)state;
  struct sw_rule_rows r;
  sw_rule_rows_init(&r, local_plus_two);
  load(&r, five, FIVE);
  const struct spec twice[] = {five[1], five[0], five[1]};
  assert_int_equal(sw_rule_rows_replace(&r, rows_of(twice, 3), 3), SW_E_INVALID_ARGUMENT);
  /* The old rows stay (and the refused ones were freed: ASan says). */
  assert_int_equal(sw_rule_rows_count(&r), FIVE);
  assert_string_equal(cell(&r, 4, SW_RULE_COL_NAME), "Zeta");
  sw_rule_rows_free(&r);
  /* Free twice is fine: the rows are empty. */
  sw_rule_rows_free(&r);
  assert_int_equal(sw_rule_rows_count(&r), 0);
}

static void cells_are_cut_between_characters(void **state)
{
  (void)state;
  static const struct spec specs[] = {
      {1, "Relais \xc3\xa9t\xc3\xa9", NULL, 0, true, "OK", 0, 10, T0, "tab\there\x01"},
  };
  struct sw_rule_rows r;
  sw_rule_rows_init(&r, local_plus_two);
  load(&r, specs, 1);
  char text[10];
  /* "Relais é" and its NUL need 10 bytes; with 9 the é goes, not half
   * of it. */
  sw_rule_rows_cell(&r, 0, SW_RULE_COL_NAME, text, 9);
  assert_string_equal(text, "Relais ");
  sw_rule_rows_cell(&r, 0, SW_RULE_COL_NAME, text, sizeof text);
  assert_string_equal(text, "Relais \xc3\xa9");
  char tiny[1] = {'x'};
  sw_rule_rows_cell(&r, 0, SW_RULE_COL_NAME, tiny, sizeof tiny);
  assert_int_equal(tiny[0], '\0');
  /* Other control characters become spaces. */
  assert_string_equal(cell(&r, 1, SW_RULE_COL_MESSAGE), "tab here ");
  /* Out of range: empty. */
  sw_rule_rows_cell(&r, 1, SW_RULE_COL_NAME, text, sizeof text);
  assert_string_equal(text, "");
  sw_rule_rows_free(&r);
}

static void the_summary_leads_with_the_worst(void **state)
{
  (void)state;
  struct sw_rule_rows r;
  sw_rule_rows_init(&r, local_plus_two);
  char text[128];
  load(&r, five, 1);
  sw_rule_rows_summary(&r, text, sizeof text);
  assert_string_equal(text, "1 rule: 1 OK");
  load(&r, five, FIVE);
  sw_rule_rows_summary(&r, text, sizeof text);
  assert_string_equal(text,
                      "5 rules: 1 CRITICAL, 1 WARNING, 1 OK, 1 pending, 1 disabled");
  /* Cut short, still terminated. */
  char small[12];
  sw_rule_rows_summary(&r, small, sizeof small);
  assert_string_equal(small, "5 rules: 1 ");
  sw_rule_rows_free(&r);
}

static void type_ahead_finds_names_from_the_focus_on(void **state)
{
  (void)state;
  struct sw_rule_rows r;
  sw_rule_rows_init(&r, local_plus_two);
  load(&r, five, FIVE);
  /* By name: Archive, backup mx, Relay (1), relay (5), Zeta. */
  size_t row = 99;
  assert_true(sw_rule_rows_find_prefix(&r, "REL", 0, &row));
  assert_int_equal(row, 2);
  /* Typing the same letter again moves on from the next row. */
  assert_true(sw_rule_rows_find_prefix(&r, "rel", 3, &row));
  assert_int_equal(row, 3);
  /* And wraps round to the top. */
  assert_true(sw_rule_rows_find_prefix(&r, "a", 1, &row));
  assert_int_equal(row, 0);
  assert_true(sw_rule_rows_find_prefix(&r, "backup m", 99, &row));
  assert_int_equal(row, 1);
  row = 99;
  assert_false(sw_rule_rows_find_prefix(&r, "relays", 0, &row));
  assert_false(sw_rule_rows_find_prefix(&r, "", 0, &row));
  assert_int_equal(row, 99);
  /* It follows the sort. */
  sw_rule_rows_sort(&r, SW_RULE_COL_NAME, true);
  assert_true(sw_rule_rows_find_prefix(&r, "r", 0, &row));
  assert_int_equal(row, 1);
  sw_rule_rows_free(&r);
  assert_false(sw_rule_rows_find_prefix(&r, "r", 0, &row));
}

/* 10,000 rules with few distinct values (so ties are everywhere): every
 * column, both ways, in order by its key and then by id. (How fast is
 * bench/'s question, not a test's.) */
static void ten_thousand_rows_sort_by_key_then_id(void **state)
{
  (void)state;
  enum { N = 10000 };
  struct sw_rule_row *st = calloc(N, sizeof *st);
  assert_non_null(st);
  static const char *const states[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN", NULL};
  for (int i = 0; i < N; i++) {
    char name[32], host[32], msg[32];
    snprintf(name, sizeof name, "Rule %d", (i * 7919) % 1000);
    snprintf(host, sizeof host, "mx%d.example.com", (i * 31) % 97);
    snprintf(msg, sizeof msg, "%d reply", 200 + (i * 13) % 300);
    struct spec sp = {i + 1,
                      name,
                      host,
                      (uint16_t)(25 + i % 3),
                      i % 11 != 0,
                      states[i % 5],
                      (uint32_t)(i % 3),
                      (i * 104729) % 5000000,
                      T0 + (i % 600) * 1000,
                      msg};
    make_row(&st[i], &sp);
  }
  struct sw_rule_rows r;
  sw_rule_rows_init(&r, local_plus_two);
  assert_int_equal(sw_rule_rows_replace(&r, st, N), SW_E_OK);
  for (int col = 0; col < SW_RULE_COL_COUNT; col++) {
    for (int desc = 0; desc < 2; desc++) {
      sw_rule_rows_sort(&r, (enum sw_rule_column)col, desc != 0);
      /* Compare each neighbouring pair by the cells' own order: resorting
       * the pair alone must not swap it. */
      for (size_t row = 1; row < N; row++) {
        const struct sw_rule_row *a = sw_rule_rows_at(&r, row - 1);
        const struct sw_rule_row *b = sw_rule_rows_at(&r, row);
        assert_true(a != b);
        struct sw_rule_row pair[2];
        memcpy(&pair[0], a, sizeof pair[0]);
        memcpy(&pair[1], b, sizeof pair[1]);
        struct sw_rule_rows two = r;
        size_t order[2] = {1, 0}, row_of[2];
        two.rows = pair;
        two.count = 2;
        two.order = order;
        two.row_of = row_of;
        sw_rule_rows_sort(&two, (enum sw_rule_column)col, desc != 0);
        if (order[0] != 0)
          fail_msg("column %d%s: rule %lld before rule %lld", col, desc ? " desc" : "",
                   (long long)a->rule_id, (long long)b->rule_id);
      }
    }
  }
  size_t row;
  assert_true(sw_rule_rows_find(&r, 5000, &row));
  assert_int_equal(sw_rule_rows_at(&r, row)->rule_id, 5000);
  sw_rule_rows_free(&r);
}

/* A row keeps what its columns show of a status decoded from the pipe,
 * and nothing else: it outlives the status, and is a fraction of its
 * size (10,000 statuses are 35 MB; their rows, well under 1 MB). */
static void a_row_keeps_what_the_list_shows_of_a_decoded_status(void **state)
{
  (void)state;
  struct sw_pipe_status s;
  fill(&s, &(struct spec){7, "Relay \xc3\xa9", "2001:db8::1", 587, true, "OK", 2, 153400,
                          T0, "250 2.0.0 OK\r\nsecond line"});
  s.since_ms = T0 - 60000;
  through_the_wire(&s);

  struct sw_rule_row row;
  assert_int_equal(sw_rule_row_from_status(&row, &s), SW_E_OK);
  sw_pipe_status_free(&s); /* the row owns its own copies (ASan says) */
  assert_int_equal(row.rule_id, 7);
  assert_string_equal(row.name, "Relay \xc3\xa9");
  assert_string_equal(row.host, "2001:db8::1");
  assert_int_equal(row.port, 587);
  assert_true(row.enabled);
  assert_true(row.has_state);
  assert_int_equal(row.state, SW_NAGIOS_OK);
  assert_int_equal(row.failures, 2);
  assert_int_equal(row.response_us, 153400);
  assert_int_equal(row.last_check_ms, T0);
  assert_string_equal(row.message, "250 2.0.0 OK\r\nsecond line");
  assert_true(sizeof row * 20 < sizeof s);
  sw_rule_row_free(&row);
  assert_null(row.name);
  sw_rule_row_free(&row); /* twice is fine: it is empty */

  /* Checked before the service started (a state, no result): the state's
   * time; never checked: none, and no response time or message. */
  fill(&s, &(struct spec){8, "b", NULL, 0, true, "CRITICAL", 1, -1, T0 + 5, NULL});
  assert_int_equal(sw_rule_row_from_status(&row, &s), SW_E_OK);
  sw_pipe_status_free(&s);
  assert_int_equal(row.last_check_ms, T0 + 5);
  assert_int_equal(row.response_us, -1);
  assert_string_equal(row.message, "");
  sw_rule_row_free(&row);
  sw_pipe_status_init(&s); /* no name or host at all */
  s.rule_id = 9;
  assert_int_equal(sw_rule_row_from_status(&row, &s), SW_E_OK);
  assert_string_equal(row.name, "");
  assert_string_equal(row.host, "");
  assert_false(row.has_state);
  assert_int_equal(row.last_check_ms, 0);
  assert_int_equal(row.response_us, -1);
  sw_rule_row_free(&row);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(empty_list),
      cmocka_unit_test(a_row_keeps_what_the_list_shows_of_a_decoded_status),
      cmocka_unit_test(cells_say_what_a_user_reads),
      cmocka_unit_test(states_and_their_icons),
      cmocka_unit_test(held_and_acknowledged_states_say_so),
      cmocka_unit_test(times_without_a_local_zone_are_utc),
      cmocka_unit_test(every_column_sorts_both_ways),
      cmocka_unit_test(numbers_in_text_sort_by_value),
      cmocka_unit_test(ok_with_failures_sorts_after_plain_ok),
      cmocka_unit_test(a_refresh_keeps_the_sort_and_find_follows_rows),
      cmocka_unit_test(a_refresh_with_duplicate_ids_is_refused),
      cmocka_unit_test(cells_are_cut_between_characters),
      cmocka_unit_test(the_summary_leads_with_the_worst),
      cmocka_unit_test(type_ahead_finds_names_from_the_focus_on),
      cmocka_unit_test(ten_thousand_rows_sort_by_key_then_id),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
