/*
 * dns — where mail for a domain goes: MX lookup through the configured
 * resolver (libresolv, with the server from `dns_resolver` or the
 * system's), the MX list cut at our own preference, and address lookups.
 *
 * Rules (RFC 5321 section 5.1, and Postfix's smtp_addr.c behaviour):
 * - MX records sorted by preference; every host whose preference is equal
 *   to or worse than the best preference of one of our own names
 *   (mx_names) is dropped.  If one of our names is the best MX, the result
 *   is DNS_LOOP ("mail for DOMAIN loops back to myself").
 * - No MX record (NOERROR/NODATA): the domain itself is the only host
 *   (implicit MX, preference 0).  A null MX ("0 .", RFC 7505) is
 *   permanent: DNS_PERMFAIL.
 * - NXDOMAIN is DNS_PERMFAIL; SERVFAIL, timeouts, REFUSED and truncated
 *   or unparsable answers are DNS_TEMPFAIL.
 *
 * Thread-safe: each call uses its own resolver state.  Nothing is cached
 * here; callers keep results as long as they see fit.
 * Errors: the enum; a one-line reason for the log and the DSN in why.
 */
#ifndef BMX_DNS_H
#define BMX_DNS_H

#include <stddef.h>
#include <sys/socket.h>

#include "valid.h"

#define DNS_MAX_TARGETS 16
#define DNS_MAX_ADDRS 16
#define DNS_WHY_MAX 256

enum dns_rc { DNS_OK, DNS_TEMPFAIL, DNS_PERMFAIL, DNS_LOOP };

struct dns_target {
	char	host[VALID_NAME_MAX];	/* lower case, no trailing dot */
	int	pref;
};

struct dns_addr {
	struct sockaddr_storage	sa;	/* port not set */
	socklen_t		len;
	char			text[64];	/* "192.0.2.1" or "2001:db8::1" */
};

/*
 * Use the resolver "IP" or "IP:PORT" ("[v6]:PORT"); NULL or "" means the
 * system's (/etc/resolv.conf).  Call once at start-up (and on reload,
 * while no lookup runs).  0 or -1 with err (DNS_WHY_MAX).
 */
int	dns_init(const char *resolver, char *err);

/*
 * The delivery hosts of domain (A-label), best first, at most max.
 * own: our names (mx_names), nown of them, lower case, no trailing dot.
 * (Implementation notes: own is compared without case and trailing dot;
 * hosts of equal preference come in name order; *n is 0 and why set on
 * any result but DNS_OK, why is "" on DNS_OK; an MX host that is not a
 * valid host name is skipped; a null MX beside real MX hosts is ignored.)
 */
enum dns_rc dns_targets(const char *domain, const char *const *own,
	    size_t nown, struct dns_target *out, size_t max, size_t *n,
	    char *why);

/*
 * The IPv4 and IPv6 addresses of host (A then AAAA), at most max.
 * (Implementation notes: an IP literal host — "192.0.2.1", "[192.0.2.1]",
 * "2001:db8::1", "[2001:db8::1]", "[IPv6:2001:db8::1]" — is returned as
 * is, without DNS.  A failed A lookup decides; a failed AAAA lookup only
 * when A gave no address.  No address at all is DNS_PERMFAIL.  For a
 * caller trying several MX hosts, DNS_PERMFAIL here is about this host
 * only, not about the domain.)
 */
enum dns_rc dns_addrs(const char *host, struct dns_addr *out, size_t max,
	    size_t *n, char *why);

#endif
