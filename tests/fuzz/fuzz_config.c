/*
 * fuzz_config — libFuzzer target for core/config.c's parser: the input
 * is a configuration file's text (a NUL ends it, as config_load refuses
 * NULs before parsing).  A successful parse must give every string key
 * a value or NULL and a README table / value print that works; a failed
 * one an error that names the file.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

static const char *const fuzz_keys[] = {
	"db", "spool_dir", "smtp_listen", "myhostname", "mx_names",
	"probe_interval", "max_queue_lifetime", "min_free_space",
	"dns_resolver", "tls_cert", "panel_listen", "zone_hostmaster",
	"no_such_key",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cf;
	char err[CONFIG_ERR_MAX], buf[4096], *text;
	size_t i;
	long secs;

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&cf, 0, sizeof(cf));
	err[0] = '\0';
	if (config_parse(&cf, "fuzz.conf", text, err) == 0) {
		assert(cf.db != NULL && cf.spool_dir != NULL);
		assert(cf.myhostname != NULL && cf.mx_names != NULL);
		for (i = 0; i < sizeof(fuzz_keys) / sizeof(fuzz_keys[0]); i++)
			(void)config_value(&cf, fuzz_keys[i], buf,
			    sizeof(buf));
		config_free(&cf);
	} else {
		assert(strncmp(err, "fuzz.conf", 9) == 0);
		assert(memchr(err, '\0', sizeof(err)) != NULL);
	}
	(void)config_duration(text, &secs);
	free(text);
	return 0;
}
