/*
 * test_store_zone — core/store_zone.c: records added, changed and
 * deleted with the zone rules, serials raised on every change, audit
 * entries, tenant scoping (another customer's zone or record is
 * STORE_NOTFOUND), external zones refused, "Add BackupMX entries", and
 * provisioning inside the BackupMX store's own transaction (bmx_add,
 * cart_complete) with removal of only what was provisioned (bmx_del).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "store.h"
#include "store_order.h"
#include "store_zone.h"

static char tmpdir[] = "/tmp/bmx-test-zone.XXXXXX";
static struct db *db;
static struct actor alice, bob;

static long long
scalar(const char *sql)
{
	sqlite3_stmt *st = db_prepare(db, sql, "");
	long long v;

	ck_assert_msg(st != NULL, "%s", db_error(db));
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
	zone_set_backup_hosts("mx.ours.example mx2.ours.example "
	    "mx3.ours.example");
	ck_assert_int_eq(domain_add(db, &actor_cli, "shop.example", "alice", 0,
	    NULL), STORE_OK);
	ck_assert_int_eq(domain_add(db, &actor_cli, "ext.example", "alice", 1,
	    NULL), STORE_OK);
	ck_assert_int_eq(domain_add(db, &actor_cli, "bob.example", "bob", 0,
	    NULL), STORE_OK);
}

static void
teardown(void)
{
	char cmd[300];

	db = db_close(db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static struct zone_rec
typed(const char *name, const char *type, const char *pref, const char *value)
{
	struct zone_input in = { name, type, "", pref, value };
	char errs[ZONE_NFIELDS][VALID_ERR_MAX];
	struct zone_rec r;

	ck_assert_int_eq(zone_rec_check("shop.example", &in, &r, errs), 0);
	return r;
}

/* "pref value provisioned," for the apex MX records of a zone. */
static void
mx_of(const char *domain, char *out, size_t outsz)
{
	struct zone_rec *v;
	size_t n, i;
	char one[300];

	ck_assert_int_eq(zone_records(db, &actor_cli, domain, &v, &n),
	    STORE_OK);
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (strcmp(v[i].type, "MX") != 0)
			continue;
		snprintf(one, sizeof(one), "%d %s %d,", v[i].pref, v[i].value,
		    v[i].provisioned);
		strncat(out, one, outsz - strlen(out) - 1);
	}
	free(v);
}

START_TEST(records_and_serials)
{
	struct zone_rec r = typed("@", "MX", "10", "mail.shop.example."), got;
	struct zone_info z;
	int64_t id, s0, s1;

	ck_assert_int_eq(zone_get(db, &alice, "shop.example", &z), STORE_OK);
	s0 = z.serial;
	ck_assert_int_eq(s0, ZONE_SERIAL_FIRST);
	ck_assert_int_eq(zone_record_add(db, &alice, "shop.example", &r, &id),
	    STORE_OK);
	ck_assert_int_eq(zone_get(db, &alice, "shop.example", &z), STORE_OK);
	ck_assert_int_gt(z.serial, s0);
	s1 = z.serial;
	/* A duplicate is refused and changes nothing, serial included. */
	ck_assert_int_eq(zone_record_add(db, &alice, "shop.example", &r, NULL),
	    STORE_INVALID);
	ck_assert_ptr_nonnull(strstr(db_error(db), "already has an MX record"));
	ck_assert_int_eq(zone_get(db, &alice, "shop.example", &z), STORE_OK);
	ck_assert_int_eq(z.serial, s1);
	ck_assert_int_eq(z.nrec, 1);
	r = typed("www", "CNAME", NULL, "shop.example.");
	ck_assert_int_eq(zone_record_add(db, &alice, "shop.example", &r, NULL),
	    STORE_OK);
	r = typed("www", "TXT", NULL, "x");
	ck_assert_int_eq(zone_record_add(db, &alice, "shop.example", &r, NULL),
	    STORE_INVALID);
	/* Update and delete by id, within the zone only. */
	r = typed("@", "MX", "5", "mail2.shop.example.");
	ck_assert_int_eq(zone_record_update(db, &alice, "shop.example", id, &r),
	    STORE_OK);
	ck_assert_int_eq(zone_record_get(db, &alice, "shop.example", id, &got),
	    STORE_OK);
	ck_assert_str_eq(got.value, "mail2.shop.example.");
	ck_assert_int_eq(got.pref, 5);
	ck_assert_int_eq(zone_get(db, &alice, "shop.example", &z), STORE_OK);
	ck_assert_int_gt(z.serial, s1);
	ck_assert_int_eq(zone_record_get(db, &bob, "bob.example", id, &got),
	    STORE_NOTFOUND);
	ck_assert_int_eq(zone_record_del(db, &bob, "bob.example", id),
	    STORE_NOTFOUND);
	ck_assert_int_eq(zone_record_del(db, &alice, "shop.example", id),
	    STORE_OK);
	ck_assert_int_eq(zone_record_del(db, &alice, "shop.example", id),
	    STORE_NOTFOUND);
	ck_assert_int_eq(scalar("SELECT count(*) FROM audit_log WHERE action "
	    "LIKE 'zone.record.%' AND object = 'shop.example' AND actor = "
	    "'alice'"), 4);
}
END_TEST

START_TEST(scoping_and_external)
{
	struct zone_rec r = typed("@", "A", NULL, "192.0.2.1");
	struct zone_info *list;
	struct zone_info z;
	char *text;
	size_t n;

	ck_assert_int_eq(zone_get(db, &bob, "shop.example", &z), STORE_NOTFOUND);
	ck_assert_int_eq(zone_record_add(db, &bob, "shop.example", &r, NULL),
	    STORE_NOTFOUND);
	ck_assert_int_eq(zone_bmx_set(db, &bob, "shop.example", "m.x.", 1),
	    STORE_NOTFOUND);
	ck_assert_int_eq(zone_set_mailproxy(db, &bob, "shop.example", "p.x"),
	    STORE_NOTFOUND);
	ck_assert_int_eq(zone_export(db, &bob, "shop.example", "ns1.x", "h.x",
	    &text), STORE_NOTFOUND);
	ck_assert_int_eq(zone_record_add(db, &alice, "ext.example", &r, NULL),
	    STORE_INVALID);
	ck_assert_ptr_nonnull(strstr(db_error(db), "not managed here"));
	ck_assert_int_eq(zone_export(db, &alice, "ext.example", "ns1.x", "h.x",
	    &text), STORE_INVALID);
	ck_assert_int_eq(zone_list(db, &bob, &list, &n), STORE_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(list[0].domain, "bob.example");
	free(list);
	ck_assert_int_eq(zone_list(db, &actor_cli, &list, &n), STORE_OK);
	ck_assert_uint_eq(n, 3);
	free(list);
	ck_assert_int_eq(scalar("SELECT count(*) FROM zone_record"), 0);
}
END_TEST

START_TEST(provisioning)
{
	char mx[1024];
	struct zone_rec r = typed("@", "MX", "10", "mail.shop.example.");
	int64_t order;

	ck_assert_int_eq(zone_record_add(db, &alice, "shop.example", &r, NULL),
	    STORE_OK);
	ck_assert_int_eq(bmx_add(db, &alice, "shop.example", NULL), STORE_OK);
	mx_of("shop.example", mx, sizeof(mx));
	ck_assert_str_eq(mx, "10 mail.shop.example. 0,20 mx.ours.example. 1,"
	    "30 mx2.ours.example. 1,40 mx3.ours.example. 1,");
	ck_assert_int_eq(scalar("SELECT count(*) FROM audit_log WHERE action = "
	    "'zone.provision' AND actor = 'alice'"), 1);
	/* A refused activation provisions nothing (one transaction). */
	ck_assert_int_eq(bmx_add(db, &alice, "shop.example", NULL),
	    STORE_EXISTS);
	ck_assert_int_eq(scalar("SELECT count(*) FROM zone_record"), 4);
	/* Deactivation removes what was provisioned, and only that. */
	ck_assert_int_eq(bmx_del(db, &alice, "shop.example"), STORE_OK);
	mx_of("shop.example", mx, sizeof(mx));
	ck_assert_str_eq(mx, "10 mail.shop.example. 0,");
	/* External domains get no records. */
	ck_assert_int_eq(bmx_add(db, &actor_cli, "ext.example", NULL), STORE_OK);
	ck_assert_int_eq(scalar("SELECT count(*) FROM zone_record r JOIN domain "
	    "d ON d.id = r.domain_id WHERE d.name = 'ext.example'"), 0);
	/* An order activates through the same insert. */
	ck_assert_int_eq(cart_add(db, &alice, "shop.example", NULL), STORE_OK);
	ck_assert_int_eq(cart_complete(db, &alice, NULL, 0, &order, NULL),
	    STORE_OK);
	mx_of("shop.example", mx, sizeof(mx));
	ck_assert_str_eq(mx, "10 mail.shop.example. 0,20 mx.ours.example. 1,"
	    "30 mx2.ours.example. 1,40 mx3.ours.example. 1,");
	/* A provisioned record pointed elsewhere is the customer's now. */
	r = typed("@", "MX", "25", "other.shop.example.");
	ck_assert_int_eq(zone_record_update(db, &alice, "shop.example",
	    scalar("SELECT id FROM zone_record WHERE value = "
	    "'mx3.ours.example.'"), &r), STORE_OK);
	ck_assert_int_eq(bmx_del(db, &alice, "shop.example"), STORE_OK);
	mx_of("shop.example", mx, sizeof(mx));
	ck_assert_str_eq(mx, "10 mail.shop.example. 0,25 other.shop.example. 0,");
}
END_TEST

START_TEST(mailproxy_and_bmx_set)
{
	char mx[1024];

	/* No mail server known: asked for. */
	ck_assert_int_eq(zone_bmx_set(db, &alice, "shop.example", NULL, 1),
	    STORE_INVALID);
	ck_assert_ptr_nonnull(strstr(db_error(db), "Enter your mail server"));
	ck_assert_int_eq(zone_bmx_set(db, &alice, "shop.example", "nodot.x", 1),
	    STORE_INVALID);
	ck_assert_int_eq(scalar("SELECT count(*) FROM zone_record"), 0);
	ck_assert_int_eq(zone_bmx_set(db, &alice, "shop.example",
	    "mail.shop.example.", 0), STORE_OK);
	mx_of("shop.example", mx, sizeof(mx));
	ck_assert_str_eq(mx, "10 mail.shop.example. 0,20 mx.ours.example. 1,");
	/* Again, all servers; the primary kept, no duplicates. */
	ck_assert_int_eq(zone_bmx_set(db, &alice, "shop.example", "", 1),
	    STORE_OK);
	mx_of("shop.example", mx, sizeof(mx));
	ck_assert_str_eq(mx, "10 mail.shop.example. 0,20 mx.ours.example. 1,"
	    "30 mx2.ours.example. 1,40 mx3.ours.example. 1,");
	/* MailProxy takes the primary's place. */
	ck_assert_int_eq(zone_set_mailproxy(db, &alice, "shop.example",
	    "bad host"), STORE_INVALID);
	ck_assert_int_eq(zone_set_mailproxy(db, &alice, "shop.example",
	    "Proxy.MP.example."), STORE_OK);
	ck_assert_int_eq(zone_bmx_set(db, &alice, "shop.example", NULL, 1),
	    STORE_OK);
	mx_of("shop.example", mx, sizeof(mx));
	ck_assert_str_eq(mx, "10 proxy.mp.example. 0,20 mx.ours.example. 1,"
	    "30 mx2.ours.example. 1,40 mx3.ours.example. 1,");
	ck_assert_int_eq(scalar("SELECT count(*) FROM audit_log WHERE action "
	    "IN ('zone.backupmx', 'domain.mailproxy')"), 4);
}
END_TEST

START_TEST(export_text)
{
	struct zone_rec r = typed("mail", "A", NULL, "192.0.2.7");
	char *text;

	ck_assert_int_eq(zone_record_add(db, &alice, "shop.example", &r, NULL),
	    STORE_OK);
	ck_assert_int_eq(zone_export(db, &alice, "shop.example",
	    "ns1.ours.example", "hostmaster.ours.example", &text), STORE_OK);
	ck_assert_ptr_nonnull(strstr(text, "$ORIGIN shop.example.\n"));
	ck_assert_ptr_nonnull(strstr(text, "\nmail\t3600\tIN\tA\t192.0.2.7\n"));
	free(text);
	ck_assert_int_eq(zone_export(db, &alice, "shop.example", "", "h.x",
	    &text), STORE_ERROR);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("store_zone");
	TCase *tc = tcase_create("zones");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, records_and_serials);
	tcase_add_test(tc, scoping_and_external);
	tcase_add_test(tc, provisioning);
	tcase_add_test(tc, mailproxy_and_bmx_set);
	tcase_add_test(tc, export_text);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
