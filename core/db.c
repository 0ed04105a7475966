/*
 * db — see db.h.  The schema text is core/schema.sql, compiled in by the
 * Makefile as db_schema_sql[].
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "db.h"
#include "util.h"

extern const char db_schema_sql[];

#define MARK "-- migration "

static void
db_seterr(struct db *db, const char *what)
{
	snprintf(db->err, sizeof(db->err), "%s: %s", what,
	    db->h != NULL ? sqlite3_errmsg(db->h) : "no handle");
}

const char *
db_error(const struct db *db)
{
	return db->err;
}

/* Find the text of migration n: start at its marker, end at the next. */
static const char *
db_migration(int n, size_t *len)
{
	const char *p = db_schema_sql, *start = NULL, *next;
	char want[32];

	snprintf(want, sizeof(want), MARK "%d:", n);
	while ((p = strstr(p, MARK)) != NULL) {
		if (start == NULL && strncmp(p, want, strlen(want)) == 0)
			start = p;
		else if (start != NULL)
			break;
		p += strlen(MARK);
	}
	if (start == NULL)
		return NULL;
	next = p != NULL ? p : start + strlen(start);
	*len = (size_t)(next - start);
	return start;
}

int
db_schema_version(void)
{
	size_t len;
	int n = 0;

	while (db_migration(n + 1, &len) != NULL)
		n++;
	return n;
}

int
db_exec(struct db *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(db->err, sizeof(db->err), "%s",
		    msg != NULL ? msg : sqlite3_errmsg(db->h));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static struct db *
db_open_flags(const char *path, int flags, char *err)
{
	struct db *db;

	if ((db = calloc(1, sizeof(*db))) == NULL) {
		snprintf(err, DB_ERR_MAX, "out of memory");
		return NULL;
	}
	if (sqlite3_open_v2(path, &db->h, flags, NULL) != SQLITE_OK) {
		snprintf(err, DB_ERR_MAX, "%.60s: %.180s", path,
		    db->h ? sqlite3_errmsg(db->h) : "cannot open");
		db_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db->h, DB_BUSY_MS);
	sqlite3_extended_result_codes(db->h, 1);
	if (db_exec(db, "PRAGMA journal_mode = WAL;"
	    "PRAGMA foreign_keys = ON;"
	    "PRAGMA synchronous = FULL;") == -1 ||
	    db_version(db) == -1) {
		snprintf(err, DB_ERR_MAX, "%.40s: %.200s", path, db->err);
		db_close(db);
		return NULL;
	}
	if (flags & SQLITE_OPEN_CREATE)
		chmod(path, 0640);	/* never world-readable */
	return db;
}

struct db *
db_open(const char *path, int create, char *err)
{
	return db_open_flags(path, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_FULLMUTEX | (create ? SQLITE_OPEN_CREATE : 0), err);
}

struct db *
db_open_private(const char *path, char *err)
{
	return db_open_flags(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
	    err);
}

struct db *
db_close(struct db *db)
{
	if (db != NULL) {
		for (size_t i = 0; i < db->ncache; i++)
			sqlite3_finalize(db->cache[i].st);
		sqlite3_close_v2(db->h);
		free(db);
	}
	return NULL;
}

int
db_version(struct db *db)
{
	sqlite3_stmt *st;
	int v = -1;

	if ((st = db_prepare(db, "PRAGMA user_version", "")) == NULL)
		return -1;
	if (db_step(db, st) == 1) {
		v = sqlite3_column_int(st, 0);
		db_done(db, st);
	}
	return v;
}

int
db_check_version(struct db *db)
{
	int v = db_version(db), want = db_schema_version();

	if (v == want)
		return 0;
	if (v >= 0)
		snprintf(db->err, sizeof(db->err), v < want ?
		    "database schema version %d is older than %d: run "
		    "\"backupmxctl init\"" : "database schema version %d is "
		    "newer than this program's %d", v, want);
	return -1;
}

static int
db_apply(struct db *db, int n)
{
	const char *text;
	char *sql, pragma[64];
	size_t len;
	int rc;

	if ((text = db_migration(n, &len)) == NULL) {
		snprintf(db->err, sizeof(db->err), "no migration %d", n);
		return -1;
	}
	if ((sql = strndup(text, len)) == NULL) {
		snprintf(db->err, sizeof(db->err), "out of memory");
		return -1;
	}
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d;", n);
	rc = db_begin(db);
	if (rc == 0)
		rc = db_exec(db, sql);
	if (rc == 0)
		rc = db_exec(db, pragma);
	if (rc == 0)
		rc = db_commit(db);
	if (rc == -1) {
		char why[DB_ERR_MAX];
		util_strlcpy(why, db->err, sizeof(why));
		db_rollback(db);
		snprintf(db->err, sizeof(db->err), "migration %d: %.200s", n, why);
	}
	free(sql);
	return rc;
}

int
db_migrate(struct db *db, int target)
{
	int v;

	if ((v = db_version(db)) == -1)
		return -1;
	if (target > db_schema_version() || v > db_schema_version()) {
		snprintf(db->err, sizeof(db->err), "schema version %d is "
		    "newer than this program's %d", v > target ? v : target,
		    db_schema_version());
		return -1;
	}
	while (v < target)
		if (db_apply(db, ++v) == -1)
			return -1;
	return 0;
}

int
db_begin(struct db *db)
{
	return db_exec(db, "BEGIN IMMEDIATE");
}

int
db_commit(struct db *db)
{
	return db_exec(db, "COMMIT");
}

void
db_rollback(struct db *db)
{
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

/* A cached statement for sql, or a fresh one; NULL with db->err. */
static sqlite3_stmt *
db_cache_get(struct db *db, const char *sql)
{
	struct db_cached *c;
	sqlite3_stmt *st;
	size_t i;
	int found_busy = 0;

	for (i = 0; i < db->ncache; i++) {
		c = &db->cache[i];
		if (c->sql != sql && strcmp(c->sql, sql) != 0)
			continue;
		if (!c->busy) {
			c->busy = 1;
			return c->st;
		}
		found_busy = 1;
	}
	if (sqlite3_prepare_v3(db->h, sql, -1, found_busy ? 0 :
	    SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		db_seterr(db, "prepare");
		return NULL;
	}
	if (!found_busy && db->ncache < DB_CACHE) {
		c = &db->cache[db->ncache++];
		c->sql = sqlite3_sql(st);	/* lives as long as st */
		c->st = st;
		c->busy = 1;
	}
	return st;
}

void
db_done(struct db *db, sqlite3_stmt *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < db->ncache; i++)
		if (db->cache[i].st == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			db->cache[i].busy = 0;
			return;
		}
	sqlite3_finalize(st);
}

sqlite3_stmt *
db_prepare(struct db *db, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	const char *s;
	int i, rc = SQLITE_OK;

	if ((st = db_cache_get(db, sql)) == NULL)
		return NULL;
	va_start(ap, fmt);
	for (i = 0; fmt[i] != '\0' && rc == SQLITE_OK; i++) {
		switch (fmt[i]) {
		case 's':
			s = va_arg(ap, const char *);
			rc = s != NULL ? sqlite3_bind_text(st, i + 1, s, -1,
			    SQLITE_TRANSIENT) : sqlite3_bind_null(st, i + 1);
			break;
		case 'i':
			rc = sqlite3_bind_int(st, i + 1, va_arg(ap, int));
			break;
		case 'I':
			rc = sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
			break;
		default:
			fatal("db_prepare: bad format character '%c'", fmt[i]);
		}
	}
	va_end(ap);
	if (rc != SQLITE_OK) {
		db_seterr(db, "bind");
		db_done(db, st);
		return NULL;
	}
	return st;
}

int
db_step(struct db *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc != SQLITE_DONE)
		db_seterr(db, "step");
	db_done(db, st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
db_run(struct db *db, sqlite3_stmt *st, int *constraint)
{
	int rc = sqlite3_step(st);

	if (constraint != NULL)
		*constraint = (rc & 0xff) == SQLITE_CONSTRAINT;
	if (rc == SQLITE_ROW)
		rc = SQLITE_DONE;	/* e.g. RETURNING: the caller ignored it */
	if (rc != SQLITE_DONE)
		db_seterr(db, "step");
	db_done(db, st);
	return rc == SQLITE_DONE ? 0 : -1;
}

const char *
db_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t != NULL ? (const char *)t : "";
}

int64_t
db_data_version(struct db *db)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	if ((st = db_prepare(db, "PRAGMA data_version", "")) == NULL)
		return -1;
	if (db_step(db, st) == 1) {
		v = sqlite3_column_int64(st, 0);
		db_done(db, st);
	}
	return v;
}
