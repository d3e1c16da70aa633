/* The NOTIFIER record: every kind arrives as it left, and a secret (the
 * relay password, the webhook URL with its token) goes from a client to the
 * service and never back. What a user notices: `notifiers show` and the
 * editor show "password set" and "https://host/...", never the secret,
 * whatever the service or a process posing as it sends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pipe_fixture.h"
#include "pipe_notifier.h"
#include "pipe_protocol.h"

#define PASSWORD "pa55-w0rd-SECRET"
#define URL "https://hooks.example.com:8443/workflows/TOKEN123?sig=SIGSECRET"

static char *dup(const char *s)
{
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  assert_non_null(d);
  memcpy(d, s, n);
  return d;
}

static void email_input(struct sw_pipe_notifier_input *in)
{
  sw_pipe_notifier_input_init(in);
  struct sw_pipe_notifier *n = &in->n;
  n->name = dup("Ops mail \xc3\xa9quipe");
  n->kind = SW_NOTIFIER_EMAIL;
  n->revision = 4;
  n->to = malloc(3 * sizeof *n->to);
  n->to[0] = dup("ops@example.com");
  n->to[1] = dup("oncall+smtp@example.org");
  n->to[2] = dup("boss@[192.0.2.1]");
  n->to_count = 3;
  n->relays = dup("mx1.example.com,mx2.example.com:587,[2001:db8::25]");
  n->from = dup("smtpwatch@example.com");
  n->tls_mode = SW_TLS_REQUIRE_STARTTLS;
  n->auth_user = dup("watcher");
  in->password = dup(PASSWORD);
}

static void webhook_input(struct sw_pipe_notifier_input *in)
{
  sw_pipe_notifier_input_init(in);
  in->n.name = dup("Teams channel");
  in->n.kind = SW_NOTIFIER_WEBHOOK;
  in->n.format = SW_WEBHOOK_TEAMS;
  in->url = dup(URL);
}

static bool bytes_contain(const struct sw_buf *b, const char *s)
{
  size_t n = strlen(s);
  for (size_t i = 0; i + n <= b->len; i++)
    if (memcmp(b->data + i, s, n) == 0)
      return true;
  return false;
}

/* A client sends an e-mail notifier with its password: the service gets
 * every fact and the password. */
static void email_input_reaches_the_service(void **state)
{
  (void)state;
  struct sw_pipe_notifier_input in, got;
  email_input(&in);
  struct sw_buf body;
  sw_buf_init(&body, 0);
  sw_pipe_put_notifier_input(&body, &in);
  struct sw_tlv_reader rd;
  pipe_open_record(&body, &rd, SW_PIPE_TAG_NOTIFIER);
  assert_int_equal(sw_pipe_get_notifier_input(&rd, &got), SW_E_OK);
  assert_string_equal(got.n.name, in.n.name);
  assert_int_equal(got.n.kind, SW_NOTIFIER_EMAIL);
  assert_int_equal(got.n.revision, 4);
  assert_int_equal(got.n.to_count, 3);
  for (size_t i = 0; i < 3; i++)
    assert_string_equal(got.n.to[i], in.n.to[i]);
  assert_string_equal(got.n.relays, in.n.relays);
  assert_string_equal(got.n.from, "smtpwatch@example.com");
  assert_int_equal(got.n.tls_mode, SW_TLS_REQUIRE_STARTTLS);
  assert_string_equal(got.n.auth_user, "watcher");
  assert_string_equal(got.password, PASSWORD);
  assert_null(got.url);

  /* and it validates as the model says */
  struct sw_notifier model;
  struct sw_relay relays[SW_NOTIFIER_RELAYS_MAX];
  char why[256] = "";
  assert_true(sw_pipe_notifier_model(&got, &model, relays, why, sizeof why));
  assert_int_equal(model.relay_count, 3);
  assert_string_equal(model.relays[1].host, "mx2.example.com");
  assert_int_equal(model.relays[1].port, 587);
  assert_true(model.has_auth_password);
  assert_true(sw_notifier_validate(&model, why, sizeof why));
  sw_pipe_notifier_input_free(&got);

  /* an update that leaves the password out keeps it: NULL, not "" */
  free(in.password);
  in.password = NULL;
  sw_buf_free(&body);
  sw_buf_init(&body, 0);
  sw_pipe_put_notifier_input(&body, &in);
  pipe_open_record(&body, &rd, SW_PIPE_TAG_NOTIFIER);
  assert_int_equal(sw_pipe_get_notifier_input(&rd, &got), SW_E_OK);
  assert_null(got.password);
  sw_pipe_notifier_input_free(&got);
  /* and one that clears it sends "" */
  in.password = dup("");
  sw_buf_free(&body);
  sw_buf_init(&body, 0);
  sw_pipe_put_notifier_input(&body, &in);
  pipe_open_record(&body, &rd, SW_PIPE_TAG_NOTIFIER);
  assert_int_equal(sw_pipe_get_notifier_input(&rd, &got), SW_E_OK);
  assert_string_equal(got.password, "");
  assert_true(sw_pipe_notifier_model(&got, &model, relays, why, sizeof why));
  assert_false(model.has_auth_password);
  assert_false(sw_notifier_validate(&model, why, sizeof why));
  assert_string_equal(why, "AUTH needs a password as well as the user name.");
  sw_pipe_notifier_input_free(&got);
  sw_pipe_notifier_input_free(&in);
  sw_buf_free(&body);
}

/* What the service does with a stored notifier: it shows the facts, says
 * a password is set, and shows the URL as https://host/... even when the
 * full URL is what it has at hand. No secret's tag is written, and no
 * secret's bytes are in the reply. */
static void service_never_sends_a_secret(void **state)
{
  (void)state;
  struct sw_pipe_notifier_input in;
  email_input(&in);
  struct sw_pipe_notifier shown = in.n; /* borrowed, as the encoder allows */
  shown.password_set = in.password != NULL;
  struct sw_buf body;
  sw_buf_init(&body, 0);
  sw_pipe_put_notifier(&body, &shown);
  assert_false(pipe_has_tag(&body, SW_PIPE_TAG_NOTIFIER_PASSWORD));
  assert_false(pipe_has_tag(&body, SW_PIPE_TAG_NOTIFIER_URL));
  assert_true(pipe_has_tag(&body, SW_PIPE_TAG_NOTIFIER_PASSWORD_SET));
  assert_false(bytes_contain(&body, PASSWORD));

  struct sw_tlv_reader rd;
  struct sw_pipe_notifier got;
  pipe_open_record(&body, &rd, SW_PIPE_TAG_NOTIFIER);
  assert_int_equal(sw_pipe_get_notifier(&rd, &got), SW_E_OK);
  assert_true(got.password_set);
  assert_string_equal(got.auth_user, "watcher");
  assert_int_equal(got.to_count, 3);
  assert_string_equal(got.to[2], "boss@[192.0.2.1]");
  sw_pipe_notifier_free(&got);
  sw_pipe_notifier_input_free(&in);
  sw_buf_free(&body);

  webhook_input(&in);
  shown = in.n;
  shown.url_shown = in.url; /* the service's mistake, made harmless */
  sw_buf_init(&body, 0);
  sw_pipe_put_notifier(&body, &shown);
  assert_false(pipe_has_tag(&body, SW_PIPE_TAG_NOTIFIER_URL));
  assert_false(pipe_has_tag(&body, SW_PIPE_TAG_NOTIFIER_PASSWORD_SET)); /* not e-mail */
  assert_false(bytes_contain(&body, "TOKEN123"));
  assert_false(bytes_contain(&body, "SIGSECRET"));
  assert_false(bytes_contain(&body, "workflows"));
  pipe_open_record(&body, &rd, SW_PIPE_TAG_NOTIFIER);
  assert_int_equal(sw_pipe_get_notifier(&rd, &got), SW_E_OK);
  assert_string_equal(got.url_shown, "https://hooks.example.com:8443/...");
  assert_int_equal(got.format, SW_WEBHOOK_TEAMS);
  assert_string_equal(got.name, "Teams channel");
  sw_pipe_notifier_free(&got);
  sw_buf_free(&body);

  /* the client's own encoder sends the URL, to the service only */
  sw_buf_init(&body, 0);
  sw_pipe_put_notifier_input(&body, &in);
  assert_true(pipe_has_tag(&body, SW_PIPE_TAG_NOTIFIER_URL));
  assert_false(pipe_has_tag(&body, SW_PIPE_TAG_NOTIFIER_URL_SHOWN));
  assert_false(pipe_has_tag(&body, SW_PIPE_TAG_NOTIFIER_PASSWORD)); /* none given */
  struct sw_pipe_notifier_input back;
  pipe_open_record(&body, &rd, SW_PIPE_TAG_NOTIFIER);
  assert_int_equal(sw_pipe_get_notifier_input(&rd, &back), SW_E_OK);
  assert_string_equal(back.url, URL);
  sw_pipe_notifier_input_free(&back);
  sw_pipe_notifier_input_free(&in);
  sw_buf_free(&body);
}

/* A process posing as the service (or a buggy one) sends the secrets'
 * tags: the client's decoder has no place for them and keeps nothing;
 * and what a client claims about PASSWORD_SET or URL_SHOWN means nothing
 * to the service. */
static void decoders_keep_only_their_direction(void **state)
{
  (void)state;
  struct sw_buf body;
  sw_buf_init(&body, 0);
  sw_tlv_begin(&body, SW_PIPE_TAG_NOTIFIER);
  sw_tlv_put_str(&body, SW_PIPE_TAG_NOTIFIER_NAME, "hook");
  sw_tlv_put_str(&body, SW_PIPE_TAG_NOTIFIER_KIND, "webhook");
  sw_tlv_put_str(&body, SW_PIPE_TAG_NOTIFIER_URL, URL);
  sw_tlv_put_str(&body, SW_PIPE_TAG_NOTIFIER_PASSWORD, PASSWORD);
  sw_tlv_put_bool(&body, SW_PIPE_TAG_NOTIFIER_PASSWORD_SET, true);
  sw_tlv_put_str(&body, SW_PIPE_TAG_NOTIFIER_URL_SHOWN, "https://evil.example/...");
  sw_tlv_end(&body);

  struct sw_tlv_reader rd;
  struct sw_pipe_notifier got;
  pipe_open_record(&body, &rd, SW_PIPE_TAG_NOTIFIER);
  assert_int_equal(sw_pipe_get_notifier(&rd, &got), SW_E_OK);
  assert_string_equal(got.name, "hook");
  assert_string_equal(got.url_shown, "https://evil.example/...");
  /* every string the client holds, searched for the secrets */
  const char *strings[] = {got.name,        got.relays,    got.from,
                           got.auth_user,   got.url_shown, got.command_line,
                           got.service_name};
  for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
    if (strings[i]) {
      assert_null(strstr(strings[i], "TOKEN123"));
      assert_null(strstr(strings[i], PASSWORD));
    }
  sw_pipe_notifier_free(&got);

  struct sw_pipe_notifier_input in;
  pipe_open_record(&body, &rd, SW_PIPE_TAG_NOTIFIER);
  assert_int_equal(sw_pipe_get_notifier_input(&rd, &in), SW_E_OK);
  assert_false(in.n.password_set);
  assert_null(in.n.url_shown);
  assert_string_equal(in.url, URL);
  assert_string_equal(in.password, PASSWORD);
  sw_pipe_notifier_input_free(&in);
  sw_buf_free(&body);
}

static void program_and_service_kinds(void **state)
{
  (void)state;
  struct sw_pipe_notifier n;
  sw_pipe_notifier_init(&n);
  assert_int_equal(n.timeout_s, SW_PROGRAM_DEFAULT_TIMEOUT_S);
  n.name = "Script";
  n.kind = SW_NOTIFIER_PROGRAM;
  n.command_line = "\"C:\\Tools\\page.cmd\" --urgent";
  n.timeout_s = 90;
  n.relays = "mx.example.com"; /* not a program's: left out */
  struct sw_buf body;
  sw_buf_init(&body, 0);
  sw_pipe_put_notifier(&body, &n);
  assert_false(pipe_has_tag(&body, SW_PIPE_TAG_NOTIFIER_RELAYS));
  struct sw_tlv_reader rd;
  struct sw_pipe_notifier got;
  pipe_open_record(&body, &rd, SW_PIPE_TAG_NOTIFIER);
  assert_int_equal(sw_pipe_get_notifier(&rd, &got), SW_E_OK);
  assert_int_equal(got.kind, SW_NOTIFIER_PROGRAM);
  assert_string_equal(got.command_line, n.command_line);
  assert_int_equal(got.timeout_s, 90);
  assert_null(got.relays);
  sw_pipe_notifier_free(&got);
  sw_buf_free(&body);

  n.kind = SW_NOTIFIER_RESTART_SERVICE;
  n.service_name = "SMTPSVC";
  sw_buf_init(&body, 0);
  sw_pipe_put_notifier(&body, &n);
  pipe_open_record(&body, &rd, SW_PIPE_TAG_NOTIFIER);
  assert_int_equal(sw_pipe_get_notifier(&rd, &got), SW_E_OK);
  assert_int_equal(got.kind, SW_NOTIFIER_RESTART_SERVICE);
  assert_string_equal(got.service_name, "SMTPSVC");
  assert_null(got.command_line);
  sw_pipe_notifier_free(&got);
  sw_buf_free(&body);
}

/* Names this build does not know reach the validators as such, and each
 * gets a sentence; fields left out take the defaults. */
static void unknown_choices_are_refused_in_words(void **state)
{
  (void)state;
  const struct {
    const char *kind, *tag_value, *says;
    uint16_t tag;
  } cases[] = {
      {"pager", NULL, "Unknown notifier kind.", 0},
      {"email", "ssl", "Unknown TLS mode", SW_PIPE_TAG_NOTIFIER_TLS_MODE},
      {"webhook", "discord", "Unknown webhook format", SW_PIPE_TAG_NOTIFIER_FORMAT},
      {"email", "mx1.example.com,,mx2", "Give each relay", SW_PIPE_TAG_NOTIFIER_RELAYS},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct sw_buf body;
    sw_buf_init(&body, 0);
    sw_tlv_begin(&body, SW_PIPE_TAG_NOTIFIER);
    sw_tlv_put_str(&body, SW_PIPE_TAG_NOTIFIER_NAME, "n");
    sw_tlv_put_str(&body, SW_PIPE_TAG_NOTIFIER_KIND, cases[i].kind);
    sw_tlv_put_str(&body, SW_PIPE_TAG_NOTIFIER_TO, "a@example.com");
    sw_tlv_put_str(&body, SW_PIPE_TAG_NOTIFIER_URL, "https://h.example.com/x");
    if (cases[i].tag)
      sw_tlv_put_str(&body, cases[i].tag, cases[i].tag_value);
    if (cases[i].tag != SW_PIPE_TAG_NOTIFIER_RELAYS)
      sw_tlv_put_str(&body, SW_PIPE_TAG_NOTIFIER_RELAYS, "mx.example.com");
    sw_tlv_end(&body);
    struct sw_tlv_reader rd;
    struct sw_pipe_notifier_input in;
    pipe_open_record(&body, &rd, SW_PIPE_TAG_NOTIFIER);
    assert_int_equal(sw_pipe_get_notifier_input(&rd, &in), SW_E_OK);
    struct sw_notifier model;
    struct sw_relay relays[SW_NOTIFIER_RELAYS_MAX];
    char why[256] = "";
    bool ok = sw_pipe_notifier_model(&in, &model, relays, why, sizeof why) &&
              sw_notifier_validate(&model, why, sizeof why);
    assert_false(ok);
    assert_non_null(strstr(why, cases[i].says));
    sw_pipe_notifier_input_free(&in);
    sw_buf_free(&body);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(email_input_reaches_the_service),
      cmocka_unit_test(service_never_sends_a_secret),
      cmocka_unit_test(decoders_keep_only_their_direction),
      cmocka_unit_test(program_and_service_kinds),
      cmocka_unit_test(unknown_choices_are_refused_in_words),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
