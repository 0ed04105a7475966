/*
 * smtp_parse — pure parsers for SMTP command lines and their arguments.
 *
 * What it does: smtp_parse_command() splits a line into verb and argument;
 * smtp_parse_mail() and smtp_parse_rcpt() cut the path out of "FROM:" and
 * "TO:", drop a source route, hand the mailbox to core's valid_email() and
 * check the ESMTP parameters against one table per command;
 * smtp_parse_helo() checks the EHLO/HELO name.  Case is folded by our own
 * ASCII-only code, never by the locale (a Turkish locale would otherwise
 * make "mail" and "MAIL" differ).
 *
 * Error policy: 0, or -1 with *rep set to one of the static replies below
 * (rep may be NULL).  On -1 every output is reset to its "absent" state,
 * so a refused command never leaves half-parsed values behind.
 *
 * Memory: nothing is allocated.  cmd->arg points into the caller's line;
 * every other result is copied into the caller's structures.
 *
 * Decisions the header leaves open:
 *  - Command lines: a NUL or a control character other than TAB anywhere
 *    (a bare CR or LF inside a line is how SMTP smuggling starts), or an
 *    octet >= 0x80 in the verb, is 500 5.5.2; the argument may carry
 *    UTF-8.  The length is the reader's business: AUTH lines may exceed
 *    SMTP_LINE_MAX (RFC 4954, section 4).
 *  - "DATA " (one space, nothing after) gives arg "", i.e. no argument:
 *    lenient, as many servers are.  "DATA x" or "DATA  " leaves arg
 *    non-empty and the session answers 501; likewise RSET and QUIT.  NOOP
 *    and HELP take any argument.
 *  - Paths: no '<', no '>' or anything but a space after '>' is 501 5.5.4;
 *    anything wrong between the brackets (space, second '<', bad route or
 *    mailbox, too long) is 501 5.1.7 for MAIL, 501 5.1.3 for RCPT.  One
 *    trailing dot of a domain name is dropped.  An address literal is the
 *    domain as sent, for the policy to refuse.  The domain is the part
 *    after the last unquoted '@' (valid_email allows no other), so
 *    "a%b@our.example", "\"a@b\"@our.example" and "a!b@our.example" all
 *    belong to our.example.  RCPT TO:<Postmaster> in any case gives
 *    "postmaster".
 *  - Parameters may be separated, and followed, by several spaces.  A bad
 *    value of a known parameter is 501 5.5.4; an unknown keyword, or
 *    BODY=BINARYMIME (known but not offered), is 555 5.5.4.  SMTPUTF8 and
 *    BODY=8BITMIME are taken whether advertised or not: the session checks.
 *    NOTIFY may repeat a word.  MAIL's AUTH= (RFC 4954, section 5) must be
 *    "<>" or xtext and is then ignored, as an untrusting server may do.
 *  - xtext: hex digits of either case (RFC 3461 says upper); a decoded NUL
 *    is refused.  ENVID and ORCPT must decode to printable ASCII (RFC 3461,
 *    4.2 and 4.4).  ORCPT=utf-8 is taken in its ASCII form (RFC 6533
 *    utf-8-addr-xtext); raw UTF-8 ("unitext") is refused with 501.
 *  - HELO/EHLO: blanks around the name and one trailing dot are dropped;
 *    out gets the lower-case A-label, or the address literal as sent.
 */
#include "smtp_parse.h"

#include <string.h>

#define RAW_MAX		1024	/* typed mailbox or EHLO name we look at */
#define SIZE_DIGITS_MAX	18	/* always fits a long long */
#define IP_TEXT_MAX	64	/* longer than any textual IP address */

/* ---- replies ---------------------------------------------------------- */

static const struct smtp_reply
    R_CMD_NULL = { 500, "5.5.2 Syntax error" },
    R_CMD_NUL = { 500, "5.5.2 Syntax error: NUL octet in command line" },
    R_CMD_CTRL = { 500, "5.5.2 Syntax error: control character in command "
	"line" },
    R_CMD_8BIT = { 500, "5.5.2 Syntax error: non-ASCII command" },
    R_MAIL_SYNTAX = { 501, "5.5.4 Syntax: MAIL FROM:<address> "
	"[parameters]" },
    R_RCPT_SYNTAX = { 501, "5.5.4 Syntax: RCPT TO:<address> [parameters]" },
    R_MAIL_ADDR = { 501, "5.1.7 Bad sender address syntax" },
    R_RCPT_ADDR = { 501, "5.1.3 Bad recipient address syntax" },
    R_RCPT_NULL = { 501, "5.1.3 Null recipient address not allowed" },
    R_UTF8 = { 553, "5.6.7 Non-ASCII address needs SMTPUTF8" },
    R_PARAM_SYNTAX = { 501, "5.5.4 Bad parameter syntax" },
    R_PARAM_DUP = { 501, "5.5.4 Duplicate parameter" },
    R_PARAM_UNKNOWN = { 555, "5.5.4 Unsupported parameter" },
    R_SIZE = { 501, "5.5.4 Invalid SIZE value" },
    R_BODY = { 501, "5.5.4 BODY must be 7BIT or 8BITMIME" },
    R_BINARYMIME = { 555, "5.5.4 BODY=BINARYMIME not supported" },
    R_SMTPUTF8 = { 501, "5.5.4 SMTPUTF8 takes no value" },
    R_RET = { 501, "5.5.4 RET must be FULL or HDRS" },
    R_ENVID = { 501, "5.5.4 Invalid ENVID value" },
    R_AUTH = { 501, "5.5.4 Invalid AUTH value" },
    R_NOTIFY = { 501, "5.5.4 Invalid NOTIFY value" },
    R_ORCPT = { 501, "5.5.4 Invalid ORCPT value" },
    R_HELO_EMPTY = { 501, "5.5.4 Syntax: HELO/EHLO hostname" },
    R_HELO_BAD = { 501, "5.5.4 Invalid HELO/EHLO hostname" };

static int
fail(struct smtp_reply *rep, const struct smtp_reply *r)
{
	if (rep != NULL)
		*rep = *r;
	return -1;
}

/* ---- ASCII helpers (locale-independent) ------------------------------- */

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int
is_alnum(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static unsigned char
lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Whether the n octets at s are word, ignoring ASCII case. */
static int
word_eq(const char *s, size_t n, const char *word)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (word[i] == '\0' ||
		    lower((unsigned char)s[i]) != lower((unsigned char)word[i]))
			return 0;
	return word[n] == '\0';
}

/* Whether the string s starts with word, ignoring ASCII case. */
static int
prefix_eq(const char *s, const char *word)
{
	size_t i;

	for (i = 0; word[i] != '\0'; i++)
		if (lower((unsigned char)s[i]) != lower((unsigned char)word[i]))
			return 0;	/* also stops at the NUL of s */
	return 1;
}

static int
hex_value(unsigned char c)
{
	if (is_digit(c))
		return c - '0';
	c = lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Printable ASCII, space included (RFC 3461's "printable"). */
static int
is_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

/* Copy src into out (outsz octets), cutting it when it does not fit. */
static void
copy_cut(char *out, size_t outsz, const char *src)
{
	size_t n = strlen(src);

	if (out == NULL || outsz == 0)
		return;
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, src, n);
	out[n] = '\0';
}

/* ---- xtext (RFC 3461, section 4) -------------------------------------- */

static int
xtext_scan(const char *in, size_t n, char *out, size_t outsz)
{
	size_t i, o = 0;
	int hi, lo;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)in[i];
		if (c == '+') {
			if (n - i < 3 ||
			    (hi = hex_value((unsigned char)in[i + 1])) < 0 ||
			    (lo = hex_value((unsigned char)in[i + 2])) < 0)
				return -1;
			c = (unsigned char)(hi << 4 | lo);
			if (c == '\0')
				return -1;
			i += 2;
		} else if (c < '!' || c > '~' || c == '=')
			return -1;
		if (o + 1 >= outsz)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return 0;
}

/* Decode the n octets of xtext at in; out is "" when that fails. */
static int
xtext_decode_n(const char *in, size_t n, char *out, size_t outsz)
{
	if (out == NULL || outsz == 0)
		return -1;
	if (in == NULL || xtext_scan(in, n, out, outsz) == -1) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

int
smtp_xtext_decode(const char *in, char *out, size_t outsz)
{
	return xtext_decode_n(in, in != NULL ? strlen(in) : 0, out, outsz);
}

/* ---- command line ----------------------------------------------------- */

static const struct {
	const char	*name;
	enum smtp_verb	 verb;
} verbs[] = {
	{ "HELO", SMTP_HELO }, { "EHLO", SMTP_EHLO }, { "MAIL", SMTP_MAIL },
	{ "RCPT", SMTP_RCPT }, { "DATA", SMTP_DATA }, { "RSET", SMTP_RSET },
	{ "NOOP", SMTP_NOOP }, { "QUIT", SMTP_QUIT }, { "VRFY", SMTP_VRFY },
	{ "EXPN", SMTP_EXPN }, { "HELP", SMTP_HELP },
	{ "STARTTLS", SMTP_STARTTLS }, { "BDAT", SMTP_BDAT },
	{ "AUTH", SMTP_AUTH },
};

/* NUL or a control character other than TAB anywhere in the line. */
static int
line_check(const char *line, size_t len, struct smtp_reply *rep)
{
	size_t i;
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)line[i];
		if (c == '\0')
			return fail(rep, &R_CMD_NUL);
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return fail(rep, &R_CMD_CTRL);
	}
	return 0;
}

int
smtp_parse_command(const char *line, size_t len, struct smtp_command *cmd,
    struct smtp_reply *rep)
{
	size_t i, vlen;

	if (cmd != NULL) {
		cmd->verb = SMTP_UNKNOWN;
		cmd->arg = "";
	}
	if (line == NULL || cmd == NULL)
		return fail(rep, &R_CMD_NULL);
	if (line_check(line, len, rep) == -1)
		return -1;
	for (vlen = 0; vlen < len && line[vlen] != ' '; vlen++)
		if ((unsigned char)line[vlen] >= 0x80)
			return fail(rep, &R_CMD_8BIT);
	for (i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		if (word_eq(line, vlen, verbs[i].name))
			cmd->verb = verbs[i].verb;
	if (vlen + 1 < len)
		cmd->arg = line + vlen + 1;
	return 0;
}

/* ---- paths (RFC 5321, section 4.1.2) ---------------------------------- */

enum path_rc { PATH_OK = 0, PATH_SYNTAX, PATH_ADDR };

/* A path cut out of "FROM:" or "TO:". */
struct path {
	const char	*box;		/* the mailbox, after any source route */
	size_t		 boxlen;	/* 0 for the null path <> */
	const char	*end;		/* after the '>': "" or " params" */
	int		 eightbit;	/* an octet >= 0x80 between < and > */
};

/*
 * The first '>' outside quotes after s (the octet after '<'), or NULL.
 * *bad is set for a space or '<' outside quotes, which a path cannot hold.
 */
static const char *
path_close(const char *s, int *bad, int *eightbit)
{
	int quoted = 0;

	for (; *s != '\0'; s++) {
		if ((unsigned char)*s >= 0x80)
			*eightbit = 1;
		if (quoted && *s == '\\') {
			if (*++s == '\0')
				return NULL;
			if ((unsigned char)*s >= 0x80)
				*eightbit = 1;
		} else if (*s == '"')
			quoted = !quoted;
		else if (!quoted && *s == '>')
			return s;
		else if (!quoted && (*s == '<' || *s == ' ' || *s == '\t'))
			*bad = 1;
	}
	return NULL;
}

/* The length of an A-d-l source route ("@a,@b:") at s, each domain checked. */
static int
route_skip(const char *s, size_t len, size_t *skip)
{
	char host[VALID_NAME_MAX];
	size_t i = 0, start;

	while (i < len && s[i] == '@') {
		start = ++i;
		while (i < len && s[i] != ',' && s[i] != ':')
			i++;
		if (i == len || i - start >= sizeof host)
			return -1;
		memcpy(host, s + start, i - start);
		host[i - start] = '\0';
		if (valid_hostname(host, NULL, NULL) == -1)
			return -1;
		if (s[i++] == ':') {
			*skip = i;
			return 0;
		}
	}
	return -1;
}

/* Cut "<path>" out of p (one space before it tolerated), see enum path_rc. */
static enum path_rc
path_cut(const char *p, struct path *pa)
{
	const char *close;
	size_t skip = 0;
	int bad = 0;

	memset(pa, 0, sizeof *pa);
	if (*p == ' ')
		p++;
	if (*p++ != '<')
		return PATH_SYNTAX;
	if ((close = path_close(p, &bad, &pa->eightbit)) == NULL)
		return PATH_SYNTAX;
	if (bad)		/* "<<a@b>>" is a bad address, not garbage */
		return PATH_ADDR;
	if (close[1] != '\0' && close[1] != ' ')
		return PATH_SYNTAX;
	pa->end = close + 1;
	if (*p == '@' && route_skip(p, (size_t)(close - p), &skip) == -1)
		return PATH_ADDR;
	pa->box = p + skip;
	pa->boxlen = (size_t)(close - pa->box);
	if (skip > 0 && pa->boxlen == 0)
		return PATH_ADDR;
	return PATH_OK;
}

/* The mailbox of pa through valid_email() into out (VALID_ADDR_MAX). */
static int
mailbox_check(const struct path *pa, char *out)
{
	char raw[RAW_MAX];
	size_t n = pa->boxlen;

	/* One trailing dot of a domain name goes; a literal keeps its ']'. */
	if (n > 1 && pa->box[n - 1] == '.' && pa->box[n - 2] != ']')
		n--;
	if (n == 0 || n >= sizeof raw)
		return -1;
	memcpy(raw, pa->box, n);
	raw[n] = '\0';
	return valid_email(raw, out, NULL);
}

/* ---- parameters ------------------------------------------------------- */

/* One "KEYWORD[=value]" (RFC 5321 esmtp-param), pointing into the line. */
struct param {
	const char	*key;
	size_t		 keylen;
	const char	*val;		/* NULL when there is no '=' */
	size_t		 vallen;
};

/* The next parameter after *pp: 1, 0 at the end, -1 on bad syntax. */
static int
param_next(const char **pp, struct param *pm)
{
	const char *s = *pp;

	while (*s == ' ')
		s++;
	if (*s == '\0')
		return 0;
	pm->key = s;
	if (!is_alnum((unsigned char)*s))
		return -1;
	while (is_alnum((unsigned char)*s) || *s == '-')
		s++;
	pm->keylen = (size_t)(s - pm->key);
	pm->val = NULL;
	pm->vallen = 0;
	if (*s == '=') {
		pm->val = ++s;
		while (*s >= '!' && *s <= '~' && *s != '=')
			s++;
		if ((pm->vallen = (size_t)(s - pm->val)) == 0)
			return -1;
	}
	if (*s != ' ' && *s != '\0')
		return -1;
	*pp = s;
	return 1;
}

static int
val_eq(const struct param *pm, const char *word)
{
	return pm->val != NULL && word_eq(pm->val, pm->vallen, word);
}

static int
mail_size(struct smtp_mail *m, const struct param *pm, struct smtp_reply *rep)
{
	long long v = 0;
	size_t i;

	if (pm->val == NULL || pm->vallen > SIZE_DIGITS_MAX)
		return fail(rep, &R_SIZE);
	for (i = 0; i < pm->vallen; i++) {
		if (!is_digit((unsigned char)pm->val[i]))
			return fail(rep, &R_SIZE);
		v = v * 10 + (pm->val[i] - '0');
	}
	m->size = v;
	return 0;
}

static int
mail_body(struct smtp_mail *m, const struct param *pm, struct smtp_reply *rep)
{
	if (val_eq(pm, "7BIT"))
		m->body = SMTP_BODY_7BIT;
	else if (val_eq(pm, "8BITMIME"))
		m->body = SMTP_BODY_8BITMIME;
	else if (val_eq(pm, "BINARYMIME"))
		return fail(rep, &R_BINARYMIME);
	else
		return fail(rep, &R_BODY);
	return 0;
}

static int
mail_smtputf8(struct smtp_mail *m, const struct param *pm,
    struct smtp_reply *rep)
{
	if (pm->val != NULL)
		return fail(rep, &R_SMTPUTF8);
	m->smtputf8 = 1;
	return 0;
}

static int
mail_ret(struct smtp_mail *m, const struct param *pm, struct smtp_reply *rep)
{
	if (val_eq(pm, "FULL"))
		m->ret = SMTP_RET_FULL;
	else if (val_eq(pm, "HDRS"))
		m->ret = SMTP_RET_HDRS;
	else
		return fail(rep, &R_RET);
	return 0;
}

static int
mail_envid(struct smtp_mail *m, const struct param *pm,
    struct smtp_reply *rep)
{
	if (pm->val == NULL ||
	    xtext_decode_n(pm->val, pm->vallen, m->envid, sizeof m->envid) ==
	    -1 || !is_printable(m->envid)) {
		m->envid[0] = '\0';
		return fail(rep, &R_ENVID);
	}
	return 0;
}

/* AUTH=<> or AUTH=xtext: checked, then ignored (see the top). */
static int
mail_auth(struct smtp_mail *m, const struct param *pm, struct smtp_reply *rep)
{
	char tmp[VALID_ADDR_MAX];

	(void)m;
	if (pm->val == NULL ||
	    xtext_decode_n(pm->val, pm->vallen, tmp, sizeof tmp) == -1)
		return fail(rep, &R_AUTH);
	return 0;
}

static const struct {
	const char	*key;
	int		(*set)(struct smtp_mail *, const struct param *,
			    struct smtp_reply *);
} mail_params[] = {
	{ "SIZE", mail_size },
	{ "BODY", mail_body },
	{ "SMTPUTF8", mail_smtputf8 },
	{ "RET", mail_ret },
	{ "ENVID", mail_envid },
	{ "AUTH", mail_auth },
};

static int
mail_params_parse(const char *s, struct smtp_mail *m, struct smtp_reply *rep)
{
	struct param pm;
	unsigned seen = 0;
	size_t i, n = sizeof mail_params / sizeof mail_params[0];
	int rc;

	while ((rc = param_next(&s, &pm)) == 1) {
		for (i = 0; i < n; i++)
			if (word_eq(pm.key, pm.keylen, mail_params[i].key))
				break;
		if (i == n)
			return fail(rep, &R_PARAM_UNKNOWN);
		if (seen & (1u << i))
			return fail(rep, &R_PARAM_DUP);
		seen |= 1u << i;
		if (mail_params[i].set(m, &pm, rep) == -1)
			return -1;
	}
	return rc == 0 ? 0 : fail(rep, &R_PARAM_SYNTAX);
}

static const struct {
	const char	*word;
	int		 bit;
} notify_words[] = {
	{ "SUCCESS", SMTP_NOTIFY_SUCCESS }, { "FAILURE", SMTP_NOTIFY_FAILURE },
	{ "DELAY", SMTP_NOTIFY_DELAY }, { "NEVER", SMTP_NOTIFY_NEVER },
};

/* NOTIFY=NEVER or a comma list of SUCCESS, FAILURE and DELAY. */
static int
rcpt_notify(struct smtp_rcpt *r, const struct param *pm,
    struct smtp_reply *rep)
{
	const char *s = pm->val, *end, *comma;
	size_t i, n = sizeof notify_words / sizeof notify_words[0];
	int bits = 0;

	if (s == NULL)		/* "NOTIFY" without "=": no pointer sums */
		return fail(rep, &R_NOTIFY);
	end = s + pm->vallen;
	for (;; s = comma + 1) {
		if ((comma = memchr(s, ',', (size_t)(end - s))) == NULL)
			comma = end;
		for (i = 0; i < n; i++)
			if (word_eq(s, (size_t)(comma - s), notify_words[i].word))
				break;
		if (i == n)
			return fail(rep, &R_NOTIFY);
		bits |= notify_words[i].bit;
		if (comma == end)
			break;
	}
	if ((bits & SMTP_NOTIFY_NEVER) && bits != SMTP_NOTIFY_NEVER)
		return fail(rep, &R_NOTIFY);
	r->notify = bits;
	return 0;
}

/* ORCPT=addr-type;xtext with addr-type rfc822 or utf-8, kept as sent. */
static int
rcpt_orcpt(struct smtp_rcpt *r, const struct param *pm,
    struct smtp_reply *rep)
{
	char tmp[SMTP_ORCPT_MAX];
	const char *semi;
	size_t tlen;

	if (pm->val == NULL || pm->vallen >= sizeof r->orcpt ||
	    (semi = memchr(pm->val, ';', pm->vallen)) == NULL)
		return fail(rep, &R_ORCPT);
	tlen = (size_t)(semi - pm->val);
	if (!word_eq(pm->val, tlen, "rfc822") &&
	    !word_eq(pm->val, tlen, "utf-8"))
		return fail(rep, &R_ORCPT);
	if (tlen + 1 == pm->vallen ||
	    xtext_decode_n(semi + 1, pm->vallen - tlen - 1, tmp, sizeof tmp) ==
	    -1 || !is_printable(tmp))
		return fail(rep, &R_ORCPT);
	memcpy(r->orcpt, pm->val, pm->vallen);
	r->orcpt[pm->vallen] = '\0';
	return 0;
}

static const struct {
	const char	*key;
	int		(*set)(struct smtp_rcpt *, const struct param *,
			    struct smtp_reply *);
} rcpt_params[] = {
	{ "NOTIFY", rcpt_notify },
	{ "ORCPT", rcpt_orcpt },
};

static int
rcpt_params_parse(const char *s, struct smtp_rcpt *r, struct smtp_reply *rep)
{
	struct param pm;
	unsigned seen = 0;
	size_t i, n = sizeof rcpt_params / sizeof rcpt_params[0];
	int rc;

	while ((rc = param_next(&s, &pm)) == 1) {
		for (i = 0; i < n; i++)
			if (word_eq(pm.key, pm.keylen, rcpt_params[i].key))
				break;
		if (i == n)
			return fail(rep, &R_PARAM_UNKNOWN);
		if (seen & (1u << i))
			return fail(rep, &R_PARAM_DUP);
		seen |= 1u << i;
		if (rcpt_params[i].set(r, &pm, rep) == -1)
			return -1;
	}
	return rc == 0 ? 0 : fail(rep, &R_PARAM_SYNTAX);
}

/* ---- MAIL FROM -------------------------------------------------------- */

static void
mail_clear(struct smtp_mail *m)
{
	m->sender[0] = '\0';
	m->size = -1;
	m->body = SMTP_BODY_NONE;
	m->smtputf8 = 0;
	m->ret = SMTP_RET_NONE;
	m->envid[0] = '\0';
}

static int
mail_fail(struct smtp_mail *m, struct smtp_reply *rep,
    const struct smtp_reply *r)
{
	mail_clear(m);
	return r != NULL ? fail(rep, r) : -1;
}

int
smtp_parse_mail(const char *arg, struct smtp_mail *m, struct smtp_reply *rep)
{
	struct path pa;
	enum path_rc rc;

	if (m != NULL)
		mail_clear(m);
	if (arg == NULL || m == NULL || !prefix_eq(arg, "FROM:"))
		return fail(rep, &R_MAIL_SYNTAX);
	if ((rc = path_cut(arg + 5, &pa)) != PATH_OK)
		return fail(rep, rc == PATH_SYNTAX ? &R_MAIL_SYNTAX :
		    &R_MAIL_ADDR);
	if (pa.boxlen > 0 && mailbox_check(&pa, m->sender) == -1)
		return mail_fail(m, rep, &R_MAIL_ADDR);
	if (mail_params_parse(pa.end, m, rep) == -1)
		return mail_fail(m, rep, NULL);
	if (pa.eightbit && !m->smtputf8)
		return mail_fail(m, rep, &R_UTF8);
	return 0;
}

/* ---- RCPT TO ---------------------------------------------------------- */

static void
rcpt_clear(struct smtp_rcpt *r)
{
	r->rcpt[0] = '\0';
	r->domain[0] = '\0';
	r->notify = 0;
	r->orcpt[0] = '\0';
}

static int
rcpt_fail(struct smtp_rcpt *r, struct smtp_reply *rep,
    const struct smtp_reply *rp)
{
	rcpt_clear(r);
	return rp != NULL ? fail(rep, rp) : -1;
}

/* The mailbox of pa into r->rcpt and r->domain; <postmaster> has none. */
static int
rcpt_mailbox(const struct path *pa, struct smtp_rcpt *r)
{
	const char *at;

	if (word_eq(pa->box, pa->boxlen, "postmaster")) {
		memcpy(r->rcpt, "postmaster", sizeof "postmaster");
		return 0;
	}
	if (mailbox_check(pa, r->rcpt) == -1)
		return -1;
	/* valid_email's domain never holds an '@'; a quoted local part may. */
	if ((at = strrchr(r->rcpt, '@')) == NULL ||
	    strlen(at + 1) >= sizeof r->domain)
		return -1;
	memcpy(r->domain, at + 1, strlen(at + 1) + 1);
	return 0;
}

int
smtp_parse_rcpt(const char *arg, int smtputf8, struct smtp_rcpt *r,
    struct smtp_reply *rep)
{
	struct path pa;
	enum path_rc rc;

	if (r != NULL)
		rcpt_clear(r);
	if (arg == NULL || r == NULL || !prefix_eq(arg, "TO:"))
		return fail(rep, &R_RCPT_SYNTAX);
	if ((rc = path_cut(arg + 3, &pa)) != PATH_OK)
		return fail(rep, rc == PATH_SYNTAX ? &R_RCPT_SYNTAX :
		    &R_RCPT_ADDR);
	if (pa.boxlen == 0)
		return fail(rep, &R_RCPT_NULL);
	if (rcpt_mailbox(&pa, r) == -1)
		return rcpt_fail(r, rep, &R_RCPT_ADDR);
	if (rcpt_params_parse(pa.end, r, rep) == -1)
		return rcpt_fail(r, rep, NULL);
	if (pa.eightbit && !smtputf8)
		return rcpt_fail(r, rep, &R_UTF8);
	return 0;
}

/* ---- HELO / EHLO ------------------------------------------------------ */

/* "[192.0.2.1]" or "[IPv6:2001:db8::1]" (tag in any case). */
static int
helo_literal(const char *s)
{
	char ip[IP_TEXT_MAX];
	size_t n = strlen(s);
	int family = 4;

	if (n < 3 || s[n - 1] != ']')
		return -1;
	s++;
	n -= 2;
	if (prefix_eq(s, "IPv6:")) {
		s += 5;
		n -= 5;
		family = 6;
	}
	if (n == 0 || n >= sizeof ip)
		return -1;
	memcpy(ip, s, n);
	ip[n] = '\0';
	return valid_ip(ip, family, NULL);
}

int
smtp_parse_helo(const char *arg, char *out, size_t outsz,
    struct smtp_reply *rep)
{
	char raw[RAW_MAX], host[VALID_NAME_MAX];
	const char *s, *e;
	size_t n;

	copy_cut(out, outsz, "");
	if (arg == NULL)
		return fail(rep, &R_HELO_EMPTY);
	for (s = arg; *s == ' ' || *s == '\t'; s++)
		;
	for (e = s + strlen(s); e > s && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	if ((n = (size_t)(e - s)) == 0)
		return fail(rep, &R_HELO_EMPTY);
	if (n >= sizeof raw)
		return fail(rep, &R_HELO_BAD);
	memcpy(raw, s, n);
	raw[n] = '\0';
	if (raw[0] == '[') {
		if (helo_literal(raw) == -1)
			return fail(rep, &R_HELO_BAD);
		copy_cut(out, outsz, raw);
		return 0;
	}
	if (n > 1 && raw[n - 1] == '.')
		raw[n - 1] = '\0';
	if (valid_hostname(raw, host, NULL) == -1)
		return fail(rep, &R_HELO_BAD);
	copy_cut(out, outsz, host);
	return 0;
}
