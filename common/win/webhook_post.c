#include "webhook_post.h"

#include <stdio.h>
#include <string.h>

#include "check_result.h" /* sw__escape_text */
#include "https_post.h"
#include "notifier.h" /* sw_webhook_url_check, sw_webhook_url_shown */

/* The header lines, or false when the id could smuggle in a header. */
static bool make_headers(const char *id, char *out, size_t cap)
{
  size_t n = strlen(id);
  if (n == 0 || n > SW_WEBHOOK_ID_MAX ||
      strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
                 "opqrstuvwxyz0123456789-._:") != n)
    return false;
  snprintf(out, cap, "Content-Type: application/json\r\nX-SmtpWatch-Notification-Id: %s",
           id);
  return true;
}

bool sw_webhook_post(const struct sw_webhook_request *r, struct sw_webhook_result *out)
{
  memset(out, 0, sizeof *out);
  char shown[SW_WEBHOOK_URL_MAX + 16], why[SW_NOTIFIER_PROBLEM_MAX];
  sw_webhook_url_shown(r->url, shown, sizeof shown);
  char headers[160];
  if (!sw_webhook_url_check(r->url, why, sizeof why)) {
    snprintf(out->error, sizeof out->error, "not sent: %s", why);
    return false;
  }
  if (!make_headers(r->notification_id, headers, sizeof headers)) {
    snprintf(out->error, sizeof out->error,
             "not sent to %s: the notification id is not 1 to %d letters, digits or "
             "\"-._:\"",
             shown, SW_WEBHOOK_ID_MAX);
    return false;
  }
  struct sw_https_request req = {.url = r->url,
                                 .headers = headers,
                                 .body = r->body,
                                 .body_len = r->body_len,
                                 .timeout_ms = r->timeout_ms,
                                 .keep = SW_WEBHOOK_RESPONSE_KEPT};
  struct sw_https_answer answer;
  unsigned long err = sw_https_post(&req, &answer);
  out->http_status = answer.status;
  /* Kept for the log, never interpreted. */
  sw__escape_text(out->response, sizeof out->response, sw_buf_str(&answer.body),
                  answer.body.len, false);
  sw_buf_free(&answer.body);
  if (err) {
    char what[SW_WEBHOOK_URL_MAX + 40];
    snprintf(what, sizeof what, "could not deliver to %s", shown);
    sw_https_error_sentence(out->error, sizeof out->error, err, what);
    return false;
  }
  if (out->http_status >= 200 && out->http_status <= 299)
    return true;
  snprintf(out->error, sizeof out->error, "%s answered %d%s", shown, out->http_status,
           out->http_status >= 300 && out->http_status <= 399
               ? " (a redirect, which is not followed: give the URL it points to)"
               : "");
  return false;
}
