/*
 * test_adate — the AutoDNS date formats (core/adate.c): golden strings
 * for formatting, every accepted input form of the parser with zone
 * offsets and fractions, boundary dates (leap days, end of month, the
 * epoch), and the inputs it must refuse.  Also the panel's own
 * formatter (util_iso8601, util_civil in core/util.c), which works the
 * calendar out by arithmetic: it must agree with glibc's gmtime_r() and
 * strftime() second for second across centuries and before the epoch.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "adate.h"
#include "util.h"

START_TEST(format_golden)
{
	char buf[ADATE_MAX];

	ck_assert_str_eq(adate_format(0, buf), "1970-01-01T00:00:00.000+0000");
	ck_assert_str_eq(adate_format(1568889602, buf),
	    "2019-09-19T10:40:02.000+0000");
	ck_assert_str_eq(adate_format(1582934400, buf),	/* leap day */
	    "2020-02-29T00:00:00.000+0000");
	ck_assert_str_eq(adate_format(4102444799LL, buf),
	    "2099-12-31T23:59:59.000+0000");
	ck_assert_str_eq(adate_format_xml(1568889602, buf),
	    "2019-09-19 10:40:02");
	ck_assert_uint_eq(strlen(adate_format(1568889602, buf)), 28);
}
END_TEST

static const struct {
	const char	*in;
	int64_t		 want;
} parse_ok[] = {
	{ "2019-09-19T12:40:02.000+0200", 1568889602 },	/* AutoDNS's own */
	{ "2019-09-19T10:40:02.000+0000", 1568889602 },
	{ "2019-09-19T10:40:02Z", 1568889602 },
	{ "2019-09-19T10:40:02", 1568889602 },		/* no zone: UTC */
	{ "2019-09-19 10:40:02", 1568889602 },		/* the XML form */
	{ "2019-09-19T12:40:02+02:00", 1568889602 },
	{ "2019-09-19T05:10:02.999-0530", 1568889602 },	/* fraction dropped */
	{ "2019-09-19T10:40:02.123456789Z", 1568889602 },
	{ "2019-09-19", 1568851200 },			/* midnight UTC */
	{ "1970-01-01", 0 },
	{ "2020-02-29", 1582934400 },
	{ "2000-02-29", 951782400 },			/* divisible by 400 */
	{ "2019-12-31T23:59:59Z", 1577836799 },
	{ "2019-01-01T00:00:00+2359", 1546214460 },
};

START_TEST(parse_forms)
{
	int64_t t;
	size_t i;

	for (i = 0; i < sizeof(parse_ok) / sizeof(parse_ok[0]); i++) {
		t = -1;
		ck_assert_msg(adate_parse(parse_ok[i].in, &t) == 0, "%s",
		    parse_ok[i].in);
		ck_assert_msg(t == parse_ok[i].want, "%s: %lld, want %lld",
		    parse_ok[i].in, (long long)t, (long long)parse_ok[i].want);
	}
}
END_TEST

static const char *const parse_bad[] = {
	"", "yesterday", "2019", "2019-09", "2019-9-19", "19-09-19",
	"2019-13-01", "2019-00-10", "2019-09-00", "2019-09-31", "2019-02-29",
	"1900-02-29", "1969-12-31", "2019-09-19T24:00:00", "2019-09-19T10:60:00",
	"2019-09-19T10:40:60", "2019-09-19T10:40", "2019-09-19T10:40:02.",
	"2019-09-19T10:40:02+2400", "2019-09-19T10:40:02+02:60",
	"2019-09-19T10:40:02+02", "2019-09-19T10:40:02Zjunk",
	"2019-09-19T10:40:02 ", "2019-09-19X10:40:02", "2019-09-19junk",
	" 2019-09-19", "2019-09-19T1:40:02", "+019-09-19", "2019-09-19T10:40:02UTC",
};

START_TEST(parse_refuses)
{
	int64_t t = 42;
	size_t i;

	for (i = 0; i < sizeof(parse_bad) / sizeof(parse_bad[0]); i++)
		ck_assert_msg(adate_parse(parse_bad[i], &t) == -1,
		    "accepted \"%s\"", parse_bad[i]);
	ck_assert_int_eq(t, 42);	/* untouched on failure */
}
END_TEST

START_TEST(round_trip)
{
	char buf[ADATE_MAX];
	int64_t t, back;

	for (t = 0; t < 4102444800LL; t += 86399 * 37 + 13) {
		ck_assert_int_eq(adate_parse(adate_format(t, buf), &back), 0);
		ck_assert_int_eq(back, t);
		ck_assert_int_eq(adate_parse(adate_format_xml(t, buf), &back),
		    0);
		ck_assert_int_eq(back, t);
	}
}
END_TEST

START_TEST(iso8601_against_libc)
{
	char mine[32], libc[32];
	struct util_civil c;
	struct tm tm;
	time_t tt;
	int64_t t;

	/* 1600 to 2400 in steps of 3 days 1 h 2 min 7 s: the steps walk
	 * through every hour and day of the month, leap and century years,
	 * negative times (96,000 points). */
	for (t = -11676096000LL; t < 13569465600LL; t += 3 * 86400 + 3727) {
		tt = (time_t)t;
		ck_assert_ptr_nonnull(gmtime_r(&tt, &tm));
		strftime(libc, sizeof(libc), "%Y-%m-%dT%H:%M:%SZ", &tm);
		util_iso8601(t, mine, sizeof(mine));
		ck_assert_msg(strcmp(mine, libc) == 0, "%lld: %s, libc %s",
		    (long long)t, mine, libc);
		util_civil(t, &c);
		ck_assert_int_eq(c.year, tm.tm_year + 1900);
		ck_assert_int_eq(c.sec, tm.tm_sec);
	}
	/* Edges: the epoch, the second before it, leap days. */
	ck_assert_str_eq(util_iso8601(0, mine, sizeof(mine)),
	    "1970-01-01T00:00:00Z");
	ck_assert_str_eq(util_iso8601(-1, mine, sizeof(mine)),
	    "1969-12-31T23:59:59Z");
	ck_assert_str_eq(util_iso8601(951782400, mine, sizeof(mine)),
	    "2000-02-29T00:00:00Z");
	ck_assert_str_eq(util_iso8601(4107542399LL, mine, sizeof(mine)),
	    "2100-02-28T23:59:59Z");
	/* A short buffer gets a truncated, terminated string. */
	ck_assert_str_eq(util_iso8601(0, mine, 5), "1970");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("adate");
	TCase *tc = tcase_create("adate");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, format_golden);
	tcase_add_test(tc, parse_forms);
	tcase_add_test(tc, parse_refuses);
	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, iso8601_against_libc);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
