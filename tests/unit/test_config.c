/*
 * test_config — the configuration parser: defaults, every error path,
 * durations, $myhostname expansion, file handling.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

static char tmpdir[] = "/tmp/bmx-test-config.XXXXXX";

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(defaults_match_contract)
{
	struct config cf;
	char err[CONFIG_ERR_MAX];

	ck_assert_int_eq(config_parse(&cf, "t", "", err), 0);
	ck_assert_str_eq(cf.db, "var/backupmx.db");
	ck_assert_str_eq(cf.spool_dir, "var/spool");
	ck_assert_str_eq(cf.smtp_listen, "127.0.0.1:2525");
	ck_assert_str_eq(cf.myhostname, "backupmx.localhost");
	ck_assert_str_eq(cf.mx_names, "backupmx.localhost");
	ck_assert_int_eq(cf.probe_interval, 300);
	ck_assert_int_eq(cf.max_queue_lifetime, 14 * 86400);
	ck_assert_int_eq(cf.message_size_limit, 52428800);
	ck_assert_int_eq(cf.max_recipients, 100);
	ck_assert_ptr_null(cf.dns_resolver);
	ck_assert_ptr_null(cf.tls_cert);
	ck_assert_ptr_null(cf.tls_key);
	ck_assert_str_eq(cf.panel_listen, "unix:var/run/panel.sock");
	ck_assert_str_eq(cf.panel_url, "http://127.0.0.1:8080");
	ck_assert_str_eq(cf.zone_nameservers, "ns1.backupmx.localhost");
	ck_assert_str_eq(cf.zone_hostmaster, "hostmaster.backupmx.localhost");
	config_free(&cf);
}
END_TEST

START_TEST(values_comments_whitespace)
{
	struct config cf;
	char err[CONFIG_ERR_MAX];
	const char *text =
	    "# a comment\n"
	    "\n"
	    "   myhostname   =  mx1.example.net  \n"
	    "mx_names = mx1.example.net mx2.example.net\n"
	    "\t# indented comment\n"
	    "probe_interval = 5m\n"
	    "max_queue_lifetime=2d\r\n"
	    "smtp_listen = 127.0.0.1:25, [::1]:25\n"
	    "dns_resolver = 127.0.0.1:5353\n"
	    "tls_cert = /etc/ssl/c.pem\n"
	    "tls_key = /etc/ssl/k.pem\n"
	    "panel_listen = 127.0.0.1:9000\n";

	ck_assert_msg(config_parse(&cf, "t", text, err) == 0, "%s", err);
	ck_assert_str_eq(cf.myhostname, "mx1.example.net");
	ck_assert_str_eq(cf.mx_names, "mx1.example.net mx2.example.net");
	ck_assert_str_eq(cf.zone_nameservers, "ns1.mx1.example.net");
	ck_assert_int_eq(cf.probe_interval, 300);
	ck_assert_int_eq(cf.max_queue_lifetime, 2 * 86400);
	ck_assert_str_eq(cf.smtp_listen, "127.0.0.1:25, [::1]:25");
	ck_assert_str_eq(cf.dns_resolver, "127.0.0.1:5353");
	ck_assert_str_eq(cf.panel_listen, "127.0.0.1:9000");
	config_free(&cf);
}
END_TEST

static const struct {
	const char *text;
	const char *want;	/* substring of the error */
} bad[] = {
	{ "nosuchkey = 1\n", "t:1: unknown key \"nosuchkey\"" },
	{ "\n\nmyhostname\n", "t:3: expected \"key = value\"" },
	{ "max_recipients = ten\n", "t:1: max_recipients: \"ten\" is not a number" },
	{ "max_recipients = 0\n", "t:1: max_recipients: 0 is out of range (1..100000)" },
	{ "max_recipients = 100001\n", "out of range" },
	{ "max_recipients = -1\n", "is not a number" },
	{ "max_recipients = 10x\n", "is not a number" },
	{ "max_recipients = 99999999999999999999999\n", "is not a number" },
	{ "message_size_limit = 1023\n", "out of range (1024..2147483647)" },
	{ "probe_interval = 0\n", "probe_interval: 0 is out of range" },
	{ "probe_interval = 2d\n", "out of range" },
	{ "probe_interval = 5w\n", "is not a duration" },
	{ "probe_interval = 5mm\n", "is not a duration" },
	{ "probe_interval = m\n", "is not a duration" },
	{ "probe_interval = \n", "is not a duration" },
	{ "max_queue_lifetime = 61d\n", "out of range" },
	{ "max_queue_lifetime = 0s\n", "out of range" },
	{ "myhostname = \n", "t:1: myhostname: empty value" },
	{ "myhostname = bad_name.example\n", "bad host name" },
	{ "mx_names = ok.example -bad.example\n", "bad host name \"-bad.example\"" },
	{ "smtp_listen = 127.0.0.1:99999\n", "bad address" },
	{ "smtp_listen = 127.0.0.1:25,[::1\n", "bad address" },
	{ "dns_resolver = 1.2.3.4:0\n", "bad address" },
	{ "panel_listen = unix:\n", "unix: needs a path" },
	{ "panel_listen = localhost:\n", "bad address" },
	{ "panel_threads = 0\n", "out of range" },
	{ "tls_cert = /x.pem\n", "tls_cert and tls_key must be set together" },
	{ "tls_key = /x.pem\n", "tls_cert and tls_key must be set together" },
	{ "db = a\n= b\n", "t:2: unknown key \"\"" },
	/* Found by tests/fuzz/fuzz_config: a self-reference never ended. */
	{ "myhostname = a$myhostname\n", "t:1: myhostname cannot contain" },
	{ "mx_names = -$myhostname\n", "t: mx_names: bad host name" },
};

START_TEST(bad_input_names_the_line)
{
	struct config cf;
	char err[CONFIG_ERR_MAX];

	memset(err, 0, sizeof(err));
	ck_assert_int_eq(config_parse(&cf, "t", bad[_i].text, err), -1);
	ck_assert_msg(strstr(err, bad[_i].want) != NULL,
	    "case %d: got \"%s\", want \"%s\"", _i, err, bad[_i].want);
	ck_assert_msg(strncmp(err, "t:", 2) == 0, "no file name: %s", err);
	ck_assert_ptr_null(cf.db);	/* freed on error */
}
END_TEST

START_TEST(durations)
{
	static const struct { const char *in; long want; } t[] = {
		{ "0", 0 }, { "90", 90 }, { "90s", 90 }, { "5m", 300 },
		{ "2h", 7200 }, { "14d", 1209600 },
	};
	static const char *badd[] = { "", "s", "-1", "+5", " 5", "5 m", "5x",
	    "5mm", "99999999999999999999d", "1e3", NULL };
	long v;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ck_assert_int_eq(config_duration(t[i].in, &v), 0);
		ck_assert_int_eq(v, t[i].want);
	}
	for (i = 0; badd[i] != NULL; i++)
		ck_assert_msg(config_duration(badd[i], &v) == -1, "%s", badd[i]);
	ck_assert_int_eq(config_duration(NULL, &v), -1);
}
END_TEST

static void
write_file(const char *path, const char *text, size_t len)
{
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(fwrite(text, 1, len, fp), len);
	ck_assert_int_eq(fclose(fp), 0);
}

START_TEST(files)
{
	struct config cf;
	char err[CONFIG_ERR_MAX], path[256], buf[64];

	snprintf(path, sizeof(path), "%s/missing.conf", tmpdir);
	ck_assert_int_eq(config_load(&cf, path, 0, err), 0);
	ck_assert_str_eq(cf.db, "var/backupmx.db");
	config_free(&cf);
	ck_assert_int_eq(config_load(&cf, path, 1, err), -1);
	ck_assert_msg(strstr(err, "missing.conf: No such file") != NULL, "%s",
	    err);

	snprintf(path, sizeof(path), "%s/nul.conf", tmpdir);
	write_file(path, "db = a\0b\n", 9);
	ck_assert_int_eq(config_load(&cf, path, 1, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "NUL"));

	snprintf(path, sizeof(path), "%s/bad.conf", tmpdir);
	write_file(path, "db = x\nbogus = 1\n", 17);
	ck_assert_int_eq(config_load(&cf, path, 1, err), -1);
	snprintf(buf, sizeof(buf), "%s:2: unknown key", "bad.conf");
	ck_assert_msg(strstr(err, buf) != NULL, "%s", err);

	snprintf(path, sizeof(path), "%s/default.conf", tmpdir);
	ck_assert_int_eq(config_write_default(path, err), 0);
	ck_assert_int_eq(config_write_default(path, err), -1);	/* no clobber */
	ck_assert_msg(config_load(&cf, path, 1, err) == 0, "%s", err);
	ck_assert_str_eq(cf.path, path);
	ck_assert_str_eq(config_value(&cf, "max_queue_lifetime", buf,
	    sizeof(buf)), "1209600");
	ck_assert_str_eq(config_value(&cf, "smtp_listen", buf, sizeof(buf)),
	    "127.0.0.1:2525");
	ck_assert_ptr_null(config_value(&cf, "nope", buf, sizeof(buf)));
	config_free(&cf);
}
END_TEST

START_TEST(path_choice)
{
	unsetenv("BACKUPMX_CONF");
	ck_assert_str_eq(config_path(NULL), "var/backupmx.conf");
	setenv("BACKUPMX_CONF", "/etc/bmx.conf", 1);
	ck_assert_str_eq(config_path(NULL), "/etc/bmx.conf");
	ck_assert_str_eq(config_path("/x.conf"), "/x.conf");
	unsetenv("BACKUPMX_CONF");
}
END_TEST

START_TEST(table_lists_every_key)
{
	const struct config_key *k;
	char *t = config_table_markdown(), want[128];

	for (k = config_keys; k->name != NULL; k++) {
		snprintf(want, sizeof(want), "| `%s` |", k->name);
		ck_assert_msg(strstr(t, want) != NULL, "%s missing", k->name);
		ck_assert_ptr_nonnull(k->help);
	}
	free(t);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("parse");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, defaults_match_contract);
	tcase_add_test(tc, values_comments_whitespace);
	tcase_add_loop_test(tc, bad_input_names_the_line, 0,
	    (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, durations);
	tcase_add_test(tc, files);
	tcase_add_test(tc, path_choice);
	tcase_add_test(tc, table_lists_every_key);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
