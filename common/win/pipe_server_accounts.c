/* Who a pipe client is and what its account may: the client's user and
 * whether it is an administrator (by impersonating it), the connections
 * each account has open, and each account's RULE_TEST allowance. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipe_server_internal.h"
#include "sw_macros.h"
#include "win_text.h"

#include <sddl.h>

static struct sw_pipe_account *account_get(struct sw_pipe_server *s,
                                           const struct sw_pipe_identity *id)
{
  struct sw_list_node *node;
  SW_LIST_FOREACH(node, &s->accounts)
  {
    struct sw_pipe_account *a = sw_list_entry(node, struct sw_pipe_account, link);
    if (a->id.known == id->known &&
        (!id->known || EqualSid((PSID)a->id.sid, (PSID)id->sid)))
      return a;
  }
  struct sw_pipe_account *a = calloc(1, sizeof *a);
  if (!a)
    return NULL;
  a->id = *id;
  sw_list_insert_head(&s->accounts, &a->link);
  return a;
}

/* Frees the accounts with no connection and a whole allowance. */
void sw__pipe_accounts_prune(struct sw_pipe_server *s, int64_t now_us, bool all)
{
  struct sw_list_node *node, *tmp;
  SW_LIST_FOREACH_SAFE(node, tmp, &s->accounts)
  {
    struct sw_pipe_account *a = sw_list_entry(node, struct sw_pipe_account, link);
    if (all || (a->conns == 0 && a->test_tat_us <= now_us)) {
      sw_list_remove(node);
      free(a);
    }
  }
}

/* The client's user and whether it is an administrator, by impersonating
 * it (the documented way: its token, not its claims). A failed
 * impersonation leaves the identity unknown, never the service's own. */
static void impersonate_identify(HANDLE pipe, struct sw_pipe_identity *out)
{
  memset(out, 0, sizeof *out);
  if (!ImpersonateNamedPipeClient(pipe))
    return;
  HANDLE token = NULL;
  BYTE user_buf[sizeof(TOKEN_USER) + SECURITY_MAX_SID_SIZE];
  BYTE admins[SECURITY_MAX_SID_SIZE];
  DWORD size = sizeof admins, got = 0;
  BOOL member = FALSE;
  if (OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &token)) {
    TOKEN_USER *tu = (TOKEN_USER *)user_buf;
    if (GetTokenInformation(token, TokenUser, tu, sizeof user_buf, &got) &&
        CopySid(sizeof out->sid, (PSID)out->sid, tu->User.Sid))
      out->known = true;
    /* CheckTokenMembership honours deny-only groups: an administrator
     * under UAC who is not elevated is not one here. */
    if (out->known &&
        CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, admins, &size) &&
        CheckTokenMembership(token, admins, &member) && member)
      out->admin = true;
    CloseHandle(token);
  }
  if (!RevertToSelf())
    abort(); /* never go on in the client's context */
}

/* Finds out who the client is, at its first request (`request_id`); false
 * if the connection is refused: too many clients, or too many of the
 * account's connections. */
bool sw__pipe_identify(struct sw_pipe_conn *c, uint32_t request_id)
{
  struct sw_pipe_server *s = c->server;
  c->identified = true;
  struct sw_pipe_identity id;
  memset(&id, 0, sizeof id);
  if (s->cfg.identify)
    s->cfg.identify(s->cfg.ctx, c->pipe, c->pid, &id);
  else
    impersonate_identify(c->pipe, &id);
  c->admin = id.known && id.admin;
  c->account = account_get(s, &id);
  if (!c->account) {
    sw__pipe_refuse(c, request_id, SW_PIPE_ERR_BUSY,
                    "The service is out of memory; try again later.");
    return false;
  }
  c->account->conns++;
  if (c->over_capacity) {
    sw__pipe_refuse(
        c, request_id, SW_PIPE_ERR_BUSY,
        "The service is serving as many clients as it can; try again in a moment.");
    return false;
  }
  unsigned max = s->cfg.max_per_user ? s->cfg.max_per_user : SW_PIPE_MAX_PER_USER;
  if (!c->admin && c->account->conns > max) {
    char why[256];
    snprintf(why, sizeof why,
             "Too many connections to the service from your account at once (at most "
             "%u for an account that is not an administrator); close another SMTP Watch "
             "window or command and try again.",
             max);
    sw__pipe_refuse(c, request_id, SW_PIPE_ERR_BUSY, why);
    return false;
  }
  return true;
}

bool sw_pipe_conn_is_admin(struct sw_pipe_conn *c)
{
  return c->identified && c->admin;
}

void sw_pipe_conn_account_name(struct sw_pipe_conn *c, char *out, size_t size)
{
  snprintf(out, size, "unknown");
  if (!c->identified || !c->account || !c->account->id.known)
    return;
  PSID sid = (PSID)c->account->id.sid;
  wchar_t name[256], domain[256];
  DWORD name_len = SW_COUNTOF(name), domain_len = SW_COUNTOF(domain);
  SID_NAME_USE use;
  char *u8 = NULL;
  wchar_t *text = NULL;
  if (LookupAccountSidW(NULL, sid, name, &name_len, domain, &domain_len, &use)) {
    wchar_t both[520];
    _snwprintf(both, SW_COUNTOF(both), L"%ls%ls%ls", domain, domain[0] ? L"\\" : L"",
               name);
    both[SW_COUNTOF(both) - 1] = L'\0';
    u8 = sw_utf8_dup(both);
  } else if (ConvertSidToStringSidW(sid, &text)) {
    u8 = sw_utf8_dup(text);
    LocalFree(text);
  }
  if (u8)
    snprintf(out, size, "%s", u8);
  free(u8);
}

bool sw_pipe_conn_rate_take(struct sw_pipe_conn *c, int64_t now_us)
{
  if (sw_pipe_conn_is_admin(c))
    return true;
  struct sw_pipe_account *a = c->account;
  if (NEVER(!a))
    return false; /* a request is served only after sw__pipe_identify() */
  /* Generic cell rate: allowed while the theoretical arrival time is at
   * most BURST-1 intervals ahead. */
  int64_t tat = a->test_tat_us > now_us ? a->test_tat_us : now_us;
  if (tat - now_us > (SW_PIPE_TEST_BURST - 1) * SW_PIPE_TEST_EVERY_US)
    return false;
  a->test_tat_us = tat + SW_PIPE_TEST_EVERY_US;
  return true;
}
