/* Control-pipe requests of `rules import` (docs/pipe-protocol.md,
 * "Importing rules"): IMPORT_ROWS stages the file's rows on the
 * connection, a frame at a time (a file of 100,000 rules is far larger
 * than one frame); IMPORT_COMMIT plans the import against the store and,
 * unless it is a dry run, carries it out in one transaction. One import
 * is staged at a time; it is dropped when its connection closes, and
 * after its commit. */
#include "svc_requests_internal.h"

#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "messages.h"
#include "sw_array.h"
#include "svc_import_plan.h"

/* Problems listed in the refusal before "... and N more". */
#define MAX_PROBLEMS 50
/* Room kept in IMPORT_OK's frame when the names of deleted rules are
 * added: the names past it are only counted. */
#define REPLY_RESERVE (64u * 1024u)

struct sw_svc_import {
  struct sw_pipe_conn *conn; /* the connection it is staged on */
  struct sw_svc_import_row *rows;
  size_t count, cap;
};

static void import_free(struct sw_svc_import *im)
{
  if (!im)
    return;
  for (size_t i = 0; i < im->count; i++)
    sw_rule_free(&im->rows[i].rule);
  free(im->rows);
  free(im);
}

void sw_svc_import_drop(struct sw_svc_requests *q, struct sw_pipe_conn *conn)
{
  if (q->import && (!conn || q->import->conn == conn)) {
    import_free(q->import);
    q->import = NULL;
  }
}

static bool add_row(struct sw_svc_import *im, const struct sw_pipe_rule *pr, int64_t line)
{
  struct sw_svc_import_row *rows =
      sw_array_grow(im->rows, &im->cap, im->count, sizeof *rows, 256);
  if (!rows)
    return false;
  im->rows = rows;
  im->rows[im->count++] = (struct sw_svc_import_row){
      pr->rule, line > 0 && line < UINT32_MAX ? (unsigned)line : 0};
  return true;
}

/* The rows of an IMPORT_ROWS body: IMPORT_LINE, then the RULE it is the
 * line of. A sentence for the client in why[size] when it is refused. */
static bool stage_rows(struct sw_svc_import *im, const struct sw_pipe_frame *req,
                       char *why, size_t size)
{
  struct sw_tlv_reader rd;
  struct sw_tlv_field x;
  int64_t line = 0;
  sw_tlv_reader_init(&rd, req->body, req->body_len);
  while (sw_tlv_next(&rd, &x)) {
    if (x.type != SW_TLV_BEGIN) {
      if (x.tag == SW_PIPE_TAG_IMPORT_LINE && x.type == SW_TLV_INT)
        line = x.i;
      continue;
    }
    if (x.tag != SW_PIPE_TAG_RULE) {
      if (!sw_tlv_skip_record(&rd))
        break;
      continue;
    }
    struct sw_pipe_rule pr;
    if (sw_pipe_get_rule(&rd, &pr)) {
      snprintf(why, size, "A RULE record of IMPORT_ROWS is malformed.");
      return false;
    }
    if (im->count >= SW_SVC_IMPORT_MAX_ROWS || !add_row(im, &pr, line)) {
      sw_rule_free(&pr.rule);
      snprintf(
          why, size, "An import may hold at most %u rules%s.", SW_SVC_IMPORT_MAX_ROWS,
          im->count >= SW_SVC_IMPORT_MAX_ROWS ? "" : " (the service ran out of memory)");
      return false;
    }
    line = 0;
  }
  if (rd.error)
    snprintf(why, size, "The request's fields are malformed.");
  return !rd.error;
}

/* Whether the request starts a new import (IMPORT_FIRST). */
static bool first_of(const struct sw_pipe_frame *req)
{
  struct sw_tlv_reader rd;
  struct sw_tlv_field x;
  sw_tlv_reader_init(&rd, req->body, req->body_len);
  while (sw_tlv_next(&rd, &x))
    if (x.type == SW_TLV_BEGIN)
      return false; /* IMPORT_FIRST comes before the rows */
    else if (x.tag == SW_PIPE_TAG_IMPORT_FIRST && x.type == SW_TLV_BOOL)
      return x.i != 0;
  return false;
}

HANDLER(sw__req_import_rows)
{
  if (first_of(f->frame)) {
    if (q->import && q->import->conn != conn) {
      sw__req_error(reply, id, SW_PIPE_ERR_BUSY,
                    "Another import of rules is in progress: try again when it is done.");
      return SW_PIPE_KEEP;
    }
    sw_svc_import_drop(q, conn);
    q->import = calloc(1, sizeof *q->import);
    if (!q->import) {
      sw__req_error(reply, id, SW_PIPE_ERR_INTERNAL, sw_error_text(SW_E_NOMEM));
      return SW_PIPE_KEEP;
    }
    q->import->conn = conn;
  }
  if (!q->import || q->import->conn != conn) {
    sw__req_error(reply, id, SW_PIPE_ERR_BAD_REQUEST,
                  "No import is staged on this connection: start it with IMPORT_FIRST.");
    return SW_PIPE_KEEP;
  }
  char why[200];
  if (!stage_rows(q->import, f->frame, why, sizeof why)) {
    sw_svc_import_drop(q, conn); /* half a file is not imported */
    sw__req_error(reply, id, SW_PIPE_ERR_BAD_REQUEST, why);
    return SW_PIPE_KEEP;
  }
  size_t start;
  sw__req_begin(reply, SW_PIPE_MSG_IMPORT_ROWS_OK, id, &start);
  sw_tlv_put_int(reply, SW_PIPE_TAG_RULE_COUNT, (int64_t)q->import->count);
  sw__req_end(reply, id, start);
  return SW_PIPE_KEEP;
}

/* IMPORT_COMMIT's DRY_RUN and REPLACE. */
static void commit_flags(const struct sw_pipe_frame *req, bool *dry_run, bool *replace)
{
  struct sw_tlv_reader rd;
  struct sw_tlv_field x;
  *dry_run = *replace = false;
  sw_tlv_reader_init(&rd, req->body, req->body_len);
  while (sw_tlv_next(&rd, &x))
    if (x.type == SW_TLV_BEGIN)
      sw_tlv_skip_record(&rd);
    else if (x.type == SW_TLV_BOOL && x.tag == SW_PIPE_TAG_IMPORT_DRY_RUN)
      *dry_run = x.i != 0;
    else if (x.type == SW_TLV_BOOL && x.tag == SW_PIPE_TAG_IMPORT_REPLACE)
      *replace = x.i != 0;
}

static void put_plan(struct sw_buf *reply, uint32_t id,
                     const struct sw_svc_import_plan *p, bool dry_run, bool replace)
{
  size_t start;
  sw__req_begin(reply, SW_PIPE_MSG_IMPORT_OK, id, &start);
  sw_tlv_put_bool(reply, SW_PIPE_TAG_IMPORT_DRY_RUN, dry_run);
  sw_tlv_put_bool(reply, SW_PIPE_TAG_IMPORT_REPLACE, replace);
  sw_tlv_put_int(reply, SW_PIPE_TAG_IMPORT_ADDED, (int64_t)p->added);
  sw_tlv_put_int(reply, SW_PIPE_TAG_IMPORT_UPDATED, (int64_t)p->updated);
  sw_tlv_put_int(reply, SW_PIPE_TAG_IMPORT_UNCHANGED, (int64_t)p->unchanged);
  sw_tlv_put_int(reply, SW_PIPE_TAG_IMPORT_DELETED, (int64_t)p->ndeleted);
  sw_tlv_put_strn(reply, SW_PIPE_TAG_IMPORT_ACTIONS, p->actions, p->nrows);
  for (size_t i = 0;
       i < p->ndeleted && reply->len - start < SW_PIPE_FRAME_MAX - REPLY_RESERVE; i++)
    sw_tlv_put_str(reply, SW_PIPE_TAG_IMPORT_DELETED_NAME, p->deleted[i]);
  sw__req_end(reply, id, start);
}

/* Event 2020: who imported what. */
static void log_import(struct sw_svc_requests *q, struct sw_pipe_conn *conn,
                       const struct sw_svc_import_plan *p, bool replace)
{
  char by[300], n[5][24];
  sw_pipe_conn_account_name(conn, by, sizeof by);
  const size_t counts[] = {p->nrows, p->added, p->updated, p->unchanged, p->ndeleted};
  for (size_t i = 0; i < SW_COUNTOF(counts); i++)
    snprintf(n[i], sizeof n[i], "%u", (unsigned)counts[i]);
  const char *strings[] = {by,
                           n[0],
                           n[1],
                           n[2],
                           n[3],
                           n[4],
                           replace ? "The rules not in the file were deleted (--replace)."
                                   : "The rules not in the file were kept."};
  q->log(q->loop, SW_MSG_RULES_IMPORTED, 0, SW_COUNTOF(strings), strings);
}

HANDLER(sw__req_import_commit)
{
  if (!q->import || q->import->conn != conn) {
    sw__req_error(reply, id, SW_PIPE_ERR_BAD_REQUEST,
                  "No import is staged on this connection: send its rows first.");
    return SW_PIPE_KEEP;
  }
  bool dry_run, replace;
  commit_flags(f->frame, &dry_run, &replace);
  struct sw_svc_import_plan plan;
  struct sw_buf problems;
  sw_buf_init(&problems, 0);
  sw_buf_appends(&problems, "The import was refused; nothing was changed:\n");
  enum sw_store_error err =
      sw_svc_import_plan(*q->store, q->import->rows, q->import->count, replace,
                         MAX_PROBLEMS, &plan, &problems);
  bool planned = err == SW_STORE_OK;
  size_t failed = 0;
  struct sw_rule_problems found = {0};
  if (planned && !dry_run)
    err = sw_store_rules_import(*q->store, plan.ops, plan.nops, q->now_ms(), &found,
                                &failed);
  if (!planned && (err == SW_STORE_INVALID_RULE || err == SW_STORE_INVALID_ARGUMENT))
    sw__req_error(reply, id,
                  err == SW_STORE_INVALID_RULE ? SW_PIPE_ERR_INVALID
                                               : SW_PIPE_ERR_INTERNAL,
                  sw_buf_str(&problems));
  else if (err == SW_STORE_INVALID_RULE && found.count) /* NEVER: planned as valid */
    sw__req_error(reply, id, SW_PIPE_ERR_INVALID, found.items[0].message);
  else if (err)
    sw__req_store_error(q, reply, id, err, NULL);
  else
    put_plan(reply, id, &plan, dry_run, replace);
  if (!err && !dry_run) {
    q->rules_changed(q->loop, 0); /* many rules */
    log_import(q, conn, &plan, replace);
  }
  sw_svc_import_plan_free(&plan);
  sw_buf_free(&problems);
  sw_svc_import_drop(q, conn); /* one commit per import */
  return SW_PIPE_KEEP;
}
