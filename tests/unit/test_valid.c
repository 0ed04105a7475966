/*
 * test_valid — table-driven Check suite for core/valid.c.
 *
 * Every table row is one case, run as its own loop test so a failure names
 * the row.  Output and error buffers are allocated at exactly the sizes the
 * header documents and pre-filled with junk, so a sanitizer build catches
 * any write past them and the checks catch a missing NUL.
 *
 * Expected A-labels were worked out independently of libidn2 (Python's
 * punycode codec) and against the IDNA examples the brief names.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "valid.h"

#define NROWS(t)	((int)(sizeof(t) / sizeof((t)[0])))
#define PORT_UNSET	-12345

/* Building blocks for the length boundaries. */
#define A10	"aaaaaaaaaa"
#define A60	A10 A10 A10 A10 A10 A10
#define L58	A10 A10 A10 A10 A10 "aaaaaaaa"
#define L59	L58 "a"
#define L60	A60
#define L61	A60 "b"
#define L62	A60 "bc"
#define L63	A60 "bcd"
#define L64	L63 "e"
#define L65	L64 "f"
/* Typed text far beyond any name: 1020 and 1100 octets. */
#define A100	A10 A10 A10 A10 A10 A10 A10 A10 A10 A10
#define A1020	A100 A100 A100 A100 A100 A100 A100 A100 A100 A100 A10 A10
#define A1100	A100 A100 A100 A100 A100 A100 A100 A100 A100 A100 A100
#define N252	L63 "." L63 "." L63 "." L60		/* 252 octets */
#define N253	L63 "." L63 "." L63 "." L61		/* 253 octets */
#define N254	L63 "." L63 "." L63 "." L62		/* 254 octets */

/* "ü" x 50 is 100 octets of UTF-8 but a 56-octet A-label; x 60 is 66. */
#define U10	"üüüüüüüüüü"
#define U50	U10 U10 U10 U10 U10
#define U60	U50 U10
#define XU50	"xn--tda" A10 A10 A10 A10 "aaaaaaaaa"
/* "ü" x 57 encodes to exactly 63 octets, x 58 to 64. */
#define U57	U50 "üüüüüüü"
#define U58	U57 "ü"
#define XU57	XU50 "aaaaaaa"

/* "中" is three octets of UTF-8. */
#define ZH20	"中中中中中中中中中中中中中中中中中中中中"

/* "ä." is 3 octets but "xn--4ca." is 8: 31 labels fit in 253, 32 do not. */
#define AE4	"ä.ä.ä.ä."
#define AE31	AE4 AE4 AE4 AE4 AE4 AE4 AE4 "ä.ä.ä."
#define XAE4	"xn--4ca.xn--4ca.xn--4ca.xn--4ca."
#define XAE31	XAE4 XAE4 XAE4 XAE4 XAE4 XAE4 XAE4 \
		"xn--4ca.xn--4ca.xn--4ca."

/* "ö" is two octets: 32 of them make a 64-octet local part. */
#define OE32	"öööööööööööööööööööööööööööööööö"

/* A 189-octet domain makes a 254-octet address with a 64-octet local part. */
#define D189	L63 "." L63 "." L58 ".de"
#define D190	L63 "." L63 "." L59 ".de"

/* ---- helpers ---------------------------------------------------------- */

/* A buffer of exactly n octets, full of junk and without any NUL. */
static char *
junk(size_t n)
{
	char *p = malloc(n);

	ck_assert_ptr_nonnull(p);
	memset(p, 'X', n);
	return p;
}

static const char *
show(const char *s)
{
	return s != NULL ? s : "(NULL)";
}

/* Well-formed UTF-8, written here apart from valid.c's own decoder. */
static int
utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int more;

	while (*p != '\0') {
		if (*p < 0x80)
			more = 0;
		else if (*p >= 0xc2 && *p <= 0xdf)
			more = 1;
		else if (*p >= 0xe0 && *p <= 0xef)
			more = 2;
		else if (*p >= 0xf0 && *p <= 0xf4)
			more = 3;
		else
			return 0;
		for (p++; more > 0; more--, p++)
			if ((*p & 0xc0) != 0x80)
				return 0;
	}
	return 1;
}

/*
 * The error buffer after a call: empty on success; on failure a non-empty,
 * NUL-terminated, valid UTF-8 sentence containing want (when given).
 */
static void
check_err(int row, const char *in, int rc, const char *err, const char *want)
{
	ck_assert_msg(memchr(err, '\0', VALID_ERR_MAX) != NULL,
	    "row %d (%s): err is not NUL-terminated", row, show(in));
	if (rc == 0) {
		ck_assert_msg(err[0] == '\0', "row %d (%s): err \"%s\" after "
		    "success", row, show(in), err);
		return;
	}
	ck_assert_msg(err[0] != '\0', "row %d (%s): empty err", row, show(in));
	ck_assert_msg(utf8_ok(err), "row %d (%s): err is not UTF-8", row,
	    show(in));
	if (want != NULL)
		ck_assert_msg(strstr(err, want) != NULL, "row %d (%s): err "
		    "\"%s\" lacks \"%s\"", row, show(in), err, want);
}

static void
check_str(int row, const char *in, const char *what, const char *got,
    const char *want)
{
	ck_assert_msg(strcmp(got, want) == 0, "row %d (%s): %s \"%s\", "
	    "want \"%s\"", row, show(in), what, got, want);
}

/* ---- valid_domain ----------------------------------------------------- */

struct name_row {
	const char	*in;
	int		 rc;
	const char	*out;	/* A-label form ("" on failure) */
	const char	*uout;	/* U-label form, where the function has one */
	const char	*err;	/* expected part of the message, or NULL */
};

static const struct name_row domain_rows[] = {
	{ "example.de", 0, "example.de", "example.de", NULL },
	{ "Example.DE", 0, "example.de", "example.de", NULL },
	{ "example.de.", 0, "example.de", "example.de", NULL },
	{ "x.y", 0, "x.y", "x.y", NULL },
	{ "shop.example.co.uk", 0, "shop.example.co.uk", "shop.example.co.uk",
	    NULL },
	{ "1und1.de", 0, "1und1.de", "1und1.de", NULL },
	{ "123.example", 0, "123.example", "123.example", NULL },
	{ "my-shop.de", 0, "my-shop.de", "my-shop.de", NULL },
	{ "bücher.example", 0, "xn--bcher-kva.example", "bücher.example",
	    NULL },
	{ "xn--bcher-kva.example", 0, "xn--bcher-kva.example",
	    "bücher.example", NULL },
	{ "XN--BCHER-KVA.Example", 0, "xn--bcher-kva.example",
	    "bücher.example", NULL },
	{ "MÜNCHEN.de", 0, "xn--mnchen-3ya.de", "münchen.de", NULL },
	{ "xn--mnchen-3ya.de", 0, "xn--mnchen-3ya.de", "münchen.de", NULL },
	{ "faß.de", 0, "xn--fa-hia.de", "faß.de", NULL },
	{ "exämple.de", 0, "xn--exmple-cua.de", "exämple.de", NULL },
	{ "пример.рф", 0, "xn--e1afmkfd.xn--p1ai", "пример.рф", NULL },
	{ "ПРИМЕР.РФ", 0, "xn--e1afmkfd.xn--p1ai", "пример.рф", NULL },
	{ "例子.广告", 0, "xn--fsqu00a.xn--4rr70v", "例子.广告", NULL },
	{ "中文.example", 0, "xn--fiq228c.example", "中文.example", NULL },
	/* Decomposed u + U+0308 is NFC-normalised to ü first. */
	{ "bu\xcc\x88" "cher.example", 0, "xn--bcher-kva.example",
	    "bücher.example", NULL },
	/* Full-width letters are mapped (UTS #46) to ASCII. */
	{ "ＥＸＡＭＰＬＥ.de", 0, "example.de", "example.de", NULL },
	/* Boundaries: 63-octet label, 253-octet name. */
	{ L63 ".de", 0, L63 ".de", L63 ".de", NULL },
	{ N253, 0, N253, N253, NULL },
	{ N253 ".", 0, N253, N253, NULL },
	{ U50 ".de", 0, XU50 ".de", U50 ".de", NULL },
	{ U57 ".de", 0, XU57 ".de", U57 ".de", NULL },
	{ AE31 "de", 0, XAE31 "de", AE31 "de", NULL },
	/* Unicode form longer than the buffer: ulabel falls back. */
	{ U50 "." U50 "." U50 ".de", 0, XU50 "." XU50 "." XU50 ".de",
	    XU50 "." XU50 "." XU50 ".de", NULL },

	{ NULL, -1, "", "", "no domain" },
	{ "", -1, "", "", "empty" },
	{ ".", -1, "", "", "empty" },
	{ "example", -1, "", "", "at least two labels" },
	{ "xn--bcher-kva", -1, "", "", "at least two labels" },
	{ "example.de..", -1, "", "", "end with a dot" },
	{ ".example.de", -1, "", "", "start with a dot" },
	{ "exa..mple.de", -1, "", "", "two dots in a row" },
	{ L64 ".de", -1, "", "", "longer than 63 characters" },
	{ N254, -1, "", "", "longer than 253 characters" },
	{ N254 ".", -1, "", "", "longer than 253 characters" },
	{ U58 ".de", -1, "", "", "longer than 63 characters" },
	{ U60 ".de", -1, "", "", "longer than 63 characters" },
	{ AE31 "ä.de", -1, "", "", "longer than 253 characters" },
	{ A1020 ".d", -1, "", "", NULL },		/* 1023 octets */
	{ A1020 ".de", -1, "", "", "longer than 253 characters" },
	{ A1100 ".de", -1, "", "", "longer than 253 characters" },
	{ "-shop.de", -1, "", "", "hyphen" },
	{ "shop-.de", -1, "", "", "hyphen" },
	{ "shop.-de", -1, "", "", "hyphen" },
	{ "ab--cd.de", -1, "", "", "\"--\"" },
	{ "xn--zz.de", -1, "", "", "punycode" },
	{ "xn--.de", -1, "", "", "punycode" },
	{ "xn--a.de", -1, "", "", NULL },
	{ "xn--ls8h.de", -1, "", "", "not allowed" },
	{ "☃.de", -1, "", "", "not allowed" },
	{ "a\xe2\x80\x8d" "b.de", -1, "", "", NULL },	/* lone ZWJ */
	{ "a\xc2\x85" "b.de", -1, "", "", NULL },	/* C1 control */
	{ "exa mple.de", -1, "", "", "spaces" },
	{ " example.de", -1, "", "", "spaces" },
	{ "example.de ", -1, "", "", "spaces" },
	{ "exa_mple.de", -1, "", "", "\"_\"" },
	{ "user@example.de", -1, "", "", "\"@\"" },
	{ "exa\tmple.de", -1, "", "", "control" },
	{ "exa\x7fmple.de", -1, "", "", "control" },
	{ "example.123", -1, "", "", "all digits" },
	{ "192.0.2.1", -1, "", "", "all digits" },
	{ "\xff.de", -1, "", "", "UTF-8" },
	{ "b\xc3.de", -1, "", "", "UTF-8" },		/* truncated */
	{ "b\xc3", -1, "", "", "UTF-8" },		/* truncated at end */
	{ "\xc0\xae.de", -1, "", "", "UTF-8" },		/* overlong */
	{ "\xed\xa0\x80.de", -1, "", "", "UTF-8" },	/* surrogate */
	{ "\xf4\x90\x80\x80.de", -1, "", "", "UTF-8" },	/* > U+10FFFF */
	{ "\x80" "abc.de", -1, "", "", "UTF-8" },	/* stray continuation */
};

START_TEST(test_domain)
{
	const struct name_row *r = &domain_rows[_i];
	char *a = junk(VALID_NAME_MAX), *u = junk(VALID_NAME_MAX);
	char *err = junk(VALID_ERR_MAX);
	int rc = valid_domain(r->in, a, u, err);

	ck_assert_msg(rc == r->rc, "row %d (%s): rc %d, want %d (%s)", _i,
	    show(r->in), rc, r->rc, err);
	check_err(_i, r->in, rc, err, r->err);
	check_str(_i, r->in, "alabel", a, r->out);
	check_str(_i, r->in, "ulabel", u, r->uout);
	free(a);
	free(u);
	free(err);
}
END_TEST

/* Every good row: A-label → U-label → A-label gives back the same pair. */
START_TEST(test_domain_roundtrip)
{
	const struct name_row *r = &domain_rows[_i];
	char *a = junk(VALID_NAME_MAX), *u = junk(VALID_NAME_MAX);
	char *err = junk(VALID_ERR_MAX);

	if (r->rc == 0) {
		ck_assert_int_eq(valid_domain_to_unicode(r->out, u, err), 0);
		check_str(_i, r->out, "to_unicode", u, r->uout);
		ck_assert_int_eq(valid_domain(r->uout, a, NULL, err), 0);
		check_str(_i, r->uout, "back to alabel", a, r->out);
	}
	free(a);
	free(u);
	free(err);
}
END_TEST

/* ---- valid_domain_to_unicode ------------------------------------------ */

static const struct name_row unicode_rows[] = {
	{ "xn--bcher-kva.example", 0, "bücher.example", NULL, NULL },
	{ "XN--BCHER-KVA.EXAMPLE", 0, "bücher.example", NULL, NULL },
	{ "xn--mnchen-3ya.de", 0, "münchen.de", NULL, NULL },
	{ "xn--fa-hia.de", 0, "faß.de", NULL, NULL },
	{ "xn--e1afmkfd.xn--p1ai", 0, "пример.рф", NULL, NULL },
	{ "xn--fsqu00a.xn--4rr70v", 0, "例子.广告", NULL, NULL },
	{ "mx.xn--mnchen-3ya.de.", 0, "mx.münchen.de.", NULL, NULL },
	{ "example.de", 0, "example.de", NULL, NULL },
	{ "Example.DE", 0, "Example.DE", NULL, NULL },	/* copied as given */
	{ "mail.example.de.", 0, "mail.example.de.", NULL, NULL },
	{ "localhost", 0, "localhost", NULL, NULL },
	{ "xn--4ca", 0, "ä", NULL, NULL },
	{ N253, 0, N253, NULL, NULL },
	{ N252 ".", 0, N252 ".", NULL, NULL },
	{ XU50 "." XU50 "." XU50 ".de", 0, XU50 "." XU50 "." XU50 ".de",
	    NULL, NULL },				/* too long: fallback */

	{ NULL, -1, "", NULL, "no name" },
	{ "", -1, "", NULL, "empty" },
	{ ".", -1, "", NULL, "start with a dot" },
	{ N253 ".", -1, "", NULL, "longer than 253" },
	{ N254, -1, "", NULL, "longer than 253" },
	{ "xn--zz.de", -1, "", NULL, "punycode" },
	{ "xn--a.de", -1, "", NULL, NULL },
	{ "xn--abc.de", -1, "", NULL, NULL },
	{ "xn--ls8h.de", -1, "", NULL, "not allowed" },
	{ "bücher.example", -1, "", NULL, "A-label" },
	{ "a..b", -1, "", NULL, "two dots" },
	{ "ab--cd.de", -1, "", NULL, "\"--\"" },
	{ "exa_mple.de", -1, "", NULL, "\"_\"" },
	{ "mail.example.de..", -1, "", NULL, "end with a dot" },
};

START_TEST(test_domain_to_unicode)
{
	const struct name_row *r = &unicode_rows[_i];
	char *u = junk(VALID_NAME_MAX), *err = junk(VALID_ERR_MAX);
	int rc = valid_domain_to_unicode(r->in, u, err);

	ck_assert_msg(rc == r->rc, "row %d (%s): rc %d, want %d (%s)", _i,
	    show(r->in), rc, r->rc, err);
	check_err(_i, r->in, rc, err, r->err);
	check_str(_i, r->in, "ulabel", u, r->out);
	free(u);
	free(err);
}
END_TEST

/* ---- valid_hostname --------------------------------------------------- */

static const struct name_row hostname_rows[] = {
	{ "mail", 0, "mail", NULL, NULL },
	{ "MAIL", 0, "mail", NULL, NULL },
	{ "a", 0, "a", NULL, NULL },
	{ "localhost", 0, "localhost", NULL, NULL },
	{ "mail.example.de", 0, "mail.example.de", NULL, NULL },
	{ "Mail.Example.DE", 0, "mail.example.de", NULL, NULL },
	{ "mail-1.example.de", 0, "mail-1.example.de", NULL, NULL },
	{ "1mail.example.de", 0, "1mail.example.de", NULL, NULL },
	{ "mx1.bücher.example", 0, "mx1.xn--bcher-kva.example", NULL, NULL },
	{ "xn--mnchen-3ya", 0, "xn--mnchen-3ya", NULL, NULL },
	{ "почта.пример.рф", 0, "xn--80a1acny.xn--e1afmkfd.xn--p1ai", NULL,
	    NULL },
	{ L63, 0, L63, NULL, NULL },
	{ N253, 0, N253, NULL, NULL },

	{ NULL, -1, "", NULL, "no host name" },
	{ "", -1, "", NULL, "empty" },
	{ "mail.example.de.", -1, "", NULL, "end with a dot" },
	{ ".mail", -1, "", NULL, "start with a dot" },
	{ "a..b", -1, "", NULL, "two dots" },
	{ "123", -1, "", NULL, "all digits" },
	{ "192.0.2.1", -1, "", NULL, "all digits" },
	{ "mail_1", -1, "", NULL, "\"_\"" },
	{ "[::1]", -1, "", NULL, "\"[\"" },
	{ "ma il", -1, "", NULL, "spaces" },
	{ "-mail", -1, "", NULL, "hyphen" },
	{ "mail-", -1, "", NULL, "hyphen" },
	{ "ma--il", -1, "", NULL, "\"--\"" },
	{ L64, -1, "", NULL, "longer than 63 characters" },
	{ N254, -1, "", NULL, "longer than 253 characters" },
	{ "xn--zz", -1, "", NULL, "punycode" },
	{ "m\xe4il", -1, "", NULL, "UTF-8" },		/* Latin-1, not UTF-8 */
};

START_TEST(test_hostname)
{
	const struct name_row *r = &hostname_rows[_i];
	char *out = junk(VALID_NAME_MAX), *err = junk(VALID_ERR_MAX);
	int rc = valid_hostname(r->in, out, err);

	ck_assert_msg(rc == r->rc, "row %d (%s): rc %d, want %d (%s)", _i,
	    show(r->in), rc, r->rc, err);
	check_err(_i, r->in, rc, err, r->err);
	check_str(_i, r->in, "out", out, r->out);
	free(out);
	free(err);
}
END_TEST

/* ---- valid_fqdn_dot --------------------------------------------------- */

static const struct name_row fqdn_rows[] = {
	{ "mail.example.de.", 0, "mail.example.de.", NULL, NULL },
	{ "MAIL.Example.DE.", 0, "mail.example.de.", NULL, NULL },
	{ "a.b.", 0, "a.b.", NULL, NULL },
	{ "mx.bücher.example.", 0, "mx.xn--bcher-kva.example.", NULL, NULL },
	{ "mx.faß.de.", 0, "mx.xn--fa-hia.de.", NULL, NULL },
	{ N252 ".", 0, N252 ".", NULL, NULL },

	{ "mail.example.de", -1, "", NULL,
	    "the host name must end with a dot: write \"mail.example.de.\"" },
	{ "MAIL.Example.DE", -1, "", NULL, "write \"MAIL.Example.DE.\"" },
	{ "mx.bücher.example", -1, "", NULL, "write \"mx.bücher.example.\"" },
	{ NULL, -1, "", NULL, "no host name" },
	{ "", -1, "", NULL, "empty" },
	{ ".", -1, "", NULL, "empty" },
	{ "de.", -1, "", NULL, "at least two labels" },
	{ "localhost", -1, "", NULL, "at least two labels" },
	{ "mail.example.de..", -1, "", NULL, "end with a dot" },
	{ N253 ".", -1, "", NULL, "longer than 253" },
	{ N254 ".", -1, "", NULL, "longer than 253" },
	{ "bad_name.de", -1, "", NULL, "\"_\"" },
	{ "bad_name.de.", -1, "", NULL, "\"_\"" },
	{ "mail.example.123.", -1, "", NULL, "all digits" },
	{ "mx.xn--zz.de.", -1, "", NULL, "punycode" },
	{ L64 ".de.", -1, "", NULL, "longer than 63 characters" },
};

START_TEST(test_fqdn_dot)
{
	const struct name_row *r = &fqdn_rows[_i];
	char *out = junk(VALID_NAME_MAX), *err = junk(VALID_ERR_MAX);
	int rc = valid_fqdn_dot(r->in, out, err);

	ck_assert_msg(rc == r->rc, "row %d (%s): rc %d, want %d (%s)", _i,
	    show(r->in), rc, r->rc, err);
	check_err(_i, r->in, rc, err, r->err);
	check_str(_i, r->in, "out", out, r->out);
	free(out);
	free(err);
}
END_TEST

/* A long name without its dot: the echo keeps the end and stays UTF-8. */
static const struct {
	const char	*in;
	const char	*tail;	/* how the message must end */
} long_undotted[] = {
	{ N252, "aaa.\"" },
	/* Suffixes move the cut: on a boundary, then 1 and 2 octets into a
	 * character, which must be skipped rather than split. */
	{ U50 "." U50 ".de", "ü.de.\"" },
	{ U50 "." U50 ".dex", "ü.dex.\"" },
	{ ZH20 "." ZH20 ".de", "中.de.\"" },
	{ ZH20 "." ZH20 ".dex", "中.dex.\"" },
	{ ZH20 "." ZH20 ".dexy", "中.dexy.\"" },
};

START_TEST(test_fqdn_dot_long_echo)
{
	const char *in = long_undotted[_i].in, *tail = long_undotted[_i].tail;
	char *err = junk(VALID_ERR_MAX);
	size_t n, t = strlen(tail);

	ck_assert_int_eq(valid_fqdn_dot(in, NULL, err), -1);
	ck_assert_ptr_nonnull(memchr(err, '\0', VALID_ERR_MAX));
	n = strlen(err);
	ck_assert_msg(utf8_ok(err), "row %d: err is not UTF-8", _i);
	ck_assert_msg(strncmp(err, "the host name must end with a dot: "
	    "write \"...", 45) == 0, "row %d: err \"%s\"", _i, err);
	ck_assert_msg(n >= t && strcmp(err + n - t, tail) == 0,
	    "row %d: err \"%s\" does not end in %s", _i, err, tail);
	free(err);
}
END_TEST

/* ---- valid_email ------------------------------------------------------ */

struct email_row {
	const char	*in;
	int		 rc;
	const char	*out;
	const char	*err;
};

static const struct email_row email_rows[] = {
	{ "user@example.com", 0, "user@example.com", NULL },
	{ "User.Name+tag@Example.COM", 0, "User.Name+tag@example.com", NULL },
	{ "a@b.c", 0, "a@b.c", NULL },
	{ "!#$%&'*+-/=?^_`{|}~@example.com", 0,
	    "!#$%&'*+-/=?^_`{|}~@example.com", NULL },
	{ "\"john doe\"@example.com", 0, "\"john doe\"@example.com", NULL },
	{ "\"a\\\"b\"@example.com", 0, "\"a\\\"b\"@example.com", NULL },
	{ "\"a\\\\b\"@example.com", 0, "\"a\\\\b\"@example.com", NULL },
	{ "\"a@b\"@example.com", 0, "\"a@b\"@example.com", NULL },
	{ "\"a.\"@example.com", 0, "\"a.\"@example.com", NULL },
	{ "\"jö ran\"@example.de", 0, "\"jö ran\"@example.de", NULL },
	{ "jöran@example.de", 0, "jöran@example.de", NULL },
	{ "j\xf0\x9f\x93\xa7@example.de", 0, "j\xf0\x9f\x93\xa7@example.de",
	    NULL },					/* U+1F4E7, 4 octets */
	{ "JÖRAN@BÜCHER.example", 0, "JÖRAN@xn--bcher-kva.example", NULL },
	{ "user@exämple.de", 0, "user@xn--exmple-cua.de", NULL },
	{ "用户@例子.广告", 0, "用户@xn--fsqu00a.xn--4rr70v", NULL },
	{ "user@[192.0.2.1]", 0, "user@[192.0.2.1]", NULL },
	{ "user@[IPv6:2001:db8::1]", 0, "user@[IPv6:2001:db8::1]", NULL },
	{ "user@[ipv6:::1]", 0, "user@[ipv6:::1]", NULL },
	{ "user@[IPv6:::ffff:192.0.2.1]", 0, "user@[IPv6:::ffff:192.0.2.1]",
	    NULL },
	/* Local part 64 octets (ASCII, UTF-8, quoted); whole address 254. */
	{ L64 "@example.com", 0, L64 "@example.com", NULL },
	{ OE32 "@example.de", 0, OE32 "@example.de", NULL },
	{ "\"" L62 "\"@example.com", 0, "\"" L62 "\"@example.com", NULL },
	{ L64 "@" D189, 0, L64 "@" D189, NULL },

	{ NULL, -1, "", "no address" },
	{ "", -1, "", "empty" },
	{ "example.com", -1, "", "needs an @" },
	{ "@example.com", -1, "", "before the @ is empty" },
	{ "user@", -1, "", "after the @ is empty" },
	{ ".user@example.com", -1, "", "start with a dot" },
	{ "user.@example.com", -1, "", "end with a dot" },
	{ "us..er@example.com", -1, "", "two dots in a row" },
	{ "john doe@example.com", -1, "", "spaces" },
	{ " user@example.com", -1, "", "spaces" },
	{ "user@example.com ", -1, "", "spaces" },
	{ "user@exa mple.com", -1, "", "spaces" },
	{ "us\ter@example.com", -1, "", "control" },
	{ "us(er)@example.com", -1, "", "\"(\"" },
	{ "us\"er@example.com", -1, "", "quote" },
	{ "us,er@example.com", -1, "", "\",\"" },
	{ "\"unterminated@example.com", -1, "", "closing quote" },
	{ "\"a\"b@example.com", -1, "", "whole part" },
	{ "\"a\"", -1, "", "needs an @" },
	{ "\"\"@example.com", -1, "", "before the @ is empty" },
	{ "\"a\\\x01\"@example.com", -1, "", "backslash" },
	{ "\"a\\", -1, "", "backslash" },
	{ "\"a\x01\"@example.com", -1, "", "control" },
	{ "\"a\xff\"@example.com", -1, "", "UTF-8" },
	{ "j\xff" "ran@example.de", -1, "", "UTF-8" },
	{ "j\xc3@example.de", -1, "", "UTF-8" },
	{ "j\xe0\x80\xaf@example.de", -1, "", "UTF-8" },	/* overlong */
	{ "j\xed\xa0\x80@example.de", -1, "", "UTF-8" },	/* surrogate */
	{ "j\xf4\x90\x80\x80@example.de", -1, "", "UTF-8" },	/* > U+10FFFF */
	{ "j\xf8\x88\x80\x80\x80@example.de", -1, "", "UTF-8" }, /* 5 octets */
	{ "j\xa9@example.de", -1, "", "UTF-8" },		/* stray */
	{ "\"j\xed\xa0\x80\"@example.de", -1, "", "UTF-8" },
	{ "\xc2\x85x@example.de", -1, "", "control" },		/* C1 NEL */
	{ "user@localhost", -1, "", "at least two labels" },
	{ "user@example.com.", -1, "", "end with a dot" },
	{ "a@b@example.com", -1, "", "\"@\"" },
	{ "user@xn--zz.com", -1, "", "punycode" },
	{ "user@-example.com", -1, "", "hyphen" },
	{ "user@example.123", -1, "", "all digits" },
	{ "user@" L64 ".com", -1, "", "longer than 63 characters" },
	{ "user@[192.0.2.256]", -1, "", "IPv4" },
	{ "user@[192.0.2]", -1, "", "IPv4" },
	{ "user@[IPv6:2001:db8::zz]", -1, "", "IPv6" },
	{ "user@[IPv6:]", -1, "", "IPv6" },
	{ "user@[2001:db8::1]", -1, "", "[IPv6:" },
	{ "user@[192.0.2.1", -1, "", "\"]\"" },
	{ "user@[192.0.2.1]x", -1, "", "\"]\"" },
	{ "user@[", -1, "", "\"]\"" },
	{ "user@[]", -1, "", "IPv4" },
	{ L65 "@example.com", -1, "", "longer than 64" },
	{ OE32 "a@example.de", -1, "", "longer than 64" },
	{ "\"" L63 "\"@example.com", -1, "", "longer than 64" },
	{ L64 "@" D190, -1, "", "longer than 254" },
	{ "user@" A1100 ".de", -1, "", "longer than 253" },
	{ A1100 "@example.de", -1, "", "longer than 64" },
};

START_TEST(test_email)
{
	const struct email_row *r = &email_rows[_i];
	char *out = junk(VALID_ADDR_MAX), *err = junk(VALID_ERR_MAX);
	int rc = valid_email(r->in, out, err);

	ck_assert_msg(rc == r->rc, "row %d (%s): rc %d, want %d (%s)", _i,
	    show(r->in), rc, r->rc, err);
	check_err(_i, r->in, rc, err, r->err);
	check_str(_i, r->in, "out", out, r->out);
	free(out);
	free(err);
}
END_TEST

/* ---- valid_ip --------------------------------------------------------- */

struct ip_row {
	const char	*in;
	int		 family;
	int		 rc;
	const char	*err;
};

static const struct ip_row ip_rows[] = {
	{ "192.0.2.1", 4, 0, NULL },
	{ "192.0.2.1", 0, 0, NULL },
	{ "0.0.0.0", 4, 0, NULL },
	{ "255.255.255.255", 4, 0, NULL },
	{ "2001:db8::1", 6, 0, NULL },
	{ "2001:DB8::1", 0, 0, NULL },
	{ "::", 6, 0, NULL },
	{ "::1", 0, 0, NULL },
	{ "::ffff:192.0.2.1", 6, 0, NULL },

	{ "192.0.2.1", 6, -1, "IPv6" },
	{ "2001:db8::1", 4, -1, "IPv4" },
	{ "256.0.0.1", 4, -1, "IPv4" },
	{ "01.2.3.4", 4, -1, "IPv4" },
	{ "1.2.3", 0, -1, "IP address" },
	{ " 1.2.3.4", 0, -1, NULL },
	{ "1.2.3.4 ", 0, -1, NULL },
	{ "fe80::1%eth0", 6, -1, NULL },
	{ "1::2::3", 6, -1, NULL },
	{ "[::1]", 6, -1, NULL },
	{ "example.de", 0, -1, NULL },
	{ "", 0, -1, NULL },
	{ NULL, 0, -1, NULL },
	{ "192.0.2.1", 5, -1, "family" },
	{ "192.0.2.1", -1, -1, "family" },
};

START_TEST(test_ip)
{
	const struct ip_row *r = &ip_rows[_i];
	char *err = junk(VALID_ERR_MAX);
	int rc = valid_ip(r->in, r->family, err);

	ck_assert_msg(rc == r->rc, "row %d (%s/%d): rc %d, want %d (%s)", _i,
	    show(r->in), r->family, rc, r->rc, err);
	check_err(_i, r->in, rc, err, r->err);
	free(err);
}
END_TEST

/* ---- valid_hostport --------------------------------------------------- */

struct hostport_row {
	const char	*in;
	int		 dflt;
	int		 rc;
	const char	*host;
	int		 port;	/* PORT_UNSET: must stay untouched */
	const char	*err;
};

static const struct hostport_row hostport_rows[] = {
	{ "mail.example.de", 25, 0, "mail.example.de", 25, NULL },
	{ "mail.example.de:587", 25, 0, "mail.example.de", 587, NULL },
	{ "MAIL.Example.DE:2525", 25, 0, "mail.example.de", 2525, NULL },
	{ "localhost", 0, 0, "localhost", 0, NULL },
	{ "mx:1", 25, 0, "mx", 1, NULL },
	{ "mx:65535", 25, 0, "mx", 65535, NULL },
	{ "mx:00025", 0, 0, "mx", 25, NULL },
	{ "bücher.example:25", 0, 0, "xn--bcher-kva.example", 25, NULL },
	{ "192.0.2.1:25", 0, 0, "192.0.2.1", 25, NULL },
	{ "192.0.2.1", 587, 0, "192.0.2.1", 587, NULL },
	{ "[2001:db8::1]:25", 0, 0, "2001:db8::1", 25, NULL },
	{ "[2001:db8::1]", 25, 0, "2001:db8::1", 25, NULL },
	{ "[::1]:65535", 25, 0, "::1", 65535, NULL },
	{ "2001:db8::1", 25, 0, "2001:db8::1", 25, NULL },
	{ "::1", 25, 0, "::1", 25, NULL },
	{ N253 ":25", 0, 0, N253, 25, NULL },

	{ "mx:0", 25, -1, "", PORT_UNSET, "port must be a number from 1 to "
	    "65535" },
	{ "mx:65536", 25, -1, "", PORT_UNSET, "port" },
	{ "mx:99999999999999999999999", 25, -1, "", PORT_UNSET, "port" },
	{ "mx:", 25, -1, "", PORT_UNSET, "port" },
	{ "mx:+25", 25, -1, "", PORT_UNSET, "port" },
	{ "mx:-1", 25, -1, "", PORT_UNSET, "port" },
	{ "mx: 25", 25, -1, "", PORT_UNSET, "port" },
	{ "mx:25 ", 25, -1, "", PORT_UNSET, "port" },
	{ "mx:2x5", 25, -1, "", PORT_UNSET, "port" },
	{ "mx:25:26", 25, -1, "", PORT_UNSET, "brackets" },
	{ "[2001:db8::1]:0", 25, -1, "", PORT_UNSET, "port" },
	{ "[2001:db8::1]:65536", 25, -1, "", PORT_UNSET, "port" },
	{ "[2001:db8::1]:", 25, -1, "", PORT_UNSET, "port" },
	{ "[2001:db8::1", 25, -1, "", PORT_UNSET, "\"]\"" },
	{ "[2001:db8::1]25", 25, -1, "", PORT_UNSET, "\":port\"" },
	{ "[192.0.2.1]:25", 25, -1, "", PORT_UNSET, "IPv6" },
	{ "[]", 25, -1, "", PORT_UNSET, "IPv6" },
	{ "[mail.example.de]:25", 25, -1, "", PORT_UNSET, "IPv6" },
	{ "", 25, -1, "", PORT_UNSET, "host name or IP address" },
	{ NULL, 25, -1, "", PORT_UNSET, "host name or IP address" },
	{ ":25", 25, -1, "", PORT_UNSET, "empty" },
	{ "192.0.2.256:25", 25, -1, "", PORT_UNSET, "IPv4" },
	{ "123:25", 25, -1, "", PORT_UNSET, "IPv4" },
	{ "host_name:25", 25, -1, "", PORT_UNSET, "\"_\"" },
	{ "mail.example.de.:25", 25, -1, "", PORT_UNSET, "end with a dot" },
	{ N254 ":25", 25, -1, "", PORT_UNSET, "longer than 253" },
	{ A1100 ".de:25", 25, -1, "", PORT_UNSET, "longer than 253" },
};

START_TEST(test_hostport)
{
	const struct hostport_row *r = &hostport_rows[_i];
	char *host = junk(VALID_NAME_MAX), *err = junk(VALID_ERR_MAX);
	int port = PORT_UNSET;
	int rc = valid_hostport(r->in, host, &port, r->dflt, err);

	ck_assert_msg(rc == r->rc, "row %d (%s): rc %d, want %d (%s)", _i,
	    show(r->in), rc, r->rc, err);
	check_err(_i, r->in, rc, err, r->err);
	check_str(_i, r->in, "host", host, r->host);
	ck_assert_msg(port == r->port, "row %d (%s): port %d, want %d", _i,
	    show(r->in), port, r->port);
	free(host);
	free(err);
}
END_TEST

/* ---- valid_mx_pref and valid_ttl -------------------------------------- */

struct num_row {
	const char	*in;
	int		 rc;
	long		 val;	/* -99: must stay untouched */
};

static const struct num_row pref_rows[] = {
	{ "0", 0, 0 },
	{ "10", 0, 10 },
	{ "65535", 0, 65535 },
	{ "007", 0, 7 },
	{ "65536", -1, -99 },
	{ "-1", -1, -99 },
	{ "+1", -1, -99 },
	{ " 1", -1, -99 },
	{ "1 ", -1, -99 },
	{ "1a", -1, -99 },
	{ "1.5", -1, -99 },
	{ "0x10", -1, -99 },
	{ "4294967296", -1, -99 },
	{ "99999999999999999999999", -1, -99 },
	{ "", -1, -99 },
	{ NULL, -1, -99 },
};

START_TEST(test_mx_pref)
{
	const struct num_row *r = &pref_rows[_i];
	char *err = junk(VALID_ERR_MAX);
	int pref = -99;
	int rc = valid_mx_pref(r->in, &pref, err);

	ck_assert_msg(rc == r->rc, "row %d (%s): rc %d, want %d", _i,
	    show(r->in), rc, r->rc);
	check_err(_i, r->in, rc, err,
	    "preference must be a number from 0 to 65535");
	ck_assert_msg(pref == r->val, "row %d (%s): pref %d, want %ld", _i,
	    show(r->in), pref, r->val);
	free(err);
}
END_TEST

static const struct num_row ttl_rows[] = {
	{ "0", 0, 0 },
	{ "300", 0, 300 },
	{ "86400", 0, 86400 },
	{ "2147483647", 0, 2147483647L },
	{ "02147483647", 0, 2147483647L },
	{ "2147483648", -1, -99 },
	{ "4294967296", -1, -99 },
	{ "18446744073709551616", -1, -99 },
	{ "-1", -1, -99 },
	{ "+1", -1, -99 },
	{ " 60", -1, -99 },
	{ "60s", -1, -99 },
	{ "1e3", -1, -99 },
	{ "", -1, -99 },
	{ NULL, -1, -99 },
};

START_TEST(test_ttl)
{
	const struct num_row *r = &ttl_rows[_i];
	char *err = junk(VALID_ERR_MAX);
	long ttl = -99;
	int rc = valid_ttl(r->in, &ttl, err);

	ck_assert_msg(rc == r->rc, "row %d (%s): rc %d, want %d", _i,
	    show(r->in), rc, r->rc);
	check_err(_i, r->in, rc, err, "TTL must be a number");
	ck_assert_msg(ttl == r->val, "row %d (%s): ttl %ld, want %ld", _i,
	    show(r->in), ttl, r->val);
	free(err);
}
END_TEST

/* ---- NULL outputs and NULL err ---------------------------------------- */

/* Every output, and err, may be NULL: the call only validates. */
/* valid_name_eq: any case, one trailing dot on either side; nothing else. */
START_TEST(test_name_eq)
{
	ck_assert_int_eq(valid_name_eq("Mail.Example.DE", "mail.example.de."), 1);
	ck_assert_int_eq(valid_name_eq("mail.example.de.", "MAIL.example.de"), 1);
	ck_assert_int_eq(valid_name_eq(".", "."), 1);
	ck_assert_int_eq(valid_name_eq("mail.example.de", "mail.example.d"), 0);
	ck_assert_int_eq(valid_name_eq("mail.example.de..", "mail.example.de"),
	    0);
	ck_assert_int_eq(valid_name_eq("xmail.example.de", "mail.example.de"),
	    0);
}
END_TEST

START_TEST(test_null_outputs)
{
	ck_assert_int_eq(valid_domain("bücher.example", NULL, NULL, NULL), 0);
	ck_assert_int_eq(valid_domain("bad_name.de", NULL, NULL, NULL), -1);
	ck_assert_int_eq(valid_domain_to_unicode("xn--4ca.de", NULL, NULL), 0);
	ck_assert_int_eq(valid_domain_to_unicode("xn--zz.de", NULL, NULL), -1);
	ck_assert_int_eq(valid_hostname("mail", NULL, NULL), 0);
	ck_assert_int_eq(valid_hostname(NULL, NULL, NULL), -1);
	ck_assert_int_eq(valid_fqdn_dot("mail.example.de.", NULL, NULL), 0);
	ck_assert_int_eq(valid_fqdn_dot("mail.example.de", NULL, NULL), -1);
	ck_assert_int_eq(valid_email("jöran@bücher.example", NULL, NULL), 0);
	ck_assert_int_eq(valid_email("no-at-sign", NULL, NULL), -1);
	ck_assert_int_eq(valid_ip("::1", 0, NULL), 0);
	ck_assert_int_eq(valid_ip(NULL, 0, NULL), -1);
	ck_assert_int_eq(valid_hostport("[::1]:25", NULL, NULL, 25, NULL), 0);
	ck_assert_int_eq(valid_hostport("mx:0", NULL, NULL, 25, NULL), -1);
	ck_assert_int_eq(valid_mx_pref("10", NULL, NULL), 0);
	ck_assert_int_eq(valid_mx_pref("-1", NULL, NULL), -1);
	ck_assert_int_eq(valid_ttl("3600", NULL, NULL), 0);
	ck_assert_int_eq(valid_ttl("2147483648", NULL, NULL), -1);
}
END_TEST

/* ---- suite ------------------------------------------------------------ */

static void
add_table(Suite *s, const char *name, const TTest *t, int rows)
{
	TCase *tc = tcase_create(name);

	tcase_add_loop_test(tc, t, 0, rows);
	suite_add_tcase(s, tc);
}

/* The stored form of a delivery host. */
static const struct { const char *in, *out; } norm_rows[] = {
	{ "Mail.Example.NET", "mail.example.net" },
	{ "mail.example.net:25", "mail.example.net" },
	{ "mail.example.net:2525", "mail.example.net:2525" },
	{ "192.0.2.1:587", "192.0.2.1:587" },
	{ "[2001:db8::1]:2525", "[2001:db8::1]:2525" },
	{ "[2001:db8::1]", "[2001:db8::1]:25" },
	{ "bücher.example:26", "xn--bcher-kva.example:26" },
	{ "mail.example.net:0", NULL },
	{ "a b:25", NULL },
};

START_TEST(test_hostport_norm)
{
	char out[VALID_NAME_MAX + 8], err[VALID_ERR_MAX];
	int rc = valid_hostport_norm(norm_rows[_i].in, out, sizeof(out), err);

	if (norm_rows[_i].out == NULL)
		ck_assert_int_eq(rc, -1);
	else {
		ck_assert_msg(rc == 0, "%s: %s", norm_rows[_i].in, err);
		ck_assert_str_eq(out, norm_rows[_i].out);
	}
}
END_TEST

static Suite *
valid_suite(void)
{
	Suite *s = suite_create("valid");
	TCase *tc;

	add_table(s, "domain", test_domain, NROWS(domain_rows));
	add_table(s, "domain_roundtrip", test_domain_roundtrip,
	    NROWS(domain_rows));
	add_table(s, "domain_to_unicode", test_domain_to_unicode,
	    NROWS(unicode_rows));
	add_table(s, "hostname", test_hostname, NROWS(hostname_rows));
	add_table(s, "fqdn_dot", test_fqdn_dot, NROWS(fqdn_rows));
	add_table(s, "fqdn_dot_long_echo", test_fqdn_dot_long_echo,
	    NROWS(long_undotted));
	add_table(s, "email", test_email, NROWS(email_rows));
	add_table(s, "ip", test_ip, NROWS(ip_rows));
	add_table(s, "hostport", test_hostport, NROWS(hostport_rows));
	add_table(s, "hostport_norm", test_hostport_norm, NROWS(norm_rows));
	add_table(s, "mx_pref", test_mx_pref, NROWS(pref_rows));
	add_table(s, "ttl", test_ttl, NROWS(ttl_rows));
	tc = tcase_create("null_outputs");
	tcase_add_test(tc, test_null_outputs);
	tcase_add_test(tc, test_name_eq);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(valid_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
