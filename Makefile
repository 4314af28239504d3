# Top-level build: plain GNU make, one file, out-of-tree objects.
#
#   make              build everything into $(BUILD)
#   make test         build and run every test; last line "N passed, N failed"
#   make asan         the same tests under AddressSanitizer + UBSan ($(BUILD)-asan)
#   make tsan         the tests that run threads, under ThreadSanitizer
#                     ($(BUILD)-tsan; not in CI)
#   make fuzz         build the libFuzzer targets (clang) and run each briefly
#   make fuzz-long    every libFuzzer target for FUZZ_RUNS (10 M) executions
#   make bench        build and run the in-process benchmarks in tests/bench
#   make bench-live   the live benchmark (root; not in CI): our tunnel, the
#                     naive forwarder, wireguard-go and strongSwan through
#                     two namespaces, installing BENCH_DEB_PKGS when missing
#   make install      PREFIX=/usr/local DESTDIR= : programs, libraries, headers,
#                     pkg-config file, man pages
#   make deps         install the Debian packages we need, only when missing
#   make demo         the main job: two socket managers protecting traffic
#   make peers        build the real IKE daemons the tests drive (racoon,
#                     setkey; charon with kernel-pfkey, swanctl) from
#                     PEERS_DIR into PEERS_OUT, once; the daemon tests
#                     build them themselves when missing
#
# Layout: sys/*/ is the socket manager's stack (libsys.a), lib/NAME/ is an
# installed library (libNAME.a, libNAME.so), sbin/NAME/ a program, tests/unit/
# test_*.c one CUnit test program each.

BUILD	?= build
PREFIX	?= /usr/local
DESTDIR	?=
CC	?= cc
CLANG	?= clang

VERSION	= 0.1

WARN	= -Wall -Wextra -Werror
CFLAGS	?= -O2 -g
ALL_CFLAGS = -std=gnu11 $(WARN) $(CFLAGS) -fPIC $(EXTRA_CFLAGS)
ALL_CPPFLAGS = -D_GNU_SOURCE -Iinclude -I. $(CPPFLAGS)
LDLIBS_SYS = -lcrypto -lz -lpcap -lpthread
LDLIBS_TEST = -lcunit -ljansson

# Programs resolve every symbol at start and get a read-only GOT: lazy
# binding ran the dynamic linker on the key engine's stack mid-request,
# and its register spills left copies of key bytes there.
PROG_LDFLAGS = -Wl,-z,now -Wl,-z,relro

SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
	    -fno-sanitize-recover=undefined

# Debian packages: build, tests (peers, man page lint, fuzzing), demo.
DEB_PKGS = build-essential pkg-config libssl-dev zlib1g-dev libpcap-dev \
	   libcunit1-dev libjansson-dev clang libclang-rt-14-dev mandoc \
	   python3 python3-scapy python3-cryptography tshark iproute2 nftables ethtool netbase \
	   iputils-ping iperf3 bsdutils procps conntrack \
	   autoconf automake libtool gperf bison flex libfl-dev libgmp-dev \
	   gettext

# The IKE peers (tests/peers/build-peers.sh): unmodified ipsec-tools and
# strongSwan from these archives, relative to the project root, built into
# the plain tree even for the sanitized flavour (they are not our code).
PEERS_DIR ?= ../shared/peers
PEERS_OUT ?= $(patsubst %-asan,%,$(BUILD))/peers

# Debian packages only the live benchmark needs (make bench-live), never CI.
BENCH_DEB_PKGS = iperf3 wireguard-go wireguard-tools charon-systemd \
		 strongswan-swanctl libcharon-extra-plugins \
		 libstrongswan-extra-plugins libstrongswan-standard-plugins

SYS_SRCS	:= $(sort $(wildcard sys/*/*.c))
OBJ		= $(BUILD)/obj
SYS_OBJS	:= $(SYS_SRCS:%.c=$(OBJ)/%.o)
LIBS		:= $(notdir $(wildcard lib/*))
PROGS		:= $(notdir $(wildcard sbin/*))
TEST_SUPPORT	:= $(filter-out tests/unit/test_%,$(wildcard tests/unit/*.c))
TEST_SRCS	:= $(sort $(wildcard tests/unit/test_*.c))
TEST_BINS	:= $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/bin/%)
TPROG_SRCS	:= $(sort $(wildcard tests/progs/*.c))
TPROG_BINS	:= $(TPROG_SRCS:tests/progs/%.c=$(BUILD)/tests/progbin/%)
BENCH_SRCS	:= $(sort $(wildcard tests/bench/*.c))
BENCH_BINS	:= $(BENCH_SRCS:tests/bench/%.c=$(BUILD)/bench/%)
# Built with the benchmarks, run only by bench_live.sh.
BENCH_TOOLS	:= $(BUILD)/bench/naive_fwd
FUZZ_SRCS	:= $(sort $(wildcard tests/fuzz/fuzz_*.c))
LIBIPSEC_SRCS	:= $(sort $(wildcard lib/libipsec/*.c))
MAN_PAGES	:= $(wildcard docs/*.[1-9])

lib_objs = $(patsubst %.c,$(OBJ)/%.o,$(sort $(wildcard lib/$(1)/*.c)))
prog_objs = $(patsubst %.c,$(OBJ)/%.o,$(sort $(wildcard sbin/$(1)/*.c)))

LIB_ARCHIVES	:= $(LIBS:%=$(BUILD)/lib/%.a)
LIB_SHARED	:= $(LIBS:%=$(BUILD)/lib/%.so)
PROG_BINS	:= $(PROGS:%=$(BUILD)/sbin/%)
# What programs and tests link.  Never the preload shim: its socket()
# would be pulled in to resolve the program's own calls.
LINK_LIBS	:= $(BUILD)/lib/libipsec.a $(BUILD)/libsys.a

.PHONY: all test asan tsan fuzz fuzz-long bench bench-live install deps demo clean lint \
	peers FORCE
.DELETE_ON_ERROR:
.SECONDARY:

all: $(BUILD)/libsys.a $(LIB_ARCHIVES) $(LIB_SHARED) $(PROG_BINS) $(TEST_BINS) \
     $(TPROG_BINS) $(BUILD)/ipsec.pc

$(OBJ)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/libsys.a: $(SYS_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# The setsockopt() family stand-ins for per-socket policies go only into
# what programs are meant to get them from: libipsec.so, the installed
# archive, the preload shim and inetd; never into the build archive the
# tree links, whose programs and tests call the C library's.
LIBIPSEC_HOOK_OBJS = $(OBJ)/lib/libipsec/ipsec_sockopt.o
SO_EXTRA_libpfkey_shim = $(LIBIPSEC_HOOK_OBJS) \
			 -Wl,--version-script=lib/libpfkey_shim/pfkey_shim.map
PROG_EXTRA_inetd = $(LIBIPSEC_HOOK_OBJS)

define lib_rules
$(BUILD)/lib/$(1).a: $(filter-out $(LIBIPSEC_HOOK_OBJS),$(call lib_objs,$(1)))
	@mkdir -p $$(@D)
	rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach l,$(LIBS),$(eval $(call lib_rules,$(l))))

define lib_so_rules
$(BUILD)/lib/$(1).so: $(call lib_objs,$(1)) $(LINK_LIBS) \
    $(filter %.o %.map,$(subst =, ,$(SO_EXTRA_$(1))))
	@mkdir -p $$(@D)
	$(CC) $(ALL_CFLAGS) -shared -Wl,-soname,$(1).so -o $$@ \
	    $(call lib_objs,$(1)) $(SO_EXTRA_$(1)) \
	    $(filter-out $(BUILD)/lib/$(1).a,$(LINK_LIBS)) $(LDLIBS_SYS) -ldl
endef
$(foreach l,$(filter-out libipsec,$(LIBS)),$(eval $(call lib_so_rules,$(l))))

# libipsec as users link it: only the client API (libipsec.map) is
# exported, under a versioned soname; the setkey script language stays in
# the build archive that setkey and sockmgr link.  The installed archive
# is one relocatable object holding the API and the engine objects it
# needs, with every other symbol made local, so that a client linking it
# statically sees the same names as one linking the .so.
LIBIPSEC_MAJOR	= 0
LIBIPSEC_MAP	= lib/libipsec/libipsec.map
LIBIPSEC_API_OBJS = $(filter-out $(OBJ)/lib/libipsec/setkey_%,\
		    $(call lib_objs,libipsec))
LIBIPSEC_LDFLAGS = -Wl,-soname,libipsec.so.$(LIBIPSEC_MAJOR) \
		   -Wl,--version-script=$(LIBIPSEC_MAP) -Wl,--no-undefined
$(BUILD)/lib/libipsec.so: $(LIBIPSEC_API_OBJS) $(BUILD)/libsys.a \
    $(LIBIPSEC_MAP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -shared $(LIBIPSEC_LDFLAGS) -o $@ \
	    $(LIBIPSEC_API_OBJS) $(BUILD)/libsys.a $(LDLIBS_SYS)

$(BUILD)/dist/libipsec.a: $(LIBIPSEC_API_OBJS) $(BUILD)/libsys.a \
    $(LIBIPSEC_MAP)
	@mkdir -p $(@D)
	$(LD) -r -o $(@D)/libipsec.o $(LIBIPSEC_API_OBJS) $(BUILD)/libsys.a
	sed -n '/^global:/,/^local:/s/^\t\([a-z0-9_]*\);$$/\1/p' \
	    $(LIBIPSEC_MAP) > $(@D)/libipsec.syms
	objcopy --keep-global-symbols=$(@D)/libipsec.syms $(@D)/libipsec.o
	rm -f $@ && ar rcs $@ $(@D)/libipsec.o

define prog_rules
$(BUILD)/sbin/$(1): $(call prog_objs,$(1)) $(PROG_EXTRA_$(1)) $(LINK_LIBS)
	@mkdir -p $$(@D)
	$(CC) $(ALL_CFLAGS) $(PROG_LDFLAGS) -o $$@ $(call prog_objs,$(1)) \
	    $(PROG_EXTRA_$(1)) $(LINK_LIBS) $(LDLIBS_SYS) -ldl
endef
$(foreach p,$(PROGS),$(eval $(call prog_rules,$(p))))

$(BUILD)/tests/libtest.a: $(TEST_SUPPORT:%.c=$(OBJ)/%.o)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/tests/bin/%: $(OBJ)/tests/unit/%.o $(BUILD)/tests/libtest.a \
    $(LINK_LIBS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/tests/libtest.a $(LINK_LIBS) \
	    $(LDLIBS_TEST) $(LDLIBS_SYS) -ldl

# Small programs the tests run (e.g. an unmodified PF_KEY client for the
# preload shim).
$(BUILD)/tests/progbin/%: $(OBJ)/tests/progs/%.o $(LINK_LIBS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LINK_LIBS) $(LDLIBS_SYS) -ldl

$(BUILD)/bench/%: $(OBJ)/tests/bench/%.o $(LINK_LIBS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LINK_LIBS) $(LDLIBS_SYS) -ldl

# Rebuilt whenever PREFIX changes, so that install never ships a stale one.
$(BUILD)/ipsec.pc: Makefile FORCE
	@mkdir -p $(@D)
	@printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$${prefix}/lib' \
	    'includedir=$${prefix}/include' '' 'Name: libipsec' \
	    'Description: KAME-compatible PF_KEY v2 and IPsec policy library' \
	    'Version: $(VERSION)' 'Libs: -L$${libdir} -lipsec' \
	    'Libs.private: -lcrypto -lz -lpcap -lpthread' \
	    'Cflags: -I$${includedir}' > $@.new
	@cmp -s $@.new $@ && rm -f $@.new || mv $@.new $@

# The README's test command. BUILD is passed so that the runner finds the
# binaries of this flavour (plain or sanitized).
# The IKE peers are built here, once (about 6 minutes on 2 cores, then
# cached), rather than inside a daemon test, whose run would count it
# against the runner's per-script timeout.
test:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory peers || \
	    echo "peers: build failed; the IKE tests will say how"
	@BUILD=$(BUILD) PEERS_DIR=$(PEERS_DIR) PEERS_OUT=$(PEERS_OUT) \
	    tests/run-tests.sh

asan:
	$(MAKE) --no-print-directory BUILD=$(BUILD)-asan EXTRA_CFLAGS="$(SAN_FLAGS)" CFLAGS="-O1 -g" \
	    test

# The unit tests that run threads on shared SA state, counters, tunables
# an event loop, the stack lock and a shared neighbour cache.
TSAN_TESTS = test_sa_workers test_net_counter test_mib test_keysock_stream \
	     test_net_stack test_if_ether_workers
tsan:
	$(MAKE) --no-print-directory BUILD=$(BUILD)-tsan \
	    EXTRA_CFLAGS="-fsanitize=thread" CFLAGS="-O1 -g" \
	    $(TSAN_TESTS:%=$(BUILD)-tsan/tests/bin/%)
	@set -e; for t in $(TSAN_TESTS); do \
	    TSAN_OPTIONS=halt_on_error=1 $(BUILD)-tsan/tests/bin/$$t; done

FUZZ_FLAGS = -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
	     -D_GNU_SOURCE -Iinclude -I.
FUZZ_SECONDS ?= 20
FUZZ_BUILD = n=$$(basename $$f .c); \
	    $(CLANG) $(FUZZ_FLAGS) -o $(BUILD)/fuzz/$$n $$f $(SYS_SRCS) \
	        $(LIBIPSEC_SRCS) $(LDLIBS_SYS) -ldl; \
	    mkdir -p $(BUILD)/fuzz/$$n.corpus
fuzz:
	@mkdir -p $(BUILD)/fuzz
	@set -e; for f in $(FUZZ_SRCS); do \
	    $(FUZZ_BUILD); \
	    $(BUILD)/fuzz/$$n -max_total_time=$(FUZZ_SECONDS) \
	        $(BUILD)/fuzz/$$n.corpus tests/fuzz/$${n#fuzz_}.seeds \
	        2>$(BUILD)/fuzz/$$n.log || { tail -40 $(BUILD)/fuzz/$$n.log; exit 1; }; \
	    echo "$$n: $$(grep -c . $(BUILD)/fuzz/$$n.log) log lines, no crash"; \
	done

# The opt-in campaign: every target FUZZ_RUNS executions (at least 10 M)
# under ASan+UBSan, one after another; a crash stops it with the input
# in $(BUILD)/fuzz/NAME-crash-*.  The counts go to $(BUILD)/fuzz/long.txt.
# The stateful PF_KEY target runs whole socket sessions per input, about
# a hundred times slower: it gets FUZZ_STATE_RUNS.
# FUZZ_TARGETS="fuzz_ip_reass fuzz_setkey" runs only those.
FUZZ_RUNS ?= 10000000
FUZZ_STATE_RUNS ?= 1000000
FUZZ_TARGETS ?=
FUZZ_LONG_SRCS = $(if $(FUZZ_TARGETS),$(FUZZ_TARGETS:%=tests/fuzz/%.c),$(FUZZ_SRCS))
fuzz-long:
	@mkdir -p $(BUILD)/fuzz
	@set -e; : > $(BUILD)/fuzz/long.txt; for f in $(FUZZ_LONG_SRCS); do \
	    $(FUZZ_BUILD); runs=$(FUZZ_RUNS); \
	    [ $$n = fuzz_pfkey_state ] && runs=$(FUZZ_STATE_RUNS); \
	    $(BUILD)/fuzz/$$n -runs=$$runs \
	        -artifact_prefix=$(BUILD)/fuzz/$$n- $(BUILD)/fuzz/$$n.corpus \
	        tests/fuzz/$${n#fuzz_}.seeds 2>$(BUILD)/fuzz/$$n.long.log || \
	        { tail -40 $(BUILD)/fuzz/$$n.long.log; exit 1; }; \
	    sed -n "s/^Done \([0-9]*\) runs in \([0-9]*\) sec.*/$$n: \1 executions in \2 s/p" \
	        $(BUILD)/fuzz/$$n.long.log | tee -a $(BUILD)/fuzz/long.txt; \
	done

bench: $(BENCH_BINS)
	@set -e; for b in $(filter-out $(BENCH_TOOLS),$(BENCH_BINS)); do \
	    echo "== $$b"; $$b; done

# Installs what is missing (as make deps does, from its own list), then
# runs tests/bench/bench_live.sh, which skips what it cannot run.
bench-live: all $(BENCH_TOOLS)
	@missing=""; for p in $(BENCH_DEB_PKGS); do \
	    dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ] && [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    timeout 600 apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	        timeout 900 apt-get install -y -qq --no-install-recommends \
	        $$missing || echo "bench-live: could not install:$$missing"; \
	fi
	@BUILD=$(BUILD) tests/bench/bench_live.sh

lint:
	@for m in $(MAN_PAGES); do mandoc -Tlint -W warning $$m || exit 1; done

install: all $(BUILD)/dist/libipsec.a
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/lib \
	    $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include/net \
	    $(DESTDIR)$(PREFIX)/include/netipsec
	$(if $(PROG_BINS),install -m 755 $(PROG_BINS) $(DESTDIR)$(PREFIX)/sbin)
	install -m 644 $(BUILD)/dist/libipsec.a \
	    $(filter-out %/libipsec.so,$(LIB_SHARED)) $(DESTDIR)$(PREFIX)/lib
	install -m 755 $(BUILD)/lib/libipsec.so \
	    $(DESTDIR)$(PREFIX)/lib/libipsec.so.$(VERSION)
	ln -sf libipsec.so.$(VERSION) \
	    $(DESTDIR)$(PREFIX)/lib/libipsec.so.$(LIBIPSEC_MAJOR)
	ln -sf libipsec.so.$(LIBIPSEC_MAJOR) $(DESTDIR)$(PREFIX)/lib/libipsec.so
	install -m 644 lib/libipsec/libpfkey.h $(DESTDIR)$(PREFIX)/include
	install -m 644 include/net/*.h $(DESTDIR)$(PREFIX)/include/net
	install -m 644 include/netipsec/*.h $(DESTDIR)$(PREFIX)/include/netipsec
	install -m 644 $(BUILD)/ipsec.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig
	@for m in $(MAN_PAGES); do \
	    s=$${m##*.}; install -d $(DESTDIR)$(PREFIX)/share/man/man$$s; \
	    install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man$$s; done

# Install only what is missing; apt-get needs root, so say so otherwise.
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	    dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    if [ "$$(id -u)" != 0 ]; then \
	        echo "run as root: apt-get install$$missing" >&2; exit 1; fi; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	        apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# Exit 77 from the script means the archives are absent: not an error.
# The peers are built with their own flags: make passes command-line
# variables (make asan's CFLAGS) to every child in the environment and in
# MAKEFLAGS, and strongSwan's CFLAGS must keep its "-include config.h".
peers:
	@env -u CFLAGS -u EXTRA_CFLAGS -u CPPFLAGS -u MAKEFLAGS -u MFLAGS \
	    -u MAKELEVEL PEERS_DIR=$(PEERS_DIR) \
	    tests/peers/build-peers.sh $(PEERS_OUT); \
	    rc=$$?; [ $$rc = 0 ] || [ $$rc = 77 ]

demo:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory all
	@tests/demo.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(BUILD)-asan

# Only the objects' dependency files: the peers' trees ($(BUILD)/peers)
# hold .d files and directories of their own.
-include $(shell find $(OBJ) -name '*.d' -type f 2>/dev/null)
