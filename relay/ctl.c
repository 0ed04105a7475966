/*
 * ctl — backupmxctl, the operator's tool (like postqueue/postsuper).
 *
 * A verb table maps "noun verb" to a handler; each handler gets the rest
 * of argv after its words.  Exit status: 0 done, 1 refused (one line on
 * stderr saying why; nothing half-written stays in the database), 2 bad
 * usage.  The operator acts as an admin with no account (actor_cli).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth.h"
#include "config.h"
#include "ctl.h"
#include "db.h"
#include "log.h"
#include "store.h"
#include "util.h"
#include "zone.h"

static const struct ctl_verb ctl_verbs[] = {
	{ "init", NULL, ctl_init, 0, "" },
	{ "config", NULL, ctl_config, 0, "[--table | --defaults]" },
	{ "user", "add", ctl_user_add, 1, "NAME [--admin] [--password-stdin]" },
	{ "domain", "add", ctl_domain_add, 1,
	    "DOMAIN --owner NAME [--external]" },
	{ "backupmx", "add", ctl_bmx_add, 1, "DOMAIN [--deliver-to HOST[:PORT]]" },
	{ "backupmx", "del", ctl_bmx_del, 1, "DOMAIN" },
	{ "backupmx", "list", ctl_bmx_list, 1, "[--json]" },
	{ "queue", "list", ctl_queue_list, 1, "[--domain D] [--json]" },
	{ "queue", "show", ctl_queue_show, 1, "ID" },
	{ "queue", "flush", ctl_queue_flush, 1, "[DOMAIN]" },
	{ "queue", "delete", ctl_queue_delete, 1, "ID" },
	{ "zone", "export", ctl_zone_export, 1, "DOMAIN" },
	{ NULL, NULL, NULL, 0, NULL }
};

int
ctl_usage(void)
{
	const struct ctl_verb *v;

	fprintf(stderr, "usage: backupmxctl [-c FILE] COMMAND\n");
	for (v = ctl_verbs; v->noun != NULL; v++)
		fprintf(stderr, "       backupmxctl [-c FILE] %s%s%s %s\n",
		    v->noun, v->verb ? " " : "", v->verb ? v->verb : "",
		    v->usage);
	return CTL_USAGE;
}

int
ctl_refuse(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "backupmxctl: %s\n", msg);
	return CTL_REFUSED;
}

/* Open the database of the configuration, migrated to this build. */
int
ctl_open_db(struct ctl *c)
{
	char err[DB_ERR_MAX];

	if ((c->db = db_open(c->cf.db, 0, err)) == NULL)
		return ctl_refuse("%s (run \"backupmxctl init\" first?)", err);
	if (db_check_version(c->db) == -1) {
		int rc = ctl_refuse("%s", db_error(c->db));
		c->db = db_close(c->db);
		return rc;
	}
	return CTL_OK;
}

/* Map a store result to an exit status, with the store's reason. */
int
ctl_store_result(struct ctl *c, int rc)
{
	if (rc == STORE_OK)
		return CTL_OK;
	return ctl_refuse("%s", db_error(c->db));
}

/* Create the parent directory of path when it is missing (one level). */
static int
ctl_mkdir_for(const char *path, int is_dir)
{
	char dir[4096];
	char *slash;

	if (util_strlcpy(dir, path, sizeof(dir)) >= sizeof(dir))
		return -1;
	if (!is_dir) {
		if ((slash = strrchr(dir, '/')) == NULL)
			return 0;
		*slash = '\0';
	}
	if (*dir == '\0' || mkdir(dir, 0750) == 0 || errno == EEXIST)
		return 0;
	return -1;
}

int
ctl_init(struct ctl *c, int argc, char **argv)
{
	char err[DB_ERR_MAX];
	int from;

	(void)argv;
	if (argc != 0)
		return ctl_usage();
	if (ctl_mkdir_for(c->cf.db, 0) == -1 ||
	    ctl_mkdir_for(c->cf.spool_dir, 1) == -1)
		return ctl_refuse("cannot create the directories for %s and "
		    "%s: %s", c->cf.db, c->cf.spool_dir, strerror(errno));
	if ((c->db = db_open(c->cf.db, 1, err)) == NULL)
		return ctl_refuse("%s", err);
	from = db_version(c->db);
	if (db_migrate(c->db, db_schema_version()) == -1)
		return ctl_refuse("%s", db_error(c->db));
	if (from == db_schema_version())
		printf("database %s is up to date (schema version %d)\n",
		    c->cf.db, from);
	else
		printf("database %s migrated from schema version %d to %d\n",
		    c->cf.db, from, db_schema_version());
	return CTL_OK;
}

int
ctl_config(struct ctl *c, int argc, char **argv)
{
	const struct config_key *k;
	char buf[1024];
	char *table;

	if (argc == 1 && (strcmp(argv[0], "--table") == 0 ||
	    strcmp(argv[0], "--defaults") == 0)) {
		table = argv[0][2] == 't' ? config_table_markdown() :
		    config_default_text();
		fputs(table, stdout);
		free(table);
		return CTL_OK;
	}
	if (argc != 0)
		return ctl_usage();
	for (k = config_keys; k->name != NULL; k++)
		printf("%s = %s\n", k->name, config_value(&c->cf, k->name, buf,
		    sizeof(buf)));
	return CTL_OK;
}

static const struct ctl_verb *
ctl_find(int argc, char **argv, int *used)
{
	const struct ctl_verb *v;

	for (v = ctl_verbs; v->noun != NULL; v++) {
		if (strcmp(argv[0], v->noun) != 0)
			continue;
		if (v->verb == NULL) {
			*used = 1;
			return v;
		}
		if (argc >= 2 && strcmp(argv[1], v->verb) == 0) {
			*used = 2;
			return v;
		}
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	const struct ctl_verb *v;
	struct ctl c;
	char err[CONFIG_ERR_MAX];
	const char *conf = NULL;
	int ch, used = 0, rc;

	log_init("backupmxctl", 1);
	while ((ch = getopt(argc, argv, "+c:")) != -1) {
		if (ch != 'c')
			return ctl_usage();
		conf = optarg;
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || (v = ctl_find(argc, argv, &used)) == NULL)
		return ctl_usage();
	memset(&c, 0, sizeof(c));
	if (config_load(&c.cf, config_path(conf), conf != NULL, err) == -1)
		return ctl_refuse("%s", err);
	if (auth_init() == -1)
		return ctl_refuse("cannot initialise libsodium");
	zone_set_backup_hosts(c.cf.mx_names);	/* for provisioning */
	if (v->needs_db && (rc = ctl_open_db(&c)) != CTL_OK) {
		config_free(&c.cf);
		return rc;
	}
	rc = v->run(&c, argc - used, argv + used);
	c.db = db_close(c.db);
	config_free(&c.cf);
	return rc;
}
