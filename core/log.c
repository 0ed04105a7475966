/*
 * log — see log.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static const char *log_ident = "backupmx";
static int log_foreground = 1;

void
log_init(const char *ident, int foreground)
{
	log_ident = ident;
	log_foreground = foreground;
	if (!foreground)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

void
log_event(int prio, const char *id, const char *fmt, ...)
{
	char text[2048], line[2200];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	/* Control characters from the network never reach the log raw. */
	for (char *p = text; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	if (!log_foreground) {
		if (id != NULL)
			syslog(prio, "%s: %s", id, text);
		else
			syslog(prio, "%s", text);
		return;
	}
	n = snprintf(line, sizeof(line), "%s[%ld]: %s%s%s\n", log_ident,
	    (long)getpid(), id != NULL ? id : "", id != NULL ? ": " : "", text);
	if (n > (int)sizeof(line) - 1) {
		n = (int)sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	if (n > 0 && write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}
