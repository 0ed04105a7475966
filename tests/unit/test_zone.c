/*
 * test_zone — the pure parts of zone management (core/zone.c,
 * core/zone_render.c): record checks as a table (good inputs with their
 * normal form, bad ones with the reason's key words), the rules between
 * records, serials, the master file against golden files
 * (tests/unit/golden/zone_*.zone; BMX_GOLDEN_UPDATE=1 rewrites them), and
 * the judgement of MX records.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "zone.h"

#define GOLDEN "tests/unit/golden/"

/* --- record checks --------------------------------------------------------- */

struct rec_case {
	const char	*name, *type, *ttl, *pref, *value;
	int		 bad;		/* fields in error */
	int		 field;		/* the first bad field, or -1 */
	const char	*want;		/* normal value, or words of the error */
	const char	*want_name;	/* normal owner when good */
};

static const struct rec_case rec_cases[] = {
	{ "@", "MX", "3600", "10", "mail.example.de.", 0, -1,
	    "mail.example.de.", "@" },
	{ "", "mx", "", "0", "Mail.Example.DE.", 0, -1, "mail.example.de.",
	    "@" },
	{ "@", "MX", "3600", "10", "mailserver.example.de", 1, ZONE_F_VALUE,
	    "must end with a dot: write \"mailserver.example.de.\"", NULL },
	{ "@", "MX", "3600", "65536", "mail.example.de.", 1, ZONE_F_PREF,
	    "from 0 to 65535", NULL },
	{ "@", "MX", "3600", "-1", "mail.example.de.", 1, ZONE_F_PREF,
	    "from 0 to 65535", NULL },
	{ "@", "MX", "3600", "65535", "mail.example.de.", 0, -1,
	    "mail.example.de.", "@" },
	{ "@", "MX", "3600", "10", "", 1, ZONE_F_VALUE, "final dot", NULL },
	{ "@", "MX", "3600", "10", ".", 1, ZONE_F_VALUE, "", NULL },
	{ "@", "MX", "59", "10", "mail.example.de.", 1, ZONE_F_TTL,
	    "from 60 to 604800", NULL },
	{ "@", "MX", "604801", "10", "mail.example.de.", 1, ZONE_F_TTL,
	    "from 60 to 604800", NULL },
	{ "@", "MX", "1h", "10", "mail.example.de.", 1, ZONE_F_TTL, "TTL",
	    NULL },
	{ "www", "A", "60", NULL, "192.0.2.1", 0, -1, "192.0.2.1", "www" },
	{ "www", "A", "60", NULL, "192.0.2.256", 1, ZONE_F_VALUE,
	    "IPv4 address", NULL },
	{ "www", "A", "60", NULL, "2001:db8::1", 1, ZONE_F_VALUE,
	    "IPv4 address", NULL },
	{ "WWW", "AAAA", "60", NULL, "2001:DB8:0:0:0:0:0:1", 0, -1,
	    "2001:db8::1", "www" },
	{ "www", "AAAA", "60", NULL, "192.0.2.1", 1, ZONE_F_VALUE,
	    "IPv6 address", NULL },
	{ "www", "CNAME", "60", NULL, "shop.example.de", 1, ZONE_F_VALUE,
	    "must end with a dot", NULL },
	{ "www", "CNAME", "60", NULL, "shop.example.de.", 0, -1,
	    "shop.example.de.", "www" },
	{ "_dmarc", "TXT", "", NULL, "v=DMARC1; p=none", 0, -1,
	    "v=DMARC1; p=none", "_dmarc" },
	{ "*.dev", "TXT", "", NULL, "wild", 0, -1, "wild", "*.dev" },
	{ "a.*", "TXT", "", NULL, "x", 1, ZONE_F_NAME, "not a usable name",
	    NULL },
	{ "x", "TXT", "", NULL, "line\nbreak", 1, ZONE_F_VALUE,
	    "control character", NULL },
	{ "www.example.de.", "A", "", NULL, "192.0.2.1", 0, -1, "192.0.2.1",
	    "www" },
	{ "example.de.", "A", "", NULL, "192.0.2.1", 0, -1, "192.0.2.1", "@" },
	{ "www.other.de.", "A", "", NULL, "192.0.2.1", 1, ZONE_F_NAME,
	    "outside this zone", NULL },
	{ "-bad", "A", "", NULL, "192.0.2.1", 1, ZONE_F_NAME,
	    "not a usable name", NULL },
	{ "a..b", "A", "", NULL, "192.0.2.1", 1, ZONE_F_NAME,
	    "not a usable name", NULL },
	{ "bücher", "A", "", NULL, "192.0.2.1", 0, -1, "192.0.2.1",
	    "xn--bcher-kva" },
	{ "x", "SRV", "", NULL, "whatever", 1, ZONE_F_TYPE, "MX, A, AAAA",
	    NULL },
	{ "a b", "TXT", "59", NULL, "", 3, ZONE_F_NAME, "not a usable name",
	    NULL },
};

START_TEST(rec_check_table)
{
	const struct rec_case *c = &rec_cases[_i];
	struct zone_input in = { c->name, c->type, c->ttl, c->pref, c->value };
	char errs[ZONE_NFIELDS][VALID_ERR_MAX];
	struct zone_rec r;
	int bad = zone_rec_check("example.de", &in, &r, errs);

	ck_assert_msg(bad == c->bad, "case %d: %d bad, want %d (%s|%s|%s|%s|%s)",
	    _i, bad, c->bad, errs[0], errs[1], errs[2], errs[3], errs[4]);
	if (c->bad == 0) {
		ck_assert_str_eq(r.value, c->want);
		ck_assert_str_eq(r.name, c->want_name);
		ck_assert_int_eq(r.id, 0);
		ck_assert_int_eq(r.provisioned, 0);
	} else
		ck_assert_msg(strstr(errs[c->field], c->want) != NULL,
		    "case %d: \"%s\" lacks \"%s\"", _i, errs[c->field], c->want);
}
END_TEST

START_TEST(rec_check_defaults)
{
	struct zone_input in = { NULL, "MX", NULL, "20", "mx.example.net." };
	char errs[ZONE_NFIELDS][VALID_ERR_MAX];
	struct zone_rec r;
	char big[ZONE_TXT_MAX + 2];

	ck_assert_int_eq(zone_rec_check("example.de", &in, &r, errs), 0);
	ck_assert_str_eq(r.name, "@");
	ck_assert_int_eq(r.ttl, ZONE_TTL_DEFAULT);
	ck_assert_int_eq(r.pref, 20);
	ck_assert_str_eq(r.type, "MX");
	/* A TXT record has no preference, whatever is sent. */
	in.type = "TXT";
	in.pref = "bogus";
	in.value = "text";
	ck_assert_int_eq(zone_rec_check("example.de", &in, &r, errs), 0);
	ck_assert_int_eq(r.pref, 0);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	in.value = big;
	ck_assert_int_eq(zone_rec_check("example.de", &in, &r, errs), 1);
	big[ZONE_TXT_MAX] = '\0';
	ck_assert_int_eq(zone_rec_check("example.de", &in, &r, errs), 0);
	ck_assert_uint_eq(strlen(r.value), ZONE_TXT_MAX);
}
END_TEST

/* --- the rules between records --------------------------------------------- */

static struct zone_rec
mkrec(int64_t id, const char *name, const char *type, int pref,
    const char *value)
{
	struct zone_rec r;

	memset(&r, 0, sizeof(r));
	r.id = id;
	util_strlcpy(r.name, name, sizeof(r.name));
	util_strlcpy(r.type, type, sizeof(r.type));
	r.ttl = 3600;
	r.pref = pref;
	util_strlcpy(r.value, value, sizeof(r.value));
	return r;
}

START_TEST(conflicts)
{
	struct zone_rec z[4], r;
	char err[ZONE_MSG_MAX];

	z[0] = mkrec(1, "@", "MX", 10, "mail.example.de.");
	z[1] = mkrec(2, "www", "CNAME", 0, "example.de.");
	z[2] = mkrec(3, "mail", "A", 0, "192.0.2.1");
	z[3] = mkrec(4, "@", "TXT", 0, "hello");

	r = mkrec(0, "@", "MX", 20, "MAIL.example.de.");
	ck_assert_int_eq(zone_rec_conflict("example.de", &r, z, 4, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "already has an MX record for "
	    "mail.example.de. (preference 10)"));
	r = mkrec(0, "@", "MX", 20, "mx.ours.example.");
	ck_assert_int_eq(zone_rec_conflict("example.de", &r, z, 4, err), 0);
	r = mkrec(0, "www", "A", 0, "192.0.2.2");
	ck_assert_int_eq(zone_rec_conflict("example.de", &r, z, 4, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "www.example.de is a CNAME"));
	r = mkrec(0, "mail", "CNAME", 0, "x.example.");
	ck_assert_int_eq(zone_rec_conflict("example.de", &r, z, 4, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "must be the only record"));
	r = mkrec(0, "@", "CNAME", 0, "x.example.");
	ck_assert_int_eq(zone_rec_conflict("example.de", &r, z, 4, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "cannot be a CNAME"));
	r = mkrec(0, "www", "CNAME", 0, "other.example.");
	ck_assert_int_eq(zone_rec_conflict("example.de", &r, z, 4, err), -1);
	r = mkrec(0, "@", "TXT", 0, "hello");
	ck_assert_int_eq(zone_rec_conflict("example.de", &r, z, 4, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "already has this TXT record"));
	r = mkrec(0, "@", "TXT", 0, "Hello");	/* text is case-sensitive */
	ck_assert_int_eq(zone_rec_conflict("example.de", &r, z, 4, err), 0);
	/* Replacing a record: it does not conflict with itself. */
	r = mkrec(2, "www", "CNAME", 0, "other.example.");
	ck_assert_int_eq(zone_rec_conflict("example.de", &r, z, 4, err), 0);
	r = mkrec(2, "www", "A", 0, "192.0.2.9");
	ck_assert_int_eq(zone_rec_conflict("example.de", &r, z, 4, err), 0);
	r = mkrec(3, "mail", "CNAME", 0, "x.example.");
	ck_assert_int_eq(zone_rec_conflict("example.de", &r, z, 4, err), 0);
}
END_TEST

/* --- serials --------------------------------------------------------------- */

START_TEST(serials)
{
	/* 2026-11-29 02:00 UTC */
	int64_t t = 1795917600;

	ck_assert_int_eq(zone_serial_next(0, t), 2026112900);
	ck_assert_int_eq(zone_serial_next(1, t), 2026112900);
	ck_assert_int_eq(zone_serial_next(2026112900, t), 2026112901);
	ck_assert_int_eq(zone_serial_next(2026112899, t), 2026112900);
	ck_assert_int_eq(zone_serial_next(2026112999, t), 2026113000);
	/* A serial ahead of the clock only ever grows. */
	ck_assert_int_eq(zone_serial_next(2027010105, t), 2027010106);
	ck_assert_int_eq(zone_serial_next(0, t + 86400), 2026113000);
	ck_assert_int_eq(zone_serial_next(0, 951782400), 2000022900);
}
END_TEST

/* --- the master file --------------------------------------------------------- */

static void
golden(const char *file, const char *got)
{
	char path[256];
	char *want;
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), GOLDEN "%s", file);
	if (getenv("BMX_GOLDEN_UPDATE") != NULL) {
		ck_assert_ptr_nonnull(f = fopen(path, "w"));
		fputs(got, f);
		fclose(f);
	}
	want = util_read_file(path, 1 << 20, &len);
	ck_assert_msg(want != NULL, "cannot read %s", path);
	ck_assert_msg(strcmp(want, got) == 0, "%s differs; got:\n%s", path, got);
	free(want);
}

START_TEST(render_golden)
{
	struct zone_rec r[10];
	struct zone_soa soa = { "xn--bcher-kva.example", 2026112903,
	    "ns1.ours.example ns2.ours.example.", "hostmaster@ours.example" };
	char txt[700], *s;
	size_t i = 0;

	r[i++] = mkrec(1, "@", "MX", 40, "mx3.ours.example.");
	r[i++] = mkrec(2, "@", "MX", 10, "mail.xn--bcher-kva.example.");
	r[i++] = mkrec(3, "@", "MX", 20, "mx.ours.example.");
	r[i - 1].ttl = 600;	/* the RRset gets the smallest TTL */
	r[i++] = mkrec(4, "www", "CNAME", 0, "xn--bcher-kva.example.");
	r[i++] = mkrec(5, "mail", "AAAA", 0, "2001:db8::25");
	r[i++] = mkrec(6, "mail", "A", 0, "192.0.2.25");
	r[i++] = mkrec(7, "_dmarc", "TXT", 0, "v=DMARC1; p=none");
	r[i++] = mkrec(8, "*.dev", "A", 0, "192.0.2.80");
	memset(txt, 'x', 600);
	memcpy(txt + 250, "\"q\"\\b", 5);
	strcpy(txt + 600, " Grüße");
	r[i++] = mkrec(9, "@", "TXT", 0, txt);
	r[i - 1].ttl = 300;
	ck_assert_ptr_nonnull(s = zone_render(&soa, r, i));
	golden("zone_full.zone", s);
	free(s);
	/* An empty zone: SOA and NS only. */
	soa.origin = "empty.example";
	soa.serial = ZONE_SERIAL_FIRST;
	ck_assert_ptr_nonnull(s = zone_render(&soa, NULL, 0));
	golden("zone_empty.zone", s);
	free(s);
}
END_TEST

START_TEST(render_bad_config)
{
	struct zone_soa soa = { "example.de", 1, "", "hostmaster.example.de" };

	ck_assert_ptr_null(zone_render(&soa, NULL, 0));
	soa.nameservers = "ns1.example.de bad_name!";
	ck_assert_ptr_null(zone_render(&soa, NULL, 0));
	soa.nameservers = "ns1.example.de";
	soa.hostmaster = "";
	ck_assert_ptr_null(zone_render(&soa, NULL, 0));
}
END_TEST

/* --- backup hosts and the judgement of MX records ----------------------------- */

START_TEST(backup_hosts)
{
	char bk[ZONE_BACKUP_MAX][VALID_NAME_MAX];

	zone_set_backup_hosts("MX.Ours.Example mx2.ours.example. bad_name! "
	    "mx3.ours.example");
	ck_assert_uint_eq(zone_backup_hosts(bk, ZONE_BACKUP_MAX), 3);
	ck_assert_str_eq(bk[0], "mx.ours.example");
	ck_assert_str_eq(bk[1], "mx2.ours.example");
	ck_assert_str_eq(bk[2], "mx3.ours.example");
	ck_assert_uint_eq(zone_backup_hosts(bk, 1), 1);
	ck_assert_int_eq(zone_backup_pref(0), 20);
	ck_assert_int_eq(zone_backup_pref(2), 40);
	zone_set_backup_hosts(NULL);
	ck_assert_uint_eq(zone_backup_hosts(bk, ZONE_BACKUP_MAX), 0);
}
END_TEST

static char judge_bk[3][VALID_NAME_MAX] = { "mx.ours.example",
	"mx2.ours.example", "mx3.ours.example" };

/* All findings of a judgement, one per line, each with its level. */
static void
judge(const struct zone_mx *mx, size_t n, const char *proxy, char *out,
    size_t outsz)
{
	static const char *const lv[] = { "good", "warn", "bad" };
	struct zone_finding f[32];
	size_t i, k = zone_mx_judge(mx, n, judge_bk, 3, proxy, f, 32);

	out[0] = '\0';
	for (i = 0; i < k; i++) {
		strncat(out, lv[f[i].level], outsz - strlen(out) - 1);
		strncat(out, ": ", outsz - strlen(out) - 1);
		strncat(out, f[i].text, outsz - strlen(out) - 1);
		strncat(out, "\n", outsz - strlen(out) - 1);
	}
}

#define HAS(s, w) ck_assert_msg(strstr((s), (w)) != NULL, "no \"%s\" in:\n%s", \
	(w), (s))
#define HASNT(s, w) ck_assert_msg(strstr((s), (w)) == NULL, "\"%s\" in:\n%s", \
	(w), (s))

START_TEST(judge_cases)
{
	struct zone_mx all[] = { { 10, "mail.example.de" },
	    { 20, "mx.ours.example" }, { 30, "MX2.ours.example" },
	    { 40, "mx3.ours.example" } };
	struct zone_mx one[] = { { 10, "mail.example.de" },
	    { 20, "mx.ours.example" } };
	struct zone_mx better[] = { { 10, "mail.example.de" },
	    { 5, "mx.ours.example" } };
	struct zone_mx same[] = { { 10, "mail.example.de" },
	    { 10, "mx.ours.example" } };
	struct zone_mx none[] = { { 10, "mail.example.de" } };
	struct zone_mx ours[] = { { 20, "mx.ours.example" } };
	struct zone_mx second[] = { { 10, "mail.example.de" },
	    { 30, "mx2.ours.example" } };
	struct zone_mx proxy[] = { { 10, "proxy.mp.example" },
	    { 10, "mail.example.de" }, { 20, "mx.ours.example" } };
	char s[4096];

	judge(all, 4, NULL, s, sizeof(s));
	HASNT(s, "bad: ");
	HASNT(s, "warn: ");
	HAS(s, "good: MX 10 mail.example.de. is your mail server");
	HAS(s, "good: MX 30 MX2.ours.example. is a backup MX");
	judge(one, 2, NULL, s, sizeof(s));
	HASNT(s, "bad: ");
	HASNT(s, "warn: ");
	judge(better, 2, NULL, s, sizeof(s));
	HAS(s, "bad: MX 5 mx.ours.example.: the backup MX has a better "
	    "preference than your primary (10)");
	judge(same, 2, NULL, s, sizeof(s));
	HAS(s, "warn: MX 10 mx.ours.example.: the backup MX has the same "
	    "preference");
	judge(none, 1, NULL, s, sizeof(s));
	HAS(s, "bad: backup MX missing: add MX 20 mx.ours.example.");
	judge(ours, 1, NULL, s, sizeof(s));
	HAS(s, "bad: No MX record for your own mail server");
	judge(second, 2, NULL, s, sizeof(s));
	HAS(s, "warn: backup MX mx.ours.example. missing");
	judge(all, 3, NULL, s, sizeof(s));	/* mx3 left out */
	HAS(s, "warn: backup MX mx3.ours.example. missing: use all");
	judge(NULL, 0, NULL, s, sizeof(s));
	HAS(s, "bad: No MX records at all");
	judge(proxy, 3, "proxy.mp.example", s, sizeof(s));
	HAS(s, "good: MX 10 proxy.mp.example. is your MailProxy");
	HAS(s, "warn: MX 10 mail.example.de. bypasses MailProxy");
	judge(one, 2, "proxy.mp.example", s, sizeof(s));
	HAS(s, "bad: MailProxy missing: proxy.mp.example must be an MX record");
	ck_assert_str_eq(zone_mx_role("mx2.ours.example.", judge_bk, 3, NULL),
	    "BackupMX");
	ck_assert_str_eq(zone_mx_role("proxy.mp.example", judge_bk, 3,
	    "proxy.mp.example"), "MailProxy");
	ck_assert_str_eq(zone_mx_role("mail.example.de", judge_bk, 3, ""),
	    "mail server");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("zone");
	TCase *tc = tcase_create("pure");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, rec_check_table, 0,
	    sizeof(rec_cases) / sizeof(rec_cases[0]));
	tcase_add_test(tc, rec_check_defaults);
	tcase_add_test(tc, conflicts);
	tcase_add_test(tc, serials);
	tcase_add_test(tc, render_golden);
	tcase_add_test(tc, render_bad_config);
	tcase_add_test(tc, backup_hosts);
	tcase_add_test(tc, judge_cases);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
