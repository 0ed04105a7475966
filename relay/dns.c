/*
 * dns — see dns.h.
 *
 * Every lookup makes its own struct __res_state with res_ninit (the
 * system's resolv.conf), swaps in the dns_resolver server when one is set,
 * builds the query with res_nmkquery, sends it with res_nsend and reads the
 * answer with ns_initparse, ns_parserr and dn_expand.  No packet is built
 * or parsed by hand, and no state is shared between calls: dns_init only
 * sets the server address, before any lookup runs.
 *
 * Why res_nmkquery + res_nsend and not res_nquery (which is those two plus
 * an h_errno mapping): res_nquery folds the answer's rcode into h_errno,
 * where SERVFAIL and a timeout are both TRY_AGAIN and REFUSED is
 * NO_RECOVERY like FORMERR, so the reason a postmaster reads would be a
 * guess.  Here the rcode is read from the answer itself.  Without EDNS0,
 * an answer over 512 octets comes truncated over UDP and res_nsend asks
 * again over TCP by itself (RES_IGNTC stays off).
 *
 * glibc's res_nsend treats SERVFAIL, REFUSED and NOTIMP as "try the next
 * server" and, once none is left, fails with ETIMEDOUT as if nothing had
 * answered.  With a single server (dns_resolver, or a resolv.conf with one
 * nameserver) there is no next server, so we set pfcode — glibc's "called
 * from dig" switch, which only stops that retry — and get the answer back
 * to name its rcode.  With several system servers every one of them is
 * tried and a failure says "SERVFAIL, REFUSED or timed out".
 *
 * Time: retrans 2 s and retry 2.  glibc (2.36) waits retrans seconds for
 * the first server in each of the retry rounds, so one server that never
 * answers costs 2 x 2 s = 4 s per query; further system servers add their
 * own (shorter) waits.
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns.h"
#include "dns_parse.h"
#include "resolve.h"
#include "valid.h"

#define DNS_ANSWER_MAX	65536	/* the largest DNS message (over TCP) */
#define DNS_CHAIN_MAX	8	/* names in a CNAME chain we follow */

/*
 * The dns_resolver server; ss_family AF_UNSPEC means the system's.
 * Written by dns_init only, while no lookup runs.
 */
static struct sockaddr_storage dns_ns;

/* The owner names an answer's records may have: the query, its CNAMEs. */
struct dns_chain {
	int	n;
	char	name[DNS_CHAIN_MAX][NS_MAXDNAME];
};

static void say(char *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
say(char *why, const char *fmt, ...)
{
	va_list ap;

	if (why == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(why, DNS_WHY_MAX, fmt, ap);
	va_end(ap);
}

/* ---- names ------------------------------------------------------------ */

/* A domain or host name as we query it: valid, lower case, no dot. */
static int
dns_norm_name(const char *in, char out[VALID_NAME_MAX])
{
	char tmp[VALID_NAME_MAX];
	size_t len;

	if (in == NULL || (len = strlen(in)) == 0 || len > VALID_NAME_MAX)
		return -1;
	if (in[len - 1] == '.')
		len--;
	if (len == 0 || len >= sizeof(tmp))
		return -1;
	memcpy(tmp, in, len);
	tmp[len] = '\0';
	return valid_hostname(tmp, out, NULL);
}

static int
dns_is_own(const char *host, const char *const *own, size_t nown)
{
	size_t i;

	for (i = 0; own != NULL && i < nown; i++)
		if (own[i] != NULL && valid_name_eq(host, own[i]))
			return 1;
	return 0;
}

/* ---- the MX cut (pure) ------------------------------------------------ */

static int
dns_target_cmp(const void *a, const void *b)
{
	const struct dns_target *x = a, *y = b;

	if (x->pref != y->pref)
		return x->pref < y->pref ? -1 : 1;
	return strcasecmp(x->host, y->host);
}

size_t
dns_mx_cut(struct dns_target *t, size_t n, const char *const *own,
    size_t nown)
{
	size_t i, j, k = 0;
	int best = -1;

	if (t == NULL || n == 0)
		return 0;
	qsort(t, n, sizeof(*t), dns_target_cmp);
	/* Sorted, so the first time a host appears is its best preference. */
	for (i = 0; i < n; i++) {
		for (j = 0; j < k && !valid_name_eq(t[j].host, t[i].host); j++)
			;
		if (j < k)
			continue;
		if (k != i)
			t[k] = t[i];
		k++;
	}
	for (i = 0; i < k && best < 0; i++)
		if (dns_is_own(t[i].host, own, nown))
			best = t[i].pref;
	if (best < 0)
		return k;
	for (i = 0; i < k && t[i].pref < best; i++)
		;
	return i;
}

/* ---- IP literals (pure) ----------------------------------------------- */

static void
dns_addr_set(struct dns_addr *a, int family, const void *raw)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&a->sa;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&a->sa;

	memset(a, 0, sizeof(*a));
	if (family == AF_INET) {
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, raw, sizeof(sin->sin_addr));
		a->len = sizeof(*sin);
	} else {
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, raw, sizeof(sin6->sin6_addr));
		a->len = sizeof(*sin6);
	}
	if (inet_ntop(family, raw, a->text, sizeof(a->text)) == NULL)
		a->text[0] = '\0';
}

int
dns_literal(const char *host, struct dns_addr *out)
{
	char buf[INET6_ADDRSTRLEN];
	unsigned char raw[sizeof(struct in6_addr)];
	const char *p = host;
	size_t len;
	int v6only = 0;

	if (host == NULL || out == NULL)
		return -1;
	len = strlen(host);
	if (host[0] == '[') {
		if (len < 3 || host[len - 1] != ']')
			return -1;
		p++;
		len -= 2;
		if (len > 5 && strncasecmp(p, "IPv6:", 5) == 0) {
			p += 5;
			len -= 5;
			v6only = 1;
		}
	}
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, p, len);
	buf[len] = '\0';
	if (!v6only && inet_pton(AF_INET, buf, raw) == 1)
		dns_addr_set(out, AF_INET, raw);
	else if (inet_pton(AF_INET6, buf, raw) == 1)
		dns_addr_set(out, AF_INET6, raw);
	else
		return -1;
	return 0;
}

/* ---- the resolver ----------------------------------------------------- */

int
dns_init(const char *resolver, char *err)
{
	struct sockaddr_storage ss;

	say(err, "%s", "");
	if (resolve_server(resolver, &ss, err) == -1)
		return -1;	/* the resolver that was set stays */
	dns_ns = ss;
	return 0;
}

static const char *
dns_type_name(int type)
{
	return type == ns_t_mx ? "MX" : type == ns_t_a ? "A" : "AAAA";
}

/* res_nsend failed: errno e says how. */
static enum dns_rc
dns_send_error(const char *what, const char *name, int e, int single,
    char *why)
{
	char buf[128];

	if (e == ECONNREFUSED)
		snprintf(buf, sizeof(buf), "%s",
		    "DNS server unreachable (connection refused)");
	else if (e == ETIMEDOUT && single)
		snprintf(buf, sizeof(buf), "%s",
		    "no answer from the DNS server (timed out)");
	else if (e == ETIMEDOUT)
		snprintf(buf, sizeof(buf), "%s", "no usable answer from the "
		    "DNS servers (SERVFAIL, REFUSED or timed out)");
	else if (strerror_r(e, buf, sizeof(buf)) != 0)
		snprintf(buf, sizeof(buf), "DNS query failed (errno %d)", e);
	say(why, "%s lookup for %s failed: %s", what, name, buf);
	return DNS_TEMPFAIL;
}

/* Check an answer's header: DNS_OK only for a whole NOERROR answer. */
static enum dns_rc
dns_answer(const char *what, const char *kind, const char *name,
    const unsigned char *ans, int len, ns_msg *msg, char *why)
{
	const char *reason;
	int rcode;

	if (ns_initparse(ans, len, msg) == -1)
		reason = "unparsable answer";
	else if (ns_msg_getflag(*msg, ns_f_tc))
		reason = "truncated answer";
	else if ((rcode = ns_msg_getflag(*msg, ns_f_rcode)) == ns_r_noerror)
		return DNS_OK;
	else if (rcode == ns_r_nxdomain) {
		say(why, "%s %s does not exist (NXDOMAIN)", kind, name);
		return DNS_PERMFAIL;
	} else if (rcode == ns_r_servfail)
		reason = "DNS server failure (SERVFAIL)";
	else if (rcode == ns_r_refused)
		reason = "query refused by the DNS server (REFUSED)";
	else {
		say(why, "%s lookup for %s failed: DNS error (rcode %d)", what,
		    name, rcode);
		return DNS_TEMPFAIL;
	}
	say(why, "%s lookup for %s failed: %s", what, name, reason);
	return DNS_TEMPFAIL;
}

/*
 * Ask for the type records of name into ans (DNS_ANSWER_MAX).  DNS_OK:
 * *msg is a NOERROR answer.  DNS_PERMFAIL: NXDOMAIN ("KIND NAME does not
 * exist").  DNS_TEMPFAIL: anything else, with the reason.
 */
static enum dns_rc
dns_query(const char *name, int type, const char *kind, unsigned char *ans,
    ns_msg *msg, char *why)
{
	struct __res_state rs;
	unsigned char q[NS_PACKETSZ];
	const char *what = dns_type_name(type);
	int qlen, len, e, single;

	if (resolve_open(&rs, &dns_ns, why) == -1)
		return DNS_TEMPFAIL;
	single = rs.nscount == 1;
	qlen = res_nmkquery(&rs, ns_o_query, name, ns_c_in, type, NULL, 0,
	    NULL, q, sizeof(q));
	if (qlen < 0) {
		res_nclose(&rs);
		say(why, "%s lookup for %s failed: cannot build the query",
		    what, name);
		return DNS_TEMPFAIL;
	}
	errno = 0;
	len = res_nsend(&rs, q, qlen, ans, DNS_ANSWER_MAX);
	e = errno;
	res_nclose(&rs);
	if (len < 0)
		return dns_send_error(what, name, e, single, why);
	return dns_answer(what, kind, name, ans, len, msg, why);
}

/* ---- reading answers -------------------------------------------------- */

/* The query name and the CNAMEs the answer leads from it to. */
static int
dns_follow(ns_msg *msg, const char *qname, struct dns_chain *c)
{
	ns_rr rr;
	int i, count = ns_msg_count(*msg, ns_s_an), grown;

	snprintf(c->name[0], sizeof(c->name[0]), "%s", qname);
	c->n = 1;
	do {
		grown = 0;
		for (i = 0; i < count && c->n < DNS_CHAIN_MAX; i++) {
			if (ns_parserr(msg, ns_s_an, i, &rr) == -1)
				return -1;
			if (ns_rr_type(rr) != ns_t_cname ||
			    ns_rr_class(rr) != ns_c_in ||
			    !valid_name_eq(ns_rr_name(rr), c->name[c->n - 1]))
				continue;
			if (dn_expand(ns_msg_base(*msg), ns_msg_end(*msg),
			    ns_rr_rdata(rr), c->name[c->n], NS_MAXDNAME) < 0)
				return -1;
			c->n++;
			grown = 1;
		}
	} while (grown && c->n < DNS_CHAIN_MAX);
	return 0;
}

/* Record rr answers our question: class IN, type, owner in the chain. */
static int
dns_rr_ours(const ns_rr *rr, int type, const struct dns_chain *c)
{
	int i;

	if ((int)ns_rr_type(*rr) != type || ns_rr_class(*rr) != ns_c_in)
		return 0;
	for (i = 0; i < c->n; i++)
		if (valid_name_eq(ns_rr_name(*rr), c->name[i]))
			return 1;
	return 0;
}

/* An MX record's preference and exchange ("." for a null MX). */
static int
dns_mx_rdata(ns_msg *msg, const ns_rr *rr, int *pref, char *host,
    size_t size)
{
	const unsigned char *rd = ns_rr_rdata(*rr);
	int len;

	if (ns_rr_rdlen(*rr) < 3)
		return -1;
	*pref = ns_get16(rd);
	len = dn_expand(ns_msg_base(*msg), ns_msg_end(*msg), rd + 2, host,
	    (int)size);
	if (len < 0 || len != ns_rr_rdlen(*rr) - 2)
		return -1;
	return 0;
}

/* What an MX answer held. */
struct dns_mx_set {
	struct dns_target	*t;	/* usable hosts, nt of them */
	size_t			 nt;
	size_t			 nmx;	/* MX records of ours, all kinds */
	size_t			 nnull;	/* of which null MX (".") */
};

/* Collect the MX records of answer msg for name into s. */
static int
dns_mx_collect(ns_msg *msg, const char *name, struct dns_mx_set *s)
{
	struct dns_chain c;
	char host[NS_MAXDNAME];
	ns_rr rr;
	int i, count = ns_msg_count(*msg, ns_s_an), pref;

	if (dns_follow(msg, name, &c) == -1)
		return -1;
	for (i = 0; i < count; i++) {
		if (ns_parserr(msg, ns_s_an, i, &rr) == -1)
			return -1;
		if (!dns_rr_ours(&rr, ns_t_mx, &c))
			continue;
		if (dns_mx_rdata(msg, &rr, &pref, host, sizeof(host)) == -1)
			return -1;
		s->nmx++;
		if (host[0] == '\0' || strcmp(host, ".") == 0)
			s->nnull++;
		else if (valid_hostname(host, s->t[s->nt].host, NULL) == 0)
			s->t[s->nt++].pref = pref;
	}
	return 0;
}

/*
 * The MX hosts of name, uncut: s->t (malloc'd, the caller frees it even
 * on failure).  No MX record: the name itself, preference 0.
 */
static enum dns_rc
dns_mx_lookup(const char *name, unsigned char *ans, struct dns_mx_set *s,
    char *why)
{
	ns_msg msg;
	enum dns_rc rc;
	size_t count;

	if ((rc = dns_query(name, ns_t_mx, "domain", ans, &msg, why)) != DNS_OK)
		return rc;
	count = ns_msg_count(msg, ns_s_an);
	if ((s->t = calloc(count + 1, sizeof(*s->t))) == NULL) {
		say(why, "MX lookup for %s failed: out of memory", name);
		return DNS_TEMPFAIL;
	}
	if (dns_mx_collect(&msg, name, s) == -1) {
		say(why, "MX lookup for %s failed: malformed answer", name);
		return DNS_TEMPFAIL;
	}
	if (s->nmx == 0) {		/* implicit MX (RFC 5321 5.1) */
		snprintf(s->t[0].host, sizeof(s->t[0].host), "%s", name);
		s->t[0].pref = 0;
		s->nt = 1;
	} else if (s->nt == 0 && s->nnull > 0) {
		say(why, "domain %s accepts no mail (null MX)", name);
		return DNS_PERMFAIL;
	} else if (s->nt == 0) {
		say(why, "MX lookup for %s failed: no valid MX host name",
		    name);
		return DNS_TEMPFAIL;
	}
	return DNS_OK;
}

enum dns_rc
dns_targets(const char *domain, const char *const *own, size_t nown,
    struct dns_target *out, size_t max, size_t *n, char *why)
{
	struct dns_mx_set s = { NULL, 0, 0, 0 };
	char name[VALID_NAME_MAX];
	unsigned char *ans;
	enum dns_rc rc;
	size_t k = 0;

	say(why, "%s", "");
	*n = 0;
	if (dns_norm_name(domain, name) == -1) {
		say(why, "invalid domain name \"%.100s\"",
		    domain != NULL ? domain : "");
		return DNS_PERMFAIL;
	}
	if (out == NULL || max == 0) {
		say(why, "MX lookup for %s: no room for the result", name);
		return DNS_TEMPFAIL;
	}
	if ((ans = malloc(DNS_ANSWER_MAX)) == NULL) {
		say(why, "MX lookup for %s failed: out of memory", name);
		return DNS_TEMPFAIL;
	}
	rc = dns_mx_lookup(name, ans, &s, why);
	free(ans);
	if (rc == DNS_OK && (k = dns_mx_cut(s.t, s.nt, own, nown)) == 0) {
		say(why, "mail for %s loops back to myself", name);
		rc = DNS_LOOP;
	} else if (rc == DNS_OK) {
		*n = k < max ? k : max;
		memcpy(out, s.t, *n * sizeof(*out));
	}
	free(s.t);
	return rc;
}

/* Append the type (A or AAAA) addresses of name to out[*n..max). */
static enum dns_rc
dns_addr_lookup(const char *name, int type, unsigned char *ans,
    struct dns_addr *out, size_t max, size_t *n, char *why)
{
	struct dns_chain c;
	ns_msg msg;
	ns_rr rr;
	enum dns_rc rc;
	int i, count, family = type == ns_t_a ? AF_INET : AF_INET6;
	unsigned int want = type == ns_t_a ? 4 : 16;

	if ((rc = dns_query(name, type, "host", ans, &msg, why)) != DNS_OK)
		return rc;
	if (dns_follow(&msg, name, &c) == -1)
		goto bad;
	count = ns_msg_count(msg, ns_s_an);
	for (i = 0; i < count && *n < max; i++) {
		if (ns_parserr(&msg, ns_s_an, i, &rr) == -1)
			goto bad;
		if (!dns_rr_ours(&rr, type, &c))
			continue;
		if (ns_rr_rdlen(rr) != want)
			goto bad;
		dns_addr_set(&out[(*n)++], family, ns_rr_rdata(rr));
	}
	return DNS_OK;
bad:
	say(why, "%s lookup for %s failed: malformed answer",
	    dns_type_name(type), name);
	return DNS_TEMPFAIL;
}

/*
 * A first, then AAAA.  A failing A lookup decides; a failing AAAA lookup
 * only when A gave nothing, so a server that is broken for AAAA alone
 * does not hold up mail to an IPv4 host.
 */
enum dns_rc
dns_addrs(const char *host, struct dns_addr *out, size_t max, size_t *n,
    char *why)
{
	char name[VALID_NAME_MAX], why6[DNS_WHY_MAX];
	unsigned char *ans;
	enum dns_rc rc, rc6;

	say(why, "%s", "");
	*n = 0;
	if (out == NULL || max == 0) {
		say(why, "address lookup: no room for the result");
		return DNS_TEMPFAIL;
	}
	if (dns_literal(host, &out[0]) == 0) {
		*n = 1;
		return DNS_OK;
	}
	if (dns_norm_name(host, name) == -1) {
		say(why, "invalid host name \"%.100s\"",
		    host != NULL ? host : "");
		return DNS_PERMFAIL;
	}
	if ((ans = malloc(DNS_ANSWER_MAX)) == NULL) {
		say(why, "address lookup for %s failed: out of memory", name);
		return DNS_TEMPFAIL;
	}
	rc = dns_addr_lookup(name, ns_t_a, ans, out, max, n, why);
	if (rc == DNS_OK && *n < max) {
		rc6 = dns_addr_lookup(name, ns_t_aaaa, ans, out, max, n, why6);
		if (rc6 != DNS_OK && *n == 0) {
			rc = rc6;
			say(why, "%s", why6);
		}
	}
	free(ans);
	if (rc == DNS_OK && *n == 0) {
		say(why, "host %s has no address", name);
		rc = DNS_PERMFAIL;
	}
	return rc;
}
