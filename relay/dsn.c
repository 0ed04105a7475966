/*
 * dsn — see dsn.h.  The report, top to bottom:
 *
 *   From, To, Subject, Date, Message-ID, MIME-Version, Auto-Submitted,
 *   Content-Type: multipart/report; report-type=delivery-status
 *   a preamble for readers without MIME
 *   --B  text/plain               what happened, for people (< 78 columns)
 *   --B  message/delivery-status  the per-message block, then one block per
 *                                 recipient, fields in RFC 3464 order
 *   --B  text/rfc822-headers      the original's header section: whole
 *                                 lines, 64 KiB at most, never the body
 *   --B--
 *
 * Hostile text: every value that comes from outside (remote replies above
 * all, but also host names, ids, addresses) is cleaned before it reaches
 * a header field or the status part.  Control characters, CR and LF
 * included, become a blank and runs of blanks shrink to one, so nothing
 * can start a field, a block or a boundary line of its own.  Values are
 * folded at blanks (RFC 5322, 2.2.3) to 78 columns where words allow; a
 * word that cannot fit in 998 octets is split with a folding blank (which
 * adds a blank to the unfolded value: only for absurd input).  A
 * diagnostic keeps at most DSN_DIAG_MAX octets, ending in "..." when cut.
 *
 * 7-bit output: see dsn.h.  Final-Recipient uses RFC 6533's "utf-8"
 * address type in its utf-8-addr-xtext form ("\x{HEX}" for non-ASCII,
 * blanks, controls, '\', '+' and '=') for any address that is not plain
 * printable ASCII; other 8-bit text in the status part becomes '?'.
 *
 * The boundary is "=_" plus 32 random hex digits: "=_" never occurs in
 * quoted-printable output, and the parts are checked for it anyway.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "dsn.h"
#include "valid.h"

#define DSN_LINE_MAX	998	/* octets before CRLF (RFC 5322, 2.1.1) */
#define DSN_FOLD_WIDTH	78	/* preferred width of a header field */
#define DSN_TEXT_WIDTH	76	/* lines of the human part */
#define DSN_QP_WIDTH	76	/* RFC 2045, 6.7, rule 5 */
#define DSN_HDRS_MAX	65536	/* header section we attach */
#define DSN_DIAG_MAX	2000	/* diagnostic text we keep */
#define DSN_VALUE_MAX	512	/* any other value from outside */
#define DSN_HOST_MAX	255

enum dsn_kind { DSN_DELIVERED, DSN_DELAYED, DSN_FAILED };	/* by weight */

static const struct {
	const char	*name;
	enum dsn_kind	 kind;
} dsn_actions[] = {
	{ "failed", DSN_FAILED },
	{ "delayed", DSN_DELAYED },
	{ "delivered", DSN_DELIVERED },
	{ "relayed", DSN_DELIVERED },
	{ "expanded", DSN_DELIVERED },
};

/* What each kind of report says; indexed by enum dsn_kind. */
static const struct {
	const char	*subject;
	const char	*banner;	/* verbatim lines, or NULL */
	const char	*intro;		/* words; "\n" ends a line */
	const char	*section;	/* heads the list of these recipients */
	const char	*status;	/* if the caller's is missing or bad */
	const char	*headers;	/* Content-Description of part 3 */
} dsn_kinds[] = {
	[DSN_DELIVERED] = { "Successful Mail Delivery Report", NULL,
	    "This is a report of the successful delivery of your message.",
	    "Your message was delivered to these recipients:",
	    "2.0.0", "Delivered Message Headers" },
	[DSN_DELAYED] = { "Delayed Mail (still being retried)",
	    "#################################################################"
	    "\r\n"
	    "# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MAIL. #"
	    "\r\n"
	    "#################################################################"
	    "\r\n\r\n",
	    "Your message could not be delivered yet. The mail system keeps "
	    "trying, and will tell you if it has to give up.",
	    "Delivery to these recipients is delayed, and still being "
	    "retried:",
	    "4.0.0", "Delayed Message Headers" },
	[DSN_FAILED] = { "Undelivered Mail Returned to Sender", NULL,
	    "I am sorry to tell you that your message could not be delivered "
	    "to one or more recipients. The reasons are given below; the "
	    "headers of your message are attached, so that you can tell which "
	    "message this is.",
	    "Delivery to these recipients failed permanently:",
	    "5.0.0", "Undelivered Message Headers" },
};

static void dsn_set_err(char *, const char *, ...) ATTR_PRINTF(2, 3);

static void
dsn_set_err(char *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(err, DSN_ERR_MAX, fmt, ap);
	va_end(ap);
}

static int
dsn_action(const char *action, enum dsn_kind *kind, const char **name)
{
	size_t i;

	*kind = DSN_FAILED;	/* never used on -1; keeps gcc content */
	*name = "failed";
	for (i = 0; action != NULL &&
	    i < sizeof(dsn_actions) / sizeof(dsn_actions[0]); i++)
		if (strcasecmp(action, dsn_actions[i].name) == 0) {
			*kind = dsn_actions[i].kind;
			*name = dsn_actions[i].name;
			return 0;
		}
	return -1;
}

/* RFC 3463: class.subject.detail, class 2, 4 or 5, 1-3 digits each. */
static int
dsn_status_ok(const char *s)
{
	int part, digits;

	if (s == NULL || (*s != '2' && *s != '4' && *s != '5') || s[1] != '.')
		return 0;
	s += 2;
	for (part = 0; part < 2; part++) {
		for (digits = 0; *s >= '0' && *s <= '9'; s++)
			digits++;
		if (digits < 1 || digits > 3 || *s != (part == 0 ? '.' : '\0'))
			return 0;
		s++;
	}
	return 1;
}

/* "Thu, 01 Jan 1970 00:00:00 +0000" (RFC 5322, 3.3); names not localised. */
static void
dsn_date(int64_t t, char *buf, size_t bufsz)
{
	static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || tm.tm_year + 1900 > 9999 ||
	    tm.tm_year + 1900 < 1900) {
		tt = 0;
		gmtime_r(&tt, &tm);
	}
	snprintf(buf, bufsz, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void
dsn_random_hex(char *out, size_t nbytes)
{
	unsigned char raw[32];
	size_t i;

	if (nbytes > sizeof(raw))
		nbytes = sizeof(raw);
	randombytes_buf(raw, nbytes);
	for (i = 0; i < nbytes; i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
}

/*
 * Length (2 to 4) of the well-formed UTF-8 sequence at p (RFC 3629: no
 * overlong forms, no surrogates, nothing past U+10FFFF), or 0.  p is
 * NUL-terminated, so the look-ahead stops at the end.
 */
static size_t
dsn_utf8_seq(const unsigned char *p, unsigned long *cp)
{
	unsigned long c;
	size_t n, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		c = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		c = p[0] & 0x07;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 ||
	    c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/*
 * Append s as one line of printable ASCII (see the top): controls become
 * a blank, blanks shrink to one and are trimmed, each 8-bit character
 * becomes '?'.  More than max octets are cut to end in "...".
 */
static void
dsn_clean(struct sbuf *out, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	struct sbuf t;
	int blank = 0, in8 = 0;
	char c;

	sbuf_init(&t);
	for (; *p != '\0'; p++) {
		if (*p <= ' ' || *p == 0x7f) {
			blank = 1;
			in8 = 0;
			continue;
		}
		if (in8 && (*p & 0xc0) == 0x80)
			continue;	/* the rest of an 8-bit character */
		in8 = *p >= 0x80;
		c = in8 ? '?' : (char)*p;
		if (blank && t.len > 0)
			sbuf_add(&t, " ", 1);
		blank = 0;
		sbuf_add(&t, &c, 1);
	}
	if (t.len > max && max > 3) {
		t.len = max - 3;
		sbuf_add(&t, "...", 3);
	}
	if (t.len > 0)
		sbuf_add(out, t.buf, t.len);
	sbuf_free(&t);
}

/*
 * An address for people (To:, the human part): printable ASCII and
 * well-formed UTF-8 as they are, anything else '?'.
 */
static void
dsn_display_addr(struct sbuf *out, const char *addr)
{
	const unsigned char *p = (const unsigned char *)addr;
	unsigned long cp;
	size_t n;

	while (*p != '\0') {
		if (*p >= ' ' && *p < 0x7f)
			n = 1;
		else if ((n = dsn_utf8_seq(p, &cp)) == 0) {
			sbuf_add(out, "?", 1);
			p++;
			continue;
		}
		sbuf_add(out, (const char *)p, n);
		p += n;
	}
}

/* RFC 6533 utf-8-addr-xtext: 7-bit, "\x{HEX}" for what cannot stay. */
static void
dsn_uxtext(struct sbuf *out, const char *addr)
{
	const unsigned char *p = (const unsigned char *)addr;
	unsigned long cp;
	size_t n;

	while (*p != '\0') {
		if (*p > ' ' && *p < 0x7f && *p != '\\' && *p != '+' &&
		    *p != '=') {
			sbuf_add(out, (const char *)p++, 1);
			continue;
		}
		cp = *p;
		n = 1;
		if (*p >= 0x80 && (n = dsn_utf8_seq(p, &cp)) == 0) {
			cp = 0xfffd;	/* not UTF-8: say so */
			n = 1;
		}
		sbuf_printf(out, "\\x{%02lX}", cp);
		p += n;
	}
}

/* "rfc822; addr" for plain printable ASCII, else "utf-8; " xtext. */
static void
dsn_typed_addr(struct sbuf *out, const char *addr)
{
	const unsigned char *p;

	for (p = (const unsigned char *)addr; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f)
			break;
	if (*p == '\0') {
		sbuf_puts(out, "rfc822; ");
		sbuf_puts(out, addr);
	} else {
		sbuf_puts(out, "utf-8; ");
		dsn_uxtext(out, addr);
	}
}

/*
 * ORCPT as received ("type;xtext", RFC 3461, 4.2) to its DSN form: the
 * type in lower case, the xtext decoded (RFC 3464, 2.3.1).  -1 when it is
 * malformed or decodes to anything but printable ASCII: the field is
 * optional, and is left out then.
 */
static int
dsn_orcpt(struct sbuf *out, const char *orcpt)
{
	static const char *types[] = { "rfc822", "utf-8" };
	static const char hex[] = "0123456789ABCDEF";
	const char *semi, *p, *hi, *lo;
	size_t i, tlen;
	char c;

	if (orcpt == NULL || (semi = strchr(orcpt, ';')) == NULL ||
	    semi[1] == '\0')
		return -1;
	tlen = (size_t)(semi - orcpt);
	for (i = 0; i < 2; i++)
		if (strlen(types[i]) == tlen &&
		    strncasecmp(orcpt, types[i], tlen) == 0)
			break;
	if (i == 2)
		return -1;
	sbuf_printf(out, "%s; ", types[i]);
	for (p = semi + 1; *p != '\0'; p++) {
		c = *p;
		if (*p == '+') {
			if (p[1] == '\0' || p[2] == '\0' ||
			    (hi = strchr(hex, toupper((unsigned char)p[1]))) ==
			    NULL || (lo = strchr(hex, toupper((unsigned char)
			    p[2]))) == NULL)
				return -1;
			c = (char)((hi - hex) << 4 | (lo - hex));
			p += 2;
		}
		if (c < ' ' || c > '~')
			return -1;
		sbuf_add(out, &c, 1);
	}
	return 0;
}

/*
 * "Name: value" CRLF.  value is printable ASCII (cleaned, typed or
 * decoded).  Folded at blanks before DSN_FOLD_WIDTH where the words allow;
 * a word longer than a line can hold is split at DSN_LINE_MAX.
 */
static void
dsn_field(struct sbuf *out, const char *name, const char *value)
{
	size_t col = strlen(name) + 1, start = col, wlen, room;
	const char *w = value, *sp;

	sbuf_printf(out, "%s:", name);
	while (*w != '\0') {
		sp = strchr(w, ' ');
		wlen = sp != NULL ? (size_t)(sp - w) : strlen(w);
		if (wlen > 0 && col > start &&
		    col + 1 + wlen > DSN_FOLD_WIDTH) {
			sbuf_add(out, "\r\n", 2);
			col = 0;
		}
		sbuf_add(out, " ", 1);
		col++;
		while (col + wlen > DSN_LINE_MAX) {
			room = DSN_LINE_MAX - col;
			sbuf_add(out, w, room);
			sbuf_add(out, "\r\n ", 3);
			w += room;
			wlen -= room;
			col = 1;
		}
		sbuf_add(out, w, wlen);
		col += wlen;
		w += wlen;
		if (*w == ' ')
			w++;
	}
	sbuf_add(out, "\r\n", 2);
}

/* dsn_field() with prefix + the cleaned raw value; nothing when empty. */
static void
dsn_field_clean(struct sbuf *out, const char *name, const char *prefix,
    const char *raw, size_t max)
{
	struct sbuf v;
	size_t plen = strlen(prefix);

	sbuf_init(&v);
	sbuf_puts(&v, prefix);
	dsn_clean(&v, raw, max);
	if (v.len > plen)
		dsn_field(out, name, v.buf);
	sbuf_free(&v);
}

static void
dsn_field_date(struct sbuf *out, const char *name, int64_t t)
{
	char date[64];

	dsn_date(t, date, sizeof(date));
	dsn_field(out, name, date);
}

/* The per-message block (RFC 3464, 2.2), extension field last. */
static void
dsn_status_msg(struct sbuf *out, const struct dsn_msg *m)
{
	if (m->envid != NULL)
		dsn_field_clean(out, "Original-Envelope-Id", "", m->envid,
		    DSN_VALUE_MAX);
	dsn_field_clean(out, "Reporting-MTA", "dns; ", m->reporting_mta,
	    DSN_HOST_MAX);
	if (m->client != NULL)
		dsn_field_clean(out, "Received-From-MTA",
		    strchr(m->client, ';') != NULL ? "" : "dns; ", m->client,
		    DSN_VALUE_MAX);
	if (m->arrival > 0)
		dsn_field_date(out, "Arrival-Date", m->arrival);
	if (m->queue_id != NULL)
		dsn_field_clean(out, "X-Backupmx-Queue-ID", "", m->queue_id,
		    DSN_VALUE_MAX);
}

/* One recipient's block (RFC 3464, 2.3), after its blank line. */
static void
dsn_status_rcpt(struct sbuf *out, const struct dsn_rcpt *r)
{
	struct sbuf v;
	enum dsn_kind kind;
	const char *action;

	(void)dsn_action(r->action, &kind, &action);	/* checked before */
	sbuf_init(&v);
	sbuf_add(out, "\r\n", 2);
	if (dsn_orcpt(&v, r->orcpt) == 0)
		dsn_field(out, "Original-Recipient", v.buf);
	v.len = 0;
	dsn_typed_addr(&v, r->address);
	dsn_field(out, "Final-Recipient", v.buf);
	sbuf_free(&v);
	dsn_field(out, "Action", action);
	dsn_field(out, "Status", dsn_status_ok(r->status) ? r->status :
	    dsn_kinds[kind].status);
	if (r->remote_mta != NULL)
		dsn_field_clean(out, "Remote-MTA", "dns; ", r->remote_mta,
		    DSN_HOST_MAX);
	if (r->diagnostic != NULL)
		dsn_field_clean(out, "Diagnostic-Code", "smtp; ", r->diagnostic,
		    DSN_DIAG_MAX);
	if (r->last_attempt != 0)
		dsn_field_date(out, "Last-Attempt-Date", r->last_attempt);
}

/*
 * text (words between single blanks; "\n" ends a line) in lines of at
 * most DSN_TEXT_WIDTH octets; a line that has to wrap continues indented
 * by indent blanks.  Words too long for a line are split, never inside a
 * UTF-8 character.  Every line ends in CRLF.
 */
static void
dsn_wrap(struct sbuf *out, const char *text, size_t indent)
{
	static const char blanks[] = "        ";
	size_t col = 0, wlen, cut;
	const char *w = text;

	while (*w != '\0') {
		if (*w == '\n') {
			sbuf_add(out, "\r\n", 2);
			col = 0;
		}
		if (*w == '\n' || *w == ' ') {
			w++;
			continue;
		}
		wlen = strcspn(w, " \n");
		if (col > 0 && col + 1 + wlen > DSN_TEXT_WIDTH) {
			sbuf_add(out, "\r\n", 2);
			sbuf_add(out, blanks, indent);
			col = indent;
		} else if (col > 0) {
			sbuf_add(out, " ", 1);
			col++;
		}
		while (col + wlen > DSN_TEXT_WIDTH) {
			cut = DSN_TEXT_WIDTH - col;
			while (cut > 1 &&
			    ((unsigned char)w[cut] & 0xc0) == 0x80)
				cut--;
			sbuf_add(out, w, cut);
			sbuf_add(out, "\r\n", 2);
			sbuf_add(out, blanks, indent);
			col = indent;
			w += cut;
			wlen -= cut;
		}
		sbuf_add(out, w, wlen);
		col += wlen;
		w += wlen;
	}
	sbuf_add(out, "\r\n", 2);
}

/* "<addr>: host H said: DIAG", wrapped, for the human part. */
static void
dsn_text_rcpt(struct sbuf *out, const struct dsn_rcpt *r,
    enum dsn_kind kind)
{
	struct sbuf line, host, diag;

	sbuf_init(&line);
	sbuf_init(&host);
	sbuf_init(&diag);
	dsn_clean(&host, r->remote_mta, DSN_HOST_MAX);
	dsn_clean(&diag, r->diagnostic, DSN_DIAG_MAX);
	sbuf_add(&line, "<", 1);
	dsn_display_addr(&line, r->address);
	sbuf_add(&line, ">:", 2);
	if (host.len > 0)
		sbuf_printf(&line, " host %s%s", host.buf,
		    diag.len > 0 ? " said:" : ",");
	if (diag.len > 0)
		sbuf_printf(&line, " %s", diag.buf);
	else
		sbuf_printf(&line, " status %s", dsn_status_ok(r->status) ?
		    r->status : dsn_kinds[kind].status);
	dsn_wrap(out, line.buf, 4);
	sbuf_free(&line);
	sbuf_free(&host);
	sbuf_free(&diag);
}

/* The human part: who we are, what happened, each recipient and why. */
static void
dsn_text(struct sbuf *out, const struct dsn_msg *m, const struct dsn_rcpt *r,
    size_t n, enum dsn_kind worst)
{
	enum dsn_kind kind;
	const char *action;
	struct sbuf line;
	size_t i;
	int k, seen;

	sbuf_init(&line);
	sbuf_printf(&line, "This is the mail system at host %s.\n",
	    m->reporting_mta);
	dsn_wrap(out, line.buf, 0);
	if (dsn_kinds[worst].banner != NULL)
		sbuf_puts(out, dsn_kinds[worst].banner);
	dsn_wrap(out, dsn_kinds[worst].intro, 0);
	for (k = DSN_FAILED; k >= DSN_DELIVERED; k--) {
		for (seen = 0, i = 0; i < n; i++) {
			(void)dsn_action(r[i].action, &kind, &action);
			if ((int)kind != k)
				continue;
			if (!seen++) {
				sbuf_add(out, "\r\n", 2);
				dsn_wrap(out, dsn_kinds[k].section, 0);
			}
			sbuf_add(out, "\r\n", 2);
			dsn_text_rcpt(out, &r[i], kind);
		}
	}
	line.len = 0;
	sbuf_printf(&line, "\nIf you need help, write to postmaster@%s and "
	    "include this report.\n", m->reporting_mta);
	dsn_wrap(out, line.buf, 0);
	sbuf_free(&line);
	sbuf_puts(out, "                   The mail system\r\n");
}

/* Quoted-printable (RFC 2045, 6.7); CRLF pairs are the hard breaks. */
static void
dsn_qp(struct sbuf *out, const char *s, size_t len)
{
	size_t i, col = 0, need;
	unsigned char c;
	int eol, lit;
	char esc[4];

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '\r' && i + 1 < len && s[i + 1] == '\n') {
			sbuf_add(out, "\r\n", 2);
			col = 0;
			i++;
			continue;
		}
		eol = i + 1 == len || (s[i + 1] == '\r' && i + 2 < len &&
		    s[i + 2] == '\n');
		lit = (c > ' ' && c < 0x7f && c != '=') ||
		    ((c == ' ' || c == '\t') && !eol);
		need = lit ? 1 : 3;
		if (col + need > DSN_QP_WIDTH - 1 &&
		    !(eol && col + need <= DSN_QP_WIDTH)) {
			sbuf_add(out, "=\r\n", 3);
			col = 0;
		}
		if (lit)
			sbuf_add(out, (const char *)&s[i], 1);
		else {
			snprintf(esc, sizeof(esc), "=%02X", c);
			sbuf_add(out, esc, 3);
		}
		col += need;
	}
}

/* Whether text must be quoted-printable: 8-bit, NUL, bare CR or LF, long. */
static int
dsn_needs_qp(const char *s, size_t len)
{
	size_t i, col = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n') {
			col = 0;
			i++;
			continue;
		}
		if (s[i] == '\0' || s[i] == '\r' || s[i] == '\n' ||
		    (unsigned char)s[i] >= 0x80 || ++col > DSN_LINE_MAX)
			return 1;
	}
	return 0;
}

/*
 * Append the header lines of buf (len octets; complete says the file
 * ended there) to h: up to the first empty line, whole lines only, LF
 * made CRLF, DSN_HDRS_MAX octets at most.
 */
static void
dsn_header_lines(struct sbuf *h, const char *buf, size_t len, int complete)
{
	const char *p = buf, *end = buf + len, *nl;
	size_t n, content;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL && !complete)
			break;		/* cut by the cap */
		n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		content = n > 0 && p[n - 1] == '\r' ? n - 1 : n;
		if (content == 0 || h->len + content + 2 > DSN_HDRS_MAX)
			break;
		sbuf_add(h, p, content);
		sbuf_add(h, "\r\n", 2);
		p += nl != NULL ? n + 1 : n;
	}
}

/* The original's header section into h; -1 with err if unreadable. */
static int
dsn_read_headers(const char *path, struct sbuf *h, char *err)
{
	size_t len = 0;
	ssize_t got = 1;
	char *buf;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		dsn_set_err(err, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if ((buf = malloc(DSN_HDRS_MAX)) == NULL)
		fatal("dsn: out of memory");
	while (len < DSN_HDRS_MAX &&
	    (got = read(fd, buf + len, DSN_HDRS_MAX - len)) != 0) {
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1) {
			dsn_set_err(err, "cannot read %s: %s", path,
			    strerror(errno));
			free(buf);
			close(fd);
			return -1;
		}
		len += (size_t)got;
	}
	close(fd);
	dsn_header_lines(h, buf, len, got == 0);
	free(buf);
	return 0;
}

/* Everything dsn_build() relies on; -1 with a reason otherwise. */
static int
dsn_check(const struct dsn_msg *m, const struct dsn_rcpt *r, size_t n,
    const char *orig_path, enum dsn_kind *worst, char *err)
{
	enum dsn_kind kind;
	const char *action;
	size_t i;

	if (m == NULL || r == NULL || n == 0 || orig_path == NULL) {
		dsn_set_err(err, "%s", "no message or no recipients to report");
		return -1;
	}
	if (m->reporting_mta == NULL || *m->reporting_mta == '\0' ||
	    strlen(m->reporting_mta) > DSN_HOST_MAX ||
	    m->reporting_mta[strspn(m->reporting_mta, "abcdefghijklmnopqrstu"
	    "vwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:[]")] != '\0') {
		dsn_set_err(err, "%s", "reporting MTA is not a host name");
		return -1;
	}
	if (m->sender == NULL || *m->sender == '\0' ||
	    strlen(m->sender) >= VALID_ADDR_MAX) {
		dsn_set_err(err, "%s", "no sender address to report to");
		return -1;
	}
	*worst = DSN_DELIVERED;
	for (i = 0; i < n; i++) {
		if (r[i].address == NULL || *r[i].address == '\0' ||
		    dsn_action(r[i].action, &kind, &action) == -1) {
			dsn_set_err(err, "recipient without address or with "
			    "an unknown action (%s)", r[i].action != NULL ?
			    r[i].action : "none");
			return -1;
		}
		if (kind > *worst)
			*worst = kind;
	}
	return 0;
}

/* body = raw as it is, or in quoted-printable (then 1) if it has to be. */
static int
dsn_encode(struct sbuf *body, const struct sbuf *raw)
{
	sbuf_init(body);
	if (dsn_needs_qp(raw->buf, raw->len)) {
		dsn_qp(body, raw->buf, raw->len);
		return 1;
	}
	if (raw->len > 0)
		sbuf_add(body, raw->buf, raw->len);
	return 0;
}

static int
dsn_contains(const struct sbuf *sb, const char *s)
{
	return sb->len > 0 && strstr(sb->buf, s) != NULL;
}

static void
dsn_append(struct sbuf *out, const struct sbuf *sb)
{
	if (sb->len > 0)
		sbuf_add(out, sb->buf, sb->len);
}

/* The top-level header fields of the report. */
static void
dsn_top(struct sbuf *out, const struct dsn_msg *m, enum dsn_kind worst,
    const char *boundary)
{
	char date[64], stamp[32], rnd[17];
	time_t tt = (time_t)m->now;
	struct tm tm;

	dsn_date(m->now, date, sizeof(date));
	if (gmtime_r(&tt, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", &tm);
	dsn_random_hex(rnd, 8);
	sbuf_printf(out, "From: \"Mail Delivery System\" "
	    "<MAILER-DAEMON@%s>\r\nTo: <", m->reporting_mta);
	dsn_display_addr(out, m->sender);
	sbuf_printf(out, ">\r\nSubject: %s\r\nDate: %s\r\n"
	    "Message-ID: <%s.%s@%s>\r\nMIME-Version: 1.0\r\n"
	    "Auto-Submitted: auto-replied\r\n"
	    "Content-Type: multipart/report; report-type=delivery-status;\r\n"
	    " boundary=\"%s\"\r\n\r\n"
	    "This is a MIME-encapsulated message.\r\n",
	    dsn_kinds[worst].subject, date, stamp, rnd, m->reporting_mta,
	    boundary);
}

/*
 * The report around its finished parts (human, status, headers; qp[i]
 * says which are quoted-printable), with a boundary that none holds.
 */
static void
dsn_assemble(struct sbuf *out, const struct dsn_msg *m, enum dsn_kind worst,
    const struct sbuf *part, const int *qp)
{
	static const char cte[] =
	    "Content-Transfer-Encoding: quoted-printable\r\n";
	char boundary[40];
	int i;

	do {
		memcpy(boundary, "=_", 2);
		dsn_random_hex(boundary + 2, 16);
		for (i = 0; i < 3 && !dsn_contains(&part[i], boundary); i++)
			;
	} while (i < 3);
	dsn_top(out, m, worst, boundary);
	sbuf_printf(out, "\r\n--%s\r\nContent-Description: Notification\r\n"
	    "Content-Type: text/plain; charset=%s\r\n%s\r\n", boundary,
	    qp[0] ? "utf-8" : "us-ascii", qp[0] ? cte : "");
	dsn_append(out, &part[0]);
	sbuf_printf(out, "\r\n--%s\r\nContent-Description: Delivery report"
	    "\r\nContent-Type: message/delivery-status\r\n\r\n", boundary);
	dsn_append(out, &part[1]);
	sbuf_printf(out, "\r\n--%s\r\nContent-Description: %s\r\n"
	    "Content-Type: text/rfc822-headers\r\n%s\r\n", boundary,
	    dsn_kinds[worst].headers, qp[2] ? cte : "");
	dsn_append(out, &part[2]);
	sbuf_printf(out, "\r\n--%s--\r\n", boundary);
}

int
dsn_build(const struct dsn_msg *m, const struct dsn_rcpt *r, size_t n,
    const char *orig_path, struct sbuf *out, char *err)
{
	struct sbuf raw, part[3];
	enum dsn_kind worst;
	int qp[3] = { 0, 0, 0 };
	size_t i;

	if (dsn_check(m, r, n, orig_path, &worst, err) == -1)
		return -1;
	sbuf_init(&raw);
	if (dsn_read_headers(orig_path, &raw, err) == -1)
		return -1;
	qp[2] = dsn_encode(&part[2], &raw);
	raw.len = 0;
	dsn_text(&raw, m, r, n, worst);
	qp[0] = dsn_encode(&part[0], &raw);
	sbuf_free(&raw);
	sbuf_init(&part[1]);
	dsn_status_msg(&part[1], m);
	for (i = 0; i < n; i++)
		dsn_status_rcpt(&part[1], &r[i]);
	dsn_assemble(out, m, worst, part, qp);
	for (i = 0; i < 3; i++)
		sbuf_free(&part[i]);
	return 0;
}
