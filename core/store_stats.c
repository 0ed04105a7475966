/*
 * store_stats — samples for the charts and notification state.  See
 * store_stats.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_stats.h"
#include "util.h"

static int
stats_run(struct db *db, sqlite3_stmt *st)
{
	return st != NULL && db_run(db, st, NULL) == 0 ? 0 : -1;
}

struct stats_row {
	char	domain[VALID_NAME_MAX];
	int64_t	n, bytes;
};

/* The queue per domain (the summary the schema's triggers keep), read
 * outside any write transaction (WAL: the relay's commits go on
 * meanwhile); *v malloc'd. */
static int
stats_read(struct db *db, struct stats_row **v, size_t *n)
{
	struct stats_row *nv;
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*v = NULL;
	*n = 0;
	st = db_prepare(db, "SELECT domain, messages, bytes FROM queue_domain",
	    "");
	if (st == NULL)
		return -1;
	while ((rc = db_step(db, st)) == 1) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nv = realloc(*v, cap * sizeof(**v))) == NULL) {
				db_done(db, st);
				return -1;
			}
			*v = nv;
		}
		util_strlcpy((*v)[*n].domain, db_text(st, 0),
		    sizeof((*v)[0].domain));
		(*v)[*n].n = sqlite3_column_int64(st, 1);
		(*v)[(*n)++].bytes = sqlite3_column_int64(st, 2);
	}
	return rc;
}

int
stats_sample(struct db *db, int64_t now, int64_t keep)
{
	int64_t hour = now - now % 3600;
	struct stats_row *v;
	size_t n, i;
	int rc = 0;

	if (stats_read(db, &v, &n) == -1) {
		free(v);
		return STORE_ERROR;
	}
	if (db_begin(db) == -1) {
		free(v);
		return STORE_ERROR;
	}
	/* Domains without queued mail now show 0 for this hour. */
	rc |= stats_run(db, db_prepare(db, "UPDATE queue_stat SET queued = 0, "
	    "bytes = 0 WHERE hour = ? AND queued > 0", "I", hour));
	for (i = 0; i < n && rc == 0; i++)
		rc |= stats_run(db, db_prepare(db, "INSERT INTO queue_stat "
		    "(domain, hour, queued, bytes) VALUES (?1, ?2, ?3, ?4) ON "
		    "CONFLICT (domain, hour) DO UPDATE SET queued = ?3, bytes = "
		    "?4", "sIII", v[i].domain, hour, v[i].n, v[i].bytes));
	free(v);
	rc |= stats_run(db, db_prepare(db, "DELETE FROM queue_stat WHERE hour "
	    "< ?", "I", now - keep));
	/* Commands carried out long ago have served their purpose. */
	rc |= stats_run(db, db_prepare(db, "DELETE FROM queue_command WHERE "
	    "done IS NOT NULL AND done < ?", "I", now - keep));
	if (rc == 0 && db_commit(db) == 0)
		return STORE_OK;
	db_rollback(db);
	return STORE_ERROR;
}

#define NOTICE_MINE "m.domain = b.domain AND m.node = ?1 AND m.is_bounce = 0"

static const char stats_notice_sql[] = "SELECT b.domain, a.email, "
	"n.domain IS NOT NULL, n.since, n.last_sent, "
	"(SELECT count(*) FROM queue_message m WHERE " NOTICE_MINE "), "
	"(SELECT coalesce(sum(m.size), 0) FROM queue_message m WHERE "
	NOTICE_MINE "), "
	"(SELECT min(m.arrival) FROM queue_message m WHERE " NOTICE_MINE "), "
	"(SELECT r.last_error FROM queue_message m JOIN queue_recipient r ON "
	"r.message_id = m.id WHERE " NOTICE_MINE " AND r.state = 'queued' AND "
	"r.last_error IS NOT NULL LIMIT 1), "
	"(SELECT d.next_probe FROM destination d WHERE d.name = b.domain AND "
	"d.last_probe > coalesce(d.last_ok, 0)) "
	"FROM backupmx b JOIN account a ON a.id = b.owner_id "
	"LEFT JOIN queue_notice n ON n.domain = b.domain "
	"WHERE b.notify = 1 AND coalesce(a.email, '') <> '' AND "
	"(n.domain IS NOT NULL OR EXISTS (SELECT 1 FROM queue_message m WHERE "
	NOTICE_MINE "))";

/* What is due for one row, or NOTICE_NONE. */
static enum notice_kind
stats_notice_kind(sqlite3_stmt *st, int64_t now)
{
	int told = sqlite3_column_int(st, 2);
	int64_t last_sent = sqlite3_column_int64(st, 4);
	int64_t nmsg = sqlite3_column_int64(st, 5);
	int failing = sqlite3_column_type(st, 8) != SQLITE_NULL;

	if (!told)
		return nmsg > 0 && failing ? NOTICE_START : NOTICE_NONE;
	if (nmsg == 0)
		return NOTICE_DRAIN;
	return now - last_sent >= 86400 ? NOTICE_DAILY : NOTICE_NONE;
}

static void
stats_notice_row(sqlite3_stmt *st, enum notice_kind k, struct notice *x)
{
	memset(x, 0, sizeof(*x));
	x->kind = k;
	util_strlcpy(x->domain, db_text(st, 0), sizeof(x->domain));
	util_strlcpy(x->email, db_text(st, 1), sizeof(x->email));
	x->since = sqlite3_column_int64(st, 3);
	x->nmsg = sqlite3_column_int64(st, 5);
	x->bytes = sqlite3_column_int64(st, 6);
	x->oldest = sqlite3_column_int64(st, 7);
	util_strlcpy(x->last_error, db_text(st, 8), sizeof(x->last_error));
	x->next_probe = sqlite3_column_int64(st, 9);
}

int
stats_notices(struct db *db, const char *node, int64_t now,
    struct notice **list, size_t *n)
{
	struct notice *v = NULL, *nv;
	enum notice_kind k;
	sqlite3_stmt *st;
	int rc;

	*list = NULL;
	*n = 0;
	/* Switched off or record gone: nothing more to say. */
	st = db_prepare(db, "DELETE FROM queue_notice WHERE domain NOT IN "
	    "(SELECT domain FROM backupmx WHERE notify = 1)", "");
	if (st == NULL || db_run(db, st, NULL) == -1)
		return STORE_ERROR;
	if ((st = db_prepare(db, stats_notice_sql, "s", node)) == NULL)
		return STORE_ERROR;
	while ((rc = db_step(db, st)) == 1) {
		if ((k = stats_notice_kind(st, now)) == NOTICE_NONE)
			continue;
		if ((nv = realloc(v, (*n + 1) * sizeof(*v))) == NULL) {
			db_done(db, st);
			rc = -1;
			break;
		}
		v = nv;
		stats_notice_row(st, k, &v[(*n)++]);
	}
	if (rc == -1) {
		free(v);
		*n = 0;
		return STORE_ERROR;
	}
	*list = v;
	return STORE_OK;
}

int
stats_notice_sent(struct db *db, const struct notice *x, int64_t now)
{
	sqlite3_stmt *st;

	if (x->kind == NOTICE_START)
		st = db_prepare(db, "INSERT INTO queue_notice (domain, since, "
		    "last_sent) VALUES (?1, ?2, ?2) ON CONFLICT (domain) DO "
		    "UPDATE SET since = ?2, last_sent = ?2", "sI", x->domain,
		    now);
	else if (x->kind == NOTICE_DAILY)
		st = db_prepare(db, "UPDATE queue_notice SET last_sent = ?2 "
		    "WHERE domain = ?1", "sI", x->domain, now);
	else
		st = db_prepare(db, "DELETE FROM queue_notice WHERE domain = ?",
		    "s", x->domain);
	return st != NULL && db_run(db, st, NULL) == 0 ? STORE_OK : STORE_ERROR;
}
