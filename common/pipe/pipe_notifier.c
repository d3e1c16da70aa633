/* The NOTIFIER record (pipe_notifier.h): its fields as tables, one for
 * what every notifier has, one per kind, and the two that differ by
 * direction: what the service shows and the secrets a client sends. */
#include "pipe_notifier.h"

#include <stdio.h>
#include <string.h>

#include "pipe_fields.h"
#include "pipe_protocol.h"
#include "sw_macros.h"

_Static_assert(sizeof(enum sw_notifier_kind) == sizeof(int), "SW__PF_ENUM reads int");
_Static_assert(sizeof(enum sw_tls_mode) == sizeof(int), "SW__PF_ENUM reads int");
_Static_assert(sizeof(enum sw_webhook_format) == sizeof(int), "SW__PF_ENUM reads int");

static const char *const kind_names[] = {SW_NOTIFIER_KIND_MAP(SW_X_2)};
static const char *const tls_names[] = {SW_TLS_MODE_MAP(SW_X_2)};
static const char *const format_names[] = {SW_WEBHOOK_FORMAT_MAP(SW_X_2)};

#define AT(m) offsetof(struct sw_pipe_notifier, m)

static const struct sw__pipe_field common_fields[] = {
    SW__PF_ROW(SW_PIPE_TAG_NOTIFIER_NAME, SW__PF_TEXT, AT(name), 0),
    SW__PF_ENUM_ROW(SW_PIPE_TAG_NOTIFIER_KIND, AT(kind), kind_names,
                    SW_NOTIFIER_KIND_COUNT, 0),
    SW__PF_ROW(SW_PIPE_TAG_NOTIFIER_REVISION, SW__PF_INT, AT(revision), SW__PF_OMIT_ZERO),
};

static const struct sw__pipe_field email_fields[] = {
    SW__PF_LIST_ROW(SW_PIPE_TAG_NOTIFIER_TO, AT(to), AT(to_count), 0),
    SW__PF_ROW(SW_PIPE_TAG_NOTIFIER_RELAYS, SW__PF_TEXT, AT(relays), 0),
    SW__PF_ROW(SW_PIPE_TAG_NOTIFIER_FROM, SW__PF_TEXT, AT(from), SW__PF_OMIT_ZERO),
    SW__PF_ENUM_ROW(SW_PIPE_TAG_NOTIFIER_TLS_MODE, AT(tls_mode), tls_names,
                    SW_TLS_MODE_COUNT, 0),
    SW__PF_ROW(SW_PIPE_TAG_NOTIFIER_AUTH_USER, SW__PF_TEXT, AT(auth_user),
               SW__PF_OMIT_ZERO),
};

static const struct sw__pipe_field webhook_fields[] = {
    SW__PF_ENUM_ROW(SW_PIPE_TAG_NOTIFIER_FORMAT, AT(format), format_names,
                    SW_WEBHOOK_FORMAT_COUNT, 0),
};

static const struct sw__pipe_field program_fields[] = {
    SW__PF_ROW(SW_PIPE_TAG_NOTIFIER_COMMAND_LINE, SW__PF_TEXT, AT(command_line), 0),
    SW__PF_ROW(SW_PIPE_TAG_NOTIFIER_TIMEOUT_S, SW__PF_U32, AT(timeout_s), 0),
};

static const struct sw__pipe_field service_fields[] = {
    SW__PF_ROW(SW_PIPE_TAG_NOTIFIER_SERVICE_NAME, SW__PF_TEXT, AT(service_name), 0),
};

/* Service -> client only. URL_SHOWN is read here but written by
 * put_url_shown, which reduces it. */
static const struct sw__pipe_field shown_fields[] = {
    SW__PF_ROW(SW_PIPE_TAG_NOTIFIER_PASSWORD_SET, SW__PF_BOOL, AT(password_set), 0),
    SW__PF_ROW(SW_PIPE_TAG_NOTIFIER_URL_SHOWN, SW__PF_TEXT, AT(url_shown), 0),
};

#undef AT
#define AT(m) offsetof(struct sw_pipe_notifier_input, m)

/* Client -> service only: rows of struct sw_pipe_notifier_input. */
static const struct sw__pipe_field secret_fields[] = {
    SW__PF_ROW(SW_PIPE_TAG_NOTIFIER_PASSWORD, SW__PF_TEXT, AT(password), SW__PF_SECRET),
    SW__PF_ROW(SW_PIPE_TAG_NOTIFIER_URL, SW__PF_TEXT, AT(url), SW__PF_SECRET),
};

#undef AT

struct table {
  const struct sw__pipe_field *rows;
  size_t n;
};

#define TABLE(t)                                                                         \
  {                                                                                      \
    t, SW_COUNTOF(t)                                                                     \
  }

/* What every kind has, then each kind's own fields, in enum order. */
static const struct table kind_tables[] = {
    TABLE(email_fields),
    TABLE(webhook_fields),
    TABLE(program_fields),
    TABLE(service_fields),
};
_Static_assert(SW_COUNTOF(kind_tables) == SW_NOTIFIER_KIND_COUNT, "a table per kind");

/* The facts both directions carry: the common fields and the kind's. */
static void put_facts(struct sw_buf *out, const struct sw_pipe_notifier *n)
{
  sw__pipe_put_fields(out, n, common_fields, SW_COUNTOF(common_fields));
  if ((size_t)n->kind < SW_COUNTOF(kind_tables))
    sw__pipe_put_fields(out, n, kind_tables[n->kind].rows, kind_tables[n->kind].n);
}

void sw_pipe_put_notifier(struct sw_buf *out, const struct sw_pipe_notifier *n)
{
  sw_tlv_begin(out, SW_PIPE_TAG_NOTIFIER);
  put_facts(out, n);
  if (n->kind == SW_NOTIFIER_EMAIL)
    sw_tlv_put_bool(out, SW_PIPE_TAG_NOTIFIER_PASSWORD_SET, n->password_set);
  if (n->kind == SW_NOTIFIER_WEBHOOK && n->url_shown) {
    char shown[SW_WEBHOOK_URL_MAX];
    sw_webhook_url_shown(n->url_shown, shown, sizeof shown);
    sw_tlv_put_str(out, SW_PIPE_TAG_NOTIFIER_URL_SHOWN, shown);
  }
  sw_tlv_end(out);
}

void sw_pipe_put_notifier_input(struct sw_buf *out,
                                const struct sw_pipe_notifier_input *in)
{
  sw_tlv_begin(out, SW_PIPE_TAG_NOTIFIER);
  put_facts(out, &in->n);
  sw__pipe_put_fields(out, in, secret_fields, SW_COUNTOF(secret_fields));
  sw_tlv_end(out);
}

/* The rows of the facts: common and every kind's (a record may name its
 * kind after its fields). */
static enum sw_error facts_field(struct sw_pipe_notifier *n, const struct sw_tlv_field *f,
                                 bool *known)
{
  enum sw_error err =
      sw__pipe_get_field(n, common_fields, SW_COUNTOF(common_fields), f, known);
  for (size_t i = 0; !err && !*known && i < SW_COUNTOF(kind_tables); i++)
    err = sw__pipe_get_field(n, kind_tables[i].rows, kind_tables[i].n, f, known);
  return err;
}

static enum sw_error shown_field(void *ctx, const struct sw_tlv_field *f)
{
  struct sw_pipe_notifier *n = ctx;
  bool known = false;
  enum sw_error err = facts_field(n, f, &known);
  if (!err && !known)
    err = sw__pipe_get_field(n, shown_fields, SW_COUNTOF(shown_fields), f, &known);
  return err; /* PASSWORD and URL have no row here: skipped, never kept */
}

static enum sw_error input_field(void *ctx, const struct sw_tlv_field *f)
{
  struct sw_pipe_notifier_input *in = ctx;
  bool known = false;
  enum sw_error err = facts_field(&in->n, f, &known);
  if (!err && !known)
    err = sw__pipe_get_field(in, secret_fields, SW_COUNTOF(secret_fields), f, &known);
  return err; /* PASSWORD_SET and URL_SHOWN mean nothing from a client */
}

void sw_pipe_notifier_init(struct sw_pipe_notifier *n)
{
  memset(n, 0, sizeof *n);
  n->kind = SW_NOTIFIER_EMAIL;
  n->tls_mode = SW_TLS_STARTTLS;
  n->format = SW_WEBHOOK_GENERIC;
  n->timeout_s = SW_PROGRAM_DEFAULT_TIMEOUT_S;
}

void sw_pipe_notifier_free(struct sw_pipe_notifier *n)
{
  sw__pipe_free_fields(n, common_fields, SW_COUNTOF(common_fields));
  for (size_t i = 0; i < SW_COUNTOF(kind_tables); i++)
    sw__pipe_free_fields(n, kind_tables[i].rows, kind_tables[i].n);
  sw__pipe_free_fields(n, shown_fields, SW_COUNTOF(shown_fields));
  sw_pipe_notifier_init(n);
}

void sw_pipe_notifier_input_init(struct sw_pipe_notifier_input *in)
{
  sw_pipe_notifier_init(&in->n);
  in->password = NULL;
  in->url = NULL;
}

void sw_pipe_notifier_input_free(struct sw_pipe_notifier_input *in)
{
  sw_pipe_notifier_free(&in->n);
  sw__pipe_free_fields(in, secret_fields, SW_COUNTOF(secret_fields));
}

enum sw_error sw_pipe_get_notifier(struct sw_tlv_reader *rd, struct sw_pipe_notifier *out)
{
  sw_pipe_notifier_init(out);
  return sw_tlv_each_field(rd, shown_field, NULL, out);
}

enum sw_error sw_pipe_get_notifier_input(struct sw_tlv_reader *rd,
                                         struct sw_pipe_notifier_input *out)
{
  sw_pipe_notifier_input_init(out);
  return sw_tlv_each_field(rd, input_field, NULL, out);
}

static const char *text(const char *s)
{
  return s ? s : "";
}

bool sw_pipe_notifier_model(const struct sw_pipe_notifier_input *in,
                            struct sw_notifier *model, struct sw_relay *relays, char *why,
                            size_t size)
{
  const struct sw_pipe_notifier *n = &in->n;
  *model = (struct sw_notifier){
      .name = text(n->name),
      .kind = n->kind,
      .to = (const char *const *)n->to,
      .to_count = n->to_count,
      .relays = relays,
      .from = text(n->from),
      .tls_mode = n->tls_mode,
      .auth_user = text(n->auth_user),
      .has_auth_password = in->password && *in->password,
      .url = text(in->url),
      .format = n->format,
      .command_line = text(n->command_line),
      .timeout_s = n->timeout_s,
      .service_name = text(n->service_name),
  };
  /* The choices the model's validator takes as given. */
  if (n->kind == SW_NOTIFIER_EMAIL && (size_t)n->tls_mode >= SW_TLS_MODE_COUNT) {
    snprintf(why, size,
             "Unknown TLS mode: use none, starttls, require-starttls or implicit.");
    return false;
  }
  if (n->kind == SW_NOTIFIER_WEBHOOK && (size_t)n->format >= SW_WEBHOOK_FORMAT_COUNT) {
    snprintf(why, size, "Unknown webhook format: use generic, teams or slack.");
    return false;
  }
  if (n->kind != SW_NOTIFIER_EMAIL)
    return true;
  return sw_relay_list_parse(text(n->relays), relays, SW_NOTIFIER_RELAYS_MAX,
                             &model->relay_count, why, size);
}
