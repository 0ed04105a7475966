/*
 * valid — pure validators for the names and numbers that users type.
 *
 * Every function checks one kind of value, writes a normalised form into a
 * buffer the caller owns (where there is one), and returns 0 when the input
 * is good or -1 when it is not, with a one-line, user-facing reason in err
 * (at most VALID_ERR_MAX bytes, NUL-terminated).  Nothing here allocates,
 * touches the database or keeps state between calls; every function is
 * safe to call from any thread.
 *
 * A NULL input is an error, never a crash.  Any output pointer, and err,
 * may be NULL: the call then only validates.  String outputs are set to ""
 * on entry, so a failed call leaves no stale value; numeric outputs are
 * written only on success.  Numbers accept leading zeros ("007" is 7).
 *
 * Domain names are stored in their A-label (ASCII, lower case, punycode)
 * form; the U-label (Unicode) form is only for display.  libidn2 does the
 * conversion (IDNA2008, non-transitional, input NFC-normalised).
 */
#ifndef BMX_VALID_H
#define BMX_VALID_H

#include <stddef.h>

#define VALID_ERR_MAX 160
#define VALID_NAME_MAX 254	/* 253 octets of name plus NUL */
#define VALID_ADDR_MAX 512	/* an e-mail address, generously */

/*
 * A registrable domain name, as a customer types it: U-label or A-label,
 * any case, at least two labels, no terminating dot (one trailing dot is
 * tolerated and dropped).  alabel receives the lower-case A-label form,
 * ulabel (may be NULL) the Unicode form; both buffers VALID_NAME_MAX.
 * The last label must not be all digits.  Should the Unicode form not fit
 * VALID_NAME_MAX (UTF-8 can be longer than punycode), ulabel receives the
 * A-label form instead: it is only for display.
 */
int valid_domain(const char *in, char *alabel, char *ulabel, char *err);

/*
 * A-label → U-label for display; copies the input when it has no xn-- label.
 * The input must be ASCII and pass the valid_hostname rules (one label is
 * enough); one trailing dot is allowed and kept.  ulabel is VALID_NAME_MAX,
 * with the same A-label fallback as valid_domain.
 */
int valid_domain_to_unicode(const char *alabel, char *ulabel, char *err);

/*
 * A host name (RFC 952/1123 letter-digit-hyphen labels, IDN accepted and
 * converted to A-labels into out, lower case).  A single label is allowed.
 * No terminating dot.  out is VALID_NAME_MAX.  The last label must not be
 * all digits, so "192.0.2.1" is not a host name.
 */
int valid_hostname(const char *in, char *out, char *err);

/* Equal DNS names: any case, one trailing dot ignored on either side. */
int valid_name_eq(const char *a, const char *b);

/*
 * A fully qualified host name *with* the terminating dot, as zone records
 * need it ("mail.example.de.").  out receives the lower-case A-label form
 * with its dot.  The error message explains the dot rule when it is missing.
 * out is VALID_NAME_MAX, so the name *with* its dot is at most 253 octets.
 * At least two labels; "." alone (a null MX target) is not accepted here.
 */
int valid_fqdn_dot(const char *in, char *out, char *err);

/*
 * An e-mail address (RFC 5321 Mailbox, with RFC 6531 UTF-8): dot-atom or
 * quoted-string local part (at most 64 octets), '@', then a domain name
 * (IDN allowed) or an address literal ([192.0.2.1], [IPv6:2001:db8::1]).
 * out (VALID_ADDR_MAX) receives the address with its domain converted to
 * a lower-case A-label; the local part is kept exactly as given.
 * The empty string (null sender) is not an address: the caller decides.
 * Neither is an empty quoted local part (""@example.de).  The domain follows
 * valid_domain (two labels at least, but no trailing dot).  An address
 * literal is kept as typed; only IPv4 and "IPv6:" (any case) literals are
 * accepted.  Control characters, C1 controls included, are rejected.
 */
int valid_email(const char *in, char *out, char *err);

/* An IPv4 (family 4), IPv6 (family 6) or either (family 0) address. */
int valid_ip(const char *in, int family, char *err);

/*
 * "host", "host:port", "192.0.2.1:25", "[2001:db8::1]:25" or "[2001:db8::1]".
 * host receives the host name (A-label, lower case) or the bare IP literal
 * (VALID_NAME_MAX); *port receives the port, or default_port when none was
 * given.  Ports are 1..65535.  Brackets are for IPv6 only; a bare IPv6
 * address ("2001:db8::1", no port) is accepted too.  IP addresses are copied
 * as typed.  default_port is passed through unchecked.
 */
int valid_hostport(const char *in, char *host, int *port, int default_port,
    char *err);

/*
 * valid_hostport(), then written back in the one form the database keeps
 * for a delivery host: "host" for port 25, else "host:port", and
 * "[v6]:port" for an IPv6 literal.  out needs VALID_NAME_MAX + 8 bytes.
 */
int valid_hostport_norm(const char *in, char *out, size_t outsz, char *err);

/* An MX preference: decimal 0..65535, no sign, no spaces. */
int valid_mx_pref(const char *in, int *pref, char *err);

/* A TTL in seconds: decimal 0..2147483647 (RFC 2181, section 8). */
int valid_ttl(const char *in, long *ttl, char *err);

#endif
