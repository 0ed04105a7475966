/*
 * test_db — opening, pragmas and schema migrations: from an empty file,
 * from every earlier version with data kept, atomic failure, refusal of a
 * newer schema, and the database-level rules (append-only audit log,
 * foreign keys).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"

static char tmpdir[] = "/tmp/bmx-test-db.XXXXXX";
static char path[256];

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/t.db", tmpdir);
}

static void
teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static struct db *
open_new(void)
{
	char err[DB_ERR_MAX];
	struct db *db = db_open(path, 1, err);

	ck_assert_msg(db != NULL, "%s", err);
	return db;
}

static long long
scalar(struct db *db, const char *sql)
{
	sqlite3_stmt *st = db_prepare(db, sql, "");
	long long v;

	ck_assert_msg(st != NULL, "%s", db_error(db));
	ck_assert_int_eq(db_step(db, st), 1);
	v = sqlite3_column_int64(st, 0);
	db_done(db, st);
	return v;
}

static int
table_exists(struct db *db, const char *name)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT count(*) FROM sqlite_master "
	    "WHERE type = 'table' AND name = ?", "s", name);
	int n;

	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(db_step(db, st), 1);
	n = sqlite3_column_int(st, 0);
	db_done(db, st);
	return n;
}

static const char *tables[] = { "account", "session", "audit_log", "domain",
	"orders", "order_line", "backupmx", "backupmx_recipient", "zone_record",
	"queue_message", "queue_recipient", "queue_attempt", "queue_command",
	"destination", "login_throttle", NULL };

START_TEST(open_sets_pragmas)
{
	struct db *db = open_new();
	sqlite3_stmt *st;
	char err[DB_ERR_MAX];

	st = db_prepare(db, "PRAGMA journal_mode", "");
	ck_assert_int_eq(db_step(db, st), 1);
	ck_assert_str_eq(db_text(st, 0), "wal");
	db_done(db, st);
	ck_assert_int_eq(scalar(db, "PRAGMA foreign_keys"), 1);
	ck_assert_int_eq(scalar(db, "PRAGMA synchronous"), 2);	/* FULL */
	ck_assert_int_eq(db_version(db), 0);
	db_close(db);
	/* Without create, a missing file is an error, not a new database. */
	snprintf(path, sizeof(path), "%s/none.db", tmpdir);
	ck_assert_ptr_null(db_open(path, 0, err));
	ck_assert_ptr_nonnull(strstr(err, "none.db"));
}
END_TEST

START_TEST(migrate_from_empty)
{
	struct db *db = open_new();
	int i, latest = db_schema_version();

	ck_assert_int_ge(latest, 6);
	ck_assert_int_eq(db_check_version(db), -1);
	ck_assert_ptr_nonnull(strstr(db_error(db), "backupmxctl init"));
	ck_assert_msg(db_migrate(db, latest) == 0, "%s", db_error(db));
	ck_assert_int_eq(db_version(db), latest);
	ck_assert_int_eq(db_check_version(db), 0);
	for (i = 0; tables[i] != NULL; i++)
		ck_assert_msg(table_exists(db, tables[i]), "%s", tables[i]);
	/* Running it again changes nothing. */
	ck_assert_int_eq(db_migrate(db, latest), 0);
	ck_assert_int_eq(db_version(db), latest);
	db_close(db);
}
END_TEST

/* From each earlier version, with a row written at that version. */
START_TEST(migrate_from_previous)
{
	struct db *db = open_new();
	int from = _i, latest = db_schema_version();

	ck_assert_int_eq(db_migrate(db, from), 0);
	ck_assert_int_eq(db_version(db), from);
	if (from >= 1)
		ck_assert_int_eq(db_exec(db, "INSERT INTO account (name, role, "
		    "pw_hash, created, updated) VALUES ('kept', 'customer', "
		    "'x', 1, 1)"), 0);
	if (from >= 2)
		ck_assert_int_eq(db_exec(db, "INSERT INTO domain (name, idn, "
		    "account_id, created, updated) VALUES ('kept.example', "
		    "'kept.example', 1, 1, 1)"), 0);
	db_close(db);
	db = open_new();
	ck_assert_msg(db_migrate(db, latest) == 0, "%s", db_error(db));
	ck_assert_int_eq(db_version(db), latest);
	if (from >= 1)
		ck_assert_int_eq(scalar(db, "SELECT count(*) FROM account "
		    "WHERE name = 'kept'"), 1);
	if (from >= 2)
		ck_assert_int_eq(scalar(db, "SELECT count(*) FROM domain"), 1);
	db_close(db);
}
END_TEST

START_TEST(failed_migration_is_atomic)
{
	struct db *db = open_new();

	ck_assert_int_eq(db_migrate(db, 1), 0);
	/* A table in the way makes migration 2 fail half way through. */
	ck_assert_int_eq(db_exec(db, "CREATE TABLE backupmx (x)"), 0);
	ck_assert_int_eq(db_migrate(db, db_schema_version()), -1);
	ck_assert_ptr_nonnull(strstr(db_error(db), "migration 2"));
	ck_assert_int_eq(db_version(db), 1);
	ck_assert_int_eq(table_exists(db, "domain"), 0);
	ck_assert_int_eq(table_exists(db, "queue_message"), 0);
	db_close(db);
}
END_TEST

START_TEST(newer_schema_is_refused)
{
	struct db *db = open_new();

	ck_assert_int_eq(db_exec(db, "PRAGMA user_version = 999"), 0);
	ck_assert_int_eq(db_migrate(db, db_schema_version()), -1);
	ck_assert_ptr_nonnull(strstr(db_error(db), "newer"));
	ck_assert_int_eq(db_check_version(db), -1);
	ck_assert_ptr_nonnull(strstr(db_error(db), "newer"));
	ck_assert_int_eq(db_migrate(db, db_schema_version() + 1), -1);
	db_close(db);
}
END_TEST

START_TEST(database_rules)
{
	struct db *db = open_new();
	int constraint = 0;
	sqlite3_stmt *st;

	ck_assert_int_eq(db_migrate(db, db_schema_version()), 0);
	ck_assert_int_eq(db_exec(db, "INSERT INTO audit_log (at, actor, "
	    "action, object) VALUES (1, 'a', 'x.y', 'o')"), 0);
	ck_assert_int_eq(db_exec(db, "UPDATE audit_log SET actor = 'b'"), -1);
	ck_assert_ptr_nonnull(strstr(db_error(db), "append-only"));
	ck_assert_int_eq(db_exec(db, "DELETE FROM audit_log"), -1);
	ck_assert_int_eq(scalar(db, "SELECT count(*) FROM audit_log"), 1);
	/* Foreign keys hold: no domain for an account that does not exist. */
	st = db_prepare(db, "INSERT INTO domain (name, idn, account_id, "
	    "created, updated) VALUES ('x.example', 'x.example', 42, 1, 1)", "");
	ck_assert_int_eq(db_run(db, st, &constraint), -1);
	ck_assert_int_eq(constraint, 1);
	/* Checks hold: no unknown role. */
	ck_assert_int_eq(db_exec(db, "INSERT INTO account (name, role, pw_hash, "
	    "created, updated) VALUES ('r', 'root', 'x', 1, 1)"), -1);
	db_close(db);
}
END_TEST

START_TEST(transactions)
{
	struct db *db = open_new(), *other;
	char err[DB_ERR_MAX];
	int64_t v0;

	ck_assert_int_eq(db_migrate(db, db_schema_version()), 0);
	other = db_open(path, 0, err);
	ck_assert_ptr_nonnull(other);
	v0 = db_data_version(db);
	ck_assert_int_eq(db_begin(db), 0);
	ck_assert_int_eq(db_exec(db, "INSERT INTO account (name, role, pw_hash, "
	    "created, updated) VALUES ('t', 'admin', 'x', 1, 1)"), 0);
	db_rollback(db);
	db_rollback(db);	/* harmless without a transaction */
	ck_assert_int_eq(scalar(db, "SELECT count(*) FROM account"), 0);
	/* A commit by another connection shows in data_version. */
	ck_assert_int_eq(db_exec(other, "INSERT INTO account (name, role, "
	    "pw_hash, created, updated) VALUES ('u', 'admin', 'x', 1, 1)"), 0);
	ck_assert_int_ne(db_data_version(db), v0);
	db_close(other);
	db_close(db);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("db");
	TCase *tc = tcase_create("schema");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, open_sets_pragmas);
	tcase_add_test(tc, migrate_from_empty);
	tcase_add_loop_test(tc, migrate_from_previous, 0, db_schema_version());
	tcase_add_test(tc, failed_migration_is_atomic);
	tcase_add_test(tc, newer_schema_is_refused);
	tcase_add_test(tc, database_rules);
	tcase_add_test(tc, transactions);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
