/*
 * test_store — accounts, portfolio domains and BackupMX records through
 * the store API: validation, duplicates, tenant scoping, audit entries,
 * and that a refused change leaves nothing behind.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "store.h"

static char tmpdir[] = "/tmp/bmx-test-store.XXXXXX";
static struct db *db;
static struct actor alice, bob;

static long long
scalar(const char *sql)
{
	sqlite3_stmt *st = db_prepare(db, sql, "");
	long long v;

	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(db_step(db, st), 1);
	v = sqlite3_column_int64(st, 0);
	db_done(db, st);
	return v;
}

static void
add_customer(const char *name, struct actor *a)
{
	int64_t id;

	ck_assert_msg(account_create(db, &actor_cli, name, 0, "correct horse "
	    "battery", NULL, &id) == STORE_OK, "%s", db_error(db));
	a->account_id = id;
	a->name = name;
	a->client = "192.0.2.1";
	a->admin = 0;
}

static void
setup(void)
{
	char path[300], err[DB_ERR_MAX];

	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/t.db", tmpdir);
	ck_assert_int_eq(auth_init(), 0);
	db = db_open(path, 1, err);
	ck_assert_ptr_nonnull(db);
	ck_assert_int_eq(db_migrate(db, db_schema_version()), 0);
	add_customer("alice", &alice);
	add_customer("bob", &bob);
}

static void
teardown(void)
{
	char cmd[300];

	db = db_close(db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(accounts)
{
	struct account a;
	sqlite3_stmt *st;

	ck_assert_int_eq(account_create(db, &actor_cli, "alice", 0,
	    "another password", NULL, NULL), STORE_EXISTS);
	ck_assert_int_eq(account_create(db, &actor_cli, "Bad Name", 0,
	    "long enough pw", NULL, NULL), STORE_INVALID);
	ck_assert_int_eq(account_create(db, &actor_cli, "carol", 0, "short",
	    NULL, NULL), STORE_INVALID);
	ck_assert_ptr_nonnull(strstr(db_error(db), "at least"));
	ck_assert_int_eq(account_create(db, &actor_cli, "carol", 0,
	    "long enough pw", "not-an-address", NULL), STORE_INVALID);
	/* A customer cannot create accounts. */
	ck_assert_int_eq(account_create(db, &alice, "mallory", 1,
	    "long enough pw", NULL, NULL), STORE_INVALID);
	ck_assert_int_eq(account_find(db, "mallory", &a), STORE_NOTFOUND);
	ck_assert_int_eq(account_find(db, "alice", &a), STORE_OK);
	ck_assert_str_eq(a.name, "alice");
	ck_assert_int_eq(a.admin, 0);
	/* The password is stored as an argon2id hash and verifies. */
	st = db_prepare(db, "SELECT pw_hash FROM account WHERE name = 'alice'",
	    "");
	ck_assert_int_eq(db_step(db, st), 1);
	ck_assert_int_eq(strncmp(db_text(st, 0), "$argon2id$", 10), 0);
	ck_assert_int_eq(auth_verify_password(db_text(st, 0),
	    "correct horse battery"), 0);
	ck_assert_int_eq(auth_verify_password(db_text(st, 0), "wrong"), -1);
	db_done(db, st);
	ck_assert_int_eq(scalar("SELECT count(*) FROM audit_log WHERE action = "
	    "'account.add'"), 2);
}
END_TEST

START_TEST(domains_and_records)
{
	struct bmx *list;
	size_t n;

	ck_assert_int_eq(domain_add(db, &actor_cli, "Bücher.Example", "alice",
	    0, NULL), STORE_OK);
	ck_assert_int_eq(domain_add(db, &actor_cli, "xn--bcher-kva.example",
	    "bob", 0, NULL), STORE_EXISTS);
	ck_assert_int_eq(domain_add(db, &actor_cli, "bob.example", "nobody", 0,
	    NULL), STORE_NOTFOUND);
	ck_assert_int_eq(domain_add(db, &actor_cli, "bad..example", "bob", 0,
	    NULL), STORE_INVALID);
	/* A customer adds only to its own portfolio. */
	ck_assert_int_eq(domain_add(db, &bob, "bob.example", "alice", 0, NULL),
	    STORE_NOTFOUND);
	ck_assert_int_eq(domain_add(db, &bob, "bob.example", "bob", 1, NULL),
	    STORE_OK);

	ck_assert_int_eq(bmx_add(db, &actor_cli, "notmine.example", NULL),
	    STORE_NOTFOUND);
	ck_assert_int_eq(bmx_add(db, &bob, "bücher.example", NULL),
	    STORE_NOTFOUND);
	ck_assert_int_eq(bmx_add(db, &alice, "BÜCHER.example", "mail.b.example:"
	    "2525"), STORE_OK);
	ck_assert_int_eq(bmx_add(db, &alice, "bücher.example", NULL),
	    STORE_EXISTS);
	ck_assert_int_eq(bmx_add(db, &actor_cli, "bob.example", "bad host!"),
	    STORE_INVALID);
	ck_assert_int_eq(bmx_add(db, &actor_cli, "bob.example", NULL), STORE_OK);

	ck_assert_int_eq(bmx_list(db, &actor_cli, &list, &n), STORE_OK);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(list[0].domain, "bob.example");
	ck_assert_str_eq(list[0].updater, "");	/* backupmxctl */
	ck_assert_str_eq(list[1].domain, "xn--bcher-kva.example");
	ck_assert_str_eq(list[1].idn, "bücher.example");
	ck_assert_str_eq(list[1].owner, "alice");
	ck_assert_str_eq(list[1].updater, "alice");
	ck_assert_str_eq(list[1].delivery_host, "mail.b.example:2525");
	ck_assert_str_eq(list[1].recipient_policy, "any");
	bmx_list_free(list);

	/* Each customer sees only its own. */
	ck_assert_int_eq(bmx_list(db, &bob, &list, &n), STORE_OK);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(list[0].domain, "bob.example");
	bmx_list_free(list);

	ck_assert_int_eq(bmx_del(db, &bob, "bücher.example"), STORE_NOTFOUND);
	ck_assert_int_eq(bmx_del(db, &alice, "xn--bcher-kva.example"), STORE_OK);
	ck_assert_int_eq(bmx_del(db, &alice, "xn--bcher-kva.example"),
	    STORE_NOTFOUND);
	ck_assert_int_eq(scalar("SELECT count(*) FROM backupmx"), 1);
	ck_assert_int_eq(scalar("SELECT count(*) FROM audit_log WHERE action "
	    "LIKE 'backupmx.%'"), 3);
	ck_assert_int_eq(scalar("SELECT count(*) FROM audit_log WHERE action = "
	    "'backupmx.del' AND actor = 'alice' AND client = '192.0.2.1'"), 1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("objects");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, accounts);
	tcase_add_test(tc, domains_and_records);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
