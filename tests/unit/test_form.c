/*
 * test_form — Check suite for cgi-bin/form.c: urlencoded and multipart
 * parsing (good, malformed and hostile input), and form_check() with the
 * ready-made validators.
 *
 * The panel's sources are not in a library, so form.c is compiled into
 * this test (it must come first: it sets _GNU_SOURCE for its headers).
 * Inputs are copied into malloc'd buffers of exactly their length before
 * parsing, so a sanitizer build catches any read past the end; the parser
 * is handed a length, never a NUL to stop at.
 */
#include "../../cgi-bin/form.c"

#include <check.h>
#include <stdint.h>

#define NROWS(t)	((int)(sizeof(t) / sizeof((t)[0])))

/* Parse exactly len octets held in a buffer of that size. */
static int
parse_exact(struct form *f, const char *data, size_t len, const char *ct)
{
	char *copy = malloc(len > 0 ? len : 1);
	int rc;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, data, len);
	rc = form_parse(f, copy, len, ct);
	free(copy);	/* the form owns its own copy */
	return rc;
}

static int
parse_str(struct form *f, const char *data, const char *ct)
{
	return parse_exact(f, data, strlen(data), ct);
}

/* A failed parse leaves nothing behind. */
static void
assert_empty(const struct form *f)
{
	ck_assert_uint_eq(f->n, 0);
	ck_assert_ptr_null(f->buf);
	ck_assert_ptr_null(form_get(f, "a"));
}

/* --- urlencoded: good input, one row per case -------------------------- */

struct url_row {
	const char	*in;
	size_t		 n;		/* fields */
	const char	*name0, *value0;	/* the first field */
	const char	*name1, *value1;	/* the second, or NULL */
};

static const struct url_row url_good[] = {
	{ "", 0, NULL, NULL, NULL, NULL },
	{ "a=1&b=2", 2, "a", "1", "b", "2" },
	{ "a=hello+world", 1, "a", "hello world", NULL, NULL },
	{ "a=%41%42%2b%2B%26%3d", 1, "a", "AB++&=", NULL, NULL },
	{ "a=%c3%bc%C3%BC", 1, "a", "üü", NULL, NULL },
	{ "na%6De=x", 1, "name", "x", NULL, NULL },
	{ "flag", 1, "flag", "", NULL, NULL },		/* no '=' */
	{ "a=", 1, "a", "", NULL, NULL },
	{ "a=b=c", 1, "a", "b=c", NULL, NULL },		/* first '=' splits */
	{ "&&a=1&&b=2&", 2, "a", "1", "b", "2" },	/* empty pieces */
	{ "=x&a=1", 1, "a", "1", NULL, NULL },		/* empty name skipped */
	{ "a=%3Cscript%3E", 1, "a", "<script>", NULL, NULL },	/* kept as data */
	{ "a=1;b=2", 1, "a", "1;b=2", NULL, NULL },	/* ';' is no separator */
	{ "a=%0D%0Ax", 1, "a", "\r\nx", NULL, NULL },	/* form_check refuses */
};

START_TEST(test_url_good)
{
	const struct url_row *r = &url_good[_i];
	struct form f;

	ck_assert_msg(parse_str(&f, r->in, NULL) == 0, "row %d: %s", _i, r->in);
	ck_assert_uint_eq(f.n, r->n);
	if (r->n > 0) {
		ck_assert_str_eq(f.f[0].name, r->name0);
		ck_assert_str_eq(f.f[0].value, r->value0);
		ck_assert_uint_eq(f.f[0].len, strlen(r->value0));
		ck_assert_ptr_null(f.f[0].filename);
	}
	if (r->name1 != NULL) {
		ck_assert_str_eq(f.f[1].name, r->name1);
		ck_assert_str_eq(f.f[1].value, r->value1);
	}
	form_free(&f);
	ck_assert_ptr_null(f.buf);
}
END_TEST

/* --- urlencoded: refused input ---------------------------------------- */

static const char *const url_bad[] = {
	"a=%",		/* escape cut short */
	"a=%4",
	"a=%zz",
	"a=%4g",
	"a=%%41",
	"a=%00",	/* an escaped NUL would cut the value short */
	"%00=x",
	"a=1&b=%",	/* a bad field after good ones spoils the lot */
	"%=x",
};

START_TEST(test_url_bad)
{
	struct form f;

	ck_assert_msg(parse_str(&f, url_bad[_i], NULL) == -1, "row %d: %s", _i,
	    url_bad[_i]);
	assert_empty(&f);
	form_free(&f);		/* safe on an empty form */
}
END_TEST

START_TEST(test_url_raw_nul)
{
	struct form f;

	/* A NUL octet inside the body: refused, not silently cut. */
	ck_assert_int_eq(parse_exact(&f, "a=1\0b=2", 7, NULL), -1);
	assert_empty(&f);
	/* The length decides, not a NUL after it. */
	ck_assert_int_eq(parse_exact(&f, "a=1&b=2", 3, NULL), 0);
	ck_assert_uint_eq(f.n, 1);
	ck_assert_str_eq(form_get(&f, "a"), "1");
	ck_assert_ptr_null(form_get(&f, "b"));
	form_free(&f);
}
END_TEST

START_TEST(test_url_content_types)
{
	static const struct { const char *ct; int rc; } rows[] = {
		{ NULL, 0 },
		{ "", 0 },
		{ "application/x-www-form-urlencoded", 0 },
		{ "application/x-www-form-urlencoded; charset=UTF-8", 0 },
		{ "APPLICATION/X-WWW-FORM-URLENCODED", 0 },
		{ "text/plain", -1 },
		{ "application/json", -1 },
		{ "application/x-www-form", -1 },
		{ "multipart/form-data", -1 },	/* no boundary */
	};
	struct form f;
	int i;

	for (i = 0; i < NROWS(rows); i++) {
		ck_assert_msg(parse_str(&f, "a=1", rows[i].ct) == rows[i].rc,
		    "content type %s", rows[i].ct ? rows[i].ct : "(null)");
		form_free(&f);
	}
}
END_TEST

START_TEST(test_url_repeated)
{
	const struct form_field *ff;
	struct form f;
	size_t i = 0;

	ck_assert_int_eq(parse_str(&f, "d=a.example&x=1&d=b.example&d=",
	    NULL), 0);
	ck_assert_str_eq(form_get(&f, "d"), "a.example");	/* the first */
	ff = form_next(&f, "d", &i);
	ck_assert_str_eq(ff->value, "a.example");
	ff = form_next(&f, "d", &i);
	ck_assert_str_eq(ff->value, "b.example");
	ff = form_next(&f, "d", &i);
	ck_assert_str_eq(ff->value, "");
	ck_assert_ptr_null(form_next(&f, "d", &i));
	ck_assert_ptr_null(form_next(&f, "d", &i));	/* stays at the end */
	ck_assert_ptr_null(form_get(&f, "D"));		/* names are exact */
	ck_assert_ptr_null(form_get(&f, "nothing"));
	form_free(&f);
}
END_TEST

/* Boundary: FORM_FIELDS_MAX fields parse, one more is refused. */
START_TEST(test_url_field_limit)
{
	struct sbuf b;
	struct form f;
	char *s;
	int i;

	sbuf_init(&b);
	for (i = 0; i < FORM_FIELDS_MAX; i++)
		sbuf_printf(&b, "%sk%d=%d", i ? "&" : "", i, i);
	s = sbuf_finish(&b);
	ck_assert_int_eq(parse_str(&f, s, NULL), 0);
	ck_assert_uint_eq(f.n, FORM_FIELDS_MAX);
	ck_assert_str_eq(form_get(&f, "k255"), "255");
	form_free(&f);
	sbuf_init(&b);
	sbuf_puts(&b, s);
	sbuf_puts(&b, "&one=more");
	free(s);
	s = sbuf_finish(&b);
	ck_assert_int_eq(parse_str(&f, s, NULL), -1);
	assert_empty(&f);
	free(s);
	/* Empty pieces are not fields: they do not count. */
	sbuf_init(&b);
	for (i = 0; i < 5000; i++)
		sbuf_puts(&b, "&");
	sbuf_puts(&b, "a=1");
	s = sbuf_finish(&b);
	ck_assert_int_eq(parse_str(&f, s, NULL), 0);
	ck_assert_str_eq(form_get(&f, "a"), "1");
	form_free(&f);
	free(s);
}
END_TEST

/* A body as large as the panel accepts, in one value. */
START_TEST(test_url_large)
{
	size_t n = 1024 * 1024;
	char *s = malloc(n);
	struct form f;

	ck_assert_ptr_nonnull(s);
	memcpy(s, "big=", 4);
	memset(s + 4, 'x', n - 4);
	ck_assert_int_eq(parse_exact(&f, s, n, NULL), 0);
	ck_assert_uint_eq(f.f[0].len, n - 4);
	ck_assert_uint_eq(strlen(form_get(&f, "big")), n - 4);
	form_free(&f);
	free(s);
}
END_TEST

/* --- multipart ---------------------------------------------------------- */

#define CT	"multipart/form-data; boundary=XyZ"
#define PART(name)	"--XyZ\r\nContent-Disposition: form-data; name=\"" \
			name "\"\r\n\r\n"

START_TEST(test_mp_good)
{
	static const char body[] =
	    PART("csrf") "tok123\r\n"
	    "--XyZ\r\nContent-Disposition: form-data; name=\"list\"; "
	    "filename=\"rcpt.txt\"\r\nContent-Type: text/plain\r\n\r\n"
	    "a@example.com\r\n*@example.org\r\n\r\n"
	    PART("empty") "\r\n"
	    PART("dashes") "a --XyZ b\n--XyZ c\r--XyZ d\r\n"
	    "--XyZ--\r\n";
	struct form f;

	ck_assert_int_eq(parse_exact(&f, body, sizeof(body) - 1, CT), 0);
	ck_assert_uint_eq(f.n, 4);
	ck_assert_str_eq(form_get(&f, "csrf"), "tok123");
	ck_assert_ptr_null(f.f[0].filename);
	ck_assert_str_eq(f.f[1].name, "list");
	ck_assert_str_eq(f.f[1].filename, "rcpt.txt");
	/* The CRLFs inside the file are content; the one before the
	 * delimiter is not. */
	ck_assert_str_eq(f.f[1].value, "a@example.com\r\n*@example.org\r\n");
	ck_assert_uint_eq(f.f[1].len, 30);
	ck_assert_str_eq(form_get(&f, "empty"), "");
	ck_assert_uint_eq(f.f[2].len, 0);
	/* The boundary without a CRLF before it is content. */
	ck_assert_str_eq(form_get(&f, "dashes"),
	    "a --XyZ b\n--XyZ c\r--XyZ d");
	form_free(&f);
}
END_TEST

START_TEST(test_mp_binary)
{
	/* An upload may hold NULs and anything else: len tells its size. */
	static const char body[] =
	    "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; "
	    "filename=\"b.bin\"\r\n\r\n"
	    "\0\1\2\r\n\xff\0--Xy\r\n-\r\n"
	    "--XyZ--";
	static const char want[] = "\0\1\2\r\n\xff\0--Xy\r\n-";
	struct form f;

	ck_assert_int_eq(parse_exact(&f, body, sizeof(body) - 1, CT), 0);
	ck_assert_uint_eq(f.n, 1);
	ck_assert_uint_eq(f.f[0].len, sizeof(want) - 1);
	ck_assert_int_eq(memcmp(f.f[0].value, want, sizeof(want) - 1), 0);
	ck_assert_int_eq(f.f[0].value[f.f[0].len], '\0');
	form_free(&f);
}
END_TEST

START_TEST(test_mp_boundary_forms)
{
	static const struct { const char *ct, *body; } rows[] = {
		{ "multipart/form-data; boundary=\"a b\"",
		    "--a b\r\nContent-Disposition: form-data; name=\"x\"\r\n"
		    "\r\n1\r\n--a b--" },
		{ "Multipart/Form-Data; BOUNDARY=q; charset=utf-8",
		    "--q\r\nContent-Disposition: form-data; name=\"x\"\r\n"
		    "\r\n1\r\n--q--" },
		{ "multipart/form-data;boundary=----WebKitFormBoundary7MA4",
		    "------WebKitFormBoundary7MA4\r\ncontent-disposition: "
		    "form-data;name=\"x\"\r\n\r\n1\r\n"
		    "------WebKitFormBoundary7MA4--\r\n" },
	};
	struct form f;
	int i;

	for (i = 0; i < NROWS(rows); i++) {
		ck_assert_msg(parse_str(&f, rows[i].body, rows[i].ct) == 0,
		    "row %d", i);
		ck_assert_str_eq(form_get(&f, "x"), "1");
		form_free(&f);
	}
}
END_TEST

/* Malformed or hostile multipart bodies: refused, nothing kept. */
struct mp_bad_row {
	const char	*ct;
	const char	*body;
	const char	*why;
};

#define B71 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static const struct mp_bad_row mp_bad[] = {
	{ "multipart/form-data", PART("a") "1\r\n--XyZ--", "no boundary" },
	{ "multipart/form-data; boundary=", PART("a") "1\r\n--XyZ--",
	    "empty boundary" },
	{ "multipart/form-data; boundary=\"\"", PART("a") "1\r\n--XyZ--",
	    "empty quoted boundary" },
	{ "multipart/form-data; boundary=" B71, "--" B71 "\r\n", "boundary "
	    "longer than 70" },
	{ CT, "", "empty body" },
	{ CT, "--XyZ", "boundary only" },
	{ CT, "preamble\r\n" PART("a") "1\r\n--XyZ--", "does not start with "
	    "the boundary" },
	{ CT, "--XyW\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1"
	    "\r\n--XyZ--", "another boundary" },
	{ CT, PART("a") "1", "no closing delimiter" },
	{ CT, PART("a") "1\r\n--XyZ", "delimiter cut before its end" },
	{ CT, PART("a") "1\r\n--XyZx", "delimiter followed by junk" },
	{ CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n1\r\n"
	    "--XyZ--", "no blank line after the headers" },
	{ CT, "--XyZ\nContent-Disposition: form-data; name=\"a\"\n\n1\n"
	    "--XyZ--", "LF line ends" },
	{ CT, "--XyZ\r\nContent-Type: text/plain\r\n\r\n1\r\n--XyZ--",
	    "no Content-Disposition" },
	{ CT, "--XyZ\r\nContent-Disposition: form-data\r\n\r\n1\r\n--XyZ--",
	    "no name" },
	{ CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\n1"
	    "\r\n--XyZ--", "name without its closing quote" },
	{ CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"; "
	    "filename=\"x\r\n\r\n1\r\n--XyZ--", "filename without its "
	    "closing quote" },
	{ CT, "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n"
	    "--XyZ--", "unquoted name" },
	{ CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n",
	    "headers, then the end of the body" },
	{ CT, "--XyZ\r\n\r\n\r\n--XyZ--", "a part without headers" },
};

START_TEST(test_mp_bad)
{
	const struct mp_bad_row *r = &mp_bad[_i];
	struct form f;

	ck_assert_msg(parse_str(&f, r->body, r->ct) == -1, "accepted: %s",
	    r->why);
	assert_empty(&f);
}
END_TEST

/*
 * A part whose headers run straight into the delimiter (RFC 2046: a body
 * part may be headers only) is an empty value: its length must not wrap
 * round to a huge size_t.
 */
START_TEST(test_mp_headers_only)
{
	static const char body[] =
	    "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n"
	    "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n"
	    "2\r\n--XyZ--";
	struct form f;

	ck_assert_int_eq(parse_exact(&f, body, sizeof(body) - 1, CT), 0);
	ck_assert_uint_eq(f.n, 2);
	ck_assert_str_eq(f.f[0].name, "a");
	ck_assert_uint_eq(f.f[0].len, 0);
	ck_assert_str_eq(f.f[0].value, "");
	ck_assert_str_eq(form_get(&f, "b"), "2");
	form_free(&f);
}
END_TEST

START_TEST(test_mp_part_limit)
{
	struct sbuf b;
	struct form f;
	char *s;
	int i;

	sbuf_init(&b);
	for (i = 0; i < FORM_FIELDS_MAX + 1; i++)
		sbuf_printf(&b, "--XyZ\r\nContent-Disposition: form-data; "
		    "name=\"k%d\"\r\n\r\n%d\r\n", i, i);
	sbuf_puts(&b, "--XyZ--");
	s = sbuf_finish(&b);
	ck_assert_int_eq(parse_str(&f, s, CT), -1);
	assert_empty(&f);
	free(s);
}
END_TEST

/*
 * Hostile bytes: every truncation of a good body, and many random
 * mutations of it, must parse or fail cleanly -- under the sanitizer
 * build a read or write out of bounds aborts the test.  Whatever parses
 * has every value inside the parser's own buffer.
 */
static void
fuzz_one(const char *data, size_t len, const char *ct)
{
	struct form f;
	size_t i;

	if (parse_exact(&f, data, len, ct) == -1) {
		assert_empty(&f);
		return;
	}
	for (i = 0; i < f.n; i++) {
		ck_assert_int_eq(f.f[i].value[f.f[i].len], '\0');
		ck_assert(f.f[i].name >= f.buf && f.f[i].name < f.buf + len);
		if (f.f[i].len == 0)	/* may be a "" of the parser's */
			continue;
		ck_assert(f.f[i].value >= f.buf);
		ck_assert(f.f[i].value + f.f[i].len <= f.buf + len);
	}
	form_free(&f);
}

START_TEST(test_hostile_bytes)
{
	static const char mp[] =
	    PART("csrf") "tok\r\n"
	    "--XyZ\r\nContent-Disposition: form-data; name=\"up\"; "
	    "filename=\"a.txt\"\r\n\r\nx@example.com\r\n--XyZ--\r\n";
	static const char url[] = "csrf=abc&d=b%C3%BCcher.example&x=1+2";
	static const char alphabet[] = "-\r\n\"%=&;+XyZ\0az09";
	char buf[sizeof(mp)];
	unsigned seed = 12345;
	size_t len, k;
	int i, j;

	for (len = 0; len < sizeof(mp); len++)
		fuzz_one(mp, len, CT);
	for (len = 0; len < sizeof(url); len++)
		fuzz_one(url, len, NULL);
	for (i = 0; i < 20000; i++) {
		const char *src = i % 2 ? mp : url;
		size_t n = i % 2 ? sizeof(mp) - 1 : sizeof(url) - 1;

		memcpy(buf, src, n);
		for (j = 0; j < 1 + i % 4; j++) {
			seed = seed * 1103515245u + 12345u;
			k = (seed >> 8) % n;
			buf[k] = alphabet[(seed >> 20) % (sizeof(alphabet) - 1)];
		}
		seed = seed * 1103515245u + 12345u;
		fuzz_one(buf, n - (seed >> 16) % 3, i % 2 ? CT : NULL);
	}
}
END_TEST

/* --- form_check --------------------------------------------------------- */

enum { K_NAME, K_NOTE, K_DOMAIN, K_HOST, K_PREF, K_ON, K_N };

static const struct form_key keys[K_N] = {
	{ "name",	1, NULL },
	{ "note",	0, NULL },
	{ "domain",	1, form_v_domain },
	{ "host",	0, form_v_hostport },
	{ "pref",	0, form_v_int },
	{ "on",		0, form_v_bool },
};

static const char ANY[] = "(any error)";	/* errs: whatever it says */

struct check_row {
	const char	*in;		/* urlencoded form */
	int		 bad;		/* form_check's count */
	const char	*vals[K_N];	/* NULL: don't care */
	const char	*errs[K_N];	/* NULL: no error; ANY; or a substring */
};

static const struct check_row check_rows[] = {
	{ "name=Ann&domain=example.com", 0,
	    { "Ann", "", "example.com", "", "", "" }, { NULL } },
	/* Trimmed; IDN normalised to its A-label; typed forms normalised. */
	{ "name=+%09Ann+&domain=B%C3%BCcher.Example&host=Mail.Example.COM:25"
	    "&pref=007&on=yes", 0,
	    { "Ann", "", "xn--bcher-kva.example", "mail.example.com", "007",
	    "1" }, { NULL } },
	{ "name=a&domain=a.example&host=mx.a.example:2525&on=off", 0,
	    { NULL, NULL, NULL, "mx.a.example:2525", NULL, "0" }, { NULL } },
	{ "name=a&domain=a.example&host=[2001:db8::1]:25", 0,
	    { NULL, NULL, NULL, "[2001:db8::1]:25", NULL, NULL }, { NULL } },
	/* Missing and blank required fields. */
	{ "", 2, { "", "", "", "", "", "" },
	    { "required", NULL, "required", NULL, NULL, NULL } },
	{ "name=+++&domain=%09", 2, { "   ", NULL, "\t", NULL, NULL, NULL },
	    { "required", NULL, "required", NULL, NULL, NULL } },
	/* Blank optional fields are fine and empty. */
	{ "name=a&domain=a.example&note=&host=++&pref=", 0,
	    { "a", "", "a.example", "", "", "" }, { NULL } },
	/* A validator's refusal: its reason, and the input kept. */
	{ "name=a&domain=not+a+domain&pref=12a&on=maybe&host=bad+host!", 4,
	    { "a", "", "not a domain", "bad host!", "12a", "maybe" },
	    { NULL, NULL, ANY, ANY, "whole number", "on or off" } },
	{ "name=a&domain=a.example&pref=1234567890", 1,
	    { NULL, NULL, NULL, NULL, "1234567890", NULL },
	    { NULL, NULL, NULL, NULL, "whole number", NULL } },
	/* Control characters are refused in any field. */
	{ "name=a%0Db&domain=a.example&note=x%1By", 2,
	    { "a\rb", "x\x1by", NULL, NULL, NULL, NULL },
	    { "control character", "control character", NULL, NULL, NULL,
	    NULL } },
	{ "name=a%7Fb&domain=a.example", 1, { NULL },
	    { "control character", NULL, NULL, NULL, NULL, NULL } },
	/* Markup is just text to form_check: the templates escape it. */
	{ "name=%3Cscript%3Ealert(1)%3C%2Fscript%3E&domain=%3Cb%3E.example",
	    1, { "<script>alert(1)</script>", NULL, "<b>.example", NULL,
	    NULL, NULL }, { NULL, NULL, ANY, NULL, NULL, NULL } },
	/* The first of repeated fields counts. */
	{ "name=first&name=second&domain=a.example", 0,
	    { "first", NULL, NULL, NULL, NULL, NULL }, { NULL } },
};

START_TEST(test_check)
{
	const struct check_row *r = &check_rows[_i];
	char vals[K_N][FORM_VALUE_MAX], errs[K_N][VALID_ERR_MAX];
	const char *want;
	struct form f;
	int k, bad;

	memset(vals, 'J', sizeof(vals));	/* junk: every slot is set */
	memset(errs, 'J', sizeof(errs));
	ck_assert_int_eq(parse_str(&f, r->in, NULL), 0);
	bad = form_check(&f, keys, K_N, vals, errs);
	form_free(&f);
	ck_assert_msg(bad == r->bad, "row %d: %d errors, want %d", _i, bad,
	    r->bad);
	for (k = 0; k < K_N; k++) {
		ck_assert(memchr(vals[k], '\0', FORM_VALUE_MAX) != NULL);
		ck_assert(memchr(errs[k], '\0', VALID_ERR_MAX) != NULL);
		if (r->vals[k] != NULL)
			ck_assert_msg(strcmp(vals[k], r->vals[k]) == 0,
			    "row %d key %s: value '%s', want '%s'", _i,
			    keys[k].name, vals[k], r->vals[k]);
		want = r->errs[k];
		if (want == NULL)
			ck_assert_msg(errs[k][0] == '\0', "row %d key %s: "
			    "error '%s'", _i, keys[k].name, errs[k]);
		else
			ck_assert_msg(errs[k][0] != '\0' && (want == ANY ||
			    strstr(errs[k], want) != NULL), "row %d key %s: "
			    "error '%s', want '%s'", _i, keys[k].name, errs[k],
			    want);
	}
}
END_TEST

/* Boundary: FORM_VALUE_MAX - 1 octets fit, FORM_VALUE_MAX do not. */
START_TEST(test_check_length)
{
	static const struct form_key k1[] = { { "t", 1, NULL } };
	char vals[1][FORM_VALUE_MAX], errs[1][VALID_ERR_MAX];
	char in[FORM_VALUE_MAX + 8];
	struct form f;

	memcpy(in, "t=", 2);
	memset(in + 2, 'x', FORM_VALUE_MAX - 1);
	in[FORM_VALUE_MAX + 1] = '\0';
	ck_assert_int_eq(parse_str(&f, in, NULL), 0);
	ck_assert_int_eq(form_check(&f, k1, 1, vals, errs), 0);
	ck_assert_uint_eq(strlen(vals[0]), FORM_VALUE_MAX - 1);
	form_free(&f);

	in[FORM_VALUE_MAX + 1] = 'x';
	in[FORM_VALUE_MAX + 2] = '\0';
	ck_assert_int_eq(parse_str(&f, in, NULL), 0);
	ck_assert_int_eq(form_check(&f, k1, 1, vals, errs), 1);
	ck_assert_ptr_nonnull(strstr(errs[0], "too long"));
	ck_assert_uint_eq(strlen(vals[0]), FORM_VALUE_MAX - 1);	/* cut */
	form_free(&f);

	/* Surrounding blanks do not count against the limit. */
	memcpy(in, "t=++", 4);
	memset(in + 4, 'y', FORM_VALUE_MAX - 1);
	memcpy(in + 3 + FORM_VALUE_MAX, "++", 3);
	ck_assert_int_eq(parse_str(&f, in, NULL), 0);
	ck_assert_int_eq(form_check(&f, k1, 1, vals, errs), 0);
	ck_assert_uint_eq(strlen(vals[0]), FORM_VALUE_MAX - 1);
	form_free(&f);
}
END_TEST

START_TEST(test_validators_direct)
{
	char out[FORM_VALUE_MAX], err[VALID_ERR_MAX];

	ck_assert_int_eq(form_v_int("0", out, sizeof(out), err), 0);
	ck_assert_str_eq(out, "0");
	ck_assert_int_eq(form_v_int("123456789", out, sizeof(out), err), 0);
	ck_assert_int_eq(form_v_int("-1", out, sizeof(out), err), -1);
	ck_assert_int_eq(form_v_int("+1", out, sizeof(out), err), -1);
	ck_assert_int_eq(form_v_int("1 ", out, sizeof(out), err), -1);
	ck_assert_int_eq(form_v_int("١", out, sizeof(out), err), -1);
	ck_assert_int_eq(form_v_bool("1", out, sizeof(out), err), 0);
	ck_assert_str_eq(out, "1");
	ck_assert_int_eq(form_v_bool("no", out, sizeof(out), err), 0);
	ck_assert_str_eq(out, "0");
	ck_assert_int_eq(form_v_bool("ON", out, sizeof(out), err), -1);
	ck_assert_int_eq(form_v_bool("true", out, sizeof(out), err), -1);
	ck_assert_int_eq(form_v_domain("münchen.example", out, sizeof(out),
	    err), 0);
	ck_assert_str_eq(out, "xn--mnchen-3ya.example");
	ck_assert_int_eq(form_v_domain("localhost", out, sizeof(out), err),
	    -1);
	ck_assert_int_eq(form_v_domain("a..example", out, sizeof(out), err),
	    -1);
	ck_assert_int_eq(form_v_hostport("mx.example:0", out, sizeof(out),
	    err), -1);
	ck_assert_int_eq(form_v_hostport("mx.example:65536", out, sizeof(out),
	    err), -1);
	ck_assert_int_eq(form_v_hostport("192.0.2.1:587", out, sizeof(out),
	    err), 0);
	ck_assert_str_eq(out, "192.0.2.1:587");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("form");
	TCase *u = tcase_create("urlencoded");
	TCase *m = tcase_create("multipart");
	TCase *c = tcase_create("check");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(u, test_url_good, 0, NROWS(url_good));
	tcase_add_loop_test(u, test_url_bad, 0, NROWS(url_bad));
	tcase_add_test(u, test_url_raw_nul);
	tcase_add_test(u, test_url_content_types);
	tcase_add_test(u, test_url_repeated);
	tcase_add_test(u, test_url_field_limit);
	tcase_add_test(u, test_url_large);
	suite_add_tcase(s, u);
	tcase_add_test(m, test_mp_good);
	tcase_add_test(m, test_mp_binary);
	tcase_add_test(m, test_mp_boundary_forms);
	tcase_add_loop_test(m, test_mp_bad, 0, NROWS(mp_bad));
	tcase_add_test(m, test_mp_headers_only);
	tcase_add_test(m, test_mp_part_limit);
	tcase_add_test(m, test_hostile_bytes);
	tcase_set_timeout(m, 60);
	suite_add_tcase(s, m);
	tcase_add_loop_test(c, test_check, 0, NROWS(check_rows));
	tcase_add_test(c, test_check_length);
	tcase_add_test(c, test_validators_direct);
	suite_add_tcase(s, c);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
