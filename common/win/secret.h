/* Secrets at rest (a relay's password, a webhook URL with its token),
 * encrypted with DPAPI by the service for the service alone.
 *
 * Scope: the user key, not CRYPTPROTECT_LOCAL_MACHINE. A machine-scope blob
 * can be decrypted by any process of any account on the machine; a user
 * blob only by the account that made it, on this machine: the service's
 * account (LocalService, whose keys never leave the machine). Other
 * LocalService services share that account, so the blobs also live where
 * only NT SERVICE\SmtpWatch can read them (the data folder's DACL,
 * docs/security.md). The entropy names the product, so that a blob made by
 * another program of the same account for its own ends is not taken for
 * one of ours. Never a prompt (CRYPTPROTECT_UI_FORBIDDEN): a service has no
 * desktop to show one on. */
#ifndef SW_SECRET_H
#define SW_SECRET_H

#include <stdbool.h>
#include <stddef.h>

/* Encrypts plain[0..plain_len) (0 bytes is a valid, empty secret) for the
 * calling account on this machine. On success *blob (free() it; nothing
 * secret) and *blob_len are set and true is returned; on failure *blob is
 * NULL and a sentence is in why[why_size]. Any thread. */
bool sw_secret_protect(const void *plain, size_t plain_len, unsigned char **blob,
                       size_t *blob_len, char *why, size_t why_size);

/* Decrypts what sw_secret_protect made under this account on this machine.
 * On success *plain holds the secret followed by a NUL that *plain_len does
 * not count (so that a text secret is a C string); release it with
 * sw_secret_free, which wipes it. A blob that is damaged, made by another
 * account or machine, or not ours gives false, *plain NULL and a sentence
 * that says to set the secret again. Any thread. */
bool sw_secret_unprotect(const void *blob, size_t blob_len, unsigned char **plain,
                         size_t *plain_len, char *why, size_t why_size);

/* Wipes plain[0..plain_len] (the NUL too) and frees it; NULL is ignored. */
void sw_secret_free(unsigned char *plain, size_t plain_len);

#endif
