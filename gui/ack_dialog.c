/* The acknowledge dialog (ack_dialog.h): a question, one line of comment,
 * Acknowledge and Cancel. The service checks the comment (one line, at
 * most SW_ALERT_COMMENT_MAX characters); the edit only keeps it that
 * long. */
#include "ack_dialog.h"

#include <stdlib.h>

#include "alert_args.h"
#include "editor_palette.h" /* system colours only: high contrast as is */
#include "resource.h"

struct ack_context {
  const char *question;
  char *comment; /* the result */
};

static INT_PTR CALLBACK ack_proc(HWND dlg, UINT msg, WPARAM wp, LPARAM lp)
{
  struct ack_context *c = sw_editor_dialog_context(dlg, msg, lp);
  switch (msg) {
  case WM_INITDIALOG:
    sw_editor_set_text(dlg, IDC_ACK_QUESTION, c->question);
    SendDlgItemMessageW(dlg, IDC_ACK_COMMENT, EM_LIMITTEXT, SW_ALERT_COMMENT_MAX, 0);
    return TRUE; /* the focus on the comment, the first tab stop */
  case WM_COMMAND:
    if (LOWORD(wp) == IDOK) {
      c->comment = sw_editor_get_text(dlg, IDC_ACK_COMMENT);
      EndDialog(dlg, c->comment ? IDOK : IDCANCEL);
      return TRUE;
    }
    if (LOWORD(wp) == IDCANCEL) {
      EndDialog(dlg, IDCANCEL);
      return TRUE;
    }
    break;
  default:
    break;
  }
  sw_editor_palette_follow(dlg, msg, wp);
  return FALSE;
}

bool sw_ack_dialog_show(HWND owner, struct sw_editor *ed, const char *question,
                        char **comment)
{
  struct ack_context c = {question, NULL};
  INT_PTR r = DialogBoxParamW(ed->instance, MAKEINTRESOURCEW(IDD_ACK), owner, ack_proc,
                              (LPARAM)&c);
  if (r != IDOK) {
    free(c.comment);
    c.comment = NULL;
  }
  *comment = c.comment;
  return c.comment != NULL;
}
