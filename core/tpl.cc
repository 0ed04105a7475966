/*
 * tpl — the C face of Google ctemplate.  See tpl.h.
 *
 * A struct tpl * is a ctemplate::TemplateDictionary * seen from C; the
 * cast is the only trick.  Every entry point catches every exception, so
 * nothing C++ ever unwinds through a C caller: a failed call returns NULL
 * (or does nothing), which the caller already has to handle.
 *
 * Threads: ctemplate's default template cache has its own locks (this is
 * the threaded libctemplate), and a dictionary is only touched by the
 * thread that made it.
 * Names: ctemplate finds a variable or section by a 64-bit id, the hash
 * of its name.  A name passed as plain text is hashed again on every call
 * and looked up in ctemplate's global id-to-name map under a read-write
 * lock; with 25 list rows of ten values each, that lock was a tenth of
 * the panel's CPU.  So the shim keeps its own table of names it has seen,
 * each with its id computed once (a StaticTemplateString, the form
 * ctemplate's own STS_INIT constants take): written under a mutex the
 * first time a name comes by, read without any lock after that.  Names
 * longer than a slot, or past the table's fill limit, go the plain way.
 * Memory: tpl_new() dictionaries are freed with tpl_free(); section and
 * include dictionaries live in their parent's arena.  tpl_expand()
 * returns malloc'd text the caller frees.
 */
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include <ctemplate/template.h>

#include "tpl.h"

using ctemplate::StaticTemplateString;
using ctemplate::TemplateDictionary;
using ctemplate::TemplateString;

/* --- names with their ids computed once ---------------------------------- */

#define TPL_NAME_MAX	47	/* longer names are not kept */
#define TPL_NAMES	1024	/* slots; a power of two */
#define TPL_NAMES_FILL	768	/* at most this many are used */

struct tpl_name {
	std::atomic<int>	 ready;	/* 1 once the fields below are set */
	uint32_t		 hash;
	size_t			 len;
	char			 text[TPL_NAME_MAX + 1];
	StaticTemplateString	 sts;
};

static struct tpl_name tpl_names[TPL_NAMES];
static std::mutex tpl_names_lock;
static size_t tpl_names_used;	/* under tpl_names_lock */

static uint32_t
tpl_name_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (len-- > 0)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* Claim slot n for the name (the caller holds tpl_names_lock). */
static const StaticTemplateString *
tpl_name_fill(struct tpl_name *n, const char *s, size_t len, uint32_t h)
{
	memcpy(n->text, s, len);
	n->text[len] = '\0';
	n->hash = h;
	n->len = len;
	n->sts.do_not_use_directly_.ptr_ = n->text;
	n->sts.do_not_use_directly_.length_ = len;
	n->sts.do_not_use_directly_.id_ = 0;
	/* Computes the id and enters the name in ctemplate's global map. */
	ctemplate::StaticTemplateStringInitializer init(&n->sts);
	tpl_names_used++;
	n->ready.store(1, std::memory_order_release);
	return &n->sts;
}

/* The kept form of name s, or NULL to pass it as plain text. */
static const StaticTemplateString *
tpl_name(const char *s)
{
	size_t len = strlen(s), i, probes;
	uint32_t h;
	struct tpl_name *n;

	if (len > TPL_NAME_MAX)
		return NULL;
	h = tpl_name_hash(s, len);
	for (i = h & (TPL_NAMES - 1), probes = 0; probes < TPL_NAMES;
	    i = (i + 1) & (TPL_NAMES - 1), probes++) {
		n = &tpl_names[i];
		if (!n->ready.load(std::memory_order_acquire)) {
			std::lock_guard<std::mutex> hold(tpl_names_lock);
			if (!n->ready.load(std::memory_order_relaxed))
				return tpl_names_used >= TPL_NAMES_FILL ? NULL :
				    tpl_name_fill(n, s, len, h);
			/* another thread took the slot meanwhile: compare */
		}
		if (n->hash == h && n->len == len &&
		    memcmp(n->text, s, len) == 0)
			return &n->sts;
	}
	return NULL;
}

/* The name as ctemplate takes it: with its id when it is kept. */
static TemplateString
tpl_key(const char *s)
{
	const StaticTemplateString *sts = tpl_name(s);

	return sts != NULL ? TemplateString(*sts) : TemplateString(s);
}

static TemplateDictionary *
dict_of(struct tpl *d)
{
	return reinterpret_cast<TemplateDictionary *>(d);
}

static struct tpl *
tpl_of(TemplateDictionary *d)
{
	return reinterpret_cast<struct tpl *>(d);
}

extern "C" int
tpl_init(const char *root)
{
	if (root == NULL || *root == '\0')
		return -1;
	try {
		return ctemplate::mutable_default_template_cache()->
		    SetTemplateRootDirectory(root) ? 0 : -1;
	} catch (...) {
		return -1;
	}
}

extern "C" void
tpl_reload(void)
{
	try {
		ctemplate::mutable_default_template_cache()->ReloadAllIfChanged(
		    ctemplate::TemplateCache::LAZY_RELOAD);
	} catch (...) {
		/* the old templates stay in use */
	}
}

extern "C" struct tpl *
tpl_new(const char *name)
{
	try {
		return tpl_of(new TemplateDictionary(name != NULL ? name : ""));
	} catch (...) {
		return NULL;
	}
}

extern "C" void
tpl_free(struct tpl *d)
{
	try {
		delete dict_of(d);
	} catch (...) {
		/* a destructor that throws leaks; nothing better to do */
	}
}

extern "C" void
tpl_set(struct tpl *d, const char *key, const char *value)
{
	if (d == NULL || key == NULL)
		return;
	try {
		dict_of(d)->SetValue(tpl_key(key), value != NULL ? value : "");
	} catch (...) {
		/* the value stays unset and expands empty */
	}
}

extern "C" void
tpl_set_int(struct tpl *d, const char *key, long long value)
{
	char buf[32], *p = buf + sizeof(buf);
	unsigned long long u = value < 0 ? 0ULL - (unsigned long long)value :
	    (unsigned long long)value;

	/* SetIntValue() takes a long; text keeps every long long exact.
	 * Digits by hand: snprintf's format machinery cost more than the
	 * rest of the call. */
	*--p = '\0';
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (value < 0)
		*--p = '-';
	tpl_set(d, key, p);
}

extern "C" void
tpl_show(struct tpl *d, const char *section)
{
	if (d == NULL || section == NULL)
		return;
	try {
		dict_of(d)->ShowSection(tpl_key(section));
	} catch (...) {
		/* the section stays hidden */
	}
}

extern "C" struct tpl *
tpl_section(struct tpl *d, const char *section)
{
	if (d == NULL || section == NULL)
		return NULL;
	try {
		return tpl_of(dict_of(d)->AddSectionDictionary(
		    tpl_key(section)));
	} catch (...) {
		return NULL;
	}
}

extern "C" struct tpl *
tpl_include(struct tpl *d, const char *name, const char *file)
{
	TemplateDictionary *sub;

	if (d == NULL || name == NULL || file == NULL)
		return NULL;
	try {
		sub = dict_of(d)->AddIncludeDictionary(tpl_key(name));
		sub->SetFilename(file);
		return tpl_of(sub);
	} catch (...) {
		return NULL;
	}
}

extern "C" char *
tpl_expand(const char *file, struct tpl *d)
{
	std::string out;
	char *text;

	if (file == NULL || d == NULL)
		return NULL;
	try {
		if (!ctemplate::ExpandTemplate(file, ctemplate::STRIP_BLANK_LINES,
		    dict_of(d), &out))
			return NULL;
	} catch (...) {
		return NULL;
	}
	if ((text = static_cast<char *>(malloc(out.size() + 1))) == NULL)
		return NULL;
	memcpy(text, out.data(), out.size());
	text[out.size()] = '\0';
	return text;
}
