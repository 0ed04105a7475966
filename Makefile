# backupmx — see README.  Targets: all (default), test, run, bench, clean.
#
#   make               build build/backupmxd, backupmx.fcgi, backupmxctl
#   make test          install missing packages, build, run every test
#   make run           install, build, start nginx + panel (+ relay)
#   make SANITIZE=1    build everything with ASan/UBSan into build/san

CC	 = gcc
CXX	 = g++
PKGS	 = libsodium libidn2 sqlite3 libcurl openssl jansson libxml-2.0
# snprintf() into fixed buffers truncates on purpose (error texts, log
# lines), so gcc's guesses about truncation are noise here.
WARN	 = -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-truncation
CFLAGS	 = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) \
	   -O2 -g -Icore $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
CXXFLAGS = -std=c++11 $(WARN) -Wno-shadow -O2 -g -Icore
LIBS	 = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lctemplate -lresolv -lpthread
CHECKLIBS = $(shell pkg-config --libs check 2>/dev/null)
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=all

ifeq ($(SANITIZE),1)
B	 = build/san
CFLAGS	+= $(SANFLAGS) -O1
CXXFLAGS += $(SANFLAGS) -O1
LDFLAGS	+= $(SANFLAGS)
else
B	 = build
endif

CORE_C	 = $(wildcard core/*.c)
CORE_CXX = $(wildcard core/*.cc)
CORE_OBJ = $(CORE_C:%.c=$(B)/%.o) $(CORE_CXX:%.cc=$(B)/%.o) \
	   $(B)/core/schema_sql.o
PANEL_OBJ = $(patsubst %.c,$(B)/%.o,$(wildcard cgi-bin/*.c))
CTL_OBJ	 = $(patsubst %.c,$(B)/%.o,$(wildcard relay/ctl*.c))
RELAY_OBJ = $(patsubst %.c,$(B)/%.o,$(filter-out relay/ctl%.c \
	   relay/backupmxd.c,$(wildcard relay/*.c)))
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
PROGS	 = $(B)/backupmxd $(B)/backupmx.fcgi $(B)/backupmxctl

.PHONY: all deps test run bench clean check-readme readme unit
all: $(PROGS)

deps:
	@sh .ci/deps

$(B)/%.o: %.c $(wildcard core/*.h cgi-bin/*.h relay/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

$(B)/%.o: %.cc core/tpl.h
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) -c $< -o $@

# The schema is compiled in, so a binary always knows its own migrations.
$(B)/core/schema_sql.c: core/schema.sql
	@mkdir -p $(@D)
	{ echo 'const char db_schema_sql[] = {'; \
	  od -An -v -tx1 $< | sed 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  echo '0 };'; } > $@

$(B)/libcore.a: $(CORE_OBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/backupmx.fcgi: $(PANEL_OBJ) $(B)/libcore.a
	$(CXX) $(LDFLAGS) -o $@ $^ $(LIBS) -lfcgi

$(B)/librelay.a: $(RELAY_OBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/backupmxd: $(B)/relay/backupmxd.o $(B)/librelay.a $(B)/libcore.a
	$(CXX) $(LDFLAGS) -o $@ $^ $(LIBS)

$(B)/backupmxctl: $(CTL_OBJ) $(B)/librelay.a $(B)/libcore.a
	$(CXX) $(LDFLAGS) -o $@ $^ $(LIBS)

$(B)/tests/%: tests/unit/%.c $(B)/librelay.a $(B)/libcore.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Irelay -c $< -o $@.o
	$(CXX) $(LDFLAGS) -o $@ $@.o $(B)/librelay.a $(B)/libcore.a \
	    $(LIBS) $(CHECKLIBS)

unit: $(UNIT_BIN)

# The README's configuration table must match the declaration in
# core/config.c; `make check-readme` fails when they differ.
check-readme: $(B)/backupmxctl
	@tests/check-readme.sh $(B)/backupmxctl README.md

readme: $(B)/backupmxctl
	@tests/check-readme.sh --fix $(B)/backupmxctl README.md

test: deps
	$(MAKE) all unit
	$(MAKE) SANITIZE=1 all unit
	@tests/run.sh

run: deps all
	@nginx/run.sh

bench: deps all
	@bench/run.sh

clean:
	rm -rf build

# --- fuzzing (libFuzzer, clang) -------------------------------------------
# Every tests/fuzz/fuzz_NAME.c is a target: it links against the modules
# below, built once with coverage and ASan/UBSan into build/fuzz.  Adding
# a target is adding its file (and, for a module not listed here, one
# word to FUZZ_SRC).  `make fuzz` runs each for FUZZ_SECONDS (60) on its
# corpus tests/fuzz/corpus/NAME (see tests/fuzz/run.sh).
FUZZ_CC	  = clang
FUZZ_CXX  = clang++
FB	  = build/fuzz
FUZZ_FLAGS = -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	    -fno-sanitize-recover=all
# The modules' warnings are gcc's business (the normal build has -Werror);
# clang's extra opinions must not break the fuzz build of code under
# work elsewhere.  The targets themselves are held to -Werror.
FUZZ_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	    -Wall -Wextra -Wshadow -Wformat=2 -Icore -Irelay \
	    -Icgi-bin $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
FUZZ_SRC  = $(filter-out relay/ctl%.c relay/backupmxd.c, \
	    $(wildcard core/*.c relay/*.c)) cgi-bin/form.c \
	    cgi-bin/api_parse.c
FUZZ_OBJ  = $(FUZZ_SRC:%.c=$(FB)/%.o) $(FB)/core/schema_sql.o
FUZZ_BIN  = $(patsubst tests/fuzz/%.c,$(FB)/%,$(wildcard tests/fuzz/fuzz_*.c))

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BIN)

fuzz: deps fuzz-build
	@tests/fuzz/run.sh $(FUZZ_BIN)

$(FB)/%.o: %.c $(wildcard core/*.h cgi-bin/*.h relay/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link \
	    -c $< -o $@

$(FB)/core/schema_sql.c: core/schema.sql
	@mkdir -p $(@D)
	{ echo 'const char db_schema_sql[] = {'; \
	  od -An -v -tx1 $< | sed 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  echo '0 };'; } > $@

$(FB)/core/schema_sql.o: $(FB)/core/schema_sql.c
	$(FUZZ_CC) -c $< -o $@

$(FB)/libfuzzmods.a: $(FUZZ_OBJ)
	rm -f $@ && ar rcs $@ $^

$(FB)/fuzz_%: tests/fuzz/fuzz_%.c $(FB)/libfuzzmods.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Werror $(FUZZ_FLAGS) -fsanitize=fuzzer \
	    -c $< -o $@.o
	$(FUZZ_CXX) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $@.o \
	    $(FB)/libfuzzmods.a $(LIBS)
