/*
 * A libipsec client as a user writes one: it includes only the installed
 * headers and links only the installed library (pkg-config ipsec), never
 * the build tree.  It prints one line per check for
 * tests/scripts/test_libipsec_install.sh to compare; with SOCK set it
 * also talks to that socket manager.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpfkey.h>
#include <netipsec/ipsec.h>

/* KAME's ipsec_set_policy(3) examples, in ipsec_dump_policy() form. */
static const char *const examples[] = {
	"in discard",
	"out ipsec esp/transport//require",
	"out ipsec esp/tunnel/10.1.1.2-10.1.1.1/use",
	"in ipsec ipcomp/transport//use esp/transport//use",
	"in bypass",
	"out entrust",
};

static void
roundtrip(void)
{
	size_t i;
	char *buf, *back;

	for (i = 0; i < sizeof(examples) / sizeof(examples[0]); i++) {
		buf = ipsec_set_policy(examples[i], (int)strlen(examples[i]));
		back = buf == NULL ? NULL : ipsec_dump_policy(buf, NULL);
		printf("policy %d %s\n", buf == NULL ? -1 :
		    ipsec_get_policylen(buf), back == NULL ? ipsec_strerror() :
		    back);
		free(back);
		free(buf);
	}
	buf = ipsec_set_policy("out ipsec esp/beet//require", 27);
	printf("error %s: %s\n", buf == NULL ? "NULL" : "buffer",
	    ipsec_strerror());
	free(buf);
}

static void
check(void)
{
	struct sadb_msg m;
	caddr_t mhp[SADB_EXT_MAX + 1];
	int rc;

	memset(&m, 0, sizeof(m));
	memset(mhp, 0, sizeof(mhp));
	m.sadb_msg_version = PF_KEY_V2;
	m.sadb_msg_type = SADB_ADD;
	m.sadb_msg_satype = SADB_SATYPE_UNSPEC;
	m.sadb_msg_len = PFKEY_UNIT64(sizeof(m));
	mhp[0] = (caddr_t)&m;
	rc = pfkey_check(mhp);
	printf("check add/unspec %d: %s\n", rc, ipsec_strerror());
	m.sadb_msg_satype = SADB_SATYPE_ESP;
	rc = pfkey_check(mhp);
	printf("check add/esp %d: %s\n", rc, ipsec_strerror());
}

/* One reply: its type and errno. */
static struct sadb_msg *
reply(int so, const char *what)
{
	struct sadb_msg *r = pfkey_recv(so);

	if (r == NULL)
		printf("%s: no reply: %s\n", what, ipsec_strerror());
	else
		printf("%s: type %u errno %u\n", what, r->sadb_msg_type,
		    r->sadb_msg_errno);
	return r;
}

/*
 * setsockopt(IP_IPSEC_POLICY) as KAME programs call it: linked with
 * libipsec, it reaches the socket manager, and getsockopt reads it back.
 */
static void
sockopt(void)
{
	char *pol, *back, buf[128];
	socklen_t len = sizeof(buf);
	int s, rc;

	s = socket(AF_INET, SOCK_DGRAM, 0);
	pol = ipsec_set_policy("in bypass", 9);
	rc = setsockopt(s, IPPROTO_IP, IP_IPSEC_POLICY, pol,
	    (socklen_t)ipsec_get_policylen(pol));
	printf("setsockopt %d\n", rc);
	memcpy(buf, pol, (size_t)ipsec_get_policylen(pol));
	free(pol);
	rc = getsockopt(s, IPPROTO_IP, IP_IPSEC_POLICY, buf, &len);
	back = rc == 0 ? ipsec_dump_policy(buf, NULL) : NULL;
	printf("getsockopt %d %s\n", rc, back != NULL ? back : "-");
	free(back);
	pol = ipsec_set_policy("out discard", 11);
	rc = setsockopt(s, IPPROTO_IP, IP_IPSEC_POLICY, pol,
	    (socklen_t)ipsec_get_policylen(pol));
	printf("discard %d %s\n", rc, rc != 0 ? strerror(errno) : "-");
	free(pol);
	close(s);
}

static void
live(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct sockaddr_in b = { .sin_family = AF_INET };
	caddr_t mhp[SADB_EXT_MAX + 1];
	struct sadb_msg *r;
	char *pol;
	int rc, so;

	if ((so = pfkey_open()) < 0) {
		perror("pfkey_open");
		return;
	}
	printf("buffer %s\n", pfkey_set_buffer_size(so, 200) >= 200 ?
	    "raised" : "small");
	inet_pton(AF_INET, "10.0.0.1", &a.sin_addr);
	inet_pton(AF_INET, "10.0.0.2", &b.sin_addr);
	pol = ipsec_set_policy(examples[1], (int)strlen(examples[1]));
	pfkey_send_spdadd(so, (void *)&a, 32, (void *)&b, 32, 255, pol,
	    ipsec_get_policylen(pol), 0);
	if ((r = reply(so, "spdadd")) != NULL) {
		rc = pfkey_align(r, mhp);
		printf("align %d check %d\n", rc, pfkey_check(mhp));
		free(r);
	}
	pfkey_send_migrate(so, (void *)&a, (void *)&b, (void *)&a, 32,
	    (void *)&b, 32, 255, pol, ipsec_get_policylen(pol), 0);
	free(reply(so, "migrate"));
	pfkey_send_spddump(so);
	if ((r = reply(so, "spddump")) != NULL) {
		pfkey_spdump(r);
		free(r);
	}
	free(pol);
	pfkey_close(so);
	sockopt();
}

int
main(void)
{
	roundtrip();
	check();
	if (getenv("SOCK") != NULL)
		live();
	return 0;
}
