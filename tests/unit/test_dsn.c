/*
 * test_dsn — delivery status notifications: the multipart/report layout
 * (boundary, parts, their types), the RFC 3464 fields and their order,
 * the subject for each mix of outcomes, CRLF and 998-octet lines
 * everywhere, the original's header section attached (never its body),
 * 7-bit output for UTF-8 addresses and 8-bit headers, and hostile input:
 * replies with CR/LF, control characters and 5000 octets, a missing
 * original, bad arguments, and 300 rounds of random bytes everywhere.
 *
 * With BMX_DSN_SAMPLE=path, the "sample" case also writes a report to
 * path and the header section it attached to path.headers, for
 * tests/relay/test_dsn_parse.sh to check with Python's email package.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <sodium.h>

#include "dsn.h"

#define NOW	1700000000	/* Tue, 14 Nov 2023 22:13:20 +0000 */
#define HDRS	"Received: from mail.example.org ([192.0.2.7])\r\n" \
		"\tby mx.backup.example (backupmx) with ESMTP id 4AB\r\n" \
		"From: Alice <alice@example.org>\r\n" \
		"To: bob@example.com\r\n" \
		"Subject: quarterly figures\r\n" \
		"Message-ID: <1@example.org>\r\n"
#define SAMPLE_HDRS HDRS "X-Umlaut: gr\xc3\xbc\xc3\x9f\r\n"
#define BODY	"\r\nTHE BODY MUST NOT COME BACK\r\n.\r\nsecond line\r\n"

static char tmpdir[] = "/tmp/bmx-test-dsn.XXXXXX";
static char orig[300];

static const struct dsn_msg msg = {
	.reporting_mta = "mx.backup.example",
	.queue_id = "4AB12CDEFGH00001",
	.envid = "QQ314159",
	.sender = "alice@example.org",
	.client = "dns; mail.example.org [192.0.2.7]",
	.arrival = NOW - 14 * 86400,
	.now = NOW,
};

static const struct dsn_rcpt failed = { "bob@example.com",
	"rfc822;bob@example.com", "failed", "5.1.1", "mx1.example.com",
	"550 5.1.1 <bob@example.com>: Recipient address rejected: User "
	"unknown in virtual mailbox table", NOW - 60 };
static const struct dsn_rcpt delayed = { "carol@example.net", NULL,
	"delayed", "4.4.1", NULL, "connect to mx.example.net[198.51.100.1]:25: "
	"Connection refused", NOW - 300 };
static const struct dsn_rcpt delivered = { "dave@example.com", NULL,
	"delivered", "2.0.0", "mx1.example.com", "250 2.0.0 Ok: queued as X",
	NOW - 30 };

/* ---- helpers ---------------------------------------------------------- */

static void
write_orig(const char *text, size_t len)
{
	FILE *f;

	snprintf(orig, sizeof(orig), "%s/orig", tmpdir);
	ck_assert_ptr_nonnull(f = fopen(orig, "wb"));
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

static void
setup(void)
{
	strcpy(tmpdir, "/tmp/bmx-test-dsn.XXXXXX");	/* CK_FORK=no too */
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	write_orig(HDRS BODY, strlen(HDRS BODY));
}

static void
teardown(void)
{
	unlink(orig);
	rmdir(tmpdir);
}

/* The report for these recipients of msg, from the current original. */
static char *
build(const struct dsn_msg *m, const struct dsn_rcpt *r, size_t n)
{
	char err[DSN_ERR_MAX] = "";
	struct sbuf out;

	sbuf_init(&out);
	ck_assert_msg(dsn_build(m, r, n, orig, &out, err) == 0, "%s", err);
	return sbuf_finish(&out);
}

/* A report cut into its pieces; every string is malloc'd. */
struct report {
	char	*top;			/* top-level header section */
	char	 boundary[80];
	int	 nparts;
	char	*head[3], *body[3];	/* each part's fields and body */
	int	 closed;		/* "--B--" CRLF ends the text */
};

static void
parse(const char *s, struct report *rp)
{
	const char *p, *end, *next, *b;
	char delim[90];

	memset(rp, 0, sizeof(*rp));
	ck_assert_ptr_nonnull(end = strstr(s, "\r\n\r\n"));
	rp->top = strndup(s, (size_t)(end - s) + 2);
	ck_assert_ptr_nonnull(b = strstr(rp->top, "boundary=\""));
	b += strlen("boundary=\"");
	ck_assert_ptr_nonnull(strchr(b, '"'));
	memcpy(rp->boundary, b, (size_t)(strchr(b, '"') - b));
	snprintf(delim, sizeof(delim), "\r\n--%s", rp->boundary);
	for (p = strstr(end, delim); p != NULL; p = next) {
		p += strlen(delim);
		if (strcmp(p, "--\r\n") == 0) {
			rp->closed = 1;
			break;
		}
		ck_assert_msg(strncmp(p, "\r\n", 2) == 0,
		    "junk after delimiter");
		ck_assert_int_lt(rp->nparts, 3);
		p += 2;
		ck_assert_ptr_nonnull(next = strstr(p, delim));
		ck_assert_ptr_nonnull(end = strstr(p, "\r\n\r\n"));
		ck_assert_msg(end <= next, "part without header section");
		rp->head[rp->nparts] = strndup(p, (size_t)(end - p) + 2);
		rp->body[rp->nparts] = strndup(end + 4,
		    (size_t)(next - end - 4));
		rp->nparts++;
	}
}

static void
report_free(struct report *rp)
{
	int i;

	free(rp->top);
	for (i = 0; i < rp->nparts; i++) {
		free(rp->head[i]);
		free(rp->body[i]);
	}
}

/* Unfolded value of field name in a header block, or NULL; malloc'd. */
static char *
field(const char *block, const char *name)
{
	size_t nlen = strlen(name);
	const char *p = block, *v;
	struct sbuf out;

	while (p != NULL && !(strncasecmp(p, name, nlen) == 0 &&
	    p[nlen] == ':'))
		if ((p = strstr(p, "\r\n")) != NULL)
			p += 2;
	if (p == NULL)
		return NULL;
	sbuf_init(&out);
	for (v = p + nlen + 1; *v == ' '; v++)
		;
	for (; *v != '\0'; v++) {
		if (v[0] == '\r' && v[1] == '\n') {
			if (v[2] != ' ' && v[2] != '\t')
				break;
			v++;
			continue;
		}
		sbuf_add(&out, v, 1);
	}
	return sbuf_finish(&out);
}

static void
assert_field(const char *block, const char *name, const char *want)
{
	char *got = field(block, name);

	ck_assert_msg(got != NULL, "no %s: in\n%s", name, block);
	ck_assert_str_eq(got, want);
	free(got);
}

/* names appear in block in this order, each at the start of a line. */
static void
assert_order(const char *block, const char *const *names)
{
	const char *last = block, *at;
	char key[80];

	for (; *names != NULL; names++) {
		snprintf(key, sizeof(key), "\n%s:", *names);
		at = strncmp(block, key + 1, strlen(key + 1)) == 0 ? block :
		    strstr(block, key);
		ck_assert_msg(at != NULL, "no %s in\n%s", *names, block);
		ck_assert_msg(at >= last, "%s out of order in\n%s", *names,
		    block);
		last = at;
	}
}

/*
 * CRLF line ends only; no line longer than max octets.  (Plain ifs: each
 * ck_assert records a mark point, far too slow per octet.)
 */
static void
assert_lines(const char *s, size_t max)
{
	size_t col = 0;

	for (; *s != '\0'; s++) {
		if (*s == '\r') {
			if (s[1] != '\n')
				ck_abort_msg("bare CR");
			col = 0;
			s++;
			continue;
		}
		if (*s == '\n')
			ck_abort_msg("bare LF");
		if (++col > max)
			ck_abort_msg("line longer than %zu", max);
	}
}

static int
is_7bit(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

static int
count(const char *s, const char *what)
{
	int n = 0;

	while ((s = strstr(s, what)) != NULL) {
		n++;
		s += strlen(what);
	}
	return n;
}

/* Split a message/delivery-status body into its blocks (max 8). */
static int
blocks(const char *body, char **out)
{
	const char *p = body, *e;
	int n = 0;

	while (n < 8) {
		e = strstr(p, "\r\n\r\n");
		out[n++] = strndup(p, e != NULL ? (size_t)(e - p) + 2 :
		    strlen(p));
		if (e == NULL)
			break;
		p = e + 4;
	}
	return n;
}

static void
blocks_free(char **b, int n)
{
	while (n-- > 0)
		free(b[n]);
}

/* Quoted-printable decoding (RFC 2045, 6.7), for the checks. */
static char *
qp_decode(const char *s, size_t *len)
{
	struct sbuf out;
	unsigned int c;
	char ch;

	sbuf_init(&out);
	for (; *s != '\0'; s++) {
		if (s[0] == '=' && s[1] == '\r' && s[2] == '\n') {
			s += 2;
			continue;
		}
		if (s[0] == '=') {
			if (sscanf(s + 1, "%2X", &c) != 1)
				ck_abort_msg("bad quoted-printable");
			ch = (char)c;
			sbuf_add(&out, &ch, 1);
			s += 2;
			continue;
		}
		sbuf_add(&out, s, 1);
	}
	*len = out.len;
	return sbuf_finish(&out);
}

/* ---- structure -------------------------------------------------------- */

START_TEST(layout)
{
	static const char *const top[] = { "From", "To", "Subject", "Date",
	    "Message-ID", "MIME-Version", "Auto-Submitted", "Content-Type",
	    NULL };
	static const char ct[] = "multipart/report; "
	    "report-type=delivery-status; boundary=\"=_";
	char *s = build(&msg, &failed, 1), delim[100], *v;
	struct report rp;

	assert_lines(s, 998);
	ck_assert(is_7bit(s));
	parse(s, &rp);
	assert_order(rp.top, top);
	assert_field(rp.top, "From",
	    "\"Mail Delivery System\" <MAILER-DAEMON@mx.backup.example>");
	assert_field(rp.top, "To", "<alice@example.org>");
	assert_field(rp.top, "Subject", "Undelivered Mail Returned to Sender");
	assert_field(rp.top, "Date", "Tue, 14 Nov 2023 22:13:20 +0000");
	assert_field(rp.top, "MIME-Version", "1.0");
	assert_field(rp.top, "Auto-Submitted", "auto-replied");
	v = field(rp.top, "Message-ID");
	ck_assert_msg(strncmp(v, "<20231114221320.", 16) == 0, "%s", v);
	ck_assert_int_eq(strlen(v), 16 + 16 + strlen("@mx.backup.example>"));
	ck_assert_str_eq(v + 32, "@mx.backup.example>");
	free(v);
	v = field(rp.top, "Content-Type");
	ck_assert_str_eq(v + strlen(v) - 1, "\"");
	ck_assert(strncmp(v, ct, strlen(ct)) == 0);
	free(v);
	/* The boundary: random hex behind "=_", three parts, closed last. */
	ck_assert_uint_eq(strlen(rp.boundary), 34);
	ck_assert_uint_eq(strspn(rp.boundary + 2, "0123456789abcdef"), 32);
	snprintf(delim, sizeof(delim), "\r\n--%s\r\n", rp.boundary);
	ck_assert_int_eq(count(s, delim), 3);
	snprintf(delim, sizeof(delim), "\r\n--%s--\r\n", rp.boundary);
	ck_assert_int_eq(count(s, delim), 1);
	ck_assert_str_eq(s + strlen(s) - strlen(delim), delim);
	ck_assert_int_eq(rp.nparts, 3);
	ck_assert(rp.closed);
	assert_field(rp.head[0], "Content-Type",
	    "text/plain; charset=us-ascii");
	assert_field(rp.head[1], "Content-Type", "message/delivery-status");
	assert_field(rp.head[2], "Content-Type", "text/rfc822-headers");
	ck_assert_ptr_null(field(rp.head[0], "Content-Transfer-Encoding"));
	ck_assert_ptr_null(field(rp.head[2], "Content-Transfer-Encoding"));
	report_free(&rp);
	free(s);
}
END_TEST

START_TEST(status_fields)
{
	static const char *const per_msg[] = { "Original-Envelope-Id",
	    "Reporting-MTA", "Received-From-MTA", "Arrival-Date",
	    "X-Backupmx-Queue-ID", NULL };
	static const char *const per_rcpt[] = { "Original-Recipient",
	    "Final-Recipient", "Action", "Status", "Remote-MTA",
	    "Diagnostic-Code", "Last-Attempt-Date", NULL };
	char *s = build(&msg, &failed, 1), *b[8];
	struct report rp;

	parse(s, &rp);
	ck_assert_int_eq(blocks(rp.body[1], b), 2);
	assert_order(b[0], per_msg);
	assert_field(b[0], "Original-Envelope-Id", "QQ314159");
	assert_field(b[0], "Reporting-MTA", "dns; mx.backup.example");
	assert_field(b[0], "Received-From-MTA",
	    "dns; mail.example.org [192.0.2.7]");
	assert_field(b[0], "Arrival-Date", "Tue, 31 Oct 2023 22:13:20 +0000");
	assert_field(b[0], "X-Backupmx-Queue-ID", "4AB12CDEFGH00001");
	assert_order(b[1], per_rcpt);
	assert_field(b[1], "Original-Recipient", "rfc822; bob@example.com");
	assert_field(b[1], "Final-Recipient", "rfc822; bob@example.com");
	assert_field(b[1], "Action", "failed");
	assert_field(b[1], "Status", "5.1.1");
	assert_field(b[1], "Remote-MTA", "dns; mx1.example.com");
	assert_field(b[1], "Diagnostic-Code", "smtp; 550 5.1.1 "
	    "<bob@example.com>: Recipient address rejected: User unknown in "
	    "virtual mailbox table");
	assert_field(b[1], "Last-Attempt-Date",
	    "Tue, 14 Nov 2023 22:12:20 +0000");
	/* Header fields are folded to 78 columns when words allow it. */
	assert_lines(rp.body[1], 78);
	ck_assert(strstr(rp.body[0], "<bob@example.com>: host mx1.example.com "
	    "said: 550 5.1.1") != NULL);
	assert_lines(rp.body[0], 76);
	blocks_free(b, 2);
	report_free(&rp);
	free(s);
}
END_TEST

/* Optional fields stay out when there is nothing to say. */
START_TEST(minimal_fields)
{
	struct dsn_msg m = msg;
	struct dsn_rcpt r = { "bob@example.com", NULL, "failed", "5.1.1",
	    NULL, NULL, 0 };
	char *s, *b[8];
	struct report rp;
	static const char *const absent[] = { "Original-Envelope-Id",
	    "Received-From-MTA", "Arrival-Date", "X-Backupmx-Queue-ID",
	    "Original-Recipient", "Remote-MTA", "Diagnostic-Code",
	    "Last-Attempt-Date" };
	size_t i;

	m.envid = m.client = m.queue_id = NULL;
	m.arrival = 0;
	s = build(&m, &r, 1);
	parse(s, &rp);
	ck_assert_int_eq(blocks(rp.body[1], b), 2);
	for (i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
		ck_assert_ptr_null(field(b[0], absent[i]));
		ck_assert_ptr_null(field(b[1], absent[i]));
	}
	assert_field(b[1], "Status", "5.1.1");
	ck_assert(strstr(rp.body[0], "<bob@example.com>: status 5.1.1") !=
	    NULL);
	blocks_free(b, 2);
	report_free(&rp);
	free(s);
}
END_TEST

/* ---- subjects and blocks for each mix of outcomes ---------------------- */

static const struct mix {
	const char	*actions;	/* f failed, d delayed, s delivered */
	const char	*subject;
	const char	*in_text;
} mixes[] = {
	{ "f", "Undelivered Mail Returned to Sender", "failed permanently" },
	{ "d", "Delayed Mail (still being retried)", "WARNING ONLY" },
	{ "s", "Successful Mail Delivery Report", "was delivered to" },
	{ "dd", "Delayed Mail (still being retried)", "still being retried:" },
	{ "fd", "Undelivered Mail Returned to Sender", "still being retried:" },
	{ "dsd", "Delayed Mail (still being retried)", "was delivered to" },
	{ "sdf", "Undelivered Mail Returned to Sender", "failed permanently" },
	{ "ss", "Successful Mail Delivery Report", "successful delivery" },
};

START_TEST(mix)
{
	const struct mix *x = &mixes[_i];
	struct dsn_rcpt r[4];
	char *s, *b[8], *v;
	struct report rp;
	size_t i, n = strlen(x->actions);

	for (i = 0; i < n; i++)
		r[i] = x->actions[i] == 'f' ? failed : x->actions[i] == 'd' ?
		    delayed : delivered;
	s = build(&msg, r, n);
	assert_lines(s, 998);
	parse(s, &rp);
	assert_field(rp.top, "Subject", x->subject);
	ck_assert_msg(strstr(rp.body[0], x->in_text) != NULL, "%s",
	    rp.body[0]);
	ck_assert_int_eq(blocks(rp.body[1], b), (int)n + 1);
	for (i = 0; i < n; i++) {
		assert_field(b[i + 1], "Action", r[i].action);
		assert_field(b[i + 1], "Status", r[i].status);
		v = field(b[i + 1], "Final-Recipient");
		ck_assert_str_eq(v + strlen("rfc822; "), r[i].address);
		free(v);
		ck_assert(strstr(rp.body[0], r[i].address) != NULL);
	}
	ck_assert_ptr_null(field(b[0], "Action"));
	ck_assert_int_eq(count(rp.body[0], "WARNING ONLY"),
	    strchr(x->actions, 'd') && !strchr(x->actions, 'f'));
	blocks_free(b, (int)n + 1);
	report_free(&rp);
	free(s);
}
END_TEST

/* A missing or bad Status falls back to the action's class. */
START_TEST(status_fallback)
{
	struct dsn_rcpt r[4] = { failed, delayed, delivered, failed };
	char *s, *b[8];
	struct report rp;

	r[0].status = "bogus";
	r[1].status = NULL;
	r[2].status = "2.0";
	r[3].status = "5.1.1\r\nX-Injected: yes";
	s = build(&msg, r, 4);
	parse(s, &rp);
	ck_assert_int_eq(blocks(rp.body[1], b), 5);
	assert_field(b[1], "Status", "5.0.0");
	assert_field(b[2], "Status", "4.0.0");
	assert_field(b[3], "Status", "2.0.0");
	assert_field(b[4], "Status", "5.0.0");
	ck_assert_ptr_null(strstr(s, "X-Injected"));
	blocks_free(b, 5);
	report_free(&rp);
	free(s);
}
END_TEST

/* ---- the original's headers -------------------------------------------- */

START_TEST(headers_attached)
{
	char *s = build(&msg, &failed, 1);
	struct report rp;

	parse(s, &rp);
	ck_assert_str_eq(rp.body[2], HDRS);
	ck_assert_ptr_null(strstr(s, "THE BODY"));
	ck_assert_ptr_null(strstr(s, "second line"));
	report_free(&rp);
	free(s);
}
END_TEST

/* What is attached for each form of original. */
static const struct orig_case {
	const char	*text;
	size_t		 len;		/* 0: strlen */
	const char	*want;		/* decoded part 3 */
	size_t		 want_len;	/* 0: strlen */
	int		 qp;
} origs[] = {
	{ "A: 1\nB: 2\n\nbody\n", 0, "A: 1\r\nB: 2\r\n", 0, 0 },
	{ "A: 1\r\nB: 2", 0, "A: 1\r\nB: 2\r\n", 0, 0 },
	{ "\r\nbody only\r\n", 0, "", 0, 0 },
	{ "", 0, "", 0, 0 },
	{ "Subject: gr\xc3\xbc\xc3\x9f\r\nX: 1\r\n\r\nb\xc3\xbc\r\n", 0,
	    "Subject: gr\xc3\xbc\xc3\x9f\r\nX: 1\r\n", 0, 1 },
	{ "X: a\rb\r\n\r\n", 0, "X: a\rb\r\n", 0, 1 },
	{ "X: a\0b\r\n\r\nbody", 14, "X: a\0b\r\n", 8, 1 },
	{ "X: trailing blank \r\nY: =_\t\r\n\r\n", 0,
	    "X: trailing blank \r\nY: =_\t\r\n", 0, 0 },
};

START_TEST(headers_forms)
{
	const struct orig_case *c = &origs[_i];
	size_t len = c->len ? c->len : strlen(c->text), got_len;
	size_t want_len = c->want_len ? c->want_len : strlen(c->want);
	char *s, *got, *v;
	struct report rp;

	write_orig(c->text, len);
	s = build(&msg, &delayed, 1);
	assert_lines(s, 998);
	ck_assert(is_7bit(s));
	parse(s, &rp);
	v = field(rp.head[2], "Content-Transfer-Encoding");
	if (c->qp) {
		ck_assert_str_eq(v, "quoted-printable");
		assert_lines(rp.body[2], 76);
		got = qp_decode(rp.body[2], &got_len);
	} else {
		ck_assert_ptr_null(v);
		got = strdup(rp.body[2]);
		got_len = strlen(got);
	}
	ck_assert_uint_eq(got_len, want_len);
	ck_assert(memcmp(got, c->want, want_len) == 0);
	ck_assert_ptr_null(strstr(s, "body"));
	free(v);
	free(got);
	report_free(&rp);
	free(s);
}
END_TEST

/* A 1500-octet header line travels in quoted-printable. */
START_TEST(headers_long_line)
{
	char text[1700], *s, *got;
	struct report rp;
	size_t len;

	memcpy(text, "X-Long: ", 8);
	memset(text + 8, 'a', 1492);
	strcpy(text + 1500, "\r\nY: 2\r\n\r\nbody\r\n");
	write_orig(text, strlen(text));
	s = build(&msg, &failed, 1);
	assert_lines(s, 998);
	parse(s, &rp);
	assert_field(rp.head[2], "Content-Transfer-Encoding",
	    "quoted-printable");
	assert_lines(rp.body[2], 76);
	got = qp_decode(rp.body[2], &len);
	ck_assert_uint_eq(len, 1500 + 8);
	ck_assert(memcmp(got, text, len) == 0);
	free(got);
	report_free(&rp);
	free(s);
}
END_TEST

/* 100 KB of headers: at most 64 KiB attached, whole lines only. */
START_TEST(headers_cap)
{
	struct sbuf t;
	struct report rp;
	char *s;
	int i;

	sbuf_init(&t);
	for (i = 0; i < 1000; i++)
		sbuf_printf(&t, "X-Filler-%04d: %085d\r\n", i, i);
	sbuf_puts(&t, "\r\nbody\r\n");
	write_orig(t.buf, t.len);
	s = build(&msg, &failed, 1);
	parse(s, &rp);
	ck_assert_uint_le(strlen(rp.body[2]), 65536);
	ck_assert_uint_gt(strlen(rp.body[2]), 65536 - 102);
	ck_assert_uint_eq(strlen(rp.body[2]) % 102, 0);
	ck_assert(strncmp(rp.body[2], t.buf, strlen(rp.body[2])) == 0);
	report_free(&rp);
	free(s);
	sbuf_free(&t);
}
END_TEST

/* A header that says a boundary cannot end a part early. */
START_TEST(headers_fake_boundary)
{
	char *s;
	struct report rp;

	write_orig("X: 1\r\n--=_0123\r\n--=_0123--\r\n\r\n", 30);
	s = build(&msg, &failed, 1);
	parse(s, &rp);
	ck_assert_int_eq(rp.nparts, 3);
	ck_assert(rp.closed);
	ck_assert_str_eq(rp.body[2], "X: 1\r\n--=_0123\r\n--=_0123--\r\n");
	report_free(&rp);
	free(s);
}
END_TEST

/* ---- hostile input ---------------------------------------------------- */

START_TEST(hostile_values)
{
	struct dsn_msg m = msg;
	struct dsn_rcpt r = failed;
	char *s, *b[8];
	struct report rp;

	r.diagnostic = "550 no\r\nX-Injected: yes\r\n\r\n--=_evil\r\n"
	    "Content-Type: text/html\r\n\x01\x7f\tend \xc3\xa4\xff";
	r.remote_mta = "mx.example.com\r\nX-Injected: host";
	r.address = "bob\r\nX-Injected: rcpt@example.com";
	r.orcpt = "rfc822;bob+0D+0AX-Injected:+20o@example.com";
	m.envid = "id\r\nX-Injected: envid";
	m.client = "dns; evil\r\n\r\nX-Injected: client";
	m.queue_id = "Q\nX-Injected: q";
	m.sender = "alice\r\nX-Injected: to@example.org";
	s = build(&m, &r, 1);
	assert_lines(s, 998);
	ck_assert(is_7bit(s));
	ck_assert_ptr_null(strstr(s, "\nX-Injected"));
	ck_assert_ptr_null(strstr(s, "\n--=_evil"));
	ck_assert_ptr_null(strstr(s, "\nContent-Type: text/html"));
	parse(s, &rp);
	ck_assert_int_eq(rp.nparts, 3);
	ck_assert_int_eq(blocks(rp.body[1], b), 2);
	assert_field(b[1], "Diagnostic-Code", "smtp; 550 no X-Injected: yes "
	    "--=_evil Content-Type: text/html end ??");
	assert_field(b[1], "Remote-MTA",
	    "dns; mx.example.com X-Injected: host");
	assert_field(b[1], "Final-Recipient",
	    "utf-8; bob\\x{0D}\\x{0A}X-Injected:\\x{20}rcpt@example.com");
	ck_assert_ptr_null(field(b[1], "Original-Recipient"));
	assert_field(b[0], "Original-Envelope-Id", "id X-Injected: envid");
	assert_field(b[0], "Received-From-MTA", "dns; evil X-Injected: client");
	assert_field(b[0], "X-Backupmx-Queue-ID", "Q X-Injected: q");
	assert_field(rp.top, "To", "<alice??X-Injected: to@example.org>");
	blocks_free(b, 2);
	report_free(&rp);
	free(s);
}
END_TEST

/* 5000 octets of reply: words, and one word without a blank. */
START_TEST(long_diagnostic)
{
	struct dsn_rcpt r[2] = { failed, delayed };
	char words[5001], blob[5001], *s, *b[8], *v;
	struct report rp;
	int i;

	for (i = 0; i < 5000; i++) {
		words[i] = i % 7 == 6 ? ' ' : (char)('a' + i % 26);
		blob[i] = (char)('A' + i % 26);
	}
	words[5000] = blob[5000] = '\0';
	r[0].diagnostic = words;
	r[1].diagnostic = blob;
	s = build(&msg, r, 2);
	assert_lines(s, 998);
	parse(s, &rp);
	assert_lines(rp.body[0], 76);
	ck_assert_int_eq(blocks(rp.body[1], b), 3);
	v = field(b[1], "Diagnostic-Code");
	ck_assert_uint_le(strlen(v), strlen("smtp; ") + 2000);
	ck_assert(strncmp(v + 6, words, 1900) == 0);
	ck_assert_str_eq(v + strlen(v) - 3, "...");
	free(v);
	v = field(b[2], "Diagnostic-Code");
	ck_assert_uint_le(strlen(v), strlen("smtp; ") + 2000 + 2);
	ck_assert_str_eq(v + strlen(v) - 3, "...");
	free(v);
	/* The blob is split at 998 octets, with folding blanks. */
	assert_lines(rp.body[1], 998);
	blocks_free(b, 3);
	report_free(&rp);
	free(s);
}
END_TEST

START_TEST(missing_original)
{
	char err[DSN_ERR_MAX] = "";
	struct sbuf out;

	sbuf_init(&out);
	sbuf_puts(&out, "kept");
	unlink(orig);
	ck_assert_int_eq(dsn_build(&msg, &failed, 1, orig, &out, err), -1);
	ck_assert_msg(strstr(err, orig) != NULL, "%s", err);
	ck_assert_str_eq(out.buf, "kept");
	ck_assert_int_eq(dsn_build(&msg, &failed, 1, tmpdir, &out, err), -1);
	ck_assert_msg(strstr(err, "cannot read") != NULL, "%s", err);
	ck_assert_str_eq(out.buf, "kept");
	sbuf_free(&out);
}
END_TEST

/* Arguments the caller must never pass: -1, nothing appended. */
static const struct bad_case {
	const char	*mta, *sender, *address, *action;
	size_t		 n;
} bads[] = {
	{ "mx.backup.example", "a@b.example", "c@d.example", "failed", 0 },
	{ "mx.backup.example", NULL, "c@d.example", "failed", 1 },
	{ "mx.backup.example", "", "c@d.example", "failed", 1 },
	{ "mx.backup.example", "a@b.example", NULL, "failed", 1 },
	{ "mx.backup.example", "a@b.example", "", "failed", 1 },
	{ "mx.backup.example", "a@b.example", "c@d.example", NULL, 1 },
	{ "mx.backup.example", "a@b.example", "c@d.example", "bounced", 1 },
	{ "mx.backup.example\r\nX: 1", "a@b.example", "c@d.example", "failed",
	    1 },
	{ "", "a@b.example", "c@d.example", "failed", 1 },
	{ NULL, "a@b.example", "c@d.example", "failed", 1 },
};

START_TEST(bad_arguments)
{
	const struct bad_case *c = &bads[_i];
	struct dsn_msg m = msg;
	struct dsn_rcpt r = failed;
	char err[DSN_ERR_MAX] = "";
	struct sbuf out;

	m.reporting_mta = c->mta;
	m.sender = c->sender;
	r.address = c->address;
	r.action = c->action;
	sbuf_init(&out);
	ck_assert_int_eq(dsn_build(&m, &r, c->n, orig, &out, err), -1);
	ck_assert(err[0] != '\0');
	ck_assert_uint_eq(out.len, 0);
	sbuf_free(&out);
}
END_TEST

/* ---- internationalised addresses -------------------------------------- */

START_TEST(utf8_addresses)
{
	struct dsn_rcpt r[2] = { failed, delayed };
	struct dsn_msg m = msg;
	char *s, *b[8], *text, *to;
	struct report rp;
	size_t len;

	r[0].address = "j\xc3\xb6rg+x@b\xc3\xbc.example";
	r[0].orcpt = "utf-8;j\\x{F6}rg+2Bx@b\\x{FC}.example";
	r[1].address = "\"two  blanks\"@example.net";
	s = build(&m, r, 2);
	ck_assert(is_7bit(s));
	parse(s, &rp);
	ck_assert_int_eq(blocks(rp.body[1], b), 3);
	assert_field(b[1], "Final-Recipient",
	    "utf-8; j\\x{F6}rg\\x{2B}x@b\\x{FC}.example");
	assert_field(b[1], "Original-Recipient",
	    "utf-8; j\\x{F6}rg+x@b\\x{FC}.example");
	assert_field(b[2], "Final-Recipient",
	    "utf-8; \"two\\x{20}\\x{20}blanks\"@example.net");
	/* The human part names the address as it is, in UTF-8. */
	assert_field(rp.head[0], "Content-Type", "text/plain; charset=utf-8");
	assert_field(rp.head[0], "Content-Transfer-Encoding",
	    "quoted-printable");
	assert_lines(rp.body[0], 76);
	text = qp_decode(rp.body[0], &len);
	ck_assert(strstr(text, "<j\xc3\xb6rg+x@b\xc3\xbc.example>:") != NULL);
	free(text);
	blocks_free(b, 3);
	report_free(&rp);
	free(s);
	/* A UTF-8 sender: raw UTF-8 in To: only (RFC 6532), nowhere else. */
	m.sender = "\xc3\xa5sa@b\xc3\xbc.example";
	s = build(&m, r, 2);
	ck_assert_ptr_nonnull(to = strstr(s, "\r\nTo: <"));
	ck_assert(strncmp(to, "\r\nTo: <\xc3\xa5sa@b\xc3\xbc.example>\r\n",
	    strlen("\r\nTo: <\xc3\xa5sa@b\xc3\xbc.example>\r\n")) == 0);
	memset(to, 'x', strlen("\r\nTo: <\xc3\xa5sa@b\xc3\xbc.example>"));
	ck_assert(is_7bit(s));
	free(s);
}
END_TEST

/* ORCPT as received, and what Original-Recipient says (NULL: absent). */
static const struct orcpt_case {
	const char	*orcpt, *want;
} orcpts[] = {
	{ "rfc822;bob@example.com", "rfc822; bob@example.com" },
	{ "RFC822;a+2Bb@example.com", "rfc822; a+b@example.com" },
	{ "rfc822;a+2bb+3D@example.com", "rfc822; a+b=@example.com" },
	{ "UTF-8;j\\x{F6}rg@example.com", "utf-8; j\\x{F6}rg@example.com" },
	{ "rfc822;+22a+20b+22@example.com", "rfc822; \"a b\"@example.com" },
	{ "x400;bob", NULL },
	{ "rfc822;", NULL },
	{ "rfc822", NULL },
	{ "rfc822;a+ZZ@example.com", NULL },
	{ "rfc822;a+2", NULL },
	{ "rfc822;a+0Ab@example.com", NULL },
	{ "rfc822;a+C3+A4@example.com", NULL },
	{ "rfc822;a\xc3\xa4@example.com", NULL },
};

START_TEST(orcpt)
{
	const struct orcpt_case *c = &orcpts[_i];
	struct dsn_rcpt r = failed;
	char *s, *b[8], *v;
	struct report rp;

	r.orcpt = c->orcpt;
	s = build(&msg, &r, 1);
	ck_assert(is_7bit(s));
	parse(s, &rp);
	ck_assert_int_eq(blocks(rp.body[1], b), 2);
	v = field(b[1], "Original-Recipient");
	if (c->want == NULL)
		ck_assert_ptr_null(v);
	else
		ck_assert_str_eq(v, c->want);
	free(v);
	blocks_free(b, 2);
	report_free(&rp);
	free(s);
}
END_TEST

/*
 * Random bytes in every field and in the original (CR, LF, blanks, 8-bit
 * and MIME-looking text overweighted): the report keeps its shape every
 * time.  Fixed seeds: a failure replays.  Rounds share one process (a
 * fork per round would cost seconds).
 */
static unsigned int seed;

static char
rnd_octet(void)
{
	static const char odd[] = "\r\n \t=-:;<>\"\\+\x7f\x01";

	seed = seed * 1103515245 + 12345;
	switch ((seed >> 16) % 4) {
	case 0:
		return odd[(seed >> 8) % (sizeof(odd) - 1)];
	case 1:
		return (char)(0x80 + (seed >> 9) % 0x80);
	default:
		return (char)(0x21 + (seed >> 9) % 0x5e);
	}
}

static char *
rnd_text(size_t max, int nonempty)
{
	size_t i, len;
	char *s;

	seed = seed * 1103515245 + 12345;
	len = (seed >> 8) % max + (nonempty ? 1 : 0);
	ck_assert_ptr_nonnull(s = malloc(len + 1));
	for (i = 0; i < len; i++)
		while ((s[i] = rnd_octet()) == '\0')
			;
	s[len] = '\0';
	return s;
}

static void
random_round(unsigned int round)
{
	static const char *const actions[] = { "failed", "delayed",
	    "delivered", "FAILED" };
	struct dsn_rcpt r[3];
	struct dsn_msg m = msg;
	char *s, *o, *t, *b[8], *hold[32];
	struct report rp;
	size_t i, n, nh = 0;

	seed = round * 7919 + 1;
	o = rnd_text(3000, 0);
	write_orig(o, strlen(o));
	free(o);
	m.envid = hold[nh++] = rnd_text(200, 0);
	m.client = hold[nh++] = rnd_text(300, 0);
	m.queue_id = hold[nh++] = rnd_text(40, 0);
	m.sender = hold[nh++] = rnd_text(200, 1);
	n = 1 + round % 3;
	for (i = 0; i < n; i++) {
		r[i].address = hold[nh++] = rnd_text(300, 1);
		r[i].orcpt = hold[nh++] = rnd_text(100, 0);
		r[i].status = hold[nh++] = rnd_text(8, 0);
		r[i].remote_mta = hold[nh++] = rnd_text(300, 0);
		r[i].diagnostic = hold[nh++] = rnd_text(3000, 0);
		r[i].action = actions[(round + i) % 4];
		r[i].last_attempt = round % 2 ? NOW : 0;
	}
	s = build(&m, r, n);
	assert_lines(s, 998);
	parse(s, &rp);
	ck_assert_int_eq(rp.nparts, 3);
	ck_assert(rp.closed);
	ck_assert_int_eq(blocks(rp.body[1], b), (int)n + 1);
	blocks_free(b, (int)n + 1);
	/* Raw 8-bit only in To:, nowhere else. */
	t = strstr(s, "\r\nTo: <");
	memset(t + 2, 'x', strcspn(t + 2, "\r"));
	ck_assert(is_7bit(s));
	report_free(&rp);
	free(s);
	while (nh > 0)
		free(hold[--nh]);
}

START_TEST(random_input)
{
	unsigned int round;

	for (round = 0; round < 300; round++)
		random_round(round);
}
END_TEST

/* ---- the rest --------------------------------------------------------- */

START_TEST(fresh_ids_and_append)
{
	char err[DSN_ERR_MAX], *id1, *id2;
	struct report a, b;
	struct sbuf out;
	char *s;

	sbuf_init(&out);
	sbuf_puts(&out, "X-Before: 1\r\n");
	ck_assert_int_eq(dsn_build(&msg, &failed, 1, orig, &out, err), 0);
	ck_assert(strncmp(out.buf, "X-Before: 1\r\nFrom: ", 19) == 0);
	s = sbuf_finish(&out);
	parse(s + 13, &a);
	free(s);
	s = build(&msg, &failed, 1);
	parse(s, &b);
	free(s);
	ck_assert_str_ne(a.boundary, b.boundary);
	id1 = field(a.top, "Message-ID");
	id2 = field(b.top, "Message-ID");
	ck_assert_str_ne(id1, id2);
	free(id1);
	free(id2);
	report_free(&a);
	report_free(&b);
}
END_TEST

/*
 * The report the Python check parses: every kind of recipient, a UTF-8
 * address, a hostile reply, 8-bit headers.  Written only on request.
 */
START_TEST(sample)
{
	const char *path = getenv("BMX_DSN_SAMPLE");
	struct dsn_rcpt r[4] = { failed, delayed, delivered, failed };
	char name[4200], *s;
	FILE *f;

	r[3].address = "j\xc3\xb6rg@b\xc3\xbc.example";
	r[3].orcpt = NULL;
	r[3].diagnostic = "554 5.7.1 no\r\nX-Injected: yes\r\n\r\nmore";
	r[3].status = "5.7.1";
	write_orig(SAMPLE_HDRS "\r\nTHE BODY\r\n",
	    strlen(SAMPLE_HDRS "\r\nTHE BODY\r\n"));
	s = build(&msg, r, 4);
	assert_lines(s, 998);
	if (path != NULL && *path != '\0') {
		ck_assert_ptr_nonnull(f = fopen(path, "wb"));
		fputs(s, f);
		ck_assert_int_eq(fclose(f), 0);
		snprintf(name, sizeof(name), "%s.headers", path);
		ck_assert_ptr_nonnull(f = fopen(name, "wb"));
		fputs(SAMPLE_HDRS, f);
		ck_assert_int_eq(fclose(f), 0);
	}
	free(s);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dsn");
	TCase *tc = tcase_create("dsn");
	SRunner *sr;
	int failed_n;

	if (sodium_init() < 0)
		return 1;
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, layout);
	tcase_add_test(tc, status_fields);
	tcase_add_test(tc, minimal_fields);
	tcase_add_loop_test(tc, mix, 0, sizeof(mixes) / sizeof(mixes[0]));
	tcase_add_test(tc, status_fallback);
	tcase_add_test(tc, headers_attached);
	tcase_add_loop_test(tc, headers_forms, 0,
	    sizeof(origs) / sizeof(origs[0]));
	tcase_add_test(tc, headers_long_line);
	tcase_add_test(tc, headers_cap);
	tcase_add_test(tc, headers_fake_boundary);
	tcase_add_test(tc, hostile_values);
	tcase_add_test(tc, long_diagnostic);
	tcase_add_test(tc, missing_original);
	tcase_add_loop_test(tc, bad_arguments, 0,
	    sizeof(bads) / sizeof(bads[0]));
	tcase_add_test(tc, utf8_addresses);
	tcase_add_loop_test(tc, orcpt, 0, sizeof(orcpts) / sizeof(orcpts[0]));
	tcase_add_test(tc, random_input);
	tcase_add_test(tc, fresh_ids_and_append);
	tcase_add_test(tc, sample);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed_n = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed_n == 0 ? 0 : 1;
}
