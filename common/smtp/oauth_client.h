/* What identifies an application to an OAuth 2.0 token endpoint for the
 * client credentials grant (AUTH XOAUTH2, docs/oauth.md). Portable, so
 * that what a rule holds (common/smtp/check_extras.h) can carry it to the
 * engine's check spec; the request itself is Windows' (common/win/
 * oauth_token.h). */
#ifndef SW_OAUTH_CLIENT_H
#define SW_OAUTH_CLIENT_H

/* Borrowed strings. */
struct sw_oauth_client {
  const char *token_url; /* https://login.microsoftonline.com/TENANT/oauth2/v2.0/token */
  const char *client_id; /* the application (client) id */
  const char *client_secret; /* the client secret's value */
  const char *scope;         /* https://outlook.office365.com/.default; NULL/"": none */
};

#endif
