#include "manage_view.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cert_expiry.h"
#include "manage_args.h"
#include "pipe_tlv.h"
#include "sw_macros.h"

static bool for_people(const struct sw_manage_view *v)
{
  return v->format == SW_TABLE_TEXT;
}

/* Floor division, so that a time before 1970 still lands in its second. */
static int64_t seconds_of(int64_t ms)
{
  return ms / 1000 - (ms % 1000 < 0);
}

void sw_manage_time(const struct sw_manage_view *v, int64_t unix_ms, char *out,
                    size_t size)
{
  if (size == 0)
    return;
  out[0] = '\0';
  if (unix_ms == 0)
    return;
  if (for_people(v) && v->local_time) {
    v->local_time(unix_ms, out, size);
    return;
  }
  char text[40];
  sw_utc_format(seconds_of(unix_ms), text, sizeof text);
  /* "2025-06-01 12:00:00 UTC" -> "2025-06-01T12:00:00Z" for scripts */
  if (!for_people(v) && strlen(text) == 23) {
    text[10] = 'T';
    memcpy(text + 19, "Z", 2);
  }
  snprintf(out, size, "%s", text);
}

void sw_manage_server_text(const char *host, uint16_t port, char *out, size_t size)
{
  host = host ? host : "";
  bool v6 = strchr(host, ':') && host[0] != '[';
  snprintf(out, size, v6 ? "[%s]:%u" : "%s:%u", host, (unsigned)port);
}

static void cell_bool(struct sw_table *t, const struct sw_manage_view *v, bool b)
{
  sw_table_cell(t, for_people(v) ? (b ? "yes" : "no") : (b ? "true" : "false"));
}

static void cell_time(struct sw_table *t, const struct sw_manage_view *v, int64_t ms)
{
  char text[64];
  sw_manage_time(v, ms, text, sizeof text);
  sw_table_cell(t, text);
}

/* Microseconds as whole milliseconds, rounded: "12 ms" or 12. */
static void cell_ms(struct sw_table *t, const struct sw_manage_view *v, int64_t us)
{
  int64_t ms = (us + 500) / 1000;
  if (for_people(v))
    sw_table_cellf(t, "%" PRId64 " ms", ms);
  else
    sw_table_cellf(t, "%" PRId64, ms);
}

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
static const struct sw_table_column rule_full[] = {{"id", "ID", true, false},
                                                   {"revision", "Revision", true, false},
#define SW_RULE_COLUMN(e, name, label)                                                   \
  {name, label,                                                                          \
   SW_RULE_FIELD_##e == SW_RULE_FIELD_PORT ||                                            \
       SW_RULE_FIELD_##e == SW_RULE_FIELD_TIMEOUT_MS ||                                  \
       SW_RULE_FIELD_##e == SW_RULE_FIELD_INTERVAL_S ||                                  \
       SW_RULE_FIELD_##e == SW_RULE_FIELD_CERT_WARN_DAYS ||                              \
       SW_RULE_FIELD_##e == SW_RULE_FIELD_CERT_CRIT_DAYS,                                \
   SW_RULE_FIELD_##e == SW_RULE_FIELD_ENABLED ||                                         \
       SW_RULE_FIELD_##e == SW_RULE_FIELD_TLS_INSECURE},
                                                   SW_RULE_FIELD_MAP(SW_RULE_COLUMN)
#undef SW_RULE_COLUMN
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void rules_init(struct sw_table *t, const struct sw_manage_view *v, bool brief)
{
  (void)v;
  if (brief)
    sw_table_init(t, rule_brief, COUNT(rule_brief));
  else
    sw_table_init(t, rule_full, COUNT(rule_full));
}

static void rule_field_cell(struct sw_table *t, const struct sw_manage_view *v,
                            const struct sw_rule *r, enum sw_rule_field f)
{
  switch (f) {
  case SW_RULE_FIELD_NAME:
    sw_table_cell(t, r->name);
    return;
  case SW_RULE_FIELD_HOST:
    sw_table_cell(t, r->host);
    return;
  case SW_RULE_FIELD_PORT:
    sw_table_cellf(t, "%u", (unsigned)r->port);
    return;
  case SW_RULE_FIELD_COMMAND:
    sw_table_cell(t, r->command);
    return;
  case SW_RULE_FIELD_EXPECT:
    sw_table_cell(t, r->expect);
    return;
  case SW_RULE_FIELD_TIMEOUT_MS:
    sw_table_cellf(t, "%u", (unsigned)r->timeout_ms);
    return;
  case SW_RULE_FIELD_EHLO_NAME:
    sw_table_cell(t, r->ehlo_name && *r->ehlo_name ? r->ehlo_name
                     : for_people(v)               ? "(this machine's name)"
                                                   : "");
    return;
  case SW_RULE_FIELD_INTERVAL_S:
    sw_table_cellf(t, "%u", (unsigned)r->interval_s);
    return;
  case SW_RULE_FIELD_ENABLED:
    cell_bool(t, v, r->enabled);
    return;
  case SW_RULE_FIELD_TLS_MODE:
    sw_table_cell(t, sw_tls_mode_name(r->tls_mode));
    return;
  case SW_RULE_FIELD_TLS_INSECURE:
    cell_bool(t, v, r->tls_insecure);
    return;
  case SW_RULE_FIELD_CERT_WARN_DAYS:
    sw_table_cellf(t, "%d", r->cert_warn_days);
    return;
  case SW_RULE_FIELD_CERT_CRIT_DAYS:
    sw_table_cellf(t, "%d", r->cert_crit_days);
    return;
  case SW_RULE_FIELD_COUNT:
    break;
  }
  SW_NOT_REACHED(); /* every field is listed above */
  sw_table_cell(t, NULL);
}

static void rules_add(struct sw_table *t, const struct sw_manage_view *v, bool brief,
                      const struct sw_rule *r, int64_t revision)
{
  sw_table_cellf(t, "%" PRId64, r->id);
  if (brief) {
    char server[300];
    sw_manage_server_text(r->host, r->port, server, sizeof server);
    sw_table_cell(t, r->name);
    sw_table_cell(t, server);
    sw_table_cell(t, sw_tls_mode_name(r->tls_mode));
    sw_table_cellf(t, "%u s", (unsigned)r->interval_s);
    cell_bool(t, v, r->enabled);
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
};

static void status_init(struct sw_table *t, const struct sw_manage_view *v)
{
  if (for_people(v))
    sw_table_init(t, status_text, COUNT(status_text));
  else
    sw_table_init(t, status_machine, COUNT(status_machine));
}

static void status_add(struct sw_table *t, const struct sw_manage_view *v,
                       const struct sw_pipe_status *s)
{
  const char *state = !s->enabled     ? "disabled"
                      : !s->has_state ? "pending"
                                      : sw_nagios_status_name(s->state);
  /* A rule stays OK through a few failures in a row (the service's
   * threshold): say so, or the last result's message seems to contradict
   * the state. */
  char state_text[48];
  if (for_people(v) && s->enabled && s->has_state && s->state == SW_NAGIOS_OK &&
      s->failures > 0) {
    snprintf(state_text, sizeof state_text, "OK (%" PRIu32 " failure%s)", s->failures,
             s->failures == 1 ? "" : "s");
    state = state_text;
  }
  sw_table_cellf(t, "%" PRId64, s->rule_id);
  sw_table_cell(t, s->name);
  if (for_people(v)) {
    char server[300];
    sw_manage_server_text(s->host, s->port, server, sizeof server);
    sw_table_cell(t, server);
  } else {
    sw_table_cell(t, s->host);
    sw_table_cellf(t, "%u", (unsigned)s->port);
    cell_bool(t, v, s->enabled);
  }
  sw_table_cell(t, state);
  if (!for_people(v)) {
    if (s->has_state)
      sw_table_cellf(t, "%" PRIu32, s->failures);
    else
      sw_table_cell(t, NULL);
  }
  cell_time(t, v, s->has_state ? s->since_ms : 0);
  int64_t last_at = s->has_result  ? s->last.started_at_ms
                    : s->has_state ? s->last_result_at_ms
                                   : 0;
  cell_time(t, v, last_at);
  if (s->has_result)
    cell_ms(t, v, s->last.check.total_us);
  else
    sw_table_cell(t, NULL);
  if (!for_people(v))
    sw_table_cell(t, s->has_result ? sw_outcome_name(s->last.check.outcome) : NULL);
  sw_table_cell(t, s->has_result ? s->last.message : NULL);
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
};

static void results_init(struct sw_table *t, const struct sw_manage_view *v)
{
  if (for_people(v))
    sw_table_init(t, result_text, COUNT(result_text));
  else
    sw_table_init(t, result_machine, COUNT(result_machine));
}

static void results_add(struct sw_table *t, const struct sw_manage_view *v,
                        const struct sw_pipe_result *r)
{
  const struct sw_check_result *c = &r->check;
  if (for_people(v)) {
    cell_time(t, v, r->started_at_ms);
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
  cell_time(t, v, r->started_at_ms);
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

static void events_init(struct sw_table *t, const struct sw_manage_view *v)
{
  if (for_people(v))
    sw_table_init(t, event_text, COUNT(event_text));
  else
    sw_table_init(t, event_machine, COUNT(event_machine));
}

static void events_add(struct sw_table *t, const struct sw_manage_view *v,
                       const struct sw_pipe_event *e)
{
  if (!for_people(v))
    sw_table_cellf(t, "%" PRId64, e->key);
  cell_time(t, v, e->at_ms);
  if (!for_people(v))
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
};

void sw_manage_duration_text(int64_t s, char *out, size_t size)
{
  if (s < 0)
    s = 0;
  if (s >= 86400)
    snprintf(out, size, "%" PRId64 " d %" PRId64 " h", s / 86400, s % 86400 / 3600);
  else if (s >= 3600)
    snprintf(out, size, "%" PRId64 " h %" PRId64 " min", s / 3600, s % 3600 / 60);
  else if (s >= 60)
    snprintf(out, size, "%" PRId64 " min %" PRId64 " s", s / 60, s % 60);
  else
    snprintf(out, size, "%" PRId64 " s", s);
}

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
  if (for_people(v)) {
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

static void service_info(struct sw_table *t, const struct sw_manage_view *v,
                         const struct sw_pipe_service_info *i,
                         const struct sw_manage_server *server)
{
  struct sw_table_column columns[SW_TABLE_MAX_COLUMNS];
  const struct sw_table_column *extra = for_people(v) ? server_text : server_machine;
  size_t nextra = 0;
  if (server)
    nextra = for_people(v) ? COUNT(server_text) : COUNT(server_machine);
  _Static_assert(COUNT(info_columns) + COUNT(server_machine) <= SW_TABLE_MAX_COLUMNS,
                 "service info fits a table");
  memcpy(columns, info_columns, sizeof info_columns);
  memcpy(columns + COUNT(info_columns), extra, nextra * sizeof *extra);
  sw_table_init(t, columns, COUNT(info_columns) + nextra);
  sw_table_cell(t, i->version);
  if (for_people(v)) {
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
  if (server)
    server_cells(t, v, server);
}

/* ---- messages -------------------------------------------------------- */

void sw_manage_problems_text(const struct sw_rule_problems *p, struct sw_buf *out)
{
  if (p->count == 0) {
    sw_buf_appends(out, "The service refused the rule without naming a field this "
                        "program knows: is it older than the service?\n");
    return;
  }
  for (size_t i = 0; i < p->count; i++)
    sw_buf_printf(out, "%s: %s\n", sw_rule_field_name(p->items[i].field),
                  p->items[i].message);
}

void sw_manage_next_page(int64_t rule_id, uint32_t limit, int64_t before_at,
                         int64_t before, char *out, size_t size)
{
  if (rule_id) {
    char cursor[48];
    sw_manage_cursor_format(before_at, before, cursor, sizeof cursor);
    snprintf(out, size, "smtpwatch history %" PRId64 " --limit %" PRIu32 " --before %s",
             rule_id, limit, cursor);
  } else {
    snprintf(out, size, "smtpwatch events --limit %" PRIu32 " --before %" PRId64, limit,
             before);
  }
}

int sw_manage_exit_for_error(const char *code)
{
  enum sw_pipe_error e;
  if (!sw_pipe_error_from_code(code, strlen(code), &e))
    return SW_MANAGE_EXIT_REFUSED; /* a newer service's refusal */
  switch (e) {
  case SW_PIPE_ERR_BAD_REQUEST:
  case SW_PIPE_ERR_UNKNOWN_MESSAGE:
  case SW_PIPE_ERR_VERSION:
    return SW_MANAGE_EXIT_UNREACHABLE;
  default:
    return SW_MANAGE_EXIT_REFUSED;
  }
}

/* ---- reply bodies ---------------------------------------------------- */

typedef enum sw_error (*record_fn)(void *ctx, struct sw_tlv_reader *r);

/* Calls `fn` right after the BEGIN of each top-level record tagged `tag`;
 * `fn` must consume the record up to its END. Other records are skipped;
 * top-level fields go to `field` (may be NULL). */
static enum sw_error each_record(const uint8_t *body, size_t len, uint16_t tag,
                                 record_fn fn,
                                 void (*field)(void *ctx, const struct sw_tlv_field *f),
                                 void *ctx)
{
  struct sw_tlv_reader r;
  struct sw_tlv_field f;
  sw_tlv_reader_init(&r, body, len);
  while (sw_tlv_next(&r, &f)) {
    if (f.type == SW_TLV_BEGIN) {
      enum sw_error err = f.tag == tag             ? fn(ctx, &r)
                          : sw_tlv_skip_record(&r) ? SW_E_OK
                                                   : SW_E_INVALID_ARGUMENT;
      if (err)
        return err;
    } else if (field) {
      field(ctx, &f);
    }
  }
  return r.error;
}

struct fill {
  struct sw_table *t;
  const struct sw_manage_view *v;
  bool brief;
  struct sw_manage_page *page;
};

static void page_field(void *ctx, const struct sw_tlv_field *f)
{
  struct fill *fl = ctx;
  if (fl->page && f->tag == SW_PIPE_TAG_MORE && f->type == SW_TLV_BOOL)
    fl->page->more = f->i != 0;
}

static enum sw_error rule_row(void *ctx, struct sw_tlv_reader *r)
{
  struct fill *fl = ctx;
  struct sw_pipe_rule pr;
  enum sw_error err = sw_pipe_get_rule(r, &pr);
  if (err)
    return err;
  rules_add(fl->t, fl->v, fl->brief, &pr.rule, pr.revision);
  if (fl->page)
    fl->page->last_key = pr.rule.id;
  sw_rule_free(&pr.rule);
  return fl->t->err;
}

enum sw_error sw_manage_rules_append(const uint8_t *body, size_t len,
                                     const struct sw_manage_view *v, bool brief,
                                     struct sw_table *t, struct sw_manage_page *page)
{
  if (page)
    memset(page, 0, sizeof *page);
  struct fill fl = {t, v, brief, page};
  return each_record(body, len, SW_PIPE_TAG_RULE, rule_row, page_field, &fl);
}

enum sw_error sw_manage_rules_table(const uint8_t *body, size_t len,
                                    const struct sw_manage_view *v, bool brief,
                                    struct sw_table *t, struct sw_manage_page *page)
{
  rules_init(t, v, brief);
  return sw_manage_rules_append(body, len, v, brief, t, page);
}

static enum sw_error status_row(void *ctx, struct sw_tlv_reader *r)
{
  struct fill *fl = ctx;
  struct sw_pipe_status s;
  enum sw_error err = sw_pipe_get_status(r, &s);
  if (!err) {
    status_add(fl->t, fl->v, &s);
    if (fl->page)
      fl->page->last_key = s.rule_id;
  }
  sw_pipe_status_free(&s);
  return err ? err : fl->t->err;
}

enum sw_error sw_manage_status_append(const uint8_t *body, size_t len,
                                      const struct sw_manage_view *v, struct sw_table *t,
                                      struct sw_manage_page *page)
{
  if (page)
    memset(page, 0, sizeof *page);
  struct fill fl = {t, v, false, page};
  return each_record(body, len, SW_PIPE_TAG_STATUS, status_row, page_field, &fl);
}

enum sw_error sw_manage_status_table(const uint8_t *body, size_t len,
                                     const struct sw_manage_view *v, struct sw_table *t,
                                     struct sw_manage_page *page)
{
  status_init(t, v);
  return sw_manage_status_append(body, len, v, t, page);
}

static enum sw_error result_row(void *ctx, struct sw_tlv_reader *r)
{
  struct fill *fl = ctx;
  struct sw_pipe_result res;
  enum sw_error err = sw_pipe_get_result(r, &res);
  if (!err) {
    results_add(fl->t, fl->v, &res);
    fl->page->last_at = res.started_at_ms;
    fl->page->last_key = res.id;
  }
  sw_pipe_result_free(&res);
  return err ? err : fl->t->err;
}

enum sw_error sw_manage_history_table(const uint8_t *body, size_t len,
                                      const struct sw_manage_view *v, struct sw_table *t,
                                      struct sw_manage_page *page)
{
  memset(page, 0, sizeof *page);
  results_init(t, v);
  struct fill fl = {t, v, false, page};
  return each_record(body, len, SW_PIPE_TAG_RESULT, result_row, page_field, &fl);
}

static enum sw_error event_row(void *ctx, struct sw_tlv_reader *r)
{
  struct fill *fl = ctx;
  struct sw_pipe_event e;
  enum sw_error err = sw_pipe_get_event(r, &e);
  if (!err) {
    events_add(fl->t, fl->v, &e);
    fl->page->last_key = e.key;
  }
  sw_pipe_event_free(&e);
  return err ? err : fl->t->err;
}

enum sw_error sw_manage_events_table(const uint8_t *body, size_t len,
                                     const struct sw_manage_view *v, struct sw_table *t,
                                     struct sw_manage_page *page)
{
  memset(page, 0, sizeof *page);
  events_init(t, v);
  struct fill fl = {t, v, false, page};
  return each_record(body, len, SW_PIPE_TAG_EVENT, event_row, page_field, &fl);
}

enum sw_error sw_manage_service_table(const uint8_t *body, size_t len,
                                      const struct sw_manage_view *v,
                                      const struct sw_manage_server *server,
                                      struct sw_table *t)
{
  struct sw_pipe_service_info info;
  enum sw_error err = sw_pipe_get_service_info(body, len, &info);
  service_info(t, v, &info, server); /* initialises t in any case */
  return err ? err : t->err;
}

struct first {
  bool found;
  void *out;
};

static enum sw_error first_rule(void *ctx, struct sw_tlv_reader *r)
{
  struct first *fi = ctx;
  if (fi->found)
    return sw_tlv_skip_record(r) ? SW_E_OK : SW_E_INVALID_ARGUMENT;
  enum sw_error err = sw_pipe_get_rule(r, fi->out);
  fi->found = !err;
  return err;
}

enum sw_error sw_manage_body_rule(const uint8_t *body, size_t len,
                                  struct sw_pipe_rule *out)
{
  struct first fi = {false, out};
  enum sw_error err = each_record(body, len, SW_PIPE_TAG_RULE, first_rule, NULL, &fi);
  if (err && fi.found)
    sw_rule_free(&out->rule);
  if (!err && !fi.found)
    err = SW_E_INVALID_ARGUMENT;
  return err;
}

static enum sw_error first_result(void *ctx, struct sw_tlv_reader *r)
{
  struct first *fi = ctx;
  if (fi->found)
    return sw_tlv_skip_record(r) ? SW_E_OK : SW_E_INVALID_ARGUMENT;
  sw_pipe_result_free(fi->out); /* the result decoder initialises it again */
  fi->found = true;
  return sw_pipe_get_result(r, fi->out);
}

enum sw_error sw_manage_body_result(const uint8_t *body, size_t len,
                                    struct sw_pipe_result *out)
{
  sw_pipe_result_init(out);
  struct first fi = {false, out};
  enum sw_error err = each_record(body, len, SW_PIPE_TAG_RESULT, first_result, NULL, &fi);
  return !err && !fi.found ? SW_E_INVALID_ARGUMENT : err;
}

static enum sw_error problem(void *ctx, struct sw_tlv_reader *r)
{
  return sw_pipe_get_problem(r, ctx);
}

enum sw_error sw_manage_body_problems(const uint8_t *body, size_t len,
                                      struct sw_rule_problems *out)
{
  out->count = 0;
  return each_record(body, len, SW_PIPE_TAG_PROBLEM, problem, NULL, out);
}
