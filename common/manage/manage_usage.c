/* The usage texts of the management commands (manage_args.h): one per
 * command word, every line within 80 columns (test_manage_args checks). */
#include <string.h>

#include "manage_args.h"
#include "rule_args.h"

/* Stored rules take the AUTH password from a file only. */
#define SW_RULE_ARGS_ENV_NOTE "\n"

static const char rules_usage[] =
    "Usage: smtpwatch rules <subcommand> [arguments] [--json | --csv]\n"
    "\n"
    "Manages the rules of the running SmtpWatch service.\n"
    "\n"
    "  rules list                 every rule: id, name, server, TLS, interval\n"
    "  rules show ID              one rule, every field\n"
    "  rules add HOST [options]   adds a rule and prints it with its new id\n"
    "  rules edit ID options      changes the fields given, keeps the others\n"
    "  rules delete ID            deletes the rule (no prompt: it is for scripts)\n"
    "  rules enable ID            checks the rule again on its schedule\n"
    "  rules disable ID           stops checking the rule; it is kept\n"
    "  rules test ID              checks a saved rule now and prints the result\n"
    "  rules test --host HOST [options]\n"
    "                             checks a rule that is not saved\n"
    "  rules ack ID [--comment TEXT]\n"
    "                             acknowledges a bad rule: no notifications until\n"
    "                             its state changes\n"
    "  rules unack ID             takes the acknowledgement back\n"
    "  rules accept ID            accepts how the rule's server changed (its\n"
    "                             checks end in capabilities_changed until then)\n"
    "  rules export [--csv]       every rule as a file (JSON unless --csv), with\n"
    "                             secrets only as \"set\" (docs/import-export.md)\n"
    "  rules import FILE [--dry-run] [--replace]\n"
    "                             makes the rules those of FILE, all or nothing:\n"
    "                             rules matched by name are updated (their stored\n"
    "                             secrets kept), others added; --replace deletes\n"
    "                             the rules not in FILE; --dry-run (-n) only\n"
    "                             prints what would change\n"
    "\n"
    "ID is the number 'smtpwatch rules list' shows.\n"
    "\n"
    "Rule options (add and edit; test takes those up to --check-ptr):\n"
    "  -H, --host HOST        the SMTP server: DNS name, IPv4 or IPv6 address\n"
    "  -p, --port N           TCP port (default 25; 465 implies --tls implicit)\n"
    "  -s, --send CMD         one SMTP command to send after EHLO, such as NOOP\n"
    "  -e, --expect TEXT      text the deciding reply must contain\n"
    "  -t, --timeout-ms N     time allowed for one check (default 7000)\n"
    "      --helo NAME        name to announce in EHLO (default: this machine's)\n"
    "      --tls MODE         none, starttls, require-starttls or implicit\n"
    "      --insecure         do not validate the certificate's chain and name\n"
    "      --cert-warn-days N WARNING when the certificate expires in fewer\n"
    "                         than N days (default 21)\n"
    "      --cert-crit-days N CRITICAL below N days (default "
    "7)\n" SW_RULE_ARGS_USAGE_PAST_HANDSHAKE SW_RULE_ARGS_USAGE_DOMAIN
    "      --name NAME        the name lists show (default: the host)\n"
    "      --interval-s N     seconds between checks (default 60)\n"
    "      --enabled          check the rule on its schedule (the default)\n"
    "      --disabled         keep the rule but do not check it\n"
    "      --verify           validate the certificate again (undoes --insecure)\n"
    "      --no-plaintext-auth, --no-relay-test, --no-all-addresses, --no-check-ptr\n"
    "                         edit: turn that option off again\n"
    "      --mta-sts, --no-dane  edit: judge by MTA-STS again, stop matching TLSA\n"
    "      --no-drift         no capabilities_changed alarm for this rule\n"
    "      --drift            the alarm again (the default)\n"
    "      --warn-ms N, --crit-ms N  a round trip's delivery time that is WARNING,\n"
    "                         CRITICAL (default: none; docs/round-trip.md)\n"
    "      --revision N       edit: change the rule only if it is still at revision\n"
    "                         N, as 'rules show' printed it (read-modify-write)\n"
    "Notification options (add and edit; docs/notifications.md):\n"
    "      --notify NAME[,NAME...]  the notifiers to send to (\"\": the default ones)\n"
    "      --notify-on LIST   critical, warning, recovered, flapping (comma list),\n"
    "                         or none (default: all four)\n"
    "      --notify-after-s N bad this long before the first notification (0)\n"
    "      --renotify-s N     a reminder this often while still bad (0: none)\n"
    "      --depends-on RULE  hold the alerts while rule RULE is not OK (\"\": none)\n"
    "'rules edit ID' with only these options changes only the notifications.\n"
    "\n"
    "An empty value clears a text field: --send \"\". The service checks the\n"
    "rule and names every field at fault; nothing is changed then.\n"
    "\n"
    "Output:\n"
    "      --json             JSON for scripts\n"
    "      --csv              CSV for spreadsheets (not for test)\n"
    "  -v, --verbose          test: also print the SMTP transcript\n"
    "      --comment TEXT     ack: why (one line, at most 500 characters)\n"
    "  -h, --help             show this help\n"
    "\n"
    "'rules edit' sends the revision it read: if someone else changed the rule\n"
    "meanwhile, nothing is overwritten and the command says so.\n"
    "\n"
    "Exit codes: 0 done (for test: the check ran, whatever its result), 1 the\n"
    "service refused (invalid rule, changed by someone else, no such rule, not\n"
    "allowed, nothing to acknowledge), 2 the service could not be reached (or is\n"
    "too old for notifications), 3 bad arguments.\n";

static const char status_usage[] =
    "Usage: smtpwatch status [--json | --csv]\n"
    "\n"
    "Lists every rule with its state: OK, WARNING, CRITICAL or UNKNOWN (pending\n"
    "before its first check, disabled if it is not checked), since when, the\n"
    "last check (local time), its response time and what it found.\n"
    "\n"
    "Exit codes: 0 done, 1 the service refused, 2 the service could not be\n"
    "reached, 3 bad arguments.\n";

static const char history_usage[] =
    "Usage: smtpwatch history RULE [--limit N] [--before CURSOR] [--json | --csv]\n"
    "\n"
    "Lists the results of the rule whose id is RULE, newest first: N of them\n"
    "(default 20, at most 1000). When there are older ones, the last line says\n"
    "how to get them: the same command with --before CURSOR.\n"
    "\n"
    "Exit codes: 0 done, 1 no such rule (or the service refused), 2 the service\n"
    "could not be reached, 3 bad arguments.\n";

static const char events_usage[] =
    "Usage: smtpwatch events [--limit N] [--before KEY] [--json | --csv]\n"
    "\n"
    "Lists what the service reported (rule state changes, errors, starts and\n"
    "stops), newest first: N events (default 20, at most 1000). When there are\n"
    "older ones, the last line says how to get them with --before KEY.\n"
    "\n"
    "Exit codes: 0 done, 1 the service refused, 2 the service could not be\n"
    "reached, 3 bad arguments.\n";

static const char service_usage[] =
    "Usage: smtpwatch service info [--json | --csv]\n"
    "\n"
    "Shows the running service: its version, uptime, rules, checks per minute,\n"
    "checks in flight, results not yet written, clients and data folder.\n"
    "\n"
    "Exit codes: 0 done, 2 the service could not be reached, 3 bad arguments.\n";

static const char notifiers_usage[] =
    "Usage: smtpwatch notifiers <subcommand> [arguments] [--json | --csv]\n"
    "\n"
    "Manages the notifiers of the running SmtpWatch service: the named targets\n"
    "that rules send their notifications to.\n"
    "\n"
    "  notifiers list             every notifier: name, kind, target, default\n"
    "  notifiers show NAME        one notifier, every field\n"
    "  notifiers add NAME KIND [options]\n"
    "                             adds a notifier; KIND is one of:\n"
    "      --email TO[,TO...] --relay HOST[:PORT][,HOST[:PORT]...]\n"
    "                             mail through the relays, tried in order\n"
    "      --webhook URL          an HTTPS POST to URL\n"
    "      --program \"COMMAND LINE\"\n"
    "                             a program run as the service's account\n"
    "      --restart-service SERVICE\n"
    "                             restarts a Windows service on this machine\n"
    "  notifiers delete NAME      deletes it (refused while rules send to it)\n"
    "  notifiers test NAME        sends a test notification now; prints the outcome\n"
    "  notifiers defaults [--notify NAME[,NAME...]]\n"
    "                             shows, or sets, the default notifiers: those of\n"
    "                             every rule that names none (--notify \"\": none)\n"
    "\n"
    "Options of add:\n"
    "      --from ADDR        e-mail: the sender (default: smtpwatch@ the machine)\n"
    "      --tls MODE         e-mail: none, starttls (default), require-starttls or\n"
    "                         implicit\n"
    "      --auth-user U      e-mail: log in to the relay as U\n"
    "      --auth-password-file F\n"
    "                         e-mail: the password is the first line of file F\n"
    "                         (it is never typed on the command line, never shown)\n"
    "      --format FORMAT    webhook: generic (default), teams or slack\n"
    "      --timeout-s N      program: stop it after N seconds (default 60)\n"
    "\n"
    "The service keeps the password and the webhook URL encrypted and never\n"
    "shows them back: lists say only that a secret is set, and a URL shows as\n"
    "https://host/... .\n"
    "\n"
    "Exit codes: 0 done (for test: delivered), 1 the service refused (or the\n"
    "test failed), 2 the service could not be reached (or is too old for\n"
    "notifiers), 3 bad arguments.\n";

static const char maintenance_usage[] =
    "Usage: smtpwatch maintenance <subcommand> [arguments] [--json | --csv]\n"
    "\n"
    "Maintenance windows: while one is on, the rules it holds are still checked\n"
    "and their history kept, but no notification goes out.\n"
    "\n"
    "  maintenance list           every window: scope, time, whether it is on now\n"
    "  maintenance add (--rule RULE | --all) (--from TIME --until TIME |\n"
    "                  --weekly \"DAYS HH:MM-HH:MM\") [--comment TEXT]\n"
    "                             adds a window and prints its id\n"
    "  maintenance delete ID      deletes the window with that id\n"
    "\n"
    "TIME is local time, 2026-12-24 18:00 (or 18:00:30), or UTC when it ends in\n"
    "Z: 2026-12-24T17:00Z. A weekly window is in local time, across daylight\n"
    "saving changes: \"Sun 02:00-04:00\", \"Mon-Fri 22:00-02:00\", \"Sat,Sun\n"
    "00:00-24:00\".\n"
    "\n"
    "Exit codes: 0 done, 1 the service refused (no such rule or window, not\n"
    "allowed), 2 the service could not be reached (or is too old), 3 bad\n"
    "arguments.\n";

static const char notifications_usage[] =
    "Usage: smtpwatch notifications [--limit N] [--before KEY] [--json | --csv]\n"
    "\n"
    "Lists the outbox, newest first: every notification the service sent, is\n"
    "still trying to send (pending) or gave up on (failed), with its attempts\n"
    "and the last error. N of them (default 20, at most 1000); when there are\n"
    "older ones, the last line says how to get them with --before KEY.\n"
    "\n"
    "Exit codes: 0 done, 1 the service refused, 2 the service could not be\n"
    "reached (or is too old), 3 bad arguments.\n";

static const char watch_usage[] =
    "Usage: smtpwatch watch [--json]\n"
    "\n"
    "Prints, as they happen, every rule's changed state, every event and every\n"
    "rule added, changed (with its revision) or deleted, one line each, until\n"
    "Ctrl+C. The service pushes them (at most once a second, a rule that changed\n"
    "several times once, as it is then); nothing is asked for again and again.\n"
    "--json prints one JSON object a line, whose \"type\" is subscribed, rule,\n"
    "state, event or resync (the service could not tell everything: read the\n"
    "status again).\n"
    "\n"
    "Exit codes: 0 stopped with Ctrl+C, 1 the service refused, 2 the service\n"
    "could not be reached, is too old (protocol version 4 is needed) or went\n"
    "away, 3 bad arguments.\n";

static const char all_usage[] =
    "Commands that talk to the running service:\n"
    "  rules list|show|add|edit|delete|enable|disable|test|ack|unack|accept\n"
    "  rules export|import\n"
    "  status\n"
    "  history RULE [--limit N] [--before CURSOR]\n"
    "  events [--limit N] [--before KEY]\n"
    "  service info\n"
    "  notifiers list|show|add|delete|test|defaults\n"
    "  maintenance list|add|delete\n"
    "  notifications [--limit N] [--before KEY]\n"
    "  watch [--json]\n";

static const struct {
  const char *command, *usage;
} usages[] = {
    {"rules", rules_usage},
    {"status", status_usage},
    {"history", history_usage},
    {"events", events_usage},
    {"service", service_usage},
    {"notifiers", notifiers_usage},
    {"maintenance", maintenance_usage},
    {"notifications", notifications_usage},
    {"watch", watch_usage},
};

const char *sw_manage_usage(const char *command)
{
  for (size_t i = 0; command && i < SW_COUNTOF(usages); i++)
    if (!strcmp(command, usages[i].command))
      return usages[i].usage;
  return all_usage;
}
