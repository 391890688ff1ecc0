package dev.trawl.scrape;

import crawlercommons.sitemaps.AbstractSiteMap;
import crawlercommons.sitemaps.SiteMap;
import crawlercommons.sitemaps.SiteMapIndex;
import crawlercommons.sitemaps.SiteMapParser;
import crawlercommons.sitemaps.SiteMapURL;
import crawlercommons.sitemaps.UnknownFormatException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads a fetched sitemap with crawler-commons' parser: an XML sitemap or sitemap index (also RSS
 * and Atom feeds), or a text sitemap (one URL a line), any of them gzipped. The body was bounded by
 * the fetch; a gzipped one is unpacked here under the same bound, so a small file that unpacks to
 * gigabytes fails as {@code oversize} after reading no more than the bound. The parser runs
 * leniently: it does not drop URLs outside the sitemap's directory or host, because the crawl's own
 * rules (site, include, exclude, robots) decide which URLs are visited. DOCTYPEs (and so external
 * entities) are refused, as the parser does by default. CPU-bound: callers run it off the event loop.
 */
@ApplicationScoped
public class SitemapReader {

    private final long maxBytes;

    @Inject
    public SitemapReader(FetchConfig config) {
        this(config.maxBodyBytes());
    }

    SitemapReader(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Fails with a permanent {@link FetchFailure}: {@code oversize} or {@code sitemap-unreadable}. */
    public SitemapFile read(FetchedPage page) {
        String url = page.finalUrl() == null ? page.url() : page.finalUrl();
        byte[] body = isGzip(page.body()) ? gunzip(page.body(), url) : page.body();
        AbstractSiteMap parsed;
        try {
            parsed = new SiteMapParser(false).parseSiteMap(mediaType(body), body, toUrl(url));
        } catch (UnknownFormatException | IOException | RuntimeException e) {
            throw unreadable(url, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        List<String> urls = new ArrayList<>();
        if (parsed instanceof SiteMapIndex index) {
            index.getSitemaps().forEach(sitemap -> urls.add(sitemap.getUrl().toString()));
            return new SitemapFile(true, urls);
        }
        for (SiteMapURL entry : ((SiteMap) parsed).getSiteMapUrls()) {
            urls.add(entry.getUrl().toString());
        }
        return new SitemapFile(false, urls);
    }

    private static boolean isGzip(byte[] body) {
        return body.length >= 2 && body[0] == (byte) 0x1f && body[1] == (byte) 0x8b;
    }

    private byte[] gunzip(byte[] body, String url) {
        ByteArrayOutputStream unpacked = new ByteArrayOutputStream(Math.min(body.length * 4, 1 << 20));
        byte[] chunk = new byte[16 * 1024];
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                if (unpacked.size() + (long) n > maxBytes) {
                    throw FetchFailure.permanent(
                            "oversize", "The sitemap " + url + " unpacks to more than " + maxBytes + " bytes");
                }
                unpacked.write(chunk, 0, n);
            }
        } catch (IOException e) {
            throw unreadable(url, "it is not valid gzip: " + e.getMessage());
        }
        return unpacked.toByteArray();
    }

    /** XML if the first character that is not white space (or a byte-order mark) is '<', else text. */
    private static String mediaType(byte[] body) {
        for (byte b : body) {
            if (b == '<') {
                return "application/xml";
            }
            if (!Character.isWhitespace(b) && b != (byte) 0xEF && b != (byte) 0xBB && b != (byte) 0xBF) {
                return "text/plain";
            }
        }
        return "text/plain";
    }

    private static URL toUrl(String url) {
        try {
            return URI.create(url).toURL();
        } catch (IllegalArgumentException | MalformedURLException e) {
            throw unreadable(url, "its URL is not valid");
        }
    }

    private static FetchFailure unreadable(String url, String why) {
        return FetchFailure.permanent("sitemap-unreadable", "The sitemap " + url + " could not be read: " + why);
    }
}
