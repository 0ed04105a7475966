/*
 * resolve — see resolve.h.
 *
 * With a configured server, glibc's res_nsend treats SERVFAIL and REFUSED
 * as "try the next server" and reports a timeout once none is left; with
 * the single server we set pfcode (glibc's "called from dig" switch) so
 * the answer comes back and its rcode can be named.  Waits: retrans 2 s,
 * retry 2.
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "resolve.h"
#include "util.h"
#include "valid.h"

#define RESOLVE_ANSWER_MAX 65536

static void resolve_say(char *, const char *, ...) ATTR_PRINTF(2, 3);

static void
resolve_say(char *why, const char *fmt, ...)
{
	va_list ap;

	if (why == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(why, RESOLVE_WHY_MAX, fmt, ap);
	va_end(ap);
}

int
resolve_server(const char *resolver, struct sockaddr_storage *ss, char *why)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	char host[VALID_NAME_MAX], verr[VALID_ERR_MAX];
	int port;

	memset(ss, 0, sizeof(*ss));
	if (resolver == NULL || *resolver == '\0')
		return 0;
	if (valid_hostport(resolver, host, &port, NS_DEFAULTPORT, verr) == -1) {
		resolve_say(why, "dns_resolver \"%.80s\": %s", resolver, verr);
		return -1;
	}
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
	} else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
	} else {
		resolve_say(why, "dns_resolver \"%.80s\": not an IP address (the "
		    "resolver itself cannot be looked up by name)", resolver);
		return -1;
	}
	return 0;
}

/*
 * Replace resolv.conf's servers with ss.  An IPv6 server goes where glibc
 * keeps them (_u._ext.nsaddrs, with nsaddr_list's family 0); it must be
 * malloc'd, as res_nclose frees it.
 */
static int
resolve_use(struct __res_state *rs, const struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *sin6;
	int i;

	for (i = 0; i < MAXNS; i++) {
		free(rs->_u._ext.nsaddrs[i]);
		rs->_u._ext.nsaddrs[i] = NULL;
	}
	rs->nscount = 0;
	rs->_u._ext.nscount = 0;
	memset(&rs->nsaddr_list[0], 0, sizeof(rs->nsaddr_list[0]));
	if (ss->ss_family == AF_INET)
		memcpy(&rs->nsaddr_list[0], ss, sizeof(struct sockaddr_in));
	else {
		if ((sin6 = malloc(sizeof(*sin6))) == NULL)
			return -1;
		memcpy(sin6, ss, sizeof(*sin6));
		rs->_u._ext.nsaddrs[0] = sin6;
	}
	rs->nscount = 1;
	return 0;
}

int
resolve_open(struct __res_state *rs, const struct sockaddr_storage *ss,
    char *why)
{
	memset(rs, 0, sizeof(*rs));
	if (res_ninit(rs) == -1) {
		res_nclose(rs);
		resolve_say(why, "cannot initialise the DNS resolver");
		return -1;
	}
	rs->retrans = 2;
	rs->retry = 2;
	/* The exact name, over UDP (TCP only after truncation). */
	rs->options &= ~(unsigned long)(RES_DEFNAMES | RES_DNSRCH |
	    RES_USEVC | RES_STAYOPEN | RES_IGNTC);
#ifdef RES_NOAAAA
	rs->options &= ~(unsigned long)RES_NOAAAA;
#endif
	rs->options |= RES_RECURSE;
	if (ss->ss_family != AF_UNSPEC && resolve_use(rs, ss) == -1) {
		res_nclose(rs);
		resolve_say(why, "cannot set up the DNS resolver: out of memory");
		return -1;
	}
	if (rs->nscount == 1)
		rs->pfcode = RES_PRF_REPLY;	/* see the top of this file */
	return 0;
}

/* The MX records of the answer, owner the query name. */
static int
resolve_collect(ns_msg *msg, const char *name, struct zone_mx *out,
    size_t max, size_t *n)
{
	char host[NS_MAXDNAME];
	ns_rr rr;
	size_t len;
	int i, count = ns_msg_count(*msg, ns_s_an);

	for (i = 0; i < count && *n < max; i++) {
		if (ns_parserr(msg, ns_s_an, i, &rr) == -1)
			return -1;
		if (ns_rr_type(rr) != ns_t_mx || ns_rr_class(rr) != ns_c_in ||
		    strcasecmp(ns_rr_name(rr), name) != 0)
			continue;
		if (ns_rr_rdlen(rr) < 3 || dn_expand(ns_msg_base(*msg),
		    ns_msg_end(*msg), ns_rr_rdata(rr) + 2, host,
		    sizeof(host)) < 0)
			return -1;
		if (host[0] == '\0')
			strcpy(host, ".");
		for (len = 0; host[len] != '\0'; len++)
			host[len] = (char)tolower((unsigned char)host[len]);
		out[*n].pref = ns_get16(ns_rr_rdata(rr));
		util_strlcpy(out[*n].host, host, sizeof(out[*n].host));
		(*n)++;
	}
	return 0;
}

static enum resolve_rc
resolve_read(const unsigned char *ans, int len, const char *name,
    struct zone_mx *out, size_t max, size_t *n, char *why)
{
	ns_msg msg;
	int rcode;

	if (ns_initparse(ans, len, &msg) == -1) {
		resolve_say(why, "unparsable answer for %s", name);
		return RESOLVE_FAIL;
	}
	rcode = ns_msg_getflag(msg, ns_f_rcode);
	if (rcode == ns_r_nxdomain) {
		resolve_say(why, "%s does not exist in DNS (NXDOMAIN)", name);
		return RESOLVE_NXDOMAIN;
	}
	if (rcode != ns_r_noerror) {
		resolve_say(why, "the DNS server answered %s for %s",
		    rcode == ns_r_servfail ? "SERVFAIL" : rcode == ns_r_refused
		    ? "REFUSED" : "an error", name);
		return RESOLVE_FAIL;
	}
	if (resolve_collect(&msg, name, out, max, n) == -1) {
		resolve_say(why, "malformed answer for %s", name);
		return RESOLVE_FAIL;
	}
	return RESOLVE_OK;
}

enum resolve_rc
resolve_mx(const char *resolver, const char *domain, struct zone_mx *out,
    size_t max, size_t *n, char *why)
{
	struct __res_state rs;
	struct sockaddr_storage ss;
	unsigned char q[NS_PACKETSZ], *ans;
	enum resolve_rc rc;
	int qlen, len, e;

	*n = 0;
	why[0] = '\0';
	if (valid_hostname(domain, NULL, NULL) == -1) {
		resolve_say(why, "not a domain name");
		return RESOLVE_FAIL;
	}
	if (resolve_server(resolver, &ss, why) == -1 ||
	    resolve_open(&rs, &ss, why) == -1)
		return RESOLVE_FAIL;
	if ((ans = malloc(RESOLVE_ANSWER_MAX)) == NULL ||
	    (qlen = res_nmkquery(&rs, ns_o_query, domain, ns_c_in, ns_t_mx,
	    NULL, 0, NULL, q, sizeof(q))) < 0) {
		free(ans);
		res_nclose(&rs);
		resolve_say(why, "cannot build the query");
		return RESOLVE_FAIL;
	}
	errno = 0;
	len = res_nsend(&rs, q, qlen, ans, RESOLVE_ANSWER_MAX);
	e = errno;
	res_nclose(&rs);
	if (len < 0) {
		free(ans);
		resolve_say(why, "no answer from the DNS server (%s)",
		    e == ECONNREFUSED ? "connection refused" : "timed out");
		return RESOLVE_FAIL;
	}
	rc = resolve_read(ans, len, domain, out, max, n, why);
	free(ans);
	return rc;
}
