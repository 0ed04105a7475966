/*
 * test_api_auth — the API's sign-in cache (core/store_api.c) and its
 * rate limiter (core/ratelimit.c).  The cache: a hit needs name,
 * password and the stored hash to match and the entry to be younger
 * than the TTL; a password change or a disabled account takes effect at
 * once; wrong and unknown users get the same answer.  The limiter: the
 * burst, the refill, the wait it reports, separate clients, a full table.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "ratelimit.h"
#include "store.h"
#include "store_api.h"

static char tmpdir[64];
static struct db *db;
static struct actor alice;

static void
setup(void)
{
	char path[128], err[DB_ERR_MAX];
	int64_t id;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/bmx-test-apiauth.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/t.db", tmpdir);
	ck_assert_int_eq(auth_init(), 0);
	db = db_open(path, 1, err);
	ck_assert_ptr_nonnull(db);
	ck_assert_int_eq(db_migrate(db, db_schema_version()), 0);
	ck_assert_int_eq(account_create(db, &actor_cli, "alice", 0,
	    "correct horse battery", NULL, &id), STORE_OK);
	alice = (struct actor){ id, "alice", "192.0.2.1", 0 };
	store_api_cache_clear();
	store_api_cache_clock(0);
}

static void
teardown(void)
{
	char cmd[128];

	db = db_close(db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static int
login(const char *name, const char *pw, int *verified)
{
	struct account a;
	int rc = store_api_login(db, name, pw, &a, verified);

	if (rc == STORE_OK)
		ck_assert_str_eq(a.name, name);
	return rc;
}

START_TEST(cache_hits)
{
	int v;

	ck_assert_int_eq(login("alice", "correct horse battery", &v), STORE_OK);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(login("alice", "correct horse battery", &v), STORE_OK);
	ck_assert_int_eq(v, 0);
	ck_assert_uint_eq(store_api_cache_hits(), 1);
	/* A wrong password is never a hit, and verification says no. */
	ck_assert_int_eq(login("alice", "correct horse batterY", &v),
	    STORE_NOTFOUND);
	ck_assert_int_eq(login("alice", "", &v), STORE_NOTFOUND);
	ck_assert_int_eq(login("nobody", "correct horse battery", &v),
	    STORE_NOTFOUND);
	ck_assert_str_eq(db_error(db), "wrong user name or password");
	ck_assert_uint_eq(store_api_cache_hits(), 1);
}
END_TEST

START_TEST(cache_ttl)
{
	int v;

	store_api_cache_clock(1000000);
	ck_assert_int_eq(login("alice", "correct horse battery", &v), STORE_OK);
	store_api_cache_clock(1000000 + STORE_API_CACHE_TTL - 1);
	ck_assert_int_eq(login("alice", "correct horse battery", &v), STORE_OK);
	ck_assert_int_eq(v, 0);
	store_api_cache_clock(1000000 + STORE_API_CACHE_TTL);
	ck_assert_int_eq(login("alice", "correct horse battery", &v), STORE_OK);
	ck_assert_int_eq(v, 1);		/* expired: verified again */
}
END_TEST

START_TEST(cache_password_change)
{
	int v;

	ck_assert_int_eq(login("alice", "correct horse battery", &v), STORE_OK);
	ck_assert_int_eq(login("alice", "correct horse battery", &v), STORE_OK);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(account_set_password(db, &alice,
	    "correct horse battery", "new staple battery", 0), STORE_OK);
	ck_assert_int_eq(login("alice", "correct horse battery", &v),
	    STORE_NOTFOUND);
	ck_assert_int_eq(login("alice", "new staple battery", &v), STORE_OK);
	ck_assert_int_eq(v, 1);
}
END_TEST

START_TEST(cache_disabled)
{
	int v;

	ck_assert_int_eq(login("alice", "correct horse battery", &v), STORE_OK);
	ck_assert_int_eq(db_exec(db, "UPDATE account SET disabled = 1"), 0);
	ck_assert_int_eq(login("alice", "correct horse battery", &v),
	    STORE_NOTFOUND);
	ck_assert_int_eq(db_exec(db, "UPDATE account SET disabled = 0"), 0);
	ck_assert_int_eq(login("alice", "correct horse battery", &v), STORE_OK);
}
END_TEST

START_TEST(rl_burst_and_refill)
{
	static struct ratelimit rl;
	int64_t t = 1000;
	int i;

	rl_init(&rl, 3, 10);
	for (i = 0; i < 10; i++)
		ck_assert_int_eq(rl_take(&rl, "192.0.2.1", t), 0);
	/* Empty: one token takes 1/3 s. */
	ck_assert_int_eq(rl_take(&rl, "192.0.2.1", t), 334);
	ck_assert_int_gt(rl_take(&rl, "192.0.2.1", t + 100), 0);
	ck_assert_int_eq(rl_take(&rl, "192.0.2.1", t + 334), 0);
	ck_assert_int_gt(rl_take(&rl, "192.0.2.1", t + 335), 0);
	/* Another client has its own bucket. */
	ck_assert_int_eq(rl_take(&rl, "192.0.2.2", t), 0);
	/* A long pause refills up to the burst, not beyond. */
	t += 3600 * 1000;
	for (i = 0; i < 10; i++)
		ck_assert_int_eq(rl_take(&rl, "192.0.2.1", t), 0);
	ck_assert_int_gt(rl_take(&rl, "192.0.2.1", t), 0);
	/* 3 a second, steadily. */
	for (i = 1; i <= 30; i++)
		ck_assert_int_eq(rl_take(&rl, "192.0.2.1", t + i * 334), 0);
	/* A clock that goes back never adds tokens. */
	ck_assert_int_gt(rl_take(&rl, "192.0.2.1", t), 0);
}
END_TEST

START_TEST(rl_full_table)
{
	static struct ratelimit rl;
	char key[32];
	int i;

	rl_init(&rl, 1, 1);
	ck_assert_int_eq(rl_take(&rl, "victim", 1000), 0);
	ck_assert_int_gt(rl_take(&rl, "victim", 1000), 0);
	for (i = 0; i < RL_SLOTS * 2; i++) {
		snprintf(key, sizeof(key), "10.0.%d.%d", i / 256, i % 256);
		ck_assert_int_eq(rl_take(&rl, key, 2000 + i), 0);
	}
	/* Evicted: it starts afresh (forgiven, never wrongly refused). */
	ck_assert_int_eq(rl_take(&rl, "victim", 2000 + i), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("api_auth");
	TCase *tc = tcase_create("cache");
	TCase *rl = tcase_create("ratelimit");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, cache_hits);
	tcase_add_test(tc, cache_ttl);
	tcase_add_test(tc, cache_password_change);
	tcase_add_test(tc, cache_disabled);
	suite_add_tcase(s, tc);
	tcase_add_test(rl, rl_burst_and_refill);
	tcase_add_test(rl, rl_full_table);
	suite_add_tcase(s, rl);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
