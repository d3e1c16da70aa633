/* Resource ids of the rule editor, one section per window (STYLE.md: all
 * IDD_/IDC_ ids in one file). Each window's controls stay in its range so
 * that the dialogs can grow without renumbering one another. */
#ifndef SW_EDITOR_RESOURCE_H
#define SW_EDITOR_RESOURCE_H

/* The application: icon, manifest, accelerators, version. */
#define IDI_APP 1
#define IDR_ACCEL_MAIN 2

/* Main window (main_window.c, main_window.rc): 1000-1099. */
#define IDD_MAIN 1000
#define IDC_MAIN_LIST 1001    /* the rules (virtual ListView) */
#define IDC_MAIN_BANNER 1002  /* why the list is stale (shown when unreachable) */
#define IDC_MAIN_STATUS 1003  /* status bar (created at run time) */
#define IDC_MAIN_ADD 1010     /* buttons, and the accelerators' commands */
#define IDC_MAIN_EDIT 1011
#define IDC_MAIN_DELETE 1012
#define IDC_MAIN_ENABLE 1013  /* toggles the selected rule */
#define IDC_MAIN_TEST 1014
#define IDC_MAIN_HISTORY 1015
#define IDC_MAIN_REFRESH 1016

/* Rule dialog (rule_dialog.c, rule_dialog.rc): 1100-1199. */
#define IDD_RULE 1100

/* History dialog (history_dialog.c, history_dialog.rc): 1200-1299. */
#define IDD_HISTORY 1200

#endif
