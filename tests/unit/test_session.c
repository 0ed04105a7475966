/*
 * test_session — Check suite for core/store_session.c (sign-in, sessions,
 * throttling, password change, audit reader) and core/store_admin.c
 * (account list, disable/enable, contact e-mail).
 *
 * Each test gets a fresh database in its own temporary directory (Check
 * forks per test).  Time-dependent behaviour is tested by moving the
 * stored timestamps back, or through the `now` argument the throttle
 * functions take, never by sleeping.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "store.h"
#include "store_admin.h"
#include "util.h"

#define IDLE		1800
#define LIFETIME	(12 * 3600)
#define PW		"correct horse battery"

static char tmpdir[] = "/tmp/bmx-test-session.XXXXXX";
static struct db *db;
static struct account alice, root;
static struct actor as_alice, as_root;

static long long
scalar(const char *fmt, ...) ATTR_PRINTF(1, 2);

static long long
scalar(const char *fmt, ...)
{
	char sql[1024];
	sqlite3_stmt *st;
	long long v;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	st = db_prepare(db, sql, "");
	ck_assert_msg(st != NULL, "%s: %s", sql, db_error(db));
	ck_assert_int_eq(db_step(db, st), 1);
	v = sqlite3_column_int64(st, 0);
	db_done(db, st);
	return v;
}

static void
exec(const char *fmt, ...) ATTR_PRINTF(1, 2);

static void
exec(const char *fmt, ...)
{
	char sql[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	ck_assert_msg(db_exec(db, sql) == 0, "%s: %s", sql, db_error(db));
}

static void
add_account(const char *name, int admin, struct account *a, struct actor *who)
{
	ck_assert_msg(account_create(db, &actor_cli, name, admin, PW, NULL,
	    NULL) == STORE_OK, "%s", db_error(db));
	ck_assert_int_eq(account_find(db, name, a), STORE_OK);
	who->account_id = a->id;
	who->name = a->name;
	who->client = "192.0.2.7";
	who->admin = admin;
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
	add_account("alice", 0, &alice, &as_alice);
	add_account("root", 1, &root, &as_root);
}

static void
teardown(void)
{
	char cmd[300];

	db = db_close(db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* A session for a; its token and its row id. */
static int64_t
new_session(const struct account *a, char token[SESSION_TOKEN_MAX])
{
	char csrf[SESSION_TOKEN_MAX];
	struct session_info s;

	ck_assert_int_eq(session_create(db, a, "192.0.2.7", token, csrf),
	    STORE_OK);
	ck_assert_int_eq(session_lookup(db, token, IDLE, LIFETIME, &s),
	    STORE_OK);
	return s.id;
}

static int
alive(const char *token)
{
	struct session_info s;

	return session_lookup(db, token, IDLE, LIFETIME, &s) == STORE_OK;
}

/* --- sessions ----------------------------------------------------------- */

START_TEST(test_session_create_lookup)
{
	char token[SESSION_TOKEN_MAX], csrf[SESSION_TOKEN_MAX], hash[65];
	char token2[SESSION_TOKEN_MAX], csrf2[SESSION_TOKEN_MAX];
	struct session_info s;

	ck_assert_int_eq(session_create(db, &root, "192.0.2.7", token, csrf),
	    STORE_OK);
	/* 32 random bytes as unpadded base64url: 43 characters. */
	ck_assert_uint_eq(strlen(token), 43);
	ck_assert_uint_eq(strlen(csrf), 43);
	ck_assert_uint_eq(strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
	    "klmnopqrstuvwxyz0123456789-_"), 43);
	ck_assert_str_ne(token, csrf);
	ck_assert_int_eq(session_lookup(db, token, IDLE, LIFETIME, &s),
	    STORE_OK);
	ck_assert_str_eq(s.a.name, "root");
	ck_assert_int_eq(s.a.admin, 1);
	ck_assert_int_eq(s.a.id, root.id);
	ck_assert_str_eq(s.csrf, csrf);
	ck_assert_int_le(llabs((long long)(s.created - time(NULL))), 2);

	/* Stored hashed: the token itself is nowhere in the database. */
	auth_token_hash(token, hash);
	ck_assert_int_eq(scalar("SELECT count(*) FROM session WHERE "
	    "token_hash = '%s'", hash), 1);
	ck_assert_int_eq(scalar("SELECT count(*) FROM session WHERE "
	    "token_hash = '%s' OR csrf = '%s' OR client = '%s'", token, token,
	    token), 0);
	ck_assert_uint_eq(strlen(hash), 64);

	/* Another session: other token, other CSRF token. */
	ck_assert_int_eq(session_create(db, &root, "192.0.2.7", token2, csrf2),
	    STORE_OK);
	ck_assert_str_ne(token, token2);
	ck_assert_str_ne(csrf, csrf2);

	ck_assert_int_eq(session_lookup(db, "no-such-token", IDLE, LIFETIME,
	    &s), STORE_NOTFOUND);
	ck_assert_int_eq(session_lookup(db, "", IDLE, LIFETIME, &s),
	    STORE_NOTFOUND);
	/* The hash is what the database holds; it is no token. */
	ck_assert_int_eq(session_lookup(db, hash, IDLE, LIFETIME, &s),
	    STORE_NOTFOUND);
}
END_TEST

START_TEST(test_session_idle)
{
	char token[SESSION_TOKEN_MAX];
	int64_t id = new_session(&alice, token);

	/* Just under the limit: alive (exactly at it would race the clock). */
	exec("UPDATE session SET last_seen = strftime('%%s','now') - %d "
	    "WHERE id = %lld", IDLE - 2, (long long)id);
	ck_assert(alive(token));
	/* The lookup refreshed last_seen (it was older than a minute). */
	ck_assert_int_le(scalar("SELECT strftime('%%s','now') - last_seen "
	    "FROM session WHERE id = %lld", (long long)id), 2);
	exec("UPDATE session SET last_seen = strftime('%%s','now') - %d "
	    "WHERE id = %lld", IDLE + 1, (long long)id);
	ck_assert(!alive(token));
	/* An expired session is removed, not just refused. */
	ck_assert_int_eq(scalar("SELECT count(*) FROM session WHERE id = %lld",
	    (long long)id), 0);
}
END_TEST

START_TEST(test_session_refresh_once_a_minute)
{
	char token[SESSION_TOKEN_MAX];
	int64_t id = new_session(&alice, token);

	exec("UPDATE session SET last_seen = strftime('%%s','now') - 30 "
	    "WHERE id = %lld", (long long)id);
	ck_assert(alive(token));
	/* Used again within a minute: no write for every request. */
	ck_assert_int_ge(scalar("SELECT strftime('%%s','now') - last_seen "
	    "FROM session WHERE id = %lld", (long long)id), 29);
	exec("UPDATE session SET last_seen = strftime('%%s','now') - 61 "
	    "WHERE id = %lld", (long long)id);
	ck_assert(alive(token));
	ck_assert_int_le(scalar("SELECT strftime('%%s','now') - last_seen "
	    "FROM session WHERE id = %lld", (long long)id), 2);
}
END_TEST

START_TEST(test_session_absolute)
{
	char token[SESSION_TOKEN_MAX];
	int64_t id = new_session(&alice, token);

	exec("UPDATE session SET created = strftime('%%s','now') - %d "
	    "WHERE id = %lld", LIFETIME - 5, (long long)id);
	ck_assert(alive(token));
	/* However active: last_seen is fresh, the lifetime is over. */
	exec("UPDATE session SET created = strftime('%%s','now') - %d, "
	    "last_seen = strftime('%%s','now') WHERE id = %lld", LIFETIME + 1,
	    (long long)id);
	ck_assert(!alive(token));
	ck_assert_int_eq(scalar("SELECT count(*) FROM session WHERE id = %lld",
	    (long long)id), 0);
}
END_TEST

START_TEST(test_session_delete)
{
	char t1[SESSION_TOKEN_MAX], t2[SESSION_TOKEN_MAX];

	new_session(&alice, t1);
	new_session(&alice, t2);
	ck_assert_int_eq(session_delete(db, t1), STORE_OK);
	ck_assert(!alive(t1));
	ck_assert(alive(t2));		/* only that one */
	ck_assert_int_eq(session_delete(db, t1), STORE_OK);	/* again: fine */
	ck_assert_int_eq(session_delete(db, "never was"), STORE_OK);
}
END_TEST

START_TEST(test_session_disabled_account)
{
	char token[SESSION_TOKEN_MAX];

	new_session(&alice, token);
	exec("UPDATE account SET disabled = 1 WHERE id = %lld",
	    (long long)alice.id);
	ck_assert(!alive(token));
}
END_TEST

/* --- sign-in -------------------------------------------------------------- */

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The fastest of three sign-in attempts. */
static double
login_time(const char *name, const char *pw)
{
	struct account a;
	double best = 1e9, t;
	int i;

	for (i = 0; i < 3; i++) {
		t = seconds();
		account_login(db, name, pw, &a);
		t = seconds() - t;
		if (t < best)
			best = t;
	}
	return best;
}

START_TEST(test_login)
{
	char err_user[DB_ERR_MAX], err_pw[DB_ERR_MAX];
	struct account a;
	double t_user, t_pw;

	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(account_login(db, "alice", PW, &a), STORE_OK);
	ck_assert_str_eq(a.name, "alice");
	ck_assert_int_eq(a.id, alice.id);
	ck_assert_int_eq(a.admin, 0);

	/* Wrong user and wrong password: the same code, the same words. */
	ck_assert_int_eq(account_login(db, "nobody", PW, &a), STORE_NOTFOUND);
	util_strlcpy(err_user, db_error(db), sizeof(err_user));
	ck_assert_int_eq(account_login(db, "alice", "wrong password", &a),
	    STORE_NOTFOUND);
	util_strlcpy(err_pw, db_error(db), sizeof(err_pw));
	ck_assert_str_eq(err_user, err_pw);
	ck_assert_ptr_null(strstr(err_user, "nobody"));

	ck_assert_int_eq(account_login(db, "alice", "", &a), STORE_NOTFOUND);
	ck_assert_int_eq(account_login(db, "", "", &a), STORE_NOTFOUND);
	ck_assert_int_eq(account_login(db, "ALICE", PW, &a), STORE_NOTFOUND);
	ck_assert_int_eq(account_login(db, "alice", PW " ", &a),
	    STORE_NOTFOUND);

	/* Same cost too: an unknown name is checked against a dummy hash,
	 * so timing does not tell which names exist.  (Generous bound.) */
	t_pw = login_time("alice", "wrong password");
	t_user = login_time("nobody", "wrong password");
	ck_assert_msg(t_user > t_pw / 4, "unknown user %.4f s, wrong password "
	    "%.4f s", t_user, t_pw);

	/* Disabled: refused like a wrong password, even with the right one. */
	exec("UPDATE account SET disabled = 1 WHERE id = %lld",
	    (long long)alice.id);
	ck_assert_int_eq(account_login(db, "alice", PW, &a), STORE_NOTFOUND);
	ck_assert_str_eq(db_error(db), err_pw);
}
END_TEST

START_TEST(test_argon2id)
{
	sqlite3_stmt *st;

	/* libsodium's argon2id, version 19, interactive limits. */
	ck_assert_int_eq(scalar("SELECT count(*) FROM account WHERE pw_hash "
	    "LIKE '$argon2id$v=19$m=65536,t=2,p=1$%%'"), 2);
	/* A fresh salt per hash: equal passwords, different hashes. */
	ck_assert_int_eq(scalar("SELECT count(DISTINCT pw_hash) FROM account"),
	    2);
	ck_assert_int_eq(scalar("SELECT count(*) FROM account WHERE pw_hash "
	    "LIKE '%%" PW "%%'"), 0);
	st = db_prepare(db, "SELECT pw_hash FROM account WHERE name = 'alice'",
	    "");
	ck_assert_int_eq(db_step(db, st), 1);
	ck_assert_int_eq(auth_verify_password(db_text(st, 0), PW), 0);
	ck_assert_int_eq(auth_verify_password(db_text(st, 0), "nope"), -1);
	db_done(db, st);
	/* Anything that is not argon2id does not verify at all. */
	ck_assert_int_eq(auth_verify_password("$argon2i$v=19$m=65536,t=2,p=1$"
	    "c29tZXNhbHQ$AAAA", PW), -1);
	ck_assert_int_eq(auth_verify_password("", PW), -1);
	ck_assert_int_eq(auth_verify_password(NULL, PW), -1);
}
END_TEST

/* --- password change ------------------------------------------------------ */

START_TEST(test_set_password)
{
	char mine[SESSION_TOKEN_MAX], other[SESSION_TOKEN_MAX];
	char roots[SESSION_TOKEN_MAX], before[AUTH_HASH_MAX];
	struct account a;
	sqlite3_stmt *st;
	int64_t keep;

	keep = new_session(&alice, mine);
	new_session(&alice, other);
	new_session(&root, roots);
	st = db_prepare(db, "SELECT pw_hash FROM account WHERE name = 'alice'",
	    "");
	ck_assert_int_eq(db_step(db, st), 1);
	util_strlcpy(before, db_text(st, 0), sizeof(before));
	db_done(db, st);

	/* Wrong current password: refused, nothing changes. */
	ck_assert_int_eq(account_set_password(db, &as_alice, "not it",
	    "brand new password", keep), STORE_INVALID);
	ck_assert_ptr_nonnull(strstr(db_error(db), "current password"));
	ck_assert(alive(other));
	/* A new password against the policy: refused. */
	ck_assert_int_eq(account_set_password(db, &as_alice, PW, "short",
	    keep), STORE_INVALID);
	ck_assert_ptr_nonnull(strstr(db_error(db), "at least"));
	ck_assert_int_eq(scalar("SELECT pw_hash = '%s' FROM account WHERE "
	    "name = 'alice'", before), 1);
	ck_assert_int_eq(scalar("SELECT count(*) FROM audit_log WHERE action "
	    "= 'account.password'"), 0);
	/* The console has no password of its own to change. */
	ck_assert_int_eq(account_set_password(db, &actor_cli, PW,
	    "brand new password", 0), STORE_INVALID);

	ck_assert_int_eq(account_set_password(db, &as_alice, PW,
	    "brand new password", keep), STORE_OK);
	ck_assert(alive(mine));		/* the session that changed it */
	ck_assert(!alive(other));	/* every other one of alice's */
	ck_assert(alive(roots));	/* nobody else's */
	ck_assert_int_eq(account_login(db, "alice", PW, &a), STORE_NOTFOUND);
	ck_assert_int_eq(account_login(db, "alice", "brand new password", &a),
	    STORE_OK);
	ck_assert_int_eq(scalar("SELECT count(*) FROM account WHERE name = "
	    "'alice' AND pw_hash LIKE '$argon2id$%%'"), 1);
	ck_assert_int_eq(scalar("SELECT count(*) FROM audit_log WHERE action "
	    "= 'account.password' AND actor = 'alice' AND client = "
	    "'192.0.2.7' AND object = 'alice'"), 1);
	ck_assert_int_eq(scalar("SELECT count(*) FROM audit_log WHERE detail "
	    "LIKE '%%brand new%%' OR object LIKE '%%brand new%%'"), 0);

	/* keep = 0: every session ends. */
	ck_assert_int_eq(account_set_password(db, &as_alice,
	    "brand new password", "another new password", 0), STORE_OK);
	ck_assert(!alive(mine));
}
END_TEST

/* --- throttling ----------------------------------------------------------- */

START_TEST(test_throttle_count_and_lock)
{
	const int64_t t0 = 1000000, window = 900;

	ck_assert_int_eq(login_blocked(db, "user:alice", t0), 0);
	ck_assert_int_eq(login_failed(db, "user:alice", t0, 3, window),
	    STORE_OK);
	ck_assert_int_eq(login_failed(db, "user:alice", t0 + 10, 3, window),
	    STORE_OK);
	ck_assert_int_eq(login_blocked(db, "user:alice", t0 + 10), 0);
	/* The third failure within the window locks for `window`. */
	ck_assert_int_eq(login_failed(db, "user:alice", t0 + 20, 3, window),
	    STORE_OK);
	ck_assert_int_eq(login_blocked(db, "user:alice", t0 + 20), window);
	ck_assert_int_eq(login_blocked(db, "user:alice", t0 + 20 + window - 1),
	    1);
	/* Boundary: the lock ends exactly at locked_until. */
	ck_assert_int_eq(login_blocked(db, "user:alice", t0 + 20 + window), 0);
	/* Other keys are untouched. */
	ck_assert_int_eq(login_blocked(db, "user:bob", t0 + 20), 0);
	ck_assert_int_eq(login_blocked(db, "addr:192.0.2.7", t0 + 20), 0);
	ck_assert_int_eq(scalar("SELECT failures FROM login_throttle WHERE "
	    "key = 'user:alice'"), 3);
}
END_TEST

START_TEST(test_throttle_window_reset)
{
	const int64_t t0 = 2000000, window = 60;

	login_failed(db, "addr:192.0.2.9", t0, 3, window);
	login_failed(db, "addr:192.0.2.9", t0 + window, 3, window);
	/* Boundary: a failure exactly `window` later is still in it. */
	ck_assert_int_eq(scalar("SELECT failures FROM login_throttle WHERE "
	    "key = 'addr:192.0.2.9'"), 2);
	/* Outside the window the count starts again at 1: no lock. */
	login_failed(db, "addr:192.0.2.9", t0 + window + 1, 3, window);
	ck_assert_int_eq(scalar("SELECT failures FROM login_throttle WHERE "
	    "key = 'addr:192.0.2.9'"), 1);
	ck_assert_int_eq(login_blocked(db, "addr:192.0.2.9", t0 + window + 1),
	    0);
	login_failed(db, "addr:192.0.2.9", t0 + window + 2, 3, window);
	login_failed(db, "addr:192.0.2.9", t0 + window + 3, 3, window);
	ck_assert_int_eq(login_blocked(db, "addr:192.0.2.9", t0 + window + 3),
	    window);
}
END_TEST

START_TEST(test_throttle_success_forgets)
{
	const int64_t t0 = 3000000;

	login_failed(db, "user:alice", t0, 3, 60);
	login_failed(db, "user:alice", t0 + 1, 3, 60);
	ck_assert_int_eq(login_succeeded(db, "user:alice"), STORE_OK);
	ck_assert_int_eq(scalar("SELECT count(*) FROM login_throttle"), 0);
	/* Two more failures after a success do not lock (count restarted). */
	login_failed(db, "user:alice", t0 + 2, 3, 60);
	login_failed(db, "user:alice", t0 + 3, 3, 60);
	ck_assert_int_eq(login_blocked(db, "user:alice", t0 + 3), 0);
	/* max = 1: the first failure locks. */
	login_failed(db, "user:carol", t0, 1, 60);
	ck_assert_int_eq(login_blocked(db, "user:carol", t0), 60);
	ck_assert_int_eq(login_succeeded(db, "user:nobody"), STORE_OK);
}
END_TEST

/* --- audit reader --------------------------------------------------------- */

START_TEST(test_audit_list)
{
	struct audit_entry *list;
	size_t n;
	int i;

	for (i = 0; i < 5; i++)
		ck_assert_int_eq(audit_add(db, &as_root, "test.step", "obj",
		    i % 2 ? "odd" : NULL), STORE_OK);
	ck_assert_int_eq(audit_list(db, &as_alice, 0, 10, &list, &n),
	    STORE_NOTFOUND);
	ck_assert_ptr_null(list);
	ck_assert_uint_eq(n, 0);
	/* 2 account.add from setup + 5: newest first, paged. */
	ck_assert_int_eq(audit_list(db, &as_root, 0, 3, &list, &n), STORE_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(list[0].action, "test.step");
	ck_assert_str_eq(list[0].actor, "root");
	ck_assert_str_eq(list[0].client, "192.0.2.7");
	ck_assert_str_eq(list[0].detail, "");		/* NULL reads as "" */
	ck_assert_str_eq(list[1].detail, "odd");
	ck_assert_int_gt(list[0].id, list[1].id);
	free(list);
	ck_assert_int_eq(audit_list(db, &as_root, 5, 10, &list, &n), STORE_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(list[1].action, "account.add");
	ck_assert_str_eq(list[1].object, "alice");
	ck_assert_str_eq(list[1].actor, "backupmxctl");
	free(list);
	ck_assert_int_eq(audit_list(db, &as_root, 100, 10, &list, &n),
	    STORE_OK);
	ck_assert_uint_eq(n, 0);
	free(list);
	/* Append-only, whatever the caller. */
	ck_assert_int_eq(db_exec(db, "DELETE FROM audit_log"), -1);
	ck_assert_int_eq(db_exec(db, "UPDATE audit_log SET actor = 'x'"), -1);
}
END_TEST

/* --- store_admin ---------------------------------------------------------- */

START_TEST(test_account_list)
{
	struct account_row *list;
	size_t n;
	int i;
	char name[16];

	for (i = 0; i < 7; i++) {
		snprintf(name, sizeof(name), "u%02d", i);
		exec("INSERT INTO account (name, role, pw_hash, created, "
		    "updated) VALUES ('%s', 'customer', 'x', %d, 0)", name, i);
	}
	ck_assert_int_eq(domain_add(db, &actor_cli, "a.example", "alice", 0,
	    NULL), STORE_OK);
	ck_assert_int_eq(domain_add(db, &actor_cli, "b.example", "alice", 0,
	    NULL), STORE_OK);
	ck_assert_int_eq(account_list(db, &as_alice, 0, 50, &list, &n),
	    STORE_NOTFOUND);
	ck_assert_ptr_null(list);
	ck_assert_int_eq(account_list(db, &as_root, 0, 50, &list, &n),
	    STORE_OK);
	ck_assert_uint_eq(n, 9);
	ck_assert_str_eq(list[0].a.name, "alice");	/* by name */
	ck_assert_int_eq(list[0].domains, 2);
	ck_assert_str_eq(list[1].a.name, "root");
	ck_assert_int_eq(list[1].a.admin, 1);
	ck_assert_int_eq(list[1].domains, 0);
	ck_assert_str_eq(list[8].a.name, "u06");
	account_list_free(list);
	ck_assert_int_eq(account_list(db, &as_root, 4, 3, &list, &n),
	    STORE_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(list[0].a.name, "u02");
	ck_assert_int_eq(list[0].a.created, 2);
	account_list_free(list);
	ck_assert_int_eq(account_list(db, &as_root, 9, 3, &list, &n),
	    STORE_OK);
	ck_assert_uint_eq(n, 0);
	account_list_free(list);
	ck_assert_int_eq(account_list(db, &as_root, -1, 3, &list, &n),
	    STORE_INVALID);
}
END_TEST

START_TEST(test_disable_enable)
{
	char t1[SESSION_TOKEN_MAX], t2[SESSION_TOKEN_MAX], tr[SESSION_TOKEN_MAX];
	struct account a;

	new_session(&alice, t1);
	new_session(&alice, t2);
	new_session(&root, tr);
	/* Customers cannot; nobody disables itself; unknown names. */
	ck_assert_int_eq(account_set_disabled(db, &as_alice, "root", 1),
	    STORE_NOTFOUND);
	ck_assert_int_eq(account_set_disabled(db, &as_root, "root", 1),
	    STORE_INVALID);
	ck_assert_ptr_nonnull(strstr(db_error(db), "your own"));
	ck_assert_int_eq(account_set_disabled(db, &as_root, "nobody", 1),
	    STORE_NOTFOUND);
	ck_assert_int_eq(scalar("SELECT count(*) FROM account WHERE disabled "
	    "= 1"), 0);

	ck_assert_int_eq(account_set_disabled(db, &as_root, "alice", 1),
	    STORE_OK);
	ck_assert_int_eq(account_find(db, "alice", &a), STORE_OK);
	ck_assert_int_eq(a.disabled, 1);
	ck_assert_int_eq(scalar("SELECT count(*) FROM session WHERE "
	    "account_id = %lld", (long long)alice.id), 0);
	ck_assert(alive(tr));
	ck_assert_int_eq(account_login(db, "alice", PW, &a), STORE_NOTFOUND);
	/* Again: nothing to do, no second audit entry. */
	ck_assert_int_eq(account_set_disabled(db, &as_root, "alice", 1),
	    STORE_OK);
	ck_assert_int_eq(scalar("SELECT count(*) FROM audit_log WHERE action "
	    "= 'account.disable' AND object = 'alice' AND actor = 'root' AND "
	    "client = '192.0.2.7'"), 1);
	/* The console may, too (it is an admin without an account). */
	ck_assert_int_eq(account_set_disabled(db, &actor_cli, "alice", 0),
	    STORE_OK);
	ck_assert_int_eq(account_login(db, "alice", PW, &a), STORE_OK);
	ck_assert_int_eq(scalar("SELECT count(*) FROM audit_log WHERE action "
	    "= 'account.enable' AND actor = 'backupmxctl'"), 1);
	/* Enabling oneself is a no-op, not an error. */
	ck_assert_int_eq(account_set_disabled(db, &as_root, "root", 0),
	    STORE_OK);
}
END_TEST

START_TEST(test_set_email)
{
	struct account a;

	ck_assert_int_eq(account_set_email(db, &as_alice, "Alice@B\xc3\xbc"
	    "cher.Example"), STORE_OK);
	ck_assert_int_eq(account_find(db, "alice", &a), STORE_OK);
	ck_assert_str_eq(a.email, "Alice@xn--bcher-kva.example");
	ck_assert_int_eq(account_set_email(db, &as_alice, "no at sign"),
	    STORE_INVALID);
	ck_assert_int_eq(account_set_email(db, &as_alice, "a@b@c.example"),
	    STORE_INVALID);
	ck_assert_int_eq(account_find(db, "alice", &a), STORE_OK);
	ck_assert_str_eq(a.email, "Alice@xn--bcher-kva.example");
	/* Markup in a quoted local part is a valid address: stored as is
	 * (the templates escape it). */
	ck_assert_int_eq(account_set_email(db, &as_alice,
	    "\"<script>x</script>\"@example.com"), STORE_OK);
	ck_assert_int_eq(account_set_email(db, &as_alice, ""), STORE_OK);
	ck_assert_int_eq(scalar("SELECT email IS NULL FROM account WHERE "
	    "name = 'alice'"), 1);
	ck_assert_int_eq(account_set_email(db, &as_alice, NULL), STORE_OK);
	ck_assert_int_eq(account_set_email(db, &actor_cli, "x@example.com"),
	    STORE_NOTFOUND);
	/* Only one's own: root's address is untouched. */
	ck_assert_int_eq(scalar("SELECT email IS NULL FROM account WHERE "
	    "name = 'root'"), 1);
	ck_assert_int_eq(scalar("SELECT count(*) FROM audit_log WHERE action "
	    "= 'account.email' AND actor = 'alice'"), 4);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("session");
	TCase *ts = tcase_create("sessions");
	TCase *tl = tcase_create("sign-in");
	TCase *tt = tcase_create("throttle");
	TCase *ta = tcase_create("admin");
	TCase *all[] = { ts, tl, tt, ta };
	SRunner *sr;
	size_t i;
	int failed;

	tcase_add_test(ts, test_session_create_lookup);
	tcase_add_test(ts, test_session_idle);
	tcase_add_test(ts, test_session_refresh_once_a_minute);
	tcase_add_test(ts, test_session_absolute);
	tcase_add_test(ts, test_session_delete);
	tcase_add_test(ts, test_session_disabled_account);
	tcase_add_test(tl, test_login);
	tcase_add_test(tl, test_argon2id);
	tcase_add_test(tl, test_set_password);
	tcase_add_test(tt, test_throttle_count_and_lock);
	tcase_add_test(tt, test_throttle_window_reset);
	tcase_add_test(tt, test_throttle_success_forgets);
	tcase_add_test(ta, test_audit_list);
	tcase_add_test(ta, test_account_list);
	tcase_add_test(ta, test_disable_enable);
	tcase_add_test(ta, test_set_email);
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		/* argon2id hashing makes each test take a moment */
		tcase_add_checked_fixture(all[i], setup, teardown);
		tcase_set_timeout(all[i], 60);
		suite_add_tcase(s, all[i]);
	}
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
