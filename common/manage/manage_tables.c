/* The tables the management commands print (manage_view.h): for each of
 * rules, status, history, events and the service's figures, the columns
 * for people and for scripts, and how one row is written. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "manage_args.h"
#include "manage_view_internal.h"
#include "round_trip_result.h"
#include "sw_macros.h"

void sw__manage_cell_bool(struct sw_table *t, const struct sw_manage_view *v, bool b)
{
  sw_table_cell(t,
                sw__manage_for_people(v) ? (b ? "yes" : "no") : (b ? "true" : "false"));
}

void sw__manage_cell_time(struct sw_table *t, const struct sw_manage_view *v, int64_t ms)
{
  char text[64];
  sw_manage_time(v, ms, text, sizeof text);
  sw_table_cell(t, text);
}

/* Microseconds as whole milliseconds, rounded: "12 ms" or 12. */
static void cell_ms(struct sw_table *t, const struct sw_manage_view *v, int64_t us)
{
  int64_t ms = (us + 500) / 1000;
  if (sw__manage_for_people(v))
    sw_table_cellf(t, "%" PRId64 " ms", ms);
  else
    sw_table_cellf(t, "%" PRId64, ms);
}

/* Initialises `t` with the columns `text` for people or `machine` for
 * scripts (two arrays of struct sw_table_column). */
#define INIT_FOR(t, v, text, machine)                                                    \
  (sw__manage_for_people(v) ? sw_table_init(t, text, SW_COUNTOF(text))                   \
                            : sw_table_init(t, machine, SW_COUNTOF(machine)))

/* ---- rules ----------------------------------------------------------- */

static const struct sw_table_column rule_brief[] = {
    {"id", "ID", true, false},
    {"name", "Name", false, false},
    {"server", "Server", false, false},
    {"tls_mode", "TLS", false, false},
    {"interval_s", "Every", true, false},
    {"enabled", "Enabled", false, true},
    {"command", "Command", false, false},
};

/* Every field: id and revision, then the rule's fields with the keys the
 * protocol and the store use and the labels the editor shows. */
static void rule_full(struct sw_table *t)
{
  struct sw_table_column cols[2 + SW_RULE_FIELD_COUNT] = {
      {"id", "ID", true, false}, {"revision", "Revision", true, false}};
  for (int f = 0; f < SW_RULE_FIELD_COUNT; f++) {
    enum sw_rule_kind kind = sw_rule_field_kind((enum sw_rule_field)f);
    cols[2 + f] = (struct sw_table_column){
        .key = sw_rule_field_name((enum sw_rule_field)f),
        .title = sw_rule_field_label((enum sw_rule_field)f),
        .numeric = sw_rule_kind_is_number(kind),
        .boolean = kind == SW_RULE_FLAG || kind == SW_RULE_SECRET,
    };
  }
  sw_table_init(t, cols, SW_COUNTOF(cols));
}

void sw__manage_rules_init(struct sw_table *t, const struct sw_manage_view *v, bool brief)
{
  (void)v;
  if (brief)
    sw_table_init(t, rule_brief, SW_COUNTOF(rule_brief));
  else
    rule_full(t);
}

/* A secret is shown only as whether it is set: scripts get a boolean,
 * people "set" or nothing. */
static void secret_cell(struct sw_table *t, const struct sw_manage_view *v, bool set)
{
  if (sw__manage_for_people(v))
    sw_table_cell(t, set ? "set" : "");
  else
    sw__manage_cell_bool(t, v, set);
}

/* Field `f` of `r`, by its kind; people are told what an empty EHLO name
 * or relay test recipient stands for. */
static void rule_field_cell(struct sw_table *t, const struct sw_manage_view *v,
                            const struct sw_rule *r, enum sw_rule_field f)
{
  const char *text = sw_rule_field_text(r, f);
  bool for_people = sw__manage_for_people(v) && !(text && *text);
  if (f == SW_RULE_FIELD_EHLO_NAME)
    text = for_people ? "(this machine's name)" : text ? text : "";
  else if (f == SW_RULE_FIELD_RELAY_TEST_RCPT && for_people && r->relay_test)
    text = SW_RULE_DEFAULT_RELAY_TEST_RCPT;
  switch (sw_rule_field_kind(f)) {
  case SW_RULE_TEXT:
  case SW_RULE_CHOICE:
    sw_table_cell(t, text);
    return;
  case SW_RULE_SECRET:
    secret_cell(t, v, sw_rule_field_number(r, f) != 0);
    return;
  case SW_RULE_FLAG:
    sw__manage_cell_bool(t, v, sw_rule_field_number(r, f) != 0);
    return;
  default:
    sw_table_cellf(t, "%" PRId64, sw_rule_field_number(r, f));
    return;
  }
}

void sw__manage_rules_add(struct sw_table *t, const struct sw_manage_view *v, bool brief,
                          const struct sw_rule *r, int64_t revision)
{
  sw_table_cellf(t, "%" PRId64, r->id);
  if (brief) {
    char server[300];
    sw_manage_server_text(sw_rule_target(r), r->port, server, sizeof server);
    sw_table_cell(t, r->name);
    sw_table_cell(t, server);
    sw_table_cell(t, sw_tls_mode_name(r->tls_mode));
    sw_table_cellf(t, "%u s", (unsigned)r->interval_s);
    sw__manage_cell_bool(t, v, r->enabled);
    sw_table_cell(t, r->command);
    return;
  }
  sw_table_cellf(t, "%" PRId64, revision);
  for (int f = 0; f < SW_RULE_FIELD_COUNT; f++)
    rule_field_cell(t, v, r, (enum sw_rule_field)f);
}

/* ---- status ---------------------------------------------------------- */

static const struct sw_table_column status_text[] = {
    {"id", "ID", true, false},
    {"name", "Name", false, false},
    {"server", "Server", false, false},
    {"state", "State", false, false},
    {"since", "Since", false, false},
    {"last_check", "Last check", false, false},
    {"response_ms", "Time", true, false},
    {"message", "Message", false, false},
};

static const struct sw_table_column status_machine[] = {
    {"id", "ID", true, false},
    {"name", "Name", false, false},
    {"host", "Host", false, false},
    {"port", "Port", true, false},
    {"enabled", "Enabled", false, true},
    {"state", "State", false, false},
    {"failures", "Failures", true, false},
    {"since", "Since", false, false},
    {"last_check", "Last check", false, false},
    {"response_ms", "Time", true, false},
    {"outcome", "Outcome", false, false},
    {"message", "Message", false, false},
    {"drift", "Drift", false, false},
};

void sw__manage_status_init(struct sw_table *t, const struct sw_manage_view *v)
{
  INIT_FOR(t, v, status_text, status_machine);
}

void sw__manage_status_add(struct sw_table *t, const struct sw_manage_view *v,
                           const struct sw_pipe_status *s)
{
  const char *state = !s->enabled     ? "disabled"
                      : !s->has_state ? "pending"
                                      : sw_nagios_status_name(s->state);
  /* A rule stays OK through a few failures in a row (the service's
   * threshold): say so, or the last result's message seems to contradict
   * the state. */
  char state_text[48];
  if (sw__manage_for_people(v) && s->enabled && s->has_state &&
      s->state == SW_NAGIOS_OK && s->failures > 0) {
    snprintf(state_text, sizeof state_text, "OK (%" PRIu32 " failure%s)", s->failures,
             s->failures == 1 ? "" : "s");
    state = state_text;
  }
  sw_table_cellf(t, "%" PRId64, s->rule_id);
  sw_table_cell(t, s->name);
  if (sw__manage_for_people(v)) {
    char server[300];
    sw_manage_server_text(s->host, s->port, server, sizeof server);
    sw_table_cell(t, server);
  } else {
    sw_table_cell(t, s->host);
    sw_table_cellf(t, "%u", (unsigned)s->port);
    sw__manage_cell_bool(t, v, s->enabled);
  }
  sw_table_cell(t, state);
  if (!sw__manage_for_people(v)) {
    if (s->has_state)
      sw_table_cellf(t, "%" PRIu32, s->failures);
    else
      sw_table_cell(t, NULL);
  }
  sw__manage_cell_time(t, v, s->has_state ? s->since_ms : 0);
  int64_t last_at = s->has_result  ? s->last.started_at_ms
                    : s->has_state ? s->last_result_at_ms
                                   : 0;
  sw__manage_cell_time(t, v, last_at);
  if (s->has_result)
    cell_ms(t, v, s->last.check.total_us);
  else
    sw_table_cell(t, NULL);
  if (!sw__manage_for_people(v))
    sw_table_cell(t, s->has_result ? sw_outcome_name(s->last.check.outcome) : NULL);
  sw_table_cell(t, s->has_result ? s->last.message : NULL);
  if (!sw__manage_for_people(v)) /* people read it in the message */
    sw_table_cell(t, s->drift);
}

/* ---- history --------------------------------------------------------- */

static const struct sw_table_column result_text[] = {
    {"started", "Started", false, false}, {"status", "Status", false, false},
    {"outcome", "Outcome", false, false}, {"response_ms", "Time", true, false},
    {"message", "Message", false, false},
};

static const struct sw_table_column result_machine[] = {
    {"id", "ID", true, false},
    {"rule_id", "Rule", true, false},
    {"started", "Started", false, false},
    {"started_at_ms", "Started (ms)", true, false},
    {"status", "Status", false, false},
    {"outcome", "Outcome", false, false},
    {"step", "Step", false, false},
    {"reply_code", "Reply code", true, false},
    {"enhanced_code", "Enhanced code", false, false},
    {"response_ms", "Time", true, false},
    {"peer", "Peer", false, false},
    {"message", "Message", false, false},
    {"cursor", "Cursor", false, false},
    /* A round trip's (issue 17): null for any other check. */
    {"delivery_ms", "Delivery", true, false},
    {"hops", "Hops", true, false},
};

void sw__manage_results_init(struct sw_table *t, const struct sw_manage_view *v)
{
  INIT_FOR(t, v, result_text, result_machine);
}

void sw__manage_results_add(struct sw_table *t, const struct sw_manage_view *v,
                            const struct sw_pipe_result *r)
{
  const struct sw_check_result *c = &r->check;
  if (sw__manage_for_people(v)) {
    sw__manage_cell_time(t, v, r->started_at_ms);
    sw_table_cell(t, sw_nagios_status_name(r->status));
    sw_table_cell(t, sw_outcome_name(c->outcome));
    cell_ms(t, v, c->total_us);
    sw_table_cell(t, r->message);
    return;
  }
  char cursor[48];
  sw_manage_cursor_format(r->started_at_ms, r->id, cursor, sizeof cursor);
  sw_table_cellf(t, "%" PRId64, r->id);
  sw_table_cellf(t, "%" PRId64, r->rule_id);
  sw__manage_cell_time(t, v, r->started_at_ms);
  sw_table_cellf(t, "%" PRId64, r->started_at_ms);
  sw_table_cell(t, sw_nagios_status_name(r->status));
  sw_table_cell(t, sw_outcome_name(c->outcome));
  sw_table_cell(t, sw_step_name(c->step));
  if (c->reply_code)
    sw_table_cellf(t, "%d", c->reply_code);
  else
    sw_table_cell(t, NULL);
  sw_table_cell(t, c->enhanced_code);
  cell_ms(t, v, c->total_us);
  sw_table_cell(t, c->peer);
  sw_table_cell(t, r->message);
  sw_table_cell(t, cursor);
  const struct sw_round_trip_result *rt = c->round_trip;
  if (rt && rt->found)
    cell_ms(t, v, rt->delivery_us);
  else
    sw_table_cell(t, NULL);
  if (rt)
    sw_table_cellf(t, "%u", (unsigned)rt->nhops);
  else
    sw_table_cell(t, NULL);
}

/* ---- events ---------------------------------------------------------- */

static const struct sw_table_column event_text[] = {
    {"time", "Time", false, false},       {"severity", "Severity", false, false},
    {"event_id", "Event", true, false},   {"rule_id", "Rule", true, false},
    {"message", "Message", false, false},
};

static const struct sw_table_column event_machine[] = {
    {"key", "Key", true, false},           {"time", "Time", false, false},
    {"time_ms", "Time (ms)", true, false}, {"severity", "Severity", false, false},
    {"event_id", "Event", true, false},    {"rule_id", "Rule", true, false},
    {"message", "Message", false, false},
};

void sw__manage_events_init(struct sw_table *t, const struct sw_manage_view *v)
{
  INIT_FOR(t, v, event_text, event_machine);
}

void sw__manage_events_add(struct sw_table *t, const struct sw_manage_view *v,
                           const struct sw_pipe_event *e)
{
  if (!sw__manage_for_people(v))
    sw_table_cellf(t, "%" PRId64, e->key);
  sw__manage_cell_time(t, v, e->at_ms);
  if (!sw__manage_for_people(v))
    sw_table_cellf(t, "%" PRId64, e->at_ms);
  sw_table_cell(t, e->severity);
  sw_table_cellf(t, "%" PRIu32, e->event_id);
  if (e->rule_id)
    sw_table_cellf(t, "%" PRId64, e->rule_id);
  else
    sw_table_cell(t, NULL);
  sw_table_cell(t, e->message);
}

/* ---- service info ---------------------------------------------------- */

static const struct sw_table_column info_columns[] = {
    {"version", "Version", false, false},
    {"uptime_s", "Uptime", true, false},
    {"rules", "Rules", true, false},
    {"rules_enabled", "Enabled rules", true, false},
    {"checks_per_min", "Checks per minute", true, false},
    {"checks_in_flight", "Checks in flight", true, false},
    {"checks_total", "Checks since start", true, false},
    {"results_buffered", "Results not yet written", true, false},
    {"pipe_clients", "Clients connected", true, false},
    {"data_dir", "Data folder", false, false},
    {"subscribers", "Clients subscribed", true, false},
    {"status_requests", "Status requests", true, false},
};

/* What smtpwatch found out itself about the pipe and its server: one line
 * each for people, the facts apart for scripts. */
static const struct sw_table_column server_text[] = {
    {"pipe_security", "Pipe security", false, false},
    {"server_process", "Server process", false, false},
    {"server_trust", "Server verified as", false, false},
};
static const struct sw_table_column server_machine[] = {
    {"pipe_security", "Pipe security", false, false},
    {"server_pid", "Server process id", true, false},
    {"server_image", "Server image", false, false},
    {"server_account", "Server account", false, false},
    {"server_trust", "Server verified as", false, false},
};

static void server_cells(struct sw_table *t, const struct sw_manage_view *v,
                         const struct sw_manage_server *s)
{
  sw_table_cell(t, s->pipe_security);
  if (sw__manage_for_people(v)) {
    char process[1400];
    sw_pipe_trust_process_text(s->facts, process, sizeof process);
    sw_table_cell(t, process);
    sw_table_cell(t, sw_pipe_trust_text(s->trust));
    return;
  }
  if (s->facts->server_pid)
    sw_table_cellf(t, "%lu", (unsigned long)s->facts->server_pid);
  else
    sw_table_cell(t, NULL);
  sw_table_cell(t, s->facts->image);
  sw_table_cell(t, s->facts->account);
  sw_table_cell(t, sw_pipe_trust_name(s->trust));
}

void sw__manage_service_info(struct sw_table *t, const struct sw_manage_view *v,
                             const struct sw_pipe_service_info *i,
                             const struct sw_manage_server *server)
{
  struct sw_table_column columns[SW_TABLE_MAX_COLUMNS];
  const struct sw_table_column *extra =
      sw__manage_for_people(v) ? server_text : server_machine;
  size_t nextra = 0;
  if (server)
    nextra =
        sw__manage_for_people(v) ? SW_COUNTOF(server_text) : SW_COUNTOF(server_machine);
  _Static_assert(SW_COUNTOF(info_columns) + SW_COUNTOF(server_machine) <=
                     SW_TABLE_MAX_COLUMNS,
                 "service info fits a table");
  memcpy(columns, info_columns, sizeof info_columns);
  memcpy(columns + SW_COUNTOF(info_columns), extra, nextra * sizeof *extra);
  sw_table_init(t, columns, SW_COUNTOF(info_columns) + nextra);
  sw_table_cell(t, i->version);
  if (sw__manage_for_people(v)) {
    char uptime[48];
    sw_manage_duration_text(i->uptime_s, uptime, sizeof uptime);
    sw_table_cell(t, uptime);
  } else {
    sw_table_cellf(t, "%" PRId64, i->uptime_s);
  }
  sw_table_cellf(t, "%" PRId64, i->rules);
  sw_table_cellf(t, "%" PRId64, i->rules_enabled);
  sw_table_cellf(t, "%" PRId64, i->checks_per_min);
  sw_table_cellf(t, "%" PRId64, i->checks_in_flight);
  sw_table_cellf(t, "%" PRId64, i->checks_total);
  sw_table_cellf(t, "%" PRId64, i->results_buffered);
  sw_table_cellf(t, "%" PRId64, i->pipe_clients);
  sw_table_cell(t, i->data_dir);
  sw_table_cellf(t, "%" PRId64, i->subscribers);
  sw_table_cellf(t, "%" PRId64, i->status_requests);
  if (server)
    server_cells(t, v, server);
}
