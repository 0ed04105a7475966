/*
 * test_order — the cart, orders and portfolio through core/store_order.c:
 * what a cart line becomes (new domain or service-only), the refusals and
 * their user-facing reasons, completion in one transaction (all or
 * nothing, also when a statement fails half-way: fault injection with
 * triggers), the audit trail, and tenant scoping of every read and write.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "store.h"
#include "store_order.h"

static char tmpdir[64];
static struct db *db;
static struct actor alice, bob, root;

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

/* Everything a refused change must leave as it was, as one string. */
static const char *
fingerprint(void)
{
	static char buf[256];
	sqlite3_stmt *st = db_prepare(db, "SELECT printf('%d %d %d %d %d %d "
	    "%d', (SELECT count(*) FROM orders), (SELECT count(*) FROM orders "
	    "WHERE status = 'completed'), (SELECT count(*) FROM order_line), "
	    "(SELECT coalesce(sum(backupmx), 0) FROM order_line), (SELECT "
	    "count(*) FROM domain), (SELECT count(*) FROM backupmx), (SELECT "
	    "count(*) FROM audit_log))", "");

	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(db_step(db, st), 1);
	snprintf(buf, sizeof(buf), "%s", db_text(st, 0));
	db_done(db, st);
	return buf;
}

static void
add_account(const char *name, int admin, struct actor *a)
{
	int64_t id;

	ck_assert_msg(account_create(db, &actor_cli, name, admin, "correct "
	    "horse battery", NULL, &id) == STORE_OK, "%s", db_error(db));
	a->account_id = id;
	a->name = name;
	a->client = "192.0.2.7";
	a->admin = admin;
}

static void
setup(void)
{
	char path[128], err[DB_ERR_MAX];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/bmx-test-order.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/t.db", tmpdir);
	ck_assert_int_eq(auth_init(), 0);
	db = db_open(path, 1, err);
	ck_assert_ptr_nonnull(db);
	ck_assert_int_eq(db_migrate(db, db_schema_version()), 0);
	add_account("alice", 0, &alice);
	add_account("bob", 0, &bob);
	add_account("root", 1, &root);
}

static void
teardown(void)
{
	char cmd[128];

	db = db_close(db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Add to who's cart, expecting rc; returns the line id. */
static int64_t
add(const struct actor *who, const char *domain, int rc)
{
	int64_t line = -1;

	ck_assert_msg(cart_add(db, who, domain, &line) == rc, "%s: %s", domain,
	    db_error(db));
	return line;
}

static void
complete_ok(const struct actor *who, const int64_t *ext, size_t n)
{
	int64_t order_id, bad;

	ck_assert_msg(cart_complete(db, who, ext, n, &order_id, &bad) ==
	    STORE_OK, "%s", db_error(db));
	ck_assert_int_gt(order_id, 0);
	ck_assert_int_eq(bad, 0);
}

START_TEST(add_refusals)
{
	static const struct {
		const char	*domain;
		int		 rc;
		const char	*reason;	/* in db->err, or NULL */
	} cases[] = {
		{ "bad..example", STORE_INVALID, NULL },
		{ "", STORE_INVALID, NULL },
		{ "nodot", STORE_INVALID, NULL },
		{ "Shop.Example.", STORE_OK, NULL },	/* trailing dot dropped */
		{ "shop.example", STORE_EXISTS, "shop.example is already in "
		    "your cart." },
		{ "bücher.example", STORE_OK, NULL },
		{ "XN--BCHER-KVA.example", STORE_EXISTS, "bücher.example "
		    "(xn--bcher-kva.example) is already in your cart." },
		{ "taken.example", STORE_EXISTS, "taken.example is already in "
		    "another customer's portfolio." },
		{ "own.example", STORE_OK, NULL },
		{ "guarded.example", STORE_EXISTS, "BackupMX is already active "
		    "for guarded.example." },
	};
	size_t i;

	ck_assert_int_eq(domain_add(db, &actor_cli, "taken.example", "bob", 0,
	    NULL), STORE_OK);
	ck_assert_int_eq(domain_add(db, &actor_cli, "own.example", "alice", 0,
	    NULL), STORE_OK);
	ck_assert_int_eq(domain_add(db, &actor_cli, "guarded.example", "alice",
	    0, NULL), STORE_OK);
	ck_assert_int_eq(bmx_add(db, &alice, "guarded.example", NULL),
	    STORE_OK);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		add(&alice, cases[i].domain, cases[i].rc);
		if (cases[i].reason != NULL)
			ck_assert_str_eq(db_error(db), cases[i].reason);
		ck_assert_ptr_null(strstr(db_error(db), "bob"));
	}
	/* New domains are 'domain' lines with the service off; a portfolio
	 * domain is a service-only line with it on. */
	ck_assert_int_eq(scalar("SELECT count(*) FROM order_line WHERE "
	    "action = 'domain' AND backupmx = 0 AND domain IN ('shop.example', "
	    "'xn--bcher-kva.example')"), 2);
	ck_assert_int_eq(scalar("SELECT backupmx FROM order_line WHERE "
	    "action = 'backupmx' AND domain = 'own.example'"), 1);
	ck_assert_int_eq(scalar("SELECT idn = 'bücher.example' FROM order_line "
	    "WHERE domain = 'xn--bcher-kva.example'"), 1);
	ck_assert_int_eq(scalar("SELECT count(*) FROM orders WHERE status = "
	    "'cart'"), 1);
	ck_assert_int_eq(scalar("SELECT count(*) FROM audit_log WHERE action = "
	    "'cart.add' AND actor = 'alice' AND client = '192.0.2.7'"), 3);
	/* The operator's console has no cart. */
	ck_assert_int_eq(cart_add(db, &actor_cli, "cli.example", NULL),
	    STORE_INVALID);
}
END_TEST

START_TEST(duplicate_reports_line)
{
	int64_t first = add(&alice, "shop.example", STORE_OK);

	ck_assert_int_gt(first, 0);
	ck_assert_int_eq(add(&alice, "SHOP.example", STORE_EXISTS), first);
	/* Another customer's cart is no obstacle: the portfolio decides. */
	ck_assert_int_gt(add(&bob, "shop.example", STORE_OK), 0);
}
END_TEST

START_TEST(switch_and_remove_scoped)
{
	int64_t a = add(&alice, "a.example", STORE_OK);
	int64_t b = add(&bob, "b.example", STORE_OK);
	char fp[256];

	ck_assert_int_eq(cart_set_backupmx(db, &alice, a, 1), STORE_OK);
	ck_assert_int_eq(scalar("SELECT backupmx FROM order_line WHERE domain "
	    "= 'a.example'"), 1);
	ck_assert_int_eq(cart_set_backupmx(db, &alice, a, 1), STORE_OK);
	ck_assert_int_eq(cart_set_backupmx(db, &alice, a, 0), STORE_OK);
	ck_assert_int_eq(scalar("SELECT backupmx FROM order_line WHERE domain "
	    "= 'a.example'"), 0);

	snprintf(fp, sizeof(fp), "%s", fingerprint());
	ck_assert_int_eq(cart_set_backupmx(db, &alice, b, 1), STORE_NOTFOUND);
	ck_assert_int_eq(cart_remove(db, &alice, b), STORE_NOTFOUND);
	ck_assert_int_eq(cart_set_backupmx(db, &bob, a, 1), STORE_NOTFOUND);
	ck_assert_int_eq(cart_remove(db, &bob, a), STORE_NOTFOUND);
	/* Carts are personal, even to an admin. */
	ck_assert_int_eq(cart_remove(db, &root, a), STORE_NOTFOUND);
	ck_assert_int_eq(cart_remove(db, &alice, 999999), STORE_NOTFOUND);
	ck_assert_str_eq(fingerprint(), fp);

	ck_assert_int_eq(cart_remove(db, &alice, a), STORE_OK);
	ck_assert_int_eq(cart_remove(db, &alice, a), STORE_NOTFOUND);
	ck_assert_int_eq(scalar("SELECT count(*) FROM order_line WHERE "
	    "domain = 'a.example'"), 0);
	ck_assert_int_eq(scalar("SELECT count(*) FROM audit_log WHERE action "
	    "IN ('cart.backupmx', 'cart.remove') AND actor = 'alice'"), 4);
}
END_TEST

START_TEST(complete_whole_cart)
{
	int64_t shop, idn, plain, own, order_id, bad;
	struct order_line *lines;
	struct order o;
	size_t n;

	ck_assert_int_eq(cart_complete(db, &alice, NULL, 0, &order_id, &bad),
	    STORE_INVALID);
	ck_assert_str_eq(db_error(db), "Your cart is empty.");
	ck_assert_int_eq(domain_add(db, &actor_cli, "own.example", "alice", 0,
	    NULL), STORE_OK);
	shop = add(&alice, "shop.example", STORE_OK);
	idn = add(&alice, "bücher.example", STORE_OK);
	plain = add(&alice, "plain.example", STORE_OK);
	own = add(&alice, "own.example", STORE_OK);
	ck_assert_int_eq(cart_set_backupmx(db, &alice, shop, 1), STORE_OK);
	ck_assert_int_eq(cart_set_backupmx(db, &alice, idn, 1), STORE_OK);
	{
		/* idn and a stray id (bob's, or none): only alice's new
		 * lines can be external. */
		int64_t ext[] = { idn, own, 424242 };
		complete_ok(&alice, ext, 3);
	}
	ck_assert_int_eq(scalar("SELECT count(*) FROM domain WHERE account_id "
	    "= (SELECT id FROM account WHERE name = 'alice')"), 4);
	ck_assert_int_eq(scalar("SELECT external FROM domain WHERE name = "
	    "'xn--bcher-kva.example'"), 1);
	ck_assert_int_eq(scalar("SELECT external FROM domain WHERE name = "
	    "'shop.example'"), 0);
	ck_assert_int_eq(scalar("SELECT count(*) FROM backupmx b JOIN account "
	    "o ON o.id = b.owner_id JOIN account u ON u.id = b.updater_id "
	    "WHERE o.name = 'alice' AND u.name = 'alice' AND b.active = 1"), 3);
	ck_assert_int_eq(scalar("SELECT count(*) FROM backupmx WHERE domain = "
	    "'plain.example'"), 0);
	ck_assert_int_eq(scalar("SELECT count(*) FROM audit_log WHERE action "
	    "= 'domain.add' AND actor = 'alice'"), 3);
	ck_assert_int_eq(scalar("SELECT count(*) FROM audit_log WHERE action "
	    "= 'backupmx.add' AND actor = 'alice'"), 3);
	ck_assert_int_eq(scalar("SELECT count(*) FROM audit_log WHERE action "
	    "= 'order.complete' AND detail = '4 lines'"), 1);

	ck_assert_int_eq(cart_get(db, &alice, &o, &lines, &n), STORE_OK);
	ck_assert_int_eq(o.id, 0);	/* the cart is gone */
	ck_assert_uint_eq(n, 0);
	order_free(lines);
	(void)plain;
	/* The next addition opens a new cart. */
	add(&alice, "next.example", STORE_OK);
	ck_assert_int_eq(scalar("SELECT count(*) FROM orders WHERE account_id "
	    "= (SELECT id FROM account WHERE name = 'alice')"), 2);
}
END_TEST

START_TEST(complete_conflicts_change_nothing)
{
	int64_t race, order_id, bad;
	char fp[256];

	add(&alice, "fine.example", STORE_OK);
	race = add(&alice, "race.example", STORE_OK);
	add(&bob, "race.example", STORE_OK);
	complete_ok(&bob, NULL, 0);
	snprintf(fp, sizeof(fp), "%s", fingerprint());
	ck_assert_int_eq(cart_complete(db, &alice, NULL, 0, &order_id, &bad),
	    STORE_EXISTS);
	ck_assert_int_eq(bad, race);
	ck_assert_int_eq(order_id, 0);
	ck_assert_str_eq(db_error(db), "race.example is now in another "
	    "customer's portfolio. Remove it from the cart.");
	ck_assert_str_eq(fingerprint(), fp);
	ck_assert_int_eq(scalar("SELECT count(*) FROM domain WHERE name = "
	    "'fine.example'"), 0);

	/* A service line whose domain left the portfolio. */
	ck_assert_int_eq(cart_remove(db, &alice, race), STORE_OK);
	ck_assert_int_eq(domain_add(db, &actor_cli, "left.example", "alice", 0,
	    NULL), STORE_OK);
	race = add(&alice, "left.example", STORE_OK);
	exec_ok("DELETE FROM domain WHERE name = 'left.example'");
	snprintf(fp, sizeof(fp), "%s", fingerprint());
	ck_assert_int_eq(cart_complete(db, &alice, NULL, 0, &order_id, &bad),
	    STORE_NOTFOUND);
	ck_assert_int_eq(bad, race);
	ck_assert_str_eq(fingerprint(), fp);
}
END_TEST

/* A statement failing half-way (here: the third line's record, then the
 * final audit entry) rolls the whole order back. */
START_TEST(complete_is_atomic)
{
	int64_t l1, l2, l3, order_id, bad;
	char fp[256];

	l1 = add(&alice, "one.example", STORE_OK);
	l2 = add(&alice, "two.example", STORE_OK);
	l3 = add(&alice, "three.example", STORE_OK);
	ck_assert_int_eq(cart_set_backupmx(db, &alice, l1, 1), STORE_OK);
	ck_assert_int_eq(cart_set_backupmx(db, &alice, l3, 1), STORE_OK);
	(void)l2;
	exec_ok("CREATE TRIGGER fail_bmx BEFORE INSERT ON backupmx WHEN "
	    "NEW.domain = 'three.example' BEGIN SELECT RAISE(ABORT, "
	    "'injected'); END");
	snprintf(fp, sizeof(fp), "%s", fingerprint());
	ck_assert_int_eq(cart_complete(db, &alice, NULL, 0, &order_id, &bad),
	    STORE_ERROR);
	ck_assert_int_eq(bad, 0);
	ck_assert_str_eq(fingerprint(), fp);
	ck_assert_int_eq(scalar("SELECT count(*) FROM domain"), 0);

	exec_ok("DROP TRIGGER fail_bmx");
	exec_ok("CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log WHEN "
	    "NEW.action = 'order.complete' BEGIN SELECT RAISE(ABORT, "
	    "'injected'); END");
	ck_assert_int_eq(cart_complete(db, &alice, NULL, 0, &order_id, &bad),
	    STORE_ERROR);
	ck_assert_str_eq(fingerprint(), fp);
	ck_assert_int_eq(scalar("SELECT count(*) FROM orders WHERE status = "
	    "'cart'"), 1);

	exec_ok("DROP TRIGGER fail_audit");
	complete_ok(&alice, NULL, 0);
	ck_assert_int_eq(scalar("SELECT count(*) FROM domain"), 3);
	ck_assert_int_eq(scalar("SELECT count(*) FROM backupmx"), 2);
}
END_TEST

START_TEST(record_appeared_meanwhile)
{
	int64_t line;

	ck_assert_int_eq(domain_add(db, &actor_cli, "own.example", "alice", 0,
	    NULL), STORE_OK);
	line = add(&alice, "own.example", STORE_OK);
	ck_assert_int_gt(line, 0);
	ck_assert_int_eq(bmx_add(db, &alice, "own.example", "mail.example:26"),
	    STORE_OK);
	complete_ok(&alice, NULL, 0);
	/* The record made meanwhile stays as it was. */
	ck_assert_int_eq(scalar("SELECT count(*) FROM backupmx WHERE domain = "
	    "'own.example' AND delivery_host = 'mail.example:26'"), 1);
	ck_assert_int_eq(scalar("SELECT count(*) FROM audit_log WHERE action "
	    "= 'backupmx.add'"), 1);
}
END_TEST

START_TEST(admin_orders_for_a_customer)
{
	ck_assert_int_eq(domain_add(db, &actor_cli, "bobs.example", "bob", 0,
	    NULL), STORE_OK);
	/* An admin may act on any portfolio domain: a service line. */
	ck_assert_int_gt(add(&root, "bobs.example", STORE_OK), 0);
	ck_assert_int_eq(scalar("SELECT action = 'backupmx' FROM order_line"),
	    1);
	complete_ok(&root, NULL, 0);
	ck_assert_int_eq(scalar("SELECT owner_id = (SELECT id FROM account "
	    "WHERE name = 'bob') AND updater_id = (SELECT id FROM account WHERE "
	    "name = 'root') FROM backupmx WHERE domain = 'bobs.example'"), 1);
	ck_assert_int_eq(scalar("SELECT account_id = (SELECT id FROM account "
	    "WHERE name = 'bob') FROM domain WHERE name = 'bobs.example'"), 1);

	/* A new domain the admin ordered for itself that went to bob
	 * meanwhile is a conflict, admin or not. */
	{
		int64_t line = add(&root, "late.example", STORE_OK), id, bad;

		ck_assert_int_eq(domain_add(db, &actor_cli, "late.example",
		    "bob", 0, NULL), STORE_OK);
		ck_assert_int_eq(cart_complete(db, &root, NULL, 0, &id, &bad),
		    STORE_EXISTS);
		ck_assert_int_eq(bad, line);
	}
}
END_TEST

START_TEST(orders_scoped)
{
	struct order *list, o;
	struct order_line *lines;
	int64_t a_order, b_order;
	size_t n, nl;

	add(&alice, "a.example", STORE_OK);
	add(&alice, "a2.example", STORE_OK);
	complete_ok(&alice, NULL, 0);
	a_order = scalar("SELECT max(id) FROM orders");
	add(&alice, "open.example", STORE_OK);		/* alice's cart */
	add(&bob, "b.example", STORE_OK);
	complete_ok(&bob, NULL, 0);
	b_order = scalar("SELECT max(id) FROM orders WHERE status = "
	    "'completed'");

	ck_assert_int_eq(order_list(db, &alice, &list, &n), STORE_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(list[0].status, "cart");	/* newest first */
	ck_assert_str_eq(list[1].status, "completed");
	ck_assert_int_eq(list[1].id, a_order);
	ck_assert_int_eq(list[1].nlines, 2);
	ck_assert_int_gt(list[1].completed, 0);
	ck_assert_int_eq(list[0].completed, 0);
	list = order_free(list);

	ck_assert_int_eq(order_get(db, &alice, a_order, &o, &lines, &nl),
	    STORE_OK);
	ck_assert_str_eq(o.owner, "alice");
	ck_assert_uint_eq(nl, 2);
	ck_assert_str_eq(lines[0].domain, "a.example");
	ck_assert_int_eq(lines[0].service_only, 0);
	order_free(lines);

	ck_assert_int_eq(order_get(db, &bob, a_order, &o, &lines, &nl),
	    STORE_NOTFOUND);
	ck_assert_ptr_null(lines);
	ck_assert_int_eq(order_get(db, &alice, b_order, &o, &lines, &nl),
	    STORE_NOTFOUND);
	ck_assert_int_eq(order_get(db, &alice, 987654, &o, &lines, &nl),
	    STORE_NOTFOUND);
	ck_assert_int_eq(order_get(db, &root, b_order, &o, &lines, &nl),
	    STORE_OK);
	ck_assert_str_eq(o.owner, "bob");
	order_free(lines);
	ck_assert_int_eq(order_list(db, &root, &list, &n), STORE_OK);
	ck_assert_uint_eq(n, 3);
	order_free(list);
}
END_TEST

START_TEST(portfolio_view)
{
	struct portfolio_domain *list, d;
	size_t n;

	ck_assert_int_eq(domain_add(db, &actor_cli, "bücher.example", "alice",
	    1, NULL), STORE_OK);
	ck_assert_int_eq(domain_add(db, &actor_cli, "a.example", "alice", 0,
	    NULL), STORE_OK);
	ck_assert_int_eq(domain_add(db, &actor_cli, "b.example", "bob", 0,
	    NULL), STORE_OK);
	ck_assert_int_eq(bmx_add(db, &alice, "a.example", NULL), STORE_OK);
	exec_ok("INSERT INTO queue_message (id, node, domain, sender, size, "
	    "arrival, expires) VALUES ('q1', 'n', 'a.example', '', 1, 1, 2), "
	    "('q2', 'n', 'a.example', '', 1, 1, 2)");
	add(&alice, "bücher.example", STORE_OK);	/* service line */

	ck_assert_int_eq(portfolio_list(db, &alice, &list, &n), STORE_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(list[0].name, "a.example");
	ck_assert_int_eq(list[0].bmx_active, 1);
	ck_assert_int_eq(list[0].queued, 2);
	ck_assert_int_eq(list[0].external, 0);
	ck_assert_str_eq(list[1].name, "xn--bcher-kva.example");
	ck_assert_str_eq(list[1].idn, "bücher.example");
	ck_assert_int_eq(list[1].external, 1);
	ck_assert_int_eq(list[1].bmx, 0);
	ck_assert_int_eq(list[1].in_cart, 1);
	list = order_free(list);

	ck_assert_int_eq(portfolio_get(db, &alice, "BÜCHER.example", &d),
	    STORE_OK);
	ck_assert_str_eq(d.owner, "alice");
	ck_assert_int_eq(portfolio_get(db, &bob, "a.example", &d),
	    STORE_NOTFOUND);
	ck_assert_int_eq(portfolio_get(db, &alice, "b.example", &d),
	    STORE_NOTFOUND);
	ck_assert_int_eq(portfolio_get(db, &alice, "../etc", &d),
	    STORE_NOTFOUND);
	ck_assert_int_eq(portfolio_get(db, &root, "b.example", &d), STORE_OK);
	ck_assert_str_eq(d.owner, "bob");
	ck_assert_int_eq(d.in_cart, 0);
	ck_assert_int_eq(portfolio_list(db, &root, &list, &n), STORE_OK);
	ck_assert_uint_eq(n, 3);
	order_free(list);
	ck_assert_int_eq(portfolio_list(db, &bob, &list, &n), STORE_OK);
	ck_assert_uint_eq(n, 1);
	order_free(list);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("order");
	TCase *tc = tcase_create("cart");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, add_refusals);
	tcase_add_test(tc, duplicate_reports_line);
	tcase_add_test(tc, switch_and_remove_scoped);
	tcase_add_test(tc, complete_whole_cart);
	tcase_add_test(tc, complete_conflicts_change_nothing);
	tcase_add_test(tc, complete_is_atomic);
	tcase_add_test(tc, record_appeared_meanwhile);
	tcase_add_test(tc, admin_orders_for_a_customer);
	tcase_add_test(tc, orders_scoped);
	tcase_add_test(tc, portfolio_view);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
