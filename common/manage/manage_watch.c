/* `smtpwatch watch`'s lines (manage_watch.h). */
#include "manage_watch.h"

#include <inttypes.h>
#include <string.h>

#include "json_writer.h"

static bool json(const struct sw_manage_view *v)
{
  return v->format != SW_TABLE_TEXT;
}

/* Starts a JSON line: {"type":TYPE, ... */
static void json_begin(struct sw_json *j, struct sw_buf *out, const char *type)
{
  sw_json_init(j, out);
  sw_json_begin_object(j);
  sw_json_member_string(j, "type", type);
}

static void json_end(struct sw_json *j, struct sw_buf *out, enum sw_error *err)
{
  sw_json_end_object(j);
  enum sw_error e = sw_json_finish(j);
  if (!e)
    e = sw_buf_appends(out, "\n");
  if (e && !*err)
    *err = e;
}

static void key_str(struct sw_json *j, const char *key, const char *value)
{
  sw_json_member_string(j, key, value ? value : "");
}

void sw_manage_watch_subscribed(const struct sw_manage_view *v,
                                const struct sw_pipe_subscribe *granted,
                                struct sw_buf *out)
{
  enum sw_error err = SW_E_OK;
  if (!json(v)) {
    sw_buf_printf_sticky(
        out, &err,
        "Watching the service (%s%s%s), at most every %" PRId64 " ms; Ctrl+C stops.\n",
        granted->states ? "states" : "", granted->events ? ", events" : "",
        granted->rules ? ", rule changes" : "", granted->interval_ms);
    return;
  }
  struct sw_json j;
  json_begin(&j, out, "subscribed");
  sw_json_member_bool(&j, "states", granted->states);
  sw_json_member_bool(&j, "events", granted->events);
  sw_json_member_bool(&j, "rules", granted->rules);
  sw_json_member_int(&j, "interval_ms", granted->interval_ms);
  json_end(&j, out, &err);
}

static void change_line(const struct sw_manage_view *v,
                        const struct sw_pipe_rule_change *c, struct sw_buf *out,
                        enum sw_error *err)
{
  char server[300] = "";
  const struct sw_rule *r = c->has_rule ? &c->rule.rule : NULL;
  if (r)
    sw_manage_server_text(sw_rule_target(r), r->port, server, sizeof server);
  if (!json(v)) {
    sw_buf_printf_sticky(out, err, "rule %" PRId64 " %s", c->rule_id,
                         sw_pipe_change_name(c->kind));
    if (r)
      sw_buf_printf_sticky(out, err, " (revision %" PRId64 "): %s, %s%s", c->revision,
                           r->name, server, r->enabled ? "" : ", disabled");
    sw_buf_printf_sticky(out, err, "\n");
    return;
  }
  struct sw_json j;
  json_begin(&j, out, "rule");
  key_str(&j, "change", sw_pipe_change_name(c->kind));
  sw_json_member_int(&j, "rule_id", c->rule_id);
  if (r) {
    sw_json_member_int(&j, "revision", c->revision);
    key_str(&j, "name", r->name);
    key_str(&j, "server", server);
    sw_json_member_bool(&j, "enabled", r->enabled);
  }
  json_end(&j, out, err);
}

static void state_line(const struct sw_manage_view *v, const struct sw_pipe_rule_state *s,
                       struct sw_buf *out, enum sw_error *err)
{
  char at[64];
  sw_manage_time(v, s->last_result_at_ms, at, sizeof at);
  const char *state = sw_nagios_status_name(s->state);
  const char *outcome = sw_outcome_name(s->last_outcome);
  if (!json(v)) {
    sw_buf_printf_sticky(out, err, "%s rule %" PRId64 " %s", at, s->rule_id, state);
    if (s->failures && s->state == SW_NAGIOS_OK)
      sw_buf_printf_sticky(out, err, " (%" PRIu32 " failures)", s->failures);
    if (s->acked)
      sw_buf_printf_sticky(out, err, ", acknowledged");
    if (s->held != SW_PIPE_HOLD_NONE)
      sw_buf_printf_sticky(out, err, ", %s", sw_pipe_hold_name(s->held));
    sw_buf_printf_sticky(out, err, ": %s", outcome);
    if (s->total_us)
      sw_buf_printf_sticky(out, err, " in %" PRId64 " ms", s->total_us / 1000);
    if (s->message && s->message[0])
      sw_buf_printf_sticky(out, err, ", %s", s->message);
    sw_buf_printf_sticky(out, err, "\n");
    return;
  }
  struct sw_json j;
  json_begin(&j, out, "state");
  sw_json_member_int(&j, "rule_id", s->rule_id);
  key_str(&j, "state", state);
  sw_json_member_int(&j, "failures", s->failures);
  char since[64];
  sw_manage_time(v, s->since_ms, since, sizeof since);
  key_str(&j, "since", since);
  key_str(&j, "last_check", at);
  key_str(&j, "outcome", outcome);
  if (s->total_us)
    sw_json_member_int(&j, "response_us", s->total_us);
  key_str(&j, "message", s->message);
  sw_json_member_bool(&j, "acknowledged", s->acked);
  key_str(&j, "held", sw_pipe_hold_name(s->held));
  sw_json_member_bool(&j, "drifted", s->drifted);
  json_end(&j, out, err);
}

static void event_line(const struct sw_manage_view *v, const struct sw_pipe_event *e,
                       struct sw_buf *out, enum sw_error *err)
{
  char at[64];
  sw_manage_time(v, e->at_ms, at, sizeof at);
  if (!json(v)) {
    /* One line: the event's first, its sentence; `smtpwatch events` shows
     * the details that follow. */
    const char *m = e->message ? e->message : "";
    sw_buf_printf_sticky(out, err, "%s event %" PRIu32 " %s: %.*s\n", at, e->event_id,
                         e->severity, (int)strcspn(m, "\r\n"), m);
    return;
  }
  struct sw_json j;
  json_begin(&j, out, "event");
  key_str(&j, "at", at);
  sw_json_member_int(&j, "event_id", e->event_id);
  key_str(&j, "severity", e->severity);
  if (e->rule_id)
    sw_json_member_int(&j, "rule_id", e->rule_id);
  key_str(&j, "message", e->message);
  json_end(&j, out, err);
}

enum sw_error sw_manage_watch_lines(const uint8_t *body, size_t len,
                                    const struct sw_manage_view *v, struct sw_buf *out)
{
  struct sw_pipe_push p;
  enum sw_error err = sw_pipe_get_push(body, len, &p);
  if (err) {
    sw_pipe_push_free(&p);
    return err;
  }
  if (p.resync && !json(v)) {
    sw_buf_printf_sticky(out, &err,
                         "The service could not keep up with this watch and "
                         "left changes out: 'smtpwatch status' shows them.\n");
  } else if (p.resync) {
    struct sw_json j;
    json_begin(&j, out, "resync");
    json_end(&j, out, &err);
  }
  for (size_t i = 0; i < p.change_count; i++)
    change_line(v, &p.changes[i], out, &err);
  for (size_t i = 0; i < p.state_count; i++)
    state_line(v, &p.states[i], out, &err);
  for (size_t i = 0; i < p.event_count; i++)
    event_line(v, &p.events[i], out, &err);
  sw_pipe_push_free(&p);
  return err;
}
