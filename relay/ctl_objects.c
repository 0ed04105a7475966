/*
 * ctl_objects — backupmxctl's verbs for accounts, portfolio domains and
 * BackupMX records.  Validation and SQL happen in core/store_*.c; this file
 * only parses arguments and prints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "ctl.h"
#include "store.h"

/* Read one line (the password) from stdin, without its line end. */
static int
ctl_read_password(char *buf, size_t bufsz)
{
	size_t n;

	if (fgets(buf, (int)bufsz, stdin) == NULL)
		return ctl_refuse("no password on standard input");
	n = strlen(buf);
	if (n == bufsz - 1 && buf[n - 1] != '\n')
		return ctl_refuse("the password is longer than %d characters",
		    AUTH_PASSWORD_MAX);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return CTL_OK;
}

int
ctl_user_add(struct ctl *c, int argc, char **argv)
{
	char pw[AUTH_PASSWORD_MAX + 2];
	const char *name = NULL;
	int i, admin = 0, from_stdin = 0, rc;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--admin") == 0)
			admin = 1;
		else if (strcmp(argv[i], "--password-stdin") == 0)
			from_stdin = 1;
		else if (argv[i][0] == '-' || name != NULL)
			return ctl_usage();
		else
			name = argv[i];
	}
	if (name == NULL)
		return ctl_usage();
	if (from_stdin) {
		if ((rc = ctl_read_password(pw, sizeof(pw))) != CTL_OK)
			return rc;
	} else if (auth_random_token(pw, sizeof(pw), 15) == -1)
		return ctl_refuse("cannot make a password");
	rc = account_create(c->db, &actor_cli, name, admin, pw, NULL, NULL);
	if (rc == STORE_OK) {
		printf("user %s added (%s)\n", name, admin ? "admin" : "customer");
		if (!from_stdin)
			printf("password: %s\n", pw);
	}
	memset(pw, 0, sizeof(pw));
	return ctl_store_result(c, rc);
}

int
ctl_domain_add(struct ctl *c, int argc, char **argv)
{
	const char *domain = NULL, *owner = NULL;
	int i, external = 0, rc;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--external") == 0)
			external = 1;
		else if (strcmp(argv[i], "--owner") == 0 && i + 1 < argc)
			owner = argv[++i];
		else if (argv[i][0] == '-' || domain != NULL)
			return ctl_usage();
		else
			domain = argv[i];
	}
	if (domain == NULL || owner == NULL)
		return ctl_usage();
	rc = domain_add(c->db, &actor_cli, domain, owner, external, NULL);
	if (rc == STORE_OK)
		printf("domain %s added to the portfolio of %s\n", domain, owner);
	return ctl_store_result(c, rc);
}

int
ctl_bmx_add(struct ctl *c, int argc, char **argv)
{
	const char *domain = NULL, *deliver_to = NULL;
	int i, rc;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--deliver-to") == 0 && i + 1 < argc)
			deliver_to = argv[++i];
		else if (argv[i][0] == '-' || domain != NULL)
			return ctl_usage();
		else
			domain = argv[i];
	}
	if (domain == NULL)
		return ctl_usage();
	rc = bmx_add(c->db, &actor_cli, domain, deliver_to);
	if (rc == STORE_OK)
		printf("BackupMX for %s added\n", domain);
	return ctl_store_result(c, rc);
}

int
ctl_bmx_del(struct ctl *c, int argc, char **argv)
{
	int rc;

	if (argc != 1 || argv[0][0] == '-')
		return ctl_usage();
	rc = bmx_del(c->db, &actor_cli, argv[0]);
	if (rc == STORE_OK)
		printf("BackupMX for %s deleted\n", argv[0]);
	return ctl_store_result(c, rc);
}

static void
ctl_bmx_json(struct sbuf *sb, const struct bmx *b)
{
	char t[32];

	sbuf_puts(sb, "{\"domain\":");
	sbuf_json_str(sb, b->domain);
	sbuf_puts(sb, ",\"idn\":");
	sbuf_json_str(sb, b->idn);
	sbuf_printf(sb, ",\"active\":%s,\"created\":\"%s\"",
	    b->active ? "true" : "false", util_iso8601(b->created, t, sizeof(t)));
	sbuf_printf(sb, ",\"updated\":\"%s\",\"owner\":",
	    util_iso8601(b->updated, t, sizeof(t)));
	sbuf_json_str(sb, b->owner);
	sbuf_puts(sb, ",\"updater\":");
	sbuf_json_str(sb, b->updater[0] ? b->updater : "backupmxctl");
	sbuf_puts(sb, ",\"deliveryHost\":");
	if (b->delivery_host[0])
		sbuf_json_str(sb, b->delivery_host);
	else
		sbuf_puts(sb, "null");
	sbuf_puts(sb, ",\"recipientPolicy\":");
	sbuf_json_str(sb, b->recipient_policy);
	sbuf_printf(sb, ",\"onlyWhenDown\":%s}",
	    b->only_when_down ? "true" : "false");
}

int
ctl_bmx_list(struct ctl *c, int argc, char **argv)
{
	struct bmx *list;
	struct sbuf sb;
	char t[32];
	size_t i, n;
	int json = argc == 1 && strcmp(argv[0], "--json") == 0;

	if (argc > 1 || (argc == 1 && !json))
		return ctl_usage();
	if (bmx_list(c->db, &actor_cli, &list, &n) != STORE_OK)
		return ctl_refuse("%s", db_error(c->db));
	sbuf_init(&sb);
	if (json) {
		sbuf_puts(&sb, "[");
		for (i = 0; i < n; i++) {
			sbuf_puts(&sb, i ? ",\n " : "");
			ctl_bmx_json(&sb, &list[i]);
		}
		sbuf_puts(&sb, "]\n");
	} else {
		if (n > 0)
			sbuf_printf(&sb, "%-32s %-14s %-20s %s\n", "DOMAIN",
			    "OWNER", "CREATED", "DELIVER-TO");
		for (i = 0; i < n; i++)
			sbuf_printf(&sb, "%-32s %-14s %-20s %s\n",
			    list[i].domain, list[i].owner,
			    util_iso8601(list[i].created, t, sizeof(t)),
			    list[i].delivery_host[0] ? list[i].delivery_host :
			    "(MX)");
	}
	fputs(sb.buf != NULL ? sb.buf : "", stdout);
	sbuf_free(&sb);
	bmx_list_free(list);
	return CTL_OK;
}
