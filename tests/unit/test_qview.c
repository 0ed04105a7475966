/*
 * test_qview — the queue dashboards' store (core/store_qview.c), the
 * relay's samples and notice state (core/store_stats.c) and the notice
 * text (relay/notify.c): tenant scoping, paging, sorting and filters,
 * the counting trigger, the history, the rate limit of "deliver now",
 * who may hold, the notice life cycle, headers from the spool.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth.h"
#include "notify.h"
#include "store.h"
#include "store_qview.h"
#include "store_stats.h"

static char tmpdir[] = "/tmp/bmx-test-qview.XXXXXX";
static struct db *db;
static struct actor alice, bob;
static const int64_t T0 = 1800000000;	/* a round hour */

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
exec(const char *sql)
{
	ck_assert_msg(db_exec(db, sql) == 0, "%s", db_error(db));
}

/* Rows of queue_domain that differ from a fresh sum over queue_message,
 * either way (0: the summary is exact). */
static long long
summary_diff(void)
{
	return scalar("SELECT count(*) FROM (SELECT * FROM (SELECT domain, "
	    "messages, bytes, held FROM queue_domain EXCEPT SELECT domain, "
	    "count(*), sum(size), sum(held) FROM queue_message GROUP BY "
	    "domain) UNION ALL SELECT * FROM (SELECT domain, count(*), "
	    "sum(size), sum(held) FROM queue_message GROUP BY domain EXCEPT "
	    "SELECT domain, messages, bytes, held FROM queue_domain))");
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

/* A message for domain with one recipient per address in rcpts. */
static void
add_msg(const char *id, const char *domain, const char *sender, int64_t size,
    int64_t arrival, const char *r1, const char *r2)
{
	struct queue_rcpt_in r[2] = { { r1, NULL, NULL }, { r2, NULL, NULL } };
	struct queue_msg_in m = { .id = id, .node = "mx.test", .domain = domain,
	    .sender = sender, .size = size, .arrival = arrival,
	    .expires = arrival + 14 * 86400, .nrcpt = r2 != NULL ? 2 : 1,
	    .rcpt = r };

	ck_assert_msg(queue_insert(db, &m, 1) == STORE_OK, "%s", db_error(db));
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
	ck_assert_int_eq(domain_add(db, &actor_cli, "a.example", "alice", 1,
	    NULL), STORE_OK);
	ck_assert_int_eq(domain_add(db, &actor_cli, "b.example", "bob", 1,
	    NULL), STORE_OK);
	ck_assert_int_eq(bmx_add(db, &actor_cli, "a.example", NULL), STORE_OK);
	ck_assert_int_eq(bmx_add(db, &actor_cli, "b.example", NULL), STORE_OK);
	add_msg("AAAAAAAAAAAAAAA1", "a.example", "zed@x.example", 100, T0 - 7200,
	    "u1@a.example", "u2@a.example");
	add_msg("AAAAAAAAAAAAAAA2", "a.example", "Amy@Y.example", 300, T0 - 60,
	    "u3@a.example", NULL);
	add_msg("AAAAAAAAAAAAAAA3", "a.example", "", 200, T0 - 3 * 86400 - 1,
	    "u4@a.example", NULL);
	add_msg("BBBBBBBBBBBBBBB1", "b.example", "s@x.example", 50, T0 - 10,
	    "v@b.example", NULL);
	/* a bounce to a sender's domain: no record, admins only */
	add_msg("CCCCCCCCCCCCCCC1", "x.example", "", 70, T0 - 10,
	    "zed@x.example", NULL);
}

static void
teardown(void)
{
	char cmd[300];

	db = db_close(db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(overview_scoping)
{
	struct qview_overq q = { NULL, 0, 1, 25 };
	struct qview_dom *v, d;
	struct qview_sum sum;
	size_t n;

	ck_assert_int_eq(qview_overview(db, &alice, &q, &v, &n, &sum), STORE_OK);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(v[0].domain, "a.example");
	ck_assert_int_eq(v[0].nmsg, 3);
	ck_assert_int_eq(v[0].bytes, 600);
	ck_assert_int_eq(v[0].oldest, T0 - 3 * 86400 - 1);
	ck_assert_str_eq(v[0].owner, "alice");
	ck_assert_int_eq(sum.ndom, 1);
	free(v);
	ck_assert_int_eq(qview_overview(db, &actor_cli, &q, &v, &n, &sum),
	    STORE_OK);
	ck_assert_int_eq(n, 2);		/* the records */
	ck_assert_int_eq(sum.ndom, 2);
	free(v);
	q.only_queued = 1;
	ck_assert_int_eq(qview_overview(db, &actor_cli, &q, &v, &n, &sum),
	    STORE_OK);
	ck_assert_int_eq(n, 3);		/* and the bounce's domain */
	ck_assert_int_eq(sum.ndom, 3);
	ck_assert_str_eq(v[2].domain, "x.example");
	free(v);
	q.only_queued = 0;
	q.customer = "bob";
	ck_assert_int_eq(qview_overview(db, &actor_cli, &q, &v, &n, &sum),
	    STORE_OK);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(v[0].domain, "b.example");
	free(v);

	ck_assert_int_eq(qview_domain(db, &bob, "a.example", &d),
	    STORE_NOTFOUND);
	ck_assert_int_eq(qview_domain(db, &alice, "x.example", &d),
	    STORE_NOTFOUND);
	ck_assert_int_eq(qview_domain(db, &alice, "nowhere.example", &d),
	    STORE_NOTFOUND);
	ck_assert_int_eq(qview_domain(db, &actor_cli, "x.example", &d),
	    STORE_OK);
	ck_assert_int_eq(d.has_record, 0);
	ck_assert_int_eq(qview_domain(db, &alice, "a.example", &d), STORE_OK);
	ck_assert_int_eq(d.nmsg, 3);
	ck_assert_int_eq(d.next_attempt, T0 - 3 * 86400 - 1);
	ck_assert_int_eq(d.notify, 1);
}
END_TEST

static void
ids(struct qview_msgq *q, const char *want)
{
	struct qview_msg *v;
	char got[200] = "";
	int64_t total;
	size_t n, i;

	ck_assert_int_eq(qview_messages(db, q, &v, &n, &total), STORE_OK);
	for (i = 0; i < n; i++) {
		strcat(got, v[i].id + 15);
		strcat(got, i + 1 < n ? " " : "");
	}
	qview_messages_free(v, n);
	ck_assert_str_eq(got, want);
}

START_TEST(messages_sort_filter_page)
{
	struct qview_msgq q = { "a.example", NULL, NULL, QVIEW_SORT_ARRIVAL, 0,
	    1, 50 };

	ids(&q, "3 1 2");
	q.desc = 1;
	ids(&q, "2 1 3");
	q.sort = QVIEW_SORT_SIZE;
	ids(&q, "2 3 1");
	q.sort = QVIEW_SORT_SENDER;
	q.desc = 0;
	ids(&q, "3 2 1");		/* "" < "Amy" < "zed" */
	q.sender = "amy@y";		/* any case */
	ids(&q, "2");
	q.sender = NULL;
	q.rcpt = "U2@";
	ids(&q, "1");
	q.rcpt = "%";			/* literal, not a LIKE pattern */
	ids(&q, "");
	q.rcpt = NULL;
	q.sort = QVIEW_SORT_ARRIVAL;
	q.per_page = 2;
	q.page = 2;
	ids(&q, "2");
	q.page = 99;			/* past the end: the last page */
	ids(&q, "2");
	ck_assert_int_eq(q.page, 2);
}
END_TEST

/* A page's rows come one per recipient and are folded into messages in
 * C: recipients in their order, the most attempts, the earliest next
 * attempt of a queued one, the error of the one tried last (the greater
 * text on a tie); a page of two messages still has all the recipients
 * of its second. */
START_TEST(messages_fold_recipients)
{
	struct qview_msgq q = { "a.example", NULL, NULL, QVIEW_SORT_ARRIVAL, 0,
	    1, 50 };
	struct qview_msg *v;
	int64_t total;
	size_t n;

	exec("INSERT INTO queue_recipient (message_id, address, state, "
	    "attempts, next_attempt, last_attempt, last_error) VALUES "
	    "('AAAAAAAAAAAAAAA1', 'u9@a.example', 'queued', 5, 400, 30, 'c')");
	exec("UPDATE queue_recipient SET attempts = 2, next_attempt = 300, "
	    "last_attempt = 30, last_error = 'd' WHERE address = "
	    "'u1@a.example'");
	exec("UPDATE queue_recipient SET state = 'sent', attempts = 7, "
	    "next_attempt = 100, last_attempt = 10, last_error = 'z' WHERE "
	    "address = 'u2@a.example'");
	ck_assert_int_eq(qview_messages(db, &q, &v, &n, &total), STORE_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(v[1].id, "AAAAAAAAAAAAAAA1");
	ck_assert_str_eq(v[1].rcpts, "u1@a.example queued\nu2@a.example sent\n"
	    "u9@a.example queued");
	ck_assert_int_eq(v[1].attempts, 7);
	ck_assert_int_eq(v[1].next_attempt, 300);	/* u2's 100 is sent */
	ck_assert_str_eq(v[1].last_error, "d");		/* 30 = 30: "d" > "c" */
	ck_assert_str_eq(v[2].rcpts, "u3@a.example queued");
	ck_assert_str_eq(v[2].last_error, "");
	qview_messages_free(v, n);
	q.per_page = 2;
	ck_assert_int_eq(qview_messages(db, &q, &v, &n, &total), STORE_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(total, 3);
	ck_assert_str_eq(v[1].rcpts, "u1@a.example queued\nu2@a.example sent\n"
	    "u9@a.example queued");
	qview_messages_free(v, n);
}
END_TEST

START_TEST(counting_and_history)
{
	struct queue_result r = { "u1@a.example", "sent", "sent", "2.0.0",
	    "mx[127.0.0.1]:25", "250 ok", 0 };
	struct qview_hour *h = calloc(QVIEW_HOURS, sizeof(*h));
	int64_t bins[QVIEW_AGE_BINS];
	int finished;

	ck_assert_int_eq(queue_record(db, "AAAAAAAAAAAAAAA1", &r, 1, T0 + 10,
	    &finished), STORE_OK);
	ck_assert_int_eq(finished, 0);
	r.address = "u2@a.example";
	r.state = r.status = "bounced";
	ck_assert_int_eq(queue_record(db, "AAAAAAAAAAAAAAA1", &r, 1, T0 + 20,
	    &finished), STORE_OK);
	ck_assert_int_eq(finished, 1);
	ck_assert_int_eq(scalar("SELECT delivered * 10 + bounced FROM "
	    "queue_total WHERE domain = 'a.example'"), 11);
	ck_assert_int_eq(scalar("SELECT last_delivery FROM queue_total"),
	    T0 + 10);
	ck_assert_int_eq(stats_sample(db, T0 + 30, QVIEW_HOURS * 3600),
	    STORE_OK);
	ck_assert_int_eq(scalar("SELECT queued FROM queue_stat WHERE domain = "
	    "'a.example' AND hour = 1800000000"), 2);
	ck_assert_int_eq(qview_history(db, &alice, NULL, T0 + 40, h), STORE_OK);
	ck_assert_int_eq(h[QVIEW_HOURS - 1].hour, T0);
	ck_assert_int_eq(h[QVIEW_HOURS - 1].queued, 2);
	ck_assert_int_eq(h[QVIEW_HOURS - 1].delivered, 1);
	ck_assert_int_eq(h[QVIEW_HOURS - 1].bounced, 1);
	ck_assert_int_eq(qview_history(db, &bob, NULL, T0 + 40, h), STORE_OK);
	ck_assert_int_eq(h[QVIEW_HOURS - 1].delivered, 0);	/* not bob's */
	ck_assert_int_eq(qview_history(db, &actor_cli, NULL, T0 + 40, h),
	    STORE_OK);		/* an admin's: everything */
	ck_assert_int_eq(h[QVIEW_HOURS - 1].queued, scalar("SELECT sum(queued) "
	    "FROM queue_stat WHERE hour = 1800000000"));
	ck_assert_int_eq(h[QVIEW_HOURS - 1].delivered, 1);
	/* a drained domain samples 0; old samples go */
	exec("DELETE FROM queue_message WHERE domain = 'a.example'");
	exec("INSERT INTO queue_stat (domain, hour, queued) VALUES "
	    "('a.example', 1000, 5)");
	ck_assert_int_eq(stats_sample(db, T0 + 50, QVIEW_HOURS * 3600),
	    STORE_OK);
	ck_assert_int_eq(scalar("SELECT queued FROM queue_stat WHERE domain = "
	    "'a.example' AND hour = 1800000000"), 0);
	ck_assert_int_eq(scalar("SELECT count(*) FROM queue_stat WHERE hour = "
	    "1000"), 0);
	ck_assert_int_eq(qview_ages(db, &actor_cli, NULL, T0, bins), STORE_OK);
	ck_assert_int_eq(bins[0], 2);	/* b.example, x.example */
	free(h);
}
END_TEST

/* A group commit in which messages leave the queue whole (every recipient
 * final, no attempt rows) counts exactly what the trigger counts. */
START_TEST(counting_group_commit)
{
	struct queue_result r1[2] = {
		{ "u1@a.example", "sent", "sent", "2.0.0", NULL, "250 ok", 0 },
		{ "u2@a.example", "bounced", "bounced", "5.1.1", NULL, "550 no",
		    0 } };
	struct queue_result r2 = { "u3@a.example", "sent", "sent", "2.0.0",
	    NULL, "250 ok", 0 };
	struct queue_result r3 = { "v@b.example", "queued", "deferred", "4.2.0",
	    NULL, "451 later", T0 + 300 };
	struct queue_record_req q[3] = {
		{ "AAAAAAAAAAAAAAA1", r1, 2, 1, 0 },
		{ "AAAAAAAAAAAAAAA2", &r2, 1, 1, 0 },
		{ "BBBBBBBBBBBBBBB1", &r3, 1, 0, 0 } };

	ck_assert_int_eq(queue_record_many(db, q, 3, T0 + 10), STORE_OK);
	ck_assert_int_eq(q[0].finished, 1);
	ck_assert_int_eq(q[1].finished, 1);
	ck_assert_int_eq(q[2].finished, 0);
	ck_assert_int_eq(scalar("SELECT count(*) FROM queue_message WHERE "
	    "domain = 'a.example'"), 1);	/* AAAAAAAAAAAAAAA3 */
	ck_assert_int_eq(scalar("SELECT delivered * 10 + bounced FROM "
	    "queue_total WHERE domain = 'a.example'"), 21);
	ck_assert_int_eq(scalar("SELECT delivered * 10 + bounced FROM "
	    "queue_stat WHERE domain = 'a.example' AND hour = 1800000000"), 21);
	ck_assert_int_eq(scalar("SELECT last_delivery FROM queue_total WHERE "
	    "domain = 'a.example'"), T0 + 10);
	ck_assert_int_eq(scalar("SELECT count(*) FROM queue_total WHERE "
	    "domain = 'b.example'"), 0);	/* deferred: nothing counted */
	ck_assert_int_eq(scalar("SELECT attempts FROM queue_recipient WHERE "
	    "address = 'v@b.example'"), 1);
}
END_TEST

static int
expire_one(void *arg, const char *id)
{
	(void)arg;
	return queue_remove(db, id) == STORE_OK ? 0 : -1;
}

/* The relay's command loop for what the panel asked. */
static void
apply_commands(void)
{
	struct queue_cmd c[8];
	size_t n, i;

	ck_assert_int_eq(queue_commands(db, c, 8, &n), STORE_OK);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(queue_command_apply(db, "mx.test", &c[i]),
		    STORE_OK);
}

/* queue_domain follows every way a message comes, changes and goes. */
START_TEST(summary_exact)
{
	struct queue_result sent = { "u1@a.example", "sent", "sent", "2.0.0",
	    NULL, "250 ok", 0 };
	struct queue_result bounced = { "u4@a.example", "bounced", "bounced",
	    "5.1.1", NULL, "550 no", 0 };
	struct queue_result later = { "u2@a.example", "queued", "deferred",
	    "4.2.0", NULL, "451 later", T0 + 300 };
	struct queue_record_req q[2] = {
		{ "AAAAAAAAAAAAAAA1", &sent, 1, 0, 0 },
		{ "AAAAAAAAAAAAAAA3", &bounced, 1, 1, 0 } };
	struct qview_dom d;
	int finished;

	/* inserts at DATA */
	ck_assert_int_eq(summary_diff(), 0);
	ck_assert_int_eq(scalar("SELECT messages * 1000 + bytes FROM "
	    "queue_domain WHERE domain = 'a.example'"), 3600);
	/* a group commit: one recipient sent, one message bounced whole */
	ck_assert_int_eq(queue_record_many(db, q, 2, T0 + 10), STORE_OK);
	ck_assert_int_eq(q[1].finished, 1);
	ck_assert_int_eq(summary_diff(), 0);
	/* the last recipient deferred, then sent: the message goes */
	ck_assert_int_eq(queue_record(db, "AAAAAAAAAAAAAAA1", &later, 1,
	    T0 + 20, &finished), STORE_OK);
	ck_assert_int_eq(finished, 0);
	later.state = later.status = "sent";
	ck_assert_int_eq(queue_record(db, "AAAAAAAAAAAAAAA1", &later, 1,
	    T0 + 30, &finished), STORE_OK);
	ck_assert_int_eq(finished, 1);
	ck_assert_int_eq(summary_diff(), 0);
	/* hold and release from the panel, carried out by the relay */
	ck_assert_int_eq(qview_msg_command(db, &actor_cli, "a.example",
	    "AAAAAAAAAAAAAAA2", "hold"), STORE_OK);
	apply_commands();
	ck_assert_int_eq(scalar("SELECT held FROM queue_domain WHERE domain = "
	    "'a.example'"), 1);
	ck_assert_int_eq(summary_diff(), 0);
	ck_assert_int_eq(qview_msg_command(db, &actor_cli, "a.example",
	    "AAAAAAAAAAAAAAA2", "release"), STORE_OK);
	apply_commands();
	ck_assert_int_eq(summary_diff(), 0);
	/* delete from the panel: the domain's last message, so no row */
	ck_assert_int_eq(qview_msg_command(db, &alice, "a.example",
	    "AAAAAAAAAAAAAAA2", "delete"), STORE_OK);
	apply_commands();
	ck_assert_int_eq(scalar("SELECT count(*) FROM queue_domain WHERE "
	    "domain = 'a.example'"), 0);
	ck_assert_int_eq(summary_diff(), 0);
	ck_assert_int_eq(qview_domain(db, &alice, "a.example", &d), STORE_OK);
	ck_assert_int_eq(d.nmsg + d.bytes + d.held + d.oldest, 0);
	/* expiry */
	ck_assert_int_eq(queue_expired(db, "mx.test", T0 + 15 * 86400,
	    expire_one, NULL), STORE_OK);
	ck_assert_int_eq(scalar("SELECT count(*) FROM queue_message"), 0);
	ck_assert_int_eq(scalar("SELECT count(*) FROM queue_domain"), 0);
	/* any other change of domain, size or held */
	add_msg("DDDDDDDDDDDDDDD1", "a.example", "", 10, T0, "u@a.example",
	    NULL);
	add_msg("DDDDDDDDDDDDDDD2", "a.example", "", 20, T0, "u@a.example",
	    NULL);
	exec("UPDATE queue_message SET domain = 'b.example', size = 25, held = "
	    "1 WHERE id = 'DDDDDDDDDDDDDDD1'");
	exec("UPDATE queue_message SET size = size + 1, held = 1");
	ck_assert_int_eq(summary_diff(), 0);
	ck_assert_int_eq(qview_domain(db, &bob, "b.example", &d), STORE_OK);
	ck_assert_int_eq(d.nmsg, 1);
	ck_assert_int_eq(d.bytes, 26);
	ck_assert_int_eq(d.held, 1);
	ck_assert_int_eq(d.oldest, T0);
	ck_assert_int_eq(d.first_expiry, T0 + 14 * 86400);
	exec("DELETE FROM queue_message");
	ck_assert_int_eq(scalar("SELECT count(*) FROM queue_domain"), 0);
}
END_TEST

/* Does the database at path, migrated to version v, have queue_domain? */
static int
has_summary(const char *path, int v)
{
	char err[DB_ERR_MAX];
	struct db *d = db_open(path, 1, err);
	sqlite3_stmt *st;
	int rc;

	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(db_migrate(d, v), 0);
	st = db_prepare(d, "SELECT count(*) FROM sqlite_master WHERE name = "
	    "'queue_domain'", "");
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(db_step(d, st), 1);
	rc = sqlite3_column_int(st, 0);
	db_done(d, st);
	db_close(d);
	return rc;
}

/* The migration that brings queue_domain sums the queue it finds. */
START_TEST(summary_migration)
{
	char path[300], err[DB_ERR_MAX];
	struct db *old;
	int v;

	snprintf(path, sizeof(path), "%s/probe.db", tmpdir);
	for (v = 1; v <= db_schema_version() && !has_summary(path, v); v++)
		;
	ck_assert_int_le(v, db_schema_version());
	snprintf(path, sizeof(path), "%s/old.db", tmpdir);
	old = db_open(path, 1, err);
	ck_assert_ptr_nonnull(old);
	ck_assert_int_eq(db_migrate(old, v - 1), 0);
	ck_assert_int_eq(db_exec(old, "INSERT INTO queue_message (id, node, "
	    "domain, sender, size, arrival, expires, held) VALUES "
	    "('M1', 'n', 'a.example', '', 10, 1, 9, 0), "
	    "('M2', 'n', 'a.example', '', 20, 2, 8, 1), "
	    "('M3', 'n', 'b.example', '', 40, 3, 7, 0)"), 0);
	ck_assert_int_eq(db_migrate(old, db_schema_version()), 0);
	db_close(old);
	db_close(db);
	db = db_open(path, 1, err);
	ck_assert_ptr_nonnull(db);
	ck_assert_int_eq(summary_diff(), 0);
	ck_assert_int_eq(scalar("SELECT messages * 10000 + bytes * 10 + held "
	    "FROM queue_domain WHERE domain = 'a.example'"), 20301);
	ck_assert_int_eq(scalar("SELECT messages * 10000 + bytes * 10 + held "
	    "FROM queue_domain WHERE domain = 'b.example'"), 10400);
}
END_TEST

static void
add_many(void)
{
	exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
	    "WHERE i < 400) INSERT INTO queue_message (id, node, domain, "
	    "sender, size, arrival, expires, held) SELECT printf('BIG%013d', "
	    "i), 'mx.test', 'b.example', '', 1, i, i + 9, i = 400 FROM n");
	exec("INSERT INTO queue_recipient (message_id, address, state, "
	    "next_attempt) SELECT id, 'r@b.example', CASE WHEN arrival = 399 "
	    "THEN 'sent' ELSE 'queued' END, 5000 - arrival FROM queue_message "
	    "WHERE id LIKE 'BIG%'");
}

/* The earliest next attempt is exact for a small and for a large queue
 * (the two ways store_qview finds it). */
START_TEST(next_attempt_both_ways)
{
	const char *fresh = "SELECT min(r.next_attempt) FROM queue_message m "
	    "JOIN queue_recipient r ON r.message_id = m.id WHERE m.domain = "
	    "'b.example' AND m.held = 0 AND r.state = 'queued'";
	struct qview_dom d;
	int i;

	for (i = 0; i < 2; i++) {
		/* then 400 more; the earliest held, the next one's recipient
		 * sent */
		if (i == 1)
			add_many();
		ck_assert_int_eq(qview_domain(db, &bob, "b.example", &d),
		    STORE_OK);
		ck_assert_int_eq(d.next_attempt, scalar(fresh));
	}
	ck_assert_int_gt(scalar("SELECT messages FROM queue_domain WHERE "
	    "domain = 'b.example'"), 256);
	ck_assert_int_eq(d.next_attempt, 5000 - 398);
	ck_assert_int_eq(summary_diff(), 0);
}
END_TEST

START_TEST(actions)
{
	int64_t wait;
	char verb[16];

	ck_assert_int_eq(qview_flush(db, &alice, "a.example", 10, &wait),
	    STORE_OK);
	ck_assert_int_eq(qview_flush(db, &alice, "a.example", 10, &wait),
	    STORE_EXISTS);
	ck_assert(wait > 0 && wait <= 10);
	ck_assert_int_eq(qview_flush(db, &bob, "b.example", 10, &wait),
	    STORE_OK);		/* per domain */
	ck_assert_int_eq(scalar("SELECT count(*) FROM audit_log WHERE action "
	    "= 'queue.flush'"), 2);
	ck_assert_int_eq(qview_msg_command(db, &alice, "a.example",
	    "AAAAAAAAAAAAAAA1", "hold"), STORE_NOTFOUND);
	ck_assert_int_eq(qview_msg_command(db, &alice, "a.example",
	    "BBBBBBBBBBBBBBB1", "delete"), STORE_NOTFOUND);
	ck_assert_int_eq(qview_msg_command(db, &alice, "a.example",
	    "AAAAAAAAAAAAAAA1", "flush"), STORE_NOTFOUND);
	ck_assert_int_eq(qview_msg_command(db, &alice, "a.example",
	    "AAAAAAAAAAAAAAA1", "delete"), STORE_OK);
	ck_assert_int_eq(qview_msg_command(db, &actor_cli, "a.example",
	    "AAAAAAAAAAAAAAA2", "hold"), STORE_OK);
	ck_assert_int_eq(qview_msg_pending(db, "AAAAAAAAAAAAAAA2", verb),
	    STORE_OK);
	ck_assert_str_eq(verb, "hold");
	ck_assert_int_eq(qview_set_notify(db, &bob, "a.example", 0),
	    STORE_NOTFOUND);
	ck_assert_int_eq(qview_set_notify(db, &alice, "a.example", 0),
	    STORE_OK);
	ck_assert_int_eq(scalar("SELECT notify FROM backupmx WHERE domain = "
	    "'a.example'"), 0);
}
END_TEST

static enum notice_kind
one_notice(int64_t now, struct notice *out)
{
	struct notice *v;
	size_t n;

	ck_assert_int_eq(stats_notices(db, "mx.test", now, &v, &n), STORE_OK);
	ck_assert_int_le(n, 1);
	if (n == 0) {
		free(v);
		return NOTICE_NONE;
	}
	*out = v[0];
	free(v);
	ck_assert_int_eq(stats_notice_sent(db, out, now), STORE_OK);
	return out->kind;
}

START_TEST(notice_life_cycle)
{
	struct notice x;
	struct sbuf sb;

	exec("UPDATE account SET email = 'ops@owner.example' WHERE name = "
	    "'alice'");
	/* queued, but nothing failed yet: no notice */
	ck_assert_int_eq(one_notice(T0, &x), NOTICE_NONE);
	exec("UPDATE queue_recipient SET last_error = 'connect: refused', "
	    "attempts = 1 WHERE address = 'u3@a.example'");
	ck_assert_int_eq(one_notice(T0, &x), NOTICE_START);
	ck_assert_str_eq(x.domain, "a.example");
	ck_assert_str_eq(x.email, "ops@owner.example");
	ck_assert_int_eq(x.nmsg, 3);
	ck_assert_str_eq(x.last_error, "connect: refused");
	ck_assert_int_eq(one_notice(T0 + 60, &x), NOTICE_NONE);
	ck_assert_int_eq(one_notice(T0 + 86400, &x), NOTICE_DAILY);
	ck_assert_int_eq(one_notice(T0 + 86500, &x), NOTICE_NONE);
	exec("DELETE FROM queue_message WHERE domain = 'a.example'");
	ck_assert_int_eq(one_notice(T0 + 86600, &x), NOTICE_DRAIN);
	ck_assert_int_eq(x.since, T0);
	ck_assert_int_eq(one_notice(T0 + 86700, &x), NOTICE_NONE);

	sbuf_init(&sb);
	notify_compose(&x, "mx.test", "https://panel.example", T0, "ID1", &sb);
	ck_assert_ptr_nonnull(strstr(sb.buf, "From: BackupMX "
	    "<postmaster@mx.test>\r\n"));
	ck_assert_ptr_nonnull(strstr(sb.buf, "To: <ops@owner.example>\r\n"));
	ck_assert_ptr_nonnull(strstr(sb.buf, "Subject: Mail for a.example has "
	    "been delivered"));
	ck_assert_ptr_nonnull(strstr(sb.buf, "Auto-Submitted: auto-generated"));
	ck_assert_ptr_nonnull(strstr(sb.buf, "\r\n\r\n"));
	ck_assert_ptr_nonnull(strstr(sb.buf,
	    "https://panel.example/queue/a.example\r\n"));
	for (size_t i = 0; i < sb.len; i++)	/* CRLF only, 7-bit */
		ck_assert((sb.buf[i] != '\n' || (i > 0 && sb.buf[i - 1] ==
		    '\r')) && (unsigned char)sb.buf[i] < 0x80);
	sbuf_free(&sb);
}
END_TEST

START_TEST(notices_switched_off)
{
	struct notice x;

	exec("UPDATE account SET email = 'ops@owner.example' WHERE name = "
	    "'alice'");
	exec("UPDATE queue_recipient SET last_error = 'x'");
	ck_assert_int_eq(qview_set_notify(db, &alice, "a.example", 0),
	    STORE_OK);
	ck_assert_int_eq(one_notice(T0, &x), NOTICE_NONE);
	/* bob has no contact address */
	ck_assert_int_eq(scalar("SELECT count(*) FROM queue_notice"), 0);
}
END_TEST

START_TEST(headers_from_spool)
{
	char path[400], *h;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/queue", tmpdir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/queue/AAAAAAAAAAAAAAA1", tmpdir);
	ck_assert_ptr_nonnull(fp = fopen(path, "w"));
	fputs("Subject: hi\r\nX-Long: a\r\n\tcontinued\r\n\r\nSECRET BODY\r\n",
	    fp);
	fclose(fp);
	h = qview_headers(tmpdir, "AAAAAAAAAAAAAAA1", 65536);
	ck_assert_ptr_nonnull(h);
	ck_assert_str_eq(h, "Subject: hi\nX-Long: a\n\tcontinued\n");
	free(h);
	ck_assert_ptr_null(qview_headers(tmpdir, "../../etc/passwd", 100));
	ck_assert_ptr_null(qview_headers(tmpdir, "AAAAAAAAAAAAAAA9", 100));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("qview");
	TCase *tc = tcase_create("dashboards");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, overview_scoping);
	tcase_add_test(tc, messages_sort_filter_page);
	tcase_add_test(tc, messages_fold_recipients);
	tcase_add_test(tc, counting_and_history);
	tcase_add_test(tc, counting_group_commit);
	tcase_add_test(tc, actions);
	tcase_add_test(tc, summary_exact);
	tcase_add_test(tc, summary_migration);
	tcase_add_test(tc, next_attempt_both_ways);
	tcase_add_test(tc, notice_life_cycle);
	tcase_add_test(tc, notices_switched_off);
	tcase_add_test(tc, headers_from_spool);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
