/* The path a message took, read from its Received: fields (RFC 5321 4.4,
 * RFC 5322 3.6.7): each MTA that handled it put one on top, so the block
 * holds the newest first. Here they come oldest first, each with the names
 * it gives (from, by, with) and its time, and how long the message took to
 * reach it from the hop before (for the first hop: from the message's
 * Date:), where the two clocks allow: a hop that seems to come before the
 * one before it says "clock skew" instead of a negative delay. */
#ifndef SW_RECEIVED_HOPS_H
#define SW_RECEIVED_HOPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_error.h"

#define SW_RECEIVED_HOPS_MAX 32  /* more are cut (the oldest go) */
#define SW_RECEIVED_TEXT_MAX 128 /* a name longer than this is cut */

/* What one Received: field says. Texts are "" when the field has no such
 * clause; they are ASCII with control characters replaced by '?'. */
struct sw_received_hop {
  char from[SW_RECEIVED_TEXT_MAX]; /* the name the sender gave: "mail.example.com",
                                      "[192.0.2.1]" */
  char by[SW_RECEIVED_TEXT_MAX];   /* the host that received it */
  char with[SW_RECEIVED_TEXT_MAX]; /* the protocol: "ESMTPSA", "LMTP", "Microsoft SMTP
                                      Server" */
  bool has_time;                   /* the date-time after ';' was readable */
  int64_t time;                    /* Unix seconds, UTC */
  int offset_min;                  /* the zone it was written in, minutes east of UTC */
  bool has_delay;                  /* delay_s is known */
  int64_t delay_s;                 /* since the hop before (the first: since Date:) */
  bool clock_skew;                 /* this hop's time is before the one before it */
};

struct sw_received_hops {
  struct sw_received_hop hop[SW_RECEIVED_HOPS_MAX]; /* oldest first */
  size_t count;
  bool truncated; /* there were more than SW_RECEIVED_HOPS_MAX */
};

/* Reads the Received: fields of a header block (or a whole message) into
 * *out. A field that cannot be read still counts as a hop, with what could
 * be read of it (has_time false when its date cannot). SW_E_NOMEM if
 * memory ran out (*out then holds nothing). Never fails on bad input. */
enum sw_error sw_received_hops_parse(const char *block, size_t len,
                                     struct sw_received_hops *out);

/* "1 s", "clock skew" or "?" (no delay known) for one hop, into out. */
void sw_received_hop_delay_text(const struct sw_received_hop *h, char *out, size_t size);

#endif
