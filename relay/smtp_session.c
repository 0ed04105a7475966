/*
 * smtp_session — see smtp_session.h.
 *
 * States: S_FRESH (greeted, no HELO yet), S_READY (after HELO/EHLO or
 * RSET), S_MAIL (sender given), S_RCPT (at least one recipient).  Each
 * command-table entry names the lowest state it needs; its handler checks
 * the arguments and replies, then moves the state with session_enter().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conn.h"
#include "log.h"
#include "policy.h"
#include "scheduler.h"
#include "smtp_data.h"
#include "smtp_parse.h"
#include "smtp_session.h"
#include "spool.h"
#include "store.h"
#include "util.h"

#define MAX_ERRORS 20

enum sstate { S_FRESH, S_READY, S_MAIL, S_RCPT, S_QUIT };

struct session {
	struct conn		 c;
	const struct relay_opts	*o;
	char			 ip[64];
	enum sstate		 st;
	int			 esmtp, errors;
	char			 helo[256];
	struct smtp_mail	 mail;
	struct smtp_rcpt	*rcpt;
	int			 nrcpt, caprcpt;
	int			 rcpt_cmds;	/* RCPTs tried, refused ones too */
	struct spool_file	*spool;
};

struct smtp_cmd_entry {
	enum smtp_verb	  verb;
	enum sstate	  need;		/* lowest state the command needs */
	void		(*run)(struct session *, const char *arg);
};

static void
session_enter(struct session *s, enum sstate st)
{
	if (st <= S_READY) {
		free(s->rcpt);
		s->rcpt = NULL;
		s->nrcpt = s->caprcpt = 0;
		s->rcpt_cmds = 0;
		memset(&s->mail, 0, sizeof(s->mail));
	}
	s->st = st;
}

static void
session_error(struct session *s, const char *text, int code)
{
	s->errors++;
	conn_reply(&s->c, "%d %s", code, text);
}

static void
session_syntax(struct session *s, const struct smtp_reply *r)
{
	session_error(s, r->text, r->code);
}

/*
 * The HELO/EHLO name.  Many real clients send names that RFC 5321 does not
 * allow (a bare IP, an underscore): refusing them would lose mail, so any
 * single printable ASCII token is taken as given; only an empty or broken
 * argument is refused.
 */
static int
session_helo_name(struct session *s, const char *arg)
{
	struct smtp_reply r;
	size_t i, n = strlen(arg);

	if (smtp_parse_helo(arg, s->helo, sizeof(s->helo), &r) == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (arg[i] <= ' ' || arg[i] > '~')
			break;
	if (n == 0 || i < n || n >= sizeof(s->helo)) {
		session_syntax(s, &r);
		return -1;
	}
	memcpy(s->helo, arg, n + 1);
	return 0;
}

static void
cmd_helo(struct session *s, const char *arg)
{
	if (session_helo_name(s, arg) == -1)
		return;
	s->esmtp = 0;
	session_enter(s, S_READY);
	conn_reply(&s->c, "250 %s", s->o->myhostname);
}

static void
cmd_ehlo(struct session *s, const char *arg)
{
	if (session_helo_name(s, arg) == -1)
		return;
	s->esmtp = 1;
	session_enter(s, S_READY);
	conn_reply(&s->c, "250-%s", s->o->myhostname);
	conn_reply(&s->c, "250-PIPELINING");
	conn_reply(&s->c, "250-SIZE %lld", (long long)s->o->size_limit);
	conn_reply(&s->c, "250-8BITMIME");
	conn_reply(&s->c, "250-ENHANCEDSTATUSCODES");
	conn_reply(&s->c, "250-SMTPUTF8");
	if (s->o->tls != NULL && s->c.ssl == NULL)
		conn_reply(&s->c, "250-STARTTLS");
	conn_reply(&s->c, "250 DSN");
}

/* Enough room in the spool for this message (or any, when size < 0)? */
static int
session_room(struct session *s, int64_t size)
{
	int64_t avail = spool_free_space();

	if (size < 0)
		size = 0;
	return avail >= 0 && avail - size >= s->o->min_free;
}

static void
cmd_mail(struct session *s, const char *arg)
{
	struct smtp_reply r;

	if (s->st >= S_MAIL) {
		session_error(s, "5.5.1 Error: nested MAIL command",
		    503);
		return;
	}
	if (smtp_parse_mail(arg, &s->mail, &r) == -1) {
		session_syntax(s, &r);
		return;
	}
	if (s->mail.size > s->o->size_limit) {
		conn_reply(&s->c, "552 5.3.4 Message size exceeds fixed limit");
		return;
	}
	if (!session_room(s, s->mail.size)) {
		conn_reply(&s->c, "452 4.3.1 Insufficient system storage");
		return;
	}
	session_enter(s, S_MAIL);
	conn_reply(&s->c, "250 2.1.0 Ok");
}

static int
session_has_rcpt(const struct session *s, const char *addr)
{
	int i;

	for (i = 0; i < s->nrcpt; i++)
		if (strcmp(s->rcpt[i].rcpt, addr) == 0)
			return 1;
	return 0;
}

static void
session_rcpt_policy(struct session *s, const struct smtp_rcpt *r)
{
	switch (r->domain[0] ? policy_check(r->domain, r->rcpt) :
	    POLICY_NO_RELAY) {
	case POLICY_ACCEPT:
		break;
	case POLICY_NO_USER:
		log_event(LOG_INFO, NULL, "reject: RCPT from [%s]: 550 5.1.1 "
		    "<%s>: not on the recipient list", s->ip, r->rcpt);
		conn_reply(&s->c, "550 5.1.1 <%s>: Recipient address rejected: "
		    "not on the recipient list of this domain", r->rcpt);
		return;
	case POLICY_TEMPFAIL:
		conn_reply(&s->c, "451 4.3.0 <%s>: Temporary lookup failure, "
		    "try again later", r->rcpt);
		return;
	case POLICY_PRIMARY_UP:
		log_event(LOG_INFO, NULL, "defer: RCPT from [%s]: 450 4.7.1 "
		    "<%s>: primary is up", s->ip, r->rcpt);
		conn_reply(&s->c, "450 4.7.1 <%s>: the primary mail server of "
		    "this domain is up: deliver there, or try again later",
		    r->rcpt);
		return;
	case POLICY_NO_RELAY:
		log_event(LOG_INFO, NULL, "reject: RCPT from [%s]: 550 5.7.1 "
		    "<%s>: relaying denied", s->ip, r->rcpt);
		conn_reply(&s->c, "550 5.7.1 <%s>: relaying denied", r->rcpt);
		return;
	}
	if (!session_has_rcpt(s, r->rcpt))
		s->rcpt[s->nrcpt++] = *r;
	session_enter(s, S_RCPT);
	conn_reply(&s->c, "250 2.1.5 Ok");
}

/*
 * Room for one more recipient.  The array grows with the RCPTs that come:
 * a large max_recipients must not cost its full size in every session.
 */
static int
session_rcpt_room(struct session *s)
{
	struct smtp_rcpt *n;
	int cap;

	if (s->nrcpt < s->caprcpt)
		return 0;
	cap = s->caprcpt > 0 ? s->caprcpt * 2 : 8;
	if (cap > s->o->max_rcpt)
		cap = s->o->max_rcpt;
	if ((n = realloc(s->rcpt, (size_t)cap * sizeof(*n))) == NULL)
		return -1;
	s->rcpt = n;
	s->caprcpt = cap;
	return 0;
}

static void
cmd_rcpt(struct session *s, const char *arg)
{
	struct smtp_rcpt r;
	struct smtp_reply rep;

	s->rcpt_cmds++;
	if (smtp_parse_rcpt(arg, s->mail.smtputf8, &r, &rep) == -1) {
		session_syntax(s, &rep);
		return;
	}
	if (s->nrcpt >= s->o->max_rcpt) {
		conn_reply(&s->c, "452 4.5.3 Error: too many recipients");
		return;
	}
	if (session_rcpt_room(s) == -1) {
		conn_reply(&s->c, "452 4.3.0 Insufficient resources");
		return;
	}
	session_rcpt_policy(s, &r);
}

static void
session_received(struct session *s, struct spool_file *f)
{
	char date[64], hdr[1200];
	time_t now = time(NULL);
	struct tm tm;
	int n;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	/* TCP-info is an address literal: "[192.0.2.1]", "[IPv6:::1]"
	 * (RFC 5321 4.4 and 4.1.3). */
	n = snprintf(hdr, sizeof(hdr), "Received: from %.200s ([%s%s])\r\n"
	    "\tby %.200s (backupmx) with %s%s%s id %s", s->helo,
	    strchr(s->ip, ':') != NULL ? "IPv6:" : "", s->ip,
	    s->o->myhostname, s->mail.smtputf8 ? "UTF8SMTP" :
	    s->esmtp ? "ESMTP" : "SMTP", s->c.ssl != NULL ? "S" : "",
	    "", f->id);
	if (s->nrcpt == 1)
		n += snprintf(hdr + n, sizeof(hdr) - (size_t)n,
		    "\r\n\tfor <%.256s>", s->rcpt[0].rcpt);
	n += snprintf(hdr + n, sizeof(hdr) - (size_t)n, "; %s\r\n", date);
	spool_write(f, hdr, (size_t)n);
}

static int
rcpt_cmp(const void *a, const void *b)
{
	return strcmp(((const struct smtp_rcpt *)a)->domain,
	    ((const struct smtp_rcpt *)b)->domain);
}

static void
notify_text(int bits, char *out, size_t outsz)
{
	out[0] = '\0';
	if (bits & SMTP_NOTIFY_NEVER)
		snprintf(out, outsz, "NEVER");
	else
		snprintf(out, outsz, "%s%s%s%s%s",
		    bits & SMTP_NOTIFY_SUCCESS ? "SUCCESS" : "",
		    (bits & SMTP_NOTIFY_SUCCESS) &&
		    (bits & (SMTP_NOTIFY_FAILURE | SMTP_NOTIFY_DELAY)) ? "," : "",
		    bits & SMTP_NOTIFY_FAILURE ? "FAILURE" : "",
		    (bits & SMTP_NOTIFY_FAILURE) && (bits & SMTP_NOTIFY_DELAY) ?
		    "," : "", bits & SMTP_NOTIFY_DELAY ? "DELAY" : "");
}

/* Build one queue message per recipient domain and commit them. */
static int
session_commit(struct session *s, struct spool_file *f, int64_t size,
    char *err)
{
	struct queue_msg_in *m;
	struct queue_rcpt_in *r;
	char (*ids)[SPOOL_ID_MAX], (*notify)[40];
	int i, n = 0, rc = -1;
	int64_t now = util_now();

	qsort(s->rcpt, (size_t)s->nrcpt, sizeof(*s->rcpt), rcpt_cmp);
	m = calloc((size_t)s->nrcpt, sizeof(*m));
	r = calloc((size_t)s->nrcpt, sizeof(*r));
	ids = calloc((size_t)s->nrcpt, sizeof(*ids));
	notify = calloc((size_t)s->nrcpt, sizeof(*notify));
	if (m == NULL || r == NULL || ids == NULL || notify == NULL) {
		snprintf(err, SPOOL_ERR_MAX, "out of memory");
		spool_abort(f);
		goto done;
	}
	for (i = 0; i < s->nrcpt; i++) {
		r[i].address = s->rcpt[i].rcpt;
		r[i].orcpt = s->rcpt[i].orcpt[0] ? s->rcpt[i].orcpt : NULL;
		notify_text(s->rcpt[i].notify, notify[i], sizeof(notify[i]));
		r[i].notify = notify[i][0] ? notify[i] : NULL;
		if (i > 0 && strcmp(s->rcpt[i].domain,
		    s->rcpt[i - 1].domain) == 0) {
			m[n - 1].nrcpt++;
			continue;
		}
		if (n == 0)
			util_strlcpy(ids[n], f->id, SPOOL_ID_MAX);
		else
			spool_new_id(ids[n]);
		m[n].id = ids[n];
		m[n].node = s->o->myhostname;
		m[n].domain = s->rcpt[i].domain;
		m[n].sender = s->mail.sender;
		m[n].size = size;
		m[n].arrival = now;
		m[n].expires = now + s->o->lifetime;
		m[n].client = s->ip;
		m[n].helo = s->helo;
		m[n].envid = s->mail.envid[0] ? s->mail.envid : NULL;
		m[n].ret = s->mail.ret == SMTP_RET_FULL ? "FULL" :
		    s->mail.ret == SMTP_RET_HDRS ? "HDRS" : NULL;
		m[n].body8 = s->mail.body == SMTP_BODY_8BITMIME;
		m[n].smtputf8 = s->mail.smtputf8;
		m[n].rcpt = &r[i];
		m[n++].nrcpt = 1;
	}
	if ((rc = spool_commit(f, m, (size_t)n, err)) == 0) {
		sched_wake();	/* a first attempt right away */
		for (i = 0; i < n; i++)
			log_event(LOG_INFO, m[i].id, "from=<%s>, size=%lld, "
			    "nrcpt=%zu (queue active)", s->mail.sender,
			    (long long)size, m[i].nrcpt);
	}
done:
	free(m);
	free(r);
	free(ids);
	free(notify);
	return rc;
}

/* After the final dot: refuse what the scan flagged, else commit. */
static void
session_data_done(struct session *s, struct spool_file *f,
    const struct smtp_data_result *res)
{
	char err[SPOOL_ERR_MAX], id[SPOOL_ID_MAX];
	const char *why = NULL;

	if (res->bare_eol)
		why = "550 5.5.2 Message refused: bare CR or LF in the text "
		    "(RFC 5321 section 2.3.8)";
	else if (res->too_big)
		why = "552 5.3.4 Message size exceeds fixed limit";
	else if (res->too_long)
		why = "550 5.5.6 Message refused: a text line is longer than "
		    "1000 octets";
	else if (res->received > SMTP_MAX_RECEIVED)
		why = "554 5.4.6 Too many Received: headers: mail loop";
	if (why != NULL) {
		spool_abort(f);
		log_event(LOG_INFO, NULL, "reject: DATA from [%s]: %s", s->ip,
		    why);
		conn_reply(&s->c, "%s", why);
		return;
	}
	util_strlcpy(id, f->id, sizeof(id));
	/* The queued size is the file's: our Received: header included, as
	 * it goes out with SIZE= on delivery. */
	if (session_commit(s, f, f->size, err) == -1) {
		log_event(LOG_ERR, id, "not queued: %s", err);
		conn_reply(&s->c, strstr(err, "No space") != NULL ?
		    "452 4.3.1 Insufficient system storage" :
		    "451 4.3.0 Local error in processing, try again later");
		return;
	}
	conn_reply(&s->c, "250 2.0.0 Ok: queued as %s", id);
}

static void
cmd_data(struct session *s, const char *arg)
{
	struct smtp_data_result res;
	char err[SPOOL_ERR_MAX];
	int rc;

	if (*arg != '\0') {
		session_error(s, "5.5.4 Syntax: DATA", 501);
		return;
	}
	/* RFC 5321 3.3 allows 503 or 554 here: 554 tells a pipelining
	 * client that its RCPTs were all refused, 503 that it sent none. */
	if (s->st < S_RCPT) {
		if (s->rcpt_cmds > 0)
			session_error(s, "5.5.1 Error: no valid recipients",
			    554);
		else
			session_error(s, "5.5.1 Error: need RCPT command", 503);
		return;
	}
	if (!session_room(s, s->mail.size)) {
		conn_reply(&s->c, "452 4.3.1 Insufficient system storage");
		return;
	}
	if (spool_open(s->spool, err) == -1) {
		log_event(LOG_ERR, NULL, "%s", err);
		conn_reply(&s->c, "451 4.3.0 Local error in processing");
		return;
	}
	conn_reply(&s->c, "354 End data with <CR><LF>.<CR><LF>");
	session_received(s, s->spool);
	rc = smtp_data_read(&s->c, s->spool, s->o->size_limit,
	    s->o->data_timeout, &res);
	if (rc != CONN_OK) {
		spool_abort(s->spool);
		s->st = S_QUIT;
		if (rc == CONN_TIMEOUT)
			conn_reply(&s->c, "421 4.4.2 %s Error: timeout exceeded",
			    s->o->myhostname);
		else if (rc == CONN_STOP)
			conn_reply(&s->c, "421 4.3.2 %s Service shutting down",
			    s->o->myhostname);
		return;
	}
	session_data_done(s, s->spool, &res);
	session_enter(s, S_READY);
}

static void
cmd_rset(struct session *s, const char *arg)
{
	if (*arg != '\0') {
		session_error(s, "5.5.4 Syntax: RSET", 501);
		return;
	}
	if (s->st > S_READY)
		session_enter(s, S_READY);
	conn_reply(&s->c, "250 2.0.0 Ok");
}

static void
cmd_noop(struct session *s, const char *arg)
{
	(void)arg;
	conn_reply(&s->c, "250 2.0.0 Ok");
}

static void
cmd_quit(struct session *s, const char *arg)
{
	(void)arg;
	conn_reply(&s->c, "221 2.0.0 Bye");
	s->st = S_QUIT;
}

static void
cmd_vrfy(struct session *s, const char *arg)
{
	(void)arg;
	conn_reply(&s->c, "252 2.5.2 Cannot VRFY user, but will accept "
	    "message for domains we serve");
}

static void
cmd_help(struct session *s, const char *arg)
{
	(void)arg;
	conn_reply(&s->c, "214 2.0.0 Commands: HELO EHLO MAIL RCPT DATA RSET "
	    "NOOP QUIT VRFY HELP%s", s->o->tls ? " STARTTLS" : "");
}

static void
cmd_not_implemented(struct session *s, const char *arg)
{
	(void)arg;
	session_error(s, "5.5.1 Error: command not implemented", 502);
}

static void
cmd_starttls(struct session *s, const char *arg)
{
	if (s->o->tls == NULL || s->c.ssl != NULL) {
		session_error(s, "5.5.1 Error: command not implemented",
		    502);
		return;
	}
	if (*arg != '\0') {
		session_error(s, "5.5.4 Syntax: STARTTLS", 501);
		return;
	}
	if (s->st > S_READY) {
		session_error(s, "5.5.1 Error: MAIL transaction in "
		    "progress", 503);
		return;
	}
	conn_reply(&s->c, "220 2.0.0 Ready to start TLS");
	/* Anything the client pipelined after STARTTLS was sent in clear
	 * text and must not be executed inside TLS (CVE-2011-0411). */
	conn_discard(&s->c);
	if (conn_starttls(&s->c, s->o->tls, s->o->cmd_timeout) == -1) {
		log_event(LOG_INFO, NULL, "TLS handshake with [%s] failed",
		    s->ip);
		s->st = S_QUIT;
		return;
	}
	/* RFC 3207: forget everything learned before TLS. */
	session_enter(s, S_FRESH);
	s->helo[0] = '\0';
	s->esmtp = 0;
}

static const struct smtp_cmd_entry smtp_cmds[] = {
	{ SMTP_HELO, S_FRESH, cmd_helo },
	{ SMTP_EHLO, S_FRESH, cmd_ehlo },
	{ SMTP_MAIL, S_READY, cmd_mail },
	{ SMTP_RCPT, S_MAIL, cmd_rcpt },
	{ SMTP_DATA, S_FRESH, cmd_data },
	{ SMTP_RSET, S_FRESH, cmd_rset },
	{ SMTP_NOOP, S_FRESH, cmd_noop },
	{ SMTP_QUIT, S_FRESH, cmd_quit },
	{ SMTP_VRFY, S_FRESH, cmd_vrfy },
	{ SMTP_HELP, S_FRESH, cmd_help },
	{ SMTP_STARTTLS, S_FRESH, cmd_starttls },
	{ SMTP_EXPN, S_FRESH, cmd_not_implemented },
	{ SMTP_BDAT, S_FRESH, cmd_not_implemented },
	{ SMTP_AUTH, S_FRESH, cmd_not_implemented },
	{ SMTP_UNKNOWN, S_FRESH, NULL }
};

static void
session_dispatch(struct session *s, const char *line, size_t len)
{
	const struct smtp_cmd_entry *e;
	struct smtp_command cmd;
	struct smtp_reply r;

	if (smtp_parse_command(line, len, &cmd, &r) == -1) {
		session_syntax(s, &r);
		return;
	}
	for (e = smtp_cmds; e->run != NULL; e++)
		if (e->verb == cmd.verb)
			break;
	if (e->run == NULL)
		session_error(s, "5.5.2 Error: command not recognized",
		    500);
	else if (s->st < e->need)
		session_error(s, e->need == S_READY ?
		    "5.5.1 Error: send HELO/EHLO first" :
		    "5.5.1 Error: need MAIL command", 503);
	else
		e->run(s, cmd.arg);
}

/* Read and run commands until QUIT, an error, a timeout or shutdown. */
static void
session_loop(struct session *s)
{
	char line[SMTP_LINE_MAX + 1];
	size_t len;
	int rc, bare;

	while (s->st != S_QUIT) {
		rc = conn_getline(&s->c, line, SMTP_LINE_MAX, &len, &bare,
		    s->o->cmd_timeout);
		if (rc == CONN_TOOLONG) {
			session_error(s, "5.5.2 Error: line too long",
			    500);
		} else if (rc == CONN_TIMEOUT) {
			conn_reply(&s->c, "421 4.4.2 %s Error: timeout exceeded",
			    s->o->myhostname);
			break;
		} else if (rc == CONN_STOP) {
			conn_reply(&s->c, "421 4.3.2 %s Service shutting down",
			    s->o->myhostname);
			break;
		} else if (rc != CONN_OK)
			break;
		else if (bare)
			session_error(s, "5.5.2 Error: bare LF; lines "
			    "end with CRLF", 500);
		else
			session_dispatch(s, line, len);
		if (s->errors >= MAX_ERRORS) {
			conn_reply(&s->c, "421 4.7.0 %s Error: too many errors",
			    s->o->myhostname);
			break;
		}
	}
}

void
smtp_session_run(int fd, const char *peer_ip, const struct relay_opts *o,
    const int *stop)
{
	struct session *s;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->spool = malloc(sizeof(*s->spool))) == NULL) {
		free(s);
		close(fd);
		return;
	}
	conn_init(&s->c, fd, stop);
	s->spool->fd = -1;
	s->o = o;
	util_strlcpy(s->ip, peer_ip, sizeof(s->ip));
	log_event(LOG_INFO, NULL, "connect from [%s]", s->ip);
	conn_reply(&s->c, "220 %s ESMTP", o->myhostname);
	session_loop(s);
	conn_close(&s->c);
	log_event(LOG_INFO, NULL, "disconnect from [%s]", s->ip);
	free(s->rcpt);
	free(s->spool);
	free(s);
}
