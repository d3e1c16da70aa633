/* The acknowledge dialog: asks for the comment that goes with an
 * acknowledgement (RULE_ACK). */
#ifndef SW_ACK_DIALOG_H
#define SW_ACK_DIALOG_H

#include <windows.h>

#include <stdbool.h>

#include "editor.h"

/* Asks `question` (UTF-8: sw_main_text_ack_question's) with an edit for
 * the comment, modal to `owner`. True if the user chose Acknowledge: then
 * *comment is the comment (UTF-8, malloc'd, "" if none; the caller frees
 * it). False if cancelled or out of memory (*comment NULL). */
bool sw_ack_dialog_show(HWND owner, struct sw_editor *ed, const char *question,
                        char **comment);

#endif
