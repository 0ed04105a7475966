/*
 * valid — pure validators for the names and numbers that users type.
 *
 * What it does: every public function checks one kind of value and, when
 * it is good, writes the normalised form into the caller's buffer.  Names
 * go through two passes: a scan of the text as typed (so the user gets a
 * precise reason for the common mistakes), then libidn2 (IDNA2008,
 * non-transitional, NFC input) and a check of the resulting A-label form
 * against the letter-digit-hyphen rules and the DNS length limits.
 *
 * Error policy: return 0 or -1; on -1 err holds one short sentence meant
 * for the user.  err is cleared on entry and always NUL-terminated; string
 * outputs are set to "" on entry, so a failed call never leaves stale data;
 * numeric outputs are written only on success.  A NULL input is an error;
 * a NULL output or err is allowed and simply not written.
 *
 * Memory: nothing is allocated here except the strings libidn2 returns,
 * and each of those is freed (idn2_free) in the function that asked for it.
 */
#include "valid.h"

#include <arpa/inet.h>
#include <idn2.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define NAME_LEN_MAX	253	/* octets of a name in A-label form, no dot */
#define LABEL_LEN_MAX	63
#define LOCAL_LEN_MAX	64	/* RFC 5321, 4.5.3.1.1 */
#define MAILBOX_LEN_MAX	254	/* RFC 5321 path (256) minus the brackets */
#define PORT_MAX	65535
#define TTL_MAX		2147483647UL	/* RFC 2181, section 8 */
#define IP_TEXT_MAX	64	/* longer than any textual IPv4/IPv6 address */
#define IDN_FLAGS	(IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT)

/*
 * The Unicode form a user types can be much longer than its A-label:
 * punycode spends about one octet per repeated character, UTF-8 up to four.
 * This bounds the typed text we are willing to look at.
 */
#define NAME_INPUT_MAX	1024

/* How one kind of name is checked and spoken of in messages. */
struct name_rule {
	const char	*what;		/* "domain", "host name", ... */
	int		 min_labels;
	const char	*example;	/* shown when there are too few labels */
};

static const struct name_rule rule_domain = { "domain", 2, "example.de" };
static const struct name_rule rule_host = { "host name", 1, NULL };
static const struct name_rule rule_fqdn = { "host name", 2,
    "mail.example.de." };
static const struct name_rule rule_mail = { "domain after the @", 2,
    "name@example.de" };
static const struct name_rule rule_display = { "name", 1, NULL };

static int fail(char *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* Write a message into err (if any) and return -1 for the caller. */
static int
fail(char *err, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL) {
		va_start(ap, fmt);
		vsnprintf(err, VALID_ERR_MAX, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void
clear(char *s)
{
	if (s != NULL)
		s[0] = '\0';
}

/* Copy src into dst when the caller wants it; sizes are checked before. */
static void
put(char *dst, const char *src)
{
	if (dst != NULL)
		memcpy(dst, src, strlen(src) + 1);
}

static void
ascii_lower(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int
is_ldh(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c == '-';
}

static int
is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/*
 * Length of the well-formed UTF-8 sequence at p (at most avail octets), or
 * 0 when it is not one: stray continuation octets, overlong forms,
 * surrogates, code points above U+10FFFF and truncated sequences all fail.
 * A NUL is never a continuation octet, so a NUL-terminated string may pass
 * a generous avail.
 */
static size_t
utf8_seq(const unsigned char *p, size_t avail, uint32_t *cp)
{
	size_t n, i;
	uint32_t c, min;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2, c = p[0] & 0x1f, min = 0x80;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3, c = p[0] & 0x0f, min = 0x800;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4, c = p[0] & 0x07, min = 0x10000;
	} else
		return 0;
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/*
 * Strict unsigned decimal: digits only (leading zeros are fine), no sign,
 * no spaces, and never beyond max, whatever the number of digits.
 */
static int
parse_uint(const char *s, unsigned long max, unsigned long *v)
{
	unsigned long n = 0, d;

	if (s == NULL || *s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (!is_digit((unsigned char)*s))
			return -1;
		d = (unsigned long)(*s - '0');
		if (n > (max - d) / 10)
			return -1;
		n = n * 10 + d;
	}
	*v = n;
	return 0;
}

/* ---- names ------------------------------------------------------------ */

/* Messages that both passes (ours and libidn2's) can give. */
static int
fail_long_name(const struct name_rule *r, char *err)
{
	return fail(err, "the %s is longer than %d characters", r->what,
	    NAME_LEN_MAX);
}

static int
fail_long_label(char *err)
{
	return fail(err, "label longer than %d characters (each part between "
	    "dots may have at most %d)", LABEL_LEN_MAX, LABEL_LEN_MAX);
}

static int
fail_hyphen_end(char *err)
{
	return fail(err, "a label must not start or end with a hyphen");
}

static int
fail_hyphen_34(char *err)
{
	return fail(err, "only labels starting with \"xn--\" may have \"--\" "
	    "as their third and fourth characters");
}

static int
name_bad_char(unsigned char c, const struct name_rule *r, char *err)
{
	if (c == ' ')
		return fail(err, "the %s must not contain spaces", r->what);
	if (is_control(c))
		return fail(err, "the %s must not contain control characters",
		    r->what);
	return fail(err, "the %s must not contain \"%c\"; use letters, "
	    "digits, hyphens and dots", r->what, c);
}

static int
name_dot(const unsigned char *p, size_t i, size_t len,
    const struct name_rule *r, char *err)
{
	if (i == 0)
		return fail(err, "the %s must not start with a dot", r->what);
	if (i + 1 == len)
		return fail(err, "the %s must not end with a dot", r->what);
	if (p[i + 1] == '.')
		return fail(err, "the %s must not contain two dots in a row",
		    r->what);
	return 0;
}

/*
 * First pass over the name as typed, before libidn2 sees it: dots, ASCII
 * characters that can never be in a host name, and well-formed UTF-8.
 */
static int
name_scan(const char *s, size_t len, const struct name_rule *r, char *err)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, n;
	uint32_t cp;

	if (len == 0)
		return fail(err, "the %s is empty", r->what);
	if (len >= NAME_INPUT_MAX)
		return fail_long_name(r, err);
	for (i = 0; i < len; i += n) {
		n = 1;
		if (p[i] == '.') {
			if (name_dot(p, i, len, r, err) == -1)
				return -1;
		} else if (p[i] >= 0x80) {
			if ((n = utf8_seq(p + i, len - i, &cp)) == 0)
				return fail(err, "the %s is not valid UTF-8 "
				    "text", r->what);
		} else if (!is_ldh(p[i]))
			return name_bad_char(p[i], r, err);
	}
	return 0;
}

/* Turn a libidn2 error into a sentence for the user. */
static int
idn_fail(int rc, const struct name_rule *r, char *err)
{
	switch (rc) {
	case IDN2_TOO_BIG_LABEL:
	case IDN2_PUNYCODE_BIG_OUTPUT:	/* the encoded label outgrew 63 */
		return fail_long_label(err);
	case IDN2_TOO_BIG_DOMAIN:
		return fail_long_name(r, err);
	case IDN2_PUNYCODE_BAD_INPUT:
	case IDN2_PUNYCODE_OVERFLOW:
	case IDN2_INVALID_ALABEL:
	case IDN2_ALABEL_ROUNDTRIP_FAILED:
		return fail(err, "the %s has a label starting with \"xn--\" "
		    "that is not valid punycode", r->what);
	case IDN2_2HYPHEN:
		return fail_hyphen_34(err);
	case IDN2_HYPHEN_STARTEND:
		return fail_hyphen_end(err);
	case IDN2_ENCODING_ERROR:
		return fail(err, "the %s is not valid UTF-8 text", r->what);
	case IDN2_DISALLOWED:
	case IDN2_UNASSIGNED:
		return fail(err, "the %s contains a character that is not "
		    "allowed in domain names", r->what);
	default:
		return fail(err, "the %s is not a valid international name (%s)",
		    r->what, idn2_strerror(rc));
	}
}

static int
label_check(const char *p, size_t n, const struct name_rule *r, char *err)
{
	size_t i;

	if (n == 0)
		return fail(err, "the %s has an empty label", r->what);
	if (n > LABEL_LEN_MAX)
		return fail_long_label(err);
	for (i = 0; i < n; i++)
		if (!is_ldh((unsigned char)p[i]))
			return fail(err, "the %s may only contain letters, "
			    "digits, hyphens and dots", r->what);
	if (p[0] == '-' || p[n - 1] == '-')
		return fail_hyphen_end(err);
	if (n >= 4 && p[2] == '-' && p[3] == '-' &&
	    !(p[0] == 'x' && p[1] == 'n'))
		return fail_hyphen_34(err);
	return 0;
}

/* Second pass, over the lower-case A-label form that libidn2 produced. */
static int
alabel_check(const char *a, const struct name_rule *r, char *err)
{
	const char *p, *dot, *last = a;
	size_t n, i;
	int labels = 0;

	if (strlen(a) > NAME_LEN_MAX)
		return fail_long_name(r, err);
	for (p = a;; p = dot + 1) {
		dot = strchr(p, '.');
		n = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if (label_check(p, n, r, err) == -1)
			return -1;
		labels++;
		last = p;
		if (dot == NULL)
			break;
	}
	for (i = 0; is_digit((unsigned char)last[i]); i++)
		;
	if (last[i] == '\0')
		return fail(err, "the last label of the %s must not be all "
		    "digits", r->what);
	if (labels < r->min_labels)
		return fail(err, "the %s needs at least two labels, like "
		    "\"%s\"", r->what, r->example);
	return 0;
}

static int
has_xn_label(const char *a)
{
	const char *p;

	for (p = a; p != NULL; p = strchr(p, '.')) {
		if (*p == '.')
			p++;
		if (strncmp(p, "xn--", 4) == 0)
			return 1;
	}
	return 0;
}

/*
 * Convert the A-label name a to Unicode and back, and insist on getting a
 * again.  libidn2's A→U direction alone accepts labels that decode to
 * nonsense ("xn--a" becomes an empty label); its lookup already refuses
 * them, so for checking this is a second line of defence.  When u is not
 * NULL it receives the Unicode form, or a copy of a when the Unicode form
 * does not fit usize (it is only for display).
 */
static int
xn_roundtrip(const char *a, char *u, size_t usize, const struct name_rule *r,
    char *err)
{
	char *uni = NULL;
	uint8_t *back = NULL;
	int rc, same = 0;

	rc = idn2_to_unicode_8z8z(a, &uni, 0);
	if (rc == IDN2_OK)
		rc = idn2_lookup_u8((const uint8_t *)uni, &back, IDN_FLAGS);
	if (rc == IDN2_OK)
		same = strcmp((const char *)back, a) == 0;
	if (same && u != NULL)
		put(u, strlen(uni) < usize ? uni : a);
	idn2_free(uni);
	idn2_free(back);
	if (rc != IDN2_OK)
		return idn_fail(rc, r, err);
	if (!same)
		return fail(err, "the %s does not convert to Unicode and back "
		    "unchanged", r->what);
	return 0;
}

/*
 * Check the len octets at s as a name under rule r and write its
 * lower-case A-label form into a (VALID_NAME_MAX octets).
 */
static int
name_to_alabel(const char *s, size_t len, const struct name_rule *r, char *a,
    char *err)
{
	char buf[NAME_INPUT_MAX];
	uint8_t *res = NULL;
	size_t n;
	int rc;

	a[0] = '\0';
	if (name_scan(s, len, r, err) == -1)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	ascii_lower(buf);
	if ((rc = idn2_lookup_u8((const uint8_t *)buf, &res, IDN_FLAGS)) !=
	    IDN2_OK)
		return idn_fail(rc, r, err);
	n = strlen((const char *)res);
	if (n <= NAME_LEN_MAX)
		memcpy(a, res, n + 1);
	idn2_free(res);
	if (n > NAME_LEN_MAX)
		return fail_long_name(r, err);
	ascii_lower(a);
	if (alabel_check(a, r, err) == -1)
		return -1;
	if (has_xn_label(a) && xn_roundtrip(a, NULL, 0, r, err) == -1)
		return -1;
	return 0;
}

int
valid_domain(const char *in, char *alabel, char *ulabel, char *err)
{
	char a[VALID_NAME_MAX], u[VALID_NAME_MAX];
	size_t len;

	clear(err);
	clear(alabel);
	clear(ulabel);
	if (in == NULL)
		return fail(err, "no domain given");
	len = strlen(in);
	if (len > 0 && in[len - 1] == '.')
		len--;
	if (name_to_alabel(in, len, &rule_domain, a, err) == -1)
		return -1;
	if (!has_xn_label(a))
		put(u, a);
	else if (xn_roundtrip(a, u, sizeof u, &rule_domain, err) == -1)
		return -1;
	put(alabel, a);
	put(ulabel, u);
	return 0;
}

int
valid_domain_to_unicode(const char *alabel, char *ulabel, char *err)
{
	char a[VALID_NAME_MAX], u[VALID_NAME_MAX];
	size_t len, i;
	int dot;

	clear(err);
	clear(ulabel);
	if (alabel == NULL)
		return fail(err, "no name given");
	len = strlen(alabel);
	for (i = 0; i < len; i++)
		if ((unsigned char)alabel[i] >= 0x80)
			return fail(err, "the name is not in A-label (ASCII) "
			    "form");
	dot = len > 1 && alabel[len - 1] == '.';
	if (name_to_alabel(alabel, len - (size_t)dot, &rule_display, a,
	    err) == -1)
		return -1;
	/* The dot the caller wrote must fit the VALID_NAME_MAX buffer too. */
	if (strlen(a) + (size_t)dot > NAME_LEN_MAX)
		return fail(err, "the name is longer than %d characters "
		    "(counting the final dot)", NAME_LEN_MAX);
	if (!has_xn_label(a)) {
		put(ulabel, alabel);
		return 0;
	}
	if (xn_roundtrip(a, u, sizeof u - (size_t)dot, &rule_display,
	    err) == -1)
		return -1;
	if (dot)
		strcat(u, ".");
	put(ulabel, u);
	return 0;
}

int
valid_hostname(const char *in, char *out, char *err)
{
	char a[VALID_NAME_MAX];

	clear(err);
	clear(out);
	if (in == NULL)
		return fail(err, "no host name given");
	if (name_to_alabel(in, strlen(in), &rule_host, a, err) == -1)
		return -1;
	put(out, a);
	return 0;
}

/*
 * The user forgot the final dot: show them their own input with the dot
 * added.  A long input keeps its end (where the dot goes), cut at a UTF-8
 * character boundary so the message stays valid text.
 */
static int
fail_missing_dot(const char *in, size_t len, char *err)
{
	static const char head[] = "the host name must end with a dot: write \"";
	static const char tail[] = ".\"";
	const size_t room = VALID_ERR_MAX - sizeof head - sizeof tail + 1;
	const char *s = in, *ell = "";

	if (err == NULL)
		return -1;
	if (len > room) {
		ell = "...";
		s = in + len - (room - 3);
		while (((unsigned char)*s & 0xc0) == 0x80)
			s++;
	}
	snprintf(err, VALID_ERR_MAX, "%s%s%s%s", head, ell, s, tail);
	return -1;
}

int
valid_fqdn_dot(const char *in, char *out, char *err)
{
	char a[VALID_NAME_MAX];
	size_t len;

	clear(err);
	clear(out);
	if (in == NULL)
		return fail(err, "no host name given");
	len = strlen(in);
	if (len == 0)
		return fail(err, "the host name is empty");
	if (in[len - 1] != '.') {
		/* Only a name that is otherwise good is worth echoing. */
		if (name_to_alabel(in, len, &rule_fqdn, a, err) == -1)
			return -1;
		return fail_missing_dot(in, len, err);
	}
	if (name_to_alabel(in, len - 1, &rule_fqdn, a, err) == -1)
		return -1;
	/* The dot must fit the VALID_NAME_MAX buffer as well. */
	if (strlen(a) + 1 > NAME_LEN_MAX)
		return fail(err, "the host name is longer than %d characters "
		    "(counting the final dot)", NAME_LEN_MAX);
	strcat(a, ".");
	put(out, a);
	return 0;
}

/* ---- e-mail addresses ------------------------------------------------- */

/* A UTF-8 character in the local part: 0 (and err set) when it is bad. */
static size_t
local_utf8(const unsigned char *p, char *err)
{
	size_t n;
	uint32_t cp;

	if ((n = utf8_seq(p, 4, &cp)) == 0) {
		fail(err, "the address is not valid UTF-8 text");
		return 0;
	}
	if (cp < 0xa0) {	/* C1 controls U+0080..U+009F */
		fail(err, "the address must not contain control characters");
		return 0;
	}
	return n;
}

static int
fail_no_at(char *err)
{
	return fail(err, "the address needs an @, like \"name@example.de\"");
}

/* RFC 5322 atext, less the UTF-8 that RFC 6531 adds (handled apart). */
static int
is_atext(unsigned char c)
{
	return is_ldh(c) || (c != '\0' && strchr("!#$%&'*+/=?^_`{|}~", c));
}

static int
local_bad_char(unsigned char c, char *err)
{
	if (c == ' ')
		return fail(err, "the address must not contain spaces, "
		    "except in a quoted part before the @");
	if (is_control(c))
		return fail(err, "the address must not contain control "
		    "characters");
	if (c == '"')
		return fail(err, "a quote may only enclose the whole part "
		    "before the @");
	return fail(err, "the part before the @ must not contain \"%c\" "
	    "unless it is in quotes", c);
}

/* A dot-atom local part; *len becomes its length (in[*len] is '@'). */
static int
local_dot_atom(const char *in, size_t *len, char *err)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i, n;

	for (i = 0; p[i] != '@'; i += n) {
		n = 1;
		if (p[i] == '\0')
			return fail_no_at(err);
		if (p[i] == '.') {
			if (i == 0)
				return fail(err, "the part before the @ must "
				    "not start with a dot");
			if (p[i + 1] == '.')
				return fail(err, "the part before the @ must "
				    "not contain two dots in a row");
		} else if (p[i] >= 0x80) {
			if ((n = local_utf8(p + i, err)) == 0)
				return -1;
		} else if (!is_atext(p[i]))
			return local_bad_char(p[i], err);
	}
	if (i == 0)
		return fail(err, "the part before the @ is empty");
	if (p[i - 1] == '.')
		return fail(err, "the part before the @ must not end with a dot");
	*len = i;
	return 0;
}

/* A quoted-string local part (in[0] is '"'); *len includes the quotes. */
static int
local_quoted(const char *in, size_t *len, char *err)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i, n;

	for (i = 1; p[i] != '"'; i += n) {
		n = 1;
		if (p[i] == '\0')
			return fail(err, "the quoted part before the @ has no "
			    "closing quote");
		if (p[i] == '\\') {
			if (p[i + 1] < 0x20 || p[i + 1] > 0x7e)
				return fail(err, "a backslash in quotes must be "
				    "followed by a printable ASCII character");
			n = 2;
		} else if (p[i] >= 0x80) {
			if ((n = local_utf8(p + i, err)) == 0)
				return -1;
		} else if (is_control(p[i]))
			return fail(err, "the address must not contain control "
			    "characters");
	}
	if (i == 1)
		return fail(err, "the part before the @ is empty");
	if (p[i + 1] == '\0')
		return fail_no_at(err);
	if (p[i + 1] != '@')
		return fail(err, "the quotes must enclose the whole part "
		    "before the @");
	*len = i + 1;
	return 0;
}

/* [192.0.2.1] or [IPv6:2001:db8::1], copied into d as given. */
static int
address_literal(const char *dom, char *d, char *err)
{
	unsigned char bin[sizeof(struct in6_addr)];
	char ip[IP_TEXT_MAX];
	size_t len = strlen(dom), n;
	const char *s = dom + 1;
	int af = AF_INET;

	if (len < 2 || dom[len - 1] != ']')
		return fail(err, "the address literal must end with \"]\"");
	n = len - 2;
	if (n >= 5 && strncasecmp(s, "IPv6:", 5) == 0) {
		s += 5;
		n -= 5;
		af = AF_INET6;
	}
	if (n > 0 && n < sizeof ip) {
		memcpy(ip, s, n);
		ip[n] = '\0';
		if (inet_pton(af, ip, bin) == 1) {
			put(d, dom);
			return 0;
		}
	}
	if (af == AF_INET6)
		return fail(err, "the address literal is not a valid IPv6 "
		    "address");
	if (memchr(s, ':', n) != NULL)
		return fail(err, "write an IPv6 address literal like "
		    "[IPv6:2001:db8::1]");
	return fail(err, "the address literal is not a valid IPv4 address");
}

int
valid_email(const char *in, char *out, char *err)
{
	char d[VALID_NAME_MAX];
	const char *dom;
	size_t llen = 0, dlen;
	int rc;

	clear(err);
	clear(out);
	if (in == NULL)
		return fail(err, "no address given");
	if (*in == '\0')
		return fail(err, "the address is empty");
	if (in[0] == '"')
		rc = local_quoted(in, &llen, err);
	else
		rc = local_dot_atom(in, &llen, err);
	if (rc == -1)
		return -1;
	if (llen > LOCAL_LEN_MAX)
		return fail(err, "the part before the @ is longer than %d "
		    "characters", LOCAL_LEN_MAX);
	dom = in + llen + 1;
	if (*dom == '\0')
		return fail(err, "the domain after the @ is empty");
	if (*dom == '[')
		rc = address_literal(dom, d, err);
	else
		rc = name_to_alabel(dom, strlen(dom), &rule_mail, d, err);
	if (rc == -1)
		return -1;
	dlen = strlen(d);
	if (llen + 1 + dlen > MAILBOX_LEN_MAX)
		return fail(err, "the address is longer than %d characters",
		    MAILBOX_LEN_MAX);
	if (out != NULL) {
		memcpy(out, in, llen + 1);
		memcpy(out + llen + 1, d, dlen + 1);
	}
	return 0;
}

/* ---- addresses, ports, numbers ---------------------------------------- */

int
valid_ip(const char *in, int family, char *err)
{
	unsigned char bin[sizeof(struct in6_addr)];

	clear(err);
	if (family != 0 && family != 4 && family != 6)
		return fail(err, "unknown address family %d", family);
	if (in == NULL || *in == '\0')
		return fail(err, "no IP address given");
	if (family != 6 && inet_pton(AF_INET, in, bin) == 1)
		return 0;
	if (family != 4 && inet_pton(AF_INET6, in, bin) == 1)
		return 0;
	if (family == 4)
		return fail(err, "not a valid IPv4 address, like 192.0.2.1");
	if (family == 6)
		return fail(err, "not a valid IPv6 address, like 2001:db8::1");
	return fail(err, "not a valid IP address, like 192.0.2.1 or "
	    "2001:db8::1");
}

static int
parse_port(const char *s, int *port, char *err)
{
	unsigned long v;

	if (parse_uint(s, PORT_MAX, &v) == -1 || v == 0)
		return fail(err, "port must be a number from 1 to %d", PORT_MAX);
	*port = (int)v;
	return 0;
}

/* "[2001:db8::1]" or "[2001:db8::1]:25"; h receives the bare address. */
static int
hostport_bracket(const char *in, char *h, int *port, char *err)
{
	unsigned char bin[sizeof(struct in6_addr)];
	const char *close = strchr(in, ']');
	size_t n;

	if (close == NULL)
		return fail(err, "the IPv6 address needs a closing \"]\"");
	n = (size_t)(close - in - 1);
	if (n == 0 || n >= IP_TEXT_MAX)
		return fail(err, "the address in brackets is not a valid IPv6 "
		    "address");
	memcpy(h, in + 1, n);
	h[n] = '\0';
	if (inet_pton(AF_INET6, h, bin) != 1)
		return fail(err, "the address in brackets is not a valid IPv6 "
		    "address");
	if (close[1] == '\0')
		return 0;
	if (close[1] != ':')
		return fail(err, "only \":port\" may follow the \"]\"");
	return parse_port(close + 2, port, err);
}

/* The host part of "host[:port]": an IPv4 address or a host name. */
static int
host_or_ipv4(const char *s, size_t len, char *h, char *err)
{
	unsigned char bin[sizeof(struct in_addr)];
	size_t i;

	for (i = 0; i < len && (is_digit((unsigned char)s[i]) || s[i] == '.');
	    i++)
		;
	if (len == 0 || i < len)
		return name_to_alabel(s, len, &rule_host, h, err);
	if (len < IP_TEXT_MAX) {
		memcpy(h, s, len);
		h[len] = '\0';
		if (inet_pton(AF_INET, h, bin) == 1)
			return 0;
	}
	h[0] = '\0';
	return fail(err, "not a valid IPv4 address, like 192.0.2.1");
}

/* Two colons and no brackets: only a bare IPv6 address, without a port. */
static int
hostport_bare6(const char *in, char *h, char *err)
{
	unsigned char bin[sizeof(struct in6_addr)];

	if (strlen(in) >= IP_TEXT_MAX || inet_pton(AF_INET6, in, bin) != 1)
		return fail(err, "write an IPv6 address in brackets, like "
		    "[2001:db8::1]:25");
	put(h, in);
	return 0;
}

int
valid_hostport(const char *in, char *host, int *port, int default_port,
    char *err)
{
	char h[VALID_NAME_MAX];
	const char *colon;
	int p = default_port, rc;

	clear(err);
	clear(host);
	if (in == NULL || *in == '\0')
		return fail(err, "enter a host name or IP address");
	colon = strchr(in, ':');
	if (in[0] == '[')
		rc = hostport_bracket(in, h, &p, err);
	else if (colon != NULL && strchr(colon + 1, ':') != NULL)
		rc = hostport_bare6(in, h, err);
	else if (colon != NULL) {
		rc = host_or_ipv4(in, (size_t)(colon - in), h, err);
		if (rc == 0)
			rc = parse_port(colon + 1, &p, err);
	} else
		rc = host_or_ipv4(in, strlen(in), h, err);
	if (rc == -1)
		return -1;
	put(host, h);
	if (port != NULL)
		*port = p;
	return 0;
}

int
valid_mx_pref(const char *in, int *pref, char *err)
{
	unsigned long v;

	clear(err);
	if (parse_uint(in, 65535, &v) == -1)
		return fail(err, "preference must be a number from 0 to 65535");
	if (pref != NULL)
		*pref = (int)v;
	return 0;
}

int
valid_ttl(const char *in, long *ttl, char *err)
{
	unsigned long v;

	clear(err);
	if (parse_uint(in, TTL_MAX, &v) == -1)
		return fail(err, "TTL must be a number of seconds from 0 to "
		    "%lu", TTL_MAX);
	if (ttl != NULL)
		*ttl = (long)v;
	return 0;
}

int
valid_hostport_norm(const char *in, char *out, size_t outsz, char *err)
{
	char host[VALID_NAME_MAX];
	int port;

	if (valid_hostport(in, host, &port, 25, err) == -1)
		return -1;
	if (strchr(host, ':') != NULL)
		snprintf(out, outsz, "[%s]:%d", host, port);
	else if (port == 25)
		snprintf(out, outsz, "%s", host);
	else
		snprintf(out, outsz, "%s:%d", host, port);
	return 0;
}

int
valid_name_eq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la > 1 && a[la - 1] == '.')
		la--;
	if (lb > 1 && b[lb - 1] == '.')
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}
