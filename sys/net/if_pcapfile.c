/*
 * The offline pcap-file driver.  Its state is the pair of captures; the
 * netif layer counts packets, this file only moves bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys/net/if_pcapfile.h"
#include "sys/net/pcap_file.h"

struct if_pcapfile {
	struct pcap_file	*in;
	struct pcap_file	*out;
};

static int
pcapfile_output(struct netif *ifp, const uint8_t *data, size_t len)
{
	struct if_pcapfile *sc = ifp->softc;

	return pcap_file_write(sc->out, data, len, NULL);
}

static int
pcapfile_detach(struct netif *ifp)
{
	struct if_pcapfile *sc = ifp->softc;
	int rc = 0;

	if (sc->in != NULL)
		pcap_file_close(sc->in);
	if (sc->out != NULL && pcap_file_close(sc->out) != 0)
		rc = -1;
	free(sc);
	return rc;
}

static const struct netif_ops pcapfile_ops = {
	.output = pcapfile_output,
	.detach = pcapfile_detach,
};

/* A side whose output file was not given: packets toward it are lost. */
static const struct netif_ops pcapfile_nosink_ops = {
	.output = NULL,
	.detach = pcapfile_detach,
};

static int
open_files(struct if_pcapfile *sc, const char *rpath, const char *wpath,
    char *err, size_t errlen)
{
	/* The file layer's messages name the file. */
	if (rpath != NULL &&
	    (sc->in = pcap_file_open_read(rpath, err, errlen)) == NULL)
		return -1;
	if (wpath != NULL &&
	    (sc->out = pcap_file_open_write(wpath, err, errlen)) == NULL)
		return -1;
	return 0;
}

struct netif *
if_pcapfile_attach(const char *name, const char *rpath, const char *wpath,
    size_t mtu, char *err, size_t errlen)
{
	struct if_pcapfile *sc;
	struct netif *ifp;

	sc = calloc(1, sizeof(*sc));
	ifp = calloc(1, sizeof(*ifp));
	if (sc == NULL || ifp == NULL) {
		snprintf(err, errlen, "%s: out of memory", name);
		free(sc);
		free(ifp);
		return NULL;
	}
	netif_init(ifp, name, mtu,
	    wpath != NULL ? &pcapfile_ops : &pcapfile_nosink_ops, sc);
	if (open_files(sc, rpath, wpath, err, errlen) != 0) {
		netif_detach(ifp);
		return NULL;
	}
	return ifp;
}

int
if_pcapfile_read(struct netif *ifp, struct pbuf_pool *pool,
    struct pbuf **out, struct timeval *ts, char *err, size_t errlen)
{
	struct if_pcapfile *sc = ifp->softc;
	char msg[256];
	int rc;

	if (sc->in == NULL)
		return 0;
	rc = pcap_file_read(sc->in, pool, out, ts, msg, sizeof(msg));
	if (rc < 0) {
		ifp->stats.idrops++;
		snprintf(err, errlen, "%s: %s", ifp->name, msg);
	}
	return rc;
}

void
if_pcapfile_read_stats(const struct netif *ifp, struct pcap_file_stats *st)
{
	const struct if_pcapfile *sc = ifp->softc;

	memset(st, 0, sizeof(*st));
	if (sc != NULL && sc->in != NULL)
		pcap_file_stats(sc->in, st);
}
