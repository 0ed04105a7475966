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
 * thread that made it, so the shim itself keeps no state.
 * Memory: tpl_new() dictionaries are freed with tpl_free(); section and
 * include dictionaries live in their parent's arena.  tpl_expand()
 * returns malloc'd text the caller frees.
 */
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <ctemplate/template.h>

#include "tpl.h"

using ctemplate::TemplateDictionary;

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
		dict_of(d)->SetValue(key, value != NULL ? value : "");
	} catch (...) {
		/* the value stays unset and expands empty */
	}
}

extern "C" void
tpl_set_int(struct tpl *d, const char *key, long long value)
{
	char buf[32];

	/* SetIntValue() takes a long; text keeps every long long exact. */
	snprintf(buf, sizeof(buf), "%lld", value);
	tpl_set(d, key, buf);
}

extern "C" void
tpl_show(struct tpl *d, const char *section)
{
	if (d == NULL || section == NULL)
		return;
	try {
		dict_of(d)->ShowSection(section);
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
		return tpl_of(dict_of(d)->AddSectionDictionary(section));
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
		sub = dict_of(d)->AddIncludeDictionary(name);
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
