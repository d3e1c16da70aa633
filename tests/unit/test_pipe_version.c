/* The protocol version handshake and which requests a version has. What a
 * user notices: an older command line still works with a newer service,
 * and a newer command line talking to an older service says so in a
 * sentence instead of sending a request the service cannot understand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pipe_protocol.h"

/* What a version 1 service answers a HELLO (service/svc_requests.c as it
 * was with SW_PIPE_PROTOCOL_VERSION 1): its one version, if the client's
 * range holds it. */
static bool v1_service_hello(int64_t min, int64_t max, uint16_t *chosen)
{
  if (min > 1 || max < 1)
    return false;
  *chosen = 1;
  return true;
}

static void service_picks_the_highest_common_version(void **state)
{
  (void)state;
  uint16_t v = 0;
  assert_true(sw_pipe_version_choose(1, 1, &v)); /* a version 1 client */
  assert_int_equal(v, 1);
  assert_true(sw_pipe_version_choose(1, 2, &v)); /* a version 2 client */
  assert_int_equal(v, 2);
  assert_true(sw_pipe_version_choose(2, 2, &v));
  assert_int_equal(v, 2);
  assert_true(sw_pipe_version_choose(1, 3, &v)); /* a version 3 client */
  assert_int_equal(v, 3);
  assert_true(sw_pipe_version_choose(0, 9, &v)); /* a newer client */
  assert_int_equal(v, SW_PIPE_PROTOCOL_VERSION);
  assert_true(sw_pipe_version_choose(SW_PIPE_PROTOCOL_VERSION_OLDEST,
                                     SW_PIPE_PROTOCOL_VERSION, &v));
  assert_int_equal(v, SW_PIPE_PROTOCOL_VERSION);

  v = 77;
  assert_false(sw_pipe_version_choose(SW_PIPE_PROTOCOL_VERSION + 1,
                                      SW_PIPE_PROTOCOL_VERSION + 2, &v)); /* only newer */
  assert_false(sw_pipe_version_choose(0, 0, &v)); /* a HELLO without versions */
  assert_false(sw_pipe_version_choose(2, 1, &v)); /* an empty range */
  assert_false(sw_pipe_version_choose(-5, -1, &v));
  assert_false(sw_pipe_version_choose(INT64_MAX, INT64_MAX, &v));
  assert_int_equal(v, 77); /* untouched when there is none */
}

/* This build as the client, against a version 1 service and against
 * itself: what it offers, what it gets, and what it may then send. */
static void client_learns_it_talks_to_an_older_service(void **state)
{
  (void)state;
  uint16_t got = 0;
  assert_true(
      v1_service_hello(SW_PIPE_PROTOCOL_VERSION_OLDEST, SW_PIPE_PROTOCOL_VERSION, &got));
  assert_int_equal(got, 1);
  assert_true(sw_pipe_version_accepted(got));
  assert_true(sw_pipe_msg_allowed(SW_PIPE_MSG_STATUS, got, NULL, 0));
  assert_true(sw_pipe_msg_allowed(SW_PIPE_MSG_RULE_ADD, got, NULL, 0));

  char why[256] = "";
  assert_false(sw_pipe_msg_allowed(SW_PIPE_MSG_NOTIFIER_ADD, got, why, sizeof why));
  assert_string_equal(why, "The SMTP Watch service is older than this tool: notifiers "
                           "need protocol version 2 and it speaks version 1; update "
                           "the service.");
  assert_false(sw_pipe_msg_allowed(SW_PIPE_MSG_MAINTENANCE_ADD, got, why, sizeof why));
  assert_non_null(strstr(why, ": maintenance windows need protocol version 2"));
  assert_false(sw_pipe_msg_allowed(SW_PIPE_MSG_RULE_ACK, got, why, sizeof why));
  assert_non_null(strstr(why, ": acknowledgements need"));
  assert_false(sw_pipe_msg_allowed(SW_PIPE_MSG_NOTIFICATIONS, got, why, sizeof why));
  assert_false(sw_pipe_msg_allowed(SW_PIPE_MSG_RULE_ALERTS_SET, got, why, sizeof why));
  assert_non_null(strstr(why, "rule notification settings need"));
  /* no room for a sentence: still refused */
  assert_false(sw_pipe_msg_allowed(SW_PIPE_MSG_NOTIFIER_LIST, got, NULL, 0));

  /* against a service of this build, everything goes */
  assert_true(sw_pipe_version_choose(SW_PIPE_PROTOCOL_VERSION_OLDEST,
                                     SW_PIPE_PROTOCOL_VERSION, &got));
  assert_int_equal(got, 5);
  assert_true(sw_pipe_msg_allowed(SW_PIPE_MSG_SUBSCRIBE, got, why, sizeof why));
  assert_true(sw_pipe_msg_allowed(SW_PIPE_MSG_NOTIFIER_ADD, got, why, sizeof why));
  assert_true(sw_pipe_msg_allowed(SW_PIPE_MSG_RULE_ALERTS_SET, got, why, sizeof why));
  assert_true(sw_pipe_msg_allowed(SW_PIPE_MSG_RULE_ACCEPT, got, why, sizeof why));

  /* a version 2 service: everything but accepting a server's changes */
  assert_true(sw_pipe_msg_allowed(SW_PIPE_MSG_RULE_ACK, 2, why, sizeof why));
  assert_false(sw_pipe_msg_allowed(SW_PIPE_MSG_RULE_ACCEPT, 2, why, sizeof why));
  assert_string_equal(why, "The SMTP Watch service is older than this tool: "
                           "fingerprint acceptances need protocol version 3 and it "
                           "speaks version 2; update the service.");
  /* a version 3 service: no availability reports */
  assert_false(sw_pipe_msg_allowed(SW_PIPE_MSG_REPORT, 3, why, sizeof why));
  assert_non_null(strstr(why, "availability reports need protocol version 4"));

  /* a version 3 service: the editor polls instead of subscribing */
  assert_false(sw_pipe_msg_allowed(SW_PIPE_MSG_SUBSCRIBE, 3, why, sizeof why));
  assert_string_equal(why, "The SMTP Watch service is older than this tool: "
                           "subscriptions need protocol version 4 and it "
                           "speaks version 3; update the service.");

  /* a HELLO_OK naming a version this build does not speak */
  assert_false(sw_pipe_version_accepted(0));
  assert_false(sw_pipe_version_accepted(SW_PIPE_PROTOCOL_VERSION + 1));
  assert_false(sw_pipe_version_accepted(-1));
}

/* A version 1 client with a version 2 service gets version 1, and the
 * service knows which requests that connection has. */
static void older_client_gets_version_1(void **state)
{
  (void)state;
  uint16_t v = 0;
  assert_true(sw_pipe_version_choose(1, 1, &v));
  assert_int_equal(v, 1);
  assert_true(sw_pipe_msg_allowed(SW_PIPE_MSG_HISTORY, v, NULL, 0));
  assert_false(sw_pipe_msg_allowed(SW_PIPE_MSG_NOTIFIER_LIST, v, NULL, 0));

  char why[160];
  assert_false(sw_pipe_msg_allowed(12345, 2, why, sizeof why));
  assert_string_equal(why, "This tool does not know request 12345 of the SMTP Watch "
                           "service.");
  assert_false(sw_pipe_msg_allowed(0, 2, NULL, 0));
}

/* Every number from 0 to 999: a message has a name if and only if it has a
 * version; no message is newer than this build; the version 2 ones are in
 * their own ranges (70 and up), requests even and replies odd, and each
 * says what it is for. */
static void message_map_is_consistent(void **state)
{
  (void)state;
  int v1 = 0, v2 = 0;
  for (unsigned m = 0; m < 1000; m++) {
    const char *name = sw_pipe_msg_name((uint16_t)m);
    uint16_t version = sw_pipe_msg_version((uint16_t)m);
    assert_true((name != NULL) == (version != 0));
    if (!name)
      continue;
    assert_in_range(version, 1, SW_PIPE_PROTOCOL_VERSION);
    if (version == 1) {
      assert_true(m < 70);
      v1++;
      continue;
    }
    v2++;
    assert_true(m >= 70);
    /* the server's own messages are odd: replies, and PUSH (version 4) */
    bool reply = strstr(name, "_OK") != NULL || strcmp(name, "PUSH") == 0;
    assert_int_equal(m % 2, reply ? 1 : 0);
    char why[256];
    assert_false(sw_pipe_msg_allowed((uint16_t)m, 1, why, sizeof why));
    assert_null(strstr(why, ":  need")); /* it names what it is for */
  }
  assert_int_equal(v1, 23);
  assert_int_equal(v2, 22 + 4 + 2 + 3); /* 2, 3; 4: REPORT, import, subscriptions */
  assert_string_equal(sw_pipe_msg_name(SW_PIPE_MSG_NOTIFIER_TEST_OK), "NOTIFIER_TEST_OK");
  assert_int_equal(sw_pipe_msg_version(SW_PIPE_MSG_HELLO), 1);
}

/* The new refusals have codes a script can match and sentences a person
 * can act on. */
static void new_error_codes_round_trip(void **state)
{
  (void)state;
  const struct {
    enum sw_pipe_error e;
    const char *code, *says;
  } errors[] = {
      {SW_PIPE_ERR_INVALID, "invalid", "correct it"},
      {SW_PIPE_ERR_NOTIFIER_NOT_FOUND, "notifier_not_found", "notifiers list"},
      {SW_PIPE_ERR_NOTIFIER_EXISTS, "notifier_exists", "choose another name"},
      {SW_PIPE_ERR_NOTIFIER_IN_USE, "notifier_in_use", "take it out"},
      {SW_PIPE_ERR_MAINTENANCE_NOT_FOUND, "maintenance_not_found", "maintenance list"},
      {SW_PIPE_ERR_DEPENDENCY_CYCLE, "dependency_cycle", "depends on it"},
      {SW_PIPE_ERR_NOT_BAD, "not_bad", "bad state"},
      {SW_PIPE_ERR_NO_DRIFT, "no_drift", "nothing to accept"},
  };
  for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
    assert_string_equal(sw_pipe_error_code(errors[i].e), errors[i].code);
    enum sw_pipe_error back;
    assert_true(sw_pipe_error_from_code(errors[i].code, strlen(errors[i].code), &back));
    assert_int_equal(back, errors[i].e);
    const char *text = sw_pipe_error_text(errors[i].e);
    assert_non_null(strstr(text, errors[i].says));
    assert_int_equal(text[strlen(text) - 1], '.');
  }
  /* the version 1 codes keep their words: codes travel as text */
  assert_string_equal(sw_pipe_error_code(SW_PIPE_ERR_STALE), "stale");
  assert_string_equal(sw_pipe_error_code(SW_PIPE_ERR_INTERNAL), "internal");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(service_picks_the_highest_common_version),
      cmocka_unit_test(client_learns_it_talks_to_an_older_service),
      cmocka_unit_test(older_client_gets_version_1),
      cmocka_unit_test(message_map_is_consistent),
      cmocka_unit_test(new_error_codes_round_trip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
