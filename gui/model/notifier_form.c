/* The notifier dialog's form (notifier_form.h). */
#include "notifier_form.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert_form.h"
#include "arg_walk.h"
#include "sw_macros.h"

bool sw_notifier_form_uses(enum sw_notifier_kind kind, enum sw_notifier_text t)
{
  switch (t) {
  case SW_NOTIFIER_TEXT_NAME:
    return true;
  case SW_NOTIFIER_TEXT_TO:
  case SW_NOTIFIER_TEXT_RELAYS:
  case SW_NOTIFIER_TEXT_FROM:
  case SW_NOTIFIER_TEXT_AUTH_USER:
  case SW_NOTIFIER_TEXT_PASSWORD:
    return kind == SW_NOTIFIER_EMAIL;
  case SW_NOTIFIER_TEXT_URL:
    return kind == SW_NOTIFIER_WEBHOOK;
  case SW_NOTIFIER_TEXT_COMMAND:
  case SW_NOTIFIER_TEXT_TIMEOUT:
    return kind == SW_NOTIFIER_PROGRAM;
  case SW_NOTIFIER_TEXT_SERVICE:
    return kind == SW_NOTIFIER_RESTART_SERVICE;
  case SW_NOTIFIER_TEXT_COUNT:
    break;
  }
  return false;
}

void sw_notifier_form_text(const struct sw_pipe_notifier *n, enum sw_notifier_text t,
                           char *out, size_t size)
{
  if (size == 0)
    return;
  out[0] = '\0';
  const char *one = NULL;
  switch (t) {
  case SW_NOTIFIER_TEXT_NAME:
    one = n->name;
    break;
  case SW_NOTIFIER_TEXT_TO:
    sw_alert_notifier_to_text(n, out, size);
    return;
  case SW_NOTIFIER_TEXT_RELAYS:
    one = n->relays;
    break;
  case SW_NOTIFIER_TEXT_FROM:
    one = n->from;
    break;
  case SW_NOTIFIER_TEXT_AUTH_USER:
    one = n->auth_user;
    break;
  case SW_NOTIFIER_TEXT_COMMAND:
    one = n->command_line;
    break;
  case SW_NOTIFIER_TEXT_TIMEOUT:
    snprintf(out, size, "%" PRIu32, n->timeout_s);
    return;
  case SW_NOTIFIER_TEXT_SERVICE:
    one = n->service_name;
    break;
  case SW_NOTIFIER_TEXT_PASSWORD: /* never shown back */
  case SW_NOTIFIER_TEXT_URL:
  case SW_NOTIFIER_TEXT_COUNT:
    break;
  }
  snprintf(out, size, "%s", one ? one : "");
}

const char *sw_notifier_form_secret_note(bool set)
{
  return set ? "set (leave empty to keep it)" : "not set";
}

static const char *text_of(const struct sw_notifier_form *f, enum sw_notifier_text t)
{
  return f->text[t] ? f->text[t] : "";
}

/* A copy of the form's text `t` if the kind uses it and it is not empty;
 * NULL otherwise. False if out of memory. */
static bool copy_text(const struct sw_notifier_form *f, enum sw_notifier_text t,
                      char **slot)
{
  const char *s = text_of(f, t);
  *slot = NULL;
  if (!sw_notifier_form_uses(f->kind, t) || !s[0])
    return true;
  size_t n = strlen(s) + 1;
  *slot = malloc(n);
  if (*slot)
    memcpy(*slot, s, n);
  return *slot != NULL;
}

/* The "to" text split at its commas into owned addresses. */
static enum sw_error split_to(const struct sw_notifier_form *f,
                              struct sw_pipe_notifier *n, char *why, size_t size)
{
  size_t len = strlen(text_of(f, SW_NOTIFIER_TEXT_TO));
  char *buf = malloc(len + 1);
  n->to = calloc(SW_NOTIFIER_TO_MAX, sizeof *n->to);
  if (!buf || !n->to) {
    free(buf);
    return SW_E_NOMEM;
  }
  memcpy(buf, text_of(f, SW_NOTIFIER_TEXT_TO), len + 1);
  const char *parts[SW_NOTIFIER_TO_MAX];
  size_t count = 0;
  enum sw_error err = SW_E_OK;
  if (len && !sw_mail_to_list_split(buf, parts, SW_NOTIFIER_TO_MAX, &count, why, size))
    err = SW_E_INVALID_ARGUMENT;
  for (size_t i = 0; !err && i < count; i++) {
    size_t n_len = strlen(parts[i]) + 1;
    n->to[i] = malloc(n_len);
    if (!n->to[i]) {
      err = SW_E_NOMEM;
      break;
    }
    memcpy(n->to[i], parts[i], n_len);
    n->to_count = i + 1;
  }
  free(buf);
  return err;
}

/* The texts into `out`; the timeout parsed. */
static enum sw_error fill(const struct sw_notifier_form *f,
                          struct sw_pipe_notifier_input *out, char *why, size_t size)
{
  struct sw_pipe_notifier *n = &out->n;
  n->kind = f->kind;
  n->tls_mode = f->tls_mode;
  n->format = f->format;
  n->revision = f->editing ? f->revision : 0;
  if (!copy_text(f, SW_NOTIFIER_TEXT_NAME, &n->name) ||
      !copy_text(f, SW_NOTIFIER_TEXT_RELAYS, &n->relays) ||
      !copy_text(f, SW_NOTIFIER_TEXT_FROM, &n->from) ||
      !copy_text(f, SW_NOTIFIER_TEXT_AUTH_USER, &n->auth_user) ||
      !copy_text(f, SW_NOTIFIER_TEXT_COMMAND, &n->command_line) ||
      !copy_text(f, SW_NOTIFIER_TEXT_SERVICE, &n->service_name) ||
      !copy_text(f, SW_NOTIFIER_TEXT_PASSWORD, &out->password) ||
      !copy_text(f, SW_NOTIFIER_TEXT_URL, &out->url))
    return SW_E_NOMEM;
  if (f->kind == SW_NOTIFIER_EMAIL) {
    enum sw_error err = split_to(f, n, why, size);
    if (err)
      return err;
  }
  if (f->kind == SW_NOTIFIER_PROGRAM) {
    uint64_t v;
    const char *t = text_of(f, SW_NOTIFIER_TEXT_TIMEOUT);
    if (!t[0]) {
      n->timeout_s = SW_PROGRAM_DEFAULT_TIMEOUT_S;
    } else if (sw_arg_number(t, &v) && v >= 1 && v <= SW_PROGRAM_TIMEOUT_MAX_S) {
      n->timeout_s = (uint32_t)v;
    } else {
      snprintf(why, size, "The timeout must be a whole number of seconds from 1 to %u.",
               SW_PROGRAM_TIMEOUT_MAX_S);
      return SW_E_INVALID_ARGUMENT;
    }
  }
  return SW_E_OK;
}

enum sw_error sw_notifier_form_to_input(const struct sw_notifier_form *f,
                                        struct sw_pipe_notifier_input *out, char *why,
                                        size_t size)
{
  sw_pipe_notifier_input_init(out);
  if (size)
    why[0] = '\0';
  enum sw_error err = fill(f, out, why, size);
  if (err)
    return err;
  struct sw_notifier model;
  struct sw_relay relays[SW_NOTIFIER_RELAYS_MAX];
  if (!sw_pipe_notifier_model(out, &model, relays, why, size))
    return SW_E_INVALID_ARGUMENT;
  /* A secret left empty on an edit is kept by the service: judge the
   * stored one as it is shown ("https://host/..."). */
  if (f->editing && !out->url && f->url_shown)
    model.url = f->url_shown;
  if (f->editing && !out->password && f->password_set)
    model.has_auth_password = true;
  return sw_notifier_validate(&model, why, size) ? SW_E_OK : SW_E_INVALID_ARGUMENT;
}
