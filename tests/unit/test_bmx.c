/*
 * test_bmx — the BackupMX management store (core/store_bmx.c): search
 * with '*' and literal LIKE metacharacters, case folding of U-labels,
 * sorting and paging, tenant scoping, the totals triggers keep (migration
 * 11) against fresh counts, entry details with the queue count,
 * the recipient-list parser (line numbers of refused lines), and updates
 * that are all-or-nothing with their audit entry.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "store.h"
#include "store_bmx.h"

static char tmpdir[64];
static struct db *db;
static struct actor alice, bob, admin;

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
exec_ok(const char *sql)
{
	ck_assert_msg(db_exec(db, sql) == 0, "%s: %s", sql, db_error(db));
}

static void
add_account(const char *name, int is_admin, struct actor *a)
{
	int64_t id;

	ck_assert_msg(account_create(db, &actor_cli, name, is_admin,
	    "correct horse battery", NULL, &id) == STORE_OK, "%s",
	    db_error(db));
	a->account_id = id;
	a->name = name;
	a->client = "192.0.2.1";
	a->admin = is_admin;
}

/* A portfolio domain of owner with a BackupMX record. */
static void
add_record(const char *domain, const char *owner)
{
	ck_assert_msg(domain_add(db, &actor_cli, domain, owner, 0, NULL) ==
	    STORE_OK, "%s: %s", domain, db_error(db));
	ck_assert_msg(bmx_add(db, &actor_cli, domain, NULL) == STORE_OK,
	    "%s: %s", domain, db_error(db));
}

static void
setup(void)
{
	char path[128], err[DB_ERR_MAX];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/bmx-test-bmx.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/t.db", tmpdir);
	ck_assert_int_eq(auth_init(), 0);
	db = db_open(path, 1, err);
	ck_assert_ptr_nonnull(db);
	ck_assert_int_eq(db_migrate(db, db_schema_version()), 0);
	add_account("alice", 0, &alice);
	add_account("bob", 0, &bob);
	add_account("root", 1, &admin);
	add_record("shop.example", "alice");
	add_record("Bücher.example", "alice");
	add_record("mail-shop.example", "alice");
	add_record("other.example", "bob");
}

static void
teardown(void)
{
	char cmd[128];

	db = db_close(db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Search as who; returns the total and the page's domains, comma-joined. */
static long long
search(const struct actor *who, const char *text, enum bmx_sort sort,
    int desc, int64_t page, int per_page, char *names, size_t namesz)
{
	struct bmx_query q = { text, sort, desc, page, per_page };
	struct bmx_row *rows;
	size_t n, i;
	int64_t total;

	ck_assert_msg(bmx_search(db, who, &q, &rows, &n, &total) == STORE_OK,
	    "%s", db_error(db));
	names[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strncat(names, ",", namesz - strlen(names) - 1);
		strncat(names, rows[i].b.domain, namesz - strlen(names) - 1);
	}
	bmx_rows_free(rows);
	return total;
}

START_TEST(search_wildcards)
{
	static const struct {
		const char	*text;
		long long	 total;
		const char	*names;
	} t[] = {
		{ NULL, 3, "mail-shop.example,shop.example,xn--bcher-kva.example" },
		{ "", 3, "mail-shop.example,shop.example,xn--bcher-kva.example" },
		{ "shop", 2, "mail-shop.example,shop.example" },	/* a part */
		{ "SHOP", 2, "mail-shop.example,shop.example" },	/* any case */
		{ "shop*", 1, "shop.example" },		/* '*': the whole name */
		{ "*shop*", 2, "mail-shop.example,shop.example" },
		{ "*.example", 3, "mail-shop.example,shop.example,"
		    "xn--bcher-kva.example" },
		{ "s*p.example", 1, "shop.example" },
		{ "**", 3, "mail-shop.example,shop.example,xn--bcher-kva.example" },
		{ "bücher", 1, "xn--bcher-kva.example" },	/* U-label */
		{ "BÜCHER*", 1, "xn--bcher-kva.example" },	/* folded */
		{ "xn--bcher*", 1, "xn--bcher-kva.example" },	/* A-label */
		/* LIKE metacharacters are literal: no name holds them. */
		{ "%", 0, "" },
		{ "_", 0, "" },
		{ "sh_p", 0, "" },
		{ "*%*", 0, "" },
		{ "\\", 0, "" },
		{ "shop\\*", 0, "" },
		{ "other", 0, "" },			/* bob's */
		{ "nothing", 0, "" },
	};
	char names[512];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ck_assert_msg(search(&alice, t[i].text, BMX_SORT_DOMAIN, 0, 1, 25,
		    names, sizeof(names)) == t[i].total, "\"%s\": total",
		    t[i].text ? t[i].text : "(null)");
		ck_assert_msg(strcmp(names, t[i].names) == 0, "\"%s\": got %s",
		    t[i].text ? t[i].text : "(null)", names);
	}
}
END_TEST

START_TEST(search_scope_and_limits)
{
	struct bmx_query q = { NULL, BMX_SORT_DOMAIN, 0, 1, 25 };
	struct bmx_row *rows;
	char names[512], long_text[BMX_QUERY_MAX + 2];
	size_t n;
	int64_t total;

	ck_assert_int_eq(search(&bob, NULL, BMX_SORT_DOMAIN, 0, 1, 25, names,
	    sizeof(names)), 1);
	ck_assert_str_eq(names, "other.example");
	ck_assert_int_eq(search(&admin, NULL, BMX_SORT_DOMAIN, 0, 1, 25, names,
	    sizeof(names)), 4);
	ck_assert_int_eq(search(&admin, "other", BMX_SORT_DOMAIN, 0, 1, 25,
	    names, sizeof(names)), 1);
	/* Too long a text, a bad order or page size: refused. */
	memset(long_text, 'a', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	q.text = long_text;
	ck_assert_int_eq(bmx_search(db, &alice, &q, &rows, &n, &total),
	    STORE_INVALID);
	ck_assert_ptr_null(rows);
	q.text = NULL;
	q.sort = (enum bmx_sort)42;
	ck_assert_int_eq(bmx_search(db, &alice, &q, &rows, &n, &total),
	    STORE_INVALID);
	q.sort = BMX_SORT_DOMAIN;
	q.per_page = 0;
	ck_assert_int_eq(bmx_search(db, &alice, &q, &rows, &n, &total),
	    STORE_INVALID);
}
END_TEST

/* The totals a list shows without a search come from backupmx_count,
 * which triggers keep; after every kind of change they must equal a
 * fresh count of the records. */
static void
totals_match(void)
{
	char names[512];

	ck_assert_int_eq(search(&alice, NULL, BMX_SORT_DOMAIN, 0, 1, 25, names,
	    sizeof(names)), scalar("SELECT count(*) FROM backupmx b JOIN "
	    "account a ON a.id = b.owner_id WHERE a.name = 'alice'"));
	ck_assert_int_eq(search(&bob, NULL, BMX_SORT_DOMAIN, 0, 1, 25, names,
	    sizeof(names)), scalar("SELECT count(*) FROM backupmx b JOIN "
	    "account a ON a.id = b.owner_id WHERE a.name = 'bob'"));
	ck_assert_int_eq(search(&admin, NULL, BMX_SORT_DOMAIN, 0, 1, 25,
	    names, sizeof(names)), scalar("SELECT count(*) FROM backupmx"));
	ck_assert_int_eq(scalar("SELECT count(*) FROM (SELECT owner_id, "
	    "count(*) AS n FROM backupmx GROUP BY owner_id UNION ALL SELECT 0, "
	    "count(*) FROM backupmx EXCEPT SELECT owner_id, n FROM "
	    "backupmx_count)"), 0);
}

START_TEST(kept_totals)
{
	char names[512];
	int i;

	totals_match();
	ck_assert_int_eq(search(&alice, NULL, BMX_SORT_DOMAIN, 0, 1, 25, names,
	    sizeof(names)), 3);
	for (i = 0; i < 30; i++) {
		snprintf(names, sizeof(names), "bulk%02d.example", i);
		add_record(names, i % 2 ? "bob" : "alice");
	}
	totals_match();
	ck_assert_int_eq(bmx_del(db, &alice, "shop.example"), STORE_OK);
	ck_assert_int_eq(bmx_del(db, &admin, "bulk01.example"), STORE_OK);
	/* A refused delete (not the caller's) changes nothing. */
	ck_assert_int_eq(bmx_del(db, &alice, "other.example"), STORE_NOTFOUND);
	totals_match();
	exec_ok("UPDATE backupmx SET owner_id = (SELECT id FROM account WHERE "
	    "name = 'bob') WHERE domain = 'mail-shop.example'");
	exec_ok("UPDATE backupmx SET updated = updated + 1");
	totals_match();
	/* A rolled-back change leaves the totals as they were. */
	exec_ok("BEGIN; DELETE FROM backupmx_recipient; DELETE FROM "
	    "backupmx; ROLLBACK");
	totals_match();
	ck_assert_int_eq(search(&alice, NULL, BMX_SORT_DOMAIN, 0, 1, 25, names,
	    sizeof(names)), 16);
	/* Past the last page: the last page, with the kept total. */
	ck_assert_int_eq(search(&bob, NULL, BMX_SORT_DOMAIN, 0, 9, 10, names,
	    sizeof(names)), 16);
	ck_assert_ptr_nonnull(strstr(names, "other.example"));
	exec_ok("DELETE FROM backupmx_recipient; DELETE FROM backupmx");
	totals_match();
	ck_assert_int_eq(search(&admin, NULL, BMX_SORT_DOMAIN, 0, 1, 25,
	    names, sizeof(names)), 0);
}
END_TEST

START_TEST(sort_and_page)
{
	char names[4096], name[64];
	struct bmx_query q = { NULL, BMX_SORT_DOMAIN, 0, 99, 10 };
	struct bmx_row *rows;
	size_t n;
	int64_t total;
	int i;

	/* 30 more for carol, created at known times. */
	ck_assert_int_eq(account_create(db, &actor_cli, "carol", 0,
	    "correct horse battery", NULL, NULL), STORE_OK);
	for (i = 0; i < 30; i++) {
		snprintf(name, sizeof(name), "d%02d.example", i);
		add_record(name, "carol");
	}
	/* created runs backwards against the names; updated forwards */
	exec_ok("UPDATE backupmx SET created = 1000 - CAST(substr(domain, 2, 2) "
	    "AS INTEGER), updated = 2000 + CAST(substr(domain, 2, 2) AS INTEGER) "
	    "WHERE domain LIKE 'd%'");
	ck_assert_int_eq(search(&admin, "d*", BMX_SORT_DOMAIN, 0, 1, 3, names,
	    sizeof(names)), 30);
	ck_assert_str_eq(names, "d00.example,d01.example,d02.example");
	ck_assert_int_eq(search(&admin, "d*", BMX_SORT_DOMAIN, 1, 1, 3, names,
	    sizeof(names)), 30);
	ck_assert_str_eq(names, "d29.example,d28.example,d27.example");
	search(&admin, "d*", BMX_SORT_CREATED, 0, 1, 3, names, sizeof(names));
	ck_assert_str_eq(names, "d29.example,d28.example,d27.example");
	search(&admin, "d*", BMX_SORT_UPDATED, 1, 1, 3, names, sizeof(names));
	ck_assert_str_eq(names, "d29.example,d28.example,d27.example");
	search(&admin, "d*", BMX_SORT_DOMAIN, 0, 3, 12, names, sizeof(names));
	ck_assert_str_eq(names, "d24.example,d25.example,d26.example,"
	    "d27.example,d28.example,d29.example");
	/* By owner: alice, bob, carol; ties by domain. */
	search(&admin, NULL, BMX_SORT_OWNER, 0, 1, 5, names, sizeof(names));
	ck_assert_str_eq(names, "mail-shop.example,shop.example,"
	    "xn--bcher-kva.example,other.example,d00.example");
	search(&admin, NULL, BMX_SORT_OWNER, 1, 1, 2, names, sizeof(names));
	ck_assert_str_eq(names, "d29.example,d28.example");
	/* A page past the end shows the last one, and says so. */
	ck_assert_int_eq(bmx_search(db, &admin, &q, &rows, &n, &total),
	    STORE_OK);
	ck_assert_int_eq(total, 34);
	ck_assert_int_eq(q.page, 4);
	ck_assert_int_eq(n, 4);
	ck_assert_str_eq(rows[0].b.domain, "mail-shop.example");
	ck_assert_str_eq(rows[3].b.domain, "xn--bcher-kva.example");
	ck_assert_str_eq(rows[1].b.owner, "bob");
	bmx_rows_free(rows);
	/* Nothing found: page 1 of none. */
	q.text = "zzz";
	q.page = 5;
	ck_assert_int_eq(bmx_search(db, &admin, &q, &rows, &n, &total),
	    STORE_OK);
	ck_assert_int_eq(total, 0);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(q.page, 1);
	bmx_rows_free(rows);
}
END_TEST

/*
 * Every page of every order, walked to the end, against the same order
 * read with a plain query: the page statement has two shapes (read in
 * index order near the start, cut first further on), and the walk
 * crosses from one to the other.  Created and updated repeat, so ties
 * must fall back to the domain.
 */
static void
walk_all(const struct actor *who, const char *text, const char *where)
{
	static const char *const cols[] = { "b.domain", "b.created",
	    "b.updated", "o.name" };
	char got[65536], want[65536], sql[512], names[4096];
	enum bmx_sort sort;
	sqlite3_stmt *st;
	long long total;
	int desc, page;

	for (sort = BMX_SORT_DOMAIN; sort <= BMX_SORT_OWNER; sort++)
		for (desc = 0; desc <= 1; desc++) {
			snprintf(sql, sizeof(sql), "SELECT group_concat(d, "
			    "',') FROM (SELECT b.domain AS d FROM backupmx b "
			    "JOIN account o ON o.id = b.owner_id WHERE %s "
			    "ORDER BY %s %s, b.domain %s)", where, cols[sort],
			    desc ? "DESC" : "ASC", desc ? "DESC" : "ASC");
			st = db_prepare(db, sql, "");
			ck_assert_ptr_nonnull(st);
			ck_assert_int_eq(db_step(db, st), 1);
			snprintf(want, sizeof(want), "%s", db_text(st, 0));
			db_done(db, st);
			got[0] = '\0';
			for (page = 1; page <= 30; page++) {
				total = search(who, text, sort, desc, page, 25,
				    names, sizeof(names));
				if (page > 1 && total > 25 * (page - 1))
					strcat(got, ",");
				else if (page > 1)
					break;
				strcat(got, names);
			}
			ck_assert_msg(strcmp(got, want) == 0, "sort %d desc %d "
			    "of %s: pages and query differ", sort, desc, where);
		}
}

START_TEST(pages_every_order)
{
	/* 600 records in one statement each (one by one through the store
	 * would be 1,200 commits): a third bob's, the rest alice's. */
	exec_ok("INSERT INTO domain (name, idn, account_id, created, updated) "
	    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n "
	    "WHERE i < 599) SELECT printf('p%03d.example', i), printf("
	    "'p%03d.example', i), (SELECT id FROM account WHERE name = CASE "
	    "WHEN i % 3 = 0 THEN 'bob' ELSE 'alice' END), 1, 1 FROM n");
	exec_ok("INSERT INTO backupmx (domain_id, domain, idn, created, "
	    "updated, owner_id) SELECT id, name, idn, 5000 + id % 7, "
	    "9000 - id % 11, account_id FROM domain WHERE name LIKE 'p%'");
	ck_assert_int_eq(scalar("SELECT n FROM backupmx_count WHERE "
	    "owner_id = 0"), 604);
	walk_all(&alice, NULL, "o.name = 'alice'");
	walk_all(&admin, NULL, "1 = 1");
	walk_all(&admin, "p*", "b.domain LIKE 'p%'");
	walk_all(&bob, "*1*", "o.name = 'bob' AND b.domain LIKE '%1%'");
}
END_TEST

START_TEST(entry_details)
{
	struct bmx_entry e;
	struct bmx_query q = { "shop.example", BMX_SORT_DOMAIN, 0, 1, 25 };
	struct bmx_row *rows;
	size_t n;
	int64_t total;

	exec_ok("INSERT INTO queue_message (id, node, domain, sender, size, "
	    "arrival, expires) VALUES ('Q1', 'mx', 'shop.example', '', 10, 1, 2), "
	    "('Q2', 'mx2', 'shop.example', 'a@b.example', 10, 1, 2), "
	    "('Q3', 'mx', 'other.example', '', 10, 1, 2)");
	ck_assert_int_eq(bmx_get(db, &alice, "SHOP.example", &e), STORE_OK);
	ck_assert_str_eq(e.b.domain, "shop.example");
	ck_assert_str_eq(e.b.owner, "alice");
	ck_assert_str_eq(e.b.updater, "");	/* backupmxctl */
	ck_assert_int_eq(e.queued, 2);
	ck_assert_int_eq(e.nrcpt, 0);
	bmx_entry_free(&e);
	ck_assert_int_eq(bmx_get(db, &alice, "bücher.example", &e), STORE_OK);
	ck_assert_str_eq(e.b.idn, "bücher.example");
	bmx_entry_free(&e);
	/* Someone else's record is not there at all. */
	ck_assert_int_eq(bmx_get(db, &bob, "shop.example", &e), STORE_NOTFOUND);
	ck_assert_int_eq(bmx_get(db, &alice, "other.example", &e),
	    STORE_NOTFOUND);
	ck_assert_int_eq(bmx_get(db, &alice, "nope.example", &e),
	    STORE_NOTFOUND);
	ck_assert_int_eq(bmx_get(db, &alice, "bad..name", &e), STORE_INVALID);
	ck_assert_int_eq(bmx_get(db, &admin, "other.example", &e), STORE_OK);
	ck_assert_int_eq(e.queued, 1);
	bmx_entry_free(&e);
	/* The list shows the same count. */
	q.text = "shop.example*";
	ck_assert_int_eq(bmx_search(db, &alice, &q, &rows, &n, &total),
	    STORE_OK);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(rows[0].queued, 2);
	bmx_rows_free(rows);
}
END_TEST

static int
parse(const char *text, struct bmx_rcpt_list *l)
{
	return bmx_rcpt_parse("shop.example", text, strlen(text), l);
}

START_TEST(rcpt_parse)
{
	struct bmx_rcpt_list l;
	static const char bom[] = "\xef\xbb\xbf" "a@shop.example\r\n";
	static const char idn[] = "post@bücher.example\n*@BÜCHER.example\n";

	ck_assert_int_eq(parse("", &l), 0);
	ck_assert_int_eq(l.n, 0);
	bmx_rcpt_free(&l);
	ck_assert_int_eq(parse("Info@Shop.Example\r\n\n  *@shop.example \n"
	    "info@shop.example\nsales@SHOP.example", &l), 0);
	ck_assert_int_eq(l.n, 3);	/* sorted, one "info" */
	ck_assert_str_eq(l.addr[0], "*@shop.example");
	ck_assert_str_eq(l.addr[1], "info@shop.example");
	ck_assert_str_eq(l.addr[2], "sales@shop.example");
	bmx_rcpt_free(&l);
	ck_assert_int_eq(bmx_rcpt_parse("shop.example", bom, sizeof(bom) - 1,
	    &l), 0);
	ck_assert_int_eq(l.n, 1);
	bmx_rcpt_free(&l);
	/* IDN: the domain may be typed in Unicode. */
	ck_assert_int_eq(bmx_rcpt_parse("xn--bcher-kva.example", idn,
	    strlen(idn), &l), 0);
	ck_assert_int_eq(l.n, 2);
	ck_assert_str_eq(l.addr[1], "post@xn--bcher-kva.example");
	bmx_rcpt_free(&l);
	/* Errors name the domain as people write it. */
	ck_assert_int_eq(bmx_rcpt_parse("xn--bcher-kva.example",
	    "a@shop.example", 14, &l), -1);
	ck_assert_str_eq(l.err, "line 1: not an address of bücher.example");
	bmx_rcpt_free(&l);
	/* Refused lines are named by number. */
	ck_assert_int_eq(parse("ok@shop.example\nnot an address\n\n"
	    "x@other.example\n*@other.example\nsub@a.shop.example\n", &l), -1);
	ck_assert_int_eq(l.nbad, 4);
	ck_assert_int_eq(l.bad[0], 2);
	ck_assert_int_eq(l.bad[1], 4);
	ck_assert_int_eq(l.bad[2], 5);
	ck_assert_int_eq(l.bad[3], 6);
	ck_assert_ptr_nonnull(strstr(l.err, "line 2: not an e-mail address"));
	ck_assert_ptr_nonnull(strstr(l.err, "line 4: not an address of "
	    "shop.example"));
	bmx_rcpt_free(&l);
}
END_TEST

START_TEST(rcpt_parse_limits)
{
	struct bmx_rcpt_list l;
	char *big;
	size_t i, len = 0;
	static const char nul[] = "a@shop.example\nb\0@shop.example\n";

	ck_assert_int_eq(bmx_rcpt_parse("shop.example", nul, sizeof(nul) - 1,
	    &l), -1);
	ck_assert_int_eq(l.nbad, 1);
	ck_assert_int_eq(l.bad[0], 2);
	bmx_rcpt_free(&l);
	/* Many bad lines: the first ones with reasons, then numbers. */
	big = malloc((BMX_RCPT_MAX + 2) * 24);
	ck_assert_ptr_nonnull(big);
	for (i = 0; i < 40; i++)
		len += (size_t)sprintf(big + len, "bad%zu\n", i);
	ck_assert_int_eq(bmx_rcpt_parse("shop.example", big, len, &l), -1);
	ck_assert_int_eq(l.nbad, 40);
	ck_assert_int_eq(l.bad[39], 40);
	ck_assert_ptr_nonnull(strstr(l.err, "line 5:"));
	ck_assert_ptr_null(strstr(l.err, "line 6:"));
	ck_assert_ptr_nonnull(strstr(l.err, "also lines 6, 7"));
	ck_assert_ptr_nonnull(strstr(l.err, "and more"));
	bmx_rcpt_free(&l);
	/* At most BMX_RCPT_MAX addresses. */
	for (i = 0, len = 0; i <= BMX_RCPT_MAX; i++)
		len += (size_t)sprintf(big + len, "u%zu@shop.example\n", i);
	ck_assert_int_eq(bmx_rcpt_parse("shop.example", big, len, &l), -1);
	ck_assert_ptr_nonnull(strstr(l.err, "more than"));
	bmx_rcpt_free(&l);
	free(big);
}
END_TEST

START_TEST(update_all_or_nothing)
{
	struct bmx_rcpt_list l;
	struct bmx_ext x = { "mx.shop.example:2525", 1, 1, NULL };
	struct bmx_entry e;
	long long audits = scalar("SELECT count(*) FROM audit_log");
	char *bad[1] = { "x@other.example" };
	struct bmx_rcpt_list forged = { bad, 1, 0, { 0 }, "" };

	/* 'only listed' with an empty list would refuse all mail. */
	ck_assert_int_eq(bmx_update(db, &alice, "shop.example", &x),
	    STORE_INVALID);
	ck_assert_int_eq(parse("info@shop.example\n*@shop.example\n", &l), 0);
	x.rcpt = &l;
	ck_assert_int_eq(bmx_update(db, &bob, "shop.example", &x),
	    STORE_NOTFOUND);
	ck_assert_int_eq(bmx_update(db, &alice, "shop.example", &x), STORE_OK);
	ck_assert_int_eq(bmx_get(db, &alice, "shop.example", &e), STORE_OK);
	ck_assert_str_eq(e.b.delivery_host, "mx.shop.example:2525");
	ck_assert_str_eq(e.b.recipient_policy, "list");
	ck_assert_int_eq(e.b.only_when_down, 1);
	ck_assert_str_eq(e.b.updater, "alice");
	ck_assert_int_eq(e.nrcpt, 2);
	ck_assert_str_eq(e.rcpt[0], "*@shop.example");
	bmx_entry_free(&e);
	ck_assert_int_eq(scalar("SELECT count(*) FROM audit_log"), audits + 1);
	ck_assert_int_eq(scalar("SELECT count(*) FROM audit_log WHERE action = "
	    "'backupmx.update' AND object = 'shop.example' AND detail LIKE "
	    "'%listed=2%'"), 1);
	/* Refused changes leave everything as it was. */
	x.delivery_host = "bad host:99999";
	ck_assert_int_eq(bmx_update(db, &alice, "shop.example", &x),
	    STORE_INVALID);
	x.delivery_host = NULL;
	x.rcpt = &forged;	/* not through the parser: checked again */
	ck_assert_int_eq(bmx_update(db, &alice, "shop.example", &x),
	    STORE_INVALID);
	ck_assert_int_eq(scalar("SELECT count(*) FROM backupmx_recipient"), 2);
	ck_assert_int_eq(scalar("SELECT count(*) FROM audit_log"), audits + 1);
	/* NULL keeps the list; "any" with MX delivery. */
	x.rcpt = NULL;
	x.listed = 0;
	x.only_when_down = 0;
	ck_assert_int_eq(bmx_update(db, &admin, "shop.example", &x), STORE_OK);
	ck_assert_int_eq(bmx_get(db, &alice, "shop.example", &e), STORE_OK);
	ck_assert_str_eq(e.b.delivery_host, "");
	ck_assert_str_eq(e.b.recipient_policy, "any");
	ck_assert_str_eq(e.b.updater, "root");
	ck_assert_int_eq(e.nrcpt, 2);
	bmx_entry_free(&e);
	bmx_rcpt_free(&l);
}
END_TEST

START_TEST(candidates)
{
	struct bmx_candidate *c;
	size_t n;

	ck_assert_int_eq(domain_add(db, &actor_cli, "new.example", "alice", 0,
	    NULL), STORE_OK);
	ck_assert_int_eq(domain_add(db, &actor_cli, "bobs.example", "bob", 0,
	    NULL), STORE_OK);
	ck_assert_int_eq(bmx_candidates(db, &alice, 10, &c, &n), STORE_OK);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(c[0].domain, "new.example");
	bmx_candidates_free(c);
	ck_assert_int_eq(bmx_candidates(db, &admin, 10, &c, &n), STORE_OK);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(c[0].domain, "bobs.example");
	ck_assert_str_eq(c[0].owner, "bob");
	bmx_candidates_free(c);
	ck_assert_int_eq(bmx_candidates(db, &admin, 1, &c, &n), STORE_OK);
	ck_assert_int_eq(n, 1);
	bmx_candidates_free(c);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("store_bmx");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, search_wildcards);
	tcase_add_test(tc, search_scope_and_limits);
	tcase_add_test(tc, sort_and_page);
	tcase_add_test(tc, kept_totals);
	tcase_add_test(tc, pages_every_order);
	tcase_add_test(tc, entry_details);
	tcase_add_test(tc, rcpt_parse);
	tcase_add_test(tc, rcpt_parse_limits);
	tcase_add_test(tc, update_all_or_nothing);
	tcase_add_test(tc, candidates);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
