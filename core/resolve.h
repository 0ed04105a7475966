/*
 * resolve — the panel's live MX lookup (the DNS check of a domain whose
 * zone is hosted elsewhere), on libresolv: res_nmkquery, res_nsend, then
 * ns_initparse / ns_parserr / dn_expand.  No packet is built or read by
 * hand.  The relay's lookup (relay/dns.c) adds its delivery rules on top
 * of the same resolver setup; this one only reports what DNS says.
 *
 * Thread-safe: every call has its own resolver state; the server is an
 * argument (`dns_resolver`: "IP", "IP:PORT", "[v6]:PORT"; NULL or "" for
 * the system's).  Nothing is cached.
 *
 * resolve_server() and resolve_open() are also the relay's (relay/dns.c):
 * one place that turns `dns_resolver` into a libresolv state.
 * Errors: the enum, with a one-line reason in why (RESOLVE_WHY_MAX).
 */
#ifndef BMX_RESOLVE_H
#define BMX_RESOLVE_H

#include <stddef.h>
#include <sys/socket.h>
#include <resolv.h>

#include "zone.h"

#define RESOLVE_WHY_MAX 256

enum resolve_rc {
	RESOLVE_OK,		/* NOERROR; *n may be 0 (no MX records) */
	RESOLVE_NXDOMAIN,	/* the domain does not exist */
	RESOLVE_FAIL		/* SERVFAIL, REFUSED, timeout, bad answer */
};

/*
 * `dns_resolver` ("IP", "IP:PORT", "[v6]:PORT") into ss; NULL or "" is
 * the system's servers (ss_family AF_UNSPEC).  -1 with the reason in why
 * (may be NULL) when it is not an IP address; ss is then zeroed.
 */
int	resolve_server(const char *resolver, struct sockaddr_storage *ss,
	    char *why);
/*
 * A fresh resolver state for one query asking ss (AF_UNSPEC: the system's
 * servers): the exact name, over UDP, recursion desired, 2 s x 2 rounds.
 * The caller res_nclose()s it; -1 with the reason in why.
 */
int	resolve_open(struct __res_state *rs, const struct sockaddr_storage *ss,
	    char *why);

/*
 * The MX records of domain (A-label), in answer order, at most max;
 * hosts lower case without the trailing dot (a null MX is ".").
 */
enum resolve_rc resolve_mx(const char *resolver, const char *domain,
	    struct zone_mx *out, size_t max, size_t *n, char *why);

#endif
