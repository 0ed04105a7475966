/*
 * test_dns — Check suite for relay/dns.c.
 *
 * Always run (no DNS server needed): dns_init's parsing of dns_resolver,
 * IP literals (dns_literal, and dns_addrs answering them without DNS), the
 * MX cut (dns_mx_cut, table-driven), bad names refused before any query,
 * and a resolver that never answers (a UDP socket of ours that reads
 * nothing: TEMPFAIL within the timeouts) or is not there at all.
 *
 * With BMX_TEST_DNS=IP:PORT (tests/relay/test_dns.sh starts Knot DNS with
 * tests/relay/dns_test.zone and sets it), the live tables run too: MX cut
 * at our preference, loops back to myself, implicit MX, null MX, NXDOMAIN,
 * SERVFAIL, REFUSED, a CNAME, an answer that needs TCP, addresses, and many
 * threads at once.  BMX_TEST_DNS6=[::1]:PORT adds lookups through an IPv6
 * resolver address.  Our own names in the live tests are mx.ours.example
 * and mx2.ours.example, as the zone file says.
 */
#include <check.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dns.h"
#include "dns_parse.h"

#define NROWS(t)	((int)(sizeof(t) / sizeof((t)[0])))
#define LIST_MAX	2048

static const char *const OURS[] = { "mx.ours.example", "mx2.ours.example" };

static const char *
show(const char *s)
{
	return s != NULL ? s : "(NULL)";
}

static const char *
rc_name(enum dns_rc rc)
{
	switch (rc) {
	case DNS_OK:		return "DNS_OK";
	case DNS_TEMPFAIL:	return "DNS_TEMPFAIL";
	case DNS_PERMFAIL:	return "DNS_PERMFAIL";
	case DNS_LOOP:		return "DNS_LOOP";
	}
	return "?";
}

/* "10 a.example,20 b.example": targets as one string. */
static void
targets_str(const struct dns_target *t, size_t n, char *buf, size_t size)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%d %s",
		    i > 0 ? "," : "", t[i].pref, t[i].host);
}

/* "127.0.0.2,::1", checking each entry's sockaddr against its text. */
static void
addrs_str(const struct dns_addr *a, size_t n, char *buf, size_t size)
{
	struct dns_addr again;
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < n && len < size; i++) {
		ck_assert_int_eq(dns_literal(a[i].text, &again), 0);
		ck_assert_int_eq(a[i].sa.ss_family, again.sa.ss_family);
		ck_assert_int_eq(a[i].len, again.len);
		ck_assert_int_eq(memcmp(&a[i].sa, &again.sa, a[i].len), 0);
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
		    i > 0 ? "," : "", a[i].text);
	}
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The resolver a live test uses; the child process of each test sets it. */
static void
use_resolver(const char *var)
{
	char err[DNS_WHY_MAX];
	const char *r = getenv(var);

	ck_assert_msg(r != NULL, "%s is not set", var);
	ck_assert_msg(dns_init(r, err) == 0, "dns_init(%s): %s", r, err);
	ck_assert_str_eq(err, "");
}

static void
live_setup(void)
{
	use_resolver("BMX_TEST_DNS");
}

static void
live6_setup(void)
{
	use_resolver("BMX_TEST_DNS6");
}

/* ---- dns_init ---------------------------------------------------------- */

struct init_row {
	const char	*in;
	int		 rc;
	const char	*err;	/* part of the message on failure */
};

static const struct init_row init_rows[] = {
	{ NULL, 0, NULL },
	{ "", 0, NULL },
	{ "127.0.0.1", 0, NULL },
	{ "127.0.0.1:5353", 0, NULL },
	{ "192.0.2.53:53", 0, NULL },
	{ "::1", 0, NULL },
	{ "[::1]", 0, NULL },
	{ "[::1]:5353", 0, NULL },
	{ "[2001:db8::53]:65535", 0, NULL },
	{ "ns.example", -1, "not an IP address" },
	{ "ns.example:53", -1, "not an IP address" },
	{ "127.0.0.1:0", -1, "dns_resolver \"127.0.0.1:0\"" },
	{ "127.0.0.1:65536", -1, "dns_resolver" },
	{ "127.0.0.1:", -1, "dns_resolver" },
	{ "127.0.0.1:abc", -1, "dns_resolver" },
	{ "[::1", -1, "dns_resolver" },
	{ "[::1]:", -1, "dns_resolver" },
	{ "[127.0.0.1]:53", -1, "dns_resolver" },
	{ "1.2.3.4.5", -1, "dns_resolver" },
	{ "256.1.1.1", -1, "dns_resolver" },
	{ " 127.0.0.1", -1, "dns_resolver" },
	{ "127.0.0.1 ", -1, "dns_resolver" },
};

START_TEST(test_init)
{
	const struct init_row *r = &init_rows[_i];
	char err[DNS_WHY_MAX];
	int rc;

	memset(err, 'X', sizeof(err));
	rc = dns_init(r->in, err);
	ck_assert_msg(memchr(err, '\0', sizeof(err)) != NULL,
	    "row %d: err not terminated", _i);
	ck_assert_msg(rc == r->rc, "row %d (%s): %d, want %d (%s)", _i,
	    show(r->in), rc, r->rc, err);
	if (rc == 0)
		ck_assert_msg(err[0] == '\0', "row %d: err \"%s\"", _i, err);
	else
		ck_assert_msg(strstr(err, r->err) != NULL, "row %d (%s): err "
		    "\"%s\" lacks \"%s\"", _i, show(r->in), err, r->err);
}
END_TEST

/* ---- dns_literal and dns_addrs without DNS ---------------------------- */

struct literal_row {
	const char	*in;
	int		 rc;
	int		 family;
	const char	*text;
};

static const struct literal_row literal_rows[] = {
	{ "127.0.0.1", 0, AF_INET, "127.0.0.1" },
	{ "[127.0.0.1]", 0, AF_INET, "127.0.0.1" },
	{ "192.0.2.25", 0, AF_INET, "192.0.2.25" },
	{ "::1", 0, AF_INET6, "::1" },
	{ "[::1]", 0, AF_INET6, "::1" },
	{ "[IPv6:::1]", 0, AF_INET6, "::1" },
	{ "[ipv6:2001:DB8:0:0:0:0:0:25]", 0, AF_INET6, "2001:db8::25" },
	{ "2001:db8::25", 0, AF_INET6, "2001:db8::25" },
	{ "::ffff:192.0.2.1", 0, AF_INET6, "::ffff:192.0.2.1" },
	{ "[IPv6:127.0.0.1]", -1, 0, NULL },
	{ "mail.example", -1, 0, NULL },
	{ "", -1, 0, NULL },
	{ "[]", -1, 0, NULL },
	{ "[", -1, 0, NULL },
	{ "[127.0.0.1", -1, 0, NULL },
	{ "127.0.0.1]", -1, 0, NULL },
	{ "[IPv6:]", -1, 0, NULL },
	{ "127.0.0.256", -1, 0, NULL },
	{ "127.0.0.1:25", -1, 0, NULL },
	{ "[[::1]]", -1, 0, NULL },
	{ "1:2:3:4:5:6:7:8:9", -1, 0, NULL },
	{ "[1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa]", -1, 0,
	    NULL },
	{ NULL, -1, 0, NULL },
};

START_TEST(test_literal)
{
	const struct literal_row *r = &literal_rows[_i];
	struct dns_addr a;
	int rc;

	memset(&a, 'X', sizeof(a));
	rc = dns_literal(r->in, &a);
	ck_assert_msg(rc == r->rc, "row %d (%s): %d", _i, show(r->in), rc);
	if (rc == -1)
		return;
	ck_assert_int_eq(a.sa.ss_family, r->family);
	ck_assert_str_eq(a.text, r->text);
	if (r->family == AF_INET) {
		ck_assert_int_eq(a.len, sizeof(struct sockaddr_in));
		ck_assert_int_eq(((struct sockaddr_in *)&a.sa)->sin_port, 0);
	} else {
		ck_assert_int_eq(a.len, sizeof(struct sockaddr_in6));
		ck_assert_int_eq(((struct sockaddr_in6 *)&a.sa)->sin6_port, 0);
	}
}
END_TEST

/* dns_addrs answers literals itself, whatever resolver is configured. */
START_TEST(test_addrs_literal)
{
	const struct literal_row *r = &literal_rows[_i];
	struct dns_addr a[DNS_MAX_ADDRS];
	char why[DNS_WHY_MAX];
	size_t n = 99;

	if (r->rc != 0)
		return;
	/* Port 9 of 192.0.2.1 (TEST-NET) answers nothing: no DNS used. */
	ck_assert_int_eq(dns_init("192.0.2.1:9", NULL), 0);
	memset(why, 'X', sizeof(why));
	ck_assert_int_eq(dns_addrs(r->in, a, 1, &n, why), DNS_OK);
	ck_assert_str_eq(why, "");
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(a[0].text, r->text);
}
END_TEST

struct badname_row {
	const char	*in;
	const char	*why;
};

static const struct badname_row badname_rows[] = {
	{ "bad..name", "invalid" },
	{ "", "invalid" },
	{ ".", "invalid" },
	{ "exa mple.org", "invalid" },
	{ "-lead.example", "invalid" },
	{ "under_score.example", "invalid" },
	{ "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g."
	  "h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g.h.i.j.k.l.m.n."
	  "o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u."
	  "v.w.x.y.z.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.example",
	  "invalid" },
	{ NULL, "invalid" },
};

/* Names that are not names fail permanently before any query. */
START_TEST(test_bad_names)
{
	const struct badname_row *r = &badname_rows[_i];
	struct dns_target t[DNS_MAX_TARGETS];
	struct dns_addr a[DNS_MAX_ADDRS];
	char why[DNS_WHY_MAX];
	size_t n = 99;
	double t0 = now();

	ck_assert_int_eq(dns_init("192.0.2.1:9", NULL), 0);
	ck_assert_int_eq(dns_targets(r->in, OURS, 2, t, DNS_MAX_TARGETS, &n,
	    why), DNS_PERMFAIL);
	ck_assert_uint_eq(n, 0);
	ck_assert_msg(strstr(why, r->why) != NULL, "why \"%s\"", why);
	n = 99;
	ck_assert_int_eq(dns_addrs(r->in, a, DNS_MAX_ADDRS, &n, why),
	    DNS_PERMFAIL);
	ck_assert_uint_eq(n, 0);
	ck_assert_msg(strstr(why, r->why) != NULL, "why \"%s\"", why);
	ck_assert_msg(now() - t0 < 1, "a query was sent");
}
END_TEST

/* ---- dns_mx_cut ------------------------------------------------------- */

#define CUT_MAX 8

struct cut_row {
	struct dns_target	 in[CUT_MAX];
	size_t			 n;
	const char		*own[3];
	size_t			 nown;
	const char		*want;	/* targets_str of what remains */
};

static const struct cut_row cut_rows[] = {
	/* No own name in the list: sorted, nothing cut. */
	{ { { "b.example", 20 }, { "a.example", 10 } }, 2,
	  { "mx.ours" }, 1, "10 a.example,20 b.example" },
	{ { { "b.example", 20 }, { "a.example", 10 } }, 2,
	  { NULL }, 0, "10 a.example,20 b.example" },
	/* Ours in the middle: equal and worse go. */
	{ { { "c.example", 30 }, { "mx.ours", 20 }, { "a.example", 10 },
	    { "b.example", 20 } }, 4,
	  { "mx.ours" }, 1, "10 a.example" },
	/* We are the best: nothing is left. */
	{ { { "mx.ours", 10 }, { "a.example", 20 } }, 2,
	  { "mx.ours" }, 1, "" },
	/* We tie with the best: nothing is left either. */
	{ { { "a.example", 10 }, { "mx.ours", 10 } }, 2,
	  { "mx.ours" }, 1, "" },
	/* Our best of several entries decides. */
	{ { { "mx2.ours", 50 }, { "a.example", 5 }, { "mx.ours", 40 },
	    { "c.example", 30 }, { "d.example", 45 } }, 5,
	  { "mx.ours", "mx2.ours" }, 2, "5 a.example,30 c.example" },
	/* Case and trailing dots do not hide our names. */
	{ { { "MX.Ours.", 20 }, { "a.example", 10 } }, 2,
	  { "mx.ours" }, 1, "10 a.example" },
	{ { { "mx.ours", 20 }, { "a.example", 10 } }, 2,
	  { "MX.OURS." }, 1, "10 a.example" },
	/* Not a suffix match: "xmx.ours" is not ours. */
	{ { { "xmx.ours", 20 }, { "a.example", 10 } }, 2,
	  { "mx.ours" }, 1, "10 a.example,20 xmx.ours" },
	/* Equal preferences sort by name. */
	{ { { "c.example", 5 }, { "a.example", 5 }, { "b.example", 5 } }, 3,
	  { NULL }, 0, "5 a.example,5 b.example,5 c.example" },
	/* A repeated host keeps its best preference only. */
	{ { { "a.example", 30 }, { "b.example", 20 }, { "a.example", 10 } },
	  3, { NULL }, 0, "10 a.example,20 b.example" },
	{ { { "A.example", 30 }, { "a.example.", 10 } }, 2,
	  { NULL }, 0, "10 a.example." },
	/* Ours listed twice: the better entry counts. */
	{ { { "mx.ours", 40 }, { "a.example", 10 }, { "mx.ours", 20 },
	    { "b.example", 30 } }, 4,
	  { "mx.ours" }, 1, "10 a.example" },
	/* The implicit MX that is us. */
	{ { { "ours.example", 0 } }, 1, { "ours.example" }, 1, "" },
	/* Preferences at the ends of the range. */
	{ { { "z.example", 65535 }, { "a.example", 0 } }, 2,
	  { "z.example" }, 1, "0 a.example" },
	/* Nothing in, nothing out. */
	{ { { "", 0 } }, 0, { "mx.ours" }, 1, "" },
};

START_TEST(test_cut)
{
	const struct cut_row *r = &cut_rows[_i];
	struct dns_target t[CUT_MAX];
	char got[LIST_MAX];
	size_t k;

	memcpy(t, r->in, sizeof(t));
	k = dns_mx_cut(t, r->n, r->own, r->nown);
	targets_str(t, k, got, sizeof(got));
	ck_assert_msg(strcmp(got, r->want) == 0, "row %d: \"%s\", want "
	    "\"%s\"", _i, got, r->want);
}
END_TEST

/* ---- resolvers that do not answer ------------------------------------- */

/* A UDP socket on a loopback port; it reads nothing. */
static int
mute_socket(char *addr, size_t size)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	ck_assert_int_ge(fd, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	snprintf(addr, size, "127.0.0.1:%d", ntohs(sin.sin_port));
	return fd;
}

/* A failed dns_init keeps the resolver that was set; NULL err is fine. */
START_TEST(test_init_keeps_old)
{
	struct dns_addr a[DNS_MAX_ADDRS];
	char addr[64], why[DNS_WHY_MAX];
	size_t n;

	close(mute_socket(addr, sizeof(addr)));
	ck_assert_int_eq(dns_init(addr, NULL), 0);
	ck_assert_int_eq(dns_init("not an address", NULL), -1);
	ck_assert_int_eq(dns_addrs("mail.example.org", a, DNS_MAX_ADDRS, &n,
	    why), DNS_TEMPFAIL);
	ck_assert_str_eq(why, "A lookup for mail.example.org failed: DNS "
	    "server unreachable (connection refused)");
}
END_TEST

/* Nothing answers: TEMPFAIL after 2 rounds of 2 s, not much later. */
START_TEST(test_timeout)
{
	struct dns_target t[DNS_MAX_TARGETS];
	char addr[64], why[DNS_WHY_MAX];
	size_t n = 99;
	double t0, dt;
	int fd = mute_socket(addr, sizeof(addr));

	ck_assert_int_eq(dns_init(addr, NULL), 0);
	t0 = now();
	ck_assert_int_eq(dns_targets("example.org", OURS, 2, t,
	    DNS_MAX_TARGETS, &n, why), DNS_TEMPFAIL);
	dt = now() - t0;
	ck_assert_uint_eq(n, 0);
	ck_assert_str_eq(why, "MX lookup for example.org failed: no answer "
	    "from the DNS server (timed out)");
	ck_assert_msg(dt >= 3.5 && dt < 8, "took %.1f s", dt);
	close(fd);
}
END_TEST

/* Nobody on the port: the ICMP error makes it quick, still TEMPFAIL. */
START_TEST(test_unreachable)
{
	struct dns_addr a[DNS_MAX_ADDRS];
	char addr[64], why[DNS_WHY_MAX];
	size_t n = 99;
	double t0;

	close(mute_socket(addr, sizeof(addr)));
	ck_assert_int_eq(dns_init(addr, NULL), 0);
	t0 = now();
	ck_assert_int_eq(dns_addrs("mail.example.org", a, DNS_MAX_ADDRS, &n,
	    why), DNS_TEMPFAIL);
	ck_assert_uint_eq(n, 0);
	ck_assert_msg(strstr(why, "A lookup for mail.example.org failed: ") ==
	    why, "why \"%s\"", why);
	ck_assert_msg(now() - t0 < 9, "took %.1f s", now() - t0);
}
END_TEST

/* ---- live: dns_targets ------------------------------------------------ */

struct mx_row {
	const char	*domain;
	const char	*own[3];
	size_t		 nown;
	enum dns_rc	 rc;
	const char	*want;	/* targets_str on DNS_OK, why otherwise */
};

#define BIG9	"1 host01.test.example,2 host02.test.example," \
		"3 host03.test.example,4 host04.test.example," \
		"5 host05.test.example,6 host06.test.example," \
		"7 host07.test.example,8 host08.test.example," \
		"9 host09.test.example"
#define GOOD	"10 mail1.test.example"
#define MULTI	"5 a-mail.test.example,5 b-mail.test.example," \
		"30 c-mail.test.example"

static const struct mx_row mx_rows[] = {
	{ "good.test.example", { "mx.ours.example", "mx2.ours.example" }, 2,
	  DNS_OK, GOOD },
	{ "good.test.example", { NULL }, 0, DNS_OK,
	  GOOD ",20 mail2.test.example,20 mx.ours.example,"
	  "30 mx2.ours.example" },
	{ "good.test.example", { "MX2.Ours.Example." }, 1, DNS_OK,
	  GOOD ",20 mail2.test.example,20 mx.ours.example" },
	{ "GOOD.Test.Example.", { "mx.ours.example" }, 1, DNS_OK, GOOD },
	{ "alias.test.example", { "mx.ours.example" }, 1, DNS_OK, GOOD },
	{ "loop.test.example", { "mx.ours.example", "mx2.ours.example" }, 2,
	  DNS_LOOP, "mail for loop.test.example loops back to myself" },
	{ "loop.test.example", { NULL }, 0, DNS_OK,
	  "10 mx.ours.example,20 mail1.test.example" },
	{ "nomx.test.example", { "mx.ours.example" }, 1, DNS_OK,
	  "0 nomx.test.example" },
	{ "nomx.test.example", { "nomx.test.example" }, 1, DNS_LOOP,
	  "mail for nomx.test.example loops back to myself" },
	{ "nullmx.test.example", { "mx.ours.example" }, 1, DNS_PERMFAIL,
	  "domain nullmx.test.example accepts no mail (null MX)" },
	{ "mixnull.test.example", { "mx.ours.example" }, 1, DNS_OK, GOOD },
	{ "multi.test.example", { "mx.ours.example", "mx2.ours.example" }, 2,
	  DNS_OK, MULTI },
	{ "multi.test.example", { "mx2.ours.example" }, 1, DNS_OK,
	  "5 a-mail.test.example,5 b-mail.test.example,"
	  "30 c-mail.test.example,40 mx.ours.example,45 d-mail.test.example" },
	{ "big.test.example", { "host10.test.example" }, 1, DNS_OK, BIG9 },
	{ "big.test.example", { NULL }, 0, DNS_OK, BIG9 ","
	  "10 host10.test.example,11 host11.test.example,"
	  "12 host12.test.example,13 host13.test.example,"
	  "14 host14.test.example,15 host15.test.example,"
	  "16 host16.test.example" },
	{ "badmx.test.example", { NULL }, 0, DNS_TEMPFAIL,
	  "MX lookup for badmx.test.example failed: no valid MX host name" },
	{ "nope.test.example", { "mx.ours.example" }, 1, DNS_PERMFAIL,
	  "domain nope.test.example does not exist (NXDOMAIN)" },
	{ "x.broken.example", { "mx.ours.example" }, 1, DNS_TEMPFAIL,
	  "MX lookup for x.broken.example failed: DNS server failure "
	  "(SERVFAIL)" },
	{ "x.other.example", { "mx.ours.example" }, 1, DNS_TEMPFAIL,
	  "MX lookup for x.other.example failed: query refused by the DNS "
	  "server (REFUSED)" },
};

static void
check_mx(int row, const struct mx_row *r, size_t max)
{
	struct dns_target t[DNS_MAX_TARGETS];
	char why[DNS_WHY_MAX], got[LIST_MAX];
	enum dns_rc rc;
	size_t n = 99;

	memset(t, 'X', sizeof(t));
	memset(why, 'X', sizeof(why));
	rc = dns_targets(r->domain, r->own, r->nown, t, max, &n, why);
	ck_assert_msg(memchr(why, '\0', sizeof(why)) != NULL, "row %d", row);
	ck_assert_msg(rc == r->rc, "row %d (%s): %s, want %s (%s)", row,
	    r->domain, rc_name(rc), rc_name(r->rc), why);
	if (rc != DNS_OK) {
		ck_assert_uint_eq(n, 0);
		ck_assert_msg(strcmp(why, r->want) == 0, "row %d: why \"%s\", "
		    "want \"%s\"", row, why, r->want);
		return;
	}
	ck_assert_msg(why[0] == '\0', "row %d: why \"%s\"", row, why);
	ck_assert_uint_le(n, max);
	targets_str(t, n, got, sizeof(got));
	ck_assert_msg(strcmp(got, r->want) == 0, "row %d (%s): \"%s\", want "
	    "\"%s\"", row, r->domain, got, r->want);
}

START_TEST(test_mx)
{
	check_mx(_i, &mx_rows[_i], DNS_MAX_TARGETS);
}
END_TEST

/* out has room for max entries only: the best max of them. */
START_TEST(test_mx_max)
{
	static const struct mx_row r = { "good.test.example", { NULL }, 0,
	    DNS_OK, GOOD ",20 mail2.test.example" };
	struct dns_target t[3];
	char why[DNS_WHY_MAX], got[LIST_MAX];
	size_t n;

	check_mx(0, &r, 2);
	memset(&t[2], 'X', sizeof(t[2]));
	ck_assert_int_eq(dns_targets("good.test.example", NULL, 0, t, 2, &n,
	    why), DNS_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(t[2].host[0], 'X');	/* nothing past max */
	targets_str(t, n, got, sizeof(got));
	ck_assert_str_eq(got, r.want);
	ck_assert_int_eq(dns_targets("good.test.example", NULL, 0, t, 0, &n,
	    why), DNS_TEMPFAIL);
	ck_assert_uint_eq(n, 0);
}
END_TEST

/* ---- live: dns_addrs -------------------------------------------------- */

struct addr_row {
	const char	*host;
	enum dns_rc	 rc;
	const char	*want;	/* addrs_str on DNS_OK, why otherwise */
};

static const struct addr_row addr_rows[] = {
	{ "mail1.test.example", DNS_OK, "127.0.0.2,::1" },
	{ "MAIL1.test.example.", DNS_OK, "127.0.0.2,::1" },
	{ "mail2.test.example", DNS_OK, "127.0.0.3" },
	{ "nomx.test.example", DNS_OK, "127.0.0.4" },
	{ "v6only.test.example", DNS_OK, "2001:db8::25" },
	{ "www.test.example", DNS_OK, "127.0.0.2,::1" },
	{ "[127.0.0.9]", DNS_OK, "127.0.0.9" },
	{ "noaddr.test.example", DNS_PERMFAIL,
	  "host noaddr.test.example has no address" },
	{ "nope.test.example", DNS_PERMFAIL,
	  "host nope.test.example does not exist (NXDOMAIN)" },
	{ "x.broken.example", DNS_TEMPFAIL,
	  "A lookup for x.broken.example failed: DNS server failure "
	  "(SERVFAIL)" },
	{ "x.other.example", DNS_TEMPFAIL,
	  "A lookup for x.other.example failed: query refused by the DNS "
	  "server (REFUSED)" },
};

static void
check_addrs(int row, const struct addr_row *r)
{
	struct dns_addr a[DNS_MAX_ADDRS];
	char why[DNS_WHY_MAX], got[LIST_MAX];
	enum dns_rc rc;
	size_t n = 99;

	memset(a, 'X', sizeof(a));
	memset(why, 'X', sizeof(why));
	rc = dns_addrs(r->host, a, DNS_MAX_ADDRS, &n, why);
	ck_assert_msg(memchr(why, '\0', sizeof(why)) != NULL, "row %d", row);
	ck_assert_msg(rc == r->rc, "row %d (%s): %s, want %s (%s)", row,
	    r->host, rc_name(rc), rc_name(r->rc), why);
	if (rc != DNS_OK) {
		ck_assert_uint_eq(n, 0);
		ck_assert_msg(strcmp(why, r->want) == 0, "row %d: why \"%s\", "
		    "want \"%s\"", row, why, r->want);
		return;
	}
	ck_assert_msg(why[0] == '\0', "row %d: why \"%s\"", row, why);
	addrs_str(a, n, got, sizeof(got));
	ck_assert_msg(strcmp(got, r->want) == 0, "row %d (%s): \"%s\", want "
	    "\"%s\"", row, r->host, got, r->want);
}

START_TEST(test_addrs)
{
	check_addrs(_i, &addr_rows[_i]);
}
END_TEST

/* 20 A records, room for DNS_MAX_ADDRS; then room for 1 (A first). */
START_TEST(test_addrs_max)
{
	struct dns_addr a[DNS_MAX_ADDRS + 1];
	char why[DNS_WHY_MAX], seen[30] = { 0 };
	size_t n, i;
	int last;

	memset(a, 'X', sizeof(a));
	ck_assert_int_eq(dns_addrs("many.test.example", a, DNS_MAX_ADDRS, &n,
	    why), DNS_OK);
	ck_assert_uint_eq(n, DNS_MAX_ADDRS);
	ck_assert_int_eq(a[DNS_MAX_ADDRS].text[0], 'X');
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(sscanf(a[i].text, "127.0.0.%d", &last), 1);
		ck_assert_msg(last >= 10 && last <= 29 && !seen[last],
		    "address %s", a[i].text);
		seen[last] = 1;
	}
	ck_assert_int_eq(dns_addrs("mail1.test.example", a, 1, &n, why),
	    DNS_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(a[0].text, "127.0.0.2");
}
END_TEST

/* ---- live: through an IPv6 resolver address --------------------------- */

START_TEST(test_resolver6)
{
	check_mx(0, &mx_rows[0], DNS_MAX_TARGETS);
	check_addrs(0, &addr_rows[0]);
	check_addrs(8, &addr_rows[8]);
}
END_TEST

/* ---- live: threads ---------------------------------------------------- */

#define THREADS	8
#define ROUNDS	25

static void *
lookup_thread(void *arg)
{
	struct dns_target t[DNS_MAX_TARGETS];
	struct dns_addr a[DNS_MAX_ADDRS];
	char why[DNS_WHY_MAX], got[LIST_MAX];
	size_t n, i;
	long bad = 0;

	(void)arg;
	for (i = 0; i < ROUNDS; i++) {
		if (dns_targets("multi.test.example", OURS, 2, t,
		    DNS_MAX_TARGETS, &n, why) != DNS_OK)
			bad++;
		targets_str(t, n, got, sizeof(got));
		if (strcmp(got, MULTI) != 0)
			bad++;
		if (dns_addrs("mail1.test.example", a, DNS_MAX_ADDRS, &n,
		    why) != DNS_OK || n != 2 ||
		    strcmp(a[1].text, "::1") != 0)
			bad++;
		if (dns_targets("nope.test.example", OURS, 2, t,
		    DNS_MAX_TARGETS, &n, why) != DNS_PERMFAIL)
			bad++;
	}
	return (void *)bad;
}

START_TEST(test_threads)
{
	pthread_t th[THREADS];
	void *bad;
	int i;

	for (i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, lookup_thread,
		    NULL), 0);
	for (i = 0; i < THREADS; i++) {
		ck_assert_int_eq(pthread_join(th[i], &bad), 0);
		ck_assert_msg(bad == NULL, "thread %d: %ld wrong results", i,
		    (long)bad);
	}
}
END_TEST

/* ---- the suite -------------------------------------------------------- */

static TCase *
add_table(Suite *s, const char *name, const TTest *t, int rows)
{
	TCase *tc = tcase_create(name);

	tcase_add_loop_test(tc, t, 0, rows);
	suite_add_tcase(s, tc);
	return tc;
}

static TCase *
add_one(Suite *s, const char *name, const TTest *t)
{
	return add_table(s, name, t, 1);
}

static Suite *
dns_suite(void)
{
	Suite *s = suite_create("dns");
	TCase *tc;

	add_table(s, "init", test_init, NROWS(init_rows));
	add_one(s, "init_keeps_old", test_init_keeps_old);
	add_table(s, "literal", test_literal, NROWS(literal_rows));
	add_table(s, "addrs_literal", test_addrs_literal,
	    NROWS(literal_rows));
	add_table(s, "bad_names", test_bad_names, NROWS(badname_rows));
	add_table(s, "cut", test_cut, NROWS(cut_rows));
	tc = add_one(s, "timeout", test_timeout);
	tcase_set_timeout(tc, 30);
	add_one(s, "unreachable", test_unreachable);
	if (getenv("BMX_TEST_DNS") != NULL) {
		tc = add_table(s, "live_mx", test_mx, NROWS(mx_rows));
		tcase_add_checked_fixture(tc, live_setup, NULL);
		tc = add_one(s, "live_mx_max", test_mx_max);
		tcase_add_checked_fixture(tc, live_setup, NULL);
		tc = add_table(s, "live_addrs", test_addrs, NROWS(addr_rows));
		tcase_add_checked_fixture(tc, live_setup, NULL);
		tc = add_one(s, "live_addrs_max", test_addrs_max);
		tcase_add_checked_fixture(tc, live_setup, NULL);
		tc = add_one(s, "live_threads", test_threads);
		tcase_add_checked_fixture(tc, live_setup, NULL);
		tcase_set_timeout(tc, 60);
	}
	if (getenv("BMX_TEST_DNS6") != NULL) {
		tc = add_one(s, "live_resolver6", test_resolver6);
		tcase_add_checked_fixture(tc, live6_setup, NULL);
	}
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(dns_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);	/* CK_VERBOSITY, normal if unset */
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
