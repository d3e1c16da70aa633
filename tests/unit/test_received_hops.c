/* The hops of a message from its Received: fields
 * (common/mailbox/received_hops.c), as Postfix, Dovecot's LMTP, Exchange
 * Online and Gmail write them, and malformed ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "received_hops.h"

#define AT INT64_C(1796638623) /* 2026-12-07 10:17:03 UTC */

static struct sw_received_hops hops;

static void parse(const char *block)
{
  assert_int_equal(sw_received_hops_parse(block, strlen(block), &hops), SW_E_OK);
}

static void assert_hop(size_t i, const char *from, const char *by, const char *with)
{
  assert_true(i < hops.count);
  assert_string_equal(hops.hop[i].from, from);
  assert_string_equal(hops.hop[i].by, by);
  assert_string_equal(hops.hop[i].with, with);
}

static const char *delay(size_t i)
{
  static char text[32];
  sw_received_hop_delay_text(&hops.hop[i], text, sizeof text);
  return text;
}

/* What the rig (tests/integration/mailbox_rig.py) delivers: Postfix's
 * submission with TLS and AUTH, then Dovecot's LMTP. */
static void test_postfix_then_dovecot_lmtp(void **state)
{
  (void)state;
  parse("Return-Path: <probe@smtpwatch.test>\r\n"
        "Delivered-To: probe@smtpwatch.test\r\n"
        "Received: from postfix.smtpwatch.test\r\n"
        "\tby dovecot.smtpwatch.test with LMTP\r\n"
        "\tid yn3KIGk5F2t1HwAAg+zDdQ\r\n"
        "\t(envelope-from <probe@smtpwatch.test>)\r\n"
        "\tfor <probe@smtpwatch.test>; Mon, 07 Dec 2026 10:17:05 +0000\r\n"
        "Received: from [127.0.0.1] (localhost [127.0.0.1])\r\n"
        "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\r\n"
        "\t key-exchange X25519 server-signature ECDSA (prime256v1) server-digest "
        "SHA256)\r\n"
        "\t(No client certificate requested)\r\n"
        "\t(Authenticated sender: probe@smtpwatch.test)\r\n"
        "\tby postfix.smtpwatch.test (Postfix) with ESMTPSA id 0BB6CA7615F\r\n"
        "\tfor <probe@smtpwatch.test>; Mon,  7 Dec 2026 10:17:04 +0000 (UTC)\r\n"
        "Date: Mon, 07 Dec 2026 11:17:03 +0100\r\n"
        "X-SmtpWatch-Probe: 17/9f86d081884c7d65\r\n"
        "\r\n"
        "Received: from the.body by not.a.hop; Mon, 07 Dec 2026 10:17:03 +0000\r\n");
  assert_int_equal(hops.count, 2);
  assert_false(hops.truncated);
  assert_hop(0, "[127.0.0.1]", "postfix.smtpwatch.test", "ESMTPSA");
  assert_hop(1, "postfix.smtpwatch.test", "dovecot.smtpwatch.test", "LMTP");
  assert_true(hops.hop[0].has_time);
  assert_int_equal(hops.hop[0].time, AT + 1);
  assert_int_equal(hops.hop[1].time, AT + 2);
  /* The first hop counts from Date: (written at +0100, the same instant). */
  assert_string_equal(delay(0), "1 s");
  assert_string_equal(delay(1), "1 s");
}

static void test_gmail(void **state)
{
  (void)state;
  parse(
      "Received: by 2002:a05:6a10:b1d:b0:5d1:b2e7:1b51 with SMTP id "
      "hj29csp1234567pxb;\r\n"
      "        Mon, 7 Dec 2026 02:17:09 -0800 (PST)\r\n"
      "X-Received: by 2002:a17:90a:1234:: with SMTP id x1mr123.1.1796638628;\r\n"
      "        Mon, 07 Dec 2026 02:17:08 -0800 (PST)\r\n"
      "ARC-Seal: i=1; a=rsa-sha256; t=1796638628; cv=none; d=google.com; "
      "s=arc-20160816;\r\n"
      "        b=abc\r\n"
      "Received: from mail.example.com (mail.example.com. [192.0.2.25])\r\n"
      "        by mx.google.com with ESMTPS id a1si1234567pfb.41.2026.12.07.02.17.07\r\n"
      "        for <someone@gmail.com>\r\n"
      "        (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256);\r\n"
      "        Mon, 07 Dec 2026 02:17:07 -0800 (PST)\r\n"
      "\r\n");
  assert_int_equal(hops.count, 2); /* X-Received: is not a hop */
  assert_hop(0, "mail.example.com", "mx.google.com", "ESMTPS");
  assert_hop(1, "", "2002:a05:6a10:b1d:b0:5d1:b2e7:1b51", "SMTP");
  assert_int_equal(hops.hop[0].time, AT + 4);
  assert_int_equal(hops.hop[0].offset_min, -480);
  assert_string_equal(delay(0), "?"); /* no Date: */
  assert_string_equal(delay(1), "2 s");
}

static void test_exchange_online(void **state)
{
  (void)state;
  parse(
      "Received: from AM0PR07MB1234.eurprd07.prod.outlook.com (2603:10a6:208:1::1) by\r\n"
      " AM0PR07MB5678.eurprd07.prod.outlook.com (2603:10a6:208:2::2) with Microsoft\r\n"
      " SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id\r\n"
      " 15.20.7249.12; Mon, 7 Dec 2026 10:17:06 +0000\r\n"
      "Received: from mail.example.com (192.0.2.25) by\r\n"
      " DB5EUR03FT012.mail.protection.outlook.com (10.152.20.100) with Microsoft SMTP\r\n"
      " Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id\r\n"
      " 15.20.7249.12 via Frontend Transport; Mon, 7 Dec 2026 10:17:05 +0000\r\n"
      "Date: Mon, 7 Dec 2026 10:17:03 +0000\r\n\r\n");
  assert_int_equal(hops.count, 2);
  assert_hop(0, "mail.example.com", "DB5EUR03FT012.mail.protection.outlook.com",
             "Microsoft SMTP Server");
  assert_hop(1, "AM0PR07MB1234.eurprd07.prod.outlook.com",
             "AM0PR07MB5678.eurprd07.prod.outlook.com", "Microsoft SMTP Server");
  assert_string_equal(delay(0), "2 s");
  assert_string_equal(delay(1), "1 s");
}

/* A hop whose clock is behind the one before it: no negative delay. */
static void test_clock_skew(void **state)
{
  (void)state;
  parse("Received: from b by c with ESMTP; Mon, 7 Dec 2026 10:16:00 +0000\r\n"
        "Received: from a by b with ESMTP; Mon, 7 Dec 2026 10:17:10 +0000\r\n"
        "Date: Mon, 7 Dec 2026 10:17:20 +0000\r\n");
  assert_int_equal(hops.count, 2);
  assert_true(hops.hop[0].clock_skew); /* before its Date: */
  assert_false(hops.hop[0].has_delay);
  assert_string_equal(delay(0), "clock skew");
  assert_true(hops.hop[1].clock_skew);
  assert_string_equal(delay(1), "clock skew");
}

static void test_malformed(void **state)
{
  (void)state;
  parse(
      "Received: garbage without clauses or date\r\n"
      "Received: from x by y; not a date at all\r\n"
      "Received: from a (unclosed comment by b; Mon, 7 Dec 2026 10:17:03 +0000\r\n"
      "Received: ;\r\n"
      "Received:\r\n"
      "Received: from \"quoted; name\" by z with SMTP; Mon, 7 Dec 2026 10:17:03 +0000\r\n"
      "Received: from \x01\xff by [unclosed with SMTP; Mon, 7 Dec 2026 10:17:03 "
      "+0000\r\n");
  assert_int_equal(hops.count, 7);
  assert_hop(0, "??", "[unclosed with SMTP", "");
  assert_true(hops.hop[0].has_time);
  assert_hop(1, "\"quoted; name\"", "z", "SMTP");
  assert_true(hops.hop[1].has_time);
  assert_false(hops.hop[2].has_time); /* empty */
  assert_false(hops.hop[3].has_time); /* ";" alone */
  assert_hop(4, "a", "", "");         /* the comment swallows the rest */
  assert_false(hops.hop[4].has_time);
  assert_hop(5, "x", "y", "");
  assert_false(hops.hop[5].has_time);
  assert_false(hops.hop[6].has_time);
  assert_string_equal(delay(1), "0 s");
  assert_string_equal(delay(0), "?"); /* no Date: */

  /* A hop without a time leaves the next without a delay. */
  parse("Received: by c; Mon, 7 Dec 2026 10:17:09 +0000\r\n"
        "Received: by b; yesterday\r\n"
        "Received: by a; Mon, 7 Dec 2026 10:17:03 +0000\r\n");
  assert_int_equal(hops.count, 3);
  assert_hop(2, "", "c", "");
  assert_true(hops.hop[2].has_time);
  assert_string_equal(delay(2), "?");

  parse("");
  assert_int_equal(hops.count, 0);
  assert_int_equal(sw_received_hops_parse(NULL, 0, &hops), SW_E_OK);
  assert_int_equal(hops.count, 0);
}

/* Past SW_RECEIVED_HOPS_MAX the oldest go, and a long name is cut. */
static void test_limits(void **state)
{
  (void)state;
  char block[8192] = "";
  size_t n = 0;
  for (int i = SW_RECEIVED_HOPS_MAX + 5; i > 0; i--)
    n += (size_t)snprintf(
        block + n, sizeof block - n,
        "Received: from h%d by h%d; Mon, 7 Dec 2026 10:%02d:00 +0000\r\n", i - 1, i, i);
  n += (size_t)snprintf(block + n, sizeof block - n,
                        "Date: Mon, 7 Dec 2026 10:00:00 +0000\r\n");
  parse(block);
  assert_int_equal(hops.count, SW_RECEIVED_HOPS_MAX);
  assert_true(hops.truncated);
  assert_hop(0, "h5", "h6", "");       /* the five oldest are gone */
  assert_false(hops.hop[0].has_delay); /* its predecessor is not known */
  assert_string_equal(delay(1), "60 s");

  char name[300];
  memset(name, 'n', sizeof name - 1);
  name[sizeof name - 1] = '\0';
  snprintf(block, sizeof block,
           "Received: from %s by b; Mon, 7 Dec 2026 10:00:00 +0000\r\n", name);
  parse(block);
  assert_int_equal(strlen(hops.hop[0].from), SW_RECEIVED_TEXT_MAX - 1);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_postfix_then_dovecot_lmtp),
      cmocka_unit_test(test_gmail),
      cmocka_unit_test(test_exchange_online),
      cmocka_unit_test(test_clock_skew),
      cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_limits),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
