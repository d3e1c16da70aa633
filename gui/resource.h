/* Resource ids of the rule editor, one section per window (STYLE.md: all
 * IDD_/IDC_ ids in one file). Each window's controls stay in its range so
 * that the dialogs can grow without renumbering one another. */
#ifndef SW_EDITOR_RESOURCE_H
#define SW_EDITOR_RESOURCE_H

/* The application: icon, manifest, accelerators, version. */
#define IDI_APP 1
#define IDR_ACCEL_MAIN 2
#define IDR_ACCEL_READ_ONLY 3 /* the main window's keys in read-only mode */

/* Main window (main_window.c, main_window.rc): 1000-1099. */
#define IDD_MAIN 1000
#define IDC_MAIN_LIST 1001        /* the rules (virtual ListView) */
#define IDC_MAIN_BANNER 1002      /* why the list is stale (shown when unreachable) */
#define IDC_MAIN_STATUS 1003      /* status bar (created at run time) */
#define IDC_MAIN_LIST_LABEL 1004  /* "Rules:" over the list: Alt+L focuses it */
#define IDC_MAIN_MODE_BANNER 1005 /* why the editor is read-only (shown if it is) */
#define IDC_MAIN_ADD 1010         /* buttons, and the accelerators' commands */
#define IDC_MAIN_EDIT 1011        /* "View..." in read-only mode */
#define IDC_MAIN_DELETE 1012
#define IDC_MAIN_ENABLE 1013 /* toggles the selected rule */
#define IDC_MAIN_TEST 1014
#define IDC_MAIN_HISTORY 1015
#define IDC_MAIN_REFRESH 1016
#define IDC_MAIN_ACK 1017           /* "Acknowledge..." or "Unacknowledge" */
#define IDC_MAIN_NOTIFICATIONS 1018 /* the menu's Notifications window */
#define IDR_MAIN_MENU 1019          /* the main window's menu bar */
#define IDC_MAIN_ACCEPT 1024        /* "Accept changes": the server's drift */
#define IDC_MAIN_FILTER 1006        /* the filter box over the list (rule_filter.h) */
#define IDC_MAIN_FILTER_LABEL 1007  /* "Filter:": Alt+F focuses the box */
/* The acknowledge dialog (ack_dialog.c, ack_dialog.rc). */
#define IDD_ACK 1020
#define IDC_ACK_QUESTION 1021 /* which rule, and what acknowledging does */
#define IDC_ACK_COMMENT 1022
#define IDC_ACK_COMMENT_LABEL 1023

/* Rule dialog (rule_dialog.c, rule_dialog.rc): 1100-1199, and its fields
 * 1400-1549. Each field of the rule has three controls, numbered by enum
 * sw_rule_field (rule.h): its edit, combo or check box (IDC_RULE_FIELD +
 * field), the sentence under it when it is wrong (IDC_RULE_ERROR + field,
 * hidden when empty) and its label (IDC_RULE_LABEL + field; none for the
 * check boxes). Each block has room for 50 fields. */
#define IDD_RULE 1100
#define IDC_RULE_BANNER 1101 /* what the dialog is doing, or why it failed */
#define IDC_RULE_TEST 1102   /* "Test": run once without saving */
/* The middle column, "Beyond the handshake" (rule_dialog_fields.c): its
 * title, the headings of its groups, and beside each secret whether one is
 * stored ("set") and the choice to remove it. */
#define IDC_RULE_PAST_TITLE 1110
#define IDC_RULE_AUTH_HEADING 1111
#define IDC_RULE_ENVELOPE_HEADING 1112
#define IDC_RULE_ADDRESSES_HEADING 1113
#define IDC_RULE_DRIFT_HEADING 1114
#define IDC_RULE_AUTH_PASSWORD_NOTE 1115
#define IDC_RULE_OAUTH_SECRET_NOTE 1116
#define IDC_RULE_AUTH_PASSWORD_REMOVE 1117 /* check box */
#define IDC_RULE_OAUTH_SECRET_REMOVE 1118  /* check box */
#define IDC_RULE_DOMAIN_HEADING 1119       /* "Mail domain (instead of Host)" */
/* The right column's two pages (rule_dialog_layout.c): the notifications
 * and the round trip, chosen by two radio buttons on top. */
#define IDC_RULE_ROUND_TRIP_HEADING 1120 /* what a round trip is */
#define IDC_RULE_MAILBOX_PASSWORD_NOTE 1121
#define IDC_RULE_MAILBOX_PASSWORD_REMOVE 1122 /* check box */
#define IDC_RULE_PAGE_ALERTS 1123     /* radio button: the notifications page */
#define IDC_RULE_PAGE_ROUND_TRIP 1124 /* radio button: the round trip page */
#define IDC_RULE_FIELD 1400 /* 1400-1449 */
#define IDC_RULE_NAME 1400
#define IDC_RULE_HOST 1401
#define IDC_RULE_PORT 1402
#define IDC_RULE_COMMAND 1403
#define IDC_RULE_EXPECT 1404
#define IDC_RULE_TIMEOUT 1405
#define IDC_RULE_EHLO 1406
#define IDC_RULE_INTERVAL 1407
#define IDC_RULE_ENABLED 1408 /* check box */
#define IDC_RULE_TLS 1409 /* drop-down list, in enum sw_tls_mode order */
#define IDC_RULE_INSECURE 1410 /* check box */
#define IDC_RULE_CERT_WARN 1411
#define IDC_RULE_CERT_CRIT 1412
#define IDC_RULE_AUTH_USER 1413
#define IDC_RULE_AUTH_PASSWORD 1414 /* password box: never filled */
#define IDC_RULE_AUTH_MECH 1415 /* drop-down list, in enum sw_auth_mech order */
#define IDC_RULE_AUTH_PLAINTEXT 1416 /* check box */
#define IDC_RULE_OAUTH_URL 1417
#define IDC_RULE_OAUTH_CLIENT_ID 1418
#define IDC_RULE_OAUTH_SECRET 1419 /* password box: never filled */
#define IDC_RULE_OAUTH_SCOPE 1420
#define IDC_RULE_MAIL_FROM 1421
#define IDC_RULE_RCPT_TO 1422
#define IDC_RULE_RELAY_TEST 1423 /* check box */
#define IDC_RULE_RELAY_RCPT 1424
#define IDC_RULE_IP_FAMILY 1425 /* drop-down list, in enum sw_ip_family order */
#define IDC_RULE_ALL_ADDRESSES 1426 /* check box */
#define IDC_RULE_CHECK_PTR 1427 /* check box */
#define IDC_RULE_DRIFT 1428 /* check box */
#define IDC_RULE_DOMAIN 1429
#define IDC_RULE_MIN_OK 1430
#define IDC_RULE_MTA_STS 1431 /* check box */
#define IDC_RULE_DANE 1432 /* check box */
#define IDC_RULE_DNS_SERVER 1433
#define IDC_RULE_ROUND_TRIP 1434 /* drop-down list, in enum sw_round_trip order */
#define IDC_RULE_MAILBOX_HOST 1435
#define IDC_RULE_MAILBOX_PORT 1436
#define IDC_RULE_MAILBOX_TLS 1437 /* drop-down list, in enum sw_mailbox_tls_mode order */
#define IDC_RULE_MAILBOX_USER 1438
#define IDC_RULE_MAILBOX_PASSWORD 1439 /* password box: never filled */
#define IDC_RULE_FOLDER 1440
#define IDC_RULE_PROBE_TO 1441
#define IDC_RULE_PROBE_FROM 1442
#define IDC_RULE_DELIVER_WITHIN 1443
#define IDC_RULE_DELIVERY_WARN 1444
#define IDC_RULE_DELIVERY_CRIT 1445
#define IDC_RULE_ERROR 1450 /* 1450-1499 */
#define IDC_RULE_NAME_ERROR 1450
#define IDC_RULE_HOST_ERROR 1451
#define IDC_RULE_PORT_ERROR 1452
#define IDC_RULE_COMMAND_ERROR 1453
#define IDC_RULE_EXPECT_ERROR 1454
#define IDC_RULE_TIMEOUT_ERROR 1455
#define IDC_RULE_EHLO_ERROR 1456
#define IDC_RULE_INTERVAL_ERROR 1457
#define IDC_RULE_ENABLED_ERROR 1458
#define IDC_RULE_TLS_ERROR 1459
#define IDC_RULE_INSECURE_ERROR 1460
#define IDC_RULE_CERT_WARN_ERROR 1461
#define IDC_RULE_CERT_CRIT_ERROR 1462
#define IDC_RULE_AUTH_USER_ERROR 1463
#define IDC_RULE_AUTH_PASSWORD_ERROR 1464
#define IDC_RULE_AUTH_MECH_ERROR 1465
#define IDC_RULE_AUTH_PLAINTEXT_ERROR 1466
#define IDC_RULE_OAUTH_URL_ERROR 1467
#define IDC_RULE_OAUTH_CLIENT_ID_ERROR 1468
#define IDC_RULE_OAUTH_SECRET_ERROR 1469
#define IDC_RULE_OAUTH_SCOPE_ERROR 1470
#define IDC_RULE_MAIL_FROM_ERROR 1471
#define IDC_RULE_RCPT_TO_ERROR 1472
#define IDC_RULE_RELAY_TEST_ERROR 1473
#define IDC_RULE_RELAY_RCPT_ERROR 1474
#define IDC_RULE_IP_FAMILY_ERROR 1475
#define IDC_RULE_ALL_ADDRESSES_ERROR 1476
#define IDC_RULE_CHECK_PTR_ERROR 1477
#define IDC_RULE_DRIFT_ERROR 1478
#define IDC_RULE_DOMAIN_ERROR 1479
#define IDC_RULE_MIN_OK_ERROR 1480
#define IDC_RULE_MTA_STS_ERROR 1481
#define IDC_RULE_DANE_ERROR 1482
#define IDC_RULE_DNS_SERVER_ERROR 1483
#define IDC_RULE_ROUND_TRIP_ERROR 1484
#define IDC_RULE_MAILBOX_HOST_ERROR 1485
#define IDC_RULE_MAILBOX_PORT_ERROR 1486
#define IDC_RULE_MAILBOX_TLS_ERROR 1487
#define IDC_RULE_MAILBOX_USER_ERROR 1488
#define IDC_RULE_MAILBOX_PASSWORD_ERROR 1489
#define IDC_RULE_FOLDER_ERROR 1490
#define IDC_RULE_PROBE_TO_ERROR 1491
#define IDC_RULE_PROBE_FROM_ERROR 1492
#define IDC_RULE_DELIVER_WITHIN_ERROR 1493
#define IDC_RULE_DELIVERY_WARN_ERROR 1494
#define IDC_RULE_DELIVERY_CRIT_ERROR 1495
#define IDC_RULE_LABEL 1500 /* 1500-1549; none for check boxes */
#define IDC_RULE_LABEL_END 1550
#define IDC_RULE_NAME_LABEL 1500
#define IDC_RULE_HOST_LABEL 1501
#define IDC_RULE_PORT_LABEL 1502
#define IDC_RULE_COMMAND_LABEL 1503
#define IDC_RULE_EXPECT_LABEL 1504
#define IDC_RULE_TIMEOUT_LABEL 1505
#define IDC_RULE_EHLO_LABEL 1506
#define IDC_RULE_INTERVAL_LABEL 1507
#define IDC_RULE_TLS_LABEL 1509
#define IDC_RULE_CERT_WARN_LABEL 1511
#define IDC_RULE_CERT_CRIT_LABEL 1512
#define IDC_RULE_AUTH_USER_LABEL 1513
#define IDC_RULE_AUTH_PASSWORD_LABEL 1514
#define IDC_RULE_AUTH_MECH_LABEL 1515
#define IDC_RULE_OAUTH_URL_LABEL 1517
#define IDC_RULE_OAUTH_CLIENT_ID_LABEL 1518
#define IDC_RULE_OAUTH_SECRET_LABEL 1519
#define IDC_RULE_OAUTH_SCOPE_LABEL 1520
#define IDC_RULE_MAIL_FROM_LABEL 1521
#define IDC_RULE_RCPT_TO_LABEL 1522
#define IDC_RULE_RELAY_RCPT_LABEL 1524
#define IDC_RULE_IP_FAMILY_LABEL 1525
#define IDC_RULE_DOMAIN_LABEL 1529
#define IDC_RULE_MIN_OK_LABEL 1530
#define IDC_RULE_DNS_SERVER_LABEL 1533
#define IDC_RULE_ROUND_TRIP_LABEL 1534
#define IDC_RULE_MAILBOX_HOST_LABEL 1535
#define IDC_RULE_MAILBOX_PORT_LABEL 1536
#define IDC_RULE_MAILBOX_TLS_LABEL 1537
#define IDC_RULE_MAILBOX_USER_LABEL 1538
#define IDC_RULE_MAILBOX_PASSWORD_LABEL 1539
#define IDC_RULE_FOLDER_LABEL 1540
#define IDC_RULE_PROBE_TO_LABEL 1541
#define IDC_RULE_PROBE_FROM_LABEL 1542
#define IDC_RULE_DELIVER_WITHIN_LABEL 1543
#define IDC_RULE_DELIVERY_WARN_LABEL 1544
#define IDC_RULE_DELIVERY_CRIT_LABEL 1545
/* The rule's alert settings (rule_alerts.c), in the rule dialog's right
 * column: the error under each is IDC_RULE_ALERT_ERROR + enum
 * sw_alert_field (model/alert_form.h). */
#define IDC_RULE_ALERT_ERROR 1143 /* 1143-1147 */
#define IDC_RULE_NOTIFY_ERROR 1143
#define IDC_RULE_ON_ERROR 1144
#define IDC_RULE_AFTER_ERROR 1145
#define IDC_RULE_RENOTIFY_ERROR 1146
#define IDC_RULE_DEPENDS_ERROR 1147
#define IDC_RULE_NOTIFY_LABEL 1186
#define IDC_RULE_NOTIFY 1187 /* ListView with check boxes: the notifiers */
#define IDC_RULE_ON_LABEL 1188
#define IDC_RULE_ON_CRITICAL 1189 /* check boxes, in SW_ALERT_ON_* bit order */
#define IDC_RULE_ON_WARNING 1190
#define IDC_RULE_ON_RECOVERED 1191
#define IDC_RULE_ON_FLAPPING 1192
#define IDC_RULE_AFTER_LABEL 1193
#define IDC_RULE_AFTER 1194
#define IDC_RULE_RENOTIFY_LABEL 1195
#define IDC_RULE_RENOTIFY 1196
#define IDC_RULE_DEPENDS_LABEL 1197
#define IDC_RULE_DEPENDS 1198 /* drop-down list: (none), then the other rules */
/* The check result dialog (check_result_dialog.c, .rc), part of this range. */
#define IDD_CHECK_RESULT 1180
#define IDC_RESULT_HEADLINE 1181 /* status and what happened */
#define IDC_RESULT_LABEL 1182
#define IDC_RESULT_TEXT 1183 /* the report: read-only, monospace */
#define IDC_RESULT_COPY 1184

/* History dialog (history_dialog.c, history_dialog.rc): 1200-1299. */
#define IDD_HISTORY 1200
#define IDC_HISTORY_SHOW_LABEL 1201
#define IDC_HISTORY_SHOW 1202    /* how many results: 100, 500, 1000 */
#define IDC_HISTORY_REFRESH 1203 /* also F5 */
#define IDC_HISTORY_STATUS 1204  /* summary, "Loading...", or why not */
#define IDC_HISTORY_CHART 1205   /* history_chart_view's window */
#define IDC_HISTORY_LIST 1206    /* the results (virtual ListView) */
/* A round-trip rule's delivery times (issue 17), beside the chart of the
 * SMTP side's response times; hidden for other rules. */
#define IDC_HISTORY_DELIVERY_CHART 1207

/* The Notifications window (notifications_window.c, .rc): 1300-1349. */
#define IDD_NOTIFICATIONS 1300
#define IDC_NOTIF_LABEL 1301
#define IDC_NOTIF_LIST 1302 /* the notifiers */
#define IDC_NOTIF_ADD 1303
#define IDC_NOTIF_EDIT 1304
#define IDC_NOTIF_DELETE 1305
#define IDC_NOTIF_TEST 1306
#define IDC_NOTIF_STATUS 1307 /* what a Test came to, or why a request failed */
#define IDC_OUTBOX_LABEL 1308
#define IDC_OUTBOX_LIST 1309 /* the outbox, newest first */
#define IDC_OUTBOX_REFRESH 1310
#define IDC_OUTBOX_OLDER 1311 /* the next page */

/* The notifier dialog (notifier_dialog.c, .rc): 1350-1399. Each text of
 * enum sw_notifier_text (model/notifier_form.h) is IDC_NOTIFIER_TEXT + it,
 * its label IDC_NOTIFIER_LABEL + it. */
#define IDD_NOTIFIER 1350
#define IDC_NOTIFIER_KIND 1351 /* drop-down list, in enum sw_notifier_kind order */
#define IDC_NOTIFIER_KIND_LABEL 1352
#define IDC_NOTIFIER_TLS 1353 /* drop-down list, in enum sw_tls_mode order */
#define IDC_NOTIFIER_TLS_LABEL 1354
#define IDC_NOTIFIER_FORMAT 1355 /* drop-down list, in enum sw_webhook_format order */
#define IDC_NOTIFIER_FORMAT_LABEL 1356
#define IDC_NOTIFIER_PASSWORD_NOTE 1357 /* "set (leave empty to keep it)", "not set" */
#define IDC_NOTIFIER_URL_NOTE 1358
#define IDC_NOTIFIER_ERROR 1359 /* the first problem, in red */
#define IDC_NOTIFIER_TEXT 1360  /* 1360-1369 */
#define IDC_NOTIFIER_NAME 1360
#define IDC_NOTIFIER_TO 1361
#define IDC_NOTIFIER_RELAYS 1362
#define IDC_NOTIFIER_FROM 1363
#define IDC_NOTIFIER_AUTH_USER 1364
#define IDC_NOTIFIER_PASSWORD 1365
#define IDC_NOTIFIER_URL 1366
#define IDC_NOTIFIER_COMMAND 1367
#define IDC_NOTIFIER_TIMEOUT 1368
#define IDC_NOTIFIER_SERVICE 1369
#define IDC_NOTIFIER_LABEL 1370 /* 1370-1379 */
#define IDC_NOTIFIER_NAME_LABEL 1370
#define IDC_NOTIFIER_TO_LABEL 1371
#define IDC_NOTIFIER_RELAYS_LABEL 1372
#define IDC_NOTIFIER_FROM_LABEL 1373
#define IDC_NOTIFIER_AUTH_USER_LABEL 1374
#define IDC_NOTIFIER_PASSWORD_LABEL 1375
#define IDC_NOTIFIER_URL_LABEL 1376
#define IDC_NOTIFIER_COMMAND_LABEL 1377
#define IDC_NOTIFIER_TIMEOUT_LABEL 1378
#define IDC_NOTIFIER_SERVICE_LABEL 1379

/* The report window (report_window.c, .rc): 1460-1479. */
#define IDD_REPORT 1460
#define IDC_REPORT_PERIOD 1461 /* drop-down list, in enum sw_report_period order */
#define IDC_REPORT_PERIOD_LABEL 1462
#define IDC_REPORT_SUMMARY 1463 /* "12 rules from ... to ..." */
#define IDC_REPORT_RULES_LABEL 1464
#define IDC_REPORT_RULES 1465 /* virtual ListView: model/report_view's table */
#define IDC_REPORT_OUTAGES_LABEL 1466
#define IDC_REPORT_OUTAGES 1467 /* the selected rule's outages */
#define IDC_REPORT_STATUS 1468  /* what went wrong, or where the file went */
#define IDC_REPORT_SAVE 1469    /* "Save HTML..." */
#define IDC_MAIN_REPORT 1470    /* the main window's Window menu: "Report..." */

#endif
