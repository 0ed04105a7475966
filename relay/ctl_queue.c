/*
 * ctl_queue — backupmxctl's queue verbs (like postqueue -p and
 * postcat -h): list the queue, show one message's envelope, recipient
 * states and headers (never its body).  Reads only; the relay owns the
 * queue.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "spool.h"
#include "store.h"

/* "3d", "5h", "12m", "40s": the age of a message at a glance. */
static void
ctl_age(int64_t secs, char *buf, size_t bufsz)
{
	if (secs < 0)
		secs = 0;
	if (secs >= 86400)
		snprintf(buf, bufsz, "%lldd", (long long)(secs / 86400));
	else if (secs >= 3600)
		snprintf(buf, bufsz, "%lldh", (long long)(secs / 3600));
	else if (secs >= 60)
		snprintf(buf, bufsz, "%lldm", (long long)(secs / 60));
	else
		snprintf(buf, bufsz, "%llds", (long long)secs);
}

static void
ctl_queue_json(struct ctl *c, struct sbuf *sb, const struct queue_entry *e)
{
	struct queue_entry full;
	struct queue_rcpt_out *r = NULL;
	char t[32];
	size_t i, n = 0;

	sbuf_puts(sb, "{\"id\":");
	sbuf_json_str(sb, e->id);
	sbuf_puts(sb, ",\"node\":");
	sbuf_json_str(sb, e->node);
	sbuf_puts(sb, ",\"domain\":");
	sbuf_json_str(sb, e->domain);
	sbuf_puts(sb, ",\"sender\":");
	sbuf_json_str(sb, e->sender);
	sbuf_printf(sb, ",\"size\":%lld,\"arrival\":\"%s\"", (long long)e->size,
	    util_iso8601(e->arrival, t, sizeof(t)));
	sbuf_printf(sb, ",\"expires\":\"%s\",\"age\":%lld,\"held\":%s",
	    util_iso8601(e->expires, t, sizeof(t)),
	    (long long)(util_now() - e->arrival), e->held ? "true" : "false");
	sbuf_puts(sb, ",\"lastError\":");
	sbuf_json_str(sb, e->last_error);
	sbuf_puts(sb, ",\"recipients\":[");
	if (queue_get(c->db, &actor_cli, e->id, &full, &r, &n) == STORE_OK) {
		for (i = 0; i < n; i++) {
			sbuf_puts(sb, i ? ",{\"address\":" : "{\"address\":");
			sbuf_json_str(sb, r[i].address);
			sbuf_puts(sb, ",\"state\":");
			sbuf_json_str(sb, r[i].state);
			sbuf_printf(sb, ",\"attempts\":%d}", r[i].attempts);
		}
		free(full.rcpts);
		free(full.last_error);
		free(r);
	}
	sbuf_puts(sb, "]}");
}

int
ctl_queue_list(struct ctl *c, int argc, char **argv)
{
	struct queue_entry *list;
	const char *domain = NULL;
	struct sbuf sb;
	char age[16];
	size_t i, n;
	int json = 0, a;

	for (a = 0; a < argc; a++) {
		if (strcmp(argv[a], "--json") == 0)
			json = 1;
		else if (strcmp(argv[a], "--domain") == 0 && a + 1 < argc)
			domain = argv[++a];
		else
			return ctl_usage();
	}
	if (queue_list(c->db, &actor_cli, domain, &list, &n) != STORE_OK)
		return ctl_refuse("%s", db_error(c->db));
	sbuf_init(&sb);
	if (json)
		sbuf_puts(&sb, "[");
	else if (n > 0)
		sbuf_printf(&sb, "%-16s %4s %9s  %s\n", "ID", "AGE", "SIZE",
		    "SENDER  RECIPIENTS  LAST ERROR");
	for (i = 0; i < n; i++) {
		if (json) {
			sbuf_puts(&sb, i ? ",\n " : "");
			ctl_queue_json(c, &sb, &list[i]);
			continue;
		}
		ctl_age(util_now() - list[i].arrival, age, sizeof(age));
		sbuf_printf(&sb, "%-16s%s %4s %9lld  <%s>  %s%s%s\n", list[i].id,
		    list[i].held ? "!" : " ", age, (long long)list[i].size,
		    list[i].sender, list[i].rcpts, list[i].last_error[0] ?
		    "  " : "", list[i].last_error);
	}
	if (json)
		sbuf_puts(&sb, "]\n");
	else
		sbuf_printf(&sb, "-- %zu message%s in the queue\n", n,
		    n == 1 ? "" : "s");
	fputs(sb.buf, stdout);
	sbuf_free(&sb);
	queue_list_free(list, n);
	return CTL_OK;
}

/* Print the header section of a spooled message (up to the blank line). */
static void
ctl_print_headers(const char *spool_dir, const char *id)
{
	char path[4200], line[1100];
	FILE *fp;

	if (spool_path(spool_dir, id, path, sizeof(path)) == -1 ||
	    (fp = fopen(path, "r")) == NULL) {
		printf("(the message file is on another node or gone)\n");
		return;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strcmp(line, "\r\n") == 0 || strcmp(line, "\n") == 0)
			break;
		line[strcspn(line, "\r\n")] = '\0';
		printf("%s\n", line);
	}
	fclose(fp);
}

int
ctl_queue_show(struct ctl *c, int argc, char **argv)
{
	struct queue_entry e;
	struct queue_rcpt_out *r;
	char t1[32], t2[32];
	size_t i, n;
	int rc;

	if (argc != 1 || argv[0][0] == '-')
		return ctl_usage();
	if ((rc = queue_get(c->db, &actor_cli, argv[0], &e, &r, &n)) != STORE_OK)
		return ctl_store_result(c, rc);
	printf("id: %s\nnode: %s\ndomain: %s\nsender: <%s>\nsize: %lld\n"
	    "arrival: %s\nexpires: %s\nheld: %s\n", e.id, e.node, e.domain,
	    e.sender, (long long)e.size, util_iso8601(e.arrival, t1,
	    sizeof(t1)), util_iso8601(e.expires, t2, sizeof(t2)),
	    e.held ? "yes" : "no");
	if (e.client[0])
		printf("client: %s [%s]\n", e.helo, e.client);
	if (e.envid[0])
		printf("envid: %s\n", e.envid);
	for (i = 0; i < n; i++) {
		printf("recipient: <%s> state=%s attempts=%d", r[i].address,
		    r[i].state, r[i].attempts);
		if (r[i].last_error[0])
			printf(" dsn=%s last_error=%s", r[i].last_dsn,
			    r[i].last_error);
		printf("\n");
	}
	printf("\n");
	ctl_print_headers(c->cf.spool_dir, e.id);
	free(e.rcpts);
	free(e.last_error);
	free(r);
	return CTL_OK;
}

/* queue flush [DOMAIN] / queue delete ID: rows the relay picks up. */
static int
ctl_queue_command(struct ctl *c, const char *verb, const char *arg)
{
	int rc = queue_command_add(c->db, &actor_cli, verb, arg);

	if (rc == STORE_OK)
		printf("queue %s %s: requested; the relay acts on it within a "
		    "second\n", verb, arg != NULL ? arg : "(all)");
	return ctl_store_result(c, rc);
}

int
ctl_queue_flush(struct ctl *c, int argc, char **argv)
{
	char alabel[VALID_NAME_MAX], ulabel[VALID_NAME_MAX * 4];
	char err[VALID_ERR_MAX];

	if (argc > 1 || (argc == 1 && argv[0][0] == '-'))
		return ctl_usage();
	if (argc == 1 && valid_domain(argv[0], alabel, ulabel, err) == -1)
		return ctl_refuse("%s: %s", argv[0], err);
	return ctl_queue_command(c, "flush", argc == 1 ? alabel : NULL);
}

int
ctl_queue_delete(struct ctl *c, int argc, char **argv)
{
	struct queue_entry e;
	struct queue_rcpt_out *r;
	size_t n;
	int rc;

	if (argc != 1 || argv[0][0] == '-')
		return ctl_usage();
	if ((rc = queue_get(c->db, &actor_cli, argv[0], &e, &r, &n)) !=
	    STORE_OK)
		return ctl_store_result(c, rc);
	free(e.rcpts);
	free(e.last_error);
	free(r);
	return ctl_queue_command(c, "delete", argv[0]);
}
