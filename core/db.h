/*
 * db — the SQLite store shared by panel and relay: open, migrate, and the
 * small statement helpers the store modules (store_*.c) are built on.
 *
 * Every connection runs in WAL mode with foreign keys on, a busy timeout
 * and synchronous=FULL (a commit is on stable storage when it returns).
 * One connection per thread; a struct db is never shared between threads.
 *
 * Errors: functions return 0 (or a row count / id >= 0) on success and -1
 * on failure, with a one-line reason in the db's err buffer (db_error()).
 * SQL lives only in core/: page handlers and relay logic call store
 * functions, never db_prepare() with their own text.
 */
#ifndef BMX_DB_H
#define BMX_DB_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#define DB_ERR_MAX 512
#define DB_BUSY_MS 5000

#define DB_CACHE 48	/* prepared statements kept per connection */

struct db_cached {
	const char	*sql;		/* the caller's text (string literals) */
	sqlite3_stmt	*st;
	int		 busy;		/* handed out, not yet db_done() */
};

struct db {
	sqlite3		*h;
	char		 err[DB_ERR_MAX];
	struct db_cached cache[DB_CACHE];
	size_t		 ncache;
};

/* The newest schema version this build knows. */
int	 db_schema_version(void);

/*
 * Open (creating when create is set) the database at path.  The returned
 * struct is the caller's; db_close() frees it and returns NULL.  On failure
 * NULL, with the reason in err (DB_ERR_MAX).  Does not migrate.
 */
struct db *db_open(const char *path, int create, char *err);
/*
 * The same for a connection that only ever one thread uses (a panel
 * worker's): SQLite then skips its per-call connection mutex, which a
 * list page took some 300 times.  A struct db is never safe to share
 * between threads at once anyway (its statement cache is not locked).
 */
struct db *db_open_private(const char *path, char *err);
struct db *db_close(struct db *);

/* Bring the schema to target (db_schema_version() for "latest"). */
int	 db_migrate(struct db *, int target);
/* PRAGMA user_version, or -1. */
int	 db_version(struct db *);
/* Refuse to work on a database that is not migrated to this build. */
int	 db_check_version(struct db *);

int	 db_begin(struct db *);		/* BEGIN IMMEDIATE */
int	 db_commit(struct db *);
void	 db_rollback(struct db *);	/* safe to call when no tx is open */

/* Execute SQL text without results (migrations, pragmas). */
int	 db_exec(struct db *, const char *sql);

/*
 * Prepare a statement and bind arguments described by fmt, one character
 * per argument: 's' const char * (NULL binds NULL), 'i' int, 'I' int64_t.
 * Returns NULL with db->err filled on failure.  Statements are compiled
 * once per connection and kept (the SQL text is looked up by content);
 * a statement still in use when the same SQL is asked for again gets a
 * fresh, uncached copy.  Give every statement back with db_done()
 * (db_step() and db_run() do it themselves when they finish).
 */
sqlite3_stmt *db_prepare(struct db *, const char *sql, const char *fmt, ...);

/* Step a statement that returns no row; finalizes it.  0 or -1.  A
 * constraint violation sets *constraint (if not NULL) to 1. */
int	 db_run(struct db *, sqlite3_stmt *, int *constraint);

/* Step once; 1 for a row, 0 for done, -1 for error (finalizes on 0/-1). */
int	 db_step(struct db *, sqlite3_stmt *);

/* Done with a statement: reset and kept when cached, else finalized. */
void	 db_done(struct db *, sqlite3_stmt *);

/* Column text as a const string; "" for NULL. */
const char *db_text(sqlite3_stmt *, int col);

/* PRAGMA data_version: changes when another connection commits. */
int64_t	 db_data_version(struct db *);

const char *db_error(const struct db *);

#endif
