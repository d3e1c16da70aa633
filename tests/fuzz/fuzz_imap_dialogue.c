/* libFuzzer target: arbitrary server bytes into the IMAP mailbox session
 * (common/mailbox/imap_dialogue.c). Input format and invariants:
 * fuzz_mailbox.h. */
#include "fuzz_mailbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  return fuzz_mailbox(SW_MAILBOX_IMAP, data, size);
}
