/* The client credentials grant (oauth_token.h). */
#include "oauth_token.h"

#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form_encode.h"
#include "https_post.h"
#include "oauth_reply.h"

static bool printable_ascii(const char *s)
{
  for (; *s; s++)
    if (*s <= ' ' || *s > '~')
      return false;
  return true;
}

bool sw_oauth_client_check(const struct sw_oauth_client *c, char *why, size_t size)
{
  const char *url = c->token_url ? c->token_url : "";
  if (_strnicmp(url, "https://", 8) != 0 || !url[8]) {
    snprintf(why, size, "the OAuth token URL must begin with https:// and name a host");
    return false;
  }
  if (strlen(url) > SW_OAUTH_URL_MAX || !printable_ascii(url)) {
    snprintf(why, size,
             "the OAuth token URL must be at most %d printable ASCII characters "
             "without spaces",
             SW_OAUTH_URL_MAX);
    return false;
  }
  const char *fields[] = {c->client_id, c->client_secret, c->scope};
  const char *names[] = {"client id", "client secret", "scope"};
  for (int i = 0; i < 3; i++) {
    size_t n = fields[i] ? strlen(fields[i]) : 0;
    bool required = i < 2; /* the scope may be left out */
    if ((required && n == 0) || n > SW_OAUTH_FIELD_MAX) {
      snprintf(why, size, "the OAuth %s must be %s%d characters", names[i],
               required ? "1 to " : "at most ", SW_OAUTH_FIELD_MAX);
      return false;
    }
  }
  why[0] = '\0';
  return true;
}

/* grant_type=client_credentials&client_id=...&client_secret=...[&scope=...] */
static bool make_body(const struct sw_oauth_client *c, struct sw_buf *body)
{
  enum sw_error err = sw_form_append(body, "grant_type", "client_credentials");
  if (!err)
    err = sw_form_append(body, "client_id", c->client_id);
  if (!err)
    err = sw_form_append(body, "client_secret", c->client_secret);
  if (!err && c->scope && c->scope[0])
    err = sw_form_append(body, "scope", c->scope);
  return err == SW_E_OK;
}

static void wipe_buf(struct sw_buf *b)
{
  if (b->data)
    SecureZeroMemory(b->data, b->cap);
  sw_buf_free(b);
}

bool sw_oauth_fetch(const struct sw_oauth_client *c, uint32_t timeout_ms,
                    struct sw_oauth_token *out, char *detail, size_t size)
{
  memset(out, 0, sizeof *out);
  char why[SW_OAUTH_DETAIL_MAX];
  if (!sw_oauth_client_check(c, why, sizeof why)) {
    snprintf(detail, size, "no token requested: %s", why);
    return false;
  }
  struct sw_buf body;
  sw_buf_init(&body, 0);
  if (!make_body(c, &body)) {
    wipe_buf(&body);
    snprintf(detail, size, "out of memory making the token request");
    return false;
  }
  struct sw_https_request req = {
      .url = c->token_url,
      .headers = "Content-Type: application/x-www-form-urlencoded\r\n"
                 "Accept: application/json",
      .body = body.data,
      .body_len = body.len,
      .timeout_ms = timeout_ms,
      .keep = SW_OAUTH_ANSWER_MAX,
  };
  struct sw_https_answer answer;
  unsigned long err = sw_https_post(&req, &answer);
  wipe_buf(&body);
  bool ok = false;
  if (err) {
    char what[SW_OAUTH_URL_MAX + 64];
    snprintf(what, sizeof what, "could not get an OAuth token from %.200s%s",
             c->token_url, strlen(c->token_url) > 200 ? "..." : "");
    sw_https_error_sentence(detail, size, err, what);
  } else {
    ok = sw_oauth_reply_read(answer.status, answer.body.data, answer.body.len,
                             c->client_secret, out, detail, size);
  }
  wipe_buf(&answer.body);
  return ok;
}

void sw_oauth_token_free(struct sw_oauth_token *t)
{
  if (t->access_token) {
    SecureZeroMemory(t->access_token, strlen(t->access_token));
    free(t->access_token);
  }
  memset(t, 0, sizeof *t);
}
