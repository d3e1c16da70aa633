/* The round trip's columns (schema version 7, issue 17): a result's
 * timings, hops and verdicts, written and read beside the check's own. An
 * ordinary check has NULL in every one of them. */
#include "store_internal.h"

#include "round_trip_result.h"

#include <stdio.h>
#include <string.h>

enum sw_store_error sw__store_bind_round_trip(sqlite3_stmt *stmt, int at,
                                              const struct sw_round_trip_result *rt,
                                              struct sw_buf *hops)
{
  if (!rt)
    return SW_STORE_OK; /* unbound parameters are NULL */
  if (sw_round_trip_hops_text(rt, hops))
    return SW_STORE_NOMEM;
  sqlite3_bind_text(stmt, at, sw_round_trip_name(rt->protocol), -1, SQLITE_STATIC);
  sqlite3_bind_int(stmt, at + 1, rt->found);
  sqlite3_bind_int64(stmt, at + 2, rt->submit_us);
  sqlite3_bind_int64(stmt, at + 3, rt->delivery_us);
  sqlite3_bind_int64(stmt, at + 4, rt->total_us);
  sqlite3_bind_int64(stmt, at + 5, rt->looks);
  sqlite3_bind_text(stmt, at + 6, hops->data ? hops->data : "", (int)hops->len,
                    SQLITE_STATIC);
  if (rt->has_auth) {
    sqlite3_bind_text(stmt, at + 7, rt->authserv_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, at + 8, rt->spf, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, at + 9, rt->dkim, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, at + 10, rt->dmarc, -1, SQLITE_STATIC);
  }
  sqlite3_bind_text(stmt, at + 11, rt->mailbox_peer, -1, SQLITE_STATIC);
  sqlite3_bind_text(stmt, at + 12, rt->mailbox_detail, -1, SQLITE_STATIC);
  sqlite3_bind_int(stmt, at + 13, rt->probe_deleted);
  sqlite3_bind_int64(stmt, at + 14, rt->stale_deleted);
  sqlite3_bind_text(stmt, at + 15, rt->probe, -1, SQLITE_STATIC);
  sqlite3_bind_int64(stmt, at + 16, rt->skipped_runs);
  return SW_STORE_OK;
}

static void copy_column(sqlite3_stmt *stmt, int i, char *dst, size_t size)
{
  snprintf(dst, size, "%s", sw__store_text(stmt, i));
}

enum sw_store_error sw__store_read_round_trip(sqlite3_stmt *stmt, int at,
                                              struct sw_round_trip_result **out)
{
  *out = NULL;
  if (sqlite3_column_type(stmt, at) == SQLITE_NULL)
    return SW_STORE_OK;
  enum sw_round_trip protocol;
  if (!sw_round_trip_from_name(sw__store_text(stmt, at), &protocol))
    protocol = SW_ROUND_TRIP_IMAP; /* a newer build's protocol: shown as one */
  struct sw_round_trip_result *rt = sw_round_trip_result_new(protocol);
  if (!rt)
    return SW_STORE_NOMEM;
  rt->found = sqlite3_column_int(stmt, at + 1) != 0;
  rt->submit_us = sqlite3_column_int64(stmt, at + 2);
  rt->delivery_us = sqlite3_column_int64(stmt, at + 3);
  rt->total_us = sqlite3_column_int64(stmt, at + 4);
  int64_t looks = sqlite3_column_int64(stmt, at + 5);
  rt->looks = looks < 0 ? 0 : looks > 1000000 ? 1000000 : (unsigned)looks;
  const char *hops = sw__store_text(stmt, at + 6);
  sw_round_trip_hops_parse(rt, hops, (size_t)sqlite3_column_bytes(stmt, at + 6));
  rt->has_auth = sqlite3_column_type(stmt, at + 8) != SQLITE_NULL;
  copy_column(stmt, at + 7, rt->authserv_id, sizeof rt->authserv_id);
  copy_column(stmt, at + 8, rt->spf, sizeof rt->spf);
  copy_column(stmt, at + 9, rt->dkim, sizeof rt->dkim);
  copy_column(stmt, at + 10, rt->dmarc, sizeof rt->dmarc);
  copy_column(stmt, at + 11, rt->mailbox_peer, sizeof rt->mailbox_peer);
  copy_column(stmt, at + 12, rt->mailbox_detail, sizeof rt->mailbox_detail);
  rt->probe_deleted = sqlite3_column_int(stmt, at + 13) != 0;
  int64_t stale = sqlite3_column_int64(stmt, at + 14);
  rt->stale_deleted = stale < 0 ? 0 : stale > 1000000 ? 1000000 : (unsigned)stale;
  copy_column(stmt, at + 15, rt->probe, sizeof rt->probe);
  int64_t skipped = sqlite3_column_int64(stmt, at + 16);
  rt->skipped_runs = skipped < 0 ? 0 : skipped > 1000000 ? 1000000 : (unsigned)skipped;
  *out = rt;
  return SW_STORE_OK;
}
