/*
 * test_bmxq — the AutoDNS Query translated to SQL (core/store_bmxq.c):
 * the generated WHERE/ORDER text and its bound values for each
 * operator (golden strings: no value ever appears in the SQL), left-to-
 * right links and nesting, the refusals (unknown keys and operators,
 * bad dates and booleans, depth, counts, limits), and the results of
 * every operator on a real database with tenant scoping.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "store.h"
#include "store_bmxq.h"

static char tmpdir[64];
static struct db *db;
static struct actor alice, bob, admin;

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

static void
add_record(const char *domain, const char *owner, const char *dhost,
    long long created)
{
	char sql[256];

	ck_assert_msg(domain_add(db, &actor_cli, domain, owner, 0, NULL) ==
	    STORE_OK, "%s: %s", domain, db_error(db));
	ck_assert_msg(bmx_add(db, &actor_cli, domain, dhost) == STORE_OK,
	    "%s: %s", domain, db_error(db));
	snprintf(sql, sizeof(sql), "UPDATE backupmx SET created = %lld, "
	    "updated = %lld WHERE idn = '%s'", created, created + 10, domain);
	ck_assert_int_eq(db_exec(db, sql), 0);
}

static void
setup(void)
{
	char path[128], err[DB_ERR_MAX];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/bmx-test-bmxq.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/t.db", tmpdir);
	ck_assert_int_eq(auth_init(), 0);
	db = db_open(path, 1, err);
	ck_assert_ptr_nonnull(db);
	ck_assert_int_eq(db_migrate(db, db_schema_version()), 0);
	add_account("alice", 0, &alice);
	add_account("bob", 0, &bob);
	add_account("root", 1, &admin);
	add_record("alpha.example", "alice", NULL, 1000000000);
	add_record("beta.example", "alice", "mx.beta.example:2525", 1500000000);
	add_record("gamma.example", "alice", NULL, 1600000000);
	add_record("bücher.example", "alice", NULL, 1700000000);
	add_record("bobs.example", "bob", NULL, 1550000000);
	ck_assert_int_eq(db_exec(db, "UPDATE backupmx SET only_when_down = 1 "
	    "WHERE domain = 'gamma.example'"), 0);
}

/* The translation tests need no database: fixed ids. */
static void
actors(void)
{
	alice = (struct actor){ 1, "alice", "192.0.2.1", 0 };
	bob = (struct actor){ 2, "bob", "192.0.2.1", 0 };
	admin = (struct actor){ 3, "root", "192.0.2.1", 1 };
}

static void
teardown(void)
{
	char cmd[128];

	db = db_close(db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static struct bmxq_filter
F(const char *key, enum bmxq_op op, const char *value)
{
	struct bmxq_filter f;

	memset(&f, 0, sizeof(f));
	f.key = key;
	f.op = op;
	f.value = value;
	return f;
}

/* Translate for who; the WHERE text, the ORDER text and the values. */
static int
tr(const struct actor *who, const struct bmxq_filter *f, size_t n,
    char *where, char *order, char *params, char *err)
{
	struct bmxq q;
	struct bmxq_sql s;
	size_t i, o = 0;
	int rc;

	memset(&q, 0, sizeof(q));
	q.filters = f;
	q.nfilters = n;
	rc = bmxq_translate(who, &q, &s, err);
	if (rc == 0) {
		snprintf(where, 1024, "%s", s.where.buf);
		snprintf(order, 256, "%s", s.order.buf);
		params[0] = '\0';
		for (i = 0; i < s.nparams; i++)
			o += (size_t)(s.params[i].is_int ?
			    snprintf(params + o, 512 - o, "%s%lld", i ? "|" : "",
			    (long long)s.params[i].i) : snprintf(params + o,
			    512 - o, "%s'%s'", i ? "|" : "", s.params[i].s));
	}
	bmxq_sql_free(&s);
	return rc;
}

START_TEST(sql_golden)
{
	char w[1024], o[256], p[512], err[BMXQ_ERR_MAX];
	struct bmxq_filter f[3], g[2];

	f[0] = F("domain", BMXQ_EQUAL, "Shop.Example");
	ck_assert_int_eq(tr(&alice, f, 1, w, o, p, err), 0);
	ck_assert_str_eq(w, " WHERE b.owner_id = ? AND ((b.domain = ?))");
	ck_assert_str_eq(o, " ORDER BY b.domain ASC");
	ck_assert_str_eq(p, "1|'shop.example'");
	/* Admins have no owner test. */
	ck_assert_int_eq(tr(&admin, f, 1, w, o, p, err), 0);
	ck_assert_str_eq(w, " WHERE 1 = 1 AND ((b.domain = ?))");
	/* LIKE: '*' is '%', the metacharacters are escaped, both forms. */
	f[0] = F("domain", BMXQ_LIKE, "A_b%*");
	ck_assert_int_eq(tr(&admin, f, 1, w, o, p, err), 0);
	ck_assert_str_eq(w, " WHERE 1 = 1 AND ((b.domain LIKE ? ESCAPE '\\' "
	    "OR b.idn LIKE ? ESCAPE '\\'))");
	ck_assert_str_eq(p, "'a\\_b\\%%'|'a\\_b\\%%'");
	/* A negation on a nullable column keeps the NULLs. */
	f[0] = F("deliveryHost", BMXQ_NOT_EQUAL, "x");
	ck_assert_int_eq(tr(&admin, f, 1, w, o, p, err), 0);
	ck_assert_str_eq(w, " WHERE 1 = 1 AND ((b.delivery_host <> ? OR "
	    "b.delivery_host IS NULL))");
	/* Dates become numbers; links join left to right. */
	f[0] = F("created", BMXQ_NOT_LESS, "2019-09-19T12:40:02.000+0200");
	f[1] = F("updated", BMXQ_IS_NULL, NULL);
	f[1].link = BMXQ_OR;
	f[2] = F("onlyWhenDown", BMXQ_EQUAL, "true");
	ck_assert_int_eq(tr(&alice, f, 3, w, o, p, err), 0);
	ck_assert_str_eq(w, " WHERE b.owner_id = ? AND ((((b.created >= ?)) "
	    "OR (b.updated IS NULL)) AND (b.only_when_down = ?))");
	ck_assert_str_eq(p, "1|1568889602|1");
	/* A group, and IN. */
	g[0] = F("owner", BMXQ_IN, "alice");
	g[1] = F("idn", BMXQ_NOT_LIKE, "*x*");
	g[1].link = BMXQ_OR;
	f[0] = F(NULL, BMXQ_NOP, NULL);
	f[0].sub = g;
	f[0].nsub = 2;
	ck_assert_int_eq(tr(&admin, f, 1, w, o, p, err), 0);
	ck_assert_str_eq(w, " WHERE 1 = 1 AND ((((o.name IN (?))) OR (b.idn "
	    "NOT LIKE ? ESCAPE '\\')))");
	ck_assert_str_eq(p, "'alice'|'%x%'");
}
END_TEST

START_TEST(sql_values_never_inline)
{
	char w[1024], o[256], p[512], err[BMXQ_ERR_MAX];
	struct bmxq_filter f = F("domain", BMXQ_EQUAL,
	    "x' OR '1'='1; DROP TABLE backupmx; --");

	ck_assert_int_eq(tr(&bob, &f, 1, w, o, p, err), 0);
	ck_assert_ptr_null(strstr(w, "DROP"));
	ck_assert_ptr_null(strchr(w, '\''));
	f = F("domain) OR (1=1", BMXQ_EQUAL, "x");
	ck_assert_int_eq(tr(&bob, &f, 1, w, o, p, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "unknown key"));
}
END_TEST

START_TEST(sql_refusals)
{
	static const struct {
		const char *key;
		int op;
		const char *value;
		const char *why;
	} bad[] = {
		{ "pw_hash", BMXQ_EQUAL, "x", "unknown key" },
		{ "domain", 999, "x", "unknown operator" },
		{ "created", BMXQ_GREATER, "yesterday", "not a date" },
		{ "created", BMXQ_LIKE, "2019*", "text keys only" },
		{ "onlyWhenDown", BMXQ_EQUAL, "maybe", "not true or false" },
		{ "domain", BMXQ_EQUAL, NULL, "needs a value" },
		{ "domain", BMXQ_IN, NULL, "needs values" },
		{ NULL, BMXQ_EQUAL, "x", "needs a key or sub-filters" },
	};
	char w[1024], o[256], p[512], err[BMXQ_ERR_MAX], longv[400];
	struct bmxq_filter f;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f = F(bad[i].key, (enum bmxq_op)bad[i].op, bad[i].value);
		ck_assert_int_eq(tr(&alice, &f, 1, w, o, p, err), -1);
		ck_assert_msg(strstr(err, bad[i].why) != NULL, "%zu: %s", i,
		    err);
	}
	memset(longv, 'a', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	f = F("domain", BMXQ_EQUAL, longv);
	ck_assert_int_eq(tr(&alice, &f, 1, w, o, p, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "longer than"));
}
END_TEST

START_TEST(sql_limits)
{
	char w[1024], o[256], p[512], err[BMXQ_ERR_MAX];
	struct bmxq_filter chain[BMXQ_DEPTH_MAX + 2], many[BMXQ_FILTERS_MAX + 1];
	struct bmxq_order ord[BMXQ_ORDERS_MAX + 1];
	struct bmxq q;
	struct bmxq_sql s;
	size_t i;

	/* Nesting: BMXQ_DEPTH_MAX levels pass, one more does not. */
	for (i = 0; i < BMXQ_DEPTH_MAX + 2; i++) {
		chain[i] = F(NULL, BMXQ_NOP, NULL);
		chain[i].sub = &chain[i + 1];
		chain[i].nsub = 1;
	}
	chain[BMXQ_DEPTH_MAX] = F("domain", BMXQ_EQUAL, "x");
	ck_assert_msg(tr(&alice, chain, 1, w, o, p, err) == 0, "%s", err);
	chain[BMXQ_DEPTH_MAX] = F(NULL, BMXQ_NOP, NULL);
	chain[BMXQ_DEPTH_MAX].sub = &chain[BMXQ_DEPTH_MAX + 1];
	chain[BMXQ_DEPTH_MAX].nsub = 1;
	chain[BMXQ_DEPTH_MAX + 1] = F("domain", BMXQ_EQUAL, "x");
	ck_assert_int_eq(tr(&alice, chain, 1, w, o, p, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "nested deeper"));
	for (i = 0; i < BMXQ_FILTERS_MAX + 1; i++)
		many[i] = F("domain", BMXQ_EQUAL, "x");
	ck_assert_int_eq(tr(&alice, many, BMXQ_FILTERS_MAX, w, o, p, err), 0);
	ck_assert_int_eq(tr(&alice, many, BMXQ_FILTERS_MAX + 1, w, o, p, err),
	    -1);
	/* Orders and the view. */
	memset(&q, 0, sizeof(q));
	for (i = 0; i < BMXQ_ORDERS_MAX + 1; i++) {
		ord[i].key = "created";
		ord[i].desc = 1;
	}
	q.orders = ord;
	q.norders = 2;
	ck_assert_int_eq(bmxq_translate(&alice, &q, &s, err), 0);
	ck_assert_str_eq(s.order.buf, " ORDER BY b.created DESC, b.created "
	    "DESC, b.domain ASC");
	bmxq_sql_free(&s);
	q.norders = BMXQ_ORDERS_MAX + 1;
	ck_assert_int_eq(bmxq_translate(&alice, &q, &s, err), -1);
	bmxq_sql_free(&s);
	ord[0].key = "pw_hash";
	q.norders = 1;
	ck_assert_int_eq(bmxq_translate(&alice, &q, &s, err), -1);
	bmxq_sql_free(&s);
	q.norders = 0;
	q.limit = BMXQ_LIMIT_MAX + 1;
	ck_assert_int_eq(bmxq_translate(&alice, &q, &s, err), -1);
	bmxq_sql_free(&s);
	q.limit = 0;
	q.offset = -1;
	ck_assert_int_eq(bmxq_translate(&alice, &q, &s, err), -1);
	bmxq_sql_free(&s);
}
END_TEST

START_TEST(op_names)
{
	ck_assert_int_eq(bmxq_op_parse("EQUAL"), BMXQ_EQUAL);
	ck_assert_int_eq(bmxq_op_parse("like"), BMXQ_LIKE);
	ck_assert_int_eq(bmxq_op_parse("NOT_GREATER_EQUAL"),
	    BMXQ_NOT_GREATER_EQUAL);
	ck_assert_int_eq(bmxq_op_parse("ge"), BMXQ_GREATER_EQUAL);
	ck_assert_int_eq(bmxq_op_parse("ne"), BMXQ_NOT_EQUAL);
	ck_assert_int_eq(bmxq_op_parse("IS_NOT_NULL"), BMXQ_IS_NOT_NULL);
	ck_assert_int_eq(bmxq_op_parse("EQUALS"), -1);
	ck_assert_int_eq(bmxq_op_parse(""), -1);
	ck_assert(bmxq_key_known("deliveryHost"));
	ck_assert(!bmxq_key_known("delivery_host"));
}
END_TEST

/* Run a query as who; the domains found, space-joined, and the total. */
static long long
run(const struct actor *who, const struct bmxq_filter *f, size_t n,
    char *names)
{
	struct bmxq q;
	struct bmx_row *rows;
	int64_t total;
	size_t cnt, i;

	memset(&q, 0, sizeof(q));
	q.filters = f;
	q.nfilters = n;
	ck_assert_msg(bmxq_search(db, who, &q, &rows, &cnt, &total) ==
	    STORE_OK, "%s", db_error(db));
	names[0] = '\0';
	for (i = 0; i < cnt; i++) {
		if (i > 0)
			strcat(names, " ");
		strcat(names, rows[i].b.domain);
	}
	bmx_rows_free(rows);
	return total;
}

static long long
words(const char *s)
{
	long long n = 0;

	for (; *s != '\0'; s++)
		if (*s != ' ' && (s[1] == ' ' || s[1] == '\0'))
			n++;
	return n;
}

START_TEST(search_operators)
{
	static const struct {
		const char *key;
		enum bmxq_op op;
		const char *value;
		const char *want;
	} t[] = {
		{ "domain", BMXQ_EQUAL, "beta.example", "beta.example" },
		{ "domain", BMXQ_EQUAL, "BÜCHER.example", "xn--bcher-kva.example" },
		{ "domain", BMXQ_NOT_EQUAL, "beta.example",
		    "alpha.example gamma.example xn--bcher-kva.example" },
		{ "domain", BMXQ_LIKE, "*a.example",
		    "alpha.example beta.example gamma.example xn--bcher-kva.example" },
		{ "domain", BMXQ_LIKE, "b*", "beta.example xn--bcher-kva.example" },
		{ "domain", BMXQ_LIKE, "beta", "" },
		{ "domain", BMXQ_ILIKE, "GAMMA.*", "gamma.example" },
		{ "domain", BMXQ_NOT_LIKE, "*mm*",
		    "alpha.example beta.example xn--bcher-kva.example" },
		{ "created", BMXQ_GREATER, "2017-07-14T02:40:00Z",
		    "gamma.example xn--bcher-kva.example" },
		{ "created", BMXQ_GREATER_EQUAL, "2017-07-14T02:40:00Z",
		    "beta.example gamma.example xn--bcher-kva.example" },
		{ "created", BMXQ_LESS, "2017-07-14T02:40:00Z", "alpha.example" },
		{ "created", BMXQ_LESS_EQUAL, "2017-07-14T02:40:00Z",
		    "alpha.example beta.example" },
		{ "created", BMXQ_NOT_LESS, "2017-07-14T02:40:00Z",
		    "beta.example gamma.example xn--bcher-kva.example" },
		{ "created", BMXQ_NOT_GREATER, "2017-07-14T02:40:00Z",
		    "alpha.example beta.example" },
		{ "created", BMXQ_NOT_LESS_EQUAL, "2017-07-14T02:40:00Z",
		    "gamma.example xn--bcher-kva.example" },
		{ "created", BMXQ_NOT_GREATER_EQUAL, "2017-07-14T02:40:00Z",
		    "alpha.example" },
		{ "updated", BMXQ_EQUAL, "2017-07-14 02:40:10", "beta.example" },
		{ "deliveryHost", BMXQ_IS_NOT_NULL, NULL, "beta.example" },
		{ "deliveryHost", BMXQ_IS_NULL, NULL,
		    "alpha.example gamma.example xn--bcher-kva.example" },
		{ "deliveryHost", BMXQ_NOT_EQUAL, "mx.beta.example:2525",
		    "alpha.example gamma.example xn--bcher-kva.example" },
		{ "onlyWhenDown", BMXQ_EQUAL, "1", "gamma.example" },
		{ "owner", BMXQ_EQUAL, "bob", "" },	/* scoped */
		{ "recipientPolicy", BMXQ_EQUAL, "list", "" },
	};
	char names[512];
	struct bmxq_filter f;
	size_t i;
	long long total;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		f = F(t[i].key, t[i].op, t[i].value);
		total = run(&alice, &f, 1, names);
		ck_assert_msg(strcmp(names, t[i].want) == 0, "%s %d %s: '%s'",
		    t[i].key, t[i].op, t[i].value ? t[i].value : "", names);
		ck_assert_int_eq(total, words(t[i].want));
	}
}
END_TEST

START_TEST(search_in_links_scope)
{
	const char *vals[] = { "alpha.example", "gamma.example", "bobs.example" };
	struct bmxq_filter f[2], g[2];
	char names[512];

	f[0] = F("domain", BMXQ_IN, NULL);
	f[0].values = vals;
	f[0].nvalues = 3;
	ck_assert_int_eq(run(&alice, f, 1, names), 2);
	ck_assert_str_eq(names, "alpha.example gamma.example");
	ck_assert_int_eq(run(&bob, f, 1, names), 1);
	ck_assert_str_eq(names, "bobs.example");
	ck_assert_int_eq(run(&admin, f, 1, names), 3);
	f[0].op = BMXQ_NOT_IN;
	ck_assert_int_eq(run(&alice, f, 1, names), 2);
	ck_assert_str_eq(names, "beta.example xn--bcher-kva.example");
	/* (alpha OR beta) AND created > 2010 */
	g[0] = F("domain", BMXQ_EQUAL, "alpha.example");
	g[1] = F("domain", BMXQ_EQUAL, "beta.example");
	g[1].link = BMXQ_OR;
	f[0] = F(NULL, BMXQ_NOP, NULL);
	f[0].sub = g;
	f[0].nsub = 2;
	f[1] = F("created", BMXQ_GREATER, "2010-01-01");
	ck_assert_int_eq(run(&alice, f, 2, names), 1);
	ck_assert_str_eq(names, "beta.example");
	/* alpha OR (beta AND created > 2010): left to right, as written */
	f[0] = F("domain", BMXQ_EQUAL, "gamma.example");
	f[1] = F("domain", BMXQ_EQUAL, "alpha.example");
	f[1].link = BMXQ_OR;
	ck_assert_int_eq(run(&alice, f, 2, names), 2);
	ck_assert_str_eq(names, "alpha.example gamma.example");
	/* Bob cannot reach alice's records by any filter. */
	f[0] = F("owner", BMXQ_EQUAL, "alice");
	ck_assert_int_eq(run(&bob, f, 1, names), 0);
	f[0] = F("domain", BMXQ_LIKE, "*");
	ck_assert_int_eq(run(&bob, f, 1, names), 1);
	ck_assert_str_eq(names, "bobs.example");
}
END_TEST

START_TEST(search_view_and_orders)
{
	struct bmxq_order ord = { "created", 1 };
	struct bmxq q;
	struct bmx_row *rows;
	size_t n;
	int64_t total;

	memset(&q, 0, sizeof(q));
	q.orders = &ord;
	q.norders = 1;
	q.limit = 2;
	q.offset = 1;
	ck_assert_int_eq(bmxq_search(db, &alice, &q, &rows, &n, &total),
	    STORE_OK);
	ck_assert_int_eq(total, 4);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(rows[0].b.domain, "gamma.example");
	ck_assert_str_eq(rows[1].b.domain, "beta.example");
	ck_assert_str_eq(rows[1].b.delivery_host, "mx.beta.example:2525");
	ck_assert_str_eq(rows[1].b.owner, "alice");
	bmx_rows_free(rows);
	q.offset = 10;
	ck_assert_int_eq(bmxq_search(db, &alice, &q, &rows, &n, &total),
	    STORE_OK);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(total, 4);
	bmx_rows_free(rows);
	q.limit = 5000;
	ck_assert_int_eq(bmxq_search(db, &alice, &q, &rows, &n, &total),
	    STORE_INVALID);
	ck_assert_ptr_nonnull(strstr(db_error(db), "limit"));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("store_bmxq");
	TCase *sql = tcase_create("translation");
	TCase *tc = tcase_create("search");
	SRunner *sr;
	int failed;

	tcase_add_unchecked_fixture(sql, actors, NULL);
	tcase_add_test(sql, sql_golden);
	tcase_add_test(sql, sql_values_never_inline);
	tcase_add_test(sql, sql_refusals);
	tcase_add_test(sql, sql_limits);
	tcase_add_test(sql, op_names);
	suite_add_tcase(s, sql);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, search_operators);
	tcase_add_test(tc, search_in_links_scope);
	tcase_add_test(tc, search_view_and_orders);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
